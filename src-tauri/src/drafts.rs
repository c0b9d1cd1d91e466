//! Draft commands: the forms autosave what the officer types (debounced) and get it back after a
//! crash or a closed window. Saving a form deletes its draft (see `commands.rs`).

use crate::state::{AppState, require};
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::Permission;
use ansinh_core::model::DraftForm;
use ansinh_store::{DraftView, MAX_DRAFT_BYTES};
use serde::Deserialize;
use tauri::State;

type Cmd<T> = Result<T, AppError>;

#[derive(Debug, Deserialize)]
pub struct DraftInput {
    pub form: DraftForm,
    #[serde(default)]
    pub subject: String,
    pub payload: serde_json::Value,
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub label: String,
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, draft: DraftInput) -> Cmd<()> {
    let a = require(&state, Permission::Signed)?;
    if draft.payload.to_string().len() > MAX_DRAFT_BYTES {
        return Err(AppError::field("payload", ErrorCode::DraftTooLarge, "this draft is too large to keep"));
    }
    let label: String = draft.label.chars().take(120).collect();
    Ok(a.store.save_draft(draft.form, &draft.subject, &draft.payload, &draft.person_id, &label).await?)
}

#[tauri::command]
pub async fn get_draft(state: State<'_, AppState>, form: DraftForm, subject: String) -> Cmd<Option<DraftView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.draft(form, &subject).await?)
}

#[tauri::command]
pub async fn list_drafts(state: State<'_, AppState>) -> Cmd<Vec<DraftView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.drafts().await?)
}

#[tauri::command]
pub async fn discard_draft(state: State<'_, AppState>, form: DraftForm, subject: String) -> Cmd<()> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.discard_draft(form, &subject).await?)
}
