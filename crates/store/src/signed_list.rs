//! The rows of a signed payment list (issue 15): one cycle's credited payments of a ward (or of
//! one residential group of it) with money left, one row per payment, in the order the paper
//! list of a cash round is usually kept (residential group, then name). The officer types or
//! pastes from the signed paper when each person received the money; the grid saves through
//! the payout import (`payouts.rs`), so the same rules apply to every row.

use crate::Store;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One payment of the list, with what is left of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SignedListRow {
    pub payment_id: String,
    pub beneficiary_id: String,
    pub full_name: String,
    pub id_number: Option<String>,
    pub residential_group: String,
    pub channel: String,
    /// Empty for the monthly allowance; a one-off payment's label (the same person may be
    /// listed for both).
    pub label: String,
    pub amount_vnd: i64,
    /// Already withdrawn (any day).
    pub withdrawn_vnd: i64,
    pub remaining_vnd: i64,
    /// yyyy-mm-dd.
    pub credited_on: String,
}

impl Store {
    /// The credited payments of cycle `period` (`yyyy-mm`) in `ward` with money left, in list
    /// order; `group`: only that residential group (exact, as stored).
    pub async fn signed_list(&self, period: &str, ward: &str, group: Option<&str>) -> Result<Vec<SignedListRow>> {
        let rows = sqlx::query(
            "SELECT p.id AS payment_id, p.beneficiary_id, b.full_name, b.id_number, b.residential_group, p.channel,
                    p.label, p.amount_vnd, p.credited_on,
                    COALESCE((SELECT SUM(w.amount_vnd) FROM withdrawals w WHERE w.payment_id = p.id), 0) AS withdrawn_vnd
             FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id
             WHERE p.period = ?1 AND p.status = 'credited' AND b.ward_code = ?2
               AND (?3 IS NULL OR b.residential_group = ?3)
             ORDER BY b.residential_group, b.sort_key, p.id",
        )
        .bind(period)
        .bind(ward)
        .bind(group)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let (amount_vnd, withdrawn_vnd): (i64, i64) = (r.get("amount_vnd"), r.get("withdrawn_vnd"));
                SignedListRow {
                    payment_id: r.get("payment_id"),
                    beneficiary_id: r.get("beneficiary_id"),
                    full_name: r.get("full_name"),
                    id_number: r.get("id_number"),
                    residential_group: r.get("residential_group"),
                    channel: r.get("channel"),
                    label: r.get("label"),
                    amount_vnd,
                    withdrawn_vnd,
                    remaining_vnd: amount_vnd - withdrawn_vnd,
                    credited_on: r.get("credited_on"),
                }
            })
            .filter(|r| r.remaining_vnd > 0)
            .collect())
    }
}
