//! Hostile bundles and receipts, built here from docs/EXCHANGE.md alone (never with the
//! exporter's help), as someone who has read the format would forge them. Each is refused with
//! its code, and every table of the receiving desktop (local ones, reference data, settings, the
//! audit and change logs included) is byte-identical before and after.

mod common;
use ansinh_core::ErrorCode;
use common::*;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;

/// A device that writes bundles by hand: its own key, its own series.
struct Forger {
    key: SigningKey,
    device_id: String,
    seq: i64,
    prev: String,
    lines: Vec<String>,
}

impl Forger {
    fn new() -> Forger {
        Forger {
            key: SigningKey::from_bytes(&rand::random::<[u8; 32]>()),
            device_id: uuid::Uuid::now_v7().to_string(),
            seq: 0,
            prev: String::new(),
            lines: Vec::new(),
        }
    }

    fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Appends a record whose hash is right (EXCHANGE.md: SHA-256 over the parts, each followed
    /// by a 0 byte; `base` only when not empty).
    fn record(&mut self, entity: &str, entity_id: &str, kind: &str, payload: &Value) {
        self.seq += 1;
        let record_id = uuid::Uuid::now_v7().to_string();
        let payload = payload.to_string();
        let seq = self.seq.to_string();
        let mut h = Sha256::new();
        for part in [&self.prev, &self.device_id, &seq, &record_id, entity, entity_id, kind, &payload] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let hash = hex::encode(h.finalize());
        let line = json!({
            "device_id": self.device_id, "seq": self.seq, "record_id": record_id, "entity": entity,
            "entity_id": entity_id, "kind": kind, "schema_version": 3, "officer": "x",
            "recorded_at": "2026-11-20T08:00:00Z", "payload": payload, "prev_hash": self.prev, "hash": hash, "base": "",
        });
        self.prev = hash;
        self.lines.push(line.to_string());
    }

    /// The bundle file: age(recipient, magic, manifest length, manifest, signature, deflated lines).
    fn bundle(&self, to: &Desk, ward: &str) -> Vec<u8> {
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        for l in &self.lines {
            z.write_all(l.as_bytes()).unwrap();
            z.write_all(b"\n").unwrap();
        }
        let payload = z.finish().unwrap();
        let mut counts = serde_json::Map::new();
        for l in &self.lines {
            let e = serde_json::from_str::<Value>(l).unwrap()["entity"].as_str().unwrap().to_string();
            let n = counts.get(&e).and_then(Value::as_u64).unwrap_or(0) + 1;
            counts.insert(e, n.into());
        }
        let manifest = json!({
            "format": 1, "schema_version": 3, "device_id": self.device_id, "ward": ward,
            "signing_key": self.public_hex(), "first_seq": 1, "last_seq": self.seq, "records": self.lines.len(),
            "counts": counts, "payload_hash": hex::encode(Sha256::digest(&payload)), "created_at": "unix:0",
        })
        .to_string();
        let sig = self.key.sign(&[b"ansinh-bundle-v1\0".as_slice(), manifest.as_bytes()].concat());
        let mut plain = b"ANSINH-BUNDLE\n".to_vec();
        plain.extend_from_slice(&(manifest.len() as u32).to_be_bytes());
        plain.extend_from_slice(manifest.as_bytes());
        plain.extend_from_slice(&sig.to_bytes());
        plain.extend_from_slice(&payload);
        age::encrypt(&to.recipient(), &plain).unwrap()
    }

    fn register_at(&self, desk: &Desk, ward: &str) -> impl std::future::Future<Output = ()> {
        let (id, key, ward) = (self.device_id.clone(), self.public_hex(), ward.to_string());
        async move {
            let d = ansinh_store::NewDevice {
                device_id: &id,
                name: "forger",
                role: ansinh_store::DeviceRole::Ward,
                ward: &ward,
                signing_key: &key,
                recipient: "",
            };
            desk.store.enroll_device(&d).await.unwrap();
        }
    }
}

/// A person row exactly as the `beneficiaries` table stores it (every column).
fn person_row(f: &Forger, id: &str, id_number: &str, ward: &str) -> Value {
    json!({
        "id": id, "full_name": "Nguyễn Thị Ánh", "name_key": "nguyen thi anh", "name_lower": "nguyễn thị ánh",
        "sort_key": "anh nguyen thi anh", "birth_date": "1941-03-05", "birth_year": 1941, "sex": "female",
        "id_number": id_number, "legacy_id_number": null, "id_override_reason": "", "ward_code": ward,
        "residential_group": "", "phone": "", "group_code": "cao_tuoi_ngheo_80", "disability": "none",
        "lives_alone": 0, "limited_mobility": 0, "vision_hearing": 0, "no_smartphone": 0, "bedridden": 0,
        "authorised_name": "", "authorised_id_number": "", "authorised_relation": "", "duplicate_reason": "",
        "legal_basis": null,
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": f.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": f.device_id,
    })
}

fn cycle_row(period: &str) -> Value {
    json!({ "period": period, "scheduled_on": format!("{period}-05"), "closed_at": null })
}

fn payment_row(f: &Forger, id: &str, person: &str, amount: i64) -> Value {
    json!({
        "id": id, "period": "2026-10", "beneficiary_id": person, "account_id": null, "channel": "cash",
        "amount_vnd": amount, "status": "credited", "scheduled_on": null, "credited_on": "2026-10-01",
        "failure_reason": "", "reference": null,
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": f.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": f.device_id,
    })
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn refused(city: &Desk, bundle: &[u8]) -> ansinh_exchange::ExchangeError {
    let before = city.store.dump_every_table().await.unwrap();
    let e = city.import_as_is(bundle).await.expect_err("a hostile bundle must be refused");
    let preview = ansinh_exchange::import_bundle(&city.store, &city.keys, bundle, true).await;
    assert!(preview.is_err(), "the preview refuses it too");
    assert_eq!(city.store.dump_every_table().await.unwrap(), before, "a refusal changes nothing at all");
    e
}

#[tokio::test]
async fn a_forged_but_valid_bundle_from_a_registered_device_goes_in() {
    // The forging code is right: what it writes the real desktop accepts, so the refusals below
    // come from the checks, not from a badly built file.
    let city = Desk::new().await;
    let mut f = Forger::new();
    let person = new_id();
    f.record("beneficiary", &person, "insert", &person_row(&f, &person, "001141012345", "00004"));
    f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
    let pay = new_id();
    f.record("payment", &pay, "insert", &payment_row(&f, &pay, &person, 500_000));
    f.register_at(&city, "00004").await;
    let done = city.import_as_is(&f.bundle(&city, "00004")).await.unwrap();
    assert_eq!(done.report.applied, 3);
    assert_eq!(city.store.count_beneficiaries().await.unwrap(), 1);
}

#[tokio::test]
async fn a_device_nobody_registered_is_refused_before_anything_is_read() {
    let city = Desk::new().await;
    let mut f = Forger::new();
    let person = new_id();
    f.record("beneficiary", &person, "insert", &person_row(&f, &person, "001141012345", "00004"));
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!(e.full_code(), ErrorCode::ExchangeUnknownDevice);
    // A revoked device is refused the same way.
    f.register_at(&city, "00004").await;
    city.store.revoke_device(&f.device_id).await.unwrap();
    assert_eq!(refused(&city, &f.bundle(&city, "00004")).await.full_code(), ErrorCode::ExchangeUnknownDevice);
}

#[tokio::test]
async fn reference_data_settings_and_every_local_table_never_travel() {
    let city = Desk::new().await;
    city.store.set_office(None).await.unwrap();
    let f0 = Forger::new();
    f0.register_at(&city, "00004").await;
    let attempts: Vec<(&str, &str, Value)> = vec![
        // The finding: a group's coefficient 1.0 → 9.0, and the desktop's office mode.
        (
            "allowance_groups",
            "cao_tuoi_ngheo_80",
            json!({"code": "cao_tuoi_ngheo_80", "scheme": "social_assistance", "name_vi": "x", "name_en": "x", "coefficient_permille": 9000}),
        ),
        ("settings", "office", json!({"key": "office", "value": "00004"})),
        ("admin_units", "00004", json!({"code": "00004", "name": "x", "level": "ward"})),
        (
            "standard_levels",
            "social_assistance",
            json!({"scheme": "social_assistance", "effective_from": "2020-01-01", "amount_vnd": 9}),
        ),
        ("providers", "970436", json!({"channel": "bank", "code": "970436", "name": "x"})),
        ("admin_unit_mappings", "00004", json!({"old_code": "00004", "new_code": "00008"})),
        ("users", "u1", json!({"id": "u1", "username": "evil", "role": "admin"})),
        ("audit_log", "1", json!({"seq": 1})),
        ("drafts", "d", json!({"id": "d"})),
        ("devices", "x", json!({"device_id": "x"})),
        ("exchange_peers", "x", json!({"device_id": "x"})),
        ("exchange_recipients", "x", json!({"name": "x"})),
        ("exchange_receipts", "x", json!({"device_id": "x"})),
        ("change_log", "x", json!({"seq": 1})),
        ("review_items", "1", json!({"id": 1})),
        ("import_mappings", "x", json!({"id": "x"})),
        // Aliases of shipped entities: the table names, another case.
        ("beneficiaries", "b", json!({"id": "b"})),
        ("payment_cycles", "2026-10", cycle_row("2026-10")),
        ("Beneficiary", "b", json!({"id": "b"})),
        ("payments", "p", json!({"id": "p"})),
    ];
    for (entity, id, payload) in attempts {
        let mut f =
            Forger { key: f0.key.clone(), device_id: f0.device_id.clone(), seq: 0, prev: String::new(), lines: vec![] };
        f.record(entity, id, "insert", &payload);
        let e = refused(&city, &f.bundle(&city, "00004")).await;
        assert_eq!(e.full_code(), ErrorCode::ExchangeUnknownEntity, "{entity}");
    }
    // A kind that does not exist is refused too.
    let mut f =
        Forger { key: f0.key.clone(), device_id: f0.device_id.clone(), seq: 0, prev: String::new(), lines: vec![] };
    let p = new_id();
    f.record("beneficiary", &p, "delete", &person_row(&f, &p, "001141012345", "00004"));
    assert_eq!(refused(&city, &f.bundle(&city, "00004")).await.full_code(), ErrorCode::ExchangeUnknownKind);
    assert_eq!(city.store.setting("office").await.unwrap().as_deref(), Some("city"));
}

#[tokio::test]
async fn a_row_is_the_records_own_and_passes_the_forms_rules() {
    let city = Desk::new().await;
    let f0 = Forger::new();
    f0.register_at(&city, "00004").await;
    let fresh =
        || Forger { key: f0.key.clone(), device_id: f0.device_id.clone(), seq: 0, prev: String::new(), lines: vec![] };
    let field = |e: &ansinh_exchange::ExchangeError| match e {
        ansinh_exchange::ExchangeError::Store(ansinh_store::StoreError::Conflict(f)) => {
            f.field.clone().unwrap_or_default()
        }
        other => panic!("{other:?}"),
    };

    // The payload's key is not the record's entity id: the record would write another row.
    let mut f = fresh();
    let (named, written) = (new_id(), new_id());
    f.record("beneficiary", &named, "insert", &person_row(&f, &written, "001141012345", "00004"));
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangePayloadMismatch, "id"));

