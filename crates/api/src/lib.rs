//! ansinh's one front gate, without Tauri: the desktop app (a thin Tauri shell) and the `ansinh`
//! CLI both sign a person in here and check what they may do here, so every door has the same
//! locks (shaped like GitButler's `but-api`: a plain Rust layer the shells call).
//!
//! - [`state`]: the session ([`AppState`]): set-up, sign-in with back-off, sign-out, the idle
//!   lock, the database key while someone is signed in (and only then);
//! - [`access`]: the gate, [`require`], and what passes it, [`Access`] (role, ward confinement);
//! - [`users`]: adding and changing users and passwords, with their keyring entries;
//! - [`keys`]: re-keying the database, converting a plaintext database;
//! - [`backups`]: the daily backup rule, backups and restores.
//!
//! Design and threat model: docs/SECURITY.md.
#![forbid(unsafe_code)]

pub mod access;
pub mod backups;
pub mod command;
pub mod commands;
pub mod contract;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
pub mod state;
pub mod users;

pub use access::{Access, forbidden, require, unauthenticated};
pub use keys::RekeyReport;
pub use state::{AppState, AuthStatus, IDLE_KEY, LOCAL_USER};

/// What every gate function returns: the core's error, serialised for the UI as `{code, message}`.
pub type Cmd<T> = Result<T, ansinh_core::AppError>;
