//! What the in-app imports need from the database: remembered column mappings, people to
//! check for possible duplicates, and the reconciliation of a cycle with the bank's result file
//! (all-or-nothing, idempotent, closed cycles untouched).

use crate::changes::{ChangeWriter, Kind};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::Payment;
use ansinh_core::{FieldError, text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;

/// A registered person as the duplicate check and the preview show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PersonBrief {
    pub id: String,
    pub full_name: String,
    pub birth_date: Option<String>,
    pub birth_year: i32,
    pub ward_code: String,
    pub id_number: Option<String>,
    pub legacy_id_number: Option<String>,
}

/// One row of a bank's / post office's result file, parsed (see `ansinh_files::reconcile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentResult {
    /// Spreadsheet row number, for the report.
    pub row: usize,
    /// The payment's reference or its own id; None: match by `id_number` and the cycle.
    pub reference: Option<String>,
    pub id_number: Option<String>,
    pub amount_vnd: i64,
    pub status: PaymentStatus,
    pub credited_on: Option<NaiveDate>,
    pub failure_reason: String,
}

/// What a reconciliation did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReconcileReport {
    pub period: String,
    pub rows: usize,
    pub credited: usize,
    pub failed: usize,
    pub reversed: usize,
    /// Rows that already say what the payment says (a file applied twice changes nothing).
    pub unchanged: usize,
    /// False for a dry run.
    pub applied: bool,
}

