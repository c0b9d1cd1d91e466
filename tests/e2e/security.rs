//! Security in the real window (issue 6): first-run set-up of the administrator on a fresh
//! (encrypted) database, sign-out, a wrong password with its translated error, sign-in, a ward
//! officer created on the users page, that officer seeing only their ward, and the audit page.

use crate::harness::{App, TIMEOUT};
use serde_json::json;

const ADMIN: &str = "quantri";
const ADMIN_PW: &str = "mật khẩu quản trị 2026";
const OFFICER: &str = "lan.nguyen";
const OFFICER_PW: &str = "cán bộ phường Ba Đình";

async fn person(app: &App, name: &str, id_number: &str, ward: &str) -> String {
    app.add_person(json!({ "full_name": name, "birth_date": "05/03/1941", "id_number": id_number, "ward_code": ward }))
        .await
}

async fn sign_in(app: &App, user: &str, password: &str) {
    app.type_into("auth-username", user).await;
    app.type_into("auth-password", password).await;
    app.click("auth-submit").await;
}

#[tokio::test]
async fn first_run_setup_sign_in_and_an_officer_confined_to_their_ward() {
    let exports = tempfile::tempdir().unwrap();
    let env = [("ANSINH_TEST_ADMIN", ""), ("ANSINH_EXPORT_DIR", exports.path().to_str().unwrap())];
    let app = App::start_with_env("security", &env).await;
    app.wait_ready().await;

    // Nothing but the set-up screen on a fresh database; commands are refused until then.
    app.find("setup-screen").await;
    assert!(!app.exists("nav-beneficiaries").await);
    let refused = app.invoke("search_beneficiaries", json!({ "query": { "text": "" } })).await.unwrap_err();
    assert_eq!(refused["code"], "auth.required");

    app.type_into("auth-username", ADMIN).await;
    app.type_into("auth-display-name", "Quản trị phường").await;
    app.type_into("auth-password", ADMIN_PW).await;
    app.type_into("auth-password-repeat", ADMIN_PW).await;
    app.click("auth-submit").await;
    app.wait_text("signed-in-user", |t| t.contains("Quản trị viên"), TIMEOUT).await;
    app.skip_demo_offer().await;

    // The database on disk is encrypted (no SQLite header), with its keyring beside it.
    let head = std::fs::read(app.db_path()).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"), "the database file must be encrypted");
    assert!(ansinh_store::keyring_path(app.db_path()).exists());

    let own = person(&app, "Đặng Thị Hoa", "001141012345", "00004").await;
    let other = person(&app, "Vũ Thị Mai", "001141012346", "00008").await;
    // Each paid in cash last month: the officer's figures must count their ward's payment only.
    let paid = chrono::Local::now().date_naive() - chrono::Days::new(30);
    for id in [&own, &other] {
        let input = json!({ "beneficiary_id": id, "account_id": null, "period": paid.format("%m/%Y").to_string(),
                            "amount": "", "status": "credited", "credited_on": paid.format("%d/%m/%Y").to_string(),
                            "failure_reason": "", "one_off": false, "label": "" });
        app.invoke("record_payment", json!({ "input": input })).await.expect("record_payment");
    }

    // Sign out, a wrong password (translated error), then back in.
    app.click("logout").await;
    app.find("login-screen").await;
    sign_in(&app, ADMIN, "sai mật khẩu rồi").await;
    app.wait_text("auth-error", |t| t.contains("Sai tên đăng nhập hoặc mật khẩu"), TIMEOUT).await;
    app.type_into("auth-password", ADMIN_PW).await;
    app.click("auth-submit").await;
    app.wait_text("result-total", |t| t.trim() == "2", TIMEOUT).await;

    // A ward officer for 00004, created on the users page.
    app.click("nav-users").await;
    app.find("users-page").await;
    app.type_into("user-username", OFFICER).await;
    app.type_into("user-display-name", "Nguyễn Thị Lan").await;
    app.type_into("user-password", OFFICER_PW).await;
    app.select("user-role", "officer").await;
    app.select("user-ward", "00004").await;
    app.click("user-save").await;
    app.wait_text("users-notice", |t| t.contains(OFFICER), TIMEOUT).await;

    // The officer sees only their ward, and the server refuses the rest.
    app.click("logout").await;
    app.find("login-screen").await;
    sign_in(&app, OFFICER, OFFICER_PW).await;
    app.wait_text("signed-in-user", |t| t.contains("Cán bộ xã/phường"), TIMEOUT).await;
    app.wait_text("result-total", |t| t.trim() == "1", TIMEOUT).await;
    assert!(!app.exists("nav-users").await);
    assert!(app.invoke("get_beneficiary", json!({ "id": own })).await.is_ok());
    let e = app.invoke("get_beneficiary", json!({ "id": other })).await.unwrap_err();
    assert_eq!(e["code"], "auth.forbidden");
    // Their own ward's dashboard (issue 18), and never another ward's or the city's.
    app.click("nav-dashboard").await;
    app.wait_text("kpi-credited", |t| t.trim() == "1", TIMEOUT).await;
    assert_eq!(app.value("filter-ward").await, "00004");
    assert!(!app.find("filter-ward").await.is_enabled().await.unwrap(), "the ward is fixed");
    let shot = app.screenshot_office("officer-dashboard.png").await;
    eprintln!("e2e: screenshot of an officer's own dashboard: {}", shot.display());
    let d = app.invoke("dashboard", json!({ "query": {} })).await.unwrap();
    let wards: Vec<&str> = d["by_ward"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!((wards, &d["overall"]["payments"]), (vec!["00004"], &json!(1)), "{d}");
    let e = app.invoke("metrics", json!({ "query": { "filter": { "ward": "00008" } } })).await.unwrap_err();
    assert_eq!(e["code"], "auth.forbidden", "an officer cannot read another ward's figures");
    let e = app
        .invoke("monthly_report", json!({ "query": { "cycle": paid.format("%m/%Y").to_string(), "ward": null } }))
        .await;
    assert!(e.is_ok(), "their ward's monthly report: {e:?}");
    let e = app.invoke("list_exports", json!({})).await.unwrap_err();
    assert_eq!(e["code"], "auth.forbidden", "the city's exports are not theirs");
    let e = app.invoke("export_followup", json!({ "query": { "ward_code": "00008" } })).await.unwrap_err();
    assert_eq!(e["code"], "auth.forbidden", "an officer cannot export another ward");
    let e = app.invoke("export_person", json!({ "id": other })).await.unwrap_err();
    assert_eq!(e["code"], "auth.forbidden", "nor another ward's person");

    // The administrator's audit log shows the failed sign-in, and its chain verifies.
    app.click("logout").await;
    app.find("login-screen").await;
    sign_in(&app, ADMIN, ADMIN_PW).await;
    app.click_when_ready("nav-audit", TIMEOUT).await;
    app.wait_text("audit-status", |t| t.contains("toàn vẹn"), TIMEOUT).await;
    let log = app.text("audit-page").await;
    for action in ["login.failed", "login.ok", "user.create", "logout"] {
        assert!(log.contains(action), "the audit page lists `{action}`: {log}");
    }
    // Issue 14's example command: the whole log exported for an inspector, and that export audited.
    app.click("audit-export").await;
    app.wait_text("audit-export-path", |t| t.contains(".xlsx"), TIMEOUT).await;
    let shot = app.screenshot_office("audit-export.png").await;
    eprintln!("e2e: screenshot of the exported audit log: {}", shot.display());
    let path = app.find("audit-export-path").await.attr("data-path").await.unwrap().unwrap();
    assert!(std::path::Path::new(&path).starts_with(exports.path()) && std::path::Path::new(&path).is_file(), "{path}");
    let page = app.invoke("audit_log", serde_json::json!({ "query": { "limit": 1, "offset": 0 } })).await.unwrap();
    assert_eq!(page["entries"][0]["details"]["what"], "audit_log", "{page}");

    app.close().await;
}

/// Issue 13: a user changes their password in the window (a dialog from the header); the old
/// password no longer signs in or opens the keyring, the new one does.
#[tokio::test]
async fn a_password_is_changed_in_the_window_and_only_the_new_one_signs_in() {
    use crate::harness::{TEST_ADMIN, TEST_ADMIN_PASSWORD};
    const NEW_PW: &str = "mật khẩu mới của quản trị";
    let app = App::start("change-password").await;
    app.resize(1366, 768).await;
    app.skip_demo_offer().await;

    app.click("change-password").await;
    app.find("password-dialog").await;
    app.type_into("password-old", "không phải mật khẩu cũ").await;
    app.type_into("password-new", NEW_PW).await;
    app.type_into("password-repeat", NEW_PW).await;
    app.click("password-save").await;
    app.wait_text("error-old_password", |t| t.contains("Sai tên đăng nhập hoặc mật khẩu"), TIMEOUT).await;
    app.screenshot("change-password-wrong.png").await;
    app.type_into("password-old", TEST_ADMIN_PASSWORD).await;
    app.click("password-save").await;
    app.wait_text("account-notice", |t| t.contains("Đã đổi mật khẩu"), TIMEOUT).await;
    app.screenshot("change-password-done.png").await;
    assert!(!app.exists("password-dialog").await);

    // The keyring: the old password opens nothing any more.
    let ring = ansinh_store::Keyring::load(app.db_path()).unwrap().unwrap();
    assert!(ring.unwrap_key(TEST_ADMIN, TEST_ADMIN_PASSWORD).is_err());
    assert!(ring.unwrap_key(TEST_ADMIN, NEW_PW).is_ok());

    app.click("logout").await;
    app.find("login-screen").await;
    sign_in(&app, TEST_ADMIN, TEST_ADMIN_PASSWORD).await;
    app.wait_text("auth-error", |t| t.contains("Sai tên đăng nhập hoặc mật khẩu"), TIMEOUT).await;
    app.type_into("auth-password", NEW_PW).await;
    app.click("auth-submit").await;
    app.wait_text("signed-in-user", |t| t.contains("Quản trị viên"), TIMEOUT).await;

    // The users page: every user's data key, and the re-key button behind a confirmation.
    let officer = json!({ "input": { "username": OFFICER, "display_name": "Nguyễn Thị Lan", "password": OFFICER_PW,
                                    "role": "officer", "ward_code": "00004" } });
    app.invoke("create_user", officer).await.expect("create_user");
    app.click("nav-users").await;
    app.wait_text("user-key", |t| t.contains("Có"), TIMEOUT).await;
    app.click("rekey").await;
    app.find("rekey-confirm-text").await;
    app.screenshot("users-rekey-confirm.png").await;
    app.click("rekey-confirm").await;
    app.wait_text("rekey-done", |t| t.contains(TEST_ADMIN) && t.contains(OFFICER), TIMEOUT).await;
    app.screenshot("users-rekeyed.png").await;

    // Backups (issue 17): the first after the re-key is a full copy (a re-key writes a new
    // file), the next holds only the pages that changed; the newest is restored from both and
    // everyone signs in again.
    let backups = || async { app.invoke("list_backups", json!({})).await.expect("list_backups")["backups"].clone() };
    for kind in ["Bản đầy đủ", "Phần thay đổi"] {
        let before = backups().await;
        app.click_when_ready("backup-now", TIMEOUT).await;
        let deadline = std::time::Instant::now() + TIMEOUT;
        while backups().await[0]["path"] == before[0]["path"] {
            assert!(std::time::Instant::now() < deadline, "no new backup");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        app.wait_text("backup-kind", |t| t.contains(kind), TIMEOUT).await;
    }
    let newest = backups().await[0].clone();
    assert_eq!(newest["full"], false);
    // As the administrator sees the list: scrolled to it.
    let script = "document.querySelector('[data-testid=backup-panel]').scrollIntoView({block: 'end'})";
    app.client().execute(script, vec![]).await.unwrap();
    let shot = app.screenshot_office("backups-changes.png").await;
    eprintln!("e2e: screenshot of the backups, a full copy then changes: {}", shot.display());
    app.click("backup-restore").await;
    app.click("backup-restore-confirm").await;
    app.wait_text("auth-notice", |t| t.contains("Đã khôi phục bản sao lưu"), TIMEOUT).await;
    sign_in(&app, TEST_ADMIN, NEW_PW).await;
    app.wait_text("signed-in-user", |t| t.contains("Quản trị viên"), TIMEOUT).await;
    let audit = app.invoke("audit_log", json!({ "query": { "limit": 5, "offset": 0 } })).await.expect("audit_log");
    let actions: Vec<&str> = audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"restore"), "the restore is audited in the restored database: {actions:?}");
    assert_eq!(audit["broken_at"], serde_json::Value::Null);
    app.close().await;
}

