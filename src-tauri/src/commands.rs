//! The commands the webview calls (contract: `docs/IPC.md`). Each is a thin adapter: parse
//! nothing, decide nothing; call the core's validation and the store, return views or a typed
//! [`AppError`] that the UI translates.
//!
//! Every command here must also be listed in `APP_COMMANDS` (src-tauri/build.rs) and granted in
//! `src-tauri/capabilities/default.json`.

use crate::state::{AppState, require};
use ansinh_core::ErrorCode;
use ansinh_core::auth::Permission;
use ansinh_core::duplicates::DuplicateKey;
use ansinh_core::inputs::{AccountInput, BeneficiaryInput, PaymentInput, WithdrawalInput};
use ansinh_core::model::DraftForm;
use ansinh_core::{AppError, validate};
use ansinh_demo::{DemoOptions, DemoSummary};
use ansinh_store::{
    AccountView, BeneficiaryDetail, BeneficiaryView, GroupView, Page, PaymentView, ProviderView, UnitView,
    WithdrawalView,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;

type Cmd<T> = Result<T, AppError>;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

const LANG_KEY: &str = "language";
const DEMO_DECLINED_KEY: &str = "demo_offer_declined";

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub db_path: String,
    pub device_id: String,
    pub beneficiary_count: i64,
    pub lang: String,
    /// An empty database whose user has not declined demo data yet.
    pub offer_demo: bool,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Cmd<AppInfo> {
    let a = require(&state, Permission::Signed)?;
    let s = &a.store;
    let beneficiary_count = s.count_beneficiaries().await?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: s.path().display().to_string(),
        device_id: s.device_id().to_string(),
        beneficiary_count,
        lang: s.setting(LANG_KEY).await?.unwrap_or_else(|| "vi".into()),
        offer_demo: beneficiary_count == 0 && s.setting(DEMO_DECLINED_KEY).await?.is_none(),
    })
}

#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, lang: String) -> Cmd<()> {
    let a = require(&state, Permission::Signed)?;
    if !matches!(lang.as_str(), "vi" | "en") {
        return Err(AppError::field("lang", ErrorCode::StatusInvalid, "language must be vi or en"));
    }
    Ok(a.store.set_setting(LANG_KEY, &lang).await?)
}

#[tauri::command]
pub async fn dismiss_demo_offer(state: State<'_, AppState>) -> Cmd<()> {
    let a = require(&state, Permission::Administer)?;
    Ok(a.store.set_setting(DEMO_DECLINED_KEY, "1").await?)
}

#[derive(Debug, Deserialize)]
pub struct DemoRequest {
    pub wards: usize,
    pub beneficiaries: usize,
    pub months: u32,
    pub seed: u64,
}

#[tauri::command]
pub async fn load_demo(state: State<'_, AppState>, options: DemoRequest) -> Cmd<DemoSummary> {
    let a = require(&state, Permission::Administer)?;
    let opts = DemoOptions {
        wards: options.wards.clamp(1, 200),
        beneficiaries: options.beneficiaries.min(500_000),
        months: options.months.clamp(1, 36),
        seed: options.seed,
        until: ansinh_demo::first_of_month(today()),
        today: today(),
    };
    Ok(ansinh_demo::load(&a.store, &opts).await?)
}

#[tauri::command]
pub async fn list_units(state: State<'_, AppState>) -> Cmd<Vec<UnitView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.refs().await?.local_units().cloned().collect())
}

#[tauri::command]
pub async fn list_groups(state: State<'_, AppState>) -> Cmd<Vec<GroupView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.refs().await?.groups.clone())
}

#[tauri::command]
pub async fn list_providers(state: State<'_, AppState>) -> Cmd<Vec<ProviderView>> {
    let a = require(&state, Permission::Signed)?;
    Ok(a.store.refs().await?.providers.clone())
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub ward_code: Option<String>,
    #[serde(default = "default_limit")]
    pub limit: i64,
    #[serde(default)]
    pub offset: i64,
}

fn default_limit() -> i64 {
    50
}

#[tauri::command]
pub async fn search_beneficiaries(state: State<'_, AppState>, query: SearchQuery) -> Cmd<Page<BeneficiaryView>> {
    let a = require(&state, Permission::ReadPeople)?;
    let ward = a.scoped_ward(query.ward_code.as_deref())?;
    Ok(a.store.search(&query.text, ward, query.limit, query.offset).await?)
}

#[tauri::command]
pub async fn get_beneficiary(state: State<'_, AppState>, id: String) -> Cmd<BeneficiaryDetail> {
    let a = require(&state, Permission::ReadPeople)?;
    a.check_person(&id).await?;
    let mut detail = a.store.beneficiary_detail(&id).await?;
    // Shown in full only on demand (`reveal_account_number`, audited).
    for acc in &mut detail.accounts {
        acc.account_number = ansinh_core::privacy::mask_account_number(&acc.account_number);
    }
    Ok(detail)
}

