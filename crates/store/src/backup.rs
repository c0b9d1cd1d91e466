//! Rolling backups (issue 6): `VACUUM INTO` a new file (a consistent snapshot, encrypted with the
//! same key as the database), the keyring copied beside it, then verified by opening the copy
//! and running `PRAGMA integrity_check`. Kept in a folder outside the app's data folder, so an
//! uninstaller that wipes app data leaves them: `$ANSINH_BACKUP_DIR`, else
//! `<documents>/ansinh-backups` (or `~/ansinh-backups`). See docs/SECURITY.md.

use crate::Store;
use crate::error::{Result, StoreError};
use crate::keyring::{DbKey, Keyring, keyring_path};
use ansinh_core::ErrorCode;
use serde::Serialize;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};

pub const BACKUP_DIR_ENV: &str = "ANSINH_BACKUP_DIR";

/// How many backups the rolling folder keeps.
pub const KEEP_BACKUPS: usize = 10;

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    /// From the file name (UTC), `yyyy-mm-ddThh:mm:ssZ`.
    pub taken_at: String,
}

pub fn default_backup_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(BACKUP_DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from(".")).join("ansinh-backups")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Folder { path: path.display().to_string(), source }
}

/// Removes copies under way (`*.db.partial`) that nothing has written to for ten minutes: left
/// by an app closed during a backup (a running copy writes all the time).
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > std::time::Duration::from_secs(600)));
        if e.file_name().to_string_lossy().ends_with(".db.partial") && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Backups in `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>> {
    let mut out = Vec::new();
    let mut order = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(dir)(e)),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(stamp) = name.strip_prefix("ansinh-").and_then(|s| s.strip_suffix(".db")) else { continue };
        // `yyyymmdd-hhmmss`, then `-n` for a second backup within the same second.
        let (time, n) = stamp.get(..15).map(|t| (t, stamp[15..].trim_start_matches('-'))).unwrap_or((stamp, ""));
        let Ok(t) = chrono::NaiveDateTime::parse_from_str(time, "%Y%m%d-%H%M%S") else { continue };
        let n: u32 = if n.is_empty() { 0 } else { n.parse().unwrap_or(0) };
        order.push(n);
        out.push(BackupInfo {
            path: e.path().display().to_string(),
            bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
            taken_at: t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        });
    }
    let mut both: Vec<(BackupInfo, u32)> = out.into_iter().zip(order).collect();
    both.sort_by(|(a, x), (b, y)| b.taken_at.cmp(&a.taken_at).then(y.cmp(x)));
    Ok(both.into_iter().map(|(b, _)| b).collect())
}

/// Opens one read-only connection with the key and reads the schema: SQLCipher only notices a
/// wrong key on the first read ("file is not a database"). Nothing is written.
pub async fn verify_key(file: &Path, key: &DbKey) -> Result<()> {
    let opts = SqliteConnectOptions::new().filename(file).read_only(true).pragma("key", key.pragma().to_string());
    let mut conn = sqlx::SqliteConnection::connect_with(&opts).await.map_err(wrong_key)?;
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master").fetch_one(&mut conn).await.map_err(wrong_key)?;
    conn.close().await.ok();
    Ok(())
}

fn wrong_key(e: sqlx::Error) -> StoreError {
    if e.to_string().contains("file is not a database") {
        StoreError::Access(ansinh_core::FieldError {
            code: ErrorCode::KeyWrong,
            message: "the database key is wrong (or the file is not an ansinh database)".into(),
            field: None,
            row: None,
            params: Default::default(),
        })
    } else {
        StoreError::Db(e)
    }
}

/// Opens `file` read-only with `key` and checks it: `PRAGMA integrity_check` must say `ok`.
pub async fn verify_file(file: &Path, key: Option<&DbKey>) -> Result<()> {
    let mut opts = SqliteConnectOptions::new().filename(file).read_only(true).disable_statement_logging();
    if let Some(k) = key {
        opts = opts.pragma("key", k.pragma().to_string());
    }
    let mut conn = sqlx::SqliteConnection::connect_with(&opts).await?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.map_err(wrong_key)?;
    conn.close().await.ok();
    if check != "ok" {
        return Err(StoreError::field("file", ErrorCode::BackupDamaged, &format!("integrity check: {check}")));
    }
    Ok(())
}

impl Store {
    /// Writes a verified backup into `dir` and keeps the newest [`KEEP_BACKUPS`].
    /// `key`: the database key (None for a plain database), used to verify the copy.
    pub async fn backup_to(&self, dir: &Path, key: Option<&DbKey>) -> Result<BackupInfo> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let now = chrono::Utc::now();
        let mut file = dir.join(format!("ansinh-{}.db", now.format("%Y%m%d-%H%M%S")));
        let mut n = 1;
        while file.exists() {
            file = dir.join(format!("ansinh-{}-{n}.db", now.format("%Y%m%d-%H%M%S")));
            n += 1;
        }
        // The copy is written under a name no listing takes for a backup, and renamed once
        // verified: an app closed during a city's minutes-long copy leaves no half a backup to
        // count or restore; the next backup removes what it left.
        remove_stale_partials(dir);
        let partial = file.with_extension("db.partial");
        // Owner-only: SQLite fills an empty file it finds rather than creating one.
        crate::private::create_empty(&partial).map_err(io(&partial))?;
        let target = partial
            .to_str()
            .ok_or_else(|| StoreError::field("dir", ErrorCode::File, "the backup folder must be a UTF-8 path"))?;
        // On a reader: the copy of a city takes minutes, and on the writer it held every write
        // back and left the writer's page cache full of the whole file.
        sqlx::query("VACUUM INTO ?").bind(target).execute(&self.reader).await?;
        if let Err(e) = verify_file(&partial, key).await {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        if let Some(ring) = Keyring::load(&self.path)? {
            ring.copy_for(&file)?;
        }
        std::fs::rename(&partial, &file).map_err(io(&file))?;
        for old in list_backups(dir)?.into_iter().skip(KEEP_BACKUPS) {
            let p = PathBuf::from(&old.path);
            let _ = std::fs::remove_file(keyring_path(&p));
            std::fs::remove_file(&p).map_err(io(&p))?;
        }
        self.audit("backup", None, None, serde_json::json!({"file": file.display().to_string()})).await?;
        let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        Ok(BackupInfo {
            path: file.display().to_string(),
            bytes,
            taken_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        })
    }
}

/// Replaces the database at `db` with the backup `file` opened with `key` (the store must be
/// closed). The backup is verified, copied beside the database (owner-only) and verified again,
/// then swapped in with the backup's keyring (the users of that day) so that a crash at any
/// point leaves a database its keyring opens (`swap.rs`).
pub async fn restore(file: &Path, db: &Path, key: Option<&DbKey>) -> Result<()> {
    verify_file(file, key).await?;
    let keyring = match std::fs::read(keyring_path(file)) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(file)(e)),
    };
    if key.is_some() && keyring.is_none() {
        return Err(crate::keyring::access(
            ErrorCode::KeyKeyringMissing,
            &format!(
                "{} has no keyring beside it ({}): nobody could open it",
                file.display(),
                keyring_path(file).display()
            ),
        ));
    }
    crate::swap::recover(db)?;
    let staged = crate::swap::staging_path(db);
    copy_private(file, &staged)?;
    if let Err(e) = verify_file(&staged, key).await {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    crate::swap::replace(db, keyring.as_deref())
}

/// Copies `from` to `to` (owner-only whatever the source's mode) and syncs it.
fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut dst = crate::private::create(to).map_err(io(to))?;
    std::io::copy(&mut src, &mut dst).map_err(io(to))?;
    dst.sync_all().map_err(io(to))
}
