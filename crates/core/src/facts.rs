//! The compact in-memory facts every indicator is computed from (DOMAIN.md "Indicators").
//!
//! The store loads them once with a handful of queries (one per table, no per-row queries);
//! the engine ([`crate::engine`]) then reads each fact once. Text that repeats (ward, group,
//! period, failure reason) is interned into the tables of [`Facts`] and referred to by index,
//! so a fact is a few dozen bytes and a whole city (millions of payments) fits in memory.

use crate::dates::BirthDate;
use crate::model::{Channel, Disability, Needs, PaymentStatus, Scheme};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A beneficiary's segment attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Index into [`Facts::wards`].
    pub ward: u32,
    /// Index into [`Facts::groups`].
    pub group: u32,
    #[serde(with = "birth")]
    pub birth: BirthDate,
    pub disability: Disability,
    pub needs: Needs,
    /// Helped to reach the money: an authorised person is registered, or an account was
    /// opened with an officer's help. A person attribute (known for unwithdrawn payments too),
    /// so segmenting time to cash by it is not biased by who has withdrawn.
    pub assisted: bool,
}

/// One payment of a cycle (any status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFact {
    /// Index into [`Facts::people`].
    pub person: u32,
    /// Index into [`Facts::periods`].
    pub period: u32,
    pub channel: Channel,
    pub status: PaymentStatus,
    pub amount_vnd: i64,
    /// The payment's scheduled date, or its cycle's.
    #[serde(with = "opt_day")]
    pub scheduled_on: Option<NaiveDate>,
    #[serde(with = "opt_day")]
    pub credited_on: Option<NaiveDate>,
    /// Index into [`Facts::failure_reasons`] for failed / reversed payments.
    pub failure_reason: Option<u32>,
    /// Its withdrawals in [`Facts::withdrawals`], oldest first.
    pub withdrawals: Range<u32>,
    /// Its checks in [`Facts::checks`], oldest first: days on which it was seen not withdrawn
    /// (see [`Facts::checks`]).
    pub checks: Range<u32>,
    /// A one-off payment (a gift or arrears, with a label), not the monthly allowance.
    pub one_off: bool,
}

/// One withdrawal (a visit to take money out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalFact {
    #[serde(with = "day")]
    pub on: NaiveDate,
    pub amount_vnd: i64,
    pub travel_minutes: Option<i64>,
    pub travel_cost_vnd: Option<i64>,
    pub waiting_minutes: Option<i64>,
    /// By proxy, home delivery, or with an officer's help.
    pub assisted: bool,
}

/// One opened account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFact {
    pub person: u32,
    pub channel: Channel,
    #[serde(with = "day")]
    pub opened_on: NaiveDate,
    /// First credited payment to this account.
    #[serde(with = "opt_day")]
    pub first_credit_on: Option<NaiveDate>,
    /// First withdrawal of a payment to this account.
    #[serde(with = "opt_day")]
    pub first_withdrawal_on: Option<NaiveDate>,
}

/// One grievance ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrievanceFact {
    pub person: u32,
    #[serde(with = "day")]
    pub opened_on: NaiveDate,
    #[serde(with = "day")]
    pub deadline_on: NaiveDate,
    /// Resolved or rejected on.
    #[serde(with = "opt_day")]
    pub closed_on: Option<NaiveDate>,
}

/// One verification visit with a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationFact {
    /// Index into [`Facts::payments`] of the payment verified.
    pub payment: u32,
    #[serde(with = "day")]
    pub verified_on: NaiveDate,
    /// The person confirmed the full amount.
    pub full: bool,
}

/// A payer's report of one cycle that declares itself complete up to a day: every payout of
/// that payer to that day, for the payments in its scope, is in it (and so in the withdrawals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFact {
    /// Index into [`Facts::periods`].
    pub period: u32,
    /// Index into [`Facts::wards`]; None: every ward (the city's report).
    pub ward: Option<u32>,
    /// None: every channel.
    pub channel: Option<Channel>,
    #[serde(with = "day")]
    pub complete_to: NaiveDate,
}

