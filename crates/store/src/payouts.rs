//! A payer's payout report of one cycle (issue 15): the post office's, bank's or Mobile Money
//! payer's list of who was paid out, and when. Its rows become ordinary withdrawals, checked by
//! the typed form's rules (`ansinh_core::validate::withdrawal`, then `write::withdrawal_rules`),
//! all-or-nothing, and idempotent: a row whose (payment, day, amount) is already a withdrawal is
//! "already had" (as a multiset: two equal partial rows need two such withdrawals). One row in
//! `payout_reports` (migration 0012, a travelling entity) records the file and, with
//! `complete_to`, the day up to which the payer's list is complete.

use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::rows::{self, TableRow};
use crate::sqlrow::Val;
use crate::write::{Batch, PaymentState, insert_logged, withdrawal_rules};
use crate::{Store, now};
use ansinh_core::inputs::WithdrawalInput;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Withdrawal};
use ansinh_core::{ErrorCode, FieldError, check, dates, validate};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::HashMap;

/// One row of a payout report (or of the signed-list grid), as the payer wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayoutRow {
    /// Spreadsheet row number (or grid line), for the report.
    pub row: usize,
    /// The payment's reference or its own id.
    pub reference: Option<String>,
    /// The person's 12-digit ID number (matched when there is no reference).
    pub id_number: Option<String>,
    /// The withdrawal as typed: `payment_id` is filled from the match; an empty `amount` means
    /// "the whole of what is left" (a file without an amount column).
    pub input: WithdrawalInput,
}

/// Where the report came from and what it declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayoutMeta {
    /// None: every channel.
    pub channel: Option<Channel>,
    pub payer: String,
    /// Every payout of the payer (scope: the cycle, the ward, the channel) up to this day is in
    /// the report.
    pub complete_to: Option<NaiveDate>,
    pub file_name: String,
    /// SHA-256 of the file's bytes, hex.
    pub file_hash: String,
}

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PayoutReport {
    pub period: String,
    pub rows: usize,
    /// New withdrawals written (or to be written).
    pub new_withdrawals: usize,
    /// Rows already recorded as withdrawals: left as they are.
    pub already_had: usize,
    /// The sum of the new withdrawals, VND.
    pub new_amount_vnd: i64,
    /// A `payout_reports` row was (or would be) written: false when the same file, cycle, scope
    /// and completeness were already recorded.
    pub report_recorded: bool,
    /// False for a dry run.
    pub applied: bool,
    /// The rows counted in `already_had` (for the preview).
    #[serde(skip)]
    #[ts(skip)]
    pub had_rows: Vec<usize>,
}

/// One row of `payout_reports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PayoutReportRecord {
    pub id: String,
    /// yyyy-mm.
    pub period: String,
    /// None: every ward (city desktop only).
    pub ward_code: Option<String>,
    pub channel: Option<String>,
    pub payer: String,
    /// yyyy-mm-dd.
    pub complete_to: Option<String>,
    pub file_name: String,
    pub file_hash: String,
    pub rows: i64,
    pub withdrawals: i64,
}

