//! Dates as officers type them (dd/mm/yyyy first) and as we store them (ISO), birth dates that
//! are often known only by year, payment periods, ages and the age bands every indicator is
//! segmented by.
//!
//! Everything that depends on "today" takes it as a parameter: the core never reads the clock,
//! so results are reproducible and tests are deterministic.

use crate::ErrorCode;
use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Earliest year accepted anywhere: the ID number scheme starts at 1900, and a typed year such
/// as "0226" is a typing error, not a date.
const MIN_YEAR: i32 = 1900;

/// Parses a typed date: dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, or ISO yyyy-mm-dd.
/// The year must have four digits (a two-digit year is ambiguous) and be 1900 or later.
///
/// Errors: `required` (empty), `date.invalid` (any other form, or an impossible date such
/// as 31/02/2024).
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required, "date is required"));
    }
    let parts = split_numeric(s).filter(|(_, p)| p.len() == 3);
    let ymd = parts.and_then(|(sep, p)| {
        if is_year(p[2]) && is_day_or_month(p[0]) && is_day_or_month(p[1]) {
            Some((p[2], p[1], p[0]))
        } else if sep == '-' && is_year(p[0]) && is_day_or_month(p[1]) && is_day_or_month(p[2]) {
            Some((p[0], p[1], p[2]))
        } else {
            None
        }
    });
    ymd.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
        .filter(|d| d.year() >= MIN_YEAR)
        .ok_or_else(|| FieldError::new(field, ErrorCode::DateInvalid, format!("not a valid date (dd/mm/yyyy): {s}")))
}

/// Formats a date for display: "05/01/2026".
pub fn format_date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// A birth date, or only the year: many elderly beneficiaries' records hold no day or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BirthDate {
    Full(NaiveDate),
    Year(i32),
}

impl BirthDate {
    pub fn birth_year(&self) -> i32 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::Year(y) => *y,
        }
    }

    /// "yyyy-mm-dd" for a full date (what we store and send), `None` for a bare year.
    pub fn iso(&self) -> Option<String> {
        match self {
            BirthDate::Full(d) => Some(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
            BirthDate::Year(_) => None,
        }
    }
}

/// Parses a birth date: a full date in any form [`parse_date`] accepts, or a bare 4-digit year.
///
/// Errors: `required`; `date.invalid` (not a date, a year outside 1900..=today's year, or a
/// full date before 1900); `date.future` (a full date after `today`).
pub fn parse_birth(field: &str, raw: &str, today: NaiveDate) -> Result<BirthDate, FieldError> {
    let s = raw.trim();
    if is_year(s) {
        let year: i32 = s.parse().expect("four ASCII digits");
        if !(MIN_YEAR..=today.year()).contains(&year) {
            return Err(FieldError::new(
                field,
                ErrorCode::DateInvalid,
                format!("birth year must be between {MIN_YEAR} and {}", today.year()),
            ));
        }
        return Ok(BirthDate::Year(year));
    }
    let date = parse_date(field, s)?;
    if date > today {
        return Err(FieldError::new(field, ErrorCode::DateFuture, "birth date is in the future"));
    }
    Ok(BirthDate::Full(date))
}

/// Parses a payment period (the month a payment is for): "mm/yyyy", "m/yyyy" or "yyyy-mm"
/// ("mm-yyyy" and "mm.yyyy" too, like dates). Returns (year, month).
///
/// Errors: `required` (empty), `period.invalid`.
pub fn parse_period(field: &str, raw: &str) -> Result<(i32, u32), FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required, "period is required"));
    }
    let ym = split_numeric(s).filter(|(_, p)| p.len() == 2).and_then(|(sep, p)| {
        if is_year(p[1]) && is_day_or_month(p[0]) {
            Some((p[1], p[0]))
        } else if sep == '-' && is_year(p[0]) && is_day_or_month(p[1]) {
            Some((p[0], p[1]))
        } else {
            None
        }
    });
    ym.and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(y, m)| *y >= MIN_YEAR && (1..=12).contains(m))
        .ok_or_else(|| FieldError::new(field, ErrorCode::PeriodInvalid, format!("not a valid month (mm/yyyy): {s}")))
}

/// The stored and sortable form of a period: `period_key(2026, 1)` → "2026-01".
pub fn period_key(year: i32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

/// The first day of a stored period "yyyy-mm" (the day a cycle's rules are read on); None for
/// anything but that canonical form.
pub fn period_start(period: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| period_key(d.year(), d.month()) == period)
}

/// Age in completed years on `on`. For a bare birth year we cannot know whether the birthday
/// has passed, so the age is `on.year() - year` (the age reached during that year). Someone
/// born on 29 February turns a year older on 1 March in common years. Negative if `on` is
/// before the birth.
pub fn age_on(birth: &BirthDate, on: NaiveDate) -> i32 {
    match birth {
        BirthDate::Year(y) => on.year() - y,
        BirthDate::Full(b) => {
            let had_birthday = (on.month(), on.day()) >= (b.month(), b.day());
            on.year() - b.year() - if had_birthday { 0 } else { 1 }
        }
    }
}

