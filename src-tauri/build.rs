//! Build script of the desktop shell.
//!
//! The root `Cargo.toml` is the app package while its sources live in `src-tauri/`, so cargo runs
//! this script with the *root* as working directory: `tauri.conf.json` is found at the root and the
//! capabilities glob has to point into `src-tauri/`.
//!
//! Every app command must be listed in `APP_COMMANDS`: tauri-build then generates the permissions
//! `allow-<command>` / `deny-<command>` (snake_case turned into kebab-case), and because an app
//! manifest with commands exists, a command is only callable from the webview when a capability in
//! `src-tauri/capabilities/` grants its `allow-...` permission.

/// The app's own commands (the names given to `tauri::generate_handler!`).
const APP_COMMANDS: &[&str] = &[
    "app_info",
    "set_language",
    "dismiss_demo_offer",
    "load_demo",
    "list_units",
    "list_groups",
    "list_providers",
    "search_beneficiaries",
    "get_beneficiary",
    "add_beneficiary",
    "open_account",
    "record_payment",
    "record_withdrawal",
    "metrics",
    "dashboard",
    "monthly_report",
    "list_exports",
    "indicator_panels",
    "export_table_csv",
    "record_print",
    "time_to_cash_chart",
    "update_beneficiary",
    "similar_beneficiaries",
    "save_draft",
    "get_draft",
    "list_drafts",
    "discard_draft",
    "import_mapping",
    "import_preview",
    "import_apply",
    "read_local_file",
    "save_error_report",
    "list_cycles",
    "reconcile_payments",
    "close_cycle",
    "exchange_overview",
    "exchange_save_public",
    "exchange_read_device",
    "exchange_register_device",
    "exchange_revoke_device",
    "reference_import",
    "exchange_export",
    "exchange_import",
    "exchange_receipt",
    "exchange_import_receipt",
    "review_list",
    "review_settle",
    "review_dismiss",
    "followup_list",
    "export_followup",
    "record_contact",
    "list_contacts",
    "create_verification_sample",
    "get_verification_sample",
    "record_verification",
    "open_grievance",
    "update_grievance",
    "list_grievances",
    "auth_status",
    "setup_admin",
    "login",
    "logout",
    "list_users",
    "create_user",
    "update_user",
    "audit_log",
    "set_idle_minutes",
    "reveal_account_number",
    "get_legal_basis",
    "set_legal_basis",
    "export_person",
    "backup_now",
    "list_backups",
    "restore_backup",
    "change_password",
    "rekey_database",
    "convert_plaintext",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
