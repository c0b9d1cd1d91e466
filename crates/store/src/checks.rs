//! What the time-to-cash figure censors at, as tables for the exports (`ansinh export contacts`,
//! `ansinh export payout_reports`) that the independent DuckDB recomputation reads
//! (bench/duckdb_dashboard.py). The indicators themselves read them in `facts.rs`.

use crate::Store;
use crate::error::Result;
use sqlx::Row;

/// One follow-up contact, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub id: String,
    pub beneficiary_id: String,
    pub payment_id: Option<String>,
    pub kind: String,
    pub contacted_on: String,
    pub outcome: String,
}

/// One payer's report, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutReportRow {
    pub id: String,
    pub period: String,
    pub ward_code: Option<String>,
    pub channel: Option<String>,
    pub payer: String,
    pub complete_to: Option<String>,
    pub rows: i64,
    pub withdrawals: i64,
}

impl Store {
    /// Every contact, oldest first.
    pub async fn contact_rows(&self) -> Result<Vec<ContactRow>> {
        let rows = sqlx::query(
            "SELECT id, beneficiary_id, payment_id, kind, contacted_on, outcome FROM contacts ORDER BY contacted_on, id",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ContactRow {
                id: r.get("id"),
                beneficiary_id: r.get("beneficiary_id"),
                payment_id: r.get("payment_id"),
                kind: r.get("kind"),
                contacted_on: r.get("contacted_on"),
                outcome: r.get("outcome"),
            })
            .collect())
    }

    /// Every payer's report, by cycle.
    pub async fn payout_report_rows(&self) -> Result<Vec<PayoutReportRow>> {
        let rows = sqlx::query(
            "SELECT id, period, ward_code, channel, payer, complete_to, rows, withdrawals
             FROM payout_reports ORDER BY period, id",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|r| PayoutReportRow {
                id: r.get("id"),
                period: r.get("period"),
                ward_code: r.get("ward_code"),
                channel: r.get("channel"),
                payer: r.get("payer"),
                complete_to: r.get("complete_to"),
                rows: r.get("rows"),
                withdrawals: r.get("withdrawals"),
            })
            .collect())
    }
}
