//! Field workflows on real database files: the follow-up list (who waits, ranked by need), the
//! contact log, verification samples and results, grievances with their status history.

use ansinh_core::ErrorCode;
use ansinh_core::followup::{self, ContactInput};
use ansinh_core::grievances::{self, GrievanceInput, GrievanceStatus, GrievanceUpdateInput};
use ansinh_core::model::{Channel, Disability, Needs, PaymentStatus, Sex, WithdrawalPlace};
use ansinh_core::records::{self, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_core::verification::{self, SampleInput, VerificationInput, VerificationResult};
use ansinh_store::{Batch, GrievanceQuery, Store, StoreError};
use chrono::NaiveDate;
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-03-20";

async fn fresh() -> (Store, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.db")).await.unwrap();
    (store, dir)
}

fn person(name: &str, birth_year: i32, ward: &str, needs: Needs) -> Beneficiary {
    Beneficiary {
        id: records::new_id(),
        full_name: name.into(),
        birth_date: None,
        birth_year,
        sex: Sex::Female,
        id_number: None,
        legacy_id_number: None,
        id_override_reason: String::new(),
        ward_code: ward.into(),
        residential_group: String::new(),
        phone: String::new(),
        group_code: "cao_tuoi_ngheo_60_80".into(),
        disability: Disability::None,
        needs,
        authorised_name: String::new(),
        authorised_id_number: String::new(),
        authorised_relation: String::new(),
        duplicate_reason: String::new(),
    }
}

fn payment(b: &Beneficiary, period: &str, credited_on: &str) -> Payment {
    Payment {
        id: records::new_id(),
        period: period.into(),
        beneficiary_id: b.id,
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: 750_000,
        status: PaymentStatus::Credited,
        scheduled_on: Some(d(credited_on)),
        credited_on: Some(d(credited_on)),
        failure_reason: String::new(),
        reference: None,
        label: String::new(),
    }
}

fn withdrawal(p: &Payment, on: &str, amount: i64) -> Withdrawal {
    Withdrawal {
        id: records::new_id(),
        payment_id: p.id,
        withdrawn_on: d(on),
        amount_vnd: amount,
        place: WithdrawalPlace::WardOffice,
        travel_minutes: None,
        travel_cost_vnd: None,
        waiting_minutes: None,
        assisted: false,
        problems: vec![],
    }
}

fn cycles() -> Vec<Cycle> {
    ["2026-02", "2026-03"]
        .iter()
        .map(|p| Cycle { period: p.to_string(), scheduled_on: d(&format!("{p}-05")) })
        .collect()
}

fn needs(f: impl FnOnce(&mut Needs)) -> Needs {
    let mut n = Needs::default();
    f(&mut n);
    n
}

/// A small ward: people with different needs and payments in different states.
struct World {
    plain: Beneficiary,
    old: Beneficiary,
    alone: Beneficiary,
    bedridden_old: Beneficiary,
    other_ward: Beneficiary,
    p_plain: Payment,
    p_old: Payment,
    p_alone: Payment,
    p_bed: Payment,
    p_full: Payment,
    p_recent: Payment,
    p_other: Payment,
}

async fn world(store: &Store) -> World {
    let plain = person("Nguyễn Văn An", 1960, "00004", Needs::default());
    let old = person("Trần Thị Bình", 1940, "00004", Needs::default());
    let alone = person("Lê Thị Cúc", 1960, "00004", needs(|n| n.lives_alone = true));
    let bedridden_old = person("Phạm Thị Dung", 1938, "00004", needs(|n| n.bedridden = true));
    let other_ward = person("Vũ Văn Em", 1938, "00008", needs(|n| n.bedridden = true));
    let p_plain = payment(&plain, "2026-02", "2026-02-05"); // waited 43 days, untouched
    let p_old = payment(&old, "2026-03", "2026-03-05"); // 15 days, partly withdrawn
    let p_alone = payment(&alone, "2026-03", "2026-03-05");
    let p_bed = payment(&bedridden_old, "2026-03", "2026-03-10"); // 10 days
    let p_full = payment(&plain, "2026-03", "2026-03-05"); // fully withdrawn: not listed
    let p_recent = payment(&bedridden_old, "2026-02", "2026-03-16"); // 4 days: too recent for k=7
    let p_other = payment(&other_ward, "2026-03", "2026-03-05");
    let batch = Batch {
        cycles: cycles(),
        beneficiaries: vec![plain.clone(), old.clone(), alone.clone(), bedridden_old.clone(), other_ward.clone()],
        payments: vec![
            p_plain.clone(),
            p_old.clone(),
            p_alone.clone(),
            p_bed.clone(),
            p_full.clone(),
            p_recent.clone(),
            p_other.clone(),
        ],
        withdrawals: vec![
            withdrawal(&p_old, "2026-03-07", 250_000),
            withdrawal(&p_full, "2026-03-06", 500_000),
            withdrawal(&p_full, "2026-03-08", 250_000),
            // After the list's day: does not count yet.
            withdrawal(&p_alone, "2026-03-25", 750_000),
        ],
        ..Batch::default()
    };
    store.insert_batch(&batch).await.unwrap();
    World { plain, old, alone, bedridden_old, other_ward, p_plain, p_old, p_alone, p_bed, p_full, p_recent, p_other }
}

#[tokio::test]
async fn followup_lists_waiting_money_ranked_by_need() {
    let (store, _dir) = fresh().await;
    let w = world(&store).await;
    let list = store.followup_list(d(TODAY), 7, Some("00004")).await.unwrap();
    let ids: Vec<&str> = list.rows.iter().map(|r| r.payment_id.as_str()).collect();
    let expect = [&w.p_bed, &w.p_old, &w.p_alone, &w.p_plain].map(|p| p.id.to_string());
    // Bedridden and 87 (8) > 85 (4) > lives alone (3) > nothing (0), however long it waited.
    assert_eq!(ids, expect.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ids.contains(&w.p_full.id.to_string().as_str()), "fully withdrawn is excluded");
    assert!(!ids.contains(&w.p_recent.id.to_string().as_str()), "credited 4 days ago is not due at k=7");
    assert!(!ids.contains(&w.p_other.id.to_string().as_str()), "other ward filtered out");

    let bed = &list.rows[0];
    assert_eq!((bed.age, bed.priority, bed.days_waiting), (88, 8, 10));
    assert_eq!(bed.full_name, w.bedridden_old.full_name);
    assert_eq!(bed.ward_name, "Phường Ba Đình");
    let old = &list.rows[1];
    assert_eq!((old.withdrawn_vnd, old.remaining_vnd), (250_000, 500_000), "partly withdrawn stays listed");
    assert_eq!(old.beneficiary_id, w.old.id.to_string());
    assert_eq!(list.rows[2].beneficiary_id, w.alone.id.to_string());
    assert_eq!(list.rows[3].days_waiting, 43);

    // k = 3 also lists the payment credited 4 days ago; every ward when no filter.
    let all = store.followup_list(d(TODAY), 3, None).await.unwrap();
    assert_eq!(all.rows.len(), 6);
    assert!(all.rows.iter().any(|r| r.beneficiary_id == w.other_ward.id.to_string()));
    // Ties in score: more days waiting first (other ward's bedridden person waited 15 > 10).
    assert_eq!(all.rows[0].payment_id, w.p_other.id.to_string());
    // A year later the withdrawal of 25/03 counts and the alone person's payment is gone.
    let later = store.followup_list(d("2026-04-30"), 7, Some("00004")).await.unwrap();
    assert!(!later.rows.iter().any(|r| r.payment_id == w.p_alone.id.to_string()));
}

#[tokio::test]
async fn contacts_are_saved_logged_and_shown_on_the_row() {
    let (store, dir) = fresh().await;
    let w = world(&store).await;
    let today = d(TODAY);
    let input = ContactInput {
        beneficiary_id: w.plain.id.to_string(),
        payment_id: Some(w.p_plain.id.to_string()),
        kind: "call".into(),
        contacted_on: "18/03/2026".into(),
        outcome: "not_reached".into(),
        note: "Không nghe máy".into(),
        ..ContactInput::default()
    };
    store.add_contact(&followup::contact(&input, today).unwrap()).await.unwrap();
    let visit = ContactInput {
        kind: "home_visit".into(),
        contacted_on: "19/03/2026".into(),
        outcome: "home_delivery_arranged".into(),
        note: "Bưu điện giao tiền ngày 22/03".into(),
        ..input.clone()
    };
    store.add_contact(&followup::contact(&visit, today).unwrap()).await.unwrap();

    let log = store.contacts_of(&w.plain.id.to_string()).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].note, "Bưu điện giao tiền ngày 22/03", "newest first");
    assert_eq!(log[1].contacted_on, "2026-03-18");

    let list = store.followup_list(today, 7, None).await.unwrap();
    let row = list.rows.iter().find(|r| r.payment_id == w.p_plain.id.to_string()).unwrap();
    let last = row.last_contact.as_ref().expect("the last contact is on the row");
    assert_eq!(last.outcome, followup::ContactOutcome::HomeDeliveryArranged);
    assert_eq!(last.contacted_on, "2026-03-19");
    let untouched = list.rows.iter().find(|r| r.payment_id == w.p_old.id.to_string()).unwrap();
    assert!(untouched.last_contact.is_none());

    // Another person's payment is refused; nothing is written.
    let wrong = ContactInput { payment_id: Some(w.p_bed.id.to_string()), ..input };
    let err = store.add_contact(&followup::contact(&wrong, today).unwrap()).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref e) if e[0].field.as_deref() == Some("payment_id")), "{err:?}");
    assert_eq!(store.contacts_of(&w.plain.id.to_string()).await.unwrap().len(), 2);

    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", dir.path().join("a.db").display())).await.unwrap();
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'contacts'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(logged, 2, "one change record per contact");
    assert_eq!(store.verify_changes().await.unwrap(), None);
}

