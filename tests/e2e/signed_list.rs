//! A signed payment list typed into the grid in the real window (issue 15): one row typed with
//! the keyboard (Tab between cells), two rows pasted as a spreadsheet puts them on the
//! clipboard (tab-separated lines), one Save, and the dashboard's time to cash sees them.

use crate::harness::{self, App};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::json;

fn typed(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A person of Phường Ba Đình, Tổ 5, paid in cash (credited `credited`).
async fn paid_in_cash(app: &App, name: &str, id_number: &str, credited: NaiveDate) {
    let id = app
        .add_person(json!({ "full_name": name, "sex": "male", "id_number": id_number, "residential_group": "Tổ 5" }))
        .await;
    let payment = json!({
        "beneficiary_id": id, "account_id": null,
        "period": format!("{:02}/{}", credited.month(), credited.year()),
        "amount": "", "status": "credited", "credited_on": typed(credited), "failure_reason": "",
    });
    app.invoke("record_payment", json!({ "input": payment })).await.expect("record_payment");
}

#[tokio::test]
async fn a_signed_list_typed_and_pasted_into_the_grid_reaches_time_to_cash() {
    // Exports (the printed list) go to a folder of the test's own, not the user's Documents.
    let exports = tempfile::tempdir().unwrap();
    let app = App::start_with_env("signed-list", &[("ANSINH_EXPORT_DIR", exports.path().to_str().unwrap())]).await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    let credited = chrono::Local::now().date_naive() - Days::new(20);
    paid_in_cash(&app, "Nguyễn Văn An", "001040000101", credited).await;
    paid_in_cash(&app, "Trần Văn Bình", "001040000102", credited).await;
    paid_in_cash(&app, "Lê Văn Cường", "001040000103", credited).await;
    let before = app.invoke("metrics", json!({ "query": { "as_of": null, "by": [] } })).await.expect("metrics");
    assert_eq!(before["withdrawn"], 0);

    app.click("nav-signed").await;
    app.wait_for_css(&harness::testid_css("signed-ward"), long).await;
    app.wait_for_css("[data-testid=\"signed-ward\"] option[value=\"00004\"]", long).await;
    app.select("signed-ward", "00004").await;
    app.click_when_ready("signed-load", long).await;
    app.wait_for_css(&harness::testid_css("grid-2-0"), long).await;

    // First the list to print and sign on paper, in the officers' shape (issue 16).
    app.click("signed-print").await;
    let printed = app.wait_text("signed-printed", |t| t.contains("(3 người)"), long).await;
    let path = printed.split(": ").last().unwrap().trim().to_string();
    assert!(path.ends_with(".xlsx") && std::path::Path::new(&path).is_file(), "{printed}");
    assert!(std::path::Path::new(&path).starts_with(exports.path()), "into the export folder: {printed}");
    // Who the cycle is expected to pay here (no decision kept: by the group registered).
    app.click("signed-expected").await;
    let totals = app.wait_text("expected-totals", |t| t.contains("3 người"), long).await;
    assert!(totals.contains("Trợ giúp xã hội"), "{totals}");
    let shot = app.screenshot_office("signed-list-expected.png").await;
    eprintln!("e2e: the expected payments at 1366x768: {}", shot.display());

    // Row 1 by keyboard: the day two days after the credit, Tab over the amount (all that is
    // left), the place in the payer's words.
    let day = typed(credited + Days::new(2));
    app.click("grid-0-0").await;
    app.press(&day).await;
    app.press("\u{E004}\u{E004}Bưu điện").await; // Tab, Tab
    assert_eq!(app.focused().await, "grid-0-2");
    // Rows 2 and 3 pasted from a spreadsheet onto the first cell of row 2.
    let block = format!("{d}\t\tChi trả tại nhà\r\n{d}\t\tTại nhà\r\n", d = typed(credited + Days::new(5)));
    let script = r#"
        const [target, text] = arguments;
        const e = new Event('paste', { bubbles: true, cancelable: true });
        Object.defineProperty(e, 'clipboardData', { value: { getData: (t) => (t === 'text/plain' ? text : '') } });
        document.querySelector(target).dispatchEvent(e);
    "#;
    app.client().execute(script, vec![json!(harness::testid_css("grid-1-0")), json!(block)]).await.unwrap();
    app.wait_text("signed-count", |t| t.contains("3 / 3"), long).await;
    assert_eq!(app.value("grid-2-2").await, "Tại nhà");
    let shot = app.screenshot_office("signed-list-filled.png").await;
    eprintln!("e2e: the filled grid at 1366x768: {}", shot.display());

    app.click("signed-save").await;
    app.wait_text("signed-saved", |t| t.contains("Đã ghi 3 lần nhận tiền"), long).await;
    app.wait_for_css(&harness::testid_css("signed-empty"), long).await;
    let shot = app.screenshot_office("signed-list-saved.png").await;
    eprintln!("e2e: after saving: {}", shot.display());

    // Time to cash sees them: 3 withdrawn, median 5 days (2, 5, 5).
    app.click("nav-dashboard").await;
    app.wait_text("kpi-withdrawn", |t| t.trim() == "3", long).await;
    app.wait_text("kpi-median", |t| t.trim() == "5", long).await;
    app.close().await;
}
