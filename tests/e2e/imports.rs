//! Imports in the real window: a beneficiary list with a bad row (nothing written, the row named
//! on screen), a good list (everyone then found), and reconciling a cycle from a result file.
//!
//! Files are given to the page's `<input type=file>` with WebDriver send_keys (the absolute
//! path); if the driver refuses, the page's documented fallback (`*-path` field read by Rust's
//! `read_local_file`) is used.

use crate::harness::{App, TIMEOUT};
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{self, Cycle, Payment};
use ansinh_core::validate;
use ansinh_store::Batch;
use chrono::NaiveDate;
use std::path::Path;

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng\n";

pub(crate) async fn pick_file(app: &App, prefix: &str, path: &Path) {
    let input = app.find(&format!("{prefix}-file")).await;
    if let Err(e) = input.send_keys(path.to_str().unwrap()).await {
        eprintln!("e2e: send_keys on <input type=file> refused ({e}); using the path field");
        app.click(&format!("{prefix}-path-toggle")).await;
        app.type_into(&format!("{prefix}-path"), path.to_str().unwrap()).await;
        app.click(&format!("{prefix}-path-load")).await;
    }
}

async fn open_import(app: &App, file: &Path) {
    app.click("nav-import").await;
    app.find("import-page").await;
    pick_file(app, "import", file).await;
    app.find("import-mapping").await;
    assert_eq!(app.value("map-0").await, "full_name", "headers matched automatically");
    app.click("import-preview").await;
}

#[tokio::test]
async fn import_with_a_bad_row_writes_nothing_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danh-sach-loi.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n\
             Trần Thị Bình,1950,Nữ,00115,00004,cao_tuoi_ngheo_80\n\
             Lê Văn Cường,1945,Nam,001045099999,00004,cao_tuoi_ngheo_80\n"
        ),
    )
    .unwrap();
    let exports = dir.path().join("exports");
    let app = App::start_with_env("imports-bad-row", &[("ANSINH_EXPORT_DIR", exports.to_str().unwrap())]).await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    open_import(&app, &file).await;

    let row = app.wait_text("import-error-row-3", |t| t.contains("Dòng 3"), TIMEOUT).await;
    assert!(row.contains("Số định danh"), "the row and the field are named: {row}");
    assert!(app.text("import-totals").await.contains("Dòng lỗi: 1"));
    assert!(!app.find("import-apply").await.is_enabled().await.unwrap(), "apply is blocked");

    app.click("import-save-report").await;
    let saved = app.wait_text("import-report-path", |t| t.contains(".xlsx"), TIMEOUT).await;
    let path = saved.split(": ").last().unwrap().trim();
    assert!(Path::new(path).starts_with(&exports) && Path::new(path).exists(), "report written: {saved}");

    let info = app.invoke("app_info", serde_json::json!({})).await.unwrap();
    assert_eq!(info["beneficiary_count"], 0, "nothing was written");
    app.close().await;
}

#[tokio::test]
async fn import_a_good_list_then_everyone_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danh-sach.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80\n\
             Trần Thị Bình,1950,Nữ,001150001234,00004,cao_tuoi_ngheo_80\n\
             Lê Văn Cường,1945,Nam,001045099999,00008,cao_tuoi_ngheo_80\n"
        ),
    )
    .unwrap();
    let app = App::start("imports-good").await;
    app.skip_demo_offer().await;
    open_import(&app, &file).await;
    app.wait_text("import-totals", |t| t.contains("Sẽ thêm: 3"), TIMEOUT).await;
    assert!(app.text("preview-row-3").await.contains("Trần Thị Bình"));
    app.click("import-apply").await;
    let result = app.wait_text("import-result", |t| t.contains("thêm 3"), TIMEOUT).await;
    eprintln!("e2e: {result}");

    app.click("nav-beneficiaries").await;
    app.wait_text("result-total", |t| t.trim() == "3", TIMEOUT).await;
    app.type_into("search", "tran thi binh").await;
    app.wait_text("result-total", |t| t.trim() == "1", TIMEOUT).await;
    app.close().await;
}

