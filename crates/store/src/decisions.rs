//! Benefit decisions (migration 0016; the rules: `ansinh_core::decisions`): saved with a change
//! record each, read per person, and what a cycle is expected to pay a person from the
//! decisions in force. A start in another commune after the old commune's stop (moved) moves
//! the person there, in the same transaction: one person, one history.

use crate::changes::ChangeWriter;
use crate::decode::{date, id, parsed};
use crate::entity::{Entity, Kind};
use crate::error::{Result, StoreError};
use crate::now;
use crate::rows::{self, TableRow, iso};
use crate::sqlrow::Val;
use crate::{Refs, Store};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::allowance::Entitlement;
use ansinh_core::dates;
use ansinh_core::decisions::{self, Decision, DecisionKind, StopReason};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

impl TableRow for Decision {
    const ENTITY: Entity = Entity::BenefitDecision;
    fn cols() -> Vec<&'static str> {
        [
            "id",
            "beneficiary_id",
            "ward_code",
            "number",
            "decided_on",
            "kind",
            "group_code",
            "from_period",
            "reason",
            "note",
        ]
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
            self.ward_code.clone().into(),
            self.number.clone().into(),
            iso(self.decided_on).into(),
            self.kind.as_str().into(),
            self.group_code.clone().into(),
            self.from_period.clone().into(),
            self.reason.map(|r| r.as_str().to_string()).into(),
            self.note.clone().into(),
        ];
        v.extend(audit.iter().cloned());
        v
    }
}

/// A decision as the UI and CLI read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Decision")]
pub struct DecisionView {
    pub id: String,
    pub beneficiary_id: String,
    pub ward_code: String,
    pub ward_name: String,
    pub number: String,
    /// ISO date.
    pub decided_on: String,
    pub kind: DecisionKind,
    pub group_code: Option<String>,
    /// "yyyy-mm": the first month paid (start, change) or no longer paid (stop).
    pub from_period: String,
    pub reason: Option<StopReason>,
    pub note: String,
    pub created_by: String,
}

fn decision_of(r: &SqliteRow) -> Result<Decision> {
    Ok(Decision {
        id: id("id", r.get("id"))?,
        beneficiary_id: id("beneficiary_id", r.get("beneficiary_id"))?,
        ward_code: r.get("ward_code"),
        number: r.get("number"),
        decided_on: date(r.get("decided_on"))?,
        kind: parsed("kind", r.get("kind"), DecisionKind::parse)?,
        group_code: r.get("group_code"),
        from_period: r.get("from_period"),
        reason: r.get::<Option<&str>, _>("reason").map(|s| parsed("reason", s, StopReason::parse)).transpose()?,
        note: r.get("note"),
    })
}

async fn decisions_in(conn: &mut SqliteConnection, person: &str) -> Result<Vec<Decision>> {
    sqlx::query("SELECT * FROM benefit_decisions WHERE beneficiary_id = ?")
        .bind(person)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(decision_of)
        .collect()
}

/// The month from which `ward` stopped the person's allowance because they moved, when that
/// stop is the commune's latest decision about them (a later start there, or another decision,
/// means they did not leave, or came back). What the city asks before it hands their file over
/// (`handover.rs`) and before it lets another commune's desktop move them, or lets the old
/// commune's desktop go on writing their history (`exchange/scope.rs`); and what makes the
/// person's record read-only on the old commune's desktop (`write.rs`).
pub(crate) async fn moved_out_from(conn: &mut SqliteConnection, person: &str, ward: &str) -> Result<Option<String>> {
    let latest: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT kind, reason, from_period FROM benefit_decisions WHERE beneficiary_id = ? AND ward_code = ?
         ORDER BY from_period DESC, decided_on DESC, id DESC LIMIT 1",
    )
    .bind(person)
    .bind(ward)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(latest.filter(|(kind, reason, _)| kind == "stop" && reason.as_deref() == Some("moved")).map(|(.., from)| from))
}

/// The month of the latest start decision of `ward` about the person, if any.
pub(crate) async fn start_in(conn: &mut SqliteConnection, person: &str, ward: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT from_period FROM benefit_decisions WHERE beneficiary_id = ? AND ward_code = ? AND kind = 'start'
         ORDER BY from_period DESC LIMIT 1",
    )
    .bind(person)
    .bind(ward)
    .fetch_optional(&mut *conn)
    .await?)
}

