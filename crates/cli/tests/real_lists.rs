//! `ansinh import beneficiaries` on an officer's own list (issue 16): title block, two-row
//! header with Nam / Nữ birth-date columns, column numbers, totals and signatures, no ward
//! column (`--ward`), a group written in other words (`--map-value`, remembered); and
//! `ansinh payment-list`, whose printed list the import reads back.

use serde_json::Value;
use std::path::Path;

mod common;
use common::{ansinh, ok};

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

const LIST: &str = "UBND PHƯỜNG BA ĐÌNH;;;;CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM;;;\n\
                    ;;;;Độc lập - Tự do - Hạnh phúc;;;\n\
                    DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG;;;;;;;\n\
                    STT;Họ và tên;Ngày tháng năm sinh;;Số CCCD/Định danh;Tổ dân phố;Đối tượng;Ghi chú\n\
                    ;;Nam;Nữ;;;;\n\
                    (1);(2);(3);(4);(5);(6);(7);(8)\n\
                    1;Nguyễn  Văn An ;05/03/1941;;1041012345;Tổ 5;Người cao tuổi từ 80 tuổi;\n\
                    2;Trần Thị Bình;;1950;1150001234;Tổ 7;Người khuyết tật nặng;\n\
                    ;Tổng cộng;;;;;;\n\
                    ;Người lập biểu;;;;Chủ tịch;;\n\
                    ;(Ký, ghi rõ họ tên);;;;(Ký, ghi rõ họ tên);;\n";

#[test]
fn an_officers_list_imports_with_a_ward_and_a_value_mapping_that_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let file = dir.path().join("danh-sach.csv");
    std::fs::write(&file, LIST).unwrap();
    let f = file.to_str().unwrap();

    // No ward column and no --ward: the missing column is named.
    let out = ansinh(&db, &["import", "beneficiaries", f]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ward_code") && err.contains("import.header_missing"), "{err}");
    // A ward that does not exist is refused like the form's.
    let out = ansinh(&db, &["import", "beneficiaries", f, "--ward", "99999"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("ward.unknown"), "{}", String::from_utf8_lossy(&out.stderr));
    // The group in other words: the row and the column are named, nothing is written.
    let out = ansinh(&db, &["import", "beneficiaries", f, "--ward", "00004"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 7: group_code") && err.contains("column G"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    // A malformed --map-value is refused by the argument parser.
    let out = ansinh(&db, &["import", "beneficiaries", f, "--map-value", "group_code"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));

    let mapping = "group_code=Người cao tuổi từ 80 tuổi:cao_tuoi_ngheo_80";
    let out = ansinh(&db, &["import", "beneficiaries", f, "--ward", "00004", "--map-value", mapping]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["rows"].as_i64(), report["added"].as_i64()), (Some(2), Some(2)));
    let reasons: Vec<&str> =
        report["skipped"].as_array().unwrap().iter().map(|s| s["reason"].as_str().unwrap()).collect();
    assert_eq!(
        reasons,
        ["title", "title", "title", "header", "header", "column_numbers", "totals", "signature", "signature"]
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 9: skipped (totals)"));

    // Again without --map-value: remembered for these headers; nothing changes.
    let again = json(&db, &["import", "beneficiaries", f, "--ward", "00004"]);
    assert_eq!((again["added"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)));
}

#[test]
fn the_printed_payment_list_is_audited_and_reads_back_as_the_same_people() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["demo", "--wards", "1", "--beneficiaries", "40", "--months", "2", "--seed", "7", "--until", "2026-10"]);
    let out = dir.path().join("ds.xlsx");
    let o = out.to_str().unwrap();
    // A supervisor or administrator names the ward.
    let missing = ansinh(&db, &["payment-list", "--cycle", "10/2026", "--out", o]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("ward_code"));
    let written = json(&db, &["payment-list", "--cycle", "10/2026", "--ward", "00004", "--out", o]);
    let rows = written["rows"].as_i64().unwrap();
    assert!(rows > 10, "{written}");
    let audit = ok(&db, &["audit", "list", "--limit", "5"]);
    assert!(audit.contains("payment_list") && audit.contains("ds.xlsx"), "{audit}");

    // Into the same database: everyone is registered already.
    let same = json(&db, &["import", "beneficiaries", o, "--ward", "00004"]);
    assert_eq!((same["added"].as_i64(), same["unchanged"].as_i64()), (Some(0), Some(rows)));
    // Into an empty one: every row is a person.
    let other = dir.path().join("b.db");
    let fresh =
        json(&other, &["import", "beneficiaries", o, "--ward", "00004", "--duplicates", "keep", "--reason", "x"]);
    assert_eq!((fresh["rows"].as_i64(), fresh["added"].as_i64()), (Some(rows), Some(rows)));
}
