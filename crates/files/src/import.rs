//! Importing a beneficiary list. All-or-nothing: every row is checked first and any error
//! means nothing is written, with a per-row report. Idempotent: a person already registered
//! (same 12-digit ID, or same legacy CMND) is left unchanged, so re-importing adds nothing.

use crate::table::{self, Table};
use ansinh_core::ErrorCode;
use ansinh_core::duplicates::DuplicateKey;
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::model::Disability;
use ansinh_core::records::Beneficiary;
use ansinh_core::{AppError, FieldError, text, validate};
use ansinh_store::{Batch, PersonBrief, Refs, Store};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// What an import did (or, on error, would have done: nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportReport {
    pub rows: usize,
    pub added: usize,
    /// Already registered: left as they are.
    pub unchanged: usize,
    /// Rows with only an old 9-digit CMND: imported, but the 12-digit number must be obtained.
    pub legacy_rows: Vec<usize>,
    /// Possible duplicates left out / added with the officer's reason.
    pub skipped_duplicates: usize,
    pub kept_duplicates: usize,
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

/// Every field a column can be mapped to, in the order the mapping table lists them.
pub fn fields() -> Vec<&'static str> {
    HEADERS.iter().map(|(f, _)| *f).collect()
}

/// The fields every import needs a column for.
pub fn required_fields() -> &'static [&'static str] {
    REQUIRED
}

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
        .map(|f| {
            FieldError::new(f, ErrorCode::ImportHeaderMissing, format!("no column for {f}"))
                .param("column", f)
                .at_row(1)
        })
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
    let s = s.trim();
    // Codes first: folding every group's names for every row was a fifth of an import's time.
    if refs.groups.iter().any(|g| g.code == s) {
        return s.to_string();
    }
    let key = text::fold(s);
    refs.groups
        .iter()
        .find(|g| text::fold(&g.name_vi) == key || text::fold(&g.name_en) == key)
        .map_or_else(|| s.to_string(), |g| g.code.clone())
}

/// Excel stores an ID typed as a number without its leading zeros (001… becomes 1…): a number
/// of 10-11 digits in the ID column is padded back to 12, one of 8 digits to a 9-digit CMND.
pub(crate) fn restore_leading_zeros(s: &str) -> String {
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

/// Per column of the file: the field it fills, or None (ignored). What the officer edits.
pub type Mapping = Vec<Option<String>>;

/// The automatic proposal of [`map_headers`] as a per-column mapping (required fields may be
/// missing: the officer completes them).
pub fn auto_mapping(headers: &[String]) -> Mapping {
    let mut out = vec![None; headers.len()];
    let map = match map_headers(headers) {
        Ok(m) => m,
        Err(_) => {
            // Missing required columns still leave the others matched.
            let mut m = HashMap::new();
            for (i, h) in headers.iter().enumerate() {
                let key = text::fold(h);
                let key = key.trim_end_matches([':', '*']).trim();
                if let Some((field, _)) = HEADERS.iter().find(|(_, names)| names.contains(&key)) {
                    m.entry(*field).or_insert(i);
                }
            }
            m
        }
    };
    for (field, i) in map {
        out[i] = Some(field.to_string());
    }
    out
}

/// Checks an officer's mapping: known fields, none twice, every required field present.
pub fn mapping_fields(mapping: &[Option<String>]) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    let mut map = HashMap::new();
    let mut errors = Vec::new();
    for (i, f) in mapping.iter().enumerate() {
        let Some(f) = f.as_deref().filter(|f| !f.is_empty()) else { continue };
        match HEADERS.iter().find(|(name, _)| *name == f) {
            None => {
                errors.push(FieldError::new(f, ErrorCode::ImportFieldUnknown, "no such field").param("column", i + 1))
            }
            Some((name, _)) => {
                if map.insert(*name, i).is_some() {
                    errors.push(
                        FieldError::new(name, ErrorCode::ImportFieldTwice, "two columns are mapped to this field")
                            .param("column", i + 1),
                    );
                }
            }
        }
    }
    for f in REQUIRED {
        if !map.contains_key(f) {
            errors.push(
                FieldError::new(f, ErrorCode::ImportHeaderMissing, format!("no column for {f}"))
                    .param("column", f)
                    .at_row(1),
            );
        }
    }
    if errors.is_empty() { Ok(map) } else { Err(errors) }
}

