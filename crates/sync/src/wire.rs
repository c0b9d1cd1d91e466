//! What the server and a desktop say to each other over HTTP (docs/EXCHANGE.md, "Server"): the
//! server's crate answers with these, this crate reads them.

use ansinh_core::ErrorCode;
use ansinh_store::{Gap, WireRecord};
use serde::{Deserialize, Serialize};

/// What an append did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendReport {
    pub received: usize,
    pub applied: usize,
    pub already_had: usize,
    /// Where the batch stopped because records before it are missing (nothing after is stored).
    pub gaps: Vec<Gap>,
}

/// How far one device's series goes on the server, with its enrolled key and ward.
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

/// One page of `GET /v1/records`: at most the asked number of records, whole series first;
/// `more` when the reader must ask again (with `since` moved past what it got).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsPage {
    pub series: Vec<SeriesRecords>,
    pub more: bool,
}

/// A refusal as the client receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}
