//! ansinh storage: one SQLite file per desktop (WAL, `synchronous=FULL`, foreign keys on,
//! STRICT tables), migrations embedded in the binary. One writer connection serialises every
//! write; readers run beside it. Each write appends change records in the same transaction.
#![deny(unsafe_code)]

pub mod audit;
mod audit_heads;
pub mod backup;
mod changes;
mod checks;
mod cycles;
mod decisions;
mod declines;
mod decode;
mod devices;
mod drafts;
pub mod encrypt;
mod entity;
mod error;
mod exchange;
mod exports;
mod facts;
mod facts_kept;
mod followup;
mod grievances;
mod handover;
mod imports;
pub mod keyring;
mod matching;
mod payment_list;
mod payouts;
mod privacy;
pub mod private;
// The one module with `unsafe` (SQLite's C API for the facts load); see its header.
#[allow(unsafe_code)]
mod raw;
mod read;
mod reference;
mod refs;
mod rows;
mod search_index;
mod signed_list;
mod sqlrow;
pub mod swap;
mod tables;
mod uncollected;
pub mod upgrade;
mod users;
mod verification;
mod views;
mod write;

use ansinh_core::ErrorCode;
pub use audit::AuditEntry;
pub use audit_heads::{AuditClaim, AuditHead, AuditStatus, PeerAudit};
pub use backup::{BackupInfo, default_backup_dir, list_backups};
pub use changes::log::since as changes_since;
pub use changes::{Author, ChangeRecord, SCHEMA_VERSION, WireRecord};
pub use checks::{ContactRow, PayoutReportRow};
pub use cycles::CycleView;
pub use decisions::{DecisionView, Expected, ExpectedRow};
pub use declines::AccountDeclineView;
pub use devices::{DeviceRole, DeviceView, NewDevice, fingerprint};
pub use drafts::{DraftView, MAX_DRAFT_BYTES};
pub use encrypt::{PlaintextInfo, is_plaintext};
pub use entity::{Entity, Kind};
pub use error::{Result, StoreError};
pub use exchange::incoming::{AnyCode, Owner, check_row};
pub use exchange::{
    ApplyReport, BundleOrigin, Gap, ImportTx, OFFICE_SETTING, Peer, Placement, RebuildReport, ReceiptClaim,
    ReceiptView, ReviewItem, SeriesHead, Via, check_incoming, place,
};
pub use exports::{ExportRecord, ExportView};
pub use facts_kept::{FactsCounts, TallyCounts};
pub use followup::{ContactView, FollowupList, FollowupRow};
pub use grievances::{GrievanceEventView, GrievanceQuery, GrievanceView};
pub use handover::{HANDED_OVER, HANDOVER_FORMAT, HandoverBody, HandoverReport};
pub use imports::{PaymentResult, PersonBrief, ReconcileReport};
pub use keyring::{DbKey, Keyring, Unlocked, UserIdentity, keyring_path};
pub use payment_list::PaymentListRow;
pub use payouts::{PayoutMeta, PayoutReport, PayoutReportRecord, PayoutRow};
pub use read::Page;
pub use reference::{REFERENCE_FORMAT, RefTable, ReferenceBody, ReferenceReport};
pub use refs::{GroupInForce, Refs};
pub use signed_list::SignedListRow;
pub use uncollected::{DEFAULT_UNCOLLECTED_MONTHS, MAX_UNCOLLECTED_MONTHS, UncollectedList, UncollectedRow};
pub use upgrade::{Upgrade, UpgradeProgress, UpgradeReport, UpgradeStep, UpgradeWatch};
pub use users::{NewUser, UserChange, UserView};
pub use verification::{VerificationItemView, VerificationSampleView};
pub use views::*;
pub use write::Batch;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The app's identifier; the desktop app's data folder is `<data dir>/<IDENTIFIER>`.
pub const APP_IDENTIFIER: &str = "vn.ansinh.desktop";

/// Environment variable naming the database file (tests point it at a temporary folder).
pub const DB_ENV_VAR: &str = "ANSINH_DB";

