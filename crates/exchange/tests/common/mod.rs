//! Simulated desktops for the exchange tests: each its own SQLite file, written through the
//! normal Store API, exchanging real bundles.
#![allow(dead_code)]

use ansinh_core::inputs::{BeneficiaryInput, PaymentInput};
use ansinh_core::model::PaymentStatus;
use ansinh_core::records::{Beneficiary, Payment};
use ansinh_core::validate;
use ansinh_exchange::{DeviceKeys, ImportOutcome, parse_recipient};
use ansinh_store::{DeviceRole, NewDevice, PaymentResult, Store};
use chrono::NaiveDate;
use tempfile::TempDir;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

pub struct Desk {
    pub store: Store,
    pub keys: DeviceKeys,
    pub dir: TempDir,
}

impl Desk {
    pub async fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ansinh.db")).await.unwrap();
        let keys = DeviceKeys::load_or_create(&store).await.unwrap();
        Desk { store, keys, dir }
    }

    /// Another machine of the same office: a fresh database holding the same decryption key.
    pub async fn same_office(&self) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ansinh.db")).await.unwrap();
        let identity = self.store.setting("exchange.age_identity").await.unwrap().unwrap();
        store.set_setting("exchange.age_identity", &identity).await.unwrap();
        let keys = DeviceKeys::load_or_create(&store).await.unwrap();
        Desk { store, keys, dir }
    }

    pub fn recipient(&self) -> age::x25519::Recipient {
        parse_recipient(&serde_json::to_string(&self.keys.public("")).unwrap()).unwrap()
    }

    /// This desk's records after `since`, sealed for `to`.
    pub async fn bundle_for(&self, to: &Desk, since: i64) -> Vec<u8> {
        ansinh_exchange::export_bundle(&self.store, &self.keys, since, &to.recipient()).await.unwrap().0
    }

    /// Imports a bundle after registering its sender, as this office's administrator does from
    /// the sender's public-key file (a ward device of the ward it states, or the city office);
    /// a sender already registered stays as it is. [`Desk::import_as_is`] skips the registration.
    pub async fn import(&self, bytes: &[u8]) -> Result<ImportOutcome, ansinh_exchange::ExchangeError> {
        if let Ok((m, _)) = ansinh_exchange::read_bundle(&self.keys, bytes)
            && self.store.device(&m.device_id).await.unwrap().is_none()
        {
            let role = if m.ward.is_empty() { DeviceRole::City } else { DeviceRole::Ward };
            let d = NewDevice {
                device_id: &m.device_id,
                name: "",
                role,
                ward: &m.ward,
                signing_key: &m.signing_key,
                recipient: "",
            };
            self.store.enroll_device(&d).await.unwrap();
        }
        self.import_as_is(bytes).await
    }

    pub async fn import_as_is(&self, bytes: &[u8]) -> Result<ImportOutcome, ansinh_exchange::ExchangeError> {
        ansinh_exchange::import_bundle(&self.store, &self.keys, bytes, false).await
    }

    /// Registers `other` here from its public keys (the city office when `ward` is None).
    pub async fn register(&self, other: &Desk, ward: Option<&str>) {
        let public = other.keys.public(ward.unwrap_or(""));
        let d = NewDevice {
            device_id: &public.device_id,
            name: "",
            role: if ward.is_some() { DeviceRole::Ward } else { DeviceRole::City },
            ward: ward.unwrap_or(""),
            signing_key: &public.signing_key,
            recipient: &public.recipient,
        };
        self.store.enroll_device(&d).await.unwrap();
    }

    pub async fn last_seq(&self) -> i64 {
        self.store.changes_since(&self.store.device_id(), 0).await.unwrap().last().map_or(0, |r| r.seq)
    }

    pub async fn dump(&self) -> String {
        self.store.canonical_dump().await.unwrap()
    }

    /// Registers a woman born in `year` with a valid 12-digit ID number ending in `serial`.
    pub async fn person(&self, name: &str, year: u32, serial: u32, ward: &str) -> Beneficiary {
        let refs = self.store.refs().await.unwrap();
        let input = BeneficiaryInput {
            full_name: name.into(),
            birth_date: format!("05/03/{year}"),
            sex: "Nữ".into(),
            id_number: format!("0011{:02}{:06}", year % 100, serial),
            ward_code: ward.into(),
            group_code: "cao_tuoi_ngheo_80".into(),
            ..BeneficiaryInput::default()
        };
        let b = validate::beneficiary(&input, &refs, today()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        self.store.add_beneficiary(&b).await.unwrap();
        b
    }

    /// A correction of a person's phone (an update record).
    pub async fn set_phone(&self, b: &Beneficiary, phone: &str) -> Beneficiary {
        let mut b = b.clone();
        b.phone = phone.into();
        self.store.update_beneficiary(&b).await.unwrap();
        b
    }

    /// A cash payment of 500.000 ₫ for `period`, credited on the 1st.
    pub async fn pay(&self, b: &Beneficiary, period: &str) -> Payment {
        self.try_pay(b, period).await.unwrap()
    }

    pub async fn try_pay(&self, b: &Beneficiary, period: &str) -> Result<Payment, ansinh_store::StoreError> {
        let input = PaymentInput {
            beneficiary_id: b.id.to_string(),
            account_id: None,
            period: period.into(),
            amount: "500000".into(),
            status: "credited".into(),
            credited_on: format!("01/{}/{}", &period[5..7], &period[..4]),
            failure_reason: String::new(),
            one_off: false,
            label: String::new(),
        };
        let draft = validate::payment(&input, today()).unwrap();
        self.store.add_payment(&draft).await
    }

    /// Reconciles one payment as credited on `day` or failed (an update of a money record).
    pub async fn reconcile(&self, p: &Payment, credited_on: Option<NaiveDate>) {
        let result = PaymentResult {
            row: 2,
            reference: Some(p.id.to_string()),
            id_number: None,
            amount_vnd: p.amount_vnd,
            status: if credited_on.is_some() { PaymentStatus::Credited } else { PaymentStatus::Failed },
            credited_on,
            failure_reason: if credited_on.is_some() { String::new() } else { "account closed".into() },
        };
        self.store.reconcile_payments(&p.period, &[result], false).await.unwrap();
    }
}

