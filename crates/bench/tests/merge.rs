//! The bulk path of a merge leaves exactly the tables, review queue and report that projecting
//! every record one by one leaves, on generated wards (new rows, rows already here, later
//! corrections, and a second desktop's records of the same cycle).

use ansinh_demo::DemoOptions;
use ansinh_store::{ChangeRecord, Entity, Store};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn ward(dir: &std::path::Path, name: &str, seed: u64) -> (Store, Vec<ChangeRecord>) {
    let store = Store::open(&dir.join(name)).await.unwrap();
    let opts =
        DemoOptions { wards: 2, beneficiaries: 300, months: 4, seed, until: d("2026-10-01"), today: d("2026-10-20") };
    ansinh_demo::load_in_chunks(&store, &opts, 120).await.unwrap();
    let records = store.changes_since(&store.device_id(), 0).await.unwrap();
    (store, records)
}

async fn review(store: &Store) -> Vec<String> {
    store
        .review_items(false)
        .await
        .unwrap()
        .iter()
        .map(|i| format!("{} {} {}", i.kind, i.entity, i.entity_id))
        .collect()
}

#[tokio::test]
async fn the_bulk_path_merges_exactly_as_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_a, from_a) = ward(dir.path(), "a.db", 5).await;
    let (_b, from_b) = ward(dir.path(), "b.db", 6).await;
    assert!(from_a.iter().filter(|r| r.entity == Entity::Payment).count() > 800, "a real ward");

    let bulk = Store::open(&dir.path().join("bulk.db")).await.unwrap();
    let slow = Store::open(&dir.path().join("slow.db")).await.unwrap();
    // Ward A in two parts (the second part's people and payments are new, their cycles not),
    // then ward B (the same cycles from another desktop), then A again (all already here).
    let cut = from_a.len() / 2;
    for part in [&from_a[..cut], &from_a[cut..], &from_b[..], &from_a[..]] {
        let x = bulk.import_changes(part, None, false).await.unwrap();
        let y = slow.import_changes_one_by_one(part).await.unwrap();
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "the same report");
    }
    assert_eq!(bulk.canonical_dump().await.unwrap(), slow.canonical_dump().await.unwrap());
    assert_eq!(review(&bulk).await, review(&slow).await);
    assert_eq!(bulk.count_beneficiaries().await.unwrap(), 600);
}

#[tokio::test]
async fn rows_whose_parents_are_missing_wait_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let (_a, from_a) = ward(dir.path(), "a.db", 8).await;
    // Desktop C has A's records and records withdrawals of A's payments; the city gets C's
    // series before A's, so C's withdrawals arrive before their payments.
    let c = Store::open(&dir.path().join("c.db")).await.unwrap();
    c.import_changes(&from_a, None, false).await.unwrap();
    let withdrawn: std::collections::HashSet<String> = from_a
        .iter()
        .filter(|r| r.entity == Entity::Withdrawal)
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.payload).unwrap()["payment_id"].as_str().unwrap().to_string()
        })
        .collect();
    let payments: Vec<&ChangeRecord> = from_a
        .iter()
        .filter(|r| {
            r.entity == Entity::Payment && !withdrawn.contains(&r.entity_id) && r.payload.contains("\"credited\"")
        })
        .take(30)
        .collect();
    assert!(payments.len() >= 10, "enough payments nobody has taken out yet");
    for p in &payments {
        let row: serde_json::Value = serde_json::from_str(&p.payload).unwrap();
        let w = ansinh_core::records::Withdrawal {
            id: ansinh_core::records::new_id(),
            payment_id: p.entity_id.parse().unwrap(),
            withdrawn_on: d("2026-10-19"),
            amount_vnd: row["amount_vnd"].as_i64().unwrap(),
            place: ansinh_core::model::WithdrawalPlace::WardOffice,
            travel_minutes: None,
            travel_cost_vnd: None,
            waiting_minutes: Some(5),
            assisted: false,
            problems: vec![],
        };
        c.add_withdrawal(&w).await.unwrap();
    }
    let from_c = c.changes_since(&c.device_id(), 0).await.unwrap();
    assert_eq!(from_c.len(), payments.len());

    let bulk = Store::open(&dir.path().join("bulk.db")).await.unwrap();
    let slow = Store::open(&dir.path().join("slow.db")).await.unwrap();
    for part in [&from_c[..], &from_a[..]] {
        let x = bulk.import_changes(part, None, false).await.unwrap();
        let y = slow.import_changes_one_by_one(part).await.unwrap();
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "the same report");
        if part.len() == from_c.len() {
            assert_eq!(x.waiting, from_c.len() as i64, "every withdrawal waits for its payment");
        }
    }
    assert_eq!(bulk.canonical_dump().await.unwrap(), slow.canonical_dump().await.unwrap());
    assert_eq!(
        bulk.count_beneficiaries().await.unwrap(),
        300,
        "A's people arrived, and with them C's withdrawals found their payments"
    );
}
