//! A person's handover file (issue 16: a move between two ward desktops; the rules are the
//! store's, `handover.rs`). JSON `{body, signature}`: the body as JSON text signed by the city
//! office's device key (context `ansinh-handover-v1\0`), then encrypted with age to every
//! active desktop registered here for the new commune, since it holds a person's data.

use crate::keys::{DeviceKeys, open_sealed, verify_text};
use crate::limits::{self, Oversize};
use crate::{ExchangeError, Result, parse_recipient};
use ansinh_core::{ErrorCode, FieldError};
use ansinh_store::{DeviceRole, HandoverBody, HandoverReport, Store};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const SIGN_CONTEXT: &[u8] = b"ansinh-handover-v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoverFile {
    body: String,
    /// Ed25519 signature, hex.
    signature: String,
}

/// The city office's side: `person`'s file for the commune `to_ward`, signed and sealed for
/// that commune's registered desktops (refused when none is registered). Audited.
pub async fn make_handover(store: &Store, keys: &DeviceKeys, person: &str, to_ward: &str) -> Result<Vec<u8>> {
    let signing_key = hex::encode(keys.signing.verifying_key().to_bytes());
    let body = store.handover_body(person, to_ward, &signing_key).await?;
    let recipients = store
        .devices()
        .await?
        .into_iter()
        .filter(|d| d.active() && d.role == DeviceRole::Ward && d.ward == to_ward && !d.recipient.is_empty())
        .map(|d| parse_recipient(&d.recipient))
        .collect::<Result<Vec<_>>>()?;
    if recipients.is_empty() {
        let e = FieldError::new(
            "ward_code",
            ErrorCode::HandoverNoRecipient,
            "no desktop of this commune is registered here",
        )
        .param("ward", to_ward);
        return Err(ExchangeError::Store(ansinh_store::StoreError::Conflict(e)));
    }
    let text = serde_json::to_string(&body).expect("a handover serialises");
    let sig = keys.signing.sign(&[SIGN_CONTEXT, text.as_bytes()].concat());
    let file = HandoverFile { body: text, signature: hex::encode(sig.to_bytes()) };
    let plain = serde_json::to_vec(&file).expect("a handover file serialises");
    let sealed = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| ExchangeError::BadKey(e.to_string()))?;
    let mut out = Vec::new();
    let mut w = sealed.wrap_output(&mut out)?;
    std::io::Write::write_all(&mut w, &plain)?;
    w.finish()?;
    limits::check(Oversize::Handover, out.len() as u64)?;
    let details = serde_json::json!({"what": "handover", "to_ward": to_ward, "records": body.records.len()});
    store.audit("export", Some("beneficiaries"), Some(person), details).await?;
    Ok(out)
}

/// The new commune's side: decrypts, checks the signature by the key the body names, then the
/// store checks that key is the city office registered here and applies the records.
pub async fn import_handover(store: &Store, keys: &DeviceKeys, sealed: &[u8]) -> Result<HandoverReport> {
    limits::check(Oversize::Handover, sealed.len() as u64)?;
    let plain = open_sealed(keys, sealed)?;
    let file: HandoverFile = serde_json::from_slice(&plain).map_err(|_| ExchangeError::NotABundle)?;
    let body: HandoverBody = serde_json::from_str(&file.body).map_err(|_| ExchangeError::Damaged)?;
    verify_text(SIGN_CONTEXT, &body.issuer_signing_key, &file.body, &file.signature)?;
    let hash = hex::encode(Sha256::digest(file.body.as_bytes()));
    Ok(store.accept_handover(body, &hash).await?)
}
