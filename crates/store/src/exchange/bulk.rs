//! The bulk path of a merge: most of what a ward sends is new accounts, payments and
//! withdrawals nobody else has records of. For those there is nothing to decide (one version,
//! no conflict, no review), so instead of projecting them one by one (a dozen statements each)
//! their rows are written many per statement, parents first. Anything unusual (a parent not
//! here yet, a unique value already taken, an unexpected column) goes back to the one-by-one
//! path ([`super::merge::project`]), which decides it exactly as before.

use super::merge::project;
use crate::changes::{self, ChangeRecord};
use crate::entity::{Entity, Kind};
use crate::error::{Result, StoreError};
use crate::sqlrow::{Val, insert_rows};
use crate::tables::{TableInfo, table_info};
use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, SqliteConnection};
use std::collections::{HashMap, HashSet};

/// Entities that may take the bulk path, parents before children. People and cycles never do:
/// people carry the ID-number rule, cycles are shared by every desktop.
pub const BULK: &[Entity] = &[Entity::Account, Entity::Payment, Entity::Withdrawal];

/// Rows per multi-row statement (and per savepoint).
const CHUNK: usize = 500;

/// (entity, id) of the records that may take the bulk path: new-row records of a bulk entity,
/// the only record of their entity in the batch, and no earlier record of it here.
pub async fn fresh_keys(conn: &mut SqliteConnection, new: &[&ChangeRecord]) -> Result<HashSet<(Entity, String)>> {
    let mut count: HashMap<(Entity, &str), usize> = HashMap::new();
    for r in new {
        *count.entry((r.entity, r.entity_id.as_str())).or_default() += 1;
    }
    let candidates: Vec<(Entity, &str)> = new
        .iter()
        .filter(|r| BULK.contains(&r.entity) && r.kind == Kind::Insert && r.base.is_empty())
        .map(|r| (r.entity, r.entity_id.as_str()))
        .filter(|k| count[k] == 1)
        .collect();
    // Per entity, so the lookup uses the (entity, entity_id) index.
    let mut known: HashSet<(Entity, String)> = HashSet::new();
    for entity in BULK {
        let ids: Vec<&str> = candidates.iter().filter(|(e, _)| e == entity).map(|(_, id)| *id).collect();
        for chunk in ids.chunks(CHUNK) {
            known.extend(changes::log::known_ids(conn, *entity, chunk).await?.into_iter().map(|id| (*entity, id)));
        }
    }
    Ok(candidates.into_iter().map(|(e, id)| (e, id.to_string())).filter(|k| !known.contains(k)).collect())
}

fn val(v: &Value) -> Val {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Int(*b as i64),
        Value::Number(n) => n.as_i64().map_or_else(|| Val::Text(n.to_string()), Val::Int),
        Value::String(s) => Val::Text(s.clone()),
        other => Val::Text(other.to_string()),
    }
}

/// The values of each foreign key (by its column) that are present in their parent table.
async fn present_parents(
    conn: &mut SqliteConnection,
    info: &TableInfo,
    rows: &[(String, Map<String, Value>)],
) -> Result<HashMap<String, HashSet<String>>> {
    let mut out = HashMap::new();
    for (parent, from, to) in &info.fks {
        let wanted: HashSet<String> =
            rows.iter().filter_map(|(_, r)| r.get(from).and_then(Value::as_str)).map(str::to_string).collect();
        let wanted: Vec<String> = wanted.into_iter().collect();
        let mut found = HashSet::new();
        for chunk in wanted.chunks(CHUNK) {
            let sql = format!("SELECT \"{to}\" FROM {parent} WHERE \"{to}\" IN ({})", vec!["?"; chunk.len()].join(","));
            let mut q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql));
            for v in chunk {
                q = q.bind(v);
            }
            found.extend(q.fetch_all(&mut *conn).await?);
        }
        out.insert(from.clone(), found);
    }
    Ok(out)
}

/// Writes the rows of the fresh records of one entity; returns the ids left to the one-by-one
/// path.
async fn write_entity(conn: &mut SqliteConnection, entity: Entity, records: &[&ChangeRecord]) -> Result<Vec<String>> {
    let info = table_info(conn, entity).await?;
    let mut slow = Vec::new();
    let mut rows: Vec<(String, Map<String, Value>)> = Vec::with_capacity(records.len());
    for r in records {
        match serde_json::from_str::<Value>(&r.payload) {
            Ok(Value::Object(row)) if row.len() == info.cols.len() && info.cols.iter().all(|c| row.contains_key(c)) => {
                rows.push((r.entity_id.clone(), row))
            }
            _ => slow.push(r.entity_id.clone()),
        }
    }
    let present = present_parents(conn, &info, &rows).await?;
    let (ready, waiting): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, row)| {
        info.fks.iter().all(|(_, from, _)| match row.get(from) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => present[from].contains(s),
            Some(_) => false,
        })
    });
    slow.extend(waiting.into_iter().map(|(id, _)| id));
    let cols: Vec<&str> = info.cols.iter().map(String::as_str).collect();
    for chunk in ready.chunks(CHUNK) {
        let vals: Vec<Vec<Val>> = chunk.iter().map(|(_, row)| cols.iter().map(|c| val(&row[*c])).collect()).collect();
        sqlx::query("SAVEPOINT bulk_rows").execute(&mut *conn).await?;
        match insert_rows(conn, info.table, &cols, vals).await {
            Ok(()) => {
                sqlx::query("RELEASE bulk_rows").execute(&mut *conn).await?;
            }
            // A row here already (written without a record) or a unique value taken: the
            // one-by-one path decides each row of the chunk.
            Err(StoreError::Db(e)) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                sqlx::query("ROLLBACK TO bulk_rows").execute(&mut *conn).await?;
                sqlx::query("RELEASE bulk_rows").execute(&mut *conn).await?;
                slow.extend(chunk.iter().map(|(id, _)| id.clone()));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(slow)
}

/// Writes the fresh records' rows, parents first; the rest goes through [`project`].
pub async fn write_fresh(conn: &mut SqliteConnection, fresh: &[&ChangeRecord]) -> Result<()> {
    for entity in BULK {
        let records: Vec<&ChangeRecord> = fresh.iter().copied().filter(|r| r.entity == *entity).collect();
        if records.is_empty() {
            continue;
        }
        for id in write_entity(conn, *entity, &records).await? {
            project(conn, *entity, &id).await?;
        }
    }
    Ok(())
}
