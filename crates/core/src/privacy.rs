//! Data-subject rights (issue 6): the legal basis on which a person's data is held, and how
//! account numbers are shown (masked unless asked for, which is audited).

use crate::ErrorCode;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// Why the office may hold this person's data (Law 91/2025 art. on lawful processing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// Paying a statutory allowance (Decree 20/2021): the usual basis, no consent needed.
    LegalObligation,
    /// The person (or their guardian) consented, e.g. to optional data such as a phone number.
    Consent,
    /// Protecting the person's life or health (e.g. home delivery to someone bedridden).
    VitalInterest,
}

impl LegalBasis {
    pub fn parse(s: &str) -> Result<LegalBasis, FieldError> {
        match s {
            "legal_obligation" => Ok(LegalBasis::LegalObligation),
            "consent" => Ok(LegalBasis::Consent),
            "vital_interest" => Ok(LegalBasis::VitalInterest),
            _ => Err(FieldError::new("basis", ErrorCode::LegalBasisInvalid, "unknown legal basis")),
        }
    }
}

/// The record kept per person: the basis, a note (consent form number, who consented) and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LegalBasisRecord {
    pub basis: LegalBasis,
    #[serde(default)]
    pub note: String,
    pub recorded_on: String,
    pub recorded_by: String,
}

/// `•••• 6789`: the last four characters only (nothing for an empty number).
pub fn mask_account_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() {
        return String::new();
    }
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    if chars.len() <= 4 { "••••".to_string() } else { format!("•••• {tail}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask_account_number("0451 0001 23456"), "•••• 3456");
        assert_eq!(mask_account_number("123"), "••••");
        assert_eq!(mask_account_number(""), "");
    }

    #[test]
    fn parses_bases() {
        assert_eq!(LegalBasis::parse("consent").unwrap(), LegalBasis::Consent);
        assert_eq!(LegalBasis::parse("x").unwrap_err().code, ErrorCode::LegalBasisInvalid);
    }
}
