//! A ward device's records touch only its ward: the people it registers or corrects are of its
//! ward (and stay there), and every account, payment, withdrawal, contact or grievance it sends
//! hangs off a person of its ward. The city office's desktop may touch any ward. A row whose
//! person is not known here yet (it waits for a bundle still to come) cannot be placed and is
//! let through to wait, as before; once here, its person is checked like any other. A move
//! between two ward desktops (`handover.rs`) is the one way across: the new commune may move a
//! person whose commune's latest decision is a stop because they moved, when it starts them from
//! that month or later; the old commune may go on recording their history (what hangs off them)
//! while its stop (moved) is its latest decision.

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

/// The months from which this batch starts people in the sender's commune (start decisions of
/// `own`), by person.
fn starts_in(own: &str, new: &[(&ChangeRecord, Owner)]) -> HashMap<String, String> {
    new.iter()
        .filter_map(|(r, owner)| match owner {
            Owner::OfPersonInWard { person, ward } if ward == own && r.entity == Entity::BenefitDecision => {
                let row: serde_json::Value = serde_json::from_str(&r.payload).ok()?;
                let from = row.get("from_period")?.as_str()?.to_string();
                (row.get("kind")?.as_str()? == "start").then(|| (person.clone(), from))
            }
            _ => None,
        })
        .collect()
}

/// May the sender's commune `own` move `person` from `before` (their ward here)? Only when
/// `before`'s latest decision about them is a stop because they moved, and `own` starts them
/// (in this batch or already here) from that month or later: the move of `decisions.rs`, made on
/// the new commune's desktop after the city handed the person's file over (`handover.rs`).
async fn moves_in(
    conn: &mut SqliteConnection,
    starts: &HashMap<String, String>,
    person: &str,
    before: &str,
    own: &str,
) -> Result<bool> {
    let Some(stop) = crate::decisions::moved_out_from(conn, person, before).await? else { return Ok(false) };
    let start = match starts.get(person) {
        Some(from) => Some(from.clone()),
        None => crate::decisions::start_in(conn, person, own).await?,
    };
    Ok(start.is_some_and(|from| from >= stop))
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
    // People of another ward this batch may write about, by person (see the last arm below).
    let mut across: HashMap<String, bool> = HashMap::new();
    for (r, owner) in new {
        match owner {
            Owner::Person { ward } => {
                if ward != own {
                    return Err(out_of_ward(r, ward, own));
                }
                if let Some(before) = stored_people.get(&r.entity_id).filter(|w| *w != own)
                    && !moves_in(conn, &starts_here, &r.entity_id, before, own).await?
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
                    // The old commune's history of a person who moved away (a payment of a month
                    // before, its withdrawals, a contact, a decision), or the new commune's start
                    // that arrives before the move itself. Asked once per person of the batch.
                    let allowed = match across.get(&person) {
                        Some(&allowed) => allowed,
                        None => {
                            let history = crate::decisions::moved_out_from(conn, &person, own).await?.is_some();
                            let allowed = history
                                || (starts_here.contains_key(&person)
                                    && moves_in(conn, &starts_here, &person, &ward, own).await?);
                            across.insert(person.clone(), allowed);
                            allowed
                        }
                    };
                    if !allowed {
                        return Err(out_of_ward(r, &ward, own));
                    }
                }
            }
        }
    }
    Ok(())
}