impl Store {
    /// Saves a checked decision ([`ansinh_core::decisions::decision`]) for a person here. A
    /// start in another commune than the person's needs that commune's stop (moved) in force
    /// by then, and moves the person (an `update` change record of the person).
    pub async fn add_decision(&self, d: &Decision) -> Result<DecisionView> {
        let person = d.beneficiary_id.to_string();
        let mut tx = self.begin_checked().await?;
        let ward = crate::users::ward_of(&mut tx, &person)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "beneficiary", id: person.clone() })?;
        let moves = ward != d.ward_code;
        // A person handed over to this desktop (`handover.rs`) is read-only here until this
        // start moves them in.
        if !(moves && crate::handover::handed_over_to(&mut tx, &person, &d.ward_code).await?) {
            crate::exchange::check_owned(self, &mut tx, &person).await?;
        }
        if moves {
            let moved_out = d.kind == DecisionKind::Start
                && decisions_in(&mut tx, &person).await?.iter().any(|s| {
                    s.kind == DecisionKind::Stop
                        && s.reason == Some(StopReason::Moved)
                        && s.ward_code == ward
                        && s.from_period <= d.from_period
                });
            if !moved_out {
                return Err(StoreError::Invalid(vec![
                    FieldError::new("ward_code", ErrorCode::DecisionNotMoved, "the person lives in another commune")
                        .param("ward", &ward),
                ]));
            }
        }
        let now = now();
        let audit = rows::audit_vals(&now, &self.author().officer, &self.author().device_id);
        let mut log = ChangeWriter::start(&mut tx, &self.author(), &now).await?;
        // The decision first, then the move: a batch cut between the two still passes the
        // city's check (a start after the old commune's stop, then a move it has on record).
        crate::write::insert_logged(&mut tx, &mut log, std::slice::from_ref(d), &audit).await?;
        if moves {
            log.record(Entity::Beneficiary, &person, Kind::Update);
            sqlx::query(
                "UPDATE beneficiaries SET ward_code = ?, updated_at = ?, updated_by = ?, updated_device = ? WHERE id = ?",
            )
            .bind(&d.ward_code)
            .bind(&now)
            .bind(self.author().officer.as_str())
            .bind(self.author().device_id.as_str())
            .bind(&person)
            .execute(&mut *tx)
            .await?;
        }
        log.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(self.decisions_of(&person).await?.into_iter().find(|v| v.id == d.id.to_string()).expect("just written"))
    }

    /// A person's decisions, in the order they apply (first month, then date).
    pub async fn decisions_of(&self, person: &str) -> Result<Vec<DecisionView>> {
        let refs = self.refs().await?;
        let rows = sqlx::query(
            "SELECT * FROM benefit_decisions WHERE beneficiary_id = ? ORDER BY from_period, decided_on, id",
        )
        .bind(person)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let d = decision_of(r)?;
                Ok(DecisionView {
                    id: d.id.to_string(),
                    beneficiary_id: person.to_string(),
                    ward_name: refs.unit_name(&d.ward_code),
                    ward_code: d.ward_code,
                    number: d.number,
                    decided_on: iso(d.decided_on),
                    kind: d.kind,
                    group_code: d.group_code,
                    from_period: d.from_period,
                    reason: d.reason,
                    note: d.note,
                    created_by: r.get("created_by"),
                })
            })
            .collect()
    }

    /// What the cycle `period` ("yyyy-mm") is expected to pay a person: from their decisions
    /// when they have any (None: none in force), else from their group (a person registered
    /// before decisions were kept).
    pub async fn expected_for(&self, conn: &mut SqliteConnection, person: &str, period: &str) -> Result<Expected> {
        let (group, ward): (String, String) =
            sqlx::query_as("SELECT group_code, ward_code FROM beneficiaries WHERE id = ?")
                .bind(person)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| StoreError::NotFound { entity: "beneficiary", id: person.to_string() })?;
        let refs = self.refs().await?;
        let ds = decisions_in(conn, person).await?;
        let lines = decisions::in_force(&ds, &refs.rules, period);
        expected_of(&refs, &ds, &lines, &group, &ward, period)
    }
}

