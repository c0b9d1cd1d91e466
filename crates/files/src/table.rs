//! Reading a spreadsheet (CSV or the first sheet of an XLSX) into rows of text cells.

use crate::limits;
use ansinh_core::AppError;
use calamine::{Data, DataRef, Reader};
use std::io::Read;
use std::path::Path;

/// A header row and data rows, all text, as an officer would read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Spreadsheet row number (1-based) of `rows[0]`, so errors name the row the officer sees.
    pub first_row: usize,
    /// Rows of the sheet that are not the list's header or people (title block, column
    /// numbers, totals, signatures, blank lines), each with why: only a list read with
    /// [`crate::layout`] fills it.
    pub skipped: Vec<crate::layout::SkippedRow>,
    /// Sheet column (0 = A) of `headers[0]`: the used area may start right of column A.
    pub first_col: usize,
}

/// Every row of a sheet's used area, as text, before any header is chosen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRows {
    pub rows: Vec<Vec<String>>,
    /// Spreadsheet row number (1-based) of `rows[0]`.
    pub first_row: usize,
    /// Sheet column (0 = A) of each row's first cell.
    pub first_col: usize,
}

/// A CSV or XLSX file on disk (the CLI's imports), by its extension; refused unread when
/// larger than [`limits::IMPORT_FILE_BYTES`].
pub fn read(path: &Path) -> Result<Table, AppError> {
    Ok(split_header(read_raw(path)?))
}

/// [`read`] without choosing a header: every row of the used area.
pub fn read_raw(path: &Path) -> Result<RawRows, AppError> {
    let name = path.display().to_string();
    kind(&name)?;
    read_bytes_raw(&name, &limits::read_file(path, limits::IMPORT_FILE_BYTES)?)
}

#[derive(Clone, Copy)]
enum Kind {
    Csv,
    Xlsx,
}

/// Only CSV and XLSX: calamine's readers of .xls (BIFF) and .ods build a dense range of every
/// cell between the first and the last one before we see any, so a hostile file there could
/// abort the app; officers save those as .xlsx.
fn kind(name: &str) -> Result<Kind, AppError> {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => Ok(Kind::Csv),
        "xlsx" | "xlsm" => Ok(Kind::Xlsx),
        _ => Err(AppError::File(format!(
            "{name}: only .csv and .xlsx files can be imported (save .xls and .ods as .xlsx)"
        ))),
    }
}

/// A file the officer picked in the app, given as its name and bytes (the webview sends them;
/// no path on disk): CSV or XLSX by the name's extension, as [`read`] does for paths. Every
/// step is bounded by `limits`: the file's size, what an XLSX unpacks to, the sheet's columns
/// and cells.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    Ok(split_header(read_bytes_raw(name, bytes)?))
}

/// [`read_bytes`] without choosing a header: every row of the used area.
pub fn read_bytes_raw(name: &str, bytes: &[u8]) -> Result<RawRows, AppError> {
    let kind = kind(name)?;
    if bytes.len() as u64 > limits::IMPORT_FILE_BYTES {
        return Err(limits::too_large(name, limits::IMPORT_FILE_BYTES));
    }
    match kind {
        Kind::Csv => csv_table(name, bytes),
        Kind::Xlsx => xlsx_table(name, bytes),
    }
}

/// CSV in UTF-8 (a BOM is allowed); comma or semicolon separated (Excel in Vietnamese locale
/// writes semicolons).
pub fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    csv_table("CSV", bytes).map(split_header)
}

fn csv_table(name: &str, bytes: &[u8]) -> Result<RawRows, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::File("the file is not UTF-8 text: save it as 'CSV UTF-8'".into()))?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(AppError::File(format!("CSV: {e}"))),
        }
        // A line of commas is as costly as a line of text: count fields, not bytes.
        cells += record.len();
        if record.len() > limits::SHEET_COLUMNS || cells > limits::SHEET_CELLS {
            return Err(limits::too_many_cells(name));
        }
        rows.push(record.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>());
    }
    Ok(RawRows { rows, first_row: 1, first_col: 0 })
}

