//! The CLI's door (issues 6 and 13): a named active user signs in through the same gate as the
//! app and is held to their role and ward; everything is audited under them; a plaintext
//! database with users is refused until `ansinh encrypt`; deactivation, re-keying, password
//! changes; backups and restores.

use ansinh_core::ErrorCode;
use ansinh_core::auth::Role;
use ansinh_store::{Keyring, NewUser, Store, keyring_path};
use std::path::Path;
use std::process::{Command, Output};

const ADMIN_PW: &str = "mật khẩu quản trị";
const LAN_PW: &str = "cán bộ phường 1";

fn ansinh(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("ANSINH_USER")
        .env_remove("ANSINH_PASSWORD")
        .env_remove("ANSINH_NEW_PASSWORD")
        .env("ANSINH_EXPORT_DIR", db.parent().unwrap().join("exports"))
        .env("ANSINH_BACKUP_DIR", db.parent().unwrap().join("backups"));
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run ansinh")
}

/// As `user` with `password`.
fn as_user(db: &Path, user: &str, password: &str, args: &[&str]) -> Output {
    let mut all = vec!["--user", user];
    all.extend_from_slice(args);
    ansinh(db, &[("ANSINH_PASSWORD", password)], &all)
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A failure whose message names `what` (an error code, or any text).
fn refused(out: &Output, what: impl std::fmt::Display) {
    let (err, what) = (String::from_utf8_lossy(&out.stderr), what.to_string());
    assert!(!out.status.success() && err.contains(&what), "expected {what}, got: {err}");
}

fn audit(db: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str(&ok(as_user(db, "admin", ADMIN_PW, &["audit", "list", "--limit", "1000"]))).unwrap()
}

/// A scratch database with demo data, encrypted with `ansinh encrypt`, and an officer of 00004.
fn desktop(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("a.db");
    ok(ansinh(&db, &[], &["demo", "--beneficiaries", "40", "--wards", "2", "--months", "2"]));
    let out = ansinh(&db, &[("ANSINH_PASSWORD", ADMIN_PW)], &["encrypt", "--user", "admin", "--name", "Quản trị"]);
    ok(out);
    assert!(!ansinh_store::is_plaintext(&db).unwrap() && keyring_path(&db).exists());
    let add = ["--user", "admin", "user", "add", "lan", "--role", "officer", "--ward", "00004"];
    ok(ansinh(&db, &[("ANSINH_PASSWORD", ADMIN_PW), ("ANSINH_NEW_PASSWORD", LAN_PW)], &add));
    db
}

#[test]
fn an_encrypted_database_needs_a_named_user_and_their_own_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = desktop(dir.path());
    // Nobody named: refused. A wrong password: refused. A key is not a person: no such option.
    refused(&ansinh(&db, &[], &["metrics"]), ErrorCode::AuthRequired);
    refused(&as_user(&db, "admin", "sai mật khẩu", &["metrics"]), ErrorCode::AuthBadCredentials);
    refused(&as_user(&db, "lan", ADMIN_PW, &["metrics"]), ErrorCode::AuthBadCredentials);
    refused(&ansinh(&db, &[], &["--db-key-file", "k", "metrics"]), "unexpected argument");
    assert!(ok(as_user(&db, "admin", ADMIN_PW, &["audit", "verify"])).contains("audit log intact"));
    // The password on stdin works as well.
    let mut c = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    c.arg("--db").arg(&db).args(["--user", "admin", "verify"]).env_remove("ANSINH_PASSWORD");
    c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{ADMIN_PW}").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    // What the CLI did is audited under the person, never as "cli".
    let log = audit(&db);
    assert!(log.iter().all(|e| e["actor"] != "cli"));
    let conversion = log.iter().find(|e| e["action"] == "database.encrypted").expect("conversion audited");
    assert_eq!(conversion["actor"], "admin");
    let added = log.iter().find(|e| e["action"] == "user.create" && e["details"]["username"] == "lan").unwrap();
    assert_eq!(added["actor"], "admin");
}

