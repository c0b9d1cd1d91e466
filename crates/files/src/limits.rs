//! How much an imported spreadsheet may make this desktop read and allocate. A file arrives
//! hostile until checked: a CSV of commas, or an XLSX of a few kilobytes whose zip parts
//! inflate to gigabytes or whose two cells sit at A1 and XFD1048576 (calamine would allocate
//! every cell between them: 550 GB, and the process aborts), must be refused with a translated
//! error, never abort the app. Figures behind each value: docs/SECURITY.md, "Limits".

use ansinh_core::ErrorCode;
use ansinh_core::{AppError, FieldError};
use std::io::Read;
use std::path::Path;

pub const MIB: u64 = 1024 * 1024;

/// An imported CSV or XLSX file (beneficiary list, unit list, the bank's result file), read by
/// the CLI or picked in the app. A city-wide list of 300,000 people is about 30 MB as CSV and
/// less as XLSX: 128 MiB leaves room for wide sheets.
pub const IMPORT_FILE_BYTES: u64 = 128 * MIB;

/// What the parts of an XLSX (a zip) may inflate to, measured by inflating them into nothing
/// before calamine reads the workbook (it keeps the shared strings in memory). A 300,000-row
/// list unpacks to about 200 MB.
pub const XLSX_UNPACKED_BYTES: u64 = 1024 * MIB;

/// Columns of a sheet's used area (or fields of one CSV line). Officers' lists have 10 to 30.
pub const SHEET_COLUMNS: usize = 256;

/// Cells (rows × columns of the used area, or fields of a CSV) a sheet may make the reader
/// allocate: 300,000 people × 26 columns. Each empty cell still costs 24 bytes, so the worst
/// sheet allowed costs about 200 MB.
pub const SHEET_CELLS: usize = 8_000_000;

fn refusal(name: &str, code: ErrorCode, message: String) -> FieldError {
    FieldError::new("file", code, format!("{name}: {message}")).param("file", name)
}

/// A size as people read it ("128 MB"; MB reads the same in Vietnamese).
fn mb(bytes: u64) -> String {
    format!("{} MB", bytes / MIB)
}

/// The file itself is larger than `limit` bytes.
pub fn too_large(name: &str, limit: u64) -> AppError {
    refusal(name, ErrorCode::FileTooLarge, format!("larger than the limit of {}: nothing read", mb(limit)))
        .param("limit", mb(limit))
        .into()
}

pub(crate) fn unpacks_too_large(name: &str) -> AppError {
    let limit = mb(XLSX_UNPACKED_BYTES);
    refusal(name, ErrorCode::FileUnpacksTooLarge, format!("the workbook unpacks to more than {limit}: nothing read"))
        .param("limit", limit)
        .into()
}

pub(crate) fn too_many_cells(name: &str) -> AppError {
    refusal(
        name,
        ErrorCode::FileTooManyCells,
        format!("the sheet spans more than {SHEET_COLUMNS} columns or {SHEET_CELLS} cells: nothing read"),
    )
    .param("limit_columns", SHEET_COLUMNS)
    .param("limit_cells", SHEET_CELLS)
    .into()
}

/// Reads a file, refused (named, with the limit) before reading when it is larger than
/// `limit`, and never reading more than `limit` even if it grows meanwhile.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, AppError> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| AppError::File(format!("{name}: {e}"));
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.len() > limit {
        return Err(too_large(&name, limit));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(&name, limit));
    }
    Ok(bytes)
}
