//! A month of every ward merged into the city (issue 17, item 4: "a month of all 126 wards, one
//! bundle each, merges into the city in at most 60 s").
//!
//! For each ward of the size's dataset, a ward desktop of its own (a fresh store: its own device
//! and keys) takes that ward's people and their accounts from the size's database as values
//! (`insert_batch`), then records the next cycle after the dataset's last (2026-11 for the
//! bench's datasets): the cycle, a credited payment for every person (the channel, account and
//! amount of their latest payment, the 2026-10 one) and, for most of them, a withdrawal a few
//! days later, with UUIDv7 ids dated in that month as the demo generator makes them
//! (`ansinh_demo`'s `uuid_on`). The people and accounts are written under a device id the city
//! never hears from (it has them already, from its own series, as the size's dataset was
//! written); the month under the ward desktop's device proper, whose series the city receives
//! from its first record, as it must (a series with a hole is refused past the hole). So its
//! bundle (`export_bundle` from seq 0) holds only the new records, signed with the ward's key
//! and sealed for the city desktop.
//! Building the bundles is setup, not timed.
//!
//! The city desktop then registers each ward's device (what its administrator does once, from
//! the ward's public-key file) and imports the month's folder of bundles as the city does:
//! `import_bundles`, every bundle decrypted, its signature and records checked and applied in
//! one transaction, committed once (a commit writes every page its records touched again, and
//! a month's bundles touch the same index pages). Only that import is timed.
//!
//! **On a copy of the size's database, not with `dry_run`.** A bundle must pass the city
//! desktop's real checks, the first being that its signer is a device registered there; so the
//! wards' devices must be registered in the database merged into, which would change the size's
//! dataset that later runs (and other people's) reuse. And rolled-back imports would not be the
//! day's merge: each bundle would find the month's cycle new and none of the wards merged
//! before it. So the caller (`run.rs`) copies the size's database, merges into the copy and
//! deletes it. A tenth's copy is 2.6 GB; the city's is 24 GB, and where the disk has no room for
//! it the figure is not measured (said so in the log), rather than written into the dataset.

use crate::{BenchError, Result};
use ansinh_core::dates;
use ansinh_core::model::{Channel, PaymentStatus};
use ansinh_core::records::{Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_exchange::{DeviceKeys, ImportOutcome, PublicKeys, export_bundle, import_bundles, parse_recipient};
use ansinh_store::{AccountView, Batch, BeneficiaryView, PaymentView, Store};
use chrono::{Datelike, Days, Months, NaiveDate};
use futures_util::TryStreamExt;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// One ward desktop's bundle of the month.
pub struct WardBundle {
    pub ward: String,
    /// The ward desktop's public-key file (what the city registers).
    pub keys: PublicKeys,
    pub sealed: Vec<u8>,
    /// Change records in the bundle: the cycle, payments and withdrawals.
    pub records: usize,
    pub people: usize,
    pub payments: usize,
    pub withdrawals: usize,
}

/// The month every ward sends.
pub struct Month {
    /// The new cycle, `yyyy-mm`.
    pub period: String,
    pub bundles: Vec<WardBundle>,
}

impl Month {
    pub fn records(&self) -> usize {
        self.bundles.iter().map(|b| b.records).sum()
    }
    pub fn people(&self) -> usize {
        self.bundles.iter().map(|b| b.people).sum()
    }
}

pub struct MonthFigures {
    pub period: String,
    pub bundles: usize,
    pub people: usize,
    pub records: usize,
    /// The folder's import, every bundle in one transaction.
    pub imports: Duration,
}

fn other(what: impl std::fmt::Display) -> BenchError {
    BenchError::Other(what.to_string())
}

fn uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| other(format!("id {s:?}: {e}")))
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| other(format!("date {s:?}: {e}")))
}

fn opt_date(s: &Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref().map(date).transpose()
}

/// A person as the size's database shows them, back as the record the ward desktop writes.
fn person(v: &BeneficiaryView) -> Result<Beneficiary> {
    Ok(Beneficiary {
        id: uuid(&v.id)?,
        full_name: v.full_name.clone(),
        birth_date: opt_date(&v.birth_date)?,
        birth_year: v.birth_year,
        sex: v.sex,
        id_number: v.id_number.clone(),
        legacy_id_number: v.legacy_id_number.clone(),
        id_override_reason: v.id_override_reason.clone(),
        ward_code: v.ward_code.clone(),
        residential_group: v.residential_group.clone(),
        phone: v.phone.clone(),
        group_code: v.group_code.clone(),
        disability: v.disability,
        needs: v.needs,
        authorised_name: v.authorised_name.clone(),
        authorised_id_number: v.authorised_id_number.clone(),
        authorised_relation: v.authorised_relation.clone(),
        duplicate_reason: v.duplicate_reason.clone(),
    })
}

