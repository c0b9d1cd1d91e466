//! Indicators per segment. One pass over the [`Facts`] feeds one [`Acc`] per segment for every
//! requested segmentation (one or two dimensions each) at once; a person with several needs
//! counts in each of their needs' segments.
//!
//! Every fact has a segment value for each dimension, except: grievances have no channel, and
//! a fact whose month is not a payment cycle has no cycle; such a fact is left out of that
//! segmentation (never out of the overall figures). Segments with fewer than
//! [`MIN_SEGMENT_PAYMENTS`] issued payments are reported as "too few to judge" (`too_few`,
//! no figures): a percentage of 3 people says nothing about a ward.

use crate::ErrorCode;
use crate::censoring::{DEFAULT_MIN_COVERAGE_PCT, KnownThrough};
use crate::dates::{self, AgeBand};
use crate::facts::{AccountFact, Facts, GrievanceFact, PaymentFact, Person, VerificationFact};
use crate::measures::{Acc, Indicators, PaymentCtx, PaymentEffect};
use crate::model::{Channel, Disability, Need, PaymentStatus, Scheme, SegmentBy};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Fewer issued payments than this and a segment is "too few to judge".
pub const MIN_SEGMENT_PAYMENTS: u64 = 10;
/// How many worst wards / groups are named.
pub const WORST_COUNT: usize = 3;

/// Which facts count. Periods are month numbers (see [`month_number`]), inclusive; payments
/// and verifications by their cycle, accounts by their opening month, grievances by the month
/// they were opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub ward: Option<String>,
    pub group: Option<String>,
    pub channel: Option<Channel>,
    pub need: Option<Need>,
    /// Time to cash is shown where at least this share (percent) of payments have a known
    /// status ([`crate::censoring`]); None: [`DEFAULT_MIN_COVERAGE_PCT`].
    pub min_coverage: Option<u8>,
}

impl Filter {
    pub fn min_coverage_pct(&self) -> u8 {
        self.min_coverage.unwrap_or(DEFAULT_MIN_COVERAGE_PCT)
    }
}

/// year × 12 + month − 1: months as consecutive integers.
pub fn month_number(year: i32, month: u32) -> i32 {
    year * 12 + month as i32 - 1
}

fn month_of(d: NaiveDate) -> i32 {
    month_number(d.year(), d.month())
}

fn period_month(period: &str) -> i32 {
    let (y, m) = period.split_once('-').unwrap_or(("0", "1"));
    month_number(y.parse().unwrap_or(0), m.parse().unwrap_or(1))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(as = "SegmentShape")]
pub struct Segment {
    /// The segment's values joined with "/" (e.g. "00004/80_plus").
    pub key: String,
    /// One value per dimension of `by`.
    pub keys: Vec<String>,
    pub label: String,
    /// Payments issued in the segment.
    pub size: u64,
    /// Fewer than `min_segment_payments`: no figures are given.
    pub too_few: bool,
    #[serde(flatten)]
    pub indicators: Option<Indicators>,
}

/// How a [`Segment`] serialises, for the TypeScript contract (crates/api/src/contract.rs): the
/// figures are there exactly when `too_few` is false (see `segments`), which a union says and a
/// flattened `Option` cannot. Kept field for field with `Segment` (test `segment_shape`).
#[derive(ts_rs::TS)]
#[allow(dead_code)]
struct SegmentShape {
    /// The segment's values joined with "/" (e.g. "00004/80_plus").
    key: String,
    /// One value per dimension of `by`.
    keys: Vec<String>,
    label: String,
    /// Payments issued in the segment.
    size: u64,
    #[ts(flatten)]
    figures: SegmentFigures,
}

/// `too_few` and the figures it decides (see [`SegmentShape`]).
#[derive(ts_rs::TS)]
#[ts(untagged)]
#[allow(dead_code)]
enum SegmentFigures {
    Judged {
        #[ts(type = "false")]
        too_few: bool,
        #[ts(flatten)]
        indicators: Box<Indicators>,
    },
    TooFew {
        /// Fewer than `min_segment_payments`: no figures are given.
        #[ts(type = "true")]
        too_few: bool,
    },
}

/// A ward or group named among the slowest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Worst {
    pub key: String,
    pub label: String,
    /// Median days to cash; null when fewer than half have withdrawn so far.
    pub median_days: Option<i64>,
    pub withdrawn_by_day_3: Option<f64>,
    pub credited: u64,
}

