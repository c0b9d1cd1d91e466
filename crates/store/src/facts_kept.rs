//! The indicator facts kept up to date across writes and restarts (issue 17).
//!
//! Loading a city's facts takes seconds, so they are not loaded again after every write:
//! - **After a write** the people the new change records touch are read again alone and
//!   spliced in ([`Facts::splice`]); a new or closed cycle is taken as it is, a cycle whose
//!   day moved (the schedule of every payment without its own) loads all.
//! - **At start** the facts come from a snapshot kept in the database ([`snapshot`]:
//!   encrypted with the rest, copied by backups, never shipped), then are brought up to date
//!   the same way.
//!
//! - **The dashboard's accumulators** ([`Tally`]) are kept with the facts, one per day and
//!   filter asked, each holding every segmentation a dashboard may ask for ([`tally_bys`]), and
//!   patched the same way: the touched people's old facts taken out, their new facts added. A
//!   dashboard after a write, its panels, or another segmentation picked then read figures off
//!   them instead of passing over every fact again. They are also saved, for the next start
//!   ([`tallies_saved`]).
//!
//! Both are marked with the last change record they reflect: its rowid and its hash, so a
//! database whose log was rebuilt or replaced (a restore) is not mistaken for the same one.
//! The plain load ([`Store::indicator_facts`]) stays the reference the tests compare with.

use crate::Store;
use crate::changes;
use crate::decode::uid;
use crate::entity::Entity;
use crate::error::Result;
use crate::facts::{Scope, programmes};
use ansinh_core::facts::Facts;
use ansinh_core::model::SegmentBy;
use ansinh_core::segments::{self, FactIndices, Filter, Tally};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

mod columns;
mod since;
mod snapshot;
mod tallies_saved;

use tallies_saved::adopt_saved_tallies;

/// A snapshot is rewritten once the kept facts are this many change records ahead of it, so
/// that a start never has more than that to catch up on.
const SAVE_AFTER: i64 = 20_000;

/// The last change record some facts reflect (rowid 0: an empty log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Mark {
    rowid: i64,
    hash: String,
}

/// The store's kept facts, and how they were last brought up to date (the tests check that
/// a write is patched in rather than loaded whole).
#[derive(Default)]
pub(crate) struct Cache {
    kept: tokio::sync::Mutex<Option<Kept>>,
    counts: std::sync::Mutex<FactsCounts>,
    tally_counts: std::sync::Mutex<TallyCounts>,
}

/// How many times the kept facts were loaded whole, patched, and read from the snapshot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactsCounts {
    pub loads: u64,
    pub patches: u64,
    /// Of the patches, those spliced in place (nothing else held the facts).
    pub in_place: u64,
    pub snapshots: u64,
}

/// How many times a question's tally was computed over every fact, carried from another day's,
/// patched after a write, read from the saved tallies at a start, and taken from them at a
/// start after writes (their facts caught up with through the people saved beside them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TallyCounts {
    pub computed: u64,
    pub carried: u64,
    pub patched: u64,
    pub saved: u64,
    pub caught_up: u64,
}

impl Cache {
    fn count(&self, f: impl FnOnce(&mut FactsCounts)) {
        f(&mut self.counts.lock().expect("counts are never poisoned"));
    }

    fn count_tallies(&self, f: impl FnOnce(&mut TallyCounts)) {
        f(&mut self.tally_counts.lock().expect("counts are never poisoned"));
    }
}

/// One question's accumulators over the kept facts.
struct KeptTally {
    as_of: NaiveDate,
    filter: Filter,
    bys: Vec<Vec<SegmentBy>>,
    tally: Arc<Tally>,
}