pub fn day(d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 10, d)
}

/// Five ward desktops (two of them in ward 00004, sharing a person) after concurrent work,
/// and their bundles for `city`: each device's whole series plus overlapping partial ones.
pub struct FiveWards {
    pub wards: Vec<Desk>,
    pub bundles: Vec<Vec<u8>>,
    /// The person both 00004 desktops corrected at once, and the payment both reconciled.
    pub shared_person: Beneficiary,
    pub shared_payment: Payment,
    /// The two registrations of one ID number (wards 00025 and 00070).
    pub twins: (Beneficiary, Beneficiary),
}

pub async fn five_wards(city: &Desk) -> FiveWards {
    let mut wards = Vec::new();
    for _ in 0..5 {
        wards.push(Desk::new().await);
    }
    let (w1, w2, w3, w4, w5) = (&wards[0], &wards[1], &wards[2], &wards[3], &wards[4]);
    let x = w1.person("Nguyễn Thị Xuân", 1940, 101, "00004").await;
    let p = w1.pay(&x, "2026-10").await;
    w1.person("Hoàng Thị Yến", 1941, 102, "00004").await;
    // The ward's second desktop takes the first one's records, then both work offline.
    w2.import(&w1.bundle_for(w2, 0).await).await.unwrap();
    w1.set_phone(&x, "0901111111").await;
    w2.set_phone(&x, "0902222222").await;
    w1.reconcile(&p, day(3)).await;
    w2.reconcile(&p, None).await;
    w2.person("Đặng Thị Lan", 1943, 201, "00004").await;
    // The same person registered in two wards.
    let t3 = w3.person("Vũ Thị Hạnh", 1945, 777, "00025").await;
    let t4 = w4.person("Vũ Thị Hạnh", 1945, 777, "00070").await;
    w3.person("Bùi Thị Mai", 1944, 301, "00025").await;
    let q = w5.person("Mai Thị Nga", 1942, 501, "00082").await;
    w5.pay(&q, "2026-10").await;
    let q = w5.set_phone(&q, "0905000001").await;
    w5.set_phone(&q, "0905000002").await;

    let mut bundles = Vec::new();
    for w in &wards {
        bundles.push(w.bundle_for(city, 0).await);
        let last = w.last_seq().await;
        if last > 1 {
            bundles.push(w.bundle_for(city, last / 2).await);
        }
    }
    FiveWards { wards, bundles, shared_person: x, shared_payment: p, twins: (t3, t4) }
}
