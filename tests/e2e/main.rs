//! End-to-end scenarios in a real app window (WebKitGTK through tauri-driver).
//!
//! Run: `xvfb-run -a cargo test --features custom-protocol --test e2e` (scripts/test.sh does).
//! Without a display, tauri-driver or WebKitWebDriver these tests fail, they never skip.

mod decisions;
mod entry;
mod exchange;
mod followup;
mod handover;
mod harness;
mod imports;
mod indicators;
mod layout;
mod one_off;
mod packaged;
mod payouts;
mod security;
mod signed_list;
mod sync;

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

    let pong = app.invoke("app_info", json!({})).await.expect("app_info is allowed by the default capability");
    assert_eq!(pong["beneficiary_count"], 0);
    assert_eq!(pong["offer_demo"], true, "a fresh database offers demo data");
    assert_eq!(pong["lang"], "vi", "Vietnamese is the default language");
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
    app.skip_demo_offer().await;

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

/// The whole payment path by clicking and typing: add a person (after an inline ID error),
/// open a bank account, record a credited payment, see the dashboard count it as not yet
/// withdrawn, record the withdrawal two days later, and see the dashboard figures change.
#[tokio::test]
async fn whole_payment_path_changes_the_dashboard() {
    let app = App::start("path").await;
    let long = harness::TIMEOUT;

    // First start offers demo data; this officer starts empty.
    app.skip_demo_offer().await;

    app.click("nav-beneficiaries").await;
    app.click("add-beneficiary").await;
    app.type_into("field-full_name", "Nguyễn Thị Ánh").await;
    app.type_into("field-birth_date", "05/03/1941").await;
    app.select("field-sex", "female").await;
    app.type_into("field-id_number", "12345").await;
    app.select("field-ward_code", "00004").await;
    app.select("field-group_code", "cao_tuoi_ngheo_80").await;
    app.set_checked("field-needs-lives_alone", true).await;
    app.click("save").await;
    let err = app.wait_text("error-id_number", |t| !t.is_empty(), long).await;
    assert!(err.contains("12"), "a translated error names the 12 digits: {err}");
    app.screenshot("form-error.png").await;

    app.type_into("field-id_number", "001141012345").await;
    app.click("save-open").await;
    let name = app.wait_text("detail-name", |t| t.contains("Ánh"), long).await;
    assert!(name.contains("Nguyễn Thị Ánh"), "{name}");

    app.click("open-account").await;
    app.select("field-channel", "bank").await;
    app.select("field-provider_code", "970436").await;
    app.type_into("field-account_number", "0011004455667").await;
    app.type_into("field-requested_on", "01/10/2026").await;
    app.type_into("field-opened_on", "03/10/2026").await;
    app.click("save").await;
    app.wait_for_css(&harness::testid_css("account-row"), long).await;

    app.click("record-payment").await;
    app.type_into("field-period", "10/2026").await;
    app.select("field-status", "credited").await;
    app.type_into("field-credited_on", "10/10/2026").await;
    app.click("save").await;
    app.wait_for_css("[data-testid=\"payment-row\"][data-status=\"credited\"]", long).await;

    app.click("nav-dashboard").await;
    assert_eq!(app.wait_text("kpi-credited", |t| t.trim() == "1", long).await.trim(), "1");
    assert_eq!(app.text("kpi-withdrawn").await.trim(), "0");
    assert_eq!(app.text("kpi-unwithdrawn").await.trim(), "1");

    // Back to the person through an accent-insensitive search.
    app.click("nav-beneficiaries").await;
    app.type_into("search", "nguyen thi anh").await;
    app.wait_text("result-total", |t| t.trim() == "1", long).await;
    // The list was already showing this one person: let the debounced search answer and
    // re-render before clicking, or the click lands on a row that is being replaced.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    // WebKitWebDriver will not click a table row itself; click the name cell in it.
    let name_cell = app.wait_for_css("[data-testid=\"beneficiary-row\"] td.name", long).await;
    name_cell.click().await.expect("open the person's page from the list");
    app.wait_for_css(&harness::testid_css("record-withdrawal"), long).await;
    app.click("record-withdrawal").await;
    app.type_into("field-withdrawn_on", "12/10/2026").await;
    app.select("field-place", "atm").await;
    app.type_into("field-travel_minutes", "20").await;
    app.click("save").await;
    app.wait_for_css(&harness::testid_css("withdrawal-row"), long).await;
    app.screenshot("detail.png").await;

    app.click("nav-dashboard").await;
    app.wait_text("kpi-withdrawn", |t| t.trim() == "1", long).await;
    assert_eq!(app.text("kpi-unwithdrawn").await.trim(), "0");
    assert_eq!(app.text("kpi-median").await.trim(), "2", "credited 10/10, withdrawn 12/10");
    let by3 = app.text("wbd-3").await;
    assert!(by3.starts_with("100"), "all withdrawn within 3 days: {by3}");
    assert!(app.text("wbd-1").await.starts_with('0'), "none within 1 day");
    app.wait_for_css("[data-testid=\"ttc-chart\"] svg", long).await;
    app.screenshot("dashboard.png").await;

    app.close().await;
}

/// First start offers demo data; accepting it fills the list and the dashboard.
#[tokio::test]
async fn first_start_loads_demo_data_on_request() {
    let app = App::start("demo").await;
    let long = std::time::Duration::from_secs(60);

    app.wait_for_css(&harness::testid_css("demo-dialog"), harness::TIMEOUT).await;
    app.click("demo-load").await;
    app.click_when_ready("nav-beneficiaries", long).await;
    let total = app.wait_text("result-total", |t| t.trim().parse::<u32>().is_ok_and(|n| n > 0), long).await;
    assert_eq!(total.trim(), "300", "the offered demo city has 300 people");

    app.click("nav-dashboard").await;
    let credited = app.wait_text("kpi-credited", |t| t.trim().parse::<u32>().is_ok_and(|n| n > 0), long).await;
    let withdrawn = app.text("kpi-withdrawn").await;
    assert!(
        withdrawn.trim().parse::<u32>().unwrap() < credited.trim().parse::<u32>().unwrap(),
        "some money is still waiting"
    );
    app.screenshot("demo-dashboard.png").await;
    app.close().await;
}

/// Vietnamese by default; the English switch changes the interface and is kept in the database.
#[tokio::test]
async fn language_switch_is_saved() {
    let app = App::start("lang").await;
    app.skip_demo_offer().await;
    assert_eq!(app.text("nav-dashboard").await.trim(), "Tổng quan");
    app.click("lang-en").await;
    app.wait_text("nav-dashboard", |t| t.trim() == "Overview", harness::TIMEOUT).await;
    // The UI switches at once and stores the choice in the background: wait until Rust has it.
    let start = std::time::Instant::now();
    loop {
        let info = app.invoke("app_info", json!({})).await.expect("app_info");
        if info["lang"] == "en" {
            break;
        }
        assert!(start.elapsed() < harness::TIMEOUT, "the choice is stored by Rust, not in the webview: {info}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A new start (even after a crash) comes up in English.
    let app = app.kill_and_restart().await;
    app.wait_text("nav-dashboard", |t| t.trim() == "Overview", harness::TIMEOUT).await;
    app.click("lang-vi").await;
    app.wait_text("nav-dashboard", |t| t.trim() == "Tổng quan", harness::TIMEOUT).await;
    app.close().await;
}
