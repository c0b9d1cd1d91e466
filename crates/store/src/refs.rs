//! Reference data (units, allowance groups, standard levels, providers), loaded whole: it is
//! small, and the validation rules look codes up in it many times per import.

use crate::Store;
use crate::decode::bad as bad_data;
use crate::error::Result;
use crate::views::{GroupView, ProviderView, UnitView};
use ansinh_core::allowance::{self, StandardLevel};
use ansinh_core::model::{Channel, Scheme};
use ansinh_core::validate::RefData;
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub units: Vec<UnitView>,
    pub groups: Vec<GroupView>,
    pub providers: Vec<ProviderView>,
    pub levels: Vec<StandardLevel>,
    unit_index: HashMap<String, usize>,
    group_index: HashMap<String, usize>,
    provider_set: HashSet<(Channel, String)>,
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
    /// Wards and communes that exist today (people are registered in these).
    pub fn local_units(&self) -> impl Iterator<Item = &UnitView> {
        self.units.iter().filter(|u| (u.level == "ward" || u.level == "commune") && u.valid_to.is_none())
    }
    /// The monthly amount for a group on a date (level in force × coefficient).
    pub fn entitlement(&self, group_code: &str, on: NaiveDate) -> Option<i64> {
        let g = self.group(group_code)?;
        let level = allowance::level_on(&self.levels, g.scheme, on)?;
        Some(allowance::monthly_amount(level, g.coefficient_permille))
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
        let units: Vec<UnitView> =
            sqlx::query("SELECT code, name, level, parent_code, is_sample, valid_to FROM admin_units ORDER BY code")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| UnitView {
                    code: r.get(0),
                    name: r.get(1),
                    level: r.get(2),
                    parent_code: r.get(3),
                    is_sample: r.get::<i64, _>(4) != 0,
                    valid_to: r.get(5),
                })
                .collect();
        let mut groups = Vec::new();
        for r in sqlx::query(
            "SELECT code, scheme, name_vi, name_en, coefficient_permille FROM allowance_groups ORDER BY scheme, code",
        )
        .fetch_all(pool)
        .await?
        {
            let scheme: String = r.get(1);
            let permille: i64 = r.get(4);
            groups.push(GroupView {
                code: r.get(0),
                scheme: Scheme::parse(&scheme).ok_or_else(|| bad_data("scheme", &scheme))?,
                name_vi: r.get(2),
                name_en: r.get(3),
                coefficient: permille as f64 / 1000.0,
                coefficient_permille: permille,
            });
        }
        let mut providers = Vec::new();
        for r in sqlx::query("SELECT channel, code, name FROM providers ORDER BY channel, name").fetch_all(pool).await?
        {
            let channel: String = r.get(0);
            providers.push(ProviderView {
                channel: Channel::parse(&channel).ok_or_else(|| bad_data("channel", &channel))?,
                code: r.get(1),
                name: r.get(2),
            });
        }
        let mut levels = Vec::new();
        for r in sqlx::query("SELECT scheme, effective_from, amount_vnd FROM standard_levels").fetch_all(pool).await? {
            let scheme: String = r.get(0);
            let from: String = r.get(1);
            levels.push(StandardLevel {
                scheme: Scheme::parse(&scheme).ok_or_else(|| bad_data("scheme", &scheme))?,
                effective_from: crate::decode::date(&from)?,
                amount_vnd: r.get(2),
            });
        }
        Ok(Refs {
            unit_index: units.iter().enumerate().map(|(i, u)| (u.code.clone(), i)).collect(),
            group_index: groups.iter().enumerate().map(|(i, g)| (g.code.clone(), i)).collect(),
            provider_set: providers.iter().map(|p| (p.channel, p.code.clone())).collect(),
            units,
            groups,
            providers,
            levels,
        })
    }

    /// Adds or updates administrative units by code (an administrator's loadable list).
    pub async fn upsert_units(&self, units: &[UnitView]) -> Result<usize> {
        let mut tx = self.writer.begin().await?;
        for u in units {
            sqlx::query(
                "INSERT INTO admin_units (code, name, level, parent_code, is_sample, valid_to) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
                 parent_code = excluded.parent_code, is_sample = excluded.is_sample, valid_to = excluded.valid_to",
            )
            .bind(&u.code)
            .bind(&u.name)
            .bind(&u.level)
            .bind(&u.parent_code)
            .bind(u.is_sample as i64)
            .bind(&u.valid_to)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        *self.refs_cache.lock().expect("refs cache lock") = None;
        Ok(units.len())
    }
}
