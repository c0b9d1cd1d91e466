//! An incoming record's row, checked before anything is written: its payload is exactly a row
//! of its entity's table (every column, nothing else, the right types), its key is the record's
//! `entity_id`, its audit columns name the device that sent it, and it passes the rules a typed
//! form passes (`ansinh_core::check`, the same parsers). A bundle can never store what the
//! forms cannot. The same checks run on the central server (without this desktop's reference
//! data) and on every desktop that imports.

use crate::changes::ChangeRecord;
use crate::entity::{Entity, Kind};
use crate::error::{Result, StoreError};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::check;
use ansinh_core::decisions::{DecisionKind, StopReason};
use ansinh_core::declines::DeclineReason;
use ansinh_core::followup::{ContactKind, ContactOutcome};
use ansinh_core::grievances::{GrievanceCategory, GrievanceChannel, GrievanceStatus};
use ansinh_core::model::{AccountStatus, Channel, Disability, Needs, PaymentStatus, Problem, Sex, WithdrawalPlace};
use ansinh_core::records::{Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_core::validate::RefData;
use ansinh_core::verification::VerificationResult;
use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A device clock a little ahead of this one (another time zone, a clock not yet corrected)
/// is not a forged record: dates up to this many days after today are accepted from others.
pub const CLOCK_SLACK_DAYS: u64 = 2;

/// What a checked row says about where it belongs (for the ward-scope rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A person's row, of this ward.
    Person { ward: String },
    /// A row hanging off a person (account, payment, contact, grievance).
    OfPerson(String),
    /// A row hanging off a payment (withdrawal, verification visit).
    OfPayment(String),
    /// A grievance's status change.
    OfGrievance(String),
    /// Shared rows: cycles, verification samples, the exports register.
    Shared,
    /// A ward's row that is not a person's (a payout report): Some(ward), or None for every
    /// ward (only the city desktop sends those).
    Ward(Option<String>),
    /// A row about a person that a ward decided (a benefit decision): both must be the sender's.
    OfPersonInWard { person: String, ward: String },
}

/// Reference data that knows every code: the server checks a row's shape and rules without
/// holding a desktop's units and groups (each desktop checks the codes when it imports).
pub struct AnyCode;

impl RefData for AnyCode {
    fn has_ward(&self, _: &str) -> bool {
        true
    }
    fn has_group(&self, _: &str) -> bool {
        true
    }
    fn has_provider(&self, _: Channel, _: &str) -> bool {
        true
    }
}

fn refuse(r: &ChangeRecord, code: ErrorCode, field: &str, message: String) -> StoreError {
    StoreError::Conflict(
        FieldError::new(field, code, message)
            .param("record", format!("{}#{}", r.device_id, r.seq))
            .param("entity", r.entity.name())
            .param("entity_id", &r.entity_id),
    )
}

/// The field a serde error is about (`missing field `x``, `unknown field `x``, or the path).
fn serde_field(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.split('`').nth(1).unwrap_or("payload").to_string()
}

fn invalid(r: &ChangeRecord, errors: Vec<FieldError>) -> StoreError {
    let first =
        errors.into_iter().next().unwrap_or_else(|| FieldError::new("payload", ErrorCode::Validation, "invalid row"));
    let field = first.field.clone().unwrap_or_else(|| "payload".into());
    let mut e = FieldError::new(
        &field,
        ErrorCode::ExchangeInvalidRow,
        format!("{} {}: {}", r.entity, r.entity_id, first.message),
    )
    .param("record", format!("{}#{}", r.device_id, r.seq))
    .param("entity", r.entity.name())
    .param("entity_id", &r.entity_id)
    .param("reason", first.code);
    e.params.extend(first.params);
    StoreError::Conflict(e)
}

