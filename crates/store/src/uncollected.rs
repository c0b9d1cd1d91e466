//! Money left uncollected (issue 15): the people an officer must visit before a payer assumes
//! them dead and stops the allowance (a post office once stopped an 87-year-old's allowance
//! after three months of uncollected cash, docs DOMAIN.md).
//!
//! **Definition**, at `as_of` with `months` = N (default [`DEFAULT_UNCOLLECTED_MONTHS`]), cutoff
//! = `as_of` − N calendar months:
//! - a person's *last cash in hand* is the latest day of any withdrawal of any of their payments,
//!   on or before `as_of`; none: they never withdrew;
//! - the *payments since* are their credited payments credited after that day (every credited
//!   one when they never withdrew), on or before `as_of`; a payment credited the same day as the
//!   last withdrawal counts as known at that visit;
//! - *money left* is the sum over the payments since of what is left of each (amount − its
//!   withdrawals up to `as_of`).
//!
//! A person is listed when money left > 0 and the money has waited at least N months: their last
//! withdrawal is before the cutoff, or, when they never withdrew, their oldest payment since was
//! credited on or before the cutoff (a newcomer credited last week is not "never withdrew").
//! Order: money left, largest first; then the longest wait (the earliest *waiting since*: the
//! last withdrawal, or the first payment credited for one who never withdrew); then name order.
//!
//! One SQL statement: payments are read once in person order (the `UNIQUE (beneficiary_id,
//! period)` index), each one's last withdrawal is a seek in the covering `withdrawals_payment`
//! index and a window over that column takes the person's latest; a ward's list starts from the
//! ward index and reads only its people's payments (a small sort for the window); what is left is summed only for the few
//! payments that pass; only the listed people's rows leave SQLite (EXPLAIN QUERY PLAN in the
//! store test). About 2 s for 30,000 people and 330,000 payments on a loaded 2-core machine
//! (summing every payment's withdrawals first took 3.3 s): linear, so some 20 s for a whole city,
//! well under a second on a ward's desktop (its own ward's data only).

use crate::Store;
use crate::error::Result;
use crate::read::enum_col;
use crate::rows::iso;
use ansinh_core::model::Channel;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Months without cash in hand before a person is listed, unless asked otherwise.
pub const DEFAULT_UNCOLLECTED_MONTHS: u32 = 2;
/// The most months one can ask for (five years).
pub const MAX_UNCOLLECTED_MONTHS: u32 = 60;

/// One person whose money waits uncollected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UncollectedRow {
    pub beneficiary_id: String,
    pub full_name: String,
    pub ward_code: String,
    pub ward_name: String,
    pub residential_group: String,
    /// Empty when none is recorded.
    pub phone: String,
    /// ISO day of the last withdrawal of any of their payments; None: never withdrew.
    pub last_withdrawal_on: Option<String>,
    /// ISO: the last withdrawal, or for one who never withdrew the first payment credited.
    pub waiting_since: String,
    /// Whole days from `waiting_since` to the list's day.
    pub days_waiting: i64,
    /// Credited payments credited after the last withdrawal (all, when never withdrawn).
    pub payments_since: i64,
    /// What is left of those payments.
    pub left_vnd: i64,
    /// The channel of the latest of those payments (how the money reaches them now).
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UncollectedList {
    pub as_of: String,
    pub months: u32,
    /// ISO: last withdrawal before this day (or never) to be listed.
    pub cutoff: String,
    pub ward_code: Option<String>,
    pub total_left_vnd: i64,
    pub rows: Vec<UncollectedRow>,
}

