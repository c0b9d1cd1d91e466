//! Monthly allowance amounts: standard level in force on the date × the group's coefficient.
//! Levels and coefficients are data (tables), never constants in code.

use crate::model::Scheme;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardLevel {
    pub scheme: Scheme,
    pub effective_from: NaiveDate,
    pub amount_vnd: i64,
}

/// The level of `scheme` in force on `on`: the latest one that took effect on or before it.
pub fn level_on(levels: &[StandardLevel], scheme: Scheme, on: NaiveDate) -> Option<i64> {
    levels
        .iter()
        .filter(|l| l.scheme == scheme && l.effective_from <= on)
        .max_by_key(|l| l.effective_from)
        .map(|l| l.amount_vnd)
}

/// Level × coefficient, with the coefficient in thousandths so the result is exact.
pub fn monthly_amount(level_vnd: i64, coefficient_permille: i64) -> i64 {
    level_vnd * coefficient_permille / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn levels() -> Vec<StandardLevel> {
        vec![
            StandardLevel { scheme: Scheme::SocialAssistance, effective_from: d(2021, 7, 1), amount_vnd: 360_000 },
            StandardLevel { scheme: Scheme::SocialAssistance, effective_from: d(2024, 7, 1), amount_vnd: 500_000 },
            StandardLevel { scheme: Scheme::Meritorious, effective_from: d(2024, 7, 1), amount_vnd: 2_789_000 },
        ]
    }

    #[test]
    fn level_follows_the_date() {
        let l = levels();
        assert_eq!(level_on(&l, Scheme::SocialAssistance, d(2024, 6, 30)), Some(360_000));
        assert_eq!(level_on(&l, Scheme::SocialAssistance, d(2024, 7, 1)), Some(500_000));
        assert_eq!(level_on(&l, Scheme::SocialAssistance, d(2021, 6, 30)), None);
        assert_eq!(level_on(&l, Scheme::Meritorious, d(2025, 1, 1)), Some(2_789_000));
    }

    #[test]
    fn amount_is_level_times_coefficient() {
        assert_eq!(monthly_amount(500_000, 1500), 750_000);
        assert_eq!(monthly_amount(360_000, 1500), 540_000);
        assert_eq!(monthly_amount(500_000, 3000), 1_500_000);
        assert_eq!(monthly_amount(2_789_000, 1000), 2_789_000);
    }
}
