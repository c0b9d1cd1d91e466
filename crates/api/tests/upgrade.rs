//! A sign-in on a database written by an older version, through the shared door every front
//! end uses (`AppState::login`: the app, the CLI, the development server): the file is backed up
//! before it is upgraded, the upgrade is audited under the person who signed in and told once in
//! `app_info`; when the backup cannot be taken the sign-in is refused and nothing is upgraded.

mod common;

use ansinh_api::commands::call;
use ansinh_core::ErrorCode;
use ansinh_store::Keyring;
use ansinh_store::upgrade::{create_at_version, schema_version};
use common::*;
use serde_json::json;
use std::path::Path;

async fn version_of(path: &Path, key: &ansinh_store::DbKey) -> i64 {
    ansinh_store::upgrade::version_of(path, Some(key)).await.unwrap()
}

#[tokio::test]
async fn a_sign_in_backs_an_older_database_up_then_upgrades_it_and_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (_ring, key) = Keyring::create(&db, "admin", ADMIN_PW).unwrap();
    let before = schema_version() - 1;
    create_at_version(&db, Some(&key), before).await.unwrap();

    // The backups folder cannot be made (a file where its parent should be): refused, and the
    // file is as the older version left it.
    std::fs::write(dir.path().join("blocked"), b"x").unwrap();
    let blocked = ansinh_api::AppState::with_backup_dir(db.clone(), dir.path().join("blocked").join("backups"));
    let refused = blocked.login("admin", ADMIN_PW).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UpgradeNoBackup);
    assert!(blocked.status().await.unwrap().user.is_none(), "nobody signed in");
    assert_eq!(version_of(&db, &key).await, before);

    let state = common::state(dir.path());
    assert_eq!(call(&state, "upgrade_progress", json!({})).await.unwrap(), json!(null));
    state.login("admin", ADMIN_PW).await.unwrap();
    assert_eq!(call(&state, "upgrade_progress", json!({})).await.unwrap(), json!(null), "done");
    let info = call(&state, "app_info", json!({})).await.unwrap();
    let upgraded = &info["upgraded"];
    assert_eq!(
        (upgraded["from_version"].as_i64(), upgraded["to_version"].as_i64()),
        (Some(before), Some(schema_version()))
    );
    let backup = upgraded["backup"]["path"].as_str().unwrap().to_string();
    assert_eq!(version_of(Path::new(&backup), &key).await, before, "the backup is the file as it was");
    assert_eq!(version_of(&db, &key).await, schema_version());
    state.logout().await.unwrap();

    // Said once: the next sign-in has nothing to upgrade.
    state.login("admin", ADMIN_PW).await.unwrap();
    assert_eq!(call(&state, "app_info", json!({})).await.unwrap()["upgraded"], json!(null));
    state.close().await;
    let listed = ansinh_store::list_backups(&dir.path().join("backups")).unwrap();
    assert_eq!(listed.iter().map(|b| b.path.as_str()).collect::<Vec<_>>(), [backup.as_str()]);

    let actions = audit_actions(&db, "admin", ADMIN_PW).await;
    let upgrade_at = actions.iter().position(|a| a == &("admin".to_string(), "database.upgrade".to_string()));
    let upgrade_at = upgrade_at.expect("the upgrade is audited under the person who signed in");
    assert_eq!(actions[upgrade_at - 1], ("admin".to_string(), "backup".to_string()), "its backup just before");
    assert_eq!(actions.iter().filter(|(_, a)| a == "database.upgrade").count(), 1);
}