/// The answer to `metrics`: overall figures, per segment when asked, and the slowest wards
/// and groups by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MetricsReport {
    /// ISO date the figures are computed at (payments not withdrawn by then are censored).
    pub as_of: String,
    pub min_segment_payments: u64,
    /// Percent of payments with a known status below which time to cash is not shown.
    pub min_coverage: u8,
    #[serde(flatten)]
    pub overall: Indicators,
    #[serde(default)]
    pub by: Vec<SegmentBy>,
    /// Only when `by` names a dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub segments: Option<Vec<Segment>>,
    pub worst_wards: Vec<Worst>,
    pub worst_groups: Vec<Worst>,
}

/// The segment value codes of one fact.
struct Ctx<'a> {
    person: &'a Person,
    channel: Option<Channel>,
    period: Option<u32>,
    age_on: NaiveDate,
    /// The programme the person is paid under in that cycle (or today).
    programme: Option<Scheme>,
    /// Payments and their verifications: a one-off payment rather than the month's; None for
    /// accounts and grievances (left out of that segmentation).
    one_off: Option<bool>,
}

const NO_NEED: u32 = Need::ALL.len() as u32;

/// Pushes the codes of `dim` for this fact (several for needs, none when unknown).
fn codes(dim: SegmentBy, c: &Ctx, out: &mut Vec<u32>) {
    match dim {
        SegmentBy::Ward => out.push(c.person.ward),
        SegmentBy::Group => out.push(c.person.group),
        SegmentBy::Age => {
            let band = AgeBand::of(dates::age_on(&c.person.birth, c.age_on));
            out.push(AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0) as u32);
        }
        SegmentBy::Disability => {
            out.push(Disability::ALL.iter().position(|d| *d == c.person.disability).unwrap_or(0) as u32)
        }
        SegmentBy::Channel => {
            if let Some(ch) = c.channel {
                out.push(Channel::ALL.iter().position(|x| *x == ch).unwrap_or(0) as u32);
            }
        }
        SegmentBy::Need => {
            let before = out.len();
            out.extend((0..Need::ALL.len()).filter(|i| c.person.needs.has(Need::ALL[*i])).map(|i| i as u32));
            if out.len() == before {
                out.push(NO_NEED);
            }
        }
        SegmentBy::Assisted => out.push(u32::from(c.person.assisted)),
        SegmentBy::Cycle => {
            if let Some(p) = c.period {
                out.push(p);
            }
        }
        SegmentBy::Programme => {
            if let Some(s) = c.programme {
                out.push(Scheme::ALL.iter().position(|x| *x == s).unwrap_or(0) as u32);
            }
        }
        SegmentBy::Kind => {
            if let Some(one_off) = c.one_off {
                out.push(u32::from(one_off));
            }
        }
    }
}

/// The text code of a segment value (what `key` / `keys` hold).
fn code_text(facts: &Facts, dim: SegmentBy, code: u32) -> String {
    let i = code as usize;
    match dim {
        SegmentBy::Ward => facts.wards[i].clone(),
        SegmentBy::Group => facts.groups[i].clone(),
        SegmentBy::Age => AgeBand::ALL[i].code().to_string(),
        SegmentBy::Disability => Disability::ALL[i].as_str().to_string(),
        SegmentBy::Channel => Channel::ALL[i].as_str().to_string(),
        SegmentBy::Need => Need::ALL.get(i).map_or("none", |n| n.as_str()).to_string(),
        SegmentBy::Assisted => if code == 1 { "assisted" } else { "unassisted" }.to_string(),
        SegmentBy::Cycle => facts.periods[i].clone(),
        SegmentBy::Programme => Scheme::ALL[i].as_str().to_string(),
        SegmentBy::Kind => if code == 1 { "one_off" } else { "monthly" }.to_string(),
    }
}

/// How many values a dimension has in these facts (codes are 0..cardinality).
fn cardinality(facts: &Facts, dim: SegmentBy) -> usize {
    match dim {
        SegmentBy::Ward => facts.wards.len(),
        SegmentBy::Group => facts.groups.len(),
        SegmentBy::Age => AgeBand::ALL.len(),
        SegmentBy::Disability => Disability::ALL.len(),
        SegmentBy::Channel => Channel::ALL.len(),
        SegmentBy::Need => Need::ALL.len() + 1,
        SegmentBy::Assisted => 2,
        SegmentBy::Cycle => facts.periods.len(),
        SegmentBy::Programme => Scheme::ALL.len(),
        SegmentBy::Kind => 2,
    }
}

/// One segmentation's accumulators, keyed by up to two codes: a flat table indexed by
/// `x × (values of the second dimension) + y` (codes are small, so no hashing per fact).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Split {
    dims: Vec<SegmentBy>,
    width: usize,
    accs: Vec<Option<Acc>>,
    /// Scratch: the codes of the fact at hand.
    #[serde(skip)]
    a: Vec<u32>,
    #[serde(skip)]
    b: Vec<u32>,
}

