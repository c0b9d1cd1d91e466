//! The signed-list page (issue 15): one cycle's credited payments of a ward as a keyboard grid,
//! typed from the paper list a cash or home-delivery round brings back signed.

use super::followup::ExportResult;
use super::today;
use crate::Access;
use crate::command::commands;
use ansinh_core::inputs::WithdrawalInput;
use ansinh_core::model::DraftForm;
use ansinh_core::{AppError, ErrorCode, dates};
use ansinh_store::{ExpectedRow, PayoutMeta, PayoutReport, PayoutRow, SignedListRow};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the payer column of `payout_reports` says for a list typed in the grid.
pub const SIGNED_LIST_PAYER: &str = "Danh sách ký nhận";

/// One filled row of the grid, as typed.
#[derive(ts_rs::TS, Debug, Deserialize, Serialize)]
pub struct SignedListEntry {
    /// The grid's line (1 = first row): errors name it.
    pub line: usize,
    pub payment_id: String,
    /// dd/mm/yyyy.
    pub withdrawn_on: String,
    /// Empty: all that is left of the payment.
    pub amount: String,
    /// A place code, or as written ("Bưu điện", "Chi trả tại nhà", "Người nhận thay"...).
    pub place: String,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
#[ts(optional_fields = nullable)]
pub struct SignedListSave {
    /// The cycle, mm/yyyy (or yyyy-mm).
    pub cycle: String,
    /// As in [`SignedListQuery`].
    #[serde(default)]
    pub ward_code: Option<String>,
    /// The draft's subject, discarded once saved.
    #[serde(default)]
    pub draft_subject: Option<String>,
    pub entries: Vec<SignedListEntry>,
}

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct SignedListQuery {
    /// The cycle, mm/yyyy (or yyyy-mm).
    pub cycle: String,
    /// The ward; an officer's own ward when empty (required for supervisors and administrators).
    pub ward_code: Option<String>,
    /// Only this residential group ("Tổ 5"); empty: the whole ward.
    pub group: Option<String>,
}

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct PaymentListQuery {
    /// The cycle, mm/yyyy (or yyyy-mm).
    pub cycle: String,
    /// The ward; an officer's own ward when empty (required for supervisors and administrators).
    pub ward_code: Option<String>,
}

/// Writes the monthly payment list of a ward for printing (`ansinh_files::payment_list`) to
/// `out`, or into the export folder, and audits the export (who, the ward, the cycle, every
/// person in the file), as the app's command and `ansinh payment-list` both do.
pub async fn write_payment_list(
    a: &Access,
    cycle: &str,
    ward: Option<&str>,
    out: Option<&Path>,
) -> Result<ExportResult, AppError> {
    let (y, m) = dates::parse_period("cycle", cycle)?;
    let ward = a
        .scoped_ward(ward)?
        .ok_or_else(|| AppError::field("ward_code", ErrorCode::Required, "choose a ward"))?
        .to_string();
    let (path, list) = match out {
        Some(out) => {
            let list = ansinh_files::payment_list::payment_list(&a.store, y, m, &ward).await?;
            ansinh_files::payment_list::write_payment_list_xlsx(out, &list)?;
            (out.to_path_buf(), list)
        }
        None => ansinh_files::payment_list::export_payment_list(&a.store, y, m, &ward).await?,
    };
    let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
    let details = serde_json::json!({"what": "payment_list", "ward": ward, "cycle": dates::period_key(y, m),
        "rows": list.rows.len(), "people": people, "file": path.display().to_string()});
    a.store.audit("export", Some("beneficiaries"), None, details).await?;
    Ok(ExportResult { path: path.display().to_string(), rows: list.rows.len() })
}

/// A cycle's expected payments in a commune.
#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ExpectedQuery {
    /// The cycle, mm/yyyy (or yyyy-mm).
    pub cycle: String,
    /// The commune; an officer's own when empty (required for supervisors and administrators).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
}

