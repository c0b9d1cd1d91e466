//! Hostile signed batches from an enrolled ward device, built here from the documented format
//! (records hashed and chained by hand, the manifest signed with the device's own key), pushed
//! to a running server: a record of a desktop-local or reference table, an alias, a row whose
//! key is not the record's, an 11-digit ID number, a negative amount. Each is refused with its
//! code, and every table the server holds is byte-identical before and after, on PostgreSQL and
//! on SQLite.

mod support;
use ansinh_core::ErrorCode;
use ansinh_exchange::{Manifest, SignedBatch};
use ansinh_server::{PgRecords, RecordStore};
use ansinh_store::WireRecord;
use ansinh_sync::sync;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use support::desks::Desk;
use support::{enrol, post};

/// `records` continuing `desk`'s series (hashed and chained by hand), in a batch signed with the
/// desk's key.
async fn batch(desk: &Desk, records: &[Forged<'_>]) -> SignedBatch {
    use ed25519_dalek::Signer;
    let own = desk.store.changes_since(&desk.keys.device_id, 0).await.unwrap();
    let last = own.last().unwrap();
    let (mut seq, mut prev) = (last.seq, last.hash.clone());
    let mut wire = Vec::new();
    for (entity, id, payload) in records {
        seq += 1;
        let record_id = uuid::Uuid::now_v7().to_string();
        let payload = payload.to_string();
        let mut h = Sha256::new();
        let s = seq.to_string();
        for part in [prev.as_str(), &desk.keys.device_id, &s, &record_id, entity, id, "insert", &payload] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let hash = hex::encode(h.finalize());
        wire.push(WireRecord {
            device_id: desk.keys.device_id.clone(),
            seq,
            record_id,
            entity: entity.to_string(),
            entity_id: id.clone(),
            kind: "insert".into(),
            schema_version: 3,
            officer: "x".into(),
            recorded_at: "2026-11-20T08:00:00Z".into(),
            payload,
            prev_hash: prev.clone(),
            hash: hash.clone(),
            base: String::new(),
        });
        prev = hash;
    }
    let mut lines = Vec::new();
    let mut counts = BTreeMap::new();
    for r in &wire {
        lines.extend(serde_json::to_vec(r).unwrap());
        lines.push(b'\n');
        *counts.entry(r.entity.clone()).or_default() += 1;
    }
    let secret = desk.store.setting("exchange.signing_key").await.unwrap().unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&hex::decode(secret).unwrap().try_into().unwrap());
    let manifest = Manifest {
        format: 1,
        schema_version: 3,
        device_id: desk.keys.device_id.clone(),
        ward: "00004".into(),
        signing_key: hex::encode(key.verifying_key().to_bytes()),
        first_seq: wire[0].seq,
        last_seq: seq,
        records: wire.len(),
        counts,
        payload_hash: hex::encode(Sha256::digest(&lines)),
        created_at: "unix:0".into(),
        audit: None,
    };
    let manifest_json = serde_json::to_string(&manifest).unwrap();
    let signature = hex::encode(key.sign(&[&b"ansinh-batch-v1\0"[..], manifest_json.as_bytes()].concat()).to_bytes());
    SignedBatch { manifest, manifest_json, signature, records: wire }
}

fn person(desk: &Desk, id: &str, id_number: &str) -> Value {
    json!({
        "id": id, "full_name": "Nguyễn Thị Ánh", "name_key": "nguyen thi anh", "name_lower": "nguyễn thị ánh",
        "sort_key": "anh nguyen thi anh", "birth_date": "1941-03-05", "birth_year": 1941, "sex": "female",
        "id_number": id_number, "legacy_id_number": null, "id_override_reason": "", "ward_code": "00004",
        "residential_group": "", "phone": "", "group_code": "cao_tuoi_ngheo_80", "disability": "none",
        "lives_alone": 0, "limited_mobility": 0, "vision_hearing": 0, "no_smartphone": 0, "bedridden": 0,
        "authorised_name": "", "authorised_id_number": "", "authorised_relation": "", "duplicate_reason": "",
        "legal_basis": null,
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": desk.keys.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": desk.keys.device_id,
    })
}

