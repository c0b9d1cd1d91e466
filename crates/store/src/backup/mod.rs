//! Rolling backups (issue 6), incremental since issue 17. A backup is one point of the
//! backups folder: the first (and the first after a re-key, or when the digests of the newest
//! point are missing) is a full copy of the database file; each later one holds only the pages
//! that changed since the point before (`files.rs`), read while officers keep writing
//! (`pages.rs`). Pages stay as SQLCipher encrypted them, so the folder is as encrypted as the
//! database. A full copy is verified by opening it and running `PRAGMA integrity_check`; a set
//! of changes by reading it back whole against its checksum; a restore rebuilds the point and
//! checks it before it replaces anything (`chain.rs`). The folder keeps the newest
//! [`KEEP_BACKUPS`] points, outside the app's data folder, so an uninstaller that wipes app data
//! leaves them: `$ANSINH_BACKUP_DIR`, else `<documents>/ansinh-backups` (or `~/ansinh-backups`).
//! See docs/SECURITY.md.

mod chain;
mod files;
mod pages;

pub use chain::{chain, finish_roll};
pub use files::Changes;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::keyring::{DbKey, Keyring, keyring_path};
use ansinh_core::ErrorCode;
use chrono::Timelike;
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
    /// A full copy; else the pages changed since the point before (restored with its chain).
    pub full: bool,
}

pub fn default_backup_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(BACKUP_DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from(".")).join("ansinh-backups")
}

/// Removes copies under way (`*.db.partial`, `*.changes.partial`) that nothing has written to for ten minutes: left
/// by an app closed during a backup (a running copy writes all the time).
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > std::time::Duration::from_secs(600)));
        let name = e.file_name().to_string_lossy().to_string();
        if (name.ends_with(".db.partial") || name.ends_with(".changes.partial")) && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Backups in `dir`, newest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>> {
    Ok(chain::points(dir)?
        .into_iter()
        .map(|p| BackupInfo {
            bytes: std::fs::metadata(&p.path).map(|m| m.len()).unwrap_or(0),
            path: p.path.display().to_string(),
            taken_at: p.time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            full: p.full,
        })
        .collect())
}

/// The database file a backup's key opens: the point itself, or the full copy its chain
/// starts from.
pub fn image_of(point: &Path) -> Result<PathBuf> {
    Ok(chain::chain(point)?.0)
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
    // A copy of a WAL database is one too: opening it makes `-wal` and `-shm` files, which are
    // removed again when this check made them (and the WAL stayed empty).
    let [wal, shm] = crate::swap::side_files(file);
    let made_here = !wal.exists() && !shm.exists();
    let mut conn = sqlx::SqliteConnection::connect_with(&opts).await?;
    let check = sqlx::query_scalar::<_, String>("PRAGMA integrity_check").fetch_one(&mut conn).await.map_err(wrong_key);
    conn.close().await.ok();
    if made_here && std::fs::metadata(&wal).map_or(true, |m| m.len() == 0) {
        let _ = std::fs::remove_file(&wal);
        let _ = std::fs::remove_file(&shm);
    }
    let check = check?;
    if check != "ok" {
        return Err(StoreError::field("file", ErrorCode::BackupDamaged, &format!("integrity check: {check}")));
    }
    Ok(())
}

impl Store {
    /// Writes a verified backup into `dir` and keeps the newest [`KEEP_BACKUPS`].
    /// `key`: the database key (None for a plain database), used to verify a full copy.
    pub async fn backup_to(&self, dir: &Path, key: Option<&DbKey>) -> Result<BackupInfo> {
        let (info, details) = self.backup_point(dir, key).await?;
        self.audit("backup", None, None, details).await?;
        Ok(info)
    }

