//! Officers' own lists (issue 16, part 6): a title block in merged cells, a two-row merged
//! header with the birth date split into Nam / Nữ sub-columns, a row of column numbers, IDs
//! stored as numbers, Excel dates, text dates and bare years, names typed decomposed with stray
//! spaces, a group written in other words, a totals row and signature blocks, no ward column.
//! Built with rust_xlsxwriter (real merged ranges), read through the same paths as the app and
//! the CLI, on temporary databases.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_files::import::{
    ImportOptions, ValueMapping, apply_import_with, auto_mapping, import_beneficiaries_file_with, preview_import_with,
    read_list_bytes, read_list_file,
};
use ansinh_files::layout::SkipReason;
use ansinh_store::Store;
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).await.unwrap()
}

/// How a birth is written.
#[derive(Clone, Copy)]
enum Birth {
    /// A real Excel date cell (dd/mm/yyyy format).
    Date(u16, u8, u8),
    /// A date serial saved as a plain number (the format lost).
    Serial(f64),
    /// A year typed as a number.
    Year(f64),
    Text(&'static str),
}

#[derive(Clone, Copy)]
enum Id {
    Number(f64),
    Text(&'static str),
}

#[derive(Clone, Copy)]
struct Person {
    name: &'static str,
    male: bool,
    birth: Birth,
    id: Id,
    group: &'static str,
    address: &'static str,
}

/// "Người cao tuổi từ 80 tuổi" is no group's code or name: it needs the officer's mapping.
const OTHER_WORDS: &str = "Người cao tuổi từ 80 tuổi";

fn people() -> Vec<Person> {
    vec![
        // Decomposed (NFD) with double and trailing spaces: "Nguyễn Văn An".
        Person {
            name: "Nguye\u{302}\u{303}n  Va\u{306}n   An ",
            male: true,
            birth: Birth::Date(1941, 3, 5),
            id: Id::Number(1_041_012_345.0),
            group: OTHER_WORDS,
            address: "Tổ 5",
        },
        Person {
            name: "Trần Thị Bình",
            male: false,
            birth: Birth::Text("02/02/1950"),
            id: Id::Number(1_150_001_234.0),
            group: "Người khuyết tật nặng",
            address: "Tổ 7",
        },
        Person {
            name: "Lê  Văn Cường",
            male: true,
            birth: Birth::Year(1945.0),
            id: Id::Number(1_045_099_999.0),
            group: "  người cao tuổi TỪ 80 tuổi",
            address: "Tổ 5",
        },
        Person {
            name: "Phạm Thị Dung",
            male: false,
            birth: Birth::Text("5.6.1938"),
            id: Id::Text("001138004567"),
            group: "Người từ 80 tuổi không có lương hưu, trợ cấp",
            address: "Tổ 1",
        },
        Person {
            name: "Hoàng Văn Em",
            male: true,
            // 20/07/1944.
            birth: Birth::Serial(16273.0),
            id: Id::Number(1_044_002_222.0),
            group: "khuyet_tat_dac_biet_nang",
            address: "Tổ 2",
        },
        Person {
            name: "Đỗ Thị Hạnh",
            male: false,
            birth: Birth::Text("12-11-1947"),
            id: Id::Number(1_147_003_333.0),
            group: "Người khuyết tật nặng",
            address: "Tổ 2",
        },
    ]
}

/// Writes the title block, the two-row header and the column numbers; returns the first
/// people row (0-based).
fn write_top(ws: &mut Worksheet) -> u32 {
    let center = Format::new().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, 2, "UBND PHƯỜNG BA ĐÌNH", &center).unwrap();
    ws.merge_range(0, 4, 0, 8, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", &center).unwrap();
    ws.merge_range(1, 4, 1, 8, "Độc lập - Tự do - Hạnh phúc", &center).unwrap();
    ws.merge_range(3, 0, 3, 8, "DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG", &center).unwrap();
    ws.merge_range(4, 0, 4, 8, "(Kèm theo Quyết định số 123/QĐ-UBND ngày 01/10/2026)", &center).unwrap();
    // Header rows 7 and 8 (0-based 6 and 7).
    for (c, label) in [
        (0, "STT"),
        (1, "Họ và tên"),
        (4, "Số CCCD/Định danh"),
        (5, "Địa chỉ / Tổ dân phố"),
        (6, "Đối tượng"),
        (7, "Mức trợ cấp"),
        (8, "Ghi chú"),
    ] {
        ws.merge_range(6, c, 7, c, label, &center).unwrap();
    }
    ws.merge_range(6, 2, 6, 3, "Ngày tháng năm sinh", &center).unwrap();
    ws.write_string(7, 2, "Nam").unwrap();
    ws.write_string(7, 3, "Nữ").unwrap();
    for c in 0..9u16 {
        ws.write_string(8, c, format!("({})", c + 1)).unwrap();
    }
    9
}

fn write_person(ws: &mut Worksheet, row: u32, stt: usize, p: &Person) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    ws.write_number(row, 0, stt as f64).unwrap();
    ws.write_string(row, 1, p.name).unwrap();
    let col = if p.male { 2 } else { 3 };
    match p.birth {
        Birth::Date(y, m, d) => {
            ws.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, d).unwrap(), &date).unwrap();
        }
        Birth::Serial(n) | Birth::Year(n) => {
            ws.write_number(row, col, n).unwrap();
        }
        Birth::Text(t) => {
            ws.write_string(row, col, t).unwrap();
        }
    }
    match p.id {
        Id::Number(n) => ws.write_number(row, 4, n).unwrap(),
        Id::Text(t) => ws.write_string(row, 4, t).unwrap(),
    };
    ws.write_string(row, 5, p.address).unwrap();
    ws.write_string(row, 6, p.group).unwrap();
    ws.write_number(row, 7, 1_300_000.0).unwrap();
}

