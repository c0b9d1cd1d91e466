//! The central ansinh server (docs/EXCHANGE.md, "Server"): desktops push their signed change
//! records and pull everyone else's; the storage is one trait with PostgreSQL and SQLite
//! implementations. The sync client the `ansinh sync` command uses is here too.

pub mod client;
mod error;
pub mod http;
pub mod records;

pub use error::RecordError;
pub use records::{AppendReport, PgRecords, RecordStore, SeriesRecords, ServerHead, SqliteRecords};
