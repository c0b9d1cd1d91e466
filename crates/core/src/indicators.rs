//! The time-to-cash indicator: how long after a payment is credited the beneficiary first
//! withdraws it (DOMAIN.md "Indicators"). This, not the number of accounts opened, is what the
//! city asked to track.
//!
//! Payments not yet withdrawn on the reporting date are censored, not dropped, so quantiles and
//! "% withdrawn by day k" come from a Kaplan-Meier curve ([`crate::km`]); each is censored at
//! the last day its status is known, and the coverage of that knowledge decides whether the
//! figure is shown ([`crate::censoring`]). The accumulator is
//! cheap and mergeable so a caller can keep one per segment (ward, age band, channel...) in a
//! map and read every payment once.

use crate::censoring::COVERAGE_DAYS;
use crate::km::{KmBuilder, KmCurve};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Last day of the reported curve (day 0 = the day of credit).
pub const CURVE_LAST_DAY: i64 = 30;

/// What the indicator needs of one credited payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentObs {
    /// The day the money was credited (or ready for pick-up).
    pub credited_on: NaiveDate,
    /// The day of the first withdrawal, if any has been recorded.
    pub first_withdrawal_on: Option<NaiveDate>,
    /// The latest day a check, a complete payer's report or the cycle's closing found it not
    /// withdrawn ([`crate::censoring::KnownThrough`]); later than the reporting day: ignored.
    pub checked_on: Option<NaiveDate>,
}

/// Whose status is known well enough to judge time to cash (see [`crate::censoring`]).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default, ts_rs::TS)]
pub struct Coverage {
    /// Credited payments old enough to judge: credited at least 7 days before the reporting
    /// day, or already withdrawn.
    pub of: u64,
    /// Of those, withdrawn, or known not withdrawn at least 7 days after credit.
    pub known: u64,
    /// known / of; null when `of` is 0.
    pub share: Option<f64>,
}

/// Whole days from credit to first withdrawal.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Default, ts_rs::TS)]
#[ts(rename = "TimeToCash")]
pub struct Quantiles {
    pub median: Option<i64>,
    pub p75: Option<i64>,
    pub p90: Option<i64>,
}

/// Kaplan-Meier share withdrawn by day 1, 3, 7 and 30, serialised under the keys
/// "1", "3", "7", "30" (the IPC contract). `None` when unknown (see [`Metrics`]).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default, ts_rs::TS)]
pub struct WithdrawnByDay {
    #[serde(rename = "1")]
    pub day1: Option<f64>,
    #[serde(rename = "3")]
    pub day3: Option<f64>,
    #[serde(rename = "7")]
    pub day7: Option<f64>,
    #[serde(rename = "30")]
    pub day30: Option<f64>,
}

/// One point of the cumulative curve: share withdrawn (0..=1) by `day`.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, ts_rs::TS)]
pub struct CurvePoint {
    pub day: i64,
    pub withdrawn: f64,
}

/// The time-to-cash indicator for one set of payments (the whole report or one segment).
///
/// Unknown values are `None`, never a misleading number:
/// - no payments: every share and quantile is `None` and `curve` is empty (an empty chart
///   says "no data"; a flat line at 0 % would say "nobody withdrew");
/// - a quantile the curve never reaches (too few withdrawals so far): `None`;
/// - a day beyond the longest follow-up while some payments were still unwithdrawn (e.g. every
///   payment was credited 5 days ago): that day's share is `None` and the curve stops at the
///   longest follow-up instead of running to day 30.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default, ts_rs::TS)]
pub struct Metrics {
    /// Payments credited on or before the reporting date.
    pub credited: u64,
    /// Of those, withdrawn on or before the reporting date.
    pub withdrawn: u64,
    /// credited − withdrawn.
    pub unwithdrawn: u64,
    pub time_to_cash_days: Quantiles,
    pub withdrawn_by_day: WithdrawnByDay,
    /// Days 0..=30 (fewer, see above).
    pub curve: Vec<CurvePoint>,
    pub coverage: Coverage,
    /// The coverage reaches the threshold (`min_coverage` of the report). When false the
    /// quantiles, the shares by day and the curve are empty: "not enough follow-up to judge".
    pub enough_followup: bool,
}