    /// [`backup_to`](Self::backup_to) without its audit entry (the backup before an upgrade is
    /// taken while the audit log may still have an older form; it is audited after). Returns
    /// the point and its audit details.
    pub(crate) async fn backup_point(
        &self,
        dir: &Path,
        key: Option<&DbKey>,
    ) -> Result<(BackupInfo, serde_json::Value)> {
        std::fs::create_dir_all(dir).map_err(StoreError::at(dir))?;
        let _held = lock(dir).await?;
        chain::finish_roll(dir)?;
        // A point is written under a name no listing takes for a backup, and renamed once
        // verified: an app closed during a city's copy leaves no half a backup to count or
        // restore; the next backup removes what it left.
        remove_stale_partials(dir);
        // Points are ordered by their stamps, and a set of changes follows the newest: a new
        // point's stamp sorts after every other's, also within one second or when the clock
        // was set back.
        let now = chrono::Utc::now();
        let newest = chain::points(dir)?.into_iter().next();
        let (time, n) = match &newest {
            Some(p) if p.time >= now.naive_utc().with_nanosecond(0).unwrap_or(p.time) => (p.time, p.n + 1),
            _ => (now.naive_utc(), 0),
        };
        let stamp = match n {
            0 => time.format("%Y%m%d-%H%M%S").to_string(),
            n => format!("{}-{n}", time.format("%Y%m%d-%H%M%S")),
        };
        let page_size = self.page_size().await?;
        let head = pages::head(&self.path).map_err(StoreError::at(&self.path))?;
        // Changes follow the newest point when its digests are there and it is of the same
        // file (a re-key writes a new file, with a new salt in its first bytes).
        let follow = newest.and_then(|p| {
            files::Digests::read(&chain::digests_path(&p.path))
                .filter(|d| d.page_size == page_size && d.head == head)
                .map(|d| (p, d))
        });
        let cap = pages::Capture { page_size, encrypted: key.is_some(), digests: Vec::new() };
        let full = follow.is_none();
        let file = dir.join(format!("ansinh-{stamp}.{}", if full { "db" } else { "changes" }));
        let partial = crate::swap::with_suffix(&file, ".partial");
        let (written, before) = match follow {
            Some((before, known)) => {
                let cap = pages::Capture { digests: known.digests, ..cap };
                (self.write_changes(&partial, &before.stamp, cap).await, Some(before.path))
            }
            None => (self.write_full(&partial, cap, key).await, None),
        };
        let (cap, got, pages) = written.inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })?;
        self.keep_point(&partial, &file)?;
        if let Some(before) = before {
            let _ = std::fs::remove_file(chain::digests_path(&before));
        }
        let digests = files::Digests { page_size, head: got.head, digests: cap.digests };
        // Without them the next backup is a full copy: not worth failing this one for.
        let _ = digests.write(&chain::digests_path(&file));
        let points = chain::points(dir)?;
        if let Some(oldest_kept) = points.get(KEEP_BACKUPS - 1).filter(|p| !p.full) {
            chain::roll_forward(dir, &oldest_kept.path)?;
        }
        for old in chain::points(dir)?.into_iter().skip(KEEP_BACKUPS) {
            chain::remove_point(&old.path)?;
        }
        let details = serde_json::json!({"file": file.display().to_string(), "full": full, "pages": pages});
        let info = BackupInfo {
            bytes: std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0),
            path: file.display().to_string(),
            taken_at: time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            full,
        };
        Ok((info, details))
    }

    /// A set of changes since the point `before` (its digests in `cap`), written to `partial`
    /// and read back. Returns the new digests, what was captured and how many pages it holds.
    async fn write_changes(
        &self,
        partial: &Path,
        before: &str,
        cap: pages::Capture,
    ) -> Result<(pages::Capture, pages::Captured, u64)> {
        let sink = files::ChangesWriter::create(partial, cap.page_size, before).map_err(StoreError::at(partial))?;
        let (cap, sink, got) = self.capture(cap, sink).await?;
        let pages = sink.pages;
        sink.finish(got.page_count).map_err(StoreError::at(partial))?;
        files::Changes::read(partial)?;
        Ok((cap, got, pages))
    }

    /// A full copy written to `partial` and verified (`integrity_check` with `key`).
    async fn write_full(
        &self,
        partial: &Path,
        cap: pages::Capture,
        key: Option<&DbKey>,
    ) -> Result<(pages::Capture, pages::Captured, u64)> {
        let out = crate::private::create(partial).map_err(StoreError::at(partial))?;
        let page_size = cap.page_size;
        let (cap, sink, got) = self.capture(cap, files::FullCopy { file: out, page_size }).await?;
        sink.file.set_len(got.page_count as u64 * page_size as u64).map_err(StoreError::at(partial))?;
        sink.file.sync_all().map_err(StoreError::at(partial))?;
        drop(sink);
        verify_file(partial, key).await?;
        let pages = cap.digests.len() as u64;
        Ok((cap, got, pages))
    }

    /// The part of a day's backup that grows with the database: every page read and its
    /// digest taken, nothing written (the benchmark's figure for a city it has no room to
    /// copy). Returns the pages read.
    #[doc(hidden)]
    pub async fn bench_read_pass(&self) -> Result<u32> {
        let (page_size, encrypted) = (self.page_size().await?, !crate::encrypt::is_plaintext(&self.path)?);
        let db = self.path.clone();
        blocking(move || pages::read_pass(&db, encrypted, page_size)).await.map_err(StoreError::at(&self.path))
    }

    /// SQLCipher answers `PRAGMA page_size` itself, as text (`cipher_page_size`).
    async fn page_size(&self) -> Result<usize> {
        use sqlx::Row;
        let row = sqlx::query("PRAGMA page_size").fetch_one(&self.reader).await?;
        let size = match row.try_get::<i64, _>(0) {
            Ok(n) => n,
            Err(_) => row.try_get::<String, _>(0)?.parse().unwrap_or(0),
        };
        match usize::try_from(size) {
            Ok(n) if n.is_power_of_two() && (512..=65536).contains(&n) => Ok(n),
            _ => Err(StoreError::field("backup", ErrorCode::BackupDamaged, &format!("page size {size}"))),
        }
    }

    /// Gives a verified point its name, with the keyring of the day beside it.
    fn keep_point(&self, partial: &Path, file: &Path) -> Result<()> {
        if let Some(ring) = Keyring::load(&self.path)? {
            ring.copy_for(file)?;
        }
        std::fs::rename(partial, file).map_err(StoreError::at(file))?;
        crate::private::sync_dir(file);
        Ok(())
    }
}

