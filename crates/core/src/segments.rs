//! Indicators per segment (ward, age band, group, channel, need). One pass over the payment
//! facts feeds one accumulator per segment; a person with several needs counts in each.

use crate::dates::{self, AgeBand, BirthDate};
use crate::indicators::{Metrics, PaymentObs, TimeToCashAcc};
use crate::model::{Channel, Need, Needs, SegmentBy};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What the indicators need to know about one credited payment and its person.
#[derive(Debug, Clone)]
pub struct PaymentFacts {
    pub obs: PaymentObs,
    pub ward_code: String,
    pub birth: BirthDate,
    pub group_code: String,
    pub channel: Channel,
    pub needs: Needs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// The answer to `metrics`: overall figures, and per segment when asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    /// ISO date the figures are computed at (payments not withdrawn by then are censored).
    pub as_of: String,
    #[serde(flatten)]
    pub overall: Metrics,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<SegmentBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<Segment>>,
}

/// The segment keys one payment belongs to. Age is the person's age on the credit date.
pub fn keys(f: &PaymentFacts, by: SegmentBy) -> Vec<String> {
    match by {
        SegmentBy::Ward => vec![f.ward_code.clone()],
        SegmentBy::Age => vec![AgeBand::of(dates::age_on(&f.birth, f.obs.credited_on)).code().to_string()],
        SegmentBy::Group => vec![f.group_code.clone()],
        SegmentBy::Channel => vec![f.channel.as_str().to_string()],
        SegmentBy::Need => {
            let present: Vec<String> =
                Need::ALL.iter().filter(|n| f.needs.has(**n)).map(|n| n.as_str().to_string()).collect();
            if present.is_empty() { vec!["none".to_string()] } else { present }
        }
    }
}

/// Order of segments: natural order for age bands and needs, codes otherwise.
fn rank(by: SegmentBy, key: &str) -> usize {
    match by {
        SegmentBy::Age => AgeBand::ALL.iter().position(|b| b.code() == key).unwrap_or(usize::MAX),
        SegmentBy::Need => Need::ALL.iter().position(|n| n.as_str() == key).unwrap_or(Need::ALL.len()),
        _ => 0,
    }
}

pub fn report<'a>(
    facts: impl IntoIterator<Item = &'a PaymentFacts>,
    as_of: NaiveDate,
    by: Option<SegmentBy>,
    label: impl Fn(SegmentBy, &str) -> String,
) -> MetricsReport {
    let mut overall = TimeToCashAcc::default();
    let mut per: HashMap<String, TimeToCashAcc> = HashMap::new();
    for f in facts {
        overall.add(&f.obs, as_of);
        if let Some(by) = by {
            for k in keys(f, by) {
                per.entry(k).or_default().add(&f.obs, as_of);
            }
        }
    }
    let segments = by.map(|by| {
        let mut s: Vec<Segment> =
            per.into_iter().map(|(key, acc)| Segment { label: label(by, &key), metrics: acc.finish(), key }).collect();
        s.sort_by(|a, b| (rank(by, &a.key), &a.key).cmp(&(rank(by, &b.key), &b.key)));
        s
    });
    MetricsReport { as_of: as_of.format("%Y-%m-%d").to_string(), overall: overall.finish(), by, segments }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fact(ward: &str, birth_year: i32, needs: Needs, credited: &str, withdrawn: Option<&str>) -> PaymentFacts {
        PaymentFacts {
            obs: PaymentObs { credited_on: d(credited), first_withdrawal_on: withdrawn.map(d) },
            ward_code: ward.into(),
            birth: BirthDate::Year(birth_year),
            group_code: "g".into(),
            channel: Channel::Bank,
            needs,
        }
    }

    #[test]
    fn segments_partition_by_ward_and_overlap_by_need() {
        let alone = Needs { lives_alone: true, ..Needs::default() };
        let both = Needs { lives_alone: true, bedridden: true, ..Needs::default() };
        let facts = vec![
            fact("A", 1940, alone, "2026-10-10", Some("2026-10-11")),
            fact("A", 1990, Needs::default(), "2026-10-10", None),
            fact("B", 1950, both, "2026-10-10", Some("2026-10-20")),
        ];
        let as_of = d("2026-11-01");
        let r = report(&facts, as_of, Some(SegmentBy::Ward), |_, k| format!("ward {k}"));
        assert_eq!(r.overall.credited, 3);
        let s = r.segments.unwrap();
        assert_eq!(
            s.iter().map(|s| (s.key.as_str(), s.metrics.credited)).collect::<Vec<_>>(),
            vec![("A", 2), ("B", 1)]
        );
        assert_eq!(s[0].label, "ward A");

        let r = report(&facts, as_of, Some(SegmentBy::Need), |_, k| k.to_string());
        let s = r.segments.unwrap();
        let got: Vec<_> = s.iter().map(|s| (s.key.as_str(), s.metrics.credited)).collect();
        assert_eq!(got, vec![("lives_alone", 2), ("bedridden", 1), ("none", 1)]);

        let r = report(&facts, as_of, Some(SegmentBy::Age), |_, k| k.to_string());
        let keys: Vec<_> = r.segments.unwrap().into_iter().map(|s| s.key).collect();
        // ages on 2026-10-10: 86, 36, 76
        assert_eq!(keys, vec!["16_59", "75_79", "80_plus"]);
    }

    #[test]
    fn report_json_is_flat() {
        let facts = vec![fact("A", 1940, Needs::default(), "2026-10-10", Some("2026-10-12"))];
        let v = serde_json::to_value(report(&facts, d("2026-11-01"), None, |_, k| k.to_string())).unwrap();
        assert_eq!(v["credited"], 1);
        assert_eq!(v["as_of"], "2026-11-01");
        assert_eq!(v["time_to_cash_days"]["median"], 2);
        assert!(v.get("segments").is_none());
    }
}