impl Metrics {
    /// Reads the indicator off a Kaplan-Meier curve, whatever the coverage.
    pub fn from_curve(curve: &KmCurve) -> Metrics {
        Metrics {
            coverage: Coverage::default(),
            enough_followup: true,
            credited: curve.n(),
            withdrawn: curve.events(),
            unwithdrawn: curve.n() - curve.events(),
            time_to_cash_days: Quantiles {
                median: curve.quantile(0.5),
                p75: curve.quantile(0.75),
                p90: curve.quantile(0.9),
            },
            withdrawn_by_day: WithdrawnByDay {
                day1: curve.withdrawn_by(1),
                day3: curve.withdrawn_by(3),
                day7: curve.withdrawn_by(7),
                day30: curve.withdrawn_by(30),
            },
            curve: (0..=CURVE_LAST_DAY)
                .map_while(|day| curve.withdrawn_by(day).map(|withdrawn| CurvePoint { day, withdrawn }))
                .collect(),
        }
    }
}

/// What one payment adds to time to cash as seen on a day: its days to the event or to its
/// censoring, and (when it is old enough to judge) whether its status is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TtcObs {
    pub days: i64,
    pub event: bool,
    pub judged: Option<bool>,
}

impl TtcObs {
    /// A payment as seen on `as_of`: a payment credited after `as_of` did not exist yet (None).
    /// Withdrawn by `as_of`: an event. Otherwise censored at the last day its status is known
    /// ([`crate::censoring`]): `as_of` when its first withdrawal came later (the money was
    /// still there), else its latest check by `as_of`, else its credit day.
    pub fn of(p: &PaymentObs, as_of: NaiveDate) -> Option<TtcObs> {
        if p.credited_on > as_of {
            return None;
        }
        let judge_from = p.credited_on + chrono::Days::new(COVERAGE_DAYS as u64);
        Some(match p.first_withdrawal_on {
            Some(w) if w <= as_of => TtcObs { days: (w - p.credited_on).num_days(), event: true, judged: Some(true) },
            later => {
                let known = if later.is_some() {
                    as_of
                } else {
                    p.checked_on.filter(|c| *c <= as_of).map_or(p.credited_on, |c| c.max(p.credited_on))
                };
                let judged = (judge_from <= as_of).then_some(known >= judge_from);
                TtcObs { days: (known - p.credited_on).num_days(), event: false, judged }
            }
        })
    }
}

/// Accumulates payments for one segment; keep one per segment key in a map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeToCashAcc {
    km: KmBuilder,
    /// Coverage: payments old enough to judge, and those of them whose status is known.
    of: u64,
    known: u64,
}

impl TimeToCashAcc {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one payment as seen on `as_of`: a payment credited after `as_of` did not exist
    /// yet and is skipped. Withdrawn by `as_of`: an event. Otherwise censored at the last day
    /// its status is known ([`crate::censoring`]): `as_of` when its first withdrawal came
    /// later (the money was still there), else its latest check by `as_of`, else its credit day.
    pub fn add(&mut self, p: &PaymentObs, as_of: NaiveDate) {
        if let Some(o) = TtcObs::of(p, as_of) {
            self.add_obs(&o);
        }
    }

    /// Adds an observation worked out once ([`TtcObs::of`]) for every segment it counts in.
    pub fn add_obs(&mut self, o: &TtcObs) {
        self.km.add(o.days, o.event);
        if let Some(known) = o.judged {
            self.of += 1;
            self.known += u64::from(known);
        }
    }

    /// Adds everything `other` holds (e.g. a total from the segments' accumulators).
    pub fn merge(&mut self, other: &TimeToCashAcc) {
        self.km.merge(&other.km);
        self.of += other.of;
        self.known += other.known;
    }

    /// Takes out everything `other` holds, a part of what this holds.
    pub fn subtract(&mut self, other: &TimeToCashAcc) {
        self.km.subtract(&other.km);
        self.of -= other.of;
        self.known -= other.known;
    }

