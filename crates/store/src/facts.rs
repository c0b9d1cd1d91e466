//! Loads the compact facts the indicators are computed from ([`ansinh_core::facts::Facts`]):
//! one query per table, no per-row queries. Payments and withdrawals are both read in payment
//! id order and joined by walking the two lists side by side (no id map for millions of
//! payments); accounts get their first credit and first withdrawal from the same walk.

use crate::error::Result;
use crate::{Store, StoreError};
use ansinh_core::dates::BirthDate;
use ansinh_core::facts::{
    AccountFact, Facts, GrievanceFact, Interner, PaymentFact, Person, VerificationFact, WithdrawalFact,
};
use ansinh_core::model::{Channel, Disability, Needs, PaymentStatus, SegmentBy};
use ansinh_core::segments::{self, Computed, Filter, MetricsReport};
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::HashMap;

fn bad(what: &str, s: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("bad {what} '{s}'")))
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("date", s))
}

fn opt_date(s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(date).transpose()
}

fn channel(s: &str) -> Result<Channel> {
    Channel::parse(s).ok_or_else(|| bad("channel", s))
}

/// Earliest of two optional dates.
fn earliest(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

impl Store {
    /// Every fact the indicators read, in seven queries.
    pub async fn indicator_facts(&self) -> Result<Facts> {
        let mut f = Facts::default();

        let cycles = sqlx::query("SELECT period, scheduled_on FROM payment_cycles ORDER BY period")
            .fetch_all(&self.reader)
            .await?;
        let mut starts = Vec::with_capacity(cycles.len());
        for r in &cycles {
            f.periods.push(r.get(0));
            starts.push(date(r.get(1))?);
        }
        f.cycle_ends = (0..starts.len()).map(|i| starts.get(i + 1).copied()).collect();

        let people = sqlx::query(
            "SELECT b.id, b.ward_code, b.group_code, b.birth_date, b.birth_year, b.disability,
                    b.lives_alone, b.limited_mobility, b.vision_hearing, b.no_smartphone, b.bedridden,
                    b.authorised_name <> '' OR EXISTS (SELECT 1 FROM accounts a WHERE a.beneficiary_id = b.id AND a.assisted = 1)
             FROM beneficiaries b",
        )
        .fetch_all(&self.reader)
        .await?;
        let (mut wards, mut groups) = (Interner::default(), Interner::default());
        let mut person_ix: HashMap<String, u32> = HashMap::with_capacity(people.len());
        for r in &people {
            let birth = match r.get::<Option<&str>, _>(3) {
                Some(s) => BirthDate::Full(date(s)?),
                None => BirthDate::Year(r.get::<i64, _>(4) as i32),
            };
            let disability: &str = r.get(5);
            let flag = |i: usize| r.get::<i64, _>(i) != 0;
            person_ix.insert(r.get(0), f.people.len() as u32);
            f.people.push(Person {
                ward: wards.get(&mut f.wards, r.get(1)),
                group: groups.get(&mut f.groups, r.get(2)),
                birth,
                disability: Disability::parse(disability).ok_or_else(|| bad("disability", disability))?,
                needs: Needs {
                    lives_alone: flag(6),
                    limited_mobility: flag(7),
                    vision_hearing: flag(8),
                    no_smartphone: flag(9),
                    bedridden: flag(10),
                },
                assisted: flag(11),
            });
        }

        let withdrawals = sqlx::query(
            "SELECT payment_id, withdrawn_on, amount_vnd, travel_minutes, travel_cost_vnd, waiting_minutes,
                    assisted = 1 OR place IN ('proxy', 'home_delivery')
             FROM withdrawals ORDER BY payment_id, withdrawn_on",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut verifications = sqlx::query(
            "SELECT payment_id, verified_on, result = 'full' FROM verification_items
             WHERE result IS NOT NULL ORDER BY payment_id",
        )
        .fetch_all(&self.reader)
        .await?
        .into_iter()
        .peekable();

        let payments = sqlx::query(
            "SELECT p.id, p.beneficiary_id, p.period, p.channel, p.amount_vnd, p.status,
                    COALESCE(p.scheduled_on, c.scheduled_on), p.credited_on, p.failure_reason, p.account_id
             FROM payments p JOIN payment_cycles c ON c.period = p.period
             ORDER BY p.id",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut reasons = Interner::default();
        // account id → (first credit, first withdrawal) of its payments.
        let mut by_account: HashMap<String, (Option<NaiveDate>, Option<NaiveDate>)> = HashMap::new();
        let mut wi = 0;
        f.withdrawals.reserve(withdrawals.len());
        for r in &payments {
            let id: &str = r.get(0);
            let start = f.withdrawals.len() as u32;
            while wi < withdrawals.len() && withdrawals[wi].get::<&str, _>(0) < id {
                wi += 1; // a withdrawal of no known payment: impossible with the foreign key
            }
            while wi < withdrawals.len() && withdrawals[wi].get::<&str, _>(0) == id {
                let w = &withdrawals[wi];
                f.withdrawals.push(WithdrawalFact {
                    on: date(w.get(1))?,
                    amount_vnd: w.get(2),
                    travel_minutes: w.get(3),
                    travel_cost_vnd: w.get(4),
                    waiting_minutes: w.get(5),
                    assisted: w.get::<i64, _>(6) != 0,
                });
                wi += 1;
            }
            let index = f.payments.len() as u32;
            while verifications.peek().is_some_and(|v| v.get::<&str, _>(0) < id) {
                verifications.next();
            }
            while let Some(v) = verifications.next_if(|v| v.get::<&str, _>(0) == id) {
                f.verifications.push(VerificationFact {
                    payment: index,
                    verified_on: date(v.get(1))?,
                    full: v.get::<i64, _>(2) != 0,
                });
            }
            let beneficiary: &str = r.get(1);
            let status: &str = r.get(5);
            let status = PaymentStatus::parse(status).ok_or_else(|| bad("status", status))?;
            let reason: &str = r.get(8);
            let credited_on = opt_date(r.get(7))?.filter(|_| status == PaymentStatus::Credited);
            let first_withdrawal = f.withdrawals.get(start as usize).map(|w| w.on);
            if let (Some(account), Some(c)) = (r.get::<Option<&str>, _>(9), credited_on) {
                let e = by_account.entry(account.to_string()).or_default();
                *e = (earliest(e.0, Some(c)), earliest(e.1, first_withdrawal));
            }
            f.payments.push(PaymentFact {
                person: *person_ix.get(beneficiary).ok_or_else(|| bad("beneficiary", beneficiary))?,
                period: f.period_index(r.get(2)).ok_or_else(|| bad("period", r.get(2)))?,
                channel: channel(r.get(3))?,
                status,
                amount_vnd: r.get(4),
                scheduled_on: opt_date(r.get(6))?,
                credited_on,
                failure_reason: (!reason.is_empty() && status != PaymentStatus::Credited)
                    .then(|| reasons.get(&mut f.failure_reasons, reason)),
                withdrawals: start..f.withdrawals.len() as u32,
            });
        }

        for r in sqlx::query(
            "SELECT id, beneficiary_id, channel, opened_on FROM accounts
             WHERE opened_on IS NOT NULL AND status IN ('opened', 'closed')",
        )
        .fetch_all(&self.reader)
        .await?
        {
            let (credit, withdrawal) = by_account.get(r.get::<&str, _>(0)).copied().unwrap_or_default();
            let beneficiary: &str = r.get(1);
            f.accounts.push(AccountFact {
                person: *person_ix.get(beneficiary).ok_or_else(|| bad("beneficiary", beneficiary))?,
                channel: channel(r.get(2))?,
                opened_on: date(r.get(3))?,
                first_credit_on: credit,
                first_withdrawal_on: withdrawal,
            });
        }

        for r in sqlx::query(
            "SELECT beneficiary_id, opened_on, deadline_on,
                    CASE WHEN status IN ('resolved', 'rejected') THEN closed_on END
             FROM grievances",
        )
        .fetch_all(&self.reader)
        .await?
        {
            let beneficiary: &str = r.get(0);
            f.grievances.push(GrievanceFact {
                person: *person_ix.get(beneficiary).ok_or_else(|| bad("beneficiary", beneficiary))?,
                opened_on: date(r.get(1))?,
                deadline_on: date(r.get(2))?,
                closed_on: opt_date(r.get(3))?,
            });
        }
        Ok(f)
    }

    /// Names of segment values: wards and groups by name, other values keep their code (the
    /// UI translates codes).
    async fn segment_labels(&self) -> Result<impl Fn(SegmentBy, &str) -> String> {
        let refs = self.refs().await?;
        Ok(move |by: SegmentBy, key: &str| match by {
            SegmentBy::Ward => refs.unit_name(key),
            SegmentBy::Group => refs.group(key).map_or_else(|| key.to_string(), |g| g.name_vi.clone()),
            _ => key.to_string(),
        })
    }

    /// Every indicator at `as_of` for the facts `filter` keeps, overall and per `by` (none,
    /// one or two dimensions).
    pub async fn metrics(&self, as_of: NaiveDate, filter: &Filter, by: &[SegmentBy]) -> Result<MetricsReport> {
        let facts = self.indicator_facts().await?;
        let label = self.segment_labels().await?;
        Ok(segments::report(&facts, as_of, filter, by, &label))
    }

    /// Several segmentations in one pass (the dashboard's charts).
    pub async fn indicators(&self, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> Result<Computed> {
        let facts = self.indicator_facts().await?;
        let label = self.segment_labels().await?;
        Ok(segments::compute(&facts, as_of, filter, bys, &label))
    }
}
