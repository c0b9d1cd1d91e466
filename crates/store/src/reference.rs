//! Reference data sent down by the city: administrative units, their old→new mapping,
//! allowance groups, standard levels and providers never travel in a ward's series of change
//! records. When the city must send them, they go as their own signed, versioned file that only
//! a device registered here as the city office may sign (`ansinh_exchange::reference` signs and
//! checks the signature; this module reads the tables out and applies a checked file).
//! Applying is all-or-nothing, upserts every row (a code in use is never deleted), refuses a
//! version not newer than the last one applied from that office, and is audited.

use crate::audit::{self, AuditEvent};
use crate::error::{Result, StoreError};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeMap;

/// The closed set of reference tables a city file may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefTable {
    AdminUnits,
    AdminUnitHistory,
    AdminUnitMappings,
    AllowanceGroups,
    GroupCoefficients,
    StandardLevels,
    Providers,
}

impl RefTable {
    /// Parents first (units before their mapping).
    pub const ALL: [RefTable; 7] = [
        RefTable::AdminUnits,
        RefTable::AdminUnitHistory,
        RefTable::AdminUnitMappings,
        RefTable::AllowanceGroups,
        RefTable::GroupCoefficients,
        RefTable::StandardLevels,
        RefTable::Providers,
    ];

    pub const fn table(self) -> &'static str {
        match self {
            RefTable::AdminUnits => "admin_units",
            RefTable::AdminUnitHistory => "admin_unit_history",
            RefTable::AdminUnitMappings => "admin_unit_mappings",
            RefTable::AllowanceGroups => "allowance_groups",
            RefTable::GroupCoefficients => "group_coefficients",
            RefTable::StandardLevels => "standard_levels",
            RefTable::Providers => "providers",
        }
    }

    /// The key columns (a row with the same key is replaced).
    pub const fn key(self) -> &'static [&'static str] {
        match self {
            RefTable::AdminUnits => &["code"],
            RefTable::AdminUnitHistory => &["code", "valid_to"],
            RefTable::AdminUnitMappings => &["old_code", "new_code"],
            RefTable::AllowanceGroups => &["code"],
            RefTable::GroupCoefficients => &["group_code", "effective_from"],
            RefTable::StandardLevels => &["scheme", "area", "kind", "effective_from"],
            RefTable::Providers => &["channel", "code"],
        }
    }
}

/// What a reference file says (the signed body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceBody {
    pub format: u32,
    pub issuer_device: String,
    pub issuer_signing_key: String,
    /// Grows with each file the office issues; a desktop applies only newer ones.
    pub version: i64,
    /// Information only.
    pub issued_at: String,
    pub tables: BTreeMap<RefTable, Vec<Map<String, Value>>>,
}

/// What applying a file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReferenceReport {
    pub version: i64,
    /// Rows written per table.
    pub rows: BTreeMap<String, usize>,
}

pub const REFERENCE_FORMAT: u32 = 1;
const ISSUED_SETTING: &str = "reference.issued_version";

fn refused(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new("reference", code, message))
}

