//! Monthly allowance amounts, from dated rules: the standard level in force on the cycle (the
//! higher of the national level and the province's own), × the group's coefficient in force,
//! plus any province top-up. Levels, coefficients and groups are data (tables), never constants
//! in code; this module only says how they combine.

use crate::model::{Scheme, str_enum};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

str_enum!(
    /// A standard level replaces the one before it; a top-up is added on top of the amount.
    LevelKind { Level => "level", TopUp => "top_up" }
);

/// One dated row of `standard_levels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StandardLevel {
    pub scheme: Scheme,
    /// "" for the national level, else a province's code ("01" Hà Nội).
    pub area: String,
    pub kind: LevelKind,
    #[ts(type = "string")]
    pub effective_from: NaiveDate,
    pub amount_vnd: i64,
    pub source: String,
}

/// A group's rule over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRule {
    pub code: String,
    pub scheme: Scheme,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// The group a person of this one is paid under after `valid_to`.
    pub successor: Option<String>,
    /// The coefficient (thousandths) from the group's start, then dated changes.
    pub coefficient_permille: i64,
    pub changes: Vec<(NaiveDate, i64)>,
}

impl GroupRule {
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= on) && self.valid_to.is_none_or(|t| on <= t)
    }

    pub fn coefficient_on(&self, on: NaiveDate) -> i64 {
        self.changes
            .iter()
            .filter(|(from, _)| *from <= on)
            .max_by_key(|(from, _)| *from)
            .map_or(self.coefficient_permille, |c| c.1)
    }
}

/// What a person of a group is entitled to for a cycle, and how it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Entitlement {
    /// The group whose rule applied (a successor when the person's group had ended).
    pub group: String,
    pub scheme: Scheme,
    pub level_vnd: i64,
    pub coefficient_permille: i64,
    pub top_up_vnd: i64,
    pub amount_vnd: i64,
}

/// Levels and groups together: what an amount is computed from.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub levels: Vec<StandardLevel>,
    groups: HashMap<String, GroupRule>,
}

impl Rules {
    pub fn new(levels: Vec<StandardLevel>, groups: impl IntoIterator<Item = GroupRule>) -> Self {
        Rules { levels, groups: groups.into_iter().map(|g| (g.code.clone(), g)).collect() }
    }

    pub fn group(&self, code: &str) -> Option<&GroupRule> {
        self.groups.get(code)
    }

    /// The group a person decided under `code` is paid under on `on`: the group itself while it
    /// is in force, else its successor (followed a few steps; a cycle of successors ends it).
    pub fn group_on(&self, code: &str, on: NaiveDate) -> Option<&GroupRule> {
        let mut g = self.groups.get(code)?;
        for _ in 0..8 {
            if g.in_force(on) {
                return Some(g);
            }
            if g.valid_to.is_some_and(|t| t < on) {
                g = self.groups.get(g.successor.as_deref()?)?;
            } else {
                return None; // not started yet
            }
        }
        None
    }

    /// The level of `scheme` in force on `on` in `province`: the higher of the national level
    /// and the province's own (a province pays at least the central level).
    pub fn level_on(&self, scheme: Scheme, province: Option<&str>, on: NaiveDate) -> Option<i64> {
        let national = latest(&self.levels, scheme, "", LevelKind::Level, on);
        let local = province.and_then(|p| latest(&self.levels, scheme, p, LevelKind::Level, on));
        national.max(local)
    }

    /// The province's monthly top-up of `scheme` in force on `on` (0 when none).
    pub fn top_up_on(&self, scheme: Scheme, province: Option<&str>, on: NaiveDate) -> i64 {
        province.and_then(|p| latest(&self.levels, scheme, p, LevelKind::TopUp, on)).unwrap_or(0)
    }

    /// The monthly amount for a person of `group` living in `province`, for a cycle starting `on`.
    pub fn entitlement(&self, group: &str, province: Option<&str>, on: NaiveDate) -> Option<Entitlement> {
        let g = self.group_on(group, on)?;
        let level = self.level_on(g.scheme, province, on)?;
        let coefficient = g.coefficient_on(on);
        let top_up = self.top_up_on(g.scheme, province, on);
        Some(Entitlement {
            group: g.code.clone(),
            scheme: g.scheme,
            level_vnd: level,
            coefficient_permille: coefficient,
            top_up_vnd: top_up,
            amount_vnd: monthly_amount(level, coefficient) + top_up,
        })
    }

