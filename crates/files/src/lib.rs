//! Files in and out: beneficiary lists from officers' spreadsheets (CSV or XLSX, Vietnamese or
//! English headers), administrative unit lists, and CSV exports of the event tables.
#![forbid(unsafe_code)]

pub mod export;
pub mod followup;
pub mod import;
pub mod indicator_report;
pub mod layout;
pub mod limits;
pub mod payment_list;
pub mod payouts;
pub mod person;
pub mod reconcile;
pub mod report;
pub mod sanitise;
pub mod table;
pub mod units;
pub mod xlsx;
