//! Turning typed inputs into records. Shared by the app's forms, the CLI and file imports, so
//! one rule has one implementation. Each function reports *every* problem it finds at once, as
//! field errors the UI shows inline (imports add the row number). Checks that need the database
//! (does the payment exist, is the ID already registered) live in the store.

use crate::ErrorCode;
use crate::dates::{self, BirthDate};
use crate::error::FieldError;
use crate::idnum::{self, IdKind};
use crate::inputs::{AccountInput, BeneficiaryInput, PaymentInput, WithdrawalInput};
use crate::model::{AccountStatus, Channel, Disability, PaymentStatus, Problem, Sex, WithdrawalPlace};
use crate::records::{self, Account, Beneficiary};
use crate::{money, text};
use chrono::NaiveDate;
use uuid::Uuid;

/// Reference data the rules look codes up in (loaded from the store).
pub trait RefData {
    fn has_ward(&self, code: &str) -> bool;
    fn has_group(&self, code: &str) -> bool;
    fn has_provider(&self, channel: Channel, code: &str) -> bool;
}

/// Shared reference data (the store hands it out behind an `Arc`) answers the same way.
impl<T: RefData + ?Sized> RefData for std::sync::Arc<T> {
    fn has_ward(&self, code: &str) -> bool {
        (**self).has_ward(code)
    }
    fn has_group(&self, code: &str) -> bool {
        (**self).has_group(code)
    }
    fn has_provider(&self, channel: Channel, code: &str) -> bool {
        (**self).has_provider(channel, code)
    }
}

/// Collects field errors while parsing, so a form shows all of them at once.
#[derive(Default)]
pub(crate) struct Errors(Vec<FieldError>);

impl Errors {
    pub(crate) fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
    pub(crate) fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub(crate) fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() { Ok(value()) } else { Err(self.0) }
    }
}

pub(crate) fn required<'a>(field: &str, raw: &'a str) -> Result<&'a str, FieldError> {
    let t = raw.trim();
    if t.is_empty() { Err(FieldError::new(field, ErrorCode::Required, "this field is required")) } else { Ok(t) }
}

pub fn parse_uuid(field: &str, raw: &str) -> Result<Uuid, FieldError> {
    let t = required(field, raw)?;
    Uuid::parse_str(t).map_err(|_| FieldError::new(field, ErrorCode::NotFound, "unknown record id").param("id", t))
}

/// Accepts the stored names and what officers write in spreadsheets (Nam/Nữ, M/F).
pub fn parse_sex(field: &str, raw: &str) -> Result<Sex, FieldError> {
    let t = required(field, raw)?;
    match text::fold(t).as_str() {
        "male" | "nam" | "m" => Ok(Sex::Male),
        "female" | "nu" | "f" => Ok(Sex::Female),
        _ => Err(FieldError::new(field, ErrorCode::SexInvalid, "sex must be male (Nam) or female (Nữ)")),
    }
}

pub(crate) fn parse_code<T>(
    field: &str,
    raw: &str,
    code: ErrorCode,
    parse: fn(&str) -> Option<T>,
) -> Result<T, FieldError> {
    let t = required(field, raw)?;
    parse(t).ok_or_else(|| FieldError::new(field, code, format!("unknown value '{t}'")))
}

fn not_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today { Err(FieldError::new(field, ErrorCode::DateFuture, "the date is in the future")) } else { Ok(d) }
}

pub(crate) fn past_date(field: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    not_future(field, dates::parse_date(field, raw)?, today)
}

fn optional_past_date(field: &str, raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    if raw.trim().is_empty() { Ok(None) } else { past_date(field, raw, today).map(Some) }
}

/// A Vietnamese phone number: 10 digits starting with 0 (or +84 / 84 followed by 9 digits).
pub fn parse_phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let local =
        if let Some(rest) = digits.strip_prefix("+84").or_else(|| digits.strip_prefix("84").filter(|r| r.len() == 9)) {
            format!("0{rest}")
        } else {
            digits
        };
    if local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit()) {
        Ok(local)
    } else {
        Err(FieldError::new(field, ErrorCode::PhoneInvalid, "a phone number has 10 digits starting with 0"))
    }
}

