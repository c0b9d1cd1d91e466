//! Commands of the payout-report page (issue 15, beside the reconcile page): a payer's list of
//! who was paid out in a cycle, picked in the app (or read by path), mapped, previewed and
//! imported as withdrawals. Officers import for their own ward only (payments of other wards are
//! unknown to them); everything is parsed and decided in `ansinh_files::payouts` and the store.

use super::imports::{PICKED_FILE_BYTES, PickedFile};
use super::today;
use crate::Access;
use crate::command::commands;
use ansinh_core::AppError;
use ansinh_files::import::{Mapping, MappingProposal};
use ansinh_files::payouts::{self, PayoutOptions, PayoutPreview};
use ansinh_store::{OFFICE_SETTING, PayoutReport, PayoutReportRecord};
use serde::Deserialize;

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct PayoutRequest {
    pub file: PickedFile,
    pub mapping: Mapping,
    pub options: PayoutOptions,
    /// Check only, write nothing (apply).
    #[serde(default)]
    pub dry_run: bool,
}

/// The wards an import may touch: an officer's own; else, on a ward's desktop, that ward (its
/// reports travel to the city, which takes only its own ward's from it); on the city desktop
/// every ward (None).
pub async fn import_scope(a: &Access) -> Result<Option<String>, AppError> {
    if let Some(w) = a.ward_scope() {
        return Ok(Some(w.to_string()));
    }
    Ok(a.store.setting(OFFICE_SETTING).await?.filter(|w| !w.is_empty() && w != "city"))
}

commands! {
    /// The remembered (or automatic) column mapping for a payout report's headers.
    pub async fn payout_mapping(a: WritePeople, file: PickedFile) -> MappingProposal {
        let t = ansinh_files::table::read_bytes(&file.name, &file.bytes)?;
        payouts::propose_mapping(&a.store, &t.headers).await
    }

    /// What importing the report would do, row by row; writes nothing but the mapping.
    pub async fn payout_preview(a: WritePeople, request: PayoutRequest) -> PayoutPreview {
        let f = &request.file;
        let t = ansinh_files::table::read_bytes(&f.name, &f.bytes)?;
        let ward = import_scope(&a).await?;
        payouts::preview_payouts(&a.store, &t, &f.bytes, &f.name, &request.mapping, &request.options, ward.as_deref(), today())
            .await
    }

    /// Imports the report as withdrawals, all-or-nothing (`dry_run`: checks only).
    pub async fn payout_apply(a: WritePeople, request: PayoutRequest) -> PayoutReport {
        let f = &request.file;
        let t = ansinh_files::table::read_bytes(&f.name, &f.bytes)?;
        let ward = import_scope(&a).await?;
        payouts::apply_payouts(
            &a.store,
            &t,
            &f.bytes,
            &f.name,
            &request.mapping,
            &request.options,
            ward.as_deref(),
            today(),
            request.dry_run,
        )
        .await
    }

    /// The payout reports recorded for a cycle (mm/yyyy), newest first: an officer's ward's.
    pub async fn list_payout_reports(a: ReadPeople, period: String) -> Vec<PayoutReportRecord> {
        let (y, m) = ansinh_core::dates::parse_period("period", &period)?;
        let ward = a.scoped_ward(None)?;
        Ok(a.store.payout_reports(&ansinh_core::dates::period_key(y, m), ward).await?)
    }

    /// Reads a payout report by its path (the pages' fallback when a file chooser cannot be
    /// used): the same `{name, bytes}` the picker gives, refused unread past the cap.
    pub async fn read_payout_file(_a: WritePeople, path: String) -> PickedFile {
        super::imports::read_picked(&path, PICKED_FILE_BYTES)
    }
}
