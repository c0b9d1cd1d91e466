//! Online sync, the desktop's side: one round with the central server (`client`), what the
//! server and the desktop say to each other (`wire`), and the status a desktop keeps of its
//! syncs (`status`: last sync, records waiting, the server, the last error), which the CLI's
//! `ansinh sync` and the app's sync button both go through.
#![forbid(unsafe_code)]

mod client;
mod status;
pub mod wire;

pub use client::{RESPONSE_CAP, SyncError, SyncReport, server_url, sync};
pub use status::{SyncOutcome, SyncStatus, status, sync_now};
