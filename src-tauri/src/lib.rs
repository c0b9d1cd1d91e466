//! The ansinh desktop shell: a thin Tauri layer over the ansinh crates.
//!
//! Layout:
//! - [`state`]: the session and the access gate `require`, from `ansinh_api` (the same gate the
//!   CLI goes through);
//! - [`commands`]: the `#[tauri::command]` functions the webview calls (see `docs/IPC.md`).
//!
//! Adding a command: its body **starts with `let a = require(&state, Permission::…)?;`** and
//! uses `a.store` (officers: `a.scoped_ward`, `a.check_person`, …); list it with its permission
//! in `state::tests::EXPECTED` (the test fails otherwise). Write it in your module, add it to `generate_handler!` below, to
//! `APP_COMMANDS` in `src-tauri/build.rs` and its `allow-<kebab-name>` permission to
//! `src-tauri/capabilities/default.json`. A command missing from the capability is rejected at
//! run time with "... not allowed. Permissions associated with this command: ...".
#![forbid(unsafe_code)]

pub mod commands;
pub mod drafts;
pub mod exchange;
pub mod followup;
pub mod imports;
pub mod indicators;
pub mod security;
pub mod state;

use tauri::Manager;

pub use state::AppState;

/// Builds and runs the app; returns when the last window is closed.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            // The same file the CLI uses by default ($ANSINH_DB or <data dir>/vn.ansinh.desktop/ansinh.db).
            // Nothing is opened yet: the database is encrypted and opens at sign-in (state.rs).
            let state = AppState::new(ansinh_store::default_db_path());
            #[cfg(debug_assertions)]
            tauri::async_runtime::block_on(test_admin(&state))?;
            app.manage(state);
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
            indicators::metrics,
            indicators::dashboard,
            indicators::monthly_report,
            indicators::list_exports,
            indicators::indicator_panels,
            indicators::export_table_csv,
            indicators::record_print,
            indicators::time_to_cash_chart,
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
            exchange::exchange_read_device,
            exchange::exchange_register_device,
            exchange::exchange_revoke_device,
            exchange::reference_import,
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
            security::auth_status,
            security::setup_admin,
            security::login,
            security::logout,
            security::list_users,
            security::create_user,
            security::update_user,
            security::audit_log,
            security::set_idle_minutes,
            security::reveal_account_number,
            security::get_legal_basis,
            security::set_legal_basis,
            security::export_person,
            security::backup_now,
            security::list_backups,
            security::restore_backup,
            security::change_password,
            security::rekey_database,
            security::convert_plaintext,
        ])
        .build(tauri::generate_context!())
        .expect("error while building the ansinh app")
        .run(|app, event| {
            // Close the encrypted database before the process ends (see `AppState::close`).
            if let tauri::RunEvent::Exit = event {
                tauri::async_runtime::block_on(app.state::<AppState>().close());
            }
        });
}

/// Debug builds only (tests): `ANSINH_TEST_ADMIN=user:password` sets up that administrator on a
/// fresh database, or signs them in, before the window opens. Release builds ignore it.
#[cfg(debug_assertions)]
async fn test_admin(state: &AppState) -> Result<(), Box<dyn std::error::Error>> {
    let Some((user, password)) = std::env::var("ANSINH_TEST_ADMIN").ok().and_then(|v| {
        let (u, p) = v.split_once(':')?;
        Some((u.to_string(), p.to_string()))
    }) else {
        return Ok(());
    };
    if state.status().await?.needs_setup {
        state.setup_admin(&user, "", &password).await?;
    } else {
        state.login(&user, &password).await?;
    }
    Ok(())
}
