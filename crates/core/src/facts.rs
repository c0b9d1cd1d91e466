//! The compact in-memory facts every indicator is computed from (DOMAIN.md "Indicators").
//!
//! The store loads them once with a handful of queries (one per table, no per-row queries);
//! the engine ([`crate::engine`]) then reads each fact once. Text that repeats (ward, group,
//! period, failure reason) is interned into the tables of [`Facts`] and referred to by index,
//! so a fact is a few dozen bytes and a whole city (millions of payments) fits in memory.

use crate::dates::BirthDate;
use crate::model::{Channel, Disability, Needs, PaymentStatus, Scheme};
use chrono::NaiveDate;
use std::ops::Range;

/// A beneficiary's segment attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// Index into [`Facts::wards`].
    pub ward: u32,
    /// Index into [`Facts::groups`].
    pub group: u32,
    pub birth: BirthDate,
    pub disability: Disability,
    pub needs: Needs,
    /// Helped to reach the money: an authorised person is registered, or an account was
    /// opened with an officer's help. A person attribute (known for unwithdrawn payments too),
    /// so segmenting time to cash by it is not biased by who has withdrawn.
    pub assisted: bool,
}

/// One payment of a cycle (any status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    /// Index into [`Facts::people`].
    pub person: u32,
    /// Index into [`Facts::periods`].
    pub period: u32,
    pub channel: Channel,
    pub status: PaymentStatus,
    pub amount_vnd: i64,
    /// The payment's scheduled date, or its cycle's.
    pub scheduled_on: Option<NaiveDate>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawalFact {
    pub on: NaiveDate,
    pub amount_vnd: i64,
    pub travel_minutes: Option<i64>,
    pub travel_cost_vnd: Option<i64>,
    pub waiting_minutes: Option<i64>,
    /// By proxy, home delivery, or with an officer's help.
    pub assisted: bool,
}

/// One opened account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFact {
    pub person: u32,
    pub channel: Channel,
    pub opened_on: NaiveDate,
    /// First credited payment to this account.
    pub first_credit_on: Option<NaiveDate>,
    /// First withdrawal of a payment to this account.
    pub first_withdrawal_on: Option<NaiveDate>,
}

/// One grievance ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrievanceFact {
    pub person: u32,
    pub opened_on: NaiveDate,
    pub deadline_on: NaiveDate,
    /// Resolved or rejected on.
    pub closed_on: Option<NaiveDate>,
}

/// One verification visit with a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerificationFact {
    /// Index into [`Facts::payments`] of the payment verified.
    pub payment: u32,
    pub verified_on: NaiveDate,
    /// The person confirmed the full amount.
    pub full: bool,
}

/// A payer's report of one cycle that declares itself complete up to a day: every payout of
/// that payer to that day, for the payments in its scope, is in it (and so in the withdrawals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFact {
    /// Index into [`Facts::periods`].
    pub period: u32,
    /// Index into [`Facts::wards`]; None: every ward (the city's report).
    pub ward: Option<u32>,
    /// None: every channel.
    pub channel: Option<Channel>,
    pub complete_to: NaiveDate,
}

/// Everything the indicators read, interned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Ward codes.
    pub wards: Vec<String>,
    /// Allowance group codes.
    pub groups: Vec<String>,
    /// Cycle periods "yyyy-mm", ascending.
    pub periods: Vec<String>,
    /// Per period: the day the next cycle is credited (scheduled), when there is one. A
    /// payment still untouched then is "unwithdrawn at cycle end".
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
    pub checks: Vec<NaiveDate>,
    /// Per period: the day its cycle was closed, if it was (every withdrawal of the cycle is
    /// recorded by then).
    pub cycle_closed: Vec<Option<NaiveDate>>,
    /// Payers' reports complete up to a day.
    pub reports: Vec<ReportFact>,
    /// Per group, per period: the programme its people are paid under in that cycle (a group
    /// may move: the 80+ without a pension became social pension in 07/2025); the last entry
    /// of each row, at index `periods.len()`, is the programme today (for facts with no
    /// cycle). Empty when the loader knows no rules: then nothing is segmented by programme.
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

    /// Index of a period "yyyy-mm" (periods are sorted).
    pub fn period_index(&self, period: &str) -> Option<u32> {
        self.periods.binary_search_by(|p| p.as_str().cmp(period)).ok().map(|i| i as u32)
    }
}

/// Interns strings into a table (for loaders).
#[derive(Debug, Default)]
pub struct Interner {
    index: std::collections::HashMap<String, u32>,
}

impl Interner {
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
