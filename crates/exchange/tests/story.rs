//! Five ward desktops work offline, some of it on the same records; the city merges their
//! bundles in two different orders and gets one picture with the expected review items.

mod common;
use ansinh_core::ErrorCode;
use common::*;

#[tokio::test]
async fn five_wards_merge_at_the_city_with_the_expected_review_items() {
    let city = Desk::new().await;
    let s = five_wards(&city).await;
    for b in &s.bundles {
        match city.import(b).await {
            Ok(_) => {}
            Err(e) => assert_eq!(e.full_code(), ErrorCode::ExchangeReplayed),
        }
    }
    let items = city.store.review_items(true).await.unwrap();
    let kinds: Vec<(&str, &str)> = items.iter().map(|i| (i.kind.as_str(), i.entity.as_str())).collect();
    assert_eq!(
        kinds,
        vec![("conflict", "beneficiary"), ("duplicate_person", "beneficiary"), ("money_conflict", "payment")],
        "{items:#?}"
    );
    // The concurrent corrections: both sides shown, the row shows the one of the greater device id.
    let conflict = &items[0];
    assert_eq!(conflict.entity_id, s.shared_person.id.to_string());
    let sides = conflict.sides.as_array().unwrap();
    let mut phones: Vec<&str> = sides.iter().map(|x| x["row"]["phone"].as_str().unwrap()).collect();
    phones.sort();
    assert_eq!(phones, ["0901111111", "0902222222"]);
    let (w1, w2) = (s.wards[0].store.device_id(), s.wards[1].store.device_id());
    let expected = if w1 > w2 { "0901111111" } else { "0902222222" };
    let shown = city.store.beneficiary_detail(&s.shared_person.id.to_string()).await.unwrap();
    assert_eq!(shown.beneficiary.phone, expected);
    // Money is not last-writer-wins: the payment stays as both sides last agreed.
    let money = &items[2];
    assert_eq!(money.entity_id, s.shared_payment.id.to_string());
    let statuses: Vec<&str> =
        money.sides.as_array().unwrap().iter().map(|x| x["row"]["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"credited") && statuses.contains(&"failed"), "{statuses:?}");
    let payment = shown.payments.iter().find(|p| p.id == s.shared_payment.id.to_string()).unwrap();
    assert_eq!(payment.status, ansinh_core::model::PaymentStatus::Credited);
    assert_eq!(payment.credited_on.as_deref(), Some("2026-10-01"));
    // The same ID number from two wards: both people kept, one review item, never merged.
    let dup = &items[1];
    let (a, b) = (s.twins.0.id.to_string(), s.twins.1.id.to_string());
    assert_eq!((dup.entity_id.clone(), dup.other_id.clone()), (a.clone().min(b.clone()), a.clone().max(b.clone())));
    assert!(city.store.beneficiary_detail(&a).await.is_ok() && city.store.beneficiary_detail(&b).await.is_ok());
    assert_eq!(city.store.count_beneficiaries().await.unwrap(), 7);

    // Another city machine, bundles in the reverse order: the same database.
    let city2 = city.same_office().await;
    for b in s.bundles.iter().rev() {
        if let Err(e) = city2.import(b).await {
            assert_eq!(e.full_code(), ErrorCode::ExchangeReplayed);
        }
    }
    // The reverse order leaves gaps the partial bundles cannot fill; the whole series come last.
    for b in &s.bundles {
        let _ = city2.import(b).await;
    }
    assert_eq!(city2.dump().await, city.dump().await);

    // The tables are projections: rebuilt from the records alone they are the same.
    let rebuilt = city.store.rebuild_into(&city.dir.path().join("rebuilt.db")).await.unwrap();
    assert!(rebuilt.differences.is_empty(), "{:?}", rebuilt.differences);

    // An officer settles the conflict keeping ward desktop 1's correction: the row follows,
    // the item leaves the queue, and the settling record is based on both sides.
    let keep = sides.iter().find(|x| x["row"]["phone"] == "0901111111").unwrap()["record_id"].as_str().unwrap();
    city.store.settle_review(conflict.id, keep).await.unwrap();
    let shown = city.store.beneficiary_detail(&s.shared_person.id.to_string()).await.unwrap();
    assert_eq!(shown.beneficiary.phone, "0901111111");
    let open = city.store.review_items(true).await.unwrap();
    assert!(!open.iter().any(|i| i.kind == "conflict"), "{open:#?}");
    let rebuilt = city.store.rebuild_into(&city.dir.path().join("rebuilt2.db")).await.unwrap();
    assert!(rebuilt.differences.is_empty(), "{:?}", rebuilt.differences);
}

#[tokio::test]
async fn the_city_sees_every_ward_and_cannot_change_another_wards_records() {
    let city = Desk::new().await;
    city.store.set_office(None).await.unwrap();
    let s = five_wards(&city).await;
    for b in &s.bundles {
        let _ = city.import(b).await;
    }
    // Indicators across wards: every ward with payments is a segment at the city.
    let report =
        city.store.metrics(today(), &Default::default(), &[ansinh_core::model::SegmentBy::Ward]).await.unwrap();
    let wards: Vec<String> = report.segments.unwrap().iter().map(|x| x.key.clone()).collect();
    assert!(wards.contains(&"00004".to_string()) && wards.contains(&"00082".to_string()), "{wards:?}");

    // A ward's person is read-only at the city: a correction and a new payment are refused.
    let mut edit = s.twins.0.clone();
    edit.phone = "0999999999".into();
    let e = city.store.update_beneficiary(&edit).await.unwrap_err();
    assert_eq!(ansinh_exchange::ExchangeError::from(e).full_code(), ErrorCode::ExchangeReadOnly);
    let e = city.try_pay(&s.twins.0, "2026-11").await.unwrap_err();
    assert_eq!(ansinh_exchange::ExchangeError::from(e).full_code(), ErrorCode::ExchangeReadOnly);

    // The ward's second desktop (same ward) may still correct the first one's person.
    let w2 = &s.wards[1];
    let x = w2.store.beneficiary_detail(&s.shared_person.id.to_string()).await.unwrap();
    assert_eq!(x.beneficiary.ward_code, "00004");
    w2.set_phone(&s.shared_person, "0903333333").await;
    // A ward desktop holding another ward's records (ward 00025 took ward 00070's bundle): read-only.
    let (w3, w4) = (&s.wards[2], &s.wards[3]);
    w3.import(&w4.bundle_for(w3, 0).await).await.unwrap();
    let mut other = s.twins.1.clone();
    other.phone = "0988888888".into();
    let e = w3.store.update_beneficiary(&other).await.unwrap_err();
    assert_eq!(ansinh_exchange::ExchangeError::from(e).full_code(), ErrorCode::ExchangeReadOnly);
}
