//! Field entry in the real window: a person entered with the keyboard only (with the duplicate
//! check on the way), and a draft that survives the app being killed mid-form.

use crate::harness::{App, TIMEOUT};
use fantoccini::key::Key;
use std::time::Duration;

fn k(key: Key) -> String {
    char::from(key).to_string()
}

/// Tab to the next field and check it is the expected one (the form's keyboard order).
async fn tab_to(app: &App, testid: &str) {
    app.press(&k(Key::Tab)).await;
    assert_eq!(app.focused().await, testid, "Tab order");
}

/// Adds a person, then the same person again, then finds them: never touching the mouse.
#[tokio::test]
async fn a_beneficiary_is_entered_with_the_keyboard_only() {
    let app = App::start("entry-keyboard").await;
    app.skip_demo_offer().await;
    let long = Duration::from_secs(20);

    // Ctrl+K puts the cursor in the search box; the "add" button is one Shift+Tab back.
    app.wait_for_css("[data-testid=\"search\"]", TIMEOUT).await;
    app.press(&format!("{}k", k(Key::Control))).await;
    assert_eq!(app.focused().await, "search");
    app.press(&format!("{}{}", k(Key::Shift), k(Key::Tab))).await;
    assert_eq!(app.focused().await, "add-beneficiary");
    app.press(&k(Key::Enter)).await;

    app.wait_for_css("[data-testid=\"add-form\"][data-ready=\"true\"]", long).await;
    assert_eq!(app.focused().await, "field-full_name", "the name field takes the focus");
    app.press("Hoàng Văn Bảy").await;
    tab_to(&app, "field-birth_date").await;
    app.press("12/05/1940").await;
    tab_to(&app, "field-sex").await;
    app.press(&k(Key::Down)).await; // the first choice after "— Chọn —": Nam
    tab_to(&app, "field-id_number").await;
    app.press("001040012345").await;
    tab_to(&app, "field-phone").await;
    tab_to(&app, "field-ward_code").await;
    app.press(&k(Key::Down)).await; // the first ward
    tab_to(&app, "field-residential_group").await;
    app.press("Tổ 7").await;
    tab_to(&app, "field-group_code").await;
    app.press(&k(Key::Down)).await;
    tab_to(&app, "field-disability").await;
    tab_to(&app, "field-needs-lives_alone").await;
    app.press(" ").await; // Space ticks "lives alone"
    app.press(&k(Key::Enter)).await; // Enter saves and starts the next person

    let saved = app.wait_text("saved-next", |t| t.contains("Hoàng Văn Bảy"), long).await;
    assert!(saved.contains("Hoàng Văn Bảy"), "{saved}");
    assert_eq!(app.focused().await, "field-full_name", "ready for the next person");
    assert_eq!(app.value("field-residential_group").await, "Tổ 7", "ward and group are kept");

    // The same person typed again without tones and with another ID number (a typo, or a
    // namesake): a possible duplicate.
    app.press("HOANG VAN BAY").await;
    tab_to(&app, "field-birth_date").await;
    app.press("12/05/1940").await;
    tab_to(&app, "field-sex").await;
    app.press(&k(Key::Down)).await;
    tab_to(&app, "field-id_number").await;
    app.press("001040099999").await;
    tab_to(&app, "field-phone").await;
    tab_to(&app, "field-ward_code").await;
    tab_to(&app, "field-residential_group").await;
    tab_to(&app, "field-group_code").await;
    app.press(&k(Key::Down)).await;
    app.press(&k(Key::Enter)).await;
    app.wait_for_css("[data-testid=\"duplicate-panel\"]", long).await;
    assert_eq!(app.text("dup-name").await.trim(), "Hoàng Văn Bảy");
    assert_eq!(app.focused().await, "dup-open", "the comparison takes the focus");
    // Same person: open the registered record, nothing new saved.
    app.press(&k(Key::Enter)).await;
    app.wait_text("detail-name", |t| t.contains("Hoàng Văn Bảy"), long).await;
    let count = app.invoke("app_info", serde_json::json!({})).await.expect("app_info")["beneficiary_count"].clone();
    assert_eq!(count, 1, "the duplicate was not saved");

    // Quick search from anywhere, arrows and Enter to open.
    app.press(&format!("{}k", k(Key::Control))).await;
    assert_eq!(app.focused().await, "search");
    app.press("hoang van bay").await;
    app.wait_text("result-total", |t| t.trim() == "1", long).await;
    app.press(&k(Key::Down)).await;
    assert_eq!(app.focused().await, "beneficiary-row");
    app.press(&k(Key::Enter)).await;
    let name = app.wait_text("detail-name", |t| t.contains("Bảy"), long).await;
    assert_eq!(name.trim(), "Hoàng Văn Bảy");
    app.close().await;
}

/// What is typed is autosaved to SQLite; the app is killed (SIGKILL) and started again; the
/// unfinished form is offered back with what was typed.
#[tokio::test]
async fn a_draft_survives_the_app_being_killed_mid_form() {
    let app = App::start("entry-draft-kill").await;
    app.skip_demo_offer().await;
    let long = Duration::from_secs(20);
    app.click("add-beneficiary").await;
    app.wait_for_css("[data-testid=\"add-form\"][data-ready=\"true\"]", long).await;
    app.type_into("field-full_name", "Đinh Thị Tuyết").await;
    app.type_into("field-birth_date", "03/02/1939").await;
    app.type_into("field-authorised_name", "Đinh Văn Sơn").await;
    app.wait_for_css("[data-testid=\"draft-status\"][data-state=\"saved\"]", long).await;

    let app = app.kill_and_restart().await;
    let offer = app.wait_text("unfinished-forms", |t| t.contains("Đinh Thị Tuyết"), long).await;
    assert!(offer.contains("Thêm người hưởng"), "{offer}");
    app.click("draft-resume").await;
    app.wait_for_css("[data-testid=\"draft-restored\"]", long).await;
    assert_eq!(app.value("field-full_name").await, "Đinh Thị Tuyết");
    assert_eq!(app.value("field-birth_date").await, "03/02/1939");
    assert_eq!(app.value("field-authorised_name").await, "Đinh Văn Sơn");
    app.close().await;
}
