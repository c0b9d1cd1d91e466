//! Writing XLSX workbooks (error reports, visit lists, reports): plain values, no formulas, a
//! bold frozen header row, text cells kept as text so ID and account numbers keep their zeros.
//! Text is always written as a string cell (`write_string`: rust_xlsxwriter never turns one
//! into a formula), and text that looks like a formula also gets Excel's quote prefix, so
//! editing the cell or saving the sheet as CSV keeps it text (`sanitise`).

use crate::sanitise::looks_like_formula;
use ansinh_core::AppError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::path::Path;

/// One cell: text stays text (leading zeros), numbers are numbers (money in VND sums in Excel).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// One worksheet: a name (Excel allows at most 31 characters), a header row and data rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn file_error(path: &Path, e: XlsxError) -> AppError {
    AppError::File(format!("{}: {e}", path.display()))
}

/// Writes `sheets` to `path` as one workbook (the file is replaced).
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) -> Result<(), AppError> {
    write_xlsx_with_images(path, sheets, &[])
}

/// A PNG image for sheet number `sheet` (0-based), placed under that sheet's rows; several
/// images of one sheet go one under the other.
#[derive(Debug, Clone)]
pub struct SheetImage {
    pub sheet: usize,
    pub png: Vec<u8>,
    /// Height in pixels (to place the next image under it).
    pub height: u32,
}

/// [`write_xlsx`] with PNG images (charts) under the tables.
pub fn write_xlsx_with_images(path: &Path, sheets: &[Sheet], images: &[SheetImage]) -> Result<(), AppError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let bold_quoted = Format::new().set_bold().set_quote_prefix();
    let quoted = Format::new().set_quote_prefix();
    for (index, sheet) in sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        let name: String = sheet.name.chars().take(31).collect();
        ws.set_name(&name).map_err(|e| file_error(path, e))?;
        for (c, h) in sheet.headers.iter().enumerate() {
            let format = if looks_like_formula(h) { &bold_quoted } else { &bold };
            ws.write_string_with_format(0, c as u16, h, format).map_err(|e| file_error(path, e))?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) if looks_like_formula(s) => ws.write_string_with_format(r, c, s, &quoted).map(|_| ()),
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Cell::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Cell::Empty => Ok(()),
                }
                .map_err(|e| file_error(path, e))?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| file_error(path, e))?;
        ws.autofit();
        // Default rows are 20 px high: leave two empty rows, then stack the images.
        let mut row = sheet.rows.len() as u32 + 3;
        for img in images.iter().filter(|i| i.sheet == index) {
            let image = rust_xlsxwriter::Image::new_from_buffer(&img.png).map_err(|e| file_error(path, e))?;
            ws.insert_image(row, 0, &image).map_err(|e| file_error(path, e))?;
            row += img.height.div_ceil(20) + 1;
        }
    }
    // Owner-only, like every export (ansinh_store::private).
    let file = ansinh_store::private::create(path).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    book.save_to_writer(file).map_err(|e| file_error(path, e))
}

/// Where the app saves files an officer asked for (reports, lists, error reports): the folder in
/// `ANSINH_EXPORT_DIR` if set (tests), else `Documents/ansinh` (else the home folder). Created
/// when missing. The app never shows a native save dialog, so nothing needs a file-system plugin.
pub fn export_dir() -> Result<std::path::PathBuf, AppError> {
    let dir = match std::env::var_os("ANSINH_EXPORT_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir).join("ansinh"),
    };
    std::fs::create_dir_all(&dir).map_err(|e| AppError::File(format!("{}: {e}", dir.display())))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    #[test]
    fn a_workbook_reads_back_with_text_kept_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let sheet = Sheet {
            name: "Danh sách thăm hộ gia đình có tên rất dài vượt quá".into(),
            headers: vec!["Họ và tên".into(), "Số định danh".into(), "Số tiền".into()],
            rows: vec![vec!["Nguyễn Thị Ánh".into(), "001234567890".into(), 500_000i64.into()]],
        };
        write_xlsx(&path, &[sheet]).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let name = book.sheet_names()[0].clone();
        assert_eq!(name.chars().count(), 31);
        let range = book.worksheet_range(&name).unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("Họ và tên".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::String("001234567890".into())));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(500_000.0)));
    }
}