/// Issue 13: an unencrypted database where the app's encrypted one is expected is never opened
/// as it is: the first screen says so; "leave it" opens nothing; converting encrypts it with
/// the new administrator's password and keeps every person.
#[tokio::test]
async fn a_plaintext_database_is_shown_left_untouched_or_converted() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("cu.db");
    let store = ansinh_store::Store::open(&plain).await.unwrap();
    let opts = ansinh_demo::DemoOptions {
        wards: 2,
        beneficiaries: 25,
        months: 2,
        seed: 7,
        until: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    };
    ansinh_demo::load(&store, &opts).await.unwrap();
    store.close().await;

    let app = App::start_on_database("plaintext", &plain, &[]).await;
    app.resize(1366, 768).await;
    app.find("plaintext-screen").await;
    assert!(!app.exists("setup-screen").await && !app.exists("nav-beneficiaries").await);
    let what = app.text("plaintext-what").await;
    assert!(what.contains("25 người hưởng") && what.contains("0 tài khoản"), "{what}");
    app.screenshot("plaintext-screen.png").await;
    let refused = app.invoke("setup_admin", json!({ "input": { "username": "x1y", "password": ADMIN_PW } })).await;
    assert_eq!(refused.unwrap_err()["code"], "key.plaintext", "set-up never adopts it");

    app.click("plaintext-leave").await;
    app.wait_text("plaintext-left", |t| t.contains("không có gì được mở"), TIMEOUT).await;
    app.screenshot("plaintext-left.png").await;
    let head = std::fs::read(app.db_path()).unwrap();
    assert!(head.starts_with(b"SQLite format 3"), "left untouched");
    assert!(!ansinh_store::keyring_path(app.db_path()).exists());

    app.click("plaintext-back").await;
    app.type_into("auth-username", ADMIN).await;
    app.type_into("auth-display-name", "Quản trị phường").await;
    app.type_into("auth-password", ADMIN_PW).await;
    app.type_into("auth-password-repeat", ADMIN_PW).await;
    app.click("plaintext-convert").await;
    app.wait_text("signed-in-user", |t| t.contains("Quản trị viên"), TIMEOUT).await;
    app.wait_text("result-total", |t| t.trim() == "25", TIMEOUT).await;
    let head = std::fs::read(app.db_path()).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"), "the database file is encrypted now");
    assert!(ansinh_store::keyring_path(app.db_path()).exists());
    let left: Vec<String> = std::fs::read_dir(app.db_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("test.db"))
        .collect();
    assert!(left.iter().all(|n| !n.contains("swap") && !n.contains("plain")), "no plaintext copy kept: {left:?}");
    app.screenshot("plaintext-converted.png").await;
    app.close().await;
}

