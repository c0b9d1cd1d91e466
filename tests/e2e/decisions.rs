//! Benefit decisions in the real window (issue 16): on a person's page, a start decision sets
//! what the cycle pays, a stop (death) ends it; both listed, and the amount on the page follows.
//! Also the confirmation of a person who registers no account, with its reason.

use crate::harness::{self, App};
use chrono::Datelike;
use serde_json::json;

#[tokio::test]
async fn decisions_recorded_on_the_person_page_set_and_end_the_amount() {
    let app = App::start("decisions").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    let id = app
        .add_person(json!({
            "full_name": "Phạm Văn Hùng", "birth_date": "12/04/1950", "sex": "male", "id_number": "001050012345",
            "residential_group": "Tổ 2", "group_code": "cao_tuoi_ngheo_60_80",
        }))
        .await;
    app.client().execute("location.hash = arguments[0]", vec![json!(format!("#/beneficiaries/{id}"))]).await.unwrap();
    app.wait_for_css(&harness::testid_css("decision-none"), long).await;
    // No decision kept yet: the group registered gives the amount (Hà Nội 650.000 ₫ × 1,5).
    app.wait_text("detail-entitlement", |t| t.contains("975.000"), long).await;

    // He keeps taking cash: his confirmation and its specific reason, dated (Hà Nội, 01/2024).
    app.click("open-decline").await;
    app.find("decline-form").await;
    app.select("field-reason", "no_smartphone").await;
    app.click("save").await;
    app.wait_text("decline-row", |t| t.contains("Không có điện thoại thông minh"), long).await;

    // The chair's decision: a particularly severe disability, from this month.
    app.click("open-decision").await;
    app.find("decision-form").await;
    app.type_into("field-number", "125/QĐ-UBND").await;
    app.select("field-group_code", "khuyet_tat_dac_biet_nang").await;
    app.click("save").await;
    app.wait_text("decision-notice", |t| t.contains("125/QĐ-UBND"), long).await;
    app.wait_text("detail-entitlement", |t| t.contains("1.300.000"), long).await; // 650.000 × 2,0
    let shot = app.screenshot_office("decision-start.png").await;
    eprintln!("e2e: a decision on the person page at 1366x768: {}", shot.display());

    // A stop without its reason is refused on the field; with it, nothing more is paid.
    app.click("open-decision").await;
    app.select("field-kind", "stop").await;
    app.type_into("field-number", "140/QĐ-UBND").await;
    app.click("save").await;
    app.wait_text("error-reason", |t| !t.is_empty(), long).await;
    app.select("field-reason", "death").await;
    app.click("save").await;
    app.wait_text("decision-notice", |t| t.contains("140/QĐ-UBND"), long).await;
    app.wait_text("detail-entitlement", |t| !t.contains("1.300.000"), long).await;
    let rows = app.client().find_all(fantoccini::Locator::Css(&harness::testid_css("decision-row"))).await.unwrap();
    assert_eq!(rows.len(), 2);

    // Rust refuses this month's payment with the amount left to it: no benefit is in force.
    let now = chrono::Local::now().date_naive();
    let payment = json!({
        "beneficiary_id": id, "account_id": null, "period": format!("{:02}/{}", now.month(), now.year()),
        "amount": "", "status": "credited", "credited_on": now.format("%d/%m/%Y").to_string(), "failure_reason": "",
    });
    let refused = app.invoke("record_payment", json!({ "input": payment })).await.unwrap_err();
    assert!(refused.to_string().contains("decision.none_in_force"), "{refused}");
    app.close().await;
}
