//! Build script of the desktop shell.
//!
//! The root `Cargo.toml` is the app package while its sources live in `src-tauri/`, so cargo runs
//! this script with the *root* as working directory: `tauri.conf.json` is found at the root and the
//! capabilities glob has to point into `src-tauri/`.
//!
//! The app's Tauri commands are listed in `APP_COMMANDS`: tauri-build then generates the permissions
//! `allow-<command>` / `deny-<command>`, and because an app manifest with commands exists, a
//! command is only callable from the webview when a capability in `src-tauri/capabilities/`
//! grants its `allow-...` permission.

/// The app's own commands: one, `call`, which runs any command of `ansinh_api::commands` after
/// its permission check (the role check is in Rust; this list only says what the webview may
/// invoke at all).
const APP_COMMANDS: &[&str] = &["call"];

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
