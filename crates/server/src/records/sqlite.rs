//! SQLite: a desktop database used as the central store. Appending is a bundle import
//! (`Store::import_changes`), so the records are also merged into its tables. The server's
//! device registry is its own table in that file (`server_devices`), apart from the desktop's
//! own bookkeeping, read and written through the server's own connection.

use super::{AppendReport, RecordStore, Result, ServerHead, one_series};
use crate::devices::{Device, DeviceRegistry, Enrolment, Role, Scope, enrolled_origin, fingerprint_of, unknown};
use ansinh_store::{BundleOrigin, ChangeRecord, Store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqlitePool};
use std::time::Duration;

pub struct SqliteRecords {
    pub store: Store,
    /// The server's own connection to the same file: the registry and paged reads.
    pool: SqlitePool,
}

const REGISTRY: &str = "CREATE TABLE IF NOT EXISTS server_devices (
    device_id   TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('ward', 'city')),
    ward        TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
)";

const DEVICE_COLS: &str = "device_id, role, ward, signing_key, enrolled_at, revoked_at";
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

fn device_from(r: &SqliteRow) -> Result<Device> {
    let key: String = r.get(3);
    Ok(Device {
        device_id: r.get(0),
        role: Role::parse(r.get(1))?,
        ward: r.get(2),
        fingerprint: fingerprint_of(&key),
        signing_key: key,
        enrolled_at: r.get(4),
        revoked_at: r.get(5),
    })
}

impl SqliteRecords {
    /// The central store on a desktop database (plain, as `Store::open` opens it); creates the
    /// registry table if the file has none yet.
    pub async fn open(store: Store) -> Result<SqliteRecords> {
        let options = SqliteConnectOptions::new()
            .filename(store.path())
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await?;
        sqlx::query(REGISTRY).execute(&pool).await?;
        Ok(SqliteRecords { store, pool })
    }
}

impl RecordStore for SqliteRecords {
    async fn append(&self, origin: &BundleOrigin, records: &[ChangeRecord]) -> Result<AppendReport> {
        // The server enrolled and authenticated the sender: the store takes the ward and key it
        // states (its own registry of bundle senders is for files). Records naming the server's
        // registry table never get here: it is not a shipped entity (`ansinh_store::Entity`).
        let origin = BundleOrigin {
            via: ansinh_store::Via::Server,
            ..enrolled_origin(self.device(&origin.device_id).await?, origin)?
        };
        one_series(&origin, records)?;
        let r = self.store.import_changes(records, Some(&origin), false).await?;
        Ok(AppendReport { received: r.received, applied: r.applied, already_had: r.already_had, gaps: r.gaps })
    }

    async fn heads(&self, scope: &Scope) -> Result<Vec<ServerHead>> {
        let enrolled = self.devices().await?;
        // Series that reached this desktop by bundle from devices not enrolled here: the city only.
        let peers = self.store.peers().await?;
        Ok(self
            .store
            .series_heads()
            .await?
            .into_iter()
            .filter_map(|h| {
                let (ward, signing_key) = match enrolled.iter().find(|d| d.device_id == h.device_id) {
                    Some(d)
                        if *scope == Scope::All || (d.role == Role::Ward && *scope == Scope::Ward(d.ward.clone())) =>
                    {
                        (d.ward.clone(), d.signing_key.clone())
                    }
                    Some(_) => return None,
                    None if *scope == Scope::All => {
                        let peer = peers.iter().find(|p| p.device_id == h.device_id);
                        (
                            peer.map(|p| p.ward.clone()).unwrap_or_default(),
                            peer.map(|p| p.signing_key.clone()).unwrap_or_default(),
                        )
                    }
                    None => return None,
                };
                Some(ServerHead {
                    ward,
                    signing_key,
                    device_id: h.device_id,
                    last_seq: h.last_seq,
                    last_hash: h.last_hash,
                })
            })
            .collect())
    }

    async fn since(&self, device_id: &str, seq: i64, limit: usize) -> Result<Vec<ChangeRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(ansinh_store::changes_since(&mut *self.pool.acquire().await?, device_id, seq, limit).await?)
    }
}

impl DeviceRegistry for SqliteRecords {
    async fn enrol(&self, e: &Enrolment) -> Result<Device> {
        let mut tx = self.pool.begin().await?;
        let existing =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DEVICE_COLS} FROM server_devices WHERE device_id = ?")))
                .bind(&e.device_id)
                .fetch_optional(&mut *tx)
                .await?
                .as_ref()
                .map(device_from)
                .transpose()?;
        let owner: Option<String> =
            sqlx::query_scalar("SELECT device_id FROM server_devices WHERE signing_key = ? AND device_id <> ? LIMIT 1")
                .bind(&e.signing_key)
                .bind(&e.device_id)
                .fetch_optional(&mut *tx)
                .await?;
        e.check(existing.as_ref(), owner.as_deref())?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO server_devices (device_id, role, ward, signing_key, enrolled_at) VALUES (?, ?, ?, ?, {NOW})
             ON CONFLICT (device_id) DO UPDATE SET role = excluded.role, ward = excluded.ward, enrolled_at = {NOW}"
        )))
        .bind(&e.device_id)
        .bind(e.role.as_str())
        .bind(&e.ward)
        .bind(&e.signing_key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.device(&e.device_id).await?.ok_or_else(|| unknown(&e.device_id))
    }

    async fn revoke(&self, device_id: &str) -> Result<Device> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE server_devices SET revoked_at = coalesce(revoked_at, {NOW}) WHERE device_id = ?"
        )))
        .bind(device_id)
        .execute(&self.pool)
        .await?;
        self.device(device_id).await?.ok_or_else(|| unknown(device_id))
    }

    async fn device(&self, device_id: &str) -> Result<Option<Device>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DEVICE_COLS} FROM server_devices WHERE device_id = ?")))
            .bind(device_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(device_from)
            .transpose()
    }

    async fn devices(&self) -> Result<Vec<Device>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DEVICE_COLS} FROM server_devices ORDER BY device_id")))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(device_from)
            .collect()
    }
}