/// The mapping key: a hash of the accent-folded, trimmed headers in order.
fn header_hash(headers: &[String]) -> (String, Vec<String>) {
    let folded: Vec<String> = headers.iter().map(|h| text::fold(h)).collect();
    let mut h = Sha256::new();
    for f in &folded {
        h.update(f.as_bytes());
        h.update([0u8]);
    }
    (hex::encode(h.finalize()), folded)
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A payment of the cycle with what reconciliation needs to know about it.
struct Current {
    payment: Payment,
    id_number: Option<String>,
    withdrawn_vnd: i64,
}

impl Store {
    /// The mapping (per column: field name or None) the officer last chose for these headers.
    pub async fn import_mapping(&self, headers: &[String]) -> Result<Option<Vec<Option<String>>>> {
        let (hash, _) = header_hash(headers);
        let json: Option<String> = sqlx::query_scalar("SELECT mapping FROM import_mappings WHERE header_hash = ?")
            .bind(hash)
            .fetch_optional(&self.reader)
            .await?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()).filter(|m: &Vec<Option<String>>| m.len() == headers.len()))
    }

    /// Remembers the mapping chosen for these headers (a local preference, no change record).
    pub async fn remember_import_mapping(&self, headers: &[String], mapping: &[Option<String>]) -> Result<()> {
        let (hash, folded) = header_hash(headers);
        sqlx::query(
            "INSERT INTO import_mappings (header_hash, headers, mapping, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (header_hash) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        )
        .bind(hash)
        .bind(serde_json::to_string(&folded).expect("strings serialise"))
        .bind(serde_json::to_string(mapping).expect("strings serialise"))
        .bind(now())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The codes the officer chose for values of coded columns of a file with these headers:
    /// (field, value as first written, code).
    pub async fn import_value_mappings(&self, headers: &[String]) -> Result<Vec<(String, String, String)>> {
        let (hash, _) = header_hash(headers);
        let rows = sqlx::query(
            "SELECT field, value, code FROM import_value_mappings WHERE header_hash = ? ORDER BY field, value_key",
        )
        .bind(hash)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.iter().map(|r| (r.get("field"), r.get("value"), r.get("code"))).collect())
    }

    /// Remembers (field, value, code) choices for these headers, in one transaction; a value
    /// chosen again replaces its code (a local preference, no change record).
    pub async fn remember_import_value_mappings(
        &self,
        headers: &[String],
        mappings: &[(String, String, String)],
    ) -> Result<()> {
        if mappings.is_empty() {
            return Ok(());
        }
        let (hash, _) = header_hash(headers);
        let at = now();
        let mut tx = self.writer.begin().await?;
        for (field, value, code) in mappings {
            sqlx::query(
                "INSERT INTO import_value_mappings (header_hash, field, value_key, value, code, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (header_hash, field, value_key) DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at",
            )
            .bind(&hash)
            .bind(field)
            .bind(text::fold(value))
            .bind(value)
            .bind(code)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Everyone registered in these wards (the candidates of the possible-duplicate check).
    pub async fn people_in_wards(&self, wards: &[String]) -> Result<Vec<PersonBrief>> {
        let mut out = Vec::new();
        for ward in wards {
            let rows = sqlx::query(
                "SELECT id, full_name, birth_date, birth_year, ward_code, id_number, legacy_id_number
                 FROM beneficiaries WHERE ward_code = ?",
            )
            .bind(ward)
            .fetch_all(&self.reader)
            .await?;
            out.extend(rows.iter().map(|r| PersonBrief {
                id: r.get("id"),
                full_name: r.get("full_name"),
                birth_date: r.get("birth_date"),
                birth_year: r.get::<i64, _>("birth_year") as i32,
                ward_code: r.get("ward_code"),
                id_number: r.get("id_number"),
                legacy_id_number: r.get("legacy_id_number"),
            }));
        }
        Ok(out)
    }

    /// Applies a result file to the cycle `period` (`yyyy-mm`), all-or-nothing: any unknown
    /// reference or person, a payment named twice, an amount that is not the payment's, a
    /// reversal or failure of a payment already withdrawn, or a closed cycle rejects the whole
    /// file with one error per row. Rows that already match are counted unchanged. With
    /// `dry_run` the checks run and the report is returned, but nothing is written.
    pub async fn reconcile_payments(
        &self,
        period: &str,
        results: &[PaymentResult],
        dry_run: bool,
    ) -> Result<ReconcileReport> {
        let mut tx = self.begin_checked().await?;
        let closed: Option<Option<String>> =
            sqlx::query_scalar("SELECT closed_at FROM payment_cycles WHERE period = ?")
                .bind(period)
                .fetch_optional(&mut *tx)
                .await?;
        match closed {
            None => return Err(StoreError::NotFound { entity: "cycle", id: period.into() }),
            Some(Some(_)) => return Err(crate::cycles::cycle_closed()),
            Some(None) => {}
        }
        let rows = sqlx::query(
            "SELECT p.id, p.beneficiary_id, p.account_id, p.channel, p.amount_vnd, p.status, p.scheduled_on,
                    p.credited_on, p.failure_reason, p.reference, p.label, b.id_number,
                    COALESCE((SELECT SUM(w.amount_vnd) FROM withdrawals w WHERE w.payment_id = p.id), 0) AS withdrawn_vnd
             FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.period = ?",
        )
        .bind(period)
        .fetch_all(&mut *tx)
        .await?;
        use crate::decode::{id, opt_date, parsed};
        let mut current = Vec::with_capacity(rows.len());
        for r in &rows {
            let uuid = |s: String| id("id", &s);
            current.push(Current {
                payment: Payment {
                    id: uuid(r.get("id"))?,
                    period: period.to_string(),
                    beneficiary_id: uuid(r.get("beneficiary_id"))?,
                    account_id: r.get::<Option<String>, _>("account_id").map(uuid).transpose()?,
                    channel: parsed("channel", r.get("channel"), Channel::parse)?,
                    amount_vnd: r.get("amount_vnd"),
                    status: parsed("status", r.get("status"), PaymentStatus::parse)?,
                    scheduled_on: opt_date(r.get("scheduled_on"))?,
                    credited_on: opt_date(r.get("credited_on"))?,
                    failure_reason: r.get("failure_reason"),
                    reference: r.get("reference"),
                    label: r.get("label"),
                },
                id_number: r.get("id_number"),
                withdrawn_vnd: r.get("withdrawn_vnd"),
            });
        }
        let mut matcher = crate::matching::PaymentMatcher::default();
        for (i, c) in current.iter().enumerate() {
            let p = &c.payment;
            matcher.add(i, &p.id.to_string(), p.reference.as_deref(), c.id_number.as_deref(), &p.label);
        }

        let mut report = ReconcileReport { period: period.into(), rows: results.len(), ..Default::default() };
        let mut errors = Vec::new();
        let mut first_row: HashMap<usize, usize> = HashMap::new();
        let mut changed: Vec<Payment> = Vec::new();
        for res in results {
            let err = |field: &str, code: ErrorCode, msg: &str| FieldError::new(field, code, msg).at_row(res.row);
            let found = matcher.find(res.row, res.reference.as_deref(), res.id_number.as_deref());
            let i = match found {
                Ok(i) => i,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if let Some(first) = first_row.insert(i, res.row) {
                errors.push(
                    err("reference", ErrorCode::ReconcileDuplicate, "this payment is already named by another row")
                        .param("row", first),
                );
                continue;
            }
            let c = &current[i];
            if res.amount_vnd != c.payment.amount_vnd {
                errors.push(
                    err(
                        "amount",
                        ErrorCode::ReconcileAmountMismatch,
                        "the amount is not the payment's scheduled amount",
                    )
                    .param("expected", ansinh_core::money::format_vnd(c.payment.amount_vnd))
                    .param("found", ansinh_core::money::format_vnd(res.amount_vnd)),
                );
                continue;
            }
            if res.status == PaymentStatus::Credited && res.credited_on.is_none() {
                errors.push(err("credited_on", ErrorCode::Required, "a credited payment needs its credit date"));
                continue;
            }
            if matches!(res.status, PaymentStatus::Failed | PaymentStatus::Reversed)
                && res.failure_reason.trim().is_empty()
            {
                errors.push(err(
                    "failure_reason",
                    ErrorCode::FailureReasonRequired,
                    "a failure or reversal needs its reason",
                ));
                continue;
            }
            let mut next = c.payment.clone();
            next.status = res.status;
            match res.status {
                PaymentStatus::Credited => {
                    next.credited_on = res.credited_on;
                    next.failure_reason = String::new();
                }
                PaymentStatus::Failed | PaymentStatus::Reversed => {
                    next.failure_reason = res.failure_reason.clone();
                    if res.status == PaymentStatus::Failed {
                        next.credited_on = None;
                    } else if res.credited_on.is_some() {
                        next.credited_on = res.credited_on;
                    }
                }
                PaymentStatus::Scheduled => {}
            }
            if next == c.payment {
                report.unchanged += 1;
                continue;
            }
            if res.status != PaymentStatus::Credited && c.withdrawn_vnd > 0 {
                errors.push(
                    err(
                        "status",
                        ErrorCode::PaymentHasWithdrawals,
                        "money was already withdrawn from this payment: it cannot be failed or reversed",
                    )
                    .param("withdrawn", ansinh_core::money::format_vnd(c.withdrawn_vnd)),
                );
                continue;
            }
            match res.status {
                PaymentStatus::Credited => report.credited += 1,
                PaymentStatus::Failed => report.failed += 1,
                PaymentStatus::Reversed => report.reversed += 1,
                PaymentStatus::Scheduled => {}
            }
            changed.push(next);
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Err(StoreError::Invalid(errors));
        }
        if dry_run || changed.is_empty() {
            report.applied = !dry_run;
            return Ok(report);
        }
        let now = now();
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        for p in &changed {
            sqlx::query(
                "UPDATE payments SET status = ?, credited_on = ?, failure_reason = ?,
                        updated_at = ?, updated_by = ?, updated_device = ? WHERE id = ?",
            )
            .bind(p.status.as_str())
            .bind(p.credited_on.map(iso))
            .bind(&p.failure_reason)
            .bind(&now)
            .bind(&self.author().officer)
            .bind(&self.author().device_id)
            .bind(p.id.to_string())
            .execute(&mut *tx)
            .await?;
            log.record(Entity::Payment, &p.id.to_string(), Kind::Update);
        }
        log.flush(&mut tx).await?;
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