    // A row passed off as written by another device (city mode decides by it).
    let mut f = fresh();
    let p = new_id();
    let mut row = person_row(&f, &p, "001141012345", "00004");
    row["created_device"] = json!(city.store.device_id());
    f.record("beneficiary", &p, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangePayloadMismatch, "created_device"));

    // An 11-digit ID number, as the form would refuse it.
    let mut f = fresh();
    let p = new_id();
    f.record("beneficiary", &p, "insert", &person_row(&f, &p, "00114101234", "00004"));
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "id_number"));

    // A negative amount.
    let mut f = fresh();
    let p = new_id();
    f.record("beneficiary", &p, "insert", &person_row(&f, &p, "001141012345", "00004"));
    f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
    let pay = new_id();
    f.record("payment", &pay, "insert", &payment_row(&f, &pay, &p, -500_000));
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "amount"));

    // A one-off payment's label (schema 4) as the form would not store it: hidden characters,
    // longer than the form allows, or untrimmed.
    for label in ["Quà\u{200B}Tết", &"x".repeat(ansinh_core::text::MAX_LABEL_CHARS + 1), " Quà Tết 2026"] {
        let mut f = fresh();
        let p = new_id();
        f.record("beneficiary", &p, "insert", &person_row(&f, &p, "001141012345", "00004"));
        f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
        let pay = new_id();
        let mut row = payment_row(&f, &pay, &p, 400_000);
        row["label"] = json!(label);
        f.record("payment", &pay, "insert", &row);
        let e = refused(&city, &f.bundle(&city, "00004")).await;
        assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "label"), "{label:?}");
    }

    // A column the table does not have, and a missing one.
    let mut f = fresh();
    let p = new_id();
    let mut row = person_row(&f, &p, "001141012345", "00004");
    row["is_admin"] = json!(1);
    f.record("beneficiary", &p, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "is_admin"));
    let mut f = fresh();
    let mut row = person_row(&f, &p, "001141012345", "00004");
    row.as_object_mut().unwrap().remove("sex");
    f.record("beneficiary", &p, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "sex"));

    // A ward the desktop does not know, and a name the form would not store as it is.
    let mut f = fresh();
    let mut row = person_row(&f, &p, "001141012345", "00004");
    row["ward_code"] = json!("99999");
    f.record("beneficiary", &p, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!(e.full_code(), ErrorCode::ExchangeInvalidRow);
    let mut f = fresh();
    let mut row = person_row(&f, &p, "001141012345", "00004");
    row["full_name"] = json!("  Nguyễn Thị Ánh");
    f.record("beneficiary", &p, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    assert_eq!((e.full_code(), field(&e).as_str()), (ErrorCode::ExchangeInvalidRow, "full_name"));
}

#[tokio::test]
async fn a_ward_device_touches_only_its_own_wards_people() {
    let city = Desk::new().await;
    let ward1 = Forger::new();
    ward1.register_at(&city, "00004").await;
    let fresh = || Forger {
        key: ward1.key.clone(),
        device_id: ward1.device_id.clone(),
        seq: 0,
        prev: String::new(),
        lines: vec![],
    };
    // A person of another ward.
    let mut f = fresh();
    let p = new_id();
    f.record("beneficiary", &p, "insert", &person_row(&f, &p, "001141012345", "00008"));
    assert_eq!(refused(&city, &f.bundle(&city, "00008")).await.full_code(), ErrorCode::ExchangeOutOfWard);

    // A payment for a person another ward registered here.
    let other = Desk::new().await;
    let anh = other.person("Trần Thị Bình", 1940, 7, "00008").await;
    city.import(&other.bundle_for(&city, 0).await).await.unwrap();
    let mut f = fresh();
    f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
    let pay = new_id();
    f.record("payment", &pay, "insert", &payment_row(&f, &pay, &anh.id.to_string(), 500_000));
    assert_eq!(refused(&city, &f.bundle(&city, "00004")).await.full_code(), ErrorCode::ExchangeOutOfWard);
}

fn payout_report_row(f: &Forger, id: &str, ward: Option<&str>) -> Value {
    json!({
        "id": id, "period": "2026-10", "ward_code": ward, "channel": null, "payer": "Bưu điện",
        "complete_to": "2026-10-31", "file_name": "chi-tra.csv", "file_hash": "ab".repeat(32),
        "rows": 2, "withdrawals": 2,
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": f.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": f.device_id,
    })
}

#[tokio::test]
async fn a_ward_device_sends_only_its_own_wards_payout_reports() {
    let city = Desk::new().await;
    let ward1 = Forger::new();
    ward1.register_at(&city, "00004").await;
    let fresh = || Forger {
        key: ward1.key.clone(),
        device_id: ward1.device_id.clone(),
        seq: 0,
        prev: String::new(),
        lines: vec![],
    };
    // Another ward's report, and an every-ward report (only the city sends those).
    for ward in [Some("00008"), None] {
        let mut f = fresh();
        f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
        let id = new_id();
        f.record("payout_reports", &id, "insert", &payout_report_row(&f, &id, ward));
        assert_eq!(
            refused(&city, &f.bundle(&city, "00004")).await.full_code(),
            ErrorCode::ExchangeOutOfWard,
            "{ward:?}"
        );
    }
    // A bad row (a hash that is not one) is refused as any form would.
    let mut f = fresh();
    f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
    let id = new_id();
    let mut row = payout_report_row(&f, &id, Some("00004"));
    row["file_hash"] = json!("not a hash");
    f.record("payout_reports", &id, "insert", &row);
    let e = refused(&city, &f.bundle(&city, "00004")).await;
    let ansinh_exchange::ExchangeError::Store(ansinh_store::StoreError::Conflict(fe)) = &e else { panic!("{e:?}") };
    assert_eq!((e.full_code(), fe.field.as_deref()), (ErrorCode::ExchangeInvalidRow, Some("file_hash")));
    // Its own ward's report goes in.
    let mut f = fresh();
    f.record("cycle", "2026-10", "insert", &cycle_row("2026-10"));
    let id = new_id();
    f.record("payout_reports", &id, "insert", &payout_report_row(&f, &id, Some("00004")));
    city.import_as_is(&f.bundle(&city, "00004")).await.unwrap();
    assert_eq!(city.store.payout_reports("2026-10", Some("00004")).await.unwrap().len(), 1);
}

fn decision_row(f: &Forger, id: &str, person: &str, ward: &str) -> Value {
    json!({
        "id": id, "beneficiary_id": person, "ward_code": ward, "number": "125/QĐ-UBND",
        "decided_on": "2026-10-05", "kind": "start", "group_code": "cao_tuoi_ngheo_80", "from_period": "2026-10",
        "reason": null, "note": "",
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": f.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": f.device_id,
    })
}

fn decline_row(f: &Forger, id: &str, person: &str) -> Value {
    json!({
        "id": id, "beneficiary_id": person, "reason": "other", "confirmed_on": "2026-10-05",
        "note": "Con gái lĩnh hộ",
        "created_at": "2026-11-20T08:00:00Z", "created_by": "x", "created_device": f.device_id,
        "updated_at": "2026-11-20T08:00:00Z", "updated_by": "x", "updated_device": f.device_id,
    })
}

/// Benefit decisions and "no account" confirmations (issue 16) arrive like every row: of the
/// sender's commune and its own people, passing the form's rules, or refused whole.
#[tokio::test]
async fn decisions_and_account_declines_touch_only_the_senders_ward_and_pass_the_forms_rules() {
    let city = Desk::new().await;
    let ward1 = Forger::new();
    ward1.register_at(&city, "00004").await;
    let fresh = || Forger {
        key: ward1.key.clone(),
        device_id: ward1.device_id.clone(),
        seq: 0,
        prev: String::new(),
        lines: vec![],
    };
    let person = new_id();
    let with_person =
        |f: &mut Forger| f.record("beneficiary", &person, "insert", &person_row(f, &person, "001141012345", "00004"));
    // A decision said to be another commune's, about this ward's person.
    let mut f = fresh();
    with_person(&mut f);
    let id = new_id();
    f.record("benefit_decisions", &id, "insert", &decision_row(&f, &id, &person, "00008"));
    assert_eq!(refused(&city, &f.bundle(&city, "00004")).await.full_code(), ErrorCode::ExchangeOutOfWard);
    // Rows that break the form's rules: a stop without its reason, a start before its
    // decision's month, an unknown group, an "other" reason without the person's words.
    type Spoil = fn(&mut Value);
    let bad: [(&str, Spoil, &str); 4] = [
        (
            "benefit_decisions",
            |r| {
                r["kind"] = json!("stop");
                r["group_code"] = json!(null);
            },
            "reason",
        ),
        ("benefit_decisions", |r| r["from_period"] = json!("2026-09"), "from_period"),
        ("benefit_decisions", |r| r["group_code"] = json!("khong_co"), "group_code"),
        ("account_declines", |r| r["note"] = json!(""), "note"),
    ];
    for (entity, spoil, field) in bad {
        let mut f = fresh();
        with_person(&mut f);
        let id = new_id();
        let mut row = if entity == "account_declines" {
            decline_row(&f, &id, &person)
        } else {
            decision_row(&f, &id, &person, "00004")
        };
        spoil(&mut row);
        f.record(entity, &id, "insert", &row);
        let e = refused(&city, &f.bundle(&city, "00004")).await;
        let ansinh_exchange::ExchangeError::Store(ansinh_store::StoreError::Conflict(fe)) = &e else { panic!("{e:?}") };
        assert_eq!((e.full_code(), fe.field.as_deref()), (ErrorCode::ExchangeInvalidRow, Some(field)), "{entity}");
    }
    // Its own commune's decision and a confirmation go in, and the city reads them.
    let mut f = fresh();
    with_person(&mut f);
    let (d, n) = (new_id(), new_id());
    f.record("benefit_decisions", &d, "insert", &decision_row(&f, &d, &person, "00004"));
    f.record("account_declines", &n, "insert", &decline_row(&f, &n, &person));
    city.import_as_is(&f.bundle(&city, "00004")).await.unwrap();
    assert_eq!(city.store.decisions_of(&person).await.unwrap().len(), 1);
    assert_eq!(city.store.account_declines_of(&person).await.unwrap()[0].note, "Con gái lĩnh hộ");
}

#[tokio::test]
async fn receipts_come_only_from_a_registered_office_and_must_match_this_desktops_chain() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    ward.person("Lê Thị Cúc", 1942, 2, "00004").await;
    city.import(&ward.bundle_for(&city, 0).await).await.unwrap();

    // A receipt signed by an office this ward never registered: refused, nothing recorded.
    let receipt =
        serde_json::to_string(&ansinh_exchange::make_receipt(&city.store, &city.keys).await.unwrap()).unwrap();
    let before = ward.store.dump_every_table().await.unwrap();
    let e = ansinh_exchange::import_receipt(&ward.store, &receipt).await.unwrap_err();
    assert_eq!(e.full_code(), ErrorCode::ExchangeUnknownDevice);
    assert_eq!(ward.store.dump_every_table().await.unwrap(), before);

    // From the registered office but claiming a record this ward never wrote (hand-signed).
    ward.register(&city, None).await;
    let key = SigningKey::from_bytes(
        &hex::decode(city.store.setting("exchange.signing_key").await.unwrap().unwrap()).unwrap().try_into().unwrap(),
    );
    let body = json!({
        "format": 1, "office_device": city.store.device_id(), "office_signing_key": hex::encode(key.verifying_key().to_bytes()),
        "heads": [{ "device_id": ward.store.device_id(), "last_seq": 1, "last_hash": "ab".repeat(32) }],
    })
    .to_string();
    let sig = key.sign(&[b"ansinh-receipt-v1\0".as_slice(), body.as_bytes()].concat());
    let forged = json!({ "body": body, "signature": hex::encode(sig.to_bytes()) }).to_string();
    let before = ward.store.dump_every_table().await.unwrap();
    let e = ansinh_exchange::import_receipt(&ward.store, &forged).await.unwrap_err();
    assert_eq!(e.full_code(), ErrorCode::ExchangeReceiptMismatch);
    assert_eq!(ward.store.dump_every_table().await.unwrap(), before);
    assert_eq!(ward.store.acknowledged_seq().await.unwrap(), 0, "the sent-up-to mark did not move");

    // The real receipt goes in.
    assert_eq!(ansinh_exchange::import_receipt(&ward.store, &receipt).await.unwrap(), 1);
}

