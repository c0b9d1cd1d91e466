//! Storage failures, typed; they become the core's [`AppError`] at the boundary.

use ansinh_core::{AppError, ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not create the data folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(FieldError),
    /// A stored value that does not decode (a date, an id, an enum): the file was changed
    /// outside the app, or by a bug; never read as "no value".
    #[error("unexpected {what} in the database: {value}")]
    BadData { what: String, value: String },
    #[error("{entity} not found: {id}")]
    NotFound { entity: &'static str, id: String },
    /// Wrong password, locked account, wrong or missing database key (codes `auth.*`, `key.*`).
    #[error("{0}")]
    Access(FieldError),
}

impl StoreError {
    /// An I/O error on `path`, for `map_err`.
    pub(crate) fn at(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Folder { path: path.display().to_string(), source }
    }

    pub fn field(field: &str, code: ErrorCode, message: &str) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<Vec<FieldError>> for StoreError {
    fn from(errors: Vec<FieldError>) -> Self {
        StoreError::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => AppError::Validation(errors),
            StoreError::Conflict(e) => AppError::Conflict(e),
            StoreError::NotFound { entity, id } => AppError::NotFound { entity, id },
            StoreError::Access(e) => AppError::Access(e),
            other => AppError::Storage(other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
