//! The five-ward story merged at the city through the server, on PostgreSQL and on SQLite:
//! the same database and review items as merging the bundles; each ward reads its own ward only.
//! And what the HTTP API refuses.

mod support;
use ansinh_core::ErrorCode;
use ansinh_exchange::sign_batch;
use ansinh_server::RecordStore;
use ansinh_sync::sync;
use std::sync::Arc;
use support::desks::{Desk, five_wards};
use support::{enrol, enrol_city, post, refused};

type Item = (String, String, String, String, serde_json::Value);

async fn review(d: &Desk) -> Vec<Item> {
    let items = d.store.review_items(true).await.unwrap();
    items.into_iter().map(|i| (i.kind, i.entity, i.entity_id, i.other_id, i.sides)).collect()
}

async fn city_by_server_matches_city_by_bundles<S: RecordStore>(server: S) {
    let server = Arc::new(server);
    let base = &support::spawn(server.clone()).await;
    let city = Desk::new().await;
    let s = five_wards(&city).await;
    for (w, ward) in s.wards.iter().zip(["00004", "00004", "00025", "00070", "00082"]) {
        enrol(&server, w, ward).await;
    }
    for b in &s.bundles {
        if let Err(e) = city.import(b).await {
            assert_eq!(e.full_code(), ErrorCode::ExchangeReplayed);
        }
    }
    // Every ward syncs once (pushing its series, pulling whatever is there yet).
    for w in &s.wards {
        let r = sync(&w.store, &w.keys, base).await.unwrap();
        assert!(r.pushed > 0);
    }
    let online = Desk::new().await;
    enrol_city(&server, &online).await;
    let r = sync(&online.store, &online.keys, base).await.unwrap();
    assert!(r.pulled.applied > 0 && r.pulled.gaps.is_empty(), "{r:?}");
    assert_eq!(online.dump().await, city.dump().await);
    let items = review(&online).await;
    let kinds: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(kinds, ["conflict", "duplicate_person", "money_conflict"]);
    assert_eq!(items, review(&city).await);

    // A second round brings nothing new; the ward that synced first now gets its ward's other
    // desktop's series (Đặng Thị Lan), and nothing of the other wards.
    let again = sync(&online.store, &online.keys, base).await.unwrap();
    assert_eq!((again.pushed, again.pulled.applied), (0, 0));
    let w1 = &s.wards[0];
    let r = sync(&w1.store, &w1.keys, base).await.unwrap();
    assert!(r.pulled.applied > 0);
    assert_eq!(w1.store.count_beneficiaries().await.unwrap(), 3);
    let held: Vec<String> = w1.store.series_heads().await.unwrap().into_iter().map(|h| h.device_id).collect();
    let mut own_ward = vec![w1.keys.device_id.clone(), s.wards[1].keys.device_id.clone()];
    own_ward.sort();
    assert_eq!(held, own_ward);

    // The HTTP API refuses a batch whose signature does not cover what it carries.
    let records = w1.store.changes_since(&w1.keys.device_id, 0).await.unwrap();
    let mut batch = sign_batch(&w1.store, &w1.keys, records).await.unwrap();
    batch.records[0].officer = "someone else".into();
    assert_eq!(refused(post(&w1.keys, base, "/v1/records", &batch).await, 400).await, ErrorCode::ExchangeDamaged);
    batch.signature = "00".repeat(64);
    assert_eq!(refused(post(&w1.keys, base, "/v1/records", &batch).await, 400).await, ErrorCode::ExchangeBadSignature);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wards_through_the_server_on_postgres_match_the_bundles() {
    let Some(pg) = support::pg().await else { return };
    city_by_server_matches_city_by_bundles(pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wards_through_the_server_on_sqlite_match_the_bundles() {
    let (s, _dir) = support::sqlite().await;
    city_by_server_matches_city_by_bundles(s).await;
}

/// The client speaks HTTPS (rustls): a TLS URL with nothing behind it is a network error
/// the officer can read, not a crash; nothing changes on the desktop.
#[tokio::test]
async fn an_unreachable_https_server_is_a_network_error() {
    let ward = Desk::new().await;
    ward.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    let before = ward.dump().await;
    let e = sync(&ward.store, &ward.keys, "https://127.0.0.1:9").await.unwrap_err();
    assert!(matches!(e, ansinh_sync::SyncError::Network(_)), "{e:?}");
    assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::SyncNetwork);
    assert_eq!(ward.dump().await, before);
}

/// The sync status a desktop keeps (the app's sync page, `ansinh sync --status`): what waits to
/// be sent, the server and time of the last sync that went through, the last refusal until a
/// sync goes through again; and the records move both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_status_counts_what_waits_and_keeps_the_last_refusal() {
    let (s, _dir) = support::sqlite().await;
    let server = Arc::new(s);
    let base = support::spawn(server.clone()).await;
    let (ward, city) = (Desk::new().await, Desk::new().await);
    enrol(&server, &ward, "00004").await;
    enrol_city(&server, &city).await;
    ward.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    ward.person("Hoàng Thị Yến", 1941, 102, "00004").await;
    let fresh = ansinh_sync::status(&ward.store).await.unwrap();
    assert_eq!((fresh.server.as_str(), fresh.waiting, fresh.last_sync.is_none()), ("", 2, true));

    // No address yet: refused, and said so.
    let e = ansinh_sync::sync_now(&ward.store, &ward.keys, "").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SyncBadUrl);
    // Nothing listening: the refusal is kept; nothing was sent.
    let e = ansinh_sync::sync_now(&ward.store, &ward.keys, "http://127.0.0.1:9").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SyncNetwork);
    let failed = ansinh_sync::status(&ward.store).await.unwrap();
    assert_eq!(failed.last_error.as_ref().map(|f| f.code), Some(ErrorCode::SyncNetwork));
    assert_eq!((failed.waiting, failed.last_sync.is_none(), failed.last_attempt.is_some()), (2, true, true));

    // Through: nothing waits, the refusal is gone, the server is remembered.
    let done = ansinh_sync::sync_now(&ward.store, &ward.keys, &base).await.unwrap();
    assert_eq!(done.report.pushed, 2);
    assert_eq!((done.status.waiting, done.status.server.as_str()), (0, base.as_str()));
    assert!(done.status.last_sync.is_some() && done.status.last_error.is_none());
    // One more record waits until the next sync, which goes to the same server without naming it.
    ward.person("Đặng Thị Lan", 1943, 201, "00004").await;
    assert_eq!(ansinh_sync::status(&ward.store).await.unwrap().waiting, 1);
    // The city pulls the ward's two records; the ward's next sync pushes the third, which the
    // city's next sync brings.
    let at_city = ansinh_sync::sync_now(&city.store, &city.keys, &base).await.unwrap();
    assert_eq!(at_city.report.pulled.applied, 2);
    let again = ansinh_sync::sync_now(&ward.store, &ward.keys, "").await.unwrap();
    assert_eq!((again.report.pushed, again.status.waiting), (1, 0));
    assert_eq!(ansinh_sync::sync_now(&city.store, &city.keys, "").await.unwrap().report.pulled.applied, 1);
    assert_eq!(city.store.count_beneficiaries().await.unwrap(), 3);
    // Each attempt is audited on the desktop: the refused one (with why) and the two that went through.
    let audited: Vec<_> =
        ward.store.audit_entries(100, 0).await.unwrap().into_iter().filter(|e| e.action == "sync").collect();
    assert_eq!(audited.len(), 3);
    assert!(audited.iter().any(|e| e.details["refused"] == "sync.network"), "{audited:?}");
}
