//! Following up money that waits: who to contact first, and the contacts made.
//!
//! **Priority score** (higher = contact first), a plain sum of weights so an officer can check
//! it by hand:
//!
//! | condition | weight |
//! |---|---|
//! | aged 80 or over on the day of the list | [`W_AGE_80`] = 4 |
//! | bedridden | [`W_BEDRIDDEN`] = 4 |
//! | lives alone | [`W_LIVES_ALONE`] = 3 |
//! | no smartphone | [`W_NO_SMARTPHONE`] = 3 |
//! | limited mobility | [`W_LIMITED_MOBILITY`] = 1 |
//! | vision or hearing impairment | [`W_VISION_HEARING`] = 1 |
//!
//! Ties: more days waiting first, then Vietnamese name order (`text::sort_key`: given name
//! first), then the record id so the order is total.

use crate::ErrorCode;
use crate::dates;
use crate::error::FieldError;
use crate::model::{Needs, str_enum};
use crate::validate::{Errors, parse_code, parse_uuid, past_date};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use uuid::Uuid;

pub const W_AGE_80: u32 = 4;
pub const W_BEDRIDDEN: u32 = 4;
pub const W_LIVES_ALONE: u32 = 3;
pub const W_NO_SMARTPHONE: u32 = 3;
pub const W_LIMITED_MOBILITY: u32 = 1;
pub const W_VISION_HEARING: u32 = 1;

/// Default number of days after the credit before a payment is followed up.
pub const DEFAULT_FOLLOWUP_DAYS: u32 = 7;

/// The documented priority score (see the module documentation).
pub fn priority_score(age: i32, needs: &Needs) -> u32 {
    let w = |on: bool, weight: u32| if on { weight } else { 0 };
    w(age >= 80, W_AGE_80)
        + w(needs.bedridden, W_BEDRIDDEN)
        + w(needs.lives_alone, W_LIVES_ALONE)
        + w(needs.no_smartphone, W_NO_SMARTPHONE)
        + w(needs.limited_mobility, W_LIMITED_MOBILITY)
        + w(needs.vision_hearing, W_VISION_HEARING)
}

/// What a follow-up row is ranked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankKey<'a> {
    pub score: u32,
    pub days_waiting: i64,
    pub sort_key: &'a str,
    pub id: &'a str,
}

/// Follow-up order: score desc, days waiting desc, name order, id.
pub fn rank_order(a: &RankKey, b: &RankKey) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(b.days_waiting.cmp(&a.days_waiting))
        .then_with(|| a.sort_key.cmp(b.sort_key))
        .then_with(|| a.id.cmp(b.id))
}

/// Payments credited on or before this day are due for follow-up `days` after.
pub fn followup_cutoff(as_of: NaiveDate, days: u32) -> NaiveDate {
    as_of - chrono::Days::new(u64::from(days))
}

str_enum!(
    /// How the officer reached (or tried to reach) the person.
    ContactKind { Call => "call", HomeVisit => "home_visit", HomeDelivery => "home_delivery", Other => "other" }
);

str_enum!(
    /// What came of a contact.
    ContactOutcome {
        WillWithdraw => "will_withdraw",
        NotReached => "not_reached",
        HomeDeliveryArranged => "home_delivery_arranged",
        AlreadyWithdrawn => "already_withdrawn",
        RefusedOther => "refused_other",
    }
);

/// A contact as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct ContactInput {
    pub beneficiary_id: String,
    /// The payment the contact is about; None/empty: the person in general.
    pub payment_id: Option<String>,
    pub kind: String,
    pub contacted_on: String,
    pub outcome: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub payment_id: Option<Uuid>,
    pub kind: ContactKind,
    pub contacted_on: NaiveDate,
    pub outcome: ContactOutcome,
    pub note: String,
}

/// Errors: `required`, `not_found`, `contact_kind.invalid`, `contact_outcome.invalid`,
/// `date.invalid`, `date.future`.
pub fn contact(input: &ContactInput, today: NaiveDate) -> Result<Contact, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let payment_id = match input.payment_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => e.take(parse_uuid("payment_id", raw)).map(Some),
    };
    let kind = e.take(parse_code("kind", &input.kind, ErrorCode::ContactKindInvalid, ContactKind::parse));
    let contacted_on = e.take(past_date("contacted_on", &input.contacted_on, today));
    let outcome =
        e.take(parse_code("outcome", &input.outcome, ErrorCode::ContactOutcomeInvalid, ContactOutcome::parse));
    e.finish(|| Contact {
        id: crate::records::new_id(),
        beneficiary_id: beneficiary_id.expect("checked"),
        payment_id: payment_id.expect("checked"),
        kind: kind.expect("checked"),
        contacted_on: contacted_on.expect("checked"),
        outcome: outcome.expect("checked"),
        note: input.note.trim().to_string(),
    })
}

