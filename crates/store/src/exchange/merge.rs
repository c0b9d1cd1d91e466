//! Applying change records from other devices. The tables are projections of the records:
//! an entity's row is a pure function of the set of its records, so any arrival order,
//! duplication or interleaving of bundles ends in the same database.
//!
//! Per entity the records form a graph through `base` (the version a change was made on).
//! Heads are records no other record is based on. One head: that version. Several heads:
//! concurrent changes — all kept, the row shows the head with the greatest (device id, seq)
//! (money records: the last version both sides share, never one side's change), and a review
//! item shows every side until an officer settles it with a change based on all heads.

use crate::changes::versions::Versions;
use crate::changes::{self, ChangeRecord, SCHEMA_VERSION};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::tables;
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Row, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn bundle_error(code: ErrorCode, message: &str) -> StoreError {
    StoreError::Conflict(FieldError::new("bundle", code, message))
}

/// An entity name read back from this desktop's own bookkeeping tables: one this build wrote.
pub(crate) fn stored_entity(name: &str) -> Result<Entity> {
    Entity::parse(name).ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("unknown entity {name:?}").into())))
}

/// A hole in a device's series: records from `expected` on are missing, so nothing of that
/// device past the hole was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "SeriesGap")]
pub struct Gap {
    pub device_id: String,
    pub expected_seq: i64,
    pub found_seq: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ApplyReport {
    pub received: usize,
    /// New records written (and projected).
    pub applied: usize,
    /// Records this desktop already had (same hash).
    pub already_had: usize,
    pub gaps: Vec<Gap>,
    /// Counts of open review items by kind after the import.
    pub review: BTreeMap<String, i64>,
    /// New records per entity.
    pub entities: BTreeMap<String, usize>,
    /// Rows still waiting for a parent from a bundle not yet imported.
    pub waiting: i64,
    /// What the sender's audit claim showed (None: the batch carried none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audit: Option<crate::audit_heads::AuditStatus>,
}

fn side(r: &ChangeRecord) -> Value {
    json!({
        "record_id": r.record_id, "device_id": r.device_id, "seq": r.seq, "officer": r.officer,
        "recorded_at": r.recorded_at, "row": serde_json::from_str::<Value>(&r.payload).unwrap_or(Value::Null),
    })
}

async fn set_review(
    conn: &mut SqliteConnection,
    kind: &str,
    entity: &str,
    id: &str,
    other: &str,
    sides: Option<Value>,
) -> Result<()> {
    match sides {
        Some(s) => {
            sqlx::query(
                "INSERT INTO review_items (kind, entity, entity_id, other_id, sides) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (kind, entity, entity_id, other_id) DO UPDATE SET sides = excluded.sides,
                   status = CASE WHEN review_items.sides = excluded.sides THEN review_items.status ELSE 'open' END",
            )
            .bind(kind)
            .bind(entity)
            .bind(id)
            .bind(other)
            .bind(s.to_string())
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("UPDATE review_items SET status = 'resolved' WHERE kind = ? AND entity = ? AND entity_id = ? AND other_id = ? AND status = 'open'")
                .bind(kind)
                .bind(entity)
                .bind(id)
                .bind(other)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Brings one entity's row in line with its records, and its review items with its heads.
pub(crate) async fn project(conn: &mut SqliteConnection, entity: Entity, id: &str) -> Result<()> {
    let info = tables::table_info(conn, entity).await?;
    let v = Versions::load(conn, entity, id).await?;
    let heads = v.heads();
    let Some(winner) = heads.last().copied() else { return Ok(()) };
    let money = entity.is_money();
    let kind = if money { "money_conflict" } else { "conflict" };
    let shown = if heads.len() > 1 {
        set_review(conn, kind, entity.name(), id, "", Some(Value::Array(heads.iter().map(|h| side(h)).collect())))
            .await?;
        if money { v.shared_base(&heads).unwrap_or(heads[0]) } else { winner }
    } else {
        winner
    };
    let Ok(Value::Object(mut row)) = serde_json::from_str::<Value>(&shown.payload) else {
        return Err(bundle_error(ErrorCode::ExchangeBadPayload, &format!("{entity} {id}: payload is not a row")));
    };
    if info.table == "beneficiaries" {
        hold_id_number(conn, &v, id, &mut row).await?;
    }
    if !tables::parents_present(conn, &info, &row).await? {
        sqlx::query("INSERT INTO exchange_waiting (entity, entity_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(entity.name())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(());
    }
    sqlx::query("DELETE FROM exchange_waiting WHERE entity = ? AND entity_id = ?")
        .bind(entity.name())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // A row another record already holds a unique value of (two payments of one person for
    // one period) is never merged: it waits in the review queue, both sides shown.
    sqlx::query("SAVEPOINT project_row").execute(&mut *conn).await?;
    match tables::upsert(conn, &info, &row).await {
        Ok(()) => {
            sqlx::query("RELEASE project_row").execute(&mut *conn).await?;
            // Settled: no clash any more, and no conflict when a single version is left.
            let kinds =
                if heads.len() > 1 { "('unique_clash')" } else { "('unique_clash', 'conflict', 'money_conflict')" };
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE review_items SET status = 'resolved'
                 WHERE entity = ? AND entity_id = ? AND other_id = '' AND status = 'open' AND kind IN {kinds}"
            )))
            .bind(entity.name())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        Err(StoreError::Db(e)) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
            sqlx::query("ROLLBACK TO project_row").execute(&mut *conn).await?;
            sqlx::query("RELEASE project_row").execute(&mut *conn).await?;
            let sides = json!([side(shown), { "error": e.to_string() }]);
            set_review(conn, "unique_clash", entity.name(), id, "", Some(sides)).await?;
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// The same ID number registered on two devices: never merged. The person with the smaller
/// id keeps the number in the table (the same on every machine), the other row shows none,
/// and a duplicate-review item shows both.
async fn hold_id_number(
    conn: &mut SqliteConnection,
    v: &Versions,
    id: &str,
    row: &mut serde_json::Map<String, Value>,
) -> Result<()> {
    let Some(number) = row.get("id_number").and_then(Value::as_str).map(str::to_string) else { return Ok(()) };
    let others = changes::log::others_with_id_number(conn, id, &number).await?;
    let me = v.records.last().expect("loaded");
    for other in others {
        let (low, high) =
            if other.as_str() < id { (other.clone(), id.to_string()) } else { (id.to_string(), other.clone()) };
        let other_v = Versions::load(conn, Entity::Beneficiary, &other).await?;
        let Some(other_head) = other_v.heads().last().map(|r| (*r).clone()) else { continue };
        // Only while the other one still carries the number.
        let still = serde_json::from_str::<Value>(&other_head.payload)
            .ok()
            .and_then(|p| p.get("id_number").and_then(Value::as_str).map(|s| s == number))
            .unwrap_or(false);
        if !still {
            continue;
        }
        let (a, b) = if low == id { (side(me), side(&other_head)) } else { (side(&other_head), side(me)) };
        set_review(conn, "duplicate_person", "beneficiary", &low, &high, Some(json!([a, b]))).await?;
        if other.as_str() < id {
            row.insert("id_number".into(), Value::Null);
        } else {
            sqlx::query("UPDATE beneficiaries SET id_number = NULL WHERE id = ?")
                .bind(&other)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// The checks every incoming batch passes before anything is stored (bundle import here, the
/// central server's storage too): each record matches its hash, its schema is one this build
/// reads, and no two records claim the same place in a series. Returns the series by device.
pub fn check_incoming(incoming: &[ChangeRecord]) -> Result<BTreeMap<&str, BTreeMap<i64, &ChangeRecord>>> {
    let mut by_device: BTreeMap<&str, BTreeMap<i64, &ChangeRecord>> = BTreeMap::new();
    for r in incoming {
        if r.hash != r.computed_hash() {
            return Err(bundle_error(
                ErrorCode::ExchangeTampered,
                &format!("record {}#{} does not match its hash", r.device_id, r.seq),
            ));
        }
        if r.schema_version > SCHEMA_VERSION {
            return Err(bundle_error(
                ErrorCode::ExchangeSchemaNewer,
                "records from a newer version of ansinh: update this desktop first",
            ));
        }
        if r.schema_version < 3 {
            return Err(bundle_error(
                ErrorCode::ExchangeSchemaOlder,
                "records from an older version of ansinh that did not ship rows",
            ));
        }
        if let Some(prev) = by_device.entry(&r.device_id).or_default().insert(r.seq, r)
            && prev.hash != r.hash
        {
            return Err(bundle_error(
                ErrorCode::ExchangeFork,
                &format!("two different records {}#{}", r.device_id, r.seq),
            ));
        }
    }
    Ok(by_device)
}

/// Where an incoming record goes in its series, given the series' head here and (for a seq at
/// or below it) the hash of the record already held at that seq.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// The same record is already here: ignored.
    AlreadyHad,
    /// It follows the head: stored.
    Next,
    /// Records before it are missing: it and everything after it in the batch are refused.
    Gap(Gap),
}

pub fn place(r: &ChangeRecord, last_seq: i64, last_hash: &str, have: Option<&str>) -> Result<Placement> {
    let (device, seq) = (&r.device_id, r.seq);
    if seq <= last_seq {
        if have != Some(r.hash.as_str()) {
            return Err(bundle_error(
                ErrorCode::ExchangeFork,
                &format!("record {device}#{seq} differs from the one already here"),
            ));
        }
        Ok(Placement::AlreadyHad)
    } else if seq == last_seq + 1 {
        if r.prev_hash != last_hash {
            return Err(bundle_error(
                ErrorCode::ExchangeChainBroken,
                &format!("record {device}#{seq} does not follow #{last_seq}"),
            ));
        }
        Ok(Placement::Next)
    } else {
        Ok(Placement::Gap(Gap { device_id: device.to_string(), expected_seq: last_seq + 1, found_seq: seq }))
    }
}

/// Who sent a batch, as this desktop knows them (its registry, or the server that vouched).
#[derive(Debug, Clone)]
pub(crate) struct Sender {
    pub device_id: String,
    /// The city office may touch any ward.
    pub city: bool,
    /// A ward device's ward.
    pub ward: String,
}

/// What applying needs besides the records: the rules' reference data and day, and the sender.
pub(crate) struct ApplyCtx {
    pub refs: std::sync::Arc<crate::Refs>,
    pub today: chrono::NaiveDate,
    pub sender: Option<Sender>,
}

/// Checks and stores incoming records and projects every entity they touch, inside the caller's
/// transaction (foreign keys deferred to its commit, so the order of rows does not matter).
/// Every new record is checked before anything is written: its row against the forms' rules,
/// its sender's scope; the first refusal stops the whole batch (the caller rolls back).
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    incoming: &[ChangeRecord],
    ctx: &ApplyCtx,
) -> Result<ApplyReport> {
    apply_with(conn, incoming, ctx, true).await
}

/// [`apply`], with or without the bulk path for new rows (tests compare the two).
pub(crate) async fn apply_with(
    conn: &mut SqliteConnection,
    incoming: &[ChangeRecord],
    ctx: &ApplyCtx,
    bulk_path: bool,
) -> Result<ApplyReport> {
    sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *conn).await?;
    let mut report = ApplyReport { received: incoming.len(), ..ApplyReport::default() };
    let by_device = check_incoming(incoming)?;
    let mut touched: BTreeSet<(Entity, String)> = BTreeSet::new();
    let mut new_rows = Vec::new();
    let mut new_records: Vec<&ChangeRecord> = Vec::new();
    let mut owners = Vec::new();
    for (device, series) in by_device {
        if let Some(s) = &ctx.sender
            && device != s.device_id
        {
            return Err(bundle_error(
                ErrorCode::ExchangeWrongDevice,
                &format!("records of {device} in a batch of {}", s.device_id),
            ));
        }
        // The series' head here, and the records of it a handover brought out of order
        // (`handover.rs`): those are not the head; they take their place when the series reaches them.
        let (mut last_seq, mut last_hash) = changes::log::head(conn, device, true).await?.unwrap_or_default();
        let handed = changes::log::handed_hashes(conn, device).await?;
        for (seq, r) in series {
            let have = if seq <= last_seq { changes::log::hash_at(conn, device, seq).await? } else { None };
            match place(r, last_seq, &last_hash, have.as_deref())? {
                Placement::AlreadyHad => report.already_had += 1,
                // Held already through a handover: the same record, now in its place.
                Placement::Next if handed.contains_key(&seq) => {
                    if handed.get(&seq) != Some(&r.hash) {
                        return Err(bundle_error(
                            ErrorCode::ExchangeFork,
                            &format!("record {device}#{seq} differs from the one a handover brought"),
                        ));
                    }
                    sqlx::query("DELETE FROM handover_records WHERE device_id = ? AND seq = ?")
                        .bind(device)
                        .bind(seq)
                        .execute(&mut *conn)
                        .await?;
                    report.already_had += 1;
                    last_seq = seq;
                    last_hash = r.hash.clone();
                }
                Placement::Next => {
                    owners.push((r, super::incoming::check_row(r, &*ctx.refs, ctx.today)?));
                    touched.insert((r.entity, r.entity_id.clone()));
                    *report.entities.entry(r.entity.name().to_string()).or_default() += 1;
                    new_rows.push(r.clone());
                    new_records.push(r);
                    last_seq = seq;
                    last_hash = r.hash.clone();
                    report.applied += 1;
                }
                Placement::Gap(gap) => {
                    report.gaps.push(gap);
                    break;
                }
            }
        }
    }
    if let Some(s) = ctx.sender.as_ref().filter(|s| !s.city) {
        super::scope::check(conn, &s.ward, &owners).await?;
    }
    // New rows nobody else has records of take the bulk path (decided before the new records
    // are stored: "no earlier record here").
    let fresh = if bulk_path { super::bulk::fresh_keys(conn, &new_records).await? } else { Default::default() };
    changes::log::append(conn, &new_rows).await?;
    // Everything else one by one, parents (people, cycles) included, before the bulk rows.
    for (entity, id) in &touched {
        if !fresh.contains(&(*entity, id.clone())) {
            project(conn, *entity, id).await?;
        }
    }
    let fresh_records: Vec<&ChangeRecord> =
        new_records.iter().copied().filter(|r| fresh.contains(&(r.entity, r.entity_id.clone()))).collect();
    super::bulk::write_fresh(conn, &fresh_records).await?;
    project_waiting(conn).await?;
    report.waiting = sqlx::query_scalar("SELECT COUNT(*) FROM exchange_waiting").fetch_one(&mut *conn).await?;
    report.review = review_counts(conn).await?;
    Ok(report)
}

pub(crate) async fn review_counts(conn: &mut SqliteConnection) -> Result<BTreeMap<String, i64>> {
    let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM review_items WHERE status = 'open' GROUP BY kind")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| (r.get::<String, _>("kind"), r.get::<i64, _>("n"))).collect())
}

/// Projects rows that waited for a parent, until a round brings no more in.
pub(crate) async fn project_waiting(conn: &mut SqliteConnection) -> Result<()> {
    loop {
        let waiting: Vec<(String, String)> =
            sqlx::query_as("SELECT entity, entity_id FROM exchange_waiting ORDER BY entity, entity_id")
                .fetch_all(&mut *conn)
                .await?;
        for (e, id) in &waiting {
            project(conn, stored_entity(e)?, id).await?;
        }
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exchange_waiting").fetch_one(&mut *conn).await?;
        if left == 0 || left as usize == waiting.len() {
            return Ok(());
        }
    }
}