/// The age bands every indicator is segmented by (DOMAIN.md "Indicators"). Serialised as
/// their codes, which are also the segment keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "under_16")]
    Under16,
    #[serde(rename = "16_59")]
    Age16To59,
    #[serde(rename = "60_74")]
    Age60To74,
    #[serde(rename = "75_79")]
    Age75To79,
    #[serde(rename = "80_plus")]
    Age80Plus,
}

impl AgeBand {
    /// Youngest first: the order reports list them in.
    pub const ALL: [AgeBand; 5] =
        [AgeBand::Under16, AgeBand::Age16To59, AgeBand::Age60To74, AgeBand::Age75To79, AgeBand::Age80Plus];

    pub fn of(age: i32) -> AgeBand {
        match age {
            ..16 => AgeBand::Under16,
            16..60 => AgeBand::Age16To59,
            60..75 => AgeBand::Age60To74,
            75..80 => AgeBand::Age75To79,
            80.. => AgeBand::Age80Plus,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            AgeBand::Under16 => "under_16",
            AgeBand::Age16To59 => "16_59",
            AgeBand::Age60To74 => "60_74",
            AgeBand::Age75To79 => "75_79",
            AgeBand::Age80Plus => "80_plus",
        }
    }

    /// Inverse of [`AgeBand::code`].
    pub fn parse(code: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.code() == code)
    }
}

