//! Bundles end to end between simulated desktops: what goes in, what is refused (and then
//! changes nothing), overlapping ranges, gaps, receipts.

mod common;
use ansinh_core::ErrorCode;
use common::*;

fn code(r: Result<ansinh_exchange::ImportOutcome, ansinh_exchange::ExchangeError>) -> ErrorCode {
    r.expect_err("must be refused").full_code()
}

#[tokio::test]
async fn a_bundle_goes_ward_to_city_and_the_receipt_comes_back() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let anh = ward.person("Nguyễn Thị Ánh", 1941, 12345, "00004").await;
    ward.set_phone(&anh, "0912345678").await;
    ward.pay(&anh, "2026-10").await;

    let bundle = ward.bundle_for(&city, 0).await;
    let before = city.dump().await;
    city.register(&ward, Some("00004")).await;
    let preview = ansinh_exchange::import_bundle(&city.store, &city.keys, &bundle, true).await.unwrap();
    assert!(preview.dry_run);
    assert_eq!(preview.report.applied, 4, "person, its correction, the cycle and the payment");
    assert_eq!(preview.manifest.counts.get("beneficiary"), Some(&2));
    assert_eq!(preview.manifest.ward, "00004");
    assert_eq!(city.dump().await, before, "a dry run changes nothing");

    let done = city.import(&bundle).await.unwrap();
    assert_eq!(done.report.applied, 4);
    assert_eq!(city.dump().await, ward.dump().await, "the city holds exactly the ward's rows");
    let phone = city.store.beneficiary_detail(&anh.id.to_string()).await.unwrap().beneficiary.phone;
    assert_eq!(phone, "0912345678");

    // The same bundle again: refused as a replay, nothing changes.
    let after = city.dump().await;
    assert_eq!(code(city.import(&bundle).await), ErrorCode::ExchangeReplayed);
    assert_eq!(city.dump().await, after);

    // The receipt tells the ward where the next bundle starts (from the registered city office).
    ward.register(&city, None).await;
    let receipt = ansinh_exchange::make_receipt(&city.store, &city.keys).await.unwrap();
    let text = serde_json::to_string(&receipt).unwrap();
    assert_eq!(ansinh_exchange::import_receipt(&ward.store, &text).await.unwrap(), 4);
    assert_eq!(ward.store.acknowledged_seq().await.unwrap(), 4);
    // A forged receipt (the seq raised) fails its signature.
    let forged = text.replace(r#"\"last_seq\":4"#, r#"\"last_seq\":9"#);
    assert_ne!(forged, text);
    let e = ansinh_exchange::import_receipt(&ward.store, &forged).await.unwrap_err();
    assert_eq!(e.full_code(), ErrorCode::ExchangeBadSignature);
    assert_eq!(ward.store.acknowledged_seq().await.unwrap(), 4);
}

#[tokio::test]
async fn overlapping_ranges_apply_only_what_is_new_and_gaps_stop_at_the_hole() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let a = ward.person("Trần Thị Bình", 1940, 1, "00004").await; // seq 1
    let b = ward.person("Lê Thị Cúc", 1942, 2, "00004").await; // seq 2
    ward.set_phone(&a, "0900000001").await; // seq 3
    let first = ward.bundle_for(&city, 0).await; // 1..3
    ward.set_phone(&b, "0900000002").await; // seq 4
    let from4 = ward.bundle_for(&city, 3).await; // 4
    ward.set_phone(&a, "0900000003").await; // seq 5
    let from2 = ward.bundle_for(&city, 1).await; // 2..5
    let from5 = ward.bundle_for(&city, 4).await; // 5

    // 5 before 1..4: a gap, reported, nothing of that series applied past it.
    let r = city.import(&from5).await.unwrap().report;
    assert_eq!(r.applied, 0);
    assert_eq!(r.gaps.len(), 1);
    assert_eq!((r.gaps[0].expected_seq, r.gaps[0].found_seq), (1, 5));
    assert!(city.store.changes_since(&ward.store.device_id(), 0).await.unwrap().is_empty());

    assert_eq!(city.import(&first).await.unwrap().report.applied, 3);
    // 2..5 overlaps 1..3: only 4 and 5 are new.
    let r = city.import(&from2).await.unwrap().report;
    assert_eq!((r.applied, r.already_had), (2, 2));
    assert_eq!(code(city.import(&from4).await), ErrorCode::ExchangeReplayed);
    assert_eq!(city.dump().await, ward.dump().await);
}