#[tokio::test]
async fn a_wards_truncated_or_rewritten_audit_log_shows_at_the_city_on_the_next_bundle() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let a = ward.person("Đỗ Thị Em", 1938, 4, "00025").await;
    for action in ["login", "export", "logout"] {
        ward.store.audit(action, None, None, json!({})).await.unwrap();
    }
    // The bundle shows the log as it stood when it was made (its own export entry comes after).
    let head = ward.store.audit_entries(1, 0).await.unwrap()[0].seq;
    let r = city.import(&ward.bundle_for(&city, 0).await).await.unwrap();
    assert_eq!(r.report.audit, Some(ansinh_store::AuditStatus::Ok));
    let seen = city.store.peer_audits().await.unwrap();
    assert_eq!((seen[0].seq, seen[0].status), (head, ansinh_store::AuditStatus::Ok));

    // More work, then an honest next bundle: still ok.
    ward.store.audit("login", None, None, json!({})).await.unwrap();
    ward.set_phone(&a, "0901234567").await;
    let r = city.import(&ward.bundle_for(&city, 1).await).await.unwrap();
    assert_eq!(r.report.audit, Some(ansinh_store::AuditStatus::Ok));

    // Someone holding the key rewrites entry 2 (triggers dropped, hash recomputed is beyond
    // them: the chain from there on is rebuilt consistently, as a careful forger would).
    let db = ward.store.path().to_path_buf();
    let raw = sqlx_rewrite(&db).await;
    assert!(raw > 0);
    ward.set_phone(&a, "0907654321").await;
    let r = city.import(&ward.bundle_for(&city, 2).await).await.unwrap();
    assert_eq!(r.report.audit, Some(ansinh_store::AuditStatus::Rewritten));
    let entries = city.store.audit_entries(5, 0).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "exchange.audit_mismatch"), "{entries:?}");
}

