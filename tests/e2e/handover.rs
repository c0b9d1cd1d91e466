//! A move between two ward desktops in the real window (issue 16): the app is Ngọc Hà's
//! desktop; Ba Đình's desktop (outside the app) stopped a person because they moved, and the
//! city office's desktop (outside the app) hands their file over. The officer takes it on the
//! exchange page, opens the person and records Ngọc Hà's start: the person moves here.

use crate::harness::{App, TIMEOUT, open_store, register_outside, testid_css};
use ansinh_core::decisions::{self, DecisionInput};
use ansinh_exchange::{DeviceKeys, PublicKeys, parse_recipient};
use ansinh_store::{DeviceRole, NewDevice, Store};
use fantoccini::Locator;
use serde_json::json;
use std::path::Path;

async fn enroll(store: &Store, keys: &PublicKeys, role: DeviceRole) {
    let d = NewDevice {
        device_id: &keys.device_id,
        name: "",
        role,
        ward: &keys.ward,
        signing_key: &keys.signing_key,
        recipient: &keys.recipient,
    };
    store.enroll_device(&d).await.unwrap();
}

async fn decide(store: &Store, person: &str, kind: &str, on: &str, reason: &str) {
    let input = DecisionInput {
        beneficiary_id: person.into(),
        ward_code: "00004".into(),
        number: format!("{}/QĐ-UBND", 10 + kind.len()),
        decided_on: on.into(),
        kind: kind.into(),
        group_code: if kind == "stop" { String::new() } else { "cao_tuoi_ngheo_80".into() },
        reason: reason.into(),
        ..DecisionInput::default()
    };
    let refs = store.refs().await.unwrap();
    let today = chrono::Local::now().date_naive();
    store.add_decision(&decisions::decision(&input, &*refs, &refs.rules, today).unwrap()).await.unwrap();
}

/// Ba Đình's desktop: a person started in January and stopped in March because they moved.
async fn ba_dinh_desktop(dir: &Path) -> (Store, DeviceKeys, String) {
    let ba_dinh = Store::open(&dir.join("ba-dinh.db")).await.unwrap();
    ba_dinh.set_office(Some("00004")).await.unwrap();
    let id = register_outside(&ba_dinh, "Trần Thị Bình", "05/03/1940", "001140020202").await.id.to_string();
    decide(&ba_dinh, &id, "start", "05/01/2026", "").await;
    decide(&ba_dinh, &id, "stop", "02/03/2026", "moved").await;
    let keys = DeviceKeys::load_or_create(&ba_dinh).await.unwrap();
    (ba_dinh, keys, id)
}

/// `city` (the city office) registers Ba Đình's and Ngọc Hà's desktops and takes Ba Đình's records.
async fn city_takes(city: &Store, ba_dinh: &(Store, DeviceKeys, String), ngoc_ha: &PublicKeys) -> DeviceKeys {
    city.set_office(None).await.unwrap();
    let city_keys = DeviceKeys::load_or_create(city).await.unwrap();
    enroll(city, &ba_dinh.1.public("00004"), DeviceRole::Ward).await;
    enroll(city, ngoc_ha, DeviceRole::Ward).await;
    let to_city = parse_recipient(&city_keys.public("").recipient).unwrap();
    let (bundle, _) = ansinh_exchange::export_bundle(&ba_dinh.0, &ba_dinh.1, 0, &to_city).await.unwrap();
    ansinh_exchange::import_bundle(city, &city_keys, &bundle, false).await.unwrap();
    city_keys
}

/// Ba Đình's and the city's desktops; returns the handover file sealed for `ngoc_ha`.
async fn handed_over(dir: &Path, ngoc_ha: &PublicKeys) -> (Vec<u8>, PublicKeys, String) {
    let ba_dinh = ba_dinh_desktop(dir).await;
    let city = Store::open(&dir.join("city.db")).await.unwrap();
    let city_keys = city_takes(&city, &ba_dinh, ngoc_ha).await;
    let file = ansinh_exchange::make_handover(&city, &city_keys, &ba_dinh.2, "00008").await.unwrap();
    (file, city_keys.public(""), ba_dinh.2)
}

