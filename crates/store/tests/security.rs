//! Security of the store (issue 6): encryption at rest with a wrapped key, accounts and login
//! back-off, the hash-chained audit log and its tamper detection.

use ansinh_core::ErrorCode;
use ansinh_core::auth::Role;
use ansinh_store::{DbKey, Keyring, NewUser, Store, StoreError, UserChange};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::Path;

fn code(e: StoreError) -> ErrorCode {
    ansinh_core::AppError::from(e).code()
}

async fn plain_conn(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path)).await.unwrap()
}

async fn admin_store(dir: &Path) -> (Store, DbKey) {
    let db = dir.join("a.db");
    let (_ring, key) = Keyring::create(&db, "admin", "mật khẩu quản trị").unwrap();
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    store
        .create_user(&NewUser {
            username: "admin",
            display_name: "Quản trị",
            role: Role::Admin,
            ward_code: None,
            password: "mật khẩu quản trị",
        })
        .await
        .unwrap();
    (store, key)
}

#[tokio::test]
async fn encrypted_file_is_unreadable_without_the_key_and_readable_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (store, key) = admin_store(dir.path()).await;
    store.set_setting("marker", "Nguyễn Thị Hoa").await.unwrap();
    store.close().await;

    // The bytes on disk carry neither the SQLite header nor the text.
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(!String::from_utf8_lossy(&bytes).contains("Nguy"), "plain text found in the encrypted file");

    // Plain SQLite cannot read it.
    let mut conn = plain_conn(&db).await;
    let err = sqlx::query("SELECT COUNT(*) FROM sqlite_master").fetch_one(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("file is not a database"), "{err}");
    drop(conn);

    // Without the key the store refuses; a wrong key is a clear error and changes nothing.
    assert_eq!(code(Store::open(&db).await.err().unwrap()), ErrorCode::KeyRequired);
    let before = std::fs::read(&db).unwrap();
    assert_eq!(code(Store::open_encrypted(&db, &DbKey::random()).await.err().unwrap()), ErrorCode::KeyWrong);
    assert_eq!(std::fs::read(&db).unwrap(), before, "a wrong key must not touch the file");

    // With the key unwrapped by the user's password, everything is there.
    let ring = Keyring::load(&db).unwrap().unwrap();
    assert_eq!(code(ring.unwrap_key("admin", "sai mật khẩu").err().unwrap()), ErrorCode::AuthBadCredentials);
    let key2 = ring.unwrap_key("admin", "mật khẩu quản trị").unwrap();
    assert_eq!(*key2.to_hex(), *key.to_hex());
    let store = Store::open_encrypted(&db, &key2).await.unwrap();
    assert_eq!(store.setting("marker").await.unwrap().as_deref(), Some("Nguyễn Thị Hoa"));
    store.close().await;
}

#[tokio::test]
async fn every_user_unwraps_the_same_key_and_removal_revokes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let (mut ring, key) = Keyring::create(&db, "admin", "password-one").unwrap();
    ring.put("lan", "password-two", &key).unwrap();
    let ring = Keyring::load(&db).unwrap().unwrap();
    assert_eq!(*ring.unwrap_key("lan", "password-two").unwrap().to_hex(), *key.to_hex());
    assert!(ring.unwrap_key("lan", "password-one").is_err());
    let mut ring = ring;
    ring.remove("lan").unwrap();
    assert!(Keyring::load(&db).unwrap().unwrap().unwrap_key("lan", "password-two").is_err());
}

#[tokio::test]
async fn wrong_password_locks_the_account_after_free_attempts_and_everything_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = admin_store(dir.path()).await;
    assert_eq!(store.authenticate("admin", "mật khẩu quản trị").await.unwrap().role, Role::Admin);
    assert_eq!(code(store.authenticate("nobody", "whatever-long").await.err().unwrap()), ErrorCode::AuthBadCredentials);
    for _ in 0..ansinh_core::auth::FREE_ATTEMPTS {
        assert_eq!(
            code(store.authenticate("admin", "wrong password").await.err().unwrap()),
            ErrorCode::AuthBadCredentials
        );
    }
    // Locked now: even the right password is refused until the lock ends.
    let e = store.authenticate("admin", "mật khẩu quản trị").await.err().unwrap();
    let e = ansinh_core::AppError::from(e);
    assert_eq!(e.code(), ErrorCode::AuthLocked);
    let entries = store.audit_entries(100, 0).await.unwrap();
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions[..3], ["user.create", "login.ok", "login.failed"]);
    assert_eq!(actions.iter().filter(|a| **a == "login.failed").count(), 7);
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
}

