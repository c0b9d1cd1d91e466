//! A payer's payout report for one cycle (issue 15): the post office's, bank's or Mobile Money
//! payer's list of who was paid out, on which day, how much and where. Columns are matched by
//! their headers (Vietnamese or English, without tones or case) or by the officer's mapping
//! (remembered per set of headers, like the beneficiary import); places are read in the payers'
//! own words ("Bưu điện", "Tại quầy", "Người nhận thay"…). Matching and the all-or-nothing
//! write are the store's `import_payouts`: the typed form's rules, one implementation.

use crate::import::{Mapping, MappingProposal, restore_leading_zeros};
use crate::table::{self, Table};
use ansinh_core::inputs::WithdrawalInput;
use ansinh_core::model::{Channel, WithdrawalPlace};
use ansinh_core::{AppError, ErrorCode, FieldError, dates, idnum, text};
use ansinh_store::{PayoutMeta, PayoutReport, PayoutRow, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Accepted headers per field, compared accent-folded and lower-case.
const HEADERS: &[(&str, &[&str])] = &[
    (
        "reference",
        &[
            "ma giao dich",
            "so tham chieu",
            "ma tham chieu",
            "ma thanh toan",
            "ma chi tra",
            "so giao dich",
            "reference",
            "payment reference",
            "payment id",
        ],
    ),
    (
        "id_number",
        &["so dinh danh", "so cccd", "cccd", "so dinh danh ca nhan", "so cmnd/cccd", "id number", "id_number"],
    ),
    ("full_name", &["ho va ten", "ho ten", "ten nguoi nhan", "full name", "name", "full_name"]),
    (
        "withdrawn_on",
        &[
            "ngay nhan",
            "ngay nhan tien",
            "ngay chi tra",
            "ngay chi",
            "ngay rut",
            "ngay rut tien",
            "ngay linh",
            "date received",
            "received on",
            "paid on",
            "withdrawn on",
            "withdrawn_on",
            "date",
        ],
    ),
    (
        "amount",
        &[
            "so tien",
            "so tien nhan",
            "so tien da nhan",
            "so tien chi tra",
            "so tien da chi",
            "amount",
            "amount paid",
            "amount_vnd",
        ],
    ),
    (
        "place",
        &[
            "noi nhan",
            "nhan tai",
            "dia diem",
            "dia diem nhan",
            "hinh thuc nhan",
            "hinh thuc chi tra",
            "nguoi nhan",
            "place",
            "received at",
            "received by",
        ],
    ),
    (
        "travel_minutes",
        &["thoi gian di lai (phut)", "thoi gian di lai", "so phut di lai", "travel minutes", "travel_minutes"],
    ),
    ("travel_cost", &["chi phi di lai", "tien di lai", "travel cost", "travel_cost"]),
    (
        "waiting_minutes",
        &["thoi gian cho (phut)", "thoi gian cho", "so phut cho", "waiting minutes", "waiting_minutes"],
    ),
];

/// Columns every report needs (besides a reference or an ID number).
const REQUIRED: &[&str] = &["withdrawn_on", "place"];

/// Every field a column can be mapped to, in the order the mapping table lists them.
pub fn fields() -> Vec<&'static str> {
    HEADERS.iter().map(|(f, _)| *f).collect()
}

fn header_field(h: &str) -> Option<&'static str> {
    let key = text::fold(h);
    let key = key.trim_end_matches([':', '*']).trim();
    HEADERS.iter().find(|(_, names)| names.contains(&key)).map(|(f, _)| *f)
}

/// The automatic mapping: each column whose header is known, the first one per field.
pub fn auto_mapping(headers: &[String]) -> Mapping {
    let mut seen = BTreeSet::new();
    headers.iter().map(|h| header_field(h).filter(|f| seen.insert(*f)).map(str::to_string)).collect()
}

