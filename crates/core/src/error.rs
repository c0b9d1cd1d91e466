//! The error vocabulary shared by every layer. Each error has a stable `code` that the UI
//! translates (Vietnamese first), an English `message` for logs and the CLI, and where it
//! applies the `field` and 1-based `row` it is about. Serialised, an [`AppError`] is the
//! `{code, message, field?, row?, params?, details?}` object the webview receives.

use crate::ErrorCode;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One problem with one field (of one row, for imports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Stable machine code, e.g. `id_number.province` (serialised as that string).
    pub code: ErrorCode,
    /// English text; the UI shows a translation of `code` instead.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based data row in an imported file (the header is row 1, so data starts at 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Values for the translated message's placeholders (e.g. `expected`, `found`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError { code, message: message.into(), field: Some(field.to_string()), row: None, params: BTreeMap::new() }
    }
    pub fn param(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }
    pub fn at_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(row) = self.row {
            write!(f, "row {row}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{} [{}]", self.message, self.code)
    }
}

/// Every failure that crosses a boundary (IPC, CLI exit, import report).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {}", join(.0))]
    Validation(Vec<FieldError>),
    #[error("{entity} not found: {id}")]
    NotFound { entity: &'static str, id: String },
    #[error("{0}")]
    Conflict(FieldError),
    #[error("file error: {0}")]
    File(String),
    #[error("storage error: {0}")]
    Storage(String),
    /// Not signed in, not allowed, wrong password, locked account (codes `auth.*`).
    #[error("{0}")]
    Access(FieldError),
}

fn join(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl AppError {
    pub fn field(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// Stable code for the UI's translation table.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Validation(errs) if errs.len() == 1 => errs[0].code,
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::NotFound { .. } => ErrorCode::NotFound,
            AppError::Conflict(e) | AppError::Access(e) => e.code,
            AppError::File(_) => ErrorCode::File,
            AppError::Storage(_) => ErrorCode::Storage,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(vec![e])
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("code", &self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        match self {
            AppError::Validation(errs) => {
                if let [one] = errs.as_slice() {
                    if let Some(f) = &one.field {
                        map.serialize_entry("field", f)?;
                    }
                    if let Some(r) = one.row {
                        map.serialize_entry("row", &r)?;
                    }
                    if !one.params.is_empty() {
                        map.serialize_entry("params", &one.params)?;
                    }
                }
                map.serialize_entry("details", errs)?;
            }
            AppError::Conflict(e) | AppError::Access(e) => {
                if !e.params.is_empty() {
                    map.serialize_entry("params", &e.params)?;
                }
                if let Some(f) = &e.field {
                    map.serialize_entry("field", f)?;
                }
                map.serialize_entry("details", std::slice::from_ref(e))?;
            }
            AppError::NotFound { entity, id } => {
                let params: BTreeMap<&str, &str> = [("entity", *entity), ("id", id.as_str())].into();
                map.serialize_entry("params", &params)?;
            }
            AppError::File(_) | AppError::Storage(_) => {}
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_field_error_serialises_with_field_and_code() {
        let e = AppError::field("id_number", ErrorCode::IdNumberLength, "must have 12 digits").to_wire();
        assert_eq!(e["code"], "id_number.length");
        assert_eq!(e["field"], "id_number");
        assert_eq!(e["details"][0]["message"], "must have 12 digits");
    }

    #[test]
    fn several_errors_serialise_as_details() {
        let e = AppError::Validation(vec![
            FieldError::new("full_name", ErrorCode::Required, "required"),
            FieldError::new("sex", ErrorCode::SexInvalid, "unknown").at_row(3),
        ])
        .to_wire();
        assert_eq!(e["code"], "validation");
        assert!(e.get("field").is_none());
        assert_eq!(e["details"][1]["row"], 3);
    }

    impl AppError {
        fn to_wire(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}
