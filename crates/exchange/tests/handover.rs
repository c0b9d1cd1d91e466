//! A move between two ward desktops (issue 16): Ba Đình's desktop stops a person (moved), the
//! city office hands their file to Ngọc Hà's desktop, which starts them; the city ends with one
//! person and one history. Every handover file is hostile until checked.

mod common;

use ansinh_core::ErrorCode;
use ansinh_core::decisions::{self, DecisionInput};
use ansinh_core::records::Beneficiary;
use ansinh_exchange::ExchangeError;
use common::*;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

const BA_DINH: &str = "00004";
const NGOC_HA: &str = "00008";

async fn decide(desk: &Desk, b: &Beneficiary, ward: &str, kind: &str, on: &str, reason: &str) -> Result<(), ErrorCode> {
    let input = DecisionInput {
        beneficiary_id: b.id.to_string(),
        ward_code: ward.into(),
        number: format!("{}/QĐ-UBND", on.len() + kind.len()),
        decided_on: on.into(),
        kind: kind.into(),
        group_code: if kind == "stop" { String::new() } else { "cao_tuoi_ngheo_80".into() },
        reason: reason.into(),
        ..DecisionInput::default()
    };
    let refs = desk.store.refs().await.unwrap();
    let d = decisions::decision(&input, &*refs, &refs.rules, today()).unwrap();
    desk.store.add_decision(&d).await.map(|_| ()).map_err(|e| code(&ansinh_exchange::ExchangeError::Store(e)))
}

fn code(e: &ExchangeError) -> ErrorCode {
    e.full_code()
}

/// The city and two ward desktops, each registered where it must be (the wards' keys at the
/// city with their recipients, the city at each ward), and a person of Ba Đình with a start,
/// a payment and then a stop because they moved, all of which reached the city.
struct Move {
    city: Desk,
    ba_dinh: Desk,
    ngoc_ha: Desk,
    person: Beneficiary,
    /// January's payment, made by Ba Đình.
    january: ansinh_core::records::Payment,
}

async fn a_move() -> Move {
    let (city, ba_dinh, ngoc_ha) = (Desk::new().await, Desk::new().await, Desk::new().await);
    city.store.set_office(None).await.unwrap();
    ba_dinh.store.set_office(Some(BA_DINH)).await.unwrap();
    ngoc_ha.store.set_office(Some(NGOC_HA)).await.unwrap();
    city.register(&ba_dinh, Some(BA_DINH)).await;
    city.register(&ngoc_ha, Some(NGOC_HA)).await;
    ba_dinh.register(&city, None).await;
    ngoc_ha.register(&city, None).await;
    let person = ba_dinh.person("Trần Thị Bình", 1940, 202, BA_DINH).await;
    decide(&ba_dinh, &person, BA_DINH, "start", "05/01/2026", "").await.unwrap();
    let january = ba_dinh.pay(&person, "2026-01").await;
    decide(&ba_dinh, &person, BA_DINH, "stop", "02/03/2026", "moved").await.unwrap();
    city.import(&ba_dinh.bundle_for(&city, 0).await).await.unwrap();
    Move { city, ba_dinh, ngoc_ha, person, january }
}

async fn handover(m: &Move, to: &str) -> Result<Vec<u8>, ErrorCode> {
    ansinh_exchange::make_handover(&m.city.store, &m.city.keys, &m.person.id.to_string(), to)
        .await
        .map_err(|e| code(&e))
}

async fn take(desk: &Desk, file: &[u8]) -> Result<ansinh_store::HandoverReport, ErrorCode> {
    ansinh_exchange::import_handover(&desk.store, &desk.keys, file).await.map_err(|e| code(&e))
}

async fn count(desk: &Desk, sql: &'static str) -> i64 {
    let path = desk.store.path().to_path_buf();
    let mut c =
        <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
}

