//! Importing a beneficiary list. All-or-nothing: every row is checked first and any error
//! means nothing is written, with a per-row report. Idempotent: a person already registered
//! (same 12-digit ID, or same legacy CMND) is left unchanged, so re-importing adds nothing.

use crate::table::{self, Table};
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::model::Disability;
use ansinh_core::{AppError, FieldError, text, validate};
use ansinh_store::{Batch, Refs, Store};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// What an import did (or, on error, would have done: nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub added: usize,
    /// Already registered: left as they are.
    pub unchanged: usize,
    /// Rows with only an old 9-digit CMND: imported, but the 12-digit number must be obtained.
    pub legacy_rows: Vec<usize>,
}

/// The accepted header texts per field, compared accent-folded and lower-case.
const HEADERS: &[(&str, &[&str])] = &[
    ("full_name", &["ho va ten", "ho ten", "ho, ten", "full name", "name", "full_name"]),
    (
        "birth_date",
        &["ngay sinh", "ngay thang nam sinh", "nam sinh", "birth date", "date of birth", "birth year", "birth_date"],
    ),
    ("sex", &["gioi tinh", "sex", "gender"]),
    (
        "id_number",
        &[
            "so dinh danh",
            "so dinh danh ca nhan",
            "so cccd",
            "cccd",
            "so cccd/cmnd",
            "so cmnd/cccd",
            "cmnd/cccd",
            "so cmnd",
            "id number",
            "id_number",
        ],
    ),
    ("ward_code", &["ma xa/phuong", "ma xa", "ma phuong", "ma xa, phuong", "ma don vi", "ward code", "ward_code"]),
    (
        "residential_group",
        &["to dan pho", "thon/to", "thon, to dan pho", "to", "residential group", "residential_group"],
    ),
    ("phone", &["so dien thoai", "dien thoai", "sdt", "phone"]),
    ("group_code", &["nhom doi tuong", "doi tuong", "ma nhom", "allowance group", "group", "group_code"]),
    ("disability", &["muc do khuyet tat", "khuyet tat", "disability"]),
    ("lives_alone", &["song mot minh", "lives alone", "lives_alone"]),
    ("limited_mobility", &["han che di lai", "limited mobility", "limited_mobility"]),
    ("vision_hearing", &["khiem thi/khiem thinh", "khiem thi, khiem thinh", "vision/hearing", "vision_hearing"]),
    ("no_smartphone", &["khong co dien thoai thong minh", "no smartphone", "no_smartphone"]),
    ("bedridden", &["nam liet giuong", "liet giuong", "bedridden"]),
    ("authorised_name", &["nguoi duoc uy quyen", "nguoi uy quyen", "authorised person", "authorised_name"]),
    ("authorised_id_number", &["so dinh danh nguoi duoc uy quyen", "authorised person id", "authorised_id_number"]),
    ("authorised_relation", &["quan he", "quan he voi nguoi huong", "relation", "authorised_relation"]),
    ("id_override_reason", &["ly do sai lech", "override reason", "id_override_reason"]),
];

const REQUIRED: &[&str] = &["full_name", "birth_date", "sex", "id_number", "ward_code", "group_code"];

/// Which column holds which field; unknown columns are ignored.
pub fn map_headers(headers: &[String]) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let key = text::fold(h);
        let key = key.trim_end_matches([':', '*']).trim();
        if let Some((field, _)) = HEADERS.iter().find(|(_, names)| names.contains(&key)) {
            map.entry(*field).or_insert(i);
        }
    }
    let missing: Vec<FieldError> = REQUIRED
        .iter()
        .filter(|f| !map.contains_key(*f))
        .map(|f| FieldError::new(f, "import.header_missing", format!("no column for {f}")).param("column", f).at_row(1))
        .collect();
    if missing.is_empty() { Ok(map) } else { Err(missing) }
}

fn yes(s: &str) -> bool {
    matches!(text::fold(s).as_str(), "x" | "co" | "1" | "yes" | "true" | "v")
}