/// Replaces the database at `db` with the backup `file` opened with `key` (the store must be
/// closed). The backup is verified, copied beside the database (owner-only) and verified again,
/// then swapped in with the backup's keyring (the users of that day) so that a crash at any
/// point leaves a database its keyring opens (`swap.rs`).
pub async fn restore(file: &Path, db: &Path, key: Option<&DbKey>) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let _held = lock(dir).await?;
    chain::finish_roll(dir)?;
    let full = chain::point_of(file).ok_or_else(|| files::damaged(file, "not a backup's name"))?.full;
    // What the point is made of, checked before anything else is looked at.
    match full {
        true => verify_file(file, key).await?,
        false => drop(chain::chain(file)?),
    }
    let keyring = match std::fs::read(keyring_path(file)) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(StoreError::at(file)(e)),
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
    match full {
        true => copy_private(file, &staged)?,
        false => chain::rebuild(file, &staged).inspect_err(|_| {
            let _ = std::fs::remove_file(&staged);
        })?,
    }
    if let Err(e) = verify_file(&staged, key).await {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    crate::swap::replace(db, keyring.as_deref())
}

/// One backup or restore at a time per folder, across processes (the app's daily backup, a
/// click on "back up now", the CLI): two would take the same stamp, or follow the same point
/// and lose one of the two chains at the next roll forward. Held until the file is dropped.
async fn lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path);
    let file = file.map_err(StoreError::at(&path))?;
    blocking(move || file.lock().map(|()| file)).await.map_err(StoreError::at(&path))
}

/// Runs blocking file work (a page read, a wait for the lock) on tokio's blocking threads, so
/// other tasks go on meanwhile (also on a single-threaded runtime, where `raw::blocking` would
/// hold them back: a second backup waiting for the lock would stall the first).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(std::io::Error::other(e)))
}

/// The file [`lock`] locks, in the backups folder.
pub const LOCK_FILE: &str = "ansinh-backup.lock";

/// Copies `from` to `to` (owner-only whatever the source's mode) and syncs it.
pub(crate) fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(StoreError::at(from))?;
    let mut dst = crate::private::create(to).map_err(StoreError::at(to))?;
    std::io::copy(&mut src, &mut dst).map_err(StoreError::at(to))?;
    dst.sync_all().map_err(StoreError::at(to))
}
