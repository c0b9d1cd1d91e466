//! Every indicator against a hand-computed fixture (censoring, ties, empty and tiny segments).
//! The tables in the comments are the hand computation.

use ansinh_core::dates::BirthDate;
use ansinh_core::facts::*;
use ansinh_core::model::{Channel, Disability, Need, Needs, PaymentStatus, SegmentBy};
use ansinh_core::segments::{
    FactIndices, Filter, MIN_SEGMENT_PAYMENTS, compute, day_moved, finish, month_number, report, tally, tally_of,
};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const AS_OF: &str = "2026-03-31";
const AMOUNT: i64 = 500_000;

fn person(ward: u32, group: u32, year: i32, needs: Needs, assisted: bool) -> Person {
    Person { ward, group, birth: BirthDate::Year(year), disability: Disability::None, needs, assisted }
}

fn w(
    on: &str,
    amount: i64,
    travel: Option<i64>,
    cost: Option<i64>,
    wait: Option<i64>,
    assisted: bool,
) -> WithdrawalFact {
    WithdrawalFact {
        on: d(on),
        amount_vnd: amount,
        travel_minutes: travel,
        travel_cost_vnd: cost,
        waiting_minutes: wait,
        assisted,
    }
}

/// Payments (amount 500.000 ₫ each), as of 31/03/2026. Cycle ends: 01 → 05/02, 02 → 05/03, 03 → none.
/// Cycle 01 closed on 31/03.
///
/// | # | who | cycle | status    | sched | credited | withdrawals                      | days | event |
/// |---|-----|-------|-----------|-------|----------|----------------------------------|------|-------|
/// | 1 | P0  | 01    | credited  | 01-05 | 01-05    | 01-06 500k (30', 10k, 10', help) |   1  | yes   |
/// | 2 | P1  | 01    | credited  | 01-05 | 01-07    | 01-10 200k (?, ?, 20'), 01-12 300k (10', 0, ?) | 3 | yes |
/// | 3 | P2  | 01    | credited  | 01-05 | 01-05    | –                                |  85  | cens. |
/// | 4 | P0  | 02    | credited  | 02-05 | 02-05    | 02-05 100k (30', 20k, 30')       |   0  | yes   |
/// | 5 | P1  | 02    | failed    | 02-05 | –        | reason account_closed            |      |       |
/// | 6 | P2  | 02    | credited  | 02-05 | 02-06    | 03-06 500k (60', 30k, ?, help)   |  28  | yes   |
/// | 7 | P1  | 03    | credited  | 03-05 | 03-05    | 04-02 500k (after as_of)         |  26  | cens. |
/// | 8 | P0  | 03    | scheduled | 03-05 | –        | –                                |      |       |
fn fixture() -> Facts {
    let alone = Needs { lives_alone: true, ..Needs::default() };
    let alone_bed = Needs { lives_alone: true, bedridden: true, ..Needs::default() };
    let mut f = Facts {
        wards: vec!["A".into(), "B".into()],
        groups: vec!["g1".into(), "g2".into()],
        periods: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
        cycle_ends: vec![Some(d("2026-02-05")), Some(d("2026-03-05")), None],
        // January's cycle closed on the reporting day: payment 3's status is known through it
        // (censored at 85 days, not at its credit). Payment 7's withdrawal after as_of says it
        // was still unwithdrawn on as_of (censored at 26).
        cycle_closed: vec![Some(d(AS_OF)), None, None],
        failure_reasons: vec!["account_closed".into()],
        people: vec![
            Person { disability: Disability::Severe, ..person(0, 0, 1940, alone, true) },
            person(0, 0, 1990, Needs::default(), false),
            person(1, 1, 1950, alone_bed, false),
        ],
        ..Facts::default()
    };
    let mut pay = |person: u32,
                   period: u32,
                   status: PaymentStatus,
                   sched: &str,
                   credited: Option<&str>,
                   ws: Vec<WithdrawalFact>| {
        let start = f.withdrawals.len() as u32;
        f.withdrawals.extend(ws);
        f.payments.push(PaymentFact {
            person,
            period,
            channel: if person == 2 { Channel::Ewallet } else { Channel::Bank },
            status,
            amount_vnd: AMOUNT,
            scheduled_on: Some(d(sched)),
            credited_on: credited.map(d),
            failure_reason: (status == PaymentStatus::Failed).then_some(0),
            withdrawals: start..f.withdrawals.len() as u32,
            checks: 0..0,
            one_off: false,
        });
    };
    use PaymentStatus::*;
    pay(
        0,
        0,
        Credited,
        "2026-01-05",
        Some("2026-01-05"),
        vec![w("2026-01-06", AMOUNT, Some(30), Some(10_000), Some(10), true)],
    );
    pay(
        1,
        0,
        Credited,
        "2026-01-05",
        Some("2026-01-07"),
        vec![
            w("2026-01-10", 200_000, None, None, Some(20), false),
            w("2026-01-12", 300_000, Some(10), Some(0), None, false),
        ],
    );
    pay(2, 0, Credited, "2026-01-05", Some("2026-01-05"), vec![]);
    pay(
        0,
        1,
        Credited,
        "2026-02-05",
        Some("2026-02-05"),
        vec![w("2026-02-05", 100_000, Some(30), Some(20_000), Some(30), false)],
    );
    pay(1, 1, Failed, "2026-02-05", None, vec![]);
    pay(
        2,
        1,
        Credited,
        "2026-02-05",
        Some("2026-02-06"),
        vec![w("2026-03-06", AMOUNT, Some(60), Some(30_000), None, true)],
    );
    pay(
        1,
        2,
        Credited,
        "2026-03-05",
        Some("2026-03-05"),
        vec![w("2026-04-02", AMOUNT, Some(5), Some(0), Some(0), false)],
    );
    pay(0, 2, Scheduled, "2026-03-05", None, vec![]);

    let acc =
        |person: u32, channel: Channel, opened: &str, credit: Option<&str>, withdrawal: Option<&str>| AccountFact {
            person,
            channel,
            opened_on: d(opened),
            first_credit_on: credit.map(d),
            first_withdrawal_on: withdrawal.map(d),
        };
    f.accounts = vec![
        acc(0, Channel::Bank, "2025-12-20", Some("2026-01-05"), Some("2026-01-06")), // lead 16
        acc(1, Channel::Bank, "2026-01-02", Some("2026-01-07"), Some("2026-01-10")), // lead 5
        acc(2, Channel::Ewallet, "2026-01-01", Some("2026-01-05"), Some("2026-03-06")), // lead 4
        acc(2, Channel::Bank, "2026-02-01", None, None),                             // never received
        acc(1, Channel::Ewallet, "2026-04-10", None, None),                          // after as_of
        acc(0, Channel::Ewallet, "2026-02-10", Some("2026-03-01"), None),            // lead 19, never paid out
    ];
    let g = |person: u32, opened: &str, deadline: &str, closed: Option<&str>| GrievanceFact {
        person,
        opened_on: d(opened),
        deadline_on: d(deadline),
        closed_on: closed.map(d),
    };
    f.grievances = vec![
        g(0, "2026-01-10", "2026-01-20", Some("2026-01-15")), // 5 days, in time
        g(2, "2026-02-01", "2026-02-11", Some("2026-02-21")), // 20 days, late
        g(1, "2026-03-01", "2026-03-11", None),               // open
        g(1, "2026-04-05", "2026-04-15", None),               // after as_of
    ];
    f.verifications = vec![
        VerificationFact { payment: 0, verified_on: d("2026-02-01"), full: true },
        VerificationFact { payment: 5, verified_on: d("2026-03-10"), full: false },
        VerificationFact { payment: 2, verified_on: d("2026-04-05"), full: true }, // after as_of
    ];
    f
}

