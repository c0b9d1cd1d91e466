//! The HTTP API (docs/EXCHANGE.md, "Server"):
//! `POST /v1/records` a signed batch → `AppendReport`; `GET /v1/heads` → `[ServerHead]`;
//! `GET /v1/records?since=<device:seq,...>` → `[SeriesRecords]`, every series past the given
//! seq (a device not named: from its start). Refusals are `{code, message}` with 400 (the batch
//! itself is bad), 409 (it does not fit what the server holds) or 500.

use crate::{AppendReport, RecordError, RecordStore, SeriesRecords, ServerHead};
use ansinh_exchange::{SignedBatch, verify_batch};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// A refusal as the client receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: String,
    pub message: String,
}

pub struct ApiError(StatusCode, Refusal);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        let status = match e {
            RecordError::Refused { .. } => StatusCode::CONFLICT,
            RecordError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, Refusal { code: e.code().to_string(), message: e.to_string() })
    }
}

pub fn router<S: RecordStore>(store: Arc<S>) -> Router {
    Router::new()
        .route("/v1/records", get(records::<S>).post(append::<S>))
        .route("/v1/heads", get(heads::<S>))
        .with_state(store)
}

/// Serves until the listener fails or the process is stopped.
pub async fn serve<S: RecordStore>(listener: tokio::net::TcpListener, store: S) -> std::io::Result<()> {
    axum::serve(listener, router(Arc::new(store))).await
}

async fn append<S: RecordStore>(
    State(store): State<Arc<S>>,
    Json(batch): Json<SignedBatch>,
) -> Result<Json<AppendReport>, ApiError> {
    let (manifest, records) = verify_batch(&batch)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, Refusal { code: e.full_code(), message: e.to_string() }))?;
    Ok(Json(store.append(&manifest.origin(), &records).await?))
}

async fn heads<S: RecordStore>(State(store): State<Arc<S>>) -> Result<Json<Vec<ServerHead>>, ApiError> {
    Ok(Json(store.heads().await?))
}

#[derive(Deserialize)]
struct Since {
    #[serde(default)]
    since: String,
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

async fn records<S: RecordStore>(
    State(store): State<Arc<S>>,
    Query(q): Query<Since>,
) -> Result<Json<Vec<SeriesRecords>>, ApiError> {
    let since = parse_since(&q.since).ok_or_else(|| {
        ApiError(
            StatusCode::BAD_REQUEST,
            Refusal { code: "server.bad_since".into(), message: "since is device:seq,device:seq".into() },
        )
    })?;
    let mut out = Vec::new();
    for h in store.heads().await? {
        let from = since.get(&h.device_id).copied().unwrap_or(0);
        if h.last_seq > from {
            let records = store.since(&h.device_id, from).await?.into_iter().map(Into::into).collect();
            out.push(SeriesRecords { device_id: h.device_id, ward: h.ward, signing_key: h.signing_key, records });
        }
    }
    Ok(Json(out))
}
