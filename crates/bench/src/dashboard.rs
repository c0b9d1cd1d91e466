//! The full dashboard: every indicator for every segmentation (each single dimension and age ×
//! channel), time to cash censoring-aware, from the in-memory facts the app keeps; beside DuckDB
//! computing the same answers from the exported CSVs in the same run, with the answers compared:
//! bench/duckdb_dashboard.py (tables loaded from the CSVs, a query per statement) and, when it
//! is beside it, bench/duckdb_expert.py (its own database file, GROUPING SETS, day histograms).

use crate::{Result, median};
use ansinh_core::model::SegmentBy;
use ansinh_core::segments::{Computed, Filter};
use ansinh_store::Store;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// Every segmentation, by its name in the JSON both sides write.
pub fn segmentations() -> Vec<(&'static str, Vec<SegmentBy>)> {
    use SegmentBy::*;
    vec![
        ("ward", vec![Ward]),
        ("age", vec![Age]),
        ("group", vec![Group]),
        ("disability", vec![Disability]),
        ("channel", vec![Channel]),
        ("need", vec![Need]),
        ("assisted", vec![Assisted]),
        ("cycle", vec![Cycle]),
        ("programme", vec![Programme]),
        ("age,channel", vec![Age, Channel]),
    ]
}

/// The dashboard as the app computes it (facts from the store's cache).
pub async fn compute(store: &Store) -> Result<Computed> {
    compute_on(store, crate::dataset::as_of()).await
}

/// The same on another day.
async fn compute_on(store: &Store, as_of: chrono::NaiveDate) -> Result<Computed> {
    let bys: Vec<Vec<SegmentBy>> = segmentations().into_iter().map(|(_, b)| b).collect();
    Ok(store.indicators(as_of, &Filter::default(), &bys).await?)
}

/// The same computed over every kept fact, no tally kept or read.
async fn compute_afresh(store: &Store) -> Result<Computed> {
    let bys: Vec<Vec<SegmentBy>> = segmentations().into_iter().map(|(_, b)| b).collect();
    Ok(store.indicators_afresh(crate::dataset::as_of(), &Filter::default(), &bys).await?)
}

/// The JSON the DuckDB script compares with.
pub fn ours_json(c: &Computed) -> Value {
    let segs: serde_json::Map<String, Value> = segmentations()
        .into_iter()
        .zip(&c.segmentations)
        .map(|((name, _), list)| (name.to_string(), serde_json::to_value(list).expect("serialisable")))
        .collect();
    json!({
        "as_of": crate::dataset::as_of().format("%Y-%m-%d").to_string(),
        "overall": c.overall,
        "segmentations": segs,
    })
}

pub struct DashboardFigures {
    /// Loading every fact from the database, the kept snapshot written after (a database
    /// this version never opened).
    pub load: Duration,
    /// The first dashboard after a start on a new day, nothing written since yesterday's:
    /// the facts from the kept snapshot, yesterday's saved tally carried to today.
    pub first: Duration,
    /// The first dashboard after a start with no saved tallies to take (a new version's first
    /// start): the facts from the snapshot, then a pass over every fact.
    pub first_after_write: Duration,
    /// The first dashboard after a start that follows writes: since the snapshot a ward's
    /// bundle (at most a twelfth of the people) was merged and the dashboard asked (that ward's people saved beside its tallies),
    /// then one person written. The facts from the snapshot, the ward's people spliced in, the
    /// tallies taken, the person patched in.
    pub first_after_writes: Duration,
    /// How many people that bundle wrote.
    pub written_since: usize,
    /// The first dashboard after a start the same day with nothing written since: read off the
    /// saved tallies.
    pub first_same_day: Duration,
    /// The saved tallies, bytes.
    pub saved_tallies_bytes: i64,
    /// A dashboard after an officer's write about one person (their facts read again and
    /// spliced in), then computed.
    pub after_write: Duration,
    /// The same after a ward's bundle merged (every person of one ward touched).
    pub after_merge: Duration,
    /// How many people that ward has.
    pub patched_people: usize,
    /// The kept snapshot, bytes.
    pub snapshot_bytes: i64,
    /// Every later dashboard (facts in memory).
    pub compute: Duration,
    pub payments: usize,
    pub duckdb: Option<DuckFigures>,
    /// Resident memory of the bench process with the facts loaded, MB.
    pub rss_mb: Option<f64>,
}

