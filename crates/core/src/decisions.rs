//! Benefit decisions (Decree 147/2025: since 1 July 2025 the commune chair decides to start,
//! change or stop a monthly allowance; the benefit runs from the month of the decision). A
//! person's decisions say which benefits are in force in each cycle, and so what the cycle is
//! expected to pay them: only the highest benefit when several are decided. A person who moves
//! gets a stop (moved) in the old commune and a start in the new one, and keeps one history.

use crate::ErrorCode;
use crate::allowance::{Entitlement, Rules};
use crate::dates;
use crate::error::FieldError;
use crate::model::{Scheme, str_enum};
use crate::validate::{Errors, RefData, parse_code, parse_uuid, past_date, required};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    /// What a decision does.
    DecisionKind { Start => "start", Change => "change", Stop => "stop" }
);

str_enum!(
    /// Why a benefit stops.
    StopReason {
        Death => "death",
        Moved => "moved",
        NotEligible => "not_eligible",
        SwitchedProgramme => "switched_programme",
    }
);

/// A decision as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct DecisionInput {
    pub beneficiary_id: String,
    /// The commune that decides; empty: the person's.
    pub ward_code: String,
    /// e.g. "125/QĐ-UBND".
    pub number: String,
    /// dd/mm/yyyy
    pub decided_on: String,
    pub kind: String,
    /// The group decided (start, change); for a stop, empty (every benefit of this commune)
    /// or the group whose benefit stops.
    pub group_code: String,
    /// mm/yyyy: the first month paid (start, change) or no longer paid (stop). Empty: the
    /// month of the decision.
    pub from_month: String,
    /// For a stop.
    pub reason: String,
    pub note: String,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub ward_code: String,
    pub number: String,
    pub decided_on: NaiveDate,
    pub kind: DecisionKind,
    pub group_code: Option<String>,
    /// "yyyy-mm"
    pub from_period: String,
    pub reason: Option<StopReason>,
    pub note: String,
}

/// Errors: `required`, `not_found`, `date.*`, `period.invalid`, `decision_kind.invalid`,
/// `group.unknown`, `group.ended`, `stop_reason.invalid`, `decision.from_before_decided`.
/// `ward_code` is the commune deciding (the caller fills it in when the input leaves it empty).
pub fn decision(
    input: &DecisionInput,
    refs: &dyn RefData,
    rules: &Rules,
    today: NaiveDate,
) -> Result<Decision, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let ward_code = e.take(required("ward_code", &input.ward_code)).map(str::to_string);
    if let Some(w) = &ward_code
        && !refs.has_ward(w)
    {
        e.push(FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward").param("code", w));
    }
    let number = e.take(required("number", &input.number)).map(str::to_string);
    let decided_on = e.take(past_date("decided_on", &input.decided_on, today));
    let kind = e.take(parse_code("kind", &input.kind, ErrorCode::DecisionKindInvalid, DecisionKind::parse));
    let from_period = if input.from_month.trim().is_empty() {
        decided_on.map(|d| dates::period_key(d.year(), d.month()))
    } else {
        e.take(dates::parse_period("from_month", &input.from_month)).map(|(y, m)| dates::period_key(y, m))
    };
    if let (Some(from), Some(d)) = (&from_period, decided_on)
        && from.as_str() < dates::period_key(d.year(), d.month()).as_str()
    {
        e.push(FieldError::new(
            "from_month",
            ErrorCode::DecisionFromBeforeDecided,
            "a benefit runs from the month of the decision at the earliest",
        ));
    }
    let group = input.group_code.trim();
    let group_code = match kind {
        Some(DecisionKind::Start | DecisionKind::Change) if group.is_empty() => {
            e.push(FieldError::new("group_code", ErrorCode::Required, "choose the group decided"));
            None
        }
        _ if group.is_empty() => None,
        _ if !refs.has_group(group) => {
            e.push(FieldError::new("group_code", ErrorCode::GroupUnknown, "unknown group").param("code", group));
            None
        }
        _ => Some(group.to_string()),
    };
    // A group that has ended cannot be decided for a month after its end (the 80+ without a
    // pension are a social pension since 07/2025).
    if let (Some(DecisionKind::Start | DecisionKind::Change), Some(g), Some(from)) = (kind, &group_code, &from_period)
        && let Some(day) = dates::period_start(from)
        && rules.group(g).is_some_and(|r| !r.in_force(day))
    {
        e.push(
            FieldError::new("group_code", ErrorCode::GroupEnded, "the group does not apply in that month")
                .param("group", g)
                .param("month", format!("{}/{}", &from[5..7], &from[0..4])),
        );
    }
    let reason = match kind {
        Some(DecisionKind::Stop) => {
            e.take(parse_code("reason", &input.reason, ErrorCode::StopReasonInvalid, StopReason::parse))
        }
        _ => None,
    };
    e.finish(|| Decision {
        id: crate::records::new_id(),
        beneficiary_id: beneficiary_id.expect("checked"),
        ward_code: ward_code.expect("checked"),
        number: number.expect("checked"),
        decided_on: decided_on.expect("checked"),
        kind: kind.expect("checked"),
        group_code,
        from_period: from_period.expect("checked"),
        reason,
        note: input.note.trim().to_string(),
    })
}

