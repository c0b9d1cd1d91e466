//! Loads the compact facts the indicators are computed from ([`ansinh_core::facts::Facts`]):
//! one query per table, no per-row queries. Payments and withdrawals are read in storage order,
//! side by side on two connections, and joined in memory by payment id (withdrawals grouped
//! under their payments by a counting sort); accounts get their first credit and first
//! withdrawal from the joined lists.

use crate::Store;
use crate::decode::{bad, date, opt_date, uid};
use crate::error::Result;
use crate::raw::{self, Cols, Db, Stmt};
use ansinh_core::dates::BirthDate;
use ansinh_core::facts::{
    AccountFact, Facts, GrievanceFact, Interner, PaymentFact, Person, ReportFact, VerificationFact, WithdrawalFact,
};
use ansinh_core::model::{Channel, Disability, Needs, PaymentStatus, SegmentBy};
use ansinh_core::segments::{self, Computed, Filter, MetricsReport};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use sqlx::Row;
use std::collections::HashMap;

const PEOPLE_SQL: &str = "SELECT b.id, b.ward_code, b.group_code, b.birth_date, b.birth_year, b.disability,
        b.lives_alone, b.limited_mobility, b.vision_hearing, b.no_smartphone, b.bedridden,
        b.authorised_name <> '' OR EXISTS (SELECT 1 FROM accounts a WHERE a.beneficiary_id = b.id AND a.assisted = 1)
 FROM beneficiaries b";

const ACCOUNTS_SQL: &str = "SELECT id, beneficiary_id, channel, opened_on FROM accounts
 WHERE opened_on IS NOT NULL AND status IN ('opened', 'closed')";

/// Checks that found a payment not withdrawn yet (core `Facts::checks`): a follow-up contact
/// about the payment that reached the person without their having withdrawn, and a
/// verification visit at which they had received nothing. (A visit that found the money
/// received says it was withdrawn, but not when: it is no "not yet" check.)
const CHECKS_SQL: &str = "SELECT payment_id, contacted_on AS on_day FROM contacts
 WHERE payment_id IS NOT NULL AND outcome IN ('will_withdraw', 'home_delivery_arranged', 'refused_other')
 UNION ALL
 SELECT payment_id, verified_on FROM verification_items WHERE result = 'nothing'";

/// Payers' reports complete up to a day.
const REPORTS_SQL: &str =
    "SELECT period, ward_code, channel, complete_to FROM payout_reports WHERE complete_to IS NOT NULL";

/// Which people a load reads: everyone, or (a patch of the kept facts, `facts_kept.rs`) the
/// people whose ids are in a JSON array. Each query names its restriction with `{people}`.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a>(pub Option<&'a str>);

impl Scope<'_> {
    /// `base`, followed by `clause` when only some people are read.
    fn prepare<'d>(self, db: &'d Db<'d>, base: &str, clause: &str) -> Result<Stmt<'d>> {
        match self.0 {
            None => Stmt::prepare(db, base),
            Some(people) => restricted(db, base, clause, "{people}", people),
        }
    }
}

/// `base` followed by `clause`, whose `name` stands for the ids in the JSON array `ids`.
fn restricted<'d>(db: &'d Db<'d>, base: &str, clause: &str, name: &str, ids: &str) -> Result<Stmt<'d>> {
    let sql = format!("{base}{}", clause.replace(name, "(SELECT value FROM json_each(?1))"));
    let mut stmt = Stmt::prepare(db, &sql)?;
    stmt.bind_text(1, ids)?;
    Ok(stmt)
}

/// The statement of a table that names a payment: every row, or (some people read) the rows of
/// the payments read, `paid` (their ids as a JSON array, `{paid}` in `clause`).
fn of_payments<'d>(db: &'d Db<'d>, base: &str, clause: &str, paid: Option<&str>) -> Result<Stmt<'d>> {
    match paid {
        None => Stmt::prepare(db, base),
        Some(ids) => restricted(db, base, clause, "{paid}", ids),
    }
}