async fn count(dir: &TempDir, sql: &'static str) -> i64 {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", dir.path().join("a.db").display())).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
}

/// The time to cash of every payment at `as_of`, from the cached facts (what the dashboard and
/// `metrics` read).
async fn time_to_cash(store: &Store, as_of: NaiveDate) -> ansinh_core::indicators::Metrics {
    let facts = store.cached_facts().await.unwrap();
    let label = |_: ansinh_core::model::SegmentBy, s: &str| s.to_string();
    // Shown whatever the coverage (this small world's): the test is about what is counted.
    let all = ansinh_core::segments::Filter { min_coverage: Some(0), ..Default::default() };
    ansinh_core::segments::report(&facts, as_of, &all, &[], &label).overall.time_to_cash
}

fn withdrawn_contact(b: &Beneficiary, p: Option<&Payment>, on: &str) -> ContactInput {
    ContactInput {
        beneficiary_id: b.id.to_string(),
        payment_id: p.map(|p| p.id.to_string()),
        kind: "home_visit".into(),
        contacted_on: "19/03/2026".into(),
        outcome: "already_withdrawn".into(),
        note: "Đã rút rồi".into(),
        withdrawn_on: on.into(),
        ..ContactInput::default()
    }
}

#[tokio::test]
async fn a_contact_already_withdrawn_records_the_withdrawal_the_time_to_cash_counts() {
    let (store, dir) = fresh().await;
    let w = world(&store).await;
    let today = d(TODAY);
    let before = time_to_cash(&store, today).await;
    let logged_before = count(&dir, "SELECT COUNT(*) FROM change_log WHERE entity = 'withdrawal'").await;

    // "Already withdrawn on 10/02": An's February payment, untouched so far (750.000 ₫ left).
    let entry = followup::contact(&withdrawn_contact(&w.plain, Some(&w.p_plain), "10/02/2026"), today).unwrap();
    let (saved, written) = store.add_contact(&entry).await.unwrap();
    let written = written.expect("a withdrawal is recorded with the contact");
    assert_eq!(
        (written.payment_id, written.withdrawn_on, written.amount_vnd),
        (w.p_plain.id, d("2026-02-10"), 750_000)
    );
    assert_eq!(written.place, WithdrawalPlace::WardOffice, "a cash payment's usual place");
    assert_eq!(saved.payment_id, Some(w.p_plain.id));
    assert_eq!(
        store.contacts_of(&w.plain.id.to_string()).await.unwrap()[0].outcome,
        followup::ContactOutcome::AlreadyWithdrawn
    );

    let after = time_to_cash(&store, today).await;
    assert_eq!(after.withdrawn, before.withdrawn + 1, "the time to cash sees the withdrawal");
    assert_eq!(after.credited, before.credited);
    assert_eq!(after.coverage.known, before.coverage.known + 1, "its status is now known");
    // Received 5 days after the credit: the share withdrawn within 7 days rises.
    assert!(after.withdrawn_by_day.day7.unwrap() > before.withdrawn_by_day.day7.unwrap(), "{before:?} -> {after:?}");
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM change_log WHERE entity = 'withdrawal'").await, logged_before + 1);
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM change_log WHERE entity = 'contacts'").await, 1);
    assert_eq!(store.verify_changes().await.unwrap(), None);
    let list = store.followup_list(today, 7, None).await.unwrap();
    assert!(!list.rows.iter().any(|r| r.payment_id == w.p_plain.id.to_string()), "no longer waiting");

    // Bình's March payment has a withdrawal of 07/03: "already withdrawn on 08/03" is that one,
    // so only the contact is saved (counting it again would double the cash).
    let again = followup::contact(&withdrawn_contact(&w.old, Some(&w.p_old), "08/03/2026"), today).unwrap();
    let (_, none) = store.add_contact(&again).await.unwrap();
    assert_eq!(none, None);
    assert_eq!(time_to_cash(&store, today).await, after, "nothing the time to cash sees changed");
    assert_eq!(store.contacts_of(&w.old.id.to_string()).await.unwrap().len(), 1, "the contact is kept");

    // From the person's page (no payment): the latest credited payment with money left,
    // credited by the day received: Dung's payment credited 10/03, not the one of 16/03.
    let typed = ContactInput {
        amount: "300.000".into(),
        place: "atm".into(),
        ..withdrawn_contact(&w.bedridden_old, None, "12/03/2026")
    };
    let (saved, written) = store.add_contact(&followup::contact(&typed, today).unwrap()).await.unwrap();
    let written = written.unwrap();
    assert_eq!((written.payment_id, written.amount_vnd, written.place), (w.p_bed.id, 300_000, WithdrawalPlace::Atm));
    assert_eq!(saved.payment_id, Some(w.p_bed.id), "the contact is about that payment");
    assert_ne!(written.payment_id, w.p_recent.id);
}

