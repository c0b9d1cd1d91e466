//! The server's locks, on SQLite and on PostgreSQL, tried as an attacker would: unsigned,
//! garbled, wrongly signed, stale and replayed requests (401); unknown and revoked devices and
//! batches of another device (403); a ward reading another ward's series; paging; a body over
//! the cap (413) and clients too slow to send their request.

mod support;
use ansinh_core::ErrorCode;
use ansinh_exchange::{Manifest, RequestSignature, SignedBatch, sign_batch, sign_request};
use ansinh_server::http::Limits;
use ansinh_server::{DeviceRegistry, RecordStore, RecordsPage, Scope, ServerHead};
use ansinh_store::ChangeRecord;
use ansinh_sync::sync;
use reqwest::Method;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use support::desks::Desk;
use support::{enrol, enrol_city, get, now, post, refused, signed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a request with exactly these headers (nothing signed by the test's helpers).
async fn raw(base: &str, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> reqwest::Response {
    let mut r = reqwest::Client::new().post(format!("{base}{path}")).body(body);
    for (k, v) in headers {
        r = r.header(*k, v);
    }
    r.send().await.unwrap()
}

fn headers(sig: &RequestSignature) -> Vec<(&'static str, String)> {
    sig.headers().to_vec()
}

/// A signed batch built from the documented format alone: `manifest` as JSON, signed by the
/// Ed25519 key held in `signer`'s database under `ansinh-batch-v1\0`, with `records`.
async fn forged_batch(signer: &Desk, device_id: &str, records: Vec<ChangeRecord>) -> SignedBatch {
    use ed25519_dalek::Signer;
    use sha2::{Digest, Sha256};
    let secret = signer.store.setting("exchange.signing_key").await.unwrap().unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&hex::decode(secret).unwrap().try_into().unwrap());
    let mut lines = Vec::new();
    let mut counts = BTreeMap::new();
    for r in &records {
        lines.extend(serde_json::to_vec(r).unwrap());
        lines.push(b'\n');
        *counts.entry(r.entity.name().to_string()).or_default() += 1;
    }
    let manifest = Manifest {
        format: 1,
        schema_version: records[0].schema_version,
        device_id: device_id.to_string(),
        ward: "00008".into(),
        signing_key: hex::encode(key.verifying_key().to_bytes()),
        first_seq: records[0].seq,
        last_seq: records[records.len() - 1].seq,
        records: records.len(),
        counts,
        payload_hash: hex::encode(Sha256::digest(&lines)),
        created_at: "2026-11-26T00:00:00Z".into(),
        audit: None,
    };
    let manifest_json = serde_json::to_string(&manifest).unwrap();
    let signature = hex::encode(key.sign(&[&b"ansinh-batch-v1\0"[..], manifest_json.as_bytes()].concat()).to_bytes());
    SignedBatch { manifest, manifest_json, signature, records: records.into_iter().map(Into::into).collect() }
}

fn device_ids(heads: &[ServerHead]) -> BTreeSet<String> {
    heads.iter().map(|h| h.device_id.clone()).collect()
}

/// The heads this desk may read, as the server answers them.
async fn heads(d: &Desk, base: &str) -> Vec<ServerHead> {
    get(&d.keys, base, "/v1/heads").await.json().await.unwrap()
}

async fn locks<S: RecordStore>(server: S) {
    let server = Arc::new(server);
    let base = &support::spawn(server.clone()).await;
    let (w1, w2, city, stranger, gone) =
        (Desk::new().await, Desk::new().await, Desk::new().await, Desk::new().await, Desk::new().await);
    enrol(&server, &w1, "00004").await;
    enrol(&server, &w2, "00008").await;
    enrol_city(&server, &city).await;
    enrol(&server, &gone, "00004").await;
    let x = w1.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    w1.pay(&x, "2026-10").await;
    w1.person("Hoàng Thị Yến", 1941, 102, "00004").await;
    w2.person("Đặng Thị Lan", 1943, 201, "00008").await;
    w2.person("Bùi Thị Mai", 1944, 202, "00008").await;
    city.person("Mai Thị Nga", 1942, 501, "00082").await;
    gone.person("Vũ Thị Hạnh", 1945, 777, "00004").await;
    for d in [&w1, &w2, &city, &gone] {
        assert!(sync(&d.store, &d.keys, base).await.unwrap().pushed > 0);
    }
    server.revoke(&gone.keys.device_id).await.unwrap();
    let all = server.heads(&Scope::All).await.unwrap();
    assert_eq!(all.len(), 4);

    // 401: no credentials (any path), garbled ones, a bad signature, a stale time, a replay.
    let plain = reqwest::Client::new();
    for path in ["/v1/heads", "/v1/records", "/nowhere"] {
        let resp = plain.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(refused(resp, 401).await, ErrorCode::ServerNoCredentials, "{path}");
    }
    let good = sign_request(&w1.keys, "POST", "/v1/records", now(), b"{}");
    let garbled = [
        RequestSignature { signature: "zz".into(), ..good.clone() },
        RequestSignature { nonce: "short".into(), ..good.clone() },
        RequestSignature { device_id: "x".repeat(100), ..good.clone() },
    ];
    for sig in &garbled {
        assert_eq!(
            refused(raw(base, "/v1/records", &headers(sig), b"{}".to_vec()).await, 401).await,
            ErrorCode::ServerNoCredentials
        );
    }
    let mut no_time = headers(&good);
    no_time[1].1 = "soon".into();
    assert_eq!(
        refused(raw(base, "/v1/records", &no_time, b"{}".to_vec()).await, 401).await,
        ErrorCode::ServerNoCredentials
    );
    // w2's signature presented as w1's; w1's signature over another body.
    let as_w1 = RequestSignature {
        device_id: w1.keys.device_id.clone(),
        ..sign_request(&w2.keys, "POST", "/v1/records", now(), b"{}")
    };
    assert_eq!(
        refused(raw(base, "/v1/records", &headers(&as_w1), b"{}".to_vec()).await, 401).await,
        ErrorCode::ServerBadSignature
    );
    assert_eq!(
        refused(raw(base, "/v1/records", &headers(&good), b"{ }".to_vec()).await, 401).await,
        ErrorCode::ServerBadSignature
    );
    for skew in [-301, 301] {
        let resp = signed(&w1.keys, Method::GET, base, "/v1/heads", Vec::new(), now() + skew).send().await.unwrap();
        assert_eq!(refused(resp, 401).await, ErrorCode::ServerStaleTime);
    }
    let once = signed(&w1.keys, Method::GET, base, "/v1/heads", Vec::new(), now());
    let again = once.try_clone().unwrap();
    assert_eq!(once.send().await.unwrap().status(), 200);
    assert_eq!(refused(again.send().await.unwrap(), 401).await, ErrorCode::ServerReplayed);

    // 403: a device not enrolled, a revoked one (even signing correctly).
    assert_eq!(refused(get(&stranger.keys, base, "/v1/heads").await, 403).await, ErrorCode::ServerUnknownDevice);
    assert_eq!(refused(get(&gone.keys, base, "/v1/records").await, 403).await, ErrorCode::ServerRevokedDevice);
    gone.person("Lý Thị Oanh", 1946, 778, "00004").await;
    let e = sync(&gone.store, &gone.keys, base).await.unwrap_err();
    assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::SyncForbidden);
    let e = sync(&stranger.store, &stranger.keys, base).await.unwrap_err();
    assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::SyncForbidden);

    // 403: batches that are not the caller's own series, signed with its enrolled key: w2's
    // genuine batch pushed by w1; w2's records in a manifest that w1 signed for w2's device;
    // w1's own records signed by the stranger's key.
    let before = server.heads(&Scope::All).await.unwrap();
    let r2 = w2.store.changes_since(&w2.keys.device_id, 0).await.unwrap();
    let r1 = w1.store.changes_since(&w1.keys.device_id, 0).await.unwrap();
    let theirs = sign_batch(&w2.store, &w2.keys, r2.clone()).await.unwrap();
    let forged = forged_batch(&w1, &w2.keys.device_id, r2.clone()).await;
    let foreign_key = forged_batch(&stranger, &w1.keys.device_id, r1.clone()).await;
    for batch in [&theirs, &forged, &foreign_key] {
        assert_eq!(refused(post(&w1.keys, base, "/v1/records", batch).await, 403).await, ErrorCode::ServerForeignBatch);
    }
    assert_eq!(server.heads(&Scope::All).await.unwrap(), before);

    // Reads by role: a ward sees its ward's series (a revoked device's included), the city all.
    let ids = |ds: &[&Desk]| ds.iter().map(|d| d.keys.device_id.clone()).collect::<BTreeSet<_>>();
    assert_eq!(device_ids(&heads(&w1, base).await), ids(&[&w1, &gone]));
    assert_eq!(device_ids(&heads(&w2, base).await), ids(&[&w2]));
    assert_eq!(device_ids(&heads(&city, base).await), ids(&[&w1, &w2, &city, &gone]));
    // Naming another ward's device in `since` does not reach it.
    let path = format!("/v1/records?since={}:0", w2.keys.device_id);
    let page: RecordsPage = get(&w1.keys, base, &path).await.json().await.unwrap();
    let got: BTreeSet<String> = page.series.iter().map(|s| s.device_id.clone()).collect();
    assert_eq!(got, ids(&[&w1, &gone]));
    assert!(page.series.iter().flat_map(|s| &s.records).all(|r| r.device_id != w2.keys.device_id));
    let w1_sees = Desk::new().await;
    enrol(&server, &w1_sees, "00004").await;
    sync(&w1_sees.store, &w1_sees.keys, base).await.unwrap();
    assert_eq!(w1_sees.store.count_beneficiaries().await.unwrap(), 3);

    // Paging: two records a page, everything exactly once, in series order.
    let mut expected = Vec::new();
    for h in &all {
        expected.extend(server.since(&h.device_id, 0, 5000).await.unwrap());
    }
    let mut since: BTreeMap<String, i64> = BTreeMap::new();
    let mut got = Vec::new();
    let mut pages = 0;
    loop {
        let text: Vec<String> = since.iter().map(|(d, s)| format!("{d}:{s}")).collect();
        let page: RecordsPage =
            get(&city.keys, base, &format!("/v1/records?since={}&limit=2", text.join(","))).await.json().await.unwrap();
        pages += 1;
        let n: usize = page.series.iter().map(|s| s.records.len()).sum();
        assert!(n <= 2 && (n == 2 || !page.more), "{n} {}", page.more);
        for s in page.series {
            since.insert(s.device_id.clone(), s.records.last().unwrap().seq);
            got.extend(s.records);
        }
        if !page.more {
            break;
        }
    }
    assert_eq!(got, expected.iter().cloned().map(ansinh_store::WireRecord::from).collect::<Vec<_>>());
    assert_eq!(pages, expected.len().div_ceil(2));
    for bad in ["0", "-1", "many"] {
        let resp = get(&city.keys, base, &format!("/v1/records?limit={bad}")).await;
        assert_eq!(refused(resp, 400).await, ErrorCode::ServerBadLimit);
    }
    let page: RecordsPage = get(&city.keys, base, "/v1/records?limit=999999").await.json().await.unwrap();
    assert!(!page.more && page.series.iter().map(|s| s.records.len()).sum::<usize>() == expected.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_server_locks_hold() {
    let (s, _dir) = support::sqlite().await;
    locks(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_server_locks_hold() {
    let Some(s) = support::pg().await else { return };
    locks(s).await;
}

/// The sync client follows pages: a server that sends three records a page still brings a new
/// city desktop every record, each once, and the same database as reading them in one page.
async fn paged_sync<S: RecordStore>(server: S) {
    let server = Arc::new(server);
    let small = &support::spawn_with(server.clone(), Limits { page_records: 3, ..Limits::default() }).await;
    let whole = &support::spawn(server.clone()).await;
    let (w1, w2) = (Desk::new().await, Desk::new().await);
    enrol(&server, &w1, "00004").await;
    enrol(&server, &w2, "00008").await;
    for (i, name) in ["Nguyễn Thị Xuân", "Hoàng Thị Yến", "Đặng Thị Lan", "Bùi Thị Mai"].into_iter().enumerate()
    {
        let p = w1.person(name, 1940, 101 + i as u32, "00004").await;
        w1.pay(&p, "2026-10").await;
        w2.person(name, 1941, 201 + i as u32, "00008").await;
    }
    sync(&w1.store, &w1.keys, small).await.unwrap();
    sync(&w2.store, &w2.keys, small).await.unwrap();
    let total = w1.store.changes_since(&w1.keys.device_id, 0).await.unwrap().len()
        + w2.store.changes_since(&w2.keys.device_id, 0).await.unwrap().len();
    assert!(total > 6, "{total}");
    let (paged, once) = (Desk::new().await, Desk::new().await);
    enrol_city(&server, &paged).await;
    enrol_city(&server, &once).await;
    let r = sync(&paged.store, &paged.keys, small).await.unwrap();
    assert_eq!((r.pulled.received, r.pulled.applied, r.pulled.already_had), (total, total, 0));
    let r = sync(&once.store, &once.keys, whole).await.unwrap();
    assert_eq!(r.pulled.applied, total);
    assert_eq!(paged.dump().await, once.dump().await);
    assert_eq!(paged.store.count_beneficiaries().await.unwrap(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sync_follows_pages() {
    let (s, _dir) = support::sqlite().await;
    paged_sync(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sync_follows_pages() {
    let Some(s) = support::pg().await else { return };
    paged_sync(s).await;
}

/// A body over the cap is refused (413) without reading it all, and the server goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_cap_is_refused_and_the_server_goes_on() {
    let (s, _dir) = support::sqlite().await;
    let s = Arc::new(s);
    let base = &support::spawn_with(s.clone(), Limits { body_bytes: 64 << 10, ..Limits::default() }).await;
    let w = Desk::new().await;
    enrol(&s, &w, "00004").await;
    let big = vec![b' '; 200 << 10];
    let resp = signed(&w.keys, Method::POST, base, "/v1/records", big, now()).send().await.unwrap();
    assert_eq!(refused(resp, 413).await, ErrorCode::ServerTooLarge);
    // Without a Content-Length (chunked), the cap holds while reading: 413, or the connection
    // closed under the sender's feet; never the whole body read and answered (it would be a 400).
    let body = vec![b' '; 50 * (8 << 10)];
    let sig = sign_request(&w.keys, "POST", "/v1/records", now(), &body);
    let mut head = "POST /v1/records HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n".to_string();
    for (k, v) in sig.headers() {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut sent = 0;
    for chunk in body.chunks(8 << 10) {
        let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
        c.extend_from_slice(chunk);
        c.extend_from_slice(b"\r\n");
        if stream.write_all(&c).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let said = String::from_utf8_lossy(&until_closed(&mut stream).await).into_owned();
    assert!(said.starts_with("HTTP/1.1 413") || (said.is_empty() && sent < body.len()), "{sent}: {said}");
    assert_eq!(get(&w.keys, base, "/v1/heads").await.status(), 200);
}

/// Reads what the server sends until it closes the connection (bounded by `guard`, which only
/// keeps a broken server from hanging the test).
async fn until_closed(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let guard = Duration::from_secs(120);
    let _ = tokio::time::timeout(guard, stream.read_to_end(&mut out)).await.expect("the server closes the connection");
    out
}

/// A client that trickles its headers, or its body, or sends nothing, is cut off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_disconnected() {
    let (s, _dir) = support::sqlite().await;
    let s = Arc::new(s);
    let base = support::spawn_with(s.clone(), Limits { timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let addr = base.trim_start_matches("http://").to_string();
    let w = Desk::new().await;
    enrol(&s, &w, "00004").await;

    // Connected, silent.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    assert!(until_closed(&mut idle).await.is_empty());

    // Half the headers, then nothing more.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /v1/heads HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let said = until_closed(&mut slow).await;
    assert!(!String::from_utf8_lossy(&said).contains(" 200 "), "{}", String::from_utf8_lossy(&said));

    // A signed request whose body stops halfway: 408, then closed.
    let body = vec![b'{'; 1000];
    let sig = sign_request(&w.keys, "POST", "/v1/records", now(), &body);
    let mut head = format!("POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in sig.headers() {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut trickle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    trickle.write_all(head.as_bytes()).await.unwrap();
    trickle.write_all(&body[..10]).await.unwrap();
    let said = String::from_utf8_lossy(&until_closed(&mut trickle).await).into_owned();
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");

    // The server still answers a client that is not slow.
    assert_eq!(get(&w.keys, &base, "/v1/heads").await.status(), 200);
}
