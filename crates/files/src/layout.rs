//! Finding the list in an officer's own spreadsheet (issue 16): a title block above it (the
//! People's Committee, the national motto, the list's title and decision, in merged cells), a
//! header of one or two rows (a parent label merged over sub-columns, e.g. "Ngày tháng năm
//! sinh" over "Nam" and "Nữ"), a row of column numbers "(1) (2) (3)…" under it, the people,
//! then a totals row ("Tổng cộng") and signature blocks ("Người lập biểu", "(Ký, ghi rõ họ
//! tên)", "Hà Nội, ngày … tháng … năm …").
//!
//! [`locate`] takes every row of the sheet (calamine gives a merged cell's text only in its
//! top-left cell) and returns the header labels, the rows of people and every other row with
//! why it was left out. Which labels a header row holds is the caller's business (`score`):
//! the beneficiary import scores a row by the fields its labels name.

use crate::table::{RawRows, Table};
use ansinh_core::text;
use serde::Serialize;

/// How many rows from the top the header is looked for in (a title block is 3 to 10 rows).
pub const HEADER_SCAN_ROWS: usize = 30;

/// Why a row of the sheet is not a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Above the header: the committee, the motto, the title, the decision.
    Title,
    /// The header (one or two rows).
    Header,
    /// The row of column numbers "(1) (2) (3)…" under the header.
    ColumnNumbers,
    /// "Tổng cộng", "Cộng": where the people end.
    Totals,
    /// Signature blocks, places and dates after the people.
    Signature,
    Blank,
}

impl SkipReason {
    /// The name it is sent and printed under.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Title => "title",
            SkipReason::Header => "header",
            SkipReason::ColumnNumbers => "column_numbers",
            SkipReason::Totals => "totals",
            SkipReason::Signature => "signature",
            SkipReason::Blank => "blank",
        }
    }
}

/// A row left out of the import, with the sheet's row number and its first words (to show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SkippedRow {
    pub row: usize,
    pub reason: SkipReason,
    /// The row's non-empty cells joined, cut at 80 characters.
    pub text: String,
}