/// The fixture `k` times over (same shares and quantiles, counts × k): segments big enough
/// to be judged.
fn times(f: &Facts, k: u32) -> Facts {
    let mut out = Facts {
        payments: vec![],
        withdrawals: vec![],
        verifications: vec![],
        accounts: vec![],
        grievances: vec![],
        ..f.clone()
    };
    for _ in 0..k {
        let base = out.payments.len() as u32;
        for p in &f.payments {
            let start = out.withdrawals.len() as u32;
            out.withdrawals.extend_from_slice(f.withdrawals_of(p));
            out.payments.push(PaymentFact { withdrawals: start..out.withdrawals.len() as u32, ..p.clone() });
        }
        out.accounts.extend_from_slice(&f.accounts);
        out.grievances.extend_from_slice(&f.grievances);
        out.verifications.extend(f.verifications.iter().map(|v| VerificationFact { payment: v.payment + base, ..*v }));
    }
    out
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

fn label(_: SegmentBy, k: &str) -> String {
    format!("<{k}>")
}

#[test]
fn every_indicator_overall() {
    let c = compute(&fixture(), d(AS_OF), &Filter::default(), &[], &label);
    let o = c.overall;
    // Time to cash. Sorted: 0 E, 1 E, 3 E, 26 C, 28 E, 85 C.
    // day 0: 6 at risk, S 5/6; day 1: 5, S 2/3; day 3: 4, S 1/2; day 28: 2, S 1/4.
    let t = &o.time_to_cash;
    assert_eq!((t.credited, t.withdrawn, t.unwithdrawn), (6, 4, 2));
    assert_eq!(
        (t.time_to_cash_days.median, t.time_to_cash_days.p75, t.time_to_cash_days.p90),
        (Some(3), Some(28), None)
    );
    assert!(close(t.withdrawn_by_day.day1, 1.0 / 3.0), "{t:?}");
    assert!(close(t.withdrawn_by_day.day3, 0.5));
    assert!(close(t.withdrawn_by_day.day7, 0.5));
    assert!(close(t.withdrawn_by_day.day30, 0.75));

    assert_eq!(o.payments, 7);
    // First visit full: 1 yes, 2 no (200k of 500k), 4 no, 6 yes.
    assert_eq!((o.full_first_visit.n, o.full_first_visit.count), (4, 2));
    // Cycle end known for Jan (05/02) and Feb (05/03): 3 untouched, 6 first withdrew 06/03.
    assert_eq!((o.unwithdrawn_at_cycle_end.n, o.unwithdrawn_at_cycle_end.count), (5, 2));
    // On time: 2 (07/01) and 6 (06/02) late.
    assert_eq!((o.on_time_credit.n, o.on_time_credit.count), (6, 4));
    assert_eq!((o.failed_transfers.share.n, o.failed_transfers.share.count), (7, 1));
    assert_eq!(o.failed_transfers.reasons.len(), 1);
    assert_eq!(
        (o.failed_transfers.reasons[0].reason.as_str(), o.failed_transfers.reasons[0].count),
        ("account_closed", 1)
    );
    // Partial: only 4 (100k of 500k); 7's withdrawal is after as_of, so nothing delivered yet.
    assert_eq!((o.partial_delivery.n, o.partial_delivery.count), (6, 1));
    // Withdrawals by as_of: 1, 2a, 2b, 4, 6. Unknown values left out, not zero.
    assert_eq!((o.travel_minutes.n, o.travel_minutes.mean, o.travel_minutes.median), (4, Some(32.5), Some(30.0)));
    assert_eq!(
        (o.travel_cost_vnd.n, o.travel_cost_vnd.mean, o.travel_cost_vnd.median),
        (4, Some(15_000.0), Some(15_000.0))
    );
    assert_eq!((o.waiting_minutes.n, o.waiting_minutes.mean, o.waiting_minutes.median), (3, Some(20.0), Some(20.0)));
    assert_eq!((o.assisted_withdrawals.n, o.assisted_withdrawals.count), (5, 2));
    assert!(close(o.assisted_withdrawals.share, 0.4));
    // Accounts by as_of: 5; lead 16, 5, 4, 19: mean 11, median 10.5.
    let lead = &o.account_to_first_payment_days;
    assert_eq!((lead.days.n, lead.days.mean, lead.days.median, lead.without_payment), (4, Some(11.0), Some(10.5), 1));
    let dm = &o.dormant_accounts;
    assert_eq!((dm.opened, dm.dormant, dm.never_received, dm.never_paid_out), (5, 2, 1, 1));
    assert!(close(dm.share, 0.4));
    // Grievances: 3 by as_of, per 1,000 of 7 payments; closed after 5 and 20 days.
    let g = &o.grievances;
    assert_eq!(g.count, 3);
    assert!(close(g.per_1000_payments, 3000.0 / 7.0));
    assert_eq!((g.resolution_days.n, g.resolution_days.median), (2, Some(12.5)));
    assert_eq!((g.within_deadline.n, g.within_deadline.count), (2, 1));
    assert_eq!((o.verified_receipt.n, o.verified_receipt.count), (2, 1));
}

#[test]
fn tiny_segments_are_too_few_to_judge() {
    let r = report(&fixture(), d(AS_OF), &Filter::default(), &[SegmentBy::Ward], &label);
    let s = r.segments.unwrap();
    assert_eq!(
        s.iter().map(|s| (s.key.as_str(), s.size, s.too_few)).collect::<Vec<_>>(),
        vec![("A", 5, true), ("B", 2, true)]
    );
    assert!(s.iter().all(|s| s.indicators.is_none()));
    let v = serde_json::to_value(&s[0]).unwrap();
    assert_eq!(v["too_few"], true);
    assert!(v.get("time_to_cash_days").is_none());
    // Nothing to name either.
    assert!(r.worst_wards.is_empty());
    assert_eq!(r.min_segment_payments, MIN_SEGMENT_PAYMENTS);
}

#[test]
fn segments_by_ward_and_worst_named() {
    let r = report(&times(&fixture(), 10), d(AS_OF), &Filter::default(), &[SegmentBy::Ward], &label);
    let s = r.segments.unwrap();
    // A: 1 E, 3 E, 0 E, 26 C (×10): S 3/4, 1/2, 1/4: median 1. B: 85 C, 28 E: median 28.
    let a = s[0].indicators.as_ref().unwrap();
    let b = s[1].indicators.as_ref().unwrap();
    assert_eq!((s[0].key.as_str(), s[0].label.as_str(), s[0].size), ("A", "<A>", 50));
    assert_eq!((a.time_to_cash.credited, a.time_to_cash.time_to_cash_days.median), (40, Some(1)));
    assert_eq!((b.time_to_cash.credited, b.time_to_cash.time_to_cash_days.median), (20, Some(28)));
    assert_eq!(b.time_to_cash.withdrawn_by_day.day3, Some(0.0));
    // B's grievance G1 (P2) and dormant A3 (P2).
    assert_eq!((b.grievances.count, b.dormant_accounts.never_received), (10, 10));
    let worst: Vec<_> = r.worst_wards.iter().map(|w| (w.key.as_str(), w.median_days)).collect();
    assert_eq!(worst, vec![("B", Some(28)), ("A", Some(1))]);
    assert_eq!(r.worst_groups[0].key, "g2");
    // Shares do not change with the copies.
    assert_eq!(r.overall.time_to_cash.time_to_cash_days.median, Some(3));
}

#[test]
fn one_off_payments_are_a_segment_of_their_own() {
    // Ward B's payments made one-off: the split by kind is then the split by ward.
    let mut f = times(&fixture(), 10);
    let b = f.wards.iter().position(|w| w == "B").unwrap() as u32;
    for i in 0..f.payments.len() {
        f.payments[i].one_off = f.people[f.payments[i].person as usize].ward == b;
    }
    let r = report(&f, d(AS_OF), &Filter::default(), &[SegmentBy::Kind], &label);
    let got: Vec<_> = r
        .segments
        .unwrap()
        .iter()
        .map(|s| {
            let t = &s.indicators.as_ref().unwrap().time_to_cash;
            (s.key.clone(), t.credited, t.time_to_cash_days.median)
        })
        .collect();
    assert_eq!(got, vec![("monthly".to_string(), 40, Some(1)), ("one_off".to_string(), 20, Some(28))]);
}

#[test]
fn two_dimensions_and_needs_overlap() {
    let r = report(&times(&fixture(), 10), d(AS_OF), &Filter::default(), &[SegmentBy::Ward, SegmentBy::Need], &label);
    let s = r.segments.unwrap();
    let got: Vec<_> = s.iter().map(|s| (s.key.as_str(), s.size)).collect();
    assert_eq!(got, vec![("A/lives_alone", 20), ("A/none", 30), ("B/lives_alone", 20), ("B/bedridden", 20)]);
    assert_eq!(s[0].keys, vec!["A", "lives_alone"]);
    assert_eq!(s[0].label, "<A> · <lives_alone>");
    assert_eq!(r.by, vec![SegmentBy::Ward, SegmentBy::Need]);
}

#[test]
fn trend_by_cycle_and_other_dimensions() {
    let f = times(&fixture(), 10);
    let c = compute(
        &f,
        d(AS_OF),
        &Filter::default(),
        &[
            vec![SegmentBy::Cycle],
            vec![SegmentBy::Age],
            vec![SegmentBy::Assisted],
            vec![SegmentBy::Disability],
            vec![SegmentBy::Channel],
        ],
        &label,
    );
    let keys = |i: usize| c.segmentations[i].iter().map(|s| (s.key.clone(), s.size)).collect::<Vec<_>>();
    assert_eq!(keys(0), vec![("2026-01".into(), 30), ("2026-02".into(), 30), ("2026-03".into(), 10)]);
    // Jan: 1 E, 3 E, 85 C → median 3.
    assert_eq!(c.segmentations[0][0].indicators.as_ref().unwrap().time_to_cash.time_to_cash_days.median, Some(3));
    // Ages at credit: P0 86, P1 36, P2 76.
    assert_eq!(keys(1), vec![("16_59".into(), 30), ("75_79".into(), 20), ("80_plus".into(), 20)]);
    assert_eq!(keys(2), vec![("unassisted".into(), 50), ("assisted".into(), 20)]);
    assert_eq!(keys(3), vec![("none".into(), 50), ("severe".into(), 20)]);
    assert_eq!(keys(4), vec![("bank".into(), 50), ("ewallet".into(), 20)]);
}

#[test]
fn filters_by_cycle_ward_and_channel() {
    let f = fixture();
    let feb = month_number(2026, 2);
    let c = compute(&f, d(AS_OF), &Filter { from: Some(feb), to: Some(feb), ..Filter::default() }, &[], &label);
    let o = c.overall;
    assert_eq!((o.payments, o.time_to_cash.credited), (3, 2));
    assert_eq!(o.dormant_accounts.opened, 2); // A3, A5 opened in February
    assert_eq!(o.grievances.count, 1);
    assert_eq!((o.verified_receipt.n, o.verified_receipt.count), (1, 0));

    let b = compute(&f, d(AS_OF), &Filter { ward: Some("B".into()), ..Filter::default() }, &[], &label).overall;
    assert_eq!((b.payments, b.time_to_cash.time_to_cash_days.median), (2, Some(28)));
    let none = compute(&f, d(AS_OF), &Filter { ward: Some("Z".into()), ..Filter::default() }, &[], &label).overall;
    assert_eq!(none.payments, 0);

    let e =
        compute(&f, d(AS_OF), &Filter { channel: Some(Channel::Ewallet), ..Filter::default() }, &[], &label).overall;
    assert_eq!((e.payments, e.grievances.count), (2, 0));
    let n = compute(&f, d(AS_OF), &Filter { need: Some(Need::Bedridden), ..Filter::default() }, &[], &label).overall;
    assert_eq!(n.payments, 2);
}

#[test]
fn empty_facts_are_unknown_not_zero() {
    let c = compute(&Facts::default(), d(AS_OF), &Filter::default(), &[vec![SegmentBy::Ward]], &label);
    let o = c.overall;
    assert_eq!(o.payments, 0);
    assert_eq!(o.time_to_cash.time_to_cash_days.median, None);
    assert_eq!(o.full_first_visit.share, None);
    assert_eq!(o.travel_minutes.mean, None);
    assert_eq!(o.dormant_accounts.share, None);
    assert_eq!(o.grievances.per_1000_payments, None);
    assert!(c.segmentations[0].is_empty());
    let v = serde_json::to_value(&o).unwrap();
    assert!(v["on_time_credit"]["share"].is_null());
}

#[test]
fn a_later_as_of_sees_later_events() {
    // On 10/04/2026: payment 7 withdrawn after 28 days (a tie with payment 6), A4 opened,
    // G3 opened, the third verification done.
    let o = compute(&fixture(), d("2026-04-10"), &Filter::default(), &[], &label).overall;
    assert_eq!((o.time_to_cash.credited, o.time_to_cash.withdrawn), (6, 5));
    // Sorted: 0, 1, 3, 28, 28 E, 95 C: day 28 has 3 at risk and 2 ties withdrawing,
    // S(28) = 1/2 · 1/3 = 1/6 → withdrawn 5/6 by day 30; P75 28, P90 not reached.
    let q = o.time_to_cash.time_to_cash_days;
    assert_eq!((q.median, q.p75, q.p90), (Some(3), Some(28), None));
    assert!(close(o.time_to_cash.withdrawn_by_day.day30, 5.0 / 6.0));
    assert_eq!(o.dormant_accounts.opened, 6);
    assert_eq!(o.grievances.count, 4);
    assert_eq!(o.verified_receipt.n, 3);
    // Payment 7's cycle has no next cycle: never counted at cycle end.
    assert_eq!(o.unwithdrawn_at_cycle_end.n, 5);
}

#[test]
fn a_failed_transfer_counts_only_once_it_was_due() {
    // The February transfer that failed was due on 05/02/2026: on 01/02 it had not been tried.
    let before = compute(&fixture(), d("2026-02-01"), &Filter::default(), &[], &label).overall;
    assert_eq!(before.failed_transfers.share.count, 0);
    assert!(before.failed_transfers.reasons.is_empty());
    let after = compute(&fixture(), d("2026-02-05"), &Filter::default(), &[], &label).overall;
    assert_eq!(after.failed_transfers.share.count, 1);
    assert_eq!(after.payments, before.payments + 1 + after.time_to_cash.credited - before.time_to_cash.credited);
}

/// Two wards of 10 payments each, credited 02/03/2026, seen on 31/03: ward A's people all
/// withdrew after 10 days (slow, but known); in ward B two withdrew the next day and nothing
/// is recorded of the other eight. Censored at the reporting day (the old rule), B would be the
/// slowest ward; honestly, nothing is known of B's eight: coverage 2/10, not judged, not ranked.
/// Once B's payer reports every payout to 25/03 (none for the eight), B is judged: its eight
/// are known unwithdrawn through 23 days.
#[test]
fn a_ward_without_follow_up_is_not_judged_nor_ranked_until_its_payer_reports() {
    let mut f = Facts {
        wards: vec!["A".into(), "B".into()],
        groups: vec!["g".into()],
        periods: vec!["2026-03".into()],
        cycle_ends: vec![None],
        cycle_closed: vec![None],
        people: vec![person(0, 0, 1950, Needs::default(), false), person(1, 0, 1950, Needs::default(), false)],
        ..Facts::default()
    };
    for i in 0..20u32 {
        let ward = i / 10;
        let start = f.withdrawals.len() as u32;
        let on = match (ward, i % 10) {
            (0, _) => Some("2026-03-12"),
            (1, 0 | 1) => Some("2026-03-03"),
            _ => None,
        };
        f.withdrawals.extend(on.map(|on| w(on, AMOUNT, None, None, None, false)));
        f.payments.push(PaymentFact {
            person: ward,
            period: 0,
            channel: Channel::Cash,
            status: PaymentStatus::Credited,
            amount_vnd: AMOUNT,
            scheduled_on: Some(d("2026-03-02")),
            credited_on: Some(d("2026-03-02")),
            failure_reason: None,
            withdrawals: start..f.withdrawals.len() as u32,
            checks: 0..0,
            one_off: false,
        });
    }
    let by_ward = |f: &Facts| report(f, d(AS_OF), &Filter::default(), &[SegmentBy::Ward], &label);
    let r = by_ward(&f);
    let segs = r.segments.unwrap();
    let (a, b) = (segs[0].indicators.as_ref().unwrap(), segs[1].indicators.as_ref().unwrap());
    assert!(a.time_to_cash.enough_followup);
    assert_eq!(a.time_to_cash.time_to_cash_days.median, Some(10));
    assert_eq!(b.time_to_cash.coverage.share, Some(0.2));
    assert!(!b.time_to_cash.enough_followup);
    assert_eq!(b.time_to_cash.time_to_cash_days.median, None);
    assert_eq!((b.time_to_cash.credited, b.time_to_cash.withdrawn), (10, 2), "counts stay");
    let ranked: Vec<&str> = r.worst_wards.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(ranked, ["A"], "only wards that can be judged are ranked");
    // The whole city: 12 of 20 known, 60 %: judged at the default threshold, not at 70 %.
    assert!(r.overall.time_to_cash.enough_followup);
    let strict = Filter { min_coverage: Some(70), ..Filter::default() };
    assert!(!report(&f, d(AS_OF), &strict, &[], &label).overall.time_to_cash.enough_followup);

    // B's payer: every cash payout of ward B to 25/03 is in its report.
    f.reports.push(ReportFact { period: 0, ward: Some(1), channel: Some(Channel::Cash), complete_to: d("2026-03-25") });
    let r = by_ward(&f);
    let b = &r.segments.unwrap()[1].indicators.clone().unwrap().time_to_cash;
    assert!(b.enough_followup);
    assert_eq!(b.coverage, ansinh_core::indicators::Coverage { of: 10, known: 10, share: Some(1.0) });
    // Day 1: 10 at risk, 2 withdrawn, S = 8/10; then the eight are censored at 23: no median.
    assert_eq!(b.time_to_cash_days.median, None);
    assert!(close(b.withdrawn_by_day.day1, 0.2));
    assert!(close(b.withdrawn_by_day.day7, 0.2));
    // Now B is ranked, slower than A (no median yet: fewer than half have withdrawn).
    let ranked: Vec<&str> = r.worst_wards.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(ranked, ["B", "A"]);
    // A report complete only after the reporting day was not known then.
    f.reports[0].complete_to = d("2026-04-02");
    assert!(!by_ward(&f).segments.unwrap()[1].indicators.as_ref().unwrap().time_to_cash.enough_followup);
}

/// Every answer of a computation, as text to compare.
fn answers(c: &ansinh_core::segments::Computed) -> String {
    serde_json::to_string(&(&c.overall, &c.segmentations, &c.worst_wards, &c.worst_groups)).unwrap()
}

/// `f` without person `gone`'s facts (what a fresh load would read after they changed).
fn without(f: &Facts, gone: usize) -> Facts {
    let drop: Vec<bool> = (0..f.people.len()).map(|i| i == gone).collect();
    let nobody = Facts {
        periods: f.periods.clone(),
        cycle_ends: f.cycle_ends.clone(),
        cycle_closed: f.cycle_closed.clone(),
        ..Facts::default()
    };
    let mut out = f.splice(&drop, &nobody).unwrap().0;
    out.reports = f.reports.clone();
    out.programmes = f.programmes.clone();
    out
}

#[test]
fn a_tally_takes_a_persons_facts_out_and_back_as_a_fresh_pass_would() {
    let f = times(&fixture(), 4);
    let as_of = d(AS_OF);
    let bys: Vec<Vec<SegmentBy>> = vec![
        vec![SegmentBy::Ward],
        vec![SegmentBy::Cycle],
        vec![SegmentBy::Age, SegmentBy::Channel],
        vec![SegmentBy::Need, SegmentBy::Group],
    ];
    for filter in [Filter::default(), Filter { channel: Some(Channel::Bank), ..Filter::default() }] {
        let whole = tally(&f, as_of, &filter, &bys);
        assert_eq!(answers(&finish(&f, &whole, &label)), answers(&compute(&f, as_of, &filter, &bys, &label)));

        // P0 shares their ward and group with P1: the tables stay, and taking P0's facts out
        // answers as a pass over the facts without them; adding them back, as the whole.
        let p0 = FactIndices::of_people(&f, |i| i == 0);
        assert!(!p0.payments.is_empty() && !p0.accounts.is_empty() && !p0.verifications.is_empty());
        let rest = without(&f, 0);
        assert!(f.same_context(&rest));
        let mut t = whole.clone();
        t.subtract(&tally_of(&f, as_of, &filter, &bys, &p0));
        let fresh = compute(&rest, as_of, &filter, &bys, &label);
        assert_eq!(answers(&finish(&rest, &t, &label)), answers(&fresh), "{filter:?}");
        assert_ne!(answers(&fresh), answers(&compute(&f, as_of, &filter, &bys, &label)), "P0 counted");
        t.add(&tally_of(&f, as_of, &filter, &bys, &p0));
        assert_eq!(answers(&finish(&f, &t, &label)), answers(&finish(&f, &whole, &label)));

        // P2 is ward B's only person: taken out, ward B is no segment at all (not one of size 0).
        let mut t = whole.clone();
        t.subtract(&tally_of(&f, as_of, &filter, &bys, &FactIndices::of_people(&f, |i| i == 2)));
        let by_ward = &finish(&f, &t, &label).segmentations[0];
        assert!(by_ward.iter().all(|s| s.key == "A"), "{by_ward:?}");
        assert!(!finish(&f, &whole, &label).segmentations[0].iter().all(|s| s.key == "A"));
    }
}

#[test]
fn a_tally_carried_to_another_day_answers_as_a_fresh_pass_on_that_day() {
    let mut f = times(&fixture(), 4);
    // Censoring that moves with the day too: P2's January payment seen unwithdrawn on 20/02,
    // and ward A's bank payer complete to 10/03 for February.
    f.checks = vec![d("2026-02-20")];
    for p in f.payments.iter_mut().filter(|p| p.person == 2 && p.period == 0) {
        p.checks = 0..1;
    }
    f.reports.push(ReportFact { period: 1, ward: Some(0), channel: Some(Channel::Bank), complete_to: d("2026-03-10") });
    let bys: Vec<Vec<SegmentBy>> = vec![vec![SegmentBy::Cycle], vec![SegmentBy::Age, SegmentBy::Channel]];
    let days: Vec<NaiveDate> = (0..30).map(|i| d("2025-12-15") + chrono::Days::new(i * 5)).collect();
    let filters =
        [Filter::default(), Filter { ward: Some("A".into()), channel: Some(Channel::Bank), ..Filter::default() }];
    for filter in &filters {
        let fresh: Vec<String> = days.iter().map(|day| answers(&compute(&f, *day, filter, &bys, &label))).collect();
        for from in &days {
            let whole = tally(&f, *from, filter, &bys);
            for (j, to) in days.iter().enumerate() {
                let mut t = whole.clone();
                t.carry(&f, *from, *to, filter, &bys);
                assert_eq!(answers(&finish(&f, &t, &label)), fresh[j], "{filter:?} from {from} to {to}");
            }
        }
    }
    // Long after everything: from one such day to the next no payment moves.
    let (late, later) = (d("2026-09-01"), d("2026-09-02"));
    assert!(day_moved(&f, late, later, &Filter::default()).payments.is_empty());
    assert!(!day_moved(&f, d("2026-03-05"), d("2026-03-06"), &Filter::default()).payments.is_empty());
}

#[test]
fn refilling_in_place_answers_as_copying_round_after_round_and_once_compacted() {
    let f = spliceable();
    let as_of = d(AS_OF);
    let bys = vec![vec![SegmentBy::Ward], vec![SegmentBy::Cycle, SegmentBy::Group], vec![SegmentBy::Need]];
    let answer = |g: &Facts| {
        let mut g = g.clone();
        (g.reports, g.programmes) = (f.reports.clone(), f.programmes.clone());
        answers(&compute(&g, as_of, &Filter::default(), &bys, &label))
    };
    let (mut in_place, mut copied, mut unused) = (f.clone(), f.clone(), 0);
    // Persons 1 and 2 read again, round after round: as they were, with a payment fewer (a
    // hole filled from the end of the list), then with one more (appended).
    for round in 0..3 {
        let mut part = only(&f, &[1, 2]);
        if round == 1 {
            part.payments.pop();
            let n = part.payments.len() as u32;
            part.verifications.retain(|v| v.payment < n);
        }
        if round == 2 {
            part.payments.push(part.payments[0].clone());
        }
        let drop = [false, true, true];
        let placed = in_place.splice_in_place(&drop, &part, &[Some(1), Some(2)]).unwrap();
        assert_eq!((placed.kept.as_slice(), placed.part.as_slice()), (&[0, 1, 2][..], &[1, 2][..]), "round {round}");
        unused += placed.unused;
        copied = copied.splice(&drop, &part).unwrap().0;
        assert!(in_place.well_formed(), "round {round}");
        assert_eq!(in_place.payments.len(), copied.payments.len(), "round {round}");
        assert_eq!(answer(&in_place), answer(&copied), "round {round}");
    }
    // What the dropped payments had stays in the lists, unused, until compacted.
    assert!(unused > 0);
    assert_eq!(
        in_place.withdrawals.len() + in_place.checks.len(),
        copied.withdrawals.len() + copied.checks.len() + unused
    );
    in_place.compact();
    assert!(in_place.well_formed());
    assert_eq!((in_place.withdrawals.len(), in_place.checks.len()), (copied.withdrawals.len(), copied.checks.len()));
    assert_eq!(answer(&in_place), answer(&copied));
    // Laid out in payment order again: someone gone can be spliced out in place.
    let nobody = only(&f, &[]);
    let placed =
        in_place.splice_in_place(&[true, false, false], &nobody, &[]).expect("in payment order once compacted");
    assert_eq!(placed.kept, [u32::MAX, 0, 1]);
    assert_eq!(answer(&in_place), answer(&copied.splice(&[true, false, false], &nobody).unwrap().0));
}

/// Every payment with its person, withdrawals, checks and verifications, and every account
/// and grievance with its person, resolved and sorted: the same text whatever the order.
fn resolved(f: &Facts) -> Vec<String> {
    let who = |i: u32| {
        let p = &f.people[i as usize];
        format!("{} {} {:?}", f.wards[p.ward as usize], f.groups[p.group as usize], p.birth)
    };
    let mut out: Vec<String> = f
        .payments
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let verified: Vec<_> =
                f.verifications.iter().filter(|v| v.payment == i as u32).map(|v| v.verified_on).collect();
            let p0 = PaymentFact { person: 0, withdrawals: 0..0, checks: 0..0, ..p.clone() };
            format!("{} {p0:?} {:?} {:?} {verified:?}", who(p.person), f.withdrawals_of(p), f.checks_of(p))
        })
        .collect();
    out.extend(f.accounts.iter().map(|a| format!("{} {:?}", who(a.person), AccountFact { person: 0, ..*a })));
    out.extend(f.grievances.iter().map(|g| format!("{} {:?}", who(g.person), GrievanceFact { person: 0, ..*g })));
    out.sort();
    out
}

