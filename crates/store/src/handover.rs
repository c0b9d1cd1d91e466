//! A person's file handed over between two ward desktops (issue 16: a move). Each ward desktop
//! holds only its ward's people, so the new commune cannot start a person it has never seen.
//! Once the old commune's stop (moved) has reached the city, the city office's desktop, which
//! holds every ward, hands the new commune's desktop every change record of the person: the
//! person, their accounts, benefit decisions and confirmations without an account, from
//! whichever devices wrote them. The new desktop checks each record as if it arrived in a bundle
//! and keeps it with its hash, so its start decision and the person's move build on the same
//! versions and the city merges them into one record and one history.
//! Signing and encryption of the file are `ansinh_exchange::handover`'s.

use crate::changes::{self, ChangeRecord, WireRecord};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::exchange::incoming::{Owner, check_row};
use crate::sqlrow::insert_rows;
use crate::{Store, now};
use ansinh_core::validate::RefData;
use ansinh_core::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, SqliteConnection};
use std::collections::BTreeSet;

pub const HANDOVER_FORMAT: u32 = 1;

/// What travels with a person: the file a commune keeps about them. Payments, withdrawals and
/// grievances stay with the commune that made them (they hang off cycles and reports of that
/// commune); the city keeps the whole history.
pub const HANDED_OVER: [Entity; 4] =
    [Entity::Beneficiary, Entity::Account, Entity::BenefitDecision, Entity::AccountDecline];

/// The signed body of a handover file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverBody {
    pub format: u32,
    pub issuer_device: String,
    pub issuer_signing_key: String,
    pub beneficiary_id: String,
    pub from_ward: String,
    pub to_ward: String,
    /// Information only.
    pub created_at: String,
    pub records: Vec<WireRecord>,
}

/// What taking a handover did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HandoverReport {
    pub beneficiary_id: String,
    pub full_name: String,
    pub from_ward: String,
    pub from_ward_name: String,
    pub to_ward: String,
    /// Records new here / already here (a file taken twice changes nothing).
    pub applied: usize,
    pub already_had: usize,
}

fn refused(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict(FieldError::new("handover", code, message))
}

impl Store {
    /// The city office's side: every record of `person`'s file for the commune `to_ward`, once
    /// the person's commune has stopped their allowance because they moved.
    pub async fn handover_body(&self, person: &str, to_ward: &str, issuer_signing_key: &str) -> Result<HandoverBody> {
        if !self.is_city_office().await? {
            return Err(refused(ErrorCode::HandoverNotCity, "only the city office's desktop hands a person over"));
        }
        let from_ward = self.ward_of_beneficiary(person).await?;
        let refs = self.refs().await?;
        if !refs.has_ward(to_ward) || to_ward == from_ward {
            let e = FieldError::new("ward_code", ErrorCode::HandoverWrongWard, "not another commune of the city")
                .param("ward", to_ward);
            return Err(StoreError::Invalid(vec![e]));
        }
        let moved = crate::decisions::moved_out_from(&mut *self.reader.acquire().await?, person, &from_ward).await?;
        if moved.is_none() {
            let e = FieldError::new(
                "handover",
                ErrorCode::HandoverNotMoved,
                "the person's commune has not stopped them as moved",
            )
            .param("ward", &from_ward);
            return Err(StoreError::Conflict(e));
        }
        let records = {
            let mut conn = self.reader.acquire().await?;
            let mut keys = vec![(Entity::Beneficiary, person.to_string())];
            for (entity, table) in [
                (Entity::Account, "accounts"),
                (Entity::BenefitDecision, "benefit_decisions"),
                (Entity::AccountDecline, "account_declines"),
            ] {
                let ids: Vec<String> =
                    sqlx::query_scalar(AssertSqlSafe(format!("SELECT id FROM {table} WHERE beneficiary_id = ?")))
                        .bind(person)
                        .fetch_all(&mut *conn)
                        .await?;
                keys.extend(ids.into_iter().map(|id| (entity, id)));
            }
            changes::log::of_entities(&mut conn, &keys).await?.iter().map(wire).collect::<Vec<WireRecord>>()
        };
        Ok(HandoverBody {
            format: HANDOVER_FORMAT,
            issuer_device: self.device_id(),
            issuer_signing_key: issuer_signing_key.to_string(),
            beneficiary_id: person.to_string(),
            from_ward,
            to_ward: to_ward.to_string(),
            created_at: now(),
            records,
        })
    }