/// Everything the indicators read, interned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Ward codes.
    pub wards: Vec<String>,
    /// Allowance group codes.
    pub groups: Vec<String>,
    /// Cycle periods "yyyy-mm", ascending.
    pub periods: Vec<String>,
    /// Per period: the day the next cycle is credited (scheduled), when there is one. A
    /// payment still untouched then is "unwithdrawn at cycle end".
    #[serde(with = "opt_days")]
    pub cycle_ends: Vec<Option<NaiveDate>>,
    pub failure_reasons: Vec<String>,
    pub people: Vec<Person>,
    pub payments: Vec<PaymentFact>,
    pub withdrawals: Vec<WithdrawalFact>,
    pub accounts: Vec<AccountFact>,
    pub grievances: Vec<GrievanceFact>,
    pub verifications: Vec<VerificationFact>,
    /// Per payment (its `checks` range), the days a check found it not withdrawn yet: a
    /// follow-up contact about that payment that reached the person (will withdraw, home
    /// delivery arranged, refused), and a verification visit with a result. Each is a day up to
    /// which the payment's status is known (crates/core/src/censoring.rs).
    #[serde(with = "days")]
    pub checks: Vec<NaiveDate>,
    /// Per period: the day its cycle was closed, if it was (every withdrawal of the cycle is
    /// recorded by then).
    #[serde(with = "opt_days")]
    pub cycle_closed: Vec<Option<NaiveDate>>,
    /// Payers' reports complete up to a day.
    pub reports: Vec<ReportFact>,
    /// Per group, per period: the programme its people are paid under in that cycle (a group
    /// may move: the 80+ without a pension became social pension in 07/2025); the last entry
    /// of each row, at index `periods.len()`, is the programme today (for facts with no
    /// cycle). Empty when the loader knows no rules: then nothing is segmented by programme.
    #[serde(skip)]
    pub programmes: Vec<Vec<Scheme>>,
}

impl Facts {
    pub fn withdrawals_of(&self, p: &PaymentFact) -> &[WithdrawalFact] {
        &self.withdrawals[p.withdrawals.start as usize..p.withdrawals.end as usize]
    }

    pub fn checks_of(&self, p: &PaymentFact) -> &[NaiveDate] {
        &self.checks[p.checks.start as usize..p.checks.end as usize]
    }

    /// The programme of a person's group in a cycle (or today, with no cycle).
    pub fn programme(&self, person: &Person, period: Option<u32>) -> Option<Scheme> {
        let row = self.programmes.get(person.group as usize)?;
        row.get(period.map_or(self.periods.len(), |p| p as usize)).copied()
    }

    /// Do these facts and `other` share everything a fact is read against besides its own
    /// person: the interned tables (so every code names the same thing), the cycles, the
    /// payers' reports and the programmes? Then a tally of one's facts adds to or takes out of a
    /// tally of the other's ([`crate::segments::Tally`]).
    pub fn same_context(&self, other: &Facts) -> bool {
        self.wards == other.wards
            && self.groups == other.groups
            && self.periods == other.periods
            && self.cycle_ends == other.cycle_ends
            && self.cycle_closed == other.cycle_closed
            && self.failure_reasons == other.failure_reasons
            && self.reports == other.reports
            && self.programmes == other.programmes
    }

    /// Index of a period "yyyy-mm" (periods are sorted).
    pub fn period_index(&self, period: &str) -> Option<u32> {
        self.periods.binary_search_by(|p| p.as_str().cmp(period)).ok().map(|i| i as u32)
    }
}

impl Facts {
    /// These facts with some people's replaced: every fact of a person `drop` marks (by index
    /// into `people`) is left out and every fact of `part` (loaded afresh for those people,
    /// over the same cycles) is added, so a write costs the people it touched rather than a
    /// whole load. Interned tables keep only what is still used. `reports` and `programmes`
    /// are left empty: they depend on the whole, and the caller reads them again.
    ///
    /// The cycles are `part`'s (read later: a new cycle, a cycle closed). None when they do not
    /// start with these facts' cycles, whose indices the kept payments hold. The caller checks
    /// that no kept cycle's scheduled day changed (payments without their own take it).
    pub fn splice(&self, drop: &[bool], part: &Facts) -> Option<(Facts, Placed)> {
        if !part.periods.starts_with(&self.periods) || drop.len() != self.people.len() {
            return None;
        }
        let mut out = Facts {
            periods: part.periods.clone(),
            cycle_ends: part.cycle_ends.clone(),
            cycle_closed: part.cycle_closed.clone(),
            ..Default::default()
        };
        out.payments.reserve(self.payments.len() + part.payments.len());
        out.withdrawals.reserve(self.withdrawals.len() + part.withdrawals.len());
        let mut tables = Tables::default();

        let mut people = vec![u32::MAX; self.people.len()];
        for (i, p) in self.people.iter().enumerate().filter(|(i, _)| !drop[*i]) {
            people[i] = out.people.len() as u32;
            let p = tables.person(&mut out, self, p);
            out.people.push(p);
        }
        let mut payments = vec![u32::MAX; self.payments.len()];
        for (i, p) in self.payments.iter().enumerate() {
            if let Some(&person) = people.get(p.person as usize).filter(|&&n| n != u32::MAX) {
                payments[i] = tables.payment(&mut out, self, p, person);
            }
        }
        // Verifications stay ordered by payment: kept payments keep their order, new ones follow.
        for v in &self.verifications {
            if let Some(&payment) = payments.get(v.payment as usize).filter(|&&n| n != u32::MAX) {
                out.verifications.push(VerificationFact { payment, ..*v });
            }
        }
        let kept = |person: u32| people.get(person as usize).copied().filter(|n| *n != u32::MAX);
        out.accounts.extend(self.accounts.iter().filter_map(|a| Some(AccountFact { person: kept(a.person)?, ..*a })));
        out.grievances
            .extend(self.grievances.iter().filter_map(|g| Some(GrievanceFact { person: kept(g.person)?, ..*g })));
        let part_at = tables.append(&mut out, part, &vec![None; part.people.len()]);
        let n = out.people.len();
        Some((out, Placed { kept: people, part: part_at, people: n, unused: 0 }))
    }
}

