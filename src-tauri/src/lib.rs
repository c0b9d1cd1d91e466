//! The ansinh desktop shell: a thin Tauri layer over the ansinh crates.
//!
//! Layout:
//! - [`state`]: what the app keeps for its lifetime (the database path, later the store);
//! - [`commands`]: the `#[tauri::command]` functions the webview calls (see `docs/IPC.md`).
//!
//! Adding a command: write it in `commands.rs`, add it to `generate_handler!` below, to
//! `APP_COMMANDS` in `src-tauri/build.rs` and its `allow-<kebab-name>` permission to
//! `src-tauri/capabilities/default.json`. A command missing from the capability is rejected at
//! run time with "... not allowed. Permissions associated with this command: ...".

pub mod commands;
pub mod state;

use tauri::Manager;

pub use state::{AppState, DB_ENV_VAR};

/// Builds and runs the app; returns when the last window is closed.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let db_path = state::resolve_db_path(app.path().data_dir().ok())?;
            app.manage(AppState::new(db_path));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app_ping])
        .run(tauri::generate_context!())
        .expect("error while running the ansinh app");
}