/// Age on `as_of` from a stored birth date (ISO) or, when only the year is known, the year.
pub fn age_from(birth_date: Option<NaiveDate>, birth_year: i32, as_of: NaiveDate) -> i32 {
    let birth = birth_date.map_or(dates::BirthDate::Year(birth_year), dates::BirthDate::Full);
    dates::age_on(&birth, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(f: impl FnOnce(&mut Needs)) -> Needs {
        let mut n = Needs::default();
        f(&mut n);
        n
    }

    #[test]
    fn score_is_the_sum_of_documented_weights() {
        assert_eq!(priority_score(70, &Needs::default()), 0);
        assert_eq!(priority_score(80, &Needs::default()), W_AGE_80);
        assert_eq!(priority_score(79, &needs(|n| n.lives_alone = true)), W_LIVES_ALONE);
        let all = needs(|n| {
            n.bedridden = true;
            n.lives_alone = true;
            n.no_smartphone = true;
            n.limited_mobility = true;
            n.vision_hearing = true;
        });
        assert_eq!(priority_score(85, &all), 4 + 4 + 3 + 3 + 1 + 1);
    }

    #[test]
    fn ranking_puts_need_first_then_waiting_then_name() {
        // (name sort key, age, needs, days waiting)
        let people = [
            ("an nguyen van", 60, Needs::default(), 30),
            ("binh tran thi", 85, Needs::default(), 8),
            ("cuong le van", 70, needs(|n| n.bedridden = true), 10),
            ("dung pham thi", 90, needs(|n| n.lives_alone = true), 9),
            ("hoa do thi", 70, needs(|n| n.no_smartphone = true), 12),
            ("giang vu thi", 70, needs(|n| n.no_smartphone = true), 12),
            ("em ngo van", 70, needs(|n| n.limited_mobility = true), 40),
        ];
        let mut keys: Vec<RankKey> = people
            .iter()
            .map(|(k, age, n, days)| RankKey {
                score: priority_score(*age, n),
                days_waiting: *days,
                sort_key: k,
                id: k,
            })
            .collect();
        keys.sort_by(rank_order);
        let order: Vec<&str> = keys.iter().map(|k| k.sort_key).collect();
        assert_eq!(
            order,
            [
                "dung pham thi", // 80+ and alone: 7
                "cuong le van",  // bedridden: 4, waited 10
                "binh tran thi", // 80+: 4, waited 8
                "giang vu thi",  // no smartphone: 3, waited 12, g < h
                "hoa do thi",
                "em ngo van",    // limited mobility: 1
                "an nguyen van", // nothing: 0, however long
            ]
        );
    }

    #[test]
    fn cutoff_is_k_days_before() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(followup_cutoff(d("2026-03-10"), 7), d("2026-03-03"));
        assert_eq!(followup_cutoff(d("2026-03-10"), 0), d("2026-03-10"));
    }

    #[test]
    fn a_contact_is_validated_with_every_error_at_once() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let bad = ContactInput { kind: "fax".into(), contacted_on: "11/03/2026".into(), ..Default::default() };
        let codes: Vec<ErrorCode> = contact(&bad, today).unwrap_err().into_iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [ErrorCode::Required, ErrorCode::ContactKindInvalid, ErrorCode::DateFuture, ErrorCode::Required]
        );
        let ok = ContactInput {
            beneficiary_id: uuid::Uuid::now_v7().to_string(),
            payment_id: Some(String::new()),
            kind: "home_visit".into(),
            contacted_on: "09/03/2026".into(),
            outcome: "will_withdraw".into(),
            note: "  hẹn mai ra ngân hàng ".into(),
        };
        let c = contact(&ok, today).unwrap();
        assert_eq!((c.kind, c.outcome, c.payment_id), (ContactKind::HomeVisit, ContactOutcome::WillWithdraw, None));
        assert_eq!(c.note, "hẹn mai ra ngân hàng");
    }
}
