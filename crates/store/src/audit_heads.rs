//! Anchoring each desktop's audit log outside it (issue 13): every bundle and receipt carries
//! its sender's audit head (seq, hash) and the hashes its log has *now* at the heads it showed
//! before. The receiver keeps each sender's last head; on the next exchange a log that became
//! shorter (truncated, or a backup restored over it) or whose entry at a head already shown
//! has another hash (rewritten) shows, on the receiving desktop, in its own audit log and on
//! the exchange page. A copy of the database cannot quietly rewrite its history any more.

use crate::audit::{self, AuditEvent};
use crate::error::Result;
use crate::{Store, now};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

/// How many earlier heads a claim re-states (the receiver may have missed some bundles).
const CHECKPOINTS: i64 = 16;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// What a sender says about its audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditClaim {
    /// The newest entry (None: an empty log).
    pub head: Option<AuditHead>,
    /// The hashes the log has now at the heads shown in earlier bundles or receipts.
    #[serde(default)]
    pub at: Vec<AuditHead>,
}

/// What the receiver concluded from a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// The log extends what was shown before (or this is the first claim).
    Ok,
    /// Too many exchanges were missed to compare: nothing can be said either way.
    Unverified,
    /// The log is shorter than a head it showed before.
    Truncated,
    /// An entry already shown has another hash now.
    Rewritten,
}

impl AuditStatus {
    fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Ok => "ok",
            AuditStatus::Unverified => "unverified",
            AuditStatus::Truncated => "truncated",
            AuditStatus::Rewritten => "rewritten",
        }
    }
}

/// A sender's audit log as this desktop last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PeerAudit {
    pub device_id: String,
    pub seq: i64,
    pub hash: String,
    pub seen_at: String,
    pub status: AuditStatus,
    pub detail: String,
}

/// Compares a claim with the head kept for its device, keeps the new head, and writes an audit
/// entry here when the sender's log was truncated or rewritten. Runs in the caller's
/// transaction (the import's or the receipt's).
pub(crate) async fn check_claim(
    conn: &mut SqliteConnection,
    device_id: &str,
    claim: &AuditClaim,
) -> Result<AuditStatus> {
    let Some(head) = &claim.head else { return Ok(AuditStatus::Ok) };
    let kept: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM peer_audit WHERE device_id = ?")
        .bind(device_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (status, detail) = match kept {
        None => (AuditStatus::Ok, String::new()),
        Some((seq, _)) if head.seq < seq => {
            (AuditStatus::Truncated, format!("the log ends at entry {} but showed entry {seq} before", head.seq))
        }
        Some((seq, hash)) => {
            let now_at = if head.seq == seq {
                Some(&head.hash)
            } else {
                claim.at.iter().find(|a| a.seq == seq).map(|a| &a.hash)
            };
            match now_at {
                Some(h) if *h == hash => (AuditStatus::Ok, String::new()),
                Some(_) => (AuditStatus::Rewritten, format!("entry {seq} has another hash than the one shown before")),
                None => (AuditStatus::Unverified, format!("entry {seq} is not among the heads re-stated")),
            }
        }
    };
    if matches!(status, AuditStatus::Truncated | AuditStatus::Rewritten) {
        let event = AuditEvent {
            actor: "exchange",
            action: "exchange.audit_mismatch",
            entity: Some("devices"),
            entity_id: Some(device_id),
            details: serde_json::json!({ "status": status.as_str(), "detail": detail, "seq": head.seq }),
        };
        audit::append(conn, &event).await?;
    }
    sqlx::query(
        "INSERT INTO peer_audit (device_id, seq, hash, seen_at, status, detail) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, seen_at = excluded.seen_at,
           status = excluded.status, detail = excluded.detail",
    )
    .bind(device_id)
    .bind(head.seq)
    .bind(&head.hash)
    .bind(now())
    .bind(status.as_str())
    .bind(&detail)
    .execute(&mut *conn)
    .await?;
    Ok(status)
}

impl Store {
    /// This desktop's claim for an outgoing bundle or receipt.
    pub async fn audit_claim(&self) -> Result<AuditClaim> {
        let mut conn = self.reader.acquire().await?;
        let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
        let at: Vec<(i64, String)> = sqlx::query_as(
            "SELECT a.seq, a.hash FROM audit_log a JOIN
               (SELECT seq FROM audit_checkpoints ORDER BY seq DESC LIMIT ?) c ON c.seq = a.seq ORDER BY a.seq",
        )
        .bind(CHECKPOINTS)
        .fetch_all(&mut *conn)
        .await?;
        Ok(AuditClaim {
            head: head.map(|(seq, hash)| AuditHead { seq, hash }),
            at: at.into_iter().map(|(seq, hash)| AuditHead { seq, hash }).collect(),
        })
    }

    /// Remembers that `claim`'s head was shown to another office (a bundle or receipt went out).
    pub async fn audit_claim_sent(&self, claim: &AuditClaim) -> Result<()> {
        if let Some(h) = &claim.head {
            sqlx::query("INSERT INTO audit_checkpoints (seq, sent_at) VALUES (?, ?) ON CONFLICT (seq) DO NOTHING")
                .bind(h.seq)
                .bind(now())
                .execute(&self.writer)
                .await?;
        }
        Ok(())
    }

    /// Every sender's audit log as last seen here.
    pub async fn peer_audits(&self) -> Result<Vec<PeerAudit>> {
        let rows: Vec<(String, i64, String, String, String, String)> =
            sqlx::query_as("SELECT device_id, seq, hash, seen_at, status, detail FROM peer_audit ORDER BY device_id")
                .fetch_all(&self.reader)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(device_id, seq, hash, seen_at, status, detail)| PeerAudit {
                device_id,
                seq,
                hash,
                seen_at,
                status: match status.as_str() {
                    "truncated" => AuditStatus::Truncated,
                    "rewritten" => AuditStatus::Rewritten,
                    "unverified" => AuditStatus::Unverified,
                    _ => AuditStatus::Ok,
                },
                detail,
            })
            .collect())
    }
}