impl Facts {
    /// [`Facts::splice`] done in place, without a second copy of the facts (a city's take a
    /// gigabyte and a second to copy).
    ///
    /// - `at` gives, for each of `part`'s people, the dropped person it is read again as (the
    ///   same id), if any: it takes that person's place.
    /// - When every dropped person is read again (an officer's write, a ward's bundle), nothing
    ///   else moves: [`Facts::refill`].
    /// - Else (someone is gone from the data) the kept payments, withdrawals and checks move
    ///   down over the dropped ones, in order, the people left too, and `part`'s are appended.
    ///   That needs the withdrawals and checks laid out in payment order.
    /// - The interned tables keep every entry (a ward nobody is left in stays, unused) and gain
    ///   `part`'s new ones. `reports` and `programmes` are left empty, as by `splice`.
    ///
    /// None, with nothing changed, where `splice` would give None, where `at` names a person
    /// twice or one not dropped, or where the people left would have to move down over
    /// withdrawals or checks not laid out in payment order (then `splice` copies).
    pub fn splice_in_place(&mut self, drop: &[bool], part: &Facts, at: &[Option<u32>]) -> Option<Placed> {
        if !part.periods.starts_with(&self.periods) || drop.len() != self.people.len() || at.len() != part.people.len()
        {
            return None;
        }
        let mut taken = vec![false; drop.len()];
        for &i in at.iter().flatten() {
            if !drop.get(i as usize).copied().unwrap_or(false) || std::mem::replace(&mut taken[i as usize], true) {
                return None;
            }
        }
        if drop.iter().zip(&taken).all(|(d, t)| !d || *t) {
            return Some(self.refill(drop, part, at));
        }
        if !self.laid_out_in_order() {
            return None;
        }
        // Each person's index after the splice: their own, unless someone dropped is not read
        // again (gone from the data); then the people left move down over them.
        let mut kept = Vec::with_capacity(drop.len());
        let mut next = 0;
        for (d, t) in drop.iter().zip(&taken) {
            if *d && !*t {
                kept.push(u32::MAX);
            } else {
                kept.push(next);
                next += 1;
            }
        }
        if next as usize != self.people.len() {
            let mut i = 0;
            self.people.retain(|_| {
                i += 1;
                kept[i - 1] != u32::MAX
            });
        }

        // One pass moves each kept payment down over the dropped ones, its ranges shifted by
        // the withdrawals and checks dropped before it; the dropped ones are noted, in order,
        // for the passes over the withdrawals, checks and verifications.
        let (mut gone_w, mut gone_c, mut gone_p) = (Vec::new(), Vec::new(), Vec::new());
        let (mut dw, mut dc, mut i) = (0, 0, 0);
        self.payments.retain_mut(|p| {
            i += 1;
            if drop[p.person as usize] {
                (dw, dc) = (dw + p.withdrawals.len() as u32, dc + p.checks.len() as u32);
                gone_w.push(p.withdrawals.clone());
                gone_c.push(p.checks.clone());
                gone_p.push(i - 1);
                return false;
            }
            p.person = kept[p.person as usize];
            p.withdrawals = p.withdrawals.start - dw..p.withdrawals.end - dw;
            p.checks = p.checks.start - dc..p.checks.end - dc;
            true
        });
        remove_ranges(&mut self.withdrawals, &gone_w);
        remove_ranges(&mut self.checks, &gone_c);
        // A verification follows its payment down by the dropped payments before it.
        self.verifications.retain_mut(|v| {
            let before = gone_p.partition_point(|g| *g < v.payment);
            let gone = gone_p.get(before) == Some(&v.payment);
            v.payment -= before as u32;
            !gone
        });
        self.accounts.retain_mut(|a| {
            let keep = !drop[a.person as usize];
            a.person = kept[a.person as usize];
            keep
        });
        self.grievances.retain_mut(|g| {
            let keep = !drop[g.person as usize];
            g.person = kept[g.person as usize];
            keep
        });

        let at: Vec<Option<u32>> = at.iter().map(|i| i.map(|i| kept[i as usize])).collect();
        let part_at = self.take_in(part, &at);
        Some(Placed { kept, part: part_at, people: self.people.len(), unused: 0 })
    }

