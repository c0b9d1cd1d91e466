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
    assert_eq!(everything(&after), everything(&store.indicator_facts().await.unwrap()));
}

/// Every fact with its indices resolved to what they name, sorted: two loads of the same data
/// give the same text whatever order they read or spliced the rows in.
fn everything(f: &Facts) -> Vec<String> {
    let person = |i: u32| {
        let p = &f.people[i as usize];
        format!(
            "{} {} {:?} {:?} {:?} {}",
            f.wards[p.ward as usize], f.groups[p.group as usize], p.birth, p.disability, p.needs, p.assisted
        )
    };
    let mut out: Vec<String> =
        f.people.iter().enumerate().map(|(i, _)| format!("person {}", person(i as u32))).collect();
    for (i, p) in f.payments.iter().enumerate() {
        let verified: Vec<_> =
            f.verifications.iter().filter(|v| v.payment == i as u32).map(|v| (v.verified_on, v.full)).collect();
        out.push(format!(
            "payment {} {} {:?} {:?} {} {:?} {:?} {:?} {} {:?} {:?} {:?}",
            person(p.person),
            f.periods[p.period as usize],
            p.channel,
            p.status,
            p.amount_vnd,
            p.scheduled_on,
            p.credited_on,
            p.failure_reason.map(|r| &f.failure_reasons[r as usize]),
            p.one_off,
            f.withdrawals_of(p),
            f.checks_of(p),
            verified
        ));
    }
    for a in &f.accounts {
        out.push(format!(
            "account {} {:?} {} {:?} {:?}",
            person(a.person),
            a.channel,
            a.opened_on,
            a.first_credit_on,
            a.first_withdrawal_on
        ));
    }
    for g in &f.grievances {
        out.push(format!("grievance {} {} {} {:?}", person(g.person), g.opened_on, g.deadline_on, g.closed_on));
    }
    for r in &f.reports {
        out.push(format!(
            "report {} {:?} {:?} {}",
            f.periods[r.period as usize],
            r.ward.map(|w| &f.wards[w as usize]),
            r.channel,
            r.complete_to
        ));
    }
    for (g, row) in f.groups.iter().zip(&f.programmes) {
        out.push(format!("programmes {g} {row:?}"));
    }
    out.sort();
    out.push(format!("cycles {:?} {:?} {:?}", f.periods, f.cycle_ends, f.cycle_closed));
    out
}

/// A computation's answers without the segments' names (the store names wards, a plain
/// computation gives codes).
fn unnamed(mut c: segments::Computed) -> String {
    for s in c.segmentations.iter_mut().flatten() {
        s.label.clear();
    }
    for w in c.worst_wards.iter_mut().chain(&mut c.worst_groups) {
        w.label.clear();
    }
    serde_json::to_string(&(c.overall, c.segmentations, c.worst_wards, c.worst_groups)).unwrap()
}

/// The kept facts (patched after a write, or read from the snapshot at start) answer exactly
/// as a fresh load, and so do the dashboard's kept tallies (patched with them) for two days and
/// two filters.
async fn same_as_fresh(store: &Store, what: &str) {
    use SegmentBy::*;
    let kept = store.cached_facts().await.unwrap();
    let fresh = store.indicator_facts().await.unwrap();
    assert_eq!(everything(&kept), everything(&fresh), "{what}");
    let bys = [vec![Ward], vec![Cycle], vec![Group], vec![Age, Channel], vec![Need, Assisted]];
    let cash = Filter { channel: Some(ansinh_core::model::Channel::Cash), ..Filter::default() };
    for as_of in ["2026-06-15", "2026-10-20"] {
        assert_eq!(every_segmentation(&kept, d(as_of)), every_segmentation(&fresh, d(as_of)), "{what}, as of {as_of}");
        for filter in [Filter::default(), cash.clone()] {
            let answered = store.indicators(d(as_of), &filter, &bys).await.unwrap();
            let computed = segments::compute(&fresh, d(as_of), &filter, &bys, &|_, k| k.to_string());
            assert_eq!(unnamed(answered), unnamed(computed), "{what}, the dashboard as of {as_of}, {filter:?}");
        }
    }
}

