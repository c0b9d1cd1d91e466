//! The 12-digit personal identification number (số định danh cá nhân, printed on the CCCD).
//!
//! The number is not random: digits 1-3 name the province where the birth was registered,
//! digit 4 encodes century and sex, digits 5-6 the last two digits of the birth year. Parsing
//! it lets us catch the commonest data-entry errors (a digit typed twice, the wrong person's
//! number) by comparing it with the recorded birth year and sex. Old 9-digit CMND numbers are
//! recognised rather than rejected: spreadsheets still hold them, and an import must keep the
//! row and ask for the 12-digit number (`id_number.legacy`, raised by the caller).

use crate::ErrorCode;
use crate::error::FieldError;
use crate::model::Sex;

/// The 63 pre-2025 province codes ("0" + the two-digit statistical code) with their names.
/// The 2025 merger to 34 provinces did not change existing numbers, so these stay valid.
pub const PROVINCES: &[(&str, &str)] = &[
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa-Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// Name of a 3-digit province code, `None` if the code is not one of [`PROVINCES`].
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// What a 12-digit number says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdInfo {
    /// Digits 1-3, a key of [`PROVINCES`].
    pub province_code: String,
    pub sex: Sex,
    pub birth_year: i32,
}

/// A syntactically valid identification number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdKind {
    /// The 12-digit personal identification number.
    Modern(IdInfo),
    /// An old 9-digit CMND number: kept, but the 12-digit number is still needed.
    Legacy,
}

/// Parses an ID number as typed or imported. Spaces (any Unicode whitespace) and dots are
/// removed first, because people copy numbers grouped as "001 085 012345" or "001.085.012345".
///
/// Returns the normalised digits and what they mean. Errors, all on `field` (so the
/// authorised person's number reuses this with its own field name):
/// `required` (empty), `id_number.not_digits`, `id_number.length` {found},
/// `id_number.province` {code}. A 9-digit number is `Ok(Legacy)`, not an error.
pub fn parse_id_number(field: &str, raw: &str) -> Result<(String, IdKind), FieldError> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
    if digits.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required, "ID number is required"));
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(field, ErrorCode::IdNumberNotDigits, "ID number must contain only digits"));
    }
    // All ASCII from here on, so byte length is digit count and byte slicing is safe.
    match digits.len() {
        9 => return Ok((digits, IdKind::Legacy)),
        12 => {}
        found => {
            return Err(FieldError::new(
                field,
                ErrorCode::IdNumberLength,
                format!("ID number must have 12 digits (or 9 for an old CMND), found {found}"),
            )
            .param("found", found));
        }
    }
    let province = &digits[0..3];
    if province_name(province).is_none() {
        return Err(FieldError::new(field, ErrorCode::IdNumberProvince, format!("unknown province code {province}"))
            .param("code", province));
    }
    let century_sex = i32::from(digits.as_bytes()[3] - b'0');
    let yy: i32 = digits[4..6].parse().expect("two ASCII digits");
    let info = IdInfo {
        province_code: province.to_string(),
        // Even digits are male, odd female; each pair of digits is one century from 1900.
        sex: if century_sex % 2 == 0 { Sex::Male } else { Sex::Female },
        birth_year: 1900 + (century_sex / 2) * 100 + yy,
    };
    Ok((digits, IdKind::Modern(info)))
}