#[test]
fn an_officers_password_cannot_add_users_or_export_another_ward() {
    let dir = tempfile::tempdir().unwrap();
    let db = desktop(dir.path());
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let lan = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["--user", "lan"];
        all.extend_from_slice(args);
        let mut env = env.to_vec();
        env.push(("ANSINH_PASSWORD", LAN_PW));
        ansinh(&db, &env, &all)
    };
    // No users, no administrators made with an officer's password.
    let evil = lan(&["user", "add", "evil", "--role", "admin"], &[("ANSINH_NEW_PASSWORD", "mật khẩu kẻ xấu 1")]);
    refused(&evil, ErrorCode::AuthForbidden);
    refused(&lan(&["user", "deactivate", "admin"], &[]), ErrorCode::AuthForbidden);
    refused(&lan(&["rekey"], &[]), ErrorCode::AuthForbidden);
    // No city-wide exports, figures or another ward's lists.
    let out = exports.join("nguoi-huong.csv");
    refused(&lan(&["export", "beneficiaries", "--out", out.to_str().unwrap()], &[]), ErrorCode::AuthForbidden);
    assert!(!out.exists(), "nothing written");
    refused(&lan(&["followup", "--ward", "00008", "--json"], &[]), ErrorCode::AuthForbidden);
    refused(&lan(&["report", "--cycle", "10/2026", "--ward", "00008"], &[]), ErrorCode::AuthForbidden);
    refused(&lan(&["exports"], &[]), ErrorCode::AuthForbidden);
    // Their own ward's figures: the metrics count its payments only.
    let own: serde_json::Value = serde_json::from_str(&ok(lan(&["metrics", "--json", "--by", "ward"], &[]))).unwrap();
    let wards: Vec<&str> = own["segments"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(wards, ["00004"], "{own}");
    let city: serde_json::Value =
        serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["metrics", "--json", "--by", "ward"]))).unwrap();
    assert!(city["segments"].as_array().unwrap().len() > 1, "the city has more wards: {city}");
    let seg = city["segments"].as_array().unwrap().iter().find(|s| s["key"] == "00004").unwrap();
    let payments = |v: &serde_json::Value| v["payments"].as_u64().unwrap();
    assert!(payments(&city) > seg["size"].as_u64().unwrap() && seg["size"].as_u64().unwrap() > 0, "{city}");
    assert_eq!(payments(&own), seg["size"].as_u64().unwrap(), "the officer's overall figure is their ward's");
    refused(&lan(&["grievances"], &[]), ErrorCode::AuthForbidden);
    refused(
        &lan(&["bundle", "receipt", "--out", exports.join("r.json").to_str().unwrap()], &[]),
        ErrorCode::AuthForbidden,
    );
    // Their own ward: the list (forced to 00004) and its export, audited under them.
    let list: serde_json::Value = serde_json::from_str(&ok(lan(&["followup", "--json"], &[]))).unwrap();
    assert_eq!(list["ward_code"], "00004", "the list is forced to the officer's ward");
    assert!(list["rows"].as_array().unwrap().iter().all(|r| r["ward_code"] == "00004"), "{list}");
    let file = exports.join("theo-doi.xlsx");
    ok(lan(&["followup", "--ward", "00004", "--out", file.to_str().unwrap()], &[]));

    let users: serde_json::Value =
        serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["user", "list"]))).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2, "no user was added: {users}");
    let log = audit(&db);
    let export = log.iter().find(|e| e["action"] == "export").expect("the export is audited");
    assert_eq!((&export["actor"], &export["details"]["ward"]), (&"lan".into(), &"00004".into()));
    assert!(log.iter().any(|e| e["actor"] == "lan" && e["action"] == "login.ok"));
}

