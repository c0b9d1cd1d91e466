//! The kept facts' snapshot in the database, so that a start reads them instead of loading
//! every row (`facts_snapshot`, migration 0020, and `facts_snapshot_parts`, migration 0023).
//!
//! - **Layout** ([`FORMAT`] 2): the head row holds the mark, the cycles, the people's ids and
//!   every fact but the payments and their withdrawals ([`Facts::without_payments`]); part 1
//!   holds the payments, part 2 the withdrawals. Each is postcard, compressed with LZ4.
//! - **Why so**: a city's snapshot was 329 MB in one row, and reading it through SQLCipher
//!   took 1.7 s before a byte was decoded (every page is decrypted and its HMAC checked), then
//!   1 s to decode on one thread. Compressed (166 MB), there are fewer pages to read; in
//!   parts, each is read on a connection of its own and decoded as soon as it is read, on
//!   another core. (The payments split in two halves as well were no faster on two cores:
//!   joining the halves cost what the third part saved.)
//! - **One snapshot, never two mixed**: the head and its parts are written in one transaction
//!   with one generation (a UUIDv7 drawn at each save), and are read on separate connections,
//!   so a part whose generation is not the head's (a save by another process between the
//!   reads) makes the whole snapshot unusable: the facts are then loaded whole.
//! - A snapshot that does not decompress, decode or hold together is only a lost head start,
//!   never an error; a body claiming to inflate beyond LZ4's reach is not inflated.

use super::{Derived, Kept, Mark};
use crate::Store;
use crate::error::Result;
use crate::facts::programmes;
use ansinh_core::facts::{Facts, PaymentFact, WithdrawalFact};
use serde::de::{DeserializeOwned, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::marker::PhantomData;
use std::sync::Arc;

/// The snapshot's layout; a snapshot of another layout is ignored (and rewritten).
const FORMAT: i64 = 2;

/// The rows of `facts_snapshot_parts`.
const PAYMENTS: i64 = 1;
const WITHDRAWALS: i64 = 2;

const SELECT_PART: &str = "SELECT body FROM facts_snapshot_parts WHERE part = ?";
const UPSERT_PART: &str = "INSERT INTO facts_snapshot_parts (part, body) VALUES (?, ?)
 ON CONFLICT (part) DO UPDATE SET body = excluded.body";

#[derive(Serialize)]
struct HeadOut<'a> {
    generation: u128,
    mark: &'a Mark,
    cycles: &'a [(String, String)],
    people: &'a [u128],
    /// Without payments and withdrawals.
    facts: &'a Facts,
}

#[derive(Deserialize)]
struct HeadIn {
    generation: u128,
    mark: Mark,
    cycles: Vec<(String, String)>,
    people: Vec<u128>,
    facts: Facts,
}

#[derive(Serialize)]
struct PartOut<'a, T> {
    generation: u128,
    items: &'a [T],
}

/// A part as read back: [`PartOut`]'s fields, in its order.
struct PartIn<T> {
    generation: u128,
    items: Vec<T>,
}

impl<T: DeserializeOwned> PartIn<T> {
    /// The part `raw` holds. Its items go into a list given their number at once: grown
    /// element by element instead (serde's cautious default), a city's payments were copied
    /// whole at every doubling under the app's allocator, which cost the start a second.
    fn decode(raw: &[u8]) -> Option<PartIn<T>> {
        let mut de = postcard::Deserializer::from_bytes(raw);
        let generation = u128::deserialize(&mut de).ok()?;
        let items = Presized::<T>(PhantomData).deserialize(&mut de).ok()?;
        Some(PartIn { generation, items })
    }
}

/// A list deserialized into room for all its items, made once. Postcard gives the count as a
/// hint only when the bytes left could hold that many items (one byte each at least), so a
/// damaged count is never room made (tested below).
struct Presized<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Presized<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Presized<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<T>, A::Error> {
        // A thirty-second more besides, so that the first writes after a start do not copy
        // the list to grow it (as `Facts::splice_in_place` grows it).
        let hint = seq.size_hint().unwrap_or(0);
        let mut items = Vec::with_capacity(hint + hint / 32);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// Postcard, compressed.
fn pack(value: &impl Serialize) -> Result<Vec<u8>> {
    Ok(lz4_flex::compress_prepend_size(&super::encoded(value)?))
}

/// What [`pack`] made, if `body` is that, decoded by `decode`: None when it does not inflate
/// or decode. LZ4 inflates a byte to at most 255, so a size claimed beyond that is damage, not
/// allocated.
fn unpack<T>(body: &[u8], decode: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
    let (size, rest) = lz4_flex::block::uncompressed_size(body).ok()?;
    if size > rest.len().saturating_mul(255) + 16 {
        return None;
    }
    decode(&lz4_flex::block::decompress(rest, size).ok()?)
}

impl Store {
    /// The snapshot in the database, if there is one of this layout whose head and parts
    /// belong together, decode, and hold together ([`Facts::well_formed`]).
    pub(super) async fn read_snapshot(&self) -> Result<Option<Kept>> {
        // Each part read on a connection of its own and decoded as soon as it is read.
        let (head, payments, withdrawals) = tokio::try_join!(
            self.snapshot_row(Derived::Snapshot.select(), FORMAT, |raw| postcard::from_bytes::<HeadIn>(raw).ok()),
            self.snapshot_row(SELECT_PART, PAYMENTS, PartIn::<PaymentFact>::decode),
            self.snapshot_row(SELECT_PART, WITHDRAWALS, PartIn::<WithdrawalFact>::decode),
        )?;
        let (Some(head), Some(payments), Some(withdrawals)) = (head, payments, withdrawals) else { return Ok(None) };
        if payments.generation != head.generation || withdrawals.generation != head.generation {
            return Ok(None);
        }
        let mut facts = head.facts;
        facts.payments = payments.items;
        facts.withdrawals = withdrawals.items;
        if head.people.len() != facts.people.len() || !facts.well_formed() {
            return Ok(None);
        }
        facts.programmes = programmes(&facts, &*self.refs().await?);
        Ok(Some(Kept {
            saved: Some(head.mark.clone()),
            mark: head.mark,
            facts: Arc::new(facts),
            people: head.people,
            cycles: head.cycles,
            tallies: Vec::new(),
            tallies_saved: false,
            unused: 0,
        }))
    }