#[tokio::test]
async fn a_move_between_two_ward_desktops_keeps_one_person_and_one_history_at_the_city() {
    let m = a_move().await;
    let id = m.person.id.to_string();
    let file = handover(&m, NGOC_HA).await.unwrap();
    let report = take(&m.ngoc_ha, &file).await.unwrap();
    assert_eq!((report.full_name.as_str(), report.from_ward.as_str()), ("Trần Thị Bình", BA_DINH));
    assert_eq!(report.applied, 3, "the person, the start and the stop: no payment travels");
    // Handed over, not yet started: the file is read-only in Ngọc Hà.
    let err = m.ngoc_ha.store.update_beneficiary(&m.person).await.unwrap_err();
    assert_eq!(code(&ExchangeError::Store(err)), ErrorCode::ExchangeReadOnly);
    // Taken twice: nothing changes.
    let before = m.ngoc_ha.dump().await;
    let again = take(&m.ngoc_ha, &file).await.unwrap();
    assert_eq!((again.applied, again.already_had), (0, 3));
    assert_eq!(m.ngoc_ha.dump().await, before);
    // The partial series of another desktop do not read as broken chains.
    assert_eq!(m.ngoc_ha.store.verify_changes().await.unwrap(), None);

    // Ngọc Hà's chair starts the allowance: the person moves there, on Ngọc Hà's desktop.
    decide(&m.ngoc_ha, &m.person, NGOC_HA, "start", "05/03/2026", "").await.unwrap();
    let paid = m.ngoc_ha.pay(&m.person, "2026-03").await;
    // Rebuilt from its records alone (the handed-over ones included), Ngọc Hà's tables are the same.
    let rebuilt = m.ngoc_ha.store.rebuild_into(&m.ngoc_ha.dir.path().join("rebuilt.db")).await.unwrap();
    assert!(rebuilt.differences.is_empty(), "{:?}", rebuilt.differences);
    let moved = Beneficiary { ward_code: NGOC_HA.into(), ..m.person.clone() };
    m.ngoc_ha.set_phone(&moved, "0912345678").await;

    // At the city: Ngọc Hà's bundle is accepted (the move of a person of Ba Đình is allowed
    // because Ba Đình stopped them as moved and this bundle starts them in Ngọc Hà).
    m.city.import(&m.ngoc_ha.bundle_for(&m.city, 0).await).await.unwrap();
    let detail = m.city.store.beneficiary_detail(&id).await.unwrap();
    assert_eq!(detail.beneficiary.ward_code, NGOC_HA);
    assert_eq!(detail.beneficiary.phone, "0912345678");
    assert_eq!(detail.payments.len(), 2, "January paid by Ba Đình, March by Ngọc Hà: one history");
    assert!(detail.payments.iter().any(|p| p.id == paid.id.to_string()));
    let wards: Vec<String> = m.city.store.decisions_of(&id).await.unwrap().into_iter().map(|d| d.ward_code).collect();
    assert_eq!(wards, [BA_DINH, BA_DINH, NGOC_HA]);
    assert_eq!(count(&m.city, "SELECT COUNT(*) FROM beneficiaries").await, 1);
    assert_eq!(count(&m.city, "SELECT COUNT(*) FROM review_items").await, 0, "no conflict: one line of versions");
    assert_eq!(m.city.store.verify_changes().await.unwrap(), None);
    // Ba Đình's later work on its other people still merges; the moved person stays moved.
    let other = m.ba_dinh.person("Lê Thị Hoa", 1939, 303, BA_DINH).await;
    let since = m.city.store.series_heads().await.unwrap();
    let since = since.iter().find(|h| h.device_id == m.ba_dinh.store.device_id()).unwrap().last_seq;
    m.city.import(&m.ba_dinh.bundle_for(&m.city, since).await).await.unwrap();
    assert_eq!(m.city.store.beneficiary_detail(&other.id.to_string()).await.unwrap().beneficiary.ward_code, BA_DINH);
    assert_eq!(m.city.store.beneficiary_detail(&id).await.unwrap().beneficiary.ward_code, NGOC_HA);
}

