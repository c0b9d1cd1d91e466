//! Reconciling a cycle with the bank's / post office's result file on temporary databases:
//! all-or-nothing (duplicates, amounts, unknown references rejected whole, row named),
//! closed cycles untouched, reasons kept, idempotent re-apply, change records written.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::model::{Channel, PaymentStatus, WithdrawalPlace};
use ansinh_core::records::{self, Cycle, Payment, Withdrawal};
use ansinh_files::import::{apply_import, auto_mapping};
use ansinh_files::reconcile::{parse_status, reconcile};
use ansinh_files::table::{Table, read_bytes};
use ansinh_store::{Batch, Store};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const AMOUNT: i64 = 500_000;

/// Three people with a scheduled payment each in 2026-10: references REF-A, REF-B, none (C).
async fn fixture(dir: &tempfile::TempDir) -> (Store, Vec<Payment>) {
    let s = Store::open(&dir.path().join("t.db")).await.unwrap();
    let list = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng\n\
                Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n\
                Trần Thị Bình,1950,Nữ,001150001234,00004,cao_tuoi_ngheo_80\n\
                Lê Văn Cường,1945,Nam,001045099999,00004,cao_tuoi_ngheo_80\n";
    let t = read_bytes("l.csv", list.as_bytes()).unwrap();
    apply_import(&s, &t, &auto_mapping(&t.headers), None, d("2026-11-26")).await.unwrap();
    let mut people = s.all_beneficiaries().await.unwrap();
    people.sort_by(|a, b| a.id_number.cmp(&b.id_number));
    // 001041… An, 001045… Cường, 001150… Bình
    let refs = [Some("REF-A"), None, Some("REF-B")];
    let payments: Vec<Payment> = people
        .iter()
        .zip(refs)
        .map(|(b, r)| Payment {
            id: records::new_id(),
            period: "2026-10".into(),
            beneficiary_id: b.id.parse().unwrap(),
            account_id: None,
            channel: Channel::Cash,
            amount_vnd: AMOUNT,
            status: PaymentStatus::Scheduled,
            scheduled_on: Some(d("2026-10-10")),
            credited_on: None,
            failure_reason: String::new(),
            reference: r.map(String::from),
            label: String::new(),
        })
        .collect();
    let cycles = vec![Cycle { period: "2026-10".into(), scheduled_on: d("2026-10-10") }];
    s.insert_batch(&Batch { cycles, payments: payments.clone(), ..Batch::default() }).await.unwrap();
    (s, payments)
}

fn file(body: &str) -> Table {
    read_bytes("ket-qua.csv", format!("Mã giao dịch;Số CCCD;Số tiền;Trạng thái;Ngày ghi có;Lý do\n{body}").as_bytes())
        .unwrap()
}

async fn status_of(s: &Store, p: &Payment) -> (PaymentStatus, Option<String>, String) {
    let detail = s.beneficiary_detail(&p.beneficiary_id.to_string()).await.unwrap();
    let v = detail.payments.into_iter().find(|x| x.id == p.id.to_string()).unwrap();
    (v.status, v.credited_on, v.failure_reason)
}

fn errors(e: AppError) -> Vec<(Option<usize>, String, ErrorCode)> {
    let AppError::Validation(errs) = e else { panic!("validation expected, got {e:?}") };
    errs.into_iter().map(|e| (e.row, e.field.unwrap_or_default(), e.code)).collect()
}

const GOOD: &str = "REF-A;;500.000;Thành công;12/10/2026;\n\
                    ;001045099999;500000;thất bại;;Sai số tài khoản\n\
                    REF-B;;500.000;credited;11/10/2026;\n";

#[test]
fn vietnamese_and_english_result_words() {
    assert_eq!(parse_status("Thành công"), Some(PaymentStatus::Credited));
    assert_eq!(parse_status("THẤT BẠI"), Some(PaymentStatus::Failed));
    assert_eq!(parse_status("hoàn trả"), Some(PaymentStatus::Reversed));
    assert_eq!(parse_status("reversed"), Some(PaymentStatus::Reversed));
    assert_eq!(parse_status("đang xử lý"), None);
}

#[tokio::test]
async fn a_good_file_updates_every_payment_with_change_records_and_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let dry = reconcile(&s, &file(GOOD), "10/2026", true).await.unwrap();
    assert_eq!((dry.credited, dry.failed, dry.unchanged, dry.applied), (2, 1, 0, false));
    assert_eq!(status_of(&s, &p[0]).await.0, PaymentStatus::Scheduled, "a dry run writes nothing");

    let r = reconcile(&s, &file(GOOD), "10/2026", false).await.unwrap();
    assert_eq!((r.rows, r.credited, r.failed, r.reversed, r.unchanged, r.applied), (3, 2, 1, 0, 0, true));
    assert_eq!(status_of(&s, &p[0]).await, (PaymentStatus::Credited, Some("2026-10-12".into()), String::new()));
    assert_eq!(status_of(&s, &p[1]).await, (PaymentStatus::Failed, None, "Sai số tài khoản".into()));

    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", s.path().display())).await.unwrap();
    let updates: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE entity = 'payment' AND kind = 'update'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(updates, 3);

    let again = reconcile(&s, &file(GOOD), "10/2026", false).await.unwrap();
    assert_eq!((again.credited, again.failed, again.unchanged), (0, 0, 3), "applied twice: nothing changes");
    let after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'update'").fetch_one(&mut conn).await.unwrap();
    assert_eq!(after, 3, "no change record the second time");
    assert_eq!(s.verify_changes().await.unwrap(), None);
}

