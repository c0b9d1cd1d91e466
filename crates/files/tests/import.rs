//! Imports through the real path on temporary databases: XLSX cells as Excel stores them,
//! all-or-nothing on a bad row in the middle, idempotent re-import.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_files::import::import_beneficiaries_file;
use ansinh_store::Store;
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("t.db")).await.unwrap()
}

#[tokio::test]
async fn xlsx_cells_are_read_as_the_officer_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã xã/phường", "Nhóm đối tượng", "Nằm liệt giường"]
            .iter()
            .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date_fmt = Format::new().set_num_format("dd/mm/yyyy");
    // Row 2: a real Excel date and an ID typed as a number (Excel drops the leading zeros).
    ws.write_number(1, 0, 1.0).unwrap();
    ws.write_string(1, 1, "Đặng Thị Hoa").unwrap();
    ws.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(1941, 3, 5).unwrap(), &date_fmt).unwrap();
    ws.write_string(1, 3, "Nữ").unwrap();
    ws.write_number(1, 4, 1141012345.0).unwrap();
    ws.write_string(1, 5, "00004").unwrap();
    ws.write_string(1, 6, "cao_tuoi_ngheo_80").unwrap();
    ws.write_string(1, 7, "x").unwrap();
    // Row 3: everything as text, a birth year only.
    ws.write_number(2, 0, 2.0).unwrap();
    ws.write_string(2, 1, "Bùi Văn Nam").unwrap();
    ws.write_string(2, 2, "1950").unwrap();
    ws.write_string(2, 3, "Nam").unwrap();
    ws.write_string(2, 4, "001050123456").unwrap();
    ws.write_string(2, 5, "00008").unwrap();
    ws.write_string(2, 6, "Người khuyết tật nặng").unwrap();
    wb.save(&path).unwrap();

    let s = store(&dir).await;
    let report = import_beneficiaries_file(&s, &path, None, today()).await.unwrap();
    assert_eq!((report.rows, report.added, report.unchanged), (2, 2, 0));
    let all = s.all_beneficiaries().await.unwrap();
    let hoa = all.iter().find(|b| b.full_name == "Đặng Thị Hoa").unwrap();
    assert_eq!(hoa.id_number.as_deref(), Some("001141012345"), "leading zeros restored");
    assert_eq!(hoa.birth_date.as_deref(), Some("1941-03-05"));
    assert!(hoa.needs.bedridden);
    let nam = all.iter().find(|b| b.full_name == "Bùi Văn Nam").unwrap();
    assert_eq!((nam.birth_date.as_deref(), nam.birth_year), (None, 1950));
    assert_eq!(nam.group_code, "khuyet_tat_nang", "group given by its Vietnamese name");

    let again = import_beneficiaries_file(&s, &path, None, today()).await.unwrap();
    assert_eq!((again.added, again.unchanged), (0, 2), "re-import changes nothing");
    assert_eq!(s.count_beneficiaries().await.unwrap(), 2);
}

#[tokio::test]
async fn a_bad_row_in_the_middle_writes_nothing_and_every_error_names_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    std::fs::write(
        &path,
        "Full name;Birth date;Sex;ID number;Ward code;Group\n\
         Nguyễn Văn An;05/03/1941;male;001041012345;00004;cao_tuoi_ngheo_80\n\
         Trần Thị Bình;31/02/1950;female;001150001234;99999;cao_tuoi_ngheo_60_80\n\
         Lê Văn Cường;1945;male;001045099999;00004;cao_tuoi_ngheo_80\n\
         Lê Văn Dũng;1945;male;001045099999;00004;cao_tuoi_ngheo_80\n",
    )
    .unwrap();
    let s = store(&dir).await;
    let err = import_beneficiaries_file(&s, &path, None, today()).await.unwrap_err();
    let AppError::Validation(errors) = err else { panic!("expected validation errors, got {err:?}") };
    let got: Vec<(Option<usize>, &str, ErrorCode)> =
        errors.iter().map(|e| (e.row, e.field.as_deref().unwrap_or(""), e.code)).collect();
    assert_eq!(
        got,
        vec![
            (Some(3), "birth_date", ErrorCode::DateInvalid),
            (Some(3), "ward_code", ErrorCode::WardUnknown),
            (Some(5), "id_number", ErrorCode::IdNumberDuplicate),
        ]
    );
    assert_eq!(errors[2].params.get("row").map(String::as_str), Some("4"), "points at the first row with that ID");
    assert_eq!(s.count_beneficiaries().await.unwrap(), 0, "nothing was written");
}

#[tokio::test]
async fn a_missing_required_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    std::fs::write(&path, "Họ và tên,Ngày sinh,Giới tính,Số định danh,Nhóm đối tượng\nA B,1940,Nam,001040000001,x\n")
        .unwrap();
    let s = store(&dir).await;
    let AppError::Validation(errors) = import_beneficiaries_file(&s, &path, None, today()).await.unwrap_err() else {
        panic!("expected a validation error")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].code, errors[0].params.get("column").map(String::as_str)),
        (ErrorCode::ImportHeaderMissing, Some("ward_code"))
    );
}