/// Another desktop's records, in `parts` pieces (each a merge of its own).
async fn other_desktop(dir: &std::path::Path, seed: u64, parts: usize) -> Vec<Vec<ansinh_store::ChangeRecord>> {
    let store = Store::open(&dir.join(format!("other-{seed}.db"))).await.unwrap();
    let opts =
        DemoOptions { wards: 1, beneficiaries: 100, months: 6, seed, until: d("2026-10-01"), today: d("2026-10-20") };
    ansinh_demo::load_in_chunks(&store, &opts, 50).await.unwrap();
    let records = store.changes_since(&store.device_id(), 0).await.unwrap();
    let size = records.len().div_ceil(parts);
    records.chunks(size).map(|c| c.to_vec()).collect()
}

/// Credited payments nobody has taken out yet, and a withdrawal of each.
async fn withdraw_some(store: &Store, n: usize) {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, amount_vnd FROM payments p WHERE status = 'credited'
           AND NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.payment_id = p.id) ORDER BY p.rowid LIMIT ?",
    )
    .bind(n as i64)
    .fetch_all(store.bench_writer())
    .await
    .unwrap();
    assert_eq!(rows.len(), n, "enough payments nobody has taken out yet");
    for (id, amount) in rows {
        store.add_withdrawal(&withdrawal_of(&id, amount)).await.unwrap();
    }
}

/// A withdrawal of a payment nobody has taken out yet, of a person with a withdrawal recorded
/// on this desktop already (the last one).
async fn withdraw_again_for_a_person_written(store: &Store) {
    let (id, amount): (String, i64) = sqlx::query_as(
        "SELECT p.id, p.amount_vnd FROM payments p
          WHERE p.status = 'credited' AND NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.payment_id = p.id)
            AND p.beneficiary_id = (SELECT q.beneficiary_id FROM withdrawals w JOIN payments q ON q.id = w.payment_id
                                     WHERE w.withdrawn_on = '2026-10-19' ORDER BY w.rowid DESC LIMIT 1)
          LIMIT 1",
    )
    .fetch_one(store.bench_writer())
    .await
    .expect("another payment of that person nobody has taken out");
    store.add_withdrawal(&withdrawal_of(&id, amount)).await.unwrap();
}

/// A withdrawal of the whole of payment `id` at the ward office on 19/10/2026.
fn withdrawal_of(id: &str, amount: i64) -> ansinh_core::records::Withdrawal {
    ansinh_core::records::Withdrawal {
        id: ansinh_core::records::new_id(),
        payment_id: id.parse().unwrap(),
        withdrawn_on: d("2026-10-19"),
        amount_vnd: amount,
        place: ansinh_core::model::WithdrawalPlace::WardOffice,
        travel_minutes: Some(20),
        travel_cost_vnd: None,
        waiting_minutes: Some(5),
        assisted: true,
        problems: vec![],
    }
}

