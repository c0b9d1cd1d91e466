//! The kept tallies saved in the database (`facts_tallies`, migration 0022), so that a start
//! with nothing written since (the supervisor opening the app again the same day) answers the
//! dashboard from them, without reading the facts: at city size the snapshot alone takes
//! seconds to read and a pass over every fact as much again.
//!
//! A start after writes since the saved tallies uses them too: saved beside them are the facts
//! of the people written between the snapshot and them ([`super::since`]), which bring the
//! snapshot's facts to the tallies' change record; what was written since is then patched in
//! as after any write (`Store::bring_up_to` in the parent module).
//!
//! A saved tally is derived data and is checked before it is read: it is read alone only for
//! the same change record ([`Mark`]), the same build (a new version may count differently), the
//! same question (day, filter, segmentations), the same programmes (they follow the reference
//! data and today's date, not the log), and only when its shape fits the tables it was saved
//! with ([`Tally::fits`]). Anything else and the dashboard takes the usual path, which saves
//! them again.

use super::{Kept, KeptTally, Mark};
use crate::Store;
use crate::error::Result;
use crate::facts::programmes;
use ansinh_core::facts::Facts;
use ansinh_core::model::{Scheme, SegmentBy};
use ansinh_core::segments::{Filter, Tally};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The saved tallies' layout; another layout is ignored (and rewritten).
const FORMAT: i64 = 2;

/// Which code saved them: the accumulators' meaning may change between versions (build.rs).
const BUILD: &str = env!("ANSINH_FACTS_CODE");

#[derive(Serialize)]
struct SavedOut<'a> {
    build: &'a str,
    mark: &'a Mark,
    /// The facts' tables and cycles only ([`Facts::context`]): what the tallies' codes index.
    context: &'a Facts,
    programmes: &'a [Vec<Scheme>],
    questions: Vec<QuestionOut<'a>>,
    /// The people written since the snapshot ([`super::since::encoded`]).
    #[serde(with = "serde_bytes")]
    since: &'a [u8],
}

#[derive(Serialize)]
struct QuestionOut<'a> {
    /// Days from the common era's first day.
    as_of: i32,
    filter: &'a Filter,
    bys: &'a [Vec<SegmentBy>],
    tally: &'a Tally,
}

#[derive(Deserialize)]
struct SavedIn {
    build: String,
    mark: Mark,
    context: Facts,
    programmes: Vec<Vec<Scheme>>,
    questions: Vec<QuestionIn>,
    #[serde(with = "serde_bytes")]
    since: Vec<u8>,
}

#[derive(Deserialize)]
struct QuestionIn {
    as_of: i32,
    filter: Filter,
    bys: Vec<Vec<SegmentBy>>,
    tally: Tally,
}

/// The saved tallies, as read back and checked.
pub(super) struct Saved {
    /// The change record they reflect.
    pub(super) mark: Mark,
    /// The tables they index ([`Facts::context`]).
    pub(super) context: Facts,
    pub(super) questions: Vec<KeptTally>,
    /// The people written since the snapshot, as saved (decoded and checked only at a start
    /// that needs them: [`Store::caught_up`]).
    pub(super) delta: Vec<u8>,
}

impl Store {
    /// The saved tally of the question, with the tables it indexes, if it reflects `now` and
    /// passes every check in the module's comment.
    pub(super) async fn saved_tally(
        &self,
        now: &Mark,
        as_of: NaiveDate,
        filter: &Filter,
        bys: &[Vec<SegmentBy>],
    ) -> Result<Option<(Arc<Facts>, Arc<Tally>, Vec<usize>)>> {
        let Some(saved) = self.saved_tallies().await?.filter(|s| s.mark == *now) else { return Ok(None) };
        let found = saved.questions.into_iter().find_map(|k| Some((k.answers(as_of, filter, bys)?, k.tally)));
        Ok(found.map(|(asked, tally)| (Arc::new(saved.context), tally, asked)))
    }

    /// The saved questions that pass the checks (but the change record: the caller's), with
    /// the tables they index and the change record they reflect.
    pub(super) async fn saved_tallies(&self) -> Result<Option<Saved>> {
        // Saved tallies that do not decode are only a lost head start.
        let Some(saved) = self.read_derived::<SavedIn>(super::Derived::Tallies, FORMAT).await? else { return Ok(None) };
        if saved.build != BUILD {
            return Ok(None);
        }
        let mut context = saved.context;
        context.programmes = programmes(&context, &*self.refs().await?);
        if context.programmes != saved.programmes {
            return Ok(None);
        }
        let questions = saved
            .questions
            .into_iter()
            .filter_map(|q| {
                let as_of = NaiveDate::from_num_days_from_ce_opt(q.as_of)?;
                q.tally.fits(&context, as_of, &q.filter, &q.bys).then(|| KeptTally {
                    as_of,
                    filter: q.filter,
                    bys: q.bys,
                    tally: Arc::new(q.tally),
                })
            })
            .collect();
        Ok(Some(Saved { mark: saved.mark, context, questions, delta: saved.since }))
    }

    /// Saves `kept`'s tallies when the writer is free (tried at the next dashboard if not).
    pub(super) async fn save_tallies(&self, kept: &Kept) -> Result<bool> {
        let context = kept.facts.context();
        let since = super::since::encoded(kept)?;
        let out = SavedOut {
            build: BUILD,
            mark: &kept.mark,
            context: &context,
            programmes: &kept.facts.programmes,
            questions: kept
                .tallies
                .iter()
                .map(|k| QuestionOut {
                    as_of: k.as_of.num_days_from_ce(),
                    filter: &k.filter,
                    bys: &k.bys,
                    tally: &k.tally,
                })
                .collect(),
            since: &since,
        };
        self.save_derived(super::Derived::Tallies, FORMAT, &kept.mark, &out).await
    }

    /// Forgets the saved tallies (benchmarks time the first dashboard of a day).
    #[doc(hidden)]
    pub async fn forget_saved_tallies(&self) -> Result<()> {
        sqlx::query("DELETE FROM facts_tallies").execute(&self.writer).await?;
        Ok(())
    }

    /// The saved tallies' size in bytes.
    #[doc(hidden)]
    pub async fn saved_tallies_bytes(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(SUM(length(body)), 0) FROM facts_tallies")
            .fetch_one(&self.reader)
            .await?)
    }
}

/// At a start, the saved questions join the kept facts when they reflect the same change
/// record and tables: the next save then keeps them beside the questions asked since.
pub(super) fn adopt_saved_tallies(kept: &mut Kept, saved: Saved) {
    if saved.mark == kept.mark && saved.context.same_context(&kept.facts) {
        kept.tallies = saved.questions;
        kept.tallies_saved = true;
    }
}