/// `ansinh call` runs the app's own commands through the app's own dispatch: the same
/// permission, the same ward confinement, the same audit as in the window.
#[test]
fn ansinh_call_runs_the_apps_commands_with_the_apps_locks() {
    let dir = tempfile::tempdir().unwrap();
    let db = desktop(dir.path());
    let lan = |command: &str, args: &str| as_user(&db, "lan", LAN_PW, &["call", command, "--args", args]);
    let page: serde_json::Value = serde_json::from_str(&ok(lan("search_beneficiaries", r#"{"query": {}}"#))).unwrap();
    let rows = page["items"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["ward_code"] == "00004"), "{page}");
    refused(&lan("search_beneficiaries", r#"{"query": {"ward_code": "00008"}}"#), "auth.forbidden");
    refused(&lan("metrics", r#"{"query": {"filter": {"ward": "00008"}}}"#), "auth.forbidden");
    refused(&lan("dashboard", r#"{"query": {"filter": {"ward": "00008"}}}"#), "auth.forbidden");
    refused(&lan("list_exports", "{}"), "auth.forbidden");
    let own: serde_json::Value = serde_json::from_str(&ok(lan("dashboard", r#"{"query": {}}"#))).unwrap();
    let wards: Vec<&str> = own["by_ward"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(wards, ["00004"], "the dashboard is the officer's ward's: {own}");
    refused(&lan("list_users", "{}"), "auth.forbidden");
    refused(&lan("no_such_command", "{}"), "command not found: no_such_command");
    refused(&lan("search_beneficiaries", r#"{"query": {}, "extra": 1}"#), "request.invalid");
    let out: serde_json::Value =
        serde_json::from_str(&ok(lan("export_followup", r#"{"query": {"days": 7}}"#))).unwrap();
    assert!(Path::new(out["path"].as_str().unwrap()).exists(), "{out}");
    let log = audit(&db);
    let export = log.iter().find(|e| e["action"] == "export").expect("the export is audited");
    assert_eq!((&export["actor"], &export["details"]["ward"]), (&"lan".into(), &"00004".into()));
}

#[test]
fn deactivation_and_rekeying_take_access_away_and_passwords_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = desktop(dir.path());
    let old_ring = std::fs::read(keyring_path(&db)).unwrap();

    // Deactivated: the officer's password no longer opens the file.
    ok(as_user(&db, "admin", ADMIN_PW, &["user", "deactivate", "lan"]));
    refused(&as_user(&db, "lan", LAN_PW, &["followup"]), ErrorCode::AuthBadCredentials);
    assert!(Keyring::load(&db).unwrap().unwrap().unwrap_key("lan", LAN_PW).is_err());
    // Reactivated only with a new password.
    refused(&as_user(&db, "admin", ADMIN_PW, &["user", "reactivate", "lan"]), ErrorCode::Required);
    let env = [("ANSINH_PASSWORD", ADMIN_PW), ("ANSINH_NEW_PASSWORD", "mật khẩu mới của Lan")];
    ok(ansinh(&db, &env, &["--user", "admin", "user", "reactivate", "lan"]));
    ok(as_user(&db, "lan", "mật khẩu mới của Lan", &["followup"]));

    // Re-keyed: the old keyring (and the old officer password it held) opens nothing now.
    let report: serde_json::Value = serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["rekey"]))).unwrap();
    assert_eq!(report["sealed_for"], serde_json::json!(["admin", "lan"]));
    let copy = dir.path().join("copy.db");
    std::fs::write(keyring_path(&copy), &old_ring).unwrap();
    let old_key = Keyring::load(&copy).unwrap().unwrap().unwrap_key("lan", LAN_PW).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    assert!(rt.block_on(Store::open_encrypted(&db, &old_key)).is_err());
    ok(as_user(&db, "admin", ADMIN_PW, &["audit", "verify"]));

    // Every user changes their own password.
    let env = [("ANSINH_PASSWORD", "mật khẩu mới của Lan"), ("ANSINH_NEW_PASSWORD", "lại một mật khẩu mới")];
    ok(ansinh(&db, &env, &["--user", "lan", "user", "passwd"]));
    refused(&as_user(&db, "lan", "mật khẩu mới của Lan", &["followup"]), ErrorCode::AuthBadCredentials);
    ok(as_user(&db, "lan", "lại một mật khẩu mới", &["followup"]));
    let log = audit(&db);
    for (who, what) in [("admin", "user.update"), ("admin", "database.rekey"), ("lan", "user.password")] {
        assert!(log.iter().any(|e| e["actor"] == who && e["action"] == what), "{who} {what}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_plaintext_database_with_users_is_refused_until_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let store = Store::open(&db).await.unwrap();
    let u = NewUser { username: "admin", display_name: "QT", role: Role::Admin, ward_code: None, password: ADMIN_PW };
    store.create_user(&u).await.unwrap();
    store.close().await;
    let before = std::fs::read(&db).unwrap();
    refused(&ansinh(&db, &[], &["metrics"]), ErrorCode::KeyPlaintext);
    refused(&as_user(&db, "admin", ADMIN_PW, &["metrics"]), ErrorCode::KeyPlaintext);
    refused(
        &ansinh(&db, &[("ANSINH_PASSWORD", "sai mật khẩu")], &["encrypt", "--user", "admin"]),
        ErrorCode::AuthBadCredentials,
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "refusals change nothing");
    ok(ansinh(&db, &[("ANSINH_PASSWORD", ADMIN_PW)], &["encrypt", "--user", "admin"]));
    assert!(!ansinh_store::is_plaintext(&db).unwrap());
    ok(as_user(&db, "admin", ADMIN_PW, &["metrics"]));
    // A scratch database (no users) stays usable without signing in, audited as `local`.
    let scratch = dir.path().join("s.db");
    ok(ansinh(&scratch, &[], &["demo", "--beneficiaries", "5", "--wards", "1", "--months", "1"]));
    let out = dir.path().join("exports").join("p.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    ok(ansinh(&scratch, &[], &["export", "payments", "--out", out.to_str().unwrap()]));
    let log: serde_json::Value = serde_json::from_str(&ok(ansinh(&scratch, &[], &["audit", "list"]))).unwrap();
    assert_eq!((&log[0]["actor"], &log[0]["action"]), (&"local".into(), &"export".into()));
    refused(
        &ansinh(&scratch, &[("ANSINH_NEW_PASSWORD", LAN_PW)], &["user", "add", "x1y", "--role", "admin"]),
        ErrorCode::KeyPlaintext,
    );
}

#[cfg(unix)]
#[test]
fn exports_bundles_and_charts_are_owner_only_and_backups_restore_with_their_own_audit_entry() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = desktop(dir.path());
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let csv = exports.join("chi-tra.csv");
    let svg = exports.join("t.svg");
    let receipt = exports.join("r.json");
    ok(as_user(&db, "admin", ADMIN_PW, &["export", "payments", "--out", csv.to_str().unwrap()]));
    ok(as_user(&db, "admin", ADMIN_PW, &["chart", "time-to-cash", "--out", svg.to_str().unwrap()]));
    ok(as_user(&db, "admin", ADMIN_PW, &["bundle", "receipt", "--out", receipt.to_str().unwrap()]));
    let report: serde_json::Value =
        serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["report", "--cycle", "10/2026"]))).unwrap();
    for p in [csv, svg, receipt, report["path"].as_str().unwrap().into()] {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    // Each file written is audited under the person who wrote it, naming what it holds.
    let log = audit(&db);
    for what in ["payments", "time_to_cash_chart", "receipt", "monthly_report"] {
        let entry = log
            .iter()
            .find(|e| e["action"] == "export" && e["details"]["what"] == what)
            .unwrap_or_else(|| panic!("the {what} file is audited"));
        assert_eq!(entry["actor"], "admin", "{what}");
    }

    // A backup, a change, a restore: the change is gone, the restore itself is in the log.
    let info: serde_json::Value =
        serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["backup", "now"]))).unwrap();
    let file = info["path"].as_str().unwrap().to_string();
    let list: serde_json::Value =
        serde_json::from_str(&ok(as_user(&db, "admin", ADMIN_PW, &["backup", "list"]))).unwrap();
    assert_eq!(list[0]["path"], file.as_str());
    ok(as_user(&db, "admin", ADMIN_PW, &["user", "deactivate", "lan"]));
    refused(&as_user(&db, "lan", LAN_PW, &["backup", "restore", &file]), ErrorCode::AuthBadCredentials);
    ok(as_user(&db, "admin", ADMIN_PW, &["backup", "restore", &file]));
    ok(as_user(&db, "lan", LAN_PW, &["followup"]));
    let log = audit(&db);
    let last_restore = log.iter().position(|e| e["action"] == "restore").expect("the restore is in the restored log");
    assert_eq!(log[last_restore]["actor"], "admin");
    assert!(!log.iter().any(|e| e["action"] == "user.update"), "the deactivation came after the backup");
    ok(as_user(&db, "admin", ADMIN_PW, &["audit", "verify"]));
}