/// Officers write "nặng", "đặc biệt nặng"; the codes work too.
fn disability_code(s: &str) -> String {
    match text::fold(s).as_str() {
        "" | "khong" | "none" => String::new(),
        "nang" | "severe" => Disability::Severe.as_str().into(),
        "dac biet nang" | "particularly severe" | "particularly_severe" => {
            Disability::ParticularlySevere.as_str().into()
        }
        _ => s.to_string(),
    }
}

/// A group given by its code or by its Vietnamese or English name.
fn group_code(refs: &Refs, s: &str) -> String {
    let key = text::fold(s);
    refs.groups
        .iter()
        .find(|g| g.code == s.trim() || text::fold(&g.name_vi) == key || text::fold(&g.name_en) == key)
        .map_or_else(|| s.trim().to_string(), |g| g.code.clone())
}

/// Excel stores an ID typed as a number without its leading zeros (001… becomes 1…): a number
/// of 10-11 digits in the ID column is padded back to 12, one of 8 digits to a 9-digit CMND.
fn restore_leading_zeros(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        match s.len() {
            10 | 11 => return format!("{s:0>12}"),
            8 => return format!("{s:0>9}"),
            _ => {}
        }
    }
    s.to_string()
}

pub fn row_input(map: &HashMap<&'static str, usize>, row: &[String], refs: &Refs) -> BeneficiaryInput {
    let get = |f: &str| map.get(f).and_then(|&i| row.get(i)).map(String::as_str).unwrap_or("").trim().to_string();
    let mut input = BeneficiaryInput {
        full_name: get("full_name"),
        birth_date: get("birth_date"),
        sex: get("sex"),
        id_number: restore_leading_zeros(&get("id_number")),
        id_override_reason: get("id_override_reason"),
        ward_code: get("ward_code"),
        residential_group: get("residential_group"),
        phone: get("phone"),
        group_code: group_code(refs, &get("group_code")),
        disability: disability_code(&get("disability")),
        authorised_name: get("authorised_name"),
        authorised_id_number: get("authorised_id_number"),
        authorised_relation: get("authorised_relation"),
        ..BeneficiaryInput::default()
    };
    input.needs.lives_alone = yes(&get("lives_alone"));
    input.needs.limited_mobility = yes(&get("limited_mobility"));
    input.needs.vision_hearing = yes(&get("vision_hearing"));
    input.needs.no_smartphone = yes(&get("no_smartphone"));
    input.needs.bedridden = yes(&get("bedridden"));
    input
}

pub async fn import_beneficiaries_file(store: &Store, path: &Path, today: NaiveDate) -> Result<ImportReport, AppError> {
    let table = table::read(path)?;
    import_beneficiaries(store, &table, today).await
}

pub async fn import_beneficiaries(store: &Store, table: &Table, today: NaiveDate) -> Result<ImportReport, AppError> {
    let map = map_headers(&table.headers).map_err(AppError::Validation)?;
    let refs = store.refs().await?;
    let existing = store.registered_ids().await?;
    let mut report = ImportReport::default();
    let mut errors = Vec::new();
    let mut batch = Batch::default();
    // Which row first used an ID in this file: a second row with it is an error, not a merge.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let row_no = table.first_row + i;
        report.rows += 1;
        match validate::beneficiary(&row_input(&map, row, &refs), &refs, today) {
            Err(errs) => errors.extend(errs.into_iter().map(|e| e.at_row(row_no))),
            Ok(b) => {
                let key = b.id_number.clone().or_else(|| b.legacy_id_number.clone()).expect("one of them is set");
                if let Some(first) = seen.insert(key.clone(), row_no) {
                    errors.push(
                        FieldError::new(
                            "id_number",
                            "id_number.duplicate",
                            "the same ID number appears twice in the file",
                        )
                        .param("row", first)
                        .at_row(row_no),
                    );
                } else if existing.contains(&key) {
                    report.unchanged += 1;
                } else {
                    if b.id_number.is_none() {
                        report.legacy_rows.push(row_no);
                    }
                    batch.beneficiaries.push(b);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    report.added = batch.beneficiaries.len();
    store.insert_batch(&batch).await?;
    Ok(report)
}
