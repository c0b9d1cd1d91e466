//! What a desktop keeps of its syncs, in its settings: the server it talks to, when a sync last
//! went through, what the server had of this desktop's series then (so "records waiting" is what
//! was written since), and the last attempt's refusal. Both doors (the CLI's `ansinh sync`, the
//! app's sync button) go through [`sync_now`], so both record and audit a sync the same way.

use crate::client::{SyncReport, sync};
use ansinh_core::{AppError, ErrorCode, FieldError};
use ansinh_exchange::DeviceKeys;
use ansinh_store::Store;
use serde::Serialize;

const SERVER: &str = "sync.server";
const LAST_SYNC: &str = "sync.last_at";
const LAST_ATTEMPT: &str = "sync.last_attempt";
const ACKED: &str = "sync.acked_seq";
const LAST_ERROR: &str = "sync.last_error";

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SyncStatus {
    /// The server last used ('' before the first sync).
    pub server: String,
    /// When the last sync that went through ended (UTC, RFC 3339).
    pub last_sync: Option<String>,
    /// When the last attempt started, whether it went through or not.
    pub last_attempt: Option<String>,
    /// This desktop's records the server did not have at the last sync (all of them before one).
    pub waiting: i64,
    /// Why the last attempt failed; none once a sync goes through.
    #[ts(type = "FieldError | null")]
    pub last_error: Option<FieldError>,
}

/// What one sync did, with the status after it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SyncOutcome {
    pub report: SyncReport,
    pub status: SyncStatus,
}

fn set(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// The last seq of this desktop's own series.
async fn own_last_seq(store: &Store) -> Result<i64, AppError> {
    let device = store.device_id();
    Ok(store.series_heads().await?.into_iter().find(|h| h.device_id == device).map_or(0, |h| h.last_seq))
}

pub async fn status(store: &Store) -> Result<SyncStatus, AppError> {
    let acked: i64 = store.setting(ACKED).await?.and_then(|s| s.parse().ok()).unwrap_or(0);
    let last_error = set(store.setting(LAST_ERROR).await?).and_then(|e| serde_json::from_str(&e).ok());
    Ok(SyncStatus {
        server: store.setting(SERVER).await?.unwrap_or_default(),
        last_sync: set(store.setting(LAST_SYNC).await?),
        last_attempt: set(store.setting(LAST_ATTEMPT).await?),
        waiting: (own_last_seq(store).await? - acked).max(0),
        last_error,
    })
}

/// The refusal as the UI shows it: one field error naming the server.
fn as_field_error(e: &AppError) -> FieldError {
    match e {
        AppError::Conflict(f) | AppError::Access(f) => f.clone(),
        AppError::Validation(v) if v.len() == 1 => v[0].clone(),
        other => FieldError::new("server", other.code(), other.to_string()),
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One sync round with `server` (empty: the one used last), recorded and audited: on success the
/// server, the time and what it now holds of this desktop; on failure the refusal (kept for the
/// status) and the error returned.
pub async fn sync_now(store: &Store, keys: &DeviceKeys, server: &str) -> Result<SyncOutcome, AppError> {
    let server = match server.trim() {
        "" => set(store.setting(SERVER).await?).ok_or_else(|| {
            AppError::Conflict(FieldError::new("server", ErrorCode::SyncBadUrl, "no server address given yet"))
        })?,
        s => s.to_string(),
    };
    store.set_setting(LAST_ATTEMPT, &now()).await?;
    // Every record of this desktop up to here is pushed by a sync that goes through.
    let upto = own_last_seq(store).await?;
    match sync(store, keys, &server).await {
        Ok(report) => {
            store.set_setting(SERVER, &server).await?;
            store.set_setting(LAST_SYNC, &now()).await?;
            store.set_setting(ACKED, &upto.to_string()).await?;
            store.set_setting(LAST_ERROR, "").await?;
            let details = serde_json::json!({"what": "sync", "server": server, "pushed": report.pushed,
                "pulled": report.pulled.applied});
            store.audit("sync", Some("change_log"), None, details).await?;
            Ok(SyncOutcome { report, status: status(store).await? })
        }
        Err(e) => {
            let e = AppError::from(e);
            let refusal = as_field_error(&e);
            let kept = serde_json::to_string(&refusal).expect("an error serialises");
            store.set_setting(LAST_ERROR, &kept).await?;
            let details = serde_json::json!({"what": "sync", "server": server, "refused": refusal.code});
            store.audit("sync", Some("change_log"), None, details).await?;
            Err(e)
        }
    }
}
