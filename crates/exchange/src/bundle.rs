//! The bundle file. Plain text inside the age encryption:
//! `ANSINH-BUNDLE\n`, manifest length (u32 big-endian), manifest JSON, Ed25519 signature (64
//! bytes) over `ansinh-bundle-v1\0` + manifest, then the records as deflated JSON lines. The
//! manifest carries the SHA-256 of those compressed bytes, so the signature covers everything.

use crate::keys::{DeviceKeys, verifying_from_hex};
use crate::limits::{self, Oversize};
use crate::{ExchangeError, Result};
use ansinh_store::{
    ApplyReport, AuditClaim, BundleOrigin, ChangeRecord, ImportTx, SCHEMA_VERSION, Store, Via, WireRecord,
};
use ed25519_dalek::{Signature, Signer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

pub const BUNDLE_FORMAT: u32 = 1;
const MAGIC: &[u8] = b"ANSINH-BUNDLE\n";
const SIGN_CONTEXT: &[u8] = b"ansinh-bundle-v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "BundleManifest")]
pub struct Manifest {
    pub format: u32,
    pub schema_version: i64,
    pub device_id: String,
    pub ward: String,
    /// Ed25519 verifying key of the device, hex.
    pub signing_key: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub records: usize,
    /// Records per entity.
    pub counts: BTreeMap<String, usize>,
    /// SHA-256 (hex) of the compressed records.
    pub payload_hash: String,
    /// Information only.
    pub created_at: String,
    /// The sender's audit log head and the hashes it has now at heads shown before, so the
    /// receiver sees a truncated or rewritten log (absent in bundles made before issue 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub audit: Option<AuditClaim>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "BundleImport")]
pub struct ImportOutcome {
    pub manifest: Manifest,
    pub report: ApplyReport,
    pub dry_run: bool,
}

/// This device's records after `since`, as an encrypted, signed bundle for `recipient`.
pub async fn export_bundle(
    store: &Store,
    keys: &DeviceKeys,
    since: i64,
    recipient: &age::x25519::Recipient,
) -> Result<(Vec<u8>, Manifest)> {
    let records = store.changes_since(&keys.device_id, since).await?;
    if records.is_empty() {
        return Err(ExchangeError::NothingToSend(since));
    }
    // Never write a bundle that a receiver would refuse (the same `limits` as the reader).
    limits::check(Oversize::RecordCount, records.len() as u64)?;
    let mut counts = BTreeMap::new();
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let mut line = Vec::new();
    let mut inflated = 0u64;
    for r in &records {
        *counts.entry(r.entity.name().to_string()).or_default() += 1;
        line.clear();
        serde_json::to_writer(&mut line, r).expect("records serialise");
        limits::check(Oversize::Record, line.len() as u64)?;
        inflated += line.len() as u64 + 1;
        limits::check(Oversize::Records, inflated)?;
        z.write_all(&line)?;
        z.write_all(b"\n")?;
    }
    let payload = z.finish()?;
    let manifest = manifest_for(store, keys, &records, counts, &payload).await?;
    let m = serde_json::to_vec(&manifest).expect("manifest serialises");
    let sig = keys.signing.sign(&[SIGN_CONTEXT, &m].concat());
    let mut plain = Vec::with_capacity(payload.len() + m.len() + 100);
    plain.extend_from_slice(MAGIC);
    plain.extend_from_slice(&(m.len() as u32).to_be_bytes());
    plain.extend_from_slice(&m);
    plain.extend_from_slice(&sig.to_bytes());
    plain.extend_from_slice(&payload);
    let sealed = age::encrypt(recipient, &plain).map_err(|e| ExchangeError::BadKey(e.to_string()))?;
    limits::check(Oversize::BundleFile, sealed.len() as u64)?;
    if let Some(claim) = &manifest.audit {
        store.audit_claim_sent(claim).await?;
    }
    // Audited here, so the app and the CLI record every bundle that leaves the same way.
    let details = serde_json::json!({"what": "bundle", "first_seq": manifest.first_seq,
        "last_seq": manifest.last_seq, "records": manifest.records, "recipient": recipient.to_string()});
    store.audit("export", Some("change_log"), None, details).await?;
    Ok((sealed, manifest))
}

/// The manifest of a run of this device's records (non-empty), `payload` being what it hashes.
pub(crate) async fn manifest_for(
    store: &Store,
    keys: &DeviceKeys,
    records: &[ChangeRecord],
    counts: BTreeMap<String, usize>,
    payload: &[u8],
) -> Result<Manifest> {
    let (Some(first), Some(last)) = (records.first(), records.last()) else {
        return Err(ExchangeError::NothingToSend(0));
    };
    Ok(Manifest {
        format: BUNDLE_FORMAT,
        schema_version: SCHEMA_VERSION,
        device_id: keys.device_id.clone(),
        ward: store.home_ward().await?,
        signing_key: hex::encode(keys.signing.verifying_key().to_bytes()),
        first_seq: first.seq,
        last_seq: last.seq,
        records: records.len(),
        counts,
        payload_hash: hex::encode(Sha256::digest(payload)),
        created_at: chrono_now(),
        audit: Some(store.audit_claim().await?),
    })
}

impl Manifest {
    /// What the store records with an import of these records (and pins the key from).
    pub fn origin(&self) -> BundleOrigin {
        BundleOrigin {
            payload_hash: self.payload_hash.clone(),
            device_id: self.device_id.clone(),
            ward: self.ward.clone(),
            signing_key: self.signing_key.clone(),
            first_seq: self.first_seq,
            last_seq: self.last_seq,
            via: Via::Bundle,
            audit: self.audit.clone(),
        }
    }

    /// The records belong to this manifest: its device, count and sequence range.
    pub(crate) fn covers(&self, records: &[ChangeRecord]) -> bool {
        records.len() == self.records
            && records.iter().all(|r| r.device_id == self.device_id)
            && records.first().map(|r| r.seq) == Some(self.first_seq)
            && records.last().map(|r| r.seq) == Some(self.last_seq)
    }
}

fn chrono_now() -> String {
    // Seconds since the epoch as text: the crate needs no calendar for an informational stamp.
    let s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format!("unix:{s}")
}

/// Decrypts and checks a bundle (signature, payload hash, counts); returns its records.
/// A file over `limits::BUNDLE_FILE_BYTES` is refused before decryption.
pub fn read_bundle(keys: &DeviceKeys, sealed: &[u8]) -> Result<(Manifest, Vec<ChangeRecord>)> {
    limits::check(Oversize::BundleFile, sealed.len() as u64)?;
    let plain = crate::keys::open_sealed(keys, sealed)?;
    parse_plaintext(&plain)
}

/// Checks and parses a bundle's plaintext (what the age encryption holds): magic, manifest,
/// signature, payload hash, then the records, each step bounded by `limits`. Split from the
/// decryption so a fuzzer reaches it (`fuzz/fuzz_targets/bundle_plaintext.rs`); the real path
/// is [`read_bundle`], which decrypts first.
pub fn parse_plaintext(plain: &[u8]) -> Result<(Manifest, Vec<ChangeRecord>)> {
    let rest = plain.strip_prefix(MAGIC).ok_or(ExchangeError::NotABundle)?;
    let (len, rest) = rest.split_at_checked(4).ok_or(ExchangeError::Damaged)?;
    let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    if len > limits::MANIFEST_BYTES {
        return Err(ExchangeError::Damaged);
    }
    let (m, rest) = rest.split_at_checked(len).ok_or(ExchangeError::Damaged)?;
    let (sig, payload) = rest.split_at_checked(64).ok_or(ExchangeError::Damaged)?;
    let manifest: Manifest = serde_json::from_slice(m).map_err(|_| ExchangeError::Damaged)?;
    if manifest.format != BUNDLE_FORMAT {
        return Err(ExchangeError::Format(manifest.format));
    }
    let sig = Signature::from_slice(sig).map_err(|_| ExchangeError::BadSignature)?;
    verifying_from_hex(&manifest.signing_key)?
        .verify_strict(&[SIGN_CONTEXT, m].concat(), &sig)
        .map_err(|_| ExchangeError::BadSignature)?;
    if hex::encode(Sha256::digest(payload)) != manifest.payload_hash {
        return Err(ExchangeError::Damaged);
    }
    limits::check(Oversize::RecordCount, manifest.records as u64)?;
    let records = read_records(payload, manifest.records)?;
    if !manifest.covers(&records) {
        return Err(ExchangeError::Damaged);
    }
    Ok((manifest, records))
}

/// The records part of a plaintext (raw DEFLATE of JSON lines), read once the signature and
/// the payload hash hold: first inflated into nothing to learn their size (a DEFLATE bomb is
/// refused as `exchange.inflates_too_large` whatever it holds, having used no memory), then
/// parsed line by line, each line bounded, never more lines than the manifest `announced`.
/// Public so a fuzzer reaches it without forging a signature (`fuzz/fuzz_targets/bundle_records.rs`).
pub fn read_records(payload: &[u8], announced: usize) -> Result<Vec<ChangeRecord>> {
    let inflated = std::io::copy(
        &mut flate2::read::DeflateDecoder::new(payload).take(limits::RECORDS_BYTES + 1),
        &mut std::io::sink(),
    )
    .map_err(|_| ExchangeError::Damaged)?;
    limits::check(Oversize::Records, inflated)?;
    let mut reader = std::io::BufReader::new(flate2::read::DeflateDecoder::new(payload));
    let mut records = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(limits::RECORD_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|_| ExchangeError::Damaged)?;
        if n == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        limits::check(Oversize::Record, line.len() as u64)?;
        if records.len() == announced {
            // More lines than the signed manifest says: not the signed records.
            return Err(ExchangeError::Damaged);
        }
        let wire: WireRecord = serde_json::from_slice(&line).map_err(|_| ExchangeError::Damaged)?;
        // Only the closed set of shipped entities: anything else is refused by name.
        records.push(wire.check()?);
    }
    Ok(records)
}

/// Imports a bundle: everything checked, then the new records applied in one transaction
/// (`dry_run`: rolled back, the report says what would happen). A bundle with nothing new
/// is refused as a replay; it changes nothing either way.
pub async fn import_bundle(store: &Store, keys: &DeviceKeys, sealed: &[u8], dry_run: bool) -> Result<ImportOutcome> {
    let mut import = store.begin_import().await?;
    let (manifest, report) = apply_bundle(&mut import, keys, sealed).await?;
    if !dry_run && nothing_new(&report) {
        return Err(ExchangeError::Replayed);
    }
    import.finish(dry_run).await?;
    Ok(ImportOutcome { manifest, report, dry_run })
}

/// A folder import refused ([`import_bundles`]): the bundle that was (its index in the list),
/// or none when the import itself failed (starting it, or the commit: the disk, not a file).
#[derive(Debug)]
pub struct BundleRefused {
    pub index: Option<usize>,
    pub error: ExchangeError,
}

/// Imports several bundles (a folder: the city's month, one bundle a ward) in ONE transaction,
/// in the order given, each checked as [`import_bundle`] checks it. The first refusal leaves
/// nothing of any of them written. A bundle with nothing new is not refused here (the folder
/// imported again after one more file arrived): its outcome says so.
pub async fn import_bundles(
    store: &Store,
    keys: &DeviceKeys,
    sealed: &[impl AsRef<[u8]>],
    dry_run: bool,
) -> std::result::Result<Vec<ImportOutcome>, BundleRefused> {
    let refused = |index: Option<usize>| move |error: ExchangeError| BundleRefused { index, error };
    let mut import = store.begin_folder_import().await.map_err(|e| refused(None)(e.into()))?;
    let mut outcomes = Vec::with_capacity(sealed.len());
    for (i, bundle) in sealed.iter().enumerate() {
        match apply_bundle(&mut import, keys, bundle.as_ref()).await {
            Ok((manifest, report)) => outcomes.push(ImportOutcome { manifest, report, dry_run }),
            Err(e) => {
                import.abandon().await.map_err(|e| refused(None)(e.into()))?;
                return Err(refused(Some(i))(e));
            }
        }
    }
    import.finish(dry_run).await.map_err(|e| refused(None)(e.into()))?;
    Ok(outcomes)
}

/// Nothing applied and no gap: every record was here already.
fn nothing_new(report: &ApplyReport) -> bool {
    report.applied == 0 && report.gaps.is_empty()
}

/// One bundle read, checked and applied inside `import`, with its audit entry when it brought
/// anything (in the same transaction, so the entry exists exactly when the records do).
async fn apply_bundle(import: &mut ImportTx, keys: &DeviceKeys, sealed: &[u8]) -> Result<(Manifest, ApplyReport)> {
    let (manifest, records) = read_bundle(keys, sealed)?;
    let report = import.apply(&records, Some(&manifest.origin())).await?;
    if !nothing_new(&report) {
        let details = serde_json::json!({"what": "bundle", "device_id": manifest.device_id,
            "first_seq": manifest.first_seq, "last_seq": manifest.last_seq, "applied": report.applied});
        import.audit("import", Some("change_log"), details).await?;
    }
    Ok((manifest, report))
}
