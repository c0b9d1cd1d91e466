//! Typing a signed payment list of a whole ward in the real window (issue 15: "typing a
//! 2,500-row list must never wait on the app"): the release app through WebDriver, on a copy of
//! the size's database given one more cycle (11/2026) whose payments to everyone of its first
//! ward are credited in cash and not yet withdrawn, as the day a cash round comes back.
//! Measured: opening the grid (click to the last row on screen); each keystroke typed into day
//! cells, from the input event to the next painted frame (the delay the officer would see;
//! pauses between rows let the draft autosave run meanwhile, as it does while typing); pasting a
//! day for every row from a spreadsheet, to the count showing them all; saving every row (one
//! transaction through the payout import's rules) to the confirmation.

use crate::dataset::{ADMIN, ADMIN_PASSWORD, Dataset};
use crate::startup::{Session, launch};
use crate::{BenchError, Result};
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{Cycle, Payment};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::Row;
use std::path::Path;
use std::time::{Duration, Instant};

const PERIOD: &str = "2026-11";
/// Day cells typed one key at a time (ten keys each: "dd/mm/yyyy").
const CELLS: usize = 100;
const TIMEOUT: Duration = Duration::from_secs(300);

/// The figures of one run (seconds and milliseconds).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Grid {
    pub rows: usize,
    pub open_seconds: f64,
    pub keystrokes: usize,
    pub key_p50_ms: f64,
    pub key_p99_ms: f64,
    pub key_max_ms: f64,
    pub paste_seconds: f64,
    pub save_seconds: f64,
}

fn err(e: impl std::fmt::Display) -> BenchError {
    BenchError::Other(format!("grid benchmark: {e}"))
}

/// Copies the size's database and credits cycle 11/2026 in cash to everyone its first ward paid
/// in 10/2026 (the same amounts); returns the ward.
async fn prepare(data: &Dataset, copy: &Path) -> Result<(String, usize)> {
    crate::dataset::copy_db(&data.path, copy)?;
    let store = ansinh_store::Store::open_encrypted(copy, &data.key).await?;
    let pool = store.bench_writer();
    let ward: String = sqlx::query_scalar("SELECT ward_code FROM beneficiaries ORDER BY ward_code LIMIT 1")
        .fetch_one(pool)
        .await
        .map_err(ansinh_store::StoreError::from)?;
    let paid = sqlx::query(
        "SELECT p.beneficiary_id, p.amount_vnd FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id
         WHERE p.period = '2026-10' AND b.ward_code = ?",
    )
    .bind(&ward)
    .fetch_all(pool)
    .await
    .map_err(ansinh_store::StoreError::from)?;
    let day = NaiveDate::from_ymd_opt(2026, 11, 10).expect("a day");
    let payments: Vec<Payment> = paid
        .iter()
        .map(|r| {
            let person: String = r.get("beneficiary_id");
            Ok(Payment {
                id: uuid::Uuid::now_v7(),
                period: PERIOD.into(),
                beneficiary_id: person.parse().map_err(err)?,
                account_id: None,
                channel: Channel::Cash,
                amount_vnd: r.get("amount_vnd"),
                status: PaymentStatus::Credited,
                scheduled_on: Some(day),
                credited_on: Some(day),
                failure_reason: String::new(),
                reference: None,
                label: String::new(),
            })
        })
        .collect::<Result<_>>()?;
    let rows = payments.len();
    let batch = ansinh_store::Batch {
        cycles: vec![Cycle { period: PERIOD.into(), scheduled_on: day }],
        payments,
        ..ansinh_store::Batch::default()
    };
    store.insert_batch(&batch).await?;
    store.close().await;
    Ok((ward, rows))
}

/// Runs `script` (an async WebDriver script: its last argument is the callback) and returns
/// what it passed back.
async fn script(s: &Session, script: &str, args: Vec<Value>) -> Result<Value> {
    let v = s.call(reqwest::Method::POST, "/execute/async", json!({ "script": script, "args": args })).await?;
    if v.get("error").is_some() {
        return Err(err(format!("script failed: {v}")));
    }
    Ok(v)
}

/// Sets a `<select>` the way a person's choice does (Svelte's `bind:value` listens to change).
const SELECT: &str = r#"
    const [testid, value, done] = arguments;
    const started = Date.now();
    const wait = () => {
        const el = document.querySelector(`[data-testid="${testid}"]`);
        if (Date.now() - started > 20000) {
            done(`no option ${value} in ${testid}: ${el ? [...el.options].map((o) => o.value).join(',') : `no element: ${document.body.innerText.slice(0, 300)}`}`);
        } else if (el && [...el.options].some((o) => o.value === value)) {
            el.value = value;
            el.dispatchEvent(new Event('change', { bubbles: true }));
            done(true);
        } else setTimeout(wait, 20);
    };
    wait();
"#;

/// Types "12/11/2026" into `cells` day cells spread over the list, one key at a time; each
/// key's time runs from the input event to the next painted frame. A pause after every ten
/// cells lets the draft autosave (600 ms after the last change) run between them.
const TYPE: &str = r#"
    const [cells, total, done] = arguments;
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    (async () => {
        const times = [];
        for (let k = 0; k < cells; k++) {
            const el = document.getElementById(`grid-${Math.floor((k * total) / cells)}-0`);
            el.focus();
            for (const ch of '12/11/2026') {
                const t0 = performance.now();
                el.value += ch;
                el.dispatchEvent(new InputEvent('input', { bubbles: true, data: ch, inputType: 'insertText' }));
                await frame();
                times.push(performance.now() - t0);
            }
            if (k % 10 === 9) await pause(700);
        }
        done(times);
    })();
