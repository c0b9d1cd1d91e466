//! The ansinh desktop shell: a thin Tauri layer over the ansinh crates.
//!
//! The webview has one command, [`call`]: it hands the command's name and its argument object
//! to `ansinh_api::commands::call`, which checks the person's permission and runs the body (the
//! same function the development HTTP server and `ansinh call` run). Adding a command does not
//! touch this crate: declare it in a `commands!` block of `crates/api/src/commands/` and call it
//! from the UI (docs/ARCHITECTURE.md, "Adding a command").
#![forbid(unsafe_code)]

pub mod state;

use ansinh_core::AppError;
use tauri::{Manager, State};

pub use state::AppState;

/// The webview's one entry: runs the command `command` with its argument object `args`.
#[tauri::command]
async fn call(
    state: State<'_, AppState>,
    command: String,
    args: serde_json::Value,
) -> Result<serde_json::Value, AppError> {
    ansinh_api::commands::call(&state, &command, args).await
}

/// Builds and runs the app; returns when the last window is closed.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            // The same file the CLI uses by default ($ANSINH_DB or <data dir>/vn.ansinh.desktop/ansinh.db).
            // Nothing is opened yet: the database is encrypted and opens at sign-in (state.rs).
            #[cfg_attr(not(debug_assertions), allow(unused_mut))]
            let mut state = AppState::new(ansinh_store::default_db_path());
            #[cfg(debug_assertions)]
            {
                // Tests: `ANSINH_TEST_UPGRADE_PAUSE_MS` holds each step of an upgrade at sign-in
                // so the sign-in screen's progress can be seen on a small database.
                let pause = std::env::var("ANSINH_TEST_UPGRADE_PAUSE_MS").ok().and_then(|v| v.parse().ok());
                state.pause_upgrade_steps(std::time::Duration::from_millis(pause.unwrap_or(0)));
                tauri::async_runtime::block_on(test_admin(&state))?;
            }
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call])
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
