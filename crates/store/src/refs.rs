//! Reference data (units, allowance groups, standard levels, providers), loaded whole: it is
//! small, and the validation rules look codes up in it many times per import.

use crate::Store;
use crate::decode::{date, parsed};
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
                    code: r.get("code"),
                    name: r.get("name"),
                    level: r.get("level"),
                    parent_code: r.get("parent_code"),
                    is_sample: r.get::<i64, _>("is_sample") != 0,
                    valid_to: r.get("valid_to"),
                })
                .collect();
        let mut groups = Vec::new();
        for r in sqlx::query(
            "SELECT code, scheme, name_vi, name_en, coefficient_permille FROM allowance_groups ORDER BY scheme, code",
        )
        .fetch_all(pool)
        .await?
        {
            let permille: i64 = r.get("coefficient_permille");
            groups.push(GroupView {
                code: r.get("code"),
                scheme: parsed("scheme", r.get("scheme"), Scheme::parse)?,
                name_vi: r.get("name_vi"),
                name_en: r.get("name_en"),
                coefficient: permille as f64 / 1000.0,
                coefficient_permille: permille,
            });
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
        for r in sqlx::query("SELECT scheme, effective_from, amount_vnd FROM standard_levels").fetch_all(pool).await? {
            levels.push(StandardLevel {
                scheme: parsed("scheme", r.get("scheme"), Scheme::parse)?,
                effective_from: date(r.get("effective_from"))?,
                amount_vnd: r.get("amount_vnd"),
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
