//! A ward device's records touch only its ward: the people it registers or corrects are of its
//! ward (and stay there), and every account, payment, withdrawal, contact or grievance it sends
//! hangs off a person of its ward. The city office's desktop may touch any ward. A row whose
//! person is not known here yet (it waits for a bundle still to come) cannot be placed and is
//! let through to wait, as before; once here, its person is checked like any other. One
//! person of another ward may come: the one this batch starts here after their commune's stop
//! (moved), a move between two ward desktops (`handover.rs`).

use super::incoming::Owner;
use crate::changes::ChangeRecord;
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use sqlx::{AssertSqlSafe, SqliteConnection};
use std::collections::{HashMap, HashSet};

fn out_of_ward(r: &ChangeRecord, ward: &str, own: &str) -> StoreError {
    StoreError::Conflict(
        FieldError::new(
            "ward_code",
            ErrorCode::ExchangeOutOfWard,
            format!("{} {} belongs to ward {ward}", r.entity, r.entity_id),
        )
        .param("ward", ward)
        .param("device_ward", own)
        .param("record", format!("{}#{}", r.device_id, r.seq)),
    )
}

/// One row of a [`lookup`].
#[derive(sqlx::FromRow)]
struct KeyValue {
    key: String,
    value: String,
}

/// `SELECT key, value FROM table WHERE key IN (...)`, in chunks.
async fn lookup(
    conn: &mut SqliteConnection,
    table: &str,
    key: &str,
    value: &str,
    ids: &HashSet<String>,
) -> Result<HashMap<String, String>> {
    let ids: Vec<&String> = ids.iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {key} AS \"key\", {value} AS \"value\" FROM {table} WHERE {key} IN ({})",
            vec!["?"; chunk.len()].join(",")
        );
        let mut q = sqlx::query_as::<_, KeyValue>(AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        out.extend(q.fetch_all(&mut *conn).await?.into_iter().map(|kv| (kv.key, kv.value)));
    }
    Ok(out)
}

/// The people this batch starts in the sender's commune (a start decision of `own`).
fn starts_in(own: &str, new: &[(&ChangeRecord, Owner)]) -> HashSet<String> {
    new.iter()
        .filter_map(|(r, owner)| match owner {
            Owner::OfPersonInWard { person, ward } if ward == own && r.entity == Entity::BenefitDecision => {
                let row: serde_json::Value = serde_json::from_str(&r.payload).ok()?;
                (row.get("kind")?.as_str()? == "start").then(|| person.clone())
            }
            _ => None,
        })
        .collect()
}

/// Checks every new record of a ward device (`own`: its registered ward) before anything is
/// written.
pub(crate) async fn check(conn: &mut SqliteConnection, own: &str, new: &[(&ChangeRecord, Owner)]) -> Result<()> {
    // What this batch itself says: people's wards, payments' and grievances' people.
    let mut person_ward: HashMap<&str, &str> = HashMap::new();
    let mut payment_person: HashMap<&str, &str> = HashMap::new();
    let mut grievance_person: HashMap<&str, &str> = HashMap::new();
    for (r, owner) in new {
        match (r.entity, owner) {
            (_, Owner::Person { ward }) => {
                person_ward.insert(&r.entity_id, ward);
            }
            (Entity::Payment, Owner::OfPerson(p)) => {
                payment_person.insert(&r.entity_id, p);
            }
            (Entity::Grievance, Owner::OfPerson(p)) => {
                grievance_person.insert(&r.entity_id, p);
            }
            _ => {}
        }
    }
    // What the desktop holds already, looked up in bulk.
    let mut want_payments = HashSet::new();
    let mut want_grievances = HashSet::new();
    for (_, owner) in new {
        match owner {
            Owner::OfPayment(p) if !payment_person.contains_key(p.as_str()) => {
                want_payments.insert(p.clone());
            }
            Owner::OfGrievance(g) if !grievance_person.contains_key(g.as_str()) => {
                want_grievances.insert(g.clone());
            }
            _ => {}
        }
    }
    let stored_payments = lookup(conn, "payments", "id", "beneficiary_id", &want_payments).await?;
    let stored_grievances = lookup(conn, "grievances", "id", "beneficiary_id", &want_grievances).await?;
    let person_of = |owner: &Owner| -> Option<String> {
        match owner {
            Owner::OfPerson(p) | Owner::OfPersonInWard { person: p, .. } => Some(p.clone()),
            Owner::OfPayment(p) => {
                payment_person.get(p.as_str()).map(|s| s.to_string()).or_else(|| stored_payments.get(p).cloned())
            }
            Owner::OfGrievance(g) => {
                grievance_person.get(g.as_str()).map(|s| s.to_string()).or_else(|| stored_grievances.get(g).cloned())
            }
            Owner::Person { .. } | Owner::Shared | Owner::Ward(_) => None,
        }
    };
    let mut want_people: HashSet<String> = HashSet::new();
    for (r, owner) in new {
        match owner {
            // A person already here must stay in this ward: no moving another ward's person.
            Owner::Person { .. } => {
                want_people.insert(r.entity_id.clone());
            }
            other => want_people.extend(person_of(other).filter(|p| !person_ward.contains_key(p.as_str()))),
        }
    }
    let stored_people = lookup(conn, "beneficiaries", "id", "ward_code", &want_people).await?;
    let starts_here = starts_in(own, new);
    for (r, owner) in new {
        match owner {
            Owner::Person { ward } => {
                if ward != own {
                    return Err(out_of_ward(r, ward, own));
                }
                if let Some(before) = stored_people.get(&r.entity_id).filter(|w| *w != own)
                    && !(starts_here.contains(&r.entity_id)
                        && crate::decisions::moved_out(conn, &r.entity_id, before).await?)
                {
                    return Err(out_of_ward(r, before, own));
                }
            }
            Owner::Shared => {}
            // A ward's report: of this ward; every ward's (None) only from the city desktop.
            Owner::Ward(ward) => {
                if ward.as_deref() != Some(own) {
                    return Err(out_of_ward(r, ward.as_deref().unwrap_or("*"), own));
                }
            }
            // A decision: of this commune, about a person of this commune (below).
            Owner::OfPersonInWard { ward, .. } if ward != own => return Err(out_of_ward(r, ward, own)),
            other => {
                let Some(person) = person_of(other) else { continue };
                let ward = person_ward
                    .get(person.as_str())
                    .map(|w| w.to_string())
                    .or_else(|| stored_people.get(&person).cloned());
                if let Some(ward) = ward.filter(|w| w != own) {
                    return Err(out_of_ward(r, &ward, own));
                }
            }
        }
    }
    Ok(())
}