pub struct DuckFigures {
    pub load: Duration,
    pub query: Duration,
    pub threads: u64,
    pub agree: bool,
    pub compared: u64,
    pub mismatches: Value,
    /// DuckDB as an expert uses it (bench/duckdb_expert.py beside the script), when present.
    pub expert: Option<ExpertFigures>,
}

/// bench/duckdb_expert.py: its own database file built from the CSVs (not timed in the
/// figures), then the dashboard in a fresh process (first) and on an open connection (warm).
pub struct ExpertFigures {
    pub build: Duration,
    pub db_bytes: u64,
    pub first: Duration,
    pub warm: Duration,
    pub threads: u64,
    pub agree: bool,
    pub compared: u64,
    pub mismatches: Value,
}

pub async fn run(store: &Store, dir: &Path, repeat: usize, duckdb_script: Option<&Path>) -> Result<DashboardFigures> {
    let mut loads = Vec::new();
    for _ in 0..repeat.max(1) {
        store.forget_facts_snapshot().await?;
        let t = Instant::now();
        store.cached_facts().await?;
        loads.push(t.elapsed());
    }
    let payments = store.cached_facts().await?.payments.len();
    let snapshot_bytes = store.facts_snapshot_bytes().await?;
    let (mut firsts, mut firsts_after_write) = (Vec::new(), Vec::new());
    for _ in 0..repeat.max(1) {
        // Yesterday's dashboard was the last one asked (its tallies saved), then the app closed.
        store.forget_cached_facts().await;
        store.forget_saved_tallies().await?;
        compute_on(store, crate::dataset::as_of() - chrono::Days::new(1)).await?;
        store.forget_cached_facts().await;
        let t = Instant::now();
        compute(store).await?;
        firsts.push(t.elapsed());
        // No saved tally of this change record: as after a write since the last dashboard.
        store.forget_cached_facts().await;
        store.forget_saved_tallies().await?;
        let t = Instant::now();
        compute(store).await?;
        firsts_after_write.push(t.elapsed());
    }
    let saved_tallies_bytes = store.saved_tallies_bytes().await?;
    let mut same_days = Vec::new();
    for _ in 0..repeat.max(1) {
        store.forget_cached_facts().await;
        let t = Instant::now();
        compute(store).await?;
        same_days.push(t.elapsed());
    }
    let (ward, people) = {
        let facts = store.cached_facts().await?;
        (facts.wards.first().cloned().unwrap_or_default(), facts.people.len())
    };
    // A ward's bundle, unless the ward is much of the data (the ward-sized dataset is one
    // ward): then a twelfth of the people, so that the write is patched in, not loaded whole.
    let bundle = (people / 12) as i64;
    let (mut firsts_after_writes, mut written_since) = (Vec::new(), 0);
    for _ in 0..repeat.max(1) {
        // The day before the start: the facts from the snapshot, the ward's bundle, the
        // dashboard (its tallies saved with the ward's people). The patches leave the change
        // record as it is, so nothing is written into the dataset.
        store.forget_cached_facts().await;
        store.forget_saved_tallies().await?;
        store.cached_facts().await?;
        written_since = store.bench_patch_ward(&ward, bundle).await?;
        compute(store).await?;
        store.forget_cached_facts().await;
        let caught_up = store.tally_counts().caught_up;
        let t = Instant::now();
        store.cached_facts().await?;
        store.bench_patch_ward(&ward, 1).await?;
        compute(store).await?;
        firsts_after_writes.push(t.elapsed());
        if store.tally_counts().caught_up != caught_up + 1 {
            return Err(crate::BenchError::Other("the start did not take the saved tallies".into()));
        }
    }
    // The writes below patch the kept facts and their tallies: load them, the question asked.
    store.cached_facts().await?;
    compute(store).await?;
    let (mut afters, mut merges, mut patched_people) = (Vec::new(), Vec::new(), 0);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        store.bench_patch_ward(&ward, 1).await?;
        compute(store).await?;
        afters.push(t.elapsed());
        let t = Instant::now();
        patched_people = store.bench_patch_ward(&ward, i64::MAX).await?;
        compute(store).await?;
        merges.push(t.elapsed());
    }
    let mut computes = Vec::new();
    let mut last = None;
    for _ in 0..repeat.max(1) {
        // The engine over every fact for the question (the figure compared with DuckDB), not a
        // kept tally.
        let t = Instant::now();
        last = Some(compute_afresh(store).await?);
        computes.push(t.elapsed());
    }
    let rss_mb = crate::rss_mb().map(|(now, _)| now);
    let duckdb = match duckdb_script {
        Some(script) => Some(duck(store, dir, script, &ours_json(&last.expect("computed")), repeat).await?),
        None => None,
    };
    Ok(DashboardFigures {
        load: median(loads),
        first: median(firsts),
        first_after_write: median(firsts_after_write),
        first_after_writes: median(firsts_after_writes),
        written_since,
        first_same_day: median(same_days),
        saved_tallies_bytes,
        after_write: median(afters),
        after_merge: median(merges),
        patched_people,
        snapshot_bytes,
        compute: median(computes),
        payments,
        duckdb,
        rss_mb,
    })
}

