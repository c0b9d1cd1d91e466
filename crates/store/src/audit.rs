//! The audit log (issue 6): who did what to whose data, append-only and hash-chained. Entries
//! are written through the same connection and transaction as the change they describe.

use crate::Store;
use crate::error::Result;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as shown to administrators.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    #[ts(type = "unknown")]
    pub details: Value,
    pub hash: String,
}

/// What an entry says, before it is chained.
pub struct AuditEvent<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub details: Value,
}

fn entry_hash(prev: &str, seq: i64, at: &str, e: &AuditEvent<'_>, details: &str) -> String {
    // A JSON array: unambiguous field boundaries.
    let body = serde_json::json!([prev, seq, at, e.actor, e.action, e.entity, e.entity_id, details]);
    hex::encode(Sha256::digest(body.to_string().as_bytes()))
}

/// Appends one entry through `conn` (call it inside the change's transaction).
pub async fn append(conn: &mut SqliteConnection, e: &AuditEvent<'_>) -> Result<()> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let (seq, prev) = last.map(|(s, h)| (s + 1, h)).unwrap_or((1, GENESIS.to_string()));
    let at = crate::now();
    let details = e.details.to_string();
    let hash = entry_hash(&prev, seq, &at, e, &details);
    sqlx::query("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(seq)
        .bind(&at)
        .bind(e.actor)
        .bind(e.action)
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(&details)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The first entry (by position) whose hash, link to the previous entry or sequence number does
/// not hold: an edit, a deletion or a reordering; `None` when the whole chain verifies.
pub async fn verify(conn: &mut SqliteConnection) -> Result<Option<i64>> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_log ORDER BY rowid",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut prev = GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let seq: i64 = r.get("seq");
        let details: String = r.get("details");
        let e = AuditEvent {
            actor: r.get("actor"),
            action: r.get("action"),
            entity: r.get("entity"),
            entity_id: r.get("entity_id"),
            details: Value::Null,
        };
        let ok = seq == i as i64 + 1
            && r.get::<String, _>("prev_hash") == prev
            && entry_hash(&prev, seq, r.get("at"), &e, &details) == r.get::<String, _>("hash");
        if !ok {
            return Ok(Some(seq));
        }
        prev = r.get("hash");
    }
    Ok(None)
}

impl Store {
    /// Records an event that changes nothing else (a login, an export, a revealed account number).
    pub async fn audit(
        &self,
        action: &str,
        entity: Option<&str>,
        entity_id: Option<&str>,
        details: Value,
    ) -> Result<()> {
        let actor = self.officer();
        let mut tx = self.begin_checked().await?;
        append(&mut tx, &AuditEvent { actor: &actor, action, entity, entity_id, details }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records an event under another actor than the signed-in officer (`-` for sign-in attempts
    /// of nobody yet known, as `users.rs` does).
    pub async fn audit_as(
        &self,
        actor: &str,
        action: &str,
        entity: Option<&str>,
        entity_id: Option<&str>,
        details: Value,
    ) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        append(&mut tx, &AuditEvent { actor, action, entity, entity_id, details }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Newest first.
    pub async fn audit_entries(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT ? OFFSET ?")
            .bind(limit.clamp(1, 1000))
            .bind(offset.max(0))
            .fetch_all(&self.reader)
            .await?;
        Ok(rows
            .iter()
            .map(|r| AuditEntry {
                seq: r.get("seq"),
                at: r.get("at"),
                actor: r.get("actor"),
                action: r.get("action"),
                entity: r.get("entity"),
                entity_id: r.get("entity_id"),
                details: serde_json::from_str(r.get("details")).unwrap_or(Value::Null),
                hash: r.get("hash"),
            })
            .collect())
    }

    /// See [`verify`].
    pub async fn verify_audit(&self) -> Result<Option<i64>> {
        let mut conn = self.reader.acquire().await?;
        verify(&mut conn).await
    }
}
