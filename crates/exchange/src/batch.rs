//! A signed batch: the online form of a bundle (docs/EXCHANGE.md, "Server"). The same manifest
//! and Ed25519 signature, over the records as JSON lines instead of a compressed file, and no
//! encryption (the connection is, behind TLS). The central server verifies it before storing.

use crate::bundle::manifest_for;
use crate::keys::{DeviceKeys, verifying_from_hex};
use crate::limits::{self, Oversize};
use crate::{ExchangeError, Manifest, Result};
use ansinh_store::{ChangeRecord, Store, WireRecord};
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const SIGN_CONTEXT: &[u8] = b"ansinh-batch-v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedBatch {
    pub manifest: Manifest,
    /// Ed25519 signature (hex) over the context and the manifest JSON exactly as sent.
    pub manifest_json: String,
    pub signature: String,
    /// As sent: unchecked until [`verify_batch`] accepts them.
    pub records: Vec<WireRecord>,
}

/// The records as JSON lines, the bytes the manifest's `payload_hash` covers (a record and its
/// wire form serialise to the same bytes).
fn records_payload<T: Serialize>(records: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r).expect("records serialise");
        out.push(b'\n');
    }
    out
}

/// Signs a run of this device's records (oldest first, non-empty) for the server.
pub async fn sign_batch(store: &Store, keys: &DeviceKeys, records: Vec<ChangeRecord>) -> Result<SignedBatch> {
    let mut counts = BTreeMap::new();
    for r in &records {
        *counts.entry(r.entity.name().to_string()).or_default() += 1;
    }
    let manifest = manifest_for(store, keys, &records, counts, &records_payload(&records)).await?;
    let manifest_json = serde_json::to_string(&manifest).expect("manifest serialises");
    let sig = keys.signing.sign(&[SIGN_CONTEXT, manifest_json.as_bytes()].concat());
    let records = records.into_iter().map(WireRecord::from).collect();
    Ok(SignedBatch { manifest, manifest_json, signature: hex::encode(sig.to_bytes()), records })
}

/// A signed batch from its JSON bytes as received, refused unread past
/// `limits::BATCH_BYTES`. Not verified yet: see [`verify_batch`].
pub fn read_batch(bytes: &[u8]) -> Result<SignedBatch> {
    limits::check(Oversize::Batch, bytes.len() as u64)?;
    serde_json::from_slice(bytes).map_err(|_| ExchangeError::Damaged)
}

/// Checks the signature by the key the manifest names, the payload hash, that every record is
/// of a shipped entity, and that the records are the manifest's (one device, its count and
/// range). Returns the verified manifest and the checked records. More than
/// `limits::BATCH_RECORDS` records are refused before anything is hashed.
pub fn verify_batch(batch: &SignedBatch) -> Result<(Manifest, Vec<ChangeRecord>)> {
    limits::check(Oversize::BatchRecords, batch.records.len() as u64)?;
    let sig = hex::decode(&batch.signature).map_err(|_| ExchangeError::BadSignature)?;
    let sig = Signature::from_slice(&sig).map_err(|_| ExchangeError::BadSignature)?;
    let manifest: Manifest = serde_json::from_str(&batch.manifest_json).map_err(|_| ExchangeError::Damaged)?;
    verifying_from_hex(&manifest.signing_key)?
        .verify_strict(&[SIGN_CONTEXT, batch.manifest_json.as_bytes()].concat(), &sig)
        .map_err(|_| ExchangeError::BadSignature)?;
    if manifest.format != crate::BUNDLE_FORMAT {
        return Err(ExchangeError::Format(manifest.format));
    }
    if manifest != batch.manifest
        || hex::encode(Sha256::digest(records_payload(&batch.records))) != manifest.payload_hash
    {
        return Err(ExchangeError::Damaged);
    }
    let records = WireRecord::check_all(batch.records.clone())?;
    if !manifest.covers(&records) {
        return Err(ExchangeError::Damaged);
    }
    Ok((manifest, records))
}