/// A place as payers write it (Vietnamese or English), or a code; with "assisted" for a
/// proxy. Anything else is returned as written (the form's rule then refuses it).
pub fn parse_place(raw: &str) -> (String, bool) {
    let k = text::fold(raw);
    let k = k.trim();
    if let Some(p) = WithdrawalPlace::parse(k) {
        return (p.as_str().into(), p == WithdrawalPlace::Proxy);
    }
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    let place = if has(&[
        "nguoi nhan thay",
        "nhan thay",
        "uy quyen",
        "proxy",
        "authoris",
        "authoriz",
        "nguoi nhan ho",
        "nhan ho",
    ]) {
        WithdrawalPlace::Proxy
    } else if has(&["tai nha", "home"]) {
        WithdrawalPlace::HomeDelivery
    } else if has(&["ubnd", "tru so", "ward office", "uy ban"]) {
        WithdrawalPlace::WardOffice
    } else if has(&["buu dien", "buu cuc", "post"]) {
        WithdrawalPlace::PostOffice
    } else if k == "atm" || has(&["atm", "cay rut tien", "may rut tien"]) {
        WithdrawalPlace::Atm
    } else if has(&["quay", "ngan hang", "counter", "bank"]) {
        WithdrawalPlace::BankCounter
    } else if has(&["dai ly", "agent", "diem giao dich"]) {
        WithdrawalPlace::Agent
    } else {
        return (raw.trim().to_string(), false);
    };
    (place.as_str().into(), place == WithdrawalPlace::Proxy)
}

/// Checks an officer's mapping: known fields, none twice, the required ones present.
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
    let mut missing: Vec<&str> = REQUIRED.iter().copied().filter(|f| !map.contains_key(f)).collect();
    if !map.contains_key("reference") && !map.contains_key("id_number") {
        missing.insert(0, "reference");
    }
    for f in missing {
        errors.push(
            FieldError::new(f, ErrorCode::ImportHeaderMissing, format!("no column for {f}"))
                .param("column", f)
                .at_row(1),
        );
    }
    if errors.is_empty() { Ok(map) } else { Err(errors) }
}

/// The mapping to propose: the one remembered for these headers (if it is a payout mapping),
/// else the automatic one.
pub async fn propose_mapping(store: &Store, headers: &[String]) -> Result<MappingProposal, AppError> {
    let known = |m: &Mapping| m.iter().flatten().all(|f| HEADERS.iter().any(|(n, _)| n == f));
    let remembered = store.import_mapping(headers).await?.filter(known);
    Ok(MappingProposal {
        headers: headers.to_vec(),
        remembered: remembered.is_some(),
        mapping: remembered.unwrap_or_else(|| auto_mapping(headers)),
        fields: fields(),
        required: REQUIRED,
    })
}

/// What the officer says about the report (the page's fields, the CLI's options), as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PayoutOptions {
    /// mm/yyyy (or yyyy-mm).
    pub period: String,
    /// dd/mm/yyyy, or empty: the report does not say it is complete.
    #[serde(default)]
    pub complete_to: String,
    /// A channel code (bank, ewallet, mobile_money, vneid, cash), or empty: every channel.
    #[serde(default)]
    pub channel: String,
    /// The payer as the officer names it ("Bưu điện Ba Đình").
    #[serde(default)]
    pub payer: String,
}

/// One row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PayoutPreviewRow {
    pub row: usize,
    /// `new`, `had` (already recorded) or `error`.
    #[ts(type = r#""new" | "had" | "error""#)]
    pub outcome: &'static str,
    pub reference: String,
    pub id_number: String,
    pub full_name: String,
    pub withdrawn_on: String,
    pub amount: String,
    /// The place code read from the payer's words.
    pub place: String,
    #[ts(type = "Array<FieldError>")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PayoutPreview {
    pub rows: usize,
    pub new_withdrawals: usize,
    pub already_had: usize,
    /// Rows with at least one error.
    pub error_rows: usize,
    /// The first [`PREVIEW_ROWS`] rows, then every row with an error.
    pub preview: Vec<PayoutPreviewRow>,
    /// Every error of the file (row, field and column named).
    #[ts(type = "Array<FieldError>")]
    pub errors: Vec<FieldError>,
    /// True when the file has no amount column: each row is the whole of what is left.
    pub whole_payment: bool,
}

pub const PREVIEW_ROWS: usize = 50;

/// SHA-256 of a file's bytes, hex (the report's `file_hash`).
pub fn file_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct Parsed {
    period: String,
    meta: PayoutMeta,
    rows: Vec<PayoutRow>,
    /// Cell errors (row, field, column).
    errors: Vec<FieldError>,
    map: HashMap<&'static str, usize>,
}

