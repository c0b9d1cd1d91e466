//! The desktop side of online sync (`ansinh sync --server URL`, the app's sync button): push this device's records
//! the server does not have yet, then pull, page by page, every series this device may read past
//! what this desktop holds and apply it with the normal import (same merge, same review items).
//! Every request is signed with the desktop's key (`ansinh_exchange::sign_request`); what the
//! server answers is read up to a cap. Offline, nothing changes: the next sync picks up from the
//! server's heads.

use crate::wire::{AppendReport, RecordsPage, Refusal, ServerHead};
use ansinh_core::ErrorCode;
use ansinh_core::{AppError, FieldError};
use ansinh_exchange::{DeviceKeys, ExchangeError, sign_batch, sign_request};
use ansinh_store::{ApplyReport, BundleOrigin, Gap, Store, StoreError};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Records per pushed batch: keeps one request (and one server transaction) bounded.
const BATCH: usize = 5000;
/// The most this client reads of one answer (a page of 5 000 records is about 5 MB).
pub const RESPONSE_CAP: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot reach the server: {0}")]
    Network(#[from] reqwest::Error),
    #[error("not a server address: {0}")]
    BadUrl(String),
    #[error("{0}: plain http:// only to this computer (loopback); use https://")]
    InsecureUrl(String),
    #[error("the server did not accept this desktop's signature: {} ({})", .0.message, .0.code)]
    Unauthorised(Refusal),
    #[error("the server refused this desktop: {} ({})", .0.message, .0.code)]
    Forbidden(Refusal),
    #[error("the server refused: {} ({})", .0.message, .0.code)]
    Refused(Refusal),
    #[error("the server's answer is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the server's answer cannot be used: {0}")]
    BadAnswer(String),
    #[error("the server is missing records of this desktop before #{}", .0.expected_seq)]
    Gap(Gap),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        let server = |code: ErrorCode, message: String| AppError::Conflict(FieldError::new("server", code, message));
        // 401 and 403 keep the server's own reason (`server.revoked_device`...) as a parameter.
        let refused = |code: ErrorCode, r: Refusal| {
            AppError::Conflict(FieldError::new("server", code, r.message).param("reason", r.code))
        };
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::Exchange(x) => x.into(),
            SyncError::Network(n) => server(ErrorCode::SyncNetwork, n.to_string()),
            SyncError::BadUrl(u) => server(ErrorCode::SyncBadUrl, format!("not a server address: {u}")),
            e @ SyncError::InsecureUrl(_) => server(ErrorCode::SyncInsecureUrl, e.to_string()),
            SyncError::Unauthorised(r) => refused(ErrorCode::SyncUnauthorised, r),
            SyncError::Forbidden(r) => refused(ErrorCode::SyncForbidden, r),
            SyncError::Refused(r) => server(r.code, r.message),
            e @ (SyncError::TooLarge(_) | SyncError::BadAnswer(_)) => server(ErrorCode::SyncBadAnswer, e.to_string()),
            SyncError::Gap(g) => AppError::Conflict(
                FieldError::new(
                    "server",
                    ErrorCode::ExchangeGap,
                    "the server is missing earlier records of this desktop",
                )
                .param("expected_seq", g.expected_seq.to_string()),
            ),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SyncReport {
    /// This device's records the server stored.
    pub pushed: usize,
    /// Other devices' records received and applied here.
    pub pulled: ApplyReport,
}

/// The server's refusal. One with a code this desktop does not know (a newer server) reads as
/// `sync.http`, keeping the server's code and message in the message; no refusal at all, too.
fn refusal_of(body: &[u8], status: StatusCode) -> Refusal {
    #[derive(serde::Deserialize)]
    struct Sent {
        code: String,
        message: String,
    }
    match serde_json::from_slice::<Sent>(body) {
        Ok(sent) => match sent.code.parse() {
            Ok(code) => Refusal { code, message: sent.message },
            Err(_) => Refusal {
                code: ErrorCode::SyncHttp,
                message: format!("HTTP {status}: {} [{}]", sent.message, sent.code),
            },
        },
        Err(_) => Refusal { code: ErrorCode::SyncHttp, message: format!("HTTP {status}") },
    }
}

/// `https://` anywhere; plain `http://` only to this computer (127.0.0.0/8, ::1, localhost),
/// where nothing crosses a network (the tests, or a tunnel's local end).
pub fn server_url(base: &str) -> Result<Url, SyncError> {
    let url = Url::parse(base.trim()).map_err(|_| SyncError::BadUrl(base.to_string()))?;
    // A name or password in the address would be kept in the sync status and the audit log.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SyncError::BadUrl("an address with a name or password in it".into()));
    }
    let loopback = match url.host_str() {
        Some(h) if h.eq_ignore_ascii_case("localhost") => true,
        Some(h) => {
            h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
        }
        None => return Err(SyncError::BadUrl(base.to_string())),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(SyncError::InsecureUrl(base.to_string())),
        _ => Err(SyncError::BadUrl(base.to_string())),
    }
}

