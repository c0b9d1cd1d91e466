//! Incremental backups (issue 17, item 3: "the city's daily backup takes at most a minute and
//! adds at most a tenth of the database's size on a normal day").
//!
//! On the copy the merge figures write into (`run.rs`): a full copy first (the first backup of
//! a backups folder), then, after a month of every ward was merged (`month.rs`: about twenty
//! working days of bundles, so more than a normal day), the next backup, which holds only the
//! pages that changed. Then that point is restored into a scratch file (its full copy copied,
//! its changes applied, `PRAGMA integrity_check`), where the disk has room.
//!
//! The read pass (every page read and its digest taken) is what every daily backup does
//! whatever the day wrote; it is measured on the size's own database, so also for a city whose
//! copy does not fit on the disk.

use crate::Result;
use ansinh_store::{DbKey, Store};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackupFigures {
    /// Every page read with its digest, nothing written.
    pub read_pass_seconds: f64,
    pub pages: u64,
    /// The first backup: a full copy, verified.
    pub full_seconds: Option<f64>,
    pub full_mb: Option<f64>,
    /// The backup after a month of every ward: the changed pages.
    pub month_changes_seconds: Option<f64>,
    pub month_changes_mb: Option<f64>,
    pub month_records: Option<usize>,
    /// That point restored and checked.
    pub restore_seconds: Option<f64>,
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The read pass over the size's database.
pub async fn read_pass(data: &crate::dataset::Dataset) -> Result<(f64, u64)> {
    let store = data.open().await?;
    let t = Instant::now();
    let pages = store.bench_read_pass().await;
    let seconds = t.elapsed().as_secs_f64();
    store.close().await;
    Ok((seconds, pages? as u64))
}

/// The first backup of `dir` (emptied first).
pub async fn full(city: &Store, key: &DbKey, dir: &Path) -> Result<(f64, f64)> {
    let _ = std::fs::remove_dir_all(dir);
    let t = Instant::now();
    let b = city.backup_to(dir, Some(key)).await?;
    assert!(b.full, "the first backup of a folder is a full copy");
    Ok((t.elapsed().as_secs_f64(), mb(b.bytes)))
}

/// The next backup, then (when `restore_to` is given) that point restored there and removed.
pub async fn changes(city: &Store, key: &DbKey, dir: &Path, restore_to: Option<&Path>) -> Result<BackupFigures> {
    let t = Instant::now();
    let b = city.backup_to(dir, Some(key)).await?;
    let mut f = BackupFigures {
        month_changes_seconds: Some(t.elapsed().as_secs_f64()),
        month_changes_mb: Some(mb(b.bytes)),
        ..BackupFigures::default()
    };
    if let Some(target) = restore_to {
        // A restore replaces a database: a stand-in file takes the place of the one replaced.
        std::fs::write(target, b"")?;
        let t = Instant::now();
        ansinh_store::backup::restore(Path::new(&b.path), target, Some(key)).await?;
        f.restore_seconds = Some(t.elapsed().as_secs_f64());
        crate::dataset::remove_db(target);
    }
    Ok(f)
}