/// The benefits in force for a person in `period`, as (commune, group), from their decisions:
/// a start or change sets the benefit of its commune and programme, a stop ends its commune's
/// benefit of that group's programme (or every benefit of its commune when no group is named).
/// Decisions apply in order of their first month, then of their date.
pub fn in_force(decisions: &[Decision], rules: &Rules, period: &str) -> Vec<(String, String)> {
    let mut ordered: Vec<&Decision> = decisions.iter().filter(|d| d.from_period.as_str() <= period).collect();
    ordered.sort_by(|a, b| (&a.from_period, a.decided_on, a.id).cmp(&(&b.from_period, b.decided_on, b.id)));
    let scheme = |g: &str| rules.group(g).map(|r| r.scheme);
    let mut lines: Vec<(String, Option<Scheme>, String)> = Vec::new();
    for d in ordered {
        match (d.kind, &d.group_code) {
            (DecisionKind::Start | DecisionKind::Change, Some(g)) => {
                let s = scheme(g);
                lines.retain(|(w, ls, _)| !(w == &d.ward_code && *ls == s));
                lines.push((d.ward_code.clone(), s, g.clone()));
            }
            (DecisionKind::Stop, Some(g)) => {
                let s = scheme(g);
                lines.retain(|(w, ls, _)| !(w == &d.ward_code && *ls == s));
            }
            (DecisionKind::Stop, None) => lines.retain(|(w, _, _)| w != &d.ward_code),
            _ => {}
        }
    }
    lines.into_iter().map(|(w, _, g)| (w, g)).collect()
}

/// What the cycle `period` is expected to pay the person: the highest of the benefits in force
/// (a person eligible under several policies receives only the highest). None: nothing in force.
pub fn expected(decisions: &[Decision], rules: &Rules, province: Option<&str>, period: &str) -> Option<Entitlement> {
    expected_of(&in_force(decisions, rules, period), rules, province, period)
}

