//! Money in Vietnamese đồng (VND) and small counts typed by officers.
//!
//! VND has no minor unit, so amounts are whole `i64` đồng and anything that looks like a
//! decimal ("1.25", "12,5") is rejected rather than guessed at: in Vietnam "." is the
//! thousands separator, elsewhere it is the decimal point, and the only safe reading of an
//! amount is one where every separator delimits a group of exactly three digits.

use crate::ErrorCode;
use crate::error::FieldError;

/// Formats whole đồng the Vietnamese way: `1250000` → "1.250.000 ₫", `-5000` → "-5.000 ₫".
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 5);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" ₫");
    out
}

/// Parses a payment or withdrawal amount: "1250000", "1.250.000", "1 250 000", "1,250,000",
/// optionally followed by "₫", "đ", "đồng", "VND" or "VNĐ" (any case).
///
/// Errors: `required` (empty), `amount.not_positive` (zero or negative),
/// `amount.invalid` (anything else, including decimals and values beyond `i64`).
pub fn parse_vnd(field: &str, raw: &str) -> Result<i64, FieldError> {
    match parse_signed_vnd(field, raw)? {
        None => Err(FieldError::new(field, ErrorCode::Required, "amount is required")),
        Some(v) if v <= 0 => Err(not_positive(field)),
        Some(v) => Ok(v),
    }
}

/// Like [`parse_vnd`] for optional amounts such as a travel cost: empty means "does not
/// remember" (`None`, excluded from means, not counted as zero), and 0 is a real answer
/// (walked there). A negative amount is `amount.invalid`: `amount.not_positive` would tell the
/// officer 0 is not allowed, which it is.
pub fn parse_optional_vnd(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    match parse_signed_vnd(field, raw)? {
        Some(v) if v < 0 => Err(FieldError::new(field, ErrorCode::AmountInvalid, "amount must not be negative")),
        other => Ok(other),
    }
}

/// Parses a self-reported count such as travel or waiting minutes. Empty means "does not
/// remember" (`None`); otherwise a non-negative whole number of ASCII digits, else
/// `number.invalid`.
pub fn parse_optional_count(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let invalid = || FieldError::new(field, ErrorCode::NumberInvalid, "must be a whole number, 0 or more");
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    s.parse::<i64>().map(Some).map_err(|_| invalid())
}

fn not_positive(field: &str) -> FieldError {
    FieldError::new(field, ErrorCode::AmountNotPositive, "amount must be greater than 0")
}

/// `Ok(None)` for empty input; otherwise the signed value. Sign handling is left to callers
/// because the two public parsers disagree on whether 0 is allowed.
fn parse_signed_vnd(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let invalid =
        |why: &str| FieldError::new(field, ErrorCode::AmountInvalid, format!("not a whole amount of đồng: {why}"));
    let mut s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s = strip_currency(s).trim_end();
    let (negative, body) = match s.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    if body.is_empty() {
        return Err(invalid("no digits"));
    }
    let value = parse_grouped_digits(body)
        .ok_or_else(|| invalid("use digits, optionally grouped by 3 with one kind of separator"))?;
    Ok(Some(if negative { -value } else { value }))
}

/// Removes one trailing currency marker, compared case-insensitively ("VNĐ" before "đ",
/// or "1000 VNĐ" would lose only its "Đ").
fn strip_currency(s: &str) -> &str {
    for suffix in ["₫", "đồng", "vnđ", "vnd", "đ"] {
        let n = suffix.chars().count();
        if let Some((cut, _)) = s.char_indices().rev().nth(n - 1)
            && s[cut..].to_lowercase() == suffix
        {
            return &s[..cut];
        }
    }
    s
}