    /// The new commune's side, once the file's signature holds: its signer must be the city
    /// office registered here, it must be for this desktop's ward, and every record must be
    /// intact, one of the person's file and valid as a typed row. All or nothing, audited.
    pub async fn accept_handover(&self, body: HandoverBody, payload_hash: &str) -> Result<HandoverReport> {
        if body.format != HANDOVER_FORMAT {
            return Err(refused(
                ErrorCode::ExchangeFormat,
                format!("handover format {} is not supported", body.format),
            ));
        }
        let mut tx = self.begin_checked().await?;
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
        // Who sent it, before anything it says is read.
        let issuer = crate::devices::check_sender(&mut tx, &body.issuer_device, &body.issuer_signing_key).await?;
        if issuer.role != crate::DeviceRole::City {
            return Err(refused(ErrorCode::HandoverNotCity, "only the city office hands a person over"));
        }
        // Only a ward desktop takes one, for its own ward (the city office holds everyone).
        let city = self.is_city_office().await?;
        let home = self.home_ward().await?;
        if city || body.to_ward != home || body.from_ward == body.to_ward {
            let e = FieldError::new(
                "handover",
                ErrorCode::HandoverWrongWard,
                "this person is handed over to another commune",
            )
            .param("ward", &body.to_ward);
            return Err(StoreError::Conflict(e));
        }
        let person = body.beneficiary_id.clone();
        let not_of_file = |at: &str| {
            StoreError::Conflict(
                FieldError::new(
                    "handover",
                    ErrorCode::HandoverForeignRecord,
                    "a record that is not of this person's file",
                )
                .param("record", at),
            )
        };
        // Already a person of this commune (not one handed over before): nothing to take.
        let here = crate::users::ward_of(&mut tx, &person).await?;
        if here.as_deref() == Some(home.as_str()) && !handed_over_to(&mut tx, &person, &home).await? {
            return Err(not_of_file(&person));
        }
        let records = WireRecord::check_all(body.records)?;
        // Intact, one version per (device, seq), of a schema this desktop reads: as a bundle's.
        crate::exchange::merge::check_incoming(&records)?;
        let refs = self.refs().await?;
        let today = crate::local_today();
        let mut touched: BTreeSet<(Entity, String)> = BTreeSet::new();
        let mut stopped = false;
        for r in &records {
            let at = format!("{}#{}", r.device_id, r.seq);
            let of_person = match check_row(r, &*refs, today)? {
                Owner::Person { .. } => r.entity == Entity::Beneficiary && r.entity_id == person,
                Owner::OfPerson(p) | Owner::OfPersonInWard { person: p, .. } => p == person,
                _ => false,
            };
            if !of_person || !HANDED_OVER.contains(&r.entity) {
                return Err(not_of_file(&at));
            }
            if r.entity == Entity::BenefitDecision {
                let row: serde_json::Value = serde_json::from_str(&r.payload).unwrap_or_default();
                stopped |=
                    row["kind"] == "stop" && row["reason"] == "moved" && row["ward_code"] == body.from_ward.as_str();
            }
            touched.insert((r.entity, r.entity_id.clone()));
        }
        // The person, and the old commune's stop because they moved: what makes it a move.
        if !touched.contains(&(Entity::Beneficiary, person.clone())) || !stopped {
            return Err(not_of_file(&person));
        }
        let (mut new_rows, mut handed, mut already_had) = (Vec::new(), Vec::new(), 0);
        for r in &records {
            let have = changes::log::hash_at(&mut tx, &r.device_id, r.seq).await?;
            match have {
                Some(h) if h == r.hash => already_had += 1,
                Some(_) => {
                    return Err(refused(
                        ErrorCode::ExchangeFork,
                        format!("record {}#{} differs from the one already here", r.device_id, r.seq),
                    ));
                }
                // This desktop's own series is never handed back to it.
                None if r.device_id == self.device_id() => {
                    return Err(refused(ErrorCode::ExchangeFork, "a record of this desktop that it never wrote"));
                }
                None => {
                    new_rows.push(r.clone());
                    handed.push(vec![r.device_id.clone().into(), r.seq.into()]);
                }
            }
        }
        let applied = new_rows.len();
        changes::log::append(&mut tx, &new_rows).await?;
        insert_rows(&mut tx, "handover_records", &["device_id", "seq"], handed).await?;
        // The person first, then what hangs off them.
        for (entity, id) in touched.iter().filter(|(e, _)| *e == Entity::Beneficiary).chain(touched.iter()) {
            crate::exchange::merge::project(&mut tx, *entity, id).await?;
        }
        // As the file has them, the person lives in the commune that stopped them.
        let ward = crate::users::ward_of(&mut tx, &person).await?;
        if applied > 0 && ward.as_deref() != Some(body.from_ward.as_str()) {
            return Err(not_of_file(&person));
        }
        sqlx::query(
            "INSERT INTO handovers (payload_hash, beneficiary_id, from_ward, to_ward, issuer_device, records, received_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (payload_hash) DO NOTHING",
        )
        .bind(payload_hash)
        .bind(&person)
        .bind(&body.from_ward)
        .bind(&body.to_ward)
        .bind(&body.issuer_device)
        .bind(records.len() as i64)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let full_name: String = sqlx::query_scalar("SELECT full_name FROM beneficiaries WHERE id = ?")
            .bind(&person)
            .fetch_one(&mut *tx)
            .await?;
        let details = serde_json::json!({"what": "handover", "from_ward": body.from_ward, "records": records.len(),
            "applied": applied});
        let actor = self.officer();
        let event = crate::audit::AuditEvent {
            actor: &actor,
            action: "import",
            entity: Some("beneficiaries"),
            entity_id: Some(&person),
            details,
        };
        crate::audit::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(HandoverReport {
            beneficiary_id: person,
            full_name,
            from_ward_name: refs.unit_name(&body.from_ward),
            from_ward: body.from_ward,
            to_ward: body.to_ward,
            applied,
            already_had,
        })
    }
}

/// The communes `person` was handed over to on this desktop (none for a person of its own).
async fn handed_to(conn: &mut SqliteConnection, person: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT to_ward FROM handovers WHERE beneficiary_id = ?")
        .bind(person)
        .fetch_all(&mut *conn)
        .await?)
}

/// Was `person` handed over here to the commune `ward`?
pub(crate) async fn handed_over_to(conn: &mut SqliteConnection, person: &str, ward: &str) -> Result<bool> {
    Ok(handed_to(conn, person).await?.iter().any(|w| w == ward))
}

/// Was `person` (now of `ward`) handed over here to another commune, which has not started them?
pub(crate) async fn waiting_here(conn: &mut SqliteConnection, person: &str, ward: &str) -> Result<bool> {
    Ok(handed_to(conn, person).await?.iter().any(|w| w != ward))
}

/// A stored record as it travels.
fn wire(r: &ChangeRecord) -> WireRecord {
    serde_json::from_value(serde_json::to_value(r).expect("records serialise"))
        .expect("a record reads as a wire record")
}
