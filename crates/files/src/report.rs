//! Per-row error reports saved as XLSX for the officer (import and reconciliation). The text
//! comes translated from the caller (the UI knows the officer's language); this only lays it
//! out and picks a file name in [`crate::xlsx::export_dir`].

use crate::xlsx::{Cell, Sheet, export_dir, write_xlsx};
use ansinh_core::AppError;
use std::path::PathBuf;

/// Writes `rows` under `headers` to `<export dir>/<base>-<timestamp>.xlsx` and returns the path.
/// `base` is reduced to letters, digits, '-' and '_' so it is a safe file name.
pub fn save_error_report(base: &str, headers: &[String], rows: &[Vec<String>]) -> Result<PathBuf, AppError> {
    let safe: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(60)
        .collect();
    let safe = if safe.trim_matches('-').is_empty() { "bao-cao-loi".to_string() } else { safe };
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
