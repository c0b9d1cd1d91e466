//! Search at city scale (issue 7): a demo city of 300,000 people (one month of payments), every
//! keystroke of a sample of names timed on the fast path (`Store::search`) and on the plain SQL
//! it replaces (`Store::search_sql`, fewer names: it is slow). Measure in release:
//!
//! `cargo run --release -p ansinh-bench --example search_city -- [db] [people] [names] [sql names]`
//!
//! The database is generated on the first run and reused after (delete it to start over).

use ansinh_bench::search::{SearchPath, first_search, keystrokes_on, percentile};
use ansinh_demo::DemoOptions;
use ansinh_store::Store;
use chrono::NaiveDate;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let path = std::path::PathBuf::from(arg(0, "/tmp/ansinh-search-city.db"));
    let people: usize = arg(1, "300000").parse()?;
    let names_n: usize = arg(2, "200").parse()?;
    let sql_n: usize = arg(3, "10").parse()?;

    let store = Store::open(&path).await?;
    if store.count_beneficiaries().await? == 0 {
        let start = Instant::now();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("valid date");
        let opts = DemoOptions {
            wards: 126,
            beneficiaries: people,
            months: 1,
            seed: 7,
            until: day(10, 1),
            today: day(11, 26),
        };
        ansinh_demo::load(&store, &opts).await?;
        println!("generated {people} people in {:.1?}", start.elapsed());
    }
    let all = store.all_beneficiaries().await?;
    let step = (all.len() / names_n.max(1)).max(1);
    let names: Vec<String> = all.iter().step_by(step).take(names_n).map(|p| p.full_name.clone()).collect();
    let ward = all[all.len() / 2].ward_code.clone();
    let in_ward = all.iter().filter(|p| p.ward_code == ward).count();
    drop(all);
    println!("{} people; ward {ward}: {in_ward} people", store.count_beneficiaries().await?);

    let mut builds: Vec<Duration> = Vec::new();
    for _ in 0..3 {
        builds.push(first_search(&store).await?);
    }
    let (indexed, bytes) = store.search_index_size().await.expect("built");
    println!(
        "first search (index build) median {:.1?}; index {:.1} MB, {} bytes per person",
        percentile(&mut builds, 0.5),
        bytes as f64 / 1e6,
        bytes / indexed.max(1)
    );

    for (label, path, n, ward) in [
        ("fast, whole city", SearchPath::Fast, names.len(), None),
        ("fast, one ward", SearchPath::Fast, names.len(), Some(ward.as_str())),
        ("sql, whole city", SearchPath::Sql, sql_n, None),
        ("sql, one ward", SearchPath::Sql, sql_n, Some(ward.as_str())),
    ] {
        let mut times = keystrokes_on(&store, &names[..n.min(names.len())], ward, path).await?;
        println!(
            "{label}: {} keystrokes of {n} names: p50 {:.2?}  p99 {:.2?}  max {:.2?}",
            times.len(),
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.99),
            percentile(&mut times, 1.0)
        );
    }
    store.close().await;
    Ok(())
}
