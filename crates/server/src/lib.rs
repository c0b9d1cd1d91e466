//! The central ansinh server (docs/EXCHANGE.md, "Server"): enrolled desktops push their signed
//! change records and pull what their role lets them read; every request is signed by the
//! device (`auth`), the registry of devices is `devices`, the storage is one trait with
//! PostgreSQL and SQLite implementations. The desktop's side (the sync client) is `ansinh-sync`.
#![forbid(unsafe_code)]

mod auth;
pub mod devices;
mod error;
pub mod http;
pub mod records;

pub use devices::{Device, DeviceRegistry, Enrolment, Role, Scope};
pub use error::RecordError;
pub use records::{AppendReport, PgRecords, RecordStore, RecordsPage, SeriesRecords, ServerHead, SqliteRecords};
