//! A payer's payout report imported through its page in the real window (issue 15): the file
//! with Vietnamese headers picked, mapped automatically, checked, recorded as withdrawals, and
//! the same file again changing nothing.

use crate::harness::{App, TIMEOUT};
use crate::imports::pick_file;
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Cycle, Payment};
use ansinh_core::validate;
use ansinh_store::Batch;
use chrono::NaiveDate;
use std::path::Path;

/// Two people of ward 00004, each with a cash payment of 1.250.000 ₫ for 2026-10 credited on
/// 10/10/2026 (references GD-0001, GD-0002).
async fn credited_payments(db: &Path) -> Vec<Payment> {
    let store = crate::harness::open_store(db).await;
    let refs = store.refs().await.unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
    let mut batch = Batch { cycles: vec![Cycle { period: "2026-10".into(), scheduled_on: on }], ..Batch::default() };
    for (i, (name, id)) in [("Đặng Thị Hoa", "001141012345"), ("Ngô Văn Phúc", "001040054321")].into_iter().enumerate()
    {
        let input = BeneficiaryInput {
            full_name: name.into(),
            birth_date: if i == 0 { "05/03/1941".into() } else { "12/07/1940".into() },
            sex: if i == 0 { "Nữ".into() } else { "Nam".into() },
            id_number: id.into(),
            ward_code: "00004".into(),
            group_code: "cao_tuoi_ngheo_80".into(),
            ..BeneficiaryInput::default()
        };
        let b = validate::beneficiary(&input, &refs, today).unwrap();
        batch.payments.push(Payment {
            id: records::new_id(),
            period: "2026-10".into(),
            beneficiary_id: b.id,
            account_id: None,
            channel: Channel::Cash,
            amount_vnd: 1_250_000,
            status: PaymentStatus::Credited,
            scheduled_on: Some(on),
            credited_on: Some(on),
            failure_reason: String::new(),
            reference: Some(format!("GD-000{}", i + 1)),
            label: String::new(),
        });
        batch.beneficiaries.push(b);
    }
    store.insert_batch(&batch).await.unwrap();
    store.close().await;
    batch.payments
}

#[tokio::test]
async fn a_payers_report_is_imported_through_its_page_and_the_withdrawals_exist() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start("payouts-import").await;
    app.skip_demo_offer().await;
    let payments = credited_payments(app.db_path()).await;
    let file = dir.path().join("bao-cao-chi-tra.csv");
    std::fs::write(
        &file,
        "STT;Mã giao dịch;Số CCCD;Họ và tên;Ngày nhận;Số tiền;Nơi nhận;Thời gian chờ (phút)\n\
         1;GD-0001;;Đặng Thị Hoa;15/10/2026;1.250.000;Bưu điện Ba Đình;20\n\
         2;;001040054321;Ngô Văn Phúc;16/10/2026;500.000;Chi trả tại nhà;\n\
         3;GD-0002;;Ngô Văn Phúc;20/10/2026;750.000;Tại UBND;5\n",
    )
    .unwrap();

    app.click("nav-payouts").await;
    app.find("payout-page").await;
    app.select("payout-cycle", "2026-10").await;
    app.type_into("payout-payer", "Bưu điện Ba Đình").await;
    app.set_checked("payout-complete", true).await;
    app.type_into("payout-complete-to", "31/10/2026").await;
    pick_file(&app, "payout", &file).await;
    app.find("payout-mapping").await;
    assert_eq!(app.value("payout-map-1").await, "reference", "the payer's headers matched automatically");
    assert_eq!(app.value("payout-map-6").await, "place");
    app.click("payout-check").await;
    app.wait_text("payout-totals", |t| t.contains("Lần rút mới: 3"), TIMEOUT).await;
    assert!(app.text("payout-row-3").await.contains("Chi trả tại nhà"));
    let shot = app.screenshot_office("payouts-preview.png").await;
    eprintln!("e2e: payout preview at 1366x768: {}", shot.display());

    app.click_when_ready("payout-apply", TIMEOUT).await;
    app.wait_text("payout-result", |t| t.contains("3 lần rút tiền mới"), TIMEOUT).await;
    app.find("payout-recorded").await;
    let shot = app.screenshot_office("payouts-result.png").await;
    eprintln!("e2e: payout result at 1366x768: {}", shot.display());

    let mut places = Vec::new();
    for p in &payments {
        let detail =
            app.invoke("get_beneficiary", serde_json::json!({ "id": p.beneficiary_id.to_string() })).await.unwrap();
        let ws = detail["payments"][0]["withdrawals"].as_array().unwrap().clone();
        let total: i64 = ws.iter().map(|w| w["amount_vnd"].as_i64().unwrap()).sum();
        assert_eq!(total, 1_250_000, "{detail}");
        places.extend(ws.iter().map(|w| w["place"].as_str().unwrap().to_string()));
    }
    places.sort();
    assert_eq!(places, ["home_delivery", "post_office", "ward_office"]);
    let reports = app.invoke("list_payout_reports", serde_json::json!({ "period": "10/2026" })).await.unwrap();
    assert_eq!(reports[0]["complete_to"], "2026-10-31");

    // The same file again: every row already recorded, nothing written.
    app.click("payout-check").await;
    app.wait_text("payout-totals", |t| t.contains("Đã có (giữ nguyên): 3"), TIMEOUT).await;
    app.close().await;
}
