//! The search as an officer types, kept in memory. At city scale (300,000 people) the SQL form
//! (`Store::search_sql`) counts and sorts most of the table on every keystroke, because a short
//! query matches most names. Here the people are held once in list order (`sort_key`, `id`), their
//! keys in byte arenas scanned with a SIMD substring search, and a page is picked by walking the
//! matches in that order into the four rank buckets (exact tones × starts-with): no sort at all.
//!
//! It answers exactly as the SQL does. SQLite's LIKE compares code points and folds ASCII case
//! only, so keys and queries are ASCII-lowercased and compared as UTF-8 bytes; it reads text up
//! to a NUL, so stored keys are cut at one, and a query holding one (or too long for a LIKE
//! pattern) goes to the SQL path. The index is rebuilt when a person's change record is written
//! (checked when `Store::data_version` moves).

use crate::Store;
use crate::error::Result;
use futures_util::TryStreamExt;
use memchr::memmem::Finder;
use sqlx::{Row, SqliteConnection};
use std::collections::HashMap;
use std::sync::Arc;

/// Queries longer than this (bytes) take the SQL path: far beyond a name, and near SQLite's LIKE
/// pattern limit, whose error the fast path should not have to imitate.
const MAX_QUERY_BYTES: usize = 1000;

/// Strings end to end, each followed by a NUL separator (a NUL-free needle never spans two).
#[derive(Default)]
struct Arena {
    bytes: Vec<u8>,
    /// `ends[i]`: where string i ends (its separator's position).
    ends: Vec<u32>,
}

impl Arena {
    fn push(&mut self, s: impl IntoIterator<Item = u8>) -> Option<()> {
        self.bytes.extend(s);
        self.ends.push(u32::try_from(self.bytes.len()).ok()?);
        self.bytes.push(0);
        Some(())
    }
    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] as usize + 1 }
    }
    fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.start(i)..self.ends[i] as usize]
    }
    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 4
    }
    /// An empty arena with room for exactly this one's strings.
    fn empty_like(&self) -> Arena {
        Arena { bytes: Vec::with_capacity(self.bytes.len()), ends: Vec::with_capacity(self.ends.len()) }
    }
}

/// Text as SQLite's LIKE sees it: up to its first NUL, ASCII case folded.
fn like_view(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().take_while(|&b| b != 0).map(|b| b.to_ascii_lowercase())
}

/// One person as read from `beneficiaries`.
pub(crate) struct Person<'a> {
    pub id: &'a str,
    pub name_key: &'a str,
    pub name_lower: &'a str,
    pub sort_key: &'a str,
    pub id_number: Option<&'a str>,
    pub legacy_id_number: Option<&'a str>,
    pub ward_code: &'a str,
}

#[derive(Default)]
pub(crate) struct SearchIndex {
    /// The `Store::data_version` the people were read at.
    pub version: i64,
    /// Per person, in list order (`sort_key`, `id`): folded name, exact lower-case name, id.
    keys: Arena,
    lowers: Arena,
    ids: Arena,
    ward: Vec<u16>,
    ward_codes: HashMap<String, u16>,
    /// Every ID number and legacy number, sorted, with the person holding it: a prefix is a range.
    numbers: Arena,
    number_owner: Vec<u32>,
}

/// The people as read, in table order (SQLite sorting them costs more than the whole read);
/// `finish` puts them in list order.
#[derive(Default)]
pub(crate) struct Builder {
    people: SearchIndex,
    sort_keys: Arena,
    numbers: Vec<(Vec<u8>, u32)>,
}

impl Builder {
    /// None if the people outgrow the compact layout (u32 offsets, u16 wards): the search then
    /// keeps to SQL.
    pub fn add(&mut self, p: Person) -> Option<()> {
        let t = &mut self.people;
        let i = u32::try_from(t.ward.len()).ok()?;
        t.keys.push(like_view(p.name_key))?;
        t.lowers.push(like_view(p.name_lower))?;
        t.ids.push(p.id.bytes())?;
        self.sort_keys.push(p.sort_key.bytes())?;
        let w = match t.ward_codes.get(p.ward_code) {
            Some(&w) => w,
            None => {
                let w = u16::try_from(t.ward_codes.len()).ok()?;
                t.ward_codes.insert(p.ward_code.to_string(), w);
                w
            }
        };
        t.ward.push(w);
        for n in [p.id_number, p.legacy_id_number].into_iter().flatten() {
            self.numbers.push((like_view(n).collect(), i));
        }
        Some(())
    }

