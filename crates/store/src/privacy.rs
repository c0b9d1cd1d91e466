//! Data-subject rights in the store: the legal-basis record of a person, an account's full
//! number on demand, everything held about one person. Each is audited.

use crate::Store;
use crate::audit::{AuditEntry, AuditEvent, append};
use crate::error::{Result, StoreError};
use ansinh_core::privacy::{LegalBasis, LegalBasisRecord};
use serde_json::json;

impl Store {
    pub async fn legal_basis(&self, beneficiary_id: &str) -> Result<Option<LegalBasisRecord>> {
        let raw: Option<Option<String>> = sqlx::query_scalar("SELECT legal_basis FROM beneficiaries WHERE id = ?")
            .bind(beneficiary_id)
            .fetch_optional(&self.reader)
            .await?;
        let raw = raw.ok_or_else(|| StoreError::NotFound { entity: "beneficiary", id: beneficiary_id.to_string() })?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    /// Records the legal basis (old and new values audited in the same transaction).
    pub async fn set_legal_basis(
        &self,
        beneficiary_id: &str,
        basis: LegalBasis,
        note: &str,
    ) -> Result<LegalBasisRecord> {
        let before = self.legal_basis(beneficiary_id).await?;
        let actor = self.officer();
        let record = LegalBasisRecord {
            basis,
            note: note.trim().to_string(),
            recorded_on: chrono::Local::now().date_naive().to_string(),
            recorded_by: actor.clone(),
        };
        let mut tx = self.begin_checked().await?;
        sqlx::query("UPDATE beneficiaries SET legal_basis = ? WHERE id = ?")
            .bind(serde_json::to_string(&record).expect("serialisable"))
            .bind(beneficiary_id)
            .execute(&mut *tx)
            .await?;
        let details = json!({"old": before, "new": record});
        append(
            &mut tx,
            &AuditEvent {
                actor: &actor,
                action: "legal_basis.set",
                entity: Some("beneficiaries"),
                entity_id: Some(beneficiary_id),
                details,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The person an account belongs to (to confine officers).
    pub async fn beneficiary_of_account(&self, account_id: &str) -> Result<String> {
        sqlx::query_scalar("SELECT beneficiary_id FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "account", id: account_id.to_string() })
    }

    /// An account's full number, shown on demand; the showing is audited.
    pub async fn reveal_account_number(&self, account_id: &str) -> Result<String> {
        let (number, person): (String, String) =
            sqlx::query_as("SELECT account_number, beneficiary_id FROM accounts WHERE id = ?")
                .bind(account_id)
                .fetch_optional(&self.reader)
                .await?
                .ok_or_else(|| StoreError::NotFound { entity: "account", id: account_id.to_string() })?;
        self.audit("reveal.account_number", Some("accounts"), Some(account_id), json!({"beneficiary_id": person}))
            .await?;
        Ok(number)
    }

    /// Audit entries about one person (their record, accounts), oldest first.
    pub async fn audit_about(&self, beneficiary_id: &str) -> Result<Vec<AuditEntry>> {
        let all = self.audit_entries(1000, 0).await?;
        let accounts: Vec<String> = sqlx::query_scalar("SELECT id FROM accounts WHERE beneficiary_id = ?")
            .bind(beneficiary_id)
            .fetch_all(&self.reader)
            .await?;
        let mut mine: Vec<AuditEntry> = all
            .into_iter()
            .filter(|e| {
                e.entity_id.as_deref().is_some_and(|id| id == beneficiary_id || accounts.iter().any(|a| a == id))
                    || e.details.to_string().contains(beneficiary_id)
            })
            .collect();
        mine.reverse();
        Ok(mine)
    }
}
