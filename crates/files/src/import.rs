//! Importing a beneficiary list. All-or-nothing: every row is checked first and any error
//! means nothing is written, with a per-row report. Idempotent: a person already registered
//! (same 12-digit ID, or same legacy CMND) is left unchanged, so re-importing adds nothing.

use crate::layout::{self, SkippedRow};
use crate::table::{self, RawRows, Table};
use ansinh_core::ErrorCode;
use ansinh_core::duplicates::DuplicateKey;
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::model::{Disability, Sex};
use ansinh_core::records::Beneficiary;
use ansinh_core::validate::RefData;
use ansinh_core::{AppError, FieldError, dates, idnum, text, validate};
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
    /// Rows of the sheet that are no person (title, header, column numbers, totals,
    /// signatures, blank), with why.
    pub skipped: Vec<SkippedRow>,
}

/// The accepted header texts per field, compared accent-folded and lower-case.
const HEADERS: &[(&str, &[&str])] = &[
    ("full_name", &["ho va ten", "ho ten", "ho, ten", "full name", "name", "full_name"]),
    (
        "birth_date",
        &["ngay sinh", "ngay thang nam sinh", "nam sinh", "birth date", "date of birth", "birth year", "birth_date"],
    ),
    // A birth date written in the column of the person's sex (a "Ngày sinh" heading over "Nam"
    // and "Nữ" sub-columns): the column gives the sex. Combined labels "Ngày sinh / Nam" are
    // matched by `field_of`.
    ("birth_date_male", &["ngay sinh nam", "birth date male", "birth_date_male"]),
    ("birth_date_female", &["ngay sinh nu", "birth date female", "birth_date_female"]),
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
    (
        "ward_code",
        &[
            "ma xa/phuong",
            "ma xa",
            "ma phuong",
            "ma xa, phuong",
            "ma don vi",
            "ward code",
            "ward_code",
            // A column of ward names: read by name (`Refs::wards_named`).
            "phuong/xa",
            "xa/phuong",
            "phuong, xa",
            "xa, phuong",
            "ten phuong/xa",
            "ten xa/phuong",
            "phuong",
            "xa",
            "ward",
        ],
    ),
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

/// Labels of columns that are no field but say the row is a list's header (they help find it
/// under a title block).
const OTHER_LABELS: &[&str] =
    &["stt", "so tt", "ghi chu", "muc tro cap", "so tien", "ky nhan", "dia chi", "muc huong", "he so"];

/// The field a header label names: exactly one of the known names (accent-folded, lower
/// case), or a birth-date heading with a Nam / Nữ sub-label (the pair's column).
fn exact_field(label: &str) -> Option<&'static str> {
    let key = text::fold(label);
    let key = key.trim_end_matches([':', '*']).trim();
    if let Some((field, _)) = HEADERS.iter().find(|(_, names)| names.contains(&key)) {
        return Some(field);
    }
    let t = layout::tokens(label);
    if t.is_empty() {
        return None;
    }
    if let Some((rest, last)) = t.rsplit_once(' ') {
        let sex = match last {
            "nam" | "male" => Some("birth_date_male"),
            "nu" | "female" => Some("birth_date_female"),
            _ => None,
        };
        if let Some(pair) = sex.filter(|_| field_of(rest) == Some("birth_date")) {
            return Some(pair);
        }
    }
    NAME_TOKENS.iter().find(|(_, n)| *n == t).map(|(f, _)| *f)
}

/// Every known header name as [`layout::tokens`] gives it, with its field (folded once).
static NAME_TOKENS: std::sync::LazyLock<Vec<(&'static str, String)>> = std::sync::LazyLock::new(|| {
    HEADERS.iter().flat_map(|(f, names)| names.iter().map(move |n| (*f, layout::tokens(n)))).collect()
});

/// The field whose known name the label contains as whole words ("Số CCCD/Định danh" holds
/// "số cccd", "Địa chỉ / Tổ dân phố" holds "tổ dân phố"); names of one word are not looked
/// for inside other words, except the card names. The longest name found wins.
fn contained_field(label: &str) -> Option<&'static str> {
    let t = format!(" {} ", layout::tokens(label));
    let mut best: Option<(usize, &'static str)> = None;
    for (field, n) in NAME_TOKENS.iter() {
        if (n.contains(' ') || n == "cccd" || n == "cmnd")
            && t.contains(&format!(" {n} "))
            && best.is_none_or(|(len, _)| n.len() > len)
        {
            best = Some((n.len(), *field));
        }
    }
    best.map(|(_, f)| f)
}

