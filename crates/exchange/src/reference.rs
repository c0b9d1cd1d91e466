//! The city's reference file: administrative units, allowance groups, standard levels and
//! providers, signed by the city office's device key (context `ansinh-reference-v1\0`) and
//! versioned. Plain JSON `{body, signature}` (not secret). A desktop applies one only if its
//! signer is registered there as the city office (`Store::apply_reference`).

use crate::keys::DeviceKeys;
use crate::{ExchangeError, Result};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_store::{RefTable, ReferenceBody, ReferenceReport, Store, StoreError};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};

const SIGN_CONTEXT: &[u8] = b"ansinh-reference-v1\0";

/// The file as written: the body as JSON text (so the signature covers its exact bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceFile {
    pub body: String,
    /// Ed25519 signature, hex.
    pub signature: String,
}

/// This desktop's reference tables, signed (the city office's desktop only).
pub async fn make_reference_file(store: &Store, keys: &DeviceKeys) -> Result<ReferenceFile> {
    let signing_key = hex::encode(keys.signing.verifying_key().to_bytes());
    let body = serde_json::to_string(&store.reference_body(&signing_key).await?).expect("reference serialises");
    let sig = keys.signing.sign(&[SIGN_CONTEXT, body.as_bytes()].concat());
    let details = serde_json::json!({"what": "reference"});
    store.audit("export", Some("reference"), None, details).await?;
    Ok(ReferenceFile { body, signature: hex::encode(sig.to_bytes()) })
}

fn refused(code: ErrorCode, message: &str) -> ExchangeError {
    ExchangeError::Store(StoreError::Conflict(FieldError::new("reference", code, message)))
}

/// Reads a reference file: its signature by the key it names, only known reference tables; the
/// store then checks the signer is the registered city office and applies it.
pub async fn import_reference_file(store: &Store, text: &str) -> Result<ReferenceReport> {
    crate::limits::check(crate::limits::Oversize::Reference, text.len() as u64)?;
    let file: ReferenceFile = serde_json::from_str(text.trim()).map_err(|_| ExchangeError::NotABundle)?;
    let raw: serde_json::Value = serde_json::from_str(&file.body).map_err(|_| ExchangeError::NotABundle)?;
    let key = raw.get("issuer_signing_key").and_then(|k| k.as_str()).ok_or(ExchangeError::NotABundle)?;
    crate::keys::verify_text(SIGN_CONTEXT, key, &file.body, &file.signature)?;
    // A table outside the closed set is named, not lumped in with a damaged file.
    if let Some(tables) = raw.get("tables").and_then(|t| t.as_object()) {
        let known: Vec<String> = RefTable::ALL
            .iter()
            .map(|t| serde_json::to_value(t).expect("names").as_str().expect("a name").to_string())
            .collect();
        if let Some(other) = tables.keys().find(|k| !known.contains(k)) {
            let e = FieldError::new(
                "reference",
                ErrorCode::ReferenceUnknownTable,
                "a table that reference files never carry",
            )
            .param("table", other);
            return Err(ExchangeError::Store(StoreError::Conflict(e)));
        }
    }
    let body: ReferenceBody = serde_json::from_value(raw)
        .map_err(|e| refused(ErrorCode::ReferenceInvalidRow, &format!("not a reference file: {e}")))?;
    Ok(store.apply_reference(&body).await?)
}