/// Checks one record's row; returns who it belongs to.
pub fn check_row(r: &ChangeRecord, refs: &dyn RefData, today: NaiveDate) -> Result<Owner> {
    let today = today + chrono::Days::new(CLOCK_SLACK_DAYS);
    let value: serde_json::Value = serde_json::from_str(&r.payload)
        .map_err(|_| refuse(r, ErrorCode::ExchangeInvalidRow, "payload", "the payload is not JSON".into()))?;
    let Some(obj) = value.as_object() else {
        return Err(refuse(r, ErrorCode::ExchangeInvalidRow, "payload", "the payload is not a row".into()));
    };
    // The row's key is the record's: a record can only ever touch the row it names.
    let key = obj.get(r.entity.pk());
    if key.and_then(serde_json::Value::as_str) != Some(r.entity_id.as_str()) {
        return Err(refuse(
            r,
            ErrorCode::ExchangePayloadMismatch,
            r.entity.pk(),
            format!("the row's {} is not the record's entity id {}", r.entity.pk(), r.entity_id),
        ));
    }
    if r.entity.has_audit_columns() {
        let device = |col: &str| obj.get(col).and_then(serde_json::Value::as_str);
        // Who last wrote the row is the device whose record this is (and who created it, for
        // an insert): a device cannot pass its rows off as another's (city mode decides what
        // is read-only by them).
        let cols: &[&str] =
            if r.kind == Kind::Insert { &["created_device", "updated_device"] } else { &["updated_device"] };
        for col in cols {
            if device(col) != Some(r.device_id.as_str()) {
                return Err(refuse(
                    r,
                    ErrorCode::ExchangePayloadMismatch,
                    col,
                    format!("{col} is not the sending device {}", r.device_id),
                ));
            }
        }
    }
    match r.entity {
        Entity::Beneficiary => {
            let row: BeneficiaryRow = parse(r, value)?;
            let ward = row.ward_code.clone();
            row.check(refs, today).map_err(|e| invalid(r, e))?;
            Ok(Owner::Person { ward })
        }
        Entity::Account => {
            let row: AccountRow = parse(r, value)?;
            let owner = Owner::OfPerson(row.beneficiary_id.to_string());
            check::account(&row.record(), refs, today).map_err(|e| invalid(r, e))?;
            Ok(owner)
        }
        Entity::Cycle => {
            let row: CycleRow = parse(r, value)?;
            let mut errors = check::cycle(&Cycle { period: row.period.clone(), scheduled_on: row.scheduled_on.0 })
                .err()
                .unwrap_or_default();
            if let Some(closed) = &row.closed_at
                && closed.trim().is_empty()
            {
                errors.push(FieldError::new("closed_at", ErrorCode::ValueNotCanonical, "an empty closing time"));
            }
            if errors.is_empty() { Ok(Owner::Shared) } else { Err(invalid(r, errors)) }
        }
        Entity::Payment => {
            let row: PaymentRow = parse(r, value)?;
            let owner = Owner::OfPerson(row.beneficiary_id.to_string());
            check::payment(&row.record(), today).map_err(|e| invalid(r, e))?;
            Ok(owner)
        }
        Entity::Withdrawal => {
            let row: WithdrawalRow = parse(r, value)?;
            let owner = Owner::OfPayment(row.payment_id.to_string());
            check::withdrawal(&row.record(r)?, today).map_err(|e| invalid(r, e))?;
            Ok(owner)
        }
        Entity::Contact => {
            let row: ContactRow = parse(r, value)?;
            let mut e = Vec::new();
            e.extend(check::not_future("contacted_on", row.contacted_on.0, today).err());
            e.extend(check::trimmed("note", &row.note).err());
            if e.is_empty() { Ok(Owner::OfPerson(row.beneficiary_id.to_string())) } else { Err(invalid(r, e)) }
        }
        Entity::Grievance => {
            let row: GrievanceRow = parse(r, value)?;
            let mut e = Vec::new();
            if row.description.trim().is_empty() {
                e.push(FieldError::new("description", ErrorCode::Required, "describe the grievance"));
            }
            e.extend(check::not_future("opened_on", row.opened_on.0, today).err());
            if row.deadline_on < row.opened_on {
                e.push(FieldError::new(
                    "deadline_on",
                    ErrorCode::DeadlineBeforeOpened,
                    "the deadline is before the opening day",
                ));
            }
            let closed = matches!(row.status, GrievanceStatus::Resolved | GrievanceStatus::Rejected);
            if closed && (row.resolution_note.trim().is_empty() || row.closed_on.is_none()) {
                e.push(FieldError::new(
                    "resolution_note",
                    ErrorCode::GrievanceOutcomeRequired,
                    "a closed ticket has an outcome",
                ));
            }
            if let Some(c) = row.closed_on {
                e.extend(check::not_future("closed_on", c.0, today).err());
            }
            if e.is_empty() { Ok(Owner::OfPerson(row.beneficiary_id.to_string())) } else { Err(invalid(r, e)) }
        }
        Entity::GrievanceEvent => {
            let row: GrievanceEventRow = parse(r, value)?;
            let e: Vec<FieldError> =
                check::not_future("changed_on", row.changed_on.0, today).err().into_iter().collect();
            if e.is_empty() { Ok(Owner::OfGrievance(row.grievance_id.to_string())) } else { Err(invalid(r, e)) }
        }
        Entity::VerificationSample => {
            let row: VerificationSampleRow = parse(r, value)?;
            let mut e: Vec<FieldError> = check::period("period", &row.period).err().into_iter().collect();
            if row.population <= 0 {
                e.push(FieldError::new(
                    "population",
                    ErrorCode::NumberInvalid,
                    "a sample is drawn from at least one payment",
                ));
            }
            if row.size_spec.trim().is_empty() {
                e.push(FieldError::new("size_spec", ErrorCode::Required, "the sample size"));
            }
            if e.is_empty() { Ok(Owner::Shared) } else { Err(invalid(r, e)) }
        }
        Entity::VerificationItem => {
            let row: VerificationItemRow = parse(r, value)?;
            let mut e = Vec::new();
            if row.position <= 0 {
                e.push(FieldError::new("position", ErrorCode::NumberInvalid, "a position starts at 1"));
            }
            if row.result.is_some() != row.verified_on.is_some() {
                e.push(FieldError::new("verified_on", ErrorCode::Required, "a visit's result and day go together"));
            }
            if let Some(d) = row.verified_on {
                e.extend(check::not_future("verified_on", d.0, today).err());
            }
            if row.amount_received_vnd.is_some_and(|a| a < 0) {
                e.push(FieldError::new("amount_received_vnd", ErrorCode::AmountInvalid, "must not be negative"));
            }
            if e.is_empty() { Ok(Owner::OfPayment(row.payment_id.to_string())) } else { Err(invalid(r, e)) }
        }
        Entity::Export => {
            let row: ExportRow = parse(r, value)?;
            let ok = ["monthly_report_xlsx", "monthly_report_print", "table_csv"].contains(&row.kind.as_str());
            if ok {
                Ok(Owner::Shared)
            } else {
                Err(invalid(r, vec![FieldError::new("kind", ErrorCode::StatusInvalid, "unknown kind of export")]))
            }
        }
        Entity::PayoutReport => {
            let row: PayoutReportRow = parse(r, value)?;
            let mut e: Vec<FieldError> = check::period("period", &row.period).err().into_iter().collect();
            if let Some(c) = &row.channel
                && Channel::parse(c).is_none()
            {
                e.push(FieldError::new("channel", ErrorCode::ChannelUnknown, "unknown channel"));
            }
            if let Some(w) = &row.ward_code
                && !refs.has_ward(w)
            {
                e.push(FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward"));
            }
            if let Some(c) = row.complete_to {
                e.extend(check::not_future("complete_to", c.0, today).err());
            }
            if row.file_hash.len() != 64 || !row.file_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                e.push(FieldError::new("file_hash", ErrorCode::ValueNotCanonical, "not a SHA-256 in hex"));
            }
            if row.rows < 0 || row.withdrawals < 0 || row.withdrawals > row.rows {
                e.push(FieldError::new("withdrawals", ErrorCode::NumberInvalid, "counts out of range"));
            }
            if e.is_empty() { Ok(Owner::Ward(row.ward_code)) } else { Err(invalid(r, e)) }
        }
        Entity::BenefitDecision => {
            let row: DecisionRow = parse(r, value)?;
            let mut e = Vec::new();
            e.extend(check::trimmed("number", &row.number).err());
            if row.number.is_empty() {
                e.push(FieldError::new("number", ErrorCode::Required, "the decision's number"));
            }
            e.extend(check::not_future("decided_on", row.decided_on.0, today).err());
            e.extend(check::period("from_period", &row.from_period).err());
            let decided_month = row.decided_on.0.format("%Y-%m").to_string();
            if row.from_period < decided_month {
                e.push(FieldError::new("from_period", ErrorCode::DecisionFromBeforeDecided, "before the decision"));
            }
            if !refs.has_ward(&row.ward_code) {
                e.push(FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward"));
            }
            match (row.kind, &row.group_code, row.reason) {
                (DecisionKind::Stop, _, None) => {
                    e.push(FieldError::new("reason", ErrorCode::Required, "a stop needs its reason"))
                }
                (DecisionKind::Start | DecisionKind::Change, None, _) => {
                    e.push(FieldError::new("group_code", ErrorCode::Required, "the group decided"))
                }
                (DecisionKind::Start | DecisionKind::Change, _, Some(_)) => {
                    e.push(FieldError::new("reason", ErrorCode::ValueNotCanonical, "only a stop has a reason"))
                }
                _ => {}
            }
            if let Some(g) = &row.group_code
                && !refs.has_group(g)
            {
                e.push(FieldError::new("group_code", ErrorCode::GroupUnknown, "unknown group"));
            }
            e.extend(check::trimmed("note", &row.note).err());
            let owner = Owner::OfPersonInWard { person: row.beneficiary_id.to_string(), ward: row.ward_code };
            if e.is_empty() { Ok(owner) } else { Err(invalid(r, e)) }
        }
        Entity::AccountDecline => {
            let row: DeclineRow = parse(r, value)?;
            let mut e = Vec::new();
            e.extend(check::not_future("confirmed_on", row.confirmed_on.0, today).err());
            e.extend(check::trimmed("note", &row.note).err());
            if row.reason == DeclineReason::Other && row.note.is_empty() {
                e.push(FieldError::new("note", ErrorCode::Required, "the specific reason"));
            }
            if e.is_empty() { Ok(Owner::OfPerson(row.beneficiary_id.to_string())) } else { Err(invalid(r, e)) }
        }
    }
}

fn parse<T: DeserializeOwned>(r: &ChangeRecord, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| {
        let field = serde_field(&e);
        refuse(r, ErrorCode::ExchangeInvalidRow, &field, format!("{} {}: {e}", r.entity, r.entity_id))
    })
}