    /// The index in list order: `ORDER BY sort_key, id`, whose BINARY collation compares bytes
    /// as slices do.
    pub fn finish(self, version: i64) -> Option<SearchIndex> {
        let Builder { people: t, sort_keys, mut numbers } = self;
        let mut order: Vec<u32> = (0..u32::try_from(t.len()).ok()?).collect();
        let key = |i: u32| (sort_keys.get(i as usize), t.ids.get(i as usize));
        order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
        let mut ix = SearchIndex {
            version,
            keys: t.keys.empty_like(),
            lowers: t.lowers.empty_like(),
            ids: t.ids.empty_like(),
            ward: Vec::with_capacity(t.len()),
            ..SearchIndex::default()
        };
        let mut position = vec![0u32; t.len()];
        for (at, &i) in order.iter().enumerate() {
            let i = i as usize;
            ix.keys.push(t.keys.get(i).iter().copied())?;
            ix.lowers.push(t.lowers.get(i).iter().copied())?;
            ix.ids.push(t.ids.get(i).iter().copied())?;
            ix.ward.push(t.ward[i]);
            position[i] = at as u32;
        }
        ix.ward_codes = t.ward_codes;
        numbers.sort_unstable();
        ix.numbers = Arena {
            bytes: Vec::with_capacity(numbers.iter().map(|(n, _)| n.len() + 1).sum()),
            ends: Vec::with_capacity(numbers.len()),
        };
        ix.number_owner.reserve_exact(numbers.len());
        for (n, owner) in numbers {
            ix.numbers.push(n)?;
            ix.number_owner.push(position[owner as usize]);
        }
        Some(ix)
    }
}

/// What a page needs: how many match, and the ids on the page, in rank order.
pub(crate) struct Hits {
    pub total: usize,
    pub ids: Vec<String>,
}

impl SearchIndex {
    pub fn len(&self) -> usize {
        self.ward.len()
    }

    /// Memory held, in bytes (arenas, offsets, wards).
    pub fn heap_bytes(&self) -> usize {
        self.keys.heap_bytes()
            + self.lowers.heap_bytes()
            + self.ids.heap_bytes()
            + self.numbers.heap_bytes()
            + self.number_owner.capacity() * 4
            + self.ward.capacity() * 2
            + self.ward_codes.keys().map(|k| k.capacity() + 32).sum::<usize>()
    }