async fn duck(store: &Store, dir: &Path, script: &Path, ours: &Value, repeat: usize) -> Result<DuckFigures> {
    let csv = dir.join("csv");
    std::fs::create_dir_all(&csv)?;
    export_csvs(store, &csv).await?;
    let ours_path = dir.join("ours.json");
    std::fs::write(&ours_path, serde_json::to_vec(ours).expect("serialisable"))?;
    let as_of = crate::dataset::as_of().format("%Y-%m-%d").to_string();
    let repeat = repeat.max(1).to_string();
    // Both scripts compare with ours the same way; only where they read the data differs.
    let compare: [&std::ffi::OsStr; 6] = [
        "--as-of".as_ref(),
        as_of.as_ref(),
        "--ours".as_ref(),
        ours_path.as_os_str(),
        "--repeat".as_ref(),
        repeat.as_ref(),
    ];
    let v = python(script, &[&["--csv".as_ref(), csv.as_os_str()][..], &compare].concat())?;
    let expert_script = script.with_file_name("duckdb_expert.py");
    let expert = if expert_script.is_file() {
        let db = dir.join("dashboard.duckdb");
        let built = python(&expert_script, &["--build".as_ref(), db.as_os_str(), "--csv".as_ref(), csv.as_os_str()])?;
        let e = python(&expert_script, &[&["--db".as_ref(), db.as_os_str()][..], &compare].concat())?;
        let _ = std::fs::remove_file(&db);
        Some(ExpertFigures {
            build: secs(&built, "build_seconds"),
            db_bytes: built["db_bytes"].as_u64().unwrap_or(0),
            first: secs(&e, "first_seconds"),
            warm: secs(&e, "median_seconds"),
            threads: e["threads"].as_u64().unwrap_or(0),
            agree: e["agree"].as_bool().unwrap_or(false),
            compared: e["compared"].as_u64().unwrap_or(0),
            mismatches: e["mismatches"].clone(),
        })
    } else {
        None
    };
    let _ = std::fs::remove_dir_all(&csv);
    Ok(DuckFigures {
        load: secs(&v, "load_seconds"),
        query: secs(&v, "median_seconds"),
        threads: v["threads"].as_u64().unwrap_or(0),
        agree: v["agree"].as_bool().unwrap_or(false),
        compared: v["compared"].as_u64().unwrap_or(0),
        mismatches: v["mismatches"].clone(),
        expert,
    })
}

/// Runs a DuckDB script and reads the one JSON object it prints.
fn python(script: &Path, args: &[&std::ffi::OsStr]) -> Result<Value> {
    let out = std::process::Command::new("python3").arg(script).args(args).output()?;
    if !out.status.success() {
        return Err(crate::BenchError::Other(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| crate::BenchError::Other(format!("the output of {}: {e}", script.display())))
}

fn secs(v: &Value, k: &str) -> Duration {
    Duration::from_secs_f64(v[k].as_f64().unwrap_or(f64::NAN).max(0.0))
}

/// Every table the DuckDB script reads, as `ansinh export` writes it.
async fn export_csvs(store: &Store, dir: &Path) -> Result<()> {
    use ansinh_files::export::{What, export_csv};
    for what in What::ALL {
        export_csv(store, what, &dir.join(format!("{}.csv", what.name()))).await?;
    }
    Ok(())
}