#[test]
fn refills_in_place_round_after_round_hold_the_same_facts_as_copies() {
    // The fixture four times over, each copy's people told apart by birth year, a verification
    // on every third payment; then rounds of people read again (some with a payment fewer or
    // one more), spliced in place and by copy.
    let mut f = times(&fixture(), 4);
    for (i, p) in f.people.iter_mut().enumerate() {
        p.birth = ansinh_core::dates::BirthDate::Year(1900 + i as i32);
    }
    f.verifications = (0..f.payments.len() as u32)
        .step_by(3)
        .map(|payment| VerificationFact { payment, verified_on: d("2026-03-01"), full: payment % 2 == 0 })
        .collect();
    assert!(f.well_formed());
    let n = f.people.len();
    let (mut in_place, mut copied) = (f.clone(), f.clone());
    let mut seed = 7u64;
    let mut next = |m: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % m
    };
    for round in 0..40 {
        let chosen: Vec<usize> = (0..n).filter(|_| next(3) == 0).collect();
        // Copies lay the people read again at the end: find each in the copy by birth year.
        let year = |g: &Facts, i: usize| g.people[i].birth;
        let mut part = only(&f, &chosen);
        match next(3) {
            0 if !part.payments.is_empty() => {
                let k = next(part.payments.len());
                part.payments.remove(k);
                part.verifications.retain(|v| v.payment as usize != k);
                for v in &mut part.verifications {
                    v.payment -= (v.payment as usize > k) as u32;
                }
            }
            1 if !part.payments.is_empty() => part.payments.push(part.payments[next(part.payments.len())].clone()),
            _ => {}
        }
        let wanted: Vec<_> = part.people.iter().map(|p| p.birth).collect();
        let drop_in = |g: &Facts| (0..g.people.len()).map(|i| wanted.contains(&year(g, i))).collect::<Vec<bool>>();
        let at: Vec<Option<u32>> = wanted
            .iter()
            .map(|b| (0..in_place.people.len()).find(|i| year(&in_place, *i) == *b).map(|i| i as u32))
            .collect();
        let drop = drop_in(&in_place);
        in_place.splice_in_place(&drop, &part, &at).unwrap_or_else(|| panic!("round {round}"));
        copied = copied.splice(&drop_in(&copied), &part).unwrap().0;
        assert!(in_place.well_formed(), "round {round}");
        assert_eq!(resolved(&in_place), resolved(&copied), "round {round}");
    }
    in_place.compact();
    assert!(in_place.well_formed());
    assert_eq!(resolved(&in_place), resolved(&copied));
    assert_eq!((in_place.withdrawals.len(), in_place.checks.len()), (copied.withdrawals.len(), copied.checks.len()));
}

