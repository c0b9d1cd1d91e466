//! Commands of the import pages (contract: docs/IPC.md, "Imports"): a beneficiary list picked in
//! the app (mapping → preview → apply) and the bank's payment result file for a cycle. The
//! webview sends the picked file as `{name, bytes}` (bytes: a JSON array of numbers 0-255);
//! everything is parsed and decided in `ansinh_files` and the store.

use super::today;
use crate::Access;
use crate::command::commands;
use ansinh_core::validate::RefData;
use ansinh_core::{AppError, dates};
use ansinh_core::{ErrorCode, FieldError};
use ansinh_files::import::{
    self, DuplicateDecision, ImportOptions, ImportPreview, ImportReport, Mapping, MappingProposal, ValueMapping,
};
use ansinh_files::table::{self, Table};
use ansinh_store::{CycleView, ReconcileReport};
use serde::{Deserialize, Serialize};

/// A file picked in the webview.
#[derive(ts_rs::TS, Debug, Serialize, Deserialize)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PickedFile {
    fn table(&self) -> Result<Table, AppError> {
        table::read_bytes(&self.name, &self.bytes)
    }

    /// A beneficiary list as officers keep it (title block, two-row header, totals and
    /// signatures found and skipped: `ansinh_files::layout`).
    fn list(&self) -> Result<Table, AppError> {
        import::read_list_bytes(&self.name, &self.bytes)
    }
}

/// The ward chosen for a whole list without a ward column, checked as a typed form's ward is:
/// it must exist (`RefData::has_ward`) and be the user's own if they are confined to a ward.
/// The app's import and `ansinh import beneficiaries --ward` both go through here.
pub async fn import_ward(a: &Access, ward: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(w) = ward.map(str::trim).filter(|w| !w.is_empty()) else { return Ok(None) };
    a.check_ward(w)?;
    if !a.store.refs().await?.has_ward(w) {
        let e = FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward or commune code").param("code", w);
        return Err(AppError::Validation(vec![e]));
    }
    Ok(Some(w.to_string()))
}

/// A file read by its path as the picker would give it; refused unread past `limit`.
pub(crate) fn read_picked(path: &str, limit: u64) -> Result<PickedFile, AppError> {
    let p = std::path::Path::new(path);
    let bytes = ansinh_files::limits::read_file(p, limit)?;
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(path.to_string());
    Ok(PickedFile { name, bytes })
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ImportRequest {
    pub file: PickedFile,
    pub mapping: Mapping,
    /// Required when the preview found possible duplicates.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub duplicates: Option<DuplicateDecision>,
    /// The ward of every person when the file has no ward column.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
    /// Codes chosen for written values that match no code or name (remembered per header set).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub values: Option<Vec<ValueMapping>>,
}

impl ImportRequest {
    async fn options(&self, a: &Access) -> Result<ImportOptions, AppError> {
        Ok(ImportOptions {
            ward_code: import_ward(a, self.ward_code.as_deref()).await?,
            values: self.values.clone().unwrap_or_default(),
        })
    }
}

/// The largest file the pages take (a spreadsheet or a bundle): each reader then holds it to
/// its own, possibly smaller, cap (`ansinh_files::limits`, `ansinh_exchange::limits`).
pub const PICKED_FILE_BYTES: u64 = {
    let (sheet, bundle) = (ansinh_files::limits::IMPORT_FILE_BYTES, ansinh_exchange::limits::BUNDLE_FILE_BYTES);
    if sheet > bundle { sheet } else { bundle }
};

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ErrorReport {
    /// File name base, e.g. `loi-nhap-danh-sach`.
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ReconcileRequest {
    pub file: PickedFile,
    /// mm/yyyy (or yyyy-mm).
    pub period: String,
    pub dry_run: bool,
}

commands! {
    /// The remembered (or automatic) column mapping for the file's headers.
    pub async fn import_mapping(a: Administer, file: PickedFile) -> MappingProposal {
        let t = file.list()?;
        import::propose_mapping(&a.store, &t.headers).await
    }

    pub async fn import_preview(a: Administer, request: ImportRequest) -> ImportPreview {
        let options = request.options(&a).await?;
        import::preview_import_with(&a.store, &request.file.list()?, &request.mapping, &options, today()).await
    }

    pub async fn import_apply(a: Administer, request: ImportRequest) -> ImportReport {
        let options = request.options(&a).await?;
        let t = request.file.list()?;
        import::apply_import_with(&a.store, &t, &request.mapping, request.duplicates.as_ref(), &options, today()).await
    }

    /// Reads a file by its path (the documented fallback of the pages, for when a file chooser
    /// cannot be used, e.g. by WebDriver tests): the same `{name, bytes}` the picker gives.
    /// Refused unread (`file.too_large`) past [`PICKED_FILE_BYTES`].
    pub async fn read_local_file(_a: Administer, path: String) -> PickedFile {
        read_picked(&path, PICKED_FILE_BYTES)
    }

    /// Saves an (already translated) error report as XLSX in the export folder; returns its path.
    pub async fn save_error_report(_a: Administer, report: ErrorReport) -> String {
        let path = ansinh_files::report::save_error_report(&report.name, &report.headers, &report.rows)?;
        Ok(path.display().to_string())
    }

    pub async fn list_cycles(a: Signed) -> Vec<CycleView> {
        Ok(a.store.list_cycles().await?)
    }

    pub async fn reconcile_payments(a: Administer, request: ReconcileRequest) -> ReconcileReport {
        let t = request.file.table()?;
        ansinh_files::reconcile::reconcile(&a.store, &t, &request.period, request.dry_run).await
    }

    pub async fn close_cycle(a: Administer, period: String) -> CycleView {
        let (y, m) = dates::parse_period("period", &period)?;
        Ok(a.store.close_cycle(&dates::period_key(y, m)).await?)
    }
}
