//! The devices this desktop accepts bundles, receipts and reference files from: registered by
//! an administrator from the device's public-key file, never trusted on first use. Each shows a
//! short fingerprint of its signing key that the two offices read to each other by phone
//! before the registration is confirmed. Registering and revoking are audited.

use crate::audit::{self, AuditEvent};
use crate::error::{Result, StoreError};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::validate::RefData;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};

/// What a registered device may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    /// A ward or commune desktop: its records may touch only its ward's people.
    Ward,
    /// The city office: any ward, receipts, and the signed reference file.
    City,
}

impl DeviceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::Ward => "ward",
            DeviceRole::City => "city",
        }
    }
    pub fn parse(s: &str) -> Option<DeviceRole> {
        [DeviceRole::Ward, DeviceRole::City].into_iter().find(|r| r.as_str() == s)
    }
}

/// A device to register, from its public-key file.
#[derive(Debug, Clone)]
pub struct NewDevice<'a> {
    pub device_id: &'a str,
    pub name: &'a str,
    pub role: DeviceRole,
    /// The ward code of a ward device ('' for the city office).
    pub ward: &'a str,
    /// Ed25519 verifying key, 64 hex digits.
    pub signing_key: &'a str,
    /// age X25519 recipient ("age1..."), to send bundles to it; may be empty.
    pub recipient: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeviceView {
    pub device_id: String,
    pub name: String,
    pub role: DeviceRole,
    pub ward: String,
    pub signing_key: String,
    pub recipient: String,
    pub fingerprint: String,
    pub enrolled_at: String,
    pub enrolled_by: String,
    pub revoked_at: Option<String>,
}

impl DeviceView {
    pub fn active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A short, phone-readable fingerprint of a signing key (64 hex digits): the first 10 bytes of
/// its SHA-256 as upper-case hexadecimal in groups of four, `3F2A-91C2-0B5E-D4A8-77E1` style.
/// Digits and A-F only (no O/0 or I/1 to mix up over the phone); 80 bits, so no one forges a key
/// with the same fingerprint.
pub fn fingerprint(signing_key_hex: &str) -> String {
    let bytes = hex::decode(signing_key_hex.trim()).unwrap_or_else(|_| signing_key_hex.as_bytes().to_vec());
    let text = hex::encode_upper(&Sha256::digest(&bytes)[..10]);
    text.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("ASCII")).collect::<Vec<_>>().join("-")
}

fn refused(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new("device", code, message))
}

fn view(r: &sqlx::sqlite::SqliteRow) -> Result<DeviceView> {
    let signing_key: String = r.try_get("signing_key")?;
    let role: String = r.try_get("role")?;
    Ok(DeviceView {
        device_id: r.try_get("device_id")?,
        name: r.try_get("name")?,
        role: DeviceRole::parse(&role)
            .ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("unknown device role {role:?}").into())))?,
        ward: r.try_get("ward")?,
        fingerprint: fingerprint(&signing_key),
        signing_key,
        recipient: r.try_get("recipient")?,
        enrolled_at: r.try_get("enrolled_at")?,
        enrolled_by: r.try_get("enrolled_by")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

const SELECT: &str =
    "SELECT device_id, name, role, ward, signing_key, recipient, enrolled_at, enrolled_by, revoked_at FROM devices";

/// The registered, not revoked device `device_id`, if any.
pub(crate) async fn enrolled(conn: &mut SqliteConnection, device_id: &str) -> Result<Option<DeviceView>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE device_id = ? AND revoked_at IS NULL")))
        .bind(device_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(view).transpose()
}

/// The sender of a bundle or receipt, checked against the registry: registered, not revoked,
/// signing with the key that was registered.
pub(crate) async fn check_sender(
    conn: &mut SqliteConnection,
    device_id: &str,
    signing_key: &str,
) -> Result<DeviceView> {
    let Some(d) = enrolled(conn, device_id).await? else {
        return Err(StoreError::Conflict(
            FieldError::new(
                "bundle",
                ErrorCode::ExchangeUnknownDevice,
                "this device is not registered here: register its public-key file first",
            )
            .param("device_id", device_id)
            .param("fingerprint", fingerprint(signing_key)),
        ));
    };
    if d.signing_key != signing_key.trim() {
        return Err(StoreError::Conflict(
            FieldError::new(
                "bundle",
                ErrorCode::ExchangeKeyMismatch,
                "signed with another key than the one registered",
            )
            .param("device_id", device_id)
            .param("fingerprint", fingerprint(signing_key)),
        ));
    }
    Ok(d)
}

