//! The ansinh desktop shell: a thin Tauri layer over the ansinh crates.
//!
//! Layout:
//! - [`state`]: what the app keeps for its lifetime (the open store);
//! - [`commands`]: the `#[tauri::command]` functions the webview calls (see `docs/IPC.md`).
//!
//! Adding a command: write it in `commands.rs`, add it to `generate_handler!` below, to
//! `APP_COMMANDS` in `src-tauri/build.rs` and its `allow-<kebab-name>` permission to
//! `src-tauri/capabilities/default.json`. A command missing from the capability is rejected at
//! run time with "... not allowed. Permissions associated with this command: ...".

pub mod commands;
pub mod drafts;
pub mod exchange;
pub mod followup;
pub mod imports;
pub mod state;

use tauri::Manager;

pub use state::AppState;

/// Builds and runs the app; returns when the last window is closed.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            // The same file the CLI uses by default ($ANSINH_DB or <data dir>/vn.ansinh.desktop/ansinh.db).
            let path = ansinh_store::default_db_path();
            let store = tauri::async_runtime::block_on(ansinh_store::Store::open(&path))?;
            app.manage(AppState { store });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::set_language,
            commands::dismiss_demo_offer,
            commands::load_demo,
            commands::list_units,
            commands::list_groups,
            commands::list_providers,
            commands::search_beneficiaries,
            commands::get_beneficiary,
            commands::add_beneficiary,
            commands::open_account,
            commands::record_payment,
            commands::record_withdrawal,
            commands::metrics,
            commands::time_to_cash_chart,
            commands::update_beneficiary,
            commands::similar_beneficiaries,
            drafts::save_draft,
            drafts::get_draft,
            drafts::list_drafts,
            drafts::discard_draft,
            imports::import_mapping,
            imports::import_preview,
            imports::import_apply,
            imports::read_local_file,
            imports::save_error_report,
            imports::list_cycles,
            imports::reconcile_payments,
            imports::close_cycle,
            exchange::exchange_overview,
            exchange::exchange_save_public,
            exchange::exchange_add_office,
            exchange::exchange_export,
            exchange::exchange_import,
            exchange::exchange_receipt,
            exchange::exchange_import_receipt,
            exchange::review_list,
            exchange::review_settle,
            exchange::review_dismiss,
            followup::followup_list,
            followup::export_followup,
            followup::record_contact,
            followup::list_contacts,
            followup::create_verification_sample,
            followup::get_verification_sample,
            followup::record_verification,
            followup::open_grievance,
            followup::update_grievance,
            followup::list_grievances,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the ansinh app");
}