fn parse(
    table: &Table,
    mapping: &[Option<String>],
    options: &PayoutOptions,
    file_name: &str,
    hash: String,
) -> Result<Parsed, AppError> {
    if mapping.len() != table.headers.len() {
        return Err(AppError::File("the mapping does not fit the file's columns".into()));
    }
    let map = mapping_fields(mapping).map_err(AppError::Validation)?;
    let mut option_errors = Vec::new();
    let period = dates::parse_period("period", &options.period)
        .map(|(y, m)| dates::period_key(y, m))
        .map_err(|e| option_errors.push(e))
        .unwrap_or_default();
    let complete_to = match options.complete_to.trim() {
        "" => None,
        raw => dates::parse_date("complete_to", raw).map_err(|e| option_errors.push(e)).ok(),
    };
    let channel = match options.channel.trim() {
        "" => None,
        raw => {
            let c = Channel::parse(raw);
            if c.is_none() {
                option_errors
                    .push(FieldError::new("channel", ErrorCode::ChannelUnknown, "unknown channel").param("value", raw));
            }
            c
        }
    };
    if !option_errors.is_empty() {
        return Err(AppError::Validation(option_errors));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row_no = table.first_row + i;
        let get = |f: &str| map.get(f).and_then(|&c| cells.get(c)).map(|s| s.trim()).unwrap_or("");
        let reference = Some(get("reference").to_string()).filter(|s| !s.is_empty());
        let id_number = match get("id_number") {
            "" => None,
            raw => match idnum::parse_id_number("id_number", &restore_leading_zeros(raw)) {
                Ok((digits, _)) => Some(digits),
                Err(e) => {
                    errors.push(e.at_row(row_no));
                    continue;
                }
            },
        };
        if reference.is_none() && id_number.is_none() {
            errors.push(
                FieldError::new("reference", ErrorCode::Required, "a reference or an ID number is needed")
                    .at_row(row_no),
            );
            continue;
        }
        let (place, assisted) = parse_place(get("place"));
        // An amount column with an empty cell is an error (the form's "required"); no amount
        // column at all means the whole of what is left.
        let amount = if map.contains_key("amount") && get("amount").is_empty() {
            errors.push(FieldError::new("amount", ErrorCode::Required, "amount is required").at_row(row_no));
            continue;
        } else {
            get("amount").to_string()
        };
        rows.push(PayoutRow {
            row: row_no,
            reference,
            id_number,
            input: WithdrawalInput {
                payment_id: String::new(),
                withdrawn_on: get("withdrawn_on").to_string(),
                amount,
                place,
                travel_minutes: get("travel_minutes").to_string(),
                travel_cost: get("travel_cost").to_string(),
                waiting_minutes: get("waiting_minutes").to_string(),
                assisted,
                problems: vec![],
            },
        });
    }
    let meta = PayoutMeta {
        channel,
        payer: options.payer.trim().to_string(),
        complete_to,
        file_name: file_name.into(),
        file_hash: hash,
    };
    Ok(Parsed { period, meta, rows, errors, map })
}

/// Names each error's column (its header as the file writes it) beside its field.
fn name_columns(errors: &mut [FieldError], table: &Table, map: &HashMap<&'static str, usize>) {
    for e in errors {
        let column = e.field.as_deref().and_then(|f| {
            let f = if f == "payment_id" { "reference" } else { f };
            map.get(f).or_else(|| if f == "reference" { map.get("id_number") } else { None })
        });
        if let Some(h) = column.and_then(|&c| table.headers.get(c))
            && !e.params.contains_key("column")
        {
            e.params.insert("column".into(), h.clone());
        }
    }
}

/// Runs the store's checks on the rows that parsed: its report, or every error of the file
/// (cell errors and the store's); a refusal that is not about rows (no such cycle) as it is.
async fn check(
    store: &Store,
    p: &Parsed,
    ward: Option<&str>,
    today: NaiveDate,
    dry_run: bool,
) -> Result<Result<PayoutReport, Vec<FieldError>>, AppError> {
    match store.import_payouts(&p.period, ward, &p.rows, &p.meta, today, dry_run || !p.errors.is_empty()).await {
        Ok(r) if p.errors.is_empty() => Ok(Ok(r)),
        Ok(_) => Ok(Err(p.errors.clone())),
        Err(StoreError::Invalid(more)) => {
            let mut all = p.errors.clone();
            all.extend(more);
            all.sort_by_key(|e| e.row);
            Ok(Err(all))
        }
        Err(other) => Err(other.into()),
    }
}

