//! The per-device series of immutable change records. Every write appends one per row it
//! touches, in the same transaction, chained by hash so a gap or an edit is detectable.
//! A later exchange ships these records between desktops.

use crate::error::Result;
use crate::sqlrow::{Val, insert_rows};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

/// Bumped when the payload shape of any entity changes.
pub const SCHEMA_VERSION: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Insert,
    /// The payload is the whole row after the change.
    Update,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Insert => "insert",
            Kind::Update => "update",
        }
    }
}

/// Who writes: the device and the officer signed in on it.
#[derive(Debug, Clone)]
pub struct Author {
    pub device_id: String,
    pub officer: String,
}

/// Appends change records for one transaction, continuing the device's series.
pub struct ChangeWriter {
    author: Author,
    next_seq: i64,
    prev_hash: String,
    now: String,
    rows: Vec<Vec<Val>>,
}

const COLS: &[&str] = &[
    "device_id",
    "seq",
    "record_id",
    "entity",
    "entity_id",
    "kind",
    "schema_version",
    "officer",
    "recorded_at",
    "payload",
    "prev_hash",
    "hash",
];

impl ChangeWriter {
    pub async fn start(conn: &mut SqliteConnection, author: &Author, now: &str) -> Result<Self> {
        let last = sqlx::query("SELECT seq, hash FROM change_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1")
            .bind(&author.device_id)
            .fetch_optional(&mut *conn)
            .await?;
        let (seq, hash) = match last {
            Some(r) => (r.get::<i64, _>(0), r.get::<String, _>(1)),
            None => (0, String::new()),
        };
        Ok(ChangeWriter {
            author: author.clone(),
            next_seq: seq + 1,
            prev_hash: hash,
            now: now.to_string(),
            rows: Vec::new(),
        })
    }

    pub fn record<T: Serialize>(&mut self, entity: &str, entity_id: &str, kind: Kind, payload: &T) {
        let payload = serde_json::to_string(payload).expect("records serialise");
        let record_id = Uuid::now_v7().to_string();
        let seq = self.next_seq;
        let mut h = Sha256::new();
        for part in [
            self.prev_hash.as_str(),
            &self.author.device_id,
            &seq.to_string(),
            &record_id,
            entity,
            entity_id,
            kind.as_str(),
            &payload,
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let hash = hex::encode(h.finalize());
        self.rows.push(vec![
            self.author.device_id.clone().into(),
            seq.into(),
            record_id.into(),
            entity.into(),
            entity_id.into(),
            kind.as_str().into(),
            SCHEMA_VERSION.into(),
            self.author.officer.clone().into(),
            self.now.clone().into(),
            payload.into(),
            std::mem::replace(&mut self.prev_hash, hash.clone()).into(),
            hash.into(),
        ]);
        self.next_seq += 1;
    }

    pub async fn flush(self, conn: &mut SqliteConnection) -> Result<()> {
        insert_rows(conn, "change_log", COLS, &self.rows).await
    }
}

/// Re-walks a device's series and reports the first sequence number whose chain breaks.
pub async fn verify_chain(conn: &mut SqliteConnection, device_id: &str) -> Result<Option<i64>> {
    let rows = sqlx::query(
        "SELECT seq, record_id, entity, entity_id, kind, payload, prev_hash, hash FROM change_log WHERE device_id = ? ORDER BY seq",
    )
    .bind(device_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut prev = String::new();
    for (i, r) in rows.iter().enumerate() {
        let seq: i64 = r.get(0);
        let mut h = Sha256::new();
        for part in
            [prev.as_str(), device_id, &seq.to_string(), r.get::<&str, _>(1), r.get(2), r.get(3), r.get(4), r.get(5)]
        {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let hash = hex::encode(h.finalize());
        if seq != i as i64 + 1 || r.get::<&str, _>(6) != prev || r.get::<&str, _>(7) != hash {
            return Ok(Some(seq));
        }
        prev = hash;
    }
    Ok(None)
}