/// Totals, a blank row, place and date, signature blocks, and a signer's name.
fn write_bottom(ws: &mut Worksheet, mut row: u32, count: usize) {
    let center = Format::new().set_align(FormatAlign::Center);
    ws.merge_range(row, 0, row, 1, "Tổng cộng", &center).unwrap();
    ws.write_number(row, 7, 1_300_000.0 * count as f64).unwrap();
    row += 2;
    ws.merge_range(row, 5, row, 8, "Hà Nội, ngày 05 tháng 10 năm 2026", &center).unwrap();
    row += 1;
    ws.merge_range(row, 0, row, 1, "Người lập biểu", &center).unwrap();
    ws.merge_range(row, 3, row, 4, "Kế toán", &center).unwrap();
    ws.merge_range(row, 6, row, 8, "TM. UBND PHƯỜNG", &center).unwrap();
    row += 1;
    ws.merge_range(row, 0, row, 1, "(Ký, ghi rõ họ tên)", &center).unwrap();
    ws.merge_range(row, 3, row, 4, "(Ký, ghi rõ họ tên)", &center).unwrap();
    ws.merge_range(row, 6, row, 8, "(Ký, ghi rõ họ tên, đóng dấu)", &center).unwrap();
    row += 4;
    ws.merge_range(row, 0, row, 1, "Nguyễn Thị Lan", &center).unwrap();
}

fn write_list(path: &Path, people: &[Person]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let first = write_top(ws);
    for (i, p) in people.iter().enumerate() {
        write_person(ws, first + i as u32, i + 1, p);
    }
    write_bottom(ws, first + people.len() as u32, people.len());
    wb.save(path).unwrap();
}

fn ward(code: &str) -> ImportOptions {
    ImportOptions { ward_code: Some(code.into()), values: vec![] }
}

fn mapped(code: &str) -> ImportOptions {
    ImportOptions {
        ward_code: Some(code.into()),
        values: vec![ValueMapping {
            field: "group_code".into(),
            value: OTHER_WORDS.into(),
            code: "cao_tuoi_ngheo_80".into(),
        }],
    }
}

