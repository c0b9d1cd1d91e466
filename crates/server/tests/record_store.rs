//! The RecordStore and DeviceRegistry contracts, run against SQLite and PostgreSQL alike: the
//! same idempotency and chain checks as a bundle import, only enrolled devices append, reads
//! scoped by ward and paged; enrolment rules.

mod support;
use ansinh_core::ErrorCode;
use ansinh_exchange::{sign_batch, verify_batch};
use ansinh_server::{DeviceRegistry, Enrolment, RecordStore, Role, Scope, ServerHead};
use ansinh_store::{BundleOrigin, ChangeRecord, Gap};
use support::desks::Desk;
use support::{enrol, key_file};

async fn origin(desk: &Desk, records: &[ChangeRecord]) -> BundleOrigin {
    verify_batch(&sign_batch(&desk.store, &desk.keys, records.to_vec()).await.unwrap()).unwrap().0.origin()
}

fn rehash(mut r: ChangeRecord) -> ChangeRecord {
    r.hash = r.computed_hash();
    r
}

async fn contract<S: RecordStore>(s: &S) {
    let a = Desk::new().await;
    let x = a.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    a.pay(&x, "2026-10").await;
    a.person("Hoàng Thị Yến", 1941, 102, "00004").await;
    let ra = a.store.changes_since(&a.keys.device_id, 0).await.unwrap();
    let n = ra.len();
    assert!(n >= 3, "{n}");
    let oa = origin(&a, &ra).await;

    // Not enrolled: nothing is stored. Enrolled for 00004, what the manifest says of its ward
    // does not count.
    let e = s.append(&oa, &ra).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerUnknownDevice, "{e}");
    assert!(s.heads(&Scope::All).await.unwrap().is_empty());
    enrol(s, &a, "00004").await;
    let oa = BundleOrigin { ward: "99999".into(), ..oa };

    // Appends, overlapping appends and replays: only what is new is stored.
    let r = s.append(&oa, &ra[..2]).await.unwrap();
    assert_eq!((r.applied, r.already_had), (2, 0));
    let r = s.append(&oa, &ra).await.unwrap();
    assert_eq!((r.applied, r.already_had, r.received), (n - 2, 2, n));
    let r = s.append(&oa, &ra).await.unwrap();
    assert_eq!((r.applied, r.already_had), (0, n));
    assert_eq!(s.since(&a.keys.device_id, 0, 5000).await.unwrap(), ra);
    assert_eq!(s.since(&a.keys.device_id, 2, 5000).await.unwrap(), ra[2..]);
    assert_eq!(s.since(&a.keys.device_id, 0, 2).await.unwrap(), ra[..2]);
    assert_eq!(s.since(&a.keys.device_id, 1, 1).await.unwrap(), ra[1..2]);
    let head = ServerHead {
        device_id: a.keys.device_id.clone(),
        ward: "00004".into(),
        signing_key: oa.signing_key.clone(),
        last_seq: ra[n - 1].seq,
        last_hash: ra[n - 1].hash.clone(),
    };
    assert_eq!(s.heads(&Scope::All).await.unwrap(), vec![head.clone()]);

    // A gap: nothing past the hole is stored.
    let b = Desk::new().await;
    for (i, name) in ["Đặng Thị Lan", "Bùi Thị Mai", "Mai Thị Nga"].into_iter().enumerate() {
        b.person(name, 1943, 201 + i as u32, "00008").await;
    }
    let rb = b.store.changes_since(&b.keys.device_id, 0).await.unwrap();
    let ob = origin(&b, &rb).await;
    enrol(s, &b, "00008").await;
    let r = s.append(&ob, &rb[2..]).await.unwrap();
    assert_eq!(r.applied, 0);
    assert_eq!(r.gaps, vec![Gap { device_id: b.keys.device_id.clone(), expected_seq: 1, found_seq: 3 }]);
    assert!(s.since(&b.keys.device_id, 0, 5000).await.unwrap().is_empty());

    // Refusals change nothing: a tampered record, a broken chain, a second version of a seq,
    // another key for a known device, a record of another device in the batch.
    a.set_phone(&x, "0901111111").await;
    let next = a.store.changes_since(&a.keys.device_id, ra[n - 1].seq).await.unwrap();
    let mut tampered = next.clone();
    tampered[0].payload = tampered[0].payload.replace("0901111111", "0909999999");
    let broken = vec![rehash(ChangeRecord { prev_hash: "00".repeat(32), ..next[0].clone() })];
    let fork = vec![rehash(ChangeRecord { payload: ra[0].payload.replace("Xuân", "Xuan"), ..ra[0].clone() })];
    let other_key = BundleOrigin { signing_key: ob.signing_key.clone(), ..oa.clone() };
    for (records, origin, code) in [
        (&tampered, &oa, ErrorCode::ExchangeTampered),
        (&broken, &oa, ErrorCode::ExchangeChainBroken),
        (&fork, &oa, ErrorCode::ExchangeFork),
        (&next, &other_key, ErrorCode::ExchangeKeyMismatch),
        (&rb, &oa, ErrorCode::ExchangeDamaged),
    ] {
        let e = s.append(origin, records).await.unwrap_err();
        assert_eq!(e.code(), code, "{e}");
    }
    assert_eq!(s.heads(&Scope::All).await.unwrap(), vec![head.clone()]);
    assert_eq!(s.since(&a.keys.device_id, 0, 5000).await.unwrap(), ra);

    // The genuine next record still follows.
    let r = s.append(&oa, &next).await.unwrap();
    assert_eq!(r.applied, next.len());
    let r = s.append(&ob, &rb).await.unwrap();
    assert_eq!(r.applied, rb.len());
    let heads = s.heads(&Scope::All).await.unwrap();
    assert_eq!(heads.len(), 2);
    assert!(heads.iter().any(|h| h.device_id == b.keys.device_id && h.ward == "00008" && h.last_seq == 3));

    // A ward sees its own ward's series only.
    let ids = |heads: Vec<ServerHead>| heads.into_iter().map(|h| h.device_id).collect::<Vec<_>>();
    assert_eq!(ids(s.heads(&Scope::Ward("00004".into())).await.unwrap()), [a.keys.device_id.as_str()]);
    assert_eq!(ids(s.heads(&Scope::Ward("00008".into())).await.unwrap()), [b.keys.device_id.as_str()]);
    assert!(s.heads(&Scope::Ward("00025".into())).await.unwrap().is_empty());

    // Revoked: refused from now on, its records stay readable.
    s.revoke(&b.keys.device_id).await.unwrap();
    b.person("Lý Thị Oanh", 1946, 204, "00008").await;
    let more = b.store.changes_since(&b.keys.device_id, 3).await.unwrap();
    let e = s.append(&origin(&b, &more).await, &more).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerRevokedDevice, "{e}");
    assert_eq!(s.since(&b.keys.device_id, 0, 5000).await.unwrap(), rb);
    // A device enrolled for another ward no longer shows in its old ward.
    s.enrol(&Enrolment::from_public_keys(&key_file(&a, "00070"), false).unwrap()).await.unwrap();
    assert!(s.heads(&Scope::Ward("00004".into())).await.unwrap().is_empty());
    assert_eq!(ids(s.heads(&Scope::Ward("00070".into())).await.unwrap()), [a.keys.device_id.as_str()]);
}