pub fn beneficiary(
    input: &BeneficiaryInput,
    refs: &dyn RefData,
    today: NaiveDate,
) -> Result<Beneficiary, Vec<FieldError>> {
    let mut e = Errors::default();
    let full_name = e.take(text::normalize_name("full_name", &input.full_name));
    let birth = e.take(dates::parse_birth("birth_date", &input.birth_date, today));
    let sex = e.take(parse_sex("sex", &input.sex));

    let mut id_number = None;
    let mut legacy_id_number = None;
    let override_reason = input.id_override_reason.trim().to_string();
    if let Some((digits, kind)) =
        e.take(required("id_number", &input.id_number).and_then(|raw| idnum::parse_id_number("id_number", raw)))
    {
        match kind {
            IdKind::Legacy => legacy_id_number = Some(digits),
            IdKind::Modern(info) => {
                // A mismatch with birth year or sex is usually a typo, but real records hold
                // errors the officer cannot fix on the spot: a stated reason overrides it.
                if let (Some(b), Some(s)) = (&birth, sex) {
                    let mismatches = idnum::check_against_person("id_number", &info, b.birth_year(), s);
                    if override_reason.is_empty() {
                        mismatches.into_iter().for_each(|m| e.push(m));
                    }
                }
                id_number = Some(digits);
            }
        }
    }

    let ward_code = input.ward_code.trim().to_string();
    if e.take(required("ward_code", &ward_code)).is_some() && !refs.has_ward(&ward_code) {
        e.push(
            FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward or commune code")
                .param("code", &ward_code),
        );
    }
    let group_code = input.group_code.trim().to_string();
    if e.take(required("group_code", &group_code)).is_some() && !refs.has_group(&group_code) {
        e.push(
            FieldError::new("group_code", ErrorCode::GroupUnknown, "unknown allowance group")
                .param("code", &group_code),
        );
    }
    let disability = if input.disability.trim().is_empty() {
        Some(Disability::None)
    } else {
        e.take(parse_code("disability", &input.disability, ErrorCode::DisabilityInvalid, Disability::parse))
    };
    let phone =
        if input.phone.trim().is_empty() { Some(String::new()) } else { e.take(parse_phone("phone", &input.phone)) };
    let authorised_name = if input.authorised_name.trim().is_empty() {
        Some(String::new())
    } else {
        e.take(text::normalize_name("authorised_name", &input.authorised_name))
    };
    let authorised_id_number = if input.authorised_id_number.trim().is_empty() {
        Some(String::new())
    } else {
        e.take(idnum::parse_id_number("authorised_id_number", &input.authorised_id_number)).map(|(d, _)| d)
    };
    // Whoever may act for the person must be named: an ID number or a relation alone says
    // nothing the bank or the ward office can check.
    let has_authorised_detail =
        !input.authorised_id_number.trim().is_empty() || !input.authorised_relation.trim().is_empty();
    if has_authorised_detail && input.authorised_name.trim().is_empty() {
        e.push(FieldError::new("authorised_name", ErrorCode::Required, "name the authorised person"));
    }

    let b = e.finish(|| {
        let birth = birth.expect("checked");
        Beneficiary {
            id: records::new_id(),
            full_name: full_name.expect("checked"),
            birth_date: match birth {
                BirthDate::Full(d) => Some(d),
                BirthDate::Year(_) => None,
            },
            birth_year: birth.birth_year(),
            sex: sex.expect("checked"),
            id_number,
            legacy_id_number,
            id_override_reason: override_reason,
            ward_code,
            residential_group: input.residential_group.trim().to_string(),
            phone: phone.expect("checked"),
            group_code,
            disability: disability.expect("checked"),
            needs: input.needs,
            authorised_name: authorised_name.expect("checked"),
            authorised_id_number: authorised_id_number.expect("checked"),
            authorised_relation: input.authorised_relation.trim().to_string(),
            duplicate_reason: input.duplicate_reason.trim().to_string(),
        }
    })?;
    // What every stored person satisfies, whether typed here or arriving from another desktop.
    crate::check::beneficiary(&b, refs, today)?;
    Ok(b)
}

