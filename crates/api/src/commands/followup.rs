//! Field-workflow commands (docs/IPC.md "Field workflows"): the follow-up list and its contact
//! log, verification samples, grievances. Thin adapters like `commands.rs`: core validation,
//! then the store.

use super::today;
use crate::command::commands;
use ansinh_core::followup::{self, ContactInput, DEFAULT_FOLLOWUP_DAYS};
use ansinh_core::grievances::{self, GrievanceInput, GrievanceStatus, GrievanceUpdateInput};
use ansinh_core::model::DraftForm;
use ansinh_core::verification::{self, SampleInput, VerificationInput};
use ansinh_core::{AppError, dates};
use ansinh_core::{ErrorCode, FieldError};
use ansinh_store::{
    ContactView, DEFAULT_UNCOLLECTED_MONTHS, FollowupList, GrievanceQuery, GrievanceView, MAX_UNCOLLECTED_MONTHS,
    UncollectedList, VerificationSampleView, WithdrawalView,
};
use serde::{Deserialize, Serialize};

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct FollowupQuery {
    /// Days since the credit; None = 7.
    pub days: Option<u32>,
    pub ward_code: Option<String>,
}

/// "Money left uncollected" (`ansinh_store::uncollected` defines it).
#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct UncollectedQuery {
    /// Months without cash in hand, 1 to 60; None = 2.
    pub months: Option<u32>,
    pub ward_code: Option<String>,
}

/// The months asked for, or `months.invalid` on the field `months`.
pub fn uncollected_months(months: Option<u32>) -> Result<u32, AppError> {
    match months.unwrap_or(DEFAULT_UNCOLLECTED_MONTHS) {
        m @ 1..=MAX_UNCOLLECTED_MONTHS => Ok(m),
        _ => Err(AppError::Validation(vec![
            FieldError::new("months", ErrorCode::MonthsInvalid, "months must be 1 to 60")
                .param("max", MAX_UNCOLLECTED_MONTHS.to_string()),
        ])),
    }
}

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct ExportResult {
    pub path: String,
    pub rows: usize,
}