impl Split {
    fn new(facts: &Facts, dims: &[SegmentBy]) -> Self {
        let width = dims.get(1).map_or(1, |d| cardinality(facts, *d)).max(1);
        let cells = cardinality(facts, dims[0]).max(1) * width;
        Split { dims: dims.to_vec(), width, accs: vec![None; cells], a: Vec::new(), b: Vec::new() }
    }

    fn each(&mut self, c: &Ctx, f: impl Fn(&mut Acc)) {
        self.a.clear();
        self.b.clear();
        codes(self.dims[0], c, &mut self.a);
        match self.dims.get(1) {
            Some(d) => codes(*d, c, &mut self.b),
            None => self.b.push(0),
        }
        for x in &self.a {
            for y in &self.b {
                f(self.accs[*x as usize * self.width + *y as usize].get_or_insert_with(Acc::default));
            }
        }
    }

    /// Adds every accumulator of `other` (the same segmentation over other facts).
    fn add(&mut self, other: &Split) {
        for (mine, theirs) in self.accs.iter_mut().zip(&other.accs) {
            if let Some(t) = theirs {
                match mine {
                    Some(m) => m.merge(t),
                    None => *mine = Some(t.clone()),
                }
            }
        }
    }

    /// Takes out every accumulator of `other` (the same segmentation over a part of these
    /// facts); a segment left with no facts goes, as if it had never had any.
    fn subtract(&mut self, other: &Split) {
        for (mine, theirs) in self.accs.iter_mut().zip(&other.accs) {
            if let (Some(m), Some(t)) = (mine.as_mut(), theirs) {
                m.subtract(t);
                if m.is_empty() {
                    *mine = None;
                }
            }
        }
    }

    /// The segments that have facts, keyed by their codes.
    fn keyed(&self) -> Vec<((u32, u32), &Acc)> {
        let width = self.width;
        self.accs
            .iter()
            .enumerate()
            .filter_map(|(i, acc)| acc.as_ref().map(|a| (((i / width) as u32, (i % width) as u32), a)))
            .collect()
    }
}

/// Everything one pass computes.
pub struct Computed {
    pub overall: Indicators,
    /// One list per requested segmentation, in its order.
    pub segmentations: Vec<Vec<Segment>>,
    pub worst_wards: Vec<Worst>,
    pub worst_groups: Vec<Worst>,
}

/// The accumulators of a pass before they are read ([`finish`]). Every one is an exact count,
/// so tallies add and subtract: a caller that keeps one can take out the facts of the people a
/// write changed and add their new facts instead of reading every fact again
/// (crates/store/src/facts_kept.rs). A tally is only good with facts of the same cycles,
/// tables, payers' reports and programmes ([`Facts::same_context`]): its codes index them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tally {
    overall: Acc,
    /// The requested segmentations, then wards and groups (for the slowest).
    splits: Vec<Split>,
    min_coverage: u8,
}

impl Tally {
    /// Adds `other` (the same question over other facts).
    pub fn add(&mut self, other: &Tally) {
        self.overall.merge(&other.overall);
        for (mine, theirs) in self.splits.iter_mut().zip(&other.splits) {
            mine.add(theirs);
        }
    }

    /// Takes out `other` (the same question over a part of these facts).
    pub fn subtract(&mut self, other: &Tally) {
        self.overall.subtract(&other.overall);
        for (mine, theirs) in self.splits.iter_mut().zip(&other.splits) {
            mine.subtract(theirs);
        }
    }

    /// This tally of `facts` on the day `from` made a tally of the same question on the day
    /// `to`: the facts whose part differs ([`day_moved`]) taken out as seen on `from` and added
    /// as seen on `to`. A new day's dashboard then passes over the payments still open rather
    /// than accumulating every payment again.
    pub fn carry(&mut self, facts: &Facts, from: NaiveDate, to: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) {
        let moved = day_moved(facts, from, to, filter);
        self.subtract(&tally_of(facts, from, filter, bys, &moved));
        self.add(&tally_of(facts, to, filter, bys, &moved));
    }

    /// Where each of `bys`' segmentations is in this tally (the indices [`finish_some`] takes),
    /// if it has them all: a segmentation is its first two dimensions, and an empty one is none
    /// (as a pass makes them).
    pub fn covers(&self, bys: &[Vec<SegmentBy>]) -> Option<Vec<usize>> {
        let asked = self.splits.len().saturating_sub(2);
        bys.iter()
            .filter(|b| !b.is_empty())
            .map(|b| self.splits[..asked].iter().position(|s| s.dims == b[..b.len().min(2)]))
            .collect()
    }