/// Account numbers are text; what makes one plausible depends on the channel.
pub(crate) fn check_account_number(channel: Channel, raw: &str) -> Result<String, FieldError> {
    let n: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let ok = match channel {
        Channel::Bank => digits && (6..=19).contains(&n.len()),
        Channel::MobileMoney | Channel::Ewallet => {
            return parse_phone("account_number", &n).map_err(|_| bad_account_number());
        }
        Channel::Vneid => n.is_empty() || (digits && n.len() == 12),
        Channel::Cash => n.is_empty(),
    };
    if ok { Ok(n) } else { Err(bad_account_number()) }
}

fn bad_account_number() -> FieldError {
    FieldError::new("account_number", ErrorCode::AccountNumberInvalid, "this account number does not fit the channel")
}

pub fn account(input: &AccountInput, refs: &dyn RefData, today: NaiveDate) -> Result<Account, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let channel = e.take(parse_code("channel", &input.channel, ErrorCode::ChannelUnknown, Channel::parse));
    let provider_code = input.provider_code.trim().to_string();
    let mut account_number = None;
    if let Some(ch) = channel {
        let needs_provider = matches!(ch, Channel::Bank | Channel::Ewallet | Channel::MobileMoney);
        if provider_code.is_empty() {
            if needs_provider {
                e.push(FieldError::new("provider_code", ErrorCode::Required, "choose the bank or operator"));
            }
        } else if !refs.has_provider(ch, &provider_code) {
            e.push(
                FieldError::new("provider_code", ErrorCode::ProviderUnknown, "unknown provider for this channel")
                    .param("code", &provider_code),
            );
        }
        account_number = e.take(check_account_number(ch, &input.account_number));
    }
    let requested_on = e.take(past_date("requested_on", &input.requested_on, today));
    let opened_on = e.take(optional_past_date("opened_on", &input.opened_on, today)).flatten();
    if let (Some(r), Some(o)) = (requested_on, opened_on)
        && o < r
    {
        e.push(FieldError::new(
            "opened_on",
            ErrorCode::DateBeforeRequest,
            "an account cannot open before it was requested",
        ));
    }
    let a = e.finish(|| Account {
        id: records::new_id(),
        beneficiary_id: beneficiary_id.expect("checked"),
        channel: channel.expect("checked"),
        provider_code,
        account_number: account_number.expect("checked"),
        status: if opened_on.is_some() { AccountStatus::Opened } else { AccountStatus::Requested },
        requested_on,
        opened_on,
        closed_on: None,
        close_reason: String::new(),
        assisted: input.assisted,
        vneid_linked: input.vneid_linked,
    })?;
    crate::check::account(&a, refs, today)?;
    Ok(a)
}

/// A payment as typed: the store completes it (amount from entitlement, channel from account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    pub beneficiary_id: Uuid,
    pub account_id: Option<Uuid>,
    pub period: String,
    pub amount_vnd: Option<i64>,
    pub status: PaymentStatus,
    pub credited_on: Option<NaiveDate>,
    pub failure_reason: String,
    /// Empty for the monthly allowance.
    pub label: String,
}

