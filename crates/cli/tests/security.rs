//! The CLI on an encrypted database: the key from $ANSINH_DB_KEY or a user's password,
//! `audit verify`, `backup now|list|restore`.

use ansinh_core::auth::Role;
use ansinh_store::{Keyring, NewUser, Store};
use std::path::Path;
use std::process::{Command, Output};

fn ansinh(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    c.arg("--db").arg(db).args(args).env_remove("ANSINH_DB_KEY").env_remove("ANSINH_PASSWORD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run ansinh")
}

#[tokio::test(flavor = "current_thread")]
async fn encrypted_database_audit_verify_and_backup_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let backups = dir.path().join("sao-luu");
    let (_ring, key) = Keyring::create(&db, "admin", "mật khẩu quản trị").unwrap();
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    store
        .create_user(&NewUser {
            username: "admin",
            display_name: "QT",
            role: Role::Admin,
            ward_code: None,
            password: "mật khẩu quản trị",
        })
        .await
        .unwrap();
    store.close().await;
    let hex = key.to_hex().to_string();

    // No key: a clear refusal. A wrong password: refused. The right password or key: works.
    let out = ansinh(&db, &[], &["audit", "verify", "--user", "admin"]);
    assert!(!out.status.success());
    let out = ansinh(&db, &[("ANSINH_PASSWORD", "sai")], &["audit", "verify", "--user", "admin"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong user name or password"), "{out:?}");
    let out = ansinh(&db, &[("ANSINH_PASSWORD", "mật khẩu quản trị")], &["audit", "verify", "--user", "admin"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log intact"));
    let wrong = ansinh_store::DbKey::random().to_hex().to_string();
    let out = ansinh(&db, &[("ANSINH_DB_KEY", &wrong)], &["metrics"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("key is wrong"), "{out:?}");

    // `user add`: the account and the new user's copy of the key.
    let out = ansinh(
        &db,
        &[("ANSINH_DB_KEY", &hex), ("ANSINH_NEW_PASSWORD", "cán bộ phường 1")],
        &["user", "add", "lan", "--role", "officer", "--ward", "90001"],
    );
    assert!(out.status.success(), "{out:?}");
    let ring = Keyring::load(&db).unwrap().unwrap();
    assert_eq!(*ring.unwrap_key("lan", "cán bộ phường 1").unwrap().to_hex(), hex);

    // A backup, a change, a restore: the change is gone, the chain intact.
    let k = [("ANSINH_DB_KEY", hex.as_str())];
    let out = ansinh(&db, &k, &["backup", "now", "--dir", backups.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = info["path"].as_str().unwrap().to_string();
    let list: serde_json::Value =
        serde_json::from_slice(&ansinh(&db, &k, &["backup", "list", "--dir", backups.to_str().unwrap()]).stdout)
            .unwrap();
    assert_eq!(list[0]["path"], file.as_str());
    let out = ansinh(&db, &k, &["demo", "--beneficiaries", "20", "--wards", "1", "--months", "1"]);
    assert!(out.status.success(), "{out:?}");
    assert!(ansinh(&db, &k, &["backup", "restore", &file]).status.success());
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    assert_eq!(store.count_beneficiaries().await.unwrap(), 0, "restored to before the demo data");
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
}
