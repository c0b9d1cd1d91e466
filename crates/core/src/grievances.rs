//! Grievances: a ticket per complaint with a service deadline and a status history.

use crate::ErrorCode;
use crate::dates;
use crate::error::FieldError;
use crate::model::str_enum;
use crate::validate::{Errors, parse_code, parse_uuid, past_date, required};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Service deadline: a grievance is to be settled within this many days of being opened
/// (the officer may set another deadline; unverified default, see DOMAIN.md).
pub const SERVICE_DAYS: u64 = 15;

/// The default deadline of a grievance opened on `opened_on`.
pub fn default_deadline(opened_on: NaiveDate) -> NaiveDate {
    opened_on + chrono::Days::new(SERVICE_DAYS)
}

str_enum!(
    GrievanceCategory {
        NotReceived => "not_received",
        WrongAmount => "wrong_amount",
        AccountProblem => "account_problem",
        Access => "access",
        StaffConduct => "staff_conduct",
        Other => "other",
    }
);

str_enum!(
    /// How the grievance reached the office.
    GrievanceChannel {
        InPerson => "in_person",
        Phone => "phone",
        Hotline => "hotline",
        Letter => "letter",
        Online => "online",
        Other => "other",
    }
);

str_enum!(
    GrievanceStatus { Open => "open", InProgress => "in_progress", Resolved => "resolved", Rejected => "rejected" }
);

impl GrievanceStatus {
    /// Resolved and rejected tickets are closed: they need a resolution note and are never overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, GrievanceStatus::Resolved | GrievanceStatus::Rejected)
    }
}

/// Open or in progress after the deadline day.
pub fn is_overdue(status: GrievanceStatus, deadline_on: NaiveDate, as_of: NaiveDate) -> bool {
    !status.is_closed() && as_of > deadline_on
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct GrievanceInput {
    pub beneficiary_id: String,
    pub category: String,
    pub channel: String,
    pub description: String,
    pub opened_on: String,
    /// Empty: opened_on + [`SERVICE_DAYS`].
    pub deadline_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grievance {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub category: GrievanceCategory,
    pub channel: GrievanceChannel,
    pub description: String,
    pub opened_on: NaiveDate,
    pub deadline_on: NaiveDate,
    pub status: GrievanceStatus,
    pub resolution_note: String,
    pub closed_on: Option<NaiveDate>,
}

fn deadline(raw: &str, opened_on: Option<NaiveDate>) -> Result<Option<NaiveDate>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(opened_on.map(default_deadline));
    }
    let d = dates::parse_date("deadline_on", raw)?;
    match opened_on {
        Some(o) if d < o => Err(FieldError::new(
            "deadline_on",
            ErrorCode::DeadlineBeforeOpened,
            "the deadline is before the opening day",
        )),
        _ => Ok(Some(d)),
    }
}