impl TableRow for PayoutReportRecord {
    const ENTITY: Entity = Entity::PayoutReport;
    fn cols() -> Vec<&'static str> {
        [
            "id",
            "period",
            "ward_code",
            "channel",
            "payer",
            "complete_to",
            "file_name",
            "file_hash",
            "rows",
            "withdrawals",
        ]
        .into_iter()
        .chain(rows::AUDIT_COLS)
        .collect()
    }
    fn key(&self) -> String {
        self.id.clone()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.clone().into(),
            self.period.clone().into(),
            self.ward_code.clone().into(),
            self.channel.clone().into(),
            self.payer.clone().into(),
            self.complete_to.clone().into(),
            self.file_name.clone().into(),
            self.file_hash.clone().into(),
            self.rows.into(),
            self.withdrawals.into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

/// A payment of the cycle with what the import needs to know about it.
struct Candidate {
    id: String,
    state: PaymentState,
    /// Registered on another ward's desktop (city mode): read-only here.
    read_only_ward: Option<String>,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Imports a payer's payout report of the cycle `period` (`yyyy-mm`), all-or-nothing (see
    /// the module). `ward`: the officer's ward (payments of other wards are unknown here), None
    /// for every ward. Every bad row is reported (row and field) and nothing is written.
    pub async fn import_payouts(
        &self,
        period: &str,
        ward: Option<&str>,
        rows: &[PayoutRow],
        meta: &PayoutMeta,
        today: NaiveDate,
        dry_run: bool,
    ) -> Result<PayoutReport> {
        let mut tx = self.begin_checked().await?;
        let cycle: Option<String> = sqlx::query_scalar("SELECT period FROM payment_cycles WHERE period = ?")
            .bind(period)
            .fetch_optional(&mut *tx)
            .await?;
        if cycle.is_none() {
            return Err(StoreError::NotFound { entity: "cycle", id: period.into() });
        }
        let found = sqlx::query(
            "SELECT p.id, p.reference, p.label, p.status, p.credited_on, p.amount_vnd, b.id_number, b.authorised_name,
                    b.created_device, ep.ward AS peer_ward, b.ward_code
             FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id
             LEFT JOIN exchange_peers ep ON ep.device_id = b.created_device
             WHERE p.period = ? AND (? IS NULL OR b.ward_code = ?)",
        )
        .bind(period)
        .bind(ward)
        .bind(ward)
        .fetch_all(&mut *tx)
        .await?;
        // Whether rows of other wards' desktops are read-only here (asked once, if needed).
        let me = self.author().device_id.clone();
        let mut ownership: Option<(String, bool)> = None;
        let mut candidates = Vec::with_capacity(found.len());
        let mut matcher = crate::matching::PaymentMatcher::default();
        for r in &found {
            let id: String = r.get("id");
            let device: String = r.get("created_device");
            let peer_ward: Option<String> = r.get("peer_ward");
            let mut read_only_ward = None;
            if let Some(peer) = peer_ward.filter(|_| device != me) {
                if ownership.is_none() {
                    let home = self.home_ward().await?;
                    let city = self.is_city_office().await?;
                    ownership = Some((home, city));
                }
                let (home, city) = ownership.as_ref().expect("set above");
                if crate::exchange::read_only_here(*city, home, &peer) {
                    read_only_ward = Some(r.get::<String, _>("ward_code"));
                }
            }
            let i = candidates.len();
            let reference = r.get::<Option<String>, _>("reference");
            let id_number = r.get::<Option<String>, _>("id_number");
            matcher.add(i, &id, reference.as_deref(), id_number.as_deref(), r.get::<&str, _>("label"));
            candidates.push(Candidate {
                id,
                state: PaymentState {
                    status: PaymentStatus::parse(r.get("status")),
                    credited_on: crate::decode::opt_date(r.get::<Option<&str>, _>("credited_on"))?,
                    amount_vnd: r.get("amount_vnd"),
                    withdrawn_vnd: 0,
                    has_authorised: !r.get::<String, _>("authorised_name").trim().is_empty(),
                },
                read_only_ward,
            });
        }
        // What is already withdrawn: the sums, and each (payment, day, amount) for "already had".
        let existing = sqlx::query(
            "SELECT w.payment_id, w.withdrawn_on, w.amount_vnd
             FROM withdrawals w JOIN payments p ON p.id = w.payment_id WHERE p.period = ?",
        )
        .bind(period)
        .fetch_all(&mut *tx)
        .await?;
        let mut had: HashMap<(usize, NaiveDate), Vec<i64>> = HashMap::new();
        for r in &existing {
            let Some(i) = matcher.by_id(r.get::<&str, _>("payment_id")) else { continue };
            let amount: i64 = r.get("amount_vnd");
            candidates[i].state.withdrawn_vnd += amount;
            let day = crate::decode::date(r.get::<&str, _>("withdrawn_on"))?;
            had.entry((i, day)).or_default().push(amount);
        }

        let mut report = PayoutReport { period: period.into(), rows: rows.len(), ..Default::default() };
        let mut errors: Vec<FieldError> = Vec::new();
        let mut pending: HashMap<usize, i64> = HashMap::new();
        let mut new: Vec<Withdrawal> = Vec::new();
        let mut latest: Option<NaiveDate> = None;
        for row in rows {
            let err = |field: &str, code: ErrorCode, msg: &str| FieldError::new(field, code, msg).at_row(row.row);
            let matched = matcher.find(row.row, row.reference.as_deref(), row.id_number.as_deref());
            let i = match matched {
                Ok(i) => i,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let c = &candidates[i];
            if let Some(w) = &c.read_only_ward {
                errors.push(
                    err(
                        "reference",
                        ErrorCode::ExchangeReadOnly,
                        "this record belongs to another ward: read-only here",
                    )
                    .param("ward", w),
                );
                continue;
            }
            let mut input = row.input.clone();
            input.payment_id = c.id.clone();
            let day = dates::parse_date("withdrawn_on", &input.withdrawn_on).ok();
            if let Some(d) = day {
                latest = latest.max(Some(d));
            }
            let left = c.state.amount_vnd - c.state.withdrawn_vnd - pending.get(&i).copied().unwrap_or(0);
            if input.amount.trim().is_empty() {
                // No amount column: the payout is the whole payment. A withdrawal already on
                // that day is this row, imported before.
                if let Some(list) = day.and_then(|d| had.get_mut(&(i, d)))
                    && list.pop().is_some()
                {
                    report.already_had += 1;
                    report.had_rows.push(row.row);
                    continue;
                }
                input.amount = left.max(0).to_string();
                if left <= 0 {
                    errors.push(
                        err("amount", ErrorCode::AmountExceedsPayment, "nothing is left of this payment")
                            .param("remaining", ansinh_core::money::format_vnd(0)),
                    );
                    continue;
                }
            }
            let w = match validate::withdrawal(&input, today) {
                Ok(w) => w,
                Err(es) => {
                    errors.extend(es.into_iter().map(|e| e.at_row(row.row)));
                    continue;
                }
            };
            if let Some(list) = had.get_mut(&(i, w.withdrawn_on))
                && let Some(k) = list.iter().position(|&a| a == w.amount_vnd)
            {
                list.swap_remove(k);
                report.already_had += 1;
                report.had_rows.push(row.row);
                continue;
            }
            let state = PaymentState {
                withdrawn_vnd: c.state.withdrawn_vnd + pending.get(&i).copied().unwrap_or(0),
                ..c.state
            };
            let problems = withdrawal_rules(&state, &w);
            if !problems.is_empty() {
                errors.extend(problems.into_iter().map(|e| e.at_row(row.row)));
                continue;
            }
            *pending.entry(i).or_default() += w.amount_vnd;
            report.new_withdrawals += 1;
            report.new_amount_vnd += w.amount_vnd;
            new.push(w);
        }
        if let Some(c) = meta.complete_to {
            if let Err(e) = check::not_future("complete_to", c, today) {
                errors.push(e);
            }
            if let Some(l) = latest.filter(|l| *l > c) {
                errors.push(
                    FieldError::new(
                        "complete_to",
                        ErrorCode::PayoutCompleteBeforeRows,
                        "the report cannot be complete to a day before one of its rows",
                    )
                    .param("date", l.format("%d/%m/%Y").to_string()),
                );
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Err(StoreError::Invalid(errors));
        }

        // The same file, cycle and scope recorded with this completeness (or a later one):
        // nothing to record again.
        let recorded: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT complete_to FROM payout_reports WHERE file_hash = ? AND period = ? AND ward_code IS ?",
        )
        .bind(&meta.file_hash)
        .bind(period)
        .bind(ward)
        .fetch_all(&mut *tx)
        .await?;
        let wanted = meta.complete_to.map(iso);
        let known = recorded.iter().any(|c| match (&wanted, c) {
            (None, _) => true,
            (Some(w), Some(c)) => c >= w,
            (Some(_), None) => false,
        });
        report.report_recorded = !new.is_empty() || !known;
        report.applied = !dry_run;
        if dry_run || (new.is_empty() && !report.report_recorded) {
            return Ok(report);
        }
        let record = PayoutReportRecord {
            id: records::new_id().to_string(),
            period: period.into(),
            ward_code: ward.map(str::to_string),
            channel: meta.channel.map(|c| c.as_str().to_string()),
            payer: meta.payer.trim().to_string(),
            complete_to: wanted,
            file_name: meta.file_name.clone(),
            file_hash: meta.file_hash.clone(),
            rows: rows.len() as i64,
            withdrawals: new.len() as i64,
        };
        self.write_batch(&mut tx, &Batch { withdrawals: new, ..Batch::default() }).await?;
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = crate::changes::ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        insert_logged(&mut tx, &mut log, std::slice::from_ref(&record), &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The payout reports of a cycle (all wards: None), newest first.
    pub async fn payout_reports(&self, period: &str, ward: Option<&str>) -> Result<Vec<PayoutReportRecord>> {
        let rows = sqlx::query(
            "SELECT id, period, ward_code, channel, payer, complete_to, file_name, file_hash, rows, withdrawals
             FROM payout_reports WHERE period = ? AND (? IS NULL OR ward_code = ?) ORDER BY created_at DESC, id DESC",
        )
        .bind(period)
        .bind(ward)
        .bind(ward)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|r| PayoutReportRecord {
                id: r.get("id"),
                period: r.get("period"),
                ward_code: r.get("ward_code"),
                channel: r.get("channel"),
                payer: r.get("payer"),
                complete_to: r.get("complete_to"),
                file_name: r.get("file_name"),
                file_hash: r.get("file_hash"),
                rows: r.get("rows"),
                withdrawals: r.get("withdrawals"),
            })
            .collect())
    }
}