    /// A person eligible under several groups receives only the highest amount.
    pub fn highest<'a>(
        &self,
        groups: impl IntoIterator<Item = &'a str>,
        province: Option<&str>,
        on: NaiveDate,
    ) -> Option<Entitlement> {
        groups.into_iter().filter_map(|g| self.entitlement(g, province, on)).max_by_key(|e| e.amount_vnd)
    }
}

fn latest(levels: &[StandardLevel], scheme: Scheme, area: &str, kind: LevelKind, on: NaiveDate) -> Option<i64> {
    levels
        .iter()
        .filter(|l| l.scheme == scheme && l.area == area && l.kind == kind && l.effective_from <= on)
        .max_by_key(|l| l.effective_from)
        .map(|l| l.amount_vnd)
}

/// Level × coefficient, with the coefficient in thousandths so the result is exact.
pub fn monthly_amount(level_vnd: i64, coefficient_permille: i64) -> i64 {
    level_vnd * coefficient_permille / 1000
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn level(scheme: Scheme, area: &str, kind: LevelKind, from: NaiveDate, amount: i64) -> StandardLevel {
        StandardLevel {
            scheme,
            area: area.into(),
            kind,
            effective_from: from,
            amount_vnd: amount,
            source: String::new(),
        }
    }

    pub(crate) fn group(code: &str, scheme: Scheme, permille: i64) -> GroupRule {
        GroupRule {
            code: code.into(),
            scheme,
            valid_from: None,
            valid_to: None,
            successor: None,
            coefficient_permille: permille,
            changes: vec![],
        }
    }

    /// The shipped rules (migrations 0002 and 0014), as the decrees and Hanoi's resolution say
    /// (a few groups; also the fixture of `decisions`' tests).
    pub(crate) fn rules() -> Rules {
        use LevelKind::*;
        use Scheme::*;
        let levels = vec![
            level(SocialAssistance, "", Level, d(2021, 7, 1), 360_000),
            level(SocialAssistance, "", Level, d(2024, 7, 1), 500_000),
            level(SocialAssistance, "01", Level, d(2026, 1, 1), 650_000),
            level(SocialPension, "", Level, d(2025, 7, 1), 500_000),
            level(SocialPension, "01", TopUp, d(2026, 1, 1), 150_000),
            level(Meritorious, "", Level, d(2024, 7, 1), 2_789_000),
        ];
        let mut old80 = group("cao_tuoi_80_khong_luong", SocialAssistance, 1000);
        old80.valid_to = Some(d(2025, 6, 30));
        old80.successor = Some("huu_tri_xa_hoi_75".into());
        let mut pension = group("huu_tri_xa_hoi_75", SocialPension, 1000);
        pension.valid_from = Some(d(2025, 7, 1));
        Rules::new(
            levels,
            [
                group("cao_tuoi_ngheo_60_80", SocialAssistance, 1500),
                group("cao_tuoi_ngheo_80", SocialAssistance, 2000),
                group("khuyet_tat_nang", SocialAssistance, 1500),
                group("than_nhan_liet_si", Meritorious, 1000),
                old80,
                pension,
            ],
        )
    }

    fn amount(r: &Rules, g: &str, on: NaiveDate) -> Option<i64> {
        r.entitlement(g, Some("01"), on).map(|e| e.amount_vnd)
    }

    #[test]
    fn each_scheme_pays_what_is_in_force_in_each_cycle() {
        let r = rules();
        // Social assistance, elderly 80+ of a poor household with no supporter (2.0).
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2024, 6, 1)), Some(720_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2024, 7, 1)), Some(1_000_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2025, 12, 1)), Some(1_000_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2026, 1, 1)), Some(1_300_000), "Hanoi's 650,000 × 2.0");
        assert_eq!(amount(&r, "cao_tuoi_ngheo_60_80", d(2026, 1, 1)), Some(975_000), "650,000 × 1.5");
        // Outside Hanoi the national level stays.
        assert_eq!(r.entitlement("cao_tuoi_ngheo_80", Some("79"), d(2026, 1, 1)).unwrap().amount_vnd, 1_000_000);
        // The 80+ without a pension: social assistance until June 2025, social pension since,
        // with Hanoi's top-up from 2026.
        assert_eq!(amount(&r, "cao_tuoi_80_khong_luong", d(2024, 6, 1)), Some(360_000));
        assert_eq!(amount(&r, "cao_tuoi_80_khong_luong", d(2024, 7, 1)), Some(500_000));
        let july = r.entitlement("cao_tuoi_80_khong_luong", Some("01"), d(2025, 7, 1)).unwrap();
        assert_eq!(
            (july.scheme, july.group.as_str(), july.amount_vnd),
            (Scheme::SocialPension, "huu_tri_xa_hoi_75", 500_000)
        );
        assert_eq!(amount(&r, "cao_tuoi_80_khong_luong", d(2025, 12, 1)), Some(500_000));
        let jan = r.entitlement("cao_tuoi_80_khong_luong", Some("01"), d(2026, 1, 1)).unwrap();
        assert_eq!((jan.level_vnd, jan.top_up_vnd, jan.amount_vnd), (500_000, 150_000, 650_000));
        // A social pension does not exist before July 2025.
        assert_eq!(amount(&r, "huu_tri_xa_hoi_75", d(2025, 6, 1)), None);
        assert_eq!(amount(&r, "huu_tri_xa_hoi_75", d(2026, 1, 1)), Some(650_000));
        // Merit: 2,789,000 from July 2024, no Hanoi level of its own.
        assert_eq!(amount(&r, "than_nhan_liet_si", d(2024, 6, 1)), None);
        for on in [d(2024, 7, 1), d(2025, 12, 1), d(2026, 1, 1)] {
            assert_eq!(amount(&r, "than_nhan_liet_si", on), Some(2_789_000));
        }
    }

    #[test]
    fn the_central_level_applies_when_it_exceeds_the_provinces() {
        let mut r = rules();
        r.levels.push(level(Scheme::SocialAssistance, "", LevelKind::Level, d(2027, 1, 1), 700_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2026, 12, 1)), Some(1_300_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_80", d(2027, 1, 1)), Some(1_400_000), "700,000 > Hanoi's 650,000");
    }

    #[test]
    fn a_top_up_of_zero_ends_it_and_a_dated_coefficient_changes_the_amount() {
        let mut r = rules();
        r.levels.push(level(Scheme::SocialPension, "01", LevelKind::TopUp, d(2027, 1, 1), 0));
        assert_eq!(amount(&r, "huu_tri_xa_hoi_75", d(2027, 1, 1)), Some(500_000));
        let mut g = r.group("cao_tuoi_ngheo_60_80").unwrap().clone();
        g.changes.push((d(2027, 1, 1), 1800));
        let r = Rules::new(r.levels.clone(), [g]);
        assert_eq!(amount(&r, "cao_tuoi_ngheo_60_80", d(2026, 12, 1)), Some(975_000));
        assert_eq!(amount(&r, "cao_tuoi_ngheo_60_80", d(2027, 1, 1)), Some(1_170_000));
    }

    #[test]
    fn only_the_highest_benefit_is_paid() {
        let r = rules();
        let e = r.highest(["huu_tri_xa_hoi_75", "cao_tuoi_ngheo_80"], Some("01"), d(2026, 1, 1)).unwrap();
        assert_eq!((e.group.as_str(), e.amount_vnd), ("cao_tuoi_ngheo_80", 1_300_000));
        let e = r.highest(["cao_tuoi_ngheo_60_80", "than_nhan_liet_si"], Some("01"), d(2026, 1, 1)).unwrap();
        assert_eq!(e.scheme, Scheme::Meritorious);
        assert_eq!(r.highest(["unknown"], Some("01"), d(2026, 1, 1)), None);
    }

    #[test]
    fn amount_is_level_times_coefficient() {
        assert_eq!(monthly_amount(500_000, 1500), 750_000);
        assert_eq!(monthly_amount(360_000, 1500), 540_000);
        assert_eq!(monthly_amount(500_000, 3000), 1_500_000);
        assert_eq!(monthly_amount(2_789_000, 1000), 2_789_000);
    }
}
