//! The session and the access gate live in `ansinh_api` (shared with the `ansinh` CLI, so both
//! doors check the same person, role and ward); the commands use them through this module. Every
//! command starts with [`require`] (or [`unauthenticated`] for the few that run before sign-in):
//! the role check is in Rust, never only in the UI. A test (`tests::every_command_checks_access`)
//! fails when a command skips it.

pub use ansinh_api::{Access, AppState, AuthStatus, IDLE_KEY, forbidden, require, unauthenticated};

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The permission each command must check (a new command fails the test until listed
    /// here): `None` = runs before sign-in (`unauthenticated`).
    const EXPECTED: &[(&str, Option<&str>)] = &[
        ("app_info", Some("Signed")),
        ("set_language", Some("Signed")),
        ("dismiss_demo_offer", Some("Administer")),
        ("load_demo", Some("Administer")),
        ("list_units", Some("Signed")),
        ("list_groups", Some("Signed")),
        ("list_providers", Some("Signed")),
        ("search_beneficiaries", Some("ReadPeople")),
        ("get_beneficiary", Some("ReadPeople")),
        ("add_beneficiary", Some("WritePeople")),
        ("open_account", Some("WritePeople")),
        ("record_payment", Some("WritePeople")),
        ("record_withdrawal", Some("WritePeople")),
        ("metrics", Some("Reports")),
        ("time_to_cash_chart", Some("Reports")),
        ("dashboard", Some("Reports")),
        ("indicator_panels", Some("Reports")),
        ("monthly_report", Some("Reports")),
        ("export_table_csv", Some("Reports")),
        ("record_print", Some("Reports")),
        ("list_exports", Some("Reports")),
        ("exchange_overview", Some("Administer")),
        ("exchange_save_public", Some("Administer")),
        ("exchange_read_device", Some("Administer")),
        ("exchange_register_device", Some("Administer")),
        ("exchange_revoke_device", Some("Administer")),
        ("reference_import", Some("Administer")),
        ("exchange_export", Some("Administer")),
        ("exchange_import", Some("Administer")),
        ("exchange_receipt", Some("Administer")),
        ("exchange_import_receipt", Some("Administer")),
        ("review_list", Some("Reports")),
        ("review_settle", Some("Administer")),
        ("review_dismiss", Some("Administer")),
        ("update_beneficiary", Some("WritePeople")),
        ("similar_beneficiaries", Some("ReadPeople")),
        ("save_draft", Some("Signed")),
        ("get_draft", Some("Signed")),
        ("list_drafts", Some("Signed")),
        ("discard_draft", Some("Signed")),
        ("import_mapping", Some("Administer")),
        ("import_preview", Some("Administer")),
        ("import_apply", Some("Administer")),
        ("read_local_file", Some("Administer")),
        ("save_error_report", Some("Administer")),
        ("list_cycles", Some("Signed")),
        ("reconcile_payments", Some("Administer")),
        ("close_cycle", Some("Administer")),
        ("followup_list", Some("ReadPeople")),
        ("export_followup", Some("ReadPeople")),
        ("record_contact", Some("WritePeople")),
        ("list_contacts", Some("ReadPeople")),
        ("create_verification_sample", Some("Administer")),
        ("get_verification_sample", Some("Reports")),
        ("record_verification", Some("Administer")),
        ("open_grievance", Some("WritePeople")),
        ("update_grievance", Some("WritePeople")),
        ("list_grievances", Some("ReadPeople")),
        ("auth_status", None),
        ("setup_admin", None),
        ("login", None),
        ("logout", None),
        ("list_users", Some("Administer")),
        ("create_user", Some("Administer")),
        ("update_user", Some("Administer")),
        ("audit_log", Some("Administer")),
        ("set_idle_minutes", Some("Administer")),
        ("reveal_account_number", Some("ReadPeople")),
        ("get_legal_basis", Some("ReadPeople")),
        ("set_legal_basis", Some("WritePeople")),
        ("export_person", Some("ReadPeople")),
        ("backup_now", Some("Administer")),
        ("list_backups", Some("Administer")),
        ("restore_backup", Some("Administer")),
        ("change_password", Some("Signed")),
        ("rekey_database", Some("Administer")),
        ("convert_plaintext", None),
    ];

    /// Every command in build.rs's APP_COMMANDS is a `#[tauri::command]` in src-tauri/src whose
    /// body begins with `require(&state, Permission::…)` (or `unauthenticated(&state)`), with the
    /// permission listed in EXPECTED. Mechanical, so a new command cannot forget its check.
    #[test]
    fn every_command_checks_access() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let list = &build[build.find("APP_COMMANDS").unwrap()..];
        let list = &list[list.find('[').unwrap()..list.find("];").unwrap()];
        let commands: Vec<String> = list.split('"').skip(1).step_by(2).map(str::to_string).collect();
        assert!(commands.len() > 40, "{commands:?}");

        let mut found: BTreeMap<String, Option<String>> = BTreeMap::new();
        for entry in std::fs::read_dir(root.join("src")).unwrap() {
            let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in src.split("#[tauri::command]\npub ").skip(1) {
                let name = part.split("fn ").nth(1).unwrap().split(['(', '<']).next().unwrap().trim().to_string();
                // The body up to its first statement.
                let body = &part[part.find(") -> ").expect("commands return Cmd<T>")..];
                let first = body[body.find("{\n").unwrap() + 2..].trim_start();
                let perm = if first.split(';').next().unwrap().contains("unauthenticated(&state)") {
                    None
                } else {
                    let check = first.split(';').next().unwrap();
                    assert!(
                        check.contains("require(&state, Permission::"),
                        "command `{name}` must start with `require(&state, Permission::…)?`, starts with: {check}"
                    );
                    Some(check.split("Permission::").nth(1).unwrap().split(')').next().unwrap().to_string())
                };
                found.insert(name, perm);
            }
        }
        for c in &commands {
            let perm = found
                .get(c)
                .unwrap_or_else(|| panic!("APP_COMMANDS lists `{c}` but no #[tauri::command] fn has that name"));
            let expected = EXPECTED.iter().find(|(n, _)| n == c).unwrap_or_else(|| panic!("add `{c}` to EXPECTED"));
            assert_eq!(perm.as_deref(), expected.1, "permission of `{c}`");
        }
        assert_eq!(found.len(), commands.len(), "every #[tauri::command] is in APP_COMMANDS");
    }

    /// Tauri hardening: a strict CSP with no remote origin, no plugin, and capabilities that
    /// grant only the core read-only defaults and the app's own commands.
    #[test]
    fn webview_is_locked_down() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP is set");
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains("https:") && !csp.contains('*'), "{csp}");
        assert!(conf.get("plugins").is_none_or(|p| p.as_object().is_none_or(|o| o.is_empty())));
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("src-tauri/capabilities/default.json")).unwrap())
                .unwrap();
        for p in cap["permissions"].as_array().unwrap() {
            let p = p.as_str().expect("plain permission names");
            let ok = p.starts_with("allow-")
                || ["core:app:default", "core:event:default", "core:window:default", "core:webview:default"]
                    .contains(&p);
            assert!(ok, "capability grants `{p}`: only the app's own commands and core defaults are allowed");
        }
        let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(!cargo.contains("tauri-plugin-"), "no Tauri plugin (shell, fs, sql…) in the app");
    }
}
