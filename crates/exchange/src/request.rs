//! Signed HTTP requests to the central server (docs/EXCHANGE.md, "Server"). Every request
//! carries the device id, the time (unix seconds), a random nonce and an Ed25519 signature (hex)
//! by the device's key over a domain-separated message, so the server knows which enrolled
//! device asks and that nothing in the request was changed on the way:
//!
//! `ansinh-request-v1\0` device `\n` nonce `\n` METHOD `\n` path-with-query `\n` time `\n` hex(SHA-256(body))
//!
//! The nonce makes two identical requests in the same second two different signatures (Ed25519
//! is deterministic), so the server can refuse every signature it has seen before. The server
//! verifies with the key it enrolled for that device, never one the request names; checking
//! the time window and refusing replays is the server's job.

use crate::keys::{DeviceKeys, verifying_from_hex};
use crate::{ExchangeError, Result};
use ed25519_dalek::{Signature, Signer};
use sha2::{Digest, Sha256};

pub const DEVICE_HEADER: &str = "x-ansinh-device";
pub const TIME_HEADER: &str = "x-ansinh-time";
pub const NONCE_HEADER: &str = "x-ansinh-nonce";
pub const SIGNATURE_HEADER: &str = "x-ansinh-signature";
/// How far a request's time may be from the server's clock, either way.
pub const REQUEST_WINDOW_SECS: i64 = 300;

const SIGN_CONTEXT: &[u8] = b"ansinh-request-v1\0";

/// What a signed request carries in its four headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignature {
    pub device_id: String,
    pub time: i64,
    /// 16 random bytes, hex (32 characters).
    pub nonce: String,
    /// Ed25519 signature, hex (128 characters).
    pub signature: String,
}

impl RequestSignature {
    /// The headers to send, by name.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (DEVICE_HEADER, self.device_id.clone()),
            (TIME_HEADER, self.time.to_string()),
            (NONCE_HEADER, self.nonce.clone()),
            (SIGNATURE_HEADER, self.signature.clone()),
        ]
    }
}

fn message(sig: &RequestSignature, method: &str, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    // HTTP forbids a newline in a header value, a method or a request target: the separators
    // cannot be forged from inside a field.
    let RequestSignature { device_id, nonce, time, .. } = sig;
    let body = hex::encode(Sha256::digest(body));
    [SIGN_CONTEXT, format!("{device_id}\n{nonce}\n{method}\n{path_and_query}\n{time}\n{body}").as_bytes()].concat()
}

/// Signs one request of this device (`method` upper case, `path_and_query` as sent: `/v1/records?since=...`).
pub fn sign_request(keys: &DeviceKeys, method: &str, path_and_query: &str, time: i64, body: &[u8]) -> RequestSignature {
    let mut out = RequestSignature {
        device_id: keys.device_id.clone(),
        time,
        nonce: hex::encode(rand::random::<[u8; 16]>()),
        signature: String::new(),
    };
    out.signature = hex::encode(keys.signing.sign(&message(&out, method, path_and_query, body)).to_bytes());
    out
}

/// Checks a request's signature with `signing_key` (hex), the key enrolled for `sig.device_id`.
/// Returns the signature's bytes (what a replay cache remembers); `exchange.bad_signature` else.
pub fn verify_request(
    signing_key: &str,
    sig: &RequestSignature,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> Result<[u8; 64]> {
    let bytes: [u8; 64] =
        hex::decode(&sig.signature).ok().and_then(|b| b.try_into().ok()).ok_or(ExchangeError::BadSignature)?;
    verifying_from_hex(signing_key)?
        .verify_strict(&message(sig, method, path_and_query, body), &Signature::from_bytes(&bytes))
        .map_err(|_| ExchangeError::BadSignature)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn keys(seed: u8) -> DeviceKeys {
        DeviceKeys {
            device_id: format!("0190a1b2-0000-7000-8000-0000000000{seed:02x}"),
            signing: SigningKey::from_bytes(&[seed; 32]),
            identity: age::x25519::Identity::generate(),
        }
    }

    fn public(k: &DeviceKeys) -> String {
        hex::encode(k.signing.verifying_key().to_bytes())
    }

    #[test]
    fn a_signature_covers_device_nonce_method_path_time_and_body() {
        let k = keys(1);
        let s = sign_request(&k, "POST", "/v1/records", 1_790_000_000, b"{\"a\":1}");
        assert_eq!(s.signature.len(), 128);
        verify_request(&public(&k), &s, "POST", "/v1/records", b"{\"a\":1}").unwrap();

        let other = keys(2);
        let changed = [
            (public(&other), s.clone(), "POST", "/v1/records", &b"{\"a\":1}"[..]),
            (public(&k), s.clone(), "GET", "/v1/records", b"{\"a\":1}"),
            (public(&k), s.clone(), "POST", "/v1/records?limit=1", b"{\"a\":1}"),
            (public(&k), s.clone(), "POST", "/v1/records", b"{\"a\":2}"),
            (public(&k), RequestSignature { time: s.time + 1, ..s.clone() }, "POST", "/v1/records", b"{\"a\":1}"),
            (public(&k), RequestSignature { nonce: "00".repeat(16), ..s.clone() }, "POST", "/v1/records", b"{\"a\":1}"),
            (
                public(&k),
                RequestSignature { device_id: other.device_id.clone(), ..s.clone() },
                "POST",
                "/v1/records",
                b"{\"a\":1}",
            ),
            (public(&k), RequestSignature { signature: "zz".repeat(64), ..s.clone() }, "POST", "/v1/records", b""),
            (public(&k), RequestSignature { signature: "00".repeat(63), ..s.clone() }, "POST", "/v1/records", b""),
            ("not a key".into(), s.clone(), "POST", "/v1/records", b"{\"a\":1}"),
        ];
        for (key, sig, method, path, body) in changed {
            let e = verify_request(&key, &sig, method, path, body).unwrap_err();
            assert!(matches!(e, ExchangeError::BadSignature), "{method} {path} {sig:?}: {e}");
        }
    }

    #[test]
    fn the_headers_carry_device_time_nonce_and_signature() {
        let s = sign_request(&keys(3), "GET", "/v1/heads", 42, b"");
        let h = s.headers();
        assert_eq!(h[0], (DEVICE_HEADER, s.device_id.clone()));
        assert_eq!(h[1], (TIME_HEADER, "42".to_string()));
        assert_eq!(h[2], (NONCE_HEADER, s.nonce.clone()));
        assert_eq!(h[3], (SIGNATURE_HEADER, s.signature.clone()));
        // Two signatures of the same request in the same second differ (and both verify).
        let again = sign_request(&keys(3), "GET", "/v1/heads", 42, b"");
        assert_ne!((&again.nonce, &again.signature), (&s.nonce, &s.signature));
        verify_request(&public(&keys(3)), &again, "GET", "/v1/heads", b"").unwrap();
    }
}