    /// Has this tally the shape of the question (`filter`, `bys`) over facts with `facts`'
    /// tables: the same segmentations with as many cells, failure reasons the table names? A
    /// tally read back from storage is checked so before [`finish`] indexes tables with it.
    pub fn fits(&self, facts: &Facts, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> bool {
        let shape = Pass::new(facts, as_of, filter, bys).empty();
        let reasons = facts.failure_reasons.len();
        self.min_coverage == shape.min_coverage
            && self.overall.reasons_within(reasons)
            && self.splits.len() == shape.splits.len()
            && self.splits.iter().zip(&shape.splits).all(|(s, e)| {
                s.dims == e.dims
                    && s.width == e.width
                    && s.accs.len() == e.accs.len()
                    && s.accs.iter().flatten().all(|a| a.reasons_within(reasons))
            })
    }
}

/// Some facts, by their index in each list (e.g. the facts of the people a write touched).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactIndices {
    pub payments: Vec<u32>,
    pub accounts: Vec<u32>,
    pub grievances: Vec<u32>,
    pub verifications: Vec<u32>,
}

impl FactIndices {
    /// Every fact of the people `chosen` picks (by their index in `facts.people`).
    pub fn of_people(facts: &Facts, chosen: impl Fn(usize) -> bool) -> FactIndices {
        let pick = |person: u32| chosen(person as usize);
        let mut out = FactIndices::default();
        let mut paid = vec![false; facts.payments.len()];
        for (i, p) in facts.payments.iter().enumerate() {
            if pick(p.person) {
                paid[i] = true;
                out.payments.push(i as u32);
            }
        }
        out.accounts = (0..facts.accounts.len() as u32).filter(|i| pick(facts.accounts[*i as usize].person)).collect();
        out.grievances =
            (0..facts.grievances.len() as u32).filter(|i| pick(facts.grievances[*i as usize].person)).collect();
        out.verifications = (0..facts.verifications.len() as u32)
            .filter(|i| paid[facts.verifications[*i as usize].payment as usize])
            .collect();
        out
    }
}

/// What a pass over the facts needs for every fact: the question (day, filter, segmentations)
/// resolved against the facts' tables once.
struct Pass<'f> {
    facts: &'f Facts,
    as_of: NaiveDate,
    filter: &'f Filter,
    bys: &'f [Vec<SegmentBy>],
    period_months: Vec<i32>,
    /// The filter's ward and group as indices (Some(None): named, but not in these facts).
    ward: Option<Option<usize>>,
    group: Option<Option<usize>>,
    known: KnownThrough<'f>,
}

impl<'f> Pass<'f> {
    fn new(facts: &'f Facts, as_of: NaiveDate, filter: &'f Filter, bys: &'f [Vec<SegmentBy>]) -> Self {
        Pass {
            facts,
            as_of,
            filter,
            bys,
            period_months: facts.periods.iter().map(|p| period_month(p)).collect(),
            ward: filter.ward.as_ref().map(|w| facts.wards.iter().position(|x| x == w)),
            group: filter.group.as_ref().map(|g| facts.groups.iter().position(|x| x == g)),
            known: KnownThrough::new(facts, as_of),
        }
    }

    fn empty(&self) -> Tally {
        let mut splits: Vec<Split> =
            self.bys.iter().filter(|b| !b.is_empty()).map(|b| Split::new(self.facts, &b[..b.len().min(2)])).collect();
        splits.push(Split::new(self.facts, &[SegmentBy::Ward]));
        splits.push(Split::new(self.facts, &[SegmentBy::Group]));
        Tally { overall: Acc::default(), splits, min_coverage: self.filter.min_coverage_pct() }
    }

    fn keep(&self, person: &Person, channel: Option<Channel>, month: i32) -> bool {
        let filter = self.filter;
        filter.from.is_none_or(|f| month >= f)
            && filter.to.is_none_or(|t| month <= t)
            && self.ward.is_none_or(|w| w == Some(person.ward as usize))
            && self.group.is_none_or(|g| g == Some(person.group as usize))
            && filter.channel.is_none_or(|c| channel == Some(c))
            && filter.need.is_none_or(|n| person.needs.has(n))
    }

    fn cycle_of_month(&self, m: i32) -> Option<u32> {
        self.period_months.binary_search(&m).ok().map(|i| i as u32)
    }

    fn payment(&self, t: &mut Tally, p: &PaymentFact) {
        let facts = self.facts;
        let person = &facts.people[p.person as usize];
        if !self.keep(person, Some(p.channel), self.period_months[p.period as usize]) {
            return;
        }
        let ctx = self.payment_ctx(p, person);
        let c = Ctx {
            person,
            channel: Some(p.channel),
            period: Some(p.period),
            age_on: p.credited_on.or(p.scheduled_on).unwrap_or(self.as_of),
            programme: facts.programme(person, Some(p.period)),
            one_off: Some(p.one_off),
        };
        let effect = PaymentEffect::of(p, &ctx);
        t.overall.add_effect(&effect);
        for s in &mut t.splits {
            s.each(&c, |acc| acc.add_effect(&effect));
        }
    }