    /// The same answer as `Store::search_sql`'s filter, ORDER BY, LIMIT and OFFSET; None when
    /// the query must take the SQL path. The arguments are the SQL path's: `folded` =
    /// fold(query), `exact` = lower_exact(trimmed query), `id_prefix` = trimmed query.
    pub fn search(
        &self,
        folded: &str,
        exact: &str,
        id_prefix: &str,
        ward: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Option<Hits> {
        let first = offset.saturating_add(limit);
        let plain = |s: &str| (s.len() <= MAX_QUERY_BYTES && !s.contains('\0')).then(|| s.to_ascii_lowercase());
        let (folded, exact, id_prefix) = (plain(folded)?, plain(exact)?, plain(id_prefix)?);
        let ward = match ward {
            None => None,
            Some(code) => match self.ward_codes.get(code) {
                Some(&w) => Some(w),
                None => return Some(Hits { total: 0, ids: Vec::new() }),
            },
        };
        let by_number = self.number_hits(id_prefix.as_bytes());
        let mut names = Matches::new(&self.keys, folded.as_bytes());
        let mut exacts = Matches::new(&self.lowers, exact.as_bytes());
        // Rank buckets in ORDER BY order: exact & starts, exact, starts, the rest. A bucket is
        // wanted while it and those before it hold fewer than `first`; once the first one is
        // full nothing can enter the page any more, and the rest of the scan only counts.
        let mut buckets: [Vec<u32>; 4] = Default::default();
        let mut wanted = [first > 0; 4];
        let mut total = 0;
        let mut j = 0;
        loop {
            let by_name = names.at_or_after(j);
            let next = match by_number.as_ref().and_then(|bits| next_bit(bits, j)) {
                Some(n) => by_name.map_or(n, |p| p.min(n)),
                None => match by_name {
                    Some(p) => p,
                    None => break,
                },
            };
            j = next + 1;
            if ward.is_some_and(|w| self.ward[next] != w) {
                continue;
            }
            total += 1;
            if !wanted[0] {
                continue;
            }
            let starts = self.keys.get(next).starts_with(folded.as_bytes());
            let (with_exact, without) = if starts { (0, 2) } else { (1, 3) };
            if !wanted[with_exact] && !wanted[without] {
                continue;
            }
            let b = if exacts.at_or_after(next) == Some(next) { with_exact } else { without };
            if wanted[b] {
                buckets[b].push(next as u32);
                let mut before = 0;
                for (w, bucket) in wanted.iter_mut().zip(&buckets) {
                    *w = bucket.len() < first && before < first;
                    before += bucket.len();
                }
            }
        }
        let ids = buckets
            .iter()
            .flatten()
            .skip(offset)
            .take(limit)
            .map(|&p| String::from_utf8_lossy(self.ids.get(p as usize)).into_owned())
            .collect();
        Some(Hits { total, ids })
    }

    /// People holding an ID or legacy number that starts with `prefix`, as a bit set; None if
    /// nobody does (or `prefix` is empty: then the empty name pattern already matches everyone).
    fn number_hits(&self, prefix: &[u8]) -> Option<Vec<u64>> {
        if prefix.is_empty() {
            return None;
        }
        let n = self.number_owner.len();
        let lo = partition_point(n, |i| self.numbers.get(i) < prefix);
        let hi = lo + partition_point(n - lo, |i| self.numbers.get(lo + i).starts_with(prefix));
        if lo == hi {
            return None;
        }
        let mut bits = vec![0u64; self.len().div_ceil(64)];
        for &owner in &self.number_owner[lo..hi] {
            bits[owner as usize / 64] |= 1 << (owner % 64);
        }
        Some(bits)
    }
}

impl Store {
    /// The index as of what `conn` reads (inside a read transaction, so the page rows fetched
    /// after it come from the same snapshot), rebuilt if the data moved since. One build at a
    /// time: keystrokes arriving meanwhile wait for it instead of building their own.
    pub(crate) async fn search_index(&self, conn: &mut SqliteConnection) -> Result<Option<Arc<SearchIndex>>> {
        let version = crate::data_version_in(&mut *conn).await?;
        let mut slot = self.search_index.lock().await;
        if let Some((good_to, ix)) = slot.as_mut() {
            if (ix.version..=*good_to).contains(&version) {
                return Ok(Some(Arc::clone(ix)));
            }
            // Payments, withdrawals, follow-ups move the version too; only a change to a
            // person (every write to `beneficiaries` logs one) calls for a rebuild.
            if version > *good_to && !people_changed_since(conn, *good_to).await? {
                *good_to = version;
                return Ok(Some(Arc::clone(ix)));
            }
        }
        let mut builder = Some(Builder::default());
        let mut rows = sqlx::query(
            "SELECT id, name_key, name_lower, sort_key, id_number, legacy_id_number, ward_code FROM beneficiaries",
        )
        .fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            let person = Person {
                id: r.get("id"),
                name_key: r.get("name_key"),
                name_lower: r.get("name_lower"),
                sort_key: r.get("sort_key"),
                id_number: r.get("id_number"),
                legacy_id_number: r.get("legacy_id_number"),
                ward_code: r.get("ward_code"),
            };
            builder = builder.and_then(|mut b| b.add(person).map(|()| b));
        }
        drop(rows);
        let Some(ix) = builder.and_then(|b| b.finish(version)).map(Arc::new) else { return Ok(None) };
        // A search on an older snapshot than the kept index does not replace it.
        if slot.as_ref().is_none_or(|(good_to, _)| *good_to < version) {
            *slot = Some((version, Arc::clone(&ix)));
        }
        Ok(Some(ix))
    }

