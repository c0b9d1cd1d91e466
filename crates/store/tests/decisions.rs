//! Benefit decisions in the store (issue 16): what a cycle pays comes from the decisions in
//! force, a stop ends it, a second benefit pays only the highest, a move keeps one history.

use ansinh_core::ErrorCode;
use ansinh_core::decisions::{self, DecisionInput};
use ansinh_core::inputs::{BeneficiaryInput, PaymentInput};
use ansinh_core::records::{Beneficiary, Payment};
use ansinh_core::validate;
use ansinh_store::{Store, StoreError};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn person(store: &Store, name: &str, sex: &str, id: &str, ward: &str) -> Beneficiary {
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: name.into(),
        birth_date: "1940".into(),
        sex: sex.into(),
        id_number: id.into(),
        ward_code: ward.into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let b = validate::beneficiary(&input, &refs, today()).unwrap();
    store.add_beneficiary(&b).await.unwrap();
    b
}

async fn decide(store: &Store, b: &Beneficiary, ward: &str, kind: &str, group: &str, on: &str, reason: &str) {
    let input = DecisionInput {
        beneficiary_id: b.id.to_string(),
        ward_code: ward.into(),
        number: format!("{}/QĐ-UBND", on.len() + kind.len()),
        decided_on: on.into(),
        kind: kind.into(),
        group_code: group.into(),
        reason: reason.into(),
        ..DecisionInput::default()
    };
    let refs = store.refs().await.unwrap();
    let d = decisions::decision(&input, &*refs, &refs.rules, today()).unwrap();
    store.add_decision(&d).await.unwrap();
}

async fn pay(store: &Store, b: &Beneficiary, period: &str, credited: &str) -> Result<Payment, StoreError> {
    let input = PaymentInput {
        beneficiary_id: b.id.to_string(),
        account_id: None,
        period: period.into(),
        amount: String::new(),
        status: "credited".into(),
        credited_on: credited.into(),
        failure_reason: String::new(),
        one_off: false,
        label: String::new(),
    };
    store.add_payment(&validate::payment(&input, today()).unwrap()).await
}

fn codes<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<ErrorCode> {
    match r {
        Err(StoreError::Invalid(e)) => e.into_iter().map(|e| e.code).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    let dir = store.path().to_path_buf();
    let mut c =
        <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite:{}", dir.display())).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
}

#[tokio::test]
async fn a_stop_decision_ends_the_expected_payments_and_a_second_benefit_pays_the_highest() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.db")).await.unwrap();
    let b = person(&store, "Nguyễn Thị Hoa", "Nữ", "001140000101", "00004").await;
    // Without decisions kept, the group registered gives the amount (as before).
    assert_eq!(pay(&store, &b, "06/2025", "10/06/2025").await.unwrap().amount_vnd, 1_000_000);
    decide(&store, &b, "00004", "start", "huu_tri_xa_hoi_75", "05/07/2025", "").await;
    assert_eq!(pay(&store, &b, "07/2025", "10/07/2025").await.unwrap().amount_vnd, 500_000, "the decision rules");
    assert_eq!(pay(&store, &b, "01/2026", "10/01/2026").await.unwrap().amount_vnd, 650_000);
    // Also decided a severe disability from 02/2026: only the highest, 650,000 × 1.5.
    decide(&store, &b, "00004", "start", "khuyet_tat_nang", "03/02/2026", "").await;
    assert_eq!(pay(&store, &b, "02/2026", "10/02/2026").await.unwrap().amount_vnd, 975_000);
    // Died in March: the stop, decided on 2 April, runs from 04/2026; nothing more is expected.
    decide(&store, &b, "00004", "stop", "", "02/04/2026", "death").await;
    assert_eq!(pay(&store, &b, "03/2026", "10/03/2026").await.unwrap().amount_vnd, 975_000);
    let before = count(&store, "SELECT COUNT(*) FROM payments").await;
    assert_eq!(codes(pay(&store, &b, "04/2026", "10/04/2026").await), vec![ErrorCode::DecisionNoneInForce]);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM payments").await, before, "a refusal writes nothing");
    // The cycle's expected payments: by the group for someone with no decision kept, and none
    // after the stop.
    let other = person(&store, "Lê Văn Tư", "Nam", "001040000303", "00004").await;
    let rows = store.expected_payments("2026-03", "00004").await.unwrap();
    let got: Vec<(&str, i64, &str)> =
        rows.iter().map(|r| (r.full_name.as_str(), r.amount_vnd, r.source.as_str())).collect();
    // In the order of the printed list: by given name (Hoa before Tư).
    assert_eq!(got, [("Nguyễn Thị Hoa", 975_000, "decisions"), ("Lê Văn Tư", 1_300_000, "group")]);
    let rows = store.expected_payments("2026-04", "00004").await.unwrap();
    assert_eq!(rows.iter().map(|r| r.beneficiary_id.clone()).collect::<Vec<_>>(), [other.id.to_string()]);
    let list = store.decisions_of(&b.id.to_string()).await.unwrap();
    let kinds: Vec<(&str, &str)> = list.iter().map(|d| (d.kind.as_str(), d.from_period.as_str())).collect();
    assert_eq!(kinds, [("start", "2025-07"), ("start", "2026-02"), ("stop", "2026-04")]);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM change_log WHERE entity = 'benefit_decisions'").await, 3);
    assert_eq!(store.verify_changes().await.unwrap(), None);
}

