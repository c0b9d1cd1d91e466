//! Follow-up of money that waits: the ranked list of credited payments not (fully) withdrawn
//! after k days, and the contact log.

use crate::changes::ChangeWriter;
use crate::decode::date;
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::read::{enum_col, flag};
use crate::rows::{self, TableRow, iso};
use crate::sqlrow::Val;
use crate::write::{check_withdrawal, insert_logged};
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::followup::{self, Contact, ContactEntry, ContactKind, ContactOutcome, RankKey, ReportedWithdrawal};
use ansinh_core::model::{Channel, Needs};
use ansinh_core::records::{self, Withdrawal};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

impl TableRow for Contact {
    const ENTITY: Entity = Entity::Contact;
    fn cols() -> Vec<&'static str> {
        ["id", "beneficiary_id", "payment_id", "kind", "contacted_on", "outcome", "note"]
            .into_iter()
            .chain(rows::AUDIT_COLS)
            .collect()
    }
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.to_string().into(),
            self.beneficiary_id.to_string().into(),
            self.payment_id.map(|p| p.to_string()).into(),
            self.kind.as_str().into(),
            iso(self.contacted_on).into(),
            self.outcome.as_str().into(),
            self.note.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Contact")]
pub struct ContactView {
    pub id: String,
    pub beneficiary_id: String,
    pub payment_id: Option<String>,
    pub kind: ContactKind,
    pub contacted_on: String,
    pub outcome: ContactOutcome,
    pub note: String,
    /// The officer who recorded it.
    pub created_by: String,
}

/// One credited payment still (partly) waiting, with the person and their last contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FollowupRow {
    pub payment_id: String,
    pub beneficiary_id: String,
    pub full_name: String,
    pub age: i32,
    pub ward_code: String,
    pub ward_name: String,
    pub residential_group: String,
    pub phone: String,
    pub needs: Needs,
    /// The documented score of `ansinh_core::followup` (higher first).
    pub priority: u32,
    pub period: String,
    pub amount_vnd: i64,
    pub withdrawn_vnd: i64,
    pub remaining_vnd: i64,
    pub credited_on: String,
    pub days_waiting: i64,
    pub last_contact: Option<ContactView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FollowupList {
    pub as_of: String,
    pub days: u32,
    pub ward_code: Option<String>,
    pub rows: Vec<FollowupRow>,
}

fn contact_view(r: &SqliteRow, prefix: &str) -> Result<ContactView> {
    let col = |c: &str| format!("{prefix}{c}");
    Ok(ContactView {
        id: r.get(col("id").as_str()),
        beneficiary_id: r.get(col("beneficiary_id").as_str()),
        payment_id: r.get(col("payment_id").as_str()),
        kind: enum_col(r, &col("kind"), ContactKind::parse)?,
        contacted_on: r.get(col("contacted_on").as_str()),
        outcome: enum_col(r, &col("outcome"), ContactOutcome::parse)?,
        note: r.get(col("note").as_str()),
        created_by: r.get(col("created_by").as_str()),
    })
}

impl Store {
    /// Saves a contact; its payment, when given, must be one of this person's.
    ///
    /// A contact "already withdrawn" also records the withdrawal it reports, in the same
    /// transaction, with a change record each, so the time to cash counts it; the withdrawal is
    /// held to the typed withdrawal's rules (`check_withdrawal`: credited, not before the credit,
    /// never more than what is left) and a refused one writes nothing, not even the contact.
    /// A contact about no payment is made about one: see [`reported_payment`]. Returns the
    /// withdrawal written (None: a contact only) and the contact as saved.
    pub async fn add_contact(&self, entry: &ContactEntry) -> Result<(Contact, Option<Withdrawal>)> {
        let mut c = entry.contact.clone();
        let mut tx = self.begin_checked().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id = ?")
            .bind(c.beneficiary_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound { entity: "beneficiary", id: c.beneficiary_id.to_string() });
        }
        if let Some(p) = c.payment_id {
            let owner: Option<String> = sqlx::query_scalar("SELECT beneficiary_id FROM payments WHERE id = ?")
                .bind(p.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if owner.as_deref() != Some(c.beneficiary_id.to_string().as_str()) {
                return Err(StoreError::Invalid(vec![
                    FieldError::new("payment_id", ErrorCode::NotFound, "no such payment for this person")
                        .param("entity", "payment")
                        .param("id", p),
                ]));
            }
        }
        let mut withdrawal = None;
        if let Some(reported) = entry.withdrawn.filter(|_| c.outcome == ContactOutcome::AlreadyWithdrawn) {
            crate::exchange::check_owned(self, &mut tx, &c.beneficiary_id.to_string()).await?;
            let payment = match c.payment_id {
                Some(p) => p,
                None => reported_payment(&mut tx, &c, &reported).await?,
            };
            c.payment_id = Some(payment);
            withdrawal = reported_withdrawal(&mut tx, payment, &reported).await?;
            if let Some(w) = &withdrawal {
                check_withdrawal(&mut tx, w).await?;
            }
        }
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        // The withdrawal first: the contact reports it (each its own change record).
        insert_logged(&mut tx, &mut log, withdrawal.as_slice(), &audit).await?;
        insert_logged(&mut tx, &mut log, std::slice::from_ref(&c), &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok((c, withdrawal))
    }

    /// One person's contacts, newest first.
    pub async fn contacts_of(&self, beneficiary_id: &str) -> Result<Vec<ContactView>> {
        sqlx::query("SELECT * FROM contacts WHERE beneficiary_id = ? ORDER BY contacted_on DESC, id DESC")
            .bind(beneficiary_id)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| contact_view(r, ""))
            .collect()
    }

