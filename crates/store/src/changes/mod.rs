//! The per-device series of immutable change records. Every write appends one per row it
//! touches, in the same transaction, chained by hash so a gap or an edit is detectable.
//! Bundles ship these records between desktops (docs/EXCHANGE.md).

pub use crate::entity::{Entity, Kind};
use ansinh_core::ErrorCode;
pub(crate) mod log;
pub(crate) mod versions;

use crate::error::{Result, StoreError};
use crate::sqlrow::Val;
use crate::tables;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Bumped when the payload shape of any entity changes.
/// 2: beneficiaries carry `duplicate_reason`.
/// 3: the payload is the stored table row (column → value), records carry their `base`.
/// 4: payments carry `label` (one-off payments), accounts `vneid_linked` (issue 16); rows of
///    schema 3 are read with their defaults.
pub const SCHEMA_VERSION: i64 = 4;

/// Who writes: the device and the officer signed in on it.
#[derive(Debug, Clone)]
pub struct Author {
    pub device_id: String,
    pub officer: String,
}

/// One change record as written, as shipped in bundles and as read back. Here it is stored
/// compactly ([`log`]); `FromRow` reads it from the server's PostgreSQL `change_log` (columns by
/// name), where a stored entity or kind this build does not know is a decoding error, never
/// dropped. What arrives from elsewhere is a [`WireRecord`] until [`WireRecord::check`] accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChangeRecord {
    pub device_id: String,
    pub seq: i64,
    pub record_id: String,
    #[sqlx(try_from = "String")]
    pub entity: Entity,
    pub entity_id: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub schema_version: i64,
    pub officer: String,
    /// Information only: device clocks decide nothing.
    pub recorded_at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
    #[serde(default)]
    pub base: String,
}

impl ChangeRecord {
    /// The hash this record must carry given its content and its predecessor's hash.
    pub fn computed_hash(&self) -> String {
        record_hash(
            &self.prev_hash,
            &self.device_id,
            self.seq,
            &self.record_id,
            self.entity.name(),
            &self.entity_id,
            self.kind.as_str(),
            &self.payload,
            &self.base,
        )
    }

    pub fn bases(&self) -> impl Iterator<Item = &str> {
        self.base.split(',').filter(|s| !s.is_empty())
    }
}

/// A change record as it arrives in a bundle, a signed batch or a server reply: plain text
/// fields, nothing assumed. [`WireRecord::check`] turns it into a [`ChangeRecord`] or refuses it
/// with a stable code; the row it carries is checked later, against this desktop's rules
/// (`exchange::incoming`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRecord {
    pub device_id: String,
    pub seq: i64,
    pub record_id: String,
    pub entity: String,
    pub entity_id: String,
    pub kind: String,
    pub schema_version: i64,
    pub officer: String,
    pub recorded_at: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
    #[serde(default)]
    pub base: String,
}

impl WireRecord {
    /// The record, if it names a shipped entity and a known kind.
    pub fn check(self) -> Result<ChangeRecord> {
        let at = format!("{}#{}", self.device_id, self.seq);
        let refuse = |code: ErrorCode, message: String| {
            StoreError::Conflict(
                ansinh_core::FieldError::new("bundle", code, message)
                    .param("record", &at)
                    .param("entity", &self.entity),
            )
        };
        let Some(entity) = Entity::parse(&self.entity) else {
            return Err(refuse(
                ErrorCode::ExchangeUnknownEntity,
                format!("record {at}: {:?} is not shipped", self.entity),
            ));
        };
        let Some(kind) = Kind::parse(&self.kind) else {
            return Err(refuse(ErrorCode::ExchangeUnknownKind, format!("record {at}: unknown kind {:?}", self.kind)));
        };
        Ok(ChangeRecord {
            device_id: self.device_id,
            seq: self.seq,
            record_id: self.record_id,
            entity,
            entity_id: self.entity_id,
            kind,
            schema_version: self.schema_version,
            officer: self.officer,
            recorded_at: self.recorded_at,
            payload: self.payload,
            prev_hash: self.prev_hash,
            hash: self.hash,
            base: self.base,
        })
    }

