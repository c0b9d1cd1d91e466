//! Loading the administrative unit list (codes, names, levels) an administrator maintains.
//! Columns: `code`/`Mã`, `name`/`Tên`, `level`/`Cấp`, `parent_code`/`Mã cấp trên`,
//! optional `valid_from`/`Hiệu lực từ`, `valid_to`/`Hiệu lực đến` and `sample`. A code whose unit
//! changed (a new unit reusing a merged unit's code) keeps the old unit in the history
//! (`Store::upsert_units`).

use crate::table::Table;
use ansinh_core::ErrorCode;
use ansinh_core::{AppError, FieldError, text};
use ansinh_store::UnitView;

fn column(t: &Table, names: &[&str]) -> Option<usize> {
    t.headers.iter().position(|h| names.contains(&text::fold(h).as_str()))
}

pub fn units_from_table(t: &Table) -> Result<Vec<UnitView>, AppError> {
    let need = |field: &str, names: &[&str]| {
        column(t, names).ok_or_else(|| {
            FieldError::new(field, ErrorCode::ImportHeaderMissing, format!("no column for {field}"))
                .param("column", field)
                .at_row(1)
        })
    };
    let (code, name, level) =
        match (need("code", &["code", "ma"]), need("name", &["name", "ten"]), need("level", &["level", "cap"])) {
            (Ok(c), Ok(n), Ok(l)) => (c, n, l),
            (c, n, l) => return Err(AppError::Validation([c.err(), n.err(), l.err()].into_iter().flatten().collect())),
        };
    let parent = column(t, &["parent_code", "ma cap tren"]);
    let valid_from = column(t, &["valid_from", "hieu luc tu"]);
    let valid_to = column(t, &["valid_to", "hieu luc den"]);
    let sample = column(t, &["sample", "mau"]);
    let mut errors = Vec::new();
    let mut units = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        let cell = |c: Option<usize>| c.and_then(|c| r.get(c)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let row_no = t.first_row + i;
        let lvl = match text::fold(&cell(Some(level)).unwrap_or_default()).as_str() {
            "province" | "tinh" | "thanh pho" => "province",
            "district" | "huyen" | "quan" => "district",
            "ward" | "phuong" => "ward",
            "commune" | "xa" => "commune",
            _ => {
                errors.push(
                    FieldError::new(
                        "level",
                        ErrorCode::StatusInvalid,
                        "level must be province, district, ward or commune",
                    )
                    .at_row(row_no),
                );
                continue;
            }
        };
        // Validity dates as typed (dd/mm/yyyy or ISO), stored ISO; a bad one names its row.
        let mut day = |field: &str, c: Option<usize>| match cell(c) {
            None => None,
            Some(raw) => match ansinh_core::dates::parse_date(field, &raw) {
                Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
                Err(e) => {
                    errors.push(e.at_row(row_no));
                    None
                }
            },
        };
        let (from, to) = (day("valid_from", valid_from), day("valid_to", valid_to));
        let (Some(c), Some(n)) = (cell(Some(code)), cell(Some(name))) else {
            errors.push(FieldError::new("code", ErrorCode::Required, "code and name are required").at_row(row_no));
            continue;
        };
        units.push(UnitView {
            code: c,
            name: n,
            level: lvl.into(),
            parent_code: cell(parent),
            is_sample: cell(sample).is_some_and(|s| matches!(text::fold(&s).as_str(), "1" | "x" | "yes" | "co")),
            valid_from: from,
            valid_to: to,
        });
    }
    if errors.is_empty() { Ok(units) } else { Err(AppError::Validation(errors)) }
}

/// One old→new row of the units' mapping (e.g. Resolution 1656/NQ-UBTVQH15 for Hà Nội).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMapping {
    pub old_code: String,
    pub new_code: String,
    /// ISO date.
    pub effective_from: String,
    /// The file's row, for errors found against the units.
    pub row: usize,
}

/// Columns `old_code`/`Mã cũ`, `new_code`/`Mã mới`, `effective_from`/`Hiệu lực từ` (dd/mm/yyyy
/// or ISO). Every bad row is named; nothing is returned unless every row is good.
pub fn mappings_from_table(t: &Table) -> Result<Vec<UnitMapping>, AppError> {
    let need = |field: &str, names: &[&str]| {
        column(t, names).ok_or_else(|| {
            FieldError::new(field, ErrorCode::ImportHeaderMissing, format!("no column for {field}"))
                .param("column", field)
                .at_row(1)
        })
    };
    let (old, new, from) = match (
        need("old_code", &["old_code", "ma cu"]),
        need("new_code", &["new_code", "ma moi"]),
        need("effective_from", &["effective_from", "hieu luc tu"]),
    ) {
        (Ok(o), Ok(n), Ok(f)) => (o, n, f),
        (o, n, f) => return Err(AppError::Validation([o.err(), n.err(), f.err()].into_iter().flatten().collect())),
    };
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        let row_no = t.first_row + i;
        let cell = |c: usize| r.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
        let (o, n) = (cell(old), cell(new));
        if o.is_empty() || n.is_empty() {
            errors.push(FieldError::new("old_code", ErrorCode::Required, "both codes are required").at_row(row_no));
            continue;
        }
        match ansinh_core::dates::parse_date("effective_from", &cell(from)) {
            Ok(d) => rows.push(UnitMapping {
                old_code: o,
                new_code: n,
                effective_from: d.format("%Y-%m-%d").to_string(),
                row: row_no,
            }),
            Err(e) => errors.push(e.at_row(row_no)),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(AppError::Validation(errors)) }
}
