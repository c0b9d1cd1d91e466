//! Grievances: tickets, their status changes (each one an event row and change records) and
//! the overdue query.

use crate::changes::{ChangeWriter, Kind};
use crate::decode::date;
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::read::enum_col;
use crate::rows::{self, TableRow, iso};
use crate::sqlrow::Val;
use crate::write::insert_logged;
use crate::{Store, now};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::grievances::{
    Grievance, GrievanceCategory, GrievanceChannel, GrievanceStatus, GrievanceUpdate, is_overdue,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

const GRIEVANCE_COLS: [&str; 10] = [
    "id",
    "beneficiary_id",
    "category",
    "channel",
    "description",
    "opened_on",
    "deadline_on",
    "status",
    "resolution_note",
    "closed_on",
];

impl TableRow for Grievance {
    const ENTITY: Entity = Entity::Grievance;
    fn cols() -> Vec<&'static str> {
        GRIEVANCE_COLS.into_iter().chain(rows::AUDIT_COLS).collect()
    }
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
        let mut v: Vec<Val> = vec![
            self.id.to_string().into(),
            self.beneficiary_id.to_string().into(),
            self.category.as_str().into(),
            self.channel.as_str().into(),
            self.description.clone().into(),
            iso(self.opened_on).into(),
            iso(self.deadline_on).into(),
            self.status.as_str().into(),
            self.resolution_note.clone().into(),
            self.closed_on.map(iso).into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

/// A `grievance_events` row: one status change (the opening included).
#[derive(Debug, Clone, Serialize)]
struct EventRow {
    id: String,
    grievance_id: String,
    from_status: Option<GrievanceStatus>,
    to_status: GrievanceStatus,
    changed_on: NaiveDate,
    deadline_on: NaiveDate,
    note: String,
}

impl TableRow for EventRow {
    const ENTITY: Entity = Entity::GrievanceEvent;
    fn cols() -> Vec<&'static str> {
        ["id", "grievance_id", "from_status", "to_status", "changed_on", "deadline_on", "note"]
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
            self.grievance_id.clone().into(),
            self.from_status.map(|s| s.as_str()).into(),
            self.to_status.as_str().into(),
            iso(self.changed_on).into(),
            iso(self.deadline_on).into(),
            self.note.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "GrievanceEvent")]
pub struct GrievanceEventView {
    pub id: String,
    pub from_status: Option<GrievanceStatus>,
    pub to_status: GrievanceStatus,
    pub changed_on: String,
    pub deadline_on: String,
    pub note: String,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Grievance")]
pub struct GrievanceView {
    pub id: String,
    pub beneficiary_id: String,
    pub full_name: String,
    pub ward_code: String,
    pub ward_name: String,
    pub category: GrievanceCategory,
    pub channel: GrievanceChannel,
    pub description: String,
    pub opened_on: String,
    pub deadline_on: String,
    pub status: GrievanceStatus,
    pub resolution_note: String,
    pub closed_on: Option<String>,
    /// Open or in progress after the deadline day (as of the query's day).
    pub overdue: bool,
    /// Oldest first.
    pub history: Vec<GrievanceEventView>,
}

/// Which tickets to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrievanceQuery {
    pub status: Option<GrievanceStatus>,
    /// Only open or in-progress tickets past their deadline.
    pub overdue: bool,
    pub beneficiary_id: Option<String>,
}

fn grievance_record(r: &SqliteRow) -> Result<Grievance> {
    let uuid = |c: &str| crate::decode::id(c, r.get(c));
    Ok(Grievance {
        id: uuid("id")?,
        beneficiary_id: uuid("beneficiary_id")?,
        category: enum_col(r, "category", GrievanceCategory::parse)?,
        channel: enum_col(r, "channel", GrievanceChannel::parse)?,
        description: r.get("description"),
        opened_on: date(r.get("opened_on"))?,
        deadline_on: date(r.get("deadline_on"))?,
        status: enum_col(r, "status", GrievanceStatus::parse)?,
        resolution_note: r.get("resolution_note"),
        closed_on: r.get::<Option<&str>, _>("closed_on").map(date).transpose()?,
    })
}

impl Store {
    /// Opens a ticket and its first history event, in one transaction.
    pub async fn open_grievance(&self, g: &Grievance) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM beneficiaries WHERE id = ?")
            .bind(g.beneficiary_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound { entity: "beneficiary", id: g.beneficiary_id.to_string() });
        }
        let event = EventRow {
            id: ansinh_core::records::new_id().to_string(),
            grievance_id: g.id.to_string(),
            from_status: None,
            to_status: g.status,
            changed_on: g.opened_on,
            deadline_on: g.deadline_on,
            note: String::new(),
        };
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        insert_logged(&mut tx, &mut log, std::slice::from_ref(g), &audit).await?;
        insert_logged(&mut tx, &mut log, &[event], &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a ticket's status (and/or deadline), keeping the change in its history.
    /// Resolving or rejecting stores the note as the resolution; reopening clears it.
    pub async fn update_grievance(&self, u: &GrievanceUpdate) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        let id = u.grievance_id.to_string();
        let row = sqlx::query("SELECT * FROM grievances WHERE id = ?")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "grievance", id: id.clone() })?;
        let before = grievance_record(&row)?;
        let mut errors = Vec::new();
        if u.changed_on < before.opened_on {
            errors.push(FieldError::new("changed_on", ErrorCode::DateBeforeOpened, "before the grievance was opened"));
        }
        if u.deadline_on.is_some_and(|d| d < before.opened_on) {
            errors.push(FieldError::new(
                "deadline_on",
                ErrorCode::DeadlineBeforeOpened,
                "the deadline is before the opening day",
            ));
        }
        let deadline_on = u.deadline_on.unwrap_or(before.deadline_on);
        if u.status == before.status && deadline_on == before.deadline_on && u.note.is_empty() {
            errors.push(FieldError::new("status", ErrorCode::GrievanceUnchanged, "nothing to change"));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let closed = u.status.is_closed();
        let after = Grievance {
            status: u.status,
            deadline_on,
            resolution_note: if closed {
                u.note.clone()
            } else if before.status.is_closed() {
                String::new()
            } else {
                before.resolution_note.clone()
            },
            closed_on: if closed { Some(u.changed_on) } else { None },
            ..before.clone()
        };
        let event = EventRow {
            id: ansinh_core::records::new_id().to_string(),
            grievance_id: id.clone(),
            from_status: Some(before.status),
            to_status: u.status,
            changed_on: u.changed_on,
            deadline_on,
            note: u.note.clone(),
        };
        let now = now();
        sqlx::query(
            "UPDATE grievances SET status = ?, deadline_on = ?, resolution_note = ?, closed_on = ?,
                    updated_at = ?, updated_by = ?, updated_device = ? WHERE id = ?",
        )
        .bind(after.status.as_str())
        .bind(iso(after.deadline_on))
        .bind(&after.resolution_note)
        .bind(after.closed_on.map(iso))
        .bind(&now)
        .bind(&self.author().officer)
        .bind(&self.author().device_id)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        log.record(Grievance::ENTITY, &id, Kind::Update);
        insert_logged(&mut tx, &mut log, &[event], &audit).await?;
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tickets matching `q`, overdue first, then by deadline; `as_of` decides what is overdue.
    pub async fn grievances(&self, q: &GrievanceQuery, as_of: NaiveDate) -> Result<Vec<GrievanceView>> {
        let rows = sqlx::query(
            "SELECT g.*, b.full_name, b.ward_code FROM grievances g JOIN beneficiaries b ON b.id = g.beneficiary_id
             WHERE (?1 IS NULL OR g.status = ?1) AND (?2 IS NULL OR g.beneficiary_id = ?2)
               AND (?3 = 0 OR (g.status IN ('open', 'in_progress') AND g.deadline_on < ?4))
             ORDER BY g.opened_on DESC, g.id DESC",
        )
        .bind(q.status.map(|s| s.as_str()))
        .bind(q.beneficiary_id.as_deref().filter(|s| !s.is_empty()))
        .bind(q.overdue)
        .bind(iso(as_of))
        .fetch_all(&self.reader)
        .await?;
        let ids: Vec<String> = rows.iter().map(|r| r.get("id")).collect();
        let mut history = self.grievance_history(&ids).await?;
        let refs = self.refs().await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let g = grievance_record(r)?;
            let id = g.id.to_string();
            let ward_code: String = r.get("ward_code");
            out.push(GrievanceView {
                history: history.remove(&id).unwrap_or_default(),
                id,
                beneficiary_id: g.beneficiary_id.to_string(),
                full_name: r.get("full_name"),
                ward_name: refs.unit_name(&ward_code),
                ward_code,
                category: g.category,
                channel: g.channel,
                description: g.description,
                opened_on: iso(g.opened_on),
                deadline_on: iso(g.deadline_on),
                overdue: is_overdue(g.status, g.deadline_on, as_of),
                status: g.status,
                resolution_note: g.resolution_note,
                closed_on: g.closed_on.map(iso),
            });
        }
        // Overdue first (stable: newest opened first within each group).
        out.sort_by_key(|g| !g.overdue);
        Ok(out)
    }

    pub async fn grievance(&self, id: &str, as_of: NaiveDate) -> Result<GrievanceView> {
        let owner: Option<String> = sqlx::query_scalar("SELECT beneficiary_id FROM grievances WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        let owner = owner.ok_or_else(|| StoreError::NotFound { entity: "grievance", id: id.to_string() })?;
        let q = GrievanceQuery { beneficiary_id: Some(owner), ..Default::default() };
        self.grievances(&q, as_of)
            .await?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| StoreError::NotFound { entity: "grievance", id: id.to_string() })
    }

    async fn grievance_history(&self, ids: &[String]) -> Result<HashMap<String, Vec<GrievanceEventView>>> {
        let mut out: HashMap<String, Vec<GrievanceEventView>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        // One pass over the events (a few per ticket) rather than one query per ticket.
        for r in sqlx::query("SELECT * FROM grievance_events ORDER BY grievance_id, changed_on, id")
            .fetch_all(&self.reader)
            .await?
        {
            let gid: String = r.get("grievance_id");
            if !wanted.contains(gid.as_str()) {
                continue;
            }
            let from_status = match r.get::<Option<&str>, _>("from_status") {
                Some(_) => Some(enum_col(&r, "from_status", GrievanceStatus::parse)?),
                None => None,
            };
            out.entry(gid).or_default().push(GrievanceEventView {
                id: r.get("id"),
                from_status,
                to_status: enum_col(&r, "to_status", GrievanceStatus::parse)?,
                changed_on: r.get("changed_on"),
                deadline_on: r.get("deadline_on"),
                note: r.get("note"),
                created_by: r.get("created_by"),
            });
        }
        Ok(out)
    }
}
