//! The command registry (issue 14): every command is declared once with its permission, and the
//! one dispatch every door uses (the app's `call`, the HTTP server, `ansinh call`) checks that
//! permission before anything else. These tests read the registry, never source text.

mod common;

use ansinh_api::AppState;
use ansinh_api::commands::{call, specs};
use ansinh_core::ErrorCode;
use ansinh_core::auth::{Permission, Role};
use ansinh_store::NewUser;
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A refusal's code, or "ran" when the command got past its gate.
async fn outcome(state: &AppState, command: &str, args: Value) -> String {
    match call(state, command, args).await {
        Ok(_) => "ran".into(),
        Err(e) => e.code().to_string(),
    }
}

#[test]
fn every_command_is_declared_once_with_its_arguments() {
    let names: Vec<&str> = specs().map(|s| s.name).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "a command name is declared twice: {names:?}");
    assert!(names.len() > 70, "{names:?}");
    for s in specs() {
        // The webview's JSON keys are snake_case like every other field of the contract.
        assert!(s.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", s.name);
        for a in s.args {
            assert!(a.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}: argument {a}", s.name);
        }
    }
    // Only the commands that must run before anyone signs in are open.
    let open: BTreeSet<&str> = specs().filter(|s| s.permission.is_none()).map(|s| s.name).collect();
    assert_eq!(
        open,
        BTreeSet::from(["auth_status", "upgrade_progress", "setup_admin", "login", "logout", "convert_plaintext"])
    );
}

/// Each command, called by each role with an argument the command cannot have, is either
/// refused at its gate (exactly when the role lacks the declared permission) or gets past it and
/// is refused for its arguments: the gate runs first, and nothing runs with bad arguments.
#[tokio::test]
async fn the_dispatch_checks_each_commands_declared_permission_before_its_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _, _) = state_with_officer(dir.path()).await;
    state.login("admin", ADMIN_PW).await.unwrap();
    let admin = ansinh_api::require(&state, Permission::Administer).unwrap();
    let supervisor = NewUser {
        username: "minh",
        display_name: "Minh",
        role: Role::Supervisor,
        ward_code: None,
        password: OFFICER_PW,
    };
    state.add_user(&admin, &supervisor).await.unwrap();
    drop(admin);
    state.logout().await.unwrap();

    let probe = json!({ "not_an_argument": true });
    // Signed out: every gated command asks for sign-in.
    for s in specs() {
        let got = outcome(&state, s.name, probe.clone()).await;
        let want = if s.permission.is_none() { ErrorCode::RequestInvalid } else { ErrorCode::AuthRequired };
        assert_eq!(got, want.as_str(), "{} signed out", s.name);
    }
    for (user, role) in [("lan", Role::Officer), ("minh", Role::Supervisor), ("admin", Role::Admin)] {
        state.login(user, if user == "admin" { ADMIN_PW } else { OFFICER_PW }).await.unwrap();
        for s in specs() {
            let got = outcome(&state, s.name, probe.clone()).await;
            let allowed = s.permission.is_none_or(|p| role.allows(p));
            let want = if allowed { ErrorCode::RequestInvalid } else { ErrorCode::AuthForbidden };
            assert_eq!(got, want.as_str(), "{} as {role:?}", s.name);
        }
        state.logout().await.unwrap();
    }
    assert_eq!(outcome(&state, "no_such_command", json!({})).await, "not_found");
    state.close().await;
}

/// Through the dispatch, a command runs with its arguments as the UI sends them, and a refusal
/// is the same typed error the function gives.
#[tokio::test]
async fn commands_run_from_json_as_the_ui_sends_them() {
    let dir = tempfile::tempdir().unwrap();
    let (state, own, other) = state_with_officer(dir.path()).await;
    let login = call(&state, "login", json!({ "input": { "username": "lan", "password": OFFICER_PW } })).await.unwrap();
    assert_eq!(login["role"], "officer");
    let page = call(&state, "search_beneficiaries", json!({ "query": { "text": "" } })).await.unwrap();
    assert_eq!(page["total"], 1, "an officer's search is confined to their ward: {page}");
    let detail = call(&state, "get_beneficiary", json!({ "id": own })).await.unwrap();
    assert_eq!(detail["beneficiary"]["ward_code"], "00001");
    let refused = call(&state, "get_beneficiary", json!({ "id": other })).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::AuthForbidden);
    // A missing argument is named.
    let missing = call(&state, "get_beneficiary", json!({})).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::RequestInvalid);
    assert!(missing.to_string().contains("id"), "{missing}");
    // Commands without arguments take `{}` or nothing at all.
    assert_eq!(call(&state, "list_drafts", Value::Null).await.unwrap(), json!([]));
    call(&state, "logout", json!({})).await.unwrap();
    assert_eq!(outcome(&state, "list_drafts", json!({})).await, ErrorCode::AuthRequired.as_str());
    state.close().await;
}

/// The webview refuses an oversized file before sending it: its cap must be this one.
#[test]
fn the_webview_checks_the_same_picked_file_cap() {
    let cap = ansinh_api::commands::imports::PICKED_FILE_BYTES;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ts = std::fs::read_to_string(root.join("ui/src/lib/import-files.ts")).unwrap();
    let mib = cap / (1024 * 1024);
    assert_eq!(cap, mib * 1024 * 1024);
    let line = format!("export const PICKED_FILE_MAX_BYTES = {mib} * 1024 * 1024;");
    assert!(ts.contains(&line), "ui/src/lib/import-files.ts must say: {line}");
}
