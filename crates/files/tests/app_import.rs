//! The in-app import (mapping → preview → apply) on temporary databases: all-or-nothing with a
//! bad row in the middle, idempotent re-import, mappings remembered per header set, possible
//! duplicates (within the file and against the database) with both decisions.

use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_files::import::{DuplicateDecision, apply_import, auto_mapping, preview_import, propose_mapping};
use ansinh_files::table::{Table, read_bytes};
use ansinh_store::Store;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("t.db")).await.unwrap()
}

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng\n";

fn csv(body: &str) -> Table {
    read_bytes("danh-sach.csv", format!("{HEADER}{body}").as_bytes()).unwrap()
}

#[tokio::test]
async fn a_bad_row_in_the_middle_writes_nothing_and_is_named_in_preview_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let t = csv("Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n\
                 Trần Thị Bình,1950,Nữ,00115,00004,cao_tuoi_ngheo_80\n\
                 Lê Văn Cường,1945,Nam,001045099999,00004,cao_tuoi_ngheo_80\n");
    let mapping = auto_mapping(&t.headers);
    let p = preview_import(&s, &t, &mapping, today()).await.unwrap();
    assert_eq!((p.totals.rows, p.totals.add, p.totals.errors), (3, 2, 1));
    assert_eq!(p.rows[1].outcome, "error");
    assert_eq!((p.errors[0].row, p.errors[0].field.as_deref()), (Some(3), Some("id_number")));
    let AppError::Validation(errors) = apply_import(&s, &t, &mapping, None, today()).await.unwrap_err() else {
        panic!("validation expected")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].code), (Some(3), ErrorCode::IdNumberLength));
    assert_eq!(s.count_beneficiaries().await.unwrap(), 0, "the good rows were not written either");
}

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let t = csv("Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n\
                 Lê Văn Cường,1945,Nam,001045099999,00004,cao_tuoi_ngheo_80\n");
    let m = auto_mapping(&t.headers);
    let r = apply_import(&s, &t, &m, None, today()).await.unwrap();
    assert_eq!((r.rows, r.added, r.unchanged), (2, 2, 0));
    let p = preview_import(&s, &t, &m, today()).await.unwrap();
    assert_eq!((p.totals.add, p.totals.unchanged, p.totals.duplicates), (0, 2, 0));
    assert!(p.rows.iter().all(|r| r.outcome == "unchanged"));
    let again = apply_import(&s, &t, &m, None, today()).await.unwrap();
    assert_eq!((again.added, again.unchanged), (0, 2));
    assert_eq!(s.count_beneficiaries().await.unwrap(), 2);
}

#[tokio::test]
async fn the_chosen_mapping_is_remembered_per_header_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    // "Tên" and "Mã ĐV" are not known headers: the officer maps them by hand.
    let odd = "Tên,Ngày sinh,Giới tính,Số định danh,Mã ĐV,Nhóm đối tượng,Ghi chú\n";
    let t =
        read_bytes("a.csv", format!("{odd}Nguyễn Văn An,1941,Nam,001041012345,00004,cao_tuoi_ngheo_80,\n").as_bytes())
            .unwrap();
    let first = propose_mapping(&s, &t.headers).await.unwrap();
    assert!(!first.remembered);
    assert_eq!(first.mapping[0], None);
    assert_eq!(first.mapping[3].as_deref(), Some("id_number"));
    let err = preview_import(&s, &t, &first.mapping, today()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "two required columns unmapped: {err}");

    let mut chosen = first.mapping.clone();
    chosen[0] = Some("full_name".into());
    chosen[4] = Some("ward_code".into());
    let p = preview_import(&s, &t, &chosen, today()).await.unwrap();
    assert_eq!(p.totals.add, 1);

    // Same headers (other case and tones, as another export would write them): proposed again.
    let same: Vec<String> = odd.trim().split(',').map(|h| h.to_uppercase()).collect();
    let again = propose_mapping(&s, &same).await.unwrap();
    assert!(again.remembered);
    assert_eq!(again.mapping, chosen);
    // Other headers: the automatic proposal.
    let other: Vec<String> = HEADER.trim().split(',').map(String::from).collect();
    let auto = propose_mapping(&s, &other).await.unwrap();
    assert!(!auto.remembered);
    assert_eq!(auto.mapping, auto_mapping(&other));

    // A field mapped twice is refused, naming the field.
    let mut twice = chosen.clone();
    twice[6] = Some("full_name".into());
    let AppError::Validation(errs) = preview_import(&s, &t, &twice, today()).await.unwrap_err() else { panic!() };
    assert_eq!((errs[0].code, errs[0].field.as_deref()), (ErrorCode::ImportFieldTwice, Some("full_name")));
}