/// Rewrites the ward's audit log from entry 2 on with a consistent new chain (what someone with
/// the database key and SQLite could do): entry 2 says something else, every hash after it is
/// recomputed, so `audit verify` on the ward alone passes.
async fn sqlx_rewrite(db: &std::path::Path) -> usize {
    use sqlx::{Connection, Row};
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query("DROP TRIGGER IF EXISTS audit_log_no_update").execute(&mut c).await.unwrap();
    sqlx::query("DROP TRIGGER IF EXISTS audit_log_no_delete").execute(&mut c).await.unwrap();
    let rows = sqlx::query("SELECT seq, at, actor, action, entity, entity_id, details FROM audit_log ORDER BY seq")
        .fetch_all(&mut c)
        .await
        .unwrap();
    let mut prev = ansinh_store::audit::GENESIS.to_string();
    let mut n = 0;
    for r in rows {
        let seq: i64 = r.get("seq");
        let action: String = if seq == 2 { "nothing_happened".into() } else { r.get("action") };
        let body = json!([
            prev,
            seq,
            r.get::<String, _>("at"),
            r.get::<String, _>("actor"),
            action,
            r.get::<Option<String>, _>("entity"),
            r.get::<Option<String>, _>("entity_id"),
            r.get::<String, _>("details")
        ]);
        let hash = hex::encode(Sha256::digest(body.to_string().as_bytes()));
        sqlx::query("UPDATE audit_log SET action = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(&action)
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&mut c)
            .await
            .unwrap();
        prev = hash;
        n += 1;
    }
    n
}

