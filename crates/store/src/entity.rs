//! The closed set of what travels between desktops: exactly the tables a desktop ships in its
//! series of change records. A record naming anything else (a reference table, a desktop-local
//! table, an alias) is refused before anything is written (`exchange.unknown_entity`).
//! Reference data (units, groups, levels, providers) travels only as the city's signed
//! reference file (`reference.rs`); users, settings, keys, peers, drafts and the audit log
//! never leave the desktop.

use serde::{Deserialize, Serialize};

/// One shipped table. The serde names are the `entity` strings of change records, unchanged
/// since the first bundle (the five first entities have singular names, later ones are their
/// table's name), so hashes of existing records still hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Entity {
    #[serde(rename = "beneficiary")]
    Beneficiary,
    #[serde(rename = "account")]
    Account,
    #[serde(rename = "cycle")]
    Cycle,
    #[serde(rename = "payment")]
    Payment,
    #[serde(rename = "withdrawal")]
    Withdrawal,
    #[serde(rename = "contacts")]
    Contact,
    #[serde(rename = "grievances")]
    Grievance,
    #[serde(rename = "grievance_events")]
    GrievanceEvent,
    #[serde(rename = "verification_samples")]
    VerificationSample,
    #[serde(rename = "verification_items")]
    VerificationItem,
    #[serde(rename = "exports")]
    Export,
    #[serde(rename = "payout_reports")]
    PayoutReport,
    #[serde(rename = "benefit_decisions")]
    BenefitDecision,
    #[serde(rename = "account_declines")]
    AccountDecline,
}

impl Entity {
    pub const ALL: [Entity; 14] = [
        Entity::Beneficiary,
        Entity::Account,
        Entity::Cycle,
        Entity::Payment,
        Entity::Withdrawal,
        Entity::Contact,
        Entity::Grievance,
        Entity::GrievanceEvent,
        Entity::VerificationSample,
        Entity::VerificationItem,
        Entity::Export,
        Entity::PayoutReport,
        Entity::BenefitDecision,
        Entity::AccountDecline,
    ];

    /// The name change records carry (and hash).
    pub const fn name(self) -> &'static str {
        match self {
            Entity::Beneficiary => "beneficiary",
            Entity::Account => "account",
            Entity::Cycle => "cycle",
            Entity::Payment => "payment",
            Entity::Withdrawal => "withdrawal",
            Entity::Contact => "contacts",
            Entity::Grievance => "grievances",
            Entity::GrievanceEvent => "grievance_events",
            Entity::VerificationSample => "verification_samples",
            Entity::VerificationItem => "verification_items",
            Entity::Export => "exports",
            Entity::PayoutReport => "payout_reports",
            Entity::BenefitDecision => "benefit_decisions",
            Entity::AccountDecline => "account_declines",
        }
    }

    /// Exactly one of [`Entity::name`]: no alias, no table name for the first five.
    pub fn parse(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.name() == name)
    }

    pub const fn table(self) -> &'static str {
        match self {
            Entity::Beneficiary => "beneficiaries",
            Entity::Account => "accounts",
            Entity::Cycle => "payment_cycles",
            Entity::Payment => "payments",
            Entity::Withdrawal => "withdrawals",
            Entity::Contact => "contacts",
            Entity::Grievance => "grievances",
            Entity::GrievanceEvent => "grievance_events",
            Entity::VerificationSample => "verification_samples",
            Entity::VerificationItem => "verification_items",
            Entity::Export => "exports",
            Entity::PayoutReport => "payout_reports",
            Entity::BenefitDecision => "benefit_decisions",
            Entity::AccountDecline => "account_declines",
        }
    }

    /// The primary key column; a record's `entity_id` is its value.
    pub const fn pk(self) -> &'static str {
        match self {
            Entity::Cycle => "period",
            _ => "id",
        }
    }

    /// Money is never settled by picking one side of a conflict.
    pub const fn is_money(self) -> bool {
        matches!(self, Entity::Payment | Entity::Withdrawal)
    }

    /// Rows carrying who created and last changed them on which device (`created_device`,
    /// `updated_device`...): every table but the cycles.
    pub const fn has_audit_columns(self) -> bool {
        !matches!(self, Entity::Cycle)
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl TryFrom<String> for Entity {
    type Error = UnknownName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Entity::parse(&s).ok_or(UnknownName(s))
    }
}

/// What a change did to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Insert,
    /// The payload is the whole row after the change.
    Update,
}

impl Kind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Insert => "insert",
            Kind::Update => "update",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Insert, Kind::Update].into_iter().find(|k| k.as_str() == s)
    }
}

impl TryFrom<String> for Kind {
    type Error = UnknownName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Kind::parse(&s).ok_or(UnknownName(s))
    }
}

/// A stored `entity` or `kind` this build does not know (bad stored data).
#[derive(Debug, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_are_unknown() {
        for e in Entity::ALL {
            assert_eq!(Entity::parse(e.name()), Some(e));
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.name()));
        }
        for alias in
            ["beneficiaries", "payments", "payment_cycles", "Beneficiary", "settings", "users", "allowance_groups"]
        {
            assert_eq!(Entity::parse(alias), None, "{alias}");
        }
        assert_eq!(Kind::parse("delete"), None);
    }
}