impl KeptTally {
    /// Where the question's segmentations are in this tally, if it answers the question.
    fn answers(&self, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> Option<Vec<usize>> {
        (self.as_of == as_of && self.filter == *filter).then(|| self.tally.covers(bys)).flatten()
    }
}

/// The segmentations a question's tally is computed with: every single dimension and the
/// dashboard's age × channel, then any other the question asks for. One pass then answers the
/// dashboard, its panels and each segmentation an officer picks for that day and filter.
fn tally_bys(asked: &[Vec<SegmentBy>]) -> Vec<Vec<SegmentBy>> {
    let mut bys: Vec<Vec<SegmentBy>> = SegmentBy::ALL.iter().map(|d| vec![*d]).collect();
    bys.push(vec![SegmentBy::Age, SegmentBy::Channel]);
    for b in asked.iter().filter(|b| !b.is_empty()) {
        let b = b[..b.len().min(2)].to_vec();
        if !bys.contains(&b) {
            bys.push(b);
        }
    }
    bys
}

/// The facts in memory, with their people's ids (index-aligned with `facts.people`).
pub(crate) struct Kept {
    mark: Mark,
    facts: Arc<Facts>,
    people: Vec<u128>,
    /// Each cycle's period and scheduled day, as read before the facts.
    cycles: Vec<(String, String)>,
    /// The mark of the snapshot in the database, if any.
    saved: Option<Mark>,
    /// The people written since that snapshot, with their facts: saved with the tallies. None
    /// when not known (facts loaded whole and no snapshot written since, a part that did not
    /// splice).
    since: Option<since::Since>,
    /// The questions asked of these facts, most recent first.
    tallies: Vec<KeptTally>,
    /// Are `tallies` saved in the database as they are ([`tallies_saved`])?
    tallies_saved: bool,
    /// Withdrawals and checks in the facts' lists that no payment refers to any more, left by
    /// splices ([`ansinh_core::facts::Placed::unused`]).
    unused: usize,
}

impl Kept {
    /// Lays out the facts without what no payment refers to, unless something else holds
    /// them (a dashboard being computed): is nothing unused left? A snapshot is only written
    /// of facts so laid out, so a start never reads what nothing uses.
    fn compacted(&mut self) -> bool {
        if self.unused > 0
            && let Some(facts) = Arc::get_mut(&mut self.facts)
        {
            facts.compact();
            self.unused = 0;
        }
        self.unused == 0
    }
}

/// Unused withdrawals and checks are laid out again once they are this share of the lists:
/// a month of every ward's bundles would otherwise leave as many as there are in use.
fn too_many_unused(unused: usize, facts: &Facts) -> bool {
    unused > (facts.withdrawals.len() + facts.checks.len()) / 4
}

/// What the change records after a mark touch.
#[derive(Debug, Default)]
struct Touched {
    /// Ids of the people whose facts changed.
    people: Vec<String>,
    /// A record of a kind this does not know, or one that could not be placed.
    everything: bool,
}

/// Does a record of this kind change some person's facts? Not: a cycle (compared whole), a
/// payer's report (read again whole), and kinds the indicators never read. A match without a
/// catch-all, so a new kind of record has to be decided here.
fn holds_facts(entity: Entity) -> bool {
    match entity {
        Entity::Beneficiary
        | Entity::Account
        | Entity::Payment
        | Entity::Withdrawal
        | Entity::Contact
        | Entity::Grievance
        | Entity::VerificationItem => true,
        Entity::Cycle
        | Entity::PayoutReport
        | Entity::GrievanceEvent
        | Entity::VerificationSample
        | Entity::Export
        | Entity::BenefitDecision
        | Entity::AccountDecline => false,
    }
}

/// Of the kept tallies of the filter and segmentations asked, the one of the day nearest
/// `as_of` (the fewest facts moved between the two days).
fn nearest_day<'k>(
    tallies: &'k [KeptTally],
    as_of: NaiveDate,
    filter: &Filter,
    bys: &[Vec<SegmentBy>],
) -> Option<&'k KeptTally> {
    tallies
        .iter()
        .filter(|k| k.filter == *filter && k.tally.covers(bys).is_some())
        .min_by_key(|k| (k.as_of - as_of).num_days().abs())
}

/// How many days' and filters' tallies are kept.
const TALLIES: usize = 8;

/// What each kept tally loses when the people `drop` marks are read again: their facts,
/// tallied against `old` (before a splice changes it).
fn tallies_lost(old: &Facts, drop: &[bool], tallies: &[KeptTally]) -> Vec<Tally> {
    if tallies.is_empty() {
        return Vec::new();
    }
    let gone = FactIndices::of_people(old, |i| drop[i]);
    tallies.iter().map(|k| segments::tally_of(old, k.as_of, &k.filter, &k.bys, &gone)).collect()
}