/// The mapping to propose for a file: the one the officer chose last time for the same
/// headers, else the automatic one.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MappingProposal {
    pub headers: Vec<String>,
    pub mapping: Mapping,
    /// True when `mapping` is the one remembered for these headers.
    pub remembered: bool,
    pub fields: Vec<&'static str>,
    pub required: &'static [&'static str],
}

pub async fn propose_mapping(store: &Store, headers: &[String]) -> Result<MappingProposal, AppError> {
    let remembered = store.import_mapping(headers).await?;
    Ok(MappingProposal {
        headers: headers.to_vec(),
        remembered: remembered.is_some(),
        mapping: remembered.unwrap_or_else(|| auto_mapping(headers)),
        fields: fields(),
        required: REQUIRED,
    })
}

/// What the officer decided for possible duplicates (required when there are any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DuplicateDecision {
    /// true: keep both (with `reason`); false: leave the flagged rows out.
    pub keep: bool,
    #[serde(default)]
    pub reason: String,
}

/// One row as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PreviewRow {
    pub row: usize,
    /// `add`, `unchanged`, `duplicate` or `error`.
    #[ts(type = r#""add" | "unchanged" | "duplicate" | "error""#)]
    pub outcome: &'static str,
    pub full_name: String,
    /// ISO date, or the year alone.
    pub birth: String,
    pub sex: String,
    pub id_number: String,
    pub ward_code: String,
    pub group_code: String,
    // FieldError (crates/core/src/error.rs) is still hand-written in ui/src/lib/types.ts.
    #[ts(type = "Array<FieldError>")]
    pub errors: Vec<FieldError>,
}