pub fn payment(input: &PaymentInput, today: NaiveDate) -> Result<PaymentDraft, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let account_id = match input.account_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => e.take(parse_uuid("account_id", raw)).map(Some),
    };
    let period = e.take(dates::parse_period("period", &input.period)).map(|(y, m)| dates::period_key(y, m));
    let label = if input.one_off {
        match e.take(text::normalize_label("label", &input.label)) {
            Some(l) if l.is_empty() => {
                e.push(FieldError::new("label", ErrorCode::Required, "name the one-off payment"));
                None
            }
            other => other,
        }
    } else {
        Some(String::new())
    };
    let amount = if input.amount.trim().is_empty() {
        // Decisions and groups say what a month pays; nothing says what a gift pays.
        if input.one_off {
            e.push(FieldError::new("amount", ErrorCode::OneOffAmountRequired, "type the amount of a one-off payment"));
        }
        Some(None)
    } else {
        e.take(money::parse_vnd("amount", &input.amount)).map(Some)
    };
    let status = match input.status.trim() {
        "credited" | "" => Some(PaymentStatus::Credited),
        "failed" => Some(PaymentStatus::Failed),
        _ => {
            e.push(FieldError::new("status", ErrorCode::StatusInvalid, "status must be credited or failed"));
            None
        }
    };
    let mut credited_on = None;
    let failure_reason = input.failure_reason.trim().to_string();
    match status {
        Some(PaymentStatus::Credited) => credited_on = e.take(past_date("credited_on", &input.credited_on, today)),
        Some(_) if failure_reason.is_empty() => {
            e.push(FieldError::new("failure_reason", ErrorCode::FailureReasonRequired, "say why the transfer failed"));
        }
        _ => {}
    }
    e.finish(|| PaymentDraft {
        beneficiary_id: beneficiary_id.expect("checked"),
        account_id: account_id.expect("checked"),
        period: period.expect("checked"),
        amount_vnd: amount.expect("checked"),
        status: status.expect("checked"),
        credited_on,
        failure_reason,
        label: label.expect("checked"),
    })
}