/// Follow-up contacts about three payments nobody has taken out yet (two reached the person:
/// checks the censoring reads), and a grievance opened and resolved, all about this desktop's
/// own people.
async fn fieldwork(store: &Store) {
    use ansinh_core::followup::{Contact, ContactEntry, ContactKind, ContactOutcome};
    use ansinh_core::grievances::{self, GrievanceInput, GrievanceUpdateInput};
    let today = d("2026-10-20");
    let waiting: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.beneficiary_id, p.credited_on FROM payments p
         WHERE p.status = 'credited' AND p.credited_on IS NOT NULL
           AND p.created_device = (SELECT value FROM settings WHERE key = 'device_id')
           AND NOT EXISTS (SELECT 1 FROM withdrawals w WHERE w.payment_id = p.id) LIMIT 3",
    )
    .fetch_all(store.bench_writer())
    .await
    .unwrap();
    assert_eq!(waiting.len(), 3, "payments still waiting");
    let outcomes = [ContactOutcome::WillWithdraw, ContactOutcome::HomeDeliveryArranged, ContactOutcome::NotReached];
    for ((payment, person, credited), outcome) in waiting.iter().zip(outcomes) {
        let contact = Contact {
            id: uuid::Uuid::now_v7(),
            beneficiary_id: person.parse().unwrap(),
            payment_id: Some(payment.parse().unwrap()),
            kind: ContactKind::Call,
            contacted_on: (d(credited) + chrono::Days::new(3)).min(today),
            outcome,
            note: String::new(),
        };
        store.add_contact(&ContactEntry { contact, withdrawn: None }).await.unwrap();
    }
    let input = GrievanceInput {
        beneficiary_id: waiting[0].1.clone(),
        category: "not_received".into(),
        channel: "phone".into(),
        description: "Chưa nhận được tiền".into(),
        opened_on: "01/10/2026".into(),
        deadline_on: String::new(),
    };
    let g = grievances::grievance(&input, today).unwrap();
    store.open_grievance(&g).await.unwrap();
    let update = GrievanceUpdateInput {
        grievance_id: g.id.to_string(),
        status: "resolved".into(),
        changed_on: "08/10/2026".into(),
        note: "Đã xử lý".into(),
        deadline_on: String::new(),
    };
    store.update_grievance(&grievances::grievance_update(&update, today).unwrap()).await.unwrap();
    let kept = store.cached_facts().await.unwrap();
    assert!(kept.checks.len() >= 2 && kept.grievances.iter().any(|g| g.closed_on.is_some()), "the field work is in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_facts_follow_writes_merges_and_restarts_as_a_fresh_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.db");
    let store = demo_store(dir.path(), 600, 6).await;
    same_as_fresh(&store, "the first load").await;
    assert_eq!(store.facts_counts(), ansinh_store::FactsCounts { loads: 1, patches: 0, in_place: 0, snapshots: 0 });

    // Merges of another desktop's ward, part by part: new people, payments, withdrawals.
    let parts = other_desktop(dir.path(), 31, 4).await;
    for (i, part) in parts.iter().enumerate() {
        store.import_changes(part, None, false).await.unwrap();
        same_as_fresh(&store, &format!("after merging part {i}")).await;
    }
    // The same records again change nothing; officers' own writes are patched in too.
    store.import_changes(&parts.concat(), None, false).await.unwrap();
    same_as_fresh(&store, "after merging the same records again").await;
    withdraw_some(&store, 25).await;
    same_as_fresh(&store, "after withdrawals").await;
    fieldwork(&store).await;
    same_as_fresh(&store, "after contacts and a grievance").await;
    let counts = store.facts_counts();
    // Four merges, the withdrawals and the field work (the repeated merge wrote no change record).
    assert_eq!((counts.loads, counts.patches), (1, 6), "every write was patched in, nothing loaded whole");
    assert_eq!(counts.in_place, 6, "in place: nothing else held the facts");
    // The dashboard's four questions were patched with the facts, not computed again, after
    // writes that changed only people (a merge may bring a new ward: then they are computed).
    let before = store.tally_counts();
    withdraw_some(&store, 5).await;
    same_as_fresh(&store, "after more withdrawals").await;
    fieldwork(&store).await;
    same_as_fresh(&store, "after more field work").await;
    assert_eq!(store.tally_counts().computed, before.computed, "no question computed over every fact again");
    assert_eq!(store.tally_counts().patched, before.patched + 8, "four questions patched after each of two writes");

    // At the next start the facts come from the snapshot, then catch up on what came since.
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    same_as_fresh(&store, "read from the snapshot").await;
    // The snapshot was written at the first load; the people merged and written since were
    // saved with the last dashboard's tallies, and spliced into it: nothing is left to patch.
    assert_eq!(store.facts_counts(), ansinh_store::FactsCounts { loads: 0, patches: 0, in_place: 0, snapshots: 1 });
    assert_eq!(store.tally_counts().caught_up, 1);
    withdraw_some(&store, 10).await;
    same_as_fresh(&store, "a write after the start").await;

    // A cycle closed, and a new cycle with its payments, are taken as they are.
    store.close_cycle("2026-05").await.unwrap();
    same_as_fresh(&store, "after closing a cycle").await;
    let next =
        DemoOptions { wards: 1, beneficiaries: 20, months: 7, seed: 5, until: d("2026-11-01"), today: d("2026-11-20") };
    let mut batch = ansinh_demo::generate(&next, &store.refs().await.unwrap()).batch;
    batch.cycles.retain(|c| c.period == "2026-11");
    store.insert_batch(&batch).await.unwrap();
    same_as_fresh(&store, "after a new cycle").await;
    assert_eq!(store.facts_counts(), ansinh_store::FactsCounts { loads: 0, patches: 3, in_place: 3, snapshots: 1 });

    // A cycle whose day moved changes every payment without its own day: everything is loaded.
    sqlx::query("UPDATE payment_cycles SET scheduled_on = '2026-06-03' WHERE period = '2026-06'")
        .execute(store.bench_writer())
        .await
        .unwrap();
    withdraw_some(&store, 1).await; // a logged write, so the change is looked at
    same_as_fresh(&store, "after a cycle's day moved").await;
    assert_eq!(store.facts_counts().loads, 1);

    // A snapshot that does not decode, or of another log, is ignored.
    sqlx::query("UPDATE facts_snapshot SET body = x'0102'").execute(store.bench_writer()).await.unwrap();
    store.close().await;
    let mut store = Store::open(&path).await.unwrap();
    same_as_fresh(&store, "a damaged snapshot").await;
    assert_eq!(store.facts_counts(), ansinh_store::FactsCounts { loads: 1, patches: 0, in_place: 0, snapshots: 0 });

    // The withdrawals' part of an earlier snapshot beside a later head is never mixed in, nor
    // is a damaged part: the facts are loaded whole (and the snapshot written again).
    let part = "SELECT body FROM facts_snapshot_parts WHERE part = 2";
    let earlier: Vec<u8> = sqlx::query_scalar(part).fetch_one(store.bench_writer()).await.unwrap();
    store.forget_facts_snapshot().await.unwrap();
    store.cached_facts().await.unwrap();
    let later: Vec<u8> = sqlx::query_scalar(part).fetch_one(store.bench_writer()).await.unwrap();
    assert_ne!(earlier, later, "each snapshot has its own generation");
    let damaged = later[..later.len() / 2].to_vec();
    for (body, what) in [(earlier, "a part of an earlier snapshot"), (damaged, "a damaged part")] {
        sqlx::query("UPDATE facts_snapshot_parts SET body = ? WHERE part = 2")
            .bind(body)
            .execute(store.bench_writer())
            .await
            .unwrap();
        store.close().await;
        let reopened = Store::open(&path).await.unwrap();
        same_as_fresh(&reopened, what).await;
        assert_eq!(reopened.facts_counts(), ansinh_store::FactsCounts { loads: 1, ..Default::default() }, "{what}");
        store = reopened;
    }
    // The snapshot written by that load is read at the next start.
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    same_as_fresh(&store, "the snapshot written again").await;
    assert_eq!(store.facts_counts(), ansinh_store::FactsCounts { snapshots: 1, ..Default::default() });
}