    /// The last step of a splice in place: `part`'s facts appended (its people in the places
    /// `at` gives), its cycles taken, `reports` and `programmes` left empty for the caller.
    fn take_in(&mut self, part: &Facts, at: &[Option<u32>]) -> Vec<u32> {
        let placed = Tables::holding(self).append(self, part, at);
        self.periods = part.periods.clone();
        self.cycle_ends = part.cycle_ends.clone();
        self.cycle_closed = part.cycle_closed.clone();
        self.reports.clear();
        self.programmes.clear();
        placed
    }

    /// The splice of [`Facts::splice_in_place`] when every dropped person is read again: each
    /// takes their own place back, `part`'s payments are appended, and the dropped payments'
    /// places are filled from the end of the list, so nothing else is renumbered or moved and
    /// a write costs its people, not the city. The dropped payments' withdrawals and checks stay
    /// where they were, unused ([`Placed::unused`]) until [`Facts::compact`]; the payments are
    /// then no longer in load order, nor their withdrawals and checks in payment order.
    fn refill(&mut self, drop: &[bool], part: &Facts, at: &[Option<u32>]) -> Placed {
        let gone = |p: &PaymentFact| drop[p.person as usize];
        let holes: Vec<usize> = (0..self.payments.len()).filter(|i| gone(&self.payments[*i])).collect();
        let unused = holes.iter().map(|i| self.payments[*i].withdrawals.len() + self.payments[*i].checks.len()).sum();
        self.verifications.retain(|v| !gone(&self.payments[v.payment as usize]));
        self.accounts.retain(|a| !drop[a.person as usize]);
        self.grievances.retain(|g| !drop[g.person as usize]);
        let part_at = self.take_in(part, at);
        // The list keeps its first `keep` places: each hole among them takes, in order, a kept
        // payment from beyond them (there are as many), which moves once.
        let keep = self.payments.len() - holes.len();
        let beyond = (keep..self.payments.len()).filter(|i| holes.binary_search(i).is_err());
        let mut moved = std::collections::HashMap::new();
        for (h, from) in holes.iter().take_while(|h| **h < keep).zip(beyond) {
            self.payments.swap(*h, from);
            moved.insert(from as u32, *h as u32);
        }
        self.payments.truncate(keep);
        if !moved.is_empty() {
            for v in &mut self.verifications {
                v.payment = moved.get(&v.payment).copied().unwrap_or(v.payment);
            }
        }
        Placed { kept: (0..drop.len() as u32).collect(), part: part_at, people: self.people.len(), unused }
    }

    /// The withdrawals and checks laid out again in payment order, leaving out those no
    /// payment refers to (left by [`Facts::refill`]).
    pub fn compact(&mut self) {
        let mut withdrawals = Vec::with_capacity(self.withdrawals.len());
        let mut checks = Vec::with_capacity(self.checks.len());
        for p in &mut self.payments {
            let w = withdrawals.len() as u32;
            withdrawals.extend_from_slice(&self.withdrawals[p.withdrawals.start as usize..p.withdrawals.end as usize]);
            p.withdrawals = w..withdrawals.len() as u32;
            let c = checks.len() as u32;
            checks.extend_from_slice(&self.checks[p.checks.start as usize..p.checks.end as usize]);
            p.checks = c..checks.len() as u32;
        }
        (self.withdrawals, self.checks) = (withdrawals, checks);
    }

