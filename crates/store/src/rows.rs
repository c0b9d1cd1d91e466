//! Column lists and record → row conversion for each entity table (one place per table).

use crate::entity::Entity;
use crate::sqlrow::Val;
use ansinh_core::records::{Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_core::text;
use chrono::NaiveDate;

/// created_at/by/device and updated_at/by/device: who and which device wrote the row.
pub const AUDIT_COLS: [&str; 6] =
    ["created_at", "created_by", "created_device", "updated_at", "updated_by", "updated_device"];

pub fn audit_vals(now: &str, officer: &str, device: &str) -> [Val; 6] {
    [now.into(), officer.into(), device.into(), now.into(), officer.into(), device.into()]
}

/// A record that is stored as one row of one table and logged as one change record.
pub trait TableRow: serde::Serialize {
    /// The entity in change records (its table is `ENTITY.table()`).
    const ENTITY: Entity;
    fn cols() -> Vec<&'static str>;
    /// The entity id in change records.
    fn key(&self) -> String;
    fn row(&self, audit: &[Val; 6]) -> Vec<Val>;
}

macro_rules! table_row {
    ($t:ty, $entity:ident, $cols:path, $row:path) => {
        impl TableRow for $t {
            const ENTITY: Entity = Entity::$entity;
            fn cols() -> Vec<&'static str> {
                $cols()
            }
            fn key(&self) -> String {
                self.id.to_string()
            }
            fn row(&self, audit: &[Val; 6]) -> Vec<Val> {
                $row(self, audit)
            }
        }
    };
}

table_row!(Beneficiary, Beneficiary, beneficiary_cols, beneficiary_row);
table_row!(Account, Account, account_cols, account_row);
table_row!(Payment, Payment, payment_cols, payment_row);
table_row!(Withdrawal, Withdrawal, withdrawal_cols, withdrawal_row);

/// Cycles are shared reference rows keyed by period, without audit columns.
impl TableRow for Cycle {
    const ENTITY: Entity = Entity::Cycle;
    fn cols() -> Vec<&'static str> {
        vec!["period", "scheduled_on"]
    }
    fn key(&self) -> String {
        self.period.clone()
    }
    fn row(&self, _audit: &[Val; 6]) -> Vec<Val> {
        vec![self.period.clone().into(), iso(self.scheduled_on).into()]
    }
}

pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date(d: Option<NaiveDate>) -> Val {
    d.map(iso).into()
}

fn with_audit(cols: &[&'static str]) -> Vec<&'static str> {
    cols.iter().copied().chain(AUDIT_COLS).collect()
}

pub fn beneficiary_cols() -> Vec<&'static str> {
    with_audit(&[
        "id",
        "full_name",
        "name_key",
        "name_lower",
        "sort_key",
        "birth_date",
        "birth_year",
        "sex",
        "id_number",
        "legacy_id_number",
        "id_override_reason",
        "ward_code",
        "residential_group",
        "phone",
        "group_code",
        "disability",
        "lives_alone",
        "limited_mobility",
        "vision_hearing",
        "no_smartphone",
        "bedridden",
        "authorised_name",
        "authorised_id_number",
        "authorised_relation",
        "duplicate_reason",
    ])
}

pub fn beneficiary_row(b: &Beneficiary, audit: &[Val; 6]) -> Vec<Val> {
    let mut v: Vec<Val> = vec![
        b.id.to_string().into(),
        b.full_name.clone().into(),
        text::fold(&b.full_name).into(),
        text::lower_exact(&b.full_name).into(),
        text::sort_key(&b.full_name).into(),
        date(b.birth_date),
        i64::from(b.birth_year).into(),
        b.sex.as_str().into(),
        b.id_number.clone().into(),
        b.legacy_id_number.clone().into(),
        b.id_override_reason.clone().into(),
        b.ward_code.clone().into(),
        b.residential_group.clone().into(),
        b.phone.clone().into(),
        b.group_code.clone().into(),
        b.disability.as_str().into(),
        b.needs.lives_alone.into(),
        b.needs.limited_mobility.into(),
        b.needs.vision_hearing.into(),
        b.needs.no_smartphone.into(),
        b.needs.bedridden.into(),
        b.authorised_name.clone().into(),
        b.authorised_id_number.clone().into(),
        b.authorised_relation.clone().into(),
        b.duplicate_reason.clone().into(),
    ];
    v.extend(audit.iter().cloned());
    v
}

pub fn account_cols() -> Vec<&'static str> {
    with_audit(&[
        "id",
        "beneficiary_id",
        "channel",
        "provider_code",
        "account_number",
        "status",
        "requested_on",
        "opened_on",
        "closed_on",
        "close_reason",
        "assisted",
        "vneid_linked",
    ])
}

pub fn account_row(a: &Account, audit: &[Val; 6]) -> Vec<Val> {
    let mut v: Vec<Val> = vec![
        a.id.to_string().into(),
        a.beneficiary_id.to_string().into(),
        a.channel.as_str().into(),
        a.provider_code.clone().into(),
        a.account_number.clone().into(),
        a.status.as_str().into(),
        date(a.requested_on),
        date(a.opened_on),
        date(a.closed_on),
        a.close_reason.clone().into(),
        a.assisted.into(),
        a.vneid_linked.into(),
    ];
    v.extend(audit.iter().cloned());
    v
}

pub fn payment_cols() -> Vec<&'static str> {
    with_audit(&[
        "id",
        "period",
        "beneficiary_id",
        "account_id",
        "channel",
        "amount_vnd",
        "status",
        "scheduled_on",
        "credited_on",
        "failure_reason",
        "reference",
        "label",
    ])
}

pub fn payment_row(p: &Payment, audit: &[Val; 6]) -> Vec<Val> {
    let mut v: Vec<Val> = vec![
        p.id.to_string().into(),
        p.period.clone().into(),
        p.beneficiary_id.to_string().into(),
        p.account_id.map(|a| a.to_string()).into(),
        p.channel.as_str().into(),
        p.amount_vnd.into(),
        p.status.as_str().into(),
        date(p.scheduled_on),
        date(p.credited_on),
        p.failure_reason.clone().into(),
        p.reference.clone().into(),
        p.label.clone().into(),
    ];
    v.extend(audit.iter().cloned());
    v
}

pub fn withdrawal_cols() -> Vec<&'static str> {
    with_audit(&[
        "id",
        "payment_id",
        "withdrawn_on",
        "amount_vnd",
        "place",
        "travel_minutes",
        "travel_cost_vnd",
        "waiting_minutes",
        "assisted",
        "problems",
    ])
}

pub fn withdrawal_row(w: &Withdrawal, audit: &[Val; 6]) -> Vec<Val> {
    let problems: Vec<&str> = w.problems.iter().map(|p| p.as_str()).collect();
    let mut v: Vec<Val> = vec![
        w.id.to_string().into(),
        w.payment_id.to_string().into(),
        iso(w.withdrawn_on).into(),
        w.amount_vnd.into(),
        w.place.as_str().into(),
        w.travel_minutes.into(),
        w.travel_cost_vnd.into(),
        w.waiting_minutes.into(),
        w.assisted.into(),
        problems.join(",").into(),
    ];
    v.extend(audit.iter().cloned());
    v
}