/// Enrolment: only a well-formed key file, a ward unless the city, one key per device and one
/// device per key, a revoked device stays revoked.
async fn registry<R: DeviceRegistry>(r: &R) {
    let (a, b) = (Desk::new().await, Desk::new().await);
    let file = |desk: &Desk, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&key_file(desk, "00004")).unwrap();
        edit(&mut v);
        v.to_string()
    };
    let bad_files = [
        ("not json".to_string(), false, ErrorCode::ServerBadKeyFile),
        ("{}".to_string(), false, ErrorCode::ServerBadKeyFile),
        (file(&a, &|v| v["device_id"] = "a:1,b:2".into()), false, ErrorCode::ServerBadKeyFile),
        (file(&a, &|v| v["device_id"] = a.keys.device_id.to_uppercase().into()), false, ErrorCode::ServerBadKeyFile),
        (file(&a, &|v| v["signing_key"] = "abcd".into()), false, ErrorCode::ServerBadKeyFile),
        (file(&a, &|v| v["signing_key"] = "zz".repeat(32).into()), true, ErrorCode::ServerBadKeyFile),
        (file(&a, &|v| v["ward"] = "".into()), false, ErrorCode::ServerNoWard),
        (file(&a, &|v| v["ward"] = "00004'; --".into()), false, ErrorCode::ServerNoWard),
    ];
    for (text, city, code) in bad_files {
        assert_eq!(Enrolment::from_public_keys(&text, city).unwrap_err().code(), code, "{text}");
    }

    let d = r.enrol(&Enrolment::from_public_keys(&key_file(&a, " 00004 "), false).unwrap()).await.unwrap();
    let key = a.keys.public("").signing_key;
    assert_eq!((d.role, d.ward.as_str(), d.signing_key.as_str()), (Role::Ward, "00004", key.as_str()));
    assert_eq!(d.fingerprint, ansinh_exchange::fingerprint(&key).unwrap());
    assert!(d.revoked_at.is_none() && !d.enrolled_at.is_empty());
    assert_eq!(r.device(&a.keys.device_id).await.unwrap(), Some(d.clone()));
    // With --city the file's ward does not count; enrolling again updates the role.
    let c = r.enrol(&Enrolment::from_public_keys(&key_file(&a, "00004"), true).unwrap()).await.unwrap();
    assert_eq!((c.role, c.ward.as_str()), (Role::City, ""));

    // b's device id with a's key, a's device id with b's key.
    let stolen_key = file(&b, &|v| v["signing_key"] = key.clone().into());
    let e = r.enrol(&Enrolment::from_public_keys(&stolen_key, false).unwrap()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerKeyInUse);
    let other_key = file(&a, &|v| v["signing_key"] = b.keys.public("").signing_key.into());
    let e = r.enrol(&Enrolment::from_public_keys(&other_key, false).unwrap()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ExchangeKeyMismatch);
    enrol(r, &b, "00008").await;

    let revoked = r.revoke(&a.keys.device_id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let e = r.enrol(&Enrolment::from_public_keys(&key_file(&a, "00004"), false).unwrap()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerRevokedDevice);
    assert_eq!(
        r.revoke("0190a1b2-0000-7000-8000-000000000000").await.unwrap_err().code(),
        ErrorCode::ServerUnknownDevice
    );

    let mut ids = vec![a.keys.device_id.clone(), b.keys.device_id.clone()];
    ids.sort();
    let all = r.devices().await.unwrap();
    assert_eq!(all.iter().map(|d| d.device_id.clone()).collect::<Vec<_>>(), ids);
    assert!(all.iter().any(|d| d.device_id == a.keys.device_id && d.revoked_at.is_some() && d.role == Role::City));
}

