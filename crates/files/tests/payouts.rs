//! A payer's payout report imported on temporary databases (issue 15): Vietnamese headers and
//! places, all-or-nothing with row and column named, idempotent (as a multiset), partial
//! withdrawals summed, the typed form's rules, the officer's ward, the report row recorded.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Cycle, Payment};
use ansinh_files::import::{apply_import, auto_mapping as people_mapping};
use ansinh_files::payouts::{PayoutOptions, apply_payouts, auto_mapping, parse_place, preview_payouts};
use ansinh_files::table::{Table, read_bytes};
use ansinh_store::{Batch, PayoutReport, Store};
use chrono::NaiveDate;
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-26")
}

const AMOUNT: i64 = 1_250_000;

/// Four people paid in 2026-10: An (REF-A) and Bình (REF-B) of ward 00004 credited on
/// 05/10/2026, Cường (00004, no reference) credited, Dung (ward 00008, REF-D) credited, and
/// Em (00004, REF-E) only scheduled.
async fn fixture(dir: &tempfile::TempDir) -> (Store, Vec<Payment>) {
    let s = Store::open(&dir.path().join("t.db")).await.unwrap();
    DB.with(|db| *db.borrow_mut() = dir.path().join("t.db"));
    // Cường has someone authorised: a proxy row needs one (the form's rule).
    let list = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng,Người được ủy quyền\n\
                Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80,\n\
                Trần Thị Bình,1950,Nữ,001150001234,00004,cao_tuoi_ngheo_80,\n\
                Lê Văn Cường,1945,Nam,001045099999,00004,cao_tuoi_ngheo_80,Lê Thị Hoa\n\
                Phạm Thị Dung,1946,Nữ,001146000111,00008,cao_tuoi_ngheo_80,\n\
                Hoàng Văn Em,1944,Nam,001044000222,00004,cao_tuoi_ngheo_80,\n";
    let t = read_bytes("l.csv", list.as_bytes()).unwrap();
    apply_import(&s, &t, &people_mapping(&t.headers), None, today()).await.unwrap();
    let mut people = s.all_beneficiaries().await.unwrap();
    people.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    let by = |name: &str| people.iter().find(|p| p.full_name == name).unwrap().id.parse().unwrap();
    let pay = |name: &str, r: Option<&str>, credited: bool| Payment {
        id: records::new_id(),
        period: "2026-10".into(),
        beneficiary_id: by(name),
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: AMOUNT,
        status: if credited { PaymentStatus::Credited } else { PaymentStatus::Scheduled },
        scheduled_on: Some(d("2026-10-05")),
        credited_on: credited.then(|| d("2026-10-05")),
        failure_reason: String::new(),
        reference: r.map(String::from),
        label: String::new(),
    };
    let payments = vec![
        pay("Nguyễn Văn An", Some("REF-A"), true),
        pay("Trần Thị Bình", Some("REF-B"), true),
        pay("Lê Văn Cường", None, true),
        pay("Phạm Thị Dung", Some("REF-D"), true),
        pay("Hoàng Văn Em", Some("REF-E"), false),
    ];
    let cycles = vec![Cycle { period: "2026-10".into(), scheduled_on: d("2026-10-05") }];
    s.insert_batch(&Batch { cycles, payments: payments.clone(), ..Batch::default() }).await.unwrap();
    (s, payments)
}

const HEAD: &str = "STT;Mã giao dịch;Số CCCD;Họ và tên;Ngày nhận;Số tiền;Nơi nhận;Thời gian chờ (phút)\n";

fn file(body: &str) -> (Table, Vec<u8>) {
    let bytes = format!("{HEAD}{body}").into_bytes();
    (read_bytes("chi-tra.csv", &bytes).unwrap(), bytes)
}

fn options() -> PayoutOptions {
    PayoutOptions { period: "10/2026".into(), payer: "Bưu điện Ba Đình".into(), ..PayoutOptions::default() }
}

async fn apply(s: &Store, body: &str, o: &PayoutOptions, ward: Option<&str>) -> Result<PayoutReport, AppError> {
    let (t, bytes) = file(body);
    apply_payouts(s, &t, &bytes, "chi-tra.csv", &auto_mapping(&t.headers), o, ward, today(), false).await
}

