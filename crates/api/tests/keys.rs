//! A key per person, revocable (issue 13): deactivation removes a person's key, re-keying
//! makes old keyrings useless, passwords change, version 1 keyrings are upgraded, plaintext
//! databases are converted or refused, and a restore keeps its own audit entry.

mod common;

use ansinh_api::{AppState, require};
use ansinh_core::ErrorCode;
use ansinh_core::auth::{Permission, Role};
use ansinh_store::{DbKey, Keyring, NewUser, Store, UserChange, keyring_path};
use common::*;
use std::path::Path;

fn code<T: std::fmt::Debug>(r: Result<T, ansinh_core::AppError>) -> ErrorCode {
    r.unwrap_err().code()
}

async fn lan_id(state: &AppState) -> String {
    let a = require(state, Permission::Administer).unwrap();
    a.store.list_users().await.unwrap().into_iter().find(|u| u.username == "lan").unwrap().id
}

#[tokio::test]
async fn after_deactivation_the_old_password_no_longer_opens_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (state, _, _) = state_with_officer(dir.path()).await;
    let old_key = Keyring::load(&db).unwrap().unwrap().unwrap_key("lan", OFFICER_PW).unwrap();

    state.login("admin", ADMIN_PW).await.unwrap();
    let id = lan_id(&state).await;
    let a = require(&state, Permission::Administer).unwrap();
    let off = UserChange { id: &id, role: Role::Officer, ward_code: Some("00001"), active: false, password: None };
    state.update_user(&a, &off).await.unwrap();
    // Their entry is gone from the keyring: the old password opens nothing, in the app or by hand.
    assert!(Keyring::load(&db).unwrap().unwrap().unwrap_key("lan", OFFICER_PW).is_err());
    // Reactivating needs a new password, set by the administrator.
    let on = UserChange { password: None, active: true, ..off };
    assert_eq!(code(state.update_user(&a, &on).await), ErrorCode::UserPasswordRequired);
    drop(a);
    state.close().await;

    let state = common::state(dir.path());
    assert_eq!(code(state.login("lan", OFFICER_PW).await), ErrorCode::AuthBadCredentials);
    state.login("admin", ADMIN_PW).await.unwrap();
    let a = require(&state, Permission::Administer).unwrap();
    let on = UserChange {
        id: &id,
        role: Role::Officer,
        ward_code: Some("00001"),
        active: true,
        password: Some("mật khẩu mới của Lan"),
    };
    state.update_user(&a, &on).await.unwrap();
    drop(a);
    state.logout().await.unwrap();
    assert_eq!(code(state.login("lan", OFFICER_PW).await), ErrorCode::AuthBadCredentials);
    state.login("lan", "mật khẩu mới của Lan").await.unwrap();
    state.close().await;
    // Someone who kept the old key still opens the file: that is what re-keying is for.
    Store::open_encrypted(&db, &old_key).await.unwrap().close().await;
    let actions = audit_actions(&db, "admin", ADMIN_PW).await;
    assert!(actions.iter().any(|(who, what)| who == "admin" && what == "user.update"));
}

#[tokio::test]
async fn after_rekeying_the_old_keyring_does_not_open_the_file_and_old_backups_still_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (state, own, _) = state_with_officer(dir.path()).await;
    state.login("admin", ADMIN_PW).await.unwrap();
    let a = require(&state, Permission::Administer).unwrap();
    let before = state.backup_now(&a).await.unwrap();
    drop(a);
    let old_ring = std::fs::read(keyring_path(&db)).unwrap();
    let old_key = Keyring::load(&db).unwrap().unwrap().unwrap_key("admin", ADMIN_PW).unwrap();

    let a = require(&state, Permission::Administer).unwrap();
    let report = state.rekey(a).await.unwrap();
    assert_eq!(report.sealed_for, ["admin", "lan"]);
    assert!(report.without_key.is_empty());
    // The administrator carries on in the same session, on the re-keyed file.
    let a = require(&state, Permission::ReadPeople).unwrap();
    assert!(a.store.beneficiary_detail(&own).await.is_ok());
    drop(a);
    state.close().await;

    // The old key, and so the old keyring with an old password, no longer opens the file.
    assert!(Store::open_encrypted(&db, &old_key).await.err().unwrap().to_string().contains("key.wrong"));
    let copy = dir.path().join("copy.db");
    std::fs::write(keyring_path(&copy), &old_ring).unwrap();
    let from_copy = Keyring::load(&copy).unwrap().unwrap().unwrap_key("lan", OFFICER_PW).unwrap();
    assert!(from_copy == old_key);
    assert!(Store::open_encrypted(&db, &from_copy).await.is_err());
    // Everyone still signs in with their unchanged password.
    let state = common::state(dir.path());
    state.login("lan", OFFICER_PW).await.unwrap();
    state.login("admin", ADMIN_PW).await.unwrap();

    // A backup from before the re-key: its keyring opens it with the administrator's identity.
    let a = require(&state, Permission::Administer).unwrap();
    state.restore_backup(a, Path::new(&before.path)).await.unwrap();
    let actions = audit_actions(&db, "admin", ADMIN_PW).await;
    assert_eq!(actions.last().unwrap(), &("admin".to_string(), "restore".to_string()), "{actions:?}");
    assert!(!actions.iter().any(|(_, a)| a == "database.rekey"), "the restored file predates the re-key");
    state.login("lan", OFFICER_PW).await.unwrap();
    state.close().await;
}

