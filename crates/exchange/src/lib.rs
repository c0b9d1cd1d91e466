//! Offline exchange bundles (docs/EXCHANGE.md): a device's change records since a sequence
//! number, compressed, signed with the device's Ed25519 key and encrypted to the receiving
//! office's age X25519 key; their import with a dry-run preview; signed receipts back.
//! Checking and applying the records is the store's job (`Store::import_changes`). Signed
//! requests to the central server (`request`) and key fingerprints are here too.
#![forbid(unsafe_code)]

mod batch;
mod bundle;
mod error;
mod handover;
mod keys;
pub mod limits;
mod receipt;
mod reference;
mod request;

pub use batch::{SignedBatch, read_batch, sign_batch, verify_batch};
pub use bundle::{
    BUNDLE_FORMAT, BundleRefused, ImportOutcome, Manifest, export_bundle, import_bundle, import_bundles,
    parse_plaintext, read_bundle, read_records,
};
pub use error::ExchangeError;
pub use handover::{import_handover, make_handover};
pub use keys::{DeviceKeys, PublicKeys, fingerprint, parse_recipient};
pub use receipt::{CheckedReceipt, Receipt, import_receipt, make_receipt, read_receipt};
pub use reference::{ReferenceFile, import_reference_file, make_reference_file};
pub use request::{
    DEVICE_HEADER, NONCE_HEADER, REQUEST_WINDOW_SECS, RequestSignature, SIGNATURE_HEADER, TIME_HEADER, sign_request,
    verify_request,
};

pub type Result<T, E = ExchangeError> = std::result::Result<T, E>;