fn account(v: &AccountView) -> Result<Account> {
    Ok(Account {
        id: uuid(&v.id)?,
        beneficiary_id: uuid(&v.beneficiary_id)?,
        channel: v.channel,
        provider_code: v.provider_code.clone(),
        account_number: v.account_number.clone(),
        status: v.status,
        requested_on: opt_date(&v.requested_on)?,
        opened_on: opt_date(&v.opened_on)?,
        closed_on: opt_date(&v.closed_on)?,
        close_reason: v.close_reason.clone(),
        assisted: v.assisted,
        vneid_linked: v.vneid_linked,
    })
}

/// The month's records of one ward's people: a credited payment each (as their latest payment,
/// else cash of their entitlement) and for about nine in ten a withdrawal of it within a week.
fn month_of(
    people: &[&BeneficiaryView],
    latest: &HashMap<String, PaymentView>,
    cycle: &Cycle,
    rng: &mut ChaCha8Rng,
) -> Result<Batch> {
    let today = chrono::Local::now().date_naive();
    let mut batch = Batch { cycles: vec![cycle.clone()], ..Batch::default() };
    for b in people {
        let (account_id, channel, amount_vnd) = match latest.get(&b.id) {
            Some(p) => (p.account_id.as_deref().map(uuid).transpose()?, p.channel, p.amount_vnd),
            None => match b.entitlement_vnd {
                Some(a) => (None, Channel::Cash, a),
                None => continue,
            },
        };
        let scheduled = cycle.scheduled_on;
        let credited = scheduled + Days::new(if rng.random_bool(0.85) { 0 } else { rng.random_range(1..4) });
        let payment = Payment {
            id: ansinh_demo::uuid_on(rng, scheduled),
            period: cycle.period.clone(),
            beneficiary_id: uuid(&b.id)?,
            account_id,
            channel,
            amount_vnd,
            status: PaymentStatus::Credited,
            scheduled_on: Some(scheduled),
            credited_on: Some(credited),
            failure_reason: String::new(),
            reference: None,
            label: String::new(),
        };
        let on = credited + Days::new(rng.random_range(0..7));
        if rng.random_bool(0.9) && on <= today {
            batch.withdrawals.push(Withdrawal {
                id: ansinh_demo::uuid_on(rng, on),
                payment_id: payment.id,
                withdrawn_on: on,
                amount_vnd,
                place: ansinh_core::followup::usual_place(channel),
                travel_minutes: Some(rng.random_range(5..35)),
                travel_cost_vnd: None,
                waiting_minutes: Some(rng.random_range(0..20)),
                assisted: false,
                problems: Vec::new(),
            });
        }
        batch.payments.push(payment);
    }
    Ok(batch)
}

