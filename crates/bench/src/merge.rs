//! Bundle merge: a ward desktop's signed, encrypted bundle (one ward, 24 months of records)
//! merged into a city desktop that already holds the size's data. The merge runs in full and
//! is rolled back (`dry_run`); one committed merge into an empty desktop is timed beside it.
//! The city desktop registers the ward's device first (a bundle's signer must be registered),
//! so it is a copy of the size's database (`run.rs`), which stays as it was for the next run.
//! A month of every ward is in [`crate::month`].

use crate::dataset::fresh;
use crate::{Result, median};
use ansinh_demo::DemoOptions;
use ansinh_exchange::{DeviceKeys, PublicKeys, export_bundle, import_bundle, parse_recipient};
use ansinh_store::{DeviceRole, Store};
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

/// A bundle of the sending ward's records sealed for `to`, with the ward desktop's public keys.
async fn ward_bundle(dir: &Path, to: &DeviceKeys) -> Result<(Vec<u8>, usize, PublicKeys)> {
    let path = dir.join("merge-ward.db");
    let (ward, _key) = fresh(&path).await?;
    ansinh_demo::load_in_chunks(&ward, &ward_options(), 5_000).await?;
    let keys = DeviceKeys::load_or_create(&ward).await?;
    let recipient = parse_recipient(&to.public("city").recipient)?;
    let (sealed, manifest) = export_bundle(&ward, &keys, 0, &recipient).await?;
    let public = keys.public(&manifest.ward);
    ward.close().await;
    crate::dataset::remove_db(&path);
    Ok((sealed, manifest.records, public))
}

/// Registers a ward's device on a desktop under `name`, as its administrator does once (a
/// device already there is kept).
pub(crate) async fn register(on: &Store, ward: &PublicKeys, name: &str) -> Result<()> {
    if on.device(&ward.device_id).await?.is_none() {
        ward.enroll(on, name, DeviceRole::Ward, &ward.ward).await?;
    }
    Ok(())
}

/// `city`: a copy of the size's database (the ward's device is registered on it).
pub async fn run(city: &Store, dir: &Path, repeat: usize) -> Result<MergeFigures> {
    let city_keys = DeviceKeys::load_or_create(city).await?;
    let (sealed, records, ward) = ward_bundle(dir, &city_keys).await?;
    register(city, &ward, "Sending ward").await?;
    let mut into_size = Vec::new();
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        import_bundle(city, &city_keys, &sealed, true).await?;
        into_size.push(t.elapsed());
    }

    // The same bundle, committed, into an empty desktop with the same keys.
    let mut into_empty = Vec::new();
    for _ in 0..repeat.max(1) {
        let path = dir.join("merge-empty.db");
        let (empty, _key) = fresh(&path).await?;
        copy_keys(city, &empty).await?;
        let keys = DeviceKeys::load_or_create(&empty).await?;
        register(&empty, &ward, "Sending ward").await?;
        let t = Instant::now();
        import_bundle(&empty, &keys, &sealed, false).await?;
        into_empty.push(t.elapsed());
        empty.close().await;
        crate::dataset::remove_db(&path);
    }
    Ok(MergeFigures { records, into_size: median(into_size), into_empty: median(into_empty) })
}

/// Gives `to` the exchange keys of the size's desktop (so the bundle sealed for it opens).
async fn copy_keys(from: &Store, to: &Store) -> Result<()> {
    for k in ["exchange.signing_key", "exchange.age_identity"] {
        if let Some(v) = from.setting(k).await? {
            to.set_setting(k, &v).await?;
        }
    }
    Ok(())
}