/// Past a quarter of the people, reading them one by one costs more than loading everything.
fn too_many(touched: usize, kept: &Kept) -> bool {
    touched > kept.people.len() / 4 + 16
}

impl Store {
    /// The facts, kept while the data stays the same and brought up to date after a write by
    /// reading again only the people it touched: the dashboard's several panels and every
    /// later refresh share them. Any logged write, from this process or another, is seen.
    pub async fn cached_facts(&self) -> Result<Arc<Facts>> {
        let mut cache = self.facts_cache.kept.lock().await;
        Ok(Arc::clone(&self.up_to_date(&mut cache).await?.facts))
    }

    /// The accumulators of the dashboard's question (day, filter, segmentations) over the kept
    /// facts, with those facts (or only their tables): computed over every fact the first time
    /// it is asked, then patched after each write with the facts ([`Kept::tallies`]), and saved
    /// so that a start with nothing written since reads them instead of the facts.
    pub(crate) async fn kept_tally(
        &self,
        as_of: NaiveDate,
        filter: &Filter,
        bys: &[Vec<SegmentBy>],
    ) -> Result<(Arc<Facts>, Arc<Tally>, Vec<usize>)> {
        let mut cache = self.facts_cache.kept.lock().await;
        if cache.is_none()
            && let Some(saved) = self.saved_tally(&self.facts_mark().await?, as_of, filter, bys).await?
        {
            self.facts_cache.count_tallies(|c| c.saved += 1);
            return Ok(saved);
        }
        let kept = self.up_to_date(&mut cache).await?;
        let (tally, asked) =
            match kept.tallies.iter().enumerate().find_map(|(i, t)| Some((i, t.answers(as_of, filter, bys)?))) {
                Some((i, asked)) => (kept.tallies.remove(i), asked),
                None => {
                    kept.tallies_saved = false;
                    let tally = match nearest_day(&kept.tallies, as_of, filter, bys) {
                        // Another day's tally of the question (yesterday's, at a start the next
                        // morning): only the facts whose part moved between the days are tallied.
                        Some(from) => {
                            self.facts_cache.count_tallies(|c| c.carried += 1);
                            let mut tally = Tally::clone(&from.tally);
                            tally.carry(&kept.facts, from.as_of, as_of, filter, &from.bys);
                            KeptTally { as_of, filter: filter.clone(), bys: from.bys.clone(), tally: Arc::new(tally) }
                        }
                        None => {
                            self.facts_cache.count_tallies(|c| c.computed += 1);
                            let all = tally_bys(bys);
                            let tally = segments::tally(&kept.facts, as_of, filter, &all);
                            KeptTally { as_of, filter: filter.clone(), bys: all, tally: Arc::new(tally) }
                        }
                    };
                    let asked = tally.tally.covers(bys).expect("a tally of the question's segmentations and more");
                    (tally, asked)
                }
            };
        let out = (Arc::clone(&kept.facts), Arc::clone(&tally.tally), asked);
        kept.tallies.insert(0, tally);
        kept.tallies.truncate(TALLIES);
        if !kept.tallies_saved && self.save_tallies(kept).await? {
            kept.tallies_saved = true;
        }
        Ok(out)
    }

