//! Verification visits: a cycle's stored random sample and the results recorded for it.

use crate::changes::{ChangeWriter, Kind};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::read::enum_col;
use crate::rows::{self, TableRow, iso};
use crate::sqlrow::Val;
use crate::write::insert_logged;
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::verification::{self, SampleRequest, SampleSize, VerificationOutcome, VerificationResult};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// A `verification_samples` row (also the change-record payload).
#[derive(Debug, Clone, Serialize)]
struct SampleRow {
    id: String,
    period: String,
    /// Stored as SQLite's signed 64-bit integer (same bits as the u64 seed).
    seed: i64,
    size_spec: String,
    population: i64,
}

/// A `verification_items` row (also the change-record payload, before and after a visit).
#[derive(Debug, Clone, Serialize)]
struct ItemRow {
    id: String,
    sample_id: String,
    payment_id: String,
    position: i64,
    result: Option<VerificationResult>,
    amount_received_vnd: Option<i64>,
    verified_on: Option<String>,
    note: String,
}

impl TableRow for SampleRow {
    const ENTITY: Entity = Entity::VerificationSample;
    fn cols() -> Vec<&'static str> {
        ["id", "period", "seed", "size_spec", "population"].into_iter().chain(rows::AUDIT_COLS).collect()
    }
    fn key(&self) -> String {
        self.id.clone()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.clone().into(),
            self.period.clone().into(),
            self.seed.into(),
            self.size_spec.clone().into(),
            self.population.into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

impl TableRow for ItemRow {
    const ENTITY: Entity = Entity::VerificationItem;
    fn cols() -> Vec<&'static str> {
        ["id", "sample_id", "payment_id", "position", "result", "amount_received_vnd", "verified_on", "note"]
            .into_iter()
            .chain(rows::AUDIT_COLS)
            .collect()
    }
    fn key(&self) -> String {
        self.id.clone()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.clone().into(),
            self.sample_id.clone().into(),
            self.payment_id.clone().into(),
            self.position.into(),
            self.result.map(|r| r.as_str()).into(),
            self.amount_received_vnd.into(),
            self.verified_on.clone().into(),
            self.note.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "VerificationItem")]
pub struct VerificationItemView {
    pub id: String,
    pub payment_id: String,
    /// Draw order, from 1.
    pub position: i64,
    pub beneficiary_id: String,
    pub full_name: String,
    pub ward_code: String,
    pub ward_name: String,
    pub amount_vnd: i64,
    pub credited_on: Option<String>,
    pub result: Option<VerificationResult>,
    pub amount_received_vnd: Option<i64>,
    pub verified_on: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "VerificationSample")]
pub struct VerificationSampleView {
    pub id: String,
    pub period: String,
    /// Text: a u64 does not fit a JavaScript number.
    pub seed: String,
    pub size_spec: String,
    /// Credited payments of the cycle when the sample was drawn.
    pub population: i64,
    pub size: i64,
    pub verified: i64,
    pub confirmed_full: i64,
    pub partial: i64,
    pub nothing: i64,
    /// confirmed_full / verified; None before the first visit.
    pub share_full: Option<f64>,
    pub created_by: String,
    pub created_at: String,
    pub items: Vec<VerificationItemView>,
}

fn item_view(r: &SqliteRow, refs: &crate::Refs) -> Result<VerificationItemView> {
    let ward_code: String = r.get("ward_code");
    Ok(VerificationItemView {
        id: r.get("id"),
        payment_id: r.get("payment_id"),
        position: r.get("position"),
        beneficiary_id: r.get("beneficiary_id"),
        full_name: r.get("full_name"),
        ward_name: refs.unit_name(&ward_code),
        ward_code,
        amount_vnd: r.get("amount_vnd"),
        credited_on: r.get("credited_on"),
        result: match r.get::<Option<&str>, _>("result") {
            Some(_) => Some(enum_col(r, "result", VerificationResult::parse)?),
            None => None,
        },
        amount_received_vnd: r.get("amount_received_vnd"),
        verified_on: r.get("verified_on"),
        note: r.get("note"),
    })
}

fn size_spec(s: SampleSize) -> String {
    match s {
        SampleSize::Count(n) => n.to_string(),
        SampleSize::Percent(p) => format!("{p}%"),
    }
}

