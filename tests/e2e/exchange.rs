//! Exchange in the real window: a ward's bundle picked with `<input type=file>`, previewed
//! (dry run: nothing written), then imported; this desktop's own records exported for an office
//! into the export folder, and readable only with that office's key; the review page.

use crate::harness::{App, TIMEOUT, register_outside};
use ansinh_exchange::{DeviceKeys, parse_recipient};
use ansinh_store::Store;
use serde_json::json;
use std::path::Path;

async fn pick_file(app: &App, testid: &str, path: &Path) {
    // Waited for: the page shows its inputs once its overview is read.
    let input = app.find(testid).await;
    input.send_keys(path.to_str().unwrap()).await.expect("send_keys on <input type=file>");
}

/// A ward desktop outside the app: its own database, one person registered, its keys.
async fn ward_desktop(dir: &Path) -> (Store, DeviceKeys, ansinh_core::records::Beneficiary) {
    let store = Store::open(&dir.join("ward.db")).await.unwrap();
    let person = register_outside(&store, "Nguyễn Thị Ánh", "05/03/1941", "001141012345").await;
    let keys = DeviceKeys::load_or_create(&store).await.unwrap();
    (store, keys, person)
}

#[tokio::test]
async fn a_ward_bundle_is_previewed_then_imported_and_an_own_bundle_exported() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let app = App::start_with_env("exchange", &[("ANSINH_EXPORT_DIR", exports.to_str().unwrap())]).await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    app.click("nav-exchange").await;
    app.find("exchange-page").await;
    let recipient = app.wait_text("exchange-recipient", |t| t.starts_with("age1"), TIMEOUT).await;

    // The ward seals its records for this desktop's key.
    let (ward, ward_keys, _) = ward_desktop(dir.path()).await;
    let (sealed, _) =
        ansinh_exchange::export_bundle(&ward, &ward_keys, 0, &parse_recipient(&recipient).unwrap()).await.unwrap();
    let file = dir.path().join("phuong-00004.ansinh");
    std::fs::write(&file, &sealed).unwrap();

    // From a desktop nobody registered here: refused, with the translated reason.
    pick_file(&app, "exchange-file", &file).await;
    let refusal = app.wait_text("form-error", |t| !t.is_empty(), TIMEOUT).await;
    assert!(refusal.contains("chưa được đăng ký"), "{refusal}");

    // The administrator registers the ward's desktop from its public-key file, after comparing
    // the fingerprint the page shows with the one the ward reads out.
    let public = ward_keys.public("00004");
    app.find("exchange-register").await.click().await.unwrap();
    app.type_into("exchange-device-key", &serde_json::to_string(&public).unwrap()).await;
    app.click("exchange-device-check").await;
    let shown = app.wait_text("exchange-device-fingerprint", |t| !t.is_empty(), TIMEOUT).await;
    assert_eq!(shown, ansinh_exchange::fingerprint(&public.signing_key).unwrap());
    app.type_into("exchange-device-name", "Phường 00004").await;
    app.screenshot_office("exchange-register-device.png").await;
    app.click("exchange-device-register").await;
    app.wait_text("exchange-device-registered", |t| t.contains("Phường 00004"), TIMEOUT).await;
    let rows = app.wait_text("exchange-devices", |t| t.contains(&shown), TIMEOUT).await;
    assert!(rows.contains("Máy của xã/phường 00004"), "{rows}");

    // Picked again: a dry-run preview; nothing is written yet.
    pick_file(&app, "exchange-file", &file).await;
    let counts = app.wait_text("exchange-preview-counts", |t| !t.is_empty(), TIMEOUT).await;
    assert!(counts.contains("1 thay đổi trong tệp") && counts.contains("1 mới"), "{counts}");
    let info = app.invoke("app_info", json!({})).await.unwrap();
    assert_eq!(info["beneficiary_count"], 0, "the preview wrote nothing");

    app.click("exchange-apply").await;
    let result = app.wait_text("exchange-result", |t| !t.is_empty(), TIMEOUT).await;
    assert!(result.contains("Đã nhập 1 thay đổi"), "{result}");
    let info = app.invoke("app_info", json!({})).await.unwrap();
    assert_eq!(info["beneficiary_count"], 1);

    // The same file again: refused with a translated message, nothing changes.
    pick_file(&app, "exchange-file", &file).await;
    app.wait_text("exchange-preview-counts", |t| t.contains("0 mới"), TIMEOUT).await;
    assert!(!app.find("exchange-apply").await.is_enabled().await.unwrap(), "nothing new to import");

    // This desktop's own work, sent to the ward's office key.
    let person = json!({ "input": {
        "full_name": "Trần Thị Bình", "birth_date": "1940", "sex": "Nữ", "id_number": "001140000777",
        "ward_code": "00008", "group_code": "cao_tuoi_ngheo_80"
    }});
    app.invoke("add_beneficiary", person).await.expect("add_beneficiary");
    app.click("nav-review").await;
    app.find("review-page").await;
    app.find("review-empty").await;
    app.click("nav-exchange").await;
    app.find("exchange-page").await;
    // The registered ward desktop is an office this desktop can send to.
    app.find("exchange-export").await;
    app.click("exchange-export").await;
    let saved = app.wait_text("exchange-export-result", |t| t.contains(".ansinh"), TIMEOUT).await;
    let path = saved.split(": ").last().unwrap().trim();
    assert!(Path::new(path).starts_with(&exports), "saved in the export folder: {saved}");
    let (manifest, records) = ansinh_exchange::read_bundle(&ward_keys, &std::fs::read(path).unwrap()).unwrap();
    assert_eq!(manifest.records, 1);
    assert_eq!(records[0].entity, ansinh_store::Entity::Beneficiary);
    assert!(records[0].payload.contains("Trần Thị Bình"));
    assert_eq!(manifest.device_id, app.text("exchange-device").await);

    // The city office's signed reference file: registered as the city office, its file applies.
    let city = Store::open(&dir.path().join("city.db")).await.unwrap();
    city.set_office(None).await.unwrap();
    let city_keys = DeviceKeys::load_or_create(&city).await.unwrap();
    let register = json!({ "key": serde_json::to_string(&city_keys.public("")).unwrap(), "name": "Thành phố",
        "role": "city", "ward": "" });
    app.invoke("exchange_register_device", register).await.expect("register the city office");
    let reference = ansinh_exchange::make_reference_file(&city, &city_keys).await.unwrap();
    let reference_path = dir.path().join("tham-chieu.json");
    std::fs::write(&reference_path, serde_json::to_string(&reference).unwrap()).unwrap();
    pick_file(&app, "exchange-reference-file", &reference_path).await;
    let applied = app.wait_text("exchange-reference-result", |t| !t.is_empty(), TIMEOUT).await;
    assert!(applied.contains("phiên bản 1"), "{applied}");
    // The same file again: refused as not newer, translated.
    pick_file(&app, "exchange-reference-file", &reference_path).await;
    let refusal = app.wait_text("form-error", |t| t.contains("không mới hơn"), TIMEOUT).await;
    assert!(refusal.contains("phiên bản 1"), "{refusal}");

    // Revoked from the page: the device stays listed as revoked.
    app.click("exchange-revoke").await;
    app.wait_text("exchange-devices", |t| t.contains("Đã thu hồi"), TIMEOUT).await;
    app.screenshot_office("exchange-devices.png").await;
    app.close().await;
}

