//! PostgreSQL: the city's central store. Records only (desktops merge); one transaction per
//! batch, serialised per device by an advisory lock so two pushes of one series cannot race.
//! The device registry is the `devices` table (migration 0002 added role, enrolment, revocation).

use super::{AppendReport, RecordStore, Result, ServerHead, one_series};
use crate::devices::{Device, DeviceRegistry, Enrolment, Role, Scope, enrolled_origin, fingerprint_of, unknown};
use ansinh_store::{AnyCode, BundleOrigin, ChangeRecord, Placement, check_incoming, check_row, place};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};
use std::collections::HashMap;

pub struct PgRecords {
    pub pool: PgPool,
}

const DEVICE_COLS: &str = "device_id, role, ward, signing_key,
    to_char(coalesce(enrolled_at, first_seen) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
    to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

fn device_from(r: &PgRow) -> Result<Device> {
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

async fn device_in(conn: &mut PgConnection, device_id: &str, lock: &str) -> Result<Option<Device>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DEVICE_COLS} FROM devices WHERE device_id = $1 {lock}")))
        .bind(device_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(device_from)
        .transpose()
}

const COLS: &str = "device_id, seq, record_id, entity, entity_id, kind, schema_version, officer, recorded_at, payload, prev_hash, hash, base";

impl PgRecords {
    /// Connects and brings the schema up to date.
    pub async fn connect(options: PgConnectOptions) -> Result<PgRecords> {
        let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(PgRecords { pool })
    }
}

impl RecordStore for PgRecords {
    async fn append(&self, origin: &BundleOrigin, records: &[ChangeRecord]) -> Result<AppendReport> {
        one_series(origin, records)?;
        let by_device = check_incoming(records)?;
        let today = chrono::Local::now().date_naive();
        let mut report = AppendReport { received: records.len(), ..AppendReport::default() };
        let device = origin.device_id.as_str();
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(device).execute(&mut *tx).await?;
        // FOR SHARE: a revocation waits for this batch, and a batch after it sees it.
        enrolled_origin(device_in(&mut tx, device, "FOR SHARE").await?, origin)?;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM change_log WHERE device_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(device)
                .fetch_optional(&mut *tx)
                .await?;
        let (mut last_seq, mut last_hash) = head.unwrap_or((0, String::new()));
        let first = records.iter().map(|r| r.seq).min().unwrap_or(0);
        let have: HashMap<i64, String> =
            sqlx::query_as("SELECT seq, hash FROM change_log WHERE device_id = $1 AND seq >= $2 AND seq <= $3")
                .bind(device)
                .bind(first)
                .bind(last_seq)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        let mut new = Vec::new();
        for (seq, r) in by_device.into_values().flatten() {
            match place(r, last_seq, &last_hash, have.get(&seq).map(String::as_str))? {
                Placement::AlreadyHad => report.already_had += 1,
                Placement::Next => {
                    // The row passes the forms' rules before it is stored (the server holds no
                    // desktop's units or groups: each desktop checks the codes when it imports).
                    check_row(r, &AnyCode, today)?;
                    new.push(r);
                    last_seq = seq;
                    last_hash = r.hash.clone();
                }
                Placement::Gap(g) => {
                    report.gaps.push(g);
                    break;
                }
            }
        }
        // 13 binds a row: 2000 rows stay under PostgreSQL's 65535 parameters.
        for chunk in new.chunks(2000) {
            let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO change_log ({COLS}) "));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(&r.device_id)
                    .push_bind(r.seq)
                    .push_bind(&r.record_id)
                    .push_bind(r.entity.name())
                    .push_bind(&r.entity_id)
                    .push_bind(r.kind.as_str())
                    .push_bind(r.schema_version)
                    .push_bind(&r.officer)
                    .push_bind(&r.recorded_at)
                    .push_bind(&r.payload)
                    .push_bind(&r.prev_hash)
                    .push_bind(&r.hash)
                    .push_bind(&r.base);
            });
            q.build().execute(&mut *tx).await?;
        }
        report.applied = new.len();
        tx.commit().await?;
        Ok(report)
    }

    async fn heads(&self, scope: &Scope) -> Result<Vec<ServerHead>> {
        let ward = match scope {
            Scope::All => None,
            Scope::Ward(w) => Some(w.as_str()),
        };
        let rows = sqlx::query(
            "SELECT d.device_id, d.ward, d.signing_key, c.seq, c.hash FROM devices d
             JOIN LATERAL (SELECT seq, hash FROM change_log WHERE device_id = d.device_id ORDER BY seq DESC LIMIT 1) c
               ON true
             WHERE $1::text IS NULL OR (d.role = 'ward' AND d.ward = $1)
             ORDER BY d.device_id",
        )
        .bind(ward)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| ServerHead {
                device_id: r.get(0),
                ward: r.get(1),
                signing_key: r.get(2),
                last_seq: r.get(3),
                last_hash: r.get(4),
            })
            .collect())
    }

    async fn since(&self, device_id: &str, seq: i64, limit: usize) -> Result<Vec<ChangeRecord>> {
        Ok(sqlx::query_as::<_, ChangeRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM change_log WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        )))
        .bind(device_id)
        .bind(seq)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }
}

impl DeviceRegistry for PgRecords {
    async fn enrol(&self, e: &Enrolment) -> Result<Device> {
        let mut tx = self.pool.begin().await?;
        // Two enrolments at once cannot both claim one key.
        sqlx::query("LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
        let existing = device_in(&mut tx, &e.device_id, "").await?;
        let owner: Option<String> =
            sqlx::query_scalar("SELECT device_id FROM devices WHERE signing_key = $1 AND device_id <> $2 LIMIT 1")
                .bind(&e.signing_key)
                .bind(&e.device_id)
                .fetch_optional(&mut *tx)
                .await?;
        e.check(existing.as_ref(), owner.as_deref())?;
        sqlx::query(
            "INSERT INTO devices (device_id, signing_key, ward, role, enrolled_at) VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (device_id) DO UPDATE SET ward = EXCLUDED.ward, role = EXCLUDED.role, enrolled_at = now()",
        )
        .bind(&e.device_id)
        .bind(&e.signing_key)
        .bind(&e.ward)
        .bind(e.role.as_str())
        .execute(&mut *tx)
        .await?;
        let d = device_in(&mut tx, &e.device_id, "").await?.ok_or_else(|| unknown(&e.device_id))?;
        tx.commit().await?;
        Ok(d)
    }

    async fn revoke(&self, device_id: &str) -> Result<Device> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE device_id = $1")
            .bind(device_id)
            .execute(&mut *tx)
            .await?;
        let d = device_in(&mut tx, device_id, "").await?.ok_or_else(|| unknown(device_id))?;
        tx.commit().await?;
        Ok(d)
    }

    async fn device(&self, device_id: &str) -> Result<Option<Device>> {
        device_in(&mut *self.pool.acquire().await?, device_id, "").await
    }

    async fn devices(&self) -> Result<Vec<Device>> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DEVICE_COLS} FROM devices ORDER BY device_id")))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(device_from)
            .collect()
    }
}