fn errors(e: AppError) -> Vec<(Option<usize>, String, ErrorCode, Option<String>)> {
    let AppError::Validation(errs) = e else { panic!("validation expected, got {e:?}") };
    errs.into_iter().map(|e| (e.row, e.field.unwrap_or_default(), e.code, e.params.get("column").cloned())).collect()
}

thread_local! {
    static DB: std::cell::RefCell<std::path::PathBuf> = Default::default();
}

/// A plain connection to the test's database file.
async fn raw() -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let path = DB.with(|db| db.borrow().clone());
    sqlx::SqliteConnection::connect_with(&sqlx::sqlite::SqliteConnectOptions::new().filename(path)).await.unwrap()
}

async fn withdrawals(_s: &Store) -> Vec<(String, String, i64, String, bool)> {
    let mut c = raw().await;
    sqlx::query("SELECT payment_id, withdrawn_on, amount_vnd, place, assisted FROM withdrawals ORDER BY payment_id, withdrawn_on, amount_vnd")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get::<i64, _>(4) == 1))
        .collect()
}

async fn count(_s: &Store, table: &str) -> i64 {
    let mut c = raw().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(&mut c).await.unwrap()
}

const GOOD: &str = "1;REF-A;;Nguyễn Văn An;12/10/2026;1.250.000;Bưu điện Ba Đình;15\n\
                    2;;001045099999;Lê Văn Cường;13/10/2026;500.000;Người nhận thay;\n\
                    3;;001045099999;Lê Văn Cường;20/10/2026;750.000;Chi trả tại nhà;\n\
                    4;REF-B;;Trần Thị Bình;14/10/2026;1.000.000;Tại quầy;\n";

#[test]
fn vietnamese_and_english_headers_and_places() {
    let headers: Vec<String> =
        ["Mã giao dịch", "SỐ CCCD", "Ngày nhận tiền", "Số tiền", "Nơi nhận:", "Thời gian chờ (phút)", "Ghi chú"]
            .map(String::from)
            .to_vec();
    let m = auto_mapping(&headers);
    let want = [
        Some("reference"),
        Some("id_number"),
        Some("withdrawn_on"),
        Some("amount"),
        Some("place"),
        Some("waiting_minutes"),
        None,
    ];
    assert_eq!(m, want.map(|f| f.map(String::from)).to_vec());
    let english: Vec<String> =
        ["Payment reference", "Date received", "Amount paid", "Received by"].map(String::from).to_vec();
    assert_eq!(
        auto_mapping(&english),
        ["reference", "withdrawn_on", "amount", "place"].map(|f| Some(f.to_string())).to_vec()
    );
    for (words, code, assisted) in [
        ("Bưu điện Hoàn Kiếm", "post_office", false),
        ("ATM", "atm", false),
        ("Quầy ngân hàng", "bank_counter", false),
        ("Tại quầy", "bank_counter", false),
        ("Đại lý", "agent", false),
        ("Chi trả tại nhà", "home_delivery", false),
        ("Người nhận thay", "proxy", true),
        ("Ủy quyền", "proxy", true),
        ("Tại UBND", "ward_office", false),
        ("Trụ sở", "ward_office", false),
        ("post_office", "post_office", false),
        ("chợ", "chợ", false),
    ] {
        assert_eq!(parse_place(words), (code.to_string(), assisted), "{words}");
    }
}

