//! "No account, and why" (migration 0017; the rule: `ansinh_core::declines`): a person's dated
//! confirmations that they do not register an account, with the specific reason.

use crate::Store;
use crate::changes::ChangeWriter;
use crate::decode::{date, parsed};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::now;
use crate::rows::{self, TableRow, iso};
use crate::sqlrow::Val;
use ansinh_core::declines::{AccountDecline, DeclineReason};
use serde::{Deserialize, Serialize};
use sqlx::Row;

impl TableRow for AccountDecline {
    const ENTITY: Entity = Entity::AccountDecline;
    fn cols() -> Vec<&'static str> {
        ["id", "beneficiary_id", "reason", "confirmed_on", "note"].into_iter().chain(rows::AUDIT_COLS).collect()
    }
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.to_string().into(),
            self.beneficiary_id.to_string().into(),
            self.reason.as_str().into(),
            iso(self.confirmed_on).into(),
            self.note.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

/// A confirmation as the UI reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "AccountDecline")]
pub struct AccountDeclineView {
    pub id: String,
    pub reason: DeclineReason,
    /// ISO date.
    pub confirmed_on: String,
    pub note: String,
    pub created_by: String,
}

impl Store {
    /// Saves a checked confirmation for a person here (not another ward's, in city mode).
    pub async fn add_account_decline(&self, d: &AccountDecline) -> Result<AccountDeclineView> {
        let person = d.beneficiary_id.to_string();
        let mut tx = self.begin_checked().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id = ?")
            .bind(&person)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound { entity: "beneficiary", id: person });
        }
        crate::exchange::check_owned(self, &mut tx, &person).await?;
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        crate::write::insert_logged(&mut tx, &mut log, std::slice::from_ref(d), &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        let id = d.id.to_string();
        Ok(self.account_declines_of(&person).await?.into_iter().find(|v| v.id == id).expect("just written"))
    }

    /// A person's confirmations, newest first (the first is the one in force).
    pub async fn account_declines_of(&self, person: &str) -> Result<Vec<AccountDeclineView>> {
        sqlx::query("SELECT * FROM account_declines WHERE beneficiary_id = ? ORDER BY confirmed_on DESC, id DESC")
            .bind(person)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| {
                Ok(AccountDeclineView {
                    id: r.get("id"),
                    reason: parsed("reason", r.get("reason"), DeclineReason::parse)?,
                    confirmed_on: iso(date(r.get("confirmed_on"))?),
                    note: r.get("note"),
                    created_by: r.get("created_by"),
                })
            })
            .collect()
    }
}
