//! The device's key pair, made once and kept in its database (settings, never shipped as
//! change records): an Ed25519 signing key for the bundles it sends, an age X25519 identity
//! for the bundles sent to it. The public halves go to other offices as a small JSON file.

use crate::{ExchangeError, Result};
use ansinh_store::{DeviceRole, DeviceView, NewDevice, Store};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

const SIGNING_SETTING: &str = "exchange.signing_key";
const IDENTITY_SETTING: &str = "exchange.age_identity";

pub struct DeviceKeys {
    pub device_id: String,
    pub(crate) signing: SigningKey,
    pub(crate) identity: age::x25519::Identity,
}

/// What another office needs to send to this desktop and to check what it signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PublicKeys {
    pub device_id: String,
    pub ward: String,
    /// Ed25519 verifying key, hex.
    pub signing_key: String,
    /// age X25519 recipient, "age1...".
    pub recipient: String,
    /// The signing key's short fingerprint, to read aloud when the other office registers this
    /// file (information: the receiver computes it again from the key).
    #[serde(default)]
    pub fingerprint: String,
}

impl PublicKeys {
    /// A public-key file as another office sent it: every key checked, the fingerprint
    /// recomputed here (a file cannot choose the fingerprint it shows).
    pub fn parse(text: &str) -> Result<PublicKeys> {
        crate::limits::check(crate::limits::Oversize::KeyFile, text.len() as u64)?;
        let mut k: PublicKeys = serde_json::from_str(text.trim())
            .map_err(|e| ExchangeError::BadKey(format!("not a public-key file: {e}")))?;
        verifying_from_hex(&k.signing_key).map_err(|_| ExchangeError::BadKey("signing key".into()))?;
        if !k.recipient.is_empty() {
            age::x25519::Recipient::from_str(k.recipient.trim()).map_err(|e| ExchangeError::BadKey(e.to_string()))?;
        }
        k.fingerprint = ansinh_store::fingerprint(&k.signing_key);
        Ok(k)
    }

    /// Registers the device of this file here (administrators; audited by the store).
    pub async fn enroll(&self, store: &Store, name: &str, role: DeviceRole, ward: &str) -> Result<DeviceView> {
        let device = NewDevice {
            device_id: &self.device_id,
            name,
            role,
            ward,
            signing_key: &self.signing_key,
            recipient: &self.recipient,
        };
        Ok(store.enroll_device(&device).await?)
    }
}

impl DeviceKeys {
    /// This desktop's keys, made and stored on first use.
    pub async fn load_or_create(store: &Store) -> Result<DeviceKeys> {
        let signing = match store.setting(SIGNING_SETTING).await? {
            Some(hex) => signing_from_hex(&hex)?,
            None => {
                let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
                store.set_setting(SIGNING_SETTING, &hex::encode(key.to_bytes())).await?;
                key
            }
        };
        let identity = match store.setting(IDENTITY_SETTING).await? {
            Some(s) => age::x25519::Identity::from_str(&s).map_err(|e| ExchangeError::BadKey(e.to_string()))?,
            None => {
                let id = age::x25519::Identity::generate();
                use age::secrecy::ExposeSecret;
                store.set_setting(IDENTITY_SETTING, id.to_string().expose_secret()).await?;
                id
            }
        };
        Ok(DeviceKeys { device_id: store.device_id().to_string(), signing, identity })
    }

    pub fn public(&self, ward: &str) -> PublicKeys {
        let signing_key = hex::encode(self.signing.verifying_key().to_bytes());
        PublicKeys {
            device_id: self.device_id.clone(),
            ward: ward.to_string(),
            fingerprint: ansinh_store::fingerprint(&signing_key),
            signing_key,
            recipient: self.identity.to_public().to_string(),
        }
    }
}

fn signing_from_hex(s: &str) -> Result<SigningKey> {
    let bytes: [u8; 32] = hex::decode(s.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ExchangeError::BadKey("signing key".into()))?;
    Ok(SigningKey::from_bytes(&bytes))
}

pub(crate) fn verifying_from_hex(s: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] =
        hex::decode(s.trim()).ok().and_then(|b| b.try_into().ok()).ok_or(ExchangeError::BadSignature)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| ExchangeError::BadSignature)
}

/// Checks a `{body, signature}` file's hex Ed25519 `signature` over `context` + `body` by the
/// hex key `key` (receipts, reference files, handover files).
pub(crate) fn verify_text(context: &[u8], key: &str, body: &str, signature: &str) -> Result<()> {
    let sig = hex::decode(signature)
        .ok()
        .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
        .ok_or(ExchangeError::BadSignature)?;
    verifying_from_hex(key)?
        .verify_strict(&[context, body.as_bytes()].concat(), &sig)
        .map_err(|_| ExchangeError::BadSignature)
}

/// Decrypts what was sealed for this desktop with age, naming what went wrong the same way for
/// every sealed file (bundles, handover files).
pub(crate) fn open_sealed(keys: &DeviceKeys, sealed: &[u8]) -> Result<Vec<u8>> {
    age::decrypt(&keys.identity, sealed).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => ExchangeError::NotForThisOffice,
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => ExchangeError::NotABundle,
        _ => ExchangeError::Damaged,
    })
}

/// An office's recipient from what an officer has: the exported public-key JSON file's text,
/// or a bare "age1..." line.
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient> {
    let t = text.trim();
    let s = match serde_json::from_str::<PublicKeys>(t) {
        Ok(k) => k.recipient,
        Err(_) => t.to_string(),
    };
    age::x25519::Recipient::from_str(s.trim()).map_err(|e| ExchangeError::BadKey(e.to_string()))
}

/// The fingerprint of a signing key given as hex ([`ansinh_store::fingerprint`]: what the two
/// offices read to each other by phone), `exchange.bad_key` when the text is not a 32-byte key.
pub fn fingerprint(signing_key_hex: &str) -> Result<String> {
    let bytes: [u8; 32] = hex::decode(signing_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ExchangeError::BadKey("signing key".into()))?;
    Ok(ansinh_store::fingerprint(&hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_the_key_hash_in_hex_groups_of_four() {
        // Expected values computed independently (Python: hashlib.sha256(...).hexdigest()[:20]).
        assert_eq!(super::fingerprint(&"00".repeat(32)).unwrap(), "6668-7AAD-F862-BD77-6C8F");
        let counting: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::fingerprint(&counting).unwrap(), "630D-CD29-66C4-3366-9112");
        assert!(super::fingerprint("abcd").is_err());
        assert!(super::fingerprint(&"zz".repeat(32)).is_err());
    }
}
