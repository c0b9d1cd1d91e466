//! The layout at the office laptops' sizes (issue 18): at 1366x768 and 1280x720 every page of
//! the sidebar opens from it, nothing on a page reaches past the right edge (a table that scrolls
//! inside its own box may), and the dashboard's headline figures and slowest wards are in the
//! first screen. Each page's picture at 1366x768 is kept (`layout-<page>.png`).

use crate::harness::{App, TIMEOUT, testid_css};
use serde_json::{Value, json};
use std::time::Duration;

/// What reaches past the right edge of the window: the page itself, the scrolling content area,
/// or any control or text block not inside a box that scrolls sideways on purpose.
const OVERFLOW: &str = r#"
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth} > ${width}`);
    const content = document.querySelector('.content');
    if (content && content.scrollWidth > content.clientWidth + 1) out.push(`content ${content.scrollWidth} > ${content.clientWidth}`);
    const scrolls = (el) => {
      for (let p = el.parentElement; p && p !== content; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('main button, main input, main select, main a, main h1, main h2, main p, main label')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && !scrolls(el)) {
        out.push(`${el.tagName} ${el.dataset.testid || el.id || el.textContent.trim().slice(0, 30)} right ${Math.round(r.right)}`);
      }
    }
    return out;
"#;

async fn nav_pages(app: &App) -> Vec<String> {
    let script = r#"return Array.from(document.querySelectorAll('[data-testid="sidebar"] a[data-testid^="nav-"]')).map((a) => a.dataset.testid);"#;
    let v = app.client().execute(script, vec![]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

/// The bottom of an element, and the window's height.
async fn bottom(app: &App, testid: &str) -> (f64, f64) {
    let script = "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.bottom, window.innerHeight];";
    let v = app.client().execute(script, vec![json!(testid_css(testid))]).await.unwrap();
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

#[tokio::test]
async fn every_page_opens_from_the_sidebar_and_fits_an_office_laptop() {
    let app = App::start("layout").await;
    let long = Duration::from_secs(60);
    app.wait_for_css(&testid_css("demo-dialog"), TIMEOUT).await;
    app.click("demo-load").await;
    app.click_when_ready("nav-beneficiaries", long).await;
    app.wait_text("result-total", |t| t.trim() == "300", long).await;
    let pages = nav_pages(&app).await;
    // An administrator sees every group: people, payments, reports, exchange, administration.
    for page in ["nav-beneficiaries", "nav-followup", "nav-signed", "nav-dashboard", "nav-exchange", "nav-users"] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    for (width, height) in [(1366, 768), (1280, 720)] {
        app.resize(width, height).await;
        for page in &pages {
            app.click(page).await;
            let current = format!("[data-testid=\"{page}\"][aria-current=\"page\"]");
            app.wait_for_css(&current, TIMEOUT).await;
            // The page's first answer from Rust has come (its loading state is gone).
            tokio::time::sleep(Duration::from_millis(600)).await;
            let over: Value = app.client().execute(OVERFLOW, vec![]).await.unwrap();
            assert_eq!(over, json!([]), "{page} at {width}x{height}: past the right edge");
            if width == 1366 {
                app.screenshot(format!("layout-{}.png", page.trim_start_matches("nav-"))).await;
            }
        }
        // The dashboard's first screen: the four headline figures and the slowest wards.
        app.click("nav-dashboard").await;
        app.wait_text("kpi-credited", |t| t.trim().parse::<u32>().is_ok_and(|n| n > 0), long).await;
        for testid in ["headline-median", "headline-within3", "headline-unwithdrawn", "headline-dormant", "worst-wards"]
        {
            let (bottom, window) = bottom(&app, testid).await;
            assert!(bottom <= window, "{testid} at {width}x{height}: bottom {bottom} below the window's {window}");
        }
    }
    app.close().await;
}
