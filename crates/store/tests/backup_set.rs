//! Incremental backups (issue 17): each point of a backups folder, restored from its full copy
//! and its chain of changes, is the database as it was when the point was taken, table by
//! table and row by row, also after the oldest points were rolled into the full copy and while
//! writes went on during the backup. A damaged set of changes restores nothing; a roll forward
//! a crash interrupted is finished by the next backup.

use ansinh_core::ErrorCode;
use ansinh_core::auth::Role;
use ansinh_demo::DemoOptions;
use ansinh_store::backup::{self, KEEP_BACKUPS};
use ansinh_store::{BackupInfo, DbKey, Keyring, NewUser, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

const ADMIN: &str = "admin";
const PASSWORD: &str = "mật khẩu quản trị";

async fn admin_store(db: &Path) -> (Store, DbKey) {
    let (_ring, key) = Keyring::create(db, ADMIN, PASSWORD).unwrap();
    let store = Store::open_encrypted(db, &key).await.unwrap();
    let admin =
        NewUser {
            username: ADMIN, display_name: "Quản trị", role: Role::Admin, ward_code: None, password: PASSWORD
        };
    store.create_user(&admin).await.unwrap();
    (store, key)
}

/// Every table, without the setting the backup itself writes into its image.
async fn tables(store: &Store) -> String {
    let dump = store.dump_every_table().await.unwrap();
    dump.lines()
        .filter(|l| !l.contains("\"backup_started_at\"") && !l.starts_with("## settings"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The database as `point` holds it: a copy of the live file is replaced by the point through
/// the app's own restore, then opened with the key.
async fn restored(live: &Path, point: &str, key: &DbKey, n: usize) -> Result<String, ansinh_store::StoreError> {
    let target = live.with_file_name(format!("restored-{n}.db"));
    std::fs::copy(live, &target).unwrap();
    backup::restore(Path::new(point), &target, Some(key)).await?;
    let store = Store::open_encrypted(&target, key).await.unwrap();
    let dump = tables(&store).await;
    assert_eq!(store.verify_changes().await.unwrap(), None);
    store.close().await;
    for f in [target.clone(), ansinh_store::keyring_path(&target)] {
        let _ = std::fs::remove_file(f);
    }
    Ok(dump)
}

fn stem(path: &str) -> String {
    Path::new(path).file_stem().unwrap().to_string_lossy().to_string()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn every_kept_point_restores_to_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let backups = dir.path().join("backups");
    let (store, key) = admin_store(&db).await;
    let opts = DemoOptions {
        wards: 2,
        beneficiaries: 300,
        months: 6,
        seed: 5,
        until: d("2026-10-01"),
        today: d("2026-10-20"),
    };
    let refs = store.refs().await.unwrap();
    let demo = ansinh_demo::generate(&opts, &refs);
    store.upsert_units(&demo.new_units).await.unwrap();
    let mut chunks = ansinh_demo::into_chunks(demo.batch, 4).into_iter();
    // The ward as it stands, then twelve days: each registers a few people with their payments
    // (the file grows), and some days a large setting that a later day shrinks (pages freed and
    // reused).
    for chunk in chunks.by_ref().take(50) {
        store.insert_batch(&chunk).await.unwrap();
    }
    let mut points: Vec<(BackupInfo, String)> = Vec::new();
    for day in 0..KEEP_BACKUPS + 2 {
        store.insert_batch(&chunks.next().unwrap()).await.unwrap();
        let note = if day % 3 == 0 { "ghi chú ".repeat(20_000) } else { format!("ngày {day}") };
        store.set_setting("note", &note).await.unwrap();
        let expected = tables(&store).await;
        let b = store.backup_to(&backups, Some(&key)).await.unwrap();
        assert_eq!(b.full, day == 0, "the first backup is a full copy, the next ones changes");
        points.push((b, expected));
    }
    let listed = backup::list_backups(&backups).unwrap();
    assert_eq!(listed.len(), KEEP_BACKUPS);
    // The oldest kept point was rolled into the full copy; the rest are changes.
    assert!(listed.last().unwrap().full && listed[..KEEP_BACKUPS - 1].iter().all(|b| !b.full));
    // Only points, their keyrings and the newest point's digests: no side files of the checks.
    for e in std::fs::read_dir(&backups).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let known = [".db", ".changes", ".keys", ".digests"].iter().any(|ext| name.ends_with(ext));
        assert!(known || name == backup::LOCK_FILE, "{name} left behind");
    }
    let digests = std::fs::read_dir(&backups).unwrap().flatten();
    assert_eq!(digests.filter(|e| e.file_name().to_string_lossy().ends_with(".digests")).count(), 1);
    let full_bytes = listed.last().unwrap().bytes;
    // A day here writes a 180 KB setting into a 3 MB database (compact since migration 0021).
    for b in &listed[..KEEP_BACKUPS - 1] {
        assert!(
            b.bytes * 3 < full_bytes,
            "a day's changes ({} B) are a fraction of the copy ({full_bytes} B)",
            b.bytes
        );
    }
    for (n, b) in listed.iter().enumerate() {
        // A point rolled into the full copy keeps its stamp.
        let (_, expected) = points.iter().find(|(p, _)| stem(&p.path) == stem(&b.path)).unwrap();
        let got = restored(&db, &b.path, &key, n).await.unwrap();
        assert!(got == *expected, "point {} ({}) restores to the database as it was", n, b.path);
    }

    // Writes go on during a backup: the point is one consistent moment between them.
    let writer = {
        let store = &store;
        async move {
            for i in 0..200 {
                store.set_setting("counter", &i.to_string()).await.unwrap();
                tokio::task::yield_now().await;
            }
        }
    };
    let (_, b) = tokio::join!(writer, store.backup_to(&backups, Some(&key)));
    let b = b.unwrap();
    assert!(!b.full);
    restored(&db, &b.path, &key, 99).await.unwrap();

    // Two backups at once (the daily one and a click): one after the other, each its own
    // point, the second following the first.
    let (x, y) = tokio::join!(store.backup_to(&backups, Some(&key)), store.backup_to(&backups, Some(&key)));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_ne!(x.path, y.path);
    let before = |b: &BackupInfo| backup::Changes::read(Path::new(&b.path)).unwrap().previous;
    let own = |b: &BackupInfo| stem(&b.path).trim_start_matches("ansinh-").to_string();
    assert!(before(&x) == own(&y) || before(&y) == own(&x), "one follows the other");

    // A damaged set of changes: the points after it restore nothing and the database stays;
    // the ones before it still restore.
    let listed = backup::list_backups(&backups).unwrap();
    let victim = PathBuf::from(&listed[4].path);
    let mut bytes = std::fs::read(&victim).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&victim, &bytes).unwrap();
    for later in &listed[..=4] {
        let target = dir.path().join("target.db");
        std::fs::copy(&db, &target).unwrap();
        let before = std::fs::read(&target).unwrap();
        let e = backup::restore(Path::new(&later.path), &target, Some(&key)).await.unwrap_err();
        assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::BackupDamaged);
        assert_eq!(std::fs::read(&target).unwrap(), before, "a refused restore changes nothing");
    }
    restored(&db, &listed[5].path, &key, 100).await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn a_roll_forward_cut_short_is_finished_by_the_next_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let backups = dir.path().join("backups");
    let (store, key) = admin_store(&db).await;
    let mut expected = Vec::new();
    for day in 0..3 {
        store.set_setting("note", &format!("ngày {day} ").repeat(2_000)).await.unwrap();
        expected.push(tables(&store).await);
        store.backup_to(&backups, Some(&key)).await.unwrap();
    }
    // Newest first: two sets of changes, then the full copy.
    let listed = backup::list_backups(&backups).unwrap();
    let (full, first, second) = (&listed[2].path, &listed[1].path, &listed[0].path);
    let name = |p: &str| Path::new(p).file_name().unwrap().to_str().unwrap().to_string();
    // What a roll forward of the first set writes before it touches the full copy, then half
    // its work: the first changes applied, nothing renamed.
    let marker = serde_json::json!({
        "full": name(full),
        "changes": [name(first)],
        "into": name(first).replace(".changes", ".db"),
    });
    std::fs::write(backups.join("ansinh-rolling.json"), marker.to_string()).unwrap();
    backup::Changes::read(Path::new(first)).unwrap().apply_to(Path::new(full)).unwrap();

    store.backup_to(&backups, Some(&key)).await.unwrap();
    assert!(!backups.join("ansinh-rolling.json").exists());
    let listed = backup::list_backups(&backups).unwrap();
    assert_eq!(listed.len(), 3, "the oldest point was rolled into the next one: {listed:?}");
    assert!(listed[2].full && listed[2].path.ends_with(&name(first).replace(".changes", ".db")));
    assert!(restored(&db, &listed[2].path, &key, 0).await.unwrap() == expected[1]);
    assert!(restored(&db, second, &key, 1).await.unwrap() == expected[2]);
    store.close().await;
}

/// Folders changed by hand: a set of changes whose full copy is gone, one that names itself,
/// a roll-forward marker that names files outside the folder, damaged digests. Each restore is
/// refused with `backup.damaged` and changes nothing; damaged digests only make the next
/// backup a full copy.
#[tokio::test]
async fn a_folder_changed_by_hand_restores_nothing_and_the_next_backup_starts_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let backups = dir.path().join("backups");
    let (store, key) = admin_store(&db).await;
    for day in 0..3 {
        store.set_setting("note", &format!("ngày {day}")).await.unwrap();
        store.backup_to(&backups, Some(&key)).await.unwrap();
    }
    let listed = backup::list_backups(&backups).unwrap();
    let (newest, middle, full) = (PathBuf::from(&listed[0].path), PathBuf::from(&listed[1].path), &listed[2].path);
    let refused = |point: PathBuf| {
        let target = dir.path().join("target.db");
        let db = db.clone();
        let key = key.clone();
        async move {
            std::fs::copy(&db, &target).unwrap();
            let before = std::fs::read(&target).unwrap();
            let e = backup::restore(&point, &target, Some(&key)).await.unwrap_err();
            assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::BackupDamaged, "{}", point.display());
            assert_eq!(std::fs::read(&target).unwrap(), before, "a refused restore changes nothing");
        }
    };

    // A set of changes that names itself as the point before: refused, not followed forever.
    let mut header = b"ANSINHPG".to_vec();
    header.extend_from_slice(&1u32.to_le_bytes());
    header.extend_from_slice(&4096u32.to_le_bytes());
    header.extend_from_slice(&15u16.to_le_bytes());
    header.extend_from_slice(b"20990101-000000");
    let looping = backups.join("ansinh-20990101-000000.changes");
    std::fs::write(&looping, &header).unwrap();
    refused(looping.clone()).await;
    std::fs::remove_file(&looping).unwrap();

    // The full copy gone: the sets of changes after it restore nothing.
    let kept = std::fs::read(full).unwrap();
    std::fs::remove_file(full).unwrap();
    refused(newest.clone()).await;
    refused(middle.clone()).await;
    std::fs::write(full, &kept).unwrap();

    // A roll-forward marker naming a file outside the folder: not acted on.
    let outside = format!("../{}", Path::new(full).file_name().unwrap().to_str().unwrap());
    let marker = serde_json::json!({ "full": outside, "changes": [stem(middle.to_str().unwrap()) + ".changes"], "into": "ansinh-20990101-000000.db" });
    std::fs::write(backups.join("ansinh-rolling.json"), marker.to_string()).unwrap();
    let db_before = std::fs::read(&db).unwrap();
    let e = store.backup_to(&backups, Some(&key)).await.unwrap_err();
    assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::BackupDamaged);
    assert_eq!(std::fs::read(&db).unwrap(), db_before);
    // Nor one with no changes to roll.
    let marker = serde_json::json!({ "full": Path::new(full).file_name().unwrap().to_str().unwrap(), "changes": [], "into": "ansinh-20990101-000000.db" });
    std::fs::write(backups.join("ansinh-rolling.json"), marker.to_string()).unwrap();
    let e = store.backup_to(&backups, Some(&key)).await.unwrap_err();
    assert_eq!(ansinh_core::AppError::from(e).code(), ErrorCode::BackupDamaged);
    std::fs::remove_file(backups.join("ansinh-rolling.json")).unwrap();

    // Damaged digests: the next backup is a full copy, and it restores.
    let digests = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".digests"))
        .unwrap()
        .path();
    let mut d = std::fs::read(&digests).unwrap();
    d[40] ^= 1;
    std::fs::write(&digests, &d).unwrap();
    let expected = tables(&store).await;
    let b = store.backup_to(&backups, Some(&key)).await.unwrap();
    assert!(b.full, "digests that fail their checksum are not followed");
    assert!(restored(&db, &b.path, &key, 0).await.unwrap() == expected, "the new full copy restores");
    store.close().await;
}