#[tokio::test]
async fn a_restore_keeps_its_own_audit_entry_and_everyone_signs_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let state = common::state(dir.path());
    state.setup_admin("admin", "", ADMIN_PW).await.unwrap();
    let b = state.backup_if_due().await.unwrap().expect("the first backup is due");
    assert!(state.backup_if_due().await.unwrap().is_none(), "one automatic backup a day");
    let a = require(&state, Permission::Administer).unwrap();
    a.store.set_setting("marker", "after the backup").await.unwrap();
    state.restore_backup(a, Path::new(&b.path)).await.unwrap();
    assert_eq!(require(&state, Permission::Signed).err().unwrap().code(), ErrorCode::AuthRequired);
    assert!(!state.is_unlocked());
    state.login("admin", ADMIN_PW).await.unwrap();
    let a = require(&state, Permission::Administer).unwrap();
    assert_eq!(a.store.setting("marker").await.unwrap(), None);
    let entries = a.store.audit_entries(10, 0).await.unwrap();
    let restore = entries.iter().find(|e| e.action == "restore").expect("the restore is in the restored log");
    assert_eq!((restore.actor.as_str(), restore.details["file"].as_str()), ("admin", Some(b.path.as_str())));
    assert_eq!(a.store.verify_audit().await.unwrap(), None);
    drop(a);
    state.close().await;
    assert!(db.exists());
}

#[tokio::test]
async fn every_user_changes_their_password_and_only_the_new_one_opens_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (state, _, _) = state_with_officer(dir.path()).await;
    state.login("lan", OFFICER_PW).await.unwrap();
    let a = require(&state, Permission::Signed).unwrap();
    assert_eq!(
        code(state.change_password(&a, "not my password", "mật khẩu mới 2026").await),
        ErrorCode::AuthBadCredentials
    );
    assert_eq!(code(state.change_password(&a, OFFICER_PW, "ngắn").await), ErrorCode::PasswordTooShort);
    state.change_password(&a, OFFICER_PW, "mật khẩu mới 2026").await.unwrap();
    drop(a);
    state.logout().await.unwrap();
    assert_eq!(code(state.login("lan", OFFICER_PW).await), ErrorCode::AuthBadCredentials);
    assert!(Keyring::load(&db).unwrap().unwrap().unwrap_key("lan", OFFICER_PW).is_err());
    state.login("lan", "mật khẩu mới 2026").await.unwrap();
    state.close().await;
    let actions = audit_actions(&db, "admin", ADMIN_PW).await;
    for expected in ["user.password_failed", "user.password"] {
        assert!(actions.iter().any(|(who, what)| who == "lan" && what == expected), "{expected}: {actions:?}");
    }
}

/// A version 1 keyring (the key wrapped by the password, issue 6) written from its format.
fn write_v1_keyring(db: &Path, entries: &[(&str, &str)], key: &DbKey) {
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    let entries: Vec<_> = entries
        .iter()
        .map(|(user, password)| {
            let salt: [u8; 16] = rand_salt();
            let kek = ansinh_core::auth::derive_key(password, &salt).unwrap();
            let cipher = chacha20poly1305::ChaCha20Poly1305::new(&kek.into());
            let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
            let raw: [u8; 32] = hex::decode(key.to_hex().as_str()).unwrap().try_into().unwrap();
            let wrapped = cipher.encrypt(&nonce, raw.as_slice()).unwrap();
            serde_json::json!({"username": user, "salt": hex::encode(salt), "nonce": hex::encode(nonce),
                               "wrapped": hex::encode(wrapped)})
        })
        .collect();
    let file = serde_json::json!({"version": 1, "kdf": "argon2id-m19456-t2-p1", "cipher": "chacha20poly1305",
                                  "entries": entries});
    std::fs::write(keyring_path(db), file.to_string()).unwrap();
}

fn rand_salt() -> [u8; 16] {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut s = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut s);
    s
}

