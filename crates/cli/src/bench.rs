//! `ansinh bench`: the benchmarks of `ansinh-bench` at the sizes asked, results into
//! `docs/BENCHMARKS.md` (and the figures behind it into `docs/bench-results.json`).

use ansinh_bench::{Size, report, run};
use ansinh_core::AppError;
use std::path::PathBuf;

pub struct BenchArgs {
    pub sizes: Vec<String>,
    pub repeat: usize,
    pub dir: PathBuf,
    pub out: PathBuf,
    pub duckdb: Option<PathBuf>,
    pub app: Option<PathBuf>,
    pub only: Vec<String>,
}

fn err(e: impl std::fmt::Display) -> AppError {
    AppError::File(e.to_string())
}

pub async fn bench(a: BenchArgs) -> Result<(), AppError> {
    let sizes: Vec<Size> = a
        .sizes
        .iter()
        .map(|s| Size::parse(s).ok_or_else(|| err(format!("unknown size '{s}': ward, tenth or city"))))
        .collect::<Result<_, _>>()?;
    let opts = run::Options { dir: a.dir, repeat: a.repeat, duckdb_script: a.duckdb, app: a.app, only: a.only };
    let results_path = run::results_path(&a.out);
    let mut results = report::load(&results_path);
    let log = |m: &str| eprintln!("[{}] {m}", chrono::Local::now().format("%H:%M:%S"));
    for size in sizes {
        let r = run::size(size, &opts, &log).await.map_err(err)?;
        println!("{}", serde_json::to_string(&r).expect("serialisable"));
        let r = match results.remove(size.name()) {
            Some(old) => report::merge(old, r, &opts.only),
            None => r,
        };
        results.insert(size.name().into(), r);
        report::save(&results_path, &results).map_err(err)?;
        let page = std::fs::read_to_string(&a.out).unwrap_or_else(|_| "# Benchmarks\n".into());
        std::fs::write(&a.out, report::splice(&page, &report::markdown(&results, &report::machine()))).map_err(err)?;
    }
    Ok(())
}
