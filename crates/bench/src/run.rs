//! One size, every figure: what `ansinh bench` runs per size.

use crate::dataset::{self, Dataset};
use crate::report::SizeResult;
use crate::{Result, Size, backup, dashboard, grid, import, merge, month, payouts, search, startup, storage};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Options {
    /// Where datasets and scratch databases live (the city needs tens of GB).
    pub dir: PathBuf,
    pub repeat: usize,
    /// The DuckDB comparison script; None skips DuckDB.
    pub duckdb_script: Option<PathBuf>,
    /// The release app binary for the start-up benchmark; None skips it.
    pub app: Option<PathBuf>,
    /// Only these figures (import, payouts, dashboard, search, merge, startup, grid, storage);
    /// empty: all.
    pub only: Vec<String>,
}

impl Options {
    fn wants(&self, figure: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == figure)
    }
}

/// Names officers type: every n-th person's, half with their tones and half without.
async fn names(data: &Dataset, count: usize) -> Result<Vec<String>> {
    let store = data.open().await?;
    let all = store.all_beneficiaries().await?;
    store.close().await;
    let step = (all.len() / count.max(1)).max(1);
    Ok(all
        .iter()
        .step_by(step)
        .take(count)
        .enumerate()
        .map(|(i, b)| if i % 2 == 0 { b.full_name.clone() } else { ansinh_core::text::fold(&b.full_name) })
        .collect())
}

