//! The time-to-cash indicator: how long after a payment is credited the beneficiary first
//! withdraws it (DOMAIN.md "Indicators"). This, not the number of accounts opened, is what the
//! city asked to track.
//!
//! Payments not yet withdrawn on the reporting date are censored, not dropped, so quantiles and
//! "% withdrawn by day k" come from a Kaplan-Meier curve ([`crate::km`]). The accumulator is
//! cheap and mergeable so a caller can keep one per segment (ward, age band, channel...) in a
//! map and read every payment once.

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
}

impl Metrics {
    /// Reads the indicator off a Kaplan-Meier curve.
    pub fn from_curve(curve: &KmCurve) -> Metrics {
        Metrics {
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

/// Accumulates payments for one segment; keep one per segment key in a map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeToCashAcc {
    km: KmBuilder,
}

impl TimeToCashAcc {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one payment as seen on `as_of`: a payment credited after `as_of` did not exist
    /// yet and is skipped; a first withdrawal after `as_of` had not happened yet, so the
    /// payment counts as unwithdrawn, censored after `as_of − credited_on` days.
    pub fn add(&mut self, p: &PaymentObs, as_of: NaiveDate) {
        if p.credited_on > as_of {
            return;
        }
        match p.first_withdrawal_on {
            Some(w) if w <= as_of => self.km.add((w - p.credited_on).num_days(), true),
            _ => self.km.add((as_of - p.credited_on).num_days(), false),
        }
    }

    /// Adds everything `other` holds (e.g. a total from the segments' accumulators).
    pub fn merge(&mut self, other: &TimeToCashAcc) {
        self.km.merge(&other.km);
    }

    /// The indicator so far; the accumulator stays usable.
    pub fn finish(&self) -> Metrics {
        Metrics::from_curve(&self.km.finish())
    }
}

/// The time-to-cash indicator of `obs` as known on `as_of`.
pub fn time_to_cash<'a>(obs: impl IntoIterator<Item = &'a PaymentObs>, as_of: NaiveDate) -> Metrics {
    let mut acc = TimeToCashAcc::new();
    for p in obs {
        acc.add(p, as_of);
    }
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn p(credited: &str, withdrawn: Option<&str>) -> PaymentObs {
        PaymentObs { credited_on: d(credited), first_withdrawal_on: withdrawn.map(d) }
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
        assert_eq!(m, Metrics::default());
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
        let jan5 = by_segment[&d("2026-01-05")].finish();
        // Days 0, 1, 3, 7: median is the lower middle, 1.
        assert_eq!((jan5.credited, jan5.withdrawn), (4, 4));
        assert_eq!(jan5.time_to_cash_days.median, Some(1));
        assert_eq!(jan5.time_to_cash_days.p75, Some(3));

        let mut merged = TimeToCashAcc::new();
        for acc in by_segment.values() {
            merged.merge(acc);
        }
        assert_eq!(merged.finish(), total.finish());
        assert_eq!(total.finish(), time_to_cash(&obs, as_of));
    }

    #[test]
    fn json_shape_matches_the_ipc_contract() {
        let m = time_to_cash(&fixture(), d(AS_OF));
        let v = serde_json::to_value(&m).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["credited", "curve", "time_to_cash_days", "unwithdrawn", "withdrawn", "withdrawn_by_day"]);
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