#[test]
fn the_header_is_found_under_the_title_and_every_other_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    write_list(&path, &people());
    let t = read_list_file(&path).unwrap();
    assert_eq!(
        t.headers,
        [
            "STT",
            "Họ và tên",
            "Ngày tháng năm sinh / Nam",
            "Ngày tháng năm sinh / Nữ",
            "Số CCCD/Định danh",
            "Địa chỉ / Tổ dân phố",
            "Đối tượng",
            "Mức trợ cấp",
            "Ghi chú"
        ]
    );
    assert_eq!((t.first_row, t.rows.len()), (10, 6), "rows 10-15 are the people");
    let m = auto_mapping(&t.headers);
    let fields: Vec<Option<&str>> = m.iter().map(Option::as_deref).collect();
    assert_eq!(
        fields,
        [
            None,
            Some("full_name"),
            Some("birth_date_male"),
            Some("birth_date_female"),
            Some("id_number"),
            Some("residential_group"),
            Some("group_code"),
            None,
            None
        ]
    );
    use SkipReason::*;
    let skipped: Vec<(usize, SkipReason)> = t.skipped.iter().map(|s| (s.row, s.reason)).collect();
    assert_eq!(
        skipped,
        [
            (1, Title),
            (2, Title),
            (3, Blank),
            (4, Title),
            (5, Title),
            (6, Blank),
            (7, Header),
            (8, Header),
            (9, ColumnNumbers),
            (16, Totals),
            (17, Blank),
            (18, Signature),
            (19, Signature),
            (20, Signature),
            (21, Blank),
            (22, Blank),
            (23, Blank),
            (24, Signature),
        ]
    );
    assert_eq!(t.skipped[3].text, "DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG");
}

