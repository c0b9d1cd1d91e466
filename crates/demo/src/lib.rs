//! A deterministic synthetic city: the same options give the same records (ids included), so
//! demos, tests and benchmarks are reproducible. The numbers are invented but shaped like the
//! field: ages skewed old, groups matching ages, mixed channels, some accounts never used, some
//! payments never withdrawn, and the elderly, bedridden and people without a smartphone slower
//! and more often assisted.
#![forbid(unsafe_code)]

mod names;

use ansinh_core::ErrorCode;
use ansinh_core::dates;
use ansinh_core::model::{AccountStatus, Channel, Disability, Needs, PaymentStatus, Problem, Sex, WithdrawalPlace};
use ansinh_core::records::{Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_store::{Batch, Refs, UnitView};
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoOptions {
    pub wards: usize,
    pub beneficiaries: usize,
    pub months: u32,
    pub seed: u64,
    /// The last payment cycle (its first day); events are simulated up to its month end...
    pub until: NaiveDate,
    /// ...but never after this day, so a demo of the current month has no future events.
    pub today: NaiveDate,
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

/// What the generator produced: units to add (beyond those loaded) and the records.
pub struct Demo {
    pub new_units: Vec<UnitView>,
    pub batch: Batch,
}

/// Weighted choice from `(item, weight)` pairs.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

fn one<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A UUIDv7 whose time part is the record's own date and whose random part comes from the seed
/// (the benchmarks' month of every ward dates its records the same way).
pub fn uuid_on(rng: &mut ChaCha8Rng, day: NaiveDate) -> Uuid {
    let millis = day.and_hms_opt(8, 0, 0).expect("valid time").and_utc().timestamp_millis().max(0) as u64;
    let bytes: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

struct Person {
    b: Beneficiary,
    age: i32,
}

pub fn generate(opts: &DemoOptions, refs: &Refs) -> Demo {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let until = first_of_month(opts.until);
    let first = until - Months::new(opts.months.saturating_sub(1));
    // Simulated "now": the end of the last cycle's month, or today if that is earlier.
    let horizon = (until + Months::new(1) - Days::new(1)).min(opts.today);

    // Wards: current units first; invent clearly-marked sample ones if more are asked for.
    let mut wards: Vec<String> = refs.local_units().map(|u| u.code.clone()).take(opts.wards).collect();
    let mut new_units = Vec::new();
    let mut n = 1;
    while wards.len() < opts.wards {
        let code = format!("99{n:03}");
        n += 1;
        if refs.unit(&code).is_none() {
            new_units.push(UnitView {
                code: code.clone(),
                name: format!("Phường mẫu {}", code),
                level: "ward".into(),
                parent_code: Some("01".into()),
                is_sample: true,
                valid_from: None,
                valid_to: None,
            });
            wards.push(code);
        }
    }

    let cycles: Vec<Cycle> = (0..opts.months)
        .map(|i| {
            let m = first + Months::new(i);
            Cycle { period: dates::period_key(m.year(), m.month()), scheduled_on: m.with_day(10).expect("day 10") }
        })
        .collect();

    let mut batch = Batch { cycles: cycles.clone(), ..Batch::default() };
    let mut ids = HashSet::new();
    let people: Vec<Person> = (0..opts.beneficiaries).map(|i| person(&mut rng, &wards, i, until, &mut ids)).collect();

    for p in &people {
        let b = &p.b;
        let channel = choose_channel(&mut rng, p);
        // Some people open an account but keep taking cash: the dormant accounts a count hides.
        let dormant = channel != Channel::Cash && rng.random_bool(0.06);
        let account = open_account(&mut rng, b, channel, first, horizon);
        let pays_into =
            account.as_ref().filter(|a| a.status == AccountStatus::Opened && !dormant).map(|a| (a.id, a.channel));
        if let Some(a) = account {
            batch.accounts.push(a);
        }
        let slow = slowness(p);
        for c in &cycles {
            // The rules in force on the cycle, in Hà Nội (an invented ward is not loaded yet).
            let on = dates::period_start(&c.period).expect("period");
            let province = refs.province_of(&b.ward_code).unwrap_or("01");
            let Some(amount) = refs.rules.entitlement(&b.group_code, Some(province), on).map(|e| e.amount_vnd) else {
                continue;
            };
            let (account_id, channel) = match pays_into {
                Some((id, ch)) if c.scheduled_on >= opened_after(&batch, id) => (Some(id), ch),
                _ => (None, Channel::Cash),
            };
            let failed = channel != Channel::Cash && rng.random_bool(0.025);
            let credited_on =
                c.scheduled_on + Days::new(if rng.random_bool(0.85) { 0 } else { rng.random_range(1..4) });
            if credited_on > horizon {
                continue;
            }
            let payment = Payment {
                id: uuid_on(&mut rng, c.scheduled_on),
                period: c.period.clone(),
                beneficiary_id: b.id,
                account_id,
                channel,
                amount_vnd: amount,
                status: if failed { PaymentStatus::Failed } else { PaymentStatus::Credited },
                scheduled_on: Some(c.scheduled_on),
                credited_on: (!failed).then_some(credited_on),
                failure_reason: if failed {
                    one(&mut rng, &["Sai số tài khoản", "Tài khoản bị khóa", "Lỗi hệ thống ngân hàng"]).to_string()
                } else {
                    String::new()
                },
                reference: None,
                label: String::new(),
            };
            if !failed {
                withdraw(&mut rng, p, &payment, credited_on, slow, horizon, &mut batch.withdrawals);
            }
            batch.payments.push(payment);
        }
        batch.beneficiaries.push(p.b.clone());
    }
    Demo { new_units, batch }
}

fn opened_after(batch: &Batch, account_id: Uuid) -> NaiveDate {
    batch.accounts.iter().rev().find(|a| a.id == account_id).and_then(|a| a.opened_on).unwrap_or(NaiveDate::MIN)
}

fn person(rng: &mut ChaCha8Rng, wards: &[String], i: usize, until: NaiveDate, ids: &mut HashSet<String>) -> Person {
    let sex = if rng.random_bool(0.58) { Sex::Female } else { Sex::Male };
    let age = match rng.random_range(0..100) {
        0..8 => rng.random_range(2..16),
        8..18 => rng.random_range(16..60),
        18..45 => rng.random_range(60..75),
        45..62 => rng.random_range(75..80),
        _ => rng.random_range(80..101),
    };
    let birth_year = until.year() - age;
    let birth_date =
        NaiveDate::from_ymd_opt(birth_year, rng.random_range(1..13), rng.random_range(1..29)).expect("valid");
    let family = *pick(rng, names::FAMILY);
    let (middle, given) = match sex {
        Sex::Male => (*one(rng, names::MIDDLE_MALE), *one(rng, names::GIVEN_MALE)),
        Sex::Female => (*one(rng, names::MIDDLE_FEMALE), *one(rng, names::GIVEN_FEMALE)),
    };
    let old = age >= 75;
    let needs = Needs {
        lives_alone: rng.random_bool(if old { 0.25 } else { 0.1 }),
        limited_mobility: rng.random_bool(if old { 0.3 } else { 0.08 }),
        vision_hearing: rng.random_bool(if old { 0.2 } else { 0.04 }),
        no_smartphone: rng.random_bool(if old {
            0.65
        } else if age >= 60 {
            0.35
        } else {
            0.12
        }),
        bedridden: rng.random_bool(if age >= 80 { 0.1 } else { 0.03 }),
    };
    let (group, disability) = group_for(rng, age);
    // Digit 4: century and sex (0/1 for the 1900s, 2/3 for the 2000s).
    let century_digit = if birth_year >= 2000 { 2 } else { 0 } + if sex == Sex::Female { 1 } else { 0 };
    let province = if rng.random_bool(0.88) { "001" } else { *one(rng, &["034", "035", "036", "033", "038", "040"]) };
    let (id_number, legacy) = if rng.random_bool(0.03) {
        (None, Some(format!("{:09}", rng.random_range(10_000_000u32..999_999_999))))
    } else {
        loop {
            let id =
                format!("{province}{century_digit}{:02}{:06}", birth_year % 100, rng.random_range(0..1_000_000u32));
            if ids.insert(id.clone()) {
                break (Some(id), None);
            }
        }
    };
    let authorised = needs.bedridden || (age >= 85 && rng.random_bool(0.3));
    let b = Beneficiary {
        id: uuid_on(rng, until - Months::new(24)),
        full_name: format!("{family} {middle} {given}"),
        birth_date: (!rng.random_bool(0.12)).then_some(birth_date),
        birth_year,
        sex,
        id_number,
        legacy_id_number: legacy,
        id_override_reason: String::new(),
        ward_code: wards[i % wards.len()].clone(),
        residential_group: format!("Tổ {}", rng.random_range(1..40)),
        phone: if needs.no_smartphone && rng.random_bool(0.5) {
            String::new()
        } else {
            format!("09{:08}", rng.random_range(0..100_000_000u32))
        },
        group_code: group.to_string(),
        disability,
        needs,
        authorised_name: if authorised {
            format!("{} {} {}", family, one(rng, names::MIDDLE_FEMALE), one(rng, names::GIVEN_FEMALE))
        } else {
            String::new()
        },
        authorised_id_number: String::new(),
        authorised_relation: if authorised { one(rng, names::RELATIONS).to_string() } else { String::new() },
        duplicate_reason: String::new(),
    };
    Person { b, age }
}

/// Groups as Decree 20/2021 assigns them by age (see the seeded allowance_groups).
fn group_for(rng: &mut ChaCha8Rng, age: i32) -> (&'static str, Disability) {
    let disabled = rng.random_bool(0.25);
    let severe = if rng.random_bool(0.4) { Disability::ParticularlySevere } else { Disability::Severe };
    let dis_group = |d: Disability, child_or_old: bool| match (d, child_or_old) {
        (Disability::ParticularlySevere, true) => "tre_em_cao_tuoi_khuyet_tat_dac_biet_nang",
        (_, true) => "tre_em_cao_tuoi_khuyet_tat_nang",
        (Disability::ParticularlySevere, false) => "khuyet_tat_dac_biet_nang",
        _ => "khuyet_tat_nang",
    };
    if disabled {
        return (dis_group(severe, !(16..60).contains(&age)), severe);
    }
    let g = match age {
        ..16 => "tre_em_khong_nguon_nuoi",
        16..60 => "don_than_nuoi_con",
        60..80 => {
            *pick(rng, &[("cao_tuoi_ngheo_60_80", 6), ("than_nhan_liet_si", 3), ("cao_tuoi_cham_soc_tai_nha", 1)])
        }
        _ => *pick(rng, &[("cao_tuoi_80_khong_luong", 6), ("cao_tuoi_ngheo_80", 2), ("than_nhan_liet_si", 2)]),
    };
    (g, Disability::None)
}

fn choose_channel(rng: &mut ChaCha8Rng, p: &Person) -> Channel {
    let n = &p.b.needs;
    if n.bedridden || (p.age >= 80 && n.no_smartphone) {
        *pick(rng, &[(Channel::Cash, 5), (Channel::Bank, 4), (Channel::Vneid, 1)])
    } else if p.age >= 60 {
        *pick(rng, &[(Channel::Bank, 6), (Channel::Cash, 2), (Channel::MobileMoney, 1), (Channel::Vneid, 1)])
    } else {
        *pick(rng, &[(Channel::Bank, 6), (Channel::Ewallet, 2), (Channel::MobileMoney, 1), (Channel::Cash, 1)])
    }
}

fn open_account(
    rng: &mut ChaCha8Rng,
    b: &Beneficiary,
    channel: Channel,
    first: NaiveDate,
    horizon: NaiveDate,
) -> Option<Account> {
    if channel == Channel::Cash {
        return None;
    }
    // Most accounts predate the window; some are opened during it (the campaign).
    let requested_on = (first - Days::new(60) + Days::new(rng.random_range(0..120))).min(horizon);
    let failed = rng.random_bool(0.04);
    // An account whose opening would fall after the simulated "now" is still only requested.
    let opened_on = (!failed).then(|| requested_on + Days::new(rng.random_range(1..12))).filter(|d| *d <= horizon);
    let (provider, number) = match channel {
        Channel::Bank => (
            one(rng, &["970436", "970415", "970418", "970405", "970422", "970449"]).to_string(),
            format!("{:013}", rng.random_range(0..10_000_000_000_000u64)),
        ),
        Channel::Ewallet => {
            (one(rng, &["momo", "zalopay"]).to_string(), format!("09{:08}", rng.random_range(0..100_000_000u32)))
        }
        Channel::MobileMoney => (
            one(rng, &["viettel", "vnpt", "mobifone"]).to_string(),
            format!("09{:08}", rng.random_range(0..100_000_000u32)),
        ),
        Channel::Vneid => ("vneid".to_string(), b.id_number.clone().unwrap_or_default()),
        Channel::Cash => unreachable!("handled above"),
    };
    Some(Account {
        id: uuid_on(rng, requested_on),
        beneficiary_id: b.id,
        channel,
        provider_code: provider,
        account_number: number,
        status: match (failed, opened_on) {
            (true, _) => AccountStatus::Failed,
            (false, Some(_)) => AccountStatus::Opened,
            (false, None) => AccountStatus::Requested,
        },
        requested_on: Some(requested_on),
        opened_on,
        closed_on: None,
        close_reason: if failed { "Không khớp thông tin chủ thuê bao".into() } else { String::new() },
        assisted: b.needs.no_smartphone || rng.random_bool(0.3),
        // The social-security account lives in VNeID itself (no draw: the seed's data stays).
        vneid_linked: channel == Channel::Vneid,
    })
}

/// How much slower than average this person gets to the money (1.0 = average).
fn slowness(p: &Person) -> f64 {
    let n = &p.b.needs;
    let mut s = 1.0;
    if p.age >= 80 {
        s *= 1.8;
    } else if p.age >= 75 {
        s *= 1.3;
    }
    if n.bedridden {
        s *= 2.5;
    }
    if n.no_smartphone {
        s *= 1.4;
    }
    if n.limited_mobility {
        s *= 1.4;
    }
    if n.lives_alone {
        s *= 1.2;
    }
    s
}

fn withdraw(
    rng: &mut ChaCha8Rng,
    p: &Person,
    pay: &Payment,
    credited_on: NaiveDate,
    slow: f64,
    horizon: NaiveDate,
    out: &mut Vec<Withdrawal>,
) {
    // A few payments are simply left untouched (forgotten, lost card, the person is away).
    if rng.random_bool(0.03 * slow.min(3.0)) {
        return;
    }
    let base_days = match pay.channel {
        Channel::Cash => 1.0,
        Channel::Bank => 3.0,
        Channel::Vneid => 4.0,
        Channel::Ewallet | Channel::MobileMoney => 2.0,
    };
    // Exponential waiting time, stretched by the person's difficulty.
    let u: f64 = rng.random_range(0.0..1.0);
    let days = (-(1.0 - u).ln() * base_days * slow).floor() as u64;
    let first_on = credited_on + Days::new(days.min(90));
    if first_on > horizon {
        return;
    }
    let n = &p.b.needs;
    let place = if n.bedridden {
        if pay.channel == Channel::Cash { WithdrawalPlace::HomeDelivery } else { WithdrawalPlace::Proxy }
    } else {
        match pay.channel {
            Channel::Cash => {
                if p.age >= 80 && rng.random_bool(0.3) {
                    WithdrawalPlace::HomeDelivery
                } else {
                    WithdrawalPlace::WardOffice
                }
            }
            Channel::Bank => {
                *pick(rng, &[(WithdrawalPlace::Atm, 6), (WithdrawalPlace::BankCounter, 3), (WithdrawalPlace::Agent, 1)])
            }
            _ => {
                *pick(rng, &[(WithdrawalPlace::Agent, 3), (WithdrawalPlace::Atm, 1), (WithdrawalPlace::PostOffice, 1)])
            }
        }
    };
    let at_home = matches!(place, WithdrawalPlace::HomeDelivery | WithdrawalPlace::Proxy);
    let assisted = at_home || (p.age >= 75 && rng.random_bool(0.35));
    let remembers = rng.random_bool(0.88);
    let travel = |rng: &mut ChaCha8Rng| {
        (!at_home && remembers).then(|| ((rng.random_range(5.0..40.0)) * slow.min(2.5)) as i64).or(at_home.then_some(0))
    };
    let mut problems = Vec::new();
    if pay.channel == Channel::Bank && p.age >= 70 && rng.random_bool(0.08) {
        problems.push(Problem::ForgotPin);
    }
    if place == WithdrawalPlace::Atm && rng.random_bool(0.05) {
        problems.push(Problem::MachineOutOfService);
    }
    if n.no_smartphone && matches!(pay.channel, Channel::Ewallet | Channel::MobileMoney | Channel::Vneid) {
        problems.push(Problem::NoSmartphone);
    }
    let full = rng.random_bool(0.82);
    let first_amount = if full { pay.amount_vnd } else { (pay.amount_vnd / 2 / 10_000).max(1) * 10_000 };
    let mk = |rng: &mut ChaCha8Rng, on: NaiveDate, amount: i64, problems: Vec<Problem>| Withdrawal {
        id: uuid_on(rng, on),
        payment_id: pay.id,
        withdrawn_on: on,
        amount_vnd: amount,
        place,
        travel_minutes: travel(rng),
        travel_cost_vnd: (!at_home && remembers).then(|| *one(rng, &[0, 0, 10_000, 20_000, 30_000])),
        waiting_minutes: remembers
            .then(|| rng.random_range(0..(if place == WithdrawalPlace::WardOffice { 60 } else { 20 }))),
        assisted,
        problems,
    };
    let w = mk(rng, first_on, first_amount, problems);
    out.push(w);
    if !full {
        let second_on = first_on + Days::new(rng.random_range(1..10));
        if second_on <= horizon {
            let w = mk(rng, second_on, pay.amount_vnd - first_amount, Vec::new());
            out.push(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs_stub() -> Refs {
        Refs::default()
    }

    #[test]
    fn same_seed_same_records() {
        let opts = DemoOptions {
            wards: 2,
            beneficiaries: 50,
            months: 3,
            seed: 7,
            until: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        };
        let a = generate(&opts, &refs_stub());
        let b = generate(&opts, &refs_stub());
        assert_eq!(a.batch.beneficiaries, b.batch.beneficiaries);
        assert_eq!(a.batch.accounts, b.batch.accounts);
        let c = generate(&DemoOptions { seed: 8, ..opts }, &refs_stub());
        assert_ne!(a.batch.beneficiaries, c.batch.beneficiaries);
        assert_eq!(a.new_units.len(), 2, "no units loaded: both wards invented and marked sample");
        assert!(a.new_units.iter().all(|u| u.is_sample));
    }
}

/// What loading demo data added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DemoSummary {
    pub wards: usize,
    pub beneficiaries: usize,
    pub payments: usize,
    pub withdrawals: usize,
}

/// Generates the demo city and writes it in one transaction.
/// Only into an empty database: demo people would otherwise mix with real ones (and the same
/// seed twice would collide on ID numbers).
pub async fn load(store: &ansinh_store::Store, opts: &DemoOptions) -> ansinh_store::Result<DemoSummary> {
    load_in_chunks(store, opts, usize::MAX).await
}

/// The demo city generated for an empty `store` (whose reference data gains the units it
/// names), not yet written.
async fn prepare(store: &ansinh_store::Store, opts: &DemoOptions) -> ansinh_store::Result<(Batch, DemoSummary)> {
    if store.count_beneficiaries().await? > 0 {
        return Err(ansinh_store::StoreError::Conflict(ansinh_core::FieldError::new(
            "database",
            ErrorCode::DemoNotEmpty,
            "demo data can only be loaded into an empty database",
        )));
    }
    let refs = store.refs().await?;
    let demo = generate(opts, &refs);
    if !demo.new_units.is_empty() {
        store.upsert_units(&demo.new_units).await?;
    }
    let summary = DemoSummary {
        wards: opts.wards,
        beneficiaries: demo.batch.beneficiaries.len(),
        payments: demo.batch.payments.len(),
        withdrawals: demo.batch.withdrawals.len(),
    };
    Ok((demo.batch, summary))
}

/// [`load`] with at most `people` people (and all their records) per transaction: a city of
/// millions of records in one transaction would hold all its change records in memory at once.
pub async fn load_in_chunks(
    store: &ansinh_store::Store,
    opts: &DemoOptions,
    people: usize,
) -> ansinh_store::Result<DemoSummary> {
    let (batch, summary) = prepare(store, opts).await?;
    for chunk in into_chunks(batch, people) {
        store.insert_batch(&chunk).await?;
    }
    Ok(summary)
}

/// [`load`] in time order, for benchmarks' big cities (issue 17: the city in minutes, not an
/// hour): the people with their accounts first, then each cycle's payments with their
/// withdrawals, every table in id order, at most `rows` payments per transaction. Ids grow with
/// the day they were made (UUIDv7), so each index is written near its end, as a city's days add
/// rows, instead of all over it as person-by-person chunks do. The same records as [`load`].
pub async fn load_in_time_order(
    store: &ansinh_store::Store,
    opts: &DemoOptions,
    rows: usize,
) -> ansinh_store::Result<DemoSummary> {
    let (batch, summary) = prepare(store, opts).await?;
    for chunk in into_time_order(batch, rows) {
        store.insert_batch(&chunk).await?;
    }
    Ok(summary)
}

/// Splits a generated batch in time order (see [`load_in_time_order`]): the cycles, the people,
/// their accounts, then each cycle's payments with their withdrawals; at most `rows` people,
/// accounts or payments a batch.
pub fn into_time_order(batch: Batch, rows: usize) -> Vec<Batch> {
    let rows = rows.max(1);
    let Batch { cycles, mut beneficiaries, mut accounts, mut payments, withdrawals } = batch;
    beneficiaries.sort_by_key(|b| b.id);
    accounts.sort_by_key(|a| a.id);
    payments.sort_by(|a, b| (&a.period, a.id).cmp(&(&b.period, b.id)));
    let mut by_payment: std::collections::HashMap<Uuid, Vec<Withdrawal>> = Default::default();
    for w in withdrawals {
        by_payment.entry(w.payment_id).or_default().push(w);
    }
    let mut out = vec![Batch { cycles, ..Batch::default() }];
    out.extend(beneficiaries.chunks(rows).map(|c| Batch { beneficiaries: c.to_vec(), ..Batch::default() }));
    out.extend(accounts.chunks(rows).map(|c| Batch { accounts: c.to_vec(), ..Batch::default() }));
    let mut payments = payments.into_iter().peekable();
    while let Some(first) = payments.next() {
        let period = first.period.clone();
        let mut chunk = vec![first];
        chunk.extend(std::iter::from_fn(|| payments.next_if(|p| p.period == period)).take(rows - 1));
        let mut withdrawals: Vec<_> = chunk.iter().flat_map(|p| by_payment.remove(&p.id).unwrap_or_default()).collect();
        withdrawals.sort_by_key(|w| w.id);
        out.push(Batch { payments: chunk, withdrawals, ..Batch::default() });
    }
    debug_assert!(by_payment.is_empty(), "every withdrawal's payment is in the batch");
    out
}

/// Splits a generated batch into batches of at most `people` people with their accounts,
/// payments and withdrawals (the generator writes each person's records together, in order);
/// the cycles go with the first.
pub fn into_chunks(batch: Batch, people: usize) -> Vec<Batch> {
    let people = people.max(1);
    let Batch { cycles, beneficiaries, accounts, payments, withdrawals } = batch;
    let (mut accounts, mut payments, mut withdrawals) =
        (accounts.into_iter().peekable(), payments.into_iter().peekable(), withdrawals.into_iter().peekable());
    let mut out = vec![Batch { cycles, ..Batch::default() }];
    let mut people_iter = beneficiaries.into_iter().peekable();
    while people_iter.peek().is_some() {
        let mut chunk = if out.len() == 1 && out[0].beneficiaries.is_empty() {
            out.pop().expect("the first chunk")
        } else {
            Batch::default()
        };
        chunk.beneficiaries.extend(people_iter.by_ref().take(people));
        let ids: HashSet<Uuid> = chunk.beneficiaries.iter().map(|b| b.id).collect();
        chunk.accounts.extend(std::iter::from_fn(|| accounts.next_if(|a| ids.contains(&a.beneficiary_id))));
        chunk.payments.extend(std::iter::from_fn(|| payments.next_if(|p| ids.contains(&p.beneficiary_id))));
        let paid: HashSet<Uuid> = chunk.payments.iter().map(|p| p.id).collect();
        chunk.withdrawals.extend(std::iter::from_fn(|| withdrawals.next_if(|w| paid.contains(&w.payment_id))));
        out.push(chunk);
    }
    debug_assert!(accounts.next().is_none() && payments.next().is_none() && withdrawals.next().is_none());
    out
}