    /// The indicator so far, shown only if at least `min_coverage_pct` % of the payments old
    /// enough to judge have a known status; the accumulator stays usable.
    pub fn finish(&self, min_coverage_pct: u8) -> Metrics {
        let mut m = Metrics::from_curve(&self.km.finish());
        let share = (self.of > 0).then(|| self.known as f64 / self.of as f64);
        m.coverage = Coverage { of: self.of, known: self.known, share };
        // Compared in whole counts: known / of >= pct / 100 without rounding. A threshold of 0
        // shows the figure whatever is known.
        m.enough_followup =
            min_coverage_pct == 0 || (self.of > 0 && self.known * 100 >= self.of * u64::from(min_coverage_pct));
        if !m.enough_followup {
            m.time_to_cash_days = Quantiles::default();
            m.withdrawn_by_day = WithdrawnByDay::default();
            m.curve.clear();
        }
        m
    }
}

/// The time-to-cash indicator of `obs` as known on `as_of`, shown whatever its coverage.
pub fn time_to_cash<'a>(obs: impl IntoIterator<Item = &'a PaymentObs>, as_of: NaiveDate) -> Metrics {
    let mut acc = TimeToCashAcc::new();
    for p in obs {
        acc.add(p, as_of);
    }
    acc.finish(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A payment whose status was checked on the reporting day (as every test here but the
    /// censoring ones assume: unwithdrawn payments censored at `AS_OF`).
    fn p(credited: &str, withdrawn: Option<&str>) -> PaymentObs {
        PaymentObs { credited_on: d(credited), first_withdrawal_on: withdrawn.map(d), checked_on: Some(d(AS_OF)) }
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    const AS_OF: &str = "2026-01-31";

    /// Eight payments, two never withdrawn by 31/01/2026.
    ///
    /// | # | credited   | first withdrawal | days | event    |
    /// |---|------------|------------------|------|----------|
    /// | 1 | 05/01/2026 | 05/01/2026       |   0  | yes      |
    /// | 2 | 05/01/2026 | 06/01/2026       |   1  | yes      |
    /// | 3 | 10/01/2026 | 12/01/2026       |   2  | yes      |
    /// | 4 | 05/01/2026 | 08/01/2026       |   3  | yes      |
    /// | 5 | 28/01/2026 | –                |   3  | censored |
    /// | 6 | 05/01/2026 | 12/01/2026       |   7  | yes      |
    /// | 7 | 10/01/2026 | 20/01/2026       |  10  | yes      |
    /// | 8 | 20/12/2025 | –                |  42  | censored |
    ///
    /// day | at risk | withdrawn | censored | S                  | withdrawn 1 − S
    ///  0  |    8    |     1     |    0     | 7/8                | 1/8
    ///  1  |    7    |     1     |    0     | 7/8 · 6/7 = 3/4    | 1/4
    ///  2  |    6    |     1     |    0     | 3/4 · 5/6 = 5/8    | 3/8
    ///  3  |    5    |     1     |    1     | 5/8 · 4/5 = 1/2    | 1/2
    ///  7  |    3    |     1     |    0     | 1/2 · 2/3 = 1/3    | 2/3
    /// 10  |    2    |     1     |    0     | 1/3 · 1/2 = 1/6    | 5/6
    /// 42  |    1    |     0     |    1     | 1/6                | 5/6
    ///
    /// Median 3 (first day ≥ 1/2), P75 10 (2/3 < 3/4 ≤ 5/6), P90 never reached.
    /// Withdrawn by day 1: 1/4, 3: 1/2, 7: 2/3, 30: 5/6 (payment 8 was followed 42 days).
    fn fixture() -> Vec<PaymentObs> {
        vec![
            p("2026-01-05", Some("2026-01-05")),
            p("2026-01-05", Some("2026-01-06")),
            p("2026-01-10", Some("2026-01-12")),
            p("2026-01-05", Some("2026-01-08")),
            p("2026-01-28", None),
            p("2026-01-05", Some("2026-01-12")),
            p("2026-01-10", Some("2026-01-20")),
            p("2025-12-20", None),
        ]
    }

    #[test]
    fn hand_computed_fixture() {
        let m = time_to_cash(&fixture(), d(AS_OF));
        assert_eq!((m.credited, m.withdrawn, m.unwithdrawn), (8, 6, 2));
        assert_eq!(m.time_to_cash_days, Quantiles { median: Some(3), p75: Some(10), p90: None });
        assert!(close(m.withdrawn_by_day.day1, 0.25));
        assert!(close(m.withdrawn_by_day.day3, 0.5));
        assert!(close(m.withdrawn_by_day.day7, 2.0 / 3.0));
        assert!(close(m.withdrawn_by_day.day30, 5.0 / 6.0));

        assert_eq!(m.curve.len(), 31);
        let days: Vec<i64> = m.curve.iter().map(|pt| pt.day).collect();
        assert_eq!(days, (0..=30).collect::<Vec<_>>());
        let expected = |day: i64| match day {
            0 => 1.0 / 8.0,
            1 => 0.25,
            2 => 3.0 / 8.0,
            3..=6 => 0.5,
            7..=9 => 2.0 / 3.0,
            _ => 5.0 / 6.0,
        };
        for pt in &m.curve {
            assert!(close(Some(pt.withdrawn), expected(pt.day)), "day {}", pt.day);
        }
    }

    /// Ten payments credited 01/01/2026, seen on 31/01: six withdrawn (days 2, 2, 5, 5, 10,
    /// 10), four with nothing recorded at all.
    ///
    /// The old rule (every unwithdrawn payment censored at the reporting day, 30 days):
    /// day 2: 10 at risk, 2 withdrawn, S = 8/10; day 5: 8 at risk, S = 8/10 · 6/8 = 6/10;
    /// day 10: 6 at risk, S = 6/10 · 4/6 = 4/10 ≤ 1/2: median 10 days.
    ///
    /// The honest rule (nothing known beyond the credit: censored at day 0): the four leave the
    /// risk set on day 0; day 2: 6 at risk, S = 4/6; day 5: 4 at risk, S = 4/6 · 2/4 = 1/3:
    /// median 5 days. The ward that typed fewer withdrawals no longer looks slower.
    ///
    /// Coverage: all ten are old enough to judge, the six withdrawn are known: 6/10.
    fn unrecorded() -> Vec<PaymentObs> {
        let c = "2026-01-01";
        let mut obs: Vec<PaymentObs> =
            ["2026-01-03", "2026-01-03", "2026-01-06", "2026-01-06", "2026-01-11", "2026-01-11"]
                .iter()
                .map(|w| PaymentObs { credited_on: d(c), first_withdrawal_on: Some(d(w)), checked_on: None })
                .collect();
        obs.extend((0..4).map(|_| PaymentObs { credited_on: d(c), first_withdrawal_on: None, checked_on: None }));
        obs
    }

    #[test]
    fn unrecorded_payments_are_censored_at_credit_not_at_the_reporting_day() {
        let as_of = d(AS_OF);
        let honest = time_to_cash(&unrecorded(), as_of);
        assert_eq!(honest.time_to_cash_days.median, Some(5));
        assert_eq!(honest.coverage, Coverage { of: 10, known: 6, share: Some(0.6) });
        // The old rule: the same payments, each "checked" on the reporting day.
        let old: Vec<PaymentObs> =
            unrecorded().into_iter().map(|o| PaymentObs { checked_on: Some(as_of), ..o }).collect();
        let old = time_to_cash(&old, as_of);
        assert_eq!(old.time_to_cash_days.median, Some(10));
        assert_eq!(old.coverage, Coverage { of: 10, known: 10, share: Some(1.0) });
        // A check after the reporting day was not known then.
        let future: Vec<PaymentObs> =
            unrecorded().into_iter().map(|o| PaymentObs { checked_on: Some(d("2026-02-10")), ..o }).collect();
        assert_eq!(time_to_cash(&future, as_of), honest);
    }

    #[test]
    fn a_check_censors_at_its_day_and_counts_for_coverage() {
        // Two of the four unrecorded were reached on 20/01 and had not withdrawn: censored at
        // 19 days. Day 0: 2 censored, 8 at risk; day 2: S = 6/8; day 5: S = 6/8 · 4/6 = 1/2.
        let mut obs = unrecorded();
        for o in obs.iter_mut().skip(6).take(2) {
            o.checked_on = Some(d("2026-01-20"));
        }
        let m = time_to_cash(&obs, d(AS_OF));
        assert_eq!(m.time_to_cash_days.median, Some(5));
        assert!(close(m.withdrawn_by_day.day7, 0.5));
        assert_eq!(m.coverage, Coverage { of: 10, known: 8, share: Some(0.8) });
        // A check 3 days after credit is not enough to count as known.
        obs[6].checked_on = Some(d("2026-01-04"));
        assert_eq!(time_to_cash(&obs, d(AS_OF)).coverage.known, 7);
    }

    #[test]
    fn under_the_coverage_threshold_no_median_is_shown() {
        let mut acc = TimeToCashAcc::new();
        for o in unrecorded() {
            acc.add(&o, d(AS_OF));
        }
        // 6/10 known: enough at 60 %, not at 61 %.
        let shown = acc.finish(60);
        assert!(shown.enough_followup);
        assert_eq!(shown.time_to_cash_days.median, Some(5));
        let hidden = acc.finish(61);
        assert!(!hidden.enough_followup);
        assert_eq!(hidden.time_to_cash_days, Quantiles::default());
        assert_eq!(hidden.withdrawn_by_day, WithdrawnByDay::default());
        assert!(hidden.curve.is_empty());
        // The counts stay: they are facts, not estimates.
        assert_eq!((hidden.credited, hidden.withdrawn, hidden.coverage.known), (10, 6, 6));
        // Payments credited less than a week ago are not judged either way.
        let mut young = TimeToCashAcc::new();
        young.add(&PaymentObs { credited_on: d("2026-01-28"), first_withdrawal_on: None, checked_on: None }, d(AS_OF));
        assert_eq!(young.finish(60).coverage, Coverage { of: 0, known: 0, share: None });
        assert!(!young.finish(60).enough_followup);
    }

    #[test]
    fn a_withdrawal_after_as_of_has_not_happened_yet() {
        // Credited 29/01, withdrawn 03/02: on 31/01 it is unwithdrawn, censored at 2 days.
        let mut obs = fixture();
        obs.push(p("2026-01-29", Some("2026-02-03")));
        let m = time_to_cash(&obs, d(AS_OF));
        assert_eq!((m.credited, m.withdrawn, m.unwithdrawn), (9, 6, 3));

        let mut not_yet = fixture();
        not_yet.push(p("2026-01-29", None));
        assert_eq!(m, time_to_cash(&not_yet, d(AS_OF)));

        // Censored at day 2, it lowers the at-risk count from day 3 on, not before:
        // at risk: day 0: 9; 1: 8; 2: 7 (it is one of them); 3: 5.
        // S(3) = 8/9 · 7/8 · 6/7 · 4/5 = 8/15, so 7/15 withdrawn by day 3.
        assert!(close(m.withdrawn_by_day.day1, 2.0 / 9.0));
        assert!(close(m.withdrawn_by_day.day3, 7.0 / 15.0));

        // Seen a week later, the same payment is a withdrawal after 5 days.
        let later = time_to_cash(&obs, d("2026-02-07"));
        assert_eq!(later.withdrawn, 7);
    }

    #[test]
    fn a_payment_credited_after_as_of_is_excluded() {
        let mut obs = fixture();
        obs.push(p("2026-02-01", Some("2026-02-01")));
        obs.push(p("2026-02-05", None));
        assert_eq!(time_to_cash(&obs, d(AS_OF)), time_to_cash(&fixture(), d(AS_OF)));
        // Credited on as_of itself counts (day 0, censored if not withdrawn that day).
        obs.push(p(AS_OF, None));
        assert_eq!(time_to_cash(&obs, d(AS_OF)).credited, 9);
    }

    #[test]
    fn empty_input_is_all_unknown() {
        let m = time_to_cash(&[], d(AS_OF));
        assert_eq!((m.credited, m.withdrawn, m.unwithdrawn), (0, 0, 0));
        assert_eq!(m.time_to_cash_days, Quantiles::default());
        assert_eq!(m.withdrawn_by_day, WithdrawnByDay::default());
        assert_eq!(m.withdrawn_by_day.day1, None);
        assert!(m.curve.is_empty());
        assert_eq!(m, Metrics { enough_followup: true, ..Metrics::default() });
        // Only payments credited after as_of: the same.
        assert_eq!(time_to_cash(&[p("2026-02-01", None)], d(AS_OF)), m);
    }

    #[test]
    fn short_follow_up_does_not_extrapolate() {
        // Everything credited 5 days before as_of; one of three still unwithdrawn.
        let obs = [p("2026-01-26", Some("2026-01-26")), p("2026-01-26", Some("2026-01-28")), p("2026-01-26", None)];
        let m = time_to_cash(&obs, d(AS_OF));
        assert!(close(m.withdrawn_by_day.day1, 1.0 / 3.0));
        assert!(close(m.withdrawn_by_day.day3, 2.0 / 3.0));
        assert_eq!(m.withdrawn_by_day.day7, None);
        assert_eq!(m.withdrawn_by_day.day30, None);
        assert_eq!(m.curve.last().map(|pt| pt.day), Some(5));
        assert_eq!(m.curve.len(), 6);

        // If everyone has withdrawn, later days are known (100 %) and the curve is complete.
        let all = [p("2026-01-26", Some("2026-01-26")), p("2026-01-26", Some("2026-01-28"))];
        let m = time_to_cash(&all, d(AS_OF));
        assert_eq!(m.withdrawn_by_day.day30, Some(1.0));
        assert_eq!(m.curve.len(), 31);
        assert_eq!(m.time_to_cash_days.median, Some(0));
        assert_eq!(m.time_to_cash_days.p90, Some(2));
    }

    #[test]
    fn one_accumulator_per_segment() {
        let obs = fixture();
        let as_of = d(AS_OF);
        // Segment by credit day, as a stand-in for ward or age band.
        let mut by_segment: HashMap<NaiveDate, TimeToCashAcc> = HashMap::new();
        let mut total = TimeToCashAcc::new();
        for o in &obs {
            by_segment.entry(o.credited_on).or_default().add(o, as_of);
            total.add(o, as_of);
        }
        assert_eq!(by_segment.len(), 4);
        let jan5 = by_segment[&d("2026-01-05")].finish(0);
        // Days 0, 1, 3, 7: median is the lower middle, 1.
        assert_eq!((jan5.credited, jan5.withdrawn), (4, 4));
        assert_eq!(jan5.time_to_cash_days.median, Some(1));
        assert_eq!(jan5.time_to_cash_days.p75, Some(3));

        let mut merged = TimeToCashAcc::new();
        for acc in by_segment.values() {
            merged.merge(acc);
        }
        assert_eq!(merged.finish(0), total.finish(0));
        assert_eq!(total.finish(0), time_to_cash(&obs, as_of));
    }

    #[test]
    fn json_shape_matches_the_ipc_contract() {
        let m = time_to_cash(&fixture(), d(AS_OF));
        let v = serde_json::to_value(&m).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "coverage",
                "credited",
                "curve",
                "enough_followup",
                "time_to_cash_days",
                "unwithdrawn",
                "withdrawn",
                "withdrawn_by_day"
            ]
        );
        assert_eq!(v["coverage"], serde_json::json!({ "of": 7, "known": 7, "share": 1.0 }));
        assert_eq!(v["enough_followup"], true);
        let by_day = v["withdrawn_by_day"].as_object().unwrap();
        let mut day_keys: Vec<&str> = by_day.keys().map(String::as_str).collect();
        day_keys.sort_unstable();
        assert_eq!(day_keys, ["1", "3", "30", "7"]);
        assert_eq!(v["withdrawn_by_day"]["3"], 0.5);
        assert_eq!(v["time_to_cash_days"]["median"], 3);
        assert!(v["time_to_cash_days"]["p90"].is_null());
        assert_eq!(v["curve"][0]["day"], 0);
        assert_eq!(v["curve"][0]["withdrawn"], 0.125);
        assert_eq!(v["credited"], 8);

        let empty = serde_json::to_value(Metrics::default()).unwrap();
        assert!(empty["withdrawn_by_day"]["30"].is_null());
        assert_eq!(empty["curve"], serde_json::json!([]));

        let back: Metrics = serde_json::from_value(v).unwrap();
        assert_eq!(back, m);
    }
}
