//! The commands the webview calls (contract: `docs/IPC.md`).
//!
//! Every command here must also be listed in `APP_COMMANDS` (src-tauri/build.rs) and granted in
//! `src-tauri/capabilities/default.json`.

use serde::Serialize;
use tauri::State;

use crate::state::AppState;

/// Answer of [`app_ping`].
#[derive(Debug, Clone, Serialize)]
pub struct Pong {
    pub app: &'static str,
    pub version: &'static str,
    pub db_path: String,
}

/// Placeholder command proving the IPC path and its permission work end to end.
#[tauri::command]
pub fn app_ping(state: State<'_, AppState>) -> Pong {
    Pong { app: "ansinh", version: env!("CARGO_PKG_VERSION"), db_path: state.db_path().display().to_string() }
}
