//! Issue 14's example of a command added in two places (its declaration in
//! `crates/api/src/commands/security.rs` and its button on the audit page): the whole audit log
//! exported. Alone in its test binary because it sets ANSINH_EXPORT_DIR for the process.

mod common;

use ansinh_api::commands::call;
use ansinh_core::ErrorCode;
use calamine::Reader;
use common::*;
use serde_json::json;
/// Issue 14's example of a command added in two places: the whole audit log exported, oldest
/// first, the export itself audited; only administrators (its declared gate).
#[tokio::test]
async fn the_whole_audit_log_is_exported_and_the_export_audited() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    // SAFETY: the only test of this binary, on a current-thread runtime: no other thread reads
    // the environment meanwhile.
    unsafe { std::env::set_var("ANSINH_EXPORT_DIR", &exports) };
    let (state, _, _) = state_with_officer(dir.path()).await;
    call(&state, "login", json!({ "input": { "username": "lan", "password": OFFICER_PW } })).await.unwrap();
    assert_eq!(call(&state, "export_audit_log", json!({})).await.unwrap_err().code(), ErrorCode::AuthForbidden);
    call(&state, "logout", json!({})).await.unwrap();
    call(&state, "login", json!({ "input": { "username": "admin", "password": ADMIN_PW } })).await.unwrap();
    let before = call(&state, "audit_log", json!({ "query": { "limit": 1000, "offset": 0 } })).await.unwrap();
    let n = before["entries"].as_array().unwrap().len();

    let saved = call(&state, "export_audit_log", json!({})).await.unwrap();
    let path = std::path::PathBuf::from(saved["path"].as_str().unwrap());
    assert!(path.starts_with(&exports), "{}", path.display());
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Nhật ký").unwrap();
    assert_eq!(sheet.rows().count(), n + 1, "a header and every entry");
    let first = sheet.rows().nth(1).unwrap();
    assert_eq!(first[0].to_string(), "1", "oldest first");
    let after = call(&state, "audit_log", json!({ "query": { "limit": 1, "offset": 0 } })).await.unwrap();
    let last = &after["entries"][0];
    assert_eq!(
        (&last["action"], &last["details"]["what"], &last["details"]["rows"]),
        (&json!("export"), &json!("audit_log"), &json!(n))
    );
    state.close().await;
}
