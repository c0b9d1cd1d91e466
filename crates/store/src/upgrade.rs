//! Bringing a database written by an older version up to this build's schema when it is opened
//! (issue 17: "a migration converts existing databases in place, all-or-nothing, with a backup
//! first"). Each migration is its own transaction and the change log's conversion another, so a
//! start cut short resumes where it stopped; but an upgrade cannot be undone by the new code,
//! so before the first step a backup of the file as the older version left it is taken into
//! the backups folder (a set of changes since the last daily backup, usually small), and when
//! that backup fails nothing is upgraded. The steps report their progress to an
//! [`UpgradeWatch`], which the sign-in screen polls: a city's upgrade takes minutes.

use crate::Store;
use crate::backup::BackupInfo;
use crate::error::{Result, StoreError};
use crate::keyring::DbKey;
use ansinh_core::ErrorCode;
use serde::Serialize;
use sqlx::SqliteConnection;
use sqlx::migrate::Migrator;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Every migration this build carries.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The schema version this build writes (its last migration).
pub fn schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// What an upgrade is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeStep {
    /// The backup of the database as the older version left it.
    Backup,
    /// One migration after another (`done` of `total`).
    Migrate,
    /// The change log rewritten into its compact form (migration 0021; `done` of `total`
    /// records, by position).
    Convert,
    /// The space the conversion freed given back to the disk.
    Reclaim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UpgradeProgress {
    pub step: UpgradeStep,
    /// Steps or records done of `total` (both 0 when the step cannot tell).
    pub done: u64,
    pub total: u64,
}

/// What an upgrade did, for the officer and the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct UpgradeReport {
    /// The schema version the file was at (the last migration applied to it).
    pub from_version: i64,
    pub to_version: i64,
    /// The backup of the file as it was before.
    pub backup: BackupInfo,
}

/// Where an upgrade reports its progress: the step under way, shared with whoever polls it,
/// and the steps taken so far.
#[derive(Debug, Clone, Default)]
pub struct UpgradeWatch(Arc<Mutex<Watched>>);

#[derive(Debug, Default)]
struct Watched {
    now: Option<UpgradeProgress>,
    steps: Vec<UpgradeStep>,
}

impl UpgradeWatch {
    /// The step under way, if an upgrade is running.
    pub fn get(&self) -> Option<UpgradeProgress> {
        self.watched().now
    }

    /// The steps the upgrades watched took, in order.
    pub fn steps(&self) -> Vec<UpgradeStep> {
        self.watched().steps.clone()
    }

    fn watched(&self) -> std::sync::MutexGuard<'_, Watched> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set(&self, step: UpgradeStep, done: u64, total: u64) {
        let mut w = self.watched();
        if w.steps.last() != Some(&step) {
            w.steps.push(step);
        }
        w.now = Some(UpgradeProgress { step, done, total });
    }

    pub(crate) fn clear(&self) {
        self.watched().now = None;
    }
}

/// How a sign-in opens its database: older files are backed up into `backup_dir` first.
#[derive(Debug, Clone)]
pub struct Upgrade {
    pub backup_dir: PathBuf,
    pub watch: UpgradeWatch,
    /// Each step held this long once reported (zero but in the real-window tests, whose small
    /// databases upgrade too fast for the sign-in screen to show a step).
    pub pause: std::time::Duration,
}

/// What opening the database will change: the migrations not yet applied and whether the
/// change log still waits for its conversion. None for a file already current.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pending {
    /// A new file (no migration applied yet): nothing in it to back up or to report.
    pub fresh: bool,
    pub from_version: i64,
    pub migrations: Vec<i64>,
    pub convert: bool,
}

pub(crate) async fn pending(conn: &mut SqliteConnection) -> Result<Option<Pending>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'change_log_v1')",
    )
    .fetch_all(&mut *conn)
    .await?;
    let fresh = !tables.iter().any(|t| t == "_sqlx_migrations");
    let applied: Vec<i64> = match fresh {
        true => Vec::new(),
        false => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1").fetch_all(&mut *conn).await?
        }
    };
    let from_version = applied.iter().copied().max().unwrap_or(0);
    let applied: HashSet<i64> = applied.into_iter().collect();
    let migrations: Vec<i64> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
        .map(|m| m.version)
        .collect();
    let convert = migrations.contains(&21) || tables.iter().any(|t| t == "change_log_v1");
    Ok((!migrations.is_empty() || convert).then_some(Pending { fresh, from_version, migrations, convert }))
}