/// Imports one bundle file through the page: pick, preview, import.
async fn import_through_page(app: &App, file: &Path) {
    pick_file(app, "exchange-file", file).await;
    app.wait_text("exchange-preview-counts", |t| !t.is_empty(), TIMEOUT).await;
    app.click("exchange-apply").await;
    app.wait_text("exchange-result", |t| t.contains("Đã nhập"), TIMEOUT).await;
}

#[tokio::test]
async fn two_desktops_correcting_one_person_meet_on_the_review_page() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start("exchange-review").await;
    app.wait_ready().await;
    app.skip_demo_offer().await;
    app.click("nav-exchange").await;
    let recipient = app.wait_text("exchange-recipient", |t| t.starts_with("age1"), TIMEOUT).await;
    let to_app = parse_recipient(&recipient).unwrap();

    // Two desktops of ward 00004: the second takes the first one's records, then both correct
    // the same person's phone offline.
    let (d1, d2) = (dir.path().join("w1"), dir.path().join("w2"));
    let (w1, k1, original) = ward_desktop(&d1).await;
    let w2 = Store::open(&d2.join("ward.db")).await.unwrap();
    let k2 = DeviceKeys::load_or_create(&w2).await.unwrap();
    let to_w2 = parse_recipient(&serde_json::to_string(&k2.public("")).unwrap()).unwrap();
    let (b, _) = ansinh_exchange::export_bundle(&w1, &k1, 0, &to_w2).await.unwrap();
    k1.public("00004").enroll(&w2, "w1", ansinh_store::DeviceRole::Ward, "00004").await.unwrap();
    ansinh_exchange::import_bundle(&w2, &k2, &b, false).await.unwrap();
    let id = original.id.to_string();
    for (store, phone) in [(&w1, "0901111111"), (&w2, "0902222222")] {
        let mut person = original.clone();
        person.phone = phone.into();
        store.update_beneficiary(&person).await.unwrap();
    }
    for (n, (store, keys)) in [(&w1, &k1), (&w2, &k2)].into_iter().enumerate() {
        let key = serde_json::to_string(&keys.public("00004")).unwrap();
        let register = json!({ "key": key, "name": format!("w{n}"), "role": "ward", "ward": "00004" });
        app.invoke("exchange_register_device", register).await.expect("register the ward desktop");
        let (sealed, _) = ansinh_exchange::export_bundle(store, keys, 0, &to_app).await.unwrap();
        let file = dir.path().join(format!("w{n}.ansinh"));
        std::fs::write(&file, sealed).unwrap();
        import_through_page(&app, &file).await;
    }

    app.click("nav-review").await;
    app.find("review-page").await;
    let items = app.invoke("review_list", json!({})).await.unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1, "{items}");
    assert_eq!(items[0]["kind"], "conflict");
    let item = items[0]["id"].as_i64().unwrap();
    let kept = items[0]["sides"][0]["row"]["phone"].as_str().unwrap().to_string();
    let card = app.text(&format!("review-item-{item}")).await;
    assert!(card.contains("0901111111") && card.contains("0902222222"), "both sides shown: {card}");

    app.click(&format!("review-keep-{item}-0")).await;
    app.find("review-empty").await;
    let person = app.invoke("get_beneficiary", json!({ "id": id })).await.unwrap();
    assert_eq!(person["beneficiary"]["phone"], kept.as_str());
    app.close().await;
}