#[tokio::test]
async fn a_report_with_vietnamese_headers_imports_and_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let r = apply(&s, GOOD, &options(), Some("00004")).await.unwrap();
    assert_eq!((r.rows, r.new_withdrawals, r.already_had, r.new_amount_vnd), (4, 4, 0, 3_500_000));
    assert!(r.report_recorded && r.applied);
    let w = withdrawals(&s).await;
    assert_eq!(w.len(), 4);
    let cuong = p[2].id.to_string();
    // Partial withdrawals of one payment: both rows, summing to the payment.
    let of_c: Vec<_> = w.iter().filter(|x| x.0 == cuong).collect();
    assert_eq!(of_c.iter().map(|x| x.2).sum::<i64>(), AMOUNT);
    assert!(of_c.iter().any(|x| x.3 == "proxy" && x.4), "a proxy is assisted: {of_c:?}");
    assert!(w.iter().any(|x| x.0 == p[0].id.to_string() && x.1 == "2026-10-12" && x.3 == "post_office"));
    let changes = count(&s, "change_log").await;
    assert_eq!(count(&s, "payout_reports").await, 1);

    // The same file again: nothing at all.
    let again = apply(&s, GOOD, &options(), Some("00004")).await.unwrap();
    assert_eq!((again.new_withdrawals, again.already_had, again.report_recorded), (0, 4, false));
    assert_eq!(count(&s, "change_log").await, changes);
    assert_eq!(count(&s, "payout_reports").await, 1);
    assert_eq!(withdrawals(&s).await, w);

    // The preview says so row by row.
    let (t, bytes) = file(GOOD);
    let pv =
        preview_payouts(&s, &t, &bytes, "chi-tra.csv", &auto_mapping(&t.headers), &options(), Some("00004"), today())
            .await
            .unwrap();
    assert_eq!((pv.rows, pv.new_withdrawals, pv.already_had, pv.error_rows), (4, 0, 4, 0));
    assert!(pv.preview.iter().all(|r| r.outcome == "had"));

    // The same rows declared complete later: the report is recorded again, no withdrawal.
    let later = PayoutOptions { complete_to: "31/10/2026".into(), ..options() };
    let r = apply(&s, GOOD, &later, Some("00004")).await.unwrap();
    assert_eq!((r.new_withdrawals, r.report_recorded), (0, true));
    let reports = s.payout_reports("2026-10", Some("00004")).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].complete_to.as_deref(), Some("2026-10-31"));
    assert_eq!(reports[0].payer, "Bưu điện Ba Đình");
    assert_eq!(reports[0].ward_code.as_deref(), Some("00004"));
    assert_eq!(reports[0].file_hash.len(), 64);
    assert_eq!((reports[1].rows, reports[1].withdrawals), (4, 4));
}

#[tokio::test]
async fn equal_partial_rows_need_as_many_withdrawals_to_count_as_had() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = fixture(&dir).await;
    let one = "1;REF-A;;An;12/10/2026;500.000;ATM;\n";
    apply(&s, one, &options(), None).await.unwrap();
    // Two equal rows: one is had, the other is a second withdrawal.
    let two = "1;REF-A;;An;12/10/2026;500.000;ATM;\n2;REF-A;;An;12/10/2026;500.000;ATM;\n";
    let r = apply(&s, two, &options(), None).await.unwrap();
    assert_eq!((r.new_withdrawals, r.already_had), (1, 1));
    assert_eq!(withdrawals(&s).await.len(), 2);
    // A third equal row would be 1.500.000 in all: more than the payment.
    let three = format!("{two}3;REF-A;;An;12/10/2026;500.000;ATM;\n");
    let e = errors(apply(&s, &three, &options(), None).await.unwrap_err());
    assert_eq!(e, vec![(Some(4), "amount".into(), ErrorCode::AmountExceedsPayment, Some("Số tiền".into()))]);
}

#[tokio::test]
async fn a_bad_row_writes_nothing_and_every_error_names_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let before = count(&s, "change_log").await;
    let body = "1;REF-A;;An;12/10/2026;1.250.000;Bưu điện;\n\
                2;REF-X;;X;12/10/2026;100.000;ATM;\n\
                3;REF-B;;Bình;01/10/2026;100.000;ATM;\n\
                4;REF-B;;Bình;12/10/2026;1.000.000;ATM;\n\
                5;REF-B;;Bình;13/10/2026;300.000;ATM;\n\
                6;REF-E;;Em;12/10/2026;100.000;ATM;\n\
                7;REF-A;;An;12/12/2026;100;Chợ;\n\
                8;;;Không tên;12/10/2026;100;ATM;\n";
    let e = errors(apply(&s, body, &options(), None).await.unwrap_err());
    let col = |c: &str| Some(c.to_string());
    assert_eq!(
        e,
        vec![
            (Some(3), "reference".into(), ErrorCode::ReconcileUnknownReference, col("Mã giao dịch")),
            (Some(4), "withdrawn_on".into(), ErrorCode::DateBeforeCredit, col("Ngày nhận")),
            // Rows 5 and 6 of the same payment sum past it: the second is refused.
            (Some(6), "amount".into(), ErrorCode::AmountExceedsPayment, col("Số tiền")),
            (Some(7), "payment_id".into(), ErrorCode::PaymentNotCredited, col("Mã giao dịch")),
            (Some(8), "withdrawn_on".into(), ErrorCode::DateFuture, col("Ngày nhận")),
            (Some(8), "place".into(), ErrorCode::PlaceInvalid, col("Nơi nhận")),
            (Some(9), "reference".into(), ErrorCode::Required, col("Mã giao dịch")),
        ]
    );
    assert_eq!(count(&s, "change_log").await, before, "nothing written");
    assert_eq!(count(&s, "withdrawals").await, 0);
    assert_eq!(count(&s, "payout_reports").await, 0);
    let _ = p;
}

