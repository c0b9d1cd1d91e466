//! PostgreSQL: the city's central store. Records only (desktops merge); one transaction per
//! batch, serialised per device by an advisory lock so two pushes of one series cannot race.

use super::{AppendReport, RecordStore, Result, ServerHead, one_series};
use crate::RecordError;
use ansinh_store::{BundleOrigin, ChangeRecord, Placement, check_incoming, place};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use std::collections::HashMap;

pub struct PgRecords {
    pub pool: PgPool,
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
        let mut report = AppendReport { received: records.len(), ..AppendReport::default() };
        let device = origin.device_id.as_str();
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(device).execute(&mut *tx).await?;
        let pinned: Option<String> = sqlx::query_scalar("SELECT signing_key FROM devices WHERE device_id = $1")
            .bind(device)
            .fetch_optional(&mut *tx)
            .await?;
        match pinned {
            Some(k) if k != origin.signing_key => {
                return Err(RecordError::refused(
                    "exchange.key_mismatch",
                    "this device signed earlier records with another key",
                ));
            }
            Some(_) => {}
            None => {
                sqlx::query("INSERT INTO devices (device_id, signing_key, ward) VALUES ($1, $2, $3)")
                    .bind(device)
                    .bind(&origin.signing_key)
                    .bind(&origin.ward)
                    .execute(&mut *tx)
                    .await?;
            }
        }
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

    async fn heads(&self) -> Result<Vec<ServerHead>> {
        let rows = sqlx::query(
            "SELECT d.device_id, d.ward, d.signing_key, c.seq, c.hash FROM devices d
             JOIN LATERAL (SELECT seq, hash FROM change_log WHERE device_id = d.device_id ORDER BY seq DESC LIMIT 1) c
               ON true
             ORDER BY d.device_id",
        )
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

    async fn since(&self, device_id: &str, seq: i64) -> Result<Vec<ChangeRecord>> {
        Ok(sqlx::query_as::<_, ChangeRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM change_log WHERE device_id = $1 AND seq > $2 ORDER BY seq"
        )))
        .bind(device_id)
        .bind(seq)
        .fetch_all(&self.pool)
        .await?)
    }
}