    /// Every record of a batch checked; the first refusal stops it.
    pub fn check_all(records: Vec<WireRecord>) -> Result<Vec<ChangeRecord>> {
        records.into_iter().map(WireRecord::check).collect()
    }
}

impl From<ChangeRecord> for WireRecord {
    fn from(r: ChangeRecord) -> Self {
        WireRecord {
            device_id: r.device_id,
            seq: r.seq,
            record_id: r.record_id,
            entity: r.entity.name().to_string(),
            entity_id: r.entity_id,
            kind: r.kind.as_str().to_string(),
            schema_version: r.schema_version,
            officer: r.officer,
            recorded_at: r.recorded_at,
            payload: r.payload,
            prev_hash: r.prev_hash,
            hash: r.hash,
            base: r.base,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn record_hash(
    prev: &str,
    device: &str,
    seq: i64,
    record_id: &str,
    entity: &str,
    entity_id: &str,
    kind: &str,
    payload: &str,
    base: &str,
) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    // `base` joined the hash with schema 3; an empty base hashes as before.
    let parts = [prev, device, &seq, record_id, entity, entity_id, kind, payload];
    for part in parts.into_iter().chain((!base.is_empty()).then_some(base)) {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

struct Pending {
    entity: Entity,
    entity_id: String,
    kind: Kind,
    /// The stored row as JSON, built from the values written ([`ChangeWriter::record_inserted`]);
    /// None: read back from the table at `flush`.
    built: Option<String>,
    bases: Option<Vec<String>>,
}

/// Appends change records for one transaction, continuing the device's series.
/// The payload of each record is exactly the stored row, so every shipped entity ships and
/// rebuilds the same way. Rows inserted through [`Self::record_inserted`] are built from the
/// values written (bulk writes: reading them back cost as much as writing them); others are
/// read back from their table at `flush`, after the writes.
pub struct ChangeWriter {
    author: Author,
    next_seq: i64,
    prev_hash: String,
    now: String,
    pending: Vec<Pending>,
}

impl ChangeWriter {
    pub async fn start(conn: &mut SqliteConnection, author: &Author, now: &str) -> Result<Self> {
        let (seq, hash) = log::head(conn, &author.device_id, false).await?.unwrap_or_default();
        Ok(ChangeWriter {
            author: author.clone(),
            next_seq: seq + 1,
            prev_hash: hash,
            now: now.to_string(),
            pending: Vec::new(),
        })
    }

    /// Records a change of the row `entity_id` of `entity`'s table, written in this transaction
    /// (the payload is read back from the table at `flush`).
    pub fn record(&mut self, entity: Entity, entity_id: &str, kind: Kind) {
        self.pending.push(Pending { entity, entity_id: entity_id.to_string(), kind, built: None, bases: None });
    }

    /// Records the insertion of `items`, written to `entity`'s table in this transaction as
    /// `rows` of values for `cols` (same order).
    pub(crate) async fn record_inserted<T>(
        &mut self,
        conn: &mut SqliteConnection,
        entity: Entity,
        cols: &[&str],
        rows: &[Vec<Val>],
        items: &[T],
        key: impl Fn(&T) -> String,
    ) -> Result<()> {
        let info = tables::table_info(conn, entity).await?;
        let layout = tables::row_layout(&info, cols);
        for (row, item) in rows.iter().zip(items) {
            self.pending.push(Pending {
                entity,
                entity_id: key(item),
                kind: Kind::Insert,
                built: layout.as_deref().and_then(|l| tables::row_json(&info, l, row)),
                bases: None,
            });
        }
        Ok(())
    }

    /// A change that settles a conflict: it is based on every version it replaces.
    pub(crate) fn record_resolving(&mut self, entity: Entity, entity_id: &str, bases: Vec<String>) {
        self.pending.push(Pending {
            entity,
            entity_id: entity_id.to_string(),
            kind: Kind::Update,
            built: None,
            bases: Some(bases),
        });
    }

    /// Writes the records; call it after the table writes of the same transaction.
    pub async fn flush(self, conn: &mut SqliteConnection) -> Result<()> {
        let ChangeWriter { author, mut next_seq, mut prev_hash, now, pending } = self;
        // Read back what was not built, and every record of an entity read back: a batch that
        // touches one row twice gives its records the row as it stands at the end, as before.
        let unbuilt: std::collections::HashSet<(Entity, &str)> =
            pending.iter().filter(|p| p.built.is_none()).map(|p| (p.entity, p.entity_id.as_str())).collect();
        let mut payloads = tables::read_back(conn, unbuilt.iter().copied()).await?;
        let read_back: Vec<bool> =
            pending.iter().map(|p| unbuilt.contains(&(p.entity, p.entity_id.as_str()))).collect();
        drop(unbuilt);
        // The version each entity is at as this transaction goes (a batch may touch one twice).
        let mut latest: HashMap<(Entity, String), String> = HashMap::new();
        let mut records = Vec::with_capacity(pending.len());
        for (p, read_back) in pending.into_iter().zip(read_back) {
            let key = (p.entity, p.entity_id.clone());
            let base = match (p.bases, latest.get(&key)) {
                (Some(b), _) => b.join(","),
                (None, Some(v)) => v.clone(),
                (None, None) if p.kind == Kind::Update => {
                    versions::current_version(conn, p.entity, &p.entity_id).await?.unwrap_or_default()
                }
                (None, None) => String::new(),
            };
            let payload = match (payloads.remove(&key), p.built) {
                (Some(read), _) => read,
                (None, Some(built)) => built,
                (None, None) => {
                    return Err(StoreError::NotFound { entity: p.entity.name(), id: p.entity_id });
                }
            };
            let mut r = ChangeRecord {
                device_id: author.device_id.clone(),
                seq: next_seq,
                record_id: Uuid::now_v7().to_string(),
                entity: p.entity,
                entity_id: p.entity_id,
                kind: p.kind,
                schema_version: SCHEMA_VERSION,
                officer: author.officer.clone(),
                recorded_at: now.clone(),
                payload,
                prev_hash: std::mem::take(&mut prev_hash),
                hash: String::new(),
                base,
            };
            r.hash = r.computed_hash();
            prev_hash = r.hash.clone();
            latest.insert(key.clone(), r.record_id.clone());
            // A later record of the same entity in this batch reads the same row again.
            if read_back {
                payloads.insert(key, r.payload.clone());
            }
            records.push(r);
            next_seq += 1;
        }
        log::append(conn, &records).await
    }
}

/// Re-walks a device's series and reports the first sequence number whose chain breaks. A
/// record a handover brought (`handover.rs`) stands alone in a series this desktop does not
/// hold: its own hash must hold, and whatever follows it must follow it.
pub async fn verify_chain(conn: &mut SqliteConnection, device_id: &str) -> Result<Option<i64>> {
    let handed: std::collections::HashSet<i64> =
        sqlx::query_scalar("SELECT seq FROM handover_records WHERE device_id = ?")
            .bind(device_id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let (mut prev, mut next, mut after) = (String::new(), 1, 0);
    // A page of the series at a time: a city's series does not fit in memory at once.
    loop {
        let page = log::since(conn, device_id, after, 20_000).await?;
        let Some(last) = page.last() else { return Ok(None) };
        after = last.seq;
        for r in page {
            let placed = handed.contains(&r.seq) || (r.seq == next && r.prev_hash == prev);
            if !placed || r.hash != r.computed_hash() {
                return Ok(Some(r.seq));
            }
            next = r.seq + 1;
            prev = r.hash;
        }
    }
}
