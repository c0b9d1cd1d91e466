//! The exports register: who exported what, when (DOMAIN.md: exports are audited). Each export
//! is one row plus its change record, in one transaction like every other write.

use crate::changes::ChangeWriter;
use crate::entity::Entity;
use crate::error::Result;
use crate::rows::{self, TableRow};
use crate::sqlrow::Val;
use crate::write::insert_logged;
use crate::{Store, now};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One export as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportRecord {
    pub id: String,
    /// monthly_report_xlsx, monthly_report_print or table_csv.
    pub kind: String,
    /// What was exported (e.g. "indicators", "by_ward").
    pub what: String,
    /// Ward code or "city".
    pub scope: String,
    /// yyyy-mm the report covers.
    pub period: Option<String>,
    /// Where the file was written; empty for a printed page.
    pub file_path: String,
}

/// A recorded export with who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ExportRecord")]
pub struct ExportView {
    #[serde(flatten)]
    pub export: ExportRecord,
    pub created_at: String,
    pub created_by: String,
}

impl TableRow for ExportRecord {
    const ENTITY: Entity = Entity::Export;
    fn cols() -> Vec<&'static str> {
        ["id", "kind", "what", "scope", "period", "file_path"].into_iter().chain(rows::AUDIT_COLS).collect()
    }
    fn key(&self) -> String {
        self.id.clone()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.clone().into(),
            self.kind.clone().into(),
            self.what.clone().into(),
            self.scope.clone().into(),
            self.period.clone().into(),
            self.file_path.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

impl Store {
    /// Records one export (and its change record) in one transaction.
    pub async fn record_export(&self, e: &ExportRecord) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        insert_logged(&mut tx, &mut log, std::slice::from_ref(e), &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Exports, newest first (at most `limit`).
    pub async fn list_exports(&self, limit: i64) -> Result<Vec<ExportView>> {
        let rows = sqlx::query(
            "SELECT id, kind, what, scope, period, file_path, created_at, created_by FROM exports
             ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ExportView {
                export: ExportRecord {
                    id: r.get("id"),
                    kind: r.get("kind"),
                    what: r.get("what"),
                    scope: r.get("scope"),
                    period: r.get("period"),
                    file_path: r.get("file_path"),
                },
                created_at: r.get("created_at"),
                created_by: r.get("created_by"),
            })
            .collect())
    }
}
