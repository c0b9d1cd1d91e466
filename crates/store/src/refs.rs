//! Reference data (units and their history, allowance groups, dated standard levels and
//! coefficients, providers), loaded whole: it is small, and the validation rules look codes up
//! in it many times per import. How an amount is made from it: `ansinh_core::allowance`.

use crate::Store;
use crate::decode::{date, opt_date, parsed};
use crate::error::Result;
use crate::views::{GroupView, ProviderView, UnitView};
use ansinh_core::allowance::{Entitlement, GroupRule, LevelKind, Rules, StandardLevel};
use ansinh_core::model::{Channel, Scheme};
use ansinh_core::validate::RefData;
use ansinh_core::{ErrorCode, FieldError};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub units: Vec<UnitView>,
    pub groups: Vec<GroupView>,
    pub providers: Vec<ProviderView>,
    /// Levels, top-ups, groups' validity and dated coefficients: what amounts are made from.
    pub rules: Rules,
    /// Earlier units whose code a later unit reuses (code, name, valid_from, valid_to).
    pub unit_history: Vec<UnitView>,
    unit_index: HashMap<String, usize>,
    group_index: HashMap<String, usize>,
    provider_set: HashSet<(Channel, String)>,
    /// Current wards and communes by their folded name without "Phường"/"Xã" (indices into `units`).
    ward_names: HashMap<String, Vec<usize>>,
}

/// How a list may write a unit's level before its name (folded), and the level it means.
const LEVEL_WORDS: &[(&str, &str)] = &[("phuong ", "ward"), ("p.", "ward"), ("xa ", "commune"), ("x.", "commune")];

/// A unit's name folded (`text::fold`), with the level word it starts with split off.
fn split_level(folded: &str) -> Option<(&'static str, &str)> {
    LEVEL_WORDS.iter().find_map(|(word, level)| folded.strip_prefix(word).map(|rest| (*level, rest.trim())))
}

impl Refs {
    pub fn unit(&self, code: &str) -> Option<&UnitView> {
        self.unit_index.get(code).map(|&i| &self.units[i])
    }
    pub fn group(&self, code: &str) -> Option<&GroupView> {
        self.group_index.get(code).map(|&i| &self.groups[i])
    }
    pub fn unit_name(&self, code: &str) -> String {
        self.unit(code).map_or_else(|| code.to_string(), |u| u.name.clone())
    }
    pub fn provider_name(&self, channel: Channel, code: &str) -> String {
        self.providers
            .iter()
            .find(|p| p.channel == channel && p.code == code)
            .map_or_else(|| code.to_string(), |p| p.name.clone())
    }
    /// The current wards and communes a list's ward cell names ("Phường Ba Đình", "Ba Đình",
    /// "ba dinh", "P. Ba Đình"): folded, compared without the level word, and held to the level
    /// when one is written. The whole text is also tried as a bare name, as some names begin
    /// with a level word's letters ("Phương Liệt", "Phượng Dực"). None, one or several.
    pub fn wards_named(&self, written: &str) -> Vec<&UnitView> {
        let folded = ansinh_core::text::fold(written);
        let bare = self.ward_names.get(&folded).into_iter().flatten();
        let levelled = split_level(&folded).into_iter().flat_map(|(level, rest)| {
            self.ward_names.get(rest).into_iter().flatten().filter(move |&&i| self.units[i].level == level)
        });
        let mut found: Vec<usize> = bare.chain(levelled).copied().collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &self.units[i]).collect()
    }
    /// Wards and communes that exist today (people are registered in these).
    pub fn local_units(&self) -> impl Iterator<Item = &UnitView> {
        self.units.iter().filter(|u| (u.level == "ward" || u.level == "commune") && u.valid_to.is_none())
    }
    /// The unit a code meant on a day: the current unit, or the earlier one whose code it
    /// reuses when the day is before the current one began.
    pub fn unit_on(&self, code: &str, on: NaiveDate) -> Option<&UnitView> {
        let current = self.unit(code)?;
        let began = day(current.valid_from.as_deref());
        if began.is_some_and(|b| on < b) {
            let earlier = self.unit_history.iter().filter(|u| u.code == code).find(|u| {
                let to = day(u.valid_to.as_deref());
                to.is_some_and(|t| on <= t)
            });
            if earlier.is_some() {
                return earlier;
            }
        }
        Some(current)
    }
    /// The province a unit lies in (its chain of parents), e.g. "01" for every unit of Hà Nội.
    pub fn province_of(&self, code: &str) -> Option<&str> {
        let mut u = self.unit(code)?;
        for _ in 0..4 {
            if u.level == "province" {
                return Some(&u.code);
            }
            u = self.unit(u.parent_code.as_deref()?)?;
        }
        None
    }
    /// The monthly amount for a person of a group in a ward, for the cycle starting `on`.
    pub fn entitlement(&self, group_code: &str, ward_code: &str, on: NaiveDate) -> Option<i64> {
        self.entitlement_detail(group_code, ward_code, on).map(|e| e.amount_vnd)
    }
    /// The same, with how it was made (level, coefficient, top-up, the group whose rule applied).
    pub fn entitlement_detail(&self, group_code: &str, ward_code: &str, on: NaiveDate) -> Option<Entitlement> {
        self.rules.entitlement(group_code, self.province_of(ward_code), on)
    }
}