#[tokio::test]
async fn sqlite_registry_enrols_by_the_rules() {
    let (s, _dir) = support::sqlite().await;
    registry(&s).await;
}

#[tokio::test]
async fn postgres_registry_enrols_by_the_rules() {
    let Some(s) = support::pg().await else { return };
    registry(&s).await;
}

#[tokio::test]
async fn sqlite_record_store_checks_like_a_bundle_import() {
    let (s, _dir) = support::sqlite().await;
    contract(&s).await;
}

#[tokio::test]
async fn postgres_record_store_checks_like_a_bundle_import() {
    let Some(s) = support::pg().await else { return };
    contract(&s).await;
}

/// Rows pinned on first use before enrolment existed (migration 0001) stay readable by the city
/// after migration 0002; their device is refused until an administrator enrols its key.
#[tokio::test]
async fn postgres_rows_pinned_before_enrolment_stay_readable_and_their_device_is_refused() {
    let Some(options) = support::pg_options().await else { return };
    let a = Desk::new().await;
    a.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    let ra = a.store.changes_since(&a.keys.device_id, 0).await.unwrap();
    let key = a.keys.public("").signing_key;
    let old = sqlx::PgPool::connect_with(options.clone()).await.unwrap();
    sqlx::migrate!("./migrations").run_to(1, &old).await.unwrap();
    sqlx::query("INSERT INTO devices (device_id, signing_key, ward) VALUES ($1, $2, '00004')")
        .bind(&a.keys.device_id)
        .bind(&key)
        .execute(&old)
        .await
        .unwrap();
    for r in &ra {
        sqlx::query(
            "INSERT INTO change_log (device_id, seq, record_id, entity, entity_id, kind, schema_version, officer,
                 recorded_at, payload, prev_hash, hash, base) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&r.device_id)
        .bind(r.seq)
        .bind(&r.record_id)
        .bind(r.entity.name())
        .bind(&r.entity_id)
        .bind(r.kind.as_str())
        .bind(r.schema_version)
        .bind(&r.officer)
        .bind(&r.recorded_at)
        .bind(&r.payload)
        .bind(&r.prev_hash)
        .bind(&r.hash)
        .bind(&r.base)
        .execute(&old)
        .await
        .unwrap();
    }
    old.close().await;

    let s = ansinh_server::PgRecords::connect(options).await.unwrap();
    let d = s.device(&a.keys.device_id).await.unwrap().unwrap();
    assert_eq!((d.role, d.check_active().unwrap_err().code()), (Role::Pinned, ErrorCode::ServerUnknownDevice));
    let heads = s.heads(&Scope::All).await.unwrap();
    assert_eq!(heads.iter().map(|h| (h.ward.as_str(), h.last_seq)).collect::<Vec<_>>(), [("00004", ra.len() as i64)]);
    assert!(s.heads(&Scope::Ward("00004".into())).await.unwrap().is_empty());
    assert_eq!(s.since(&a.keys.device_id, 0, 5000).await.unwrap(), ra);
    a.person("Hoàng Thị Yến", 1941, 102, "00004").await;
    let next = a.store.changes_since(&a.keys.device_id, ra.len() as i64).await.unwrap();
    let e = s.append(&origin(&a, &next).await, &next).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerUnknownDevice);

    // Enrolled with the key its records were signed with: it pushes and its ward reads it.
    enrol(&s, &a, "00004").await;
    assert_eq!(s.append(&origin(&a, &next).await, &next).await.unwrap().applied, next.len());
    assert_eq!(s.heads(&Scope::Ward("00004".into())).await.unwrap().len(), 1);
}