/// The server, as this desktop talks to it: every request signed, every answer capped.
struct Server<'a> {
    http: reqwest::Client,
    base: Url,
    keys: &'a DeviceKeys,
}

impl Server<'_> {
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<T, SyncError> {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{path}", self.base.path().trim_end_matches('/')));
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        // What the server sees as the request target: the path and query exactly as sent.
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let time = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let sig = sign_request(self.keys, method.as_str(), &target, time, &body);
        let mut request = self.http.request(method, url);
        for (name, value) in sig.headers() {
            request = request.header(name, value);
        }
        if !body.is_empty() {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        }
        let mut resp = request.send().await?;
        let status = resp.status();
        if resp.content_length().is_some_and(|n| n > RESPONSE_CAP as u64) {
            return Err(SyncError::TooLarge(RESPONSE_CAP));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if bytes.len() + chunk.len() > RESPONSE_CAP {
                return Err(SyncError::TooLarge(RESPONSE_CAP));
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| SyncError::BadAnswer(e.to_string()));
        }
        let refusal = refusal_of(&bytes, status);
        Err(match status {
            StatusCode::UNAUTHORIZED => SyncError::Unauthorised(refusal),
            StatusCode::FORBIDDEN => SyncError::Forbidden(refusal),
            _ => SyncError::Refused(refusal),
        })
    }
}

/// One sync round with the server at `base` (`https://host`, or `http://127.0.0.1:port`).
pub async fn sync(store: &Store, keys: &DeviceKeys, base: &str) -> Result<SyncReport, SyncError> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(120))
        .build()?;
    let server = Server { http, base: server_url(base)?, keys };
    let mut report = SyncReport::default();

    let heads: Vec<ServerHead> = server.call(Method::GET, "/v1/heads", &[], Vec::new()).await?;
    let mut at = heads.iter().find(|h| h.device_id == keys.device_id).map_or(0, |h| h.last_seq);
    loop {
        let mut records = store.changes_since(&keys.device_id, at).await?;
        if records.is_empty() {
            break;
        }
        records.truncate(BATCH);
        at = records.last().map_or(at, |r| r.seq);
        let batch = serde_json::to_vec(&sign_batch(store, keys, records).await?).expect("a batch serialises");
        let done: AppendReport = server.call(Method::POST, "/v1/records", &[], batch).await?;
        if let Some(g) = done.gaps.into_iter().next() {
            return Err(SyncError::Gap(g));
        }
        report.pushed += done.applied;
    }

    // Pages until the server says no more; each asks past what the previous one brought.
    let mut since: BTreeMap<String, i64> =
        store.series_heads().await?.into_iter().map(|h| (h.device_id, h.last_seq)).collect();
    loop {
        let text: Vec<String> = since.iter().map(|(d, s)| format!("{d}:{s}")).collect();
        let page: RecordsPage =
            server.call(Method::GET, "/v1/records", &[("since", &text.join(","))], Vec::new()).await?;
        let mut moved = false;
        for s in page.series {
            // A server reply is checked like a bundle: only shipped entities, then the import's checks.
            let records = ansinh_store::WireRecord::check_all(s.records)?;
            if records.iter().any(|r| r.device_id != s.device_id) {
                return Err(SyncError::BadAnswer(format!(
                    "records of another device in the series of {}",
                    s.device_id
                )));
            }
            let (Some(first), Some(last)) = (records.first(), records.last()) else { continue };
            let from = since.get(&s.device_id).copied().unwrap_or(0);
            if first.seq <= from || last.seq <= from {
                return Err(SyncError::BadAnswer(format!("records of {} not after #{from}", s.device_id)));
            }
            since.insert(s.device_id.clone(), last.seq);
            moved = true;
            if s.device_id == keys.device_id {
                continue;
            }
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
        if !page.more {
            break;
        }
        if !moved {
            return Err(SyncError::BadAnswer("a page that brings nothing says there is more".into()));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_computer() {
        for ok in [
            "https://ansinh.example",
            "https://ansinh.example:8443/sync/",
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://localhost:8080",
            "http://LOCALHOST",
        ] {
            assert!(server_url(ok).is_ok(), "{ok}");
        }
        for insecure in ["http://ansinh.example", "http://127.0.0.1.example", "http://0.0.0.0", "http://[::2]:80"] {
            let e = server_url(insecure).unwrap_err();
            assert_eq!(AppError::from(e).code(), ErrorCode::SyncInsecureUrl, "{insecure}");
        }
        for bad in ["ansinh.example", "ftp://ansinh.example", "file:///etc/passwd", "", "https://u:p@ansinh.example"] {
            let e = server_url(bad).unwrap_err();
            assert_eq!(AppError::from(e).code(), ErrorCode::SyncBadUrl, "{bad}");
        }
    }
}