/// A row flagged as a possible duplicate, with whom it may duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DuplicateView {
    pub row: usize,
    pub full_name: String,
    pub birth: String,
    pub ward_code: String,
    pub id_number: String,
    /// The registered person it looks like, or…
    pub existing: Option<PersonBrief>,
    /// …the earlier row of the same file it looks like.
    pub other_row: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct PreviewTotals {
    pub rows: usize,
    pub add: usize,
    pub unchanged: usize,
    /// Rows with at least one error.
    pub errors: usize,
    pub legacy: usize,
    pub duplicates: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportPreview {
    pub totals: PreviewTotals,
    /// The first [`PREVIEW_ROWS`] rows.
    pub rows: Vec<PreviewRow>,
    /// Every error of the file (row and field named), for the report.
    #[ts(type = "Array<FieldError>")]
    pub errors: Vec<FieldError>,
    pub duplicates: Vec<DuplicateView>,
}

pub const PREVIEW_ROWS: usize = 20;

/// Everything one pass over the file finds; preview and apply share it.
struct Analysis {
    rows: usize,
    unchanged: usize,
    legacy_rows: Vec<usize>,
    errors: Vec<FieldError>,
    error_rows: BTreeSet<usize>,
    /// New people, in file order, with their row.
    new: Vec<(usize, Beneficiary)>,
    duplicates: Vec<DuplicateView>,
    preview: Vec<PreviewRow>,
}

fn birth_text(b: &Beneficiary) -> String {
    b.birth_date.map_or_else(|| b.birth_year.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

async fn analyse(
    store: &Store,
    table: &Table,
    map: &HashMap<&'static str, usize>,
    today: NaiveDate,
) -> Result<Analysis, AppError> {
    let refs = store.refs().await?;
    let existing = store.registered_ids().await?;
    let mut a = Analysis {
        rows: 0,
        unchanged: 0,
        legacy_rows: vec![],
        errors: vec![],
        error_rows: BTreeSet::new(),
        new: vec![],
        duplicates: vec![],
        preview: vec![],
    };
    // Which row first used an ID in this file: a second row with it is an error, not a merge.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let row_no = table.first_row + i;
        a.rows += 1;
        let input = row_input(map, row, &refs);
        let (outcome, shown, errs) = match validate::beneficiary(&input, &refs, today) {
            Err(errs) => ("error", None, errs.into_iter().map(|e| e.at_row(row_no)).collect()),
            Ok(b) => {
                let key = b.id_number.clone().or_else(|| b.legacy_id_number.clone()).expect("one of them is set");
                if let Some(first) = seen.insert(key.clone(), row_no) {
                    let e = FieldError::new(
                        "id_number",
                        ErrorCode::IdNumberDuplicate,
                        "the same ID number appears twice in the file",
                    )
                    .param("row", first)
                    .at_row(row_no);
                    ("error", Some(b), vec![e])
                } else if existing.contains(&key) {
                    a.unchanged += 1;
                    ("unchanged", Some(b), vec![])
                } else {
                    if b.id_number.is_none() {
                        a.legacy_rows.push(row_no);
                    }
                    a.new.push((row_no, b.clone()));
                    ("add", Some(b), vec![])
                }
            }
        };
        if !errs.is_empty() {
            a.error_rows.insert(row_no);
        }
        if a.preview.len() < PREVIEW_ROWS {
            a.preview.push(match &shown {
                Some(b) => PreviewRow {
                    row: row_no,
                    outcome,
                    full_name: b.full_name.clone(),
                    birth: birth_text(b),
                    sex: b.sex.as_str().into(),
                    id_number: b.id_number.clone().or_else(|| b.legacy_id_number.clone()).unwrap_or_default(),
                    ward_code: b.ward_code.clone(),
                    group_code: b.group_code.clone(),
                    errors: errs.clone(),
                },
                None => PreviewRow {
                    row: row_no,
                    outcome,
                    full_name: input.full_name.clone(),
                    birth: input.birth_date.clone(),
                    sex: input.sex.clone(),
                    id_number: input.id_number.clone(),
                    ward_code: input.ward_code.clone(),
                    group_code: input.group_code.clone(),
                    errors: errs.clone(),
                },
            });
        }
        a.errors.extend(errs);
    }
    find_duplicates(store, &mut a).await?;
    Ok(a)
}

/// Flags new rows whose [`DuplicateKey`] matches a registered person of the same ward or
/// an earlier new row of the file (the earlier row stays unflagged: one of the two is kept).
async fn find_duplicates(store: &Store, a: &mut Analysis) -> Result<(), AppError> {
    let wards: BTreeSet<String> = a.new.iter().map(|(_, b)| b.ward_code.clone()).collect();
    let wards: Vec<String> = wards.into_iter().collect();
    let people = store.people_in_wards(&wards).await?;
    type Bucket = (String, String, i32);
    let mut registered: HashMap<Bucket, Vec<(DuplicateKey, &PersonBrief)>> = HashMap::new();
    for p in &people {
        let birth = p.birth_date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let k = DuplicateKey::new(&p.full_name, &p.ward_code, p.birth_year, birth);
        registered.entry(k.bucket()).or_default().push((k, p));
    }
    let mut in_file: HashMap<Bucket, Vec<(DuplicateKey, usize)>> = HashMap::new();
    for (row, b) in &a.new {
        let k = DuplicateKey::of(b);
        let existing =
            registered.get(&k.bucket()).and_then(|v| v.iter().find(|(pk, _)| pk.matches(&k))).map(|(_, p)| *p);
        let other_row = in_file.get(&k.bucket()).and_then(|v| v.iter().find(|(fk, _)| fk.matches(&k))).map(|(_, r)| *r);
        if existing.is_some() || other_row.is_some() {
            a.duplicates.push(DuplicateView {
                row: *row,
                full_name: b.full_name.clone(),
                birth: birth_text(b),
                ward_code: b.ward_code.clone(),
                id_number: b.id_number.clone().or_else(|| b.legacy_id_number.clone()).unwrap_or_default(),
                existing: existing.cloned(),
                other_row: if existing.is_some() { None } else { other_row },
            });
        }
        in_file.entry(k.bucket()).or_default().push((k, *row));
    }
    let dup_rows: BTreeSet<usize> = a.duplicates.iter().map(|d| d.row).collect();
    for p in &mut a.preview {
        if dup_rows.contains(&p.row) {
            p.outcome = "duplicate";
        }
    }
    Ok(())
}

/// Checks a file with the officer's mapping and shows what importing it would do; writes
/// nothing but the remembered mapping.
pub async fn preview_import(
    store: &Store,
    table: &Table,
    mapping: &[Option<String>],
    today: NaiveDate,
) -> Result<ImportPreview, AppError> {
    if mapping.len() != table.headers.len() {
        return Err(AppError::File("the mapping does not fit the file's columns".into()));
    }
    let map = mapping_fields(mapping).map_err(AppError::Validation)?;
    store.remember_import_mapping(&table.headers, mapping).await?;
    let a = analyse(store, table, &map, today).await?;
    let dup = a.duplicates.len();
    Ok(ImportPreview {
        totals: PreviewTotals {
            rows: a.rows,
            add: a.new.len() - dup,
            unchanged: a.unchanged,
            errors: a.error_rows.len(),
            legacy: a.legacy_rows.len(),
            duplicates: dup,
        },
        rows: a.preview,
        errors: a.errors,
        duplicates: a.duplicates,
    })
}

/// Imports a file with the officer's mapping, all-or-nothing: any row with an error means
/// nothing is written; possible duplicates need `decision` (skip them, or keep them with a
/// reason saved on each kept person). People already registered are left unchanged.
pub async fn apply_import(
    store: &Store,
    table: &Table,
    mapping: &[Option<String>],
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    if mapping.len() != table.headers.len() {
        return Err(AppError::File("the mapping does not fit the file's columns".into()));
    }
    let map = mapping_fields(mapping).map_err(AppError::Validation)?;
    store.remember_import_mapping(&table.headers, mapping).await?;
    import_with(store, table, &map, decision, today).await
}

async fn import_with(
    store: &Store,
    table: &Table,
    map: &HashMap<&'static str, usize>,
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let a = analyse(store, table, map, today).await?;
    if !a.errors.is_empty() {
        return Err(AppError::Validation(a.errors));
    }
    let dup_rows: BTreeSet<usize> = a.duplicates.iter().map(|d| d.row).collect();
    let mut report = ImportReport { rows: a.rows, unchanged: a.unchanged, ..ImportReport::default() };
    if !dup_rows.is_empty() {
        match decision {
            None => {
                return Err(AppError::Validation(vec![
                    FieldError::new(
                        "duplicates",
                        ErrorCode::ImportDuplicatesUndecided,
                        "some rows may be people already registered: skip them or keep them with a reason",
                    )
                    .param("count", dup_rows.len()),
                ]));
            }
            Some(d) if d.keep && d.reason.trim().is_empty() => {
                return Err(AppError::field(
                    "duplicate_reason",
                    ErrorCode::DuplicateReasonRequired,
                    "keeping possible duplicates needs a reason",
                ));
            }
            Some(_) => {}
        }
    }
    let keep = decision.is_some_and(|d| d.keep);
    let mut batch = Batch::default();
    for (row, mut b) in a.new {
        if dup_rows.contains(&row) {
            if !keep {
                report.skipped_duplicates += 1;
                continue;
            }
            b.duplicate_reason = decision.map(|d| d.reason.trim().to_string()).unwrap_or_default();
            report.kept_duplicates += 1;
        }
        if b.id_number.is_none() {
            report.legacy_rows.push(row);
        }
        batch.beneficiaries.push(b);
    }
    report.added = batch.beneficiaries.len();
    store.insert_batch(&batch).await?;
    Ok(report)
}

pub async fn import_beneficiaries_file(
    store: &Store,
    path: &Path,
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let table = table::read(path)?;
    import_beneficiaries(store, &table, decision, today).await
}

/// The CLI's import: headers matched automatically.
pub async fn import_beneficiaries(
    store: &Store,
    table: &Table,
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let map = map_headers(&table.headers).map_err(AppError::Validation)?;
    import_with(store, table, &map, decision, today).await
}
