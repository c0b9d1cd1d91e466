//! The monthly payment list printed in the shape of officers' own lists (issue 16): title
//! block, Nam / Nữ birth-date columns, column numbers, money as whole đồng, an empty "Ký nhận"
//! column, totals and signatures; and such a printed list read back by the beneficiary import
//! (round trip: the same people, exactly as stored).

use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Cycle, Payment};
use ansinh_files::import::{
    ImportOptions, apply_import, apply_import_with, auto_mapping, preview_import_with, read_list_file,
};
use ansinh_files::layout::SkipReason;
use ansinh_files::payment_list::{payment_list, write_payment_list_xlsx};
use ansinh_files::table::read_bytes;
use ansinh_store::{Batch, Store};
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-26")
}

/// Five people of ward 00004 (one known by year only, one with an old CMND) and one of 00008;
/// October's payments: four scheduled or credited in 00004, one failed (not on the list).
async fn fixture(dir: &tempfile::TempDir) -> Store {
    let s = Store::open(&dir.path().join("a.db")).await.unwrap();
    let list = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng,Tổ dân phố\n\
                Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80,Tổ 5\n\
                Trần Thị Bình,1950,Nữ,001150001234,00004,khuyet_tat_nang,Tổ 7\n\
                Lê Văn Cường,1945,Nam,012345678,00004,cao_tuoi_80_khong_luong,Tổ 5\n\
                Phạm Thị Dung,1946,Nữ,001146000111,00008,cao_tuoi_ngheo_80,Tổ 1\n\
                Hoàng Văn Em,20/07/1944,Nam,001044000222,00004,khuyet_tat_dac_biet_nang,=Tổ 2\n";
    let t = read_bytes("l.csv", list.as_bytes()).unwrap();
    apply_import(&s, &t, &auto_mapping(&t.headers), None, today()).await.unwrap();
    let people = s.all_beneficiaries().await.unwrap();
    let by = |name: &str| people.iter().find(|p| p.full_name == name).unwrap().id.parse().unwrap();
    let pay = |name: &str, amount: i64, status: PaymentStatus| Payment {
        id: records::new_id(),
        period: "2026-10".into(),
        beneficiary_id: by(name),
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: amount,
        status,
        scheduled_on: Some(d("2026-10-05")),
        credited_on: (status == PaymentStatus::Credited).then(|| d("2026-10-05")),
        failure_reason: if status == PaymentStatus::Failed { "sai tài khoản".into() } else { String::new() },
        reference: None,
        label: String::new(),
    };
    let payments = vec![
        pay("Nguyễn Văn An", 1_300_000, PaymentStatus::Credited),
        pay("Trần Thị Bình", 975_000, PaymentStatus::Scheduled),
        pay("Lê Văn Cường", 650_000, PaymentStatus::Credited),
        pay("Phạm Thị Dung", 1_300_000, PaymentStatus::Credited),
        pay("Hoàng Văn Em", 1_300_000, PaymentStatus::Failed),
    ];
    let cycles = vec![Cycle { period: "2026-10".into(), scheduled_on: d("2026-10-05") }];
    s.insert_batch(&Batch { cycles, payments, ..Batch::default() }).await.unwrap();
    s
}