/// Digits, optionally grouped: the first group has 1-3 digits and every later group exactly
/// 3, all separated by the same one of '.', ',', ' ', U+00A0 or U+202F. `None` if malformed
/// or beyond `i64`.
fn parse_grouped_digits(body: &str) -> Option<i64> {
    const SEPARATORS: [char; 5] = ['.', ',', ' ', '\u{a0}', '\u{202f}'];
    let mut seps = body.chars().filter(|c| SEPARATORS.contains(c));
    let groups: Vec<&str> = match seps.next() {
        None => vec![body],
        Some(sep) => {
            if seps.any(|c| c != sep) {
                return None;
            }
            let groups: Vec<&str> = body.split(sep).collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
                return None;
            }
            groups
        }
    };
    let mut value: i64 = 0;
    for c in groups.iter().flat_map(|g| g.chars()) {
        let d = c.to_digit(10)?; // ASCII digits only
        value = value.checked_mul(10)?.checked_add(i64::from(d))?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd(raw: &str) -> Result<i64, ErrorCode> {
        parse_vnd("amount", raw).map_err(|e| e.code)
    }

    #[test]
    fn formats_with_dot_groups_and_dong_sign() {
        assert_eq!(format_vnd(1_250_000), "1.250.000 ₫");
        assert_eq!(format_vnd(500_000), "500.000 ₫");
        assert_eq!(format_vnd(2_789_000), "2.789.000 ₫");
        assert_eq!(format_vnd(1_000), "1.000 ₫");
        assert_eq!(format_vnd(999), "999 ₫");
        assert_eq!(format_vnd(0), "0 ₫");
        assert_eq!(format_vnd(-5_000), "-5.000 ₫");
        assert_eq!(format_vnd(-999), "-999 ₫");
        assert_eq!(format_vnd(i64::MAX), "9.223.372.036.854.775.807 ₫");
        assert_eq!(format_vnd(i64::MIN), "-9.223.372.036.854.775.808 ₫");
    }

    #[test]
    fn formatted_amounts_parse_back() {
        for v in [1, 999, 1_000, 360_000, 1_250_000, 2_789_000, i64::MAX] {
            assert_eq!(vnd(&format_vnd(v)), Ok(v));
        }
    }

    #[test]
    fn accepts_the_ways_officers_type_amounts() {
        for raw in [
            "1250000",
            "1.250.000",
            "1 250 000",
            "1,250,000",
            "1\u{a0}250\u{a0}000",
            "1\u{202f}250\u{202f}000",
            " 1.250.000 ",
            "1.250.000 ₫",
            "1.250.000₫",
            "1.250.000 đ",
            "1.250.000đ",
            "1250000 VND",
            "1250000 vnd",
            "1.250.000 VNĐ",
            "1.250.000 đồng",
        ] {
            assert_eq!(vnd(raw), Ok(1_250_000), "{raw:?}");
        }
        assert_eq!(vnd("1.250"), Ok(1_250));
        assert_eq!(vnd("12,500"), Ok(12_500));
        assert_eq!(vnd("0500000"), Ok(500_000));
    }

    #[test]
    fn decimals_and_bad_groups_are_invalid() {
        for raw in [
            "1.25",
            "12,5",
            "1.250,00",
            "1,250.000",
            "1.2500.000",
            "1250.000.0",
            "1..250",
            ".250",
            "250.",
            "1234.567",
            "1 250.000",
            "abc",
            "1.250.000 USD",
            "₫",
            "VND",
            "-",
            "+500",
            "5e5",
            "１２５",
        ] {
            assert_eq!(vnd(raw), Err(ErrorCode::AmountInvalid), "{raw:?}");
        }
    }

    #[test]
    fn empty_zero_and_negative() {
        assert_eq!(vnd(""), Err(ErrorCode::Required));
        assert_eq!(vnd("   "), Err(ErrorCode::Required));
        assert_eq!(vnd("0"), Err(ErrorCode::AmountNotPositive));
        assert_eq!(vnd("0 ₫"), Err(ErrorCode::AmountNotPositive));
        assert_eq!(vnd("-500.000"), Err(ErrorCode::AmountNotPositive));
        assert_eq!(vnd("- 500000 đ"), Err(ErrorCode::AmountNotPositive));
    }

    #[test]
    fn overflow_is_invalid() {
        assert_eq!(vnd("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(vnd("9223372036854775808"), Err(ErrorCode::AmountInvalid));
        assert_eq!(vnd("99.999.999.999.999.999.999"), Err(ErrorCode::AmountInvalid));
    }

    #[test]
    fn errors_carry_the_field() {
        let e = parse_vnd("travel_cost", "1.5").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("travel_cost"));
    }

    #[test]
    fn optional_amount_allows_empty_and_zero() {
        let p = |raw| parse_optional_vnd("travel_cost", raw).map_err(|e| e.code);
        assert_eq!(p(""), Ok(None));
        assert_eq!(p("  "), Ok(None));
        assert_eq!(p("0"), Ok(Some(0)));
        assert_eq!(p("20.000 đ"), Ok(Some(20_000)));
        assert_eq!(p("-20.000"), Err(ErrorCode::AmountInvalid));
        assert_eq!(p("2,5"), Err(ErrorCode::AmountInvalid));
    }

    #[test]
    fn optional_count_for_minutes() {
        let p = |raw| parse_optional_count("travel_minutes", raw).map_err(|e| e.code);
        assert_eq!(p(""), Ok(None));
        assert_eq!(p(" \t"), Ok(None));
        assert_eq!(p("0"), Ok(Some(0)));
        assert_eq!(p(" 45 "), Ok(Some(45)));
        assert_eq!(p("120"), Ok(Some(120)));
        for raw in ["-5", "+5", "1.5", "30 phút", "ba mươi", "99999999999999999999", "1 000"] {
            assert_eq!(p(raw), Err(ErrorCode::NumberInvalid), "{raw:?}");
        }
    }
}
