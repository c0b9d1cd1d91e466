//! Who may talk to the server: the devices an administrator enrolled from their public-key file
//! (`ansinh-server device add FILE [--city]`), each as a device of one ward or as the city office.
//! No trust on first use: a device not enrolled, or revoked, is refused whatever it signs. The
//! rules here are shared by both engines; each keeps the registry in its own table.

use crate::RecordError;
use ansinh_core::ErrorCode;
use ansinh_exchange::PublicKeys;
use ansinh_store::BundleOrigin;
use serde::{Deserialize, Serialize};
use std::future::Future;

type Result<T, E = RecordError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A desktop of one ward: pushes its series, reads its own ward's series.
    Ward,
    /// The city office: pushes its series, reads every series.
    City,
    /// A key pinned on first use before enrolment existed (PostgreSQL rows from migration 0001):
    /// its records stay readable by the city; the device itself is refused until enrolled.
    Pinned,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ward => "ward",
            Role::City => "city",
            Role::Pinned => "pinned",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "ward" => Ok(Role::Ward),
            "city" => Ok(Role::City),
            "pinned" => Ok(Role::Pinned),
            other => Err(RecordError::Storage(format!("unknown device role {other}"))),
        }
    }
}

/// One device of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub device_id: String,
    pub role: Role,
    /// The ward it was enrolled for (empty for the city office).
    pub ward: String,
    /// Ed25519 verifying key, hex (lower case).
    pub signing_key: String,
    /// What two people read to each other over the phone to check the key.
    pub fingerprint: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
}

impl Device {
    /// Which series this device may read.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::City => Scope::All,
            _ => Scope::Ward(self.ward.clone()),
        }
    }

    /// May it push or read now?
    pub fn check_active(&self) -> Result<()> {
        if self.role == Role::Pinned {
            return Err(RecordError::refused(
                ErrorCode::ServerUnknownDevice,
                "this device is not enrolled on the server",
            ));
        }
        if self.revoked_at.is_some() {
            return Err(RecordError::refused(ErrorCode::ServerRevokedDevice, "this device was revoked on the server"));
        }
        Ok(())
    }
}

/// Which series a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every series (the city office).
    All,
    /// The series of the devices enrolled for this ward (its own included).
    Ward(String),
}

/// A checked request to enrol a device: from its public-key file, as a ward device or the city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub device_id: String,
    pub role: Role,
    pub ward: String,
    pub signing_key: String,
}

impl Enrolment {
    /// Reads `ansinh keys export-public`'s JSON (`{device_id, ward, signing_key, recipient}`).
    /// The device id must be a UUID, the key 32 bytes of hex, the ward (unless `city`) a code.
    pub fn from_public_keys(text: &str, city: bool) -> Result<Enrolment> {
        let bad = |m: &str| RecordError::refused(ErrorCode::ServerBadKeyFile, m.to_string());
        let k: PublicKeys = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|_| bad("not a public-key file (ansinh keys export-public)"))?;
        match uuid::Uuid::parse_str(&k.device_id) {
            Ok(u) if u.hyphenated().to_string() == k.device_id => {}
            _ => return Err(bad("the device id is not a UUID")),
        }
        let signing_key = k.signing_key.trim().to_ascii_lowercase();
        ansinh_exchange::fingerprint(&signing_key).map_err(|_| bad("the signing key is not 32 bytes of hex"))?;
        let ward = if city { String::new() } else { k.ward.trim().to_string() };
        if !city && (ward.is_empty() || ward.len() > 32 || !ward.chars().all(|c| c.is_ascii_alphanumeric())) {
            return Err(RecordError::refused(
                ErrorCode::ServerNoWard,
                "the key file names no ward: set the desktop's office ward first, or enrol it with --city",
            ));
        }
        Ok(Enrolment { device_id: k.device_id, role: if city { Role::City } else { Role::Ward }, ward, signing_key })
    }

    /// May this enrolment be written, given the device's current row (if any) and the device
    /// already enrolled with the same key (if any)? A revoked device stays revoked (a
    /// replacement desktop has its own device id); a device keeps the key its records were
    /// signed with; one key belongs to one device.
    pub fn check(&self, existing: Option<&Device>, key_owner: Option<&str>) -> Result<()> {
        if let Some(d) = existing {
            if d.revoked_at.is_some() {
                return Err(RecordError::refused(
                    ErrorCode::ServerRevokedDevice,
                    "this device was revoked: a replacement desktop is enrolled with its own device id",
                ));
            }
            if d.signing_key != self.signing_key {
                return Err(RecordError::refused(
                    ErrorCode::ExchangeKeyMismatch,
                    "this device is known with another signing key",
                ));
            }
        }
        if key_owner.is_some_and(|owner| owner != self.device_id) {
            return Err(RecordError::refused(
                ErrorCode::ServerKeyInUse,
                "another device is enrolled with this signing key",
            ));
        }
        Ok(())
    }
}

/// What a batch's records may be stored as: only an active device's own series, signed by the
/// key enrolled for it; the ward recorded is the enrolled one, never the manifest's.
pub(crate) fn enrolled_origin(device: Option<Device>, origin: &BundleOrigin) -> Result<BundleOrigin> {
    let d = device.ok_or_else(|| {
        RecordError::refused(ErrorCode::ServerUnknownDevice, "this device is not enrolled on the server")
    })?;
    d.check_active()?;
    if d.signing_key != origin.signing_key {
        return Err(RecordError::refused(
            ErrorCode::ExchangeKeyMismatch,
            "the batch is not signed by the enrolled key",
        ));
    }
    Ok(BundleOrigin { ward: d.ward, ..origin.clone() })
}

/// The server's device registry; both engines implement it (`RecordStore` requires it).
pub trait DeviceRegistry: Send + Sync + 'static {
    /// Enrols (or updates the role and ward of) a device; returns it as stored.
    fn enrol(&self, e: &Enrolment) -> impl Future<Output = Result<Device>> + Send;

    /// Revokes a device: it is refused from now on; its records stay. Unknown: `server.unknown_device`.
    fn revoke(&self, device_id: &str) -> impl Future<Output = Result<Device>> + Send;

    /// One device, enrolled, pinned or revoked.
    fn device(&self, device_id: &str) -> impl Future<Output = Result<Option<Device>>> + Send;

    /// Every device, by id.
    fn devices(&self) -> impl Future<Output = Result<Vec<Device>>> + Send;
}

pub(crate) fn unknown(device_id: &str) -> RecordError {
    RecordError::refused(ErrorCode::ServerUnknownDevice, format!("no device {device_id} on the server"))
}

pub(crate) fn fingerprint_of(key: &str) -> String {
    ansinh_exchange::fingerprint(key).unwrap_or_default()
}

/// A shared registry (the server holds the store while an administrator's code enrols).
impl<R: DeviceRegistry> DeviceRegistry for std::sync::Arc<R> {
    fn enrol(&self, e: &Enrolment) -> impl Future<Output = Result<Device>> + Send {
        (**self).enrol(e)
    }

    fn revoke(&self, device_id: &str) -> impl Future<Output = Result<Device>> + Send {
        (**self).revoke(device_id)
    }

    fn device(&self, device_id: &str) -> impl Future<Output = Result<Option<Device>>> + Send {
        (**self).device(device_id)
    }

    fn devices(&self) -> impl Future<Output = Result<Vec<Device>>> + Send {
        (**self).devices()
    }
}