/// The database the desktop app uses: `$ANSINH_DB` if set, else `<data dir>/vn.ansinh.desktop/ansinh.db`
/// (the same folder Tauri's `app_data_dir` gives), so the CLI and the app share one file.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os(DB_ENV_VAR).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER).join("ansinh.db")
}

/// The writer's page cache (`PRAGMA cache_size`, negative: KiB): 128 MB, see `Store::open`.
pub(crate) const WRITER_CACHE: i64 = -131_072;

pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    /// The officer changes when someone signs in; the device never does.
    author: std::sync::RwLock<Author>,
    path: PathBuf,
    refs_cache: std::sync::Mutex<Option<std::sync::Arc<Refs>>>,
    /// The indicator facts and the change record they reflect (see `facts_kept.rs`).
    facts_cache: facts_kept::Cache,
    /// Built on the first search, rebuilt when `data_version` moves (search_index.rs).
    /// The search index and the data version it is known good up to (from its own build's).
    search_index: tokio::sync::Mutex<Option<(i64, std::sync::Arc<search_index::SearchIndex>)>>,
}

impl Store {
    /// Opens (creating if needed) a plain (unencrypted) database at `path` and brings its
    /// schema up to date. Refused when the file is encrypted (a keyring lies beside it): use
    /// [`Store::open_encrypted`].
    pub async fn open(path: &Path) -> Result<Store> {
        Ok(Self::open_upgrading(path, None, None).await?.0)
    }

    /// Opens (creating if needed) a SQLCipher database with its key. The key pragma runs first
    /// on every connection; a wrong key fails here with `key.wrong` and changes nothing.
    pub async fn open_encrypted(path: &Path, key: &DbKey) -> Result<Store> {
        Ok(Self::open_upgrading(path, Some(key), None).await?.0)
    }

    /// Opens as [`Store::open_encrypted`] (or [`Store::open`] without a key) does, as a sign-in
    /// does: a database written by an older version is backed up into `upgrade.backup_dir`
    /// before anything of it changes, then upgraded, its progress reported to `upgrade.watch`
    /// (`upgrade.rs`). Returns what was upgraded, if anything.
    pub async fn open_upgrading(
        path: &Path,
        key: Option<&DbKey>,
        upgrade: Option<&Upgrade>,
    ) -> Result<(Store, Option<UpgradeReport>)> {
        if key.is_none() && keyring_path(path).exists() {
            return Err(StoreError::Access(ansinh_core::FieldError {
                code: ErrorCode::KeyRequired,
                message: format!("{} is encrypted: give the database key or a user's password", path.display()),
                field: None,
                row: None,
                params: Default::default(),
            }));
        }
        Self::open_with(path, key, upgrade).await
    }

