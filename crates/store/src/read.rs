//! Queries behind the lists and pages: search, one person's file, exports.

use crate::error::Result;
use crate::refs::Refs;
use crate::views::*;
use crate::{Store, StoreError};
use ansinh_core::model::{AccountStatus, Channel, Disability, Needs, PaymentStatus, Problem, Sex, WithdrawalPlace};
use ansinh_core::text;
use serde::Serialize;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Page<T> {
    pub total: i64,
    pub items: Vec<T>,
}

const BENEFICIARY_COLS: &str =
    "id, full_name, birth_date, birth_year, sex, id_number, legacy_id_number, ward_code, group_code,
    disability, lives_alone, limited_mobility, vision_hearing, no_smartphone, bedridden, residential_group, phone,
    id_override_reason, authorised_name, authorised_id_number, authorised_relation, duplicate_reason, created_at, updated_at";

pub(crate) fn enum_col<T>(r: &SqliteRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: &str = r.get(col);
    crate::decode::parsed(col, s, parse)
}

pub(crate) fn flag(r: &SqliteRow, col: &str) -> bool {
    r.get::<i64, _>(col) != 0
}

fn beneficiary_view(r: &SqliteRow, refs: &Refs, today: chrono::NaiveDate) -> Result<BeneficiaryView> {
    let ward_code: String = r.get("ward_code");
    let group_code: String = r.get("group_code");
    Ok(BeneficiaryView {
        id: r.get("id"),
        full_name: r.get("full_name"),
        birth_date: r.get("birth_date"),
        birth_year: r.get::<i64, _>("birth_year") as i32,
        sex: enum_col(r, "sex", Sex::parse)?,
        id_number: r.get("id_number"),
        legacy_id_number: r.get("legacy_id_number"),
        ward_name: refs.unit_name(&ward_code),
        entitlement_vnd: refs.entitlement(&group_code, &ward_code, today),
        ward_code,
        group_code,
        disability: enum_col(r, "disability", Disability::parse)?,
        needs: Needs {
            lives_alone: flag(r, "lives_alone"),
            limited_mobility: flag(r, "limited_mobility"),
            vision_hearing: flag(r, "vision_hearing"),
            no_smartphone: flag(r, "no_smartphone"),
            bedridden: flag(r, "bedridden"),
        },
        residential_group: r.get("residential_group"),
        phone: r.get("phone"),
        id_override_reason: r.get("id_override_reason"),
        authorised_name: r.get("authorised_name"),
        authorised_id_number: r.get("authorised_id_number"),
        authorised_relation: r.get("authorised_relation"),
        duplicate_reason: r.get("duplicate_reason"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    })
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

impl Store {
    /// Every 12-digit ID and legacy CMND already registered (imports skip these people).
    pub async fn registered_ids(&self) -> Result<std::collections::HashSet<String>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id_number FROM beneficiaries WHERE id_number IS NOT NULL
             UNION ALL SELECT legacy_id_number FROM beneficiaries WHERE legacy_id_number IS NOT NULL",
        )
        .fetch_all(&self.reader)
        .await?;
        Ok(ids.into_iter().collect())
    }

    pub async fn count_beneficiaries(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM beneficiaries").fetch_one(&self.reader).await?)
    }

    /// Accent-insensitive search: "nguyen van an" finds "Nguyễn Văn An". Names written with
    /// exactly the typed tones come first, then names starting with the text, then by given name.
    /// Digits also match ID numbers by prefix. Answered from the in-memory index
    /// (search_index.rs), exactly as [`Store::search_sql`] answers.
    pub async fn search(
        &self,
        query: &str,
        ward_code: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<BeneficiaryView>> {
        let (limit, offset) = (limit.clamp(1, 500) as usize, usize::try_from(offset).unwrap_or(0));
        let ward = ward_code.filter(|w| !w.is_empty());
        let (folded, exact) = (text::fold(query), text::lower_exact(query.trim()));
        // One read transaction: the page's rows come from the snapshot the index describes.
        let mut tx = self.reader.begin().await?;
        let index = self.search_index(&mut tx).await?;
        let Some(hits) = index.and_then(|ix| ix.search(&folded, &exact, query.trim(), ward, offset, limit)) else {
            tx.rollback().await?;
            return self.search_sql(query, ward_code, limit as i64, offset as i64).await;
        };
        let ids = &hits.ids;
        let mut rows = Vec::new();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT {BENEFICIARY_COLS} FROM beneficiaries WHERE id IN ({})",
                vec!["?"; ids.len()].join(",")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(id);
            }
            rows = q.fetch_all(&mut *tx).await?;
        }
        tx.rollback().await?;
        let refs = self.refs().await?;
        let today = today();
        let mut items = rows.iter().map(|r| beneficiary_view(r, &refs, today)).collect::<Result<Vec<_>>>()?;
        let rank: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        items.sort_by_key(|b| rank.get(b.id.as_str()).copied());
        Ok(Page { total: hits.total as i64, items })
    }

    /// The plain SQL form of [`Store::search`]: the reference its fast path is tested against.
    #[doc(hidden)]
    pub async fn search_sql(
        &self,
        query: &str,
        ward_code: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<BeneficiaryView>> {
        let folded = text::fold(query);
        let pattern = format!("%{}%", like_escape(&folded));
        let exact = format!("%{}%", like_escape(&text::lower_exact(query.trim())));
        let starts = format!("{}%", like_escape(&folded));
        let id_prefix = format!("{}%", like_escape(query.trim()));
        let ward = ward_code.filter(|w| !w.is_empty());
        let filter =
            "(name_key LIKE ?1 ESCAPE '\\' OR id_number LIKE ?4 ESCAPE '\\' OR legacy_id_number LIKE ?4 ESCAPE '\\')
                      AND (?5 IS NULL OR ward_code = ?5)";
        let total: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM beneficiaries WHERE {filter}")))
                .bind(&pattern)
                .bind(&exact)
                .bind(&starts)
                .bind(&id_prefix)
                .bind(ward)
                .fetch_one(&self.reader)
                .await?;
        let sql = format!(
            "SELECT {BENEFICIARY_COLS} FROM beneficiaries WHERE {filter}
             ORDER BY (name_lower LIKE ?2 ESCAPE '\\') DESC, (name_key LIKE ?3 ESCAPE '\\') DESC, sort_key, id
             LIMIT ?6 OFFSET ?7"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&pattern)
            .bind(&exact)
            .bind(&starts)
            .bind(&id_prefix)
            .bind(ward)
            .bind(limit.clamp(1, 500))
            .bind(offset.max(0))
            .fetch_all(&self.reader)
            .await?;
        let refs = self.refs().await?;
        let today = today();
        let items = rows.iter().map(|r| beneficiary_view(r, &refs, today)).collect::<Result<_>>()?;
        Ok(Page { total, items })
    }

    /// The registered people `key` matches (possible duplicates), for a side-by-side view.
    pub async fn similar_beneficiaries(
        &self,
        key: &ansinh_core::duplicates::DuplicateKey,
        exclude: Option<&str>,
    ) -> Result<Vec<BeneficiaryView>> {
        let ids = crate::write::similar_ids(&mut *self.reader.acquire().await?, key, exclude).await?;
        let refs = self.refs().await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row =
                sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {BENEFICIARY_COLS} FROM beneficiaries WHERE id = ?")))
                    .bind(&id)
                    .fetch_one(&self.reader)
                    .await?;
            out.push(beneficiary_view(&row, &refs, today())?);
        }
        Ok(out)
    }

    /// Everything about one person: details, accounts and payments with their withdrawals.
    pub async fn beneficiary_detail(&self, id: &str) -> Result<BeneficiaryDetail> {
        let refs = self.refs().await?;
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {BENEFICIARY_COLS} FROM beneficiaries WHERE id = ?")))
                .bind(id)
                .fetch_optional(&self.reader)
                .await?
                .ok_or_else(|| StoreError::NotFound { entity: "beneficiary", id: id.to_string() })?;
        let mut beneficiary = beneficiary_view(&row, &refs, today())?;
        // On the person's page: what this month's cycle pays them, from their decisions in force
        // when they have any (lists show the group's amount, without reading decisions per row).
        let this_month = today().format("%Y-%m").to_string();
        beneficiary.entitlement_vnd =
            match self.expected_for(&mut *self.reader.acquire().await?, id, &this_month).await? {
                crate::Expected::FromDecisions(e) | crate::Expected::FromGroup(e) => e.map(|e| e.amount_vnd),
            };

        let mut accounts = Vec::new();
        for r in sqlx::query(
            // Through the person's own payments (the (beneficiary, period) index): payments
            // have no index by account, and a city has millions of them.
            "SELECT a.*, (SELECT MIN(credited_on) FROM payments p
                          WHERE p.beneficiary_id = a.beneficiary_id AND p.account_id = a.id AND p.status = 'credited')
                         AS first_credit_on
             FROM accounts a WHERE beneficiary_id = ? ORDER BY requested_on, id",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?
        {
            accounts.push(account_view(&r, &refs)?);
        }

        let mut withdrawals: HashMap<String, Vec<WithdrawalView>> = HashMap::new();
        for r in sqlx::query(
            "SELECT w.* FROM withdrawals w JOIN payments p ON p.id = w.payment_id WHERE p.beneficiary_id = ? ORDER BY w.withdrawn_on, w.id",
        )
        .bind(id)
        .fetch_all(&self.reader)
        .await?
        {
            let w = withdrawal_view(&r)?;
            withdrawals.entry(w.payment_id.clone()).or_default().push(w);
        }
        let mut payments = Vec::new();
        for r in sqlx::query("SELECT * FROM payments WHERE beneficiary_id = ? ORDER BY period DESC, id DESC")
            .bind(id)
            .fetch_all(&self.reader)
            .await?
        {
            let ws = withdrawals.remove(r.get::<&str, _>("id")).unwrap_or_default();
            payments.push(payment_view(&r, ws)?);
        }
        Ok(BeneficiaryDetail { beneficiary, accounts, payments })
    }

    /// Every person, ordered for a stable export (ward, then Vietnamese name order).
    pub async fn all_beneficiaries(&self) -> Result<Vec<BeneficiaryView>> {
        let refs = self.refs().await?;
        let today = today();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BENEFICIARY_COLS} FROM beneficiaries ORDER BY ward_code, sort_key, id"
        )))
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| beneficiary_view(r, &refs, today))
        .collect()
    }

    /// Every payment, without withdrawals (exported separately).
    pub async fn all_payments(&self) -> Result<Vec<PaymentView>> {
        sqlx::query("SELECT * FROM payments ORDER BY period, beneficiary_id")
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| payment_view(r, Vec::new()))
            .collect()
    }

    /// The withdrawals of one payment, in the order they happened.
    pub async fn withdrawals_of(&self, payment_id: &str) -> Result<Vec<WithdrawalView>> {
        sqlx::query("SELECT * FROM withdrawals WHERE payment_id = ? ORDER BY withdrawn_on, id")
            .bind(payment_id)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(withdrawal_view)
            .collect()
    }

    /// Every payment, one at a time in storage order (exports of a city: millions of rows
    /// never held in memory at once).
    pub fn each_payment(&self) -> impl futures_util::Stream<Item = Result<PaymentView>> + '_ {
        use futures_util::TryStreamExt;
        sqlx::query("SELECT * FROM payments")
            .fetch(&self.reader)
            .map_err(crate::StoreError::from)
            .and_then(|r| async move { payment_view(&r, Vec::new()) })
    }

    /// Every withdrawal, one at a time in storage order.
    pub fn each_withdrawal(&self) -> impl futures_util::Stream<Item = Result<WithdrawalView>> + '_ {
        use futures_util::TryStreamExt;
        sqlx::query("SELECT * FROM withdrawals")
            .fetch(&self.reader)
            .map_err(crate::StoreError::from)
            .and_then(|r| async move { withdrawal_view(&r) })
    }

    pub async fn all_withdrawals(&self) -> Result<Vec<WithdrawalView>> {
        sqlx::query("SELECT * FROM withdrawals ORDER BY payment_id, withdrawn_on, id")
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(withdrawal_view)
            .collect()
    }

    pub async fn all_accounts(&self) -> Result<Vec<AccountView>> {
        let refs = self.refs().await?;
        sqlx::query(
            // One pass over the payments for every account's first credit (a subquery per
            // account would scan the payments once per account: hours for a city).
            "SELECT a.*, f.first_credit_on
             FROM accounts a
             LEFT JOIN (SELECT account_id, MIN(credited_on) AS first_credit_on FROM payments
                        WHERE status = 'credited' AND account_id IS NOT NULL GROUP BY account_id) f
               ON f.account_id = a.id
             ORDER BY a.beneficiary_id, a.requested_on, a.id",
        )
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| account_view(r, &refs))
        .collect()
    }
}

