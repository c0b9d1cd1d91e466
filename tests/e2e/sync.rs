//! Online sync from the app (issue 18): the exchange page's sync panel against the real server
//! (axum on SQLite, served on loopback by this test's process). This desktop and a second desktop
//! of the same ward each wrote a person; one click sends this one's and brings the other's, the
//! status says when, to which server and that nothing waits; an unreachable server is a
//! translated refusal that the status keeps.

use crate::harness::{App, TIMEOUT, open_store, register_outside};
use ansinh_exchange::DeviceKeys;
use ansinh_server::http::{self, Limits};
use ansinh_server::{DeviceRegistry, Enrolment, SqliteRecords};
use ansinh_store::Store;
use std::sync::Arc;

async fn enrol(registry: &SqliteRecords, keys: &DeviceKeys) {
    let file = serde_json::to_string(&keys.public("00004")).unwrap();
    registry.enrol(&Enrolment::from_public_keys(&file, false).unwrap()).await.unwrap();
}

#[tokio::test]
async fn sync_from_the_app_moves_records_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let central = Store::open(&dir.path().join("central.db")).await.unwrap();
    let server = Arc::new(SqliteRecords::open(central).await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(http::serve_with(listener, server.clone(), Limits::default()));

    let app = App::start("sync").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    // This desktop (ward 00004) wrote one person; the ward's second desktop another, and synced.
    let here = open_store(app.db_path()).await;
    here.set_office(Some("00004")).await.unwrap();
    enrol(&server, &DeviceKeys::load_or_create(&here).await.unwrap()).await;
    register_outside(&here, "Nguyễn Thị Ánh", "05/03/1941", "001141012345").await;
    here.close().await;
    let other = Store::open(&dir.path().join("other.db")).await.unwrap();
    other.set_office(Some("00004")).await.unwrap();
    let other_keys = DeviceKeys::load_or_create(&other).await.unwrap();
    enrol(&server, &other_keys).await;
    register_outside(&other, "Hoàng Thị Yến", "05/03/1941", "001141054321").await;
    assert_eq!(ansinh_sync::sync(&other, &other_keys, &base).await.unwrap().pushed, 1);

    app.click("nav-exchange").await;
    app.find("sync-panel").await;
    assert_eq!(app.wait_text("sync-waiting", |t| !t.is_empty(), TIMEOUT).await, "1");
    assert!(app.text("sync-last").await.contains("Chưa đồng bộ"));
    // Nothing listens there: refused in Vietnamese; nothing changes, the refusal is kept.
    app.type_into("sync-server", "http://127.0.0.1:9").await;
    app.click("sync-now").await;
    let refusal = app.wait_text("sync-error", |t| !t.is_empty(), TIMEOUT).await;
    assert!(refusal.contains("Không kết nối được máy chủ"), "{refusal}");
    assert_eq!(app.text("sync-waiting").await, "1");

    // The right address: one click sends this desktop's record and brings the other's.
    app.type_into("sync-server", &base).await;
    app.click("sync-now").await;
    let done = app.wait_text("sync-done", |t| !t.is_empty(), TIMEOUT).await;
    assert!(done.contains("gửi 1 thay đổi") && done.contains("nhận 1 thay đổi mới"), "{done}");
    assert_eq!(app.text("sync-waiting").await, "0");
    assert!(app.text("sync-last").await.contains(&base));
    assert!(!app.exists("sync-last-error").await, "a sync that went through clears the refusal");
    app.client()
        .execute("document.querySelector('[data-testid=\"sync-panel\"]').scrollIntoView({block: 'center'})", vec![])
        .await
        .unwrap();
    app.screenshot_office("sync-done.png").await;

    // Both ways: the second desktop now has this one's person, and this one the other's.
    assert_eq!(ansinh_sync::sync(&other, &other_keys, &base).await.unwrap().pulled.applied, 1);
    assert_eq!(other.count_beneficiaries().await.unwrap(), 2);
    let here = open_store(app.db_path()).await;
    assert_eq!(here.count_beneficiaries().await.unwrap(), 2);
    here.close().await;
    app.close().await;
}
