//! The people pages: search, a person's record, adding and correcting people, their accounts,
//! payments and withdrawals. Each command is a thin adapter: the core's validation, the ward
//! check, the store; saving a form deletes its draft.

use super::today;
use crate::command::commands;
use ansinh_core::decisions::{self, DecisionInput};
use ansinh_core::declines::{self, AccountDeclineInput};
use ansinh_core::duplicates::DuplicateKey;
use ansinh_core::inputs::{AccountInput, BeneficiaryInput, PaymentInput, WithdrawalInput};
use ansinh_core::model::DraftForm;
use ansinh_core::{AppError, validate};
use ansinh_store::{
    AccountDeclineView, AccountView, BeneficiaryDetail, BeneficiaryView, DecisionView, Page, PaymentView,
    WithdrawalView,
};
use serde::Deserialize;

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
    #[serde(default = "default_limit")]
    pub limit: i64,
    #[serde(default)]
    pub offset: i64,
}

fn default_limit() -> i64 {
    50
}

commands! {
    pub async fn search_beneficiaries(a: ReadPeople, query: SearchQuery) -> Page<BeneficiaryView> {
        let ward = a.scoped_ward(query.ward_code.as_deref())?;
        Ok(a.store.search(&query.text, ward, query.limit, query.offset).await?)
    }

    pub async fn get_beneficiary(a: ReadPeople, id: String) -> BeneficiaryDetail {
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
    pub async fn add_beneficiary(a: WritePeople, input: BeneficiaryInput) -> BeneficiaryView {
        let refs = a.store.refs().await?;
        let b = validate::beneficiary(&input, &refs, today()).map_err(AppError::Validation)?;
        a.check_ward(&b.ward_code)?;
        a.store.add_beneficiary(&b).await?;
        a.store.discard_draft(DraftForm::Beneficiary, "").await?;
        Ok(a.store.beneficiary_detail(&b.id.to_string()).await?.beneficiary)
    }

    /// Corrects a person's record (the whole input, as the add form sends it).
    pub async fn update_beneficiary(a: WritePeople, id: String, input: BeneficiaryInput) -> BeneficiaryView {
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
    pub async fn similar_beneficiaries(a: ReadPeople, input: BeneficiaryInput, exclude: Option<String>) -> Vec<BeneficiaryView> {
        let refs = a.store.refs().await?;
        let b = validate::beneficiary(&input, &refs, today()).map_err(AppError::Validation)?;
        a.check_ward(&b.ward_code)?;
        Ok(a.store.similar_beneficiaries(&DuplicateKey::of(&b), exclude.as_deref()).await?)
    }

    pub async fn open_account(s: WritePeople, input: AccountInput) -> AccountView {
        s.check_person(&input.beneficiary_id).await?;
        let refs = s.store.refs().await?;
        let a = validate::account(&input, &refs, today()).map_err(AppError::Validation)?;
        s.store.add_account(&a).await?;
        s.store.discard_draft(DraftForm::Account, &input.beneficiary_id).await?;
        let detail = s.store.beneficiary_detail(&a.beneficiary_id.to_string()).await?;
        let id = a.id.to_string();
        detail.accounts.into_iter().find(|x| x.id == id).ok_or(AppError::NotFound { entity: "account", id })
    }

    pub async fn record_payment(a: WritePeople, input: PaymentInput) -> PaymentView {
        a.check_person(&input.beneficiary_id).await?;
        let draft = validate::payment(&input, today()).map_err(AppError::Validation)?;
        let p = a.store.add_payment(&draft).await?;
        a.store.discard_draft(DraftForm::Payment, &input.beneficiary_id).await?;
        let detail = a.store.beneficiary_detail(&p.beneficiary_id.to_string()).await?;
        let id = p.id.to_string();
        detail.payments.into_iter().find(|x| x.id == id).ok_or(AppError::NotFound { entity: "payment", id })
    }

    pub async fn record_withdrawal(a: WritePeople, input: WithdrawalInput) -> WithdrawalView {
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

    /// A person's benefit decisions (start, change, stop), in the order they apply.
    pub async fn list_decisions(a: ReadPeople, beneficiary_id: String) -> Vec<DecisionView> {
        a.check_person(&beneficiary_id).await?;
        Ok(a.store.decisions_of(&beneficiary_id).await?)
    }

    /// Records a benefit decision of the officer's commune (empty commune: the person's). A
    /// start in another commune than the person's is a move: the store asks for the old
    /// commune's stop (moved) first, then moves the person.
    pub async fn record_decision(a: WritePeople, input: DecisionInput) -> DecisionView {
        let person_ward = a.store.ward_of_beneficiary(&input.beneficiary_id).await?;
        let mut input = input;
        if input.ward_code.trim().is_empty() {
            input.ward_code = person_ward.clone();
        }
        a.check_ward(input.ward_code.trim())?;
        let refs = a.store.refs().await?;
        let d = decisions::decision(&input, &*refs, &refs.rules, today()).map_err(AppError::Validation)?;
        let saved = a.store.add_decision(&d).await?;
        a.store.discard_draft(DraftForm::Decision, &input.beneficiary_id).await?;
        Ok(saved)
    }

    /// A person's confirmations that they do not register an account, newest first.
    pub async fn list_account_declines(a: ReadPeople, beneficiary_id: String) -> Vec<AccountDeclineView> {
        a.check_person(&beneficiary_id).await?;
        Ok(a.store.account_declines_of(&beneficiary_id).await?)
    }

    /// Records that a person confirmed they do not register an account, and why.
    pub async fn record_account_decline(a: WritePeople, input: AccountDeclineInput) -> AccountDeclineView {
        a.check_person(&input.beneficiary_id).await?;
        let d = declines::account_decline(&input, today()).map_err(AppError::Validation)?;
        let saved = a.store.add_account_decline(&d).await?;
        a.store.discard_draft(DraftForm::AccountDecline, &input.beneficiary_id).await?;
        Ok(saved)
    }
}