/// A group as it stands on a day: its coefficient then, and what a person of it receives in a
/// province (`ansinh reference groups`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupInForce {
    pub code: String,
    pub scheme: Scheme,
    pub name_vi: String,
    pub name_en: String,
    pub coefficient_permille: i64,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub amount_vnd: Option<i64>,
}

/// A unit's validity date as stored (ISO), if any.
fn day(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

impl Refs {
    /// Units in force on a day (province, wards and communes; districts until 30 June 2025).
    pub fn units_on(&self, on: NaiveDate) -> Vec<&UnitView> {
        let live = |u: &&UnitView| {
            day(u.valid_from.as_deref()).is_none_or(|f| f <= on) && day(u.valid_to.as_deref()).is_none_or(|t| on <= t)
        };
        let mut list: Vec<&UnitView> = self.units.iter().filter(live).collect();
        list.extend(self.unit_history.iter().filter(live));
        list.sort_by(|a, b| a.code.cmp(&b.code));
        list
    }

    /// Groups in force on a day, with the amount a person of each receives in `province`.
    pub fn groups_on(&self, on: NaiveDate, province: &str) -> Vec<GroupInForce> {
        self.groups
            .iter()
            .filter_map(|g| {
                let rule = self.rules.group(&g.code)?;
                rule.in_force(on).then(|| GroupInForce {
                    code: g.code.clone(),
                    scheme: g.scheme,
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    coefficient_permille: rule.coefficient_on(on),
                    valid_from: g.valid_from.clone(),
                    valid_to: g.valid_to.clone(),
                    amount_vnd: self.rules.entitlement(&g.code, Some(province), on).map(|e| e.amount_vnd),
                })
            })
            .collect()
    }

    /// The level rows in force on a day: per programme, area and kind, the latest that began.
    pub fn levels_on(&self, on: NaiveDate) -> Vec<&StandardLevel> {
        let mut latest: HashMap<(Scheme, &str, LevelKind), &StandardLevel> = HashMap::new();
        for l in self.rules.levels.iter().filter(|l| l.effective_from <= on) {
            let e = latest.entry((l.scheme, l.area.as_str(), l.kind)).or_insert(l);
            if l.effective_from > e.effective_from {
                *e = l;
            }
        }
        let mut list: Vec<&StandardLevel> = latest.into_values().collect();
        list.sort_by(|a, b| (a.scheme, &a.area, a.kind).cmp(&(b.scheme, &b.area, b.kind)));
        list
    }
}

impl RefData for Refs {
    fn has_ward(&self, code: &str) -> bool {
        self.unit(code).is_some_and(|u| u.level == "ward" || u.level == "commune")
    }
    fn has_group(&self, code: &str) -> bool {
        self.group_index.contains_key(code)
    }
    fn has_provider(&self, channel: Channel, code: &str) -> bool {
        self.provider_set.contains(&(channel, code.to_string()))
    }
}

impl Store {
    /// Reference data, loaded once and kept: search asks for it on every keystroke. Changes made
    /// through this store (`upsert_units`) reload it; another process's changes show after a
    /// restart (reference data changes rarely, by an administrator).
    pub async fn refs(&self) -> Result<Arc<Refs>> {
        if let Some(r) = self.refs_cache.lock().expect("refs cache lock").as_ref() {
            return Ok(Arc::clone(r));
        }
        let loaded = Arc::new(self.load_refs().await?);
        *self.refs_cache.lock().expect("refs cache lock") = Some(Arc::clone(&loaded));
        Ok(loaded)
    }

    async fn load_refs(&self) -> Result<Refs> {
        let pool = &self.reader;
        // Current units, and the earlier units whose codes later units reuse: one row shape.
        let read_units = |sql: &'static str| async move {
            let rows = sqlx::query(sql).fetch_all(pool).await?;
            Ok::<_, crate::error::StoreError>(
                rows.iter()
                    .map(|r| UnitView {
                        code: r.get("code"),
                        name: r.get("name"),
                        level: r.get("level"),
                        parent_code: r.get("parent_code"),
                        is_sample: r.get::<i64, _>("is_sample") != 0,
                        valid_from: r.get("valid_from"),
                        valid_to: r.get("valid_to"),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let units = read_units(
            "SELECT code, name, level, parent_code, is_sample, valid_from, valid_to FROM admin_units ORDER BY code",
        )
        .await?;
        let unit_history = read_units(
            "SELECT code, name, level, parent_code, 0 AS is_sample, valid_from, valid_to
             FROM admin_unit_history ORDER BY code, valid_to",
        )
        .await?;
        let mut changes: HashMap<String, Vec<(NaiveDate, i64)>> = HashMap::new();
        for r in sqlx::query("SELECT group_code, effective_from, coefficient_permille FROM group_coefficients")
            .fetch_all(pool)
            .await?
        {
            changes
                .entry(r.get("group_code"))
                .or_default()
                .push((date(r.get("effective_from"))?, r.get("coefficient_permille")));
        }
        let mut groups = Vec::new();
        let mut group_rules = Vec::new();
        for r in sqlx::query(
            "SELECT code, scheme, name_vi, name_en, coefficient_permille, valid_from, valid_to, successor_code
             FROM allowance_groups ORDER BY scheme, code",
        )
        .fetch_all(pool)
        .await?
        {
            let permille: i64 = r.get("coefficient_permille");
            let g = GroupView {
                code: r.get("code"),
                scheme: parsed("scheme", r.get("scheme"), Scheme::parse)?,
                name_vi: r.get("name_vi"),
                name_en: r.get("name_en"),
                coefficient: permille as f64 / 1000.0,
                coefficient_permille: permille,
                valid_from: r.get("valid_from"),
                valid_to: r.get("valid_to"),
                successor_code: r.get("successor_code"),
            };
            group_rules.push(GroupRule {
                code: g.code.clone(),
                scheme: g.scheme,
                valid_from: opt_date(g.valid_from.as_deref())?,
                valid_to: opt_date(g.valid_to.as_deref())?,
                successor: g.successor_code.clone(),
                coefficient_permille: permille,
                changes: changes.remove(&g.code).unwrap_or_default(),
            });
            groups.push(g);
        }
        let mut providers = Vec::new();
        for r in sqlx::query("SELECT channel, code, name FROM providers ORDER BY channel, name").fetch_all(pool).await?
        {
            providers.push(ProviderView {
                channel: parsed("channel", r.get("channel"), Channel::parse)?,
                code: r.get("code"),
                name: r.get("name"),
            });
        }
        let mut levels = Vec::new();
        for r in sqlx::query(
            "SELECT scheme, area, kind, effective_from, amount_vnd, source FROM standard_levels
             ORDER BY scheme, area, kind, effective_from",
        )
        .fetch_all(pool)
        .await?
        {
            levels.push(StandardLevel {
                scheme: parsed("scheme", r.get("scheme"), Scheme::parse)?,
                area: r.get("area"),
                kind: parsed("kind", r.get("kind"), LevelKind::parse)?,
                effective_from: date(r.get("effective_from"))?,
                amount_vnd: r.get("amount_vnd"),
                source: r.get("source"),
            });
        }
        let mut ward_names: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if (u.level == "ward" || u.level == "commune") && u.valid_to.is_none() {
                let folded = ansinh_core::text::fold(&u.name);
                let bare = split_level(&folded).map_or(folded.as_str(), |(_, rest)| rest);
                ward_names.entry(bare.to_string()).or_default().push(i);
            }
        }
        Ok(Refs {
            ward_names,
            unit_index: units.iter().enumerate().map(|(i, u)| (u.code.clone(), i)).collect(),
            group_index: groups.iter().enumerate().map(|(i, g)| (g.code.clone(), i)).collect(),
            provider_set: providers.iter().map(|p| (p.channel, p.code.clone())).collect(),
            units,
            unit_history,
            groups,
            providers,
            rules: Rules::new(levels, group_rules),
        })
    }

    /// Adds or updates administrative units by code (an administrator's loadable list). A code
    /// reused by a new unit (it starts after the unit it had ended) keeps that earlier unit in
    /// `admin_unit_history`, so records dated before still read their own unit.
    pub async fn upsert_units(&self, units: &[UnitView]) -> Result<usize> {
        let mut tx = self.writer.begin().await?;
        for u in units {
            if let Some(from) = &u.valid_from {
                sqlx::query(
                    "INSERT INTO admin_unit_history (code, name, level, parent_code, valid_from, valid_to)
                     SELECT code, name, level, parent_code, valid_from, valid_to FROM admin_units
                     WHERE code = ? AND valid_to IS NOT NULL AND valid_to < ? AND name <> ?
                     ON CONFLICT (code, valid_to) DO NOTHING",
                )
                .bind(&u.code)
                .bind(from)
                .bind(&u.name)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO admin_units (code, name, level, parent_code, is_sample, valid_from, valid_to)
                 VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                 parent_code = excluded.parent_code, is_sample = excluded.is_sample,
                 valid_from = excluded.valid_from, valid_to = excluded.valid_to",
            )
            .bind(&u.code)
            .bind(&u.name)
            .bind(&u.level)
            .bind(&u.parent_code)
            .bind(u.is_sample as i64)
            .bind(&u.valid_from)
            .bind(&u.valid_to)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        *self.refs_cache.lock().expect("refs cache lock") = None;
        Ok(units.len())
    }
}

impl Store {
    /// Adds or updates old→new unit mappings, all or nothing: each code must be a unit here
    /// (an unknown one is refused with the row it came from). Rows: (old, new, ISO date, row).
    pub async fn upsert_unit_mappings(&self, rows: &[(String, String, String, usize)]) -> Result<usize> {
        let refs = self.refs().await?;
        let known = |c: &str| refs.unit(c).is_some() || refs.unit_history.iter().any(|u| u.code == c);
        let errors: Vec<FieldError> = rows
            .iter()
            .flat_map(|(old, new, _, row)| {
                [("old_code", old), ("new_code", new)].into_iter().filter(|(_, c)| !known(c)).map(move |(f, c)| {
                    FieldError::new(f, ErrorCode::WardUnknown, format!("no unit with code {c}"))
                        .param("code", c)
                        .at_row(*row)
                })
            })
            .collect();
        if !errors.is_empty() {
            return Err(crate::error::StoreError::Invalid(errors));
        }
        let mut tx = self.writer.begin().await?;
        for (old, new, from, _) in rows {
            sqlx::query(
                "INSERT INTO admin_unit_mappings (old_code, new_code, effective_from) VALUES (?, ?, ?)
                 ON CONFLICT (old_code, new_code) DO UPDATE SET effective_from = excluded.effective_from",
            )
            .bind(old)
            .bind(new)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
