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
use crate::model::{Channel, Needs, WithdrawalPlace, str_enum};
use crate::money;
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
    /// Outcome `already_withdrawn` only (ignored otherwise): the day the person received the
    /// money, dd/mm/yyyy; required, not after the contact day (nor before the credit: the store).
    pub withdrawn_on: String,
    /// Outcome `already_withdrawn` only: how much was received; empty: what is left of the payment.
    pub amount: String,
    /// Outcome `already_withdrawn` only: a `WithdrawalPlace` code; empty: the usual place of the
    /// payment's channel ([`usual_place`]).
    pub place: String,
}

/// What a contact "already withdrawn" reports, parsed with the withdrawal form's rules
/// (`validate::withdrawal`: the same date, amount and place parsers); the store completes it
/// (the payment, the amount left) and checks it like a typed withdrawal (`check_withdrawal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedWithdrawal {
    pub withdrawn_on: NaiveDate,
    /// None: what is left of the payment.
    pub amount_vnd: Option<i64>,
    /// None: [`usual_place`] of the payment's channel.
    pub place: Option<WithdrawalPlace>,
}

/// A validated contact and, for outcome `already_withdrawn`, the withdrawal it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactEntry {
    pub contact: Contact,
    pub withdrawn: Option<ReportedWithdrawal>,
}

/// Where money of this channel is usually received, for an "already withdrawn" contact whose
/// place the person did not say: cash at the ward office, a bank account at an ATM, the other
/// accounts at an agent. The officer picks the real place when known.
pub fn usual_place(channel: Channel) -> WithdrawalPlace {
    match channel {
        Channel::Cash => WithdrawalPlace::WardOffice,
        Channel::Bank => WithdrawalPlace::Atm,
        Channel::Ewallet | Channel::MobileMoney | Channel::Vneid => WithdrawalPlace::Agent,
    }
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
/// `date.invalid`, `date.future`; for `already_withdrawn` also `withdrawn_on` (`required`,
/// `date.*`, `date.after_contact`), `amount` (`amount.*`) and `place` (`place.invalid`).
pub fn contact(input: &ContactInput, today: NaiveDate) -> Result<ContactEntry, Vec<FieldError>> {
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
    let withdrawn = match outcome {
        Some(ContactOutcome::AlreadyWithdrawn) => {
            let on = e.take(past_date("withdrawn_on", &input.withdrawn_on, today));
            if let (Some(on), Some(contacted)) = (on, contacted_on)
                && on > contacted
            {
                e.push(
                    FieldError::new("withdrawn_on", ErrorCode::DateAfterContact, "received after the contact day")
                        .param("date", dates::format_date(contacted)),
                );
            }
            let amount = if input.amount.trim().is_empty() {
                Some(None)
            } else {
                e.take(money::parse_vnd("amount", &input.amount)).map(Some)
            };
            let place = if input.place.trim().is_empty() {
                Some(None)
            } else {
                e.take(parse_code("place", &input.place, ErrorCode::PlaceInvalid, WithdrawalPlace::parse)).map(Some)
            };
            match (on, amount, place) {
                (Some(withdrawn_on), Some(amount_vnd), Some(place)) => {
                    Some(ReportedWithdrawal { withdrawn_on, amount_vnd, place })
                }
                _ => None,
            }
        }
        _ => None,
    };
    e.finish(|| ContactEntry {
        contact: Contact {
            id: crate::records::new_id(),
            beneficiary_id: beneficiary_id.expect("checked"),
            payment_id: payment_id.expect("checked"),
            kind: kind.expect("checked"),
            contacted_on: contacted_on.expect("checked"),
            outcome: outcome.expect("checked"),
            note: input.note.trim().to_string(),
        },
        withdrawn,
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
            ..Default::default()
        };
        let c = contact(&ok, today).unwrap();
        assert_eq!(c.withdrawn, None, "only already_withdrawn reports a withdrawal");
        let c = c.contact;
        assert_eq!((c.kind, c.outcome, c.payment_id), (ContactKind::HomeVisit, ContactOutcome::WillWithdraw, None));
        assert_eq!(c.note, "hẹn mai ra ngân hàng");
    }

    #[test]
    fn already_withdrawn_needs_the_day_received_not_after_the_contact() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let base = ContactInput {
            beneficiary_id: uuid::Uuid::now_v7().to_string(),
            payment_id: None,
            kind: "call".into(),
            contacted_on: "08/03/2026".into(),
            outcome: "already_withdrawn".into(),
            ..Default::default()
        };
        let codes = |i: &ContactInput| -> Vec<(String, ErrorCode)> {
            contact(i, today).unwrap_err().into_iter().map(|e| (e.field.unwrap_or_default(), e.code)).collect()
        };
        assert_eq!(codes(&base), [("withdrawn_on".to_string(), ErrorCode::Required)]);
        let late =
            ContactInput { withdrawn_on: "09/03/2026".into(), amount: "0".into(), place: "bus".into(), ..base.clone() };
        assert_eq!(
            codes(&late),
            [
                ("withdrawn_on".to_string(), ErrorCode::DateAfterContact),
                ("amount".to_string(), ErrorCode::AmountNotPositive),
                ("place".to_string(), ErrorCode::PlaceInvalid),
            ]
        );
        let ok = ContactInput { withdrawn_on: "05/03/2026".into(), ..base.clone() };
        let w = contact(&ok, today).unwrap().withdrawn.unwrap();
        assert_eq!((w.withdrawn_on, w.amount_vnd, w.place), (NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), None, None));
        let typed = ContactInput { amount: "300.000".into(), place: "atm".into(), ..ok.clone() };
        let w = contact(&typed, today).unwrap().withdrawn.unwrap();
        assert_eq!((w.amount_vnd, w.place), (Some(300_000), Some(WithdrawalPlace::Atm)));
        // The same day as the contact is fine; other outcomes ignore the withdrawal fields.
        let same = ContactInput { withdrawn_on: "08/03/2026".into(), ..base.clone() };
        assert!(contact(&same, today).is_ok());
        let other = ContactInput { outcome: "will_withdraw".into(), withdrawn_on: "xx".into(), ..base };
        assert_eq!(contact(&other, today).unwrap().withdrawn, None);
    }
}
