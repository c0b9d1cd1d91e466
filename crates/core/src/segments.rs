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
use crate::facts::{Facts, PaymentFact, Person};
use crate::measures::{Acc, Indicators, PaymentCtx, PaymentEffect};
use crate::model::{Channel, Disability, Need, Scheme, SegmentBy};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Fewer issued payments than this and a segment is "too few to judge".
pub const MIN_SEGMENT_PAYMENTS: u64 = 10;
/// How many worst wards / groups are named.
pub const WORST_COUNT: usize = 3;

/// Which facts count. Periods are month numbers (see [`month_number`]), inclusive; payments
/// and verifications by their cycle, accounts by their opening month, grievances by the month
/// they were opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
struct Split<'a> {
    dims: &'a [SegmentBy],
    width: usize,
    accs: Vec<Option<Acc>>,
    a: Vec<u32>,
    b: Vec<u32>,
}

impl<'a> Split<'a> {
    fn new(facts: &Facts, dims: &'a [SegmentBy]) -> Self {
        let width = dims.get(1).map_or(1, |d| cardinality(facts, *d)).max(1);
        let cells = cardinality(facts, dims[0]).max(1) * width;
        Split { dims, width, accs: vec![None; cells], a: Vec::new(), b: Vec::new() }
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
    fn merge(&mut self, other: Split) {
        for (mine, theirs) in self.accs.iter_mut().zip(other.accs) {
            if let Some(t) = theirs {
                match mine {
                    Some(m) => m.merge(&t),
                    None => *mine = Some(t),
                }
            }
        }
    }

    /// The segments that have facts, keyed by their codes.
    fn keyed(self) -> Vec<((u32, u32), Acc)> {
        let width = self.width;
        self.accs
            .into_iter()
            .enumerate()
            .filter_map(|(i, acc)| acc.map(|a| (((i / width) as u32, (i % width) as u32), a)))
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
    let ward_dim = [SegmentBy::Ward];
    let group_dim = [SegmentBy::Group];
    let new_splits = || {
        let mut splits: Vec<Split> =
            bys.iter().filter(|b| !b.is_empty()).map(|b| Split::new(facts, &b[..b.len().min(2)])).collect();
        splits.push(Split::new(facts, &ward_dim));
        splits.push(Split::new(facts, &group_dim));
        splits
    };

    let period_months: Vec<i32> = facts.periods.iter().map(|p| period_month(p)).collect();
    let cycle_of_month = |m: i32| period_months.binary_search(&m).ok().map(|i| i as u32);
    let ward = filter.ward.as_ref().map(|w| facts.wards.iter().position(|x| x == w));
    let group = filter.group.as_ref().map(|g| facts.groups.iter().position(|x| x == g));
    let keep = |person: &Person, channel: Option<Channel>, month: i32| -> bool {
        filter.from.is_none_or(|f| month >= f)
            && filter.to.is_none_or(|t| month <= t)
            && ward.is_none_or(|w| w == Some(person.ward as usize))
            && group.is_none_or(|g| g == Some(person.group as usize))
            && filter.channel.is_none_or(|c| channel == Some(c))
            && filter.need.is_none_or(|n| person.needs.has(n))
    };

    let known = KnownThrough::new(facts, as_of);
    let min_coverage = filter.min_coverage_pct();
    let add_payments = |payments: &[PaymentFact]| {
        let mut overall = Acc::default();
        let mut splits = new_splits();
        for p in payments {
            let person = &facts.people[p.person as usize];
            if !keep(person, Some(p.channel), period_months[p.period as usize]) {
                continue;
            }
            let ctx = PaymentCtx {
                withdrawals: facts.withdrawals_of(p),
                cycle_end: facts.cycle_ends[p.period as usize],
                checked_on: known.checked(p, person.ward),
                as_of,
            };
            let age_on = p.credited_on.or(p.scheduled_on).unwrap_or(as_of);
            let programme = facts.programme(person, Some(p.period));
            let c = Ctx {
                person,
                channel: Some(p.channel),
                period: Some(p.period),
                age_on,
                programme,
                one_off: Some(p.one_off),
            };
            let effect = PaymentEffect::of(p, &ctx);
            overall.add_effect(&effect);
            for s in &mut splits {
                s.each(&c, |acc| acc.add_effect(&effect));
            }
        }
        (overall, splits)
    };
    let share = facts.payments.len().div_ceil(threads.max(1)).max(1);
    // Below a few thousand payments a thread costs more than it saves.
    let mut parts: Vec<(Acc, Vec<Split>)> = if threads <= 1 || facts.payments.len() < 20_000 {
        vec![add_payments(&facts.payments)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> =
                facts.payments.chunks(share).map(|chunk| scope.spawn(move || add_payments(chunk))).collect();
            handles.into_iter().map(|h| h.join().expect("a payments thread panicked")).collect()
        })
    };
    let (mut overall, mut splits) = parts.remove(0);
    for (o, ss) in parts {
        overall.merge(&o);
        for (mine, theirs) in splits.iter_mut().zip(ss) {
            mine.merge(theirs);
        }
    }
    for a in &facts.accounts {
        let person = &facts.people[a.person as usize];
        let month = month_of(a.opened_on);
        if !keep(person, Some(a.channel), month) {
            continue;
        }
        let period = cycle_of_month(month);
        let programme = facts.programme(person, period);
        let c = Ctx { person, channel: Some(a.channel), period, age_on: a.opened_on, programme, one_off: None };
        overall.add_account(a, as_of);
        for s in &mut splits {
            s.each(&c, |acc| acc.add_account(a, as_of));
        }
    }
    for g in &facts.grievances {
        let person = &facts.people[g.person as usize];
        let month = month_of(g.opened_on);
        // Grievances have no channel, so a channel filter keeps none of them.
        if filter.channel.is_some() || !keep(person, None, month) {
            continue;
        }
        let period = cycle_of_month(month);
        let programme = facts.programme(person, period);
        let c = Ctx { person, channel: None, period, age_on: g.opened_on, programme, one_off: None };
        overall.add_grievance(g, as_of);
        for s in &mut splits {
            s.each(&c, |acc| acc.add_grievance(g, as_of));
        }
    }
    for v in &facts.verifications {
        if v.verified_on > as_of {
            continue;
        }
        let p = &facts.payments[v.payment as usize];
        let person = &facts.people[p.person as usize];
        if !keep(person, Some(p.channel), period_months[p.period as usize]) {
            continue;
        }
        let programme = facts.programme(person, Some(p.period));
        let c = Ctx {
            person,
            channel: Some(p.channel),
            period: Some(p.period),
            age_on: v.verified_on,
            programme,
            one_off: Some(p.one_off),
        };
        overall.add_verification(v.full);
        for s in &mut splits {
            s.each(&c, |acc| acc.add_verification(v.full));
        }
    }

    let reason = |r: u32| facts.failure_reasons[r as usize].clone();
    let mut lists: Vec<Vec<Segment>> =
        splits.into_iter().map(|s| segments(facts, s, &reason, label, min_coverage)).collect();
    let groups = lists.pop().unwrap_or_default();
    let wards = lists.pop().unwrap_or_default();
    Computed {
        overall: overall.finish(&reason, min_coverage),
        segmentations: lists,
        worst_wards: worst(&wards),
        worst_groups: worst(&groups),
    }
}

fn segments(
    facts: &Facts,
    split: Split,
    reason: &dyn Fn(u32) -> String,
    label: &dyn Fn(SegmentBy, &str) -> String,
    min_coverage: u8,
) -> Vec<Segment> {
    let dims = split.dims;
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
    let mut c = compute(facts, as_of, filter, &bys, label);
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