#[tokio::test]
async fn an_officer_cannot_touch_another_wards_payment() {
    let dir = tempfile::tempdir().unwrap();
    let (s, p) = fixture(&dir).await;
    let body = "1;REF-D;;Dung;12/10/2026;100.000;ATM;\n";
    let e = errors(apply(&s, body, &options(), Some("00004")).await.unwrap_err());
    assert_eq!(e[0].2, ErrorCode::ReconcileUnknownReference);
    // By its payment id or ID number neither.
    let body = format!("1;{};;Dung;12/10/2026;100.000;ATM;\n2;;001146000111;Dung;12/10/2026;100.000;ATM;\n", p[3].id);
    let e = errors(apply(&s, &body, &options(), Some("00004")).await.unwrap_err());
    assert_eq!(
        e.iter().map(|x| x.2).collect::<Vec<_>>(),
        [ErrorCode::ReconcileUnknownReference, ErrorCode::ReconcileUnknownPerson]
    );
    assert_eq!(count(&s, "withdrawals").await, 0);
    // The city (no ward) can.
    apply(&s, "1;REF-D;;Dung;12/10/2026;100.000;ATM;\n", &options(), None).await.unwrap();
    assert_eq!(count(&s, "withdrawals").await, 1);
}

#[tokio::test]
async fn complete_to_is_recorded_and_must_cover_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = fixture(&dir).await;
    let body = "1;REF-A;;An;12/10/2026;1.250.000;ATM;\n2;REF-B;;Bình;20/10/2026;1.250.000;ATM;\n";
    let early = PayoutOptions { complete_to: "15/10/2026".into(), ..options() };
    let e = errors(apply(&s, body, &early, None).await.unwrap_err());
    assert_eq!(e, vec![(None, "complete_to".into(), ErrorCode::PayoutCompleteBeforeRows, None)]);
    let future = PayoutOptions { complete_to: "01/12/2026".into(), ..options() };
    assert_eq!(errors(apply(&s, body, &future, None).await.unwrap_err())[0].2, ErrorCode::DateFuture);
    let ok = PayoutOptions { complete_to: "31/10/2026".into(), channel: "cash".into(), ..options() };
    apply(&s, body, &ok, None).await.unwrap();
    let r = &s.payout_reports("2026-10", None).await.unwrap()[0];
    assert_eq!(
        (r.complete_to.as_deref(), r.channel.as_deref(), r.ward_code.as_deref()),
        (Some("2026-10-31"), Some("cash"), None)
    );
}

#[tokio::test]
async fn without_an_amount_column_each_row_is_the_whole_remainder() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = fixture(&dir).await;
    let bytes = "Số tham chiếu,Ngày chi trả,Hình thức nhận\nREF-A,12/10/2026,Bưu điện\n".as_bytes();
    let t = read_bytes("bd.csv", bytes).unwrap();
    let m = auto_mapping(&t.headers);
    let r = apply_payouts(&s, &t, bytes, "bd.csv", &m, &options(), None, today(), false).await.unwrap();
    assert_eq!((r.new_withdrawals, r.new_amount_vnd), (1, AMOUNT));
    let r = apply_payouts(&s, &t, bytes, "bd.csv", &m, &options(), None, today(), false).await.unwrap();
    assert_eq!((r.new_withdrawals, r.already_had), (0, 1));
}