fn payment(desk: &Desk, id: &str, person: &str, amount: i64) -> Value {
    json!({
        "id": id, "period": "2026-10", "beneficiary_id": person, "account_id": null, "channel": "cash",
        "amount_vnd": amount, "status": "credited", "scheduled_on": null, "credited_on": "2026-10-01",
        "failure_reason": "", "reference": null,
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": desk.keys.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": desk.keys.device_id,
    })
}

/// A forged record: (entity, entity id, payload).
type Forged<'a> = (&'a str, String, Value);

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Pushes each hostile batch and checks its code and that `dump` did not move.
async fn hostile<S: RecordStore, F, Fut>(server: S, dump: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let server = Arc::new(server);
    let base = &support::spawn(server.clone()).await;
    let w1 = Desk::new().await;
    enrol(&server, &w1, "00004").await;
    w1.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    assert!(sync(&w1.store, &w1.keys, base).await.unwrap().pushed > 0);
    let (p, other) = (id(), id());
    let cases: Vec<(ErrorCode, Vec<Forged>)> = vec![
        (
            ErrorCode::ExchangeUnknownEntity,
            vec![(
                "allowance_groups",
                "cao_tuoi_ngheo_80".into(),
                json!({"code": "cao_tuoi_ngheo_80", "coefficient_permille": 9000}),
            )],
        ),
        (
            ErrorCode::ExchangeUnknownEntity,
            vec![("settings", "office".into(), json!({"key": "office", "value": "city"}))],
        ),
        (ErrorCode::ExchangeUnknownEntity, vec![("users", "u".into(), json!({"id": "u", "role": "admin"}))]),
        (ErrorCode::ExchangeUnknownEntity, vec![("devices", "d".into(), json!({"device_id": "d", "role": "city"}))]),
        (
            ErrorCode::ExchangeUnknownEntity,
            vec![("server_devices", "d".into(), json!({"device_id": "d", "role": "city"}))],
        ),
        (ErrorCode::ExchangeUnknownEntity, vec![("beneficiaries", p.clone(), person(&w1, &p, "001141012345"))]),
        (ErrorCode::ExchangePayloadMismatch, vec![("beneficiary", other.clone(), person(&w1, &p, "001141012345"))]),
        (ErrorCode::ExchangeInvalidRow, vec![("beneficiary", p.clone(), person(&w1, &p, "00114101234"))]),
        (
            ErrorCode::ExchangeInvalidRow,
            vec![
                ("beneficiary", p.clone(), person(&w1, &p, "001141012345")),
                (
                    "cycle",
                    "2026-10".into(),
                    json!({"period": "2026-10", "scheduled_on": "2026-10-05", "closed_at": null}),
                ),
                ("payment", other.clone(), payment(&w1, &other, &p, -500_000)),
            ],
        ),
    ];
    for (code, records) in cases {
        let before = dump().await;
        let b = batch(&w1, &records).await;
        let resp = post(&w1.keys, base, "/v1/records", &b).await;
        let status = resp.status().as_u16();
        let got = resp.json::<ansinh_server::http::Refusal>().await.unwrap().code;
        assert_eq!(got, code, "{:?}", records.iter().map(|r| r.0).collect::<Vec<_>>());
        assert!(status == 400 || status == 409, "{status}");
        assert_eq!(dump().await, before, "{code}: nothing changed on the server");
    }
}

/// Every table of the server's PostgreSQL schema, rows as JSON text in a fixed order.
async fn pg_dump(pool: &sqlx::PgPool) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = String::new();
    for t in tables {
        let sql = format!("SELECT row_to_json(x)::text FROM \"{t}\" x ORDER BY 1");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap();
        out.push_str(&format!("## {t}\n{}\n", rows.join("\n")));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_hostile_batches_and_changes_nothing() {
    let Some(options) = support::pg_options().await else { return };
    let server = PgRecords::connect(options).await.unwrap();
    let pool = server.pool.clone();
    hostile(server, || pg_dump(&pool)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_refuses_hostile_batches_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    let store = ansinh_store::Store::open(&path).await.unwrap();
    let server = ansinh_server::SqliteRecords::open(store).await.unwrap();
    let reader = ansinh_store::Store::open(&path).await.unwrap();
    let reader = Arc::new(reader);
    hostile(server, || {
        let r = reader.clone();
        async move { r.dump_every_table().await.unwrap() }
    })
    .await;
}
