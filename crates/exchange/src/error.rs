//! Why a bundle or receipt was refused: each has a stable code the UI translates.

use crate::limits::Oversize;
use ansinh_core::ErrorCode;
use ansinh_core::{AppError, FieldError};
use ansinh_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("this bundle is not addressed to this office (encrypted to another key)")]
    NotForThisOffice,
    #[error("the bundle is damaged or truncated")]
    Damaged,
    #[error("not an ansinh bundle")]
    NotABundle,
    #[error("the signature does not match: the bundle was changed or signed by another key")]
    BadSignature,
    #[error("bundle format {0} is not supported")]
    Format(u32),
    #[error("this bundle was already imported: nothing new")]
    Replayed,
    #[error("invalid key: {0}")]
    BadKey(String),
    #[error("no office to send to: add its public key first")]
    NoRecipient,
    #[error("nothing to send after seq {0}")]
    NothingToSend(i64),
    /// Past one of the caps of `limits` (`file`: the file's name, when the door knows it).
    #[error("{}{}: more than {}: refused, nothing written", file.as_ref().map(|f| format!("{f}: ")).unwrap_or_default(), what.what(), limit_text(*what))]
    TooLarge { what: Oversize, file: Option<String> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn limit_text(what: Oversize) -> String {
    if what.is_count() { format!("{} records", what.limit()) } else { what.limit_text() }
}

impl ExchangeError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ExchangeError::Io(_) => ErrorCode::ExchangeIo,
            ExchangeError::NotForThisOffice => ErrorCode::ExchangeNotForThisOffice,
            ExchangeError::Damaged => ErrorCode::ExchangeDamaged,
            ExchangeError::NotABundle => ErrorCode::ExchangeNotABundle,
            ExchangeError::BadSignature => ErrorCode::ExchangeBadSignature,
            ExchangeError::Format(_) => ErrorCode::ExchangeFormat,
            ExchangeError::Replayed => ErrorCode::ExchangeReplayed,
            ExchangeError::BadKey(_) => ErrorCode::ExchangeBadKey,
            ExchangeError::NoRecipient => ErrorCode::ExchangeNoRecipient,
            ExchangeError::NothingToSend(_) => ErrorCode::ExchangeNothingToSend,
            ExchangeError::TooLarge { what, .. } => what.code(),
            ExchangeError::Store(_) => ErrorCode::Storage,
        }
    }

    /// Names the file a size refusal is about (the doors know it; the readers get bytes).
    pub fn about_file(self, name: &str) -> ExchangeError {
        match self {
            ExchangeError::TooLarge { what, .. } => ExchangeError::TooLarge { what, file: Some(name.to_string()) },
            other => other,
        }
    }

    /// The stable code of any refusal, the store's included (`exchange.tampered`, `.fork`...).
    pub fn full_code(&self) -> ErrorCode {
        match self {
            ExchangeError::Store(StoreError::Conflict(f)) => f.code,
            ExchangeError::Store(StoreError::Invalid(v)) if v.len() == 1 => v[0].code,
            other => other.code(),
        }
    }
}

impl From<ExchangeError> for AppError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Store(s) => s.into(),
            ExchangeError::Io(io) => AppError::File(io.to_string()),
            other => {
                let mut f = FieldError::new("bundle", other.code(), other.to_string());
                match &other {
                    ExchangeError::NothingToSend(s) => f = f.param("since", s.to_string()),
                    ExchangeError::TooLarge { what, file } => {
                        f = f.param("limit", what.limit_text());
                        if let Some(name) = file {
                            f = f.param("file", name);
                        }
                    }
                    _ => {}
                }
                AppError::Conflict(f)
            }
        }
    }
}
