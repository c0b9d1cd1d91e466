//! The demo city of one size in an encrypted database, as the app keeps it: built once per
//! size into the bench folder and reused by later runs (the city takes minutes to write).

use crate::{Result, Size};
use ansinh_core::auth::Role;
use ansinh_demo::{DemoOptions, DemoSummary};
use ansinh_store::keyring::{DbKey, Keyring};
use ansinh_store::{NewUser, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The administrator every bench database is made for (the start-up benchmark signs in).
pub const ADMIN: &str = "bench-admin";
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// People, accounts or payments (with their withdrawals) per transaction while writing the demo
/// city, in time order (`ansinh_demo::load_in_time_order`): a whole cycle of the city. The one
/// index still written all over, the payments' (person, cycle), has most of its pages changed by
/// any large transaction, and each commit writes them all: fewer, larger transactions write them
/// fewer times.
const ROWS_PER_TX: usize = 300_000;

/// The writer's page cache while writing a dataset, MB: the pages a transaction changes stay in
/// memory until its commit instead of being spilled and read back (only the bench's writer, for
/// the build; the app keeps 128 MB).
const BUILD_CACHE_MB: i64 = 1_024;

/// The demo options of a size: fixed dates, so every run and every machine has the same data.
pub fn options(size: Size) -> DemoOptions {
    let (wards, beneficiaries) = size.shape();
    DemoOptions {
        wards,
        beneficiaries,
        months: size.months(),
        seed: 2026,
        until: NaiveDate::from_ymd_opt(2026, 10, 1).expect("valid"),
        today: NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid"),
    }
}

/// The day the figures are computed at.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid")
}

pub struct Dataset {
    pub size: Size,
    pub path: PathBuf,
    pub key: DbKey,
    pub summary: DemoSummary,
    /// Writing it (None when reused from an earlier run).
    pub built_in: Option<Duration>,
    pub file_bytes: u64,
}

impl Dataset {
    pub async fn open(&self) -> Result<Store> {
        Ok(Store::open_encrypted(&self.path, &self.key).await?)
    }

    /// Change records, people, payments, withdrawals (what one bundle of the whole size holds).
    pub fn records(&self) -> usize {
        self.summary.beneficiaries + self.summary.payments + self.summary.withdrawals
    }
}

fn marker(path: &Path) -> PathBuf {
    path.with_extension("done.json")
}

/// The size's database in `dir`, written unless an earlier run finished writing it.
pub async fn ensure(dir: &Path, size: Size) -> Result<Dataset> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{}.db", size.name()));
    let opts = options(size);
    let done = marker(&path);
    if let Ok(text) = std::fs::read_to_string(&done)
        && let Ok((o, summary)) = serde_json::from_str::<(DemoOptions, DemoSummary)>(&text)
        && o == opts
    {
        let key =
            Keyring::load(&path)?.expect("a finished dataset has its keyring").unwrap_key(ADMIN, ADMIN_PASSWORD)?;
        let file_bytes = std::fs::metadata(&path)?.len();
        return Ok(Dataset { size, path, key, summary, built_in: None, file_bytes });
    }
    remove_db(&path);
    let _ = std::fs::remove_file(&done);
    let (_ring, key) = Keyring::create(&path, ADMIN, ADMIN_PASSWORD)?;
    let store = Store::open_encrypted(&path, &key).await?;
    store
        .create_user(&NewUser {
            username: ADMIN,
            display_name: "Bench administrator",
            role: Role::Admin,
            ward_code: None,
            password: ADMIN_PASSWORD,
        })
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{}", BUILD_CACHE_MB * 1024)))
        .execute(store.bench_writer())
        .await
        .map_err(|e| crate::BenchError::Other(format!("the build's page cache: {e}")))?;
    let t = Instant::now();
    let summary = ansinh_demo::load_in_time_order(&store, &opts, ROWS_PER_TX).await?;
    let built_in = t.elapsed();
    store.close().await;
    std::fs::write(&done, serde_json::to_string(&(&opts, &summary)).expect("serialisable"))?;
    let file_bytes = std::fs::metadata(&path)?.len();
    Ok(Dataset { size, path, key, summary, built_in: Some(built_in), file_bytes })
}

/// A database file with its WAL, shared-memory and keyring files.
pub fn remove_db(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let _ = std::fs::remove_file(ansinh_store::keyring::keyring_path(path));
}

/// A copy of a dataset's database (checkpointed: no WAL) with its keyring, so the app can sign
/// in to the copy; `to` is replaced.
pub fn copy_db(from: &Path, to: &Path) -> Result<()> {
    remove_db(to);
    std::fs::copy(from, to)?;
    std::fs::copy(ansinh_store::keyring::keyring_path(from), ansinh_store::keyring::keyring_path(to))?;
    Ok(())
}

/// A new empty encrypted database at `path` (removing an old one), with its key.
pub async fn fresh(path: &Path) -> Result<(Store, DbKey)> {
    remove_db(path);
    let key = DbKey::random();
    Ok((Store::open_encrypted(path, &key).await?, key))
}
