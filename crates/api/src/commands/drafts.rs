//! Draft commands: the forms autosave what the officer types (debounced) and get it back after a
//! crash or a closed window. Saving a form deletes its draft (see `commands.rs`).

use crate::command::commands;
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::model::DraftForm;
use ansinh_store::{DraftView, MAX_DRAFT_BYTES};
use serde::Deserialize;

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct DraftInput {
    pub form: DraftForm,
    #[serde(default)]
    pub subject: String,
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub label: String,
}

commands! {
    pub async fn save_draft(a: Signed, draft: DraftInput) -> () {
        if draft.payload.to_string().len() > MAX_DRAFT_BYTES {
            return Err(AppError::field("payload", ErrorCode::DraftTooLarge, "this draft is too large to keep"));
        }
        let label: String = draft.label.chars().take(120).collect();
        Ok(a.store.save_draft(draft.form, &draft.subject, &draft.payload, &draft.person_id, &label).await?)
    }

    pub async fn get_draft(a: Signed, form: DraftForm, subject: String) -> Option<DraftView> {
        Ok(a.store.draft(form, &subject).await?)
    }

    pub async fn list_drafts(a: Signed) -> Vec<DraftView> {
        Ok(a.store.drafts().await?)
    }

    pub async fn discard_draft(a: Signed, form: DraftForm, subject: String) -> () {
        Ok(a.store.discard_draft(form, &subject).await?)
    }
}
