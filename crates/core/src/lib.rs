//! ansinh core: the domain's vocabulary (model), its rules (validation of ID numbers, names,
//! money and dates) and the indicators computed from payment events. Pure code: no database,
//! no files, no Tauri, so every rule is unit-tested headless and shared by app, CLI and imports.
#![forbid(unsafe_code)]

pub mod allowance;
pub mod auth;
pub mod censoring;
pub mod check;
pub mod codes;
pub mod dates;
pub mod decisions;
pub mod declines;
pub mod duplicates;
pub mod error;
pub mod facts;
pub mod followup;
pub mod grievances;
pub mod idnum;
pub mod indicators;
pub mod inputs;
pub mod km;
pub mod measures;
pub mod model;
pub mod money;
pub mod privacy;
pub mod records;
pub mod segments;
pub mod stats;
pub mod text;
pub mod validate;
pub mod verification;

pub use codes::ErrorCode;
pub use error::{AppError, FieldError};