/// A withdrawal as typed; the store checks it against its payment.
pub fn withdrawal(input: &WithdrawalInput, today: NaiveDate) -> Result<records::Withdrawal, Vec<FieldError>> {
    let mut e = Errors::default();
    let payment_id = e.take(parse_uuid("payment_id", &input.payment_id));
    let withdrawn_on = e.take(past_date("withdrawn_on", &input.withdrawn_on, today));
    let amount = e.take(money::parse_vnd("amount", &input.amount));
    let place = e.take(parse_code("place", &input.place, ErrorCode::PlaceInvalid, WithdrawalPlace::parse));
    let travel_minutes = e.take(money::parse_optional_count("travel_minutes", &input.travel_minutes));
    let travel_cost = e.take(money::parse_optional_vnd("travel_cost", &input.travel_cost));
    let waiting_minutes = e.take(money::parse_optional_count("waiting_minutes", &input.waiting_minutes));
    let mut problems = Vec::new();
    for p in &input.problems {
        match Problem::parse(p.trim()) {
            Some(p) if !problems.contains(&p) => problems.push(p),
            Some(_) => {}
            None => e.push(FieldError::new("problems", ErrorCode::ProblemInvalid, format!("unknown problem '{p}'"))),
        }
    }
    e.finish(|| records::Withdrawal {
        id: records::new_id(),
        payment_id: payment_id.expect("checked"),
        withdrawn_on: withdrawn_on.expect("checked"),
        amount_vnd: amount.expect("checked"),
        place: place.expect("checked"),
        travel_minutes: travel_minutes.expect("checked"),
        travel_cost_vnd: travel_cost.expect("checked"),
        waiting_minutes: waiting_minutes.expect("checked"),
        assisted: input.assisted,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Needs;

    struct Refs;
    impl RefData for Refs {
        fn has_ward(&self, code: &str) -> bool {
            code == "00001"
        }
        fn has_group(&self, code: &str) -> bool {
            code == "cao_tuoi_ngheo_80"
        }
        fn has_provider(&self, channel: Channel, code: &str) -> bool {
            channel == Channel::Bank && code == "970436"
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn person() -> BeneficiaryInput {
        BeneficiaryInput {
            full_name: "  Nguyễn   Thị Ánh ".into(),
            birth_date: "05/03/1941".into(),
            sex: "Nữ".into(),
            // 001 Hà Nội, 1 = female born 1900s, 41 = 1941
            id_number: "001141012345".into(),
            ward_code: "00001".into(),
            group_code: "cao_tuoi_ngheo_80".into(),
            needs: Needs { lives_alone: true, ..Needs::default() },
            ..BeneficiaryInput::default()
        }
    }

    fn codes(errs: &[FieldError]) -> Vec<(&str, ErrorCode)> {
        errs.iter().map(|e| (e.field.as_deref().unwrap_or(""), e.code)).collect()
    }

    #[test]
    fn a_good_person_becomes_a_record() {
        let b = beneficiary(&person(), &Refs, today()).unwrap();
        assert_eq!(b.full_name, "Nguyễn Thị Ánh");
        assert_eq!(b.sex, Sex::Female);
        assert_eq!(b.birth_year, 1941);
        assert_eq!(b.id_number.as_deref(), Some("001141012345"));
        assert!(b.needs.lives_alone);
        assert_eq!(b.id.get_version_num(), 7);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = BeneficiaryInput {
            full_name: " ".into(),
            birth_date: "31/02/1950".into(),
            sex: "x".into(),
            id_number: "12345".into(),
            ward_code: "99999".into(),
            group_code: "".into(),
            phone: "12".into(),
            ..BeneficiaryInput::default()
        };
        let errs = beneficiary(&input, &Refs, today()).unwrap_err();
        let c = codes(&errs);
        for expected in [
            ("full_name", ErrorCode::Required),
            ("birth_date", ErrorCode::DateInvalid),
            ("sex", ErrorCode::SexInvalid),
            ("id_number", ErrorCode::IdNumberLength),
            ("ward_code", ErrorCode::WardUnknown),
            ("group_code", ErrorCode::Required),
            ("phone", ErrorCode::PhoneInvalid),
        ] {
            assert!(c.contains(&expected), "missing {expected:?} in {c:?}");
        }
    }

    #[test]
    fn id_mismatch_needs_a_reason() {
        let mut p = person();
        p.sex = "Nam".into();
        let errs = beneficiary(&p, &Refs, today()).unwrap_err();
        assert_eq!(codes(&errs), vec![("id_number", ErrorCode::IdNumberSexMismatch)]);
        p.id_override_reason = "CCCD in sai giới tính, đã báo công an".into();
        let b = beneficiary(&p, &Refs, today()).unwrap();
        assert_eq!(b.sex, Sex::Male);
        assert!(!b.id_override_reason.is_empty());
    }

    #[test]
    fn legacy_cmnd_is_kept_not_rejected() {
        let mut p = person();
        p.id_number = "012345678".into();
        let b = beneficiary(&p, &Refs, today()).unwrap();
        assert_eq!(b.id_number, None);
        assert_eq!(b.legacy_id_number.as_deref(), Some("012345678"));
    }

    #[test]
    fn birth_year_alone_is_accepted() {
        let mut p = person();
        p.birth_date = "1941".into();
        let b = beneficiary(&p, &Refs, today()).unwrap();
        assert_eq!((b.birth_date, b.birth_year), (None, 1941));
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(parse_phone("phone", "0912 345 678").unwrap(), "0912345678");
        assert_eq!(parse_phone("phone", "+84912345678").unwrap(), "0912345678");
        assert!(parse_phone("phone", "091234567").is_err());
    }

    fn account_input() -> AccountInput {
        AccountInput {
            beneficiary_id: records::new_id().to_string(),
            channel: "bank".into(),
            provider_code: "970436".into(),
            account_number: "0011004455667".into(),
            requested_on: "01/11/2026".into(),
            opened_on: "03/11/2026".into(),
            assisted: true,
            vneid_linked: false,
        }
    }

    #[test]
    fn account_rules() {
        let a = account(&account_input(), &Refs, today()).unwrap();
        assert_eq!(a.status, AccountStatus::Opened);
        assert_eq!(a.account_number, "0011004455667", "leading zeros kept");

        let mut i = account_input();
        i.opened_on = "30/10/2026".into();
        i.provider_code = "999999".into();
        i.account_number = "12ab".into();
        let errs = account(&i, &Refs, today()).unwrap_err();
        let c = codes(&errs).into_iter().map(|(_, c)| c).collect::<Vec<_>>();
        assert_eq!(c, vec![ErrorCode::ProviderUnknown, ErrorCode::AccountNumberInvalid, ErrorCode::DateBeforeRequest]);

        let mut requested = account_input();
        requested.opened_on.clear();
        assert_eq!(account(&requested, &Refs, today()).unwrap().status, AccountStatus::Requested);
    }

    #[test]
    fn payment_rules() {
        let ok = PaymentInput {
            beneficiary_id: records::new_id().to_string(),
            account_id: None,
            period: "11/2026".into(),
            amount: "".into(),
            status: "credited".into(),
            credited_on: "10/11/2026".into(),
            failure_reason: "".into(),
            one_off: false,
            label: String::new(),
        };
        let d = payment(&ok, today()).unwrap();
        assert_eq!((d.period.as_str(), d.amount_vnd, d.account_id, d.label.as_str()), ("2026-11", None, None, ""));

        // A one-off payment: its label cleaned, its amount typed (nothing else says it).
        let gift =
            PaymentInput { one_off: true, label: " Quà  Tết 2026".into(), amount: "400.000".into(), ..ok.clone() };
        let d = payment(&gift, today()).unwrap();
        assert_eq!((d.label.as_str(), d.amount_vnd), ("Quà Tết 2026", Some(400_000)));
        let no_amount = PaymentInput { amount: "".into(), ..gift.clone() };
        assert_eq!(
            codes(&payment(&no_amount, today()).unwrap_err()),
            vec![("amount", ErrorCode::OneOffAmountRequired)]
        );
        let unnamed = PaymentInput { label: "   ".into(), ..gift.clone() };
        assert_eq!(codes(&payment(&unnamed, today()).unwrap_err()), vec![("label", ErrorCode::Required)]);
        // A label typed on a monthly payment is not kept: the month stays the month.
        let monthly = PaymentInput { one_off: false, ..gift };
        assert_eq!(payment(&monthly, today()).unwrap().label, "");

        let failed = PaymentInput { status: "failed".into(), ..ok.clone() };
        assert_eq!(
            codes(&payment(&failed, today()).unwrap_err()),
            vec![("failure_reason", ErrorCode::FailureReasonRequired)]
        );

        let future = PaymentInput { credited_on: "01/12/2026".into(), amount: "1,5".into(), ..ok };
        let errs = payment(&future, today()).unwrap_err();
        let c = codes(&errs);
        assert!(
            c.contains(&("credited_on", ErrorCode::DateFuture)) && c.contains(&("amount", ErrorCode::AmountInvalid)),
            "{c:?}"
        );
    }

    #[test]
    fn withdrawal_rules() {
        let input = WithdrawalInput {
            payment_id: records::new_id().to_string(),
            withdrawn_on: "12/11/2026".into(),
            amount: "750.000".into(),
            place: "atm".into(),
            travel_minutes: "".into(),
            travel_cost: "0".into(),
            waiting_minutes: "15".into(),
            assisted: false,
            problems: vec!["forgot_pin".into(), "forgot_pin".into()],
        };
        let w = withdrawal(&input, today()).unwrap();
        assert_eq!(w.amount_vnd, 750_000);
        assert_eq!(w.travel_minutes, None, "does not remember stays unknown");
        assert_eq!(w.travel_cost_vnd, Some(0));
        assert_eq!(w.problems, vec![Problem::ForgotPin]);

        let bad =
            WithdrawalInput { place: "bank".into(), waiting_minutes: "-3".into(), problems: vec!["x".into()], ..input };
        let errs = withdrawal(&bad, today()).unwrap_err();
        let c = codes(&errs);
        assert_eq!(
            c,
            vec![
                ("place", ErrorCode::PlaceInvalid),
                ("waiting_minutes", ErrorCode::NumberInvalid),
                ("problems", ErrorCode::ProblemInvalid)
            ]
        );
    }
}
