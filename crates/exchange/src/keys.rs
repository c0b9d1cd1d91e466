//! The device's key pair, made once and kept in its database (settings, never shipped as
//! change records): an Ed25519 signing key for the bundles it sends, an age X25519 identity
//! for the bundles sent to it. The public halves go to other offices as a small JSON file.

use crate::{ExchangeError, Result};
use ansinh_store::Store;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeys {
    pub device_id: String,
    pub ward: String,
    /// Ed25519 verifying key, hex.
    pub signing_key: String,
    /// age X25519 recipient, "age1...".
    pub recipient: String,
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
        PublicKeys {
            device_id: self.device_id.clone(),
            ward: ward.to_string(),
            signing_key: hex::encode(self.signing.verifying_key().to_bytes()),
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

/// A short fingerprint of a signing key (hex) that two people can read to each other over the
/// phone: SHA-256 of the 32 key bytes, its first 10 bytes in base32 (RFC 4648, no padding),
/// in groups of 4 (`K7QD-3MZA-PX2L-RTEW`). `exchange.bad_key` when the text is not a 32-byte hex key.
pub fn fingerprint(signing_key_hex: &str) -> Result<String> {
    use sha2::{Digest, Sha256};
    let bytes: [u8; 32] = hex::decode(signing_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| ExchangeError::BadKey("signing key".into()))?;
    let text = data_encoding::BASE32_NOPAD.encode(&Sha256::digest(bytes)[..10]);
    let groups: Vec<&str> =
        text.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("base32 is ASCII")).collect();
    Ok(groups.join("-"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_base32_of_the_key_hash_in_groups_of_four() {
        // Expected values computed independently (Python: hashlib.sha256, base64.b32encode).
        assert_eq!(super::fingerprint(&"00".repeat(32)).unwrap(), "MZUH-VLPY-MK6X-O3EP");
        let counting: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::fingerprint(&counting).unwrap(), "MMG4-2KLG-YQZW-NEIS");
        assert!(super::fingerprint("abcd").is_err());
        assert!(super::fingerprint(&"zz".repeat(32)).is_err());
    }
}