/// The first sheet of an XLSX, read cell by cell (calamine's streaming reader) so that no
/// range is allocated before its extent is known: the used area (from the first to the last
/// non-empty cell, as calamine's own range) must fit [`limits::SHEET_COLUMNS`] and
/// [`limits::SHEET_CELLS`]. The workbook's declared `<dimension>` is not trusted (calamine
/// 0.38 only pre-reserves from it below 100,000 cells).
fn xlsx_table(name: &str, bytes: &[u8]) -> Result<RawRows, AppError> {
    let err = |e: &dyn std::fmt::Display| AppError::File(format!("{name}: {e}"));
    check_unpacked(name, bytes)?;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| err(&e))?;
    let sheet =
        book.sheet_names().first().cloned().ok_or_else(|| AppError::File("the workbook has no sheet".into()))?;
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(|e| err(&e))?;
    let mut found: Vec<((u32, u32), String)> = Vec::new();
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0u32, u32::MAX, 0u32);
    while let Some(cell) = reader.next_cell().map_err(|e| err(&e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        (top, bottom, left, right) = (top.min(r), bottom.max(r), left.min(c), right.max(c));
        let columns = (right - left) as usize + 1;
        let rows = (bottom - top) as usize + 1;
        // The same cell written many times counts each time (a hostile sheet can repeat one).
        if columns > limits::SHEET_COLUMNS
            || rows.saturating_mul(columns) > limits::SHEET_CELLS
            || found.len() >= limits::SHEET_CELLS
        {
            return Err(limits::too_many_cells(name));
        }
        found.push(((r, c), cell_text(&Data::from(cell.get_value().clone()))));
    }
    if found.is_empty() {
        return Ok(RawRows::default());
    }
    let columns = (right - left) as usize + 1;
    let mut rows = vec![vec![String::new(); columns]; (bottom - top) as usize + 1];
    for ((r, c), text) in found {
        rows[(r - top) as usize][(c - left) as usize] = text;
    }
    // The used area may start below row 1 (an empty first row): row numbers count from the sheet's.
    Ok(RawRows { rows, first_row: top as usize + 1, first_col: left as usize })
}

/// Inflates every part of the XLSX into nothing, refusing it past
/// [`limits::XLSX_UNPACKED_BYTES`] in all: calamine then reads the same bounded parts.
fn check_unpacked(name: &str, bytes: &[u8]) -> Result<(), AppError> {
    let err = |e: &dyn std::fmt::Display| AppError::File(format!("{name}: {e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| err(&e))?;
    let mut left = limits::XLSX_UNPACKED_BYTES;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| err(&e))?;
        let n = std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(|e| err(&e))?;
        if n > left {
            return Err(limits::unpacks_too_large(name));
        }
        left -= n;
    }
    Ok(())
}

/// Cell text as the officer sees it: dates as dd/mm/yyyy, whole numbers without ".0".
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => {
            if *b {
                "x".into()
            } else {
                String::new()
            }
        }
        Data::DateTime(d) => d.as_datetime().map(|dt| dt.format("%d/%m/%Y").to_string()).unwrap_or_default(),
        // "1948-03-05T00:00:00": the day (ISO, which the date rules read).
        Data::DateTimeIso(s) => s.split_once('T').map_or(s.as_str(), |(d, _)| d).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The first non-blank row is the header (the tidy files of the other imports).
fn split_header(raw: RawRows) -> Table {
    let RawRows { mut rows, first_row, first_col } = raw;
    // Leading blank lines (spacing) are common in officers' sheets: skip empty rows before the header.
    let blank = rows.iter().take_while(|r| r.iter().all(String::is_empty)).count();
    rows.drain(..blank);
    if rows.is_empty() {
        return Table::default();
    }
    let headers = rows.remove(0);
    Table { headers, rows, first_row: first_row + blank + 1, skipped: vec![], first_col }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_semicolons() {
        let t = read_csv("\u{feff}Họ và tên;Ngày sinh\nNguyễn Văn An; 01/02/1940 \n".as_bytes()).unwrap();
        assert_eq!(t.headers, vec!["Họ và tên", "Ngày sinh"]);
        assert_eq!(t.rows, vec![vec!["Nguyễn Văn An".to_string(), "01/02/1940".to_string()]]);
        assert_eq!(t.first_row, 2);
        assert_eq!(read_csv(b",\nA,B\n1,2\n").unwrap().first_row, 3);
    }

    #[test]
    fn non_utf8_is_a_clear_error() {
        let e = read_csv(&[0x48, 0xff, 0xfe, 0x0a]).unwrap_err();
        assert!(e.to_string().contains("UTF-8"));
    }
}