#[tokio::test]
async fn a_person_handed_over_by_the_city_is_taken_and_started_here() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start("handover").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    // This desktop is Ngọc Hà's, with the city office registered (done once, on the exchange
    // page, in real use; tested there).
    let here = open_store(app.db_path()).await;
    here.set_office(Some("00008")).await.unwrap();
    let keys = DeviceKeys::load_or_create(&here).await.unwrap().public("00008");
    let (sealed, city, id) = handed_over(dir.path(), &keys).await;
    enroll(&here, &city, DeviceRole::City).await;
    here.close().await;
    let file = dir.path().join("ho-so.ansinh");
    std::fs::write(&file, &sealed).unwrap();

    app.click("nav-exchange").await;
    app.find("exchange-page").await;
    let input = app.find("exchange-handover-file").await;
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    let taken = app.wait_text("exchange-handover-result", |t| !t.is_empty(), TIMEOUT).await;
    assert!(taken.contains("Trần Thị Bình") && taken.contains("3 thay đổi mới"), "{taken}");
    app.client()
        .execute(
            "document.querySelector('[data-testid=\"exchange-handover-result\"]').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    app.screenshot_office("handover-taken.png").await;

    // The person's page: handed over, read-only until the start.
    app.click("exchange-handover-open").await;
    app.find("decision-list").await;
    let rows = app.client().find_all(Locator::Css(&testid_css("decision-row"))).await.unwrap();
    assert_eq!(rows.len(), 2, "Ba Đình's start and stop came with the file");
    app.click("open-decision").await;
    app.find("decision-form").await;
    app.type_into("field-number", "31/QĐ-UBND").await;
    app.select("field-group_code", "cao_tuoi_ngheo_80").await;
    app.select("field-ward_code", "00008").await;
    app.click("save").await;
    app.wait_text("decision-notice", |t| t.contains("31/QĐ-UBND"), TIMEOUT).await;
    let rows = app.client().find_all(Locator::Css(&testid_css("decision-row"))).await.unwrap();
    assert_eq!(rows.len(), 3);
    app.screenshot_office("handover-started.png").await;

    // Moved here: the person is Ngọc Hà's now, with one history.
    let here = open_store(app.db_path()).await;
    let detail = here.beneficiary_detail(&id).await.unwrap();
    assert_eq!(detail.beneficiary.ward_code, "00008");
    assert_eq!(here.verify_changes().await.unwrap(), None);
    here.close().await;
    app.close().await;
}

#[tokio::test]
async fn the_city_office_hands_a_moved_persons_file_to_the_new_commune() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let app = App::start_with_env("handover-city", &[("ANSINH_EXPORT_DIR", exports.to_str().unwrap())]).await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    let ba_dinh = ba_dinh_desktop(dir.path()).await;
    let ngoc_ha = Store::open(&dir.path().join("ngoc-ha.db")).await.unwrap();
    ngoc_ha.set_office(Some("00008")).await.unwrap();
    let ngoc_ha_keys = DeviceKeys::load_or_create(&ngoc_ha).await.unwrap();
    // The app is the city office's desktop, holding Ba Đình's records.
    let city = open_store(app.db_path()).await;
    let city_keys = city_takes(&city, &ba_dinh, &ngoc_ha_keys.public("00008")).await;
    city.close().await;
    enroll(&ngoc_ha, &city_keys.public(""), DeviceRole::City).await;

    app.client()
        .execute("location.hash = arguments[0]", vec![json!(format!("#/beneficiaries/{}", ba_dinh.2))])
        .await
        .unwrap();
    app.find("decision-list").await;
    // The panel shows once the page has asked whether this is the city office's desktop.
    app.wait_for_css(&format!("{} summary", testid_css("handover-panel")), TIMEOUT).await.click().await.unwrap();
    app.select("handover-ward", "00008").await;
    app.click("handover-send").await;
    let saved = app.wait_text("handover-saved", |t| t.contains(".ansinh"), TIMEOUT).await;
    app.client()
        .execute("document.querySelector('[data-testid=\"handover-panel\"]').scrollIntoView({block: 'center'})", vec![])
        .await
        .unwrap();
    app.screenshot_office("handover-city.png").await;

    // The file written is the one Ngọc Hà's desktop takes.
    let path =
        std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().path()).find(|p| saved.contains(p.to_str().unwrap()));
    let bytes = std::fs::read(path.expect("the path shown is the file written")).unwrap();
    let report = ansinh_exchange::import_handover(&ngoc_ha, &ngoc_ha_keys, &bytes).await.unwrap();
    assert_eq!((report.full_name.as_str(), report.applied), ("Trần Thị Bình", 3));
    app.close().await;
}