    /// One row of the snapshot, `bind` its format or part, unpacked and decoded by `decode`
    /// off the async threads; None when it is missing or does not unpack.
    async fn snapshot_row<T: Send + 'static>(
        &self,
        sql: &str,
        bind: i64,
        decode: fn(&[u8]) -> Option<T>,
    ) -> Result<Option<T>> {
        let body: Option<Vec<u8>> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(bind).fetch_optional(&self.reader).await?;
        let Some(body) = body else { return Ok(None) };
        // A decoding thread that panicked is a snapshot not read, like one that does not decode.
        Ok(tokio::task::spawn_blocking(move || unpack(&body, decode)).await.ok().flatten())
    }

    /// Writes the snapshot, head and parts in one transaction, when the writer is free: the
    /// dashboard never waits for a merge or an import to end only to save a head start. False
    /// when it was busy (tried next time).
    pub(super) async fn save_snapshot(&self, kept: &Kept) -> Result<bool> {
        let Some(mut writer) = self.writer.try_acquire() else { return Ok(false) };
        let generation = uuid::Uuid::now_v7().as_u128();
        let facts = &kept.facts;
        let packed = crate::raw::blocking(|| {
            std::thread::scope(|s| {
                let payments = s.spawn(|| pack(&PartOut { generation, items: &facts.payments }));
                let withdrawals = pack(&PartOut { generation, items: &facts.withdrawals });
                let rest = facts.without_payments();
                let head = pack(&HeadOut {
                    generation,
                    mark: &kept.mark,
                    cycles: &kept.cycles,
                    people: &kept.people,
                    facts: &rest,
                });
                (head, payments.join().expect("encoding the payments panicked"), withdrawals)
            })
        });
        let (head, payments, withdrawals) = (packed.0?, packed.1?, packed.2?);
        let saved: std::result::Result<(), sqlx::Error> = async {
            let mut tx = sqlx::Connection::begin(&mut *writer).await?;
            sqlx::query(Derived::Snapshot.upsert())
                .bind(FORMAT)
                .bind(kept.mark.rowid)
                .bind(head)
                .execute(&mut *tx)
                .await?;
            for (part, body) in [(PAYMENTS, payments), (WITHDRAWALS, withdrawals)] {
                sqlx::query(UPSERT_PART).bind(part).bind(body).execute(&mut *tx).await?;
            }
            tx.commit().await
        }
        .await;
        // Another process writing (busy) only delays the head start: derived data, never lost.
        Ok(saved.is_ok())
    }

    /// The size of the kept snapshot, bytes (benchmarks).
    #[doc(hidden)]
    pub async fn facts_snapshot_bytes(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT COALESCE(SUM(length(body)), 0) FROM facts_snapshot)
                  + (SELECT COALESCE(SUM(length(body)), 0) FROM facts_snapshot_parts)",
        )
        .fetch_one(&self.reader)
        .await?)
    }

    /// Removes the kept snapshot too (benchmarks time a start without one).
    #[doc(hidden)]
    pub async fn forget_facts_snapshot(&self) -> Result<()> {
        self.forget_cached_facts().await;
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM facts_snapshot").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM facts_snapshot_parts").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_claiming_more_than_lz4_inflates_to_is_refused() {
        let mut body = pack(&PartOut { generation: 7, items: &[1u32, 2, 3] }).unwrap();
        let read = unpack(&body, PartIn::<u32>::decode).map(|p| (p.generation, p.items));
        assert_eq!(read, Some((7, vec![1, 2, 3])));
        // The size LZ4 prepends (little-endian u32), claimed at 4 GB for a body of a few bytes.
        body[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&body, PartIn::<u32>::decode).is_none());
    }

    #[test]
    fn a_list_claiming_more_items_than_bytes_is_refused_without_making_room_for_them() {
        // The generation, then a list that says it holds 2^40 items and holds two.
        let mut raw = postcard::to_allocvec(&7u128).unwrap();
        raw.extend(postcard::to_allocvec(&(1usize << 40)).unwrap());
        raw.extend([1, 2]);
        // Room for 2^40 items of 4 bytes would abort the process: postcard hints no count the
        // bytes cannot hold.
        assert!(PartIn::<u32>::decode(&raw).is_none());
    }
}
