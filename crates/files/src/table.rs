//! Reading a spreadsheet (CSV or the first sheet of an XLSX) into rows of text cells.

use ansinh_core::AppError;
use calamine::{Data, Reader};
use std::path::Path;

/// A header row and data rows, all text, as an officer would read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Spreadsheet row number (1-based) of `rows[0]`, so errors name the row the officer sees.
    pub first_row: usize,
}

pub fn read(path: &Path) -> Result<Table, AppError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => {
            read_csv(&std::fs::read(path).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?)
        }
        "xlsx" | "xlsm" | "xls" | "ods" => read_sheet(path),
        _ => Err(AppError::File(format!("{}: only .csv and .xlsx files can be imported", path.display()))),
    }
}

/// A file the officer picked in the app, given as its name and bytes (the webview sends them;
/// no path on disk): CSV or XLSX by the name's extension, as [`read`] does for paths.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => read_csv(bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
                .map_err(|e| AppError::File(format!("{name}: {e}")))?;
            sheet_rows(book, name)
        }
        _ => Err(AppError::File(format!("{name}: only .csv and .xlsx files can be imported"))),
    }
}

/// CSV in UTF-8 (a BOM is allowed); comma or semicolon separated (Excel in Vietnamese locale
/// writes semicolons).
pub fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::File("the file is not UTF-8 text: save it as 'CSV UTF-8'".into()))?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| AppError::File(format!("CSV: {e}")))?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>());
    }
    Ok(split_header(rows))
}

fn read_sheet(path: &Path) -> Result<Table, AppError> {
    let book = calamine::open_workbook_auto(path).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    sheet_rows(book, &path.display().to_string())
}

fn sheet_rows<RS: std::io::Read + std::io::Seek>(
    mut book: calamine::Sheets<RS>,
    name: &str,
) -> Result<Table, AppError> {
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::File("the workbook has no sheet".into()))?
        .map_err(|e| AppError::File(format!("{name}: {e}")))?;
    let rows = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    Ok(split_header(rows))
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
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn split_header(mut rows: Vec<Vec<String>>) -> Table {
    // Leading blank lines (titles, spacing) are common in officers' sheets: skip empty rows before the header.
    let blank = rows.iter().take_while(|r| r.iter().all(String::is_empty)).count();
    rows.drain(..blank);
    if rows.is_empty() {
        return Table::default();
    }
    let headers = rows.remove(0);
    Table { headers, rows, first_row: blank + 2 }
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