/// `f`'s facts of the people `keep` names only (what the loader reads for touched people).
fn only(f: &Facts, keep: &[usize]) -> Facts {
    let drop: Vec<bool> = (0..f.people.len()).map(|i| !keep.contains(&i)).collect();
    let nobody = Facts {
        periods: f.periods.clone(),
        cycle_ends: f.cycle_ends.clone(),
        cycle_closed: f.cycle_closed.clone(),
        ..Facts::default()
    };
    f.splice(&drop, &nobody).unwrap().0
}

/// The fixture twice over, with checks on every other payment laid out in payment order as
/// the loader lays them (the repeated fixture's payments share its checks).
fn spliceable() -> Facts {
    let mut f = times(&fixture(), 2);
    f.checks.clear();
    for i in 0..f.payments.len() {
        let at = f.checks.len() as u32;
        if i % 2 == 0 {
            f.checks.push(d("2026-02-20"));
        }
        f.payments[i].checks = at..f.checks.len() as u32;
    }
    assert!(f.well_formed());
    f
}

#[test]
fn splicing_in_place_gives_the_copying_splices_answers() {
    let f = spliceable();
    let as_of = d(AS_OF);
    let bys = vec![vec![SegmentBy::Ward], vec![SegmentBy::Cycle, SegmentBy::Group], vec![SegmentBy::Need]];
    // The part: persons 1 and 2 read again (one of them now in a ward the facts do not have).
    let mut part = only(&f, &[1, 2]);
    part.wards.push("C".into());
    part.people[0].ward = part.wards.len() as u32 - 1;
    // Each person as the facts describe them, their ward and group by name.
    let who = |g: &Facts, i: usize| {
        let p = &g.people[i];
        format!("{} {} {:?}", g.wards[p.ward as usize], g.groups[p.group as usize], Person { ward: 0, group: 0, ..*p })
    };
    let (ids, part_ids) = ([10u32, 11, 12], [11u32, 12]);
    for mask in 0..8u32 {
        let drop: Vec<bool> = (0..3).map(|i| mask & (1 << i) != 0).collect();
        let (mut copied, copied_at) = f.splice(&drop, &part).unwrap();
        // The part's people appended, or read again in the places of persons 1 and 2 where
        // those were dropped (as the store splices a write's people).
        let again: Vec<Option<u32>> = [1, 2].iter().map(|i| drop[*i as usize].then_some(*i)).collect();
        for at in [vec![None, None], again] {
            let mut in_place = f.clone();
            let placed = in_place.splice_in_place(&drop, &part, &at).unwrap_or_else(|| panic!("{drop:?} {at:?}"));
            assert!(in_place.well_formed(), "{drop:?} {at:?}");
            for g in [&mut copied, &mut in_place] {
                g.reports = f.reports.clone();
                g.programmes = f.programmes.clone();
            }
            let kept = 3 - mask.count_ones() as usize;
            assert_eq!(in_place.people.len(), kept + 2);
            assert_eq!(
                (in_place.payments.len(), in_place.verifications.len()),
                (copied.payments.len(), copied.verifications.len())
            );
            // What the dropped payments had is left in place, unused, when nobody is gone.
            assert_eq!(
                in_place.withdrawals.len() + in_place.checks.len(),
                copied.withdrawals.len() + copied.checks.len() + placed.unused,
                "{drop:?} {at:?}"
            );
            let answer = |g: &Facts| answers(&compute(g, as_of, &Filter::default(), &bys, &label));
            assert_eq!(answer(&in_place), answer(&copied), "{drop:?} {at:?}");
            // Where the splice says each person went, that person is, as in the copy.
            let (here, there) = (placed.arrange(&ids, &part_ids), copied_at.arrange(&ids, &part_ids));
            let by_id = |g: &Facts, arranged: &[u32]| {
                let mut v: Vec<(u32, String)> = arranged.iter().enumerate().map(|(i, id)| (*id, who(g, i))).collect();
                v.sort();
                v
            };
            assert_eq!(by_id(&in_place, &here), by_id(&copied, &there), "{drop:?} {at:?}");
            // Read again in their own places, nobody is renumbered.
            if at.iter().flatten().count() as u32 == mask.count_ones() {
                assert_eq!(placed.kept, [0, 1, 2], "{drop:?} {at:?}");
            }
        }
    }
    // A place that was not dropped, or given twice: not done, and nothing changed.
    for at in [[Some(0), None], [Some(1), Some(1)]] {
        let mut g = f.clone();
        assert!(g.splice_in_place(&[false, true, true], &part, &at).is_none(), "{at:?}");
        assert_eq!(g, f);
    }
    // Withdrawals out of payment order: not done in place, and nothing changed.
    let mut shuffled = f.clone();
    let last = shuffled.payments.len() - 1;
    let (a, b) = (shuffled.payments[0].withdrawals.clone(), shuffled.payments[last].withdrawals.clone());
    (shuffled.payments[0].withdrawals, shuffled.payments[last].withdrawals) = (b, a);
    let before = shuffled.clone();
    assert!(shuffled.splice_in_place(&[true, false, false], &part, &[None, None]).is_none());
    assert_eq!(shuffled, before);
}