/// Shows what importing the file would do; writes nothing but the remembered mapping.
#[allow(clippy::too_many_arguments)]
pub async fn preview_payouts(
    store: &Store,
    table: &Table,
    bytes: &[u8],
    file_name: &str,
    mapping: &[Option<String>],
    options: &PayoutOptions,
    ward: Option<&str>,
    today: NaiveDate,
) -> Result<PayoutPreview, AppError> {
    let p = parse(table, mapping, options, file_name, file_hash(bytes))?;
    store.remember_import_mapping(&table.headers, mapping).await?;
    let (report, mut errors) = match check(store, &p, ward, today, true).await? {
        Ok(r) => (Some(r), vec![]),
        Err(e) => (None, e),
    };
    name_columns(&mut errors, table, &p.map);
    let had: BTreeSet<usize> = report.as_ref().map(|r| r.had_rows.iter().copied().collect()).unwrap_or_default();
    let mut by_row: HashMap<usize, Vec<FieldError>> = HashMap::new();
    for e in &errors {
        if let Some(r) = e.row {
            by_row.entry(r).or_default().push(e.clone());
        }
    }
    let mut preview = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row_no = table.first_row + i;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let errs = by_row.remove(&row_no).unwrap_or_default();
        if preview.len() >= PREVIEW_ROWS && errs.is_empty() {
            continue;
        }
        let get = |f: &str| p.map.get(f).and_then(|&c| cells.get(c)).map(|s| s.trim().to_string()).unwrap_or_default();
        preview.push(PayoutPreviewRow {
            row: row_no,
            outcome: if !errs.is_empty() {
                "error"
            } else if had.contains(&row_no) {
                "had"
            } else {
                "new"
            },
            reference: get("reference"),
            id_number: get("id_number"),
            full_name: get("full_name"),
            withdrawn_on: get("withdrawn_on"),
            amount: get("amount"),
            place: parse_place(&get("place")).0,
            errors: errs,
        });
    }
    let error_rows = errors.iter().filter_map(|e| e.row).collect::<BTreeSet<_>>().len();
    Ok(PayoutPreview {
        rows: report.as_ref().map_or(p.rows.len() + error_rows, |r| r.rows),
        new_withdrawals: report.as_ref().map_or(0, |r| r.new_withdrawals),
        already_had: report.as_ref().map_or(0, |r| r.already_had),
        error_rows,
        preview,
        errors,
        whole_payment: !p.map.contains_key("amount"),
    })
}

/// Imports the file, all-or-nothing (with `dry_run`: checks only). Errors name row, field and
/// column.
#[allow(clippy::too_many_arguments)]
pub async fn apply_payouts(
    store: &Store,
    table: &Table,
    bytes: &[u8],
    file_name: &str,
    mapping: &[Option<String>],
    options: &PayoutOptions,
    ward: Option<&str>,
    today: NaiveDate,
    dry_run: bool,
) -> Result<PayoutReport, AppError> {
    let p = parse(table, mapping, options, file_name, file_hash(bytes))?;
    store.remember_import_mapping(&table.headers, mapping).await?;
    match check(store, &p, ward, today, dry_run).await? {
        Ok(r) => Ok(r),
        Err(mut errors) => {
            name_columns(&mut errors, table, &p.map);
            Err(AppError::Validation(errors))
        }
    }
}

/// The CLI's import: the file by its path, the automatic mapping.
pub async fn import_file(
    store: &Store,
    path: &Path,
    options: &PayoutOptions,
    ward: Option<&str>,
    today: NaiveDate,
    dry_run: bool,
) -> Result<PayoutReport, AppError> {
    let bytes = crate::limits::read_file(path, crate::limits::IMPORT_FILE_BYTES)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let table = table::read_bytes(&path.display().to_string(), &bytes)?;
    let mapping = auto_mapping(&table.headers);
    apply_payouts(store, &table, &bytes, &name, &mapping, options, ward, today, dry_run).await
}
