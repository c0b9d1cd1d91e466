//! Test helpers: the exchange tests' simulated desktops, a fresh PostgreSQL schema per test,
//! a server on loopback, enrolment from a desk's public-key file and hand-signed requests.
#![allow(dead_code)]

#[path = "../../../exchange/tests/common/mod.rs"]
pub mod desks;

use ansinh_core::ErrorCode;
use ansinh_exchange::DeviceKeys;
use ansinh_server::http::{self, Limits};
use ansinh_server::{Device, DeviceRegistry, Enrolment, PgRecords, RecordStore, SqliteRecords};
use desks::Desk;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;

/// A PostgreSQL store in a schema of its own, or `None` (skipped) when no server is configured.
/// Under scripts/test.sh (`ANSINH_REQUIRE_PG=1`) a missing server is a failure, never a skip.
pub async fn pg() -> Option<PgRecords> {
    Some(PgRecords::connect(pg_options().await?).await.unwrap())
}

/// The connection options of a fresh, empty schema (see [`pg`]).
pub async fn pg_options() -> Option<PgConnectOptions> {
    let Ok(url) = std::env::var("ANSINH_TEST_PG_URL") else {
        if std::env::var("ANSINH_REQUIRE_PG").as_deref() == Ok("1") {
            panic!(
                "ANSINH_REQUIRE_PG=1 but ANSINH_TEST_PG_URL is unset: scripts/test.sh starts PostgreSQL and sets it"
            );
        }
        eprintln!("SKIPPED: this PostgreSQL test needs ANSINH_TEST_PG_URL=postgres://... (scripts/test.sh starts one)");
        return None;
    };
    let base = PgConnectOptions::from_str(&url).expect("ANSINH_TEST_PG_URL");
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect_with(base.clone()).await.expect("connect to ANSINH_TEST_PG_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
    admin.close().await;
    Some(base.options([("search_path", schema.as_str())]))
}

/// A central store on a fresh SQLite file (kept alive by the returned directory).
pub async fn sqlite() -> (SqliteRecords, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = ansinh_store::Store::open(&dir.path().join("central.db")).await.unwrap();
    (SqliteRecords::open(store).await.unwrap(), dir)
}

/// Serves `store` on a loopback port with the default limits; returns its base URL.
pub async fn spawn<S: RecordStore>(store: S) -> String {
    spawn_with(store, Limits::default()).await
}

pub async fn spawn_with<S: RecordStore>(store: S, limits: Limits) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(http::serve_with(listener, store, limits));
    format!("http://{addr}")
}

/// The public-key file `ansinh keys export-public` writes for this desk, naming `ward`.
pub fn key_file(desk: &Desk, ward: &str) -> String {
    serde_json::to_string(&desk.keys.public(ward)).unwrap()
}

/// Enrols the desk as a device of `ward`.
pub async fn enrol<R: DeviceRegistry>(registry: &R, desk: &Desk, ward: &str) -> Device {
    registry.enrol(&Enrolment::from_public_keys(&key_file(desk, ward), false).unwrap()).await.unwrap()
}

/// Enrols the desk as the city office.
pub async fn enrol_city<R: DeviceRegistry>(registry: &R, desk: &Desk) -> Device {
    registry.enrol(&Enrolment::from_public_keys(&key_file(desk, ""), true).unwrap()).await.unwrap()
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A request signed by `keys` at `time` (the path is signed exactly as written, query included).
pub fn signed(
    keys: &DeviceKeys,
    method: reqwest::Method,
    base: &str,
    path: &str,
    body: Vec<u8>,
    time: i64,
) -> reqwest::RequestBuilder {
    let sig = ansinh_exchange::sign_request(keys, method.as_str(), path, time, &body);
    let mut r = reqwest::Client::new().request(method, format!("{base}{path}"));
    for (name, value) in sig.headers() {
        r = r.header(name, value);
    }
    r.header("content-type", "application/json").body(body)
}

/// A signed GET now.
pub async fn get(keys: &DeviceKeys, base: &str, path: &str) -> reqwest::Response {
    signed(keys, reqwest::Method::GET, base, path, Vec::new(), now()).send().await.unwrap()
}

/// A signed POST of `body` (JSON) now.
pub async fn post<T: serde::Serialize>(keys: &DeviceKeys, base: &str, path: &str, body: &T) -> reqwest::Response {
    signed(keys, reqwest::Method::POST, base, path, serde_json::to_vec(body).unwrap(), now()).send().await.unwrap()
}

/// The refusal code of a response (asserting its status).
pub async fn refused(resp: reqwest::Response, status: u16) -> ErrorCode {
    assert_eq!(resp.status().as_u16(), status, "{:?}", resp.headers());
    resp.json::<http::Refusal>().await.unwrap().code
}
