//! End-to-end scenarios in a real app window (WebKitGTK through tauri-driver).
//!
//! Run: `xvfb-run -a cargo test --features custom-protocol --test e2e` (scripts/test.sh does).
//! Without a display, tauri-driver or WebKitWebDriver these tests fail, they never skip.

mod harness;

use harness::App;
use serde_json::json;

/// The app starts on a fresh database in a window titled "ansinh" and its UI becomes ready.
#[tokio::test]
async fn smoke_app_starts_on_a_fresh_database() {
    let app = App::start("smoke").await;

    // `App::start` already waited for `<main data-ready="true">`.
    assert_eq!(app.window_title().await, "ansinh", "native window title");
    let shot = app.screenshot("ready.png").await;
    eprintln!("e2e: screenshot of the ready app: {}", shot.display());

    app.close().await;
}

/// A command goes through the IPC bridge and its capability, and the app inherited `ANSINH_DB`.
#[tokio::test]
async fn ipc_reaches_the_rust_side_with_the_test_database() {
    let app = App::start("ipc").await;

    let pong = app.invoke("app_ping", json!({})).await.expect("app_ping is allowed by the default capability");
    assert_eq!(pong["app"], "ansinh");
    assert_eq!(pong["db_path"].as_str(), app.db_path().to_str(), "the app must use the database given in ANSINH_DB");

    let denied = app.invoke("no_such_command", json!({})).await;
    assert!(denied.is_err(), "unknown commands are rejected: {denied:?}");

    app.close().await;
}

/// The harness's own helpers work on real form controls (a throw-away form added to the page,
/// so this does not depend on the UI under construction).
#[tokio::test]
async fn harness_helpers_drive_form_controls() {
    let app = App::start("harness").await;

    let script = r#"
        const form = document.createElement('form');
        form.innerHTML = `
            <input data-testid="t-name">
            <select data-testid="t-ward"><option value="">-</option><option value="00001">Phúc Xá</option></select>
            <input type="checkbox" data-testid="t-alone">
            <button type="button" data-testid="t-save">Lưu</button>
            <output data-testid="t-out"></output>`;
        document.body.append(form);
        const out = form.querySelector('[data-testid="t-out"]');
        let ward = '';
        form.querySelector('select').addEventListener('change', e => { ward = e.target.value; });
        form.querySelector('button').addEventListener('click', () => setTimeout(() => {
            const name = form.querySelector('input').value;
            const alone = form.querySelector('[type=checkbox]').checked;
            out.textContent = `${name}|${ward}|${alone}`;
        }, 300));
    "#;
    app.client().execute(script, vec![]).await.expect("add the test form");

    app.type_into("t-name", "Nguyễn Thị Hoa").await;
    assert_eq!(app.value("t-name").await, "Nguyễn Thị Hoa");
    app.type_into("t-name", "Trần Văn Bình").await;
    app.select("t-ward", "00001").await;
    app.set_checked("t-alone", true).await;
    app.click("t-save").await;
    let text = app.wait_text("t-out", |t| !t.is_empty(), harness::TIMEOUT).await;
    assert_eq!(text, "Trần Văn Bình|00001|true");
    assert!(app.exists("t-out").await);
    assert!(!app.exists("t-missing").await);

    app.close().await;
}
