//! Commands of the import pages (contract: docs/IPC.md, "Imports"): a beneficiary list picked in
//! the app (mapping → preview → apply) and the bank's payment result file for a cycle. The
//! webview sends the picked file as `{name, bytes}` (bytes: a JSON array of numbers 0-255);
//! everything is parsed and decided in `ansinh_files` and the store.

use crate::state::{AppState, require};
use ansinh_core::auth::Permission;
use ansinh_core::{AppError, dates};
use ansinh_files::import::{self, DuplicateDecision, ImportPreview, ImportReport, Mapping, MappingProposal};
use ansinh_files::table::{self, Table};
use ansinh_store::{CycleView, ReconcileReport};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;

type Cmd<T> = Result<T, AppError>;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A file picked in the webview.
#[derive(Debug, Serialize, Deserialize)]
pub struct PickedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl PickedFile {
    fn table(&self) -> Result<Table, AppError> {
        table::read_bytes(&self.name, &self.bytes)
    }
}

/// The remembered (or automatic) column mapping for the file's headers.
#[tauri::command]
pub async fn import_mapping(state: State<'_, AppState>, file: PickedFile) -> Cmd<MappingProposal> {
    let a = require(&state, Permission::Administer)?;
    let t = file.table()?;
    import::propose_mapping(&a.store, &t.headers).await
}

#[derive(Debug, Deserialize)]
pub struct ImportRequest {
    pub file: PickedFile,
    pub mapping: Mapping,
    /// Required when the preview found possible duplicates.
    #[serde(default)]
    pub duplicates: Option<DuplicateDecision>,
}

#[tauri::command]
pub async fn import_preview(state: State<'_, AppState>, request: ImportRequest) -> Cmd<ImportPreview> {
    let a = require(&state, Permission::Administer)?;
    import::preview_import(&a.store, &request.file.table()?, &request.mapping, today()).await
}

#[tauri::command]
pub async fn import_apply(state: State<'_, AppState>, request: ImportRequest) -> Cmd<ImportReport> {
    let a = require(&state, Permission::Administer)?;
    let t = request.file.table()?;
    import::apply_import(&a.store, &t, &request.mapping, request.duplicates.as_ref(), today()).await
}

/// The largest file the pages take (a spreadsheet or a bundle): each reader then holds it to
/// its own, possibly smaller, cap (`ansinh_files::limits`, `ansinh_exchange::limits`).
pub const PICKED_FILE_BYTES: u64 = {
    let (sheet, bundle) = (ansinh_files::limits::IMPORT_FILE_BYTES, ansinh_exchange::limits::BUNDLE_FILE_BYTES);
    if sheet > bundle { sheet } else { bundle }
};

/// Reads a file by its path (the documented fallback of the pages, for when a file chooser
/// cannot be used, e.g. by WebDriver tests): the same `{name, bytes}` the picker gives.
/// Refused unread (`file.too_large`) past [`PICKED_FILE_BYTES`].
#[tauri::command]
pub async fn read_local_file(state: State<'_, AppState>, path: String) -> Cmd<PickedFile> {
    require(&state, Permission::Administer)?;
    let p = std::path::Path::new(&path);
    let bytes = ansinh_files::limits::read_file(p, PICKED_FILE_BYTES)?;
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(path.clone());
    Ok(PickedFile { name, bytes })
}

#[derive(Debug, Deserialize)]
pub struct ErrorReport {
    /// File name base, e.g. `loi-nhap-danh-sach`.
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Saves an (already translated) error report as XLSX in the export folder; returns its path.
#[tauri::command]
pub async fn save_error_report(state: State<'_, AppState>, report: ErrorReport) -> Cmd<String> {
    require(&state, Permission::Administer)?;
    let path = ansinh_files::report::save_error_report(&report.name, &report.headers, &report.rows)?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub async fn list_cycles(state: State<'_, AppState>) -> Cmd<Vec<CycleView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.list_cycles().await?)
}

#[derive(Debug, Deserialize)]
pub struct ReconcileRequest {
    pub file: PickedFile,
    /// mm/yyyy (or yyyy-mm).
    pub period: String,
    pub dry_run: bool,
}

#[tauri::command]
pub async fn reconcile_payments(state: State<'_, AppState>, request: ReconcileRequest) -> Cmd<ReconcileReport> {
    let a = require(&state, Permission::Administer)?;
    let t = request.file.table()?;
    ansinh_files::reconcile::reconcile(&a.store, &t, &request.period, request.dry_run).await
}

#[tauri::command]
pub async fn close_cycle(state: State<'_, AppState>, period: String) -> Cmd<CycleView> {
    let a = require(&state, Permission::Administer)?;
    let (y, m) = dates::parse_period("period", &period)?;
    Ok(a.store.close_cycle(&dates::period_key(y, m)).await?)
}

#[cfg(test)]
mod tests {
    use super::PICKED_FILE_BYTES;

    /// The webview refuses an oversized file before sending it: its cap must be this one.
    #[test]
    fn the_webview_checks_the_same_picked_file_cap() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ts = std::fs::read_to_string(root.join("ui/src/lib/import-files.ts")).unwrap();
        let mib = PICKED_FILE_BYTES / (1024 * 1024);
        assert_eq!(PICKED_FILE_BYTES, mib * 1024 * 1024);
        let line = format!("export const PICKED_FILE_MAX_BYTES = {mib} * 1024 * 1024;");
        assert!(ts.contains(&line), "ui/src/lib/import-files.ts must say: {line}");
    }
}
