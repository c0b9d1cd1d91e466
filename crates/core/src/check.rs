//! What a stored record must satisfy: exactly what [`crate::validate`] produces from a form.
//! The forms end with these checks, and a row arriving from another desktop (a bundle, a server
//! reply) is held to the same functions before it is written, so a bundle can never store what
//! the forms cannot. Each returns *every* problem, on the field it is about.

use crate::ErrorCode;
use crate::dates;
use crate::error::FieldError;
use crate::idnum::{self, IdKind};
use crate::model::{AccountStatus, Channel, PaymentStatus};
use crate::records::{Account, Beneficiary, Cycle, Payment, Withdrawal};
use crate::text;
use crate::validate::{Errors, RefData, check_account_number, parse_phone};
use chrono::{Datelike, NaiveDate};

/// A stored text must be what the form stores: trimmed.
pub fn trimmed(field: &str, value: &str) -> Result<(), FieldError> {
    if value.trim() == value { Ok(()) } else { Err(not_canonical(field)) }
}

fn not_canonical(field: &str) -> FieldError {
    FieldError::new(field, ErrorCode::ValueNotCanonical, "this value is not in the form the app stores")
}

/// Not after `today` (a form refuses a date in the future).
pub fn not_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if d > today { Err(FieldError::new(field, ErrorCode::DateFuture, "the date is in the future")) } else { Ok(()) }
}

/// A person's name exactly as [`text::normalize_name`] stores it.
pub fn name(field: &str, value: &str) -> Result<(), FieldError> {
    if text::normalize_name(field, value)? == value { Ok(()) } else { Err(not_canonical(field)) }
}

/// A 12-digit ID number (or a 9-digit CMND when `legacy`) exactly as the form stores it.
fn id_number(field: &str, value: &str, legacy: bool) -> Result<Option<idnum::IdInfo>, FieldError> {
    let (digits, kind) = idnum::parse_id_number(field, value)?;
    if digits != value {
        return Err(not_canonical(field));
    }
    match (kind, legacy) {
        (IdKind::Modern(info), false) => Ok(Some(info)),
        (IdKind::Legacy, true) => Ok(None),
        (_, false) => Err(FieldError::new(field, ErrorCode::IdNumberLength, "a 12-digit ID number is expected")
            .param("found", value.len())),
        (_, true) => Err(FieldError::new(field, ErrorCode::IdNumberLength, "a 9-digit CMND number is expected")
            .param("found", value.len())),
    }
}

pub fn beneficiary(b: &Beneficiary, refs: &dyn RefData, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.take(name("full_name", &b.full_name));
    match b.birth_date {
        Some(d) => {
            e.take(dates::parse_birth("birth_date", &dates::format_date(d), today));
            if d.year() != b.birth_year {
                e.push(FieldError::new(
                    "birth_year",
                    ErrorCode::ValueNotCanonical,
                    "birth year differs from the birth date",
                ));
            }
        }
        None => {
            e.take(dates::parse_birth("birth_date", &format!("{:04}", b.birth_year), today));
        }
    }
    match (&b.id_number, &b.legacy_id_number) {
        (None, None) => e.push(FieldError::new("id_number", ErrorCode::Required, "ID number is required")),
        (number, legacy) => {
            if let Some(Some(info)) = number.as_deref().map(|n| e.take(id_number("id_number", n, false)).flatten())
                && b.id_override_reason.is_empty()
            {
                idnum::check_against_person("id_number", &info, b.birth_year, b.sex)
                    .into_iter()
                    .for_each(|m| e.push(m));
            }
            if let Some(l) = legacy {
                e.take(id_number("legacy_id_number", l, true));
            }
        }
    }
    if !refs.has_ward(&b.ward_code) {
        e.push(
            FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward or commune code")
                .param("code", &b.ward_code),
        );
    }
    if !refs.has_group(&b.group_code) {
        e.push(
            FieldError::new("group_code", ErrorCode::GroupUnknown, "unknown allowance group")
                .param("code", &b.group_code),
        );
    }
    if !b.phone.is_empty() && e.take(parse_phone("phone", &b.phone)).is_some_and(|p| p != b.phone) {
        e.push(not_canonical("phone"));
    }
    if !b.authorised_name.is_empty() {
        e.take(name("authorised_name", &b.authorised_name));
    }
    if !b.authorised_id_number.is_empty() {
        let ok = idnum::parse_id_number("authorised_id_number", &b.authorised_id_number);
        if e.take(ok).is_some_and(|(digits, _)| digits != b.authorised_id_number) {
            e.push(not_canonical("authorised_id_number"));
        }
    }
    if (!b.authorised_id_number.is_empty() || !b.authorised_relation.is_empty()) && b.authorised_name.is_empty() {
        e.push(FieldError::new("authorised_name", ErrorCode::Required, "name the authorised person"));
    }
    for (field, value) in [
        ("id_override_reason", &b.id_override_reason),
        ("residential_group", &b.residential_group),
        ("authorised_relation", &b.authorised_relation),
        ("duplicate_reason", &b.duplicate_reason),
    ] {
        e.take(trimmed(field, value));
    }
    e.finish(|| ())
}

