//! One import transaction that may take several senders' records: a bundle, or every bundle of
//! a folder (the city's month, one bundle a ward). All of it commits together or none of it.
//! Each commit writes again every page its records touched; a month's bundles touch the same
//! index pages (ids of one month sit side by side), so one commit for the folder writes each
//! of them once instead of once a bundle.

use super::{BundleOrigin, merge, sender_of};
use crate::audit::{AuditEvent, append};
use crate::changes::ChangeRecord;
use crate::error::Result;
use crate::{Store, now};
use serde_json::Value;
use sqlx::{Sqlite, Transaction};

/// The writer's page cache while a folder is imported (1 GB, negative: KiB). A month of the
/// city's wards dirties most of an index of hundreds of MB; with the usual 128 MB the pages
/// spill into the WAL before the commit and are written again when touched again (the city's
/// month in an instrumented build: 81 s with 128 MB, 62 s with 1 GB; docs/BENCHMARKS.md).
/// Pages are taken only as the import needs them, and given back when it ends.
const FOLDER_CACHE: i64 = -1_048_576;

/// An open import: [`ImportTx::apply`] each sender's records, then [`ImportTx::finish`] (or
/// [`ImportTx::abandon`] on a refusal). Dropped without either, it rolls back.
pub struct ImportTx {
    tx: Transaction<'static, Sqlite>,
    ctx: merge::ApplyCtx,
    actor: String,
    /// For a folder, the writer whose page cache was enlarged: set back when the import ends.
    roomy: Option<sqlx::SqlitePool>,
}

impl Store {
    /// Starts an import (the writer is held until it finishes).
    pub async fn begin_import(&self) -> Result<ImportTx> {
        self.begin_import_with(false).await
    }

    /// Starts the import of a folder of bundles: the same, with a page cache the size of a
    /// month of the city's wards ([`FOLDER_CACHE`]).
    pub async fn begin_folder_import(&self) -> Result<ImportTx> {
        self.begin_import_with(true).await
    }

    async fn begin_import_with(&self, roomy: bool) -> Result<ImportTx> {
        let ctx = merge::ApplyCtx { refs: self.refs().await?, today: crate::local_today(), sender: None };
        let mut tx = self.begin_checked().await?;
        if roomy {
            cache_size(&mut tx, FOLDER_CACHE).await?;
        }
        Ok(ImportTx { tx, ctx, actor: self.officer(), roomy: roomy.then(|| self.writer.clone()) })
    }
}

/// Sets the writer connection's page cache (a pragma of the connection, allowed inside a
/// transaction; lowering it gives the pages back at once).
async fn cache_size(conn: &mut sqlx::SqliteConnection, kib: i64) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {kib}"))).execute(conn).await?;
    Ok(())
}

impl ImportTx {
    /// Checks, stores and projects one sender's records (`origin`: the bundle they came in,
    /// whose sender must be registered here) and records the bundle in `exchange_imports`. A
    /// refusal leaves the transaction to be abandoned or dropped: nothing of the import is
    /// written.
    pub async fn apply(
        &mut self,
        records: &[ChangeRecord],
        origin: Option<&BundleOrigin>,
    ) -> Result<merge::ApplyReport> {
        self.ctx.sender = match origin {
            Some(o) => Some(sender_of(&mut self.tx, o).await?),
            None => None,
        };
        let mut report = merge::apply(&mut self.tx, records, &self.ctx).await?;
        if let Some(o) = origin {
            if let Some(claim) = o.audit.as_ref() {
                report.audit = Some(crate::audit_heads::check_claim(&mut self.tx, &o.device_id, claim).await?);
            }
            sqlx::query(
                "INSERT INTO exchange_imports (payload_hash, device_id, ward, first_seq, last_seq, applied, imported_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payload_hash) DO NOTHING",
            )
            .bind(&o.payload_hash)
            .bind(&o.device_id)
            .bind(&o.ward)
            .bind(o.first_seq)
            .bind(o.last_seq)
            .bind(report.applied as i64)
            .bind(now())
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(report)
    }

    /// Records an audit event in the same transaction (it commits with the import or not at all).
    pub async fn audit(&mut self, action: &str, entity: Option<&str>, details: Value) -> Result<()> {
        let e = AuditEvent { actor: &self.actor, action, entity, entity_id: None, details };
        append(&mut self.tx, &e).await
    }

    /// Commits, or rolls back when `dry_run` (what would have happened, nothing written).
    pub async fn finish(self, dry_run: bool) -> Result<()> {
        self.end(!dry_run).await
    }

    /// Rolls back after a refusal: nothing of the import is written.
    pub async fn abandon(self) -> Result<()> {
        self.end(false).await
    }

    async fn end(self, commit: bool) -> Result<()> {
        let ended = if commit { self.tx.commit().await } else { self.tx.rollback().await };
        if let Some(writer) = self.roomy {
            // The pool's one writer connection, back in it: its cache to the usual size, which
            // gives the pages back. Best effort: the import has ended either way, and a writer
            // that cannot take a pragma fails its next statement anyway; reporting this as the
            // import's failure would say a committed import was not.
            if let Ok(mut conn) = writer.acquire().await {
                let _ = cache_size(&mut conn, crate::WRITER_CACHE).await;
            }
        }
        Ok(ended?)
    }
}
