//! Writes. Each runs in one transaction on the single writer connection and appends a change
//! record per row in that same transaction: either all of it is saved or none of it.

use crate::changes::{ChangeWriter, Kind};
use crate::error::{Result, StoreError};
use crate::rows::{self, TableRow};
use crate::sqlrow::{Val, insert_rows, update_row};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::duplicates::DuplicateKey;
use ansinh_core::model::{AccountStatus, Channel, PaymentStatus, WithdrawalPlace};
use ansinh_core::records::{self, Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_core::validate::PaymentDraft;
use chrono::{Datelike, NaiveDate};
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

/// Many records written in one transaction (demo data, imports).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub cycles: Vec<Cycle>,
    pub beneficiaries: Vec<Beneficiary>,
    pub accounts: Vec<Account>,
    pub payments: Vec<Payment>,
    pub withdrawals: Vec<Withdrawal>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.cycles.len()
            + self.beneficiaries.len()
            + self.accounts.len()
            + self.payments.len()
            + self.withdrawals.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The day a cycle's payments are due when a payment creates its cycle.
const DEFAULT_SCHEDULED_DAY: u32 = 10;

fn not_found(entity: &'static str, id: impl ToString) -> StoreError {
    StoreError::NotFound { entity, id: id.to_string() }
}

impl Store {
    /// Writes a whole batch in one transaction: nothing of it is visible unless all of it is.
    pub async fn insert_batch(&self, batch: &Batch) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        self.write_batch(&mut tx, batch).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A write transaction for a check-then-write: the checks read through it, so no other
    /// write (this process's single writer, or another process on the file) comes in between.
    pub(crate) async fn begin_checked(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub(crate) async fn write_batch(&self, tx: &mut SqliteConnection, batch: &Batch) -> Result<()> {
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut *tx, &self.author(), &now).await?;
        // Parents before children, so foreign keys hold at every statement.
        insert_logged(tx, &mut log, &batch.cycles, &audit).await?;
        insert_logged(tx, &mut log, &batch.beneficiaries, &audit).await?;
        insert_logged(tx, &mut log, &batch.accounts, &audit).await?;
        insert_logged(tx, &mut log, &batch.payments, &audit).await?;
        insert_logged(tx, &mut log, &batch.withdrawals, &audit).await?;
        log.flush(tx).await
    }

    /// Registers one person. An ID number already registered is refused with a link to that
    /// person; a possible duplicate (same folded name, birth date and ward) is refused unless the
    /// officer gave the reason for keeping both (`duplicate_reason`).
    pub async fn add_beneficiary(&self, b: &Beneficiary) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        check_registration(&mut tx, b, None).await?;
        self.write_batch(&mut tx, &Batch { beneficiaries: vec![b.clone()], ..Batch::default() }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Corrects or completes a person's record (needs, authorised person, a typo in the name):
    /// the same checks as registering, the row updated in place and an `update` change record
    /// carrying the whole new row. Who created the row is kept.
    pub async fn update_beneficiary(&self, b: &Beneficiary) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        crate::exchange::check_owned(self, &mut tx, &b.id.to_string()).await?;
        // Stopped here because they moved: the new commune keeps their record from then on (its
        // history here, payments and withdrawals, can still be recorded).
        if let Some(ward) = crate::users::ward_of(&mut tx, &b.id.to_string()).await?
            && crate::decisions::moved_out_from(&mut tx, &b.id.to_string(), &ward).await?.is_some()
        {
            return Err(StoreError::Conflict(
                FieldError::new(
                    "id",
                    ErrorCode::ExchangeReadOnly,
                    "moved to another commune: its record is theirs now",
                )
                .param("ward", &ward),
            ));
        }
        let before = self.stored_key(&mut tx, &b.id).await?;
        // Re-checking an unchanged key would ask for a reason on every edit of an accepted pair.
        let key_changed = !before.matches(&DuplicateKey::of(b));
        check_registration(&mut tx, b, Some(key_changed)).await?;
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        log.record(Beneficiary::ENTITY, &b.key(), Kind::Update);
        let id = b.id.to_string();
        let old = sensitive_fields(&mut tx, &id).await?;
        update_row(&mut tx, Beneficiary::ENTITY.table(), &Beneficiary::cols(), &b.row(&audit)).await?;
        let new = sensitive_fields(&mut tx, &id).await?;
        log.flush(&mut tx).await?;
        audit_sensitive_change(&mut tx, &self.officer(), &id, &old, &new).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The duplicate key of a stored person, read through `conn` (a write transaction's view).
    async fn stored_key(&self, conn: &mut SqliteConnection, id: &Uuid) -> Result<DuplicateKey> {
        let row = sqlx::query("SELECT full_name, ward_code, birth_year, birth_date FROM beneficiaries WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| not_found("beneficiary", id))?;
        Ok(DuplicateKey::new(
            row.get("full_name"),
            row.get("ward_code"),
            row.get::<i64, _>("birth_year") as i32,
            crate::decode::opt_date(row.get::<Option<&str>, _>("birth_date"))?,
        ))
    }

    /// The id of the person registered with this 12-digit ID number, if any.
    pub async fn find_by_id_number(&self, id_number: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id_number = ?")
            .bind(id_number)
            .fetch_optional(&self.reader)
            .await?)
    }

    pub async fn add_account(&self, a: &Account) -> Result<()> {
        self.require_beneficiary(&a.beneficiary_id).await?;
        self.insert_batch(&Batch { accounts: vec![a.clone()], ..Batch::default() }).await
    }

    /// The person must be here, and not of another ward (city mode).
    async fn require_beneficiary(&self, id: &Uuid) -> Result<()> {
        let _: String = sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| not_found("beneficiary", id))?;
        crate::exchange::check_owned(self, &mut *self.reader.acquire().await?, &id.to_string()).await?;
        Ok(())
    }

    /// Completes a typed payment (channel from its account, amount from the entitlement when
    /// left empty), creates its cycle if needed and saves it.
    pub async fn add_payment(&self, d: &PaymentDraft) -> Result<Payment> {
        self.require_beneficiary(&d.beneficiary_id).await?;
        let channel = match d.account_id {
            None => Channel::Cash,
            Some(account_id) => {
                let row = sqlx::query("SELECT beneficiary_id, channel, status FROM accounts WHERE id = ?")
                    .bind(account_id.to_string())
                    .fetch_optional(&self.reader)
                    .await?
                    .filter(|r| r.get::<String, _>("beneficiary_id") == d.beneficiary_id.to_string())
                    .ok_or_else(|| {
                        StoreError::field("account_id", ErrorCode::NotFound, "no such account for this person")
                    })?;
                if AccountStatus::parse(row.get("status")) != Some(AccountStatus::Opened) {
                    return Err(StoreError::field(
                        "account_id",
                        ErrorCode::AccountNotOpened,
                        "the account is not open",
                    ));
                }
                Channel::parse(row.get("channel"))
                    .ok_or_else(|| StoreError::field("account_id", ErrorCode::ChannelUnknown, "bad channel"))?
            }
        };
        // Only the canonical "yyyy-mm" (what the cycles table accepts); never slice blindly.
        let period_start = ansinh_core::dates::period_start(&d.period)
            .ok_or_else(|| StoreError::field("period", ErrorCode::PeriodInvalid, "bad period"))?;
        // Left empty: what the cycle is expected to pay, from the person's decisions in force
        // (none in force: refused, a stop ended them) or, for a person with no decision kept,
        // from their group.
        let amount_vnd = match d.amount_vnd {
            Some(a) => a,
            None => {
                let mut conn = self.reader.acquire().await?;
                match self.expected_for(&mut conn, &d.beneficiary_id.to_string(), &d.period).await? {
                    crate::Expected::FromDecisions(Some(e)) | crate::Expected::FromGroup(Some(e)) => e.amount_vnd,
                    crate::Expected::FromDecisions(None) => {
                        return Err(StoreError::Invalid(vec![
                            FieldError::new(
                                "period",
                                ErrorCode::DecisionNoneInForce,
                                "no benefit decided for this month",
                            )
                            .param("period", &d.period),
                        ]));
                    }
                    crate::Expected::FromGroup(None) => {
                        return Err(StoreError::field(
                            "amount",
                            ErrorCode::Required,
                            "no standard level in force for this period: enter the amount",
                        ));
                    }
                }
            }
        };
        let mut tx = self.begin_checked().await?;
        // One monthly payment per cycle; a one-off sits beside it, once per label.
        let dup: Option<String> =
            sqlx::query_scalar("SELECT id FROM payments WHERE beneficiary_id = ? AND period = ? AND label = ?")
                .bind(d.beneficiary_id.to_string())
                .bind(&d.period)
                .bind(&d.label)
                .fetch_optional(&mut *tx)
                .await?;
        if dup.is_some() {
            let e = if d.label.is_empty() {
                FieldError::new("period", ErrorCode::PaymentDuplicate, "a payment for this period is already recorded")
            } else {
                FieldError::new("label", ErrorCode::PaymentOneOffDuplicate, "this one-off payment is already recorded")
                    .param("label", &d.label)
            };
            return Err(StoreError::Conflict(e.param("period", &d.period)));
        }
        let cycle: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT scheduled_on, closed_at FROM payment_cycles WHERE period = ?")
                .bind(&d.period)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((_, Some(_))) = cycle {
            return Err(StoreError::field("period", ErrorCode::CycleClosed, "this payment cycle is closed"));
        }
        let scheduled_on = cycle
            .as_ref()
            .map(|(s, _)| crate::decode::date(s))
            .transpose()?
            .unwrap_or_else(|| period_start.with_day(DEFAULT_SCHEDULED_DAY).unwrap_or(period_start));
        let payment = Payment {
            id: records::new_id(),
            period: d.period.clone(),
            beneficiary_id: d.beneficiary_id,
            account_id: d.account_id,
            channel,
            amount_vnd,
            status: d.status,
            scheduled_on: Some(scheduled_on),
            credited_on: d.credited_on,
            failure_reason: d.failure_reason.clone(),
            reference: None,
            label: d.label.clone(),
        };
        let cycles = if cycle.is_none() { vec![Cycle { period: d.period.clone(), scheduled_on }] } else { vec![] };
        self.write_batch(&mut tx, &Batch { cycles, payments: vec![payment.clone()], ..Batch::default() }).await?;
        tx.commit().await?;
        Ok(payment)
    }

    /// Records a withdrawal against a credited payment, never more than what is left of it.
    pub async fn add_withdrawal(&self, w: &Withdrawal) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        let owner: Option<String> = sqlx::query_scalar("SELECT beneficiary_id FROM payments WHERE id = ?")
            .bind(w.payment_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(owner) = owner {
            crate::exchange::check_owned(self, &mut tx, &owner).await?;
        }
        check_withdrawal(&mut tx, w).await?;
        self.write_batch(&mut tx, &Batch { withdrawals: vec![w.clone()], ..Batch::default() }).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The registration rules a new or edited person must pass, read inside the write transaction.
/// `check_similar`: None for a new person (always checked), Some(changed) for an edit.
async fn check_registration(conn: &mut SqliteConnection, b: &Beneficiary, check_similar: Option<bool>) -> Result<()> {
    let me = b.id.to_string();
    if let Some(id) = &b.id_number {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id_number = ? AND id <> ?")
                .bind(id)
                .bind(&me)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(existing) = existing {
            return Err(StoreError::Conflict(
                FieldError::new("id_number", ErrorCode::IdNumberDuplicate, "this ID number is already registered")
                    .param("id", existing),
            ));
        }
    }
    if b.duplicate_reason.is_empty() && check_similar.unwrap_or(true) {
        let similar = similar_ids(conn, &DuplicateKey::of(b), Some(&me)).await?;
        if let Some(first) = similar.first() {
            return Err(StoreError::Conflict(
                FieldError::new(
                    "duplicate_reason",
                    ErrorCode::BeneficiaryPossibleDuplicate,
                    "a person with the same name, birth date and ward is already registered",
                )
                .param("id", first)
                .param("count", similar.len().to_string()),
            ));
        }
    }
    Ok(())
}

/// Ids of the registered people `key` matches (see [`DuplicateKey::matches`]), oldest first.
pub(crate) async fn similar_ids(
    conn: &mut SqliteConnection,
    key: &DuplicateKey,
    exclude: Option<&str>,
) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id, birth_date FROM beneficiaries
         WHERE ward_code = ? AND name_key = ? AND birth_year = ? AND id <> ? ORDER BY id",
    )
    .bind(&key.ward_code)
    .bind(&key.name_key)
    .bind(key.birth_year)
    .bind(exclude.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let mut similar = Vec::new();
    for r in rows {
        let date = crate::decode::opt_date(r.get::<Option<&str>, _>("birth_date"))?;
        if key.matches(&DuplicateKey { birth_date: date, ..key.clone() }) {
            similar.push(r.get("id"));
        }
    }
    Ok(similar)
}

/// What the withdrawal rules need to know about a payment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaymentState {
    pub status: Option<PaymentStatus>,
    pub credited_on: Option<NaiveDate>,
    pub amount_vnd: i64,
    /// Already withdrawn from it (with, for an import, the file's earlier rows).
    pub withdrawn_vnd: i64,
    /// Someone is recorded as authorised to withdraw for the person.
    pub has_authorised: bool,
}

/// The rules a withdrawal must pass against its payment: credited, not withdrawn before the
/// credit day, a proxy only if someone is authorised, never more than what is left. One
/// implementation for the typed form and the payout import.
pub(crate) fn withdrawal_rules(p: &PaymentState, w: &Withdrawal) -> Vec<FieldError> {
    if p.status != Some(PaymentStatus::Credited) {
        return vec![FieldError::new(
            "payment_id",
            ErrorCode::PaymentNotCredited,
            "only a credited payment can be withdrawn",
        )];
    }
    let mut errors = Vec::new();
    if let Some(credited) = p.credited_on
        && w.withdrawn_on < credited
    {
        errors.push(FieldError::new(
            "withdrawn_on",
            ErrorCode::DateBeforeCredit,
            "the money was withdrawn before it was credited",
        ));
    }
    if w.place == WithdrawalPlace::Proxy && !p.has_authorised {
        errors.push(FieldError::new(
            "place",
            ErrorCode::AuthorisedMissing,
            "nobody is recorded as authorised to withdraw for this person",
        ));
    }
    let remaining = p.amount_vnd - p.withdrawn_vnd;
    if w.amount_vnd > remaining {
        errors.push(
            FieldError::new("amount", ErrorCode::AmountExceedsPayment, "more than what is left of this payment")
                .param("remaining", ansinh_core::money::format_vnd(remaining)),
        );
    }
    errors
}

/// The rules every recorded withdrawal passes (typed, or reported by a follow-up contact),
/// read inside the write transaction: [`withdrawal_rules`] against the payment as stored.
pub(crate) async fn check_withdrawal(conn: &mut SqliteConnection, w: &Withdrawal) -> Result<()> {
    let row = sqlx::query(
        "SELECT p.status, p.credited_on, p.amount_vnd,
                COALESCE((SELECT SUM(amount_vnd) FROM withdrawals WHERE payment_id = p.id), 0) AS withdrawn,
                b.authorised_name
         FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.id = ?",
    )
    .bind(w.payment_id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| not_found("payment", w.payment_id))?;
    let state = PaymentState {
        status: PaymentStatus::parse(row.get("status")),
        credited_on: crate::decode::opt_date(row.get::<Option<&str>, _>("credited_on"))?,
        amount_vnd: row.get("amount_vnd"),
        withdrawn_vnd: row.get("withdrawn"),
        has_authorised: !row.get::<String, _>("authorised_name").trim().is_empty(),
    };
    let errors = withdrawal_rules(&state, w);
    if errors.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errors)) }
}