    /// The kept facts brought up to date with every logged write (from the snapshot at the
    /// first call), and the snapshot rewritten when it fell far behind.
    async fn up_to_date<'c>(&self, cache: &'c mut Option<Kept>) -> Result<&'c mut Kept> {
        let now = self.facts_mark().await?;
        if cache.as_ref().is_some_and(|kept| kept.mark == now) {
            return Ok(cache.as_mut().expect("just checked"));
        }
        let mut kept = match cache.take() {
            Some(kept) => self.bring_up_to(kept, &now).await?,
            // At a start the saved tallies are read once: the snapshot's facts are brought to
            // them with the people saved beside them ([`since`]), or they join the facts as
            // they are, or neither.
            None => {
                let saved = self.saved_tallies().await?;
                let (mut kept, saved) = match self.read_snapshot().await? {
                    Some(snapshot) => {
                        self.facts_cache.count(|c| c.snapshots += 1);
                        let (kept, saved) = match saved {
                            Some(saved) => self.caught_up(snapshot, saved),
                            None => (snapshot, None),
                        };
                        (self.bring_up_to(kept, &now).await?, saved)
                    }
                    None => (self.load_kept(&now).await?, saved),
                };
                if let Some(saved) = saved {
                    adopt_saved_tallies(&mut kept, saved);
                }
                kept
            }
        };
        if kept.saved.as_ref().is_none_or(|s| now.rowid - s.rowid >= SAVE_AFTER)
            && kept.compacted()
            && self.save_snapshot(&kept).await?
        {
            kept.saved = Some(kept.mark.clone());
            kept.since = Some(since::Since::default());
            // The saved tallies' people were written since the snapshot they replace: saved
            // again against this one, they are not lost to the next start.
            if !kept.tallies.is_empty() {
                kept.tallies_saved = self.save_tallies(&kept).await?;
            }
        }
        Ok(cache.insert(kept))
    }

    /// Empties the memory cache (benchmarks time the load; the snapshot stays).
    pub async fn forget_cached_facts(&self) {
        *self.facts_cache.kept.lock().await = None;
    }

    /// How the kept tallies were made so far.
    #[doc(hidden)]
    pub fn tally_counts(&self) -> TallyCounts {
        *self.facts_cache.tally_counts.lock().expect("counts are never poisoned")
    }

    /// How the kept facts were brought up to date so far.
    #[doc(hidden)]
    pub fn facts_counts(&self) -> FactsCounts {
        *self.facts_cache.counts.lock().expect("counts are never poisoned")
    }

    /// The last change record now.
    async fn facts_mark(&self) -> Result<Mark> {
        let row = changes::log::last(&mut *self.reader.acquire().await?).await?;
        Ok(row.map_or(Mark { rowid: 0, hash: String::new() }, |(rowid, hash)| Mark { rowid, hash }))
    }

    /// Is `mark` still a record of this log (not one renumbered or replaced since)?
    async fn mark_holds(&self, mark: &Mark) -> Result<bool> {
        if mark.rowid == 0 {
            return Ok(true);
        }
        let hash = changes::log::hash_at_rowid(&mut *self.reader.acquire().await?, mark.rowid).await?;
        Ok(hash.as_deref() == Some(mark.hash.as_str()))
    }

    async fn cycles_now(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as("SELECT period, scheduled_on FROM payment_cycles ORDER BY period")
            .fetch_all(&self.reader)
            .await?)
    }

    /// The people whose facts the records since `rowid` change: the person a record is about
    /// (a withdrawal or a verification visit through its payment); which kinds hold facts is
    /// [`holds_facts`]'s.
    async fn touched_since(&self, rowid: i64) -> Result<Touched> {
        let mut conn = self.reader.acquire().await?;
        let records =
            changes::log::read_with_rowid(&mut conn, "c.rowid > ? ORDER BY c.rowid", vec![rowid.into()]).await?;
        // Each record that holds facts names its person, or (a withdrawal, a visit) its payment:
        // each row is parsed once, and the payments' people are read in one go.
        let named: Vec<(bool, Option<String>)> = records
            .iter()
            .filter(|(_, r)| holds_facts(r.entity))
            .map(|(_, r)| {
                let (by_payment, key) = match r.entity {
                    Entity::Beneficiary => return (false, Some(r.entity_id.clone())),
                    Entity::Withdrawal | Entity::VerificationItem => (true, "payment_id"),
                    _ => (false, "beneficiary_id"),
                };
                let row: Option<serde_json::Value> = serde_json::from_str(&r.payload).ok();
                (by_payment, row.and_then(|v| v.get(key)?.as_str().map(str::to_string)))
            })
            .collect();
        let payments: Vec<&String> = named
            .iter()
            .filter_map(|(by_payment, id)| id.as_ref().filter(|_| *by_payment))
            .collect::<FxHashSet<_>>()
            .into_iter()
            .collect();
        let mut payer_of: FxHashMap<String, String> = FxHashMap::default();
        for chunk in payments.chunks(500) {
            let sql =
                format!("SELECT id, beneficiary_id FROM payments WHERE id IN ({})", vec!["?"; chunk.len()].join(","));
            let q =
                chunk.iter().fold(sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql)), |q, id| q.bind(*id));
            payer_of.extend(q.fetch_all(&mut *conn).await?);
        }
        let mut touched = Touched::default();
        let mut seen: FxHashSet<String> = FxHashSet::default();
        for (by_payment, id) in named {
            let person = if by_payment { id.and_then(|p| payer_of.get(&p).cloned()) } else { id };
            match person {
                Some(p) => {
                    if seen.insert(p.clone()) {
                        touched.people.push(p);
                    }
                }
                // A record whose person cannot be found.
                None => touched.everything = true,
            }
        }
        Ok(touched)
    }

    /// Every fact, read whole, marked `mark` (read before, so a write meanwhile is read again
    /// next time rather than missed).
    async fn load_kept(&self, mark: &Mark) -> Result<Kept> {
        self.facts_cache.count(|c| c.loads += 1);
        let cycles = self.cycles_now().await?;
        let (mut facts, people) = self.facts_of(Scope(None)).await?;
        facts.programmes = programmes(&facts, &*self.refs().await?);
        Ok(Kept {
            mark: mark.clone(),
            facts: Arc::new(facts),
            people,
            cycles,
            saved: None,
            since: None,
            tallies: Vec::new(),
            tallies_saved: false,
            unused: 0,
        })
    }

    /// Every fact read whole in place of `old`, which is dropped first: two cities' facts in
    /// memory at once would be twice the peak.
    async fn reload(&self, old: Kept, now: &Mark) -> Result<Kept> {
        drop(old);
        self.load_kept(now).await
    }

    /// `old` with the people touched since its mark read again; everything read again when a
    /// cycle's day moved, the mark no longer holds, or a quarter of the people were touched.
    async fn bring_up_to(&self, old: Kept, now: &Mark) -> Result<Kept> {
        if old.mark == *now {
            return Ok(old);
        }
        if !self.mark_holds(&old.mark).await? {
            return self.reload(old, now).await;
        }
        let cycles = self.cycles_now().await?;
        let touched = self.touched_since(old.mark.rowid).await?;
        if !cycles.starts_with(&old.cycles) || touched.everything || too_many(touched.people.len(), &old) {
            return self.reload(old, now).await;
        }
        self.patch(old, &touched.people, now, cycles).await
    }

    /// `old` with `touched` people's facts read again: spliced in place when nothing else
    /// holds the facts (a city's are a gigabyte: a copy costs a second), else into a copy.
    async fn patch(&self, old: Kept, touched: &[String], now: &Mark, cycles: Vec<(String, String)>) -> Result<Kept> {
        // Each touched person's place in the kept facts, found in the same pass that marks
        // them dropped: read again, they take it back, so nobody else is renumbered.
        let ids: Vec<u128> = touched.iter().map(|p| uid(p)).collect::<Result<_>>()?;
        let mut place: FxHashMap<u128, Option<u32>> = ids.iter().map(|p| (*p, None)).collect();
        let drop: Vec<bool> = old
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| match place.get_mut(p) {
                Some(at) => {
                    *at = Some(i as u32);
                    true
                }
                None => false,
            })
            .collect();
        let json = serde_json::to_string(touched).expect("strings serialise");
        let (part, part_people) = self.facts_of(Scope(Some(&json))).await?;
        // Read against the facts as they were, before the splice changes them.
        let lost = tallies_lost(&old.facts, &drop, &old.tallies);
        let before = old.facts.context();
        let at: Vec<Option<u32>> = part_people.iter().map(|p| place.get(p).copied().flatten()).collect();
        let spliced = match Arc::try_unwrap(old.facts) {
            Ok(mut facts) => match facts.splice_in_place(&drop, &part, &at) {
                Some(placed) => {
                    self.facts_cache.count(|c| c.in_place += 1);
                    Some((facts, placed))
                }
                None => facts.splice(&drop, &part),
            },
            Err(shared) => shared.splice(&drop, &part),
        };
        let Some((mut facts, placed)) = spliced else {
            return self.load_kept(now).await;
        };
        self.facts_cache.count(|c| c.patches += 1);
        let mut unused = old.unused + placed.unused;
        if too_many_unused(unused, &facts) {
            facts.compact();
            unused = 0;
        }
        facts.reports = self.reports_over(&facts).await?;
        facts.programmes = programmes(&facts, &*self.refs().await?);
        let people = placed.arrange(&old.people, &part_people);
        let mut came = vec![false; people.len()];
        for at in &placed.part {
            came[*at as usize] = true;
        }
        let tallies = self.carry_tallies(&before, lost, &facts, old.tallies, |i| came[i]);
        // The people written since the snapshot, kept (and saved with the tallies) only while
        // they stay few: a snapshot not written for long (the writer always busy) would
        // otherwise keep a second copy of much of a city's facts. Without them, the next start
        // passes over every fact.
        let mut since = old.since;
        let most = (people.len() / 10).max(10_000);
        if since.as_mut().is_some_and(|s| !s.add(&ids, &part, &part_people) || s.len() > most) {
            since = None;
        }
        Ok(Kept {
            mark: now.clone(),
            facts: Arc::new(facts),
            people,
            cycles,
            saved: old.saved,
            since,
            tallies,
            tallies_saved: false,
            unused,
        })
    }

    /// The kept tallies carried over to `new`, the facts spliced from ones with `before`'s
    /// context: each loses what [`tallies_lost`] found and gains the facts of the people `came`
    /// picks (by index in `new`: the people read again). None is carried when anything besides
    /// the people changed (a new ward or reason, a payer's report, a cycle): its codes or its
    /// censoring would no longer hold, and the next dashboard computes it again.
    fn carry_tallies(
        &self,
        before: &Facts,
        lost: Vec<Tally>,
        new: &Facts,
        tallies: Vec<KeptTally>,
        came: impl Fn(usize) -> bool,
    ) -> Vec<KeptTally> {
        if tallies.is_empty() || !before.same_context(new) {
            return Vec::new();
        }
        let came = FactIndices::of_people(new, came);
        self.facts_cache.count_tallies(|c| c.patched += tallies.len() as u64);
        tallies
            .into_iter()
            .zip(lost)
            .map(|(k, lost)| {
                let mut tally = Arc::unwrap_or_clone(k.tally);
                tally.subtract(&lost);
                tally.add(&segments::tally_of(new, k.as_of, &k.filter, &k.bys, &came));
                KeptTally { tally: Arc::new(tally), ..k }
            })
            .collect()
    }

    /// Benchmarks: the work of a dashboard after a write that touched `limit` people of `ward`
    /// (one: an officer's write; all: a ward's bundle merged): their facts read again and
    /// spliced into the kept ones. Nothing is written, so the benchmark's database stays as it is.
    #[doc(hidden)]
    pub async fn bench_patch_ward(&self, ward: &str, limit: i64) -> Result<usize> {
        let mut cache = self.facts_cache.kept.lock().await;
        let Some(old) = cache.take() else { return Ok(0) };
        let people: Vec<String> = sqlx::query_scalar("SELECT id FROM beneficiaries WHERE ward_code = ? LIMIT ?")
            .bind(ward)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        let (mark, cycles) = (old.mark.clone(), self.cycles_now().await?);
        *cache = Some(match too_many(people.len(), &old) {
            true => self.reload(old, &mark).await?,
            false => self.patch(old, &people, &mark, cycles).await?,
        });
        Ok(people.len())
    }

    /// Writes derived data (the saved tallies) into its one-row table when the writer is free:
    /// the dashboard never waits for a merge or an import to end only to save a head start.
    /// False when it was busy (tried next time).
    async fn save_derived(&self, table: Derived, format: i64, mark: &Mark, value: &impl Serialize) -> Result<bool> {
        let Some(mut writer) = self.writer.try_acquire() else { return Ok(false) };
        let body = crate::raw::blocking(|| encoded(value))?;
        let saved = sqlx::query(table.upsert()).bind(format).bind(mark.rowid).bind(body).execute(&mut *writer).await;
        // Another process writing (busy) only delays the head start: derived data, never lost.
        Ok(saved.is_ok())
    }

    /// The body of a derived table's row of `format`, decoded; None when there is none or it
    /// does not decode.
    async fn read_derived<T: serde::de::DeserializeOwned>(&self, table: Derived, format: i64) -> Result<Option<T>> {
        let body: Option<Vec<u8>> =
            sqlx::query_scalar(table.select()).bind(format).fetch_optional(&self.reader).await?;
        Ok(body.and_then(|body| crate::raw::blocking(|| postcard::from_bytes::<T>(&body)).ok()))
    }
}

