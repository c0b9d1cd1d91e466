//! Every indicator of DOMAIN.md "Indicators", defined once: [`Acc`] takes facts one at a time
//! (a payment with its withdrawals, an account, a grievance, a verification visit) and
//! [`Acc::finish`] reads the figures. One `Acc` per segment; accumulators merge.
//!
//! Definitions (the README's `metrics --json` section documents the keys):
//! - time to cash, withdrawn by day k: [`crate::indicators`] (Kaplan-Meier, an unwithdrawn
//!   payment censored at the last day its status is known by `as_of`, with the coverage of that
//!   knowledge: [`crate::censoring`]);
//! - full withdrawal at first visit: of payments withdrawn by `as_of`, the share whose first
//!   day's withdrawals took the whole amount;
//! - unwithdrawn at cycle end: of credited payments whose next cycle was credited by `as_of`,
//!   the share with no withdrawal before that day (later cycles are not known yet: left out);
//! - on-time credit: of credited payments with a schedule, credited on or before it;
//! - failed transfers: of issued payments (credited, failed, reversed), the failed or reversed,
//!   counted by reason;
//! - partial delivery: of credited payments, 0 < withdrawn by `as_of` < amount;
//! - travel minutes, travel cost, waiting minutes: per withdrawal, unknown left out;
//! - assisted withdrawals: per withdrawal, by proxy, home delivery or with help;
//! - account to first payment: days from opening to the first credit to that account;
//! - dormant accounts: accounts opened by `as_of` that never received a credit or whose money
//!   was never withdrawn;
//! - grievances per 1,000 issued payments, median days to resolution, share closed by the
//!   deadline (of those closed);
//! - verified receipt: of verification visits with a result, the person confirmed the full amount.

