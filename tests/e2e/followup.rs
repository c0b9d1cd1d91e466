//! Field workflows in the real window: the follow-up list (ranking, a contact recorded by
//! keyboard, XLSX export into the folder given in ANSINH_EXPORT_DIR), a contact "already
//! withdrawn" that records the withdrawal the time to cash counts, the money-left-uncollected
//! page, and a grievance opened, seen overdue, and resolved.

use crate::harness::{self, App};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::json;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn typed(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Registers a person through the app's own command and returns their id.
async fn person(app: &App, name: &str, birth: &str, sex: &str, id_number: &str, bedridden: bool) -> String {
    app.add_person(json!({
        "full_name": name, "birth_date": birth, "sex": sex, "id_number": id_number, "residential_group": "Tổ 3",
        "needs": { "bedridden": bedridden },
    }))
    .await
}

/// A cash payment of the person's entitlement, credited `days_ago` days ago.
async fn credited(app: &App, beneficiary_id: &str, days_ago: u64) {
    let on = today() - Days::new(days_ago);
    let input = json!({
        "beneficiary_id": beneficiary_id, "account_id": null, "period": format!("{:02}/{}", on.month(), on.year()),
        "amount": "", "status": "credited", "credited_on": typed(on), "failure_reason": "",
    });
    app.invoke("record_payment", json!({ "input": input })).await.expect("record_payment");
}

#[tokio::test]
async fn followup_list_ranks_records_a_contact_and_exports() {
    let exports = tempfile::tempdir().unwrap();
    let app = App::start_with_env("followup", &[("ANSINH_EXPORT_DIR", exports.path().to_str().unwrap())]).await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;

    // A younger person without needs waited longer; the bedridden 85-year-old comes first.
    let minh = person(&app, "Nguyễn Văn Minh", "1985", "male", "001085012346", false).await;
    let hong = person(
        &app,
        "Phạm Thị Hồng",
        &format!("{}", today().year() - 85),
        "female",
        &format!("0011{:02}012345", (today().year() - 85) % 100),
        true,
    )
    .await;
    credited(&app, &minh, 25).await;
    credited(&app, &hong, 20).await;
    let fresh = person(&app, "Lê Văn Tâm", "1950", "male", "001050012347", true).await;
    credited(&app, &fresh, 2).await; // not due yet at 7 days

    app.click("nav-followup").await;
    app.wait_text("followup-count", |t| t.trim() == "2", long).await;
    let first = app.wait_for_css("[data-testid=\"followup-row\"]", long).await;
    assert_eq!(
        first.attr("data-beneficiary").await.unwrap().as_deref(),
        Some(hong.as_str()),
        "bedridden and 85 ranks first"
    );
    assert!(app.text("followup-name").await.contains("Phạm Thị Hồng"));
    assert_eq!(app.text("followup-days-waiting").await.trim(), "20");
    assert_eq!(app.text("followup-last-contact").await.trim(), "—");

    // Record a contact for the first row: choices, a note, then Enter to save.
    app.click("record-contact").await;
    app.wait_for_css(&harness::testid_css("contact-form"), long).await;
    app.select("field-kind", "home_visit").await;
    assert_eq!(app.value("field-contacted_on").await, typed(today()), "the date starts as today");
    app.select("field-outcome", "home_delivery_arranged").await;
    app.type_into("field-note", "Bưu điện giao tiền tại nhà\u{E007}").await;
    let last = app.wait_text("followup-last-contact", |t| t.contains("Đã hẹn chi trả tại nhà"), long).await;
    assert!(last.contains(&typed(today())), "{last}");
    assert!(!app.exists("contact-form").await);
    app.screenshot("followup-list.png").await;

    // The contact is in the person's log too.
    let contacts =
        app.invoke("list_contacts", json!({ "query": { "beneficiary_id": hong } })).await.expect("list_contacts");
    assert_eq!(contacts[0]["note"], "Bưu điện giao tiền tại nhà");

    app.click("followup-export").await;
    app.wait_text("export-path", |t| t.contains(".xlsx"), long).await;
    let path = app.find("export-path").await.attr("data-path").await.unwrap().expect("data-path");
    let path = std::path::Path::new(&path);
    assert!(path.starts_with(exports.path()), "{} is in ANSINH_EXPORT_DIR", path.display());
    assert!(path.is_file() && std::fs::metadata(path).unwrap().len() > 0, "{} was written", path.display());
    app.close().await;
}

#[tokio::test]
async fn already_withdrawn_counts_and_money_left_uncollected_is_listed() {
    let app = App::start("uncollected").await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    let metrics = || async {
        app.invoke("metrics", json!({ "query": { "as_of": null, "by": [], "filter": {} } })).await.expect("metrics")
    };

    // Sáu: credited 20 days ago; she says she withdrew it 15 days ago.
    let sau = person(&app, "Hoàng Thị Sáu", "1944", "female", "001144012399", false).await;
    credited(&app, &sau, 20).await;
    // Cũ: credited 100 and 65 days ago, never withdrawn: money left uncollected.
    let cu = person(&app, "Trần Văn Cũ", "1936", "male", "001036012398", false).await;
    credited(&app, &cu, 100).await;
    credited(&app, &cu, 65).await; // 35 days apart: never the same month
    let before = metrics().await;

    app.click("nav-followup").await;
    app.wait_text("followup-count", |t| t.trim() == "3", long).await;
    let row = app
        .wait_for_css(
            &format!("[data-testid=\"followup-row\"][data-beneficiary=\"{sau}\"] [data-testid=\"record-contact\"]"),
            long,
        )
        .await;
    row.click().await.expect("click Sáu's record-contact");
    app.wait_for_css(&harness::testid_css("contact-form"), long).await;
    app.select("field-kind", "home_visit").await;
    app.select("field-outcome", "already_withdrawn").await;
    let received = typed(today() - Days::new(15));
    app.type_into("field-withdrawn_on", &received).await;
    app.type_into("field-note", "Bà đã rút ở xã").await;
    app.screenshot_office("followup-already-withdrawn-form.png").await;
    app.press("\u{E007}").await;
    let notice = app.wait_text("followup-notice", |t| t.contains("khoản rút"), long).await;
    assert!(notice.contains(&received), "{notice}");
    app.wait_text("followup-count", |t| t.trim() == "2", long).await;
    let after = metrics().await;
    assert_eq!(
        after["withdrawn"].as_u64().unwrap(),
        before["withdrawn"].as_u64().unwrap() + 1,
        "time to cash counts it"
    );
    let detail = app.invoke("get_beneficiary", json!({ "id": sau })).await.expect("get_beneficiary");
    assert_eq!(detail["payments"][0]["withdrawals"][0]["place"], "ward_office", "a cash payment's usual place");

    app.click("nav-uncollected").await;
    app.wait_text("uncollected-count", |t| t.trim() == "1", long).await;
    assert!(app.text("uncollected-name").await.contains("Trần Văn Cũ"));
    assert!(app.text("uncollected-last").await.contains("Chưa rút lần nào"));
    assert_eq!(app.text("uncollected-since").await.trim(), "2");
    assert!(app.text("uncollected-why").await.contains("dừng trợ cấp"));
    app.screenshot_office("uncollected.png").await;
    app.close().await;
}

#[tokio::test]
async fn a_grievance_is_opened_seen_overdue_and_resolved() {
    let app = App::start("grievance").await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    let id = person(&app, "Đỗ Thị Lan", "1944", "female", "001144012345", false).await;

    // Open it on the person's page, received 20 days ago: the 15-day deadline has passed.
    app.client().execute("location.hash = arguments[0]", vec![json!(format!("#/beneficiaries/{id}"))]).await.unwrap();
    app.wait_for_css(&harness::testid_css("open-grievance"), long).await;
    app.click("open-grievance").await;
    app.select("field-category", "not_received").await;
    app.select("field-channel", "phone").await;
    app.type_into("field-opened_on", &typed(today() - Days::new(20))).await;
    app.type_into("field-description", "Chưa nhận được tiền tháng này\u{E007}").await;
    app.wait_for_css("[data-testid=\"grievance-row\"][data-overdue=\"true\"]", long).await;

    app.click("nav-grievances").await;
    app.wait_text("grievance-count", |t| t.trim() == "1", long).await;
    assert!(app.text("grievance-overdue").await.contains("Quá hạn"));
    app.set_checked("grievance-filter-overdue", true).await;
    app.wait_for_css("[data-testid=\"grievance-row\"][data-overdue=\"true\"]", long).await;
    app.screenshot("grievance-overdue.png").await;

    // Resolving needs a note: first without, then with.
    app.click("grievance-update").await;
    app.select("field-status", "resolved").await;
    app.click("save").await;
    let err = app.wait_text("error-note", |t| !t.is_empty(), long).await;
    assert!(err.contains("Cần ghi kết quả"), "{err}");
    app.type_into("field-note", "Đã chuyển lại tiền qua bưu điện\u{E007}").await;
    // Resolved is never overdue: the overdue-only list empties.
    app.wait_for_css(&harness::testid_css("grievance-none"), long).await;
    app.set_checked("grievance-filter-overdue", false).await;
    app.wait_for_css("[data-testid=\"grievance-row\"][data-status=\"resolved\"][data-overdue=\"false\"]", long).await;
    assert!(app.text("grievance-resolution").await.contains("Đã chuyển lại tiền qua bưu điện"));
    let stored = app
        .invoke(
            "list_grievances",
            json!({ "query": { "status": "resolved", "overdue": false, "beneficiary_id": null } }),
        )
        .await
        .expect("list_grievances");
    assert_eq!(stored[0]["history"].as_array().unwrap().len(), 2, "opened, then resolved");
    app.close().await;
}
