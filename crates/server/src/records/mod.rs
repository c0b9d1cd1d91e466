//! The central series storage: one trait, two engines. Appending runs the same checks as a
//! bundle import (`ansinh_store::check_incoming` and `place`): a record already held is
//! ignored, a gap stops the batch there, a tampered record, a broken chain or a second version
//! of a seq refuses the whole batch. Only a device enrolled on the server (`crate::devices`)
//! appends, with its enrolled key; reads are scoped (`Scope`) and paged (`since` takes a limit).

mod pg;
mod sqlite;

use crate::RecordError;
use crate::devices::{DeviceRegistry, Scope};
use ansinh_core::ErrorCode;
use ansinh_store::{BundleOrigin, ChangeRecord};
use std::future::Future;

pub use pg::PgRecords;
pub use sqlite::SqliteRecords;

pub type Result<T, E = RecordError> = std::result::Result<T, E>;

pub use ansinh_sync::wire::{AppendReport, RecordsPage, SeriesRecords, ServerHead};

pub trait RecordStore: DeviceRegistry {
    /// Appends a verified batch of `origin`'s device (every record must be of that device),
    /// which must be enrolled, active and signing with its enrolled key; the ward stored for
    /// the series is the enrolled one.
    fn append(
        &self,
        origin: &BundleOrigin,
        records: &[ChangeRecord],
    ) -> impl Future<Output = Result<AppendReport>> + Send;

    /// The last record of every series in `scope`, by device id.
    fn heads(&self, scope: &Scope) -> impl Future<Output = Result<Vec<ServerHead>>> + Send;

    /// At most `limit` of a device's records after `seq`, in series order.
    fn since(&self, device_id: &str, seq: i64, limit: usize) -> impl Future<Output = Result<Vec<ChangeRecord>>> + Send;
}

/// A batch holds one device's series, the device its manifest was signed for.
pub(crate) fn one_series(origin: &BundleOrigin, records: &[ChangeRecord]) -> Result<()> {
    if records.iter().any(|r| r.device_id != origin.device_id) {
        return Err(RecordError::refused(
            ErrorCode::ExchangeDamaged,
            "a batch holds the records of its own device only",
        ));
    }
    Ok(())
}

/// A shared store: the server and the code that enrols devices beside it (tests, tools).
impl<S: RecordStore> RecordStore for std::sync::Arc<S> {
    fn append(
        &self,
        origin: &BundleOrigin,
        records: &[ChangeRecord],
    ) -> impl Future<Output = Result<AppendReport>> + Send {
        (**self).append(origin, records)
    }

    fn heads(&self, scope: &Scope) -> impl Future<Output = Result<Vec<ServerHead>>> + Send {
        (**self).heads(scope)
    }

    fn since(&self, device_id: &str, seq: i64, limit: usize) -> impl Future<Output = Result<Vec<ChangeRecord>>> + Send {
        (**self).since(device_id, seq, limit)
    }
}
