//! Accent-insensitive search as an officer types.

use ansinh_store::{Store, StoreError};
use std::time::{Duration, Instant};

/// Types each name one character at a time and times the search of every prefix.
pub async fn keystrokes(store: &Store, names: &[String], ward: Option<&str>) -> Result<Vec<Duration>, StoreError> {
    let mut out = Vec::new();
    for name in names {
        let chars: Vec<char> = name.chars().collect();
        for n in 1..=chars.len() {
            let q: String = chars[..n].iter().collect();
            let t = Instant::now();
            store.search(&q, ward, 50, 0).await?;
            out.push(t.elapsed());
        }
    }
    Ok(out)
}

/// The `q` quantile (0..=1) of `durations` (nearest rank).
pub fn percentile(durations: &mut [Duration], q: f64) -> Duration {
    if durations.is_empty() {
        return Duration::ZERO;
    }
    durations.sort();
    let rank = ((q * durations.len() as f64).ceil() as usize).clamp(1, durations.len());
    durations[rank - 1]
}
