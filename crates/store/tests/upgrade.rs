//! Opening a database written by an older version, as a sign-in does (issue 17: "with a backup
//! first"): the file as it was is kept in the backups folder before anything of it changes, and
//! when that backup cannot be taken nothing is upgraded.

use ansinh_core::ErrorCode;
use ansinh_store::upgrade::{create_at_version, schema_version};
use ansinh_store::{Store, StoreError, Upgrade, UpgradeStep, UpgradeWatch, list_backups};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::Path;

async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path)).await.unwrap()
}

/// The last migration applied to `path` and the value of the setting `marker`.
async fn version_and_marker(path: &Path) -> (i64, Option<String>) {
    let mut conn = raw(path).await;
    let got = sqlx::query_as(
        "SELECT (SELECT MAX(version) FROM _sqlx_migrations), (SELECT value FROM settings WHERE key = 'marker')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    got
}

/// A database as the version before the last migration left it, with a setting to recognise.
async fn older(path: &Path) -> i64 {
    let before = schema_version() - 1;
    create_at_version(path, None, before).await.unwrap();
    let mut conn = raw(path).await;
    sqlx::query("INSERT INTO settings (key, value) VALUES ('marker', 'written by the older version')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    before
}

#[tokio::test]
async fn an_older_database_is_backed_up_as_it_was_then_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ward.db");
    let before = older(&db).await;
    let upgrade =
        Upgrade { backup_dir: dir.path().join("backups"), watch: UpgradeWatch::default(), pause: Default::default() };

    let (store, report) = Store::open_upgrading(&db, None, Some(&upgrade)).await.unwrap();
    let report = report.expect("an older database is upgraded");
    assert_eq!((report.from_version, report.to_version), (before, schema_version()));
    assert!(report.backup.full, "the folder's first backup is a full copy");
    assert_eq!(upgrade.watch.steps(), [UpgradeStep::Backup, UpgradeStep::Migrate]);
    assert_eq!(upgrade.watch.get(), None);
    assert_eq!(store.setting("marker").await.unwrap().as_deref(), Some("written by the older version"));
    store.close().await;

    let listed = list_backups(&upgrade.backup_dir).unwrap();
    assert_eq!(listed.iter().map(|b| &b.path).collect::<Vec<_>>(), [&report.backup.path]);
    let kept = version_and_marker(Path::new(&report.backup.path)).await;
    assert_eq!(kept, (before, Some("written by the older version".into())), "the backup is the file as it was");
    assert_eq!(version_and_marker(&db).await.0, schema_version());

    // Current now: opened again, nothing is upgraded and no backup taken.
    let (store, again) = Store::open_upgrading(&db, None, Some(&upgrade)).await.unwrap();
    assert_eq!(again, None);
    store.close().await;
    assert_eq!(list_backups(&upgrade.backup_dir).unwrap().len(), 1);
    assert_eq!(upgrade.watch.steps(), [UpgradeStep::Backup, UpgradeStep::Migrate], "no step since");
}

#[tokio::test]
async fn an_upgrade_whose_backup_fails_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ward.db");
    let before = older(&db).await;
    // The backups folder cannot be made: a file is where its parent should be.
    std::fs::write(dir.path().join("not-a-folder"), b"x").unwrap();
    let backup_dir = dir.path().join("not-a-folder").join("backups");
    let upgrade = Upgrade { backup_dir: backup_dir.clone(), watch: UpgradeWatch::default(), pause: Default::default() };

    let refused = Store::open_upgrading(&db, None, Some(&upgrade)).await.err().expect("refused");
    let StoreError::Invalid(errors) = refused else { panic!("a field error, got {refused:?}") };
    assert_eq!(errors[0].code, ErrorCode::UpgradeNoBackup);
    assert_eq!(errors[0].params.get("dir").map(String::as_str), Some(backup_dir.to_str().unwrap()));
    assert_eq!(upgrade.watch.steps(), [UpgradeStep::Backup], "no migration ran");
    assert_eq!(upgrade.watch.get(), None);
    assert_eq!(version_and_marker(&db).await, (before, Some("written by the older version".into())));

    // Once the folder can be written, the next sign-in upgrades it.
    let upgrade =
        Upgrade { backup_dir: dir.path().join("backups"), watch: UpgradeWatch::default(), pause: Default::default() };
    let (store, report) = Store::open_upgrading(&db, None, Some(&upgrade)).await.unwrap();
    assert_eq!(report.map(|r| r.from_version), Some(before));
    store.close().await;
}

#[tokio::test]
async fn a_new_database_is_not_an_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let upgrade =
        Upgrade { backup_dir: dir.path().join("backups"), watch: UpgradeWatch::default(), pause: Default::default() };
    let db = dir.path().join("new.db");
    let (store, report) = Store::open_upgrading(&db, None, Some(&upgrade)).await.unwrap();
    assert_eq!(report, None);
    assert!(upgrade.watch.steps().is_empty());
    store.close().await;
    assert_eq!(version_and_marker(&db).await, (schema_version(), None));
    // Nor is its next opening: the new file was left with nothing pending.
    let (store, report) = Store::open_upgrading(&db, None, Some(&upgrade)).await.unwrap();
    assert_eq!(report, None);
    assert!(upgrade.watch.steps().is_empty());
    store.close().await;
    assert!(!upgrade.backup_dir.exists(), "nothing to keep, no folder made");
}

#[tokio::test]
async fn a_database_of_a_newer_version_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ward.db");
    create_at_version(&db, None, schema_version()).await.unwrap();
    let mut conn = raw(&db).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from a newer version', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let upgrade =
        Upgrade { backup_dir: dir.path().join("backups"), watch: UpgradeWatch::default(), pause: Default::default() };
    let refused = Store::open_upgrading(&db, None, Some(&upgrade)).await.err().expect("refused");
    assert!(refused.to_string().contains("9999"), "{refused}");
    assert!(upgrade.watch.steps().is_empty());
    assert!(!upgrade.backup_dir.exists());
    assert_eq!(version_and_marker(&db).await.0, 9999);
}
