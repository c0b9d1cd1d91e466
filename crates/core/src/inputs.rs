//! Inputs exactly as an officer typed them (forms) or a spreadsheet holds them (imports).
//! Everything is text; [`crate::validate`] turns them into records or field errors.

use crate::model::Needs;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct BeneficiaryInput {
    pub full_name: String,
    /// `dd/mm/yyyy` or a bare year `yyyy`.
    pub birth_date: String,
    pub sex: String,
    pub id_number: String,
    pub id_override_reason: String,
    pub ward_code: String,
    pub residential_group: String,
    pub phone: String,
    pub group_code: String,
    pub disability: String,
    pub needs: Needs,
    pub authorised_name: String,
    pub authorised_id_number: String,
    pub authorised_relation: String,
    /// Why this person is registered although a possible duplicate exists (empty: none seen).
    pub duplicate_reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct AccountInput {
    pub beneficiary_id: String,
    pub channel: String,
    pub provider_code: String,
    pub account_number: String,
    pub requested_on: String,
    /// Empty: the account is requested, not yet opened.
    pub opened_on: String,
    pub assisted: bool,
    /// Linked to the person's VNeID.
    pub vneid_linked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct PaymentInput {
    pub beneficiary_id: String,
    /// None: paid in cash.
    pub account_id: Option<String>,
    /// `mm/yyyy`.
    pub period: String,
    /// Empty: the person's entitlement for that period (a one-off payment needs its amount).
    pub amount: String,
    /// A one-off payment (a gift or arrears) rather than the monthly allowance.
    pub one_off: bool,
    /// A one-off payment's label ("Quà Tết 2026"), required for one; ignored otherwise.
    pub label: String,
    /// `credited` or `failed`.
    pub status: String,
    pub credited_on: String,
    pub failure_reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct WithdrawalInput {
    pub payment_id: String,
    pub withdrawn_on: String,
    pub amount: String,
    pub place: String,
    /// Empty: does not remember.
    pub travel_minutes: String,
    pub travel_cost: String,
    pub waiting_minutes: String,
    pub assisted: bool,
    pub problems: Vec<String>,
}
