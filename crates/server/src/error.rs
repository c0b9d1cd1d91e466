//! Why the storage refused records: the same stable codes as a bundle import
//! (`exchange.tampered`, `.fork`, `.chain_broken`, `.key_mismatch`...).

use ansinh_core::ErrorCode;
use ansinh_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    #[error("storage: {0}")]
    Storage(String),
}

impl RecordError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> RecordError {
        RecordError::Refused { code, message: message.into() }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            RecordError::Refused { code, .. } => *code,
            RecordError::Storage(_) => ErrorCode::Storage,
        }
    }
}

impl From<StoreError> for RecordError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(f) => RecordError::Refused { code: f.code, message: f.message },
            other => RecordError::Storage(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for RecordError {
    fn from(e: sqlx::Error) -> Self {
        RecordError::Storage(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for RecordError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        RecordError::Storage(e.to_string())
    }
}