#[test]
fn a_tally_fits_only_its_own_question_and_tables() {
    let f = times(&fixture(), 2);
    let as_of = d(AS_OF);
    let bys = vec![vec![SegmentBy::Ward], vec![SegmentBy::Age, SegmentBy::Channel]];
    let t = tally(&f, as_of, &Filter::default(), &bys);
    assert!(t.fits(&f, as_of, &Filter::default(), &bys));
    assert!(t.fits(&f.context(), as_of, &Filter::default(), &bys), "the tables are enough");
    // Another question: other segmentations, another coverage threshold.
    assert!(!t.fits(&f, as_of, &Filter::default(), &bys[..1]));
    assert!(!t.fits(&f, as_of, &Filter::default(), &[vec![SegmentBy::Need], bys[1].clone()]));
    assert!(!t.fits(&f, as_of, &Filter { min_coverage: Some(1), ..Filter::default() }, &bys));
    // Other tables: a ward more makes more cells; fewer failure reasons than the tally counts.
    let mut more = f.context();
    more.wards.push("Z".into());
    assert!(!t.fits(&more, as_of, &Filter::default(), &bys));
    let mut fewer = f.context();
    assert!(f.payments.iter().any(|p| p.failure_reason.is_some()), "the fixture has a failed transfer");
    fewer.failure_reasons.clear();
    assert!(!t.fits(&fewer, as_of, &Filter::default(), &bys));
}