    pub async fn contact(&self, id: &str) -> Result<ContactView> {
        let r = sqlx::query("SELECT * FROM contacts WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "contact", id: id.to_string() })?;
        contact_view(&r, "")
    }

    /// Payments credited at least `days` days before `as_of` and not fully withdrawn by then,
    /// ranked by need (see `ansinh_core::followup`). `ward`: only that ward's people.
    pub async fn followup_list(&self, as_of: NaiveDate, days: u32, ward: Option<&str>) -> Result<FollowupList> {
        let ward = ward.map(str::trim).filter(|w| !w.is_empty());
        let cutoff = followup::followup_cutoff(as_of, days);
        let rows = sqlx::query(
            "SELECT p.id AS payment_id, p.period, p.amount_vnd, p.credited_on, COALESCE(w.total, 0) AS withdrawn_vnd,
                    b.id AS beneficiary_id, b.full_name, b.sort_key, b.birth_date, b.birth_year, b.ward_code,
                    b.residential_group, b.phone, b.lives_alone, b.limited_mobility, b.vision_hearing,
                    b.no_smartphone, b.bedridden,
                    c.id AS c_id, c.beneficiary_id AS c_beneficiary_id, c.payment_id AS c_payment_id, c.kind AS c_kind,
                    c.contacted_on AS c_contacted_on, c.outcome AS c_outcome, c.note AS c_note,
                    c.created_by AS c_created_by
             FROM payments p
             JOIN beneficiaries b ON b.id = p.beneficiary_id
             LEFT JOIN (SELECT payment_id, SUM(amount_vnd) AS total FROM withdrawals WHERE withdrawn_on <= ?1
                        GROUP BY payment_id) w ON w.payment_id = p.id
             LEFT JOIN (SELECT *, ROW_NUMBER() OVER (PARTITION BY beneficiary_id ORDER BY contacted_on DESC, id DESC) AS rn
                        FROM contacts WHERE contacted_on <= ?1) c ON c.beneficiary_id = b.id AND c.rn = 1
             WHERE p.status = 'credited' AND p.credited_on <= ?2 AND COALESCE(w.total, 0) < p.amount_vnd
               AND (?3 IS NULL OR b.ward_code = ?3)",
        )
        .bind(iso(as_of))
        .bind(iso(cutoff))
        .bind(ward)
        .fetch_all(&self.reader)
        .await?;
        let refs = self.refs().await?;
        let mut out: Vec<(String, FollowupRow)> = Vec::with_capacity(rows.len());
        for r in &rows {
            let birth_date = r.get::<Option<&str>, _>("birth_date").map(date).transpose()?;
            let age = followup::age_from(birth_date, r.get::<i64, _>("birth_year") as i32, as_of);
            let needs = Needs {
                lives_alone: flag(r, "lives_alone"),
                limited_mobility: flag(r, "limited_mobility"),
                vision_hearing: flag(r, "vision_hearing"),
                no_smartphone: flag(r, "no_smartphone"),
                bedridden: flag(r, "bedridden"),
            };
            let credited_on: String = r.get("credited_on");
            let amount_vnd: i64 = r.get("amount_vnd");
            let withdrawn_vnd: i64 = r.get("withdrawn_vnd");
            let ward_code: String = r.get("ward_code");
            let last_contact =
                if r.get::<Option<&str>, _>("c_id").is_some() { Some(contact_view(r, "c_")?) } else { None };
            out.push((
                r.get("sort_key"),
                FollowupRow {
                    payment_id: r.get("payment_id"),
                    beneficiary_id: r.get("beneficiary_id"),
                    full_name: r.get("full_name"),
                    age,
                    ward_name: refs.unit_name(&ward_code),
                    ward_code,
                    residential_group: r.get("residential_group"),
                    phone: r.get("phone"),
                    priority: followup::priority_score(age, &needs),
                    needs,
                    period: r.get("period"),
                    amount_vnd,
                    withdrawn_vnd,
                    remaining_vnd: amount_vnd - withdrawn_vnd,
                    days_waiting: (as_of - date(&credited_on)?).num_days(),
                    credited_on,
                    last_contact,
                },
            ));
        }
        let rank = |(_, r): &(String, FollowupRow)| -> (u32, i64) { (r.priority, r.days_waiting) };
        out.sort_by(|a, b| {
            let (sa, da) = rank(a);
            let (sb, db) = rank(b);
            followup::rank_order(
                &RankKey { score: sa, days_waiting: da, sort_key: &a.0, id: &a.1.payment_id },
                &RankKey { score: sb, days_waiting: db, sort_key: &b.0, id: &b.1.payment_id },
            )
        });
        Ok(FollowupList {
            as_of: iso(as_of),
            days,
            ward_code: ward.map(str::to_string),
            rows: out.into_iter().map(|(_, r)| r).collect(),
        })
    }
}

/// The payment an "already withdrawn" contact about no particular payment (recorded from the
/// person's page) is about: the person's latest credited payment, credited on or before the day
/// received, with money left. An officer told "I withdrew it on the 12th" means the money that
/// was waiting for them then, and the most recent allowance is what people speak of; an older
/// payment still waiting stays on the follow-up list for the next contact. None such:
/// `contact.no_waiting_payment` (on `payment_id`), and nothing is written.
async fn reported_payment(conn: &mut SqliteConnection, c: &Contact, w: &ReportedWithdrawal) -> Result<uuid::Uuid> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT p.id FROM payments p
         WHERE p.beneficiary_id = ?1 AND p.status = 'credited' AND p.credited_on <= ?2
           AND p.amount_vnd > COALESCE((SELECT SUM(amount_vnd) FROM withdrawals WHERE payment_id = p.id), 0)
         ORDER BY p.credited_on DESC, p.period DESC LIMIT 1",
    )
    .bind(c.beneficiary_id.to_string())
    .bind(iso(w.withdrawn_on))
    .fetch_optional(&mut *conn)
    .await?;
    let id = id.ok_or_else(|| {
        StoreError::field(
            "payment_id",
            ErrorCode::ContactNoWaitingPayment,
            "no credited payment with money left on the day received",
        )
    })?;
    crate::decode::id("payment", &id)
}