    async fn open_with(
        path: &Path,
        key: Option<&DbKey>,
        upgrade: Option<&Upgrade>,
    ) -> Result<(Store, Option<UpgradeReport>)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::Folder { path: dir.display().to_string(), source })?;
        }
        // A new database is owner-only (SQLite would use the default mode; its -wal and -shm
        // files copy the database's mode).
        if !path.exists() {
            private::create_empty(path)
                .map_err(|source| StoreError::Folder { path: path.display().to_string(), source })?;
        } else {
            // Made by an older version with the default mode.
            let _ = private::restrict(path);
        }
        let base = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // sqlx keeps `key` as the first pragma of every new connection.
        let base = match key {
            Some(k) => base.pragma("key", k.pragma().to_string()),
            None => base,
        };
        if let Some(k) = key.filter(|_| path.exists()) {
            backup::verify_key(path, k).await?;
        }
        // Money and events: an acknowledged write survives a power cut. A city's indexes are
        // hundreds of MB: with SQLite's default 2 MB page cache every insert into them reads
        // (and decrypts) pages again, so the writer keeps up to 128 MB of pages (used only as
        // the data needs it; a ward's database never fills it).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .synchronous(SqliteSynchronous::Full)
                    .pragma("cache_size", WRITER_CACHE.to_string()),
            )
            .await?;
        let pending = upgrade::pending(&mut *writer.acquire().await?).await?;
        // Connects when first used: a new file has no schema for a read-only connection yet.
        let reader = SqlitePoolOptions::new().max_connections(4).connect_lazy_with(base.read_only(true));
        let store = Store {
            writer,
            reader,
            // Read from the settings once the schema is there (below).
            author: std::sync::RwLock::new(Author { device_id: String::new(), officer: String::new() }),
            path: path.to_path_buf(),
            refs_cache: Default::default(),
            facts_cache: Default::default(),
            search_index: Default::default(),
        };
        // An older database: backed up, then migrated and converted step by step.
        let report = match &pending {
            Some(p) => store.upgrade(p, key, upgrade).await?,
            // Nothing to apply; sqlx still refuses a file a newer version migrated further, or
            // whose applied migrations differ from this build's.
            None => {
                upgrade::MIGRATOR.run(&store.writer).await?;
                None
            }
        };

        let device_id = match setting(&store.writer, "device_id").await? {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                set_setting(&store.writer, "device_id", &id).await?;
                id
            }
        };
        let officer = setting(&store.writer, "officer").await?.unwrap_or_else(|| "officer".to_string());
        *store.author.write().expect("author lock") = Author { device_id, officer };
        Ok((store, report))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn device_id(&self) -> String {
        self.author().device_id
    }

    /// Who writes now (device and signed-in officer), for change records.
    pub(crate) fn author(&self) -> Author {
        self.author.read().expect("author lock").clone()
    }

    /// The signed-in user's name, for change records and the audit log.
    pub fn officer(&self) -> String {
        self.author().officer
    }

    /// Called on sign-in: later change records and audit entries name this officer.
    pub fn set_officer(&self, username: &str) {
        self.author.write().expect("author lock").officer = username.to_string();
    }

    /// Grows with every change to people, accounts, payments or withdrawals (each write appends
    /// change records in its transaction, merges included): in-memory caches built from those
    /// tables are current while it stays the same, whichever process wrote.
    pub async fn data_version(&self) -> Result<i64> {
        data_version_in(&mut *self.reader.acquire().await?).await
    }

    /// Where the database's bytes go (issue 17): every table and index with the table it
    /// belongs to and its pages' bytes, largest first, from SQLite's `dbstat` (a full scan:
    /// benchmarks only).
    #[doc(hidden)]
    pub async fn bytes_by_object(&self) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT d.name, COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat d
             LEFT JOIN sqlite_master m ON m.name = d.name GROUP BY d.name ORDER BY 3 DESC, 1",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// The single writer connection pool, for benchmarks that compare the store's writes with
    /// plain SQL on the same file. Writing through it bypasses change records: never in the app.
    #[doc(hidden)]
    pub fn bench_writer(&self) -> &SqlitePool {
        &self.writer
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(&self.reader, key).await
    }

    /// Local preferences (language, dismissed offers): not shipped as change records.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        set_setting(&self.writer, key, value).await
    }

    /// Is every device's change series intact? Returns the first broken (device, seq).
    pub async fn verify_changes(&self) -> Result<Option<(String, i64)>> {
        let mut conn = self.reader.acquire().await?;
        let devices = changes::log::devices(&mut conn).await?;
        for d in devices {
            if let Some(seq) = changes::verify_chain(&mut conn, &d).await? {
                return Ok(Some((d, seq)));
            }
        }
        Ok(None)
    }

    pub async fn close(self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

async fn data_version_in(conn: &mut sqlx::SqliteConnection) -> Result<i64> {
    changes::log::max_rowid(conn).await
}

async fn setting(pool: &SqlitePool, key: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(pool).await?)
}

async fn set_setting(pool: &SqlitePool, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

/// Today on this desktop's clock: what "not in the future" means for a form, and for a row
/// arriving from elsewhere.
pub(crate) fn local_today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Current time as stored in audit columns (UTC, seconds).
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
