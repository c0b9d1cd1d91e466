//! Issue 17's month of every ward (`ansinh_bench::month`) on a tiny demo city: each ward's
//! bundle of the next cycle, from its own desktop, merges for real into a copy of the city
//! desktop (every record applied, a payment for every person), and a second time applies nothing.
//! The folder imported in one transaction gives the database the bundles imported one by one
//! give; a damaged bundle in the folder leaves nothing of any of them written.

use ansinh_bench::month;
use ansinh_core::ErrorCode;
use ansinh_demo::DemoOptions;
use ansinh_exchange::{BundleRefused, DeviceKeys, ExchangeError, import_bundle, import_bundles};
use ansinh_store::Store;
use chrono::NaiveDate;
use std::path::Path;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A closed database's file (and its WAL, if one is left) copied to `to`.
fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    let wal = format!("{}-wal", from.display());
    if Path::new(&wal).exists() {
        std::fs::copy(&wal, format!("{}-wal", to.display())).unwrap();
    }
}

async fn new_payments(store: &Store, period: &str) -> usize {
    store.all_payments().await.unwrap().iter().filter(|p| p.period == period).count()
}

#[tokio::test]
async fn a_month_of_every_ward_merges_once() {
    let dir = tempfile::tempdir().unwrap();
    let city_path = dir.path().join("city.db");
    let city = Store::open(&city_path).await.unwrap();
    let opts = DemoOptions {
        wards: 3,
        beneficiaries: 120,
        months: 3,
        seed: 11,
        until: d("2026-10-01"),
        today: d("2026-10-31"),
    };
    ansinh_demo::load_in_time_order(&city, &opts, 50).await.unwrap();
    let recipient = DeviceKeys::load_or_create(&city).await.unwrap().public("").recipient;
    let month = month::bundles(&city, &recipient, dir.path()).await.unwrap();
    city.close().await;

    assert_eq!(month.period, "2026-11", "the cycle after the city's last");
    assert_eq!(month.bundles.len(), 3, "one bundle a ward");
    assert_eq!(month.people(), 120);
    for b in &month.bundles {
        assert_eq!(b.payments, b.people, "a payment for every person of ward {}", b.ward);
        assert_eq!(b.records, 1 + b.payments + b.withdrawals, "the cycle, the payments and the withdrawals only");
        assert!(b.withdrawals * 10 >= b.payments * 7, "most people withdraw: {} of {}", b.withdrawals, b.payments);
    }
    let devices: std::collections::HashSet<&str> = month.bundles.iter().map(|b| b.keys.device_id.as_str()).collect();
    assert_eq!(devices.len(), 3, "each ward its own desktop");

    // The city desktop, a copy with the same keys: registers the wards' devices, then merges.
    let copy_path = dir.path().join("copy.db");
    copy(&city_path, &copy_path);
    let city = Store::open(&copy_path).await.unwrap();
    let keys = DeviceKeys::load_or_create(&city).await.unwrap();
    let withdrawals_before = city.all_withdrawals().await.unwrap().len();
    assert_eq!(new_payments(&city, &month.period).await, 0);
    month::register(&city, &month.bundles).await.unwrap();
    let (outcomes, _) = month::import(&city, &keys, &month.bundles, false).await.unwrap();
    assert_eq!(outcomes.len(), 3);
    for (b, o) in month.bundles.iter().zip(&outcomes) {
        let r = &o.report;
        assert_eq!(r.applied, b.records, "every record of ward {} applied", b.ward);
        assert!(r.gaps.is_empty() && r.waiting == 0, "{r:?}");
    }
    assert!(
        outcomes.last().unwrap().report.review.is_empty(),
        "the same cycle from three desktops is no conflict: {:?}",
        outcomes.last().unwrap().report.review
    );
    assert_eq!(new_payments(&city, &month.period).await, 120, "the new cycle: a payment for every person");
    let withdrawals: usize = month.bundles.iter().map(|b| b.withdrawals).sum();
    assert_eq!(city.all_withdrawals().await.unwrap().len(), withdrawals_before + withdrawals);

    // The same bundles again: nothing applied (a committed import says it is a replay).
    let dump = city.canonical_dump().await.unwrap();
    for b in &month.bundles {
        assert!(matches!(import_bundle(&city, &keys, &b.sealed, false).await, Err(ExchangeError::Replayed)));
    }
    let (again, _) = month::import(&city, &keys, &month.bundles, true).await.unwrap();
    for (b, o) in month.bundles.iter().zip(&again) {
        assert_eq!((o.report.applied, o.report.already_had), (0, b.records));
    }
    assert_eq!(city.canonical_dump().await.unwrap(), dump, "nothing changed");
    let heads = city.series_heads().await.unwrap();
    let imports = import_audits(&city).await;
    assert_eq!(imports, 3, "one audit entry a bundle that brought records");
    city.close().await;

    // The same bundles one by one, each in its own transaction, into another copy: the same
    // tables, review queue and series.
    let one_path = dir.path().join("one-by-one.db");
    copy(&city_path, &one_path);
    let one = Store::open(&one_path).await.unwrap();
    month::register(&one, &month.bundles).await.unwrap();
    for b in &month.bundles {
        import_bundle(&one, &keys, &b.sealed, false).await.unwrap();
    }
    assert_eq!(one.canonical_dump().await.unwrap(), dump, "the folder at once and one by one give the same tables");
    assert_eq!(one.series_heads().await.unwrap(), heads);
    assert_eq!(import_audits(&one).await, imports);
    one.close().await;

    // A damaged bundle in the middle of the folder: refused by its place, nothing of the two
    // good ones written either (audit entries included).
    let bad_path = dir.path().join("damaged.db");
    copy(&city_path, &bad_path);
    let bad = Store::open(&bad_path).await.unwrap();
    month::register(&bad, &month.bundles).await.unwrap();
    let before = bad.dump_every_table().await.unwrap();
    let mut sealed: Vec<Vec<u8>> = month.bundles.iter().map(|b| b.sealed.clone()).collect();
    let middle = sealed[1].len() / 2;
    sealed[1][middle] ^= 0x55;
    let refused = import_bundles(&bad, &keys, &sealed, false).await;
    assert!(matches!(refused, Err(BundleRefused { index: Some(1), .. })), "{refused:?}");
    assert_eq!(bad.dump_every_table().await.unwrap(), before, "nothing written");
    bad.close().await;

    // A bundle from a device this desktop never registered, last in the folder: refused as
    // unknown by its place, the two registered wards' bundles before it not written either.
    let stranger_path = dir.path().join("stranger.db");
    copy(&city_path, &stranger_path);
    let stranger = Store::open(&stranger_path).await.unwrap();
    month::register(&stranger, &month.bundles[..2]).await.unwrap();
    let before = stranger.dump_every_table().await.unwrap();
    let sealed: Vec<&[u8]> = month.bundles.iter().map(|b| b.sealed.as_slice()).collect();
    match import_bundles(&stranger, &keys, &sealed, false).await {
        Err(BundleRefused { index: Some(2), error }) => {
            assert_eq!(error.full_code(), ErrorCode::ExchangeUnknownDevice, "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stranger.dump_every_table().await.unwrap(), before, "nothing written");
    stranger.close().await;
}

/// Audit entries of bundle imports.
async fn import_audits(store: &Store) -> usize {
    store.audit_entries(1_000, 0).await.unwrap().iter().filter(|e| e.action == "import").count()
}
