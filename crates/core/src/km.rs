//! Kaplan-Meier estimate of "share withdrawn by day t" on whole days.
//!
//! Payments not yet withdrawn are censored, not dropped: dropping them would make time to cash
//! look shorter than it is (only the quick ones are counted), and counting them as "never"
//! would make it look longer. Kaplan-Meier uses each of them for as long as it was observed.
//!
//! Built for the whole city (millions of payment-months): observations are counted into a
//! histogram by day, so building is O(n + max_day) with no per-observation sort and memory is
//! proportional to the number of distinct days, not to n. Days up to [`DENSE_DAYS`] go to a
//! flat array; the rare larger ones (data errors, mostly) to a sorted map, so one absurd value
//! cannot allocate gigabytes.
//!
//! Convention: an observation censored on day d is in the risk set on day d (it was observed
//! through day d without a withdrawal), i.e. events on a day are counted before that day's
//! censorings, as in the usual Kaplan-Meier estimator.

use std::collections::BTreeMap;

/// Days below this are counted in a flat array (about 11 years: every real delay).
pub const DENSE_DAYS: i64 = 4096;

/// Tolerance when comparing the estimate with a quantile level: products such as
/// 0.9 × 7/9 are not exact in floating point.
const EPS: f64 = 1e-9;

/// One payment's observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obs {
    /// Days from credit to the first withdrawal (`event`) or to the end of observation.
    pub days: i64,
    /// true: withdrawn on day `days`; false: censored, known not withdrawn through `days`.
    pub event: bool,
}

/// Accumulates observations one at a time (e.g. one builder per segment in a map).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KmBuilder {
    /// Index = day; [events, censored].
    dense: Vec<[u64; 2]>,
    sparse: BTreeMap<i64, [u64; 2]>,
    n: u64,
    events: u64,
}

impl KmBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one observation. Negative days (a withdrawal dated before the credit: a data
    /// error caught elsewhere) count as day 0.
    pub fn add(&mut self, days: i64, event: bool) {
        let day = days.max(0);
        let slot = if day < DENSE_DAYS {
            let i = day as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, [0, 0]);
            }
            &mut self.dense[i]
        } else {
            self.sparse.entry(day).or_default()
        };
        slot[usize::from(!event)] += 1;
        self.n += 1;
        self.events += u64::from(event);
    }

    /// Adds every observation of `other` (e.g. to total segments without re-reading data).
    pub fn merge(&mut self, other: &KmBuilder) {
        if other.dense.len() > self.dense.len() {
            self.dense.resize(other.dense.len(), [0, 0]);
        }
        for (mine, theirs) in self.dense.iter_mut().zip(&other.dense) {
            mine[0] += theirs[0];
            mine[1] += theirs[1];
        }
        for (day, counts) in &other.sparse {
            let mine = self.sparse.entry(*day).or_default();
            mine[0] += counts[0];
            mine[1] += counts[1];
        }
        self.n += other.n;
        self.events += other.events;
    }

    /// Takes out the observations of `other`, a part of what this holds (a person's payments
    /// before a write changed them).
    pub fn subtract(&mut self, other: &KmBuilder) {
        for (mine, theirs) in self.dense.iter_mut().zip(&other.dense) {
            mine[0] -= theirs[0];
            mine[1] -= theirs[1];
        }
        for (day, counts) in &other.sparse {
            if let Some(mine) = self.sparse.get_mut(day) {
                mine[0] -= counts[0];
                mine[1] -= counts[1];
                if *mine == [0, 0] {
                    self.sparse.remove(day);
                }
            }
        }
        self.n -= other.n;
        self.events -= other.events;
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    /// Computes the curve; the builder stays usable (more observations can follow).
    pub fn finish(&self) -> KmCurve {
        let dense = self.dense.iter().enumerate().map(|(day, counts)| (day as i64, *counts));
        let sparse = self.sparse.iter().map(|(day, counts)| (*day, *counts));
        let mut at_risk = self.n;
        let mut survival = 1.0_f64;
        let mut steps = Vec::new();
        let mut max_day = None;
        for (day, [events, censored]) in dense.chain(sparse) {
            if events + censored == 0 {
                continue;
            }
            if events > 0 {
                survival *= 1.0 - events as f64 / at_risk as f64;
                steps.push((day, survival));
            }
            at_risk -= events + censored;
            max_day = Some(day);
        }
        KmCurve { steps, n: self.n, events: self.events, max_day }
    }
}