/// A `payments` row with the withdrawals given (the export leaves them out).
fn payment_view(r: &SqliteRow, withdrawals: Vec<WithdrawalView>) -> Result<PaymentView> {
    Ok(PaymentView {
        id: r.get("id"),
        beneficiary_id: r.get("beneficiary_id"),
        account_id: r.get("account_id"),
        channel: enum_col(r, "channel", Channel::parse)?,
        period: r.get("period"),
        amount_vnd: r.get("amount_vnd"),
        status: enum_col(r, "status", PaymentStatus::parse)?,
        scheduled_on: r.get("scheduled_on"),
        credited_on: r.get("credited_on"),
        failure_reason: r.get("failure_reason"),
        label: r.get("label"),
        withdrawn_vnd: withdrawals.iter().map(|w| w.amount_vnd).sum(),
        withdrawals,
    })
}

/// Rows from `accounts` with a derived `first_credit_on` column.
fn account_view(r: &SqliteRow, refs: &Refs) -> Result<AccountView> {
    let channel = enum_col(r, "channel", Channel::parse)?;
    let provider_code: String = r.get("provider_code");
    Ok(AccountView {
        id: r.get("id"),
        beneficiary_id: r.get("beneficiary_id"),
        channel,
        provider_name: refs.provider_name(channel, &provider_code),
        provider_code,
        account_number: r.get("account_number"),
        status: enum_col(r, "status", AccountStatus::parse)?,
        requested_on: r.get("requested_on"),
        opened_on: r.get("opened_on"),
        closed_on: r.get("closed_on"),
        close_reason: r.get("close_reason"),
        assisted: flag(r, "assisted"),
        vneid_linked: flag(r, "vneid_linked"),
        first_credit_on: r.get("first_credit_on"),
    })
}

fn withdrawal_view(r: &SqliteRow) -> Result<WithdrawalView> {
    let problems: &str = r.get("problems");
    Ok(WithdrawalView {
        id: r.get("id"),
        payment_id: r.get("payment_id"),
        withdrawn_on: r.get("withdrawn_on"),
        amount_vnd: r.get("amount_vnd"),
        place: enum_col(r, "place", WithdrawalPlace::parse)?,
        travel_minutes: r.get("travel_minutes"),
        travel_cost_vnd: r.get("travel_cost_vnd"),
        waiting_minutes: r.get("waiting_minutes"),
        assisted: flag(r, "assisted"),
        problems: problems.split(',').filter(|s| !s.is_empty()).filter_map(Problem::parse).collect(),
    })
}