commands! {
    /// Who a cycle is expected to pay in a commune and how much: from the decisions in force
    /// (only the highest benefit), or the group registered for people with no decision kept.
    pub async fn expected_payments(a: ReadPeople, query: ExpectedQuery) -> Vec<ExpectedRow> {
        let (y, m) = dates::parse_period("cycle", &query.cycle)?;
        let ward = a
            .scoped_ward(query.ward_code.as_deref())?
            .ok_or_else(|| AppError::field("ward_code", ErrorCode::Required, "choose a ward"))?;
        Ok(a.store.expected_payments(&dates::period_key(y, m), ward).await?)
    }

    /// The monthly payment list of a ward as XLSX for printing and signing (title block, Nam /
    /// Nữ birth-date columns, totals, signatures), written into the export folder and audited.
    pub async fn export_payment_list(a: ReadPeople, query: PaymentListQuery) -> ExportResult {
        write_payment_list(&a, &query.cycle, query.ward_code.as_deref(), None).await
    }

    /// The rows of the list: credited payments of the cycle in the ward with money left.
    pub async fn signed_list(a: WritePeople, query: SignedListQuery) -> Vec<SignedListRow> {
        let (y, m) = dates::parse_period("cycle", &query.cycle)?;
        let ward = a
            .scoped_ward(query.ward_code.as_deref())?
            .ok_or_else(|| AppError::field("ward_code", ErrorCode::Required, "choose a ward"))?;
        let group = query.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
        Ok(a.store.signed_list(&dates::period_key(y, m), ward, group).await?)
    }

    /// Saves the filled rows as withdrawals in one transaction, through the payout import
    /// (the same rules as a typed withdrawal and a payer's report: all-or-nothing, each error
    /// naming its line; a row already recorded is left as it is).
    pub async fn save_signed_list(a: WritePeople, input: SignedListSave) -> PayoutReport {
        let (y, m) = dates::parse_period("cycle", &input.cycle)?;
        let ward = a
            .scoped_ward(input.ward_code.as_deref())?
            .ok_or_else(|| AppError::field("ward_code", ErrorCode::Required, "choose a ward"))?
            .to_string();
        if input.entries.is_empty() {
            return Err(AppError::field("entries", ErrorCode::Required, "no row is filled"));
        }
        let rows: Vec<PayoutRow> = input
            .entries
            .iter()
            .map(|e| {
                let (place, assisted) = ansinh_files::payouts::parse_place(&e.place);
                PayoutRow {
                    row: e.line,
                    reference: Some(e.payment_id.clone()),
                    id_number: None,
                    input: WithdrawalInput {
                        payment_id: String::new(),
                        withdrawn_on: e.withdrawn_on.clone(),
                        amount: e.amount.clone(),
                        place,
                        travel_minutes: String::new(),
                        travel_cost: String::new(),
                        waiting_minutes: String::new(),
                        assisted,
                        problems: vec![],
                    },
                }
            })
            .collect();
        // The list's content is its identity: saving the same grid again records nothing new.
        let bytes: Vec<u8> = input
            .entries
            .iter()
            .flat_map(|e| [e.payment_id.as_str(), &e.withdrawn_on, &e.amount, &e.place, "\n"])
            .flat_map(|f| f.bytes().chain([0x1f]))
            .collect();
        let meta = PayoutMeta {
            channel: None,
            payer: SIGNED_LIST_PAYER.into(),
            complete_to: None,
            file_name: String::new(),
            file_hash: ansinh_files::payouts::file_hash(&bytes),
        };
        let period = dates::period_key(y, m);
        let report = a.store.import_payouts(&period, Some(&ward), &rows, &meta, today(), false).await?;
        if let Some(subject) = input.draft_subject.as_deref() {
            a.store.discard_draft(DraftForm::SignedList, subject).await?;
        }
        Ok(report)
    }
}
