//! Payment cycles (one per month): listing them for the pages that pick one, and closing one,
//! after which its payments can no longer change (reconciliation and new payments refuse).

use crate::changes::{ChangeWriter, Kind};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// One payment cycle as the reconciliation and verification pages list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CycleView {
    /// `yyyy-mm`.
    pub period: String,
    pub scheduled_on: String,
    pub closed_at: Option<String>,
    pub payments: i64,
    pub credited: i64,
    /// A verification sample has been drawn for this cycle.
    pub has_sample: bool,
}

fn cycle_view(r: &SqliteRow) -> CycleView {
    CycleView {
        period: r.get("period"),
        scheduled_on: r.get("scheduled_on"),
        closed_at: r.get("closed_at"),
        payments: r.get("payments"),
        credited: r.get("credited"),
        has_sample: r.get::<i64, _>("has_sample") != 0,
    }
}

pub(crate) fn cycle_closed() -> StoreError {
    StoreError::field("period", ErrorCode::CycleClosed, "this payment cycle is closed")
}

impl Store {
    /// Every payment cycle, newest first, with its payments, credited payments and whether a
    /// verification sample was drawn.
    pub async fn list_cycles(&self) -> Result<Vec<CycleView>> {
        let rows = sqlx::query(
            "SELECT c.period, c.scheduled_on, c.closed_at,
                    (SELECT COUNT(*) FROM payments p WHERE p.period = c.period) AS payments,
                    (SELECT COUNT(*) FROM payments p WHERE p.period = c.period AND p.status = 'credited') AS credited,
                    EXISTS (SELECT 1 FROM verification_samples s WHERE s.period = c.period) AS has_sample
             FROM payment_cycles c ORDER BY c.period DESC",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.iter().map(cycle_view).collect())
    }

    /// Closes a cycle: from then on reconciliation refuses to change its payments.
    pub async fn close_cycle(&self, period: &str) -> Result<CycleView> {
        let mut tx = self.begin_checked().await?;
        let row: Option<Option<String>> = sqlx::query_scalar("SELECT closed_at FROM payment_cycles WHERE period = ?")
            .bind(period)
            .fetch_optional(&mut *tx)
            .await?;
        let closed = row.ok_or_else(|| StoreError::NotFound { entity: "cycle", id: period.into() })?;
        if closed.is_some() {
            return Err(cycle_closed());
        }
        let now = now();
        sqlx::query("UPDATE payment_cycles SET closed_at = ? WHERE period = ?")
            .bind(&now)
            .bind(period)
            .execute(&mut *tx)
            .await?;
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        log.record(Entity::Cycle, period, Kind::Update);
        log.flush(&mut tx).await?;
        tx.commit().await?;
        self.list_cycles()
            .await?
            .into_iter()
            .find(|c| c.period == period)
            .ok_or_else(|| StoreError::NotFound { entity: "cycle", id: period.into() })
    }
}