#[tokio::test]
async fn every_person_imports_exactly_as_written_and_the_value_mapping_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    write_list(&path, &people());
    let s = store(&dir, "t.db").await;
    let t = read_list_bytes("danh-sach.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    let m = auto_mapping(&t.headers);

    // No ward column and no ward chosen: the missing column is named.
    let AppError::Validation(e) =
        preview_import_with(&s, &t, &m, &ImportOptions::default(), today()).await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!((e.len(), e[0].code, e[0].params["column"].as_str()), (1, ErrorCode::ImportHeaderMissing, "ward_code"));
    // A ward that does not exist is refused as a typed form's would be.
    let e = preview_import_with(&s, &t, &m, &ward("99999"), today()).await.unwrap_err();
    let AppError::Validation(e) = e else { panic!() };
    assert_eq!((e[0].code, e[0].field.as_deref()), (ErrorCode::WardUnknown, Some("ward_code")));

    // The group in other words: listed for the officer to map, its rows refused.
    let p = preview_import_with(&s, &t, &m, &ward("00004"), today()).await.unwrap();
    assert_eq!((p.totals.rows, p.totals.add, p.totals.errors, p.totals.skipped), (6, 4, 2, 18));
    assert_eq!(p.unmapped.len(), 1);
    assert_eq!((p.unmapped[0].field.as_str(), p.unmapped[0].value.as_str()), ("group_code", OTHER_WORDS));
    assert_eq!((p.unmapped[0].rows.clone(), p.unmapped[0].count), (vec![10, 12], 2));
    let group_errors: Vec<_> = p.errors.iter().map(|e| (e.row, e.code, e.params["column"].as_str())).collect();
    assert_eq!(group_errors, [(Some(10), ErrorCode::GroupUnknown, "G"), (Some(12), ErrorCode::GroupUnknown, "G")]);
    assert!(p.errors[0].message.contains("\"Đối tượng\""), "{}", p.errors[0].message);
    let e = apply_import_with(&s, &t, &m, None, &ward("00004"), today()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(s.count_beneficiaries().await.unwrap(), 0, "all or nothing");

    // A code the group does not have is refused, naming the value.
    let mut wrong = mapped("00004");
    wrong.values[0].code = "cao_tuoi".into();
    let AppError::Validation(e) = preview_import_with(&s, &t, &m, &wrong, today()).await.unwrap_err() else { panic!() };
    assert_eq!((e[0].code, e[0].params["value"].as_str()), (ErrorCode::ImportValueCodeUnknown, OTHER_WORDS));

    let p = preview_import_with(&s, &t, &m, &mapped("00004"), today()).await.unwrap();
    assert_eq!((p.totals.add, p.totals.errors), (6, 0));
    assert!(p.unmapped.is_empty());
    let r = apply_import_with(&s, &t, &m, None, &mapped("00004"), today()).await.unwrap();
    assert_eq!((r.rows, r.added, r.unchanged, r.skipped.len()), (6, 6, 0, 18));

    let all = s.all_beneficiaries().await.unwrap();
    let find = |id: &str| all.iter().find(|b| b.id_number.as_deref() == Some(id)).unwrap_or_else(|| panic!("{id}"));
    use ansinh_core::model::Sex::{Female, Male};
    // (ID, name, birth date, birth year, sex, group, residential group)
    let expected = [
        ("001041012345", "Nguyễn Văn An", Some("1941-03-05"), 1941, Male, "cao_tuoi_ngheo_80", "Tổ 5"),
        ("001150001234", "Trần Thị Bình", Some("1950-02-02"), 1950, Female, "khuyet_tat_nang", "Tổ 7"),
        ("001045099999", "Lê Văn Cường", None, 1945, Male, "cao_tuoi_ngheo_80", "Tổ 5"),
        ("001138004567", "Phạm Thị Dung", Some("1938-06-05"), 1938, Female, "cao_tuoi_80_khong_luong", "Tổ 1"),
        ("001044002222", "Hoàng Văn Em", Some("1944-07-20"), 1944, Male, "khuyet_tat_dac_biet_nang", "Tổ 2"),
        ("001147003333", "Đỗ Thị Hạnh", Some("1947-11-12"), 1947, Female, "khuyet_tat_nang", "Tổ 2"),
    ];
    for (id, name, date, year, sex, group, res) in expected {
        let b = find(id);
        assert_eq!(b.full_name, name, "NFC, trimmed, single spaces");
        assert_eq!((b.birth_date.as_deref(), b.birth_year, b.sex), (date, year, sex), "{name}");
        assert_eq!((b.group_code.as_str(), b.residential_group.as_str(), b.ward_code.as_str()), (group, res, "00004"));
    }

    // The next import of the same list (same headers): the mapping is remembered, nothing
    // needs choosing, and nothing changes.
    let changes = s.data_version().await.unwrap();
    let p = preview_import_with(&s, &t, &m, &ward("00004"), today()).await.unwrap();
    assert!(p.unmapped.is_empty() && p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((p.totals.add, p.totals.unchanged), (0, 6));
    let again = apply_import_with(&s, &t, &m, None, &ward("00004"), today()).await.unwrap();
    assert_eq!((again.added, again.unchanged), (0, 6));
    assert_eq!(s.count_beneficiaries().await.unwrap(), 6);
    assert_eq!(s.data_version().await.unwrap(), changes, "no change record either");
    // The CLI's path too (automatic mapping, remembered value mapping).
    let cli = import_beneficiaries_file_with(&s, &path, None, &ward("00004"), today()).await.unwrap();
    assert_eq!((cli.added, cli.unchanged), (0, 6));
}

#[tokio::test]
async fn the_cli_path_maps_a_value_and_remembers_it_for_the_next_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "t.db").await;
    let all = people();
    let (first, second) = all.split_at(3);
    let (a, b) = (dir.path().join("thang-10.xlsx"), dir.path().join("thang-11.xlsx"));
    write_list(&a, first);
    write_list(&b, second);
    let r = import_beneficiaries_file_with(&s, &a, None, &mapped("00004"), today()).await.unwrap();
    assert_eq!(r.added, 3);
    // Next month's list (same headers) says the group the same way, in other case and spacing.
    let mut more = vec![Person {
        name: "Vũ Văn Giang",
        male: true,
        birth: Birth::Text("1/1/1940"),
        id: Id::Number(1_040_000_777.0),
        group: "NGƯỜI CAO TUỔI  từ 80 tuổi",
        address: "Tổ 3",
    }];
    more.extend(second.iter().copied());
    write_list(&b, &more);
    let r = import_beneficiaries_file_with(&s, &b, None, &ward("00004"), today()).await.unwrap();
    assert_eq!((r.added, r.unchanged), (4, 0));
    let all = s.all_beneficiaries().await.unwrap();
    let giang = all.iter().find(|p| p.full_name == "Vũ Văn Giang").unwrap();
    assert_eq!((giang.group_code.as_str(), giang.birth_date.as_deref()), ("cao_tuoi_ngheo_80", Some("1940-01-01")));
}