/// [`expected`] from the benefits already known to be in force (`in_force`'s result).
pub fn expected_of(
    lines: &[(String, String)],
    rules: &Rules,
    province: Option<&str>,
    period: &str,
) -> Option<Entitlement> {
    rules.highest(lines.iter().map(|(_, g)| g.as_str()), province, dates::period_start(period)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    struct Refs;
    impl RefData for Refs {
        fn has_ward(&self, c: &str) -> bool {
            ["00004", "00008"].contains(&c)
        }
        fn has_group(&self, c: &str) -> bool {
            ["cao_tuoi_ngheo_80", "khuyet_tat_nang", "cao_tuoi_80_khong_luong", "huu_tri_xa_hoi_75"].contains(&c)
        }
        fn has_provider(&self, _: crate::model::Channel, _: &str) -> bool {
            true
        }
    }

    use crate::allowance::tests::rules;

    fn input(kind: &str, ward: &str, group: &str, decided: &str, from: &str, reason: &str) -> DecisionInput {
        DecisionInput {
            beneficiary_id: "01900000-0000-7000-8000-000000000001".into(),
            ward_code: ward.into(),
            number: "12/QĐ-UBND".into(),
            decided_on: decided.into(),
            kind: kind.into(),
            group_code: group.into(),
            from_month: from.into(),
            reason: reason.into(),
            note: String::new(),
        }
    }

    fn ok(i: DecisionInput) -> Decision {
        decision(&i, &Refs, &rules(), d(2026, 12, 1)).unwrap()
    }

    fn codes(i: DecisionInput) -> Vec<(String, ErrorCode)> {
        let errs = decision(&i, &Refs, &rules(), d(2026, 12, 1)).unwrap_err();
        errs.into_iter().map(|e| (e.field.unwrap_or_default(), e.code)).collect()
    }

    #[test]
    fn a_decision_is_checked_like_a_form() {
        let start = ok(input("start", "00004", "cao_tuoi_ngheo_80", "15/03/2025", "", ""));
        assert_eq!(
            (start.from_period.as_str(), start.kind),
            ("2025-03", DecisionKind::Start),
            "from the decision's month"
        );
        assert_eq!(
            codes(input("start", "00004", "", "15/03/2025", "", "")),
            vec![("group_code".into(), ErrorCode::Required)]
        );
        assert_eq!(
            codes(input("start", "00004", "cao_tuoi_ngheo_80", "15/03/2025", "02/2025", "")),
            vec![("from_month".into(), ErrorCode::DecisionFromBeforeDecided)]
        );
        assert_eq!(
            codes(input("start", "00004", "cao_tuoi_80_khong_luong", "15/08/2025", "", "")),
            vec![("group_code".into(), ErrorCode::GroupEnded)],
            "the 80+ without a pension are a social pension since 07/2025"
        );
        assert_eq!(
            codes(input("stop", "00004", "", "15/03/2025", "", "")),
            vec![("reason".into(), ErrorCode::Required)]
        );
        assert_eq!(
            codes(input("stop", "00004", "", "15/03/2025", "", "holiday")),
            vec![("reason".into(), ErrorCode::StopReasonInvalid)]
        );
        assert_eq!(codes(input("pause", "99999", "x", "01/01/2030", "", "")).len(), 4, "kind, ward, group, date");
    }

    #[test]
    fn decisions_in_force_give_the_expected_amount_and_a_stop_ends_it() {
        let r = rules();
        let ds = vec![
            ok(input("start", "00004", "cao_tuoi_ngheo_80", "10/05/2024", "07/2024", "")),
            ok(input("stop", "00004", "", "20/02/2026", "03/2026", "death")),
        ];
        let amount = |p: &str| expected(&ds, &r, Some("01"), p).map(|e| e.amount_vnd);
        assert_eq!(amount("2024-06"), None, "not yet started");
        assert_eq!(amount("2024-07"), Some(1_000_000));
        assert_eq!(amount("2026-01"), Some(1_300_000), "Hanoi's level from 2026");
        assert_eq!(amount("2026-02"), Some(1_300_000));
        assert_eq!(amount("2026-03"), None, "the stop ends the expected payments");
    }

    #[test]
    fn a_second_benefit_pays_only_the_highest_and_a_change_replaces_its_programmes() {
        let r = rules();
        let mut ds = vec![ok(input("start", "00004", "huu_tri_xa_hoi_75", "10/07/2025", "", ""))];
        assert_eq!(expected(&ds, &r, Some("01"), "2026-01").unwrap().amount_vnd, 650_000);
        // Also a person with a severe disability: 650,000 × 1.5 = 975,000 > 650,000.
        ds.push(ok(input("start", "00004", "khuyet_tat_nang", "10/12/2025", "01/2026", "")));
        assert_eq!(in_force(&ds, &r, "2026-01").len(), 2);
        let e = expected(&ds, &r, Some("01"), "2026-01").unwrap();
        assert_eq!((e.group.as_str(), e.amount_vnd), ("khuyet_tat_nang", 975_000), "only the highest is paid");
        assert_eq!(expected(&ds, &r, Some("01"), "2025-12").unwrap().amount_vnd, 500_000);
        // A change of the social-assistance benefit replaces it, not the pension.
        ds.push(ok(input("change", "00004", "cao_tuoi_ngheo_80", "05/03/2026", "", "")));
        let lines = in_force(&ds, &r, "2026-03");
        assert_eq!(lines.len(), 2);
        assert!(
            lines.iter().any(|(_, g)| g == "cao_tuoi_ngheo_80") && lines.iter().any(|(_, g)| g == "huu_tri_xa_hoi_75")
        );
        // Stopping one group stops only its programme's benefit.
        ds.push(ok(input("stop", "00004", "cao_tuoi_ngheo_80", "05/05/2026", "", "not_eligible")));
        assert_eq!(in_force(&ds, &r, "2026-05"), vec![("00004".to_string(), "huu_tri_xa_hoi_75".to_string())]);
    }

    #[test]
    fn a_move_is_a_stop_there_and_a_start_here() {
        let r = rules();
        let ds = vec![
            ok(input("start", "00004", "cao_tuoi_ngheo_80", "10/05/2024", "07/2024", "")),
            ok(input("stop", "00004", "", "20/03/2026", "04/2026", "moved")),
            ok(input("start", "00008", "cao_tuoi_ngheo_80", "25/03/2026", "04/2026", "")),
        ];
        assert_eq!(in_force(&ds, &r, "2026-03"), vec![("00004".to_string(), "cao_tuoi_ngheo_80".to_string())]);
        assert_eq!(in_force(&ds, &r, "2026-04"), vec![("00008".to_string(), "cao_tuoi_ngheo_80".to_string())]);
        assert_eq!(expected(&ds, &r, Some("01"), "2026-04").unwrap().amount_vnd, 1_300_000, "paid once, not twice");
    }
}