fn cell(r: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[tokio::test]
async fn the_printed_list_has_the_officers_shape_and_reads_back_as_the_same_people() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(&dir).await;
    let list = payment_list(&s, 2026, 10, "00004").await.unwrap();
    let names: Vec<&str> = list.rows.iter().map(|r| r.full_name.as_str()).collect();
    assert_eq!(
        names,
        ["Nguyễn Văn An", "Lê Văn Cường", "Trần Thị Bình"],
        "00004 only, no failed payment; Tổ, then given name"
    );
    let path = dir.path().join("danh-sach-chi-tra.xlsx");
    write_payment_list_xlsx(&path, &list).unwrap();

    // The cells as printed.
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(cell(&sheet, 0, 0), Data::String("UBND PHƯỜNG BA ĐÌNH".into()));
    assert_eq!(cell(&sheet, 0, 4), Data::String("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into()));
    assert_eq!(cell(&sheet, 1, 4), Data::String("Độc lập - Tự do - Hạnh phúc".into()));
    assert_eq!(cell(&sheet, 4, 0), Data::String("Tháng 10/2026".into()));
    assert_eq!(cell(&sheet, 6, 2), Data::String("Ngày sinh".into()));
    assert_eq!((cell(&sheet, 7, 2), cell(&sheet, 7, 3)), (Data::String("Nam".into()), Data::String("Nữ".into())));
    assert_eq!(cell(&sheet, 6, 8), Data::String("Ký nhận".into()));
    assert_eq!(cell(&sheet, 8, 0), Data::String("(1)".into()));
    // An (row 10): a date cell in the Nam column; Cường (row 11): male, year only, old CMND
    // kept as text; Bình (row 12): the Nữ column.
    assert!(matches!(cell(&sheet, 9, 2), Data::DateTime(_)), "An's birth date is a date cell");
    assert_eq!(cell(&sheet, 9, 4), Data::String("001041012345".into()));
    assert_eq!(cell(&sheet, 10, 1), Data::String("Lê Văn Cường".into()));
    assert_eq!((cell(&sheet, 10, 2), cell(&sheet, 10, 3)), (Data::String("1945".into()), Data::Empty));
    assert_eq!(cell(&sheet, 10, 4), Data::String("012345678".into()));
    assert_eq!(cell(&sheet, 10, 6), Data::String("Người từ 80 tuổi không có lương hưu, trợ cấp".into()));
    assert_eq!(cell(&sheet, 10, 7), Data::Float(650_000.0));
    assert_eq!(cell(&sheet, 10, 8), Data::Empty, "Ký nhận is left to sign");
    assert_eq!((cell(&sheet, 11, 2), cell(&sheet, 11, 3)), (Data::Empty, Data::String("1950".into())));
    assert_eq!(cell(&sheet, 12, 0), Data::String("Tổng cộng: 3 người".into()));
    assert_eq!(cell(&sheet, 12, 7), Data::Float(2_925_000.0));
    // Money shows as whole đồng with thousands separators (Excel writes '.' in a Vietnamese locale).
    let bytes = std::fs::read(&path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("#,##0"), "{xml}");

    // Read back by the import: the title block, header, numbers, totals and signatures skipped.
    let t = read_list_file(&path).unwrap();
    assert_eq!(t.rows.len(), 3);
    let reasons: Vec<SkipReason> = t.skipped.iter().map(|s| s.reason).collect();
    for r in
        [SkipReason::Title, SkipReason::Header, SkipReason::ColumnNumbers, SkipReason::Totals, SkipReason::Signature]
    {
        assert!(reasons.contains(&r), "{r:?} in {:?}", t.skipped);
    }
    let m = auto_mapping(&t.headers);
    let ward = ImportOptions { ward_code: Some("00004".into()), values: vec![] };

    // Into the same database: everyone is already there, nothing changes.
    let version = s.data_version().await.unwrap();
    let r = apply_import_with(&s, &t, &m, None, &ward, today()).await.unwrap();
    assert_eq!((r.rows, r.added, r.unchanged), (3, 0, 3));
    assert_eq!(s.data_version().await.unwrap(), version);

    // Into an empty database: the same people, exactly as stored.
    let other = Store::open(&dir.path().join("b.db")).await.unwrap();
    let p = preview_import_with(&other, &t, &m, &ward, today()).await.unwrap();
    assert!(p.errors.is_empty() && p.unmapped.is_empty(), "{:?} {:?}", p.errors, p.unmapped);
    let r = apply_import_with(&other, &t, &m, None, &ward, today()).await.unwrap();
    assert_eq!((r.added, r.legacy_rows.len()), (3, 1));
    let key = |b: &ansinh_store::BeneficiaryView| {
        (
            b.full_name.clone(),
            b.birth_date.clone(),
            b.birth_year,
            b.sex,
            b.id_number.clone(),
            b.legacy_id_number.clone(),
            b.ward_code.clone(),
            b.group_code.clone(),
            b.residential_group.clone(),
        )
    };
    let mut before: Vec<_> = s
        .all_beneficiaries()
        .await
        .unwrap()
        .iter()
        .filter(|b| list.rows.iter().any(|r| r.beneficiary_id == b.id))
        .map(key)
        .collect();
    let mut after: Vec<_> = other.all_beneficiaries().await.unwrap().iter().map(key).collect();
    before.sort();
    after.sort();
    assert_eq!(after, before);
}

#[tokio::test]
async fn text_that_looks_like_a_formula_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(&dir).await;
    // Em's residential group "=Tổ 2": give him a payment that is on the list.
    let em = s.all_beneficiaries().await.unwrap().into_iter().find(|b| b.full_name == "Hoàng Văn Em").unwrap();
    let p = Payment {
        id: records::new_id(),
        period: "2026-11".into(),
        beneficiary_id: em.id.parse().unwrap(),
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: 1_300_000,
        status: PaymentStatus::Scheduled,
        scheduled_on: Some(d("2026-11-05")),
        credited_on: None,
        failure_reason: String::new(),
        reference: None,
        label: String::new(),
    };
    let cycles = vec![Cycle { period: "2026-11".into(), scheduled_on: d("2026-11-05") }];
    s.insert_batch(&Batch { cycles, payments: vec![p], ..Batch::default() }).await.unwrap();
    let list = payment_list(&s, 2026, 11, "00004").await.unwrap();
    let path = dir.path().join("l.xlsx");
    write_payment_list_xlsx(&path, &list).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(cell(&sheet, 9, 5), Data::String("=Tổ 2".into()));
    let formulas = book.worksheet_formula(&book.sheet_names()[0].clone()).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula anywhere");
}
