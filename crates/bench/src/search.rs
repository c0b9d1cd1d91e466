//! Accent-insensitive search as an officer types: each keystroke of a name is one search for the
//! first page (50 people), timed. Half the names are typed with their tones ("Nguyễn Văn An"),
//! half without ("nguyen van an"), as officers do.
//!
//! The first search after a data change also builds the in-memory index; [`first_search`] times
//! that one alone, so [`keystrokes`] measures typing on a built index (call it after
//! `first_search`, or its first keystroke includes the build).

use ansinh_core::text;
use ansinh_store::{Store, StoreError};
use std::time::{Duration, Instant};

/// The rows a search page asks for, as the people list does.
pub const PAGE: i64 = 50;

/// Which implementation of the search to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPath {
    /// `Store::search`: the in-memory index.
    Fast,
    /// `Store::search_sql`: the plain SQL it replaces, for comparison.
    Sql,
}

/// What the officer types for the `i`-th name: with tones for even `i`, folded for odd.
pub fn typed(name: &str, i: usize) -> String {
    if i.is_multiple_of(2) { name.to_string() } else { text::fold(name) }
}

/// Every prefix of `typed`, one character longer each: the text after each keystroke.
pub fn prefixes(typed: &str) -> impl Iterator<Item = &str> {
    typed.char_indices().skip(1).map(|(at, _)| &typed[..at]).chain(std::iter::once(typed)).filter(|p| !p.is_empty())
}

/// Times `Store::search(prefix, ward, 50, 0)` for every keystroke of every name (see [`typed`]):
/// one duration per keystroke, in typing order.
pub async fn keystrokes(store: &Store, names: &[String], ward: Option<&str>) -> Result<Vec<Duration>, StoreError> {
    keystrokes_on(store, names, ward, SearchPath::Fast).await
}

/// [`keystrokes`] on either search implementation.
pub async fn keystrokes_on(
    store: &Store,
    names: &[String],
    ward: Option<&str>,
    path: SearchPath,
) -> Result<Vec<Duration>, StoreError> {
    let mut times = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let typed = typed(name, i);
        for prefix in prefixes(&typed) {
            let start = Instant::now();
            match path {
                SearchPath::Fast => store.search(prefix, ward, PAGE, 0).await?,
                SearchPath::Sql => store.search_sql(prefix, ward, PAGE, 0).await?,
            };
            times.push(start.elapsed());
        }
    }
    Ok(times)
}

/// The first search after a data change (or after opening): the index is dropped, then one
/// keystroke ("n") is timed, index build included.
pub async fn first_search(store: &Store) -> Result<Duration, StoreError> {
    store.forget_search_index().await;
    let start = Instant::now();
    store.search("n", None, PAGE, 0).await?;
    Ok(start.elapsed())
}

/// The `q`-quantile (0.0..=1.0) by nearest rank: the smallest duration at least `q` of them do
/// not exceed. Sorts `durations`; zero for none.
pub fn percentile(durations: &mut [Duration], q: f64) -> Duration {
    if durations.is_empty() {
        return Duration::ZERO;
    }
    durations.sort_unstable();
    let rank = (q.clamp(0.0, 1.0) * durations.len() as f64).ceil() as usize;
    durations[rank.clamp(1, durations.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_grow_one_character_at_a_time() {
        assert_eq!(prefixes("Đặng Ân").collect::<Vec<_>>(), ["Đ", "Đặ", "Đặn", "Đặng", "Đặng ", "Đặng Â", "Đặng Ân"]);
        assert_eq!(prefixes("").count(), 0);
    }

    #[test]
    fn half_the_names_are_typed_without_tones() {
        assert_eq!(typed("Nguyễn Văn Ân", 0), "Nguyễn Văn Ân");
        assert_eq!(typed("Nguyễn Văn Ân", 1), "nguyen van an");
    }

    #[test]
    fn percentile_by_nearest_rank() {
        let mut d: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut d, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&mut d, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&mut d, 1.0), Duration::from_millis(100));
        assert_eq!(percentile(&mut d, 0.0), Duration::from_millis(1));
        assert_eq!(percentile(&mut [], 0.99), Duration::ZERO);
    }
}