#[tokio::test]
async fn role_changes_are_audited_with_old_and_new_values() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = admin_store(dir.path()).await;
    store.set_officer("admin");
    let u = store
        .create_user(&NewUser {
            username: "lan",
            display_name: "Lan",
            role: Role::Officer,
            ward_code: Some("00001"),
            password: "0123456789",
        })
        .await
        .unwrap();
    let change = UserChange { id: &u.id, role: Role::Supervisor, ward_code: None, active: true, password: None };
    store.update_user(&change, Box::new(|_| Ok(()))).await.unwrap();
    let last = &store.audit_entries(1, 0).await.unwrap()[0];
    assert_eq!(last.action, "user.update");
    assert_eq!(last.actor, "admin");
    assert_eq!(last.details["old"]["role"], "officer");
    assert_eq!(last.details["new"]["role"], "supervisor");
    store.close().await;
}

/// Rewrites the audit table behind the store's back (dropping the append-only triggers, as an
/// attacker holding the key could), then checks `verify_audit` finds the break.
async fn tampered(edit: &str) -> Option<i64> {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (store, key) = admin_store(dir.path()).await;
    for i in 0..4 {
        store.audit("export", Some("beneficiaries"), None, serde_json::json!({"n": i})).await.unwrap();
    }
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
    let opts = SqliteConnectOptions::new().filename(&db).pragma("key", format!("\"x'{}'\"", *key.to_hex()));
    let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
    // The triggers refuse plain edits.
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(&mut conn).await.is_err());
    sqlx::raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(edit.to_string())).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    let broken = store.verify_audit().await.unwrap();
    store.close().await;
    broken
}

#[tokio::test]
async fn audit_tampering_is_detected_edit_delete_reorder() {
    assert_eq!(tampered("UPDATE audit_log SET details = '{\"n\":9}' WHERE seq = 3").await, Some(3));
    assert_eq!(tampered("UPDATE audit_log SET actor = 'someone' WHERE seq = 2").await, Some(2));
    assert_eq!(tampered("DELETE FROM audit_log WHERE seq = 3").await, Some(4));
    // Swap entries 2 and 3 (contents moved, numbers kept in place).
    let swap = "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (2, 3);
        DELETE FROM audit_log WHERE seq IN (2, 3);
        INSERT INTO audit_log SELECT 2, at, actor, action, entity, entity_id, details, prev_hash, hash FROM t WHERE seq = 3;
        INSERT INTO audit_log SELECT 3, at, actor, action, entity, entity_id, details, prev_hash, hash FROM t WHERE seq = 2;";
    assert_eq!(tampered(swap).await, Some(2));
}

#[tokio::test]
async fn backup_is_encrypted_verified_rolling_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let backups = dir.path().join("backups");
    let (store, key) = admin_store(dir.path()).await;
    store.set_setting("marker", "before").await.unwrap();
    let b = store.backup_to(&backups, Some(&key)).await.unwrap();
    let bytes = std::fs::read(&b.path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"), "a backup of an encrypted database stays encrypted");
    assert!(ansinh_store::keyring_path(Path::new(&b.path)).exists(), "the keyring travels with the backup");
    // The plain library cannot read it; the wrong key is refused.
    assert!(ansinh_store::backup::verify_file(Path::new(&b.path), None).await.is_err());
    assert!(ansinh_store::backup::verify_file(Path::new(&b.path), Some(&DbKey::random())).await.is_err());

    store.set_setting("marker", "after").await.unwrap();
    store.close().await;
    ansinh_store::backup::restore(Path::new(&b.path), &db, Some(&key)).await.unwrap();
    let ring = Keyring::load(&db).unwrap().unwrap();
    let store = Store::open_encrypted(&db, &ring.unwrap_key("admin", "mật khẩu quản trị").unwrap()).await.unwrap();
    assert_eq!(store.setting("marker").await.unwrap().as_deref(), Some("before"));
    assert_eq!(store.verify_audit().await.unwrap(), None);

    // A copy the app was closed during (a `.partial`, untouched for an hour) is no backup, and
    // the next backup removes it; one still being written is left alone.
    let stale = backups.join("ansinh-20260101-000000.db.partial");
    std::fs::write(&stale, b"half a copy").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(hour_ago).unwrap();
    let running = backups.join("ansinh-20260101-000001.db.partial");
    std::fs::write(&running, b"being written").unwrap();
    assert!(ansinh_store::list_backups(&backups).unwrap().iter().all(|b| !b.path.ends_with(".partial")));

    // Rolling: only the newest KEEP_BACKUPS stay.
    for _ in 0..ansinh_store::backup::KEEP_BACKUPS + 2 {
        store.backup_to(&backups, Some(&key)).await.unwrap();
    }
    assert_eq!(ansinh_store::list_backups(&backups).unwrap().len(), ansinh_store::backup::KEEP_BACKUPS);
    assert!(!stale.exists() && running.exists());
    let partials = std::fs::read_dir(&backups).unwrap().flatten();
    assert_eq!(partials.filter(|e| e.file_name().to_string_lossy().ends_with(".partial")).count(), 1);
    // A damaged backup is refused and the database is left as it was.
    let victim = ansinh_store::list_backups(&backups).unwrap()[0].path.clone();
    let mut bytes = std::fs::read(&victim).unwrap();
    let n = bytes.len();
    bytes.truncate(n / 2);
    std::fs::write(&victim, &bytes).unwrap();
    store.close().await;
    assert!(ansinh_store::backup::restore(Path::new(&victim), &db, Some(&key)).await.is_err());
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    assert_eq!(store.setting("marker").await.unwrap().as_deref(), Some("before"));
    store.close().await;
}

