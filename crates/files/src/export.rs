//! CSV exports of the event tables, with every column needed to recompute the indicators
//! elsewhere (bench/duckdb_dashboard.py recomputes the whole dashboard from them). Dates are ISO
//! (yyyy-mm-dd) and money integer VND so other tools read them as is. Phone numbers, account
//! numbers, authorised persons' names and free-text notes are left out: not needed for
//! indicators, and sensitive (only whether an authorised person is registered is kept).
//! New columns go at the end of a file: readers find columns by header, older ones by position.
//! Text columns go through [`txt`] (a value that looks like a formula is written as text,
//! `sanitise::csv_text`); numbers (money, counts, minutes, 0/1 flags) are written as numbers.

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
    Contacts,
    PayoutReports,
    /// The allowance groups with their programme and validity: which programme a person is
    /// paid under in a cycle follows from them (`core::allowance::Rules::group_on`).
    Groups,
}

impl What {
    pub const ALL: [What; 10] = [
        What::Beneficiaries,
        What::Payments,
        What::Withdrawals,
        What::Accounts,
        What::Cycles,
        What::Grievances,
        What::Verifications,
        What::Contacts,
        What::PayoutReports,
        What::Groups,
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
            What::Contacts => "contacts",
            What::PayoutReports => "payout_reports",
            What::Groups => "groups",
        }
    }

    pub fn parse(name: &str) -> Option<What> {
        What::ALL.into_iter().find(|w| w.name() == name)
    }
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::File(format!("{}: {e}", path.display()))
}

/// A number column that may be empty.
fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// A text column: stored values are written so a spreadsheet shows them as text.
fn txt(s: impl AsRef<str>) -> String {
    crate::sanitise::csv_text(s.as_ref()).into_owned()
}

/// A text column that may be empty.
fn opt_txt<T: ToString>(v: &Option<T>) -> String {
    txt(opt(v))
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
                    txt(&b.id),
                    txt(&b.full_name),
                    opt_txt(&b.birth_date),
                    b.birth_year.to_string(),
                    txt(b.sex.to_string()),
                    opt_txt(&b.id_number),
                    opt_txt(&b.legacy_id_number),
                    txt(&b.ward_code),
                    txt(&b.ward_name),
                    txt(&b.group_code),
                    txt(b.disability.to_string()),
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
                    "label",
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
                    txt(&p.id),
                    txt(&p.beneficiary_id),
                    txt(wards.get(&p.beneficiary_id).map_or("", String::as_str)),
                    txt(&p.period),
                    txt(p.channel.to_string()),
                    opt_txt(&p.account_id),
                    p.amount_vnd.to_string(),
                    txt(p.status.to_string()),
                    opt_txt(&p.scheduled_on),
                    opt_txt(&p.credited_on),
                    txt(&p.failure_reason),
                    txt(&p.label),
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
                    txt(&w.id),
                    txt(&w.payment_id),
                    txt(&w.withdrawn_on),
                    w.amount_vnd.to_string(),
                    txt(w.place.to_string()),
                    opt(&w.travel_minutes),
                    opt(&w.travel_cost_vnd),
                    opt(&w.waiting_minutes),
                    flag(w.assisted).into(),
                    txt(w.problems.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(";")),
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
                    txt(&a.id),
                    txt(&a.beneficiary_id),
                    txt(a.channel.to_string()),
                    txt(&a.provider_code),
                    txt(a.status.to_string()),
                    opt_txt(&a.requested_on),
                    opt_txt(&a.opened_on),
                    opt_txt(&a.closed_on),
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
                write(vec![txt(&c.period), txt(&c.scheduled_on), opt_txt(&c.closed_at)])?;
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
                    txt(&g.id),
                    txt(&g.beneficiary_id),
                    txt(g.category.as_str()),
                    txt(g.channel.as_str()),
                    txt(&g.opened_on),
                    txt(&g.deadline_on),
                    txt(g.status.as_str()),
                    opt_txt(&g.closed_on),
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
                        txt(&i.id),
                        txt(&sample.period),
                        txt(&i.payment_id),
                        i.position.to_string(),
                        txt(i.result.map(|r| r.as_str()).unwrap_or_default()),
                        opt(&i.amount_received_vnd),
                        opt_txt(&i.verified_on),
                    ])?;
                    n += 1;
                }
            }
            n
        }
        What::Contacts => {
            write(
                ["contact_id", "beneficiary_id", "payment_id", "kind", "contacted_on", "outcome"]
                    .map(String::from)
                    .to_vec(),
            )?;
            let all = store.contact_rows().await?;
            for c in &all {
                write(vec![
                    txt(&c.id),
                    txt(&c.beneficiary_id),
                    opt_txt(&c.payment_id),
                    txt(&c.kind),
                    txt(&c.contacted_on),
                    txt(&c.outcome),
                ])?;
            }
            all.len()
        }
        What::PayoutReports => {
            write(
                ["report_id", "period", "ward_code", "channel", "payer", "complete_to", "rows", "withdrawals"]
                    .map(String::from)
                    .to_vec(),
            )?;
            let all = store.payout_report_rows().await?;
            for r in &all {
                write(vec![
                    txt(&r.id),
                    txt(&r.period),
                    opt_txt(&r.ward_code),
                    opt_txt(&r.channel),
                    txt(&r.payer),
                    opt_txt(&r.complete_to),
                    r.rows.to_string(),
                    r.withdrawals.to_string(),
                ])?;
            }
            all.len()
        }
        What::Groups => {
            write(
                ["group_code", "scheme", "name_vi", "name_en", "valid_from", "valid_to", "successor_code"]
                    .map(String::from)
                    .to_vec(),
            )?;
            let refs = store.refs().await?;
            for g in &refs.groups {
                write(vec![
                    txt(&g.code),
                    txt(g.scheme.as_str()),
                    txt(&g.name_vi),
                    txt(&g.name_en),
                    opt_txt(&g.valid_from),
                    opt_txt(&g.valid_to),
                    opt_txt(&g.successor_code),
                ])?;
            }
            refs.groups.len()
        }
    };
    out.flush().map_err(|e| file_err(path, e))?;
    Ok(n)
}