/// Compares what the number encodes with the recorded birth year and sex. A mismatch is
/// usually a typing error, but real records contain errors the officer cannot fix on the spot,
/// so these are returned for the caller to show and let the officer override with a reason.
pub fn check_against_person(field: &str, info: &IdInfo, birth_year: i32, sex: Sex) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if info.birth_year != birth_year {
        errors.push(
            FieldError::new(
                field,
                ErrorCode::IdNumberYearMismatch,
                format!("ID number encodes birth year {}, but the birth year is {birth_year}", info.birth_year),
            )
            .param("id_year", info.birth_year)
            .param("birth_year", birth_year),
        );
    }
    if info.sex != sex {
        errors.push(
            FieldError::new(
                field,
                ErrorCode::IdNumberSexMismatch,
                format!("ID number encodes sex {}, but the sex is {sex}", info.sex),
            )
            .param("id_sex", info.sex)
            .param("sex", sex),
        );
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modern(raw: &str) -> IdInfo {
        match parse_id_number("id_number", raw) {
            Ok((_, IdKind::Modern(info))) => info,
            other => panic!("{raw}: expected a modern number, got {other:?}"),
        }
    }

    fn err(raw: &str) -> FieldError {
        parse_id_number("id_number", raw).expect_err(raw)
    }

    #[test]
    fn province_table_has_63_unique_three_digit_codes() {
        assert_eq!(PROVINCES.len(), 63);
        let mut codes: Vec<&str> = PROVINCES.iter().map(|(c, _)| *c).collect();
        assert!(codes.iter().all(|c| c.len() == 3 && c.starts_with('0')));
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted");
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert_eq!(province_name("001"), Some("Hà Nội"));
        assert_eq!(province_name("079"), Some("Hồ Chí Minh"));
        assert_eq!(province_name("096"), Some("Cà Mau"));
        assert_eq!(province_name("003"), None);
        assert_eq!(province_name("1"), None);
    }

    #[test]
    fn digits_one_to_six_are_decoded() {
        let (digits, kind) = parse_id_number("id_number", "001085012345").unwrap();
        assert_eq!(digits, "001085012345");
        assert_eq!(kind, IdKind::Modern(IdInfo { province_code: "001".into(), sex: Sex::Male, birth_year: 1985 }));
        let info = modern("079154999999");
        assert_eq!(info.province_code, "079");
        assert_eq!(info.sex, Sex::Female);
        assert_eq!(info.birth_year, 1954);
    }

    #[test]
    fn every_century_digit() {
        let expected = [
            (0, Sex::Male, 1948),
            (1, Sex::Female, 1948),
            (2, Sex::Male, 2048),
            (3, Sex::Female, 2048),
            (4, Sex::Male, 2148),
            (5, Sex::Female, 2148),
            (6, Sex::Male, 2248),
            (7, Sex::Female, 2248),
            (8, Sex::Male, 2348),
            (9, Sex::Female, 2348),
        ];
        for (digit, sex, year) in expected {
            let info = modern(&format!("001{digit}48000001"));
            assert_eq!((info.sex, info.birth_year), (sex, year), "digit {digit}");
        }
    }

    #[test]
    fn century_boundaries() {
        assert_eq!(modern("001099000001").birth_year, 1999);
        assert_eq!(modern("001200000001").birth_year, 2000);
        assert_eq!(modern("001299000001").birth_year, 2099);
        assert_eq!(modern("001400000001").birth_year, 2100);
        assert_eq!(modern("001100000001").birth_year, 1900);
        assert_eq!(modern("001999000001").birth_year, 2399);
    }

    #[test]
    fn spaces_and_dots_are_removed() {
        let (digits, _) = parse_id_number("id_number", "  001 085 012 345 ").unwrap();
        assert_eq!(digits, "001085012345");
        let (digits, _) = parse_id_number("id_number", "001.085.012.345").unwrap();
        assert_eq!(digits, "001085012345");
        // A no-break space from a spreadsheet cell, and a tab.
        let (digits, _) = parse_id_number("id_number", "001\u{a0}085\t012345").unwrap();
        assert_eq!(digits, "001085012345");
    }

    #[test]
    fn nine_digits_are_a_legacy_cmnd() {
        let (digits, kind) = parse_id_number("id_number", " 012 345 678 ").unwrap();
        assert_eq!(digits, "012345678");
        assert_eq!(kind, IdKind::Legacy);
    }

    #[test]
    fn letters_and_other_marks_are_not_digits() {
        for raw in ["00108501234A", "CCCD001085012", "001-085-012345", "００１０８５０１２３４５"] {
            let e = err(raw);
            assert_eq!(e.code, ErrorCode::IdNumberNotDigits, "{raw}");
            assert_eq!(e.field.as_deref(), Some("id_number"));
        }
    }

    #[test]
    fn wrong_length_reports_the_digit_count() {
        for (raw, found) in [("00108501234", "11"), ("0010850123456", "13"), ("12345", "5")] {
            let e = err(raw);
            assert_eq!(e.code, ErrorCode::IdNumberLength, "{raw}");
            assert_eq!(e.params["found"], found);
        }
        // Separators do not count.
        assert_eq!(err("001 085 01234").params["found"], "11");
    }

    #[test]
    fn empty_is_required() {
        assert_eq!(err("").code, ErrorCode::Required);
        assert_eq!(err(" . ").code, ErrorCode::Required);
    }

    #[test]
    fn unknown_province_is_rejected_with_its_code() {
        let e = err("003085012345");
        assert_eq!(e.code, ErrorCode::IdNumberProvince);
        assert_eq!(e.params["code"], "003");
        assert_eq!(err("097085012345").params["code"], "097");
        assert_eq!(err("000085012345").code, ErrorCode::IdNumberProvince);
    }

    #[test]
    fn field_name_is_the_callers() {
        let e = parse_id_number("authorised_id_number", "003085012345").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("authorised_id_number"));
        let info = modern("001085012345");
        let errs = check_against_person("authorised_id_number", &info, 1984, Sex::Male);
        assert_eq!(errs[0].field.as_deref(), Some("authorised_id_number"));
    }

    #[test]
    fn matching_person_has_no_errors() {
        let info = modern("001185012345");
        assert!(check_against_person("id_number", &info, 1985, Sex::Female).is_empty());
    }

    #[test]
    fn year_and_sex_mismatches_are_both_reported() {
        let info = modern("001085012345"); // male, 1985
        let errs = check_against_person("id_number", &info, 1958, Sex::Female);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].code, ErrorCode::IdNumberYearMismatch);
        assert_eq!(errs[0].params["id_year"], "1985");
        assert_eq!(errs[0].params["birth_year"], "1958");
        assert_eq!(errs[1].code, ErrorCode::IdNumberSexMismatch);
        assert_eq!(errs[1].params["id_sex"], "male");
        assert_eq!(errs[1].params["sex"], "female");

        let only_year = check_against_person("id_number", &info, 2085, Sex::Male);
        assert_eq!(only_year.len(), 1);
        assert_eq!(only_year[0].code, ErrorCode::IdNumberYearMismatch);
        let only_sex = check_against_person("id_number", &info, 1985, Sex::Female);
        assert_eq!(only_sex.len(), 1);
        assert_eq!(only_sex[0].code, ErrorCode::IdNumberSexMismatch);
    }
}