#[tokio::test]
async fn a_version_1_keyring_is_upgraded_when_each_person_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    // A desktop of the previous version: its database, accounts and a version 1 keyring.
    let key = DbKey::random();
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    for (username, role, ward, password) in
        [("admin", Role::Admin, None, ADMIN_PW), ("lan", Role::Officer, Some("00001"), OFFICER_PW)]
    {
        let u = NewUser { username, display_name: username, role, ward_code: ward, password };
        store.create_user(&u).await.unwrap();
    }
    store.close().await;
    write_v1_keyring(&db, &[("admin", ADMIN_PW), ("lan", OFFICER_PW)], &key);
    assert!(Keyring::load(&db).unwrap().unwrap().is_legacy("admin"));

    let state = common::state(dir.path());
    assert_eq!(code(state.login("admin", "sai mật khẩu rồi").await), ErrorCode::AuthBadCredentials);
    state.login("admin", ADMIN_PW).await.unwrap();
    let ring = Keyring::load(&db).unwrap().unwrap();
    assert!(!ring.is_legacy("admin") && ring.is_legacy("lan"), "only the person who signed in is upgraded");
    let a = require(&state, Permission::Administer).unwrap();
    let last = &a.store.audit_entries(1, 0).await.unwrap()[0];
    assert_eq!((last.actor.as_str(), last.action.as_str()), ("admin", "keyring.upgrade"));
    // A re-key now: lan's version 1 entry cannot be re-sealed without the password.
    let report = state.rekey(a).await.unwrap();
    assert_eq!((report.sealed_for, report.without_key), (vec!["admin".to_string()], vec!["lan".to_string()]));
    state.logout().await.unwrap();
    assert_eq!(code(state.login("lan", OFFICER_PW).await), ErrorCode::AuthBadCredentials);
    state.login("admin", ADMIN_PW).await.unwrap();
    state.close().await;
}

/// A plaintext database made by the CLI (or an older version) with data and no account.
async fn plaintext_db(db: &Path, with_users: bool) {
    let store = Store::open(db).await.unwrap();
    let opts = ansinh_demo::DemoOptions {
        wards: 1,
        beneficiaries: 12,
        months: 1,
        seed: 3,
        until: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
    };
    ansinh_demo::load(&store, &opts).await.unwrap();
    if with_users {
        for (username, role, ward, password) in
            [("admin", Role::Admin, None, ADMIN_PW), ("lan", Role::Officer, Some("00001"), OFFICER_PW)]
        {
            let u = NewUser { username, display_name: username, role, ward_code: ward, password };
            store.create_user(&u).await.unwrap();
        }
    }
    store.close().await;
}

#[tokio::test]
async fn a_plaintext_database_is_refused_until_converted_then_encrypted_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    plaintext_db(&db, false).await;
    let bytes = std::fs::read(&db).unwrap();

    let state = common::state(dir.path());
    let status = state.status().await.unwrap();
    let info = status.plaintext.expect("the first screen is told");
    assert_eq!((info.users, info.people, status.needs_setup), (0, 12, false));
    // Never adopted: neither set-up nor sign-in opens it, and the file is left as it was.
    assert_eq!(code(state.setup_admin("admin", "", ADMIN_PW).await), ErrorCode::KeyPlaintext);
    assert_eq!(code(state.login("admin", ADMIN_PW).await), ErrorCode::KeyPlaintext);
    assert_eq!(code(state.convert_plaintext("x", "", "short").await), ErrorCode::Validation);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    assert!(!keyring_path(&db).exists());

    let user = state.convert_plaintext("admin", "Quản trị", ADMIN_PW).await.unwrap();
    assert_eq!((user.role, user.display_name.as_str()), (Role::Admin, "Quản trị"));
    assert!(!ansinh_store::is_plaintext(&db).unwrap() && keyring_path(&db).exists());
    let a = require(&state, Permission::Administer).unwrap();
    assert_eq!(a.store.count_beneficiaries().await.unwrap(), 12);
    assert_eq!(a.store.verify_changes().await.unwrap(), None);
    drop(a);
    state.close().await;
    // No plaintext copy is kept beside it.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(names.iter().all(|n| n == "t.db" || n == "t.db.keys"), "{names:?}");
    let actions = audit_actions(&db, "admin", ADMIN_PW).await;
    assert!(actions.iter().any(|(who, what)| who == "admin" && what == "database.encrypted"), "{actions:?}");
    assert_eq!(common::state(dir.path()).status().await.unwrap().plaintext, None);
}

#[tokio::test]
async fn a_plaintext_database_with_users_is_converted_only_by_its_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    plaintext_db(&db, true).await;
    let bytes = std::fs::read(&db).unwrap();
    let state = common::state(dir.path());
    assert_eq!(state.status().await.unwrap().plaintext.unwrap().users, 2);
    assert_eq!(code(state.convert_plaintext("admin", "", "sai mật khẩu rồi").await), ErrorCode::AuthBadCredentials);
    assert_eq!(code(state.convert_plaintext("lan", "", OFFICER_PW).await), ErrorCode::AuthForbidden);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "a refusal changes nothing");

    state.convert_plaintext("admin", "", ADMIN_PW).await.unwrap();
    // The other accounts have no key yet: the administrator sets them a new password.
    let id = lan_id(&state).await;
    state.logout().await.unwrap();
    assert_eq!(code(state.login("lan", OFFICER_PW).await), ErrorCode::AuthBadCredentials);
    state.login("admin", ADMIN_PW).await.unwrap();
    let a = require(&state, Permission::Administer).unwrap();
    let set = UserChange {
        id: &id,
        role: Role::Officer,
        ward_code: Some("00001"),
        active: true,
        password: Some("mật khẩu mới của Lan"),
    };
    state.update_user(&a, &set).await.unwrap();
    drop(a);
    state.login("lan", "mật khẩu mới của Lan").await.unwrap();
    state.close().await;
}