pub async fn size(size: Size, o: &Options, log: &dyn Fn(&str)) -> Result<SizeResult> {
    let dir = o.dir.join(size.name());
    std::fs::create_dir_all(&dir)?;
    log(&format!("{}: dataset", size.name()));
    let data = dataset::ensure(&dir, size).await?;
    // A dataset written by an older build gets this build's migrations here, not inside a figure.
    let t = Instant::now();
    data.open().await?.close().await;
    log(&format!("{}: opened in {:.1} s (migrations included)", size.name(), t.elapsed().as_secs_f64()));
    let mut r = SizeResult {
        size: size.name().into(),
        measured_on: chrono::Local::now().format("%d/%m/%Y").to_string(),
        repeat: o.repeat,
        wards: size.shape().0,
        people: data.summary.beneficiaries,
        payments: data.summary.payments,
        withdrawals: data.summary.withdrawals,
        db_mb: data.file_bytes as f64 / 1e6,
        build_seconds: data.built_in.map(|d| d.as_secs_f64()),
        ..SizeResult::default()
    };

    if o.wants("import") {
        log(&format!("{}: import", size.name()));
        let imp = import::run(size, &dir, o.repeat).await?;
        r.import_rows = imp.rows;
        r.import_real_rows_per_s = imp.real_rate();
        r.import_plain_rows_per_s = imp.plain_rate();
        log(&format!("  {} rows: {:.0} rows/s real, {:.0} rows/s plain", imp.rows, imp.real_rate(), imp.plain_rate()));
    }

    if o.wants("payouts") {
        log(&format!("{}: payout report", size.name()));
        let p = payouts::run(&data, &dir, o.repeat).await?;
        (r.payout_rows, r.payout_new) = (p.rows, p.new);
        r.payout_check_seconds = p.check.as_secs_f64();
        r.payout_import_seconds = p.import.as_secs_f64();
        log(&format!(
            "  {} rows ({} new): check {:.2} s, import {:.2} s",
            p.rows, p.new, r.payout_check_seconds, r.payout_import_seconds
        ));
    }

    if o.wants("storage") {
        log(&format!("{}: storage", size.name()));
        let tables = storage::run(&data).await?;
        for t in tables.iter().take(4) {
            log(&format!(
                "  {} {:.1} MB (rows {:.1} MB, {} indexes)",
                t.table,
                t.total_mb(),
                t.rows_mb,
                t.indexes.len()
            ));
        }
        r.storage = Some(tables);
    }

    if o.wants("dashboard") {
        log(&format!("{}: dashboard", size.name()));
        let store = data.open().await?;
        let d = dashboard::run(&store, &dir, o.repeat, o.duckdb_script.as_deref()).await?;
        r.facts_load_seconds = d.load.as_secs_f64();
        r.dashboard_seconds = d.compute.as_secs_f64();
        r.first_dashboard_seconds = Some(d.first.as_secs_f64());
        r.first_after_write_seconds = Some(d.first_after_write.as_secs_f64());
        r.first_after_writes_seconds = Some(d.first_after_writes.as_secs_f64());
        r.written_since = Some(d.written_since);
        r.first_same_day_seconds = Some(d.first_same_day.as_secs_f64());
        r.saved_tallies_mb = Some(d.saved_tallies_bytes as f64 / 1e6);
        r.after_write_seconds = Some(d.after_write.as_secs_f64());
        r.after_merge_seconds = Some(d.after_merge.as_secs_f64());
        r.patched_people = Some(d.patched_people);
        r.snapshot_mb = Some(d.snapshot_bytes as f64 / 1e6);
        r.bench_rss_mb = d.rss_mb;
        log(&format!(
            "  facts load {:.3} s, dashboard {:.3} s, first after a start {:.3} s (the same day {:.3} s, saved tallies {:.2} MB), after a write {:.3} s, after a ward's merge {:.3} s ({} people), snapshot {:.1} MB, RSS {:?} MB",
            r.facts_load_seconds,
            r.dashboard_seconds,
            d.first.as_secs_f64(),
            d.first_same_day.as_secs_f64(),
            d.saved_tallies_bytes as f64 / 1e6,
            d.after_write.as_secs_f64(),
            d.after_merge.as_secs_f64(),
            d.patched_people,
            d.snapshot_bytes as f64 / 1e6,
            d.rss_mb
        ));
        if let Some(k) = &d.duckdb {
            r.duckdb_load_seconds = Some(k.load.as_secs_f64());
            r.duckdb_seconds = Some(k.query.as_secs_f64());
            r.duckdb_threads = Some(k.threads);
            r.duckdb_agree = Some(k.agree);
            r.duckdb_compared = Some(k.compared);
            log(&format!(
                "  DuckDB {:.3} s (load {:.2} s), agree {} on {} values",
                r.duckdb_seconds.unwrap_or(0.0),
                r.duckdb_load_seconds.unwrap_or(0.0),
                k.agree,
                k.compared
            ));
            if !k.agree {
                log(&format!("{}: DuckDB disagrees: {}", size.name(), k.mismatches));
            }
            if let Some(e) = &k.expert {
                r.duckdb_expert_build_seconds = Some(e.build.as_secs_f64());
                r.duckdb_expert_db_mb = Some(e.db_bytes as f64 / 1e6);
                r.duckdb_expert_first_seconds = Some(e.first.as_secs_f64());
                r.duckdb_expert_seconds = Some(e.warm.as_secs_f64());
                r.duckdb_expert_threads = Some(e.threads);
                r.duckdb_expert_agree = Some(e.agree);
                r.duckdb_expert_compared = Some(e.compared);
                log(&format!(
                    "  DuckDB expert: first {:.3} s, warm {:.3} s (file {:.1} MB built in {:.2} s), agree {} on {} values",
                    e.first.as_secs_f64(),
                    e.warm.as_secs_f64(),
                    e.db_bytes as f64 / 1e6,
                    e.build.as_secs_f64(),
                    e.agree,
                    e.compared
                ));
                if !e.agree {
                    log(&format!("{}: DuckDB expert disagrees: {}", size.name(), e.mismatches));
                }
            }
        }
        store.close().await;
    }

    if o.wants("search") {
        log(&format!("{}: search", size.name()));
        let typed = names(&data, 40).await?;
        let store = data.open().await?;
        let t = Instant::now();
        store.search("a", None, 50, 0).await?;
        r.search_first_ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut times = Vec::new();
        for _ in 0..o.repeat.max(1) {
            times.extend(search::keystrokes(&store, &typed, None).await?);
        }
        store.close().await;
        r.search_keystrokes = times.len();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        r.search_p50_ms = ms(search::percentile(&mut times, 0.5));
        r.search_p99_ms = ms(search::percentile(&mut times, 0.99));
        r.search_max_ms = ms(search::percentile(&mut times, 1.0));
        log(&format!(
            "  search first {:.1} ms, p50 {:.2} ms, p99 {:.2} ms",
            r.search_first_ms, r.search_p50_ms, r.search_p99_ms
        ));
    }

    if o.wants("backup") {
        log(&format!("{}: backup read pass", size.name()));
        let (seconds, pages) = backup::read_pass(&data).await?;
        log(&format!("  {pages} pages read in {seconds:.1} s"));
        r.backup = Some(backup::BackupFigures { read_pass_seconds: seconds, pages, ..Default::default() });
    }

    if o.wants("merge") || o.wants("backup") {
        log(&format!("{}: bundle merge and backups", size.name()));
        // Both merges register the sending wards' devices on the city desktop: a copy of the
        // size's database, so the dataset stays as it was (see `month.rs`). The backups' full
        // copy is as big again.
        let copy = dir.join("merge-copy.db");
        let backups = if o.wants("backup") { data.file_bytes } else { 0 };
        let need = data.file_bytes + data.file_bytes / 5 + backups + 1_000_000_000;
        match free_bytes(&dir) {
            Some(free) if free < need => log(&format!(
                "  not measured: a copy of the {} database needs {:.1} GB free here, {:.1} GB are",
                size.name(),
                need as f64 / 1e9,
                free as f64 / 1e9
            )),
            _ => {
                let t = Instant::now();
                dataset::copy_db(&data.path, &copy)?;
                log(&format!("  copied the database in {:.1} s (not timed)", t.elapsed().as_secs_f64()));
                let city = ansinh_store::Store::open_encrypted(&copy, &data.key).await?;
                let merged = on_copy(&city, &data, &dir, o, &mut r, log).await;
                city.close().await;
                dataset::remove_db(&copy);
                let _ = std::fs::remove_dir_all(dir.join("backup-bench"));
                merged?;
            }
        }
    }

    if let Some(app) = o.app.as_ref().filter(|_| o.wants("startup")) {
        log(&format!("{}: app start", size.name()));
        r.startup = Some(startup::run(app, &data, o.repeat).await?);
    }

    if let Some(app) = o.app.as_ref().filter(|_| o.wants("grid")) {
        log(&format!("{}: typing a signed list", size.name()));
        let mut runs = Vec::new();
        for _ in 0..o.repeat.max(1) {
            runs.push(grid::run(app, &data, &dir).await?);
        }
        let g = grid::median(runs);
        log(&format!(
            "  {} rows: open {:.2} s, keystroke p50 {:.1} ms, p99 {:.1} ms, paste {:.2} s, save {:.2} s",
            g.rows, g.open_seconds, g.key_p50_ms, g.key_p99_ms, g.paste_seconds, g.save_seconds
        ));
        r.grid = Some(g);
    }
    Ok(r)
}

