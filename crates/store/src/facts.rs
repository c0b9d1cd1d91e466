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
use futures_util::TryStreamExt;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;
use std::sync::Arc;

fn bad(what: &str, s: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("bad {what} '{s}'")))
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("date", s))
}

fn opt_date(s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(date).transpose()
}

/// A UUID id as a number: compact keys for joining millions of rows in memory.
fn uid(s: &str) -> Result<u128> {
    uuid::Uuid::parse_str(s).map(|u| u.as_u128()).map_err(|_| bad("id", s))
}

const PEOPLE_SQL: &str = "SELECT b.id, b.ward_code, b.group_code, b.birth_date, b.birth_year, b.disability,
        b.lives_alone, b.limited_mobility, b.vision_hearing, b.no_smartphone, b.bedridden,
        b.authorised_name <> '' OR EXISTS (SELECT 1 FROM accounts a WHERE a.beneficiary_id = b.id AND a.assisted = 1)
 FROM beneficiaries b";

const ACCOUNTS_SQL: &str = "SELECT id, beneficiary_id, channel, opened_on FROM accounts
 WHERE opened_on IS NOT NULL AND status IN ('opened', 'closed')";

const GRIEVANCES_SQL: &str = "SELECT beneficiary_id, opened_on, deadline_on,
        CASE WHEN status IN ('resolved', 'rejected') THEN closed_on END
 FROM grievances";

