//! CSV exports of the event tables, with every column needed to recompute the indicators
//! elsewhere (bench/duckdb_dashboard.py recomputes the whole dashboard from them). Dates are ISO
//! (yyyy-mm-dd) and money integer VND so other tools read them as is. Phone numbers, account
//! numbers, authorised persons' names and free-text notes are left out: not needed for
//! indicators, and sensitive (only whether an authorised person is registered is kept).
//! New columns go at the end of a file: readers find columns by header, older ones by position.

use ansinh_core::AppError;
use ansinh_store::{GrievanceQuery, Store};
use futures_util::TryStreamExt;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Beneficiaries,
    Payments,
    Withdrawals,
    Accounts,
    Cycles,
    Grievances,
    Verifications,
}

impl What {
    pub const ALL: [What; 7] = [
        What::Beneficiaries,
        What::Payments,
        What::Withdrawals,
        What::Accounts,
        What::Cycles,
        What::Grievances,
        What::Verifications,
    ];

    /// The table's name on the command line and in file names (`payments.csv`).
    pub fn name(self) -> &'static str {
        match self {
            What::Beneficiaries => "beneficiaries",
            What::Payments => "payments",
            What::Withdrawals => "withdrawals",
            What::Accounts => "accounts",
            What::Cycles => "cycles",
            What::Grievances => "grievances",
            What::Verifications => "verifications",
        }
    }

    pub fn parse(name: &str) -> Option<What> {
        What::ALL.into_iter().find(|w| w.name() == name)
    }
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::File(format!("{}: {e}", path.display()))
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn flag(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

/// Writes the table and returns how many rows it has.
pub async fn export_csv(store: &Store, what: What, path: &Path) -> Result<usize, AppError> {
    // Owner-only, like every export (ansinh_store::private).
    let file = ansinh_store::private::create(path).map_err(|e| file_err(path, e))?;
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let mut write = |rec: Vec<String>| out.write_record(&rec).map_err(|e| file_err(path, e));
    let n = match what {
        What::Beneficiaries => {
            write(
                [
                    "beneficiary_id",
                    "full_name",
                    "birth_date",
                    "birth_year",
                    "sex",
                    "id_number",
                    "legacy_id_number",
                    "ward_code",
                    "ward_name",
                    "group_code",
                    "disability",
                    "lives_alone",
                    "limited_mobility",
                    "vision_hearing",
                    "no_smartphone",
                    "bedridden",
                    "authorised",
                ]
                .map(String::from)
                .to_vec(),
            )?;
            let all = store.all_beneficiaries().await?;
            for b in &all {
                write(vec![
                    b.id.clone(),
                    b.full_name.clone(),
                    opt(&b.birth_date),
                    b.birth_year.to_string(),
                    b.sex.to_string(),
                    opt(&b.id_number),
                    opt(&b.legacy_id_number),
                    b.ward_code.clone(),
                    b.ward_name.clone(),
                    b.group_code.clone(),
                    b.disability.to_string(),
                    flag(b.needs.lives_alone).into(),
                    flag(b.needs.limited_mobility).into(),
                    flag(b.needs.vision_hearing).into(),
                    flag(b.needs.no_smartphone).into(),
                    flag(b.needs.bedridden).into(),
                    // As the indicators read it (store facts.rs): any name at all.
                    flag(!b.authorised_name.is_empty()).into(),
                ])?;
            }
            all.len()
        }
        What::Payments => {
            write(
                [
                    "payment_id",
                    "beneficiary_id",
                    "ward_code",
                    "period",
                    "channel",
                    "account_id",
                    "amount_vnd",
                    "status",
                    "scheduled_on",
                    "credited_on",
                    "failure_reason",
                ]
                .map(String::from)
                .to_vec(),
            )?;
            let wards: HashMap<String, String> =
                store.all_beneficiaries().await?.into_iter().map(|b| (b.id, b.ward_code)).collect();
            let mut all = std::pin::pin!(store.each_payment());
            let mut n = 0;
            while let Some(p) = all.try_next().await? {
                n += 1;
                write(vec![
                    p.id.clone(),
                    p.beneficiary_id.clone(),
                    wards.get(&p.beneficiary_id).cloned().unwrap_or_default(),
                    p.period.clone(),
                    p.channel.to_string(),
                    opt(&p.account_id),
                    p.amount_vnd.to_string(),
                    p.status.to_string(),
                    opt(&p.scheduled_on),
                    opt(&p.credited_on),
                    p.failure_reason.clone(),
                ])?;
            }
            n
        }
        What::Withdrawals => {
            write(
                [
                    "withdrawal_id",
                    "payment_id",
                    "withdrawn_on",
                    "amount_vnd",
                    "place",
                    "travel_minutes",
                    "travel_cost_vnd",
                    "waiting_minutes",
                    "assisted",
                    "problems",
                ]
                .map(String::from)
                .to_vec(),
            )?;
            let mut all = std::pin::pin!(store.each_withdrawal());
            let mut n = 0;
            while let Some(w) = all.try_next().await? {
                n += 1;
                write(vec![
                    w.id.clone(),
                    w.payment_id.clone(),
                    w.withdrawn_on.clone(),
                    w.amount_vnd.to_string(),
                    w.place.to_string(),
                    opt(&w.travel_minutes),
                    opt(&w.travel_cost_vnd),
                    opt(&w.waiting_minutes),
                    flag(w.assisted).into(),
                    w.problems.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(";"),
                ])?;
            }
            n
        }
        What::Accounts => {
            write(
                [
                    "account_id",
                    "beneficiary_id",
                    "channel",
                    "provider_code",
                    "status",
                    "requested_on",
                    "opened_on",
                    "closed_on",
                    "assisted",
                ]
                .map(String::from)
                .to_vec(),
            )?;
            let all = store.all_accounts().await?;
            for a in &all {
                write(vec![
                    a.id.clone(),
                    a.beneficiary_id.clone(),
                    a.channel.to_string(),
                    a.provider_code.clone(),
                    a.status.to_string(),
                    opt(&a.requested_on),
                    opt(&a.opened_on),
                    opt(&a.closed_on),
                    flag(a.assisted).into(),
                ])?;
            }
            all.len()
        }
        What::Cycles => {
            write(["period", "scheduled_on", "closed_at"].map(String::from).to_vec())?;
            let mut all = store.list_cycles().await?;
            all.reverse(); // oldest first, like the other tables' natural order
            for c in &all {
                write(vec![c.period.clone(), c.scheduled_on.clone(), opt(&c.closed_at)])?;
            }
            all.len()
        }
        What::Grievances => {
            write(
                [
                    "grievance_id",
                    "beneficiary_id",
                    "category",
                    "channel",
                    "opened_on",
                    "deadline_on",
                    "status",
                    "closed_on",
                ]
                .map(String::from)
                .to_vec(),
            )?;
            // Overdue-ness (the only use of the date) is not exported, so any day will do.
            let today = chrono::Local::now().date_naive();
            let mut all = store.grievances(&GrievanceQuery::default(), today).await?;
            all.sort_by(|a, b| (&a.opened_on, &a.id).cmp(&(&b.opened_on, &b.id)));
            for g in &all {
                write(vec![
                    g.id.clone(),
                    g.beneficiary_id.clone(),
                    g.category.as_str().into(),
                    g.channel.as_str().into(),
                    g.opened_on.clone(),
                    g.deadline_on.clone(),
                    g.status.as_str().into(),
                    opt(&g.closed_on),
                ])?;
            }
            all.len()
        }
        What::Verifications => {
            write(
                ["item_id", "period", "payment_id", "position", "result", "amount_received_vnd", "verified_on"]
                    .map(String::from)
                    .to_vec(),
            )?;
            let mut n = 0;
            let mut cycles = store.list_cycles().await?;
            cycles.reverse();
            for c in &cycles {
                let Some(sample) = store.sample_for(&c.period).await? else { continue };
                for i in &sample.items {
                    write(vec![
                        i.id.clone(),
                        sample.period.clone(),
                        i.payment_id.clone(),
                        i.position.to_string(),
                        i.result.map(|r| r.as_str().to_string()).unwrap_or_default(),
                        opt(&i.amount_received_vnd),
                        opt(&i.verified_on),
                    ])?;
                    n += 1;
                }
            }
            n
        }
    };
    out.flush().map_err(|e| file_err(path, e))?;
    Ok(n)
}