/// Registers a person. A possible duplicate is refused with `beneficiary.possible_duplicate`
/// until the input carries the officer's `duplicate_reason` (see `similar_beneficiaries`).
#[tauri::command]
pub async fn add_beneficiary(state: State<'_, AppState>, input: BeneficiaryInput) -> Cmd<BeneficiaryView> {
    let a = require(&state, Permission::WritePeople)?;
    let refs = a.store.refs().await?;
    let b = validate::beneficiary(&input, &refs, today()).map_err(AppError::Validation)?;
    a.check_ward(&b.ward_code)?;
    a.store.add_beneficiary(&b).await?;
    a.store.discard_draft(DraftForm::Beneficiary, "").await?;
    Ok(a.store.beneficiary_detail(&b.id.to_string()).await?.beneficiary)
}

/// Corrects a person's record (the whole input, as the add form sends it).
#[tauri::command]
pub async fn update_beneficiary(
    state: State<'_, AppState>,
    id: String,
    input: BeneficiaryInput,
) -> Cmd<BeneficiaryView> {
    let a = require(&state, Permission::WritePeople)?;
    let refs = a.store.refs().await?;
    let mut b = validate::beneficiary(&input, &refs, today()).map_err(AppError::Validation)?;
    b.id = validate::parse_uuid("id", &id).map_err(|e| AppError::Validation(vec![e]))?;
    // Officers may neither edit another ward's person nor move one out of their ward.
    a.check_person(&id).await?;
    a.check_ward(&b.ward_code)?;
    a.store.update_beneficiary(&b).await?;
    a.store.discard_draft(DraftForm::BeneficiaryEdit, &id).await?;
    Ok(a.store.beneficiary_detail(&id).await?.beneficiary)
}

/// The registered people the typed person may be (same folded name, birth date and ward),
/// for the side-by-side view; `exclude`: the person being edited.
#[tauri::command]
pub async fn similar_beneficiaries(
    state: State<'_, AppState>,
    input: BeneficiaryInput,
    exclude: Option<String>,
) -> Cmd<Vec<BeneficiaryView>> {
    let a = require(&state, Permission::ReadPeople)?;
    let refs = a.store.refs().await?;
    let b = validate::beneficiary(&input, &refs, today()).map_err(AppError::Validation)?;
    a.check_ward(&b.ward_code)?;
    Ok(a.store.similar_beneficiaries(&DuplicateKey::of(&b), exclude.as_deref()).await?)
}

#[tauri::command]
pub async fn open_account(state: State<'_, AppState>, input: AccountInput) -> Cmd<AccountView> {
    let s = require(&state, Permission::WritePeople)?;
    s.check_person(&input.beneficiary_id).await?;
    let refs = s.store.refs().await?;
    let a = validate::account(&input, &refs, today()).map_err(AppError::Validation)?;
    s.store.add_account(&a).await?;
    s.store.discard_draft(DraftForm::Account, &input.beneficiary_id).await?;
    let detail = s.store.beneficiary_detail(&a.beneficiary_id.to_string()).await?;
    let id = a.id.to_string();
    detail.accounts.into_iter().find(|x| x.id == id).ok_or(AppError::NotFound { entity: "account", id })
}

#[tauri::command]
pub async fn record_payment(state: State<'_, AppState>, input: PaymentInput) -> Cmd<PaymentView> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_person(&input.beneficiary_id).await?;
    let draft = validate::payment(&input, today()).map_err(AppError::Validation)?;
    let p = a.store.add_payment(&draft).await?;
    a.store.discard_draft(DraftForm::Payment, &input.beneficiary_id).await?;
    let detail = a.store.beneficiary_detail(&p.beneficiary_id.to_string()).await?;
    let id = p.id.to_string();
    detail.payments.into_iter().find(|x| x.id == id).ok_or(AppError::NotFound { entity: "payment", id })
}

#[tauri::command]
pub async fn record_withdrawal(state: State<'_, AppState>, input: WithdrawalInput) -> Cmd<WithdrawalView> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_payment(&input.payment_id).await?;
    let w = validate::withdrawal(&input, today()).map_err(AppError::Validation)?;
    a.store.add_withdrawal(&w).await?;
    a.store.discard_draft(DraftForm::Withdrawal, &input.payment_id).await?;
    let id = w.id.to_string();
    a.store
        .withdrawals_of(&w.payment_id.to_string())
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(AppError::NotFound { entity: "withdrawal", id })
}
