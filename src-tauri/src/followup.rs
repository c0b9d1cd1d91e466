//! Field-workflow commands (docs/IPC.md "Field workflows"): the follow-up list and its contact
//! log, verification samples, grievances. Thin adapters like `commands.rs`: core validation,
//! then the store.

use crate::state::AppState;
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
    let days = query.days.unwrap_or(DEFAULT_FOLLOWUP_DAYS);
    Ok(state.store.followup_list(today(), days, query.ward_code.as_deref()).await?)
}

#[derive(Debug, Serialize)]
pub struct ExportResult {
    pub path: String,
    pub rows: usize,
}

/// Writes the list as shown (same query) into the export folder.
#[tauri::command]
pub async fn export_followup(state: State<'_, AppState>, query: FollowupQuery) -> Cmd<ExportResult> {
    let list = followup_list(state, query).await?;
    let path = ansinh_files::followup::export_followup(&list)?;
    Ok(ExportResult { path: path.display().to_string(), rows: list.rows.len() })
}

#[tauri::command]
pub async fn record_contact(state: State<'_, AppState>, input: ContactInput) -> Cmd<ContactView> {
    let c = followup::contact(&input, today()).map_err(AppError::Validation)?;
    state.store.add_contact(&c).await?;
    state.store.discard_draft(DraftForm::Contact, &input.beneficiary_id).await?;
    Ok(state.store.contact(&c.id.to_string()).await?)
}

#[derive(Debug, Deserialize)]
pub struct ContactsQuery {
    pub beneficiary_id: String,
}

#[tauri::command]
pub async fn list_contacts(state: State<'_, AppState>, query: ContactsQuery) -> Cmd<Vec<ContactView>> {
    Ok(state.store.contacts_of(&query.beneficiary_id).await?)
}

#[tauri::command]
pub async fn create_verification_sample(state: State<'_, AppState>, input: SampleInput) -> Cmd<VerificationSampleView> {
    let req = verification::sample_request(&input).map_err(AppError::Validation)?;
    Ok(state.store.create_sample(&req).await?)
}

/// `period`: `mm/yyyy` as typed or `yyyy-mm` as listed; None when the cycle has no sample.
#[tauri::command]
pub async fn get_verification_sample(
    state: State<'_, AppState>,
    period: String,
) -> Cmd<Option<VerificationSampleView>> {
    let (y, m) = dates::parse_period("period", &period)?;
    Ok(state.store.sample_for(&dates::period_key(y, m)).await?)
}

#[tauri::command]
pub async fn record_verification(state: State<'_, AppState>, input: VerificationInput) -> Cmd<VerificationSampleView> {
    let o = verification::verification(&input, today()).map_err(AppError::Validation)?;
    let sample = state.store.record_verification(&o).await?;
    state.store.discard_draft(DraftForm::Verification, &input.item_id).await?;
    Ok(sample)
}

#[tauri::command]
pub async fn open_grievance(state: State<'_, AppState>, input: GrievanceInput) -> Cmd<GrievanceView> {
    let g = grievances::grievance(&input, today()).map_err(AppError::Validation)?;
    state.store.open_grievance(&g).await?;
    state.store.discard_draft(DraftForm::Grievance, &input.beneficiary_id).await?;
    Ok(state.store.grievance(&g.id.to_string(), today()).await?)
}

#[tauri::command]
pub async fn update_grievance(state: State<'_, AppState>, input: GrievanceUpdateInput) -> Cmd<GrievanceView> {
    let u = grievances::grievance_update(&input, today()).map_err(AppError::Validation)?;
    state.store.update_grievance(&u).await?;
    state.store.discard_draft(DraftForm::GrievanceUpdate, &input.grievance_id).await?;
    Ok(state.store.grievance(&u.grievance_id.to_string(), today()).await?)
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
    let q = GrievanceQuery { status: query.status, overdue: query.overdue, beneficiary_id: query.beneficiary_id };
    Ok(state.store.grievances(&q, today()).await?)
}