"#;

/// Pastes a day, nothing for the amount and "Tại nhà" for every row onto the first cell, as
/// a block copied from a spreadsheet; the time runs to the count showing every row typed.
const PASTE: &str = r#"
    const [total, done] = arguments;
    const text = Array.from({ length: total }, () => '13/11/2026\t\tTại nhà').join('\r\n') + '\r\n';
    const e = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(e, 'clipboardData', { value: { getData: (t) => (t === 'text/plain' ? text : '') } });
    const count = document.querySelector('[data-testid="signed-count"]');
    const t0 = performance.now();
    document.getElementById('grid-0-0').dispatchEvent(e);
    const wait = () => {
        if (count.textContent.includes(`${total} / ${total}`) || count.textContent.includes(`${total} of ${total}`)) {
            requestAnimationFrame(() => done(performance.now() - t0));
        } else requestAnimationFrame(wait);
    };
    wait();
"#;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN)
}

/// One run of `app` on a prepared copy of `data`'s database in `dir`.
pub async fn run(app: &Path, data: &Dataset, dir: &Path) -> Result<Grid> {
    let copy = dir.join("grid-run.db");
    let (ward, rows) = prepare(data, &copy).await?;
    let (driver, s, _) = launch(app, &copy).await?;
    s.type_into("auth-username", ADMIN).await?;
    s.type_into("auth-password", ADMIN_PASSWORD).await?;
    s.click("auth-submit").await?;
    // Typing 100 cells with pauses takes longer than WebDriver's default 30 s script limit.
    s.call(reqwest::Method::POST, "/timeouts", json!({ "script": TIMEOUT.as_millis() as u64 })).await?;
    s.click("nav-signed").await?;
    s.wait_for("signed-cycle").await?;
    for (testid, value) in [("signed-cycle", PERIOD), ("signed-ward", ward.as_str())] {
        let chosen = script(&s, SELECT, vec![json!(testid), json!(value)]).await?;
        if chosen != json!(true) {
            return Err(err(chosen));
        }
    }

    let t = Instant::now();
    s.click("signed-load").await?;
    s.wait_for(&format!("grid-{}-0", rows - 1)).await?;
    let open_seconds = t.elapsed().as_secs_f64();

    let times = script(&s, TYPE, vec![json!(CELLS), json!(rows)]).await?;
    let mut ms: Vec<f64> =
        times.as_array().ok_or_else(|| err(format!("no times: {times}")))?.iter().filter_map(Value::as_f64).collect();
    ms.sort_by(f64::total_cmp);
    if ms.len() != CELLS * 10 {
        return Err(err(format!("{} keystrokes timed of {}", ms.len(), CELLS * 10)));
    }

    let paste = script(&s, PASTE, vec![json!(rows)]).await?;
    let paste_seconds = paste.as_f64().ok_or_else(|| err(format!("paste: {paste}")))? / 1000.0;

    let t = Instant::now();
    s.click("signed-save").await?;
    s.wait_for_css("[data-testid=\"signed-saved\"], [data-testid=\"signed-error\"]", TIMEOUT).await?;
    let save_seconds = t.elapsed().as_secs_f64();
    // Every row must have been written: the cycle's withdrawals in the copy.
    let _ = s.call(reqwest::Method::DELETE, "", json!({})).await;
    drop(driver);
    let store = ansinh_store::Store::open_encrypted(&copy, &data.key).await?;
    let written: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM withdrawals w JOIN payments p ON p.id = w.payment_id WHERE p.period = ?",
    )
    .bind(PERIOD)
    .fetch_one(store.bench_writer())
    .await
    .map_err(ansinh_store::StoreError::from)?;
    store.close().await;
    crate::dataset::remove_db(&copy);
    if written as usize != rows {
        return Err(err(format!("the save wrote {written} withdrawals of {rows}")));
    }
    Ok(Grid {
        rows,
        open_seconds,
        keystrokes: ms.len(),
        key_p50_ms: percentile(&ms, 0.5),
        key_p99_ms: percentile(&ms, 0.99),
        key_max_ms: percentile(&ms, 1.0),
        paste_seconds,
        save_seconds,
    })
}

/// The median of each figure over several runs.
pub fn median(runs: Vec<Grid>) -> Grid {
    let mid = |f: fn(&Grid) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len().saturating_sub(1) / 2).copied().unwrap_or(f64::NAN)
    };
    Grid {
        rows: runs.first().map_or(0, |g| g.rows),
        open_seconds: mid(|g| g.open_seconds),
        keystrokes: runs.iter().map(|g| g.keystrokes).sum(),
        key_p50_ms: mid(|g| g.key_p50_ms),
        key_p99_ms: mid(|g| g.key_p99_ms),
        key_max_ms: mid(|g| g.key_max_ms),
        paste_seconds: mid(|g| g.paste_seconds),
        save_seconds: mid(|g| g.save_seconds),
    }
}
