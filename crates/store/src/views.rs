//! Read models: the JSON shapes the UI and CLI receive (docs/IPC.md). Dates are ISO text.

use ansinh_core::model::{
    AccountStatus, Channel, Disability, Needs, PaymentStatus, Problem, Scheme, Sex, WithdrawalPlace,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Unit")]
pub struct UnitView {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub is_sample: bool,
    /// First day the unit existed (Hanoi's 126 units since 1 July 2025 start on 1 July 2025).
    #[serde(default)]
    pub valid_from: Option<String>,
    /// Last day the unit existed (units merged on 1 July 2025 end on 30 June 2025).
    #[serde(default)]
    pub valid_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Group")]
pub struct GroupView {
    pub code: String,
    pub scheme: Scheme,
    pub name_vi: String,
    pub name_en: String,
    /// The coefficient from the group's start (dated changes: `ansinh reference groups`).
    pub coefficient: f64,
    pub coefficient_permille: i64,
    /// The group's validity (ISO dates); a group that ended may name the group its people are
    /// paid under since (the 80+ without a pension: social pension from 1 July 2025).
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub successor_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Provider")]
pub struct ProviderView {
    pub channel: Channel,
    pub code: String,
    pub name: String,
}

/// One person, as listed and as shown on their page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Beneficiary")]
pub struct BeneficiaryView {
    pub id: String,
    pub full_name: String,
    pub birth_date: Option<String>,
    pub birth_year: i32,
    pub sex: Sex,
    pub id_number: Option<String>,
    pub legacy_id_number: Option<String>,
    pub ward_code: String,
    pub ward_name: String,
    pub group_code: String,
    pub disability: Disability,
    pub needs: Needs,
    pub residential_group: String,
    pub phone: String,
    pub id_override_reason: String,
    pub authorised_name: String,
    pub authorised_id_number: String,
    pub authorised_relation: String,
    /// Why the officer kept this person although flagged as a possible duplicate ('' if not).
    #[serde(default)]
    pub duplicate_reason: String,
    /// This month's amount under the level in force today.
    pub entitlement_vnd: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Account")]
pub struct AccountView {
    pub id: String,
    pub beneficiary_id: String,
    pub channel: Channel,
    pub provider_code: String,
    pub provider_name: String,
    pub account_number: String,
    pub status: AccountStatus,
    pub requested_on: Option<String>,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
    pub close_reason: String,
    pub assisted: bool,
    /// Linked to the person's VNeID.
    pub vneid_linked: bool,
    /// Derived from payments: the first credited payment into this account.
    pub first_credit_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Withdrawal")]
pub struct WithdrawalView {
    pub id: String,
    pub payment_id: String,
    pub withdrawn_on: String,
    pub amount_vnd: i64,
    pub place: WithdrawalPlace,
    pub travel_minutes: Option<i64>,
    pub travel_cost_vnd: Option<i64>,
    pub waiting_minutes: Option<i64>,
    pub assisted: bool,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Payment")]
pub struct PaymentView {
    pub id: String,
    pub beneficiary_id: String,
    pub account_id: Option<String>,
    pub channel: Channel,
    pub period: String,
    pub amount_vnd: i64,
    pub status: PaymentStatus,
    pub scheduled_on: Option<String>,
    pub credited_on: Option<String>,
    pub failure_reason: String,
    /// Empty for the monthly allowance; a one-off payment's label.
    pub label: String,
    pub withdrawn_vnd: i64,
    pub withdrawals: Vec<WithdrawalView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BeneficiaryDetail {
    pub beneficiary: BeneficiaryView,
    pub accounts: Vec<AccountView>,
    /// Newest first.
    pub payments: Vec<PaymentView>,
}
