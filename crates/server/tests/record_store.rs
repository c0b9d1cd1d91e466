//! The RecordStore contract, run against SQLite and PostgreSQL alike: the same idempotency
//! and chain checks as a bundle import.

mod support;
use ansinh_exchange::{sign_batch, verify_batch};
use ansinh_server::{RecordStore, ServerHead};
use ansinh_store::{BundleOrigin, ChangeRecord, Gap};
use support::desks::Desk;

async fn origin(desk: &Desk, records: &[ChangeRecord]) -> BundleOrigin {
    verify_batch(&sign_batch(&desk.store, &desk.keys, records.to_vec()).await.unwrap()).unwrap().0.origin()
}

fn rehash(mut r: ChangeRecord) -> ChangeRecord {
    r.hash = r.computed_hash();
    r
}

async fn contract<S: RecordStore>(s: &S) {
    let a = Desk::new().await;
    let x = a.person("Nguyễn Thị Xuân", 1940, 101, "90001").await;
    a.pay(&x, "2026-10").await;
    a.person("Hoàng Thị Yến", 1941, 102, "90001").await;
    let ra = a.store.changes_since(&a.keys.device_id, 0).await.unwrap();
    let n = ra.len();
    assert!(n >= 3, "{n}");
    let oa = origin(&a, &ra).await;

    // Appends, overlapping appends and replays: only what is new is stored.
    let r = s.append(&oa, &ra[..2]).await.unwrap();
    assert_eq!((r.applied, r.already_had), (2, 0));
    let r = s.append(&oa, &ra).await.unwrap();
    assert_eq!((r.applied, r.already_had, r.received), (n - 2, 2, n));
    let r = s.append(&oa, &ra).await.unwrap();
    assert_eq!((r.applied, r.already_had), (0, n));
    assert_eq!(s.since(&a.keys.device_id, 0).await.unwrap(), ra);
    assert_eq!(s.since(&a.keys.device_id, 2).await.unwrap(), ra[2..]);
    let head = ServerHead {
        device_id: a.keys.device_id.clone(),
        ward: "90001".into(),
        signing_key: oa.signing_key.clone(),
        last_seq: ra[n - 1].seq,
        last_hash: ra[n - 1].hash.clone(),
    };
    assert_eq!(s.heads().await.unwrap(), vec![head.clone()]);

    // A gap: nothing past the hole is stored.
    let b = Desk::new().await;
    for (i, name) in ["Đặng Thị Lan", "Bùi Thị Mai", "Mai Thị Nga"].into_iter().enumerate() {
        b.person(name, 1943, 201 + i as u32, "90002").await;
    }
    let rb = b.store.changes_since(&b.keys.device_id, 0).await.unwrap();
    let ob = origin(&b, &rb).await;
    let r = s.append(&ob, &rb[2..]).await.unwrap();
    assert_eq!(r.applied, 0);
    assert_eq!(r.gaps, vec![Gap { device_id: b.keys.device_id.clone(), expected_seq: 1, found_seq: 3 }]);
    assert!(s.since(&b.keys.device_id, 0).await.unwrap().is_empty());

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
        (&tampered, &oa, "exchange.tampered"),
        (&broken, &oa, "exchange.chain_broken"),
        (&fork, &oa, "exchange.fork"),
        (&next, &other_key, "exchange.key_mismatch"),
        (&rb, &oa, "exchange.damaged"),
    ] {
        let e = s.append(origin, records).await.unwrap_err();
        assert_eq!(e.code(), code, "{e}");
    }
    assert_eq!(s.heads().await.unwrap(), vec![head]);
    assert_eq!(s.since(&a.keys.device_id, 0).await.unwrap(), ra);

    // The genuine next record still follows.
    let r = s.append(&oa, &next).await.unwrap();
    assert_eq!(r.applied, next.len());
    let r = s.append(&ob, &rb).await.unwrap();
    assert_eq!(r.applied, rb.len());
    let heads = s.heads().await.unwrap();
    assert_eq!(heads.len(), 2);
    assert!(heads.iter().any(|h| h.device_id == b.keys.device_id && h.ward == "90002" && h.last_seq == 3));
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
