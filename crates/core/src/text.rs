//! Vietnamese names: the exact form we store and the keys we search and sort by.
//!
//! Names that differ only by tone marks are different names (Ân, Ấn, An), so the stored name
//! keeps every mark, in Unicode NFC so that the same name typed with different input methods
//! (precomposed or combining marks) is the same string. Search uses an accent-folded key so an
//! officer can type "nguyen van an" on any keyboard; lists sort by given name, as Vietnamese
//! lists do.

use crate::ErrorCode;
use crate::error::FieldError;
use unicode_normalization::UnicodeNormalization;

/// Cleans a person's name for storage: trims, collapses runs of whitespace (tabs, line breaks
/// and no-break spaces from pasted cells included) to one space, and composes to NFC.
///
/// Errors: `required` if nothing is left; `name.invalid` if it contains anything other than
/// letters, spaces, apostrophes (' or ’), hyphens and dots (digits, control or invisible
/// characters, symbols), or has no letter at all.
pub fn normalize_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name: String = collapse_whitespace(raw).nfc().collect();
    if name.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required, "name is required"));
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '\'' | '\u{2019}' | '-' | '.');
    if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        return Err(FieldError::new(
            field,
            ErrorCode::NameInvalid,
            format!("name contains a character that is not allowed: {bad:?}"),
        ));
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err(FieldError::new(field, ErrorCode::NameInvalid, "name must contain letters"));
    }
    Ok(name)
}

/// The accent-folded, lower-case search key: "Nguyễn Văn Ân" → "nguyen van an".
/// NFD, drop the combining marks U+0300–U+036F, then map đ/Đ by hand (they are letters of
/// their own and do not decompose), lowercase, collapse whitespace.
pub fn fold(s: &str) -> String {
    let folded: String = s
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    collapse_whitespace(&folded)
}

/// Lower-case with tone marks kept (NFC), whitespace collapsed: ranks the matches whose tones
/// agree with the query ("Ân") above those that only agree once folded ("An", "Ấn").
pub fn lower_exact(s: &str) -> String {
    // Lowercase first, then compose: lowercasing can leave decomposed sequences behind.
    collapse_whitespace(s).to_lowercase().nfc().collect()
}

/// The given name: the last word ("Nguyễn Thị Ánh" → "Ánh"); "" for an empty name.
pub fn given_name(full: &str) -> &str {
    full.split_whitespace().next_back().unwrap_or("")
}

/// Key that sorts people the Vietnamese way: by folded given name, then by the whole folded
/// name (family and middle names break ties).
pub fn sort_key(full: &str) -> String {
    format!("{} {}", fold(given_name(full)), fold(full))
}

/// The longest label of a one-off payment ("Quà Tết Nguyên đán Bính Ngọ 2026").
pub const MAX_LABEL_CHARS: usize = 80;

