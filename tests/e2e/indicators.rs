//! Indicators in the real window: demo data loaded through the app's own dialog, a dashboard
//! filter that changes the figures, and the monthly report written as XLSX into the folder
//! given in ANSINH_EXPORT_DIR.

use crate::harness::{self, App};
use chrono::{Datelike, Months};
use serde_json::json;

#[tokio::test]
async fn dashboard_filter_changes_the_figures_and_the_monthly_report_is_saved() {
    let exports = tempfile::tempdir().unwrap();
    let app = App::start_with_env("indicators", &[("ANSINH_EXPORT_DIR", exports.path().to_str().unwrap())]).await;
    app.wait_ready().await;
    let long = harness::TIMEOUT;

    // Load the demo city through the first-start dialog.
    app.wait_for_css(&harness::testid_css("demo-dialog"), long).await;
    app.click("demo-load").await;
    let start = std::time::Instant::now();
    while app.exists("demo-dialog").await {
        assert!(start.elapsed() < long * 4, "the demo did not finish loading");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    app.click("nav-dashboard").await;
    let all = app.wait_text("kpi-credited", |t| t.trim().parse::<u64>().is_ok_and(|n| n > 0), long).await;
    let median = app.text("headline-median").await;
    assert!(!median.trim().is_empty());
    assert!(!app.text("worst-wards").await.trim().is_empty(), "the slowest wards are named");
    // Beside time to cash, how much of it is known (the demo city follows most payments up).
    let coverage = app.text("headline-coverage").await;
    assert!(coverage.contains("Đã biết tình trạng") && coverage.contains('%'), "{coverage}");
    assert!(!app.exists("low-coverage").await, "the demo city can be judged");
    let shot = app.screenshot_office("dashboard-coverage.png").await;
    eprintln!("e2e: the dashboard with coverage at 1366x768: {}", shot.display());
    // Rust's panels are in the page: the ward bars name the wards, with Vietnamese text.
    let bars = app.wait_text("panel-ward-bars", |t| t.contains("Phường"), long).await;
    assert!(bars.contains("Thời gian đến khi nhận tiền theo xã/phường"), "{bars}");

    // The first ward's own figures, as the metrics command gives them.
    let by_ward = app.invoke("metrics", json!({ "query": { "as_of": null, "by": ["ward"] } })).await.expect("metrics");
    let first = &by_ward["segments"][0];
    let ward = first["key"].as_str().unwrap().to_string();
    let credited = first["credited"].as_u64().expect("a demo ward is large enough to judge");
    let expected = credited.to_string();
    app.select("filter-ward", &ward).await;
    let shown = app.wait_text("kpi-credited", |t| t.trim() == expected, long).await;
    assert_ne!(shown.trim(), all.trim(), "filtering to one ward changes the figures");

    // The monthly report of last month's cycle for that ward.
    let last = chrono::Local::now().date_naive() - Months::new(1);
    app.type_into("report-cycle", &format!("{:02}/{}", last.month(), last.year())).await;
    app.click("report-xlsx").await;
    let saved = app.wait_text("report-path", |t| t.contains(".xlsx"), long).await;
    let name = format!("bao-cao-{ward}-{}-{:02}.xlsx", last.year(), last.month());
    assert!(saved.contains(&name), "{saved}");
    let file = exports.path().join(&name);
    assert!(file.exists(), "{} was written", file.display());
    assert!(std::fs::metadata(&file).unwrap().len() > 1000);
    app.wait_text("exports", |t| t.contains(&ward), long).await;

    app.close().await;
}

/// Registers a person of `group` in Ba Đình and records a cash payment for each of the
/// `months` months before this one, credited on the 5th and withdrawn `withdraw_after` days
/// later.
async fn paid_person(app: &App, name: &str, id_number: &str, group: &str, months: u32, withdraw_after: u64) {
    let id = app
        .add_person(json!({
            "full_name": name, "birth_date": "1945", "sex": "male", "id_number": id_number,
            "residential_group": "Tổ 1", "group_code": group,
        }))
        .await;
    let this_month = chrono::Local::now().date_naive().with_day(5).unwrap();
    for back in 1..=months {
        let on = this_month - Months::new(back);
        let payment = json!({
            "beneficiary_id": id, "account_id": null, "period": on.format("%m/%Y").to_string(), "amount": "",
            "status": "credited", "credited_on": on.format("%d/%m/%Y").to_string(), "failure_reason": "",
        });
        let p = app.invoke("record_payment", json!({ "input": payment })).await.expect("record_payment");
        let withdrawal = json!({
            "payment_id": p["id"], "withdrawn_on": (on + chrono::Days::new(withdraw_after)).format("%d/%m/%Y").to_string(),
            "amount": p["amount_vnd"].to_string(), "place": "post_office", "travel_minutes": "", "travel_cost": "",
            "waiting_minutes": "", "assisted": false, "problems": [],
        });
        app.invoke("record_withdrawal", json!({ "input": withdrawal })).await.expect("record_withdrawal");
    }
}

/// The dashboard split by programme (reports go to the Department of Health for social
/// assistance and pensions, to Home Affairs for merit allowances): one row per programme, in the
/// officer's words, with its own counts and time to cash; a programme with few payments says so.
#[tokio::test]
async fn dashboard_splits_time_to_cash_by_programme() {
    let app = App::start("programme").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let long = harness::TIMEOUT;
    // Social assistance (poor, 80+): ten months, withdrawn after 2 days; social pension (75+
    // without a pension): ten months, after 5 days; merit (a martyr's relative): three months.
    paid_person(&app, "Nguyễn Văn An", "001045012345", "cao_tuoi_ngheo_80", 10, 2).await;
    paid_person(&app, "Trần Văn Bình", "001045012346", "huu_tri_xa_hoi_75", 10, 5).await;
    paid_person(&app, "Lê Văn Cường", "001045012347", "than_nhan_liet_si", 3, 1).await;

    app.click("nav-dashboard").await;
    app.wait_text("kpi-credited", |t| t.trim() == "23", long).await;
    app.select("by", "programme").await;
    app.wait_for_css(&harness::testid_css("segment-row"), long).await;
    app.wait_text("segments", |t| t.contains("Theo chương trình"), long).await;

    // The rows are named for what they are: programmes, not "groups".
    let head = app.client().find(fantoccini::Locator::Css("[data-testid=\"segments\"] thead th")).await.unwrap();
    assert_eq!(head.text().await.unwrap().trim(), "Chương trình");
    let rows = app.client().find_all(fantoccini::Locator::Css(&harness::testid_css("segment-row"))).await.unwrap();
    let mut shown = Vec::new();
    for row in &rows {
        let key = row.attr("data-key").await.unwrap().unwrap_or_default();
        let cells = row.find_all(fantoccini::Locator::Css("th, td")).await.unwrap();
        let mut texts = Vec::new();
        for c in cells.iter().take(5) {
            texts.push(c.text().await.unwrap().trim().to_string());
        }
        shown.push((key, texts));
    }
    shown.sort();
    let row =
        |label: &str, cells: &[&str]| std::iter::once(label).chain(cells.iter().copied()).map(String::from).collect();
    // Columns: programme, credited, withdrawn, status known, median days.
    let expected: Vec<(String, Vec<String>)> = vec![
        ("meritorious".into(), row("Ưu đãi người có công", &["3", "quá ít để đánh giá"])),
        ("social_assistance".into(), row("Trợ giúp xã hội", &["10", "10", "100,0 %", "2"])),
        ("social_pension".into(), row("Trợ cấp hưu trí xã hội", &["10", "10", "100,0 %", "5"])),
    ];
    assert_eq!(shown, expected);

    app.resize(1366, 768).await;
    app.client()
        .execute("document.querySelector('[data-testid=\"segments\"]').scrollIntoView()", vec![])
        .await
        .expect("scroll to the table");
    let shot = app.screenshot_office("dashboard-programme.png").await;
    eprintln!("e2e: the dashboard by programme at 1366x768: {}", shot.display());
    app.close().await;
}
