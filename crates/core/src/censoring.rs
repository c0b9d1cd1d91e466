//! Honest censoring: up to which day a payment's status is known (issue 15).
//!
//! Time to cash is a Kaplan-Meier estimate, so a payment nobody has seen withdrawn is censored,
//! not dropped. The question is *where*. Censoring every unwithdrawn payment at the reporting
//! day says "we know she had not withdrawn by today", which is true only when someone checked:
//! a ward that records fewer withdrawals would look slower, and the figure would measure the
//! officers' typing backlog, not the people. So a payment is censored at the last day its
//! status is actually known:
//!
//! - the day of its first withdrawal (an event, not a censoring); a first withdrawal recorded
//!   for a day after the reporting day says the money was still there through the reporting day;
//! - else the latest of: a check that found it not withdrawn (a follow-up contact that reached
//!   the person, a verification visit: [`Facts::checks`]), a payer's report complete up to a
//!   day covering it ([`Facts::reports`]), the closing of its cycle ([`Facts::cycle_closed`]);
//! - else only its credit day (day 0): nothing is known beyond the credit.
//!
//! Each of these counts only if it happened by the reporting day.
//!
//! **Coverage** says whether the result can be read: of the credited payments old enough to
//! judge (credited at least [`COVERAGE_DAYS`] days before the reporting day, or already
//! withdrawn), the share whose status is known at least [`COVERAGE_DAYS`] days after credit or
//! until their withdrawal. Below the threshold (default [`DEFAULT_MIN_COVERAGE_PCT`] %) a
//! segment shows "not enough follow-up to judge" instead of a median.

use crate::facts::{Facts, PaymentFact};
use crate::model::Channel;
use chrono::NaiveDate;

/// Days after credit a payment's status must be known for it to count as covered.
pub const COVERAGE_DAYS: i64 = 7;

/// Below this coverage (percent) time to cash is not shown for a segment.
pub const DEFAULT_MIN_COVERAGE_PCT: u8 = 60;

/// The best "complete to" day of the reports known on `as_of`, per period × (ward or every
/// ward) × (channel or every channel), in a flat table: four lookups per payment, no hashing.
pub struct KnownThrough<'a> {
    facts: &'a Facts,
    as_of: NaiveDate,
    wards: usize,
    reports: Vec<Option<NaiveDate>>,
}

const CHANNEL_SLOTS: usize = Channel::ALL.len() + 1;

fn channel_slot(c: Option<Channel>) -> usize {
    c.map_or(Channel::ALL.len(), |c| c as usize)
}

impl<'a> KnownThrough<'a> {
    pub fn new(facts: &'a Facts, as_of: NaiveDate) -> Self {
        let wards = facts.wards.len() + 1;
        let mut reports = Vec::new();
        if facts.reports.iter().any(|r| r.complete_to <= as_of) {
            reports = vec![None; facts.periods.len() * wards * CHANNEL_SLOTS];
            for r in facts.reports.iter().filter(|r| r.complete_to <= as_of) {
                let ward = r.ward.map_or(wards - 1, |w| w as usize);
                let slot = &mut reports[(r.period as usize * wards + ward) * CHANNEL_SLOTS + channel_slot(r.channel)];
                *slot = (*slot).max(Some(r.complete_to));
            }
        }
        KnownThrough { facts, as_of, wards, reports }
    }

    /// The latest day by `as_of` on which `p` (of a person in ward `ward`) was known not
    /// withdrawn by a check, a complete report or its cycle's closing; None if none.
    pub fn checked(&self, p: &PaymentFact, ward: u32) -> Option<NaiveDate> {
        let checks = self.facts.checks_of(p);
        let check = checks[..checks.partition_point(|d| *d <= self.as_of)].last().copied();
        let closed = self.facts.cycle_closed.get(p.period as usize).copied().flatten().filter(|d| *d <= self.as_of);
        let mut best = check.max(closed);
        if !self.reports.is_empty() {
            let base = p.period as usize * self.wards;
            for w in [ward as usize, self.wards - 1] {
                for c in [channel_slot(Some(p.channel)), channel_slot(None)] {
                    best = best.max(self.reports[(base + w) * CHANNEL_SLOTS + c]);
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ReportFact;
    use crate::model::PaymentStatus;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
    }

    fn facts() -> Facts {
        let pay = |channel, checks: std::ops::Range<u32>| PaymentFact {
            person: 0,
            period: 0,
            channel,
            status: PaymentStatus::Credited,
            amount_vnd: 500_000,
            scheduled_on: None,
            credited_on: Some(d("10/01/2026")),
            failure_reason: None,
            withdrawals: 0..0,
            checks,
            one_off: false,
        };
        Facts {
            wards: vec!["00001".into(), "00002".into()],
            periods: vec!["2026-01".into()],
            cycle_closed: vec![Some(d("31/01/2026"))],
            checks: vec![d("12/01/2026"), d("20/01/2026")],
            payments: vec![pay(Channel::Bank, 0..2), pay(Channel::Cash, 2..2)],
            reports: vec![
                ReportFact { period: 0, ward: Some(0), channel: Some(Channel::Cash), complete_to: d("18/01/2026") },
                ReportFact { period: 0, ward: None, channel: None, complete_to: d("15/01/2026") },
            ],
            ..Facts::default()
        }
    }

    #[test]
    fn the_latest_check_report_or_closing_known_by_the_reporting_day() {
        let f = facts();
        let (bank, cash) = (&f.payments[0], &f.payments[1]);
        // Before anything: nothing known.
        assert_eq!(KnownThrough::new(&f, d("11/01/2026")).checked(bank, 0), None);
        // A check on 12/01.
        assert_eq!(KnownThrough::new(&f, d("14/01/2026")).checked(bank, 0), Some(d("12/01/2026")));
        // The city's report complete to 15/01 covers every ward and channel.
        assert_eq!(KnownThrough::new(&f, d("16/01/2026")).checked(bank, 1), Some(d("15/01/2026")));
        // The ward's cash report to 18/01 covers its cash payments only, not its bank ones,
        // and not another ward's.
        let k = KnownThrough::new(&f, d("19/01/2026"));
        assert_eq!(k.checked(cash, 0), Some(d("18/01/2026")));
        assert_eq!(k.checked(bank, 0), Some(d("15/01/2026")));
        assert_eq!(k.checked(cash, 1), Some(d("15/01/2026")));
        // The second check, then the cycle's closing.
        assert_eq!(KnownThrough::new(&f, d("25/01/2026")).checked(bank, 0), Some(d("20/01/2026")));
        assert_eq!(KnownThrough::new(&f, d("05/02/2026")).checked(cash, 1), Some(d("31/01/2026")));
    }
}
