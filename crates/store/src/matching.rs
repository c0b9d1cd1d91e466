//! How a row of a bank's result file or a payer's payout report names a payment of the cycle:
//! by the payment's id or its reference, or by the person's ID number, which names their monthly
//! payment only (a one-off payment is named by its reference or id). One rule for both
//! (`imports.rs` reconciles, `payouts.rs` records withdrawals).

use ansinh_core::{ErrorCode, FieldError};
use std::collections::HashMap;

/// The cycle's payments by what a row may name them by; each maps to the caller's index.
#[derive(Default)]
pub(crate) struct PaymentMatcher {
    by_ref: HashMap<String, usize>,
    by_person: HashMap<String, usize>,
}

impl PaymentMatcher {
    /// Payment `i`: its id, its reference if any, and its person's ID number if it is the
    /// monthly payment (no label).
    pub(crate) fn add(&mut self, i: usize, id: &str, reference: Option<&str>, id_number: Option<&str>, label: &str) {
        self.by_ref.insert(id.to_string(), i);
        if let Some(r) = reference {
            self.by_ref.insert(r.to_string(), i);
        }
        if let Some(n) = id_number.filter(|_| label.is_empty()) {
            self.by_person.insert(n.to_string(), i);
        }
    }

    /// The payment of this id (or reference).
    pub(crate) fn by_id(&self, id: &str) -> Option<usize> {
        self.by_ref.get(id).copied()
    }

    /// The payment data row `row` names, or why none: a reference first, else an ID number.
    pub(crate) fn find(
        &self,
        row: usize,
        reference: Option<&str>,
        id_number: Option<&str>,
    ) -> Result<usize, FieldError> {
        let err = |field: &str, code: ErrorCode, msg: &str| FieldError::new(field, code, msg).at_row(row);
        match (reference, id_number) {
            (Some(r), _) => self.by_ref.get(r.trim()).copied().ok_or_else(|| {
                err("reference", ErrorCode::ReconcileUnknownReference, "no payment of this cycle has this reference")
                    .param("reference", r)
            }),
            (None, Some(n)) => self.by_person.get(n.trim()).copied().ok_or_else(|| {
                err("id_number", ErrorCode::ReconcileUnknownPerson, "nobody with this ID number is paid in this cycle")
                    .param("id_number", n)
            }),
            (None, None) => Err(err("reference", ErrorCode::Required, "a reference or an ID number is needed")),
        }
    }
}