const REGISTERED: &str = "Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n";
// Row 2: same folded name, birth year, ward as the registered An (other ID): a possible duplicate.
// Rows 3 and 4: the same new person twice with different IDs: row 4 is flagged, row 3 kept.
// Row 5: same name elsewhere (other ward): not a duplicate.
const WITH_DUPLICATES: &str = "NGUYEN VAN AN,1941,Nam,001041099999,00004,cao_tuoi_ngheo_80\n\
                               Trần Thị Bình,02/02/1950,Nữ,001150001234,00004,cao_tuoi_ngheo_80\n\
                               Tran Thi Binh,02/02/1950,Nữ,001150005678,00004,cao_tuoi_ngheo_80\n\
                               Nguyễn Văn An,05/03/1941,Nam,001041055555,00008,cao_tuoi_ngheo_80\n";

async fn with_registered_an(s: &Store) -> String {
    let t = csv(REGISTERED);
    apply_import(s, &t, &auto_mapping(&t.headers), None, today()).await.unwrap();
    s.all_beneficiaries().await.unwrap()[0].id.clone()
}

#[tokio::test]
async fn possible_duplicates_are_found_in_the_file_and_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let an = with_registered_an(&s).await;
    let t = csv(WITH_DUPLICATES);
    let m = auto_mapping(&t.headers);
    let p = preview_import(&s, &t, &m, today()).await.unwrap();
    assert_eq!((p.totals.rows, p.totals.duplicates, p.totals.add), (4, 2, 2));
    let d: Vec<(usize, Option<String>, Option<usize>)> =
        p.duplicates.iter().map(|d| (d.row, d.existing.as_ref().map(|e| e.id.clone()), d.other_row)).collect();
    assert_eq!(d, vec![(2, Some(an), None), (4, None, Some(3))]);
    assert_eq!(p.rows.iter().map(|r| r.outcome).collect::<Vec<_>>(), ["duplicate", "add", "duplicate", "add"]);

    let AppError::Validation(e) = apply_import(&s, &t, &m, None, today()).await.unwrap_err() else { panic!() };
    assert_eq!((e[0].code, e[0].params["count"].as_str()), (ErrorCode::ImportDuplicatesUndecided, "2"));
    let keep_no_reason = DuplicateDecision { keep: true, reason: " ".into() };
    let err = apply_import(&s, &t, &m, Some(&keep_no_reason), today()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::DuplicateReasonRequired);
    assert_eq!(s.count_beneficiaries().await.unwrap(), 1, "nothing written without a decision");
}

#[tokio::test]
async fn skipping_possible_duplicates_adds_only_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    with_registered_an(&s).await;
    let t = csv(WITH_DUPLICATES);
    let skip = DuplicateDecision { keep: false, reason: String::new() };
    let r = apply_import(&s, &t, &auto_mapping(&t.headers), Some(&skip), today()).await.unwrap();
    assert_eq!((r.added, r.skipped_duplicates, r.kept_duplicates), (2, 2, 0));
    let ids: Vec<String> = s.all_beneficiaries().await.unwrap().into_iter().filter_map(|b| b.id_number).collect();
    assert!(ids.contains(&"001150001234".to_string()) && ids.contains(&"001041055555".to_string()));
    assert!(!ids.contains(&"001041099999".to_string()) && !ids.contains(&"001150005678".to_string()));
}

#[tokio::test]
async fn keeping_possible_duplicates_saves_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    with_registered_an(&s).await;
    let t = csv(WITH_DUPLICATES);
    let keep = DuplicateDecision { keep: true, reason: "Hai người khác nhau, đã xác minh".into() };
    let r = apply_import(&s, &t, &auto_mapping(&t.headers), Some(&keep), today()).await.unwrap();
    assert_eq!((r.added, r.kept_duplicates), (4, 2));
    let all = s.all_beneficiaries().await.unwrap();
    assert_eq!(all.len(), 5);
    let reason = |id: &str| all.iter().find(|b| b.id_number.as_deref() == Some(id)).unwrap().duplicate_reason.clone();
    assert_eq!(reason("001041099999"), "Hai người khác nhau, đã xác minh");
    assert_eq!(reason("001150005678"), "Hai người khác nhau, đã xác minh");
    assert_eq!(reason("001150001234"), "", "the first of the pair carries no reason");
    assert_eq!(s.verify_changes().await.unwrap(), None);
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let mut body = String::new();
    for i in 0..10_000u32 {
        body.push_str(&format!("Người Số {},1950,Nam,0010500{:05},00004,cao_tuoi_ngheo_80\n", letters(i), i));
    }
    let t = csv(&body);
    let m = auto_mapping(&t.headers);
    let p = preview_import(&s, &t, &m, today()).await.unwrap();
    assert_eq!((p.totals.rows, p.totals.add, p.totals.errors, p.rows.len()), (10_000, 10_000, 0, 20));
    let r = apply_import(&s, &t, &m, None, today()).await.unwrap();
    assert_eq!(r.added, 10_000);
    assert_eq!(s.count_beneficiaries().await.unwrap(), 10_000);
}

/// A distinct name per number (names cannot contain digits).
fn letters(mut i: u32) -> String {
    let mut s = String::new();
    for _ in 0..4 {
        s.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
    }
    s
}