/// The day of a cycle's `closed_at` (a UTC timestamp, `yyyy-mm-ddT…`).
fn closed_day(closed_at: Option<&str>) -> Result<Option<NaiveDate>> {
    closed_at.map(|s| date(s.get(..10).unwrap_or(s))).transpose()
}

/// Gives each payment its checks, oldest first (`pairs`: payment index, day).
fn attach_checks(f: &mut Facts, mut pairs: Vec<(u32, NaiveDate)>) {
    pairs.sort_unstable();
    f.checks = pairs.iter().map(|(_, d)| *d).collect();
    let mut at = 0usize;
    for (i, p) in f.payments.iter_mut().enumerate() {
        let start = at;
        while at < pairs.len() && pairs[at].0 == i as u32 {
            at += 1;
        }
        p.checks = start as u32..at as u32;
    }
}

/// A report's scope as fact indices; None when its period or ward has no facts (nothing to cover).
fn report_fact(
    f: &Facts,
    period: &str,
    ward: Option<&str>,
    ch: Option<&str>,
    complete_to: &str,
) -> Result<Option<ReportFact>> {
    let Some(period) = f.period_index(period) else { return Ok(None) };
    let ward = match ward {
        Some(w) => match f.wards.iter().position(|x| x == w) {
            Some(i) => Some(i as u32),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(ReportFact { period, ward, channel: ch.map(channel).transpose()?, complete_to: date(complete_to)? }))
}

const GRIEVANCES_SQL: &str = "SELECT beneficiary_id, opened_on, deadline_on,
        CASE WHEN status IN ('resolved', 'rejected') THEN closed_on END
 FROM grievances";

/// A person's segment attributes from a [`PEOPLE_SQL`] row.
fn person(
    r: &impl Cols,
    ward_table: &mut Vec<String>,
    wards: &mut Interner,
    group_table: &mut Vec<String>,
    groups: &mut Interner,
) -> Result<Person> {
    let birth = match r.text(3) {
        Some(s) => BirthDate::Full(date(s)?),
        None => BirthDate::Year(r.int(4) as i32),
    };
    let disability: &str = r.str(5);
    let flag = |i: usize| r.int(i) != 0;
    Ok(Person {
        ward: wards.get(ward_table, r.str(1)),
        group: groups.get(group_table, r.str(2)),
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
    /// Every fact the indicators read, for a whole city in seconds: each table is streamed in
    /// storage order (no sort, no per-row lookups in SQLite, no rows held as text), ids are
    /// joined in memory as 128-bit numbers, and withdrawals are grouped under their payments by
    /// a counting sort. Gives exactly the facts of [`Store::indicator_facts_plain`] (payments in
    /// storage order rather than id order; no indicator depends on that order).
    pub async fn indicator_facts(&self) -> Result<Facts> {
        let (mut facts, _) = self.facts_of(Scope(None)).await?;
        facts.programmes = programmes(&facts, &*self.refs().await?);
        Ok(facts)
    }

    /// The facts of `scope`'s people (all their reports when everyone is read, none
    /// otherwise) and their ids, index-aligned with `people`; no programmes.
    pub(crate) async fn facts_of(&self, scope: Scope<'_>) -> Result<(Facts, Vec<u128>)> {
        let (mut one, mut two) = (self.reader.acquire().await?, self.reader.acquire().await?);
        let (mut one, mut two) = (one.lock_handle().await?, two.lock_handle().await?);
        let (db, other) = (raw::Db::new(&mut one), raw::Db::new(&mut two));
        raw::blocking(|| load_facts(&db, other, scope))
    }

    /// Payers' reports over `facts`' wards and cycles.
    pub(crate) async fn reports_over(&self, facts: &Facts) -> Result<Vec<ReportFact>> {
        let mut conn = self.reader.acquire().await?;
        let mut conn = conn.lock_handle().await?;
        let db = raw::Db::new(&mut conn);
        raw::blocking(|| read_reports(&db, facts))
    }
}

/// Payers' reports complete up to a day, over `f`'s wards and cycles.
fn read_reports(db: &Db<'_>, f: &Facts) -> Result<Vec<ReportFact>> {
    let mut out = Vec::new();
    let mut rows = Stmt::prepare(db, REPORTS_SQL)?;
    while let Some(r) = rows.next()? {
        if let Some(report) = report_fact(f, r.str(0), r.text(1), r.text(2), r.str(3))? {
            out.push(report);
        }
    }
    Ok(out)
}

/// Per group and period, the programme its people are paid under then (the rules in force on
/// the cycle's first day, following a group's successor), and today's in the last slot. A
/// group without a rule for a cycle keeps its own programme.
pub(crate) fn programmes(f: &Facts, refs: &crate::Refs) -> Vec<Vec<ansinh_core::model::Scheme>> {
    let starts: Vec<Option<chrono::NaiveDate>> =
        f.periods.iter().map(|p| ansinh_core::dates::period_start(p)).collect();
    let today = crate::local_today();
    f.groups
        .iter()
        .map(|g| {
            let own = refs.group(g).map(|v| v.scheme).unwrap_or(ansinh_core::model::Scheme::SocialAssistance);
            let on =
                |day: Option<chrono::NaiveDate>| day.and_then(|d| refs.rules.group_on(g, d)).map_or(own, |r| r.scheme);
            starts.iter().map(|d| on(*d)).chain([on(Some(today))]).collect()
        })
        .collect()
}

/// The withdrawals a read takes and the ids of their payments, in storage order.
type Withdrawals = (Vec<u128>, Vec<WithdrawalFact>);

/// Every column of a withdrawal the facts read; `withdrawals_payment` (migration 0024) holds
/// them all, so a payment's withdrawals are read off the index alone (see the plan test).
const WITHDRAWALS_SQL: &str =
    "SELECT payment_id, withdrawn_on, amount_vnd, travel_minutes, travel_cost_vnd, waiting_minutes,
            assisted = 1 OR place IN ('proxy', 'home_delivery')
     FROM withdrawals";
const WITHDRAWALS_OF_PAID: &str = " WHERE payment_id IN {paid}";

/// Every column of a payment the facts read. Some people's are found through the person's
/// unique index and read from the table's pages (an index holding them all, migration 0024, made
/// every month of every ward rewrite it whole; dropped by migration 0025).
const PAYMENTS_SQL: &str = "SELECT id, beneficiary_id, period, channel, amount_vnd, status, scheduled_on, credited_on,
            failure_reason, account_id, label <> ''
     FROM payments";
const PAYMENTS_OF_PEOPLE: &str = " WHERE beneficiary_id IN {people}";

/// How many payments' ids reach the withdrawals' reader at a time when some people are read.
const PAID_BATCH: usize = 256;

/// Appends to `out` every withdrawal (`paid` None: in storage order, each page read and
/// decrypted once), or those of the payments whose ids are in the JSON array `paid`, off the
/// index that holds every column read (`withdrawals_payment`, migration 0024): their rows lie
/// spread over the table, the index keeps each payment's together.
fn read_withdrawals(db: &Db<'_>, paid: Option<&str>, out: &mut Withdrawals) -> Result<()> {
    let mut rows = match paid {
        None => Stmt::prepare(db, WITHDRAWALS_SQL)?,
        Some(ids) => restricted(db, WITHDRAWALS_SQL, WITHDRAWALS_OF_PAID, "{paid}", ids)?,
    };
    while let Some(w) = rows.next()? {
        out.0.push(uid(w.str(0))?);
        out.1.push(WithdrawalFact {
            on: date(w.str(1))?,
            amount_vnd: w.int(2),
            travel_minutes: w.opt_int(3),
            travel_cost_vnd: w.opt_int(4),
            waiting_minutes: w.opt_int(5),
            assisted: w.int(6) != 0,
        });
    }
    Ok(())
}

/// Every withdrawal (`paid` None), or those of the payments whose ids arrive on `paid`, read
/// while the payments are. Some people's payments and withdrawals lie on most pages of both
/// tables (a ward's, at the city), and reading (decrypting) those pages is most of a patch, so
/// the two tables are read side by side as when everyone is: the payments' ids come in batches
/// as they are read, and each batch's withdrawals are looked up in the index holding their
/// columns, in its order. (Measured when they were read off the table: batches of 256 to 16,384
/// payments took the same time at the tenth; one batch of them all, read after the payments,
/// took longer.) The ids sent are given back, for the other tables that name a payment.
fn withdrawals_of(
    db: Db<'_>,
    paid: Option<std::sync::mpsc::Receiver<Vec<String>>>,
) -> Result<(Withdrawals, Vec<String>)> {
    let (mut out, mut sent) = (Withdrawals::default(), Vec::new());
    match paid {
        None => read_withdrawals(&db, None, &mut out)?,
        Some(batches) => {
            for mut ids in batches {
                // In the index's order: each of its pages read once.
                ids.sort_unstable();
                read_withdrawals(&db, Some(&serde_json::to_string(&ids).expect("strings encode")), &mut out)?;
                sent.extend(ids);
            }
        }
    }
    Ok((out, sent))
}

/// [`Store::indicator_facts`] on two locked connection handles (`other` reads the withdrawals),
/// with the people's ids.
fn load_facts(db: &Db<'_>, other: Db<'_>, scope: Scope<'_>) -> Result<(Facts, Vec<u128>)> {
    let mut f = Facts::default();
    let mut starts = Vec::new();
    {
        let mut rows = Stmt::prepare(db, "SELECT period, scheduled_on, closed_at FROM payment_cycles ORDER BY period")?;
        while let Some(r) = rows.next()? {
            f.periods.push(r.str(0).to_string());
            starts.push(date(r.str(1))?);
            f.cycle_closed.push(closed_day(r.text(2))?);
        }
    }
    f.cycle_ends = (0..starts.len()).map(|i| starts.get(i + 1).copied()).collect();

    let mut person_ix: FxHashMap<u128, u32> = FxHashMap::default();
    let mut person_ids = Vec::new();
    {
        let (mut wards, mut groups) = (Interner::default(), Interner::default());
        let mut rows = scope.prepare(db, PEOPLE_SQL, " WHERE b.id IN {people}")?;
        while let Some(r) = rows.next()? {
            let id = uid(r.str(0))?;
            person_ids.push(id);
            person_ix.insert(id, f.people.len() as u32);
            f.people.push(person(&r, &mut f.wards, &mut wards, &mut f.groups, &mut groups)?);
        }
    }

    // Payments in storage order; each one's id, and its account as a small number.
    let mut payment_ix: FxHashMap<u128, u32> = FxHashMap::default();
    let mut account_ix: FxHashMap<u128, u32> = FxHashMap::default();
    let mut account_of: Vec<u32> = Vec::new();
    // The withdrawals are read on the second connection meanwhile (the two big tables are most
    // of the load); when only some people are, they are told which payments were read.
    let (batches, paid_to) = match scope.0 {
        None => (None, None),
        Some(_) => {
            let (to, from) = std::sync::mpsc::sync_channel::<Vec<String>>(4);
            (Some(from), Some(to))
        }
    };
    // The ids of the payments read not yet sent, when only some people are.
    let mut batch: Vec<String> = Vec::new();
    let ((owner_ids, loose), paid) = std::thread::scope(|s| -> Result<_> {
        let withdrawals = s.spawn(move || withdrawals_of(other, batches));
        let mut reasons = Interner::default();
        let mut rows = scope.prepare(db, PAYMENTS_SQL, PAYMENTS_OF_PEOPLE)?;
        while let Some(r) = rows.next()? {
            let index = f.payments.len() as u32;
            payment_ix.insert(uid(r.str(0))?, index);
            if let Some(to) = &paid_to {
                batch.push(r.str(0).to_string());
                if batch.len() == PAID_BATCH {
                    // A reader that stopped reports why when joined.
                    let _ = to.send(std::mem::take(&mut batch));
                }
            }
            let beneficiary: &str = r.str(1);
            let period = f.period_index(r.str(2)).ok_or_else(|| bad("period", r.str(2)))?;
            let status: &str = r.str(5);
            let status = PaymentStatus::parse(status).ok_or_else(|| bad("status", status))?;
            let reason: &str = r.str(8);
            let credited_on = opt_date(r.text(7))?.filter(|_| status == PaymentStatus::Credited);
            account_of.push(match (r.text(9), credited_on) {
                (Some(a), Some(_)) => {
                    let next = account_ix.len() as u32;
                    *account_ix.entry(uid(a)?).or_insert(next)
                }
                _ => u32::MAX,
            });
            f.payments.push(PaymentFact {
                person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                period,
                channel: channel(r.str(3))?,
                status,
                amount_vnd: r.int(4),
                scheduled_on: match r.text(6) {
                    Some(s) => Some(date(s)?),
                    None => Some(starts[period as usize]),
                },
                credited_on,
                failure_reason: (!reason.is_empty() && status != PaymentStatus::Credited)
                    .then(|| reasons.get(&mut f.failure_reasons, reason)),
                withdrawals: 0..0,
                checks: 0..0,
                one_off: r.int(10) != 0,
            });
        }
        drop(rows);
        if let Some(to) = paid_to
            && !batch.is_empty()
        {
            let _ = to.send(std::mem::take(&mut batch));
        }
        withdrawals.join().expect("the withdrawals reader does not panic")
    })?;
    // Every payment read, as the withdrawals' reader gives them back.
    let paid = scope.0.map(|_| serde_json::to_string(&paid).expect("strings encode"));

    // Withdrawals grouped by payment (counting sort, stable, so same-day withdrawals keep their
    // storage order as the index on (payment, date) does). A withdrawal of no known payment is
    // impossible with the foreign key.
    let mut owners: Vec<u32> = Vec::with_capacity(owner_ids.len());
    let mut kept: Vec<WithdrawalFact> = Vec::with_capacity(loose.len());
    for (id, w) in owner_ids.into_iter().zip(loose) {
        if let Some(&p) = payment_ix.get(&id) {
            owners.push(p);
            kept.push(w);
        }
    }
    let loose = kept;
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
        let mut rows = scope.prepare(db, ACCOUNTS_SQL, " AND beneficiary_id IN {people}")?;
        while let Some(r) = rows.next()? {
            let (credit, withdrawal) = account_ix.get(&uid(r.str(0))?).map(|i| firsts[*i as usize]).unwrap_or_default();
            let beneficiary: &str = r.str(1);
            f.accounts.push(AccountFact {
                person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                channel: channel(r.str(2))?,
                opened_on: date(r.str(3))?,
                first_credit_on: credit,
                first_withdrawal_on: withdrawal,
            });
        }
    }
    {
        let mut rows = scope.prepare(db, GRIEVANCES_SQL, " WHERE beneficiary_id IN {people}")?;
        while let Some(r) = rows.next()? {
            let beneficiary: &str = r.str(0);
            f.grievances.push(GrievanceFact {
                person: *person_ix.get(&uid(beneficiary)?).ok_or_else(|| bad("beneficiary", beneficiary))?,
                opened_on: date(r.str(1))?,
                deadline_on: date(r.str(2))?,
                closed_on: opt_date(r.text(3))?,
            });
        }
    }
    {
        let mut rows = of_payments(
            db,
            "SELECT payment_id, verified_on, result = 'full' FROM verification_items WHERE result IS NOT NULL",
            " AND payment_id IN {paid}",
            paid.as_deref(),
        )?;
        let mut found = Vec::new();
        while let Some(v) = rows.next()? {
            if let Some(&p) = payment_ix.get(&uid(v.str(0))?) {
                found.push(VerificationFact { payment: p, verified_on: date(v.str(1))?, full: v.int(2) != 0 });
            }
        }
        // The plain loader's order: by payment, in id order.
        found.sort_by_key(|v| v.payment);
        f.verifications = found;
    }
    {
        // Only the people's own contacts and visits: the rest would be dropped below anyway.
        // (A UNION ALL takes one restriction only from outside; when everyone is read there is
        // none, and the outer SELECT only passes the rows on.)
        let mut rows =
            of_payments(db, &format!("SELECT * FROM ({CHECKS_SQL})"), " WHERE payment_id IN {paid}", paid.as_deref())?;
        let mut pairs = Vec::new();
        while let Some(c) = rows.next()? {
            if let Some(&p) = payment_ix.get(&uid(c.str(0))?) {
                pairs.push((p, date(c.str(1))?));
            }
        }
        drop(rows);
        attach_checks(&mut f, pairs);
    }
    if scope.0.is_none() {
        f.reports = read_reports(db, &f)?;
    }
    Ok((f, person_ids))
}

impl Store {
    /// The straightforward loader the fast one ([`Store::indicator_facts`]) is checked
    /// against: every table read whole and joined in id order by SQL.
    #[doc(hidden)]
    pub async fn indicator_facts_plain(&self) -> Result<Facts> {
        let mut f = Facts::default();

        let cycles = sqlx::query("SELECT period, scheduled_on, closed_at FROM payment_cycles ORDER BY period")
            .fetch_all(&self.reader)
            .await?;
        let mut starts = Vec::with_capacity(cycles.len());
        for r in &cycles {
            f.periods.push(r.get("period"));
            starts.push(date(r.get("scheduled_on"))?);
            f.cycle_closed.push(closed_day(r.get("closed_at"))?);
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
                    COALESCE(p.scheduled_on, c.scheduled_on), p.credited_on, p.failure_reason, p.account_id,
                    p.label <> ''
             FROM payments p JOIN payment_cycles c ON c.period = p.period
             ORDER BY p.id",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut reasons = Interner::default();
        // account id → (first credit, first withdrawal) of its payments.
        let mut by_account: HashMap<String, (Option<NaiveDate>, Option<NaiveDate>)> = HashMap::new();
        let mut wi = 0;
        let mut payment_index: HashMap<&str, u32> = HashMap::with_capacity(payments.len());
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
                checks: 0..0,
                one_off: r.get::<i64, _>(10) != 0,
            });
            payment_index.insert(id, index);
        }
        let mut pairs = Vec::new();
        for c in sqlx::query(CHECKS_SQL).fetch_all(&self.reader).await? {
            if let Some(&p) = payment_index.get(c.get::<&str, _>("payment_id")) {
                pairs.push((p, date(c.get("on_day"))?));
            }
        }
        attach_checks(&mut f, pairs);
        for r in sqlx::query(REPORTS_SQL).fetch_all(&self.reader).await? {
            let report = report_fact(&f, r.get("period"), r.get("ward_code"), r.get("channel"), r.get("complete_to"))?;
            f.reports.extend(report);
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
        f.programmes = programmes(&f, &*self.refs().await?);
        Ok(f)
    }

    /// Names of segment values: wards and groups by name, other values keep their code (the
    /// UI translates codes).
    async fn segment_labels(&self) -> Result<impl Fn(SegmentBy, &str) -> String> {
        let refs = self.refs().await?;
        Ok(move |by: SegmentBy, key: &str| match by {
            SegmentBy::Ward => refs.unit_name(key),
            SegmentBy::Group => refs.group(key).map_or_else(|| key.to_string(), |g| g.name_vi.clone()),
            SegmentBy::Programme => match key {
                "social_assistance" => "Trợ giúp xã hội".to_string(),
                "social_pension" => "Trợ cấp hưu trí xã hội".to_string(),
                "meritorious" => "Ưu đãi người có công".to_string(),
                _ => key.to_string(),
            },
            SegmentBy::Kind => match key {
                "monthly" => "Trợ cấp hằng tháng".to_string(),
                "one_off" => "Chi một lần".to_string(),
                _ => key.to_string(),
            },
            _ => key.to_string(),
        })
    }

    /// Every indicator at `as_of` for the facts `filter` keeps, overall and per `by` (none,
    /// one or two dimensions).
    pub async fn metrics(&self, as_of: NaiveDate, filter: &Filter, by: &[SegmentBy]) -> Result<MetricsReport> {
        let bys: Vec<Vec<SegmentBy>> = if by.is_empty() { vec![] } else { vec![by.to_vec()] };
        let computed = self.indicators(as_of, filter, &bys).await?;
        Ok(segments::report_from(computed, as_of, filter, by))
    }

    /// The same computed over every kept fact for exactly these segmentations, no tally kept
    /// (benchmarks: the engine's pass, compared with DuckDB's).
    #[doc(hidden)]
    pub async fn indicators_afresh(
        &self,
        as_of: NaiveDate,
        filter: &Filter,
        bys: &[Vec<SegmentBy>],
    ) -> Result<Computed> {
        let facts = self.cached_facts().await?;
        let label = self.segment_labels().await?;
        Ok(segments::compute(&facts, as_of, filter, bys, &label))
    }

    /// Several segmentations (the dashboard's charts), read off the kept tally of the day and
    /// filter, which holds every segmentation asked for (crates/store/src/facts_kept.rs).
    pub async fn indicators(&self, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> Result<Computed> {
        let (facts, tally, asked) = self.kept_tally(as_of, filter, bys).await?;
        let label = self.segment_labels().await?;
        Ok(segments::finish_some(&facts, &tally, &asked, &label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// SQLite's plan for `sql` (its `detail` lines), on a database with this build's schema.
    async fn plan(store: &crate::Store, sql: &str) -> String {
        let sql = sql
            .replace("{people}", "(SELECT value FROM json_each(?1))")
            .replace("{paid}", "(SELECT value FROM json_each(?1))");
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .bind("[]")
                .fetch_all(&store.reader)
                .await
                .unwrap();
        rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
    }

    /// A patch finds its people's payments through the person's index, and reads their
    /// withdrawals off the index that holds every column read (migration 0024), never a row of
    /// the table; so does a whole load of the withdrawals.
    #[tokio::test]
    async fn a_patch_finds_its_people_through_indexes_and_reads_withdrawals_off_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("plan.db")).await.unwrap();
        let people = plan(&store, &format!("{PAYMENTS_SQL}{PAYMENTS_OF_PEOPLE}")).await;
        assert!(
            people.contains("SEARCH payments USING INDEX sqlite_autoindex_payments_2 (beneficiary_id=?)"),
            "{people}"
        );
        let paid = plan(&store, &format!("{WITHDRAWALS_SQL}{WITHDRAWALS_OF_PAID}")).await;
        assert!(paid.contains("SEARCH withdrawals USING COVERING INDEX withdrawals_payment (payment_id=?)"), "{paid}");
        let all = plan(&store, WITHDRAWALS_SQL).await;
        assert!(all.contains("SCAN withdrawals USING COVERING INDEX withdrawals_payment"), "{all}");
        store.close().await;
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for s in [
            "2026-11-26",
            "2024-02-29",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "0001-01-01",
            "2026-1-01",
            "2026-01-1 ",
            "20a6-01-01",
            "2026/01/01",
            "",
            "+202-01-01",
            "2026-01-01T00",
        ] {
            let chrono = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            assert_eq!(date(s).ok(), chrono, "{s:?}");
        }
    }
}