/// The dashboard as the store answers it and as a fresh computation over a fresh load does.
async fn answer_and_fresh(
    store: &Store,
    as_of: NaiveDate,
    filter: &Filter,
    bys: &[Vec<SegmentBy>],
) -> (String, String) {
    let answered = unnamed(store.indicators(as_of, filter, bys).await.unwrap());
    let fresh = store.indicator_facts().await.unwrap();
    (answered, unnamed(segments::compute(&fresh, as_of, filter, bys, &|_, k| k.to_string())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_with_nothing_written_since_answers_from_the_saved_tallies() {
    use SegmentBy::*;
    use ansinh_store::{FactsCounts, TallyCounts};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facts.db");
    let store = demo_store(dir.path(), 300, 6).await;
    let bys = vec![vec![Ward], vec![Cycle], vec![Age, Channel]];
    let cash = Filter { channel: Some(ansinh_core::model::Channel::Cash), ..Filter::default() };
    let day = d("2026-10-20");
    let (all, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(all, fresh);
    let (cash_only, fresh) = answer_and_fresh(&store, day, &cash, &bys).await;
    assert_eq!(cash_only, fresh);
    assert_ne!(all, cash_only);
    assert_eq!(store.tally_counts(), TallyCounts { computed: 2, carried: 0, patched: 0, saved: 0, caught_up: 0 });
    // Other segmentations of the same day and filter are read off the same tally; a pair it
    // does not hold is computed over every fact.
    let other = vec![vec![Need], vec![Disability], vec![Age, Channel], vec![Programme], vec![Ward]];
    let (answered, fresh) = answer_and_fresh(&store, day, &Filter::default(), &other).await;
    assert_eq!(answered, fresh);
    assert_eq!(store.tally_counts().computed, 2, "read off the day's tally");
    let (answered, fresh) = answer_and_fresh(&store, day, &cash, &[vec![Need, Group]]).await;
    assert_eq!(answered, fresh);
    assert_eq!(store.tally_counts().computed, 3, "a pair it did not hold");
    store.close().await;

    // The same day with nothing written: both answers come from the saved tallies, and not one
    // fact is read.
    let store = Store::open(&path).await.unwrap();
    assert_eq!(unnamed(store.indicators(day, &Filter::default(), &bys).await.unwrap()), all);
    assert_eq!(unnamed(store.indicators(day, &cash, &bys).await.unwrap()), cash_only);
    assert_eq!(store.tally_counts(), TallyCounts { computed: 0, carried: 0, patched: 0, saved: 2, caught_up: 0 });
    assert_eq!(store.facts_counts(), FactsCounts::default());
    // Another day is another question, not read off a saved one: the facts are read and the
    // saved day's tally of the same filter is carried to it (the facts whose part moved
    // between the days taken out and added again), not computed over every fact. The facts
    // come from the snapshot, and take the saved tallies with them (nothing was written since:
    // no person saved beside them).
    let (next_day, fresh) = answer_and_fresh(&store, d("2026-10-21"), &Filter::default(), &bys).await;
    assert_eq!(next_day, fresh);
    assert_eq!(store.tally_counts(), TallyCounts { computed: 0, carried: 1, patched: 0, saved: 2, caught_up: 1 });
    assert_eq!(store.facts_counts().snapshots, 1);
    // Weeks later, and with the cash filter: carried as well, from the nearest day kept.
    for later in ["2026-11-15", "2026-10-01"] {
        let (answered, fresh) = answer_and_fresh(&store, d(later), &cash, &bys).await;
        assert_eq!(answered, fresh, "{later}");
    }
    assert_eq!(store.tally_counts(), TallyCounts { computed: 0, carried: 3, patched: 0, saved: 2, caught_up: 1 });
    // The facts now loaded took the saved questions with them: asked again, none is computed.
    assert_eq!(unnamed(store.indicators(day, &cash, &bys).await.unwrap()), cash_only);
    assert_eq!(store.tally_counts(), TallyCounts { computed: 0, carried: 3, patched: 0, saved: 2, caught_up: 1 });

    // A write since: the saved tallies are of an earlier change record, so they are not read
    // alone, but they are taken with the snapshot's facts and patched as after any write (the
    // people written since taken out as the tallies counted them, and added as they are now).
    withdraw_some(&store, 5).await;
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let (after, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(after, fresh, "after a write");
    assert_ne!(after, all, "the withdrawals count");
    let counts = store.tally_counts();
    assert_eq!((counts.computed, counts.carried, counts.saved, counts.caught_up), (0, 0, 0, 1), "{counts:?}");
    assert!(counts.patched >= 2, "the saved questions patched: {counts:?}");
    assert_eq!(store.facts_counts(), FactsCounts { patches: 1, in_place: 1, snapshots: 1, ..Default::default() });
    // Asked with the cash filter too, and another day: patched, then carried.
    let (cash_after, fresh) = answer_and_fresh(&store, d("2026-10-22"), &cash, &bys).await;
    assert_eq!(cash_after, fresh, "cash, after a write");
    store.close().await;

    // Written again: the snapshot is still the first one, the tallies of the last dashboard,
    // saved with the facts of the people written since the snapshot. They bring the snapshot's
    // facts to the tallies, and the people written since are taken out and added again...
    let store = Store::open(&path).await.unwrap();
    withdraw_some(&store, 3).await;
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let (again, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(again, fresh, "after another write");
    assert_eq!((store.tally_counts().computed, store.tally_counts().caught_up), (0, 1));
    assert_eq!(store.facts_counts(), FactsCounts { patches: 1, in_place: 1, snapshots: 1, ..Default::default() });
    store.close().await;
    // ...even a person written both before the tallies and since, counted in them as they were
    // in between: neither the snapshot nor the tables hold that, the facts saved beside the
    // tallies do. Nothing is passed over again.
    let store = Store::open(&path).await.unwrap();
    withdraw_again_for_a_person_written(&store).await;
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let (twice, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(twice, fresh, "a person written twice");
    assert_eq!((store.tally_counts().computed, store.tally_counts().caught_up), (0, 1), "not passed over");
    let (cash_twice, fresh) = answer_and_fresh(&store, day, &cash, &bys).await;
    assert_eq!(cash_twice, fresh);
    store.close().await;

    // That dashboard saved them again; damaged, they are ignored and the facts answer.
    let store = Store::open(&path).await.unwrap();
    assert_eq!(unnamed(store.indicators(day, &Filter::default(), &bys).await.unwrap()), twice);
    assert_eq!(store.tally_counts().saved, 1);
    sqlx::query("UPDATE facts_tallies SET body = substr(body, 1, length(body) / 2)")
        .execute(store.bench_writer())
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let (damaged, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!((damaged.as_str(), fresh.as_str()), (twice.as_str(), twice.as_str()));
    assert_eq!(store.tally_counts(), TallyCounts { computed: 1, carried: 0, patched: 0, saved: 0, caught_up: 0 });
    store.close().await;

    // A cycle closed since the snapshot, then a write after the dashboard that followed: the
    // cycles saved with the tallies are taken with them, and only the write is patched.
    let store = Store::open(&path).await.unwrap();
    store.close_cycle("2026-05").await.unwrap();
    let (closed, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(closed, fresh, "a cycle closed");
    withdraw_some(&store, 2).await;
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let (after_close, fresh) = answer_and_fresh(&store, day, &Filter::default(), &bys).await;
    assert_eq!(after_close, fresh, "a cycle closed, then a write");
    assert_eq!((store.tally_counts().computed, store.tally_counts().caught_up), (0, 1));
    assert_eq!(store.facts_counts(), FactsCounts { patches: 1, in_place: 1, snapshots: 1, ..Default::default() });
    store.close().await;
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

/// Every row of the tables a demo city writes, in id order, without when and by which device
/// it was written.
async fn rows(store: &Store) -> String {
    let mut out = String::new();
    for table in ["payment_cycles", "beneficiaries", "accounts", "payments", "withdrawals"] {
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(store.bench_writer())
            .await
            .unwrap();
        let kept: Vec<String> = cols
            .iter()
            .filter(|c| !(c.ends_with("_at") || c.ends_with("_by") || c.ends_with("_device")))
            .map(|c| format!("'{c}', \"{c}\""))
            .collect();
        let order = if table == "payment_cycles" { "period" } else { "id" };
        let sql = format!("SELECT json_object({}) FROM {table} ORDER BY {order}", kept.join(", "));
        let all: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(store.bench_writer()).await.unwrap();
        out.push_str(&format!("{table} {}\n{}\n", all.len(), all.join("\n")));
    }
    out
}

#[tokio::test]
async fn writing_in_time_order_writes_the_same_city() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        wards: 3,
        beneficiaries: 400,
        months: 5,
        seed: 21,
        until: d("2026-10-01"),
        today: d("2026-10-20"),
    };
    let by_people = Store::open(&dir.path().join("people.db")).await.unwrap();
    ansinh_demo::load_in_chunks(&by_people, &opts, 150).await.unwrap();
    let by_time = Store::open(&dir.path().join("time.db")).await.unwrap();
    // Small batches, so a cycle's payments span several of them.
    ansinh_demo::load_in_time_order(&by_time, &opts, 170).await.unwrap();
    let (a, b) = (rows(&by_people).await, rows(&by_time).await);
    assert!(a.contains("withdrawals ") && a.lines().count() > 3_000, "a real city");
    assert_eq!(a, b);
    assert_eq!(
        everything(&by_people.indicator_facts().await.unwrap()),
        everything(&by_time.indicator_facts().await.unwrap())
    );
    // Every row has its change record.
    let logged = |s: &Store| {
        let s = s.bench_writer().clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM change_log").fetch_one(&s).await.unwrap() }
    };
    assert_eq!(logged(&by_people).await, logged(&by_time).await);
}
