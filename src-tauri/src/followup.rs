//! Field-workflow commands (docs/IPC.md "Field workflows"): the follow-up list and its contact
//! log, verification samples, grievances. Thin adapters like `commands.rs`: core validation,
//! then the store.

use crate::state::{AppState, require};
use ansinh_core::auth::Permission;
use ansinh_core::followup::{self, ContactInput, DEFAULT_FOLLOWUP_DAYS};
use ansinh_core::grievances::{self, GrievanceInput, GrievanceStatus, GrievanceUpdateInput};
use ansinh_core::model::DraftForm;
use ansinh_core::verification::{self, SampleInput, VerificationInput};
use ansinh_core::{AppError, dates};
use ansinh_store::{ContactView, FollowupList, GrievanceQuery, GrievanceView, VerificationSampleView};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;

type Cmd<T> = Result<T, AppError>;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowupQuery {
    /// Days since the credit; None = 7.
    pub days: Option<u32>,
    pub ward_code: Option<String>,
}

#[tauri::command]
pub async fn followup_list(state: State<'_, AppState>, query: FollowupQuery) -> Cmd<FollowupList> {
    let a = require(&state, Permission::ReadPeople)?;
    let days = query.days.unwrap_or(DEFAULT_FOLLOWUP_DAYS);
    let ward = a.scoped_ward(query.ward_code.as_deref())?;
    Ok(a.store.followup_list(today(), days, ward).await?)
}

#[derive(Debug, Serialize)]
pub struct ExportResult {
    pub path: String,
    pub rows: usize,
}

/// Writes the list as shown (same query) into the export folder.
#[tauri::command]
pub async fn export_followup(state: State<'_, AppState>, query: FollowupQuery) -> Cmd<ExportResult> {
    let a = require(&state, Permission::ReadPeople)?;
    let ward = a.scoped_ward(query.ward_code.as_deref())?.map(str::to_string);
    let list = a.store.followup_list(today(), query.days.unwrap_or(DEFAULT_FOLLOWUP_DAYS), ward.as_deref()).await?;
    let path = ansinh_files::followup::export_followup(&list)?;
    // Who exported whose data: the scope and the people in the file.
    let people: Vec<&str> = list.rows.iter().map(|r| r.beneficiary_id.as_str()).collect();
    let details = serde_json::json!({"what": "followup", "ward": ward, "rows": list.rows.len(), "people": people, "file": path.display().to_string()});
    a.store.audit("export", Some("beneficiaries"), None, details).await?;
    Ok(ExportResult { path: path.display().to_string(), rows: list.rows.len() })
}

#[tauri::command]
pub async fn record_contact(state: State<'_, AppState>, input: ContactInput) -> Cmd<ContactView> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_person(&input.beneficiary_id).await?;
    let c = followup::contact(&input, today()).map_err(AppError::Validation)?;
    a.store.add_contact(&c).await?;
    a.store.discard_draft(DraftForm::Contact, &input.beneficiary_id).await?;
    Ok(a.store.contact(&c.id.to_string()).await?)
}

#[derive(Debug, Deserialize)]
pub struct ContactsQuery {
    pub beneficiary_id: String,
}

#[tauri::command]
pub async fn list_contacts(state: State<'_, AppState>, query: ContactsQuery) -> Cmd<Vec<ContactView>> {
    let a = require(&state, Permission::ReadPeople)?;
    a.check_person(&query.beneficiary_id).await?;
    Ok(a.store.contacts_of(&query.beneficiary_id).await?)
}

#[tauri::command]
pub async fn create_verification_sample(state: State<'_, AppState>, input: SampleInput) -> Cmd<VerificationSampleView> {
    let a = require(&state, Permission::Administer)?;
    let req = verification::sample_request(&input).map_err(AppError::Validation)?;
    Ok(a.store.create_sample(&req).await?)
}

/// `period`: `mm/yyyy` as typed or `yyyy-mm` as listed; None when the cycle has no sample.
#[tauri::command]
pub async fn get_verification_sample(
    state: State<'_, AppState>,
    period: String,
) -> Cmd<Option<VerificationSampleView>> {
    let a = require(&state, Permission::Reports)?;
    let (y, m) = dates::parse_period("period", &period)?;
    Ok(a.store.sample_for(&dates::period_key(y, m)).await?)
}

#[tauri::command]
pub async fn record_verification(state: State<'_, AppState>, input: VerificationInput) -> Cmd<VerificationSampleView> {
    let a = require(&state, Permission::Administer)?;
    let o = verification::verification(&input, today()).map_err(AppError::Validation)?;
    let sample = a.store.record_verification(&o).await?;
    a.store.discard_draft(DraftForm::Verification, &input.item_id).await?;
    Ok(sample)
}

#[tauri::command]
pub async fn open_grievance(state: State<'_, AppState>, input: GrievanceInput) -> Cmd<GrievanceView> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_person(&input.beneficiary_id).await?;
    let g = grievances::grievance(&input, today()).map_err(AppError::Validation)?;
    a.store.open_grievance(&g).await?;
    a.store.discard_draft(DraftForm::Grievance, &input.beneficiary_id).await?;
    Ok(a.store.grievance(&g.id.to_string(), today()).await?)
}

#[tauri::command]
pub async fn update_grievance(state: State<'_, AppState>, input: GrievanceUpdateInput) -> Cmd<GrievanceView> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_grievance(&input.grievance_id).await?;
    let u = grievances::grievance_update(&input, today()).map_err(AppError::Validation)?;
    a.store.update_grievance(&u).await?;
    a.store.discard_draft(DraftForm::GrievanceUpdate, &input.grievance_id).await?;
    Ok(a.store.grievance(&u.grievance_id.to_string(), today()).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrievanceListQuery {
    pub status: Option<GrievanceStatus>,
    pub overdue: bool,
    pub beneficiary_id: Option<String>,
}

#[tauri::command]
pub async fn list_grievances(state: State<'_, AppState>, query: GrievanceListQuery) -> Cmd<Vec<GrievanceView>> {
    let a = require(&state, Permission::ReadPeople)?;
    // Officers: one person of their ward at a time (no ward-wide grievance list yet).
    if a.ward_scope().is_some() {
        let id = query.beneficiary_id.as_deref().ok_or_else(crate::state::forbidden)?;
        a.check_person(id).await?;
    }
    let q = GrievanceQuery { status: query.status, overdue: query.overdue, beneficiary_id: query.beneficiary_id };
    Ok(a.store.grievances(&q, today()).await?)
}