#[tokio::test]
async fn a_bad_row_is_refused_with_its_row_and_column_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("danh-sach.xlsx");
    let mut list = people();
    // Row 12: a number that padding cannot make a valid ID (no province 009): left as written.
    list[2].id = Id::Number(9_045_099_999.0);
    // Row 14: the birth date in both the Nam and the Nữ column.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let first = write_top(ws);
    for (i, p) in list.iter().enumerate() {
        write_person(ws, first + i as u32, i + 1, p);
    }
    ws.write_string(first + 4, 3, "20/07/1944").unwrap();
    write_bottom(ws, first + list.len() as u32, list.len());
    wb.save(&path).unwrap();

    let s = store(&dir, "t.db").await;
    let err = import_beneficiaries_file_with(&s, &path, None, &mapped("00004"), today()).await.unwrap_err();
    let AppError::Validation(errors) = err else { panic!("{err:?}") };
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.row, e.field.as_deref(), e.code, e.params.get("column").map(String::as_str)))
        .collect();
    assert_eq!(
        got,
        [
            (Some(12), Some("id_number"), ErrorCode::IdNumberLength, Some("E")),
            (Some(14), Some("birth_date"), ErrorCode::ImportBirthBothSexes, Some("C")),
        ]
    );
    assert_eq!(errors[0].params["found"], "10");
    assert_eq!(errors[0].params["header"], "Số CCCD/Định danh");
    assert!(errors[0].to_string().starts_with("row 12: id_number:"), "{}", errors[0]);
    assert_eq!(s.count_beneficiaries().await.unwrap(), 0, "nothing was written");
}

/// The same list saved as CSV (merged cells become empty cells): the same reader.
#[tokio::test]
async fn a_csv_list_with_a_title_block_reads_the_same_way() {
    let csv = "UBND PHƯỜNG BA ĐÌNH;;;;CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM;;;;\n\
               ;;;;Độc lập - Tự do - Hạnh phúc;;;;\n\
               ;;;;;;;;\n\
               DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG;;;;;;;;\n\
               STT;Họ và tên;Ngày tháng năm sinh;;Số CCCD/Định danh;Địa chỉ / Tổ dân phố;Đối tượng;Mức trợ cấp;Ghi chú\n\
               ;;Nam;Nữ;;;;;\n\
               1;2;3;4;5;6;7;8;9\n\
               1;Nguye\u{302}\u{303}n  Va\u{306}n An;05/03/1941;;1041012345;Tổ 5;Người cao tuổi từ 80 tuổi;1.300.000;\n\
               2;Trần Thị Bình;;1950;1150001234;Tổ 7;Người khuyết tật nặng;975.000;\n\
               ;;;;;;;;\n\
               ;Cộng;;;;;;2.275.000;\n\
               ;;;;;Hà Nội, ngày 05 tháng 10 năm 2026;;;\n\
               ;Người lập biểu;;;;;Chủ tịch;;\n";
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "t.db").await;
    let t = read_list_bytes("danh-sach.csv", csv.as_bytes()).unwrap();
    assert_eq!(t.headers[2..4], ["Ngày tháng năm sinh / Nam", "Ngày tháng năm sinh / Nữ"]);
    let reasons: Vec<(usize, SkipReason)> = t.skipped.iter().map(|s| (s.row, s.reason)).collect();
    use SkipReason::*;
    assert_eq!(
        reasons,
        [
            (1, Title),
            (2, Title),
            (3, Blank),
            (4, Title),
            (5, Header),
            (6, Header),
            (7, ColumnNumbers),
            (10, Blank),
            (11, Totals),
            (12, Signature),
            (13, Signature)
        ]
    );
    let m = auto_mapping(&t.headers);
    let r = apply_import_with(&s, &t, &m, None, &mapped("00008"), today()).await.unwrap();
    assert_eq!((r.rows, r.added), (2, 2));
    let all = s.all_beneficiaries().await.unwrap();
    let an = all.iter().find(|b| b.id_number.as_deref() == Some("001041012345")).unwrap();
    assert_eq!((an.full_name.as_str(), an.ward_code.as_str()), ("Nguyễn Văn An", "00008"));
    let binh = all.iter().find(|b| b.id_number.as_deref() == Some("001150001234")).unwrap();
    assert_eq!((binh.birth_date.as_deref(), binh.birth_year, binh.sex), (None, 1950, ansinh_core::model::Sex::Female));
}

