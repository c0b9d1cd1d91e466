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