#[tokio::test]
async fn a_refused_reported_withdrawal_writes_neither_the_contact_nor_the_withdrawal() {
    let (store, dir) = fresh().await;
    let w = world(&store).await;
    let today = d(TODAY);
    let before = time_to_cash(&store, today).await;
    let rows = || async {
        (
            count(&dir, "SELECT COUNT(*) FROM contacts").await,
            count(&dir, "SELECT COUNT(*) FROM withdrawals").await,
            count(&dir, "SELECT COUNT(*) FROM change_log").await,
        )
    };
    let start = rows().await;
    let refused = |input: ContactInput| {
        let store = &store;
        async move {
            let err = store.add_contact(&followup::contact(&input, today).unwrap()).await.unwrap_err();
            match err {
                StoreError::Invalid(e) => {
                    e.into_iter().map(|e| (e.field.unwrap_or_default(), e.code)).collect::<Vec<_>>()
                }
                other => panic!("{other:?}"),
            }
        }
    };
    // More than what is left of Bình's payment (500.000 ₫), received on 06/03: before its
    // withdrawal of 07/03, so not that one.
    let more = ContactInput { amount: "600.000".into(), ..withdrawn_contact(&w.old, Some(&w.p_old), "06/03/2026") };
    assert_eq!(refused(more).await, [("amount".to_string(), ErrorCode::AmountExceedsPayment)]);
    // Before Dung's payment was credited (10/03).
    let early = withdrawn_contact(&w.bedridden_old, Some(&w.p_bed), "05/03/2026");
    assert_eq!(refused(early).await, [("withdrawn_on".to_string(), ErrorCode::DateBeforeCredit)]);
    // No payment named and none waiting: Cúc's only payment is fully withdrawn.
    let nothing = withdrawn_contact(&w.alone, None, "18/03/2026");
    assert_eq!(refused(nothing).await, [("payment_id".to_string(), ErrorCode::ContactNoWaitingPayment)]);
    assert_eq!(rows().await, start, "nothing written: no contact, no withdrawal, no change record");
    assert_eq!(time_to_cash(&store, today).await, before);
}

