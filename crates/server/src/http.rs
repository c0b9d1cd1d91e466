//! The HTTP API (docs/EXCHANGE.md, "Server"), every request signed by an enrolled device
//! (`auth.rs`): `POST /v1/records` a signed batch of the caller's own series → `AppendReport`;
//! `GET /v1/heads` → `[ServerHead]` and `GET /v1/records?since=<device:seq,...>&limit=N` →
//! `RecordsPage`, both limited to the series the caller may read (its ward's, or all for the
//! city office). Refusals are `{code, message}`: 400 (the request itself is bad), 401 (not
//! signed, or not validly), 403 (the device may not), 409 (does not fit what the server
//! holds), 413 (body over the cap), 408 (too slow) or 500.

use crate::auth::{Caller, ReplayGuard, Replays, authenticate};
use crate::devices::Scope;
use crate::{AppendReport, RecordError, RecordStore, RecordsPage, SeriesRecords, ServerHead};
use ansinh_core::ErrorCode;
use ansinh_exchange::{SignedBatch, verify_batch};
use axum::extract::{DefaultBodyLimit, Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Records per page of `GET /v1/records`: the default and the most a reader may ask for.
pub const PAGE_MAX: usize = 5000;

/// What bounds the server's work for one client.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body (a 5 000-record batch is about 5 MB).
    pub body_bytes: usize,
    /// A client that has not sent its headers, or its whole request, by then is cut off.
    pub timeout: Duration,
    /// Signatures remembered against replay (5 minutes' worth of requests).
    pub replay_capacity: usize,
    /// Records per page of `GET /v1/records`, the default and the most a reader may ask for
    /// (at most [`PAGE_MAX`]).
    pub page_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
            replay_capacity: 200_000,
            page_records: PAGE_MAX,
        }
    }
}

pub use ansinh_sync::wire::Refusal;

pub struct ApiError(StatusCode, Refusal);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

pub(crate) fn refusal(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    ApiError(status, Refusal { code, message: message.into() }).into_response()
}

/// A storage refusal: a device the registry refuses is 403, records that do not fit are 409.
pub(crate) fn api_error(e: RecordError) -> ApiError {
    let status = match &e {
        RecordError::Refused { code: ErrorCode::ServerUnknownDevice | ErrorCode::ServerRevokedDevice, .. } => {
            StatusCode::FORBIDDEN
        }
        RecordError::Refused { .. } => StatusCode::CONFLICT,
        RecordError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError(status, Refusal { code: e.code(), message: e.to_string() })
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        api_error(e)
    }
}

pub(crate) struct App<S> {
    pub(crate) store: S,
    pub(crate) replays: Replays,
    page_records: usize,
}

pub fn router<S: RecordStore>(store: S, limits: &Limits) -> Router {
    let app = Arc::new(App {
        store,
        replays: Mutex::new(ReplayGuard::new(limits.replay_capacity)),
        page_records: limits.page_records.clamp(1, PAGE_MAX),
    });
    Router::new()
        .route("/v1/records", get(records::<S>).post(append::<S>))
        .route("/v1/heads", get(heads::<S>))
        // On every request, unknown paths included: nothing answers an unsigned request.
        .layer(axum::middleware::from_fn_with_state(app.clone(), authenticate::<S>))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        // The whole request, body included, within the timeout (a trickling body: 408).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.timeout))
        .with_state(app)
}

/// Serves with the default limits until the listener fails or the process is stopped.
pub async fn serve<S: RecordStore>(listener: tokio::net::TcpListener, store: S) -> std::io::Result<()> {
    serve_with(listener, store, Limits::default()).await
}

/// Serves HTTP/1.1 with hyper directly (axum::serve has no header timeout): a connection that
/// does not send a request's headers within `limits.timeout`, idle ones included, is closed.
pub async fn serve_with<S: RecordStore>(
    listener: tokio::net::TcpListener,
    store: S,
    limits: Limits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let service = hyper_util::service::TowerToHyperService::new(router(store, &limits));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            // Out of file descriptors and the like: the listener itself is fine, try again.
            Err(e) if is_transient(&e) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let service = service.clone();
        let timeout = limits.timeout;
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | TimedOut)
        || e.raw_os_error().is_some_and(|n| n == 23 || n == 24) // ENFILE, EMFILE
}

async fn append<S: RecordStore>(
    State(app): State<Arc<App<S>>>,
    Extension(Caller(caller)): Extension<Caller>,
    Json(batch): Json<SignedBatch>,
) -> Result<Json<AppendReport>, ApiError> {
    let (manifest, records) = verify_batch(&batch)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, Refusal { code: e.full_code(), message: e.to_string() }))?;
    // A device pushes its own series, signed with its enrolled key, and nothing else.
    if manifest.device_id != caller.device_id
        || manifest.signing_key != caller.signing_key
        || records.iter().any(|r| r.device_id != caller.device_id)
    {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            Refusal {
                code: ErrorCode::ServerForeignBatch,
                message: "a device pushes only its own records, signed with its enrolled key".into(),
            },
        ));
    }
    Ok(Json(app.store.append(&manifest.origin(), &records).await?))
}

async fn heads<S: RecordStore>(
    State(app): State<Arc<App<S>>>,
    Extension(Caller(caller)): Extension<Caller>,
) -> Result<Json<Vec<ServerHead>>, ApiError> {
    Ok(Json(app.store.heads(&caller.scope()).await?))
}

#[derive(Deserialize)]
struct RecordsQuery {
    #[serde(default)]
    since: String,
    limit: Option<String>,
}

/// `device:seq,device:seq` (a device id is a UUID: no `:` or `,` inside).
pub fn parse_since(text: &str) -> Option<HashMap<String, i64>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (d, s) = pair.rsplit_once(':')?;
            Some((d.to_string(), s.parse().ok()?))
        })
        .collect()
}

fn bad_request(code: ErrorCode, message: &str) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, Refusal { code, message: message.into() })
}

async fn records<S: RecordStore>(
    State(app): State<Arc<App<S>>>,
    Extension(Caller(caller)): Extension<Caller>,
    Query(q): Query<RecordsQuery>,
) -> Result<Json<RecordsPage>, ApiError> {
    let since = parse_since(&q.since)
        .ok_or_else(|| bad_request(ErrorCode::ServerBadSince, "since is device:seq,device:seq"))?;
    let limit = match q.limit.as_deref() {
        None => app.page_records,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if n > 0 => n.min(app.page_records),
            _ => return Err(bad_request(ErrorCode::ServerBadLimit, "limit is a number of records from 1 to 5000")),
        },
    };
    Ok(Json(page(&app.store, &caller.scope(), &since, limit).await?))
}

/// Up to `limit` records of the series in `scope` past `since`, series by series in device
/// order; `more` when some are left (the reader asks again from where this page ends).
async fn page<S: RecordStore>(
    store: &S,
    scope: &Scope,
    since: &HashMap<String, i64>,
    limit: usize,
) -> Result<RecordsPage, RecordError> {
    let mut out = RecordsPage::default();
    let mut left = limit;
    for h in store.heads(scope).await? {
        let from = since.get(&h.device_id).copied().unwrap_or(0);
        if h.last_seq <= from {
            continue;
        }
        if left == 0 {
            out.more = true;
            break;
        }
        let records = store.since(&h.device_id, from, left).await?;
        let Some(last) = records.last() else { continue };
        out.more |= last.seq < h.last_seq;
        left -= records.len();
        let records = records.into_iter().map(Into::into).collect();
        out.series.push(SeriesRecords { device_id: h.device_id, ward: h.ward, signing_key: h.signing_key, records });
    }
    Ok(out)
}