/// The bundle of every ward of `city` for the cycle after its last, each from a ward desktop of
/// its own (made in `scratch`, deleted after), sealed for `recipient` (the city's age recipient).
pub async fn bundles(city: &Store, recipient: &str, scratch: &Path) -> Result<Month> {
    let recipient = parse_recipient(recipient)?;
    let city_refs = city.refs().await?;
    let people = city.all_beneficiaries().await?;
    let accounts = city.all_accounts().await?;
    // Each person's latest monthly payment, and the last cycle (streamed: a city has millions).
    let mut latest: HashMap<String, PaymentView> = HashMap::new();
    let mut last = String::new();
    {
        let mut payments = std::pin::pin!(city.each_payment());
        while let Some(p) = payments.try_next().await? {
            if !p.label.is_empty() {
                continue;
            }
            if p.period > last {
                last.clone_from(&p.period);
            }
            if latest.get(&p.beneficiary_id).is_none_or(|q| q.period < p.period) {
                latest.insert(p.beneficiary_id.clone(), p);
            }
        }
    }
    let next =
        dates::period_start(&last).ok_or_else(|| other("the size's database has no payment cycle"))? + Months::new(1);
    let cycle = Cycle {
        period: dates::period_key(next.year(), next.month()),
        scheduled_on: next.with_day(10).expect("day 10"),
    };
    let mut by_ward: BTreeMap<&str, Vec<&BeneficiaryView>> = BTreeMap::new();
    for b in &people {
        by_ward.entry(b.ward_code.as_str()).or_default().push(b);
    }
    let mut accounts_of: HashMap<&str, Vec<&AccountView>> = HashMap::new();
    for a in &accounts {
        accounts_of.entry(a.beneficiary_id.as_str()).or_default().push(a);
    }

    let path = scratch.join("month-ward.db");
    let mut out = Vec::new();
    for (i, (code, people)) in by_ward.into_iter().enumerate() {
        crate::dataset::remove_db(&path);
        let ward = Store::open(&path).await?;
        if ward.refs().await?.unit(code).is_none()
            && let Some(u) = city_refs.unit(code)
        {
            ward.upsert_units(std::slice::from_ref(u)).await?;
        }
        // The ward's people and accounts first, written under a device id the city never
        // hears from: the city has them already, from its own series.
        let mut known = Batch::default();
        for b in &people {
            known.beneficiaries.push(person(b)?);
            for a in accounts_of.get(b.id.as_str()).into_iter().flatten() {
                known.accounts.push(account(a)?);
            }
        }
        ward.insert_batch(&known).await?;
        // Then the ward desktop's own device, whose series the city receives from its first
        // record (a series reaches the city whole or not at all): the month.
        ward.set_setting("device_id", &Uuid::now_v7().to_string()).await?;
        ward.close().await;
        let ward = Store::open(&path).await?;
        ward.set_office(Some(code)).await?;
        let keys = DeviceKeys::load_or_create(&ward).await?;
        let mut rng = ChaCha8Rng::seed_from_u64(0x5EED_2026_1100 + i as u64);
        let batch = month_of(&people, &latest, &cycle, &mut rng)?;
        ward.insert_batch(&batch).await?;
        let (sealed, manifest) = export_bundle(&ward, &keys, 0, &recipient).await?;
        out.push(WardBundle {
            ward: code.to_string(),
            keys: keys.public(code),
            sealed,
            records: manifest.records,
            people: people.len(),
            payments: batch.payments.len(),
            withdrawals: batch.withdrawals.len(),
        });
        ward.close().await;
    }
    crate::dataset::remove_db(&path);
    Ok(Month { period: cycle.period, bundles: out })
}

/// Registers each ward's device on the city desktop (once: a device already there is kept).
pub async fn register(city: &Store, bundles: &[WardBundle]) -> Result<()> {
    for b in bundles {
        crate::merge::register(city, &b.keys, &format!("Ward {}", b.ward)).await?;
    }
    Ok(())
}

/// Imports the bundles as the city does a month's folder: all in one import
/// (`import_bundles`, one transaction); returns each outcome and the import's time.
pub async fn import(
    city: &Store,
    keys: &DeviceKeys,
    bundles: &[WardBundle],
    dry_run: bool,
) -> Result<(Vec<ImportOutcome>, Duration)> {
    let sealed: Vec<&[u8]> = bundles.iter().map(|b| b.sealed.as_slice()).collect();
    let t = Instant::now();
    let outcomes = import_bundles(city, keys, &sealed, dry_run).await.map_err(|r| {
        let ward = r.index.map_or("(the import)", |i| bundles[i].ward.as_str());
        other(format!("ward {ward}: {}", r.error))
    })?;
    Ok((outcomes, t.elapsed()))
}

/// The whole figure on `city`, a copy of the size's database (it is written to).
pub async fn run(city: &Store, scratch: &Path, log: &dyn Fn(&str)) -> Result<MonthFigures> {
    let keys = DeviceKeys::load_or_create(city).await?;
    let t = Instant::now();
    let month = bundles(city, &keys.public("").recipient, scratch).await?;
    log(&format!(
        "  {} bundles of {} ({} people, {} records) built in {:.1} s (not timed)",
        month.bundles.len(),
        month.period,
        month.people(),
        month.records(),
        t.elapsed().as_secs_f64()
    ));
    register(city, &month.bundles).await?;
    let (outcomes, took) = import(city, &keys, &month.bundles, false).await?;
    for (b, o) in month.bundles.iter().zip(&outcomes) {
        let r = &o.report;
        if r.applied != b.records || !r.gaps.is_empty() || r.waiting != 0 {
            return Err(other(format!(
                "ward {}: {} of {} records applied, gaps {:?}, {} waiting",
                b.ward, r.applied, b.records, r.gaps, r.waiting
            )));
        }
    }
    Ok(MonthFigures {
        period: month.period.clone(),
        bundles: month.bundles.len(),
        people: month.people(),
        records: month.records(),
        imports: took,
    })
}