/// One person with a scheduled payment (reference GD-0001) in cycle 10/2026, written straight
/// into the app's database file (WAL: the app sees it on its next read).
async fn scheduled_payment(db: &Path) -> Payment {
    let store = crate::harness::open_store(db).await;
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: "Đặng Thị Hoa".into(),
        birth_date: "05/03/1941".into(),
        sex: "Nữ".into(),
        id_number: "001141012345".into(),
        ward_code: "00004".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let b = validate::beneficiary(&input, &refs, today).unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
    let p = Payment {
        id: records::new_id(),
        period: "2026-10".into(),
        beneficiary_id: b.id,
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: 500_000,
        status: PaymentStatus::Scheduled,
        scheduled_on: Some(on),
        credited_on: None,
        failure_reason: String::new(),
        reference: Some("GD-0001".into()),
        label: String::new(),
    };
    let batch = Batch {
        cycles: vec![Cycle { period: "2026-10".into(), scheduled_on: on }],
        beneficiaries: vec![b],
        payments: vec![p.clone()],
        ..Batch::default()
    };
    store.insert_batch(&batch).await.unwrap();
    store.close().await;
    p
}

#[tokio::test]
async fn reconcile_a_cycle_from_a_result_file_then_close_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start("imports-reconcile").await;
    app.skip_demo_offer().await;
    let p = scheduled_payment(app.db_path()).await;
    let file = dir.path().join("ket-qua.csv");
    std::fs::write(
        &file,
        "Mã giao dịch;Số tiền;Trạng thái;Ngày ghi có;Lý do\nGD-0001;500.000;Thành công;12/10/2026;\n",
    )
    .unwrap();

    app.click("nav-reconcile").await;
    app.find("reconcile-cycle").await;
    app.select("reconcile-cycle", "2026-10").await;
    pick_file(&app, "reconcile", &file).await;
    app.wait_text("reconcile-file-name", |t| t.contains("ket-qua.csv"), TIMEOUT).await;
    app.click("reconcile-check").await;
    app.wait_text("reconcile-preview", |t| t.contains("Thành công: 1"), TIMEOUT).await;
    app.click("reconcile-apply").await;
    app.wait_text("reconcile-result", |t| t.contains("1 thành công"), TIMEOUT).await;

    let detail =
        app.invoke("get_beneficiary", serde_json::json!({ "id": p.beneficiary_id.to_string() })).await.unwrap();
    assert_eq!(detail["payments"][0]["status"], "credited");
    assert_eq!(detail["payments"][0]["credited_on"], "2026-10-12");

    // The same file again: unchanged.
    app.click("reconcile-check").await;
    app.wait_text("reconcile-preview", |t| t.contains("Không đổi: 1"), TIMEOUT).await;

    // Closing the cycle makes it immutable: the file is now refused.
    app.click("reconcile-close").await;
    app.find("reconcile-closed").await;
    app.click("reconcile-check").await;
    app.wait_text("reconcile-errors", |t| t.contains("khóa") || t.contains("đóng"), TIMEOUT).await;
    app.close().await;
}

/// A list over the size cap (a sparse file: nothing is written to disk) is refused with a
/// translated error naming it and its limit, whether picked (the webview refuses it before
/// reading it) or typed as a path (Rust's `read_local_file` refuses it unread); nothing written.
#[tokio::test]
async fn an_oversized_list_is_refused_translated_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lon-qua.csv");
    std::fs::File::create(&file).unwrap().set_len(ansinh_files::limits::IMPORT_FILE_BYTES + 1).unwrap();
    let app = App::start("imports-too-large").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    app.click("nav-import").await;
    app.find("import-page").await;

    let input = app.find("import-file").await;
    if input.send_keys(file.to_str().unwrap()).await.is_ok() {
        let text = app.wait_text("import-error-row-0", |t| t.contains("quá lớn"), TIMEOUT).await;
        assert!(text.contains("lon-qua.csv") && text.contains("128 MB"), "picked: {text}");
    } else {
        eprintln!("e2e: send_keys on <input type=file> refused; only the path field is checked");
    }
    app.click("import-path-toggle").await;
    app.type_into("import-path", file.to_str().unwrap()).await;
    app.click("import-path-load").await;
    let text = app
        .wait_text("import-error-row-0", |t| t.contains(file.to_str().unwrap()) && t.contains("quá lớn"), TIMEOUT)
        .await;
    assert!(text.contains("tối đa 128 MB"), "read by Rust: {text}");
    app.screenshot("import-too-large.png").await;
    assert!(!app.exists("import-mapping").await, "no mapping step for a refused file");
    let info = app.invoke("app_info", serde_json::json!({})).await.unwrap();
    assert_eq!(info["beneficiary_count"], 0, "nothing was written");
    app.close().await;
}