/// The one rule of what `period` ("yyyy-mm") pays a person: from their decisions (`lines`: those
/// in force) when they have any, else from the group they were registered in.
fn expected_of(
    refs: &Refs,
    decisions: &[Decision],
    lines: &[(String, String)],
    group: &str,
    ward: &str,
    period: &str,
) -> Result<Expected> {
    let day = dates::period_start(period)
        .ok_or_else(|| StoreError::field("period", ErrorCode::PeriodInvalid, "bad period"))?;
    Ok(if decisions.is_empty() {
        Expected::FromGroup(refs.entitlement_detail(group, ward, day))
    } else {
        Expected::FromDecisions(decisions::expected_of(lines, &refs.rules, refs.province_of(ward), period))
    })
}

/// Where an expected amount comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    FromDecisions(Option<Entitlement>),
    FromGroup(Option<Entitlement>),
}

/// One person a cycle is expected to pay in a commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ExpectedRow {
    pub beneficiary_id: String,
    pub full_name: String,
    pub residential_group: String,
    /// The group whose rule gives the amount (the highest benefit in force).
    pub group_code: String,
    pub scheme: ansinh_core::model::Scheme,
    pub amount_vnd: i64,
    /// "decisions": from the decisions in force; "group": no decision kept, the group registered.
    pub source: String,
}

impl Store {
    /// Who the cycle `period` ("yyyy-mm") is expected to pay in a commune, and how much: people
    /// of the commune with no decision kept (by their group), and everyone whose decisions in
    /// force that month include a benefit of this commune (the highest benefit in force).
    pub async fn expected_payments(&self, period: &str, ward: &str) -> Result<Vec<ExpectedRow>> {
        let refs = self.refs().await?;
        dates::period_start(period)
            .ok_or_else(|| StoreError::field("cycle", ErrorCode::PeriodInvalid, "bad period"))?;
        let people = sqlx::query(
            "SELECT id, full_name, residential_group, group_code, ward_code, sort_key FROM beneficiaries
             WHERE ward_code = ?1 OR id IN (SELECT beneficiary_id FROM benefit_decisions WHERE ward_code = ?1)
             ORDER BY residential_group, sort_key, id",
        )
        .bind(ward)
        .fetch_all(&self.reader)
        .await?;
        let mut all: std::collections::HashMap<String, Vec<Decision>> = std::collections::HashMap::new();
        for r in sqlx::query(
            "SELECT * FROM benefit_decisions WHERE beneficiary_id IN
               (SELECT id FROM beneficiaries WHERE ward_code = ?1
                UNION SELECT beneficiary_id FROM benefit_decisions WHERE ward_code = ?1)",
        )
        .bind(ward)
        .fetch_all(&self.reader)
        .await?
        {
            let d = decision_of(&r)?;
            all.entry(d.beneficiary_id.to_string()).or_default().push(d);
        }
        let mut out = Vec::new();
        for p in &people {
            let id: String = p.get("id");
            let person_ward: String = p.get("ward_code");
            let ds = all.get(&id).map_or(&[][..], Vec::as_slice);
            let lines = decisions::in_force(ds, &refs.rules, period);
            // Paid here: by the group when living here with no decision kept, else when a
            // benefit of this commune is in force.
            let here = if ds.is_empty() { person_ward == ward } else { lines.iter().any(|(w, _)| w == ward) };
            if !here {
                continue;
            }
            let (entitlement, source) = match expected_of(&refs, ds, &lines, p.get("group_code"), &person_ward, period)?
            {
                Expected::FromDecisions(e) => (e, "decisions"),
                Expected::FromGroup(e) => (e, "group"),
            };
            if let Some(e) = entitlement {
                out.push(ExpectedRow {
                    beneficiary_id: id,
                    full_name: p.get("full_name"),
                    residential_group: p.get("residential_group"),
                    group_code: e.group,
                    scheme: e.scheme,
                    amount_vnd: e.amount_vnd,
                    source: source.to_string(),
                });
            }
        }
        Ok(out)
    }
}