#[tokio::test]
async fn the_city_hands_over_only_after_the_stop_and_only_to_another_registered_commune() {
    let (city, ba_dinh) = (Desk::new().await, Desk::new().await);
    city.store.set_office(None).await.unwrap();
    ba_dinh.store.set_office(Some(BA_DINH)).await.unwrap();
    city.register(&ba_dinh, Some(BA_DINH)).await;
    let p = ba_dinh.person("Phạm Văn Tâm", 1941, 404, BA_DINH).await;
    decide(&ba_dinh, &p, BA_DINH, "start", "05/01/2026", "").await.unwrap();
    city.import(&ba_dinh.bundle_for(&city, 0).await).await.unwrap();
    let id = p.id.to_string();
    let make = |desk: &'static str| {
        let (city, id) = (&city, id.clone());
        async move { ansinh_exchange::make_handover(&city.store, &city.keys, &id, desk).await.map_err(|e| code(&e)) }
    };
    assert_eq!(make(NGOC_HA).await.unwrap_err(), ErrorCode::HandoverNotMoved, "no stop (moved) yet");
    decide(&ba_dinh, &p, BA_DINH, "stop", "02/03/2026", "moved").await.unwrap();
    city.import(&ba_dinh.bundle_for(&city, 2).await).await.unwrap();
    assert_eq!(make(BA_DINH).await.unwrap_err(), ErrorCode::HandoverWrongWard, "their own commune");
    assert_eq!(make("99999").await.unwrap_err(), ErrorCode::HandoverWrongWard, "no such commune");
    // No desktop of Ngọc Hà registered at the city: nobody to seal it for.
    assert_eq!(make(NGOC_HA).await.unwrap_err(), ErrorCode::HandoverNoRecipient);
    // A ward desktop never hands over.
    let err = ansinh_exchange::make_handover(&ba_dinh.store, &ba_dinh.keys, &id, NGOC_HA).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::HandoverNotCity);
}

/// The city's handover body for the moved person, as JSON to alter.
async fn body(m: &Move) -> Value {
    let key = m.city.keys.public("").signing_key;
    serde_json::to_value(m.city.store.handover_body(&m.person.id.to_string(), NGOC_HA, &key).await.unwrap()).unwrap()
}

/// `body` signed with the key in `signer`'s database and sealed for `to`.
async fn forge(signer: &Desk, body: &Value, to: &Desk) -> Vec<u8> {
    let key = SigningKey::from_bytes(
        &hex::decode(signer.store.setting("exchange.signing_key").await.unwrap().unwrap()).unwrap().try_into().unwrap(),
    );
    let text = body.to_string();
    let sig = key.sign(&[b"ansinh-handover-v1\0".as_slice(), text.as_bytes()].concat());
    let plain = json!({ "body": text, "signature": hex::encode(sig.to_bytes()) }).to_string();
    age::encrypt(&to.recipient(), plain.as_bytes()).unwrap()
}