    /// Do the payments' withdrawals and checks follow one another in payment order (as every
    /// loader and `splice` lay them out)?
    fn laid_out_in_order(&self) -> bool {
        let (mut w, mut c) = (0, 0);
        self.payments.iter().all(|p| {
            let ok = p.withdrawals.start >= w && p.checks.start >= c;
            (w, c) = (p.withdrawals.end.max(w), p.checks.end.max(c));
            ok
        })
    }

    /// Everything but the payments and their withdrawals (the bulk of a city's facts): what a
    /// snapshot keeps beside them, in parts of their own. Every field is named, so a new one
    /// has to be decided here.
    pub fn without_payments(&self) -> Facts {
        Facts {
            wards: self.wards.clone(),
            groups: self.groups.clone(),
            periods: self.periods.clone(),
            cycle_ends: self.cycle_ends.clone(),
            failure_reasons: self.failure_reasons.clone(),
            people: self.people.clone(),
            payments: Vec::new(),
            withdrawals: Vec::new(),
            accounts: self.accounts.clone(),
            grievances: self.grievances.clone(),
            verifications: self.verifications.clone(),
            checks: self.checks.clone(),
            cycle_closed: self.cycle_closed.clone(),
            reports: self.reports.clone(),
            programmes: self.programmes.clone(),
        }
    }

    /// The interned tables (wards, groups, failure reasons) extended to `context`'s, when each
    /// of these facts' is the start of it (as a splice in place leaves them: entries are only
    /// ever appended): every code keeps its meaning, and what is spliced in afterwards finds its
    /// entries where `context` has them. False, with nothing changed, when one is not.
    pub fn extend_tables_to(&mut self, context: &Facts) -> bool {
        let prefix = context.wards.starts_with(&self.wards)
            && context.groups.starts_with(&self.groups)
            && context.failure_reasons.starts_with(&self.failure_reasons);
        if prefix {
            self.wards.extend_from_slice(&context.wards[self.wards.len()..]);
            self.groups.extend_from_slice(&context.groups[self.groups.len()..]);
            self.failure_reasons.extend_from_slice(&context.failure_reasons[self.failure_reasons.len()..]);
        }
        prefix
    }

    /// Only the tables, cycles, reports and programmes: what [`Facts::same_context`] compares.
    pub fn context(&self) -> Facts {
        Facts {
            wards: self.wards.clone(),
            groups: self.groups.clone(),
            periods: self.periods.clone(),
            cycle_ends: self.cycle_ends.clone(),
            cycle_closed: self.cycle_closed.clone(),
            failure_reasons: self.failure_reasons.clone(),
            reports: self.reports.clone(),
            programmes: self.programmes.clone(),
            ..Facts::default()
        }
    }
}

impl Facts {
    /// Does every index point into its table, every range into its list, and does each cycle
    /// list have one entry per cycle? Facts read back from storage (the kept snapshot) are
    /// checked before use: a decodable but inconsistent one must not reach the indicators,
    /// which index without checking.
    pub fn well_formed(&self) -> bool {
        let n = |v: usize| v as u32;
        let within = |r: &Range<u32>, len: usize| r.start <= r.end && r.end <= n(len);
        let periods = self.periods.len();
        self.cycle_ends.len() == periods
            && self.cycle_closed.len() == periods
            && self.people.iter().all(|p| p.ward < n(self.wards.len()) && p.group < n(self.groups.len()))
            && self.payments.iter().all(|p| {
                p.person < n(self.people.len())
                    && p.period < n(periods)
                    && p.failure_reason.is_none_or(|r| r < n(self.failure_reasons.len()))
                    && within(&p.withdrawals, self.withdrawals.len())
                    && within(&p.checks, self.checks.len())
            })
            && self.accounts.iter().all(|a| a.person < n(self.people.len()))
            && self.grievances.iter().all(|g| g.person < n(self.people.len()))
            && self.verifications.iter().all(|v| v.payment < n(self.payments.len()))
            && self.reports.iter().all(|r| r.period < n(periods) && r.ward.is_none_or(|w| w < n(self.wards.len())))
    }
}

/// Where a splice put each person ([`Facts::splice`], [`Facts::splice_in_place`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Per person before the splice, their index after it; `u32::MAX`: gone.
    pub kept: Vec<u32>,
    /// Per person of the part spliced in, their index.
    pub part: Vec<u32>,
    /// How many people there are after it.
    pub people: usize,
    /// Withdrawals and checks left in their lists that no payment refers to any more (until
    /// [`Facts::compact`]).
    pub unused: usize,
}

