//! What stored values must not do in the files we write. Values come from officers' forms,
//! imported lists and other desktops' bundles, so they are hostile until shown otherwise:
//! - a text cell starting with `=`, `+`, `-`, `@`, tab or CR is a formula to Excel and
//!   LibreOffice when a CSV is opened ("CSV injection", OWASP), so every writer asks
//!   [`looks_like_formula`]: CSV text cells get a leading `'` ([`csv_text`]), XLSX text cells are
//!   string cells with Excel's quote prefix (`xlsx.rs`), numbers stay numbers;
//! - a value in a file name must not name another folder or a device ([`file_name_part`]).

use std::borrow::Cow;

/// True when a spreadsheet program would take this text for a formula (or, after a leading
/// tab or carriage return, for one).
pub fn looks_like_formula(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// A text cell for a CSV file: as is, or with a leading `'` when it looks like a formula, so a
/// spreadsheet shows it as text (OWASP's advice). Only for text columns: numbers written by us
/// (money, counts) stay numbers so other tools read them as such.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// Names Windows reserves whatever the extension (`con.xlsx` is the console).
const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];

/// A stored value (a ward's name, a person's id, a device id) made safe as part of a file name:
/// accents folded, lower case, only `a-z 0-9 - _` kept (so no path separator, no `..`, no
/// control character, no trailing dot or space), at most `max_chars`, never a name Windows
/// reserves, never empty (`khong-ten`, "no name").
pub fn file_name_part(value: &str, max_chars: usize) -> String {
    let folded = ansinh_core::text::fold(value);
    let mut out = String::new();
    for c in folded.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    let mut out: String = out.trim_end_matches('-').chars().take(max_chars.max(1)).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        return "khong-ten".into();
    }
    let device = RESERVED.contains(&out.as_str())
        || ((out.starts_with("com") || out.starts_with("lpt")) && out.len() == 4 && out.as_bytes()[3].is_ascii_digit());
    if device { format!("_{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_caught_and_prefixed() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"] {
            assert!(looks_like_formula(s), "{s:?}");
            assert_eq!(csv_text(s), format!("'{s}"));
        }
        for s in ["", "Nguyễn Thị Ánh", "001234567890", "2026-10-01", "a=b", " =1", "'=1"] {
            assert!(!looks_like_formula(s), "{s:?}");
            assert_eq!(csv_text(s), s);
        }
    }

    #[test]
    fn file_name_parts_cannot_escape_or_name_a_device() {
        assert_eq!(file_name_part("Phường Hoàn Kiếm", 60), "phuong-hoan-kiem");
        assert_eq!(file_name_part("../../etc/passwd", 60), "etc-passwd");
        assert_eq!(file_name_part("..\\..\\Windows\\win.ini", 60), "windows-win-ini");
        assert_eq!(file_name_part("C:\\x", 60), "c-x");
        assert_eq!(file_name_part("a\u{0}b\nc\u{7f}d", 60), "a-b-c-d");
        assert_eq!(file_name_part("..", 60), "khong-ten");
        assert_eq!(file_name_part("", 60), "khong-ten");
        assert_eq!(file_name_part("CON", 60), "_con");
        assert_eq!(file_name_part("nul", 60), "_nul");
        assert_eq!(file_name_part("Com1", 60), "_com1");
        assert_eq!(file_name_part("lpt9", 60), "_lpt9");
        assert_eq!(file_name_part("console", 60), "console");
        assert_eq!(file_name_part("trailing. ", 60), "trailing");
        assert_eq!(file_name_part("01a24549-176c-75dc", 8), "01a24549");
        assert_eq!(file_name_part(&"x".repeat(500), 60).len(), 60);
        assert_eq!(file_name_part("ab-----cd", 3), "ab", "no dash left at the cut");
        for hostile in ["/", "\\", "..", ":", "*", "?", "\"", "<", ">", "|", "\u{202e}"] {
            let p = file_name_part(&format!("a{hostile}b"), 60);
            assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{p}");
        }
    }
}
