//! The facts of the people written since the snapshot, kept beside the facts and saved with
//! the tallies ([`super::tallies_saved`]), so that a start after writes since the last
//! dashboard picks the tallies up where they were.
//!
//! The saved tallies count every person as the kept facts held them when they were saved; the
//! snapshot holds the people written since it as they were before. Spliced into the snapshot's
//! facts, these people's facts give back the facts the tallies counted, whatever was written in
//! between (an officer writing the same person before and after a dashboard, a ward's bundle
//! merged twice). The start then patches what was written since the tallies as after any
//! write, instead of passing over every fact again.
//!
//! Saved, they are keyed to the snapshot's mark and checked before use like the snapshot
//! itself: anything that does not decode or hold together is only a lost head start.

use super::{Kept, Mark, columns, too_many_unused};
use crate::Store;
use crate::facts_kept::snapshot::{pack, unpack};
use crate::facts_kept::tallies_saved::Saved;
use ansinh_core::facts::Facts;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The people written since the kept facts' snapshot, and their facts as now kept.
#[derive(Default)]
pub(super) struct Since {
    /// Every person written since the snapshot (some may be gone from the data since).
    touched: FxHashSet<u128>,
    /// The facts of those still in the data, as the kept facts hold them.
    facts: Facts,
    /// Their ids, index-aligned with `facts.people`.
    people: Vec<u128>,
}

impl Since {
    /// After a patch: the `touched` people, read again as `part` (`part_people`: their ids).
    /// False when the part does not splice (then nothing can be saved until the next snapshot).
    pub(super) fn add(&mut self, touched: &[u128], part: &Facts, part_people: &[u128]) -> bool {
        let written: FxHashSet<u128> = touched.iter().copied().collect();
        let drop: Vec<bool> = self.people.iter().map(|p| written.contains(p)).collect();
        let Some((facts, placed)) = self.facts.splice(&drop, part) else { return false };
        self.people = placed.arrange(&self.people, part_people);
        self.facts = facts;
        self.touched.extend(written);
        true
    }

    /// How many people were written since the snapshot.
    pub(super) fn len(&self) -> usize {
        self.touched.len()
    }
}

#[derive(Serialize)]
struct DeltaOut<'a> {
    /// The snapshot they are spliced into.
    base: &'a Mark,
    /// The cycles the tallies were counted over.
    cycles: &'a [(String, String)],
    touched: Vec<u128>,
    people: &'a [u128],
    /// Their facts but the payments and withdrawals ([`Facts::without_payments`]).
    facts: &'a Facts,
    /// The payments and withdrawals by column, as the snapshot's ([`columns`]; checked the same
    /// way when read back).
    #[serde(with = "serde_bytes")]
    payments: &'a [u8],
    #[serde(with = "serde_bytes")]
    withdrawals: &'a [u8],
}

#[derive(Deserialize)]
struct DeltaIn {
    base: Mark,
    cycles: Vec<(String, String)>,
    touched: Vec<u128>,
    people: Vec<u128>,
    facts: Facts,
    #[serde(with = "serde_bytes")]
    payments: Vec<u8>,
    #[serde(with = "serde_bytes")]
    withdrawals: Vec<u8>,
}

/// What is saved beside `kept`'s tallies: their people written since the snapshot, compressed;
/// empty when the kept facts do not know them (no snapshot written since a full load).
pub(super) fn encoded(kept: &Kept) -> crate::error::Result<Vec<u8>> {
    let (Some(base), Some(since)) = (&kept.saved, &kept.since) else { return Ok(Vec::new()) };
    // Laid out by a splice, the payments' withdrawals follow one another without gaps.
    let Some(payments) = columns::encode_payments(0, &since.facts.payments)? else { return Ok(Vec::new()) };
    let out = DeltaOut {
        base,
        cycles: &kept.cycles,
        touched: since.touched.iter().copied().collect(),
        people: &since.people,
        facts: &since.facts.without_payments(),
        payments: &payments,
        withdrawals: &columns::encode_withdrawals(0, &since.facts.withdrawals)?,
    };
    Ok(pack(&super::encoded(&out)?))
}

/// The saved people of `body`, if they are keyed to the snapshot `base` and hold together:
/// each person once, each among those written, their facts well formed.
fn decoded(body: &[u8], base: &Mark) -> Option<DeltaIn> {
    let mut delta = unpack(body, |raw| postcard::from_bytes::<DeltaIn>(raw).ok())?;
    (_, delta.facts.payments) = columns::decode_payments(&std::mem::take(&mut delta.payments))?;
    (_, delta.facts.withdrawals) = columns::decode_withdrawals(&std::mem::take(&mut delta.withdrawals))?;
    let touched: FxHashSet<u128> = delta.touched.iter().copied().collect();
    let people: FxHashSet<u128> = delta.people.iter().copied().collect();
    let holds = delta.base == *base
        && delta.people.len() == delta.facts.people.len()
        && people.len() == delta.people.len()
        && people.is_subset(&touched)
        && delta.facts.well_formed();
    holds.then_some(delta)
}