#[tokio::test]
async fn verification_sample_is_reproducible_and_results_count() {
    let (a, _da) = fresh().await;
    let (b, _db) = fresh().await;
    // Same data in two databases (same ids), so the same seed must draw the same payments.
    let people: Vec<Beneficiary> =
        (0..30).map(|i| person(&format!("Người Thứ {i}"), 1950, "00004", Needs::default())).collect();
    let payments: Vec<Payment> = people.iter().map(|p| payment(p, "2026-03", "2026-03-05")).collect();
    let batch = Batch { cycles: cycles(), beneficiaries: people, payments: payments.clone(), ..Batch::default() };
    a.insert_batch(&batch).await.unwrap();
    b.insert_batch(&batch).await.unwrap();
    let req = |size: &str, seed: &str| {
        verification::sample_request(&SampleInput { period: "03/2026".into(), size: size.into(), seed: seed.into() })
            .unwrap()
    };
    let sa = a.create_sample(&req("5", "77")).await.unwrap();
    let sb = b.create_sample(&req("5", "77")).await.unwrap();
    let drawn =
        |s: &ansinh_store::VerificationSampleView| s.items.iter().map(|i| i.payment_id.clone()).collect::<Vec<_>>();
    assert_eq!(drawn(&sa), drawn(&sb));
    assert_eq!((sa.size, sa.population, sa.verified, sa.share_full), (5, 30, 0, None));

    // One sample per cycle.
    let again = a.create_sample(&req("5", "78")).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(ref e) if e.code == ErrorCode::SampleExists), "{again:?}");
    // A percentage rounds up; another seed draws other payments.
    let (c, _dc) = fresh().await;
    c.insert_batch(&batch).await.unwrap();
    let sc = c.create_sample(&req("10%", "78")).await.unwrap();
    assert_eq!(sc.size, 3);
    assert_ne!(drawn(&sc), drawn(&sa)[..3].to_vec());
    // An empty cycle cannot be sampled.
    let feb = SampleInput { period: "02/2026".into(), size: "5".into(), seed: "1".into() };
    let empty = c.create_sample(&verification::sample_request(&feb).unwrap()).await.unwrap_err();
    assert!(matches!(empty, StoreError::Invalid(ref e) if e[0].code == ErrorCode::SampleEmptyCycle), "{empty:?}");

    let today = d(TODAY);
    let record = |item: &str, result: &str, amount: &str| VerificationInput {
        item_id: item.into(),
        result: result.into(),
        amount_received: amount.into(),
        verified_on: "18/03/2026".into(),
        note: String::new(),
    };
    let items: Vec<String> = sa.items.iter().map(|i| i.id.clone()).collect();
    a.record_verification(&verification::verification(&record(&items[0], "full", ""), today).unwrap()).await.unwrap();
    // A "partial" amount must be less than the payment.
    let too_much = verification::verification(&record(&items[1], "partial", "750.000"), today).unwrap();
    let err = a.record_verification(&too_much).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref e) if e[0].code == ErrorCode::ReceivedAmountInvalid), "{err:?}");
    a.record_verification(&verification::verification(&record(&items[1], "partial", "500.000"), today).unwrap())
        .await
        .unwrap();
    let s = a
        .record_verification(&verification::verification(&record(&items[2], "nothing", ""), today).unwrap())
        .await
        .unwrap();
    assert_eq!((s.verified, s.confirmed_full, s.partial, s.nothing), (3, 1, 1, 1));
    assert!((s.share_full.unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(s.items[0].result, Some(VerificationResult::Full));
    assert_eq!(s.items[0].amount_received_vnd, Some(750_000));
    assert_eq!(s.items[1].amount_received_vnd, Some(500_000));
    // Correcting a result replaces it (and is a change record of its own).
    let s = a
        .record_verification(&verification::verification(&record(&items[2], "full", ""), today).unwrap())
        .await
        .unwrap();
    assert_eq!((s.verified, s.confirmed_full, s.nothing), (3, 2, 0));
    assert_eq!(a.sample_for("2026-03").await.unwrap().unwrap().confirmed_full, 2);
    assert_eq!(a.verify_changes().await.unwrap(), None);
    let cycles = a.list_cycles().await.unwrap();
    assert_eq!(cycles[0].period, "2026-03");
    assert!(cycles[0].has_sample && cycles[0].credited == 30);
}

#[tokio::test]
async fn grievances_keep_their_history_and_need_a_resolution_note() {
    let (store, _dir) = fresh().await;
    let w = world(&store).await;
    let today = d(TODAY);
    let open = |who: &Beneficiary, opened: &str| GrievanceInput {
        beneficiary_id: who.id.to_string(),
        category: "not_received".into(),
        channel: "hotline".into(),
        description: "Chưa nhận được tiền".into(),
        opened_on: opened.into(),
        deadline_on: String::new(),
    };
    let late = grievances::grievance(&open(&w.plain, "01/03/2026"), today).unwrap();
    let recent = grievances::grievance(&open(&w.old, "15/03/2026"), today).unwrap();
    store.open_grievance(&late).await.unwrap();
    store.open_grievance(&recent).await.unwrap();

    let all = store.grievances(&GrievanceQuery::default(), today).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, late.id.to_string(), "overdue first");
    assert!(all[0].overdue && !all[1].overdue);
    assert_eq!(all[0].deadline_on, "2026-03-16");
    let overdue = store.grievances(&GrievanceQuery { overdue: true, ..Default::default() }, today).await.unwrap();
    assert_eq!(overdue.iter().map(|g| g.id.clone()).collect::<Vec<_>>(), [late.id.to_string()]);

    let update = |status: &str, note: &str| GrievanceUpdateInput {
        grievance_id: late.id.to_string(),
        status: status.into(),
        changed_on: "19/03/2026".into(),
        note: note.into(),
        deadline_on: String::new(),
    };
    // The core refuses to resolve without a note; the store refuses a change that changes nothing.
    assert_eq!(
        grievances::grievance_update(&update("resolved", ""), today).unwrap_err()[0].code,
        ErrorCode::ResolutionNoteRequired
    );
    let nothing = store.update_grievance(&grievances::grievance_update(&update("open", ""), today).unwrap()).await;
    assert!(matches!(nothing, Err(StoreError::Invalid(ref e)) if e[0].code == ErrorCode::GrievanceUnchanged));

    store
        .update_grievance(&grievances::grievance_update(&update("in_progress", "Đã liên hệ ngân hàng"), today).unwrap())
        .await
        .unwrap();
    store
        .update_grievance(
            &grievances::grievance_update(&update("resolved", "Ngân hàng chuyển lại tiền"), today).unwrap(),
        )
        .await
        .unwrap();
    let g = store.grievance(&late.id.to_string(), today).await.unwrap();
    assert_eq!(g.status, GrievanceStatus::Resolved);
    assert_eq!((g.resolution_note.as_str(), g.closed_on.as_deref()), ("Ngân hàng chuyển lại tiền", Some("2026-03-19")));
    assert!(!g.overdue, "a resolved ticket is never overdue");
    let steps: Vec<(Option<GrievanceStatus>, GrievanceStatus)> =
        g.history.iter().map(|e| (e.from_status, e.to_status)).collect();
    assert_eq!(
        steps,
        [
            (None, GrievanceStatus::Open),
            (Some(GrievanceStatus::Open), GrievanceStatus::InProgress),
            (Some(GrievanceStatus::InProgress), GrievanceStatus::Resolved)
        ]
    );
    assert!(store.grievances(&GrievanceQuery { overdue: true, ..Default::default() }, today).await.unwrap().is_empty());
    let resolved = GrievanceQuery { status: Some(GrievanceStatus::Resolved), ..Default::default() };
    assert_eq!(store.grievances(&resolved, today).await.unwrap().len(), 1);
    let mine = GrievanceQuery { beneficiary_id: Some(w.old.id.to_string()), ..Default::default() };
    assert_eq!(store.grievances(&mine, today).await.unwrap()[0].id, recent.id.to_string());

    // A new deadline moves the recent one; before the opening day is refused.
    let mut moved = update("open", "");
    moved.grievance_id = recent.id.to_string();
    moved.deadline_on = "10/03/2026".into();
    let err = store.update_grievance(&grievances::grievance_update(&moved, today).unwrap()).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref e) if e.iter().any(|e| e.code == ErrorCode::DeadlineBeforeOpened)));
    moved.deadline_on = "17/03/2026".into();
    store.update_grievance(&grievances::grievance_update(&moved, today).unwrap()).await.unwrap();
    let r = store.grievance(&recent.id.to_string(), today).await.unwrap();
    assert!(r.overdue, "deadline 17/03 passed on 20/03");
    assert_eq!(store.verify_changes().await.unwrap(), None);
}