use sqlx::Connection;

#[tokio::test]
async fn duplicate_references_are_rejected_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    // Row 4 names REF-A again; row 3 names the same payment by its own id: both refused.
    let body = format!(
        "REF-A;;500.000;Thành công;12/10/2026;\n{};;500.000;Thành công;12/10/2026;\nREF-A;;500.000;Thành công;12/10/2026;\n",
        p[0].id
    );
    let e = errors(reconcile(&s, &file(&body), "10/2026", false).await.unwrap_err());
    assert_eq!(
        e,
        vec![
            (Some(3), "reference".into(), ErrorCode::ReconcileDuplicate),
            (Some(4), "reference".into(), ErrorCode::ReconcileDuplicate)
        ]
    );
    assert_eq!(status_of(&s, &p[0]).await.0, PaymentStatus::Scheduled, "nothing written");
}

#[tokio::test]
async fn a_conflicting_amount_rejects_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let body = "REF-A;;500.000;Thành công;12/10/2026;\nREF-B;;600.000;Thành công;12/10/2026;\n";
    let err = reconcile(&s, &file(body), "10/2026", false).await.unwrap_err();
    let AppError::Validation(errs) = &err else { panic!() };
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].row, errs[0].code), (Some(3), ErrorCode::ReconcileAmountMismatch));
    assert_eq!(errs[0].params["expected"], "500.000 ₫");
    assert_eq!(status_of(&s, &p[0]).await.0, PaymentStatus::Scheduled, "the good row was not applied");
}

#[tokio::test]
async fn unknown_references_and_people_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = fixture(&dir).await;
    let body = "REF-Z;;500.000;Thành công;12/10/2026;\n;001099000001;500.000;Thành công;12/10/2026;\n";
    let e = errors(reconcile(&s, &file(body), "10/2026", false).await.unwrap_err());
    assert_eq!(
        e,
        vec![
            (Some(2), "reference".into(), ErrorCode::ReconcileUnknownReference),
            (Some(3), "id_number".into(), ErrorCode::ReconcileUnknownPerson)
        ]
    );
    // A cycle that does not exist at all.
    assert_eq!(reconcile(&s, &file(GOOD), "09/2026", false).await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_closed_cycle_cannot_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let c = s.close_cycle("2026-10").await.unwrap();
    assert!(c.closed_at.is_some());
    assert_eq!(c.payments, 3);
    assert_eq!(s.close_cycle("2026-10").await.unwrap_err().to_string(), "invalid input");
    let err = reconcile(&s, &file(GOOD), "10/2026", false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::CycleClosed);
    assert_eq!(status_of(&s, &p[0]).await.0, PaymentStatus::Scheduled);
    assert!(s.list_cycles().await.unwrap()[0].closed_at.is_some());
}

#[tokio::test]
async fn failures_and_reversals_need_and_keep_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let no_reason = "REF-A;;500.000;thất bại;;\n";
    let e = errors(reconcile(&s, &file(no_reason), "10/2026", false).await.unwrap_err());
    assert_eq!(e, vec![(Some(2), "failure_reason".into(), ErrorCode::FailureReasonRequired)]);

    reconcile(&s, &file("REF-A;;500.000;Thành công;12/10/2026;\n"), "10/2026", false).await.unwrap();
    let reversal = "REF-A;;500.000;Hoàn trả;;Tài khoản bị khóa\n";
    let r = reconcile(&s, &file(reversal), "10/2026", false).await.unwrap();
    assert_eq!(r.reversed, 1);
    assert_eq!(
        status_of(&s, &p[0]).await,
        (PaymentStatus::Reversed, Some("2026-10-12".into()), "Tài khoản bị khóa".into()),
        "the reversal keeps its reason and the credit date"
    );
}

#[tokio::test]
async fn a_payment_already_withdrawn_cannot_be_reversed() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    reconcile(&s, &file("REF-B;;500.000;Thành công;11/10/2026;\n"), "10/2026", false).await.unwrap();
    let w = Withdrawal {
        id: records::new_id(),
        payment_id: p[2].id,
        withdrawn_on: d("2026-10-12"),
        amount_vnd: 200_000,
        place: WithdrawalPlace::Atm,
        travel_minutes: None,
        travel_cost_vnd: None,
        waiting_minutes: None,
        assisted: false,
        problems: vec![],
    };
    s.add_withdrawal(&w).await.unwrap();
    let e = errors(reconcile(&s, &file("REF-B;;500.000;hoàn trả;;Trả lại\n"), "10/2026", false).await.unwrap_err());
    assert_eq!(e, vec![(Some(2), "status".into(), ErrorCode::PaymentHasWithdrawals)]);
    assert_eq!(status_of(&s, &p[2]).await.0, PaymentStatus::Credited);
}

#[tokio::test]
async fn bad_cells_are_reported_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = fixture(&dir).await;
    // Bad cells in rows 2 and 3, and an unknown reference in row 4: all reported at once.
    let body =
        "REF-A;;abc;Thành công;12/10/2026;\nREF-B;;500.000;đang xử lý;;\nREF-Z;;500.000;Thành công;12/10/2026;\n";
    let e = errors(reconcile(&s, &file(body), "10/2026", false).await.unwrap_err());
    assert_eq!(
        e,
        vec![
            (Some(2), "amount".into(), ErrorCode::AmountInvalid),
            (Some(3), "status".into(), ErrorCode::StatusInvalid),
            (Some(4), "reference".into(), ErrorCode::ReconcileUnknownReference)
        ]
    );
}
