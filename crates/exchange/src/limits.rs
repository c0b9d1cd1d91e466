//! How much a bundle, a receipt or a signed batch may make this desktop (or the server) read
//! and hold. Everything that arrives is hostile until checked: without these, a file of a few
//! kilobytes could inflate to gigabytes (a DEFLATE bomb) and abort the app. Each cap is far
//! above what real use needs (docs/SECURITY.md, "Limits", gives the figures behind each value);
//! going past one refuses the whole file with a translated code and writes nothing.

use crate::{ExchangeError, Result};
use ansinh_core::ErrorCode;
use std::io::Read;
use std::path::Path;

pub const MIB: u64 = 1024 * 1024;

/// A sealed bundle file (`*.ansinh`). A record takes about 100 bytes once compressed and
/// encrypted: a ward's 24 months (130,000 records) is about 13 MB, so 128 MiB holds about ten
/// times that, and stays small enough to be held twice in memory (sealed and decrypted).
pub const BUNDLE_FILE_BYTES: u64 = 128 * MIB;

/// The manifest inside a bundle: a few hundred bytes (the counts hold one entry per table).
pub const MANIFEST_BYTES: usize = 64 * 1024;

/// What a bundle's records may inflate to. A record is about 1 KB of JSON: 1 GiB is about a
/// million records, as many as [`RECORDS`]; checked by inflating into nothing before a second,
/// line-by-line pass parses them, so the inflated text is never held whole.
pub const RECORDS_BYTES: u64 = 1024 * MIB;

/// One record (one JSON line): a row of a table is a few kilobytes at most.
pub const RECORD_BYTES: usize = MIB as usize;

/// Records in one bundle: a ward's 24 months are 130,000; a whole city's first import is
/// 300,000 people and their accounts. A longer series goes in several bundles (`--since`).
pub const RECORDS: usize = 1_000_000;

/// A receipt: about 200 bytes per series the office holds (a few hundred devices).
pub const RECEIPT_BYTES: u64 = 4 * MIB;

/// An office's public-key file (`keys export-public`: about 300 bytes).
pub const KEY_FILE_BYTES: u64 = 64 * 1024;

/// The city's reference file: every unit (old and new), group, level and payer is a few
/// thousand rows, well under 1 MB; 16 MiB leaves room for years of dated levels.
pub const REFERENCE_BYTES: u64 = 16 * MIB;

/// A person's handover file: a person's few dozen records, well under 1 MB; 16 MiB as for the
/// reference file.
pub const HANDOVER_BYTES: u64 = 16 * MIB;

/// A signed batch as the server reads it: the client sends at most 5,000 records (about 5 MB
/// of JSON); 32 MiB leaves room for large rows. The server's body limit should be this value.
pub const BATCH_BYTES: u64 = 32 * MIB;

/// Records in one signed batch (the client sends 5,000 at most).
pub const BATCH_RECORDS: usize = 10_000;

/// What went past a limit: each has its own code and limit in the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// The sealed bundle file ([`BUNDLE_FILE_BYTES`]).
    BundleFile,
    /// The bundle's records once inflated ([`RECORDS_BYTES`]).
    Records,
    /// One record line ([`RECORD_BYTES`]).
    Record,
    /// The number of records of a bundle ([`RECORDS`]).
    RecordCount,
    /// A receipt file ([`RECEIPT_BYTES`]).
    Receipt,
    /// A public-key file ([`KEY_FILE_BYTES`]).
    KeyFile,
    /// A reference file ([`REFERENCE_BYTES`]).
    Reference,
    /// A person's handover file ([`HANDOVER_BYTES`]).
    Handover,
    /// A signed batch's JSON ([`BATCH_BYTES`]).
    Batch,
    /// The number of records of a signed batch ([`BATCH_RECORDS`]).
    BatchRecords,
}

impl Oversize {
    /// The limit, in bytes or (for counts) records.
    pub fn limit(self) -> u64 {
        match self {
            Oversize::BundleFile => BUNDLE_FILE_BYTES,
            Oversize::Records => RECORDS_BYTES,
            Oversize::Record => RECORD_BYTES as u64,
            Oversize::RecordCount => RECORDS as u64,
            Oversize::Receipt => RECEIPT_BYTES,
            Oversize::KeyFile => KEY_FILE_BYTES,
            Oversize::Reference => REFERENCE_BYTES,
            Oversize::Handover => HANDOVER_BYTES,
            Oversize::Batch => BATCH_BYTES,
            Oversize::BatchRecords => BATCH_RECORDS as u64,
        }
    }

    /// The limit as people read it: "128 MB", "64 KB", "1000000 records" (the refusal's
    /// `limit` parameter; MB and KB read the same in Vietnamese).
    pub fn limit_text(self) -> String {
        let n = self.limit();
        if self.is_count() {
            n.to_string()
        } else if n >= MIB {
            format!("{} MB", n / MIB)
        } else {
            format!("{} KB", n / 1024)
        }
    }

    pub fn is_count(self) -> bool {
        matches!(self, Oversize::RecordCount | Oversize::BatchRecords)
    }

    pub fn code(self) -> ErrorCode {
        match self {
            Oversize::BundleFile
            | Oversize::Receipt
            | Oversize::KeyFile
            | Oversize::Reference
            | Oversize::Handover
            | Oversize::Batch => ErrorCode::ExchangeTooLarge,
            Oversize::Records => ErrorCode::ExchangeInflatesTooLarge,
            Oversize::Record => ErrorCode::ExchangeRecordTooLarge,
            Oversize::RecordCount | Oversize::BatchRecords => ErrorCode::ExchangeTooManyRecords,
        }
    }

    /// What the English message calls it.
    pub fn what(self) -> &'static str {
        match self {
            Oversize::BundleFile => "the bundle file",
            Oversize::Records => "the bundle's records once inflated",
            Oversize::Record => "one record of the bundle",
            Oversize::RecordCount => "the bundle's record count",
            Oversize::Receipt => "the receipt file",
            Oversize::KeyFile => "the public-key file",
            Oversize::Reference => "the reference file",
            Oversize::Handover => "the handover file",
            Oversize::Batch => "the signed batch",
            Oversize::BatchRecords => "the signed batch's record count",
        }
    }

    pub(crate) fn refuse(self) -> ExchangeError {
        ExchangeError::TooLarge { what: self, file: None }
    }
}

/// Refuses `len` (bytes or records) when it is over `what`'s limit.
pub fn check(what: Oversize, len: u64) -> Result<()> {
    if len > what.limit() { Err(what.refuse()) } else { Ok(()) }
}

/// Reads a bundle or receipt file from disk, refusing it (named) before reading when it is
/// larger than `what`'s limit, and reading no more than the limit if it grows meanwhile.
pub fn read_file(path: &Path, what: Oversize) -> Result<Vec<u8>> {
    let named = |e: ExchangeError| e.about_file(&path.display().to_string());
    let io = |e: std::io::Error| ExchangeError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())));
    let file = std::fs::File::open(path).map_err(io)?;
    check(what, file.metadata().map_err(io)?.len()).map_err(named)?;
    let mut bytes = Vec::new();
    file.take(what.limit() + 1).read_to_end(&mut bytes).map_err(io)?;
    check(what, bytes.len() as u64).map_err(named)?;
    Ok(bytes)
}
