//! Form drafts: what an officer has typed but not saved yet, autosaved so that a crash, a power
//! cut or a closed window loses nothing. Local to this desktop: drafts are not records of the
//! city, so they get no change records and are never exchanged; saving the form deletes them.

use crate::error::Result;
use crate::{Store, now};
use ansinh_core::model::DraftForm;
use serde::Serialize;
use sqlx::Row;

/// Drafts larger than this are refused: a form's input is a few hundred bytes, a signed list
/// typed into the grid about 60 bytes per filled row (a ward's 2,500 rows: some 150 KB).
pub const MAX_DRAFT_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "Draft")]
pub struct DraftView {
    pub form: DraftForm,
    /// '' for a new person; else the person's (or, for a withdrawal, the payment's) id.
    pub subject: String,
    /// The form's input exactly as the UI keeps it.
    #[ts(type = "unknown")]
    pub payload: serde_json::Value,
    /// The person the form is about ('' for a new one): where the app resumes it.
    pub person_id: String,
    /// What the "unfinished forms" list shows (e.g. the name typed so far).
    pub label: String,
    pub updated_at: String,
}

fn draft_view(r: &sqlx::sqlite::SqliteRow) -> Result<DraftView> {
    let form: String = r.get("form");
    Ok(DraftView {
        form: crate::decode::parsed("form", &form, DraftForm::parse)?,
        subject: r.get("subject"),
        payload: serde_json::from_str(r.get("payload"))
            .map_err(|e| crate::StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
        person_id: r.get("person_id"),
        label: r.get("label"),
        updated_at: r.get("updated_at"),
    })
}

impl Store {
    /// Keeps (or replaces) the draft of one form; synchronous=FULL makes it survive a power cut.
    pub async fn save_draft(
        &self,
        form: DraftForm,
        subject: &str,
        payload: &serde_json::Value,
        person_id: &str,
        label: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO drafts (form, subject, payload, person_id, label, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (form, subject) DO UPDATE SET payload = excluded.payload, person_id = excluded.person_id,
                 label = excluded.label, updated_at = excluded.updated_at",
        )
        .bind(form.as_str())
        .bind(subject)
        .bind(payload.to_string())
        .bind(person_id)
        .bind(label)
        .bind(now())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn draft(&self, form: DraftForm, subject: &str) -> Result<Option<DraftView>> {
        sqlx::query("SELECT * FROM drafts WHERE form = ? AND subject = ?")
            .bind(form.as_str())
            .bind(subject)
            .fetch_optional(&self.reader)
            .await?
            .as_ref()
            .map(draft_view)
            .transpose()
    }

    /// Every unfinished form, newest first (offered back when the app starts).
    pub async fn drafts(&self) -> Result<Vec<DraftView>> {
        sqlx::query("SELECT * FROM drafts ORDER BY updated_at DESC, form, subject")
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(draft_view)
            .collect()
    }

    pub async fn discard_draft(&self, form: DraftForm, subject: &str) -> Result<()> {
        sqlx::query("DELETE FROM drafts WHERE form = ? AND subject = ?")
            .bind(form.as_str())
            .bind(subject)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}