impl Store {
    /// Draws and stores the sample of a cycle (one per cycle): its credited payments in id
    /// order, drawn with the seed, so the same data and seed give the same sample.
    pub async fn create_sample(&self, req: &SampleRequest) -> Result<VerificationSampleView> {
        let mut tx = self.begin_checked().await?;
        let existing: Option<String> = sqlx::query_scalar("SELECT id FROM verification_samples WHERE period = ?")
            .bind(&req.period)
            .fetch_optional(&mut *tx)
            .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(
                FieldError::new("period", ErrorCode::SampleExists, "this cycle already has a verification sample")
                    .param("period", &req.period),
            ));
        }
        let population: Vec<String> =
            sqlx::query_scalar("SELECT id FROM payments WHERE period = ? AND status = 'credited' ORDER BY id")
                .bind(&req.period)
                .fetch_all(&mut *tx)
                .await?;
        if population.is_empty() {
            return Err(StoreError::Invalid(vec![
                FieldError::new("period", ErrorCode::SampleEmptyCycle, "no credited payment in this cycle")
                    .param("period", &req.period),
            ]));
        }
        let drawn = verification::sample(&population, req.size.resolve(population.len()), req.seed);
        let sample = SampleRow {
            id: ansinh_core::records::new_id().to_string(),
            period: req.period.clone(),
            seed: req.seed as i64,
            size_spec: size_spec(req.size),
            population: population.len() as i64,
        };
        let items: Vec<ItemRow> = drawn
            .into_iter()
            .enumerate()
            .map(|(i, payment_id)| ItemRow {
                id: ansinh_core::records::new_id().to_string(),
                sample_id: sample.id.clone(),
                payment_id,
                position: i as i64 + 1,
                result: None,
                amount_received_vnd: None,
                verified_on: None,
                note: String::new(),
            })
            .collect();
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        insert_logged(&mut tx, &mut log, std::slice::from_ref(&sample), &audit).await?;
        insert_logged(&mut tx, &mut log, &items, &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        self.sample_for(&req.period).await?.ok_or_else(|| StoreError::NotFound { entity: "sample", id: sample.id })
    }

    /// The sample of a cycle (`yyyy-mm`) with its items in draw order and its progress.
    pub async fn sample_for(&self, period: &str) -> Result<Option<VerificationSampleView>> {
        let Some(s) = sqlx::query("SELECT * FROM verification_samples WHERE period = ?")
            .bind(period)
            .fetch_optional(&self.reader)
            .await?
        else {
            return Ok(None);
        };
        let id: String = s.get("id");
        let refs = self.refs().await?;
        let items = sqlx::query(
            "SELECT i.*, p.beneficiary_id, p.amount_vnd, p.credited_on, b.full_name, b.ward_code
             FROM verification_items i JOIN payments p ON p.id = i.payment_id JOIN beneficiaries b ON b.id = p.beneficiary_id
             WHERE i.sample_id = ? ORDER BY i.position",
        )
        .bind(&id)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| item_view(r, &refs))
        .collect::<Result<Vec<_>>>()?;
        let count = |res: VerificationResult| items.iter().filter(|i| i.result == Some(res)).count() as i64;
        let verified = items.iter().filter(|i| i.result.is_some()).count() as i64;
        let confirmed_full = count(VerificationResult::Full);
        Ok(Some(VerificationSampleView {
            id,
            period: s.get("period"),
            seed: (s.get::<i64, _>("seed") as u64).to_string(),
            size_spec: s.get("size_spec"),
            population: s.get("population"),
            size: items.len() as i64,
            verified,
            confirmed_full,
            partial: count(VerificationResult::Partial),
            nothing: count(VerificationResult::Nothing),
            share_full: (verified > 0).then(|| confirmed_full as f64 / verified as f64),
            created_by: s.get("created_by"),
            created_at: s.get("created_at"),
            items,
        }))
    }

    /// Records (or corrects) what the visited person confirmed; returns the updated sample.
    pub async fn record_verification(&self, o: &VerificationOutcome) -> Result<VerificationSampleView> {
        let mut tx = self.begin_checked().await?;
        let id = o.item_id.to_string();
        let r = sqlx::query(
            "SELECT i.sample_id, i.payment_id, i.position, s.period, p.amount_vnd, p.credited_on
             FROM verification_items i JOIN verification_samples s ON s.id = i.sample_id JOIN payments p ON p.id = i.payment_id
             WHERE i.id = ?",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound { entity: "verification_item", id: id.clone() })?;
        let amount: i64 = r.get("amount_vnd");
        let mut errors = Vec::new();
        if let Some(credited) = r.get::<Option<&str>, _>("credited_on")
            && iso(o.verified_on).as_str() < credited
        {
            errors.push(FieldError::new("verified_on", ErrorCode::DateBeforeCredit, "the visit is before the credit"));
        }
        let received = match o.result {
            VerificationResult::Full => amount,
            VerificationResult::Nothing => 0,
            VerificationResult::Partial => {
                let got = o.amount_received_vnd.unwrap_or(0);
                if got <= 0 || got >= amount {
                    errors.push(
                        FieldError::new(
                            "amount_received",
                            ErrorCode::ReceivedAmountInvalid,
                            "a partial amount is between 0 and the payment",
                        )
                        .param("amount", ansinh_core::money::format_vnd(amount)),
                    );
                }
                got
            }
        };
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let period: String = r.get("period");
        let now = now();
        sqlx::query(
            "UPDATE verification_items SET result = ?, amount_received_vnd = ?, verified_on = ?, note = ?,
                    updated_at = ?, updated_by = ?, updated_device = ? WHERE id = ?",
        )
        .bind(o.result.as_str())
        .bind(received)
        .bind(iso(o.verified_on))
        .bind(&o.note)
        .bind(&now)
        .bind(&self.author().officer)
        .bind(&self.author().device_id)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        log.record(ItemRow::ENTITY, &id, Kind::Update);
        log.flush(&mut tx).await?;
        tx.commit().await?;
        self.sample_for(&period).await?.ok_or_else(|| StoreError::NotFound { entity: "sample", id: period })
    }
}