/// The withdrawal a contact "already withdrawn" reports against `payment`, or None when the
/// payment's money is already accounted for: a withdrawal of it is recorded on or before the day
/// received (the person speaks of that one, typed or reported earlier: recording it again would
/// count the same cash twice and move the time to cash), or nothing is left of it. Then only the
/// contact is saved. The amount defaults to what is left, the place to the channel's usual one.
async fn reported_withdrawal(
    conn: &mut SqliteConnection,
    payment: uuid::Uuid,
    w: &ReportedWithdrawal,
) -> Result<Option<Withdrawal>> {
    let row = sqlx::query(
        "SELECT p.channel, p.amount_vnd - COALESCE((SELECT SUM(amount_vnd) FROM withdrawals WHERE payment_id = p.id), 0) AS left_vnd,
                EXISTS (SELECT 1 FROM withdrawals WHERE payment_id = p.id AND withdrawn_on <= ?2) AS earlier
         FROM payments p WHERE p.id = ?1",
    )
    .bind(payment.to_string())
    .bind(iso(w.withdrawn_on))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound { entity: "payment", id: payment.to_string() })?;
    let left: i64 = row.get("left_vnd");
    if row.get::<i64, _>("earlier") != 0 || left <= 0 {
        return Ok(None);
    }
    let channel = enum_col(&row, "channel", Channel::parse)?;
    Ok(Some(Withdrawal {
        id: records::new_id(),
        payment_id: payment,
        withdrawn_on: w.withdrawn_on,
        amount_vnd: w.amount_vnd.unwrap_or(left),
        place: w.place.unwrap_or_else(|| followup::usual_place(channel)),
        travel_minutes: None,
        travel_cost_vnd: None,
        waiting_minutes: None,
        assisted: false,
        problems: vec![],
    }))
}