impl Placed {
    /// Something of each person (their ids) laid out as the people are after the splice, from
    /// the same before it (`kept`) and of the part's people (`part`).
    pub fn arrange<T: Copy + Default>(&self, kept: &[T], part: &[T]) -> Vec<T> {
        let mut out = vec![T::default(); self.people];
        for (at, v) in self.kept.iter().zip(kept).filter(|(at, _)| **at != u32::MAX) {
            out[*at as usize] = *v;
        }
        for (at, v) in self.part.iter().zip(part) {
            out[*at as usize] = *v;
        }
        out
    }
}

/// A list of facts grows by its length over this (a thirty-second at a time): a city's lists
/// are too big to copy at every write, and too big to double.
const GROWTH: usize = 32;

/// Room in `list` for `more` items, made [`GROWTH`] larger when it has to grow.
fn room<T>(list: &mut Vec<T>, more: usize) {
    if list.capacity() - list.len() < more {
        list.reserve_exact(more + list.len() / GROWTH);
    }
}

/// An empty list for `items` facts with the room [`room`] would make beside them, so that the
/// first writes after the list is read back (the kept snapshot) do not copy it to grow it.
pub fn list_with_room<T>(items: usize) -> Vec<T> {
    Vec::with_capacity(items + items / GROWTH)
}

/// Removes from `list` the ranges `gone` (ascending, apart), moving what is left down once.
fn remove_ranges<T>(list: &mut Vec<T>, gone: &[Range<u32>]) {
    let mut gone = gone.iter().peekable();
    let mut i = 0;
    list.retain(|_| {
        while gone.peek().is_some_and(|r| r.end <= i) {
            gone.next();
        }
        let keep = gone.peek().is_none_or(|r| r.start > i);
        i += 1;
        keep
    });
}

/// The interned tables of spliced facts: rebuilt from what is used ([`Facts::splice`]), or
/// holding the facts' own ([`Facts::splice_in_place`]).
#[derive(Default)]
struct Tables {
    wards: Interner,
    groups: Interner,
    reasons: Interner,
}

impl Tables {
    /// Tables that already hold `f`'s entries, so what is added to `f` reuses them.
    fn holding(f: &Facts) -> Tables {
        Tables {
            wards: Interner::holding(&f.wards),
            groups: Interner::holding(&f.groups),
            reasons: Interner::holding(&f.failure_reasons),
        }
    }

    /// Appends every fact of `part` to `out`, after the facts `out` holds. Each of `part`'s
    /// people takes the place `at` gives them in `out.people` (a place whose facts were
    /// dropped), or a new one at the end; where each went is returned.
    fn append(&mut self, out: &mut Facts, part: &Facts, at: &[Option<u32>]) -> Vec<u32> {
        room(&mut out.people, part.people.len());
        room(&mut out.payments, part.payments.len());
        room(&mut out.withdrawals, part.withdrawals.len());
        room(&mut out.checks, part.checks.len());
        room(&mut out.verifications, part.verifications.len());
        room(&mut out.accounts, part.accounts.len());
        room(&mut out.grievances, part.grievances.len());
        let mut placed = Vec::with_capacity(part.people.len());
        for (p, at) in part.people.iter().zip(at) {
            let p = self.person(out, part, p);
            match at {
                Some(i) => out.people[*i as usize] = p,
                None => out.people.push(p),
            }
            placed.push(at.unwrap_or(out.people.len() as u32 - 1));
        }
        let first_payment = out.payments.len() as u32;
        for p in &part.payments {
            self.payment(out, part, p, placed[p.person as usize]);
        }
        out.verifications
            .extend(part.verifications.iter().map(|v| VerificationFact { payment: first_payment + v.payment, ..*v }));
        out.accounts.extend(part.accounts.iter().map(|a| AccountFact { person: placed[a.person as usize], ..*a }));
        out.grievances
            .extend(part.grievances.iter().map(|g| GrievanceFact { person: placed[g.person as usize], ..*g }));
        placed
    }

    fn person(&mut self, out: &mut Facts, from: &Facts, p: &Person) -> Person {
        Person {
            ward: self.wards.get(&mut out.wards, &from.wards[p.ward as usize]),
            group: self.groups.get(&mut out.groups, &from.groups[p.group as usize]),
            ..*p
        }
    }

