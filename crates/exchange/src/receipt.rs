//! Receipts: the office tells a ward, signed, how far each device's series has arrived, so
//! the ward knows what the city has and where its next bundle starts. Not secret: plain JSON.

use crate::keys::DeviceKeys;
use crate::limits::{self, Oversize};
use crate::{ExchangeError, Result};
use ansinh_store::{AuditClaim, ReceiptClaim, SeriesHead, Store};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};

const SIGN_CONTEXT: &[u8] = b"ansinh-receipt-v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The signed body, JSON text (kept as text so the signature checks the exact bytes).
    pub body: String,
    /// Ed25519 signature, hex.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Body {
    format: u32,
    office_device: String,
    office_signing_key: String,
    heads: Vec<Head>,
    /// The office's audit log head (receipts made before issue 13 have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audit: Option<AuditClaim>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Head {
    device_id: String,
    last_seq: i64,
    last_hash: String,
}

/// A signed receipt for everything this desktop holds (every series it has).
pub async fn make_receipt(store: &Store, keys: &DeviceKeys) -> Result<Receipt> {
    let heads = store
        .series_heads()
        .await?
        .into_iter()
        .map(|h| Head { device_id: h.device_id, last_seq: h.last_seq, last_hash: h.last_hash })
        .collect();
    let audit = store.audit_claim().await?;
    let body = Body {
        format: 1,
        office_device: keys.device_id.clone(),
        office_signing_key: hex::encode(keys.signing.verifying_key().to_bytes()),
        heads,
        audit: Some(audit.clone()),
    };
    store.audit_claim_sent(&audit).await?;
    let body = serde_json::to_string(&body).expect("receipt serialises");
    let sig = keys.signing.sign(&[SIGN_CONTEXT, body.as_bytes()].concat());
    Ok(Receipt { body, signature: hex::encode(sig.to_bytes()) })
}

/// A receipt whose signature holds (by the key it names: who that office is, is the caller's
/// question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReceipt {
    pub office_device: String,
    /// Ed25519 verifying key, hex.
    pub office_signing_key: String,
    pub signature: String,
    pub heads: Vec<SeriesHead>,
    /// The office's audit head (absent in receipts made before issue 13).
    pub audit: Option<AuditClaim>,
}

/// Reads a receipt's text: bounded (`limits::RECEIPT_BYTES`), parsed, its signature checked.
/// Touches nothing: [`import_receipt`] records it. Split out so a fuzzer reaches it.
pub fn read_receipt(text: &str) -> Result<CheckedReceipt> {
    limits::check(Oversize::Receipt, text.len() as u64)?;
    let r: Receipt = serde_json::from_str(text).map_err(|_| ExchangeError::NotABundle)?;
    let body: Body = serde_json::from_str(&r.body).map_err(|_| ExchangeError::NotABundle)?;
    crate::keys::verify_text(SIGN_CONTEXT, &body.office_signing_key, &r.body, &r.signature)?;
    Ok(CheckedReceipt {
        office_device: body.office_device,
        office_signing_key: body.office_signing_key,
        signature: r.signature,
        heads: body
            .heads
            .into_iter()
            .map(|h| SeriesHead { device_id: h.device_id, last_seq: h.last_seq, last_hash: h.last_hash })
            .collect(),
        audit: body.audit,
    })
}

/// Checks a receipt's signature, then hands it to the store, which accepts it only from a
/// registered office and only if what it says of this desktop's series is this desktop's own
/// chain. Returns the seq of this device the office has.
pub async fn import_receipt(store: &Store, text: &str) -> Result<i64> {
    let r = read_receipt(text)?;
    let claim = ReceiptClaim {
        office_device: r.office_device,
        office_signing_key: r.office_signing_key,
        heads: r.heads,
        audit: r.audit,
    };
    Ok(store.accept_receipt(&claim).await?)
}