/// An officer's own list as kept in a ward (issue 16): title block, two-row header with the birth
/// date under Nam / Nữ, a row of column numbers, an ID stored as a number, a group written in
/// other words, totals and signatures, and no ward column. Read in the window: the ward chosen
/// for the file, the skipped rows shown with their reason, the group's wording mapped to a code.
#[tokio::test]
async fn an_officers_own_list_imports_with_its_ward_chosen_and_a_value_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("danh-sach-thang-12.csv");
    std::fs::write(
        &file,
        "UBND PHƯỜNG BA ĐÌNH;;;;CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM;;;\n\
         ;;;;Độc lập - Tự do - Hạnh phúc;;;\n\
         DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP HÀNG THÁNG;;;;;;;\n\
         STT;Họ và tên;Ngày tháng năm sinh;;Số CCCD/Định danh;Tổ dân phố;Đối tượng;Ghi chú\n\
         ;;Nam;Nữ;;;;\n\
         (1);(2);(3);(4);(5);(6);(7);(8)\n\
         1;Nguyễn  Văn An ;05/03/1941;;1041012345;Tổ 5;Hưu trí xã hội từ 75 tuổi;\n\
         2;Trần Thị Bình;;1950;1150001234;Tổ 7;Người khuyết tật nặng;\n\
         ;Tổng cộng;;;;;;\n\
         ;Người lập biểu;;;;Chủ tịch;;\n",
    )
    .unwrap();
    let app = App::start("imports-officers-list").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    app.click("nav-import").await;
    app.find("import-page").await;
    pick_file(&app, "import", &file).await;
    app.find("import-mapping").await;
    assert_eq!(app.value("map-1").await, "full_name", "the header under the title block");
    assert_eq!(app.value("map-2").await, "birth_date_male");
    assert_eq!(app.value("map-3").await, "birth_date_female");
    app.find("import-ward-field").await;
    app.select("import-ward", "00004").await;
    app.screenshot_office("import-officers-list-mapping.png").await;
    app.click("import-preview").await;

    let totals = app.wait_text("import-totals", |t| t.contains("Dòng bỏ qua: 8"), TIMEOUT).await;
    assert!(totals.contains("Dòng lỗi: 1"), "the group in other words is refused until mapped: {totals}");
    assert!(app.text("unmapped-0").await.contains("Hưu trí xã hội từ 75 tuổi"));
    assert!(!app.find("import-apply").await.is_enabled().await.unwrap(), "apply is blocked");
    app.select("unmapped-code-0", "huu_tri_xa_hoi_75").await;
    app.click("import-values-apply").await;
    app.wait_text("import-totals", |t| t.contains("Sẽ thêm: 2") && t.contains("Dòng lỗi: 0"), TIMEOUT).await;
    app.click("import-skipped").await;
    assert!(app.text("skipped-9").await.contains("Dòng tổng cộng"));
    app.screenshot_office("import-officers-list-preview.png").await;
    app.click("import-apply").await;
    app.wait_text("import-result", |t| t.contains("thêm 2 người"), TIMEOUT).await;

    let found = app
        .invoke(
            "search_beneficiaries",
            serde_json::json!({ "query": { "text": "Nguyễn Văn An", "limit": 10, "offset": 0 } }),
        )
        .await
        .unwrap();
    let an = &found["items"][0];
    assert_eq!(
        (&an["ward_code"], &an["sex"], &an["birth_date"], &an["group_code"], &an["id_number"]),
        (&"00004".into(), &"male".into(), &"1941-03-05".into(), &"huu_tri_xa_hoi_75".into(), &"001041012345".into()),
        "{an}"
    );
    // A social pensioner of Hà Nội since 01/2026: 500.000 ₫ + the city's 150.000 ₫.
    assert_eq!(an["entitlement_vnd"], 650_000, "{an}");
    app.close().await;
}
