//! The kept facts' snapshot in the database, so that a start reads them instead of loading
//! every row (`facts_snapshot`, migration 0020, and `facts_snapshot_parts`, migration 0023).
//!
//! - **Layout** ([`FORMAT`] 4): the head row holds the code that wrote it, the mark, the
//!   cycles, the people's ids and
//!   every fact but the payments and their withdrawals ([`Facts::without_payments`]), as
//!   postcard; part 1 holds the payments, part 2 the withdrawals, each laid out by column
//!   ([`super::columns`]). Each row is compressed with LZ4.
//! - **Why so**: a city's snapshot was 329 MB in one row, and reading it through SQLCipher
//!   took 1.7 s before a byte was decoded (every page is decrypted and its HMAC checked), then
//!   1 s to decode on one thread. As compressed rows it was 166 MB, by column 97 MB: fewer
//!   pages to read. In parts, each is read on a connection of its own and decoded as soon as
//!   it is read, on another core. (The payments split in two halves as well were no faster on
//!   two cores: joining the halves cost what the third part saved.)
//! - **One snapshot, never two mixed**: the head and its parts are written in one transaction
//!   with one generation (a UUIDv7 drawn at each save), and are read on separate connections,
//!   so a part whose generation is not the head's (a save by another process between the
//!   reads) makes the whole snapshot unusable: the facts are then loaded whole.
//! - A snapshot that does not decompress, decode or hold together is only a lost head start,
//!   never an error; a body claiming to inflate beyond LZ4's reach is not inflated.
//! - **Only the code that wrote it reads it** (`ANSINH_FACTS_CODE`, build.rs): a version that
//!   derives the facts differently from the rows loads them afresh once, instead of keeping
//!   the old derivation for everyone not written since.

use super::{Derived, Kept, Mark, columns};
use crate::Store;
use crate::error::Result;
use crate::facts::programmes;
use ansinh_core::facts::Facts;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The snapshot's layout; a snapshot of another layout is ignored (and rewritten).
const FORMAT: i64 = 4;

/// The code that derives the facts (build.rs): a snapshot of other code is not read.
const CODE: &str = env!("ANSINH_FACTS_CODE");

/// The rows of `facts_snapshot_parts`.
const PAYMENTS: i64 = 1;
const WITHDRAWALS: i64 = 2;

const SELECT_PART: &str = "SELECT body FROM facts_snapshot_parts WHERE part = ?";
const UPSERT_PART: &str = "INSERT INTO facts_snapshot_parts (part, body) VALUES (?, ?)
 ON CONFLICT (part) DO UPDATE SET body = excluded.body";

#[derive(Serialize)]
struct HeadOut<'a> {
    code: &'a str,
    generation: u128,
    mark: &'a Mark,
    cycles: &'a [(String, String)],
    people: &'a [u128],
    /// Without payments and withdrawals.
    facts: &'a Facts,
}

#[derive(Deserialize)]
struct HeadIn {
    code: String,
    generation: u128,
    mark: Mark,
    cycles: Vec<(String, String)>,
    people: Vec<u128>,
    facts: Facts,
}

/// Compressed.
pub(super) fn pack(raw: &[u8]) -> Vec<u8> {
    lz4_flex::compress_prepend_size(raw)
}

/// What [`pack`] made, if `body` is that, decoded by `decode`: None when it does not inflate
/// or decode. LZ4 inflates a byte to at most 255, so a size claimed beyond that is damage, not
/// allocated.
pub(super) fn unpack<T>(body: &[u8], decode: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
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
            self.snapshot_row(SELECT_PART, PAYMENTS, columns::decode_payments),
            self.snapshot_row(SELECT_PART, WITHDRAWALS, columns::decode_withdrawals),
        )?;
        let (Some(head), Some(payments), Some(withdrawals)) = (head, payments, withdrawals) else { return Ok(None) };
        if head.code != CODE || payments.0 != head.generation || withdrawals.0 != head.generation {
            return Ok(None);
        }
        let mut facts = head.facts;
        facts.payments = payments.1;
        facts.withdrawals = withdrawals.1;
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
            since: Some(super::since::Since::default()),
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
    /// when it was busy (tried next time), or when the payments' withdrawals or checks are not
    /// laid out without gaps (the caller compacts them first: [`Kept::compacted`]).
    pub(super) async fn save_snapshot(&self, kept: &Kept) -> Result<bool> {
        let Some(mut writer) = self.writer.try_acquire() else { return Ok(false) };
        let generation = uuid::Uuid::now_v7().as_u128();
        let facts = &kept.facts;
        // Each part encoded and compressed on a thread of its own.
        let packed = crate::raw::blocking(|| {
            std::thread::scope(|s| {
                let payments =
                    s.spawn(|| columns::encode_payments(generation, &facts.payments).map(|raw| raw.map(|r| pack(&r))));
                let withdrawals = columns::encode_withdrawals(generation, &facts.withdrawals).map(|raw| pack(&raw));
                let rest = facts.without_payments();
                let head = super::encoded(&HeadOut {
                    code: CODE,
                    generation,
                    mark: &kept.mark,
                    cycles: &kept.cycles,
                    people: &kept.people,
                    facts: &rest,
                })
                .map(|raw| pack(&raw));
                (head, payments.join().expect("encoding the payments panicked"), withdrawals)
            })
        });
        // Payments whose withdrawals or checks are not laid out without gaps are not written.
        let (head, Some(payments), withdrawals) = (packed.0?, packed.1?, packed.2?) else { return Ok(false) };
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

    /// The snapshot's head rewritten as if the code `code` had written it.
    async fn head_written_by(store: &Store, code: &str) {
        let body: Vec<u8> =
            sqlx::query_scalar("SELECT body FROM facts_snapshot").fetch_one(&store.reader).await.unwrap();
        let head = unpack(&body, |raw| postcard::from_bytes::<HeadIn>(raw).ok()).unwrap();
        let out = HeadOut {
            code,
            generation: head.generation,
            mark: &head.mark,
            cycles: &head.cycles,
            people: &head.people,
            facts: &head.facts,
        };
        let body = pack(&super::super::encoded(&out).unwrap());
        sqlx::query("UPDATE facts_snapshot SET body = ?").bind(body).execute(&store.writer).await.unwrap();
        store.forget_cached_facts().await;
    }

    #[tokio::test]
    async fn a_snapshot_is_read_only_by_the_code_that_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).await.unwrap();
        // An empty database's facts: the snapshot's head is what is checked.
        let loaded = store.cached_facts().await.unwrap();
        assert_eq!(store.facts_counts().loads, 1);
        // Rewritten by this code, it is read back as it was.
        head_written_by(&store, CODE).await;
        assert_eq!(store.cached_facts().await.unwrap().payments.len(), loaded.payments.len());
        assert_eq!((store.facts_counts().loads, store.facts_counts().snapshots), (1, 1));
        // Written by a build that derives the facts differently: loaded afresh, not read.
        head_written_by(&store, "another build").await;
        store.cached_facts().await.unwrap();
        assert_eq!((store.facts_counts().loads, store.facts_counts().snapshots), (2, 1));
    }

    #[test]
    fn a_body_claiming_more_than_lz4_inflates_to_is_refused() {
        let mut body = pack(b"three bytes and more");
        assert_eq!(unpack(&body, |raw| Some(raw.to_vec())).as_deref(), Some(&b"three bytes and more"[..]));
        // The size LZ4 prepends (little-endian u32), claimed at 4 GB for a body of a few bytes.
        body[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&body, |raw| Some(raw.to_vec())).is_none());
    }
}
