//! Change records of bulk writes carry payloads built from the values written rather than read
//! back with SQLite's `json_object`: they must be the same text, byte for byte, including names
//! with quotes, backslashes, control characters and characters outside the BMP.

use ansinh_demo::DemoOptions;
use ansinh_store::Store;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn built_payloads_equal_the_rows_as_sqlite_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("payloads.db")).await.unwrap();
    let opts = DemoOptions {
        wards: 3,
        beneficiaries: 300,
        months: 6,
        seed: 5,
        until: d("2026-10-01"),
        today: d("2026-10-20"),
    };
    let mut demo = ansinh_demo::generate(&opts, &store.refs().await.unwrap());
    let odd = ["Nguyễn \"Văn\" A", "Trần \\ Thị\tB", "Lê\nC\u{1}\u{1f}\u{7f}", "Phạm 😀 Đức", "Hồ </script> Ư"];
    for (b, name) in demo.batch.beneficiaries.iter_mut().zip(odd) {
        b.full_name = name.to_string();
    }
    store.upsert_units(&demo.new_units).await.unwrap();
    store.insert_batch(&demo.batch).await.unwrap();

    let rows: HashSet<String> = store.canonical_dump().await.unwrap().lines().map(str::to_string).collect();
    let mut records = Vec::new();
    for head in store.series_heads().await.unwrap() {
        records.extend(store.changes_since(&head.device_id, 0).await.unwrap());
    }
    let mut per_entity: HashMap<(&str, &str), usize> = HashMap::new();
    for r in &records {
        *per_entity.entry((r.entity.name(), &r.entity_id)).or_default() += 1;
    }
    let mut checked: HashMap<&str, usize> = HashMap::new();
    for r in &records {
        // A row written once is, today, exactly what its one record carries.
        if per_entity[&(r.entity.name(), r.entity_id.as_str())] == 1 {
            assert!(rows.contains(&r.payload), "{} {}: {} is not a stored row", r.entity, r.entity_id, r.payload);
            *checked.entry(r.entity.name()).or_default() += 1;
        }
    }
    for entity in ["beneficiary", "account", "payment", "withdrawal"] {
        assert!(checked.get(entity).copied().unwrap_or(0) > 100, "{entity}: {checked:?}");
    }
    for name in odd {
        let json = serde_json::to_string(name).unwrap();
        assert!(records.iter().any(|r| r.payload.contains(&json)), "{name:?} in a payload");
    }
}