pub fn account(a: &Account, refs: &dyn RefData, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let needs_provider = matches!(a.channel, Channel::Bank | Channel::Ewallet | Channel::MobileMoney);
    if a.provider_code.is_empty() {
        if needs_provider {
            e.push(FieldError::new("provider_code", ErrorCode::Required, "choose the bank or operator"));
        }
    } else if !refs.has_provider(a.channel, &a.provider_code) {
        e.push(
            FieldError::new("provider_code", ErrorCode::ProviderUnknown, "unknown provider for this channel")
                .param("code", &a.provider_code),
        );
    }
    if e.take(check_account_number(a.channel, &a.account_number)).is_some_and(|n| n != a.account_number) {
        e.push(not_canonical("account_number"));
    }
    for (field, d) in [("requested_on", a.requested_on), ("opened_on", a.opened_on), ("closed_on", a.closed_on)] {
        if let Some(d) = d {
            e.take(not_future(field, d, today));
        }
    }
    if let (Some(r), Some(o)) = (a.requested_on, a.opened_on)
        && o < r
    {
        e.push(FieldError::new(
            "opened_on",
            ErrorCode::DateBeforeRequest,
            "an account cannot open before it was requested",
        ));
    }
    if a.status == AccountStatus::Opened && a.opened_on.is_none() {
        e.push(FieldError::new("opened_on", ErrorCode::Required, "an open account has an opening date"));
    }
    e.take(trimmed("close_reason", &a.close_reason));
    e.finish(|| ())
}

/// A `yyyy-mm` cycle key as the app writes it.
pub fn period(field: &str, value: &str) -> Result<(), FieldError> {
    let (y, m) = dates::parse_period(field, value)?;
    if dates::period_key(y, m) == value { Ok(()) } else { Err(not_canonical(field)) }
}

pub fn payment(p: &Payment, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.take(period("period", &p.period));
    if p.amount_vnd <= 0 {
        e.push(FieldError::new("amount", ErrorCode::AmountNotPositive, "amount must be greater than 0"));
    }
    match p.status {
        PaymentStatus::Credited => match p.credited_on {
            Some(d) => {
                e.take(not_future("credited_on", d, today));
            }
            None => e.push(FieldError::new("credited_on", ErrorCode::Required, "a credited payment has a credit date")),
        },
        PaymentStatus::Failed | PaymentStatus::Reversed if p.failure_reason.is_empty() => {
            e.push(FieldError::new("failure_reason", ErrorCode::FailureReasonRequired, "say why the transfer failed"));
        }
        _ => {}
    }
    e.take(trimmed("failure_reason", &p.failure_reason));
    if let Some(r) = &p.reference
        && (r.is_empty() || e.take(trimmed("reference", r)).is_none())
    {
        e.push(not_canonical("reference"));
    }
    match text::normalize_label("label", &p.label) {
        Ok(clean) if clean == p.label => {}
        Ok(_) => e.push(not_canonical("label")),
        Err(err) => e.push(err),
    }
    e.finish(|| ())
}

pub fn withdrawal(w: &Withdrawal, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.take(not_future("withdrawn_on", w.withdrawn_on, today));
    if w.amount_vnd <= 0 {
        e.push(FieldError::new("amount", ErrorCode::AmountNotPositive, "amount must be greater than 0"));
    }
    for (field, v) in [
        ("travel_minutes", w.travel_minutes),
        ("travel_cost", w.travel_cost_vnd),
        ("waiting_minutes", w.waiting_minutes),
    ] {
        if v.is_some_and(|v| v < 0) {
            let code = if field == "travel_cost" { ErrorCode::AmountInvalid } else { ErrorCode::NumberInvalid };
            e.push(FieldError::new(field, code, "must not be negative"));
        }
    }
    let mut seen = Vec::new();
    for p in &w.problems {
        if seen.contains(p) {
            e.push(not_canonical("problems"));
        }
        seen.push(*p);
    }
    e.finish(|| ())
}

pub fn cycle(c: &Cycle) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.take(period("period", &c.period));
    e.finish(|| ())
}