/// A one-off payment's label as stored: trimmed, runs of whitespace to one space, NFC; empty
/// for the monthly allowance. `label.invalid` when longer than [`MAX_LABEL_CHARS`] or holding
/// control or invisible format characters.
pub fn normalize_label(field: &str, raw: &str) -> Result<String, FieldError> {
    let label: String = collapse_whitespace(raw).nfc().collect();
    let bad = |c: char| c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{FEFF}');
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(bad) {
        return Err(FieldError::new(
            field,
            ErrorCode::LabelInvalid,
            "the label is too long or holds control characters",
        )
        .param("max", MAX_LABEL_CHARS.to_string()));
    }
    Ok(label)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::is_nfc;

    #[test]
    fn labels_are_stored_clean_and_bounded() {
        let decomposed = "Qua\u{300} Te\u{302}\u{301}t  2026 ";
        assert_eq!(normalize_label("label", decomposed).unwrap(), "Quà Tết 2026");
        assert_eq!(normalize_label("label", "  ").unwrap(), "");
        let long = "x".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(normalize_label("label", &long).unwrap_err().code, ErrorCode::LabelInvalid);
        assert_eq!(normalize_label("label", "Quà\u{200B}Tết").unwrap_err().code, ErrorCode::LabelInvalid);
    }

    fn ok(raw: &str) -> String {
        normalize_name("full_name", raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    fn code(raw: &str) -> ErrorCode {
        normalize_name("full_name", raw).expect_err(raw).code
    }

    #[test]
    fn real_names_pass_unchanged() {
        for name in [
            "Nguyễn Văn Ân",
            "Đặng Thị Huệ",
            "Nguyễn Thị Ánh",
            "Trần Quốc Toản",
            "Hồ Thị Kiều Oanh",
            "Lò Văn Pọm",
            "Y-Moan Êban",
            "H'Hen Niê",
            "Phạm T. Ngọc",
        ] {
            assert_eq!(ok(name), name);
        }
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed() {
        assert_eq!(ok("  Nguyễn   Văn\tÂn \n"), "Nguyễn Văn Ân");
        assert_eq!(ok("Đặng\u{a0}Thị\u{a0}\u{a0}Huệ"), "Đặng Thị Huệ");
    }

    #[test]
    fn decomposed_input_becomes_nfc() {
        // "Nguyễn Thị Ánh" typed with combining marks: e + circumflex + tilde, A + acute.
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323} A\u{301}nh";
        assert!(!is_nfc(nfd));
        let name = ok(nfd);
        assert!(is_nfc(&name));
        assert_eq!(name, "Nguyễn Thị Ánh");
        assert_eq!(name.chars().count(), "Nguyễn Thị Ánh".chars().count());
    }

    #[test]
    fn tone_only_differences_stay_different_until_folded() {
        let names = ["Nguyễn Văn Ân", "Nguyễn Văn Ấn", "Nguyễn Văn An", "Nguyên Văn Ăn"];
        let normalized: Vec<String> = names.iter().map(|n| ok(n)).collect();
        for i in 0..normalized.len() {
            for j in i + 1..normalized.len() {
                assert_ne!(normalized[i], normalized[j]);
            }
        }
        assert!(normalized.iter().all(|n| fold(n) == "nguyen van an"));
    }

    #[test]
    fn empty_is_required() {
        assert_eq!(code(""), ErrorCode::Required);
        assert_eq!(code("   \t "), ErrorCode::Required);
    }

    #[test]
    fn digits_symbols_and_control_characters_are_invalid() {
        for raw in [
            "Nguyễn Văn 2",
            "Nguyen_Van_An",
            "Lê Văn @n",
            "Trần\u{0}Văn",
            "Trần\u{7}Văn",
            "\u{feff}Trần Văn Ba",
            "Trần\u{200b}Văn",
            "Lê, Văn",
            "-",
            "'.",
        ] {
            assert_eq!(code(raw), ErrorCode::NameInvalid, "{raw:?}");
        }
        let e = normalize_name("authorised_name", "Lê 3").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("authorised_name"));
    }

    #[test]
    fn fold_makes_the_search_key() {
        assert_eq!(fold("Nguyễn Văn Ân"), "nguyen van an");
        assert_eq!(fold("Đặng Thị Huệ"), "dang thi hue");
        assert_eq!(fold("ĐỖ ĐỨC ĐẠT"), "do duc dat");
        assert_eq!(fold("Nguyễn Thị Ánh"), "nguyen thi anh");
        assert_eq!(fold("  Trương   Ngọc\tƯớc "), "truong ngoc uoc");
        assert_eq!(fold("Bùi Thị Xuân"), "bui thi xuan");
        // Decomposed and precomposed input fold alike.
        assert_eq!(fold("Nguye\u{302}\u{303}n"), fold("Nguyễn"));
        assert_eq!(fold(""), "");
    }

    #[test]
    fn lower_exact_keeps_tones() {
        assert_eq!(lower_exact("Nguyễn Văn Ân"), "nguyễn văn ân");
        assert_eq!(lower_exact("ĐẶNG  THỊ HUỆ"), "đặng thị huệ");
        assert_ne!(lower_exact("Ân"), lower_exact("Ấn"));
        assert_eq!(lower_exact("A\u{301}NH"), "ánh");
        assert!(is_nfc(&lower_exact("NGUYE\u{302}\u{303}N")));
    }

    #[test]
    fn given_name_is_the_last_word() {
        assert_eq!(given_name("Nguyễn Thị Ánh"), "Ánh");
        assert_eq!(given_name("  Đặng Văn Lâm  "), "Lâm");
        assert_eq!(given_name("Ánh"), "Ánh");
        assert_eq!(given_name("   "), "");
    }

    #[test]
    fn lists_sort_by_given_name_then_full_name() {
        let mut names = vec!["Nguyễn Văn Bình", "Đặng Thị Ánh", "Trần Văn An", "Lê Thị Ánh", "Đỗ Văn Cường"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["Trần Văn An", "Đặng Thị Ánh", "Lê Thị Ánh", "Nguyễn Văn Bình", "Đỗ Văn Cường",]);
        assert_eq!(sort_key("Nguyễn Thị Ánh"), "anh nguyen thi anh");
    }
}