/// A list whose ward column holds names, as officers write them ("Phường/Xã").
fn ward_name_list(wards: &[&str]) -> String {
    // (name, birth, sex, ID): each ID agrees with its birth year and sex.
    const PEOPLE: [(&str, &str, &str, &str); 6] = [
        ("Nguyễn Văn An", "05/03/1941", "Nam", "001041012345"),
        ("Trần Thị Bình", "02/02/1950", "Nữ", "001150001234"),
        ("Lê Văn Cường", "1945", "Nam", "001045099999"),
        ("Phạm Thị Dung", "05/06/1938", "Nữ", "001138004567"),
        ("Hoàng Văn Em", "20/07/1944", "Nam", "001044002222"),
        ("Đỗ Thị Hạnh", "12/11/1947", "Nữ", "001147003333"),
    ];
    let mut csv = String::from("STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Phường/Xã;Đối tượng\n");
    for (i, (ward, (name, birth, sex, id))) in wards.iter().zip(PEOPLE).enumerate() {
        csv.push_str(&format!("{};{name};{birth};{sex};{id};{ward};Người khuyết tật nặng\n", i + 1));
    }
    csv
}

fn ward_of(all: &[ansinh_store::BeneficiaryView], id: &str) -> String {
    all.iter().find(|b| b.id_number.as_deref() == Some(id)).unwrap_or_else(|| panic!("{id}")).ward_code.clone()
}

#[tokio::test]
async fn a_ward_written_by_name_is_read_as_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "t.db").await;
    let wards = ["Phường Ba Đình", "Ngọc Hà", "giang vo", "  PHƯỜNG HOÀN  KIẾM ", "P. Cửa Nam", "00004"];
    let t = read_list_bytes("danh-sach.csv", ward_name_list(&wards).as_bytes()).unwrap();
    let m = auto_mapping(&t.headers);
    assert_eq!(m[5].as_deref(), Some("ward_code"), "a \"Phường/Xã\" column is the ward");
    let p = preview_import_with(&s, &t, &m, &ImportOptions::default(), today()).await.unwrap();
    assert!(p.errors.is_empty() && p.unmapped.is_empty(), "{:?}", p.errors);
    let shown: Vec<&str> = p.rows.iter().map(|r| r.ward_code.as_str()).collect();
    assert_eq!(shown, ["00004", "00008", "00025", "00070", "00082", "00004"]);
    let r = apply_import_with(&s, &t, &m, None, &ImportOptions::default(), today()).await.unwrap();
    assert_eq!(r.added, 6);
    let all = s.all_beneficiaries().await.unwrap();
    let got: Vec<String> =
        ["001041012345", "001150001234", "001045099999", "001138004567", "001044002222", "001147003333"]
            .iter()
            .map(|id| ward_of(&all, id))
            .collect();
    assert_eq!(got, ["00004", "00008", "00025", "00070", "00082", "00004"]);
}