/// A person's segment attributes from a [`PEOPLE_SQL`] row.
fn person(
    r: &SqliteRow,
    ward_table: &mut Vec<String>,
    wards: &mut Interner,
    group_table: &mut Vec<String>,
    groups: &mut Interner,
) -> Result<Person> {
    let birth = match r.get::<Option<&str>, _>(3) {
        Some(s) => BirthDate::Full(date(s)?),
        None => BirthDate::Year(r.get::<i64, _>(4) as i32),
    };
    let disability: &str = r.get(5);
    let flag = |i: usize| r.get::<i64, _>(i) != 0;
    Ok(Person {
        ward: wards.get(ward_table, r.get(1)),
        group: groups.get(group_table, r.get(2)),
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
    })
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
    /// The facts, loaded once and kept while the data stays the same: the dashboard's several
    /// panels and every later refresh share one load (loading a city takes seconds, computing
    /// from memory a fraction of that). Any logged write, from this process or another, makes
    /// the next call load again.
    pub async fn cached_facts(&self) -> Result<Arc<Facts>> {
        let mut cache = self.facts_cache.lock().await;
        let version = self.data_version().await?;
        if let Some((v, f)) = cache.as_ref()
            && *v == version
        {
            return Ok(Arc::clone(f));
        }
        // Drop the old facts before loading the new ones: two cities in memory at once is
        // twice the peak.
        *cache = None;
        let facts = Arc::new(self.indicator_facts().await?);
        *cache = Some((version, Arc::clone(&facts)));
        Ok(facts)
    }

    /// Empties the cache (benchmarks time the load).
    pub async fn forget_cached_facts(&self) {
        *self.facts_cache.lock().await = None;
    }

    /// Every fact the indicators read, for a whole city in seconds: each table is streamed in
    /// storage order (no sort, no per-row lookups in SQLite, no rows held as text), ids are
    /// joined in memory as 128-bit numbers, and withdrawals are grouped under their payments by
    /// a counting sort. Gives exactly the facts of [`Store::indicator_facts_plain`] (payments in
    /// storage order rather than id order; no indicator depends on that order).
    pub async fn indicator_facts(&self) -> Result<Facts> {
        let mut conn = self.reader.acquire().await?;
        let mut f = Facts::default();
        let mut starts = Vec::new();
        {
            let mut rows =
                sqlx::query("SELECT period, scheduled_on FROM payment_cycles ORDER BY period").fetch(&mut *conn);
            while let Some(r) = rows.try_next().await? {
                f.periods.push(r.get(0));
                starts.push(date(r.get(1))?);
            }
        }
        f.cycle_ends = (0..starts.len()).map(|i| starts.get(i + 1).copied()).collect();

        let mut person_ix: HashMap<u128, u32> = HashMap::new();
        {
            let (mut wards, mut groups) = (Interner::default(), Interner::default());
            let mut rows = sqlx::query(PEOPLE_SQL).fetch(&mut *conn);
            while let Some(r) = rows.try_next().await? {
                person_ix.insert(uid(r.get(0))?, f.people.len() as u32);
                f.people.push(person(&r, &mut f.wards, &mut wards, &mut f.groups, &mut groups)?);
            }
        }

        // Payments in storage order; each one's id, and its account as a small number.
        let mut payment_ix: HashMap<u128, u32> = HashMap::new();
        let mut account_ix: HashMap<u128, u32> = HashMap::new();
        let mut account_of: Vec<u32> = Vec::new();
        {
            let mut reasons = Interner::default();
            let mut rows = sqlx::query(
                "SELECT id, beneficiary_id, period, channel, amount_vnd, status, scheduled_on, credited_on,
                        failure_reason, account_id
                 FROM payments",
            )
            .fetch(&mut *conn);
            while let Some(r) = rows.try_next().await? {
                let index = f.payments.len() as u32;
                payment_ix.insert(uid(r.get(0))?, index);
                let beneficiary: &str = r.get(1);
                let period = f.period_index(r.get(2)).ok_or_else(|| bad("period", r.get(2)))?;
                let status: &str = r.get(5);
                let status = PaymentStatus::parse(status).ok_or_else(|| bad("status", status))?;
                let reason: &str = r.get(8);
                let credited_on = opt_date(r.get(7))?.filter(|_| status == PaymentStatus::Credited);
                account_of.push(match (r.get::<Option<&str>, _>(9), credited_on) {
                    (Some(a), Some(_)) => {
                        let next = account_ix.len() as u32;
                        *account_ix.entry(uid(a)?).or_insert(next)
                    }
                    _ => u32::MAX,
                });
                f.payments.push(PaymentFact {
                    person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                    period,
                    channel: channel(r.get(3))?,
                    status,
                    amount_vnd: r.get(4),
                    scheduled_on: match r.get::<Option<&str>, _>(6) {
                        Some(s) => Some(date(s)?),
                        None => Some(starts[period as usize]),
                    },
                    credited_on,
                    failure_reason: (!reason.is_empty() && status != PaymentStatus::Credited)
                        .then(|| reasons.get(&mut f.failure_reasons, reason)),
                    withdrawals: 0..0,
                });
            }
        }

        // Withdrawals in storage order, then grouped by payment (counting sort, stable, so
        // same-day withdrawals keep their storage order as the index on (payment, date) does).
        let mut owners: Vec<u32> = Vec::new();
        let mut loose: Vec<WithdrawalFact> = Vec::new();
        {
            let mut rows = sqlx::query(
                "SELECT payment_id, withdrawn_on, amount_vnd, travel_minutes, travel_cost_vnd, waiting_minutes,
                        assisted = 1 OR place IN ('proxy', 'home_delivery')
                 FROM withdrawals",
            )
            .fetch(&mut *conn);
            while let Some(w) = rows.try_next().await? {
                // A withdrawal of no known payment is impossible with the foreign key.
                let Some(&p) = payment_ix.get(&uid(w.get(0))?) else { continue };
                owners.push(p);
                loose.push(WithdrawalFact {
                    on: date(w.get(1))?,
                    amount_vnd: w.get(2),
                    travel_minutes: w.get(3),
                    travel_cost_vnd: w.get(4),
                    waiting_minutes: w.get(5),
                    assisted: w.get::<i64, _>(6) != 0,
                });
            }
        }
        let mut end = vec![0u32; f.payments.len() + 1];
        for &p in &owners {
            end[p as usize + 1] += 1;
        }
        for i in 1..end.len() {
            end[i] += end[i - 1];
        }
        let mut next = end.clone();
        let mut slots: Vec<Option<WithdrawalFact>> = vec![None; loose.len()];
        for (p, w) in owners.iter().zip(loose) {
            let at = &mut next[*p as usize];
            slots[*at as usize] = Some(w);
            *at += 1;
        }
        drop(owners);
        f.withdrawals = slots.into_iter().map(|w| w.expect("every slot filled")).collect();
        for (i, p) in f.payments.iter_mut().enumerate() {
            p.withdrawals = end[i]..end[i + 1];
            let ws = &mut f.withdrawals[end[i] as usize..end[i + 1] as usize];
            if ws.len() > 1 {
                ws.sort_by_key(|w| w.on); // stable
            }
        }

        // Each account's first credit and first withdrawal.
        let mut firsts: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = vec![(None, None); account_ix.len()];
        for (p, a) in f.payments.iter().zip(&account_of) {
            if *a != u32::MAX {
                let e = &mut firsts[*a as usize];
                let first_withdrawal =
                    f.withdrawals.get(p.withdrawals.start as usize).filter(|_| !p.withdrawals.is_empty());
                *e = (earliest(e.0, p.credited_on), earliest(e.1, first_withdrawal.map(|w| w.on)));
            }
        }
        drop(account_of);
        {
            let mut rows = sqlx::query(ACCOUNTS_SQL).fetch(&mut *conn);
            while let Some(r) = rows.try_next().await? {
                let (credit, withdrawal) =
                    account_ix.get(&uid(r.get(0))?).map(|i| firsts[*i as usize]).unwrap_or_default();
                let beneficiary: &str = r.get(1);
                f.accounts.push(AccountFact {
                    person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                    channel: channel(r.get(2))?,
                    opened_on: date(r.get(3))?,
                    first_credit_on: credit,
                    first_withdrawal_on: withdrawal,
                });
            }
        }
        {
            let mut rows = sqlx::query(GRIEVANCES_SQL).fetch(&mut *conn);
            while let Some(r) = rows.try_next().await? {
                let beneficiary: &str = r.get(0);
                f.grievances.push(GrievanceFact {
                    person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                    opened_on: date(r.get(1))?,
                    deadline_on: date(r.get(2))?,
                    closed_on: opt_date(r.get(3))?,
                });
            }
        }
        {
            let mut rows = sqlx::query(
                "SELECT payment_id, verified_on, result = 'full' FROM verification_items
                 WHERE result IS NOT NULL ORDER BY payment_id",
            )
            .fetch(&mut *conn);
            let mut found = Vec::new();
            while let Some(v) = rows.try_next().await? {
                if let Some(&p) = payment_ix.get(&uid(v.get(0))?) {
                    found.push(VerificationFact {
                        payment: p,
                        verified_on: date(v.get(1))?,
                        full: v.get::<i64, _>(2) != 0,
                    });
                }
            }
            // The plain loader's order: by payment, in id order.
            found.sort_by_key(|v| v.payment);
            f.verifications = found;
        }
        Ok(f)
    }

    /// The straightforward loader the fast one ([`Store::indicator_facts`]) is checked
    /// against: every table read whole and joined in id order by SQL.
    #[doc(hidden)]
    pub async fn indicator_facts_plain(&self) -> Result<Facts> {
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

        let people = sqlx::query(PEOPLE_SQL).fetch_all(&self.reader).await?;
        let (mut wards, mut groups) = (Interner::default(), Interner::default());
        let mut person_ix: HashMap<String, u32> = HashMap::with_capacity(people.len());
        for r in &people {
            person_ix.insert(r.get(0), f.people.len() as u32);
            f.people.push(person(r, &mut f.wards, &mut wards, &mut f.groups, &mut groups)?);
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

        for r in sqlx::query(ACCOUNTS_SQL).fetch_all(&self.reader).await? {
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

        for r in sqlx::query(GRIEVANCES_SQL).fetch_all(&self.reader).await? {
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
        let facts = self.cached_facts().await?;
        let label = self.segment_labels().await?;
        Ok(segments::report(&facts, as_of, filter, by, &label))
    }

    /// Several segmentations in one pass (the dashboard's charts).
    pub async fn indicators(&self, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> Result<Computed> {
        let facts = self.cached_facts().await?;
        let label = self.segment_labels().await?;
        Ok(segments::compute(&facts, as_of, filter, bys, &label))
    }
}
