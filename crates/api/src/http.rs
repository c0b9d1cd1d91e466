//! The development transport: the same commands over HTTP, for the UI's tests (which run against
//! the real Rust instead of a copy of its rules) and for trying the UI in a browser
//! (`npm run dev` proxies `/call` here). `ansinh dev-server` runs it.
//!
//! `POST /call/{command}` with the argument object as a JSON body answers `200` and the result,
//! or `422` and the same `{code, message, field?, details?}` error the app's webview gets. It
//! listens on loopback only, and every request must carry the server's random token in
//! `x-ansinh-token` and be `application/json`: a web page in the officer's browser can neither
//! guess the token nor send that header across origins without a CORS preflight, which this
//! server never grants. It is not the sync server (`ansinh-server`), and no installer ships it.

use crate::AppState;
use crate::commands::{call, imports::PICKED_FILE_BYTES};
use ansinh_core::ErrorCode;
use ansinh_core::auth::denied;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use std::net::SocketAddr;
use std::sync::Arc;

/// The header that carries the token.
pub const TOKEN_HEADER: &str = "x-ansinh-token";

struct Shared {
    state: AppState,
    token: String,
}

/// The routes over `state`; requests must carry `token`.
pub fn router(state: AppState, token: String) -> Router {
    // A picked file travels as a JSON array of byte values: up to four characters per byte.
    let limit = usize::try_from(PICKED_FILE_BYTES * 4 + 1024 * 1024).unwrap_or(usize::MAX);
    Router::new()
        .route("/call/{command}", post(handle))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(Shared { state, token }))
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token_ok = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()) == Some(shared.token.as_str());
    if !token_ok {
        let e = denied(ErrorCode::AuthRequired, "this development server needs its token");
        return (StatusCode::UNAUTHORIZED, Json(e)).into_response();
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let args = if body.is_empty() {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let e = ansinh_core::AppError::field("args", ErrorCode::RequestInvalid, format!("not JSON: {e}"));
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response();
            }
        }
    };
    match call(&shared.state, &command, args).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response(),
    }
}

/// Serves until the process ends. `port` 0 takes a free one; `ready` is told the address.
pub async fn serve(state: AppState, port: u16, token: String, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(state, token)).await
}