/// One connection's options on `path`, opened with `key` (the tests' helpers below).
fn options(path: &std::path::Path, key: Option<&DbKey>) -> sqlx::sqlite::SqliteConnectOptions {
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    match key {
        Some(k) => opts.pragma("key", k.pragma().to_string()),
        None => opts,
    }
}

/// A database as the version whose last migration is `version` left it (the upgrade's tests).
#[doc(hidden)]
pub async fn create_at_version(path: &std::path::Path, key: Option<&DbKey>, version: i64) -> Result<()> {
    use sqlx::{ConnectOptions, Connection};
    let opts = options(path, key).create_if_missing(true).journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
    let mut conn = opts.connect().await?;
    MIGRATOR.run_to(version, &mut conn).await?;
    // From 0021 on, every version converted the change log when it opened the file.
    if version >= 21 {
        crate::changes::log::convert(&mut conn, &UpgradeWatch::default()).await?;
    }
    conn.close().await?;
    Ok(())
}

/// The last migration applied to the file at `path`, read without changing it (tests).
#[doc(hidden)]
pub async fn version_of(path: &std::path::Path, key: Option<&DbKey>) -> Result<i64> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = options(path, key).read_only(true).connect().await?;
    let version = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(version)
}

impl Store {
    /// Applies what `pending` lists, reporting to `watch`: a backup into `backup_dir` first when
    /// one is given (refused with `upgrade.no_backup`, nothing changed, when it fails), then
    /// each migration, then the change log's conversion. Returns what an older file went
    /// through, its backup included (none for a new file, or without a backups folder).
    pub(crate) async fn upgrade(
        &self,
        pending: &Pending,
        key: Option<&DbKey>,
        upgrade: Option<&Upgrade>,
    ) -> Result<Option<UpgradeReport>> {
        // A new file has nothing to back up, and its migrations take no time worth showing.
        let upgrade = upgrade.filter(|_| !pending.fresh);
        let watch = upgrade.map(|u| u.watch.clone()).unwrap_or_default();
        let backup = self.upgrade_watched(pending, key, upgrade, &watch).await;
        watch.clear();
        let report =
            |backup| UpgradeReport { from_version: pending.from_version, to_version: schema_version(), backup };
        Ok(backup?.map(report))
    }

    async fn upgrade_watched(
        &self,
        pending: &Pending,
        key: Option<&DbKey>,
        upgrade: Option<&Upgrade>,
        watch: &UpgradeWatch,
    ) -> Result<Option<BackupInfo>> {
        let pause = upgrade.map(|u| u.pause).unwrap_or_default();
        let report = |step, done, total| {
            watch.set(step, done, total);
            tokio::time::sleep(pause)
        };
        let backup = match upgrade {
            Some(u) => {
                report(UpgradeStep::Backup, 0, 0).await;
                let taken = self.backup_point(&u.backup_dir, key).await.map_err(|e| no_backup(&u.backup_dir, e))?;
                Some(taken.0)
            }
            None => None,
        };
        let total = pending.migrations.len() as u64;
        for (i, version) in pending.migrations.iter().enumerate() {
            report(UpgradeStep::Migrate, i as u64, total).await;
            MIGRATOR.run_to(*version, &self.writer).await?;
        }
        if pending.convert {
            let mut conn = self.writer.acquire().await?;
            if crate::changes::log::convert(&mut conn, watch).await? > 0 {
                report(UpgradeStep::Reclaim, 0, 0).await;
                crate::changes::log::reclaim(&mut conn).await?;
            }
        }
        Ok(backup)
    }
}

/// The backup before an upgrade failed: nothing is upgraded, and the officer learns where the
/// backups go and why it failed (a full disk, a folder they may not write).
fn no_backup(dir: &std::path::Path, e: StoreError) -> StoreError {
    let message = format!("no backup could be taken in {} before upgrading the database: {e}", dir.display());
    let err = ansinh_core::FieldError::new("backup", ErrorCode::UpgradeNoBackup, message)
        .param("dir", dir.display())
        .param("reason", &e);
    StoreError::Invalid(vec![err])
}
