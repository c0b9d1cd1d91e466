//! A payer's payout report of one cycle (issue 15) for the whole size: every payout of the last
//! cycle (each withdrawal already recorded, and the whole of each credited payment nobody has
//! withdrawn from yet) as the payer's CSV, through the real path (`ansinh import withdrawals`:
//! read, map the Vietnamese headers, match each row to its payment, the typed form's rules,
//! "already had" as a multiset, one transaction with change records). Timed on a copy of the
//! size's database from which the cycle's withdrawals were removed (the day the report arrives,
//! nothing of it is recorded yet: every row is a new withdrawal): the check alone (`--dry-run`)
//! and the committed import.

use crate::dataset::Dataset;
use crate::{Result, median};
use ansinh_files::payouts::{PayoutOptions, import_file};
use sqlx::Row;
use std::path::Path;
use std::time::{Duration, Instant};

/// The cycle of the report: the datasets' last (`dataset::options`: until 10/2026).
const PERIOD: &str = "2026-10";

pub struct PayoutFigures {
    pub rows: usize,
    /// Rows that became new withdrawals (the others were already recorded).
    pub new: usize,
    pub check: Duration,
    pub import: Duration,
}

/// The report as the payer's CSV; returns (rows, rows that are new withdrawals).
async fn write_report(data: &Dataset, csv: &Path) -> Result<(usize, usize)> {
    let store = data.open().await?;
    let pool = store.bench_writer();
    let payments = sqlx::query(
        "SELECT p.id, p.credited_on, p.amount_vnd,
                COALESCE((SELECT SUM(w.amount_vnd) FROM withdrawals w WHERE w.payment_id = p.id), 0) AS withdrawn
         FROM payments p WHERE p.period = ? AND p.status = 'credited'",
    )
    .bind(PERIOD)
    .fetch_all(pool)
    .await
    .map_err(ansinh_store::StoreError::from)?;
    let withdrawals = sqlx::query(
        "SELECT w.payment_id, w.withdrawn_on, w.amount_vnd, w.place FROM withdrawals w
         JOIN payments p ON p.id = w.payment_id WHERE p.period = ?",
    )
    .bind(PERIOD)
    .fetch_all(pool)
    .await
    .map_err(ansinh_store::StoreError::from)?;
    store.close().await;
    let day = |iso: &str| format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4]);
    let place = |code: &str| {
        match code {
            "post_office" => "Bưu điện",
            "atm" => "ATM",
            "bank_counter" => "Tại quầy",
            "agent" => "Đại lý",
            "home_delivery" => "Chi trả tại nhà",
            "proxy" => "Người nhận thay",
            "ward_office" => "Tại UBND",
            other => other,
        }
        .to_string()
    };
    let mut out = String::with_capacity((payments.len() + withdrawals.len()) * 80);
    out.push_str("STT,Mã giao dịch,Ngày nhận,Số tiền,Nơi nhận\n");
    let mut n = 0;
    for w in &withdrawals {
        n += 1;
        let id: String = w.get("payment_id");
        out.push_str(&format!(
            "{n},{id},{},{},{}\n",
            day(w.get("withdrawn_on")),
            w.get::<i64, _>("amount_vnd"),
            place(w.get("place"))
        ));
    }
    let mut new = 0;
    for p in &payments {
        let left = p.get::<i64, _>("amount_vnd") - p.get::<i64, _>("withdrawn");
        let Some(credited) = p.get::<Option<String>, _>("credited_on") else { continue };
        if left <= 0 || p.get::<i64, _>("withdrawn") > 0 {
            continue;
        }
        n += 1;
        new += 1;
        let id: String = p.get("id");
        out.push_str(&format!("{n},{id},{},{left},Bưu điện\n", day(&credited)));
    }
    std::fs::write(csv, out)?;
    Ok((n, new))
}

/// A copy of the size's database as it is the day the payer's report arrives: nothing of the
/// cycle's cash in hand recorded yet (its withdrawals removed from the copy, untimed), so every
/// row of the report is a new withdrawal, the heaviest case.
async fn copy_before_report(data: &Dataset, to: &Path) -> Result<ansinh_store::Store> {
    crate::dataset::copy_db(&data.path, to)?;
    let store = ansinh_store::Store::open_encrypted(to, &data.key).await?;
    sqlx::query("DELETE FROM withdrawals WHERE payment_id IN (SELECT id FROM payments WHERE period = ?)")
        .bind(PERIOD)
        .execute(store.bench_writer())
        .await
        .map_err(ansinh_store::StoreError::from)?;
    Ok(store)
}

pub async fn run(data: &Dataset, dir: &Path, repeat: usize) -> Result<PayoutFigures> {
    let csv = dir.join("payouts.csv");
    let (rows, _) = write_report(data, &csv).await?;
    let options = PayoutOptions { period: "10/2026".into(), payer: "Bưu điện".into(), ..PayoutOptions::default() };
    let today = crate::dataset::as_of();
    let copy = dir.join("payouts-run.db");
    let (mut check, mut import) = (Vec::new(), Vec::new());
    for _ in 0..repeat.max(1) {
        let store = copy_before_report(data, &copy).await?;
        let t = Instant::now();
        let r = import_file(&store, &csv, &options, None, today, true).await?;
        check.push(t.elapsed());
        if (r.rows, r.new_withdrawals) != (rows, rows) {
            return Err(crate::BenchError::Other(format!(
                "payout check: {} rows, {} new; expected {rows} and {rows}",
                r.rows, r.new_withdrawals
            )));
        }
        let t = Instant::now();
        let r = import_file(&store, &csv, &options, None, today, false).await?;
        import.push(t.elapsed());
        store.close().await;
        if r.new_withdrawals != rows {
            return Err(crate::BenchError::Other(format!("payout import wrote {} of {rows}", r.new_withdrawals)));
        }
    }
    crate::dataset::remove_db(&copy);
    let _ = std::fs::remove_file(&csv);
    Ok(PayoutFigures { rows, new: rows, check: median(check), import: median(import) })
}