fn field_of(label: &str) -> Option<&'static str> {
    exact_field(label).or_else(|| contained_field(label))
}

/// Which column holds which field (exact names first, then names inside longer labels, each
/// field once, leftmost first); unknown columns are ignored.
fn match_headers(headers: &[String]) -> HashMap<&'static str, usize> {
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(field) = exact_field(h) {
            map.entry(field).or_insert(i);
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if map.values().any(|&c| c == i) || exact_field(h).is_some() {
            continue;
        }
        if let Some(field) = contained_field(h) {
            map.entry(field).or_insert(i);
        }
    }
    map
}

/// How much a row of labels looks like a beneficiary list's header: two points per field it
/// names (the Nam / Nữ pair names birth date and sex), one per other known label.
pub fn header_score(labels: &[String]) -> usize {
    let map = match_headers(labels);
    let pair = map.contains_key("birth_date_male") && map.contains_key("birth_date_female");
    let others = labels.iter().filter(|l| OTHER_LABELS.contains(&layout::tokens(l).as_str())).count();
    2 * map.len() + if pair { 2 } else { 0 } + others
}

fn is_label(label: &str) -> bool {
    field_of(label).is_some() || OTHER_LABELS.contains(&layout::tokens(label).as_str())
}

/// A beneficiary list as officers keep it: the header found under any title block (one or two
/// rows, merged parents carried), the rows of people, and every skipped row with its reason.
pub fn read_list(raw: RawRows) -> Table {
    layout::locate(raw, &header_score, &is_label)
}

/// [`read_list`] of a file on disk.
pub fn read_list_file(path: &Path) -> Result<Table, AppError> {
    Ok(read_list(table::read_raw(path)?))
}

/// [`read_list`] of a file picked in the app.
pub fn read_list_bytes(name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    Ok(read_list(table::read_bytes_raw(name, bytes)?))
}

/// The required fields no column gives. A birth date written in a Nam / Nữ pair of columns
/// gives both birth date and sex; a ward chosen for the whole file stands for a ward column.
fn missing_required(map: &HashMap<&'static str, usize>, file_ward: bool) -> Vec<FieldError> {
    let pair = map.contains_key("birth_date_male") && map.contains_key("birth_date_female");
    REQUIRED
        .iter()
        .filter(|f| !map.contains_key(*f))
        .filter(|f| !(pair && matches!(**f, "birth_date" | "sex")))
        .filter(|f| !(file_ward && **f == "ward_code"))
        .map(|f| {
            FieldError::new(f, ErrorCode::ImportHeaderMissing, format!("no column for {f}"))
                .param("column", f)
                .at_row(1)
        })
        .collect()
}

/// Which column holds which field; unknown columns are ignored.
pub fn map_headers(headers: &[String]) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    let map = match_headers(headers);
    let missing = missing_required(&map, false);
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
/// of 10-11 digits in the ID column is padded back to 12 when that makes a valid number (a
/// known province code), one of 8 digits to a 9-digit CMND; anything else is left as written,
/// for the usual error.
pub(crate) fn restore_leading_zeros(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let padded = match s.len() {
            10 | 11 => format!("{s:0>12}"),
            8 => format!("{s:0>9}"),
            _ => return s.to_string(),
        };
        if idnum::parse_id_number("id_number", &padded).is_ok() {
            return padded;
        }
    }
    s.to_string()
}

/// A birth date as the date rules read it: an Excel date serial (a date cell saved without its
/// date format reads as a number of 5 digits, days since 30/12/1899) becomes dd/mm/yyyy; text
/// dates and bare years stay as written.
fn birth_text(raw: &str) -> String {
    let s = raw.trim();
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        let days: i64 = s.parse().expect("five ASCII digits");
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
        if let Some(d) = epoch.checked_add_signed(chrono::Duration::days(days)) {
            return dates::format_date(d);
        }
    }
    s.to_string()
}

/// The fields whose values are codes an officer may map a written value to.
pub const CODED_FIELDS: &[&str] = &["group_code", "disability", "sex", "ward_code"];

/// The code an officer chose for a value of a coded column that matches no code or name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ValueMapping {
    /// One of [`CODED_FIELDS`].
    pub field: String,
    /// As written in the file (compared accent-folded, case and spaces ignored).
    pub value: String,
    pub code: String,
}