    /// Drops the search index, so the next search builds it (benchmarks time that build).
    #[doc(hidden)]
    pub async fn forget_search_index(&self) {
        *self.search_index.lock().await = None;
    }

    /// The data version the kept index was built at, if one is kept (tests: was it rebuilt?).
    #[doc(hidden)]
    pub async fn search_index_built_at(&self) -> Option<i64> {
        self.search_index.lock().await.as_ref().map(|(_, ix)| ix.version)
    }

    /// People in the search index and the bytes it holds, if it is built.
    #[doc(hidden)]
    pub async fn search_index_size(&self) -> Option<(usize, usize)> {
        self.search_index.lock().await.as_ref().map(|(_, ix)| (ix.len(), ix.heap_bytes()))
    }
}

/// Has a change record of a person been written after data version `since`?
async fn people_changed_since(conn: &mut SqliteConnection, since: i64) -> Result<bool> {
    crate::changes::log::written_since(conn, crate::entity::Entity::Beneficiary, since).await
}

/// The first `i` in `0..n` for which `pred` is false (`pred` true then false over the range).
fn partition_point(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

/// The first set bit at or after `from`.
fn next_bit(bits: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut word = *bits.get(w)? & (!0u64 << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *bits.get(w)?;
    }
}

/// The people whose string in `arena` contains `needle` (LIKE '%needle%'), in increasing order,
/// found by searching the arena from a person on, so a rare needle skips thousands per call.
struct Matches<'a> {
    arena: &'a Arena,
    finder: Finder<'a>,
    /// The last answer: `at_or_after` is asked with a rising `from`, often the same one again.
    cached: Option<(usize, Option<usize>)>,
}

impl<'a> Matches<'a> {
    fn new(arena: &'a Arena, needle: &'a [u8]) -> Matches<'a> {
        Matches { arena, finder: Finder::new(needle), cached: None }
    }

    /// The first person at or after `from` whose string contains the needle.
    fn at_or_after(&mut self, from: usize) -> Option<usize> {
        let count = self.arena.ends.len();
        if self.finder.needle().is_empty() || from >= count {
            return (from < count).then_some(from);
        }
        if let Some((asked, found)) = self.cached
            && asked <= from
            && found.is_none_or(|f| f >= from)
        {
            return found;
        }
        let start = self.arena.start(from);
        let found = self.finder.find(&self.arena.bytes[start..]).map(|at| {
            let at = (start + at) as u32;
            // The hit lies in the first string from `from` on that ends past it: usually the
            // very first, so step a few before bisecting.
            let ends = &self.arena.ends[from..];
            from + ends.iter().take(4).position(|&e| e > at).unwrap_or_else(|| ends.partition_point(|&e| e <= at))
        });
        self.cached = Some((from, found));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_bit_finds_set_bits_in_order() {
        let mut bits = vec![0u64; 3];
        for i in [3usize, 64, 130] {
            bits[i / 64] |= 1 << (i % 64);
        }
        let found: Vec<usize> = [0, 3, 4, 65, 131].iter().map(|&f| next_bit(&bits, f).unwrap_or(999)).collect();
        assert_eq!(found, [3, 3, 64, 130, 999]);
    }

    #[test]
    fn arena_cuts_at_nul_and_lowercases_ascii_only() {
        let mut a = Arena::default();
        a.push(like_view("AbĐ\0zz")).unwrap();
        a.push(like_view("")).unwrap();
        a.push(like_view("Xy")).unwrap();
        assert_eq!(a.get(0), "abĐ".as_bytes());
        assert_eq!(a.get(1), b"");
        assert_eq!(a.get(2), b"xy");
    }
}
