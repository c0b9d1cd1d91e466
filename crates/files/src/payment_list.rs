//! The monthly payment list of a ward, printed in the shape officers' own lists have (issue 16):
//! a title block (the ward's People's Committee, the national motto, the list's title and its
//! cycle), a two-row header with the birth date split into Nam / Nữ columns, a row of column
//! numbers, one row per payment, an empty "Ký nhận" column to sign in, a totals row and the
//! signature blocks. The beneficiary import reads such a list back ([`crate::layout`]).

use crate::sanitise::looks_like_formula;
use crate::xlsx::export_dir;
use ansinh_core::AppError;
use ansinh_core::model::Sex;
use ansinh_store::{PaymentListRow, Refs, Store};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

/// What the printed list holds.
#[derive(Debug, Clone)]
pub struct PaymentList {
    /// As reference data names it, e.g. "Phường Ba Đình".
    pub ward_name: String,
    pub year: i32,
    pub month: u32,
    pub rows: Vec<PaymentListRow>,
    /// The Vietnamese name of each row's group (the code when the group is unknown).
    pub group_names: Vec<String>,
}

/// The list of cycle `year`-`month` for `ward`, with names from reference data.
pub async fn payment_list(store: &Store, year: i32, month: u32, ward: &str) -> Result<PaymentList, AppError> {
    let refs: std::sync::Arc<Refs> = store.refs().await?;
    let rows = store.payment_list(&format!("{year:04}-{month:02}"), ward).await?;
    let group_names = rows
        .iter()
        .map(|r| refs.group(&r.group_code).map_or_else(|| r.group_code.clone(), |g| g.name_vi.clone()))
        .collect();
    Ok(PaymentList { ward_name: refs.unit_name(ward), year, month, rows, group_names })
}

const HEADERS: [&str; 9] =
    ["STT", "Họ và tên", "Ngày sinh", "", "Số định danh", "Tổ dân phố", "Đối tượng", "Số tiền (đồng)", "Ký nhận"];
const WIDTHS: [f64; 9] = [5.0, 26.0, 11.0, 11.0, 15.0, 12.0, 34.0, 13.0, 16.0];
const LAST: u16 = 8;

fn fail(path: &Path) -> impl Fn(XlsxError) -> AppError + '_ {
    move |e| AppError::File(format!("{}: {e}", path.display()))
}