/// A database written by an older version (one migration behind, with its keyring) is backed
/// up, then upgraded, when its administrator signs in: the sign-in screen shows each step while
/// it runs, then the app says where the backup of the data as it was lies.
#[tokio::test]
async fn an_older_database_is_backed_up_then_upgraded_at_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("cu.db");
    let (_ring, key) = ansinh_store::Keyring::create(&old, ADMIN, ADMIN_PW).unwrap();
    let before = ansinh_store::upgrade::schema_version() - 1;
    ansinh_store::upgrade::create_at_version(&old, Some(&key), before).await.unwrap();

    // Each step held 1.5 s: long enough to see on this small file.
    let app = App::start_on_database("upgrade", &old, &[("ANSINH_TEST_UPGRADE_PAUSE_MS", "1500")]).await;
    app.resize(1366, 768).await;
    app.find("login-screen").await;
    app.type_into("auth-username", ADMIN).await;
    app.type_into("auth-password", ADMIN_PW).await;
    app.click("auth-submit").await;
    app.wait_text("upgrade-progress", |t| t.contains("Đang sao lưu dữ liệu trước khi nâng cấp"), TIMEOUT).await;
    let step = app.wait_text("upgrade-progress", |t| t.contains("bước 1/1"), TIMEOUT).await;
    assert!(step.contains("vui lòng không tắt ứng dụng"), "{step}");
    app.screenshot("upgrade-progress.png").await;

    let notice = app.wait_text("upgrade-notice", |t| t.contains("đã được nâng cấp"), TIMEOUT).await;
    app.wait_text("signed-in-user", |t| t.contains("Quản trị viên"), TIMEOUT).await;
    let backups = app.db_path().parent().unwrap().join("backups");
    let listed = ansinh_store::list_backups(&backups).unwrap();
    assert_eq!(listed.len(), 1, "the backup before the upgrade, and no daily one on top: {listed:?}");
    assert!(notice.contains(&listed[0].path), "{notice}");
    assert!(notice.contains(&format!("{before} → {}", before + 1)), "{notice}");
    app.screenshot("upgrade-notice.png").await;

    let audit = app.invoke("audit_log", json!({ "query": { "limit": 50, "offset": 0 } })).await.unwrap();
    let actions: Vec<&str> = audit["entries"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"database.upgrade") && actions.contains(&"backup"), "{actions:?}");
    // The file is empty: the demo offer stands over the page until it is answered.
    app.skip_demo_offer().await;
    app.click("upgrade-notice-close").await;
    assert!(!app.exists("upgrade-notice").await, "closed");
    // The backup is the file as the older version left it (read before the app's folder goes).
    let version = ansinh_store::upgrade::version_of(std::path::Path::new(&listed[0].path), Some(&key)).await.unwrap();
    assert_eq!(version, before);
    app.close().await;
}
