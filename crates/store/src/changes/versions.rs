//! The version graph of one entity's change records. Per entity the records form a graph
//! through `base` (the version a change was made on); heads are records no other record is
//! based on. Local writes ask which version they build on (`current_version`); merging
//! (`exchange::merge`) asks for the heads and, for money in conflict, the shared base.

use super::{ChangeRecord, log};
use crate::entity::Entity;
use crate::error::Result;
use serde_json::Value;
use sqlx::SqliteConnection;
use std::collections::{HashMap, HashSet};

/// One entity's records, oldest first by (device, seq).
pub(crate) struct Versions {
    pub(crate) records: Vec<ChangeRecord>,
}

impl Versions {
    pub(crate) async fn load(conn: &mut SqliteConnection, entity: Entity, id: &str) -> Result<Versions> {
        let records = log::read(
            conn,
            "c.entity = ? AND c.entity_id = ? ORDER BY d.name, c.seq",
            vec![entity.name().into(), log::pack_id(id)],
        )
        .await?;
        Ok(Versions { records })
    }

    /// Records nobody is based on, in (device, seq) order.
    pub(crate) fn heads(&self) -> Vec<&ChangeRecord> {
        let based_on: HashSet<&str> = self.records.iter().flat_map(|r| r.bases()).collect();
        let heads: Vec<&ChangeRecord> =
            self.records.iter().filter(|r| !based_on.contains(r.record_id.as_str())).collect();
        // Identical rows from several devices (a shared cycle both created) are not a conflict.
        if heads.len() > 1 && heads.iter().all(|h| same_content(&h.payload, &heads[0].payload)) {
            return vec![*heads.last().expect("non-empty")];
        }
        heads
    }

    fn ancestors(&self, from: &ChangeRecord) -> HashSet<String> {
        let by_id: HashMap<&str, &ChangeRecord> = self.records.iter().map(|r| (r.record_id.as_str(), r)).collect();
        let mut seen = HashSet::new();
        let mut todo = vec![from.record_id.as_str()];
        while let Some(id) = todo.pop() {
            if seen.insert(id.to_string())
                && let Some(r) = by_id.get(id)
            {
                todo.extend(r.bases());
            }
        }
        seen
    }

    /// The version a money record shows while in conflict: the latest every head descends from.
    pub(crate) fn shared_base(&self, heads: &[&ChangeRecord]) -> Option<&ChangeRecord> {
        let mut common: Option<HashSet<String>> = None;
        for h in heads {
            let a = self.ancestors(h);
            common = Some(match common {
                None => a,
                Some(c) => c.intersection(&a).cloned().collect(),
            });
        }
        let common = common.unwrap_or_default();
        self.records.iter().filter(|r| common.contains(&r.record_id)).max_by_key(|r| self.ancestors(r).len())
    }
}

/// Rows equal apart from who/when wrote them.
fn same_content(a: &str, b: &str) -> bool {
    let strip = |s: &str| -> Option<Value> {
        let mut v: Value = serde_json::from_str(s).ok()?;
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| !k.starts_with("updated_") && !k.starts_with("created_"));
        }
        Some(v)
    };
    strip(a).is_some() && strip(a) == strip(b)
}

/// The record id a local change to this entity builds on (the version it shows).
pub(crate) async fn current_version(conn: &mut SqliteConnection, entity: Entity, id: &str) -> Result<Option<String>> {
    let v = Versions::load(conn, entity, id).await?;
    Ok(v.heads().last().map(|r| r.record_id.clone()))
}

/// All heads of an entity (what a settling change must be based on).
pub(crate) async fn heads_of(conn: &mut SqliteConnection, entity: Entity, id: &str) -> Result<Vec<ChangeRecord>> {
    let v = Versions::load(conn, entity, id).await?;
    Ok(v.heads().into_iter().cloned().collect())
}
