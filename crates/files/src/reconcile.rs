//! The bank's / post office's payment result file for one cycle: which payments were credited,
//! failed or reversed. Rows are parsed here (one error per bad cell, with its row); matching
//! and the all-or-nothing update are the store's `reconcile_payments`.

use crate::table::{self, Table};
use ansinh_core::ErrorCode;
use ansinh_core::model::PaymentStatus;
use ansinh_core::{AppError, FieldError, dates, idnum, money, text};
use ansinh_store::{PaymentResult, ReconcileReport, Store};
use std::collections::HashMap;
use std::path::Path;

/// Accepted headers per field, compared accent-folded and lower-case.
const HEADERS: &[(&str, &[&str])] = &[
    (
        "reference",
        &[
            "ma giao dich",
            "so tham chieu",
            "ma tham chieu",
            "ma thanh toan",
            "so giao dich",
            "reference",
            "payment reference",
            "payment id",
        ],
    ),
    ("id_number", &["so dinh danh", "so cccd", "cccd", "so dinh danh ca nhan", "id number", "id_number"]),
    ("amount", &["so tien", "so tien chi tra", "amount", "amount_vnd"]),
    ("status", &["trang thai", "ket qua", "status", "result"]),
    (
        "credited_on",
        &[
            "ngay ghi co",
            "ngay chuyen",
            "ngay thanh toan",
            "ngay chi tra",
            "credited date",
            "credited on",
            "credited_on",
            "date",
        ],
    ),
    ("failure_reason", &["ly do", "ly do that bai", "ly do hoan tra", "failure reason", "reason", "failure_reason"]),
];

/// A result word as banks and post offices write it, Vietnamese or English.
pub fn parse_status(raw: &str) -> Option<PaymentStatus> {
    match text::fold(raw).as_str() {
        "credited" | "success" | "successful" | "paid" | "thanh cong" | "da chuyen" | "da ghi co" | "da chi tra"
        | "da thanh toan" => Some(PaymentStatus::Credited),
        "failed" | "failure" | "that bai" | "khong thanh cong" | "loi" | "bi tu choi" | "rejected" => {
            Some(PaymentStatus::Failed)
        }
        "reversed" | "returned" | "hoan tra" | "da hoan tra" | "tra lai" | "hoan lai" => Some(PaymentStatus::Reversed),
        _ => None,
    }
}

fn map_headers(headers: &[String]) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = text::fold(h);
        let key = key.trim_end_matches([':', '*']).trim();
        if let Some((field, _)) = HEADERS.iter().find(|(_, names)| names.contains(&key)) {
            map.entry(*field).or_insert(i);
        }
    }
    let mut missing = Vec::new();
    if !map.contains_key("reference") && !map.contains_key("id_number") {
        missing.push("reference");
    }
    for f in ["amount", "status"] {
        if !map.contains_key(f) {
            missing.push(f);
        }
    }
    if missing.is_empty() {
        Ok(map)
    } else {
        Err(missing
            .into_iter()
            .map(|f| {
                FieldError::new(f, ErrorCode::ImportHeaderMissing, format!("no column for {f}"))
                    .param("column", f)
                    .at_row(1)
            })
            .collect())
    }
}

/// The rows of the file that parse as a [`PaymentResult`], and every bad cell of the others
/// (a missing required column is the only error returned alone).
pub fn results_from_table(table: &Table) -> Result<(Vec<PaymentResult>, Vec<FieldError>), Vec<FieldError>> {
    let map = map_headers(&table.headers)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let row_no = table.first_row + i;
        let get = |f: &str| map.get(f).and_then(|&c| row.get(c)).map(|s| s.trim()).unwrap_or("");
        let mut errs = Vec::new();
        let reference = Some(get("reference").to_string()).filter(|s| !s.is_empty());
        let id_number = match get("id_number") {
            "" => None,
            raw => match idnum::parse_id_number("id_number", &crate::import::restore_leading_zeros(raw)) {
                Ok((digits, _)) => Some(digits),
                Err(e) => {
                    errs.push(e);
                    None
                }
            },
        };
        if reference.is_none() && id_number.is_none() && errs.is_empty() {
            errs.push(FieldError::new("reference", ErrorCode::Required, "a reference or an ID number is needed"));
        }
        let amount = money::parse_vnd("amount", get("amount")).map_err(|e| errs.push(e)).ok();
        let status = parse_status(get("status"));
        if status.is_none() {
            errs.push(
                FieldError::new("status", ErrorCode::StatusInvalid, "unknown result: credited, failed or reversed")
                    .param("value", get("status")),
            );
        }
        let credited_on = match get("credited_on") {
            "" => None,
            raw => dates::parse_date("credited_on", raw).map_err(|e| errs.push(e)).ok(),
        };
        if errs.is_empty() {
            out.push(PaymentResult {
                row: row_no,
                reference,
                id_number,
                amount_vnd: amount.expect("checked"),
                status: status.expect("checked"),
                credited_on,
                failure_reason: get("failure_reason").to_string(),
            });
        } else {
            errors.extend(errs.into_iter().map(|e| e.at_row(row_no)));
        }
    }
    Ok((out, errors))
}

/// Parses `period` (mm/yyyy or yyyy-mm) and the file, then reconciles (see the store).
pub async fn reconcile(store: &Store, table: &Table, period: &str, dry_run: bool) -> Result<ReconcileReport, AppError> {
    let (y, m) = dates::parse_period("period", period)?;
    let period = dates::period_key(y, m);
    let (results, mut errors) = results_from_table(table).map_err(AppError::Validation)?;
    if errors.is_empty() {
        return Ok(store.reconcile_payments(&period, &results, dry_run).await?);
    }
    // Bad cells reject the file; the rows that parsed are still checked against the cycle
    // (without writing) so the report lists every problem at once.
    match store.reconcile_payments(&period, &results, true).await {
        Ok(_) => {}
        Err(ansinh_store::StoreError::Invalid(more)) => errors.extend(more),
        Err(other) => return Err(other.into()),
    }
    errors.sort_by_key(|e| e.row);
    Err(AppError::Validation(errors))
}

pub async fn reconcile_file(
    store: &Store,
    path: &Path,
    period: &str,
    dry_run: bool,
) -> Result<ReconcileReport, AppError> {
    reconcile(store, &table::read(path)?, period, dry_run).await
}