impl Store {
    /// This desktop's reference tables as the body of its next file (the city office only: a
    /// ward has nothing to send down). The version grows by one with every file issued.
    pub async fn reference_body(&self, issuer_signing_key: &str) -> Result<ReferenceBody> {
        if !self.is_city_office().await? {
            return Err(refused(ErrorCode::ReferenceNotCity, "only the city office's desktop issues reference files"));
        }
        let version = self.setting(ISSUED_SETTING).await?.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
        let mut tables = BTreeMap::new();
        let mut conn = self.reader.acquire().await?;
        for t in RefTable::ALL {
            let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(t.table())
                .fetch_all(&mut *conn)
                .await?;
            let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
            let sql =
                format!("SELECT json_object({}) FROM {} ORDER BY {}", pairs.join(", "), t.table(), t.key().join(", "));
            let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
            let rows = rows
                .iter()
                .map(|r| {
                    serde_json::from_str::<Map<String, Value>>(r)
                        .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.into())))
                })
                .collect::<Result<Vec<_>>>()?;
            tables.insert(t, rows);
        }
        self.set_setting(ISSUED_SETTING, &version.to_string()).await?;
        Ok(ReferenceBody {
            format: REFERENCE_FORMAT,
            issuer_device: self.device_id(),
            issuer_signing_key: issuer_signing_key.to_string(),
            version,
            issued_at: now(),
            tables,
        })
    }

    /// Applies a reference file whose signature the caller checked against
    /// `body.issuer_signing_key`: the issuer must be registered here as the city office with that
    /// key, the version newer than the last applied from it; every row must be a row of its
    /// table. All or nothing.
    pub async fn apply_reference(&self, body: &ReferenceBody) -> Result<ReferenceReport> {
        if body.format != REFERENCE_FORMAT {
            return Err(refused(
                ErrorCode::ReferenceFormat,
                format!("reference file format {} is not supported", body.format),
            ));
        }
        let mut tx = self.begin_checked().await?;
        // A group may name a successor listed after it: references are checked at commit.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
        let issuer = crate::devices::check_sender(&mut tx, &body.issuer_device, &body.issuer_signing_key).await?;
        if issuer.role != crate::DeviceRole::City {
            return Err(refused(ErrorCode::ReferenceNotCity, "only the city office may send reference data"));
        }
        let applied: Option<i64> = sqlx::query_scalar("SELECT version FROM reference_versions WHERE issuer = ?")
            .bind(&body.issuer_device)
            .fetch_optional(&mut *tx)
            .await?;
        if applied.is_some_and(|v| body.version <= v) {
            return Err(StoreError::Conflict(
                FieldError::new(
                    "reference",
                    ErrorCode::ReferenceStale,
                    "this reference file is not newer than the one applied",
                )
                .param("version", body.version)
                .param("applied", applied.unwrap_or(0)),
            ));
        }
        let mut rows = BTreeMap::new();
        for t in RefTable::ALL {
            let Some(list) = body.tables.get(&t) else { continue };
            let cols: Vec<(String, bool)> = sqlx::query(
                "SELECT name, \"notnull\" AND dflt_value IS NULL AS required FROM pragma_table_info(?) ORDER BY cid",
            )
            .bind(t.table())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("required")?)))
            .collect::<Result<_>>()?;
            for (i, row) in list.iter().enumerate() {
                let bad = |why: String| {
                    StoreError::Conflict(
                        FieldError::new("reference", ErrorCode::ReferenceInvalidRow, why)
                            .param("table", t.table())
                            .param("row", i + 1),
                    )
                };
                if let Some(c) = row.keys().find(|c| !cols.iter().any(|(n, _)| n == *c)) {
                    return Err(bad(format!("{}: no column {c}", t.table())));
                }
                if let Some((c, _)) = cols.iter().find(|(c, req)| *req && row.get(c).is_none_or(Value::is_null)) {
                    return Err(bad(format!("{}: {c} is required", t.table())));
                }
                if let Some((c, _)) = row.iter().find(|(_, v)| v.is_array() || v.is_object()) {
                    return Err(bad(format!("{}: {c} is not a plain value", t.table())));
                }
                let names: Vec<&String> = row.keys().collect();
                let set: Vec<String> = names
                    .iter()
                    .filter(|c| !t.key().contains(&c.as_str()))
                    .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                    .collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO {}",
                    t.table(),
                    names.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
                    vec!["?"; names.len()].join(", "),
                    t.key().join(", "),
                    if set.is_empty() { "NOTHING".to_string() } else { format!("UPDATE SET {}", set.join(", ")) },
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for v in row.values() {
                    q = match v {
                        Value::Null => q.bind(None::<String>),
                        Value::Bool(b) => q.bind(i64::from(*b)),
                        Value::Number(n) => match n.as_i64() {
                            Some(i) => q.bind(i),
                            None => return Err(bad(format!("{}: {n} is not a whole number", t.table()))),
                        },
                        Value::String(s) => q.bind(s.clone()),
                        _ => unreachable!("checked above"),
                    };
                }
                // STRICT tables and their CHECKs refuse a wrong type or value: the file is refused.
                q.execute(&mut *tx).await.map_err(|e| bad(format!("{}: {e}", t.table())))?;
            }
            rows.insert(t.table().to_string(), list.len());
        }
        sqlx::query(
            "INSERT INTO reference_versions (issuer, version, applied_at) VALUES (?, ?, ?)
             ON CONFLICT (issuer) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at",
        )
        .bind(&body.issuer_device)
        .bind(body.version)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let actor = self.officer();
        let event = AuditEvent {
            actor: &actor,
            action: "reference.import",
            entity: Some("devices"),
            entity_id: Some(&body.issuer_device),
            details: serde_json::json!({ "version": body.version, "rows": rows }),
        };
        audit::append(&mut tx, &event).await?;
        tx.commit().await.map_err(|e| match e.as_database_error() {
            Some(d) if d.is_foreign_key_violation() => StoreError::Conflict(FieldError::new(
                "reference",
                ErrorCode::ReferenceInvalidRow,
                format!("a row refers to a code that does not exist: {e}"),
            )),
            _ => e.into(),
        })?;
        *self.refs_cache.lock().expect("refs cache lock") = None;
        Ok(ReferenceReport { version: body.version, rows })
    }
}