/// Tokens of a label: accent-folded, lower case, every non-alphanumeric character a space.
pub fn tokens(s: &str) -> String {
    let folded = text::fold(s);
    let spaced: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn blank(row: &[String]) -> bool {
    row.iter().all(|c| c.trim().is_empty())
}

fn row_text(row: &[String]) -> String {
    let joined = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
    let mut out: String = joined.chars().take(80).collect();
    if joined.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// "(1)", "1", "(A)", "A": one cell of a row of column numbers.
fn column_number(cell: &str) -> bool {
    let c = cell.trim();
    let inner = c.strip_prefix('(').and_then(|c| c.strip_suffix(')')).unwrap_or(c).trim();
    (!inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit()))
        || (inner.len() == 1 && inner.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// A row of column numbers: at least two cells, every non-empty cell a column number, the
/// numbers rising.
pub fn is_column_numbers(row: &[String]) -> bool {
    let cells: Vec<&str> = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    if cells.len() < 2 || !cells.iter().all(|c| column_number(c)) {
        return false;
    }
    let numbers: Vec<u32> = cells.iter().filter_map(|c| c.trim_matches(['(', ')']).trim().parse().ok()).collect();
    numbers.windows(2).all(|w| w[0] < w[1])
}

const SEX_WORDS: &[&str] = &["nam", "nu", "male", "female"];

/// The second row of a two-row header: text only (no digit: a person's row has an ID or a
/// date), and at least one cell that is a sub-label (Nam / Nữ, or a label `is_label` knows)
/// or sits under an empty cell of the row above (a merged parent). The row above must have
/// three labels or more (a title is one merged cell, the motto two).
fn is_sub_header(parent: &[String], row: &[String], is_label: &dyn Fn(&str) -> bool) -> bool {
    if parent.iter().filter(|c| !c.trim().is_empty()).count() < 3 {
        return false;
    }
    let cells: Vec<(usize, &str)> =
        row.iter().enumerate().map(|(i, c)| (i, c.trim())).filter(|(_, c)| !c.is_empty()).collect();
    if cells.is_empty() || cells.iter().any(|(_, c)| c.bytes().any(|b| b.is_ascii_digit())) {
        return false;
    }
    let under_merged = |i: usize| parent.get(i).is_none_or(|p| p.trim().is_empty()) && parent_left(parent, i).is_some();
    cells.iter().any(|(i, c)| SEX_WORDS.contains(&tokens(c).as_str()) || is_label(c) || under_merged(*i))
}

/// The nearest non-empty cell of `parent` at or left of `i`.
fn parent_left(parent: &[String], i: usize) -> Option<&str> {
    parent[..=i.min(parent.len().saturating_sub(1))].iter().rev().map(|c| c.trim()).find(|c| !c.is_empty())
}

/// The labels of a two-row header: each column's own label, its parent's label carried across
/// the empty cells to its right where the row below has sub-labels (calamine gives a merged
/// cell's text only in its top-left cell), joined as "Parent / Child".
pub fn combine(parent: &[String], child: &[String]) -> Vec<String> {
    let width = parent.len().max(child.len());
    let mut out = Vec::with_capacity(width);
    let mut carried: Option<String> = None;
    for i in 0..width {
        let p = parent.get(i).map_or("", |c| c.trim());
        let c = child.get(i).map_or("", |c| c.trim());
        let p = if p.is_empty() {
            // Carry only while the row below labels this column (a merged parent); an empty
            // column ends it.
            if c.is_empty() {
                carried = None;
            }
            carried.clone().unwrap_or_default()
        } else {
            carried = Some(p.to_string());
            p.to_string()
        };
        out.push(match (p.is_empty(), c.is_empty()) {
            (_, true) => p,
            (true, false) => c.to_string(),
            (false, false) => format!("{p} / {c}"),
        });
    }
    out
}

const TOTAL_WORDS: &[&str] = &["tong cong", "cong", "tong", "tong so", "total", "grand total", "tong cong so tien"];

const SIGNATURE_STARTS: &[&str] = &[
    "nguoi lap bieu",
    "nguoi lap",
    "lap bieu",
    "ke toan",
    "chu tich",
    "pho chu tich",
    "tm ubnd",
    "tm uy ban",
    "tm",
    "kt chu tich",
    "thu truong",
    "giam doc",
    "cong chuc",
    "xac nhan",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ten",
    "ky dong dau",
];

/// Some cell of the row is a totals label ("Tổng cộng", "Cộng:", "Tổng số").
pub fn is_totals(row: &[String]) -> bool {
    row.iter().any(|c| {
        // Cheap first: every totals label starts with T, C or G and is short (a city-wide list
        // asks this of every cell).
        let c = c.trim();
        if c.len() > 60 || !c.starts_with(['T', 't', 'C', 'c', 'G', 'g']) {
            return false;
        }
        let t = tokens(c);
        TOTAL_WORDS.contains(&t.as_str()) || t.starts_with("tong cong ")
    })
}

/// Long runs of digits are IDs: a row holding one is a person, whatever else it says.
fn has_id_like(row: &[String]) -> bool {
    row.iter().any(|c| {
        let mut run = 0;
        c.chars().any(|ch| {
            run = if ch.is_ascii_digit() { run + 1 } else { 0 };
            run >= 8
        })
    })
}

/// A signature block's row: "Người lập biểu", "(Ký, ghi rõ họ tên)", "TM. UBND", "Hà Nội,
/// ngày … tháng … năm …"; never a row with an ID in it.
pub fn is_signature(row: &[String]) -> bool {
    if has_id_like(row) {
        return false;
    }
    row.iter().any(|c| {
        let t = tokens(c);
        if t.is_empty() {
            return false;
        }
        let words: Vec<&str> = t.split(' ').collect();
        let starts = SIGNATURE_STARTS.iter().any(|s| t == *s || t.starts_with(&format!("{s} ")));
        // "ngày ... tháng ... năm ...": a place and date line.
        let dated = words
            .iter()
            .position(|w| *w == "ngay")
            .and_then(|d| words[d..].iter().position(|w| *w == "thang").map(|m| d + m))
            .is_some_and(|m| words[m..].contains(&"nam"));
        starts || dated || t.contains("ghi ro ho ten")
    })
}

/// The header and the people of a list, and every other row with its reason.
///
/// `score` rates a row of labels (higher: more of them are known headers); `is_label` says
/// whether one label is known. The header is the best-scoring row (or pair of rows) among the
/// first [`HEADER_SCAN_ROWS`]; with no row scoring above zero, the first non-blank row is the
/// header (as tidy files have it). People end at a totals row or at the first signature row.
pub fn locate(raw: RawRows, score: &dyn Fn(&[String]) -> usize, is_label: &dyn Fn(&str) -> bool) -> Table {
    let RawRows { rows, first_row, first_col } = raw;
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let pad = |r: &Vec<String>| {
        let mut r = r.clone();
        r.resize(width, String::new());
        r
    };
    // (score, header row, two rows?)
    let mut best: Option<(usize, usize, bool)> = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        if blank(row) {
            continue;
        }
        let single = score(&pad(row));
        if best.is_none_or(|(s, _, _)| single > s) {
            best = Some((single, i, false));
        }
        if let Some(next) = rows.get(i + 1).filter(|n| is_sub_header(row, n, is_label)) {
            let double = score(&combine(&pad(row), &pad(next)));
            if double >= single && double > score(&pad(next)) && best.is_none_or(|(s, _, _)| double > s) {
                best = Some((double, i, true));
            }
        }
    }
    let Some((s, mut at, mut two)) = best else { return Table { first_row, first_col, ..Table::default() } };
    if s == 0 {
        at = rows.iter().position(|r| !blank(r)).expect("a non-blank row scored");
        two = false;
    }
    let mut skipped = Vec::new();
    let skip = |skipped: &mut Vec<SkippedRow>, i: usize, reason: SkipReason| {
        let row: &[String] = &rows[i];
        let reason = if blank(row) { SkipReason::Blank } else { reason };
        skipped.push(SkippedRow { row: first_row + i, reason, text: row_text(row) });
    };
    for i in 0..at {
        skip(&mut skipped, i, SkipReason::Title);
    }
    let headers = if two { combine(&pad(&rows[at]), &pad(&rows[at + 1])) } else { pad(&rows[at]) };
    let header_rows = if two { 2 } else { 1 };
    for i in at..at + header_rows {
        skip(&mut skipped, i, SkipReason::Header);
    }
    let mut start = at + header_rows;
    if rows.get(start).is_some_and(|r| is_column_numbers(r)) {
        skip(&mut skipped, start, SkipReason::ColumnNumbers);
        start += 1;
    }
    let end = (start..rows.len()).find(|&i| is_totals(&rows[i]) || is_signature(&rows[i])).unwrap_or(rows.len());
    // Blank rows among the people: reported, and the import passes over them.
    for (i, row) in rows.iter().enumerate().take(end).skip(start) {
        if blank(row) {
            skip(&mut skipped, i, SkipReason::Blank);
        }
    }
    for (i, row) in rows.iter().enumerate().skip(end) {
        skip(&mut skipped, i, if is_totals(row) { SkipReason::Totals } else { SkipReason::Signature });
    }
    skipped.sort_by_key(|s| s.row);
    // The people's rows are moved, not copied (a city-wide list holds millions of cells).
    let people = rows
        .into_iter()
        .take(end)
        .skip(start)
        .map(|mut r| {
            r.resize(width, String::new());
            r
        })
        .collect();
    Table { headers, rows: people, first_row: first_row + start, skipped, first_col }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn merged_parents_are_carried_over_their_sub_columns() {
        let parent = r(&["STT", "Họ và tên", "Ngày tháng năm sinh", "", "Số CCCD", "", "Ghi chú"]);
        let child = r(&["", "", "Nam", "Nữ", "", "", ""]);
        assert_eq!(
            combine(&parent, &child),
            r(&["STT", "Họ và tên", "Ngày tháng năm sinh / Nam", "Ngày tháng năm sinh / Nữ", "Số CCCD", "", "Ghi chú"])
        );
    }

    #[test]
    fn column_numbers_totals_and_signatures() {
        assert!(is_column_numbers(&r(&["(1)", "(2)", "(3)", "", "(5)"])));
        assert!(is_column_numbers(&r(&["1", "2", "3"])));
        assert!(is_column_numbers(&r(&["A", "B", "1", "2"])));
        assert!(!is_column_numbers(&r(&["1", "Nguyễn Văn An", "1948"])));
        assert!(!is_column_numbers(&r(&["3", "2", "1"])), "not rising");
        assert!(is_totals(&r(&["", "Tổng cộng", "", "12.500.000"])));
        assert!(is_totals(&r(&["Cộng:", "25 người"])));
        assert!(!is_totals(&r(&["1", "Nguyễn Văn Cộng", "1948"])));
        assert!(is_signature(&r(&["", "Hà Nội, ngày ... tháng ... năm 2026"])));
        assert!(is_signature(&r(&["Người lập biểu", "", "Kế toán", "TM. UBND PHƯỜNG"])));
        assert!(is_signature(&r(&["(Ký, ghi rõ họ tên)"])));
        assert!(!is_signature(&r(&["3", "Lê Thị Tâm", "001150012345", "Ghi chú: chuyển đến ngày 5 tháng 3 năm 2024"])));
        assert!(!is_signature(&r(&["3", "Lê Thị Kỳ", "1950"])));
    }
}
