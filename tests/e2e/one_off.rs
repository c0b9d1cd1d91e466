//! A one-off payment in the real window (issue 16): on a person's page, a Tết gift recorded
//! beside the month's allowance into the account linked to VNeID; the form asks for its label
//! and amount, the page lists it with its label, and its cash in hand counts on the dashboard.

use crate::harness::{self, App};
use chrono::{Datelike, Days};
use serde_json::{Value, json};

fn typed(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[tokio::test]
async fn a_tet_gift_beside_the_month_is_recorded_and_tracked_to_cash() {
    let app = App::start("one-off").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    let credited = chrono::Local::now().date_naive() - Days::new(12);
    let period = format!("{:02}/{}", credited.month(), credited.year());
    let id = app
        .add_person(json!({
            "full_name": "Lê Thị Mai", "birth_date": "02/02/1940", "sex": "female", "id_number": "001140012399",
            "residential_group": "Tổ 5", "needs": { "lives_alone": true },
        }))
        .await;
    let account = json!({
        "beneficiary_id": id, "channel": "bank", "provider_code": "970436", "account_number": "0011004455667",
        "requested_on": typed(credited - Days::new(30)), "opened_on": typed(credited - Days::new(28)),
        "assisted": false, "vneid_linked": true,
    });
    app.invoke("open_account", json!({ "input": account })).await.expect("open_account");
    let month = json!({
        "beneficiary_id": id, "account_id": null, "period": period, "amount": "", "status": "credited",
        "credited_on": typed(credited), "failure_reason": "", "one_off": false, "label": "",
    });
    app.invoke("record_payment", json!({ "input": month })).await.expect("the month's payment");

    app.client().execute("location.hash = arguments[0]", vec![json!(format!("#/beneficiaries/{id}"))]).await.unwrap();
    app.wait_text("account-vneid-linked", |t| t.contains("VNeID"), long).await;

    // The gift by the form: one-off, its label, and first without its amount (refused).
    app.click("record-payment").await;
    app.select("field-one_off", "true").await;
    app.type_into("field-label", "Quà Tết 2026").await;
    app.type_into("field-period", &period).await;
    app.type_into("field-credited_on", &typed(credited + Days::new(2))).await;
    app.click("save").await;
    let err = app.wait_text("error-amount", |t| !t.is_empty(), long).await;
    assert!(err.contains("số tiền"), "the missing amount is named: {err}");
    app.type_into("field-amount", "400.000").await;
    let shot = app.screenshot_office("one-off-form.png").await;
    eprintln!("e2e: the one-off payment form at 1366x768: {}", shot.display());
    app.click("save").await;
    app.wait_text("payment-label", |t| t.contains("Quà Tết 2026"), long).await;
    let rows = app.client().find_all(fantoccini::Locator::Css(&harness::testid_css("payment-row"))).await.unwrap();
    assert_eq!(rows.len(), 2, "the gift sits beside the month");

    // The same gift twice is refused on its label.
    app.click("record-payment").await;
    app.select("field-one_off", "true").await;
    app.type_into("field-label", "Quà Tết 2026").await;
    app.type_into("field-period", &period).await;
    app.type_into("field-amount", "400.000").await;
    app.type_into("field-credited_on", &typed(credited + Days::new(2))).await;
    app.click("save").await;
    let dup = app.wait_text("error-label", |t| !t.is_empty(), long).await;
    assert!(dup.contains("Quà Tết 2026"), "{dup}");
    app.click("cancel").await;

    // Cash in hand of the gift counts on the dashboard: two credited, one withdrawn.
    let detail: Value = app.invoke("get_beneficiary", json!({ "id": id })).await.expect("get_beneficiary");
    let gift = detail["payments"].as_array().unwrap().iter().find(|p| p["label"] == "Quà Tết 2026").unwrap();
    let w = json!({
        "payment_id": gift["id"], "withdrawn_on": typed(credited + Days::new(3)), "amount": "400.000",
        "place": "atm", "travel_minutes": "", "travel_cost": "", "waiting_minutes": "", "assisted": false,
        "problems": [],
    });
    app.invoke("record_withdrawal", json!({ "input": w })).await.expect("record_withdrawal");
    app.click("nav-dashboard").await;
    app.wait_text("kpi-credited", |t| t.trim() == "2", long).await;
    app.wait_text("kpi-withdrawn", |t| t.trim() == "1", long).await;
    app.close().await;
}
