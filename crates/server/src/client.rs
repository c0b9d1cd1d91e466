//! The desktop side of online sync (`ansinh sync --server URL`): push this device's records
//! the server does not have yet, then pull every other series past what this desktop holds and
//! apply it with the normal import (same merge, same review items). Offline, nothing changes:
//! the next sync picks up from the server's heads.

use crate::http::Refusal;
use crate::{AppendReport, SeriesRecords, ServerHead};
use ansinh_core::{AppError, FieldError};
use ansinh_exchange::{DeviceKeys, ExchangeError, sign_batch};
use ansinh_store::{ApplyReport, BundleOrigin, Gap, Store, StoreError};
use serde::Serialize;

/// Records per pushed batch: keeps one request (and one server transaction) bounded.
const BATCH: usize = 5000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot reach the server: {0}")]
    Network(#[from] reqwest::Error),
    #[error("the server refused: {} ({})", .0.message, .0.code)]
    Refused(Refusal),
    #[error("the server is missing records of this desktop before #{}", .0.expected_seq)]
    Gap(Gap),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::Exchange(x) => x.into(),
            SyncError::Network(n) => AppError::Conflict(FieldError::new("server", "sync.network", n.to_string())),
            SyncError::Refused(r) => AppError::Conflict(FieldError::new("server", &r.code, r.message)),
            SyncError::Gap(g) => AppError::Conflict(
                FieldError::new("server", "exchange.gap", "the server is missing earlier records of this desktop")
                    .param("expected_seq", g.expected_seq.to_string()),
            ),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// This device's records the server stored.
    pub pushed: usize,
    /// Other devices' records received and applied here.
    pub pulled: ApplyReport,
}

async fn answer<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T, SyncError> {
    if resp.status().is_success() {
        return Ok(resp.json().await?);
    }
    let status = resp.status();
    Err(SyncError::Refused(
        resp.json::<Refusal>().await.unwrap_or(Refusal { code: "sync.http".into(), message: format!("HTTP {status}") }),
    ))
}

/// One sync round with the server at `base` (`http://host:port`).
pub async fn sync(store: &Store, keys: &DeviceKeys, base: &str) -> Result<SyncReport, SyncError> {
    let base = base.trim_end_matches('/');
    let http = reqwest::Client::new();
    let mut report = SyncReport::default();

    let heads: Vec<ServerHead> = answer(http.get(format!("{base}/v1/heads")).send().await?).await?;
    let mut at = heads.iter().find(|h| h.device_id == keys.device_id).map_or(0, |h| h.last_seq);
    loop {
        let mut records = store.changes_since(&keys.device_id, at).await?;
        if records.is_empty() {
            break;
        }
        records.truncate(BATCH);
        at = records.last().map_or(at, |r| r.seq);
        let batch = sign_batch(store, keys, records).await?;
        let done: AppendReport = answer(http.post(format!("{base}/v1/records")).json(&batch).send().await?).await?;
        if let Some(g) = done.gaps.into_iter().next() {
            return Err(SyncError::Gap(g));
        }
        report.pushed += done.applied;
    }

    let since: Vec<String> =
        store.series_heads().await?.iter().map(|h| format!("{}:{}", h.device_id, h.last_seq)).collect();
    let series: Vec<SeriesRecords> =
        answer(http.get(format!("{base}/v1/records")).query(&[("since", since.join(","))]).send().await?).await?;
    for s in series.into_iter().filter(|s| s.device_id != keys.device_id) {
        // A server reply is checked like a bundle: only shipped entities, then the import's checks.
        let records = ansinh_store::WireRecord::check_all(s.records)?;
        if records.iter().any(|r| r.device_id != s.device_id) {
            return Err(SyncError::Refused(Refusal {
                code: "exchange.damaged".into(),
                message: "the server mixed another device's records into a series".into(),
            }));
        }
        let (Some(first), Some(last)) = (records.first(), records.last()) else { continue };
        let origin = BundleOrigin {
            payload_hash: format!("sync:{}:{}-{}", s.device_id, first.seq, last.seq),
            device_id: s.device_id.clone(),
            ward: s.ward.clone(),
            signing_key: s.signing_key.clone(),
            first_seq: first.seq,
            last_seq: last.seq,
            via: ansinh_store::Via::Server,
            audit: None,
        };
        let r = store.import_changes(&records, Some(&origin), false).await?;
        let p = &mut report.pulled;
        p.received += r.received;
        p.applied += r.applied;
        p.already_had += r.already_had;
        p.gaps.extend(r.gaps);
        for (e, n) in r.entities {
            *p.entities.entry(e).or_default() += n;
        }
        p.review = r.review;
        p.waiting = r.waiting;
    }
    Ok(report)
}
