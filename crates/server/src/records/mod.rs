//! The central series storage: one trait, two engines. Appending runs the same checks as a
//! bundle import (`ansinh_store::check_incoming` and `place`): a record already held is
//! ignored, a gap stops the batch there, a tampered record, a broken chain or a second version
//! of a seq refuses the whole batch, and a device's key is pinned on first use.

mod pg;
mod sqlite;

use crate::RecordError;
use ansinh_store::{BundleOrigin, ChangeRecord, Gap, WireRecord};
use serde::{Deserialize, Serialize};
use std::future::Future;

pub use pg::PgRecords;
pub use sqlite::SqliteRecords;

pub type Result<T, E = RecordError> = std::result::Result<T, E>;

/// What an append did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendReport {
    pub received: usize,
    pub applied: usize,
    pub already_had: usize,
    /// Where the batch stopped because records before it are missing (nothing after is stored).
    pub gaps: Vec<Gap>,
}

/// How far one device's series goes on the server, with its pinned key and ward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerHead {
    pub device_id: String,
    pub ward: String,
    pub signing_key: String,
    pub last_seq: i64,
    pub last_hash: String,
}

/// A run of one device's records served back, with what a desktop pins for that device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesRecords {
    pub device_id: String,
    pub ward: String,
    pub signing_key: String,
    /// As served: a desktop checks them (`WireRecord::check`) before anything else.
    pub records: Vec<WireRecord>,
}

pub trait RecordStore: Send + Sync + 'static {
    /// Appends a verified batch of `origin`'s device (every record must be of that device).
    fn append(
        &self,
        origin: &BundleOrigin,
        records: &[ChangeRecord],
    ) -> impl Future<Output = Result<AppendReport>> + Send;

    /// The last record of every series held, by device id.
    fn heads(&self) -> impl Future<Output = Result<Vec<ServerHead>>> + Send;

    /// A device's records after `seq`, in series order.
    fn since(&self, device_id: &str, seq: i64) -> impl Future<Output = Result<Vec<ChangeRecord>>> + Send;
}

/// A batch holds one device's series, the device its manifest was signed for.
pub(crate) fn one_series(origin: &BundleOrigin, records: &[ChangeRecord]) -> Result<()> {
    if records.iter().any(|r| r.device_id != origin.device_id) {
        return Err(RecordError::refused("exchange.damaged", "a batch holds the records of its own device only"));
    }
    Ok(())
}
