//! Simulated desktops for the exchange tests: each its own SQLite file, written through the
//! normal Store API, exchanging real bundles.
#![allow(dead_code)]

use ansinh_core::inputs::{BeneficiaryInput, PaymentInput};
use ansinh_core::model::PaymentStatus;
use ansinh_core::records::{Beneficiary, Payment};
use ansinh_core::validate;
use ansinh_exchange::{DeviceKeys, ImportOutcome, parse_recipient};
use ansinh_store::{PaymentResult, Store};
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

    pub fn recipient(&self) -> age::x25519::Recipient {
        parse_recipient(&serde_json::to_string(&self.keys.public("")).unwrap()).unwrap()
    }

    /// This desk's records after `since`, sealed for `to`.
    pub async fn bundle_for(&self, to: &Desk, since: i64) -> Vec<u8> {
        ansinh_exchange::export_bundle(&self.store, &self.keys, since, &to.recipient()).await.unwrap().0
    }

    pub async fn import(&self, bytes: &[u8]) -> Result<ImportOutcome, ansinh_exchange::ExchangeError> {
        ansinh_exchange::import_bundle(&self.store, &self.keys, bytes, false).await
    }

    pub async fn last_seq(&self) -> i64 {
        self.store.changes_since(self.store.device_id(), 0).await.unwrap().last().map_or(0, |r| r.seq)
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
        let input = PaymentInput {
            beneficiary_id: b.id.to_string(),
            account_id: None,
            period: period.into(),
            amount: "500000".into(),
            status: "credited".into(),
            credited_on: format!("01/{}/{}", &period[5..7], &period[..4]),
            failure_reason: String::new(),
        };
        let draft = validate::payment(&input, today()).unwrap();
        self.store.add_payment(&draft).await.unwrap()
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