/// Derived data (the snapshot's rows, the saved tallies) as postcard.
fn encoded(value: &impl Serialize) -> Result<Vec<u8>> {
    postcard::to_allocvec(value).map_err(encode_error)
}

/// Derived data that would not encode (postcard refuses only what it cannot represent).
fn encode_error(e: postcard::Error) -> crate::error::StoreError {
    crate::error::StoreError::Db(sqlx::Error::Protocol(format!("derived data: {e}")))
}

/// The one-row tables of derived data, each (id 1, format, change_rowid, body).
#[derive(Clone, Copy)]
pub(crate) enum Derived {
    Snapshot,
    Tallies,
}

/// The upsert of one derived table's row.
macro_rules! upsert_derived {
    ($table:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (id, format, change_rowid, body) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET format = excluded.format, change_rowid = excluded.change_rowid,
                                            body = excluded.body"
        )
    };
}

/// The body of one derived table's row, if it has the format asked.
macro_rules! select_derived {
    ($table:literal) => {
        concat!("SELECT body FROM ", $table, " WHERE id = 1 AND format = ?")
    };
}

impl Derived {
    fn upsert(self) -> &'static str {
        match self {
            Derived::Snapshot => upsert_derived!("facts_snapshot"),
            Derived::Tallies => upsert_derived!("facts_tallies"),
        }
    }

    fn select(self) -> &'static str {
        match self {
            Derived::Snapshot => select_derived!("facts_snapshot"),
            Derived::Tallies => select_derived!("facts_tallies"),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ansinh_core::dates::BirthDate;
    use ansinh_core::facts::{PaymentFact, Person, WithdrawalFact};
    use ansinh_core::model::{Channel, Disability, Needs, PaymentStatus};

    /// One person paid once and withdrawn once.
    pub(super) fn one() -> Facts {
        let day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        Facts {
            wards: vec!["A".into()],
            groups: vec!["G".into()],
            periods: vec!["2026-10".into()],
            cycle_ends: vec![None],
            cycle_closed: vec![None],
            people: vec![Person {
                ward: 0,
                group: 0,
                birth: BirthDate::Year(1950),
                disability: Disability::None,
                needs: Needs::default(),
                assisted: false,
            }],
            payments: vec![PaymentFact {
                person: 0,
                period: 0,
                channel: Channel::Bank,
                status: PaymentStatus::Credited,
                amount_vnd: 500_000,
                scheduled_on: Some(day),
                credited_on: Some(day),
                failure_reason: None,
                withdrawals: 0..1,
                checks: 0..0,
                one_off: false,
            }],
            withdrawals: vec![WithdrawalFact {
                on: day,
                amount_vnd: 500_000,
                travel_minutes: None,
                travel_cost_vnd: None,
                waiting_minutes: None,
                assisted: false,
            }],
            ..Facts::default()
        }
    }

    #[test]
    fn kept_facts_are_compacted_unless_something_else_holds_them() {
        // The person read again in their own place: their old withdrawal is left unused.
        let mut facts = one();
        let placed = facts.splice_in_place(&[true], &one(), &[Some(0)]).unwrap();
        assert_eq!((placed.unused, facts.withdrawals.len()), (1, 2));
        let mut kept = Kept {
            mark: Mark { rowid: 1, hash: "h".into() },
            facts: Arc::new(facts),
            people: vec![7],
            cycles: Vec::new(),
            saved: None,
            since: None,
            tallies: Vec::new(),
            tallies_saved: false,
            unused: placed.unused,
        };
        // A dashboard still holding them: left as they are, and not to be saved so.
        let held = Arc::clone(&kept.facts);
        assert!(!kept.compacted());
        assert_eq!(kept.facts.withdrawals.len(), 2);
        drop(held);
        assert!(kept.compacted());
        assert_eq!((kept.unused, kept.facts.withdrawals.len()), (0, 1));
        assert_eq!(kept.facts.withdrawals_of(&kept.facts.payments[0]).len(), 1);
        assert!(too_many_unused(1, &one()) && !too_many_unused(0, &one()));
    }
}