    /// Copies one payment with its withdrawals and checks; its index in `out`.
    fn payment(&mut self, out: &mut Facts, from: &Facts, p: &PaymentFact, person: u32) -> u32 {
        let withdrawals = out.withdrawals.len() as u32;
        out.withdrawals.extend_from_slice(from.withdrawals_of(p));
        let checks = out.checks.len() as u32;
        out.checks.extend_from_slice(from.checks_of(p));
        let failure_reason =
            p.failure_reason.map(|r| self.reasons.get(&mut out.failure_reasons, &from.failure_reasons[r as usize]));
        out.payments.push(PaymentFact {
            person,
            failure_reason,
            withdrawals: withdrawals..out.withdrawals.len() as u32,
            checks: checks..out.checks.len() as u32,
            ..p.clone()
        });
        out.payments.len() as u32 - 1
    }
}

/// Dates as day numbers in the kept facts (`Serialize`): a few bytes each, no text to parse.
/// The day numbered `n` (days from the common era, as the kept facts store them), None out of
/// chrono's range. Decoded through the same memo as the facts' own dates.
pub fn day_numbered(n: i32) -> Option<NaiveDate> {
    day::from::<serde::de::value::Error>(n).ok()
}

mod day {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use std::cell::Cell;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(d.num_days_from_ce())
    }

    /// Slots of the memo of days decoded lately, per thread.
    const MEMO: usize = 1024;

    thread_local! {
        static DECODED: [Cell<Option<(i32, NaiveDate)>>; MEMO] = const { [const { Cell::new(None) }; MEMO] };
    }

    /// The day numbered `n`, or the decoder's error. A snapshot holds millions of dates from a
    /// few hundred days: a memo of the days decoded lately (slot `n` mod 1024) spares chrono's
    /// calendar arithmetic for all but the first of each (a fifth of decoding a city's snapshot).
    pub fn from<E: Error>(n: i32) -> Result<NaiveDate, E> {
        DECODED.with(|memo| {
            let slot = &memo[n.rem_euclid(MEMO as i32) as usize];
            match slot.get() {
                Some((k, day)) if k == n => Ok(day),
                _ => {
                    let day = NaiveDate::from_num_days_from_ce_opt(n)
                        .ok_or_else(|| E::custom(format!("day {n} out of range")))?;
                    slot.set(Some((n, day)));
                    Ok(day)
                }
            }
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        from(i32::deserialize(d)?)
    }
}

mod opt_day {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        d.map(|d| d.num_days_from_ce()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<i32>::deserialize(d)?.map(super::day::from).transpose()
    }
}

mod days {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| d.num_days_from_ce()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<i32>::deserialize(d)?.into_iter().map(super::day::from).collect()
    }
}

mod opt_days {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[Option<NaiveDate>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| d.map(|d| d.num_days_from_ce())))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<NaiveDate>>, D::Error> {
        Vec::<Option<i32>>::deserialize(d)?.into_iter().map(|o| o.map(super::day::from).transpose()).collect()
    }
}

/// A birth date as a day number, or a year alone.
mod birth {
    use crate::dates::BirthDate;
    use chrono::Datelike;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Wire {
        Full(i32),
        Year(i32),
    }

    pub fn serialize<S: Serializer>(b: &BirthDate, s: S) -> Result<S::Ok, S::Error> {
        match b {
            BirthDate::Full(d) => Wire::Full(d.num_days_from_ce()),
            BirthDate::Year(y) => Wire::Year(*y),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BirthDate, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Full(n) => BirthDate::Full(super::day::from(n)?),
            Wire::Year(y) => BirthDate::Year(y),
        })
    }
}

/// Interns strings into a table (for loaders).
#[derive(Debug, Default)]
pub struct Interner {
    index: std::collections::HashMap<String, u32>,
}

impl Interner {
    /// An interner of `table`'s entries as they are.
    fn holding(table: &[String]) -> Interner {
        Interner { index: table.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect() }
    }

