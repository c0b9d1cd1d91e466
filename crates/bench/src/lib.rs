//! Benchmarks behind `ansinh bench`: the demo city at three sizes, each figure the median of
//! repeated runs, written to `docs/BENCHMARKS.md`. Benchmarks, not tests: nothing here asserts a
//! time; the test suite checks instead that each fast path answers exactly as the plain one.
//!
//! - [`dataset`]: the demo city of a size, built once into an encrypted database and reused;
//! - [`import`]: a beneficiary file through the real import path beside a plain insert loop;
//! - [`dashboard`]: the full dashboard from the in-memory facts, beside DuckDB on the CSVs;
//! - [`search`]: accent-insensitive search as an officer types;
//! - [`merge`]: a ward's bundle merged into a city desktop;
//! - [`month`]: a month of every ward, one bundle each, merged into the city desktop;
//! - [`startup`]: the release app started on the size's database, through WebDriver;
//! - [`grid`]: a whole ward's signed list typed, pasted and saved in the release app's grid;
//! - [`storage`]: where the database's bytes go, table by table;
//! - [`report`]: the Markdown page;
//! - [`run`]: every figure of one size.
#![forbid(unsafe_code)]

pub mod backup;
pub mod dashboard;
pub mod dataset;
pub mod grid;
pub mod import;
pub mod merge;
pub mod month;
pub mod payouts;
pub mod report;
pub mod run;
pub mod search;
pub mod startup;
pub mod storage;

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Store(#[from] ansinh_store::StoreError),
    #[error(transparent)]
    App(#[from] ansinh_core::AppError),
    #[error(transparent)]
    Exchange(#[from] ansinh_exchange::ExchangeError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, BenchError>;

/// The three sizes of the issue: a ward, a tenth of the city, the whole city, 24 months each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Size {
    Ward,
    Tenth,
    City,
}

impl Size {
    pub const ALL: [Size; 3] = [Size::Ward, Size::Tenth, Size::City];

    pub fn name(self) -> &'static str {
        match self {
            Size::Ward => "ward",
            Size::Tenth => "tenth",
            Size::City => "city",
        }
    }

    pub fn parse(s: &str) -> Option<Size> {
        Size::ALL.into_iter().find(|z| z.name() == s.trim())
    }

    /// (wards, people): Hà Nội has 126 wards and communes since July 2025.
    pub fn shape(self) -> (usize, usize) {
        match self {
            Size::Ward => (1, 2_500),
            Size::Tenth => (13, 30_000),
            Size::City => (126, 300_000),
        }
    }

    pub fn months(self) -> u32 {
        24
    }
}

/// Median of measured durations (the middle one; the lower middle of an even count).
pub fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d.get(d.len().saturating_sub(1) / 2).copied().unwrap_or_default()
}

/// Runs `f` `repeat` times and returns every duration.
pub async fn timed<T, F, Fut>(repeat: usize, mut f: F) -> Result<(Vec<Duration>, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut times = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let t = std::time::Instant::now();
        last = Some(f().await?);
        times.push(t.elapsed());
    }
    Ok((times, last.expect("ran at least once")))
}

/// Resident memory of this process now and at its peak (Linux /proc; None elsewhere).
pub fn rss_mb() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<f64>().ok()
    };
    Some((kb("VmRSS:")? / 1024.0, kb("VmHWM:")? / 1024.0))
}