/// Nothing was patched into the kept facts since the snapshot ([`Since::default`]): their
/// facts are the snapshot's, and no cycles were saved.
fn unpatched(delta: &DeltaIn) -> bool {
    delta.touched.is_empty() && delta.facts.periods.is_empty()
}

/// Do the people saved beside the tallies fit the snapshot's facts and the tallies' tables
/// (`context`), so that spliced into them they give the facts the tallies counted? Their own
/// tables' entries are all in the tallies' (nothing new is interned), and the cycles are the
/// tallies': theirs, or, when nothing was patched in since the snapshot (no cycles saved with
/// them), the snapshot's.
fn fits(delta: &DeltaIn, snapshot: &Facts, context: &Facts) -> bool {
    let within = |theirs: &[String], tallies: &[String]| theirs.iter().all(|t| tallies.contains(t));
    let cycles = if unpatched(delta) { snapshot } else { &delta.facts };
    within(&delta.facts.wards, &context.wards)
        && within(&delta.facts.groups, &context.groups)
        && within(&delta.facts.failure_reasons, &context.failure_reasons)
        && cycles.periods == context.periods
        && cycles.cycle_ends == context.cycle_ends
        && cycles.cycle_closed == context.cycle_closed
}

impl Store {
    /// At a start, `snapshot`'s facts brought to the saved tallies' change record with the
    /// people saved beside them, and the tallies adopted: the caller then patches what was
    /// written since as after any write. The snapshot as it was and the tallies back (for
    /// [`super::tallies_saved::adopt_saved_tallies`]) when they are not keyed to it or do
    /// not fit it.
    pub(super) fn caught_up(&self, mut snapshot: Kept, saved: Saved) -> (Kept, Option<Saved>) {
        let Some(delta) = decoded(&saved.delta, &snapshot.mark) else { return (snapshot, Some(saved)) };
        if !fits(&delta, &snapshot.facts, &saved.context) {
            return (snapshot, Some(saved));
        }
        let Some(facts) = Arc::get_mut(&mut snapshot.facts) else { return (snapshot, Some(saved)) };
        // The snapshot's tables extended to the tallies' (entries are only ever appended), so
        // the people spliced in take the codes the tallies counted them under.
        if !facts.extend_tables_to(&saved.context) {
            return (snapshot, Some(saved));
        }
        if !unpatched(&delta) {
            let written: FxHashSet<u128> = delta.touched.iter().copied().collect();
            let mut place: FxHashMap<u128, u32> = FxHashMap::default();
            let drop: Vec<bool> = snapshot
                .people
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let d = written.contains(p);
                    if d {
                        place.insert(*p, i as u32);
                    }
                    d
                })
                .collect();
            let at: Vec<Option<u32>> = delta.people.iter().map(|p| place.get(p).copied()).collect();
            let Some(placed) = facts.splice_in_place(&drop, &delta.facts, &at) else {
                return (snapshot, Some(saved));
            };
            if too_many_unused(snapshot.unused + placed.unused, facts) {
                facts.compact();
                snapshot.unused = 0;
            } else {
                snapshot.unused += placed.unused;
            }
            snapshot.people = placed.arrange(&snapshot.people, &delta.people);
            snapshot.since = Some(Since { touched: written, facts: delta.facts, people: delta.people });
        }
        facts.reports = saved.context.reports.clone();
        facts.programmes = saved.context.programmes.clone();
        snapshot.mark = saved.mark;
        snapshot.cycles = delta.cycles;
        // What `fits` checked leaves nothing to differ; were it otherwise, the facts are still
        // those of the tallies' change record, and only the tallies are not taken.
        if saved.context.same_context(facts) {
            self.facts_cache.count_tallies(|c| c.caught_up += 1);
            snapshot.tallies = saved.questions;
            snapshot.tallies_saved = true;
        }
        (snapshot, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(rowid: i64) -> Mark {
        Mark { rowid, hash: format!("h{rowid}") }
    }

    /// Two people's facts (no payments), one of them written since the snapshot.
    fn saved(base: &Mark, touched: Vec<u128>, people: &[u128], facts: &Facts) -> Vec<u8> {
        let payments = columns::encode_payments(0, &facts.payments).unwrap().unwrap();
        let withdrawals = columns::encode_withdrawals(0, &facts.withdrawals).unwrap();
        let out = DeltaOut {
            base,
            cycles: &[],
            touched,
            people,
            facts: &facts.without_payments(),
            payments: &payments,
            withdrawals: &withdrawals,
        };
        pack(&crate::facts_kept::encoded(&out).unwrap())
    }

    /// Two people, the first paid once and withdrawn once (the parent module's test facts).
    fn two() -> Facts {
        let mut facts = crate::facts_kept::tests::one();
        facts.people.push(facts.people[0]);
        facts
    }

    #[test]
    fn saved_people_are_read_only_for_their_snapshot_and_when_they_hold_together() {
        let (base, facts) = (mark(7), two());
        // Read back as they went, payments and withdrawals by column included.
        let back = decoded(&saved(&base, vec![1, 2, 3], &[1, 2], &facts), &base).unwrap();
        assert_eq!((back.people, back.touched.len()), (vec![1, 2], 3));
        assert_eq!(format!("{:?}", back.facts), format!("{facts:?}"));
        assert_eq!(back.facts.payments.len(), 1);
        // Keyed to another snapshot (or the same rowid of another log).
        assert!(decoded(&saved(&base, vec![1, 2], &[1, 2], &facts), &mark(8)).is_none());
        let other_log = Mark { rowid: 7, hash: "other".into() };
        assert!(decoded(&saved(&base, vec![1, 2], &[1, 2], &facts), &other_log).is_none());
        // A person twice, a person not among those written, ids not matching the facts.
        assert!(decoded(&saved(&base, vec![1, 2], &[1, 1], &facts), &base).is_none());
        assert!(decoded(&saved(&base, vec![1], &[1, 2], &facts), &base).is_none());
        assert!(decoded(&saved(&base, vec![1, 2, 3], &[1, 2, 3], &facts), &base).is_none());
        // Facts whose codes point nowhere; and a body that is not one.
        let mut bad = two();
        bad.people[1].ward = 5;
        assert!(decoded(&saved(&base, vec![1, 2], &[1, 2], &bad), &base).is_none());
        assert!(decoded(&[1, 2, 3], &base).is_none());
    }

    #[test]
    fn saved_people_fit_only_tallies_holding_their_codes_and_cycles() {
        let mut context = two().context();
        context.wards.push("B".into());
        let delta = |facts: Facts, touched: Vec<u128>| DeltaIn {
            base: mark(1),
            cycles: Vec::new(),
            touched,
            people: Vec::new(),
            facts,
            payments: Vec::new(),
            withdrawals: Vec::new(),
        };
        let mut snapshot = two();
        snapshot.wards.clear();
        assert!(fits(&delta(two(), vec![1]), &snapshot, &context));
        // A ward the tallies never counted.
        let mut stranger = two();
        stranger.wards = vec!["Z".into()];
        assert!(!fits(&delta(stranger, vec![1]), &snapshot, &context));
        // Cycles other than the tallies': theirs once something was patched, else the snapshot's.
        let mut later = two();
        later.periods = vec!["2026-10".into(), "2026-11".into()];
        (later.cycle_ends, later.cycle_closed) = (vec![None; 2], vec![None; 2]);
        assert!(!fits(&delta(later.clone(), vec![1]), &snapshot, &context));
        assert!(fits(&delta(Facts::default(), Vec::new()), &snapshot, &context));
        assert!(!fits(&delta(Facts::default(), Vec::new()), &later, &context));
    }

    #[tokio::test]
    async fn a_start_splices_the_people_in_under_the_codes_the_tallies_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).await.unwrap();
        // The snapshot: one person (id 7) in ward A.
        let snapshot = Kept {
            mark: mark(7),
            facts: Arc::new(crate::facts_kept::tests::one()),
            people: vec![7],
            cycles: Vec::new(),
            saved: Some(mark(7)),
            since: Some(Since::default()),
            tallies: Vec::new(),
            tallies_saved: false,
            unused: 0,
        };
        // Since then two people came, 8 in ward Y and 9 in ward X, the kept facts meeting X
        // first (the tallies' tables), the saved people listing Y first (their own tables).
        let mut context = crate::facts_kept::tests::one().context();
        context.wards = vec!["A".into(), "X".into(), "Y".into()];
        let mut came = crate::facts_kept::tests::one();
        came.wards = vec!["Y".into(), "X".into()];
        came.people.push(came.people[0]);
        came.people[1].ward = 1;
        let tallies =
            Saved { mark: mark(9), context, questions: Vec::new(), delta: saved(&mark(7), vec![8, 9], &[8, 9], &came) };
        let (kept, back) = store.caught_up(snapshot, tallies);
        assert!(back.is_none(), "taken");
        assert_eq!(kept.mark, mark(9));
        assert_eq!(kept.people, vec![7, 8, 9]);
        // Y stays the third ward, as the tallies counted it, not the second as spliced alone.
        assert_eq!(kept.facts.wards, vec!["A", "X", "Y"]);
        assert_eq!(kept.facts.people.iter().map(|p| p.ward).collect::<Vec<_>>(), vec![0, 2, 1]);
        assert_eq!((kept.facts.payments.len(), kept.facts.payments[1].person), (2, 1));
        assert!(kept.facts.well_formed());
        assert_eq!(store.tally_counts().caught_up, 1);
        // Keyed to another snapshot: the snapshot and the tallies are given back as they were.
        let other = Kept { mark: mark(6), saved: Some(mark(6)), ..kept };
        let tallies = Saved {
            mark: mark(9),
            context: other.facts.context(),
            questions: Vec::new(),
            delta: saved(&mark(7), vec![8], &[8], &came),
        };
        let (kept, back) = store.caught_up(other, tallies);
        assert!(back.is_some() && kept.mark == mark(6));
        assert_eq!(store.tally_counts().caught_up, 1);
    }
}