impl Store {
    /// Registers a device (or renews a revoked one with the same key). A device id or a signing
    /// key already registered for another device is refused.
    pub async fn enroll_device(&self, d: &NewDevice<'_>) -> Result<DeviceView> {
        let key = d.signing_key.trim();
        let valid_key = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid_key {
            return Err(StoreError::field(
                "signing_key",
                ErrorCode::ExchangeBadKey,
                "a signing key is 64 hexadecimal digits",
            ));
        }
        let key = key.to_ascii_lowercase();
        if uuid::Uuid::parse_str(d.device_id).is_err() {
            return Err(StoreError::field("device_id", ErrorCode::ExchangeBadKey, "not a device id"));
        }
        if d.device_id == self.device_id() {
            return Err(refused(ErrorCode::DeviceIsThisDesktop, "this is this desktop's own key file"));
        }
        let ward = d.ward.trim();
        if d.role == DeviceRole::Ward && !self.refs().await?.has_ward(ward) {
            return Err(StoreError::field("ward", ErrorCode::WardUnknown, "a ward device needs its ward's code"));
        }
        let ward = if d.role == DeviceRole::City { "" } else { ward };
        let name = if d.name.trim().is_empty() { d.device_id } else { d.name.trim() };
        let mut tx = self.begin_checked().await?;
        let existing: Option<(String, String)> =
            sqlx::query_as("SELECT device_id, signing_key FROM devices WHERE device_id = ? OR signing_key = ?")
                .bind(d.device_id)
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((id, k)) = existing
            && (id != d.device_id || k != key)
        {
            return Err(refused(
                ErrorCode::DeviceAlreadyRegistered,
                "this device or key is already registered (revoke it first to register another key)",
            ));
        }
        sqlx::query(
            "INSERT INTO devices (device_id, name, role, ward, signing_key, recipient, enrolled_at, enrolled_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, role = excluded.role, ward = excluded.ward,
               recipient = excluded.recipient, enrolled_at = excluded.enrolled_at,
               enrolled_by = excluded.enrolled_by, revoked_at = NULL",
        )
        .bind(d.device_id)
        .bind(name)
        .bind(d.role.as_str())
        .bind(ward)
        .bind(&key)
        .bind(d.recipient.trim())
        .bind(now())
        .bind(self.officer())
        .execute(&mut *tx)
        .await?;
        let actor = self.officer();
        let details = serde_json::json!({
            "name": name, "role": d.role.as_str(), "ward": ward, "fingerprint": fingerprint(&key),
        });
        let event = AuditEvent {
            actor: &actor,
            action: "device.enroll",
            entity: Some("devices"),
            entity_id: Some(d.device_id),
            details,
        };
        audit::append(&mut tx, &event).await?;
        tx.commit().await?;
        self.device(d.device_id).await?.ok_or_else(|| StoreError::NotFound { entity: "device", id: d.device_id.into() })
    }

    /// Revokes a device: nothing it sends is accepted any more (what it sent stays).
    pub async fn revoke_device(&self, device_id: &str) -> Result<DeviceView> {
        let mut tx = self.begin_checked().await?;
        let done = sqlx::query("UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL")
            .bind(now())
            .bind(device_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { entity: "device", id: device_id.into() });
        }
        let actor = self.officer();
        let event = AuditEvent {
            actor: &actor,
            action: "device.revoke",
            entity: Some("devices"),
            entity_id: Some(device_id),
            details: serde_json::json!({}),
        };
        audit::append(&mut tx, &event).await?;
        tx.commit().await?;
        self.device(device_id).await?.ok_or_else(|| StoreError::NotFound { entity: "device", id: device_id.into() })
    }

    pub async fn device(&self, device_id: &str) -> Result<Option<DeviceView>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE device_id = ?")))
            .bind(device_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(view).transpose()
    }

    /// Every registered device, revoked ones included, by name.
    pub async fn devices(&self) -> Result<Vec<DeviceView>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY name, device_id")))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(view).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_are_short_stable_and_differ_per_key() {
        let a = fingerprint(&"ab".repeat(32));
        assert_eq!(a, fingerprint(&"AB".repeat(32).to_lowercase()));
        assert_eq!(a.len(), 24, "{a}");
        assert_eq!(a.split('-').count(), 5);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_digit() || ('A'..='F').contains(&c)), "{a}");
        assert_ne!(a, fingerprint(&"ac".repeat(32)));
    }
}
