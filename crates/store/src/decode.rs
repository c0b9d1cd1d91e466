//! Reading stored values back: dates, ids and enums. Every reader of the store decodes through
//! here, so stored data that does not decode is one error (`StoreError::BadData`, naming what
//! and the value), never silently dropped: a bad date must not read as "no date", which an
//! indicator would count as "not paid yet".

use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use uuid::Uuid;

/// Stored data that does not decode as `what`.
pub(crate) fn bad(what: &str, value: &str) -> StoreError {
    StoreError::BadData { what: what.to_string(), value: value.to_string() }
}

/// A stored `yyyy-mm-dd` date. Millions are read per facts load, so the usual shape is read
/// digit by digit (chrono's format parser was a tenth of the load); chrono decides the rest.
pub(crate) fn date(s: &str) -> Result<NaiveDate> {
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
            && let Some(day) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            return Ok(day);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad("date", s))
}

/// A nullable stored date: NULL is `None`, anything else must be a date.
pub(crate) fn opt_date(s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(date).transpose()
}

/// A stored UUID id.
pub(crate) fn id(what: &str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| bad(what, s))
}

/// A UUID id as a number: compact keys for joining millions of rows in memory.
pub(crate) fn uid(s: &str) -> Result<u128> {
    id("id", s).map(|u| u.as_u128())
}

/// A stored enum value, read by the enum's own parser.
pub(crate) fn parsed<T>(what: &str, s: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    parse(s).ok_or_else(|| bad(what, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_decode_or_fail_by_name_never_drop() {
        assert_eq!(date("2026-02-28").unwrap(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(opt_date(None).unwrap(), None);
        for wrong in ["2026-02-30", "28/02/2026", "", "2026-02-28x", "2026-13-01"] {
            let e = date(wrong).unwrap_err();
            assert!(matches!(&e, StoreError::BadData { what, value } if what == "date" && value == wrong), "{e}");
            assert!(opt_date(Some(wrong)).is_err(), "{wrong}");
        }
        assert!(uid("not-a-uuid").is_err());
        assert!(parsed("channel", "pigeon", |_| None::<u8>).is_err());
    }
}