impl Extend<Obs> for KmBuilder {
    fn extend<I: IntoIterator<Item = Obs>>(&mut self, iter: I) {
        for o in iter {
            self.add(o.days, o.event);
        }
    }
}

/// A Kaplan-Meier step function S(t), the share not yet withdrawn after t days.
#[derive(Debug, Clone, PartialEq)]
pub struct KmCurve {
    /// (event day, S after that day), days ascending; S is constant between steps.
    steps: Vec<(i64, f64)>,
    n: u64,
    events: u64,
    /// Largest observed day (event or censored): the estimate is only known up to here.
    max_day: Option<i64>,
}

impl KmCurve {
    pub fn from_obs(obs: impl IntoIterator<Item = Obs>) -> KmCurve {
        let mut builder = KmBuilder::new();
        builder.extend(obs);
        builder.finish()
    }

    /// Number of observations.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Number of observed withdrawals.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The longest follow-up (event or censoring day), `None` without observations.
    pub fn max_day(&self) -> Option<i64> {
        self.max_day
    }

    /// S(t) = ∏ over event days ≤ t of (1 − withdrawn that day / at risk that day); 1 before
    /// the first event and with no observations. Beyond [`KmCurve::max_day`] it stays at its
    /// last value, which is only an estimate if that value is 0; see
    /// [`KmCurve::withdrawn_by`].
    pub fn survival_at(&self, day: i64) -> f64 {
        match self.steps.partition_point(|(d, _)| *d <= day) {
            0 => 1.0,
            i => self.steps[i - 1].1,
        }
    }

    /// Share withdrawn by day t, 1 − S(t). `None` without observations, and `None` for a day
    /// beyond the longest follow-up while some payments were still unwithdrawn there: nobody
    /// was observed that long, so the share is unknown (carrying the last value forward would
    /// report e.g. "withdrawn by day 30" from payments credited 5 days ago).
    pub fn withdrawn_by(&self, day: i64) -> Option<f64> {
        let max_day = self.max_day?;
        if day > max_day && self.survival_at(max_day) > 0.0 {
            return None;
        }
        Some(1.0 - self.survival_at(day))
    }

