//! The field-workflow subcommands: `followup`, `verify-sample`, `grievances` (arguments are
//! parsed in main.rs; this module runs them and prints).

use ansinh_api::{Access, forbidden};
use ansinh_core::followup::DEFAULT_FOLLOWUP_DAYS;
use ansinh_core::verification::{self, SampleInput};
use ansinh_core::{AppError, dates};
use ansinh_store::{GrievanceQuery, Store, VerificationSampleView};
use chrono::NaiveDate;
use std::path::Path;

macro_rules! json {
    ($v:expr) => {
        serde_json::to_string_pretty($v).expect("serialisable")
    };
}

/// The follow-up list, as the app's: an officer's is forced to their ward (asking for another
/// is `auth.forbidden`); written as XLSX with `out`, audited like the app's export (the scope
/// and every person in the file).
pub async fn followup(
    a: &Access,
    as_of: NaiveDate,
    days: Option<u32>,
    ward: Option<&str>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<(), AppError> {
    let ward = a.scoped_ward(ward)?;
    let list = a.store.followup_list(as_of, days.unwrap_or(DEFAULT_FOLLOWUP_DAYS), ward).await?;
    if let Some(out) = out {
        ansinh_files::followup::write_followup_xlsx(out, &list)?;
        let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
        let details = serde_json::json!({"what": "followup", "ward": ward, "rows": list.rows.len(),
            "people": people, "file": out.display().to_string()});
        a.store.audit("export", Some("beneficiaries"), None, details).await?;
        eprintln!("{} rows written to {}", list.rows.len(), out.display());
    }
    if as_json {
        println!("{}", json!(&list));
    } else if out.is_none() {
        println!(
            "{:>3} {:<28} {:>4} {:<20} {:>5} {:>12} {:<10} {:>5}",
            "#", "name", "age", "ward", "score", "remaining", "credited", "days"
        );
        for (i, r) in list.rows.iter().enumerate() {
            println!(
                "{:>3} {:<28} {:>4} {:<20} {:>5} {:>12} {:<10} {:>5}",
                i + 1,
                r.full_name,
                r.age,
                r.ward_name,
                r.priority,
                r.remaining_vnd,
                r.credited_on,
                r.days_waiting
            );
        }
    }
    Ok(())
}

/// Money left uncollected, as the app's page: an officer's is forced to their ward; written as
/// XLSX with `out` and audited like the app's export.
pub async fn uncollected(
    a: &Access,
    as_of: NaiveDate,
    months: Option<u32>,
    ward: Option<&str>,
    as_json: bool,
    out: Option<&Path>,
) -> Result<(), AppError> {
    let months = ansinh_api::commands::followup::uncollected_months(months)?;
    let ward = a.scoped_ward(ward)?;
    let list = a.store.uncollected(as_of, months, ward).await?;
    if let Some(out) = out {
        ansinh_files::followup::write_uncollected_xlsx(out, &list)?;
        let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
        let details = serde_json::json!({"what": "uncollected", "ward": ward, "months": months,
            "rows": list.rows.len(), "people": people, "file": out.display().to_string()});
        a.store.audit("export", Some("beneficiaries"), None, details).await?;
        eprintln!("{} rows written to {}", list.rows.len(), out.display());
    }
    if as_json {
        println!("{}", json!(&list));
    } else if out.is_none() {
        println!(
            "{:>3} {:<28} {:<20} {:<10} {:<12} {:>5} {:>12} {:<12}",
            "#", "name", "ward", "group", "last cash", "since", "left", "channel"
        );
        for (i, r) in list.rows.iter().enumerate() {
            println!(
                "{:>3} {:<28} {:<20} {:<10} {:<12} {:>5} {:>12} {:<12}",
                i + 1,
                r.full_name,
                r.ward_name,
                r.residential_group,
                r.last_withdrawal_on.as_deref().unwrap_or("never"),
                r.payments_since,
                r.left_vnd,
                r.channel.as_str()
            );
        }
        println!(
            "{} people, {} VND left uncollected (last cash before {}, or never)",
            list.rows.len(),
            list.total_left_vnd,
            list.cutoff
        );
    }
    Ok(())
}

fn period_key(field: &str, raw: &str) -> Result<String, AppError> {
    let (y, m) = dates::parse_period(field, raw)?;
    Ok(dates::period_key(y, m))
}

fn print_sample(s: &VerificationSampleView) {
    println!("{}", json!(s));
}

pub async fn sample_create(store: &Store, cycle: &str, size: &str, seed: &str) -> Result<(), AppError> {
    let input = SampleInput { period: cycle.to_string(), size: size.to_string(), seed: seed.to_string() };
    let req = verification::sample_request(&input).map_err(AppError::Validation)?;
    print_sample(&store.create_sample(&req).await?);
    Ok(())
}

pub async fn sample_show(store: &Store, cycle: &str) -> Result<(), AppError> {
    let period = period_key("cycle", cycle)?;
    match store.sample_for(&period).await? {
        Some(s) => print_sample(&s),
        None => return Err(AppError::NotFound { entity: "sample", id: period }),
    }
    Ok(())
}

/// Every grievance: not for officers (the app gives them one person's at a time).
pub async fn grievances(a: &Access, as_of: NaiveDate, overdue: bool, as_json: bool) -> Result<(), AppError> {
    if a.ward_scope().is_some() {
        return Err(forbidden());
    }
    let list = a.store.grievances(&GrievanceQuery { overdue, ..Default::default() }, as_of).await?;
    if as_json {
        println!("{}", json!(&list));
    } else {
        for g in &list {
            println!(
                "{} {:<12} {:<16} {:<28} opened {} deadline {}{}",
                g.id,
                g.status.as_str(),
                g.category.as_str(),
                g.full_name,
                g.opened_on,
                g.deadline_on,
                if g.overdue { "  OVERDUE" } else { "" }
            );
        }
        println!("{} grievance(s)", list.len());
    }
    Ok(())
}