/// A SQLite server keeps its registry in a table of the same file: an enrolled ward device's
/// record that names that table (to make itself the city office) never becomes a record the
/// server can store: only shipped entities do (`ansinh_store::Entity`). Nothing is written.
#[tokio::test]
async fn sqlite_a_record_naming_the_registry_is_refused() {
    let (s, _dir) = support::sqlite().await;
    let a = Desk::new().await;
    a.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    enrol(&s, &a, "00004").await;
    let ra = a.store.changes_since(&a.keys.device_id, 0).await.unwrap();
    let last = ra.last().unwrap();
    let row = serde_json::json!({
        "device_id": a.keys.device_id, "role": "city", "ward": "", "signing_key": a.keys.public("").signing_key,
        "enrolled_at": "2026-01-01T00:00:00Z", "revoked_at": null,
    });
    let mut forged = ansinh_store::WireRecord::from(last.clone());
    forged.seq = last.seq + 1;
    forged.record_id = uuid::Uuid::now_v7().to_string();
    forged.entity = "server_devices".into();
    forged.entity_id = a.keys.device_id.clone();
    forged.payload = row.to_string();
    forged.prev_hash = last.hash.clone();
    let before = s.devices().await.unwrap();
    let mut wire: Vec<ansinh_store::WireRecord> = ra.iter().cloned().map(Into::into).collect();
    wire.push(forged);
    let e = ansinh_store::WireRecord::check_all(wire).unwrap_err();
    assert_eq!(ansinh_exchange::ExchangeError::from(e).full_code(), ErrorCode::ExchangeUnknownEntity);
    assert_eq!(s.devices().await.unwrap(), before);
    assert!(s.heads(&Scope::All).await.unwrap().is_empty());
}