/// What an import is told besides the column mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct ImportOptions {
    /// The ward of every row whose file has no ward column (or whose ward cell is empty),
    /// checked as a typed form's ward (`RefData::has_ward`) and, by the application layer, held
    /// to the user's ward.
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
    /// Codes for written values; with the ones remembered for the same headers (these win).
    pub values: Vec<ValueMapping>,
}

impl ImportOptions {
    fn ward(&self) -> Option<&str> {
        self.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty())
    }
}

/// A value of a coded column that matches no code or name and has no mapping: the preview
/// lists each once, for the officer to map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UnmappedValue {
    pub field: String,
    pub value: String,
    /// Rows holding it (the first 10).
    pub rows: Vec<usize>,
    pub count: usize,
}

/// Checks the chosen ward and value mappings against reference data.
fn check_options(refs: &Refs, opts: &ImportOptions) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(w) = opts.ward()
        && !refs.has_ward(w)
    {
        errors.push(
            FieldError::new("ward_code", ErrorCode::WardUnknown, "unknown ward or commune code").param("code", w),
        );
    }
    for v in &opts.values {
        let known = match v.field.as_str() {
            "group_code" => refs.has_group(v.code.trim()),
            "ward_code" => refs.has_ward(v.code.trim()),
            "disability" => Disability::parse(v.code.trim()).is_some(),
            "sex" => Sex::parse(v.code.trim()).is_some(),
            _ => {
                errors.push(
                    FieldError::new(&v.field, ErrorCode::ImportFieldUnknown, "values of this field are not mapped")
                        .param("column", &v.field),
                );
                continue;
            }
        };
        if !known {
            errors.push(
                FieldError::new(&v.field, ErrorCode::ImportValueCodeUnknown, "no such code for this field")
                    .param("value", &v.value)
                    .param("code", &v.code),
            );
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// Reads coded values: a code or a name, else the officer's mapping.
struct Resolver<'a> {
    refs: &'a Refs,
    ward: Option<String>,
    values: HashMap<(String, String), String>,
}

impl<'a> Resolver<'a> {
    /// `remembered` first, then `opts.values` over them.
    fn new(refs: &'a Refs, opts: &ImportOptions, remembered: &[(String, String, String)]) -> Self {
        let mut values = HashMap::new();
        for (field, value, code) in remembered {
            values.insert((field.clone(), text::fold(value)), code.clone());
        }
        for v in &opts.values {
            values.insert((v.field.clone(), text::fold(&v.value)), v.code.trim().to_string());
        }
        Resolver { refs, ward: opts.ward().map(str::to_string), values }
    }

    fn mapped(&self, field: &str, value: &str) -> Option<String> {
        self.values.get(&(field.to_string(), text::fold(value))).cloned()
    }

    /// A ward cell: a ward's code, or the name of exactly one current ward or commune.
    fn ward(&self, value: &str) -> Option<String> {
        let v = value.trim();
        if self.refs.has_ward(v) {
            return Some(v.to_string());
        }
        match self.refs.wards_named(v).as_slice() {
            [one] => Some(one.code.clone()),
            _ => None,
        }
    }

    /// Why a ward cell that is no code was not read as a name (none or several units have it),
    /// said in place of the form's "unknown code".
    fn ward_name_error(&self, value: &str) -> Option<FieldError> {
        let v = value.trim();
        if v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let found = self.refs.wards_named(v);
        Some(if found.is_empty() {
            FieldError::new("ward_code", ErrorCode::ImportWardNameUnknown, "no current ward or commune has this name")
                .param("value", v)
        } else {
            let units: Vec<String> = found.iter().map(|u| format!("{} ({})", u.name, u.code)).collect();
            FieldError::new(
                "ward_code",
                ErrorCode::ImportWardNameAmbiguous,
                "several current wards or communes have this name",
            )
            .param("value", v)
            .param("units", units.join(", "))
        })
    }

    /// The code for `value` of `field`, or the value as written and whether it is unmapped.
    fn code(&self, field: &str, value: &str) -> (String, bool) {
        let direct = match field {
            "group_code" => Some(group_code(self.refs, value)).filter(|c| self.refs.has_group(c)),
            "disability" => Some(disability_code(value)).filter(|c| c.is_empty() || Disability::parse(c).is_some()),
            "sex" => validate::parse_sex(field, value).ok().map(|s| s.as_str().to_string()),
            "ward_code" => self.ward(value),
            _ => Some(value.to_string()),
        };
        if value.trim().is_empty() {
            return (direct.unwrap_or_default(), false);
        }
        match direct.or_else(|| self.mapped(field, value)) {
            Some(c) => (c, false),
            None => (value.to_string(), true),
        }
    }
}

/// One row as typed input, the errors only the file's layout can make (a birth date in both
/// the Nam and the Nữ column, a sex column that says otherwise), and its unmapped values.
struct RowInput {
    input: BeneficiaryInput,
    errors: Vec<FieldError>,
    unmapped: Vec<(&'static str, String)>,
    /// Why the ward cell's name was not read (see [`Resolver::ward_name_error`]).
    ward_error: Option<FieldError>,
}

fn read_row(map: &HashMap<&'static str, usize>, row: &[String], r: &Resolver) -> RowInput {
    let get = |f: &str| map.get(f).and_then(|&i| row.get(i)).map(String::as_str).unwrap_or("").trim().to_string();
    let mut errors = Vec::new();
    let mut unmapped = Vec::new();
    // A ward cell: a code or a name; an empty one takes the file's ward.
    let ward = get("ward_code");
    let mut ward_error = None;
    let ward = if ward.is_empty() {
        r.ward.clone().unwrap_or_default()
    } else {
        let (code, missing) = r.code("ward_code", &ward);
        if missing {
            ward_error = r.ward_name_error(&ward);
            unmapped.push(("ward_code", ward));
        }
        code
    };
    let mut coded = |field: &'static str, value: String| {
        let (code, missing) = r.code(field, &value);
        if missing {
            unmapped.push((field, value));
        }
        code
    };
    let mut birth = get("birth_date");
    let mut sex = get("sex");
    let (male, female) = (get("birth_date_male"), get("birth_date_female"));
    if !male.is_empty() && !female.is_empty() {
        errors.push(
            FieldError::new(
                "birth_date",
                ErrorCode::ImportBirthBothSexes,
                "a birth date in both the Nam and the Nữ column",
            )
            .param("male", &male)
            .param("female", &female),
        );
    } else if male.is_empty() != female.is_empty() {
        let (date, of) = if male.is_empty() { (female, Sex::Female) } else { (male, Sex::Male) };
        if birth.is_empty() {
            birth = date;
        }
        let written = validate::parse_sex("sex", &sex).ok();
        if !sex.is_empty() && written.is_some_and(|w| w != of) {
            errors.push(
                FieldError::new(
                    "sex",
                    ErrorCode::ImportSexDisagrees,
                    "the sex column says otherwise than the birth date's column",
                )
                .param("sex", &sex),
            );
        }
        if sex.is_empty() || written.is_some() {
            sex = of.as_str().to_string();
        }
    }
    let mut input = BeneficiaryInput {
        full_name: get("full_name"),
        birth_date: birth_text(&birth),
        sex: coded("sex", sex),
        id_number: restore_leading_zeros(&get("id_number")),
        id_override_reason: get("id_override_reason"),
        ward_code: ward,
        residential_group: get("residential_group"),
        phone: get("phone"),
        group_code: coded("group_code", get("group_code")),
        disability: coded("disability", get("disability")),
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
    RowInput { input, errors, unmapped, ward_error }
}

/// The form's "unknown ward code" replaced by why the ward's name was not read.
fn explain_ward(mut errs: Vec<FieldError>, named: Option<FieldError>) -> Vec<FieldError> {
    if let Some(n) = named
        && let Some(e) =
            errs.iter_mut().find(|e| e.field.as_deref() == Some("ward_code") && e.code == ErrorCode::WardUnknown)
    {
        *e = n;
    }
    errs
}

pub fn row_input(map: &HashMap<&'static str, usize>, row: &[String], refs: &Refs) -> BeneficiaryInput {
    read_row(map, row, &Resolver::new(refs, &ImportOptions::default(), &[])).input
}

/// "A", "B", … "AA": a sheet column's letters.
fn column_letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// Per column of the file: the field it fills, or None (ignored). What the officer edits.
pub type Mapping = Vec<Option<String>>;

/// The automatic proposal of [`map_headers`] as a per-column mapping (required fields may be
/// missing: the officer completes them).
pub fn auto_mapping(headers: &[String]) -> Mapping {
    let mut out = vec![None; headers.len()];
    for (field, i) in match_headers(headers) {
        out[i] = Some(field.to_string());
    }
    out
}

/// Checks an officer's mapping: known fields, none twice, every required field present.
pub fn mapping_fields(mapping: &[Option<String>]) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
    mapping_fields_with(mapping, false)
}

/// [`mapping_fields`], with `file_ward` true when a ward is chosen for the whole file.
fn mapping_fields_with(
    mapping: &[Option<String>],
    file_ward: bool,
) -> Result<HashMap<&'static str, usize>, Vec<FieldError>> {
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
    errors.extend(missing_required(&map, file_ward));
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
    /// Rows that are no person (see `ImportPreview::skipped`).
    pub skipped: usize,
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
    /// Every row read as no person, with why.
    pub skipped: Vec<SkippedRow>,
    /// Values of coded columns that match no code or name and have no mapping yet.
    pub unmapped: Vec<UnmappedValue>,
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
    unmapped: Vec<UnmappedValue>,
}

