//! 公民身份号码, GB 11643-1999: 6-digit address code (GB/T 2260) · 8-digit birth date ·
//! 3-digit sequence (odd for men, even for women) · check character (ISO 7064 MOD 11-2).

use chrono::NaiveDate;

use super::{IdentifierError, PROVINCES, normalize_ascii, text_identifier};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";
/// 港澳台居民居住证 numbers use 81, 82 and 83 under the same structure.
const RESIDENCE_PERMITS: &[u8] = &[83];

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let number = normalize_ascii(input).to_ascii_uppercase();
        if number.is_empty() {
            return Err(IdentifierError::Empty);
        }
        let chars: Vec<char> = number.chars().collect();
        if chars.len() != 18 {
            return Err(IdentifierError::Length {
                expected: 18,
                actual: chars.len(),
            });
        }
        if let Some(i) = (0..17).find(|&i| !chars[i].is_ascii_digit()) {
            return Err(IdentifierError::Character {
                position: i + 1,
                found: chars[i],
                allowed: "前17位只能是数字",
            });
        }
        if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
            return Err(IdentifierError::Character {
                position: 18,
                found: chars[17],
                allowed: "第18位为数字或X",
            });
        }
        let province: u8 = number[0..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) && !RESIDENCE_PERMITS.contains(&province) {
            return Err(IdentifierError::Structure(format!(
                "前两位省级行政区划代码“{}”不存在",
                &number[0..2]
            )));
        }
        let birth = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d").map_err(|_| {
            IdentifierError::Structure(format!("第7–14位出生日期“{}”不是有效日期", &number[6..14]))
        })?;
        let earliest = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap_or(birth);
        if birth < earliest || birth > crate::time::china_today() {
            return Err(IdentifierError::Structure(format!(
                "第7–14位出生日期{birth}不在合理范围内"
            )));
        }
        let sum: u32 = (0..17)
            .map(|i| (chars[i] as u32 - '0' as u32) * WEIGHTS[i])
            .sum();
        let expected = CHECK[(sum % 11) as usize] as char;
        if chars[17] != expected {
            return Err(IdentifierError::CheckCharacter {
                position: 18,
                expected,
                found: chars[17],
            });
        }
        Ok(IdNumber(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked by parse")
    }

    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The address code of first registration (may since have been abolished).
    pub fn address_code(&self) -> &str {
        &self.0[0..6]
    }

    /// As shown to someone without need to see it: 3204**********1234.
    pub fn masked(&self) -> String {
        crate::crypto::mask_middle(&self.0, 4, 4)
    }
}

/// Debug never prints the whole number, so it cannot leak into logs.
impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

text_identifier!(IdNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_numbers_and_normalises_x() {
        for n in [
            "360426199101010071",
            "44011320141005001X",
            "412723199010050012",
            "110102199101010078",
            "120110199212010072",
        ] {
            assert_eq!(IdNumber::parse(n).unwrap().as_str(), n);
        }
        assert_eq!(
            IdNumber::parse("44011320141005001x").unwrap().as_str(),
            "44011320141005001X"
        );
    }

    #[test]
    fn refuses_invalid_numbers_with_a_reason() {
        assert!(matches!(
            IdNumber::parse("36042619910102009X"),
            Err(IdentifierError::CheckCharacter { .. })
        ));
        let month13 = IdNumber::parse("360426199113010079").unwrap_err();
        assert!(month13.to_string().contains("出生日期"), "{month13}");
        assert!(matches!(
            IdNumber::parse("990426199112010074"),
            Err(IdentifierError::Structure(_))
        ));
        assert!(matches!(
            IdNumber::parse("36042619910101007"),
            Err(IdentifierError::Length { .. })
        ));
        assert!(
            IdNumber::parse("360426299101010071").is_err(),
            "born in the future"
        );
    }

    #[test]
    fn reads_birth_date_and_sex() {
        let id = IdNumber::parse("44011320141005001X").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(2014, 10, 5).unwrap()
        );
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.masked(), "4401**********001X");
        assert_eq!(format!("{id:?}"), "IdNumber(4401**********001X)");
    }

    proptest! {
        #[test]
        fn any_single_digit_change_is_caught(pos in 0usize..17, digit in 0u8..10) {
            let valid = "110102199101010078";
            let mut bytes = valid.as_bytes().to_vec();
            prop_assume!(bytes[pos] != b'0' + digit);
            bytes[pos] = b'0' + digit;
            prop_assert!(IdNumber::parse(std::str::from_utf8(&bytes).unwrap()).is_err());
        }
    }
}
