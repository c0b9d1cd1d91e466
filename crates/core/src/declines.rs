//! A person who does not register an account for their allowance confirms it, with a specific
//! reason (Hà Nội's instruction of January 2024): kept per person, dated, so the officer can
//! show who still takes cash and why, and ask again later.

use crate::ErrorCode;
use crate::error::FieldError;
use crate::model::str_enum;
use crate::validate::{Errors, parse_code, parse_uuid, past_date};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    /// Why a person does not register an account.
    DeclineReason {
        NoSmartphone => "no_smartphone",
        PrefersCash => "prefers_cash",
        CannotTravel => "cannot_travel",
        NoIdDocument => "no_id_document",
        Bedridden => "bedridden",
        Other => "other",
    }
);

/// As typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct AccountDeclineInput {
    pub beneficiary_id: String,
    pub reason: String,
    /// dd/mm/yyyy: the day the person confirmed it.
    pub confirmed_on: String,
    /// The specific reason in the person's words (required for "other").
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDecline {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub reason: DeclineReason,
    pub confirmed_on: NaiveDate,
    pub note: String,
}

/// Errors: `not_found`, `decline_reason.invalid`, `required` (the date; the note for "other"),
/// `date.invalid`, `date.future`.
pub fn account_decline(input: &AccountDeclineInput, today: NaiveDate) -> Result<AccountDecline, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let reason = e.take(parse_code("reason", &input.reason, ErrorCode::DeclineReasonInvalid, DeclineReason::parse));
    let confirmed_on = e.take(past_date("confirmed_on", &input.confirmed_on, today));
    let note = input.note.trim().to_string();
    if reason == Some(DeclineReason::Other) && note.is_empty() {
        e.push(FieldError::new("note", ErrorCode::Required, "write the person's specific reason"));
    }
    e.finish(|| AccountDecline {
        id: crate::records::new_id(),
        beneficiary_id: beneficiary_id.expect("checked"),
        reason: reason.expect("checked"),
        confirmed_on: confirmed_on.expect("checked"),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(reason: &str, on: &str, note: &str) -> AccountDeclineInput {
        AccountDeclineInput {
            beneficiary_id: "01900000-0000-7000-8000-000000000001".into(),
            reason: reason.into(),
            confirmed_on: on.into(),
            note: note.into(),
        }
    }

    fn codes(i: AccountDeclineInput) -> Vec<(String, ErrorCode)> {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        account_decline(&i, today).unwrap_err().into_iter().map(|e| (e.field.unwrap_or_default(), e.code)).collect()
    }

    #[test]
    fn a_decline_carries_its_reason_and_the_day_it_was_confirmed() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let d = account_decline(&input("no_smartphone", "20/11/2026", " "), today).unwrap();
        assert_eq!(
            (d.reason, d.confirmed_on, d.note.as_str()),
            (DeclineReason::NoSmartphone, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), "")
        );
        assert_eq!(
            codes(input("other", "20/11/2026", "")),
            vec![("note".into(), ErrorCode::Required)],
            "a specific reason"
        );
        assert_eq!(codes(input("", "20/11/2026", "")), vec![("reason".into(), ErrorCode::Required)]);
        assert_eq!(
            codes(input("lazy", "", "")),
            vec![("reason".into(), ErrorCode::DeclineReasonInvalid), ("confirmed_on".into(), ErrorCode::Required)]
        );
        assert_eq!(
            codes(input("prefers_cash", "02/12/2026", "")),
            vec![("confirmed_on".into(), ErrorCode::DateFuture)]
        );
    }
}
