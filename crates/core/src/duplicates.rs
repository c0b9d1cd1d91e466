//! When two registrations may be the same person. The same 12-digit ID number is the same
//! person (blocked outright); otherwise the same accent-folded name, birth date and ward is a
//! *possible* duplicate: the officer decides (same person, or two people with a stated reason),
//! because namesakes born the same day in one ward do exist.

use crate::records::Beneficiary;
use crate::text;
use chrono::NaiveDate;

/// What a possible-duplicate check compares. Many old records hold only the birth year: a year
/// matches any full date in that year (the officer can tell them apart; the rule must not miss).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DuplicateKey {
    /// `text::fold` of the full name ("nguyen thi anh").
    pub name_key: String,
    pub ward_code: String,
    pub birth_year: i32,
    pub birth_date: Option<NaiveDate>,
}

impl DuplicateKey {
    pub fn new(full_name: &str, ward_code: &str, birth_year: i32, birth_date: Option<NaiveDate>) -> Self {
        DuplicateKey {
            name_key: text::fold(full_name),
            ward_code: ward_code.trim().to_string(),
            birth_year,
            birth_date,
        }
    }

    pub fn of(b: &Beneficiary) -> Self {
        Self::new(&b.full_name, &b.ward_code, b.birth_year, b.birth_date)
    }

    /// The part that must be equal (what an index or a hash map groups by).
    pub fn group(&self) -> (&str, &str, i32) {
        (&self.name_key, &self.ward_code, self.birth_year)
    }

    /// [`Self::group`] as an owned hash-map key.
    pub fn bucket(&self) -> (String, String, i32) {
        (self.name_key.clone(), self.ward_code.clone(), self.birth_year)
    }

    /// Same folded name, ward and birth year, and no two different full birth dates.
    pub fn matches(&self, other: &DuplicateKey) -> bool {
        self.group() == other.group()
            && match (self.birth_date, other.birth_date) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn tones_case_and_spacing_do_not_hide_a_duplicate() {
        let a = DuplicateKey::new("Nguyễn Thị Ánh", "00004", 1948, d(1948, 3, 2));
        let b = DuplicateKey::new("NGUYEN  THI ANH", " 00004 ", 1948, d(1948, 3, 2));
        assert!(a.matches(&b));
    }

    #[test]
    fn a_bare_year_matches_a_full_date_of_that_year() {
        let a = DuplicateKey::new("Trần Văn Bình", "00004", 1950, None);
        assert!(a.matches(&DuplicateKey::new("Trần Văn Bình", "00004", 1950, d(1950, 7, 1))));
        assert!(!a.matches(&DuplicateKey::new("Trần Văn Bình", "00004", 1951, d(1951, 7, 1))));
    }

    #[test]
    fn another_day_ward_or_name_is_another_person() {
        let a = DuplicateKey::new("Lê Thị Hoa", "00004", 1948, d(1948, 3, 2));
        assert!(!a.matches(&DuplicateKey::new("Lê Thị Hoa", "00004", 1948, d(1948, 3, 3))));
        assert!(!a.matches(&DuplicateKey::new("Lê Thị Hoa", "00007", 1948, d(1948, 3, 2))));
        assert!(!a.matches(&DuplicateKey::new("Lê Thị Hòa Bình", "00004", 1948, d(1948, 3, 2))));
    }
}