/// A contact as saved, with the withdrawal it reported.
#[derive(ts_rs::TS, Debug, Serialize)]
pub struct ContactSaved {
    pub contact: ContactView,
    /// Outcome "already withdrawn": the withdrawal recorded with the contact (the time to cash
    /// counts it). None: a contact only (another outcome, or the payment's money was already
    /// recorded as withdrawn by that day).
    pub withdrawal: Option<WithdrawalView>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ContactsQuery {
    pub beneficiary_id: String,
}

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
#[ts(rename = "GrievanceQuery")]
pub struct GrievanceListQuery {
    pub status: Option<GrievanceStatus>,
    pub overdue: bool,
    pub beneficiary_id: Option<String>,
}

commands! {
    pub async fn followup_list(a: ReadPeople, query: FollowupQuery) -> FollowupList {
        let days = query.days.unwrap_or(DEFAULT_FOLLOWUP_DAYS);
        let ward = a.scoped_ward(query.ward_code.as_deref())?;
        Ok(a.store.followup_list(today(), days, ward).await?)
    }

    /// Writes the list as shown (same query) into the export folder.
    pub async fn export_followup(a: ReadPeople, query: FollowupQuery) -> ExportResult {
        let ward = a.scoped_ward(query.ward_code.as_deref())?.map(str::to_string);
        let list = a.store.followup_list(today(), query.days.unwrap_or(DEFAULT_FOLLOWUP_DAYS), ward.as_deref()).await?;
        let path = ansinh_files::followup::export_followup(&list)?;
        // Who exported whose data: the scope and the people in the file.
        let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
        let details = serde_json::json!({"what": "followup", "ward": ward, "rows": list.rows.len(), "people": people, "file": path.display().to_string()});
        a.store.audit("export", Some("beneficiaries"), None, details).await?;
        Ok(ExportResult { path: path.display().to_string(), rows: list.rows.len() })
    }

    /// People whose last cash in hand is older than `months` (or who never withdrew) while
    /// credited payments kept arriving: the visits to make before a payer stops the allowance.
    pub async fn uncollected_list(a: ReadPeople, query: UncollectedQuery) -> UncollectedList {
        let months = uncollected_months(query.months)?;
        let ward = a.scoped_ward(query.ward_code.as_deref())?;
        Ok(a.store.uncollected(today(), months, ward).await?)
    }

    /// Writes the list as shown (same query) into the export folder as XLSX.
    pub async fn export_uncollected(a: ReadPeople, query: UncollectedQuery) -> ExportResult {
        let months = uncollected_months(query.months)?;
        let ward = a.scoped_ward(query.ward_code.as_deref())?.map(str::to_string);
        let list = a.store.uncollected(today(), months, ward.as_deref()).await?;
        let path = ansinh_files::followup::export_uncollected(&list)?;
        let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
        let details = serde_json::json!({"what": "uncollected", "ward": ward, "months": months, "rows": list.rows.len(), "people": people, "file": path.display().to_string()});
        a.store.audit("export", Some("beneficiaries"), None, details).await?;
        Ok(ExportResult { path: path.display().to_string(), rows: list.rows.len() })
    }

    /// A contact; outcome "already withdrawn" also records the withdrawal it reports (the day
    /// received, the amount: what is left unless typed, the place) in the same transaction.
    pub async fn record_contact(a: WritePeople, input: ContactInput) -> ContactSaved {
        a.check_person(&input.beneficiary_id).await?;
        let entry = followup::contact(&input, today()).map_err(AppError::Validation)?;
        let (c, w) = a.store.add_contact(&entry).await?;
        a.store.discard_draft(DraftForm::Contact, &input.beneficiary_id).await?;
        let withdrawal = match w {
            None => None,
            Some(w) => {
                let id = w.id.to_string();
                a.store.withdrawals_of(&w.payment_id.to_string()).await?.into_iter().find(|x| x.id == id)
            }
        };
        Ok(ContactSaved { contact: a.store.contact(&c.id.to_string()).await?, withdrawal })
    }

    pub async fn list_contacts(a: ReadPeople, query: ContactsQuery) -> Vec<ContactView> {
        a.check_person(&query.beneficiary_id).await?;
        Ok(a.store.contacts_of(&query.beneficiary_id).await?)
    }

    pub async fn create_verification_sample(a: Administer, input: SampleInput) -> VerificationSampleView {
        let req = verification::sample_request(&input).map_err(AppError::Validation)?;
        Ok(a.store.create_sample(&req).await?)
    }

    /// `period`: `mm/yyyy` as typed or `yyyy-mm` as listed; None when the cycle has no sample.
    pub async fn get_verification_sample(a: Reports, period: String) -> Option<VerificationSampleView> {
        let (y, m) = dates::parse_period("period", &period)?;
        Ok(a.store.sample_for(&dates::period_key(y, m)).await?)
    }

    pub async fn record_verification(a: Administer, input: VerificationInput) -> VerificationSampleView {
        let o = verification::verification(&input, today()).map_err(AppError::Validation)?;
        let sample = a.store.record_verification(&o).await?;
        a.store.discard_draft(DraftForm::Verification, &input.item_id).await?;
        Ok(sample)
    }

    pub async fn open_grievance(a: WritePeople, input: GrievanceInput) -> GrievanceView {
        a.check_person(&input.beneficiary_id).await?;
        let g = grievances::grievance(&input, today()).map_err(AppError::Validation)?;
        a.store.open_grievance(&g).await?;
        a.store.discard_draft(DraftForm::Grievance, &input.beneficiary_id).await?;
        Ok(a.store.grievance(&g.id.to_string(), today()).await?)
    }

    pub async fn update_grievance(a: WritePeople, input: GrievanceUpdateInput) -> GrievanceView {
        a.check_grievance(&input.grievance_id).await?;
        let u = grievances::grievance_update(&input, today()).map_err(AppError::Validation)?;
        a.store.update_grievance(&u).await?;
        a.store.discard_draft(DraftForm::GrievanceUpdate, &input.grievance_id).await?;
        Ok(a.store.grievance(&u.grievance_id.to_string(), today()).await?)
    }

    pub async fn list_grievances(a: ReadPeople, query: GrievanceListQuery) -> Vec<GrievanceView> {
        // Officers: one person of their ward at a time (no ward-wide grievance list yet).
        if a.ward_scope().is_some() {
            let id = query.beneficiary_id.as_deref().ok_or_else(crate::forbidden)?;
            a.check_person(id).await?;
        }
        let q = GrievanceQuery { status: query.status, overdue: query.overdue, beneficiary_id: query.beneficiary_id };
        Ok(a.store.grievances(&q, today()).await?)
    }
}
