//! Test helpers: the exchange tests' simulated desktops, a fresh PostgreSQL schema per test,
//! and a server on loopback.
#![allow(dead_code)]

#[path = "../../../exchange/tests/common/mod.rs"]
pub mod desks;

use ansinh_server::{PgRecords, RecordStore, SqliteRecords, http};
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;

/// A PostgreSQL store in a schema of its own, or `None` (skipped) when no server is configured.
/// Under scripts/test.sh (`ANSINH_REQUIRE_PG=1`) a missing server is a failure, never a skip.
pub async fn pg() -> Option<PgRecords> {
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
    Some(PgRecords::connect(base.options([("search_path", schema.as_str())])).await.unwrap())
}

/// A central store on a fresh SQLite file (kept alive by the returned directory).
pub async fn sqlite() -> (SqliteRecords, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = ansinh_store::Store::open(&dir.path().join("central.db")).await.unwrap();
    (SqliteRecords { store }, dir)
}

/// Serves `store` on a loopback port; returns its base URL.
pub async fn spawn<S: RecordStore>(store: S) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(http::serve(listener, store));
    format!("http://{addr}")
}