#[tokio::test]
async fn a_forged_or_altered_handover_changes_nothing() {
    let m = a_move().await;
    let before = m.ngoc_ha.dump().await;
    let logged = count(&m.ngoc_ha, "SELECT COUNT(*) FROM change_log").await;
    let good = body(&m).await;
    // The city's own body, properly signed, for checking the forgeries below are the only fault.
    assert!(take(&m.ngoc_ha, &forge(&m.city, &good, &m.ngoc_ha).await).await.is_ok());
    let fresh = Desk::new().await;
    fresh.store.set_office(Some(NGOC_HA)).await.unwrap();
    fresh.register(&m.city, None).await;
    let fresh_before = fresh.dump().await;

    // Signed by Ba Đình's desktop (registered at Ngọc Hà? no: unknown) and by a registered ward.
    let mut by_ward = good.clone();
    by_ward["issuer_device"] = json!(m.ba_dinh.store.device_id());
    by_ward["issuer_signing_key"] = json!(m.ba_dinh.keys.public("").signing_key);
    assert_eq!(
        take(&fresh, &forge(&m.ba_dinh, &by_ward, &fresh).await).await.unwrap_err(),
        ErrorCode::ExchangeUnknownDevice
    );
    fresh.register(&m.ba_dinh, Some(BA_DINH)).await;
    // Every table, the audit log, settings and peers included: a refusal writes nothing at all.
    let every_table = fresh.store.dump_every_table().await.unwrap();
    assert_eq!(take(&fresh, &forge(&m.ba_dinh, &by_ward, &fresh).await).await.unwrap_err(), ErrorCode::HandoverNotCity);
    // The city's key, but a signature over other bytes.
    let mut file: Value = serde_json::from_slice(
        &age::decrypt(&fresh_identity(&fresh).await, &forge(&m.city, &good, &fresh).await).unwrap(),
    )
    .unwrap();
    file["body"] = json!(file["body"].as_str().unwrap().replace("Trần Thị Bình", "Trần Thị Bính"));
    let tampered = age::encrypt(&fresh.recipient(), file.to_string().as_bytes()).unwrap();
    assert_eq!(take(&fresh, &tampered).await.unwrap_err(), ErrorCode::ExchangeBadSignature);
    // For another commune.
    let mut elsewhere = good.clone();
    elsewhere["to_ward"] = json!("00025");
    assert_eq!(
        take(&fresh, &forge(&m.city, &elsewhere, &fresh).await).await.unwrap_err(),
        ErrorCode::HandoverWrongWard
    );
    // A record altered after it was hashed (signed again by the city's key: a bug or a thief).
    let mut altered = good.clone();
    let payload = altered["records"][0]["payload"].as_str().unwrap().replace("Trần Thị Bình", "Trần Thị Bính");
    altered["records"][0]["payload"] = json!(payload);
    assert_eq!(take(&fresh, &forge(&m.city, &altered, &fresh).await).await.unwrap_err(), ErrorCode::ExchangeTampered);
    // Another person's record slipped in, intact: not of this file.
    let other = m.ba_dinh.person("Đỗ Thị Lan", 1938, 505, BA_DINH).await;
    let theirs = m.ba_dinh.store.changes_since(&m.ba_dinh.store.device_id(), 0).await.unwrap();
    let theirs = theirs.iter().find(|r| r.entity_id == other.id.to_string()).unwrap();
    let mut slipped = good.clone();
    slipped["records"].as_array_mut().unwrap().push(serde_json::to_value(theirs).unwrap());
    assert_eq!(
        take(&fresh, &forge(&m.city, &slipped, &fresh).await).await.unwrap_err(),
        ErrorCode::HandoverForeignRecord
    );
    // The person's own payment, intact: a table a handover never carries.
    let payment = m.ba_dinh.store.changes_since(&m.ba_dinh.store.device_id(), 0).await.unwrap();
    let payment = payment.iter().find(|r| r.entity == ansinh_store::Entity::Payment).unwrap();
    let mut paid = good.clone();
    paid["records"].as_array_mut().unwrap().push(serde_json::to_value(payment).unwrap());
    assert_eq!(take(&fresh, &forge(&m.city, &paid, &fresh).await).await.unwrap_err(), ErrorCode::HandoverForeignRecord);
    // A file over the cap is refused before it is decrypted.
    let huge = vec![0u8; ansinh_exchange::limits::HANDOVER_BYTES as usize + 1];
    assert_eq!(take(&fresh, &huge).await.unwrap_err(), ErrorCode::ExchangeTooLarge);
    // The person left out: nothing to hand over.
    let mut no_person = good.clone();
    no_person["records"].as_array_mut().unwrap().retain(|r| r["entity"] != "beneficiary");
    assert_eq!(
        take(&fresh, &forge(&m.city, &no_person, &fresh).await).await.unwrap_err(),
        ErrorCode::HandoverForeignRecord
    );
    // Sealed for somebody else.
    assert_eq!(
        take(&fresh, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap_err(),
        ErrorCode::ExchangeNotForThisOffice
    );
    // Nothing of any of it was written.
    assert_eq!(fresh.dump().await, fresh_before);
    assert_eq!(fresh.store.dump_every_table().await.unwrap(), every_table);
    assert_eq!(count(&fresh, "SELECT COUNT(*) FROM change_log").await, 0);
    assert_eq!(count(&fresh, "SELECT COUNT(*) FROM handovers").await, 0);
    assert_ne!(m.ngoc_ha.dump().await, before, "the genuine file was taken");
    assert!(count(&m.ngoc_ha, "SELECT COUNT(*) FROM change_log").await > logged);
}

/// The city accepts the new commune's move only where the old commune's stop (moved) is held:
/// a city that has not received it yet refuses the bundle and changes nothing, then takes it
/// once the stop has arrived.
#[tokio::test]
async fn the_city_moves_a_person_only_after_the_old_communes_stop() {
    let m = a_move().await;
    // A second city desktop that has Ba Đình's records from before the stop only.
    let city2 = Desk::new().await;
    city2.store.set_office(None).await.unwrap();
    city2.register(&m.ba_dinh, Some(BA_DINH)).await;
    city2.register(&m.ngoc_ha, Some(NGOC_HA)).await;
    let all = m.ba_dinh.store.changes_since(&m.ba_dinh.store.device_id(), 0).await.unwrap();
    let before_stop: Vec<_> = all.iter().filter(|r| r.entity_id != stop_id(&all)).cloned().collect();
    assert_eq!(before_stop.len() + 1, all.len());
    city2.store.import_changes(&before_stop, None, false).await.unwrap();

    take(&m.ngoc_ha, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap();
    decide(&m.ngoc_ha, &m.person, NGOC_HA, "start", "05/03/2026", "").await.unwrap();
    let from_ngoc_ha = m.ngoc_ha.bundle_for(&city2, 0).await;
    let before = city2.dump().await;
    let err = city2.import(&from_ngoc_ha).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::ExchangeOutOfWard);
    assert_eq!(city2.dump().await, before);
    // Ba Đình's stop arrives; the same bundle is taken.
    city2.import(&m.ba_dinh.bundle_for(&city2, 0).await).await.unwrap();
    city2.import(&from_ngoc_ha).await.unwrap();
    let moved = city2.store.beneficiary_detail(&m.person.id.to_string()).await.unwrap();
    assert_eq!(moved.beneficiary.ward_code, NGOC_HA);
}

/// The id of the stop decision among a desktop's records (the last decision written).
fn stop_id(records: &[ansinh_store::ChangeRecord]) -> String {
    records.iter().rev().find(|r| r.entity == ansinh_store::Entity::BenefitDecision).unwrap().entity_id.clone()
}

async fn fresh_identity(desk: &Desk) -> age::x25519::Identity {
    desk.store.setting("exchange.age_identity").await.unwrap().unwrap().parse().unwrap()
}

/// Once the city has the move, the old commune's desktop goes on recording the person's history
/// there (January's payment failed after all): its bundles still merge. Its record of the person
/// is read-only from its stop (moved): the new commune keeps it.
#[tokio::test]
async fn the_old_commune_goes_on_recording_the_persons_history_after_the_move() {
    let m = a_move().await;
    take(&m.ngoc_ha, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap();
    decide(&m.ngoc_ha, &m.person, NGOC_HA, "start", "05/03/2026", "").await.unwrap();
    m.city.import(&m.ngoc_ha.bundle_for(&m.city, 0).await).await.unwrap();
    let err = m.ba_dinh.store.update_beneficiary(&m.person).await.unwrap_err();
    assert_eq!(code(&ExchangeError::Store(err)), ErrorCode::ExchangeReadOnly);
    let since = m.ba_dinh.last_seq().await;
    m.ba_dinh.reconcile(&m.january, None).await;
    m.city.import(&m.ba_dinh.bundle_for(&m.city, since).await).await.unwrap();
    let detail = m.city.store.beneficiary_detail(&m.person.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.ward_code, NGOC_HA, "still Ngọc Hà's");
    let january = detail.payments.iter().find(|p| p.id == m.january.id.to_string()).unwrap();
    assert_eq!(january.status, ansinh_core::model::PaymentStatus::Failed);
}

/// Records a handover brought out of their series' order are not that series' head: when the
/// series itself arrives (here Ba Đình's whole series, as a same-ward desktop's would), the
/// records before them are taken, those already held count as such, and the chain holds.
#[tokio::test]
async fn records_a_handover_brought_take_their_place_when_their_series_arrives() {
    let m = a_move().await;
    take(&m.ngoc_ha, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap();
    let device = m.ba_dinh.store.device_id();
    let heads = m.ngoc_ha.store.series_heads().await.unwrap();
    assert!(heads.iter().all(|h| h.device_id != device), "three handed records are no head of Ba Đình's series");
    let all = m.ba_dinh.store.changes_since(&device, 0).await.unwrap();
    let r = m.ngoc_ha.store.import_changes(&all, None, false).await.unwrap();
    assert_eq!((r.applied, r.already_had), (all.len() - 3, 3));
    assert!(r.gaps.is_empty());
    let heads = m.ngoc_ha.store.series_heads().await.unwrap();
    assert_eq!(heads.iter().find(|h| h.device_id == device).map(|h| h.last_seq), Some(all.last().unwrap().seq));
    assert_eq!(count(&m.ngoc_ha, "SELECT COUNT(*) FROM handover_records").await, 0, "all in their place now");
    assert_eq!(m.ngoc_ha.store.verify_changes().await.unwrap(), None);
}

/// A stop (moved) that is no longer the old commune's latest decision (the person stayed after
/// all: started there again) lets no other commune move them: the city refuses that bundle.
#[tokio::test]
async fn a_stale_stop_moves_nobody() {
    let m = a_move().await;
    take(&m.ngoc_ha, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap();
    let since = m.ba_dinh.last_seq().await;
    decide(&m.ba_dinh, &m.person, BA_DINH, "start", "05/05/2026", "").await.unwrap();
    m.city.import(&m.ba_dinh.bundle_for(&m.city, since).await).await.unwrap();
    decide(&m.ngoc_ha, &m.person, NGOC_HA, "start", "05/06/2026", "").await.unwrap();
    let before = m.city.dump().await;
    let err = m.city.import(&m.ngoc_ha.bundle_for(&m.city, 0).await).await.unwrap_err();
    assert_eq!(code(&err), ErrorCode::ExchangeOutOfWard);
    assert_eq!(m.city.dump().await, before);
    // Nor can the city hand the file over again.
    assert_eq!(handover(&m, NGOC_HA).await.unwrap_err(), ErrorCode::HandoverNotMoved);
}

/// The new commune's start and the move it makes may arrive in separate batches (a sync cuts
/// batches anywhere): the start alone is taken, then the move.
#[tokio::test]
async fn the_start_and_the_move_may_arrive_in_separate_batches() {
    let m = a_move().await;
    take(&m.ngoc_ha, &handover(&m, NGOC_HA).await.unwrap()).await.unwrap();
    decide(&m.ngoc_ha, &m.person, NGOC_HA, "start", "05/03/2026", "").await.unwrap();
    let device = m.ngoc_ha.store.device_id();
    let own = m.ngoc_ha.store.changes_since(&device, 0).await.unwrap();
    assert_eq!(own.iter().map(|r| r.entity.name()).collect::<Vec<_>>(), ["benefit_decisions", "beneficiary"]);
    let keys = m.ngoc_ha.keys.public(NGOC_HA);
    let origin = |first: i64, last: i64| ansinh_store::BundleOrigin {
        payload_hash: format!("test:{first}-{last}"),
        device_id: device.clone(),
        ward: NGOC_HA.into(),
        signing_key: keys.signing_key.clone(),
        first_seq: first,
        last_seq: last,
        via: ansinh_store::Via::Bundle,
        audit: None,
    };
    let start = m.city.store.import_changes(&own[..1], Some(&origin(1, 1)), false).await.unwrap();
    assert_eq!(start.applied, 1);
    m.city.store.import_changes(&own[1..], Some(&origin(2, 2)), false).await.unwrap();
    let detail = m.city.store.beneficiary_detail(&m.person.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.ward_code, NGOC_HA);
}