/// A stored id: a UUID in its canonical text form (lower-case, hyphenated), since rows refer to
/// each other by that exact text.
#[derive(Debug, Clone, Copy)]
struct Id(Uuid);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match Uuid::parse_str(&s) {
            Ok(u) if u.hyphenated().to_string() == s => Ok(Id(u)),
            _ => Err(serde::de::Error::custom(format!("{s:?} is not an id"))),
        }
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A stored date: `yyyy-mm-dd` exactly (rows are compared and sorted by that text).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Day(NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(day) if day.format("%Y-%m-%d").to_string() == s => Ok(Day(day)),
            _ => Err(serde::de::Error::custom(format!("{s:?} is not a yyyy-mm-dd date"))),
        }
    }
}

fn day(d: Option<Day>) -> Option<NaiveDate> {
    d.map(|d| d.0)
}

/// SQLite booleans: exactly 0 or 1.
fn bit<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    match i64::deserialize(d)? {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(serde::de::Error::custom(format!("{n} is not 0 or 1"))),
    }
}

/// A row struct of a shipped table: every column, no other (`deny_unknown_fields`), then the
/// six audit columns every table but the cycles carries.
macro_rules! row {
    ($name:ident { $($(#[$m:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // Some columns are read only to require them.
        struct $name {
            $($(#[$m])* $field: $ty,)*
            created_at: String,
            created_by: String,
            created_device: String,
            updated_at: String,
            updated_by: String,
            updated_device: String,
        }
    };
}

row!(BeneficiaryRow {
    id: Id,
    full_name: String,
    name_key: String,
    name_lower: String,
    sort_key: String,
    birth_date: Option<Day>,
    birth_year: i32,
    sex: Sex,
    id_number: Option<String>,
    legacy_id_number: Option<String>,
    id_override_reason: String,
    ward_code: String,
    residential_group: String,
    phone: String,
    group_code: String,
    disability: Disability,
    #[serde(deserialize_with = "bit")]
    lives_alone: bool,
    #[serde(deserialize_with = "bit")]
    limited_mobility: bool,
    #[serde(deserialize_with = "bit")]
    vision_hearing: bool,
    #[serde(deserialize_with = "bit")]
    no_smartphone: bool,
    #[serde(deserialize_with = "bit")]
    bedridden: bool,
    authorised_name: String,
    authorised_id_number: String,
    authorised_relation: String,
    duplicate_reason: String,
    legal_basis: Option<String>,
});

impl BeneficiaryRow {
    fn check(self, refs: &dyn RefData, today: NaiveDate) -> std::result::Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        // The search and sort keys are derived from the name: they must be what this desktop
        // derives, or search would find the person under another name.
        for (field, stored, derived) in [
            ("name_key", &self.name_key, ansinh_core::text::fold(&self.full_name)),
            ("name_lower", &self.name_lower, ansinh_core::text::lower_exact(&self.full_name)),
            ("sort_key", &self.sort_key, ansinh_core::text::sort_key(&self.full_name)),
        ] {
            if *stored != derived {
                errors.push(FieldError::new(field, ErrorCode::ValueNotCanonical, "does not match the name"));
            }
        }
        if let Some(basis) = &self.legal_basis
            && serde_json::from_str::<serde_json::Value>(basis).is_err()
        {
            errors.push(FieldError::new("legal_basis", ErrorCode::ValueNotCanonical, "not a recorded legal basis"));
        }
        let b = Beneficiary {
            id: self.id.0,
            full_name: self.full_name,
            birth_date: day(self.birth_date),
            birth_year: self.birth_year,
            sex: self.sex,
            id_number: self.id_number,
            legacy_id_number: self.legacy_id_number,
            id_override_reason: self.id_override_reason,
            ward_code: self.ward_code,
            residential_group: self.residential_group,
            phone: self.phone,
            group_code: self.group_code,
            disability: self.disability,
            needs: Needs {
                lives_alone: self.lives_alone,
                limited_mobility: self.limited_mobility,
                vision_hearing: self.vision_hearing,
                no_smartphone: self.no_smartphone,
                bedridden: self.bedridden,
            },
            authorised_name: self.authorised_name,
            authorised_id_number: self.authorised_id_number,
            authorised_relation: self.authorised_relation,
            duplicate_reason: self.duplicate_reason,
        };
        if let Err(mut e) = check::beneficiary(&b, refs, today) {
            errors.append(&mut e);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

row!(AccountRow {
    id: Id,
    beneficiary_id: Id,
    channel: Channel,
    provider_code: String,
    account_number: String,
    status: AccountStatus,
    requested_on: Option<Day>,
    opened_on: Option<Day>,
    closed_on: Option<Day>,
    close_reason: String,
    #[serde(deserialize_with = "bit")]
    assisted: bool,
    // Absent from rows of schema 3 (before issue 16's one-off payments).
    #[serde(default, deserialize_with = "bit")]
    vneid_linked: bool,
});

impl AccountRow {
    fn record(&self) -> Account {
        Account {
            id: self.id.0,
            beneficiary_id: self.beneficiary_id.0,
            channel: self.channel,
            provider_code: self.provider_code.clone(),
            account_number: self.account_number.clone(),
            status: self.status,
            requested_on: day(self.requested_on),
            opened_on: day(self.opened_on),
            closed_on: day(self.closed_on),
            close_reason: self.close_reason.clone(),
            assisted: self.assisted,
            vneid_linked: self.vneid_linked,
        }
    }
}

/// Cycles are shared reference rows without audit columns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CycleRow {
    period: String,
    scheduled_on: Day,
    closed_at: Option<String>,
}

row!(PaymentRow {
    id: Id,
    period: String,
    beneficiary_id: Id,
    account_id: Option<Id>,
    channel: Channel,
    amount_vnd: i64,
    status: PaymentStatus,
    scheduled_on: Option<Day>,
    credited_on: Option<Day>,
    failure_reason: String,
    reference: Option<String>,
    // Absent from rows of schema 3 (before issue 16's one-off payments).
    #[serde(default)]
    label: String,
});

impl PaymentRow {
    fn record(&self) -> Payment {
        Payment {
            id: self.id.0,
            period: self.period.clone(),
            beneficiary_id: self.beneficiary_id.0,
            account_id: self.account_id.map(|a| a.0),
            channel: self.channel,
            amount_vnd: self.amount_vnd,
            status: self.status,
            scheduled_on: day(self.scheduled_on),
            credited_on: day(self.credited_on),
            failure_reason: self.failure_reason.clone(),
            reference: self.reference.clone(),
            label: self.label.clone(),
        }
    }
}

row!(WithdrawalRow {
    id: Id,
    payment_id: Id,
    withdrawn_on: Day,
    amount_vnd: i64,
    place: WithdrawalPlace,
    travel_minutes: Option<i64>,
    travel_cost_vnd: Option<i64>,
    waiting_minutes: Option<i64>,
    #[serde(deserialize_with = "bit")]
    assisted: bool,
    problems: String,
});

impl WithdrawalRow {
    fn record(&self, r: &ChangeRecord) -> Result<Withdrawal> {
        let problems = self
            .problems
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                Problem::parse(p).ok_or_else(|| {
                    invalid(
                        r,
                        vec![FieldError::new("problems", ErrorCode::ProblemInvalid, format!("unknown problem '{p}'"))],
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Withdrawal {
            id: self.id.0,
            payment_id: self.payment_id.0,
            withdrawn_on: self.withdrawn_on.0,
            amount_vnd: self.amount_vnd,
            place: self.place,
            travel_minutes: self.travel_minutes,
            travel_cost_vnd: self.travel_cost_vnd,
            waiting_minutes: self.waiting_minutes,
            assisted: self.assisted,
            problems,
        })
    }
}

row!(DeclineRow { id: Id, beneficiary_id: Id, reason: DeclineReason, confirmed_on: Day, note: String });

row!(DecisionRow {
    id: Id,
    beneficiary_id: Id,
    ward_code: String,
    number: String,
    decided_on: Day,
    kind: DecisionKind,
    group_code: Option<String>,
    from_period: String,
    reason: Option<StopReason>,
    note: String,
});

row!(ContactRow {
    id: Id,
    beneficiary_id: Id,
    payment_id: Option<Id>,
    kind: ContactKind,
    contacted_on: Day,
    outcome: ContactOutcome,
    note: String,
});

row!(GrievanceRow {
    id: Id,
    beneficiary_id: Id,
    category: GrievanceCategory,
    channel: GrievanceChannel,
    description: String,
    opened_on: Day,
    deadline_on: Day,
    status: GrievanceStatus,
    resolution_note: String,
    closed_on: Option<Day>,
});

row!(GrievanceEventRow {
    id: Id,
    grievance_id: Id,
    from_status: Option<GrievanceStatus>,
    to_status: GrievanceStatus,
    changed_on: Day,
    deadline_on: Day,
    note: String,
});

row!(VerificationSampleRow { id: Id, period: String, seed: i64, size_spec: String, population: i64 });

row!(VerificationItemRow {
    id: Id,
    sample_id: Id,
    payment_id: Id,
    position: i64,
    result: Option<VerificationResult>,
    amount_received_vnd: Option<i64>,
    verified_on: Option<Day>,
    note: String,
});

row!(ExportRow {
    id: Id,
    kind: String,
    what: String,
    scope: String,
    period: Option<String>,
    file_path: String,
});

row!(PayoutReportRow {
    id: Id,
    period: String,
    ward_code: Option<String>,
    channel: Option<String>,
    payer: String,
    complete_to: Option<Day>,
    file_name: String,
    file_hash: String,
    rows: i64,
    withdrawals: i64,
});