impl std::fmt::Display for AgeBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Splits "12/05/2026"-like text on its one separator ('/', '-' or '.'); every part must be
/// non-empty ASCII digits and only one kind of separator may appear.
fn split_numeric(s: &str) -> Option<(char, Vec<&str>)> {
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then_some((sep, parts))
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_day_or_month(s: &str) -> bool {
    (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn date(raw: &str) -> Result<NaiveDate, ErrorCode> {
        parse_date("credited_on", raw).map_err(|e| e.code)
    }

    const TODAY: (i32, u32, u32) = (2026, 1, 15);

    fn today() -> NaiveDate {
        ymd(TODAY.0, TODAY.1, TODAY.2)
    }

    fn birth(raw: &str) -> Result<BirthDate, ErrorCode> {
        parse_birth("birth_date", raw, today()).map_err(|e| e.code)
    }

    #[test]
    fn accepts_the_usual_forms() {
        for raw in [
            "05/01/2026",
            "5/1/2026",
            "05-01-2026",
            "05.01.2026",
            "5.1.2026",
            "2026-01-05",
            "2026-1-5",
            "  05/01/2026 ",
        ] {
            assert_eq!(date(raw), Ok(ymd(2026, 1, 5)), "{raw:?}");
        }
        // Day first, never month first.
        assert_eq!(date("12/01/2026"), Ok(ymd(2026, 1, 12)));
        assert_eq!(date("29/02/2024"), Ok(ymd(2024, 2, 29)));
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for raw in [
            "31/02/2024",
            "29/02/2025",
            "32/01/2026",
            "00/01/2026",
            "05/13/2026",
            "05/00/2026",
            "01/13/2026",
            "05/01/26",
            "05/01/02026",
            "005/01/2026",
            "05/01-2026",
            "2026/01/05",
            "2026.01.05",
            "2026-01",
            "05//01/2026",
            "05/01/2026 08:30",
            "5 tháng 1 2026",
            "hôm nay",
            "20260105",
            "05/01/0226",
            "31/12/1899",
        ] {
            assert_eq!(date(raw), Err(ErrorCode::DateInvalid), "{raw:?}");
        }
        assert_eq!(date(""), Err(ErrorCode::Required));
        assert_eq!(date("  "), Err(ErrorCode::Required));
        let e = parse_date("withdrawn_on", "x").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("withdrawn_on"));
    }

    #[test]
    fn formats_day_first_with_zero_padding() {
        assert_eq!(format_date(ymd(2026, 1, 5)), "05/01/2026");
        assert_eq!(format_date(ymd(1948, 12, 31)), "31/12/1948");
        let d = ymd(2025, 7, 1);
        assert_eq!(parse_date("d", &format_date(d)), Ok(d));
    }

    #[test]
    fn birth_as_full_date_or_bare_year() {
        assert_eq!(birth("12/03/1948"), Ok(BirthDate::Full(ymd(1948, 3, 12))));
        assert_eq!(birth("1948-03-12"), Ok(BirthDate::Full(ymd(1948, 3, 12))));
        assert_eq!(birth("1948"), Ok(BirthDate::Year(1948)));
        assert_eq!(birth(" 1900 "), Ok(BirthDate::Year(1900)));
        assert_eq!(birth("2026"), Ok(BirthDate::Year(2026)));
        assert_eq!(birth("15/01/2026"), Ok(BirthDate::Full(today())));
    }

    #[test]
    fn birth_errors() {
        assert_eq!(birth("1899"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("2027"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("0948"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("48"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("31/12/1899"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("30/02/1950"), Err(ErrorCode::DateInvalid));
        assert_eq!(birth("16/01/2026"), Err(ErrorCode::DateFuture));
        assert_eq!(birth("01/01/2030"), Err(ErrorCode::DateFuture));
        assert_eq!(birth(""), Err(ErrorCode::Required));
    }

    #[test]
    fn birth_year_and_iso() {
        let full = BirthDate::Full(ymd(1948, 3, 2));
        assert_eq!(full.birth_year(), 1948);
        assert_eq!(full.iso().as_deref(), Some("1948-03-02"));
        let year = BirthDate::Year(1951);
        assert_eq!(year.birth_year(), 1951);
        assert_eq!(year.iso(), None);
    }

    #[test]
    fn periods() {
        let p = |raw| parse_period("period", raw).map_err(|e| e.code);
        assert_eq!(p("01/2026"), Ok((2026, 1)));
        assert_eq!(p("1/2026"), Ok((2026, 1)));
        assert_eq!(p("12/2025"), Ok((2025, 12)));
        assert_eq!(p("2026-01"), Ok((2026, 1)));
        assert_eq!(p(" 2025-12 "), Ok((2025, 12)));
        assert_eq!(p("01-2026"), Ok((2026, 1)));
        for raw in [
            "13/2026",
            "0/2026",
            "00/2026",
            "2026-13",
            "01/26",
            "2026/01",
            "05/01/2026",
            "tháng 1",
            "2026",
            "1/0202",
            "012/2026",
        ] {
            assert_eq!(p(raw), Err(ErrorCode::PeriodInvalid), "{raw:?}");
        }
        assert_eq!(p(""), Err(ErrorCode::Required));
    }

    #[test]
    fn period_keys_sort_chronologically() {
        assert_eq!(period_key(2026, 1), "2026-01");
        assert_eq!(period_key(2025, 12), "2025-12");
        assert!(period_key(2025, 12) < period_key(2026, 1));
        assert!(period_key(2026, 2) < period_key(2026, 10));
    }

    #[test]
    fn age_counts_completed_years() {
        let b = BirthDate::Full(ymd(1948, 3, 12));
        assert_eq!(age_on(&b, ymd(2026, 3, 11)), 77);
        assert_eq!(age_on(&b, ymd(2026, 3, 12)), 78);
        assert_eq!(age_on(&b, ymd(2026, 12, 31)), 78);
        assert_eq!(age_on(&b, ymd(1948, 3, 12)), 0);
        assert_eq!(age_on(&b, ymd(1948, 1, 1)), -1);
        let leap = BirthDate::Full(ymd(1960, 2, 29));
        assert_eq!(age_on(&leap, ymd(2025, 2, 28)), 64);
        assert_eq!(age_on(&leap, ymd(2025, 3, 1)), 65);
        assert_eq!(age_on(&leap, ymd(2024, 2, 29)), 64);
        let year = BirthDate::Year(1946);
        assert_eq!(age_on(&year, ymd(2026, 1, 1)), 80);
        assert_eq!(age_on(&year, ymd(2026, 12, 31)), 80);
    }

    #[test]
    fn age_band_boundaries() {
        let cases = [
            (-1, AgeBand::Under16),
            (0, AgeBand::Under16),
            (15, AgeBand::Under16),
            (16, AgeBand::Age16To59),
            (59, AgeBand::Age16To59),
            (60, AgeBand::Age60To74),
            (74, AgeBand::Age60To74),
            (75, AgeBand::Age75To79),
            (79, AgeBand::Age75To79),
            (80, AgeBand::Age80Plus),
            (105, AgeBand::Age80Plus),
        ];
        for (age, band) in cases {
            assert_eq!(AgeBand::of(age), band, "age {age}");
        }
    }

    #[test]
    fn age_band_codes_and_serde_agree() {
        let codes: Vec<&str> = AgeBand::ALL.iter().map(|b| b.code()).collect();
        assert_eq!(codes, ["under_16", "16_59", "60_74", "75_79", "80_plus"]);
        for band in AgeBand::ALL {
            let json = serde_json::to_string(&band).unwrap();
            assert_eq!(json, format!("\"{}\"", band.code()));
            assert_eq!(serde_json::from_str::<AgeBand>(&json).unwrap(), band);
            assert_eq!(AgeBand::parse(band.code()), Some(band));
            assert_eq!(band.to_string(), band.code());
        }
        assert_eq!(AgeBand::parse("60-74"), None);
        assert!(AgeBand::ALL.windows(2).all(|w| w[0] < w[1]));
    }
}
