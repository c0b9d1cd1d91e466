//! Exports are readable by their owner only (issue 13): a table as CSV, a segment table as CSV,
//! a workbook (follow-up lists, person exports, reports and error reports all go through it),
//! even over an older file that others could read.
#![cfg(unix)]

use ansinh_files::export::{What, export_csv};
use ansinh_files::xlsx::{Sheet, write_xlsx};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn csv_and_xlsx_exports_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = ansinh_store::Store::open(&dir.path().join("t.db")).await.unwrap();
    let csv = dir.path().join("nguoi-huong.csv");
    std::fs::write(&csv, "older, readable by all").unwrap();
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
    export_csv(&store, What::Beneficiaries, &csv).await.unwrap();
    assert_eq!(mode(&csv), 0o600);
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("beneficiary_id,"));

    let table = dir.path().join("chi-so.csv");
    let sheet = Sheet { name: "t".into(), headers: vec!["a".into()], rows: vec![vec!["1".into()]] };
    ansinh_files::indicator_report::write_sheet_csv(&table, &sheet).unwrap();
    assert_eq!(mode(&table), 0o600);

    let book = dir.path().join("theo-doi.xlsx");
    write_xlsx(&book, &[sheet]).unwrap();
    assert_eq!(mode(&book), 0o600);
    store.close().await;
}