    /// What the payment's effect on this day reads besides the payment.
    fn payment_ctx(&self, p: &PaymentFact, person: &Person) -> PaymentCtx<'f> {
        PaymentCtx {
            withdrawals: self.facts.withdrawals_of(p),
            cycle_end: self.facts.cycle_ends[p.period as usize],
            checked_on: self.known.checked(p, person.ward),
            as_of: self.as_of,
        }
    }

    /// Does the payment add something else to a tally of `other`'s day than to one of this
    /// day? Its effect is worked out for both days and compared; a payment without a date is
    /// placed in its age band on the day asked, so it always may. Most payments of a city are
    /// [`settled_between`] the days and skip the comparison (debug builds still make it).
    fn payment_moves(&self, other: &Pass, p: &PaymentFact) -> bool {
        let person = &self.facts.people[p.person as usize];
        if !self.keep(person, Some(p.channel), self.period_months[p.period as usize]) {
            return false;
        }
        let compared = || {
            (p.credited_on.is_none() && p.scheduled_on.is_none())
                || PaymentEffect::of(p, &self.payment_ctx(p, person))
                    != PaymentEffect::of(p, &other.payment_ctx(p, person))
        };
        if settled_between(self.facts, p, self.as_of, other.as_of) {
            debug_assert!(!compared(), "a settled payment moved between {} and {}: {p:?}", self.as_of, other.as_of);
            return false;
        }
        compared()
    }

    fn payments<'p>(&self, payments: impl Iterator<Item = &'p PaymentFact>) -> Tally {
        let mut t = self.empty();
        for p in payments {
            self.payment(&mut t, p);
        }
        t
    }

    fn account(&self, t: &mut Tally, a: &AccountFact) {
        let person = &self.facts.people[a.person as usize];
        let month = month_of(a.opened_on);
        if !self.keep(person, Some(a.channel), month) {
            return;
        }
        let period = self.cycle_of_month(month);
        let programme = self.facts.programme(person, period);
        let c = Ctx { person, channel: Some(a.channel), period, age_on: a.opened_on, programme, one_off: None };
        t.overall.add_account(a, self.as_of);
        for s in &mut t.splits {
            s.each(&c, |acc| acc.add_account(a, self.as_of));
        }
    }

    fn grievance(&self, t: &mut Tally, g: &GrievanceFact) {
        let person = &self.facts.people[g.person as usize];
        let month = month_of(g.opened_on);
        // Grievances have no channel, so a channel filter keeps none of them.
        if self.filter.channel.is_some() || !self.keep(person, None, month) {
            return;
        }
        let period = self.cycle_of_month(month);
        let programme = self.facts.programme(person, period);
        let c = Ctx { person, channel: None, period, age_on: g.opened_on, programme, one_off: None };
        t.overall.add_grievance(g, self.as_of);
        for s in &mut t.splits {
            s.each(&c, |acc| acc.add_grievance(g, self.as_of));
        }
    }

    fn verification(&self, t: &mut Tally, v: &VerificationFact) {
        if v.verified_on > self.as_of {
            return;
        }
        let p = &self.facts.payments[v.payment as usize];
        let person = &self.facts.people[p.person as usize];
        if !self.keep(person, Some(p.channel), self.period_months[p.period as usize]) {
            return;
        }
        let programme = self.facts.programme(person, Some(p.period));
        let c = Ctx {
            person,
            channel: Some(p.channel),
            period: Some(p.period),
            age_on: v.verified_on,
            programme,
            one_off: Some(p.one_off),
        };
        t.overall.add_verification(v.full);
        for s in &mut t.splits {
            s.each(&c, |acc| acc.add_verification(v.full));
        }
    }
}

/// Computes every indicator at `as_of` for the facts `filter` keeps, overall and for each of
/// `bys` (each one or two dimensions). `label(dim, code)` names a segment value.
pub fn compute(
    facts: &Facts,
    as_of: NaiveDate,
    filter: &Filter,
    bys: &[Vec<SegmentBy>],
    label: &dyn Fn(SegmentBy, &str) -> String,
) -> Computed {
    compute_with(facts, as_of, filter, bys, label, default_threads())
}

/// Threads for the payments (the bulk of the facts): every core, a few at most.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(4)
}