/// Errors: `required`, `not_found`, `grievance_category.invalid`, `grievance_channel.invalid`,
/// `date.invalid`, `date.future`, `deadline.before_opened`.
pub fn grievance(input: &GrievanceInput, today: NaiveDate) -> Result<Grievance, Vec<FieldError>> {
    let mut e = Errors::default();
    let beneficiary_id = e.take(parse_uuid("beneficiary_id", &input.beneficiary_id));
    let category =
        e.take(parse_code("category", &input.category, ErrorCode::GrievanceCategoryInvalid, GrievanceCategory::parse));
    let channel =
        e.take(parse_code("channel", &input.channel, ErrorCode::GrievanceChannelInvalid, GrievanceChannel::parse));
    let description = e.take(required("description", &input.description)).map(str::to_string);
    let opened_on = e.take(past_date("opened_on", &input.opened_on, today));
    let deadline_on = e.take(deadline(&input.deadline_on, opened_on)).flatten();
    e.finish(|| Grievance {
        id: crate::records::new_id(),
        beneficiary_id: beneficiary_id.expect("checked"),
        category: category.expect("checked"),
        channel: channel.expect("checked"),
        description: description.expect("checked"),
        opened_on: opened_on.expect("checked"),
        deadline_on: deadline_on.expect("checked"),
        status: GrievanceStatus::Open,
        resolution_note: String::new(),
        closed_on: None,
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct GrievanceUpdateInput {
    pub grievance_id: String,
    pub status: String,
    pub changed_on: String,
    /// Required to resolve or reject (the resolution); otherwise a progress note.
    pub note: String,
    /// Empty: unchanged.
    pub deadline_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrievanceUpdate {
    pub grievance_id: Uuid,
    pub status: GrievanceStatus,
    pub changed_on: NaiveDate,
    pub note: String,
    pub deadline_on: Option<NaiveDate>,
}

/// Errors: `required`, `not_found`, `grievance_status.invalid`, `resolution_note.required`,
/// `date.invalid`, `date.future`. The store checks it against the ticket (dates, no-op).
pub fn grievance_update(input: &GrievanceUpdateInput, today: NaiveDate) -> Result<GrievanceUpdate, Vec<FieldError>> {
    let mut e = Errors::default();
    let grievance_id = e.take(parse_uuid("grievance_id", &input.grievance_id));
    let status = e.take(parse_code("status", &input.status, ErrorCode::GrievanceStatusInvalid, GrievanceStatus::parse));
    let changed_on = e.take(past_date("changed_on", &input.changed_on, today));
    let note = input.note.trim().to_string();
    if status.is_some_and(GrievanceStatus::is_closed) && note.is_empty() {
        e.push(FieldError::new("note", ErrorCode::ResolutionNoteRequired, "say how the grievance was settled"));
    }
    let deadline_on = e.take(deadline(&input.deadline_on, None)).flatten();
    e.finish(|| GrievanceUpdate {
        grievance_id: grievance_id.expect("checked"),
        status: status.expect("checked"),
        changed_on: changed_on.expect("checked"),
        note,
        deadline_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn default_deadline_is_fifteen_days_after_opening() {
        assert_eq!(default_deadline(d("2026-01-20")), d("2026-02-04"));
        let input = GrievanceInput {
            beneficiary_id: Uuid::now_v7().to_string(),
            category: "not_received".into(),
            channel: "hotline".into(),
            description: "Chưa nhận được tiền tháng 1".into(),
            opened_on: "20/01/2026".into(),
            deadline_on: String::new(),
        };
        let g = grievance(&input, d("2026-01-31")).unwrap();
        assert_eq!((g.deadline_on, g.status), (d("2026-02-04"), GrievanceStatus::Open));
        let custom = grievance(&GrievanceInput { deadline_on: "25/01/2026".into(), ..input.clone() }, d("2026-01-31"));
        assert_eq!(custom.unwrap().deadline_on, d("2026-01-25"));
        let early = grievance(&GrievanceInput { deadline_on: "19/01/2026".into(), ..input }, d("2026-01-31"));
        assert_eq!(early.unwrap_err()[0].code, ErrorCode::DeadlineBeforeOpened);
    }

    #[test]
    fn overdue_means_still_open_after_the_deadline_day() {
        let dl = d("2026-02-04");
        assert!(!is_overdue(GrievanceStatus::Open, dl, dl));
        assert!(is_overdue(GrievanceStatus::Open, dl, d("2026-02-05")));
        assert!(is_overdue(GrievanceStatus::InProgress, dl, d("2026-02-05")));
        assert!(!is_overdue(GrievanceStatus::Resolved, dl, d("2026-03-01")));
        assert!(!is_overdue(GrievanceStatus::Rejected, dl, d("2026-03-01")));
    }

    #[test]
    fn resolving_or_rejecting_needs_a_note() {
        let base = GrievanceUpdateInput {
            grievance_id: Uuid::now_v7().to_string(),
            status: "resolved".into(),
            changed_on: "01/02/2026".into(),
            note: " ".into(),
            deadline_on: String::new(),
        };
        for status in ["resolved", "rejected"] {
            let errs =
                grievance_update(&GrievanceUpdateInput { status: status.into(), ..base.clone() }, d("2026-02-02"))
                    .unwrap_err();
            assert_eq!(errs[0].code, ErrorCode::ResolutionNoteRequired);
        }
        let progress = GrievanceUpdateInput { status: "in_progress".into(), ..base.clone() };
        assert!(grievance_update(&progress, d("2026-02-02")).is_ok(), "no note needed while in progress");
        let done = GrievanceUpdateInput { note: "Đã chuyển lại tiền".into(), ..base };
        assert_eq!(grievance_update(&done, d("2026-02-02")).unwrap().status, GrievanceStatus::Resolved);
    }
}
