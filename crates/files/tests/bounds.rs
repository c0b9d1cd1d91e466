//! Bounded input and sanitised output (issue 13, item 5). Hostile files are built here from
//! their formats (an XLSX is a zip of XML parts), read in-process: an abort or out-of-memory
//! would fail the run, so "refused with an error" is proven, not assumed. Written CSV and XLSX
//! files are read back to check that text that looks like a formula stays text.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Cycle, Payment};
use ansinh_files::limits::{self, MIB};
use ansinh_files::table::{self, read_bytes};
use ansinh_files::xlsx::{Cell, Sheet, write_xlsx};
use ansinh_store::{Batch, Store};
use calamine::{Data, Reader};
use chrono::NaiveDate;
use std::io::Write;

const DANGEROUS: [&str; 6] = ["=1+1", "+84 912", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=cmd"];

fn code(r: Result<table::Table, AppError>) -> (ErrorCode, serde_json::Value) {
    let e = r.expect_err("must be refused");
    let wire = serde_json::to_value(&e).unwrap();
    (e.code(), wire)
}

/// The smallest XLSX Excel and calamine open: content types, relationships, a workbook with
/// one sheet, and that sheet's XML (`dimension` is what the sheet declares, `rows` its
/// `<sheetData>`), plus `extra` parts.
fn xlsx(dimension: &str, rows: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    let parts: [(&str, &[u8]); 5] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    for (name, bytes) in parts.iter().chain(extra) {
        z.start_file(*name, o).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_sheet_declaring_the_largest_dimension_is_read_without_allocating_it() {
    // calamine issue #693: the declared size. Ours is read cell by cell; the outcome is the
    // two real rows.
    let rows = format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        cell("A1", "Họ và tên"),
        cell("B1", "Số định danh"),
        cell("A2", "Nguyễn Thị Ánh"),
        cell("B2", "001141012345")
    );
    let t = read_bytes("list.xlsx", &xlsx("A1:XFD1048576", &rows, &[])).unwrap();
    assert_eq!(t.headers, vec!["Họ và tên", "Số định danh"]);
    assert_eq!(t.rows, vec![vec!["Nguyễn Thị Ánh".to_string(), "001141012345".to_string()]]);
}

#[test]
fn two_cells_at_opposite_corners_are_refused_instead_of_allocating_every_cell_between() {
    // calamine 0.38's own range would allocate 1,048,576 × 16,384 cells (550 GB) and abort.
    let rows = format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, cell("A1", "a"), cell("XFD1048576", "b"));
    let (c, wire) = code(read_bytes("corners.xlsx", &xlsx("A1:B2", &rows, &[])));
    assert_eq!(c, ErrorCode::FileTooManyCells);
    assert_eq!(wire["params"]["file"], "corners.xlsx");
    assert_eq!(wire["params"]["limit_columns"], limits::SHEET_COLUMNS.to_string());
    assert_eq!(wire["params"]["limit_cells"], limits::SHEET_CELLS.to_string());
    // Tall but narrow is refused on its cells (1 column × 8,000,001 rows would fit no list).
    let rows = format!(r#"<row r="1">{}</row><row r="8000001">{}</row>"#, cell("A1", "a"), cell("A8000001", "b"));
    assert_eq!(code(read_bytes("tall.xlsx", &xlsx("A1", &rows, &[]))).0, ErrorCode::FileTooManyCells);
    // One column too many.
    let rows = format!(r#"<row r="1">{}{}</row>"#, cell("A1", "a"), cell("IW1", "b"));
    assert_eq!(code(read_bytes("wide.xlsx", &xlsx("A1", &rows, &[]))).0, ErrorCode::FileTooManyCells);
    // The widest allowed reads.
    let rows =
        format!(r#"<row r="1">{}{}</row><row r="2">{}</row>"#, cell("A1", "a"), cell("IV1", "b"), cell("A2", "c"));
    let t = read_bytes("ok.xlsx", &xlsx("A1", &rows, &[])).unwrap();
    assert_eq!(t.headers.len(), limits::SHEET_COLUMNS);
}

#[test]
fn an_xlsx_whose_parts_inflate_past_the_cap_is_refused_before_calamine_reads_it() {
    // A zip bomb in a part: about 1 MB that inflates to 1 MiB past the cap.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    z.start_file("xl/sharedStrings.xml", o).unwrap();
    let chunk = vec![b' '; MIB as usize];
    for _ in 0..=limits::XLSX_UNPACKED_BYTES / MIB {
        z.write_all(&chunk).unwrap();
    }
    let bomb = z.finish().unwrap().into_inner();
    assert!((bomb.len() as u64) < limits::IMPORT_FILE_BYTES / 10, "{}", bomb.len());
    let (c, wire) = code(read_bytes("bomb.xlsx", &bomb));
    assert_eq!(c, ErrorCode::FileUnpacksTooLarge);
    assert_eq!(wire["params"]["limit"], "1024 MB");
}

#[test]
fn csv_lines_of_commas_past_the_caps_are_refused() {
    let wide = format!("{}\n", ",".repeat(limits::SHEET_COLUMNS));
    assert_eq!(code(read_bytes("wide.csv", wide.as_bytes())).0, ErrorCode::FileTooManyCells);
    // 200 fields a line: each line fits, the whole does not.
    let line = format!("{}\n", ",".repeat(199));
    let lines = limits::SHEET_CELLS / 200 + 1;
    assert_eq!(code(read_bytes("commas.csv", line.repeat(lines).as_bytes())).0, ErrorCode::FileTooManyCells);
}

#[test]
fn an_oversized_or_foreign_file_is_refused_unread_and_named() {
    let big = vec![b'a'; limits::IMPORT_FILE_BYTES as usize + 1];
    let (c, wire) = code(read_bytes("danh-sach.csv", &big));
    assert_eq!(c, ErrorCode::FileTooLarge);
    assert_eq!(wire["params"]["file"], "danh-sach.csv");
    assert_eq!(wire["params"]["limit"], "128 MB");
    drop(big);
    // From disk (the CLI): a sparse file, refused on its size alone.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    std::fs::File::create(&path).unwrap().set_len(limits::IMPORT_FILE_BYTES + 1).unwrap();
    let e = table::read(&path).unwrap_err();
    assert_eq!(e.code(), ErrorCode::FileTooLarge);
    assert!(e.to_string().contains("danh-sach.xlsx") && e.to_string().contains("128 MB"), "{e}");
    // .xls and .ods are not read (calamine builds their dense range before we see a cell).
    for name in ["a.xls", "a.ods", "a.xlsb"] {
        assert_eq!(read_bytes(name, b"whatever").unwrap_err().code(), ErrorCode::File);
    }
}

// ---- Sanitised output ----

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn xlsx_text_cells_that_look_like_formulas_come_back_as_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let sheet = Sheet {
        name: "S".into(),
        headers: vec!["=HEADER()".into(), "Số tiền".into()],
        rows: DANGEROUS.iter().map(|s| vec![Cell::from(*s), Cell::Number(-5.0)]).collect(),
    };
    write_xlsx(&path, &[sheet]).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = book.worksheet_range("S").unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("=HEADER()".into())));
    for (i, s) in DANGEROUS.iter().enumerate() {
        assert_eq!(range.get((i + 1, 0)), Some(&Data::String((*s).into())), "{s:?}: a string, the value itself");
        assert_eq!(range.get((i + 1, 1)), Some(&Data::Float(-5.0)), "numbers stay numbers");
    }
    let formulas = book.worksheet_formula("S").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the file");
    // Excel's quote prefix is set, so editing the cell keeps it text.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
}

#[test]
fn indicator_csv_text_cells_carry_the_quote_prefix_and_numbers_stay_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let sheet = Sheet {
        name: "S".into(),
        headers: vec!["segment".into(), "count".into()],
        rows: DANGEROUS.iter().map(|s| vec![Cell::from(*s), Cell::Number(-5.0)]).collect(),
    };
    ansinh_files::indicator_report::write_sheet_csv(&path, &sheet).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let mut r = csv::ReaderBuilder::new().from_reader(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    for (row, s) in rows.iter().zip(DANGEROUS) {
        assert_eq!(&row[0], format!("'{s}"));
        assert_eq!(&row[1], "-5");
    }
}

#[tokio::test]
async fn event_csv_exports_write_stored_text_as_text_and_money_as_numbers() {
    // Values that no form accepts but that a file or another desktop could bring: a ward named
    // like a formula, failure reasons starting with each dangerous character.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).await.unwrap();
    let refs = store.refs().await.unwrap();
    let mut ward = refs.unit("00004").unwrap().clone();
    ward.name = "=HYPERLINK(\"http://evil\";\"Phường\")".into();
    store.upsert_units(&[ward.clone()]).await.unwrap();
    let list = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng\n\
                Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n";
    let t = read_bytes("l.csv", list.as_bytes()).unwrap();
    let today = d("2026-11-26");
    ansinh_files::import::apply_import(&store, &t, &ansinh_files::import::auto_mapping(&t.headers), None, today)
        .await
        .unwrap();
    let person = store.all_beneficiaries().await.unwrap().remove(0);
    let payments: Vec<Payment> = DANGEROUS
        .iter()
        .enumerate()
        .map(|(i, reason)| Payment {
            id: records::new_id(),
            period: format!("2026-{:02}", i + 1),
            beneficiary_id: person.id.parse().unwrap(),
            account_id: None,
            channel: Channel::Cash,
            amount_vnd: 500_000,
            status: PaymentStatus::Failed,
            scheduled_on: Some(d("2026-01-10")),
            credited_on: None,
            failure_reason: (*reason).into(),
            reference: None,
            label: String::new(),
        })
        .collect();
    let cycles = (1..=DANGEROUS.len())
        .map(|m| Cycle { period: format!("2026-{m:02}"), scheduled_on: d("2026-01-10") })
        .collect();
    store.insert_batch(&Batch { cycles, payments, ..Batch::default() }).await.unwrap();

    let read = |path: &std::path::Path| -> Vec<std::collections::HashMap<String, String>> {
        let mut r = csv::Reader::from_path(path).unwrap();
        let headers = r.headers().unwrap().clone();
        r.records()
            .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.into(), v.into())).collect())
            .collect()
    };
    let people = dir.path().join("beneficiaries.csv");
    ansinh_files::export::export_csv(&store, ansinh_files::export::What::Beneficiaries, &people).await.unwrap();
    let rows = read(&people);
    assert_eq!(rows[0]["ward_name"], format!("'{}", ward.name));
    assert_eq!(rows[0]["full_name"], "Nguyễn Văn An", "ordinary text untouched");
    assert_eq!(rows[0]["birth_year"], "1941");
    let pays = dir.path().join("payments.csv");
    ansinh_files::export::export_csv(&store, ansinh_files::export::What::Payments, &pays).await.unwrap();
    let mut reasons: Vec<String> = read(&pays).iter().map(|r| r["failure_reason"].clone()).collect();
    reasons.sort();
    let mut expected: Vec<String> = DANGEROUS.iter().map(|s| format!("'{s}")).collect();
    expected.sort();
    assert_eq!(reasons, expected);
    assert!(read(&pays).iter().all(|r| r["amount_vnd"] == "500000"), "money is a number");
    store.close().await;
}

#[test]
fn error_report_file_names_stay_in_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    // SAFETY of the test: no other test of this binary reads the export folder variable.
    unsafe { std::env::set_var("ANSINH_EXPORT_DIR", dir.path()) };
    for base in ["../../etc/passwd", "..\\..\\x", "CON", "", "a\u{0}b"] {
        let path = ansinh_files::report::save_error_report(base, &["h".into()], &[vec!["v".into()]]).unwrap();
        assert_eq!(path.parent().unwrap(), dir.path(), "{base:?} → {}", path.display());
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(!name.starts_with("con-") && !name.contains(".."), "{name}");
    }
}