    /// The smallest day t with 1 − S(t) ≥ q (within 1e-9), e.g. q = 0.5 for the median.
    /// With no censoring this is the empirical quantile (the lower one for an even count).
    /// `None` without observations or if the share withdrawn never reaches q.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        self.max_day?;
        if q <= EPS {
            return Some(0);
        }
        self.steps.iter().find(|(_, s)| 1.0 - s >= q - EPS).map(|(day, _)| *day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(days: i64) -> Obs {
        Obs { days, event: true }
    }

    fn c(days: i64) -> Obs {
        Obs { days, event: false }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn assert_withdrawn(curve: &KmCurve, day: i64, expected: f64) {
        let got = curve.withdrawn_by(day).expect("defined");
        assert!(close(got, expected), "day {day}: {got} != {expected}");
    }

    #[test]
    fn without_censoring_it_is_the_empirical_cdf() {
        let days = [0, 1, 1, 2, 3, 5, 5, 5, 8, 10];
        let curve = KmCurve::from_obs(days.iter().map(|d| e(*d)));
        assert_eq!((curve.n(), curve.events(), curve.max_day()), (10, 10, Some(10)));
        for t in -1..=12 {
            let ecdf = days.iter().filter(|d| **d <= t).count() as f64 / 10.0;
            assert_withdrawn(&curve, t, ecdf);
        }
        // F(3) = 0.5, F(5) = 0.8, F(8) = 0.9 (0.9 only within tolerance in floating point).
        assert_eq!(curve.quantile(0.5), Some(3));
        assert_eq!(curve.quantile(0.75), Some(5));
        assert_eq!(curve.quantile(0.9), Some(8));
        assert_eq!(curve.quantile(0.91), Some(10));
        assert_eq!(curve.quantile(1.0), Some(10));
        assert_eq!(curve.quantile(0.1), Some(0));
        assert_eq!(curve.quantile(0.0), Some(0));
        // Everyone withdrew, so later days are known: 100 %.
        assert_withdrawn(&curve, 1000, 1.0);
    }

    #[test]
    fn with_censoring_by_hand() {
        // day | at risk | withdrawn | censored | S
        //  1  |    9    |     1     |    0     | 8/9
        //  2  |    8    |     2     |    1     | 8/9 · 6/8 = 2/3
        //  3  |    5    |     0     |    1     | 2/3
        //  4  |    4    |     1     |    0     | 2/3 · 3/4 = 1/2
        //  5  |    3    |     0     |    1     | 1/2
        //  6  |    2    |     1     |    0     | 1/2 · 1/2 = 1/4
        //  7  |    1    |     0     |    1     | 1/4
        // Dropping the censored would give F(6) = 5/5 = 100 %; counting them as never
        // withdrawn, 5/9 = 56 %. Kaplan-Meier: 75 %.
        let obs = [e(1), e(2), e(2), c(2), c(3), e(4), c(5), e(6), c(7)];
        let curve = KmCurve::from_obs(obs);
        assert_eq!((curve.n(), curve.events(), curve.max_day()), (9, 5, Some(7)));
        let expected =
            [(0, 0.0), (1, 1.0 / 9.0), (2, 1.0 / 3.0), (3, 1.0 / 3.0), (4, 0.5), (5, 0.5), (6, 0.75), (7, 0.75)];
        for (day, f) in expected {
            assert_withdrawn(&curve, day, f);
            assert!(close(curve.survival_at(day), 1.0 - f));
        }
        assert_eq!(curve.quantile(0.5), Some(4));
        assert_eq!(curve.quantile(0.75), Some(6));
        assert_eq!(curve.quantile(0.9), None);
        // Nobody was followed beyond day 7 and a quarter were still unwithdrawn there.
        assert_eq!(curve.withdrawn_by(8), None);
        assert_eq!(curve.withdrawn_by(30), None);
        assert!(close(curve.survival_at(30), 0.25));
    }

    #[test]
    fn censored_on_an_event_day_are_still_at_risk_that_day() {
        // Day 2: 3 at risk (the censored one included), 1 withdrawn → S = 2/3 (it would be
        // 1/2 if censorings were removed first). Day 3: 1 at risk, 1 withdrawn → S = 0.
        let curve = KmCurve::from_obs([e(2), c(2), e(3)]);
        assert!(close(curve.survival_at(2), 2.0 / 3.0));
        assert!(close(curve.survival_at(3), 0.0));
        // S reached 0, so the share is known beyond the last day.
        assert_withdrawn(&curve, 30, 1.0);

        // Several events and censorings tied on each day.
        // day 0: 6 at risk, 2 withdrawn, 1 censored → S = 4/6
        // day 1: 3 at risk, 1 withdrawn, 2 censored → S = 4/6 · 2/3 = 4/9
        let curve = KmCurve::from_obs([e(0), e(0), c(0), e(1), c(1), c(1)]);
        assert_withdrawn(&curve, 0, 1.0 / 3.0);
        assert_withdrawn(&curve, 1, 5.0 / 9.0);
        assert_eq!(curve.quantile(0.5), Some(1));
        assert_eq!(curve.withdrawn_by(2), None);
    }

    #[test]
    fn all_censored() {
        let curve = KmCurve::from_obs([c(3), c(10), c(40)]);
        assert_eq!((curve.n(), curve.events()), (3, 0));
        assert_eq!(curve.quantile(0.5), None);
        assert_eq!(curve.quantile(0.9), None);
        assert_withdrawn(&curve, 0, 0.0);
        assert_withdrawn(&curve, 30, 0.0);
        assert_withdrawn(&curve, 40, 0.0);
        assert_eq!(curve.withdrawn_by(41), None);
    }

    #[test]
    fn empty() {
        let curve = KmCurve::from_obs([]);
        assert_eq!((curve.n(), curve.events(), curve.max_day()), (0, 0, None));
        assert_eq!(curve.withdrawn_by(0), None);
        assert_eq!(curve.withdrawn_by(30), None);
        assert_eq!(curve.quantile(0.5), None);
        assert_eq!(curve.quantile(0.0), None);
        assert_eq!(curve.survival_at(5), 1.0);
    }

    #[test]
    fn negative_days_count_as_day_zero() {
        let a = KmCurve::from_obs([e(-3), c(-1), e(2)]);
        let b = KmCurve::from_obs([e(0), c(0), e(2)]);
        assert_eq!(a, b);
        assert_withdrawn(&a, 0, 1.0 / 3.0);
        assert_eq!(a.withdrawn_by(-1), Some(0.0));
    }

    #[test]
    fn huge_days_do_not_allocate_a_day_per_slot() {
        let mut b = KmBuilder::new();
        b.add(1, true);
        b.add(5_000, true);
        b.add(1_000_000_000_000, false);
        b.add(i64::MAX, true);
        assert!(b.dense.len() <= 2);
        let curve = b.finish();
        assert_eq!(curve.max_day(), Some(i64::MAX));
        assert_withdrawn(&curve, 1, 0.25);
        assert_withdrawn(&curve, 4_999, 0.25);
        assert_withdrawn(&curve, 5_000, 0.5);
        assert_withdrawn(&curve, 1_000_000_000_000, 0.5);
        assert_withdrawn(&curve, i64::MAX, 1.0);
        assert_eq!(curve.quantile(0.5), Some(5_000));
        assert_eq!(curve.quantile(0.75), Some(i64::MAX));
    }

    #[test]
    fn input_order_does_not_matter_and_merge_equals_one_pass() {
        let obs = [e(1), c(9), e(2), e(2), c(2), e(7), c(5000), e(0), c(3)];
        let forward = KmCurve::from_obs(obs);
        let backward = KmCurve::from_obs(obs.iter().rev().copied());
        assert_eq!(forward, backward);

        let mut left = KmBuilder::new();
        left.extend(obs[..4].iter().copied());
        let mut right = KmBuilder::new();
        right.extend(obs[4..].iter().copied());
        left.merge(&right);
        assert_eq!(left.n(), 9);
        assert_eq!(left.events(), 5);
        assert_eq!(left.finish(), forward);
        // Merging into an empty builder, whose array is shorter, also works.
        let mut empty = KmBuilder::new();
        empty.merge(&left);
        assert_eq!(empty.finish(), forward);
    }

    /// Textbook Kaplan-Meier on sorted observations, to check the histogram version.
    fn reference_survival(obs: &[Obs], t: i64) -> f64 {
        let mut sorted = obs.to_vec();
        sorted.sort_by_key(|o| (o.days, !o.event));
        let mut survival = 1.0;
        let mut days: Vec<i64> = sorted.iter().filter(|o| o.event).map(|o| o.days).collect();
        days.dedup();
        for d in days.into_iter().filter(|d| *d <= t) {
            let at_risk = sorted.iter().filter(|o| o.days >= d).count() as f64;
            let events = sorted.iter().filter(|o| o.event && o.days == d).count() as f64;
            survival *= 1.0 - events / at_risk;
        }
        survival
    }

    #[test]
    fn matches_a_textbook_implementation_on_pseudo_random_data() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let obs: Vec<Obs> = (0..1500).map(|_| Obs { days: (next() % 45) as i64, event: next() % 3 != 0 }).collect();
        let curve = KmCurve::from_obs(obs.iter().copied());
        for t in 0..45 {
            let expected = reference_survival(&obs, t);
            assert!((curve.survival_at(t) - expected).abs() < 1e-9, "day {t}");
        }
    }
}