use crate::facts::{AccountFact, GrievanceFact, PaymentFact, WithdrawalFact};
use crate::indicators::{Metrics, PaymentObs, TimeToCashAcc, TtcObs};
use crate::model::PaymentStatus;
use crate::stats::{Hist, Share, ShareAcc, Stat};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A failure reason and how many payments failed for it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ts_rs::TS)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct FailedTransfers {
    #[serde(flatten)]
    pub share: Share,
    /// Most frequent first.
    pub reasons: Vec<ReasonCount>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct AccountLead {
    #[serde(flatten)]
    pub days: Stat,
    /// Opened accounts with no credit yet (not in the mean / median).
    pub without_payment: u64,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct Dormant {
    pub opened: u64,
    /// Never received or never paid out.
    pub dormant: u64,
    pub never_received: u64,
    /// Received but never withdrawn.
    pub never_paid_out: u64,
    pub share: Option<f64>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct Grievances {
    pub count: u64,
    pub per_1000_payments: Option<f64>,
    pub resolution_days: Stat,
    pub within_deadline: Share,
}

/// All indicators of one set of facts. Time to cash keeps its flat keys (credited, withdrawn,
/// unwithdrawn, time_to_cash_days, withdrawn_by_day, curve).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct Indicators {
    #[serde(flatten)]
    pub time_to_cash: Metrics,
    /// Payments issued: credited, failed or reversed.
    pub payments: u64,
    /// Money credited by `as_of` (whole VND), and how much of it was taken out by then.
    pub credited_vnd: i64,
    pub withdrawn_vnd: i64,
    pub full_first_visit: Share,
    pub unwithdrawn_at_cycle_end: Share,
    pub on_time_credit: Share,
    pub failed_transfers: FailedTransfers,
    pub partial_delivery: Share,
    pub travel_minutes: Stat,
    pub travel_cost_vnd: Stat,
    pub waiting_minutes: Stat,
    pub assisted_withdrawals: Share,
    pub account_to_first_payment_days: AccountLead,
    pub dormant_accounts: Dormant,
    pub grievances: Grievances,
    pub verified_receipt: Share,
}

/// What one payment adds to an accumulator as seen on a day. A payment is added to the overall
/// figures and to one segment of each segmentation: its withdrawals are read and its dates
/// compared once, here, not once per accumulator.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentEffect<'a> {
    /// Scheduled, or not issued or credited yet on that day.
    Nothing,
    Failed {
        reason: Option<u32>,
    },
    Credited(Credited<'a>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Credited<'a> {
    ttc: Option<TtcObs>,
    first_visit_full: Option<bool>,
    unwithdrawn_at_cycle_end: Option<bool>,
    on_time: Option<bool>,
    amount_vnd: i64,
    delivered_vnd: i64,
    /// Its withdrawals known on that day.
    seen: &'a [WithdrawalFact],
}

impl<'a> PaymentEffect<'a> {
    pub fn of(p: &PaymentFact, ctx: &PaymentCtx<'a>) -> PaymentEffect<'a> {
        let as_of = ctx.as_of;
        match p.status {
            PaymentStatus::Scheduled => return PaymentEffect::Nothing,
            PaymentStatus::Failed | PaymentStatus::Reversed => {
                // A transfer due after as_of had not been tried yet.
                if p.scheduled_on.is_some_and(|s| s > as_of) {
                    return PaymentEffect::Nothing;
                }
                return PaymentEffect::Failed { reason: p.failure_reason };
            }
            PaymentStatus::Credited => {}
        }
        let Some(credited_on) = p.credited_on.filter(|c| *c <= as_of) else { return PaymentEffect::Nothing };
        // Withdrawals known on as_of.
        let seen: &'a [WithdrawalFact] = {
            let n = ctx.withdrawals.iter().take_while(|w| w.on <= as_of).count();
            &ctx.withdrawals[..n]
        };
        let first = seen.first().map(|w| w.on);
        // The first withdrawal even if after as_of: it says the money was still there on as_of.
        let first_ever = ctx.withdrawals.first().map(|w| w.on);
        let obs = PaymentObs { credited_on, first_withdrawal_on: first_ever, checked_on: ctx.checked_on };
        let first_visit_full = first.map(|first| {
            let first_day: i64 = seen.iter().take_while(|w| w.on == first).map(|w| w.amount_vnd).sum();
            first_day >= p.amount_vnd
        });
        PaymentEffect::Credited(Credited {
            ttc: TtcObs::of(&obs, as_of),
            first_visit_full,
            unwithdrawn_at_cycle_end: ctx.cycle_end.filter(|e| *e <= as_of).map(|end| first.is_none_or(|f| f >= end)),
            on_time: p.scheduled_on.map(|s| credited_on <= s),
            amount_vnd: p.amount_vnd,
            delivered_vnd: seen.iter().map(|w| w.amount_vnd).sum(),
            seen,
        })
    }
}

/// Accumulator of every indicator for one segment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Acc {
    /// Facts added, whatever they counted for: a segment holds facts while this is above 0
    /// (a scheduled payment alone makes a segment of size 0).
    added: u64,
    ttc: TimeToCashAcc,
    issued: u64,
    credited_vnd: i64,
    withdrawn_vnd: i64,
    first_visit_full: ShareAcc,
    cycle_end: ShareAcc,
    on_time: ShareAcc,
    failed: ShareAcc,
    reasons: BTreeMap<u32, u64>,
    partial: ShareAcc,
    travel: Hist,
    cost: Hist,
    wait: Hist,
    assisted: ShareAcc,
    lead: Hist,
    without_payment: u64,
    opened: u64,
    never_received: u64,
    never_paid_out: u64,
    grievances: u64,
    resolution: Hist,
    in_time: ShareAcc,
    verified: ShareAcc,
}

/// What a payment needs besides its own fact.
pub struct PaymentCtx<'a> {
    pub withdrawals: &'a [WithdrawalFact],
    /// The next cycle's credit day, if known.
    pub cycle_end: Option<NaiveDate>,
    /// The latest day by `as_of` it was known not withdrawn ([`crate::censoring::KnownThrough`]).
    pub checked_on: Option<NaiveDate>,
    pub as_of: NaiveDate,
}

impl Acc {
    /// Does every failure reason counted index a table of `n` reasons?
    pub(crate) fn reasons_within(&self, n: usize) -> bool {
        self.reasons.keys().all(|r| (*r as usize) < n)
    }

    /// Adds one payment (nothing if not issued or credited after `as_of`): what it adds, worked
    /// out once for the overall figures and every segment it falls in ([`PaymentEffect::of`]).
    pub fn add_effect(&mut self, e: &PaymentEffect) {
        self.added += 1;
        match e {
            PaymentEffect::Nothing => {}
            PaymentEffect::Failed { reason } => {
                self.issued += 1;
                self.failed.add(true);
                if let Some(r) = reason {
                    *self.reasons.entry(*r).or_default() += 1;
                }
            }
            PaymentEffect::Credited(c) => {
                self.issued += 1;
                self.failed.add(false);
                if let Some(o) = &c.ttc {
                    self.ttc.add_obs(o);
                }
                if let Some(full) = c.first_visit_full {
                    self.first_visit_full.add(full);
                }
                if let Some(unwithdrawn) = c.unwithdrawn_at_cycle_end {
                    self.cycle_end.add(unwithdrawn);
                }
                if let Some(on_time) = c.on_time {
                    self.on_time.add(on_time);
                }
                self.credited_vnd += c.amount_vnd;
                self.withdrawn_vnd += c.delivered_vnd;
                self.partial.add(c.delivered_vnd > 0 && c.delivered_vnd < c.amount_vnd);
                for w in c.seen {
                    self.travel.add_opt(w.travel_minutes);
                    self.cost.add_opt(w.travel_cost_vnd);
                    self.wait.add_opt(w.waiting_minutes);
                    self.assisted.add(w.assisted);
                }
            }
        }
    }

    /// Adds one account (skipped if opened after `as_of`).
    pub fn add_account(&mut self, a: &AccountFact, as_of: NaiveDate) {
        self.added += 1;
        if a.opened_on > as_of {
            return;
        }
        self.opened += 1;
        match a.first_credit_on.filter(|c| *c <= as_of) {
            Some(c) => {
                self.lead.add((c - a.opened_on).num_days().max(0));
                if a.first_withdrawal_on.is_none_or(|w| w > as_of) {
                    self.never_paid_out += 1;
                }
            }
            None => {
                self.without_payment += 1;
                self.never_received += 1;
            }
        }
    }

    /// Adds one grievance (skipped if opened after `as_of`).
    pub fn add_grievance(&mut self, g: &GrievanceFact, as_of: NaiveDate) {
        self.added += 1;
        if g.opened_on > as_of {
            return;
        }
        self.grievances += 1;
        if let Some(c) = g.closed_on.filter(|c| *c <= as_of) {
            self.resolution.add((c - g.opened_on).num_days());
            self.in_time.add(c <= g.deadline_on);
        }
    }

    /// Adds one verification visit's result.
    pub fn add_verification(&mut self, full: bool) {
        self.added += 1;
        self.verified.add(full);
    }

    /// Payments issued so far: the size that decides "too few to judge".
    pub fn issued(&self) -> u64 {
        self.issued
    }

    /// Nothing added, or everything added taken out again.
    pub fn is_empty(&self) -> bool {
        self.added == 0
    }

    pub fn merge(&mut self, o: &Acc) {
        self.added += o.added;
        self.ttc.merge(&o.ttc);
        self.issued += o.issued;
        self.credited_vnd += o.credited_vnd;
        self.withdrawn_vnd += o.withdrawn_vnd;
        self.first_visit_full.merge(&o.first_visit_full);
        self.cycle_end.merge(&o.cycle_end);
        self.on_time.merge(&o.on_time);
        self.failed.merge(&o.failed);
        for (r, c) in &o.reasons {
            *self.reasons.entry(*r).or_default() += c;
        }
        self.partial.merge(&o.partial);
        self.travel.merge(&o.travel);
        self.cost.merge(&o.cost);
        self.wait.merge(&o.wait);
        self.assisted.merge(&o.assisted);
        self.lead.merge(&o.lead);
        self.without_payment += o.without_payment;
        self.opened += o.opened;
        self.never_received += o.never_received;
        self.never_paid_out += o.never_paid_out;
        self.grievances += o.grievances;
        self.resolution.merge(&o.resolution);
        self.in_time.merge(&o.in_time);
        self.verified.merge(&o.verified);
    }

    /// Takes out everything `o` added (`o` is a part of what this holds: the facts of some
    /// people before a write changed them), so that the result is what adding everything else
    /// would have given.
    pub fn subtract(&mut self, o: &Acc) {
        self.added -= o.added;
        self.ttc.subtract(&o.ttc);
        self.issued -= o.issued;
        self.credited_vnd -= o.credited_vnd;
        self.withdrawn_vnd -= o.withdrawn_vnd;
        self.first_visit_full.subtract(&o.first_visit_full);
        self.cycle_end.subtract(&o.cycle_end);
        self.on_time.subtract(&o.on_time);
        self.failed.subtract(&o.failed);
        for (r, c) in &o.reasons {
            if let Some(mine) = self.reasons.get_mut(r) {
                *mine -= c;
                if *mine == 0 {
                    self.reasons.remove(r);
                }
            }
        }
        self.partial.subtract(&o.partial);
        self.travel.subtract(&o.travel);
        self.cost.subtract(&o.cost);
        self.wait.subtract(&o.wait);
        self.assisted.subtract(&o.assisted);
        self.lead.subtract(&o.lead);
        self.without_payment -= o.without_payment;
        self.opened -= o.opened;
        self.never_received -= o.never_received;
        self.never_paid_out -= o.never_paid_out;
        self.grievances -= o.grievances;
        self.resolution.subtract(&o.resolution);
        self.in_time.subtract(&o.in_time);
        self.verified.subtract(&o.verified);
    }

    /// The figures; `reason` names a failure reason index; time to cash is shown when at
    /// least `min_coverage_pct` % of its payments have a known status.
    pub fn finish(&self, reason: &dyn Fn(u32) -> String, min_coverage_pct: u8) -> Indicators {
        let mut reasons: Vec<ReasonCount> =
            self.reasons.iter().map(|(r, c)| ReasonCount { reason: reason(*r), count: *c }).collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        let dormant = self.never_received + self.never_paid_out;
        Indicators {
            time_to_cash: self.ttc.finish(min_coverage_pct),
            payments: self.issued,
            credited_vnd: self.credited_vnd,
            withdrawn_vnd: self.withdrawn_vnd,
            full_first_visit: self.first_visit_full.finish(),
            unwithdrawn_at_cycle_end: self.cycle_end.finish(),
            on_time_credit: self.on_time.finish(),
            failed_transfers: FailedTransfers { share: self.failed.finish(), reasons },
            partial_delivery: self.partial.finish(),
            travel_minutes: self.travel.finish(),
            travel_cost_vnd: self.cost.finish(),
            waiting_minutes: self.wait.finish(),
            assisted_withdrawals: self.assisted.finish(),
            account_to_first_payment_days: AccountLead {
                days: self.lead.finish(),
                without_payment: self.without_payment,
            },
            dormant_accounts: Dormant {
                opened: self.opened,
                dormant,
                never_received: self.never_received,
                never_paid_out: self.never_paid_out,
                share: (self.opened > 0).then(|| dormant as f64 / self.opened as f64),
            },
            grievances: Grievances {
                count: self.grievances,
                per_1000_payments: (self.issued > 0).then(|| self.grievances as f64 * 1000.0 / self.issued as f64),
                resolution_days: self.resolution.finish(),
                within_deadline: self.in_time.finish(),
            },
            verified_receipt: self.verified.finish(),
        }
    }
}
