//! CSV exports of the event tables, with every column needed to recompute the indicators
//! elsewhere. Dates are ISO (yyyy-mm-dd) and money integer VND so other tools read them as is.
//! Phone numbers, account numbers and authorised persons are left out: not needed for
//! indicators, and sensitive.

use ansinh_core::AppError;
use ansinh_store::Store;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Beneficiaries,
    Payments,
    Withdrawals,
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
    let mut out = csv::Writer::from_path(path).map_err(|e| file_err(path, e))?;
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
            let all = store.all_payments().await?;
            for p in &all {
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
            all.len()
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
            let all = store.all_withdrawals().await?;
            for w in &all {
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
            all.len()
        }
    };
    out.flush().map_err(|e| file_err(path, e))?;
    Ok(n)
}