#[tokio::test]
async fn damaged_foreign_forged_and_truncated_bundles_are_refused_and_change_nothing() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let other_office = Desk::new().await;
    let p = ward.person("Phạm Thị Dung", 1939, 3, "00008").await;
    ward.set_phone(&p, "0911111111").await;
    let good = ward.bundle_for(&city, 0).await;
    let before = city.dump().await;

    // A flipped byte anywhere in the ciphertext (header, body, tag).
    for at in [20, good.len() / 2, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let c = code(city.import(&bad).await);
        assert!(
            [ErrorCode::ExchangeDamaged, ErrorCode::ExchangeNotABundle, ErrorCode::ExchangeNotForThisOffice]
                .contains(&c),
            "{at}: {c}"
        );
    }
    // Truncated.
    assert_eq!(code(city.import(&good[..good.len() - 10]).await), ErrorCode::ExchangeDamaged);
    assert_eq!(code(city.import(&good[..good.len() / 3]).await), ErrorCode::ExchangeDamaged);
    // Encrypted to another office.
    let elsewhere = ward.bundle_for(&other_office, 0).await;
    assert_eq!(code(city.import(&elsewhere).await), ErrorCode::ExchangeNotForThisOffice);
    // Not a bundle at all.
    assert_eq!(code(city.import(b"hello").await), ErrorCode::ExchangeNotABundle);
    assert_eq!(city.dump().await, before, "nothing of any refused bundle was applied");

    // Signed by a key other than the one this device used before: refused.
    assert_eq!(city.import(&good).await.unwrap().report.applied, 2);
    let after = city.dump().await;
    ward.set_phone(&p, "0922222222").await;
    ward.store.set_setting("exchange.signing_key", &"11".repeat(32)).await.unwrap();
    let impostor = DeviceKeys::load_or_create(&ward.store).await.unwrap();
    let forged = ansinh_exchange::export_bundle(&ward.store, &impostor, 2, &city.recipient()).await.unwrap().0;
    assert_eq!(code(city.import(&forged).await), ErrorCode::ExchangeKeyMismatch);
    assert_eq!(city.dump().await, after);
}

use ansinh_exchange::DeviceKeys;

#[tokio::test]
async fn a_record_changed_after_signing_is_caught_by_its_hash() {
    // Records handed to the store directly (as a server would): a changed payload is refused.
    let ward = Desk::new().await;
    let city = Desk::new().await;
    ward.person("Đỗ Thị Em", 1938, 4, "00025").await;
    let mut records = ward.store.changes_since(&ward.store.device_id(), 0).await.unwrap();
    records[0].payload = records[0].payload.replace("Đỗ Thị Em", "Đỗ Thị Ém");
    let e = city.store.import_changes(&records, None, false).await.unwrap_err();
    assert_eq!(ansinh_exchange::ExchangeError::from(e).full_code(), ErrorCode::ExchangeTampered);
    assert!(city.store.changes_since(&ward.store.device_id(), 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_payout_report_travels_with_its_withdrawals() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let anh = ward.person("Nguyễn Thị Ánh", 1941, 12345, "00004").await;
    let p = ward.pay(&anh, "2026-10").await;
    let row = |n: usize, date: &str, amount: &str| ansinh_store::PayoutRow {
        row: n,
        reference: Some(p.id.to_string()),
        id_number: None,
        input: ansinh_core::inputs::WithdrawalInput {
            withdrawn_on: date.into(),
            amount: amount.into(),
            place: "post_office".into(),
            ..Default::default()
        },
    };
    let meta = ansinh_store::PayoutMeta {
        channel: None,
        payer: "Bưu điện Ba Đình".into(),
        complete_to: chrono::NaiveDate::from_ymd_opt(2026, 10, 31),
        file_name: "chi-tra.csv".into(),
        file_hash: "ab".repeat(32),
    };
    let rows = [row(2, "12/10/2026", "200.000"), row(3, "20/10/2026", "300.000")];
    let r = ward.store.import_payouts("2026-10", Some("00004"), &rows, &meta, today(), false).await.unwrap();
    assert_eq!(r.new_withdrawals, 2);

    let bundle = ward.bundle_for(&city, 0).await;
    let done = city.import(&bundle).await.unwrap();
    assert_eq!(done.report.entities.get("payout_reports"), Some(&1));
    assert_eq!(done.report.entities.get("withdrawal"), Some(&2));
    assert_eq!(city.dump().await, ward.dump().await, "the city holds exactly the ward's rows");
    let reports = city.store.payout_reports("2026-10", None).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(
        (reports[0].ward_code.as_deref(), reports[0].complete_to.as_deref()),
        (Some("00004"), Some("2026-10-31"))
    );
}
