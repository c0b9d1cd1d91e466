//! A desktop with an administrator, an officer of ward 00001 and one person in each of two wards.
#![allow(dead_code)]

use ansinh_api::{AppState, require};
use ansinh_core::auth::{Permission, Role};
use ansinh_store::NewUser;
use std::path::Path;

pub const ADMIN_PW: &str = "quản trị viên 2026";
pub const OFFICER_PW: &str = "cán bộ phường 1";

pub fn state(dir: &Path) -> AppState {
    AppState::with_backup_dir(dir.join("t.db"), dir.join("backups"))
}

/// Returns the state (nobody signed in) and the ids of a person of 00001 and one of 00004.
pub async fn state_with_officer(dir: &Path) -> (AppState, String, String) {
    let state = state(dir);
    assert!(state.status().await.unwrap().needs_setup);
    state.setup_admin("admin", "Quản trị", ADMIN_PW).await.unwrap();
    let admin = require(&state, Permission::Administer).unwrap();
    let input = |ward: &str, id: &str| ansinh_core::inputs::BeneficiaryInput {
        full_name: "Nguyễn Văn An".into(),
        birth_date: "01/02/1940".into(),
        sex: "male".into(),
        id_number: id.into(),
        ward_code: ward.into(),
        group_code: "cao_tuoi_80_khong_luong".into(),
        ..Default::default()
    };
    let refs = admin.store.refs().await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut ids = vec![];
    for (ward, id) in [("00001", "001040000011"), ("00004", "001040000012")] {
        let b = ansinh_core::validate::beneficiary(&input(ward, id), &refs, today).unwrap();
        admin.store.add_beneficiary(&b).await.unwrap();
        ids.push(b.id.to_string());
    }
    let officer = NewUser {
        username: "lan",
        display_name: "Lan",
        role: Role::Officer,
        ward_code: Some("00001"),
        password: OFFICER_PW,
    };
    state.add_user(&admin, &officer).await.unwrap();
    drop(admin);
    state.logout().await.unwrap();
    (state, ids[0].clone(), ids[1].clone())
}

/// The audit actions of the database at `db`, oldest first, read with `password` of `user`.
pub async fn audit_actions(db: &Path, user: &str, password: &str) -> Vec<(String, String)> {
    let key = ansinh_store::Keyring::load(db).unwrap().unwrap().unwrap_key(user, password).unwrap();
    let store = ansinh_store::Store::open_encrypted(db, &key).await.unwrap();
    let entries = store.audit_entries(1000, 0).await.unwrap();
    assert_eq!(store.verify_audit().await.unwrap(), None);
    store.close().await;
    entries.into_iter().rev().map(|e| (e.actor, e.action)).collect()
}