#[tokio::test]
async fn a_ward_name_of_no_unit_or_of_several_is_refused_on_its_row_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "t.db").await;
    // Hà Nội has no two units of one name; a unit list loaded by an administrator could.
    let commune = ansinh_store::UnitView {
        code: "99001".into(),
        name: "Xã Ba Đình".into(),
        level: "commune".into(),
        parent_code: Some("01".into()),
        is_sample: false,
        valid_from: Some("2025-07-01".into()),
        valid_to: None,
    };
    s.upsert_units(&[commune]).await.unwrap();
    // Row 3: "Ba Đình" is now a ward and a commune; row 4: Trúc Bạch ended on 30/06/2025.
    let wards = ["Phường Ba Đình", "Ba Đình", "Trúc Bạch", "Ngọc Hà", "Xã Ngọc Hà"];
    let t = read_list_bytes("danh-sach.csv", ward_name_list(&wards).as_bytes()).unwrap();
    let m = auto_mapping(&t.headers);
    let before = s.data_version().await.unwrap();

    let p = preview_import_with(&s, &t, &m, &ImportOptions::default(), today()).await.unwrap();
    assert_eq!((p.totals.rows, p.totals.add, p.totals.errors), (5, 2, 3));
    let listed: Vec<(&str, &str, Vec<usize>)> =
        p.unmapped.iter().map(|u| (u.field.as_str(), u.value.as_str(), u.rows.clone())).collect();
    assert_eq!(
        listed,
        [("ward_code", "Ba Đình", vec![3]), ("ward_code", "Trúc Bạch", vec![4]), ("ward_code", "Xã Ngọc Hà", vec![6])]
    );

    let AppError::Validation(errors) =
        apply_import_with(&s, &t, &m, None, &ImportOptions::default(), today()).await.unwrap_err()
    else {
        panic!()
    };
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.row, e.field.as_deref(), e.code, e.params["column"].as_str(), e.params["value"].as_str()))
        .collect();
    let field = Some("ward_code");
    assert_eq!(
        got,
        [
            (Some(3), field, ErrorCode::ImportWardNameAmbiguous, "F", "Ba Đình"),
            (Some(4), field, ErrorCode::ImportWardNameUnknown, "F", "Trúc Bạch"),
            // A ward's name under the commune's level word is no unit.
            (Some(6), field, ErrorCode::ImportWardNameUnknown, "F", "Xã Ngọc Hà"),
        ]
    );
    assert_eq!(errors[0].params["units"], "Phường Ba Đình (00004), Xã Ba Đình (99001)");
    assert!(errors[1].to_string().starts_with("row 4: ward_code:"), "{}", errors[1]);
    assert!(errors[1].message.contains("(column F, \"Phường/Xã\")"), "{}", errors[1].message);
    // The CLI's path refuses it the same way.
    let path = dir.path().join("danh-sach.csv");
    std::fs::write(&path, ward_name_list(&wards)).unwrap();
    let e = import_beneficiaries_file_with(&s, &path, None, &ImportOptions::default(), today()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Validation);
    assert_eq!(s.count_beneficiaries().await.unwrap(), 0, "nothing was written");
    assert_eq!(s.data_version().await.unwrap(), before, "no change record either");
}

#[tokio::test]
async fn a_mapped_ward_name_is_remembered_for_the_next_list() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir, "t.db").await;
    let (first, second) = (dir.path().join("thang-10.csv"), dir.path().join("thang-11.csv"));
    // The ward's old name (Trúc Bạch joined Ba Đình on 1 July 2025), still in the officer's list.
    std::fs::write(&first, ward_name_list(&["Trúc Bạch", "Ngọc Hà"])).unwrap();
    let t = read_list_file(&first).unwrap();
    let m = auto_mapping(&t.headers);
    let map = |code: &str| ImportOptions {
        ward_code: None,
        values: vec![ValueMapping { field: "ward_code".into(), value: "Trúc Bạch".into(), code: code.into() }],
    };
    // A code that is no ward is refused, naming the value.
    let AppError::Validation(e) = preview_import_with(&s, &t, &m, &map("99999"), today()).await.unwrap_err() else {
        panic!()
    };
    assert_eq!((e[0].code, e[0].params["value"].as_str()), (ErrorCode::ImportValueCodeUnknown, "Trúc Bạch"));
    let r = apply_import_with(&s, &t, &m, None, &map("00004"), today()).await.unwrap();
    assert_eq!(r.added, 2);

    // Next month's list, same headers, the same old name in other case and tones, and a new
    // person there: the mapping is remembered (the CLI's path, nothing given).
    std::fs::write(&second, ward_name_list(&["Trúc Bạch", "Ngọc Hà", "TRUC BACH"])).unwrap();
    let r = import_beneficiaries_file_with(&s, &second, None, &ImportOptions::default(), today()).await.unwrap();
    assert_eq!((r.added, r.unchanged), (1, 2));
    let all = s.all_beneficiaries().await.unwrap();
    let got: Vec<String> =
        ["001041012345", "001150001234", "001045099999"].iter().map(|id| ward_of(&all, id)).collect();
    assert_eq!(got, ["00004", "00008", "00004"]);
    let remembered = s.import_value_mappings(&t.headers).await.unwrap();
    assert_eq!(remembered, [("ward_code".to_string(), "Trúc Bạch".to_string(), "00004".to_string())]);
}