/// [`compute`] on `threads` threads: each adds a share of the payments into its own
/// accumulators, then they are merged (every accumulator is an exact count, so the answer is
/// the same for any number of threads).
pub fn compute_with(
    facts: &Facts,
    as_of: NaiveDate,
    filter: &Filter,
    bys: &[Vec<SegmentBy>],
    label: &dyn Fn(SegmentBy, &str) -> String,
    threads: usize,
) -> Computed {
    finish(facts, &tally_with(facts, as_of, filter, bys, threads), label)
}

/// The accumulators of [`compute`] over every fact, not read yet.
pub fn tally(facts: &Facts, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>]) -> Tally {
    tally_with(facts, as_of, filter, bys, default_threads())
}

fn tally_with(facts: &Facts, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>], threads: usize) -> Tally {
    let pass = Pass::new(facts, as_of, filter, bys);
    let mut parts = by_shares(&facts.payments, threads, |_, share| pass.payments(share.iter()));
    let mut t = parts.remove(0);
    for part in &parts {
        t.add(part);
    }
    for a in &facts.accounts {
        pass.account(&mut t, a);
    }
    for g in &facts.grievances {
        pass.grievance(&mut t, g);
    }
    for v in &facts.verifications {
        pass.verification(&mut t, v);
    }
    t
}

/// `work` over the payments in one share per thread (one share below a few thousand payments,
/// where a thread costs more than it saves), each given its share and the index of its first
/// payment; the results in the shares' order.
fn by_shares<R: Send>(
    payments: &[PaymentFact],
    threads: usize,
    work: impl Fn(usize, &[PaymentFact]) -> R + Sync,
) -> Vec<R> {
    if threads <= 1 || payments.len() < 20_000 {
        return vec![work(0, payments)];
    }
    let size = payments.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            payments.chunks(size).enumerate().map(|(n, share)| scope.spawn(move || work(n * size, share))).collect();
        handles.into_iter().map(|h| h.join().expect("a payments thread panicked")).collect()
    })
}

/// The accumulators of [`compute`] over some facts only (`only`), to add to or take out of a
/// tally of every fact.
pub fn tally_of(facts: &Facts, as_of: NaiveDate, filter: &Filter, bys: &[Vec<SegmentBy>], only: &FactIndices) -> Tally {
    let pass = Pass::new(facts, as_of, filter, bys);
    let mut t = pass.payments(only.payments.iter().map(|i| &facts.payments[*i as usize]));
    for i in &only.accounts {
        pass.account(&mut t, &facts.accounts[*i as usize]);
    }
    for i in &only.grievances {
        pass.grievance(&mut t, &facts.grievances[*i as usize]);
    }
    for i in &only.verifications {
        pass.verification(&mut t, &facts.verifications[*i as usize]);
    }
    t
}

/// Is `day` after the earlier of two days and by the later?
fn between(day: NaiveDate, a: NaiveDate, b: NaiveDate) -> bool {
    a.min(b) < day && day <= a.max(b)
}

/// A payment that adds the same on both days, known without working out its effect: credited
/// and first withdrawn by the earlier day (an event, whatever its checks), with no withdrawal
/// and no end of its cycle between the days (what it delivered and whether it was left at
/// the cycle's end stay as they were).
fn settled_between(facts: &Facts, p: &PaymentFact, a: NaiveDate, b: NaiveDate) -> bool {
    let first = a.min(b);
    let withdrawals = facts.withdrawals_of(p);
    p.status == PaymentStatus::Credited
        && p.credited_on.is_some_and(|c| c <= first)
        && withdrawals.first().is_some_and(|w| w.on <= first)
        && !withdrawals.iter().any(|w| between(w.on, a, b))
        && !facts.cycle_ends[p.period as usize].is_some_and(|e| between(e, a, b))
}

/// The facts whose part in a tally of `filter` may differ between the days `from` and `to`
/// (what [`Tally::carry`] takes out and adds again):
/// - each payment whose effect differs on the two days (worked out for both and compared, on
///   every core, unless it is plainly settled): on a new day, the ones still open or with a
///   date between the days;
/// - each account, grievance and verification visit with one of its own dates between the
///   days: they compare the day with nothing else (`Acc::add_account`, `Acc::add_grievance`,
///   [`Pass::verification`]).
pub fn day_moved(facts: &Facts, from: NaiveDate, to: NaiveDate, filter: &Filter) -> FactIndices {
    let (a, b) = (Pass::new(facts, from, filter, &[]), Pass::new(facts, to, filter, &[]));
    let moves = |day: NaiveDate| between(day, from, to);
    let picked = |n: usize, moved: &dyn Fn(usize) -> bool| (0..n).filter(|i| moved(*i)).map(|i| i as u32).collect();
    let payments = by_shares(&facts.payments, default_threads(), |first, share| {
        let moved = share.iter().enumerate().filter(|(_, p)| a.payment_moves(&b, p));
        moved.map(|(i, _)| (first + i) as u32).collect::<Vec<u32>>()
    });
    let payments = payments.concat();
    let account = |i: usize| {
        let x = &facts.accounts[i];
        moves(x.opened_on) || x.first_credit_on.is_some_and(moves) || x.first_withdrawal_on.is_some_and(moves)
    };
    let grievance = |i: usize| moves(facts.grievances[i].opened_on) || facts.grievances[i].closed_on.is_some_and(moves);
    FactIndices {
        payments,
        accounts: picked(facts.accounts.len(), &account),
        grievances: picked(facts.grievances.len(), &grievance),
        verifications: picked(facts.verifications.len(), &|i| moves(facts.verifications[i].verified_on)),
    }
}

