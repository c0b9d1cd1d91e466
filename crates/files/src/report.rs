//! Per-row error reports saved as XLSX for the officer (import and reconciliation). The text
//! comes translated from the caller (the UI knows the officer's language); this only lays it
//! out and picks a file name in [`crate::xlsx::export_dir`].

use crate::xlsx::{Cell, Sheet, export_dir, write_xlsx};
use ansinh_core::AppError;
use std::path::PathBuf;

/// Writes `rows` under `headers` to `<export dir>/<base>-<timestamp>.xlsx` and returns the path.
/// `base` (it comes from the webview) is made a safe file name part by `sanitise`.
pub fn save_error_report(base: &str, headers: &[String], rows: &[Vec<String>]) -> Result<PathBuf, AppError> {
    let safe = crate::sanitise::file_name_part(if base.trim().is_empty() { "bao-cao-loi" } else { base }, 60);
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let dir = export_dir()?;
    let mut path = dir.join(format!("{safe}-{stamp}.xlsx"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{safe}-{stamp}-{n}.xlsx"));
    }
    let sheet = Sheet {
        name: "Lỗi".into(),
        headers: headers.to_vec(),
        rows: rows.iter().map(|r| r.iter().map(|c| Cell::from(c.as_str())).collect()).collect(),
    };
    write_xlsx(&path, &[sheet])?;
    Ok(path)
}
