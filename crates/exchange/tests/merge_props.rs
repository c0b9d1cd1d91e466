//! Property: any interleaving, duplication and reordering of the same bundles yields the same
//! merged database (canonical dump of every projected table and the review queue).

mod common;
use ansinh_core::ErrorCode;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[test]
fn any_order_and_repetition_of_the_same_bundles_gives_the_same_city() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (city, scenario, reference) = rt.block_on(async {
        let city = Desk::new().await;
        let s = five_wards(&city).await;
        // The reference: every device's whole series, once, in a fixed order.
        let reference = city.same_office().await;
        for b in &s.bundles {
            if let Err(e) = reference.import(b).await {
                assert_eq!(e.full_code(), ErrorCode::ExchangeReplayed);
            }
        }
        let dump = reference.dump().await;
        assert!(dump.contains("money_conflict") && dump.contains("duplicate_person"), "{dump}");
        (city, s, dump)
    });
    let n = scenario.bundles.len();
    let orders = proptest::collection::vec(0..n, 0..2 * n).prop_flat_map(move |extra| {
        let mut all: Vec<usize> = (0..n).collect();
        all.extend(extra);
        Just(all).prop_shuffle()
    });
    let mut runner = TestRunner::new(Config { cases: 32, failure_persistence: None, ..Config::default() });
    runner
        .run(&orders, |order| {
            let dump = rt.block_on(async {
                let desk = city.same_office().await;
                for &i in &order {
                    if let Err(e) = desk.import(&scenario.bundles[i]).await {
                        assert_eq!(e.full_code(), ErrorCode::ExchangeReplayed, "bundle {i} in {order:?}");
                    }
                }
                // Every device's whole series is in the sequence, so every gap a partial
                // bundle met is closed by the time it ends.
                desk.dump().await
            });
            prop_assert_eq!(&dump, &reference, "order {:?}", order);
            Ok(())
        })
        .unwrap();
}

/// Property: a bundle with any one byte flipped, or cut at any length, is refused with a
/// damage code and leaves the receiving database exactly as it was.
#[test]
fn any_flipped_byte_or_truncation_is_refused_and_changes_nothing() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (city, bundle, before) = rt.block_on(async {
        let city = Desk::new().await;
        let ward = Desk::new().await;
        let p = ward.person("Ngô Thị Hoa", 1939, 42, "00008").await;
        ward.set_phone(&p, "0912000111").await;
        let bundle = ward.bundle_for(&city, 0).await;
        let before = city.dump().await;
        (city, bundle, before)
    });
    let len = bundle.len();
    let cases = prop_oneof![
        (0..len, 1u8..=255).prop_map(|(at, x)| (Some((at, x)), len)),
        (0..len).prop_map(|cut| (None, cut)),
    ];
    let mut runner = TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
    runner
        .run(&cases, |(flip, cut)| {
            let mut bad = bundle[..cut].to_vec();
            if let Some((at, x)) = flip {
                bad[at] ^= x;
            }
            let (code, dump) = rt.block_on(async {
                let code = city.import(&bad).await.map(|_| ()).unwrap_err().full_code();
                (code, city.dump().await)
            });
            let expected = [
                ErrorCode::ExchangeDamaged,
                ErrorCode::ExchangeNotABundle,
                ErrorCode::ExchangeNotForThisOffice,
                ErrorCode::ExchangeBadSignature,
            ];
            prop_assert!(expected.contains(&code), "{code}");
            prop_assert_eq!(&dump, &before);
            Ok(())
        })
        .unwrap();
}