/// The statement from the payments it reads (`$from`, as `p`): every payment for the city, or
/// one ward's people's through the ward index, so a ward's list costs what the ward holds.
macro_rules! uncollected_sql {
    ($from:literal) => {
        concat!(
            "
WITH paid AS (
    SELECT p.id, p.beneficiary_id AS bid, p.status, p.credited_on, p.channel, p.amount_vnd,
           (SELECT MAX(withdrawn_on) FROM withdrawals w WHERE w.payment_id = p.id AND w.withdrawn_on <= ?1) AS last_of_payment
",
            $from,
            "),
pay AS (
    SELECT paid.*, MAX(last_of_payment) OVER (PARTITION BY bid) AS person_last FROM paid
),
waiting AS (
    SELECT bid, MAX(person_last) AS last_on, COUNT(*) AS payments_since,
           SUM(amount_vnd - (SELECT COALESCE(SUM(amount_vnd), 0) FROM withdrawals w WHERE w.payment_id = pay.id AND w.withdrawn_on <= ?1)) AS left_vnd,
           MIN(credited_on) AS first_since, MAX(credited_on || ' ' || channel) AS latest
    FROM pay
    WHERE status = 'credited' AND credited_on <= ?1
      AND (person_last IS NULL OR (person_last < ?2 AND credited_on > person_last))
    GROUP BY bid
    HAVING left_vnd > 0 AND (last_on IS NOT NULL OR first_since <= ?2)
)
SELECT w.bid, w.last_on, w.payments_since, w.left_vnd, w.first_since, substr(w.latest, 12) AS channel,
       b.full_name, b.sort_key, b.ward_code, b.residential_group, b.phone
FROM waiting w JOIN beneficiaries b ON b.id = w.bid
ORDER BY w.left_vnd DESC, COALESCE(w.last_on, w.first_since), b.sort_key, b.id"
        )
    };
}

const UNCOLLECTED_SQL: &str = uncollected_sql!("    FROM payments p WHERE ?3 IS NULL\n");
const UNCOLLECTED_WARD_SQL: &str =
    uncollected_sql!("    FROM beneficiaries b0 JOIN payments p ON p.beneficiary_id = b0.id WHERE b0.ward_code = ?3\n");

/// The statement for one ward or for the city.
fn statement(ward: Option<&str>) -> &'static str {
    if ward.is_some() { UNCOLLECTED_WARD_SQL } else { UNCOLLECTED_SQL }
}

impl Store {
    /// The people whose money waits uncollected (see the module documentation) at `as_of`.
    /// `ward`: only that ward's people.
    pub async fn uncollected(&self, as_of: NaiveDate, months: u32, ward: Option<&str>) -> Result<UncollectedList> {
        let ward = ward.map(str::trim).filter(|w| !w.is_empty());
        let cutoff = as_of.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN);
        let found =
            sqlx::query(statement(ward)).bind(iso(as_of)).bind(iso(cutoff)).bind(ward).fetch_all(&self.reader).await?;
        let refs = self.refs().await?;
        let mut rows = Vec::with_capacity(found.len());
        for r in &found {
            let last: Option<String> = r.get("last_on");
            let since = last.clone().unwrap_or_else(|| r.get("first_since"));
            let ward_code: String = r.get("ward_code");
            rows.push(UncollectedRow {
                beneficiary_id: r.get("bid"),
                full_name: r.get("full_name"),
                ward_name: refs.unit_name(&ward_code),
                ward_code,
                residential_group: r.get("residential_group"),
                phone: r.get("phone"),
                last_withdrawal_on: last,
                days_waiting: (as_of - crate::decode::date(&since)?).num_days(),
                waiting_since: since,
                payments_since: r.get("payments_since"),
                left_vnd: r.get("left_vnd"),
                channel: enum_col(r, "channel", Channel::parse)?,
            });
        }
        Ok(UncollectedList {
            as_of: iso(as_of),
            months,
            cutoff: iso(cutoff),
            ward_code: ward.map(str::to_string),
            total_left_vnd: rows.iter().map(|r| r.left_vnd).sum(),
            rows,
        })
    }

    /// The plan SQLite picks for [`Store::uncollected`] (tests check it uses the indexes).
    pub async fn uncollected_plan(&self, ward: Option<&str>) -> Result<Vec<String>> {
        // A constant statement: nothing typed goes into the text.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", statement(ward))))
            .bind("2026-01-01")
            .bind("2025-11-01")
            .bind(ward)
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.iter().map(|r| r.get::<String, _>("detail")).collect())
    }
}