#[tokio::test]
async fn money_left_uncollected_lists_who_has_not_had_cash_in_hand_for_months() {
    let (store, _dir) = fresh().await;
    let month = |m: u32| format!("2026-{m:02}");
    let cycles: Vec<Cycle> =
        (1..=6).map(|m| Cycle { period: month(m), scheduled_on: d(&format!("{}-05", month(m))) }).collect();
    let lan = person("Đỗ Thị Lan", 1938, "00004", Needs::default());
    let minh = person("Nguyễn Văn Minh", 1950, "00004", Needs::default());
    let hoa = person("Trần Thị Hoa", 1945, "00004", Needs::default());
    let moi = person("Lê Văn Mới", 1960, "00004", Needs::default());
    let tam = person("Vũ Văn Tâm", 1950, "00004", Needs::default());
    let xa = person("Phạm Văn Xa", 1940, "00008", Needs::default());
    let monthly = |b: &Beneficiary, months: std::ops::RangeInclusive<u32>| -> Vec<Payment> {
        months.map(|m| payment(b, &month(m), &format!("{}-05", month(m)))).collect()
    };
    let (p_lan, p_minh, p_hoa, p_moi, p_tam, p_xa) = (
        monthly(&lan, 1..=6),
        monthly(&minh, 4..=6),
        monthly(&hoa, 3..=4),
        monthly(&moi, 6..=6),
        monthly(&tam, 1..=1),
        monthly(&xa, 2..=4),
    );
    let withdrawals = vec![
        // Lan: cash in hand last on 07/03 (three months before 20/06); April to June untouched.
        withdrawal(&p_lan[0], "2026-01-07", 750_000),
        withdrawal(&p_lan[1], "2026-02-07", 750_000),
        withdrawal(&p_lan[2], "2026-03-07", 500_000), // 250.000 ₫ of March left: before, not since
        // Minh withdrew last month: not listed though June waits.
        withdrawal(&p_minh[0], "2026-04-07", 750_000),
        withdrawal(&p_minh[1], "2026-05-07", 750_000),
        // Tâm withdrew long ago and nothing came since: nothing waits.
        withdrawal(&p_tam[0], "2026-01-07", 750_000),
        // Xa (another ward): last on 10/02, March and April since, April partly taken after 20/06.
        withdrawal(&p_xa[0], "2026-02-10", 750_000),
        withdrawal(&p_xa[2], "2026-06-25", 750_000),
    ];
    let payments = [p_lan, p_minh, p_hoa, p_moi, p_tam, p_xa].concat();
    let batch = Batch {
        cycles,
        beneficiaries: vec![lan.clone(), minh.clone(), hoa.clone(), moi.clone(), tam.clone(), xa.clone()],
        payments,
        withdrawals,
        ..Batch::default()
    };
    store.insert_batch(&batch).await.unwrap();

    let as_of = d("2026-06-20");
    let list = store.uncollected(as_of, 2, Some("00004")).await.unwrap();
    assert_eq!(list.cutoff, "2026-04-20");
    let names: Vec<&str> = list.rows.iter().map(|r| r.full_name.as_str()).collect();
    // Lan 2.250.000 ₫ before Hoa 1.500.000 ₫; Minh (last month), Mới (credited this month,
    // never withdrew yet), Tâm (nothing since) and Xa (other ward) are not listed.
    assert_eq!(names, ["Đỗ Thị Lan", "Trần Thị Hoa"]);
    let l = &list.rows[0];
    assert_eq!(l.beneficiary_id, lan.id.to_string());
    assert_eq!(l.last_withdrawal_on.as_deref(), Some("2026-03-07"));
    assert_eq!((l.payments_since, l.left_vnd, l.days_waiting), (3, 2_250_000, 105));
    assert_eq!((l.ward_name.as_str(), l.channel), ("Phường Ba Đình", Channel::Cash));
    let h = &list.rows[1];
    assert_eq!((h.last_withdrawal_on.as_deref(), h.waiting_since.as_str()), (None, "2026-03-05"), "never withdrew");
    assert_eq!((h.payments_since, h.left_vnd), (2, 1_500_000));
    assert_eq!(list.total_left_vnd, 3_750_000);

    // The city: Xa too (750.000 ₫ of March; April's withdrawal of 25/06 is after the day).
    let city = store.uncollected(as_of, 2, None).await.unwrap();
    let xa_row = city.rows.iter().find(|r| r.beneficiary_id == xa.id.to_string()).expect("Xa is listed");
    assert_eq!(
        (xa_row.payments_since, xa_row.left_vnd, xa_row.last_withdrawal_on.as_deref()),
        (2, 1_500_000, Some("2026-02-10"))
    );
    assert_eq!(city.rows.len(), 3);
    // Four months: Lan's last cash (07/03) is not old enough; Xa's (10/02) is.
    let four = store.uncollected(as_of, 4, None).await.unwrap();
    assert_eq!(four.rows.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(), ["Phạm Văn Xa"]);
    // One month: Minh's June payment (last cash 07/05, more than a month before) now counts.
    let one = store.uncollected(as_of, 1, Some("00004")).await.unwrap();
    assert!(one.rows.iter().any(|r| r.beneficiary_id == minh.id.to_string() && r.left_vnd == 750_000));

    let plan = store.uncollected_plan(None).await.unwrap();
    let plan_ward = store.uncollected_plan(Some("00004")).await.unwrap();
    // Payments read once in person order (the window needs no sort: an index led by the person,
    // the one holding the facts' columns since migration 0024), each one's last withdrawal a
    // seek in a covering index, a ward through an index on ward_code; no full scan of people.
    assert!(plan.iter().any(|s| s.contains("SEARCH w USING COVERING INDEX withdrawals_payment")), "{plan:#?}");
    assert!(
        plan.iter().any(|s| s.starts_with("SCAN p USING")
            && (s.ends_with("INDEX sqlite_autoindex_payments_2") || s.ends_with("INDEX payments_person_facts"))),
        "{plan:#?}"
    );
    assert!(
        !plan.iter().any(|s| s.starts_with("SCAN beneficiaries") || s == "SCAN b" || s.starts_with("SCAN b ")),
        "{plan:#?}"
    );
    // A ward starts from the ward index and reads only its people's payments.
    assert!(
        plan_ward.iter().any(|s| s.starts_with("SEARCH b0 USING INDEX") && s.contains("(ward_code=?)")),
        "{plan_ward:#?}"
    );
    assert!(
        plan_ward
            .iter()
            .any(|s| s.starts_with("SEARCH p USING") && s.contains("INDEX") && s.contains("(beneficiary_id=?)")),
        "{plan_ward:#?}"
    );
    assert!(!plan_ward.iter().any(|s| s == "SCAN p" || s.starts_with("SCAN p ")), "{plan_ward:#?}");
}