/// Signs `body` as a reference file with the key in `desk`'s database (what the city's
/// desktop does; a forger with some other key does the same).
async fn signed_reference(desk: &Desk, body: &Value) -> String {
    let key = SigningKey::from_bytes(
        &hex::decode(desk.store.setting("exchange.signing_key").await.unwrap().unwrap()).unwrap().try_into().unwrap(),
    );
    let body = body.to_string();
    let sig = key.sign(&[b"ansinh-reference-v1\0".as_slice(), body.as_bytes()].concat());
    json!({ "body": body, "signature": hex::encode(sig.to_bytes()) }).to_string()
}

fn reference_body(desk: &Desk, version: i64, tables: Value) -> Value {
    json!({
        "format": 1, "issuer_device": desk.store.device_id(), "version": version, "issued_at": "x",
        "issuer_signing_key": desk.keys.public("").signing_key, "tables": tables,
    })
}

#[tokio::test]
async fn reference_data_comes_down_only_in_the_city_offices_signed_versioned_file() {
    let city = Desk::new().await;
    city.store.set_office(None).await.unwrap();
    let ward = Desk::new().await;
    let other_ward = Desk::new().await;
    ward.register(&city, None).await;
    ward.register(&other_ward, Some("00008")).await;
    assert_eq!(ward.store.refs().await.unwrap().group("cao_tuoi_ngheo_80").unwrap().coefficient_permille, 2000);

    // The city's real file: a new coefficient reaches the ward, audited there.
    let mut c = sqlx_connect(city.store.path()).await;
    sqlx::query("UPDATE allowance_groups SET coefficient_permille = 2500 WHERE code = 'cao_tuoi_ngheo_80'")
        .execute(&mut c)
        .await
        .unwrap();
    let file =
        serde_json::to_string(&ansinh_exchange::make_reference_file(&city.store, &city.keys).await.unwrap()).unwrap();
    let done = ansinh_exchange::import_reference_file(&ward.store, &file).await.unwrap();
    assert_eq!(done.version, 1);
    assert_eq!(ward.store.refs().await.unwrap().group("cao_tuoi_ngheo_80").unwrap().coefficient_permille, 2500);
    assert!(ward.store.audit_entries(3, 0).await.unwrap().iter().any(|e| e.action == "reference.import"));

    // Every refusal leaves every table as it was.
    let code = |r: Result<ansinh_store::ReferenceReport, ansinh_exchange::ExchangeError>| r.unwrap_err().full_code();
    let before = ward.store.dump_every_table().await.unwrap();
    // The same file again: not newer.
    assert_eq!(code(ansinh_exchange::import_reference_file(&ward.store, &file).await), ErrorCode::ReferenceStale);
    // A registered ward desktop's file, and an unregistered one's.
    let from_ward = signed_reference(&other_ward, &reference_body(&other_ward, 9, json!({}))).await;
    assert_eq!(
        code(ansinh_exchange::import_reference_file(&ward.store, &from_ward).await),
        ErrorCode::ReferenceNotCity
    );
    let stranger = Desk::new().await;
    let from_stranger = signed_reference(&stranger, &reference_body(&stranger, 9, json!({}))).await;
    assert_eq!(
        code(ansinh_exchange::import_reference_file(&ward.store, &from_stranger).await),
        ErrorCode::ExchangeUnknownDevice
    );
    // The city's key, but a changed body; a table no reference file carries; a bad row.
    let tampered = file.replace("2500", "9000");
    assert_eq!(
        code(ansinh_exchange::import_reference_file(&ward.store, &tampered).await),
        ErrorCode::ExchangeBadSignature
    );
    let users = signed_reference(&city, &reference_body(&city, 5, json!({"users": [{"username": "evil"}]}))).await;
    assert_eq!(
        code(ansinh_exchange::import_reference_file(&ward.store, &users).await),
        ErrorCode::ReferenceUnknownTable
    );
    let bad_row = json!({"allowance_groups": [{"code": "x", "scheme": "social_assistance", "name_vi": "x", "name_en": "x", "coefficient_permille": -5}]});
    let bad = signed_reference(&city, &reference_body(&city, 5, bad_row)).await;
    assert_eq!(code(ansinh_exchange::import_reference_file(&ward.store, &bad).await), ErrorCode::ReferenceInvalidRow);
    assert_eq!(ward.store.dump_every_table().await.unwrap(), before);
    // A group naming a successor the file and the desktop do not hold: refused at commit, whole.
    let dangling = json!({"allowance_groups": [{"code": "x", "scheme": "social_assistance", "name_vi": "x", "name_en": "x",
        "coefficient_permille": 1000, "valid_to": "2025-06-30", "successor_code": "khong_co"}]});
    let bad = signed_reference(&city, &reference_body(&city, 6, dangling)).await;
    assert_eq!(code(ansinh_exchange::import_reference_file(&ward.store, &bad).await), ErrorCode::ReferenceInvalidRow);
    assert_eq!(ward.store.dump_every_table().await.unwrap(), before);
}

async fn sqlx_connect(db: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap()
}