#[tokio::test]
async fn legal_basis_and_sensitive_changes_are_audited() {
    use ansinh_core::privacy::LegalBasis;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = admin_store(dir.path()).await;
    store.set_officer("admin");
    let refs = store.refs().await.unwrap();
    let input = ansinh_core::inputs::BeneficiaryInput {
        full_name: "Đặng Thị Hoa".into(),
        birth_date: "05/03/1941".into(),
        sex: "Nữ".into(),
        id_number: "001141012345".into(),
        ward_code: "00004".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..Default::default()
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let b = ansinh_core::validate::beneficiary(&input, &refs, today).unwrap();
    store.add_beneficiary(&b).await.unwrap();
    let id = b.id.to_string();
    assert_eq!(store.legal_basis(&id).await.unwrap(), None);
    store.set_legal_basis(&id, LegalBasis::Consent, "Phiếu đồng ý số 12").await.unwrap();
    let r = store.legal_basis(&id).await.unwrap().unwrap();
    assert_eq!(
        (r.basis, r.note.as_str(), r.recorded_by.as_str()),
        (LegalBasis::Consent, "Phiếu đồng ý số 12", "admin")
    );
    let about = store.audit_about(&id).await.unwrap();
    assert_eq!(about.last().unwrap().action, "legal_basis.set");

    // A sensitive change is audited with old and new values.
    let mut changed = b.clone();
    changed.needs.bedridden = true;
    store.update_beneficiary(&changed).await.unwrap();
    let last = &store.audit_entries(1, 0).await.unwrap()[0];
    assert_eq!(last.action, "beneficiary.update");
    assert_eq!(
        (last.details["old"]["bedridden"].as_i64(), last.details["new"]["bedridden"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
}

/// Converting and re-keying (issue 13): `sqlcipher_export` into a new file under a new key; the
/// copy holds every row, the new key opens it and no other does.
#[tokio::test]
async fn a_database_is_written_under_a_new_key_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.db");
    let store = Store::open(&plain).await.unwrap();
    ansinh_demo::load(
        &store,
        &ansinh_demo::DemoOptions {
            wards: 1,
            beneficiaries: 30,
            months: 2,
            seed: 1,
            until: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        },
    )
    .await
    .unwrap();
    store.close().await;
    assert!(ansinh_store::is_plaintext(&plain).unwrap());
    let info = ansinh_store::encrypt::peek_plaintext(&plain).await.unwrap();
    assert_eq!((info.users, info.people), (0, 30));

    let first = DbKey::random();
    let enc = dir.path().join("enc.db");
    ansinh_store::encrypt::export_encrypted(&plain, None, &enc, &first).await.unwrap();
    assert!(!ansinh_store::is_plaintext(&enc).unwrap());
    let second = DbKey::random();
    let rekeyed = dir.path().join("rekeyed.db");
    ansinh_store::encrypt::export_encrypted(&enc, Some(&first), &rekeyed, &second).await.unwrap();
    assert_eq!(code(Store::open_encrypted(&rekeyed, &first).await.err().unwrap()), ErrorCode::KeyWrong);
    let store = Store::open_encrypted(&rekeyed, &second).await.unwrap();
    assert_eq!(store.count_beneficiaries().await.unwrap(), 30);
    assert_eq!(store.verify_changes().await.unwrap(), None);
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
    // A copy over an existing file is refused and leaves it alone.
    assert!(ansinh_store::encrypt::export_encrypted(&plain, None, &rekeyed, &first).await.is_err());
}

/// Owner-only files (issue 13): the database and its side files, the keyring, backups and
/// their keyrings are mode 0600 whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn database_keyring_and_backups_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let (store, key) = admin_store(dir.path()).await;
    store.set_setting("marker", "x").await.unwrap();
    let wal = dir.path().join("a.db-wal");
    assert!(wal.exists());
    let b = store.backup_to(&dir.path().join("backups"), Some(&key)).await.unwrap();
    for p in [
        db.clone(),
        wal,
        ansinh_store::keyring_path(&db),
        b.path.clone().into(),
        ansinh_store::keyring_path(Path::new(&b.path)),
    ] {
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    store.close().await;
}
