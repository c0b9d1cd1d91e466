//! Bundle merge: a ward desktop's signed, encrypted bundle (one ward, 24 months of records)
//! merged into a city desktop that already holds the size's data. The merge runs in full and
//! is rolled back (`dry_run`), so the size's database stays as it was for the next run; one
//! committed merge into an empty desktop is timed beside it.

use crate::dataset::{Dataset, fresh};
use crate::{Result, median};
use ansinh_demo::DemoOptions;
use ansinh_exchange::{DeviceKeys, export_bundle, import_bundle, parse_recipient};
use ansinh_store::Store;
use chrono::NaiveDate;
use std::path::Path;
use std::time::{Duration, Instant};

/// The sending ward: one ward of 2,500 people over 24 months, its own seed and device.
fn ward_options() -> DemoOptions {
    DemoOptions {
        wards: 1,
        beneficiaries: 2_500,
        months: 24,
        seed: 77,
        until: NaiveDate::from_ymd_opt(2026, 10, 1).expect("valid"),
        today: NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid"),
    }
}

pub struct MergeFigures {
    pub records: usize,
    /// Into the size's database (rolled back).
    pub into_size: Duration,
    /// Into an empty desktop (committed).
    pub into_empty: Duration,
}

/// A bundle of the sending ward's records sealed for `to`.
async fn ward_bundle(dir: &Path, to: &DeviceKeys) -> Result<(Vec<u8>, usize)> {
    let path = dir.join("merge-ward.db");
    let (ward, _key) = fresh(&path).await?;
    ansinh_demo::load_in_chunks(&ward, &ward_options(), 5_000).await?;
    let keys = DeviceKeys::load_or_create(&ward).await?;
    let recipient = parse_recipient(&to.public("city").recipient)?;
    let (sealed, manifest) = export_bundle(&ward, &keys, 0, &recipient).await?;
    ward.close().await;
    crate::dataset::remove_db(&path);
    Ok((sealed, manifest.records))
}

pub async fn run(data: &Dataset, dir: &Path, repeat: usize) -> Result<MergeFigures> {
    let city = data.open().await?;
    let city_keys = DeviceKeys::load_or_create(&city).await?;
    let (sealed, records) = ward_bundle(dir, &city_keys).await?;
    let mut into_size = Vec::new();
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        import_bundle(&city, &city_keys, &sealed, true).await?;
        into_size.push(t.elapsed());
    }
    city.close().await;

    // The same bundle, committed, into an empty desktop with the same keys.
    let mut into_empty = Vec::new();
    for _ in 0..repeat.max(1) {
        let path = dir.join("merge-empty.db");
        let (empty, _key) = fresh(&path).await?;
        copy_keys(data, &empty).await?;
        let keys = DeviceKeys::load_or_create(&empty).await?;
        let t = Instant::now();
        import_bundle(&empty, &keys, &sealed, false).await?;
        into_empty.push(t.elapsed());
        empty.close().await;
        crate::dataset::remove_db(&path);
    }
    Ok(MergeFigures { records, into_size: median(into_size), into_empty: median(into_empty) })
}

/// Gives `to` the exchange keys of the size's desktop (so the bundle sealed for it opens).
async fn copy_keys(data: &Dataset, to: &Store) -> Result<()> {
    let from = data.open().await?;
    for k in ["exchange.signing_key", "exchange.age_identity"] {
        if let Some(v) = from.setting(k).await? {
            to.set_setting(k, &v).await?;
        }
    }
    from.close().await;
    Ok(())
}
