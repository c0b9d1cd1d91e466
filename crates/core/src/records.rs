//! Validated records: what the store persists and what change records carry. Inputs from
//! forms and files become records only through [`crate::validate`].

use crate::model::{AccountStatus, Channel, Disability, Needs, PaymentStatus, Problem, Sex, WithdrawalPlace};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new UUIDv7 made on this device (time-ordered, so indexes stay append-friendly).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beneficiary {
    pub id: Uuid,
    /// Unicode NFC, exactly as the person writes it.
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub birth_year: i32,
    pub sex: Sex,
    /// The 12-digit personal ID number; None while only a legacy CMND is known.
    pub id_number: Option<String>,
    /// A 9-digit CMND from old lists, kept until the 12-digit number is obtained.
    pub legacy_id_number: Option<String>,
    /// Why a mismatch between ID number and birth year/sex was accepted.
    pub id_override_reason: String,
    pub ward_code: String,
    pub residential_group: String,
    pub phone: String,
    pub group_code: String,
    pub disability: Disability,
    pub needs: Needs,
    pub authorised_name: String,
    pub authorised_id_number: String,
    pub authorised_relation: String,
    /// Why the officer kept this person although a possible duplicate was found (same folded
    /// name, birth and ward as someone else; see [`crate::duplicates::DuplicateKey`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub duplicate_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub channel: Channel,
    /// NAPAS BIN for banks, operator code for wallets and Mobile Money.
    pub provider_code: String,
    /// Text, never a number: leading zeros matter.
    pub account_number: String,
    pub status: AccountStatus,
    pub requested_on: Option<NaiveDate>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: String,
    pub assisted: bool,
    /// Linked to the person's VNeID (one-off gifts are paid to the linked account).
    #[serde(default)]
    pub vneid_linked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: Uuid,
    /// The cycle, `yyyy-mm`.
    pub period: String,
    pub beneficiary_id: Uuid,
    /// None for cash.
    pub account_id: Option<Uuid>,
    pub channel: Channel,
    pub amount_vnd: i64,
    pub status: PaymentStatus,
    pub scheduled_on: Option<NaiveDate>,
    pub credited_on: Option<NaiveDate>,
    pub failure_reason: String,
    /// The bank's / post office's reference (unique within the cycle), matched by the
    /// reconciliation import; None when the payment has none (its id is accepted instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Empty for the monthly allowance; a one-off payment's label ("Quà Tết 2026", "Truy lĩnh
    /// 01-03/2026"): a person has at most one payment per cycle and label (issue 16).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub withdrawn_on: NaiveDate,
    pub amount_vnd: i64,
    pub place: WithdrawalPlace,
    /// None: the person does not remember (excluded from means, never counted as zero).
    pub travel_minutes: Option<i64>,
    pub travel_cost_vnd: Option<i64>,
    pub waiting_minutes: Option<i64>,
    pub assisted: bool,
    pub problems: Vec<Problem>,
}

/// One monthly payment cycle; closed cycles are immutable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    /// `yyyy-mm`.
    pub period: String,
    pub scheduled_on: NaiveDate,
}