/// Text as a string cell; text a spreadsheet would take for a formula keeps Excel's quote
/// prefix (`sanitise`).
fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if looks_like_formula(s) {
        ws.write_string_with_format(row, col, s, &f.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, s, f)?;
    }
    Ok(())
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Writes the list to `path` (replaced; owner-only like every export).
pub fn write_payment_list_xlsx(path: &Path, list: &PaymentList) -> Result<(), AppError> {
    let err = fail(path);
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(format!("DS chi tra {:02}-{}", list.month, list.year)).map_err(&err)?;
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let big = title.clone().set_font_size(13);
    let plain_center = Format::new().set_align(FormatAlign::Center);
    let italic = plain_center.clone().set_italic();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let head = cell.clone().set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let number_row = cell.clone().set_italic().set_align(FormatAlign::Center);
    let centered = cell.clone().set_align(FormatAlign::Center);
    let date = centered.clone().set_num_format("dd/mm/yyyy");
    let money = cell.clone().set_num_format("#,##0");
    let total = money.clone().set_bold();
    let total_label = head.clone();

    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(&err)?;
    }
    // Title block.
    let committee = format!("UBND {}", list.ward_name.to_uppercase());
    ws.merge_range(0, 0, 0, 2, &committee, &title).map_err(&err)?;
    ws.merge_range(0, 4, 0, LAST, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &title).map_err(&err)?;
    ws.merge_range(1, 4, 1, LAST, "Độc lập - Tự do - Hạnh phúc", &title).map_err(&err)?;
    ws.merge_range(3, 0, 3, LAST, "DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI HÀNG THÁNG", &big).map_err(&err)?;
    ws.merge_range(4, 0, 4, LAST, &format!("Tháng {:02}/{}", list.month, list.year), &title).map_err(&err)?;
    // Two-row header: every column merged over both rows but the birth date's, split Nam / Nữ.
    let (h1, h2) = (6u32, 7u32);
    for (c, h) in HEADERS.iter().enumerate() {
        let c = c as u16;
        if c == 2 {
            ws.merge_range(h1, 2, h1, 3, h, &head).map_err(&err)?;
        } else if c != 3 {
            ws.merge_range(h1, c, h2, c, h, &head).map_err(&err)?;
        }
    }
    ws.write_string_with_format(h2, 2, "Nam", &head).map_err(&err)?;
    ws.write_string_with_format(h2, 3, "Nữ", &head).map_err(&err)?;
    for c in 0..=LAST {
        ws.write_string_with_format(h2 + 1, c, format!("({})", c + 1), &number_row).map_err(&err)?;
    }
    let first = h2 + 2;
    let mut sum: i64 = 0;
    for (i, (r, group)) in list.rows.iter().zip(&list.group_names).enumerate() {
        let row = first + i as u32;
        ws.write_number_with_format(row, 0, (i + 1) as f64, &centered).map_err(&err)?;
        text(ws, row, 1, &r.full_name, &cell).map_err(&err)?;
        let (birth_col, other_col) = if r.sex == Sex::Male { (2, 3) } else { (3, 2) };
        match r.birth_date.as_deref().and_then(iso_date) {
            Some(d) => {
                let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(&err)?;
                ws.write_datetime_with_format(row, birth_col, day, &date).map_err(&err)?;
            }
            // Only the year is known: the year, as written.
            None => text(ws, row, birth_col, &r.birth_year.to_string(), &centered).map_err(&err)?,
        }
        ws.write_blank(row, other_col, &centered).map_err(&err)?;
        let id = r.id_number.as_deref().or(r.legacy_id_number.as_deref()).unwrap_or("");
        text(ws, row, 4, id, &centered).map_err(&err)?;
        text(ws, row, 5, &r.residential_group, &cell).map_err(&err)?;
        text(ws, row, 6, group, &cell).map_err(&err)?;
        ws.write_number_with_format(row, 7, r.amount_vnd as f64, &money).map_err(&err)?;
        ws.write_blank(row, 8, &cell).map_err(&err)?;
        ws.set_row_height(row, 30).map_err(&err)?;
        sum += r.amount_vnd;
    }
    let totals = first + list.rows.len() as u32;
    ws.merge_range(totals, 0, totals, 6, &format!("Tổng cộng: {} người", list.rows.len()), &total_label)
        .map_err(&err)?;
    ws.write_number_with_format(totals, 7, sum as f64, &total).map_err(&err)?;
    ws.write_blank(totals, 8, &cell).map_err(&err)?;
    // Place and date to fill in by hand, then the signature blocks.
    let place = totals + 2;
    ws.merge_range(place, 5, place, LAST, "Hà Nội, ngày ..... tháng ..... năm .....", &italic).map_err(&err)?;
    let signers = place + 1;
    ws.merge_range(signers, 0, signers, 1, "Người lập biểu", &title).map_err(&err)?;
    ws.merge_range(signers, 3, signers, 4, "Kế toán", &title).map_err(&err)?;
    ws.merge_range(signers, 6, signers, LAST, &format!("TM. {committee}"), &title).map_err(&err)?;
    let hint = signers + 1;
    ws.merge_range(hint, 0, hint, 1, "(Ký, ghi rõ họ tên)", &italic).map_err(&err)?;
    ws.merge_range(hint, 3, hint, 4, "(Ký, ghi rõ họ tên)", &italic).map_err(&err)?;
    ws.merge_range(hint, 6, hint, LAST, "(Ký, ghi rõ họ tên, đóng dấu)", &italic).map_err(&err)?;
    // Printing: landscape A4, one page wide, the header repeated on every page.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(h1, h2 + 1).map_err(&err)?;
    let file = ansinh_store::private::create(path).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    book.save_to_writer(file).map_err(&err)
}

/// Writes the list of cycle `year`-`month` for `ward` into the export folder as
/// `danh-sach-chi-tra-<ward>-<yyyy-mm>.xlsx`; returns the path and the list written.
pub async fn export_payment_list(
    store: &Store,
    year: i32,
    month: u32,
    ward: &str,
) -> Result<(PathBuf, PaymentList), AppError> {
    let list = payment_list(store, year, month, ward).await?;
    let safe = crate::sanitise::file_name_part(ward, 20);
    let path = export_dir()?.join(format!("danh-sach-chi-tra-{safe}-{year:04}-{month:02}.xlsx"));
    write_payment_list_xlsx(&path, &list)?;
    Ok((path, list))
}