/// Inserts one table's rows and appends a change record for each, in the same order.
pub(crate) async fn insert_logged<T: TableRow>(
    tx: &mut SqliteConnection,
    log: &mut ChangeWriter,
    items: &[T],
    audit: &[Val; 6],
) -> Result<()> {
    let cols = T::cols();
    let rows: Vec<Vec<Val>> = items.iter().map(|x| x.row(audit)).collect();
    // The records first: their payloads are built from the values the insert then takes.
    log.record_inserted(tx, T::ENTITY, &cols, &rows, items, T::key).await?;
    insert_rows(tx, T::ENTITY.table(), &cols, rows).await
}

/// The fields of a person that the data-protection law treats as sensitive (health and
/// disability, identity numbers, the authorised person), as one JSON object.
async fn sensitive_fields(conn: &mut SqliteConnection, id: &str) -> Result<serde_json::Value> {
    let json: String = sqlx::query_scalar(
        "SELECT json_object('id_number', id_number, 'legacy_id_number', legacy_id_number, 'disability', disability,
            'lives_alone', lives_alone, 'limited_mobility', limited_mobility, 'vision_hearing', vision_hearing,
            'no_smartphone', no_smartphone, 'bedridden', bedridden, 'authorised_name', authorised_name,
            'authorised_id_number', authorised_id_number, 'authorised_relation', authorised_relation, 'phone', phone)
         FROM beneficiaries WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(serde_json::from_str(&json).unwrap_or_default())
}

/// One audit entry with the old and new values of the sensitive fields that changed (none: no entry).
async fn audit_sensitive_change(
    conn: &mut SqliteConnection,
    actor: &str,
    id: &str,
    old: &serde_json::Value,
    new: &serde_json::Value,
) -> Result<()> {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else { return Ok(()) };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (k, v) in n {
        if o.get(k) != Some(v) {
            before.insert(k.clone(), o.get(k).cloned().unwrap_or_default());
            after.insert(k.clone(), v.clone());
        }
    }
    if after.is_empty() {
        return Ok(());
    }
    let details = serde_json::json!({"old": before, "new": after});
    crate::audit::append(
        conn,
        &crate::audit::AuditEvent {
            actor,
            action: "beneficiary.update",
            entity: Some("beneficiaries"),
            entity_id: Some(id),
            details,
        },
    )
    .await
}