/// Reads the figures off a tally of these facts.
pub fn finish(facts: &Facts, t: &Tally, label: &dyn Fn(SegmentBy, &str) -> String) -> Computed {
    let asked: Vec<usize> = (0..t.splits.len().saturating_sub(2)).collect();
    finish_some(facts, t, &asked, label)
}

/// Reads the figures off a tally of these facts, for some of its segmentations only (by
/// index, from [`Tally::covers`]): a tally of many segmentations answers each question asking
/// for some of them.
pub fn finish_some(facts: &Facts, t: &Tally, asked: &[usize], label: &dyn Fn(SegmentBy, &str) -> String) -> Computed {
    let reason = |r: u32| facts.failure_reasons[r as usize].clone();
    let list =
        |i: usize| t.splits.get(i).map(|s| segments(facts, s, &reason, label, t.min_coverage)).unwrap_or_default();
    let n = t.splits.len();
    Computed {
        overall: t.overall.finish(&reason, t.min_coverage),
        segmentations: asked.iter().map(|i| list(*i)).collect(),
        worst_wards: worst(&list(n.wrapping_sub(2))),
        worst_groups: worst(&list(n.wrapping_sub(1))),
    }
}

fn segments(
    facts: &Facts,
    split: &Split,
    reason: &dyn Fn(u32) -> String,
    label: &dyn Fn(SegmentBy, &str) -> String,
    min_coverage: u8,
) -> Vec<Segment> {
    let dims = &split.dims;
    let mut keyed = split.keyed();
    // Natural order of codes: age bands youngest first, needs in their order, cycles by date;
    // wards and groups by code.
    let text = |dim: SegmentBy, code: u32| code_text(facts, dim, code);
    keyed.sort_by(|(a, _), (b, _)| {
        let ord = |dim: SegmentBy, x: u32, y: u32| match dim {
            SegmentBy::Ward | SegmentBy::Group => text(dim, x).cmp(&text(dim, y)),
            _ => x.cmp(&y),
        };
        ord(dims[0], a.0, b.0).then_with(|| dims.get(1).map_or(std::cmp::Ordering::Equal, |d| ord(*d, a.1, b.1)))
    });
    keyed
        .into_iter()
        .map(|((x, y), acc)| {
            let codes: Vec<(SegmentBy, u32)> = dims.iter().copied().zip([x, y]).collect();
            let keys: Vec<String> = codes.iter().map(|(d, c)| text(*d, *c)).collect();
            let labels: Vec<String> = codes.iter().zip(&keys).map(|((d, _), k)| label(*d, k)).collect();
            let size = acc.issued();
            let too_few = size < MIN_SEGMENT_PAYMENTS;
            Segment {
                key: keys.join("/"),
                label: labels.join(" · "),
                keys,
                size,
                too_few,
                indicators: (!too_few).then(|| acc.finish(reason, min_coverage)),
            }
        })
        .collect()
}

/// The slowest segments with enough payments and enough follow-up to judge (a segment whose
/// time to cash is hidden for low coverage is not ranked: it might be fast or slow): highest
/// median first; a segment where fewer than half have withdrawn (no median yet) is slower than
/// any median.
fn worst(segments: &[Segment]) -> Vec<Worst> {
    let mut w: Vec<Worst> = segments
        .iter()
        .filter_map(|s| {
            let m = &s.indicators.as_ref()?.time_to_cash;
            (m.credited > 0 && m.enough_followup).then(|| Worst {
                key: s.key.clone(),
                label: s.label.clone(),
                median_days: m.time_to_cash_days.median,
                withdrawn_by_day_3: m.withdrawn_by_day.day3,
                credited: m.credited,
            })
        })
        .collect();
    w.sort_by(|a, b| {
        let rank = |x: &Worst| x.median_days.unwrap_or(i64::MAX);
        rank(b)
            .cmp(&rank(a))
            .then_with(|| a.withdrawn_by_day_3.unwrap_or(0.0).total_cmp(&b.withdrawn_by_day_3.unwrap_or(0.0)))
            .then_with(|| a.key.cmp(&b.key))
    });
    w.truncate(WORST_COUNT);
    w
}

