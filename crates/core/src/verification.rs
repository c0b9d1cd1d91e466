//! Verification visits: a reproducible random sample of a cycle's credited payments, and what
//! each sampled person says they received.
//!
//! Sampling: the caller passes the population in a stable order (the store sorts payment ids);
//! a ChaCha8 generator seeded with the seed draws a partial Fisher–Yates shuffle. Same seed and
//! same population → same sample, on every machine.

use crate::ErrorCode;
use crate::error::FieldError;
use crate::model::str_enum;
use crate::validate::{Errors, parse_code, parse_uuid, past_date, required};
use crate::{dates, money};
use chrono::NaiveDate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many to verify: a number of payments, or a percentage of the cycle's credited ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSize {
    Count(u32),
    Percent(u32),
}

impl SampleSize {
    /// "20" → 20 payments; "10%" or "10 %" → 10 percent. Errors: `required`, `sample_size.invalid`
    /// (not a whole number, 0, or a percentage above 100).
    pub fn parse(field: &str, raw: &str) -> Result<SampleSize, FieldError> {
        let t = required(field, raw)?;
        let bad =
            || FieldError::new(field, ErrorCode::SampleSizeInvalid, "a number of payments (20) or a percentage (10%)");
        let (digits, percent) = match t.strip_suffix('%') {
            Some(d) => (d.trim(), true),
            None => (t, false),
        };
        let n: u32 = digits.parse().map_err(|_| bad())?;
        match (n, percent) {
            (0, _) => Err(bad()),
            (1..=100, true) => Ok(SampleSize::Percent(n)),
            (_, true) => Err(bad()),
            (n, false) => Ok(SampleSize::Count(n)),
        }
    }

    /// The number to draw from `population`: never more than it; a percentage rounds up so a
    /// non-empty cycle always gets at least one visit.
    pub fn resolve(self, population: usize) -> usize {
        match self {
            SampleSize::Count(n) => (n as usize).min(population),
            SampleSize::Percent(p) => (population * p as usize).div_ceil(100).min(population),
        }
    }
}

/// Draws `n` items (at most all) from `population`, in draw order, reproducibly from `seed`.
pub fn sample<T: Clone>(population: &[T], n: usize, seed: u64) -> Vec<T> {
    let mut idx: Vec<usize> = (0..population.len()).collect();
    let n = n.min(idx.len());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in 0..n {
        let j = rng.random_range(i..idx.len());
        idx.swap(i, j);
    }
    idx[..n].iter().map(|&i| population[i].clone()).collect()
}

/// The sample as asked for in the form or on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct SampleInput {
    /// `mm/yyyy`.
    pub period: String,
    /// `20` or `10%`.
    pub size: String,
    pub seed: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRequest {
    /// `yyyy-mm`.
    pub period: String,
    pub size: SampleSize,
    pub seed: u64,
}

/// Errors: `required`, `period.invalid`, `sample_size.invalid`, `number.invalid` (seed).
pub fn sample_request(input: &SampleInput) -> Result<SampleRequest, Vec<FieldError>> {
    let mut e = Errors::default();
    let period = e.take(dates::parse_period("period", &input.period)).map(|(y, m)| dates::period_key(y, m));
    let size = e.take(SampleSize::parse("size", &input.size));
    let seed = e.take(required("seed", &input.seed).and_then(|s| {
        s.parse::<u64>().map_err(|_| FieldError::new("seed", ErrorCode::NumberInvalid, "the seed is a whole number"))
    }));
    e.finish(|| SampleRequest {
        period: period.expect("checked"),
        size: size.expect("checked"),
        seed: seed.expect("checked"),
    })
}

str_enum!(
    /// What the visited person confirms having received.
    VerificationResult { Full => "full", Partial => "partial", Nothing => "nothing" }
);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct VerificationInput {
    pub item_id: String,
    pub result: String,
    /// Only for `partial`: what the person received.
    pub amount_received: String,
    pub verified_on: String,
    pub note: String,
}