    pub fn get(&mut self, table: &mut Vec<String>, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = table.len() as u32;
        table.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Channel, Disability, Needs, PaymentStatus};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn small() -> Facts {
        let person = Person {
            ward: 0,
            group: 0,
            birth: BirthDate::Year(1950),
            disability: Disability::None,
            needs: Needs::default(),
            assisted: false,
        };
        let payment = PaymentFact {
            person: 0,
            period: 0,
            channel: Channel::Cash,
            status: PaymentStatus::Credited,
            amount_vnd: 500_000,
            scheduled_on: Some(d("2026-10-10")),
            credited_on: Some(d("2026-10-10")),
            failure_reason: None,
            withdrawals: 0..1,
            checks: 0..0,
            one_off: false,
        };
        Facts {
            wards: vec!["00001".into()],
            groups: vec!["elderly".into()],
            periods: vec!["2026-10".into()],
            cycle_ends: vec![None],
            cycle_closed: vec![None],
            people: vec![person],
            payments: vec![payment],
            withdrawals: vec![WithdrawalFact {
                on: d("2026-10-12"),
                amount_vnd: 500_000,
                travel_minutes: None,
                travel_cost_vnd: None,
                waiting_minutes: None,
                assisted: false,
            }],
            ..Facts::default()
        }
    }

    #[test]
    fn tables_extend_only_to_a_context_they_begin() {
        let mut f = small();
        let mut context = small().context();
        context.wards.push("00002".into());
        context.failure_reasons.push("closed".into());
        assert!(f.extend_tables_to(&context));
        assert_eq!((f.wards.len(), f.failure_reasons.len()), (2, 1));
        assert!(f.same_context(&context) && f.well_formed());
        // A table that does not begin the context's would change what a code names: untouched.
        let mut other = small();
        context.wards = vec!["00009".into(), "00001".into()];
        assert!(!other.extend_tables_to(&context));
        assert_eq!(other.wards, small().wards);
        assert!(other.failure_reasons.is_empty());
    }

    #[test]
    fn refilling_moves_each_payment_once_and_its_verifications_with_it() {
        // Person 0 kept, person 1 read again, their payments interleaved, then person 1 with one
        // payment, verified: filling the holes from the end once moved that payment twice.
        let mut f = small();
        f.people.push(f.people[0]);
        let pay = |person, w: u32| PaymentFact { person, withdrawals: w..w + 1, ..small().payments[0].clone() };
        f.payments = vec![pay(0, 0), pay(1, 1), pay(0, 2), pay(1, 3)];
        f.withdrawals = vec![small().withdrawals[0]; 4];
        f.verifications = vec![VerificationFact { payment: 2, verified_on: d("2026-10-20"), full: true }];
        let mut part = small();
        part.verifications = vec![VerificationFact { payment: 0, verified_on: d("2026-10-21"), full: false }];
        let placed = f.splice_in_place(&[false, true], &part, &[Some(1)]).unwrap();
        assert!(f.well_formed());
        assert_eq!((placed.part.as_slice(), placed.unused), (&[1][..], 2));
        assert_eq!(f.payments.iter().map(|p| p.person).collect::<Vec<_>>(), [0, 1, 0]);
        // Each verification is still of its own payment: the kept one's of person 0, the new one's
        // of person 1.
        let of = |v: &VerificationFact| (f.payments[v.payment as usize].person, v.full);
        assert_eq!(f.verifications.iter().map(of).collect::<Vec<_>>(), [(0, true), (1, false)]);
    }

    #[test]
    fn facts_with_an_index_or_range_out_of_bounds_are_not_well_formed() {
        assert!(small().well_formed());
        let breaks: [fn(&mut Facts); 7] = [
            |f| f.payments[0].person = 1,
            |f| f.payments[0].period = 1,
            |f| f.payments[0].withdrawals = 0..2,
            |f| f.payments[0].failure_reason = Some(0),
            |f| f.people[0].ward = 1,
            |f| f.cycle_ends.clear(),
            |f| f.verifications.push(VerificationFact { payment: 1, verified_on: d("2026-10-20"), full: true }),
        ];
        for (i, break_it) in breaks.iter().enumerate() {
            let mut f = small();
            break_it(&mut f);
            assert!(!f.well_formed(), "break {i}");
        }
    }

    #[test]
    fn splicing_keeps_facts_well_formed() {
        let f = small();
        let spliced = f.splice(&[true], &small()).unwrap().0;
        assert!(spliced.well_formed());
        assert_eq!(spliced.payments.len(), 1);
        // Nobody dropped and nobody new: the same facts.
        let none_new = Facts { people: vec![], payments: vec![], withdrawals: vec![], ..small() };
        let same = f.splice(&[false], &none_new).unwrap().0;
        assert!(same.well_formed());
        assert_eq!((same.people.len(), same.payments.len(), same.withdrawals.len()), (1, 1, 1));
        // A part read over fewer cycles than the kept facts cannot be spliced in.
        assert!(f.splice(&[false], &Facts { periods: vec![], ..Facts::default() }).is_none());
    }
}