/// The `metrics` report for one segmentation (`by`: none, one or two dimensions).
pub fn report(
    facts: &Facts,
    as_of: NaiveDate,
    filter: &Filter,
    by: &[SegmentBy],
    label: &dyn Fn(SegmentBy, &str) -> String,
) -> MetricsReport {
    let bys: Vec<Vec<SegmentBy>> = if by.is_empty() { vec![] } else { vec![by.to_vec()] };
    report_from(compute(facts, as_of, filter, &bys, label), as_of, filter, by)
}

/// The `metrics` report of a computation whose segmentations were `[by]` (none if empty).
pub fn report_from(mut c: Computed, as_of: NaiveDate, filter: &Filter, by: &[SegmentBy]) -> MetricsReport {
    MetricsReport {
        as_of: as_of.format("%Y-%m-%d").to_string(),
        min_segment_payments: MIN_SEGMENT_PAYMENTS,
        min_coverage: filter.min_coverage_pct(),
        overall: c.overall,
        by: by.to_vec(),
        segments: (!by.is_empty()).then(|| c.segmentations.pop().unwrap_or_default()),
        worst_wards: c.worst_wards,
        worst_groups: c.worst_groups,
    }
}

/// A filter as typed (IPC and CLI): cycles as mm/yyyy or yyyy-mm, codes as text, empty = all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(optional_fields = nullable)]
pub struct FilterInput {
    pub from: Option<String>,
    pub to: Option<String>,
    pub ward: Option<String>,
    pub group: Option<String>,
    pub channel: Option<String>,
    pub need: Option<String>,
    /// Percent, 0 to 100; empty: 60.
    pub min_coverage: Option<String>,
}

impl FilterInput {
    /// Checks every field; a bad one is a field error named after it.
    pub fn parse(&self) -> Result<Filter, crate::FieldError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let month = |field: &str, v: &Option<String>| {
            given(v).map(|r| dates::parse_period(field, r).map(|(y, m)| month_number(y, m))).transpose()
        };
        let code = |field: &str, v: &Option<String>, known: &[&str]| -> Result<Option<String>, crate::FieldError> {
            match given(v) {
                Some(c) if !known.is_empty() && !known.contains(&c) => {
                    Err(crate::FieldError::new(field, ErrorCode::StatusInvalid, format!("unknown {field} {c:?}")))
                }
                other => Ok(other.map(str::to_string)),
            }
        };
        let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        let needs: Vec<&str> = Need::ALL.iter().map(|n| n.as_str()).collect();
        Ok(Filter {
            from: month("from", &self.from)?,
            to: month("to", &self.to)?,
            ward: code("ward", &self.ward, &[])?,
            group: code("group", &self.group, &[])?,
            channel: code("channel", &self.channel, &channels)?.and_then(|c| Channel::parse(&c)),
            need: code("need", &self.need, &needs)?.and_then(|n| Need::parse(&n)),
            min_coverage: given(&self.min_coverage)
                .map(|r| {
                    r.trim_end_matches('%').trim().parse::<u8>().ok().filter(|p| *p <= 100).ok_or_else(|| {
                        crate::FieldError::new("min_coverage", ErrorCode::NumberInvalid, "a percentage from 0 to 100")
                    })
                })
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_keys(s: &Segment) -> Vec<String> {
        let v = serde_json::to_value(s).expect("serialises");
        let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        keys.sort();
        keys
    }

    /// `SegmentShape` (the TypeScript contract) says what a `Segment` serialises to: a field added
    /// to `Segment` must be added there too.
    #[test]
    fn segment_shape() {
        let base = Segment {
            key: "00004".into(),
            keys: vec!["00004".into()],
            label: "Ward 4".into(),
            size: 3,
            too_few: true,
            indicators: None,
        };
        assert_eq!(json_keys(&base), ["key", "keys", "label", "size", "too_few"]);
        let judged = Segment { too_few: false, indicators: Some(Indicators::default()), ..base.clone() };
        let mut expected: Vec<String> = json_keys(&base);
        let figures = serde_json::to_value(Indicators::default()).expect("serialises");
        expected.extend(figures.as_object().expect("an object").keys().cloned());
        expected.sort();
        assert_eq!(json_keys(&judged), expected);
        let ts = <Segment as ts_rs::TS>::decl(&ts_rs::Config::new());
        for field in ["key:", "keys:", "label:", "size:", "too_few: false,", "too_few: true,", "payments:", "curve:"] {
            assert!(ts.contains(field), "{field} in {ts}");
        }
    }
}