/// Names the sheet column an error is about (letter and header) in its message and params,
/// so the officer finds the cell.
fn name_column(table: &Table, map: &HashMap<&'static str, usize>, row: &[String], e: FieldError) -> FieldError {
    let Some(field) = e.field.clone() else { return e };
    let filled = |f: &str| map.get(f).copied().filter(|&i| row.get(i).is_some_and(|c| !c.trim().is_empty()));
    let column = map.get(field.as_str()).copied().or_else(|| match field.as_str() {
        "birth_date" | "sex" => filled("birth_date_male").or_else(|| filled("birth_date_female")),
        _ => None,
    });
    let Some(i) = column else { return e };
    let letters = column_letters(table.first_col + i);
    let header = table.headers.get(i).cloned().unwrap_or_default();
    let mut e = e.param("column", &letters).param("header", &header);
    e.message = format!("{} (column {letters}, \"{header}\")", e.message);
    e
}

fn birth_text_of(b: &Beneficiary) -> String {
    b.birth_date.map_or_else(|| b.birth_year.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

async fn analyse(
    store: &Store,
    table: &Table,
    map: &HashMap<&'static str, usize>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<Analysis, AppError> {
    let refs = store.refs().await?;
    check_options(&refs, opts)?;
    let remembered = store.import_value_mappings(&table.headers).await?;
    let resolver = Resolver::new(&refs, opts, &remembered);
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
        unmapped: vec![],
    };
    let mut unmapped: HashMap<(&'static str, String), usize> = HashMap::new();
    // Which row first used an ID in this file: a second row with it is an error, not a merge.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let row_no = table.first_row + i;
        a.rows += 1;
        let RowInput { input, errors: layout_errors, unmapped: row_unmapped, ward_error } =
            read_row(map, row, &resolver);
        for (field, value) in row_unmapped {
            let at = *unmapped.entry((field, text::fold(&value))).or_insert_with(|| {
                a.unmapped.push(UnmappedValue { field: field.into(), value, rows: vec![], count: 0 });
                a.unmapped.len() - 1
            });
            let u = &mut a.unmapped[at];
            u.count += 1;
            if u.rows.len() < 10 {
                u.rows.push(row_no);
            }
        }
        let checked = match validate::beneficiary(&input, &refs, today).map_err(|e| explain_ward(e, ward_error)) {
            Ok(_) if !layout_errors.is_empty() => Err(layout_errors),
            Err(mut errs) if !layout_errors.is_empty() => {
                // What the layout error already says (no birth date or sex to read, so none to
                // compare the ID with) is not said twice.
                errs.retain(|e| {
                    !matches!(e.field.as_deref(), Some("birth_date" | "sex"))
                        && !matches!(e.code, ErrorCode::IdNumberSexMismatch | ErrorCode::IdNumberYearMismatch)
                });
                errs.extend(layout_errors);
                Err(errs)
            }
            other => other,
        };
        let (outcome, shown, errs) = match checked {
            Err(errs) => {
                ("error", None, errs.into_iter().map(|e| name_column(table, map, row, e).at_row(row_no)).collect())
            }
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
                    ("error", Some(b), vec![name_column(table, map, row, e)])
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
                    birth: birth_text_of(b),
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
                birth: birth_text_of(b),
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
    preview_import_with(store, table, mapping, &ImportOptions::default(), today).await
}

/// The officer's mapping checked against the file; the mapping and value mappings remembered.
async fn checked_mapping(
    store: &Store,
    table: &Table,
    mapping: &[Option<String>],
    opts: &ImportOptions,
) -> Result<HashMap<&'static str, usize>, AppError> {
    if mapping.len() != table.headers.len() {
        return Err(AppError::File("the mapping does not fit the file's columns".into()));
    }
    let map = mapping_fields_with(mapping, opts.ward().is_some()).map_err(AppError::Validation)?;
    check_options(&*store.refs().await?, opts)?;
    store.remember_import_mapping(&table.headers, mapping).await?;
    remember_values(store, table, opts).await?;
    Ok(map)
}

async fn remember_values(store: &Store, table: &Table, opts: &ImportOptions) -> Result<(), AppError> {
    let values: Vec<(String, String, String)> =
        opts.values.iter().map(|v| (v.field.clone(), v.value.trim().to_string(), v.code.trim().to_string())).collect();
    Ok(store.remember_import_value_mappings(&table.headers, &values).await?)
}

/// [`preview_import`] with a ward for the whole file and value mappings (remembered for the
/// file's headers, like the column mapping).
pub async fn preview_import_with(
    store: &Store,
    table: &Table,
    mapping: &[Option<String>],
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<ImportPreview, AppError> {
    let map = checked_mapping(store, table, mapping, opts).await?;
    let a = analyse(store, table, &map, opts, today).await?;
    let dup = a.duplicates.len();
    Ok(ImportPreview {
        totals: PreviewTotals {
            rows: a.rows,
            add: a.new.len() - dup,
            unchanged: a.unchanged,
            errors: a.error_rows.len(),
            legacy: a.legacy_rows.len(),
            duplicates: dup,
            skipped: table.skipped.len(),
        },
        rows: a.preview,
        errors: a.errors,
        duplicates: a.duplicates,
        skipped: table.skipped.clone(),
        unmapped: a.unmapped,
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
    apply_import_with(store, table, mapping, decision, &ImportOptions::default(), today).await
}

/// [`apply_import`] with a ward for the whole file and value mappings.
pub async fn apply_import_with(
    store: &Store,
    table: &Table,
    mapping: &[Option<String>],
    decision: Option<&DuplicateDecision>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let map = checked_mapping(store, table, mapping, opts).await?;
    import_with(store, table, &map, decision, opts, today).await
}

async fn import_with(
    store: &Store,
    table: &Table,
    map: &HashMap<&'static str, usize>,
    decision: Option<&DuplicateDecision>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let a = analyse(store, table, map, opts, today).await?;
    if !a.errors.is_empty() {
        return Err(AppError::Validation(a.errors));
    }
    let dup_rows: BTreeSet<usize> = a.duplicates.iter().map(|d| d.row).collect();
    let mut report = ImportReport {
        rows: a.rows,
        unchanged: a.unchanged,
        skipped: table.skipped.clone(),
        ..ImportReport::default()
    };
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

/// The CLI's import of a file on disk: the list found under any title block, headers matched
/// automatically.
pub async fn import_beneficiaries_file(
    store: &Store,
    path: &Path,
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    import_beneficiaries_file_with(store, path, decision, &ImportOptions::default(), today).await
}

/// [`import_beneficiaries_file`] with a ward for the whole file and value mappings (remembered
/// for the file's headers).
pub async fn import_beneficiaries_file_with(
    store: &Store,
    path: &Path,
    decision: Option<&DuplicateDecision>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let table = read_list_file(path)?;
    import_beneficiaries_with(store, &table, decision, opts, today).await
}

/// The CLI's import: headers matched automatically.
pub async fn import_beneficiaries(
    store: &Store,
    table: &Table,
    decision: Option<&DuplicateDecision>,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    import_beneficiaries_with(store, table, decision, &ImportOptions::default(), today).await
}

/// [`import_beneficiaries`] with a ward for the whole file and value mappings.
pub async fn import_beneficiaries_with(
    store: &Store,
    table: &Table,
    decision: Option<&DuplicateDecision>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<ImportReport, AppError> {
    let map = match_headers(&table.headers);
    let missing = missing_required(&map, opts.ward().is_some());
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    check_options(&*store.refs().await?, opts)?;
    remember_values(store, table, opts).await?;
    import_with(store, table, &map, decision, opts, today).await
}
