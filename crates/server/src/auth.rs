//! Every request is signed by an enrolled device (docs/EXCHANGE.md, "Server"). The middleware
//! checks, cheapest first and before the body is read where it can: the four headers are there
//! and well formed (else 401), the time is within 5 minutes of ours (401), the device is
//! enrolled and not revoked (403); then, with the body read under the size cap, the signature by
//! the key enrolled for that device (401) and that this signature was not seen before (401).
//! The handler gets the enrolled device as an extension ([`Caller`]).

use crate::RecordStore;
use crate::devices::Device;
use crate::http::{App, api_error, refusal};
use ansinh_core::ErrorCode;
use ansinh_exchange::{
    DEVICE_HEADER, NONCE_HEADER, REQUEST_WINDOW_SECS, RequestSignature, SIGNATURE_HEADER, TIME_HEADER, verify_request,
};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

/// The enrolled device a request was verified for.
#[derive(Debug, Clone)]
pub struct Caller(pub Device);

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn credentials(headers: &HeaderMap) -> Option<RequestSignature> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let device_id = text(DEVICE_HEADER)?;
    let signature = text(SIGNATURE_HEADER)?;
    let nonce = text(NONCE_HEADER)?;
    // A UUID, 16 and 64 bytes of hex: nothing longer is looked up or kept.
    if device_id.len() > 64 || nonce.len() != 32 || signature.len() != 128 {
        return None;
    }
    Some(RequestSignature {
        device_id: device_id.to_string(),
        time: text(TIME_HEADER)?.parse().ok()?,
        nonce: nonce.to_string(),
        signature: signature.to_string(),
    })
}

pub(crate) async fn authenticate<S: RecordStore>(
    State(app): State<Arc<App<S>>>,
    request: Request,
    next: Next,
) -> Response {
    let unauthorised = |code: ErrorCode, message: &str| refusal(StatusCode::UNAUTHORIZED, code, message);
    let forbidden = |code: ErrorCode, message: &str| refusal(StatusCode::FORBIDDEN, code, message);
    let (parts, body) = request.into_parts();
    let Some(sig) = credentials(&parts.headers) else {
        return unauthorised(ErrorCode::ServerNoCredentials, "the request is not signed by a device");
    };
    let now = unix_now();
    if sig.time.abs_diff(now) > REQUEST_WINDOW_SECS as u64 {
        return unauthorised(
            ErrorCode::ServerStaleTime,
            "the request's time is more than 5 minutes from the server's clock",
        );
    }
    let device = match app.store.device(&sig.device_id).await {
        Ok(Some(d)) => d,
        Ok(None) => return forbidden(ErrorCode::ServerUnknownDevice, "this device is not enrolled on the server"),
        Err(e) => return api_error(e).into_response(),
    };
    if let Err(e) = device.check_active() {
        return refusal(StatusCode::FORBIDDEN, e.code(), &e.to_string());
    }
    // Read under DefaultBodyLimit (413 past it), then hand the bytes on to the handler.
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(b) => b,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::ServerTooLarge,
                "the request body is over the server's limit",
            );
        }
        Err(rejection) => return rejection.into_response(),
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let Ok(signature) = verify_request(&device.signing_key, &sig, parts.method.as_str(), path, &body) else {
        return unauthorised(ErrorCode::ServerBadSignature, "the request's signature does not match the enrolled key");
    };
    match app.replays.lock().expect("replay guard").admit(signature, sig.time + REQUEST_WINDOW_SECS, now) {
        Admit::New => {}
        Admit::Seen => return unauthorised(ErrorCode::ServerReplayed, "this signed request was already received"),
        Admit::Full => {
            return refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::ServerBusy,
                "too many requests at once: try again",
            );
        }
    }
    let mut request = Request::from_parts(parts, Body::from(body));
    request.extensions_mut().insert(Caller(device));
    next.run(request).await
}

pub(crate) enum Admit {
    New,
    Seen,
    /// As many signatures as the guard may hold are still inside their window.
    Full,
}

/// The signatures of the last 5 minutes: a request is accepted once. Bounded: an entry leaves
/// when its time window has passed (a replay after that is refused as stale), and past
/// `capacity` live entries new requests wait (503) rather than let a replay through.
pub(crate) struct ReplayGuard {
    capacity: usize,
    seen: HashSet<[u8; 64]>,
    /// (expiry, signature), oldest first.
    expiry: BTreeSet<(i64, [u8; 64])>,
}

impl ReplayGuard {
    pub(crate) fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard { capacity, seen: HashSet::new(), expiry: BTreeSet::new() }
    }

    pub(crate) fn admit(&mut self, signature: [u8; 64], expires: i64, now: i64) -> Admit {
        while let Some(&(at, sig)) = self.expiry.first() {
            if at >= now {
                break;
            }
            self.expiry.pop_first();
            self.seen.remove(&sig);
        }
        if self.seen.contains(&signature) {
            return Admit::Seen;
        }
        if self.seen.len() >= self.capacity {
            return Admit::Full;
        }
        self.seen.insert(signature);
        self.expiry.insert((expires, signature));
        Admit::New
    }
}

pub(crate) type Replays = Mutex<ReplayGuard>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_admitted_once_within_its_window_and_memory_stays_bounded() {
        let mut g = ReplayGuard::new(2);
        let (a, b, c) = ([1u8; 64], [2u8; 64], [3u8; 64]);
        assert!(matches!(g.admit(a, 100, 0), Admit::New));
        assert!(matches!(g.admit(a, 100, 50), Admit::Seen));
        assert!(matches!(g.admit(b, 200, 50), Admit::New));
        // Full of live signatures: refused rather than forgetting one.
        assert!(matches!(g.admit(c, 200, 60), Admit::Full));
        assert!(matches!(g.admit(a, 100, 99), Admit::Seen));
        // a's window has passed: it leaves (a replay of it is stale by then), c fits.
        assert!(matches!(g.admit(c, 300, 101), Admit::New));
        assert_eq!((g.seen.len(), g.expiry.len()), (2, 2));
    }
}
