//! The fast facts loader and the facts cache answer exactly as the plain loader, on generated
//! data with every kind of fact.

use ansinh_core::facts::Facts;
use ansinh_core::model::SegmentBy;
use ansinh_core::segments::{self, Filter};
use ansinh_demo::DemoOptions;
use ansinh_store::Store;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn demo_store(dir: &std::path::Path, beneficiaries: usize, months: u32) -> Store {
    let store = Store::open(&dir.join("facts.db")).await.unwrap();
    let opts =
        DemoOptions { wards: 4, beneficiaries, months, seed: 11, until: d("2026-10-01"), today: d("2026-10-20") };
    ansinh_demo::load_in_chunks(&store, &opts, 700).await.unwrap();
    store
}

/// Payments (with their withdrawals) in one order, whatever order a loader read them in.
fn canonical(f: &Facts) -> Vec<String> {
    let mut v: Vec<String> = f
        .payments
        .iter()
        .map(|p| {
            format!(
                "{:?} {:?}",
                (
                    p.person,
                    p.period,
                    p.channel,
                    p.status,
                    p.amount_vnd,
                    p.scheduled_on,
                    p.credited_on,
                    p.failure_reason.map(|r| &f.failure_reasons[r as usize])
                ),
                f.withdrawals_of(p)
            )
        })
        .collect();
    v.sort();
    v
}

fn every_segmentation(f: &Facts, as_of: NaiveDate) -> String {
    use SegmentBy::*;
    let bys: Vec<Vec<SegmentBy>> = [Ward, Age, Group, Disability, Channel, Need, Assisted, Cycle]
        .iter()
        .map(|b| vec![*b])
        .chain([vec![Age, Channel], vec![Ward, Need]])
        .collect();
    let c = segments::compute(f, as_of, &Filter::default(), &bys, &|_, k| k.to_string());
    serde_json::to_string(&(c.overall, c.segmentations, c.worst_wards, c.worst_groups)).unwrap()
}

#[tokio::test]
async fn the_fast_loader_gives_the_plain_loaders_facts_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 1_500, 6).await;
    let fast = store.indicator_facts().await.unwrap();
    let plain = store.indicator_facts_plain().await.unwrap();
    assert!(fast.payments.len() > 5_000 && fast.withdrawals.len() > 4_000, "a real dataset");
    assert!(fast.payments.iter().any(|p| p.failure_reason.is_some()), "failed payments are in it");
    assert!(fast.payments.iter().any(|p| p.withdrawals.len() > 1), "and payments taken in several visits");
    assert_eq!(fast.people, plain.people);
    assert_eq!(fast.periods, plain.periods);
    assert_eq!(fast.cycle_ends, plain.cycle_ends);
    assert_eq!(fast.wards, plain.wards);
    assert_eq!(fast.groups, plain.groups);
    assert_eq!(canonical(&fast), canonical(&plain));
    assert_eq!(fast.accounts, plain.accounts);
    assert_eq!(fast.grievances, plain.grievances);
    for as_of in ["2026-06-15", "2026-10-20"] {
        assert_eq!(every_segmentation(&fast, d(as_of)), every_segmentation(&plain, d(as_of)), "as of {as_of}");
    }
}

#[tokio::test]
async fn the_cache_follows_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 200, 3).await;
    let first = store.cached_facts().await.unwrap();
    let again = store.cached_facts().await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "no change: the same facts");
    // Any logged write (here a new person) makes the next call load again.
    let refs = store.refs().await.unwrap();
    let one =
        DemoOptions { wards: 4, beneficiaries: 1, months: 1, seed: 99, until: d("2026-10-01"), today: d("2026-10-20") };
    let newcomer = ansinh_demo::generate(&one, &refs).batch.beneficiaries.remove(0);
    store.add_beneficiary(&newcomer).await.unwrap();
    let after = store.cached_facts().await.unwrap();
    assert_eq!(after.people.len(), first.people.len() + 1);
    assert_eq!(*after, store.indicator_facts().await.unwrap());
}

#[tokio::test]
async fn every_thread_count_gives_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 1_500, 14).await;
    let facts = store.indicator_facts().await.unwrap();
    assert!(facts.payments.len() > 20_000, "enough payments for the threads to share");
    use SegmentBy::*;
    let bys: Vec<Vec<SegmentBy>> = vec![vec![Ward], vec![Need], vec![Cycle], vec![Age, Channel], vec![Group, Assisted]];
    let answer = |threads| {
        let c =
            segments::compute_with(&facts, d("2026-09-01"), &Filter::default(), &bys, &|_, k| k.to_string(), threads);
        serde_json::to_string(&(c.overall, c.segmentations, c.worst_wards, c.worst_groups)).unwrap()
    };
    let one = answer(1);
    for threads in [2, 3, 4] {
        assert_eq!(answer(threads), one, "{threads} threads");
    }
}