/// On `city`, a copy of the size's database: the first backup (when asked), one ward's 24
/// months (rolled back, when asked), a month of every ward (committed), then the next backup
/// and its restore (when asked).
async fn on_copy(
    city: &ansinh_store::Store,
    data: &dataset::Dataset,
    dir: &Path,
    o: &Options,
    r: &mut SizeResult,
    log: &dyn Fn(&str),
) -> crate::Result<()> {
    let backups = dir.join("backup-bench");
    let full = match o.wants("backup") {
        true => {
            let (seconds, mb) = backup::full(city, &data.key, &backups).await?;
            log(&format!("  first backup, a full copy: {mb:.0} MB in {seconds:.1} s"));
            Some((seconds, mb))
        }
        false => None,
    };
    if o.wants("merge") {
        let m = merge::run(city, dir, o.repeat).await?;
        r.merge_records = m.records;
        r.merge_into_size_per_s = m.records as f64 / m.into_size.as_secs_f64();
        r.merge_into_empty_per_s = m.records as f64 / m.into_empty.as_secs_f64();
        log(&format!(
            "  {} records: {:.0}/s into the size, {:.0}/s into an empty desktop",
            m.records, r.merge_into_size_per_s, r.merge_into_empty_per_s
        ));
    }
    log("  a month of every ward");
    let f = month::run(city, dir, log).await?;
    r.month_bundles = f.bundles;
    r.month_records = f.records;
    r.month_seconds = Some(f.imports.as_secs_f64());
    log(&format!(
        "  {} bundles of {} ({} records) imported together in {:.2} s: {:.0} records/s",
        f.bundles,
        f.period,
        f.records,
        f.imports.as_secs_f64(),
        f.records as f64 / f.imports.as_secs_f64(),
    ));
    if let Some((full_seconds, full_mb)) = full {
        let target = dir.join("restore-bench.db");
        let room = free_bytes(dir).is_none_or(|free| free > data.file_bytes + 1_000_000_000);
        let mut b = backup::changes(city, &data.key, &backups, room.then_some(target.as_path())).await?;
        log(&format!(
            "  the next backup: {:.1} MB of changes in {:.1} s; restored in {}",
            b.month_changes_mb.unwrap_or_default(),
            b.month_changes_seconds.unwrap_or_default(),
            b.restore_seconds.map_or_else(|| "(no room: not measured)".to_string(), |s| format!("{s:.1} s"))
        ));
        let read = r.backup.take().unwrap_or_default();
        (b.read_pass_seconds, b.pages) = (read.read_pass_seconds, read.pages);
        (b.full_seconds, b.full_mb, b.month_records) = (Some(full_seconds), Some(full_mb), Some(f.records));
        r.backup = Some(b);
    }
    Ok(())
}

/// Free bytes on the disk holding `dir` (`df`; None when it cannot tell).
fn free_bytes(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df").arg("-B1").arg("--output=avail").arg(dir).output().ok()?;
    String::from_utf8_lossy(&out.stdout).lines().nth(1)?.trim().parse().ok()
}

/// Where the results of earlier runs are kept, next to the page.
pub fn results_path(page: &Path) -> PathBuf {
    page.with_file_name("bench-results.json")
}