#[tokio::test]
async fn a_move_is_a_stop_there_and_a_start_here_with_one_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.db")).await.unwrap();
    let b = person(&store, "Trần Văn Nam", "Nam", "001040000202", "00004").await;
    decide(&store, &b, "00004", "start", "cao_tuoi_ngheo_80", "05/01/2026", "").await;
    pay(&store, &b, "01/2026", "10/01/2026").await.unwrap();
    // A start in Ngọc Hà before Ba Đình's stop: refused, nothing written.
    let refs = store.refs().await.unwrap();
    let early = DecisionInput {
        beneficiary_id: b.id.to_string(),
        ward_code: "00008".into(),
        number: "7/QĐ-UBND".into(),
        decided_on: "05/03/2026".into(),
        kind: "start".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        from_month: "03/2026".into(),
        ..DecisionInput::default()
    };
    let d = decisions::decision(&early, &*refs, &refs.rules, today()).unwrap();
    assert_eq!(codes(store.add_decision(&d).await), vec![ErrorCode::DecisionNotMoved]);
    // The move: stopped in Ba Đình from 03/2026 (moved), started in Ngọc Hà from 03/2026.
    decide(&store, &b, "00004", "stop", "", "02/03/2026", "moved").await;
    let d = decisions::decision(&early, &*refs, &refs.rules, today()).unwrap();
    store.add_decision(&d).await.unwrap();
    let detail = store.beneficiary_detail(&b.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.ward_code, "00008", "the person now lives in Ngọc Hà");
    assert_eq!(pay(&store, &b, "03/2026", "10/03/2026").await.unwrap().amount_vnd, 1_300_000, "paid once, by Ngọc Hà");
    // One person, one history: both wards' payments and decisions on the same record.
    let detail = store.beneficiary_detail(&b.id.to_string()).await.unwrap();
    assert_eq!(detail.payments.len(), 2);
    let wards: Vec<String> =
        store.decisions_of(&b.id.to_string()).await.unwrap().into_iter().map(|d| d.ward_code).collect();
    assert_eq!(wards, ["00004", "00004", "00008"]);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM beneficiaries").await, 1);
    // The cycles' expected payments: Ba Đình's until February, Ngọc Hà's from March.
    let expected = |period: &'static str, ward: &'static str| {
        let store = &store;
        async move {
            store
                .expected_payments(period, ward)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.full_name, r.amount_vnd))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(expected("2026-02", "00004").await, [("Trần Văn Nam".to_string(), 1_300_000)]);
    assert_eq!(expected("2026-02", "00008").await, []);
    assert_eq!(expected("2026-03", "00004").await, []);
    assert_eq!(expected("2026-03", "00008").await, [("Trần Văn Nam".to_string(), 1_300_000)]);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM change_log WHERE entity = 'beneficiary' AND kind = 'update'").await,
        1,
        "the move is an update of the person, recorded"
    );
    assert_eq!(store.verify_changes().await.unwrap(), None);
}

#[tokio::test]
async fn a_person_without_an_account_carries_the_reason_and_the_day_confirmed() {
    use ansinh_core::declines::{self, AccountDeclineInput, DeclineReason};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("a.db")).await.unwrap();
    let b = person(&store, "Đỗ Thị Mến", "Nữ", "001140000404", "00004").await;
    for (reason, on, note) in
        [("no_smartphone", "03/02/2026", ""), ("other", "20/11/2026", "Con gái đi lĩnh hộ, muốn giữ tiền mặt")]
    {
        let input = AccountDeclineInput {
            beneficiary_id: b.id.to_string(),
            reason: reason.into(),
            confirmed_on: on.into(),
            note: note.into(),
        };
        store.add_account_decline(&declines::account_decline(&input, today()).unwrap()).await.unwrap();
    }
    let list = store.account_declines_of(&b.id.to_string()).await.unwrap();
    let got: Vec<(DeclineReason, &str)> = list.iter().map(|d| (d.reason, d.confirmed_on.as_str())).collect();
    assert_eq!(
        got,
        [(DeclineReason::Other, "2026-11-20"), (DeclineReason::NoSmartphone, "2026-02-03")],
        "newest first"
    );
    assert_eq!(list[0].note, "Con gái đi lĩnh hộ, muốn giữ tiền mặt");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM change_log WHERE entity = 'account_declines'").await, 2);
    // Someone not here: refused, nothing written.
    let stray = AccountDeclineInput {
        beneficiary_id: ansinh_core::records::new_id().to_string(),
        reason: "prefers_cash".into(),
        confirmed_on: "20/11/2026".into(),
        note: String::new(),
    };
    let r = store.add_account_decline(&declines::account_decline(&stray, today()).unwrap()).await;
    assert!(matches!(r, Err(StoreError::NotFound { entity: "beneficiary", .. })), "{r:?}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM account_declines").await, 2);
}