/// A validated result; the store checks a partial amount against the payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationOutcome {
    pub item_id: Uuid,
    pub result: VerificationResult,
    /// Full: the payment's amount (filled by the store); partial: as typed; nothing: 0.
    pub amount_received_vnd: Option<i64>,
    pub verified_on: NaiveDate,
    pub note: String,
}

/// Errors: `required`, `not_found`, `verification_result.invalid`, `amount.invalid`,
/// `amount.not_positive`, `date.invalid`, `date.future`.
pub fn verification(input: &VerificationInput, today: NaiveDate) -> Result<VerificationOutcome, Vec<FieldError>> {
    let mut e = Errors::default();
    let item_id = e.take(parse_uuid("item_id", &input.item_id));
    let result =
        e.take(parse_code("result", &input.result, ErrorCode::VerificationResultInvalid, VerificationResult::parse));
    let amount = match result {
        Some(VerificationResult::Partial) => e.take(money::parse_vnd("amount_received", &input.amount_received)),
        Some(VerificationResult::Nothing) => Some(0),
        _ => None,
    };
    let verified_on = e.take(past_date("verified_on", &input.verified_on, today));
    e.finish(|| VerificationOutcome {
        item_id: item_id.expect("checked"),
        result: result.expect("checked"),
        amount_received_vnd: amount,
        verified_on: verified_on.expect("checked"),
        note: input.note.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population() -> Vec<u32> {
        (0..200).collect()
    }

    #[test]
    fn same_seed_same_sample_different_seed_different_sample() {
        let p = population();
        let a = sample(&p, 20, 42);
        assert_eq!(a, sample(&p, 20, 42));
        assert_ne!(a, sample(&p, 20, 43));
        let mut distinct = a.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 20, "no payment drawn twice");
        // A larger sample with the same seed starts with the smaller one (draw order).
        assert_eq!(sample(&p, 30, 42)[..20], a[..]);
    }

    #[test]
    fn sample_size_is_bounded_by_the_population() {
        let p = population();
        assert_eq!(sample(&p, 500, 1).len(), 200);
        assert!(sample(&p, 0, 1).is_empty());
        assert!(sample::<u32>(&[], 5, 1).is_empty());
        assert_eq!(SampleSize::Count(500).resolve(200), 200);
        assert_eq!(SampleSize::Percent(10).resolve(200), 20);
        assert_eq!(SampleSize::Percent(10).resolve(7), 1, "rounds up: at least one visit");
        assert_eq!(SampleSize::Percent(100).resolve(7), 7);
        assert_eq!(SampleSize::Percent(5).resolve(0), 0);
    }

    #[test]
    fn sizes_parse_as_counts_or_percentages() {
        assert_eq!(SampleSize::parse("size", "20"), Ok(SampleSize::Count(20)));
        assert_eq!(SampleSize::parse("size", " 10 %"), Ok(SampleSize::Percent(10)));
        for bad in ["0", "0%", "101%", "-3", "abc", "1.5"] {
            assert_eq!(SampleSize::parse("size", bad).unwrap_err().code, ErrorCode::SampleSizeInvalid, "{bad}");
        }
        assert_eq!(SampleSize::parse("size", " ").unwrap_err().code, ErrorCode::Required);
    }

    #[test]
    fn a_partial_result_needs_the_amount() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let id = Uuid::now_v7().to_string();
        let input = VerificationInput {
            item_id: id.clone(),
            result: "partial".into(),
            verified_on: "10/03/2026".into(),
            ..Default::default()
        };
        let errs = verification(&input, today).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("amount_received"));
        let ok =
            verification(&VerificationInput { amount_received: "200.000".into(), ..input.clone() }, today).unwrap();
        assert_eq!(ok.amount_received_vnd, Some(200_000));
        let none = verification(&VerificationInput { result: "nothing".into(), ..input }, today).unwrap();
        assert_eq!(none.amount_received_vnd, Some(0));
    }
}
