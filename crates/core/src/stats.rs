//! Small mergeable summaries the indicator engine keeps per segment: a share (count of n) and
//! a value histogram (mean and median without keeping or sorting the values).
//!
//! The histogram counts values by their exact value; self-reported minutes, VND and days take
//! few distinct values, so memory is per distinct value, not per observation, and the median
//! is read off the cumulative counts (O(distinct), never O(n log n)).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `count` of `n` and their ratio (`None` when n = 0: unknown, not 0 %).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default, ts_rs::TS)]
pub struct Share {
    pub n: u64,
    pub count: u64,
    pub share: Option<f64>,
}

/// Accumulates a [`Share`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareAcc {
    pub n: u64,
    pub count: u64,
}

impl ShareAcc {
    pub fn add(&mut self, yes: bool) {
        self.n += 1;
        self.count += u64::from(yes);
    }

    pub fn merge(&mut self, o: &ShareAcc) {
        self.n += o.n;
        self.count += o.count;
    }

    /// Takes out what `o` added (`o` is a part of what this holds).
    pub fn subtract(&mut self, o: &ShareAcc) {
        self.n -= o.n;
        self.count -= o.count;
    }

    pub fn finish(&self) -> Share {
        Share { n: self.n, count: self.count, share: (self.n > 0).then(|| self.count as f64 / self.n as f64) }
    }
}

/// Mean and median of the known values; `n` counts only known values ("does not remember"
/// is left out, not counted as 0).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default, ts_rs::TS)]
pub struct Stat {
    pub n: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

/// Values below this are counted in a flat array (minutes and days, the common case); others
/// (VND amounts, rare large values) in a sorted map.
const DENSE: i64 = 1024;

/// Counts of each exact value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hist {
    /// Index = value, for 0 <= value < DENSE.
    dense: Vec<u64>,
    counts: BTreeMap<i64, u64>,
    n: u64,
    sum: i128,
}

impl Hist {
    pub fn add(&mut self, v: i64) {
        self.add_n(v, 1);
    }

    fn add_n(&mut self, v: i64, c: u64) {
        if (0..DENSE).contains(&v) {
            let i = v as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, 0);
            }
            self.dense[i] += c;
        } else {
            *self.counts.entry(v).or_default() += c;
        }
        self.n += c;
        self.sum += i128::from(v) * i128::from(c);
    }

    /// (value, count) in value order.
    fn sorted(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        let below = self.counts.range(..0).map(|(v, c)| (*v, *c));
        let dense = self.dense.iter().enumerate().filter(|(_, c)| **c > 0).map(|(v, c)| (v as i64, *c));
        let above = self.counts.range(DENSE..).map(|(v, c)| (*v, *c));
        below.chain(dense).chain(above)
    }

    /// Adds a value if known.
    pub fn add_opt(&mut self, v: Option<i64>) {
        if let Some(v) = v {
            self.add(v);
        }
    }

    pub fn merge(&mut self, o: &Hist) {
        if o.dense.len() > self.dense.len() {
            self.dense.resize(o.dense.len(), 0);
        }
        for (mine, theirs) in self.dense.iter_mut().zip(&o.dense) {
            *mine += theirs;
        }
        for (v, c) in &o.counts {
            *self.counts.entry(*v).or_default() += c;
        }
        self.n += o.n;
        self.sum += o.sum;
    }

    /// Takes out what `o` added (`o` is a part of what this holds); a value no longer counted
    /// leaves the map, so the result equals a histogram that never had `o`'s values.
    pub fn subtract(&mut self, o: &Hist) {
        for (mine, theirs) in self.dense.iter_mut().zip(&o.dense) {
            *mine -= theirs;
        }
        for (v, c) in &o.counts {
            if let Some(mine) = self.counts.get_mut(v) {
                *mine -= c;
                if *mine == 0 {
                    self.counts.remove(v);
                }
            }
        }
        self.n -= o.n;
        self.sum -= o.sum;
    }

    /// The value at sorted position `i` (0-based).
    fn nth(&self, i: u64) -> i64 {
        let mut seen = 0;
        for (v, c) in self.sorted() {
            seen += c;
            if seen > i {
                return v;
            }
        }
        unreachable!("nth beyond n")
    }

    /// Median: the middle value, or the mean of the two middle values for an even count.
    pub fn finish(&self) -> Stat {
        if self.n == 0 {
            return Stat::default();
        }
        let median = if self.n % 2 == 1 {
            self.nth(self.n / 2) as f64
        } else {
            (self.nth(self.n / 2 - 1) as f64 + self.nth(self.n / 2) as f64) / 2.0
        };
        Stat { n: self.n, mean: Some(self.sum as f64 / self.n as f64), median: Some(median) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_with_ties_and_even_count() {
        let mut h = Hist::default();
        for v in [5, 1, 5, 5, 10, 2] {
            h.add(v);
        }
        // sorted 1 2 5 5 5 10: median (5+5)/2 = 5, mean 28/6
        let s = h.finish();
        assert_eq!((s.n, s.median), (6, Some(5.0)));
        assert!((s.mean.unwrap() - 28.0 / 6.0).abs() < 1e-12);
        h.add(0);
        h.add(0);
        // 0 0 1 2 5 5 5 10: (2+5)/2
        assert_eq!(h.finish().median, Some(3.5));
    }

    #[test]
    fn unknown_values_are_left_out_and_empty_is_unknown() {
        let mut h = Hist::default();
        h.add_opt(None);
        assert_eq!(h.finish(), Stat::default());
        h.add_opt(Some(30));
        h.add_opt(None);
        assert_eq!(h.finish(), Stat { n: 1, mean: Some(30.0), median: Some(30.0) });
        let mut s = ShareAcc::default();
        assert_eq!(s.finish().share, None);
        s.add(true);
        s.add(false);
        s.add(false);
        let mut t = ShareAcc::default();
        t.add(true);
        s.merge(&t);
        assert_eq!(s.finish(), Share { n: 4, count: 2, share: Some(0.5) });
    }
}
