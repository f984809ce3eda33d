//! 统一社会信用代码, GB 32100-2015 (with amendment No. 1).
//!
//! 18 characters from the digits and upper-case letters except I, O, Z, S, V:
//! 1 登记管理部门码 · 2 机构类别码 · 3–8 登记管理机关行政区划码 · 9–17 主体标识码 (the GB 11714
//! organisation code, itself ending in a check character) · 18 check character (GB/T 17710).

use super::{IdentifierError, normalize_ascii, text_identifier};

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registration departments (登记管理部门码) and the categories (机构类别码) each may use.
const DEPARTMENTS: &[(char, &str, &str)] = &[
    ('1', "机构编制", "1239"),
    ('2', "外交", "19"),
    ('3', "司法行政", "123459"),
    ('4', "文化", "19"),
    ('5', "民政", "1239"),
    ('6', "旅游", "129"),
    ('7', "宗教", "129"),
    ('8', "工会", "19"),
    ('9', "工商", "123"),
    ('A', "中央军委改革和编制办公室", "19"),
    ('N', "农业", "1239"),
    ('Y', "其他", "1"),
];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let code = normalize_ascii(input).to_ascii_uppercase();
        if code.is_empty() {
            return Err(IdentifierError::Empty);
        }
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(IdentifierError::Length {
                expected: 18,
                actual: chars.len(),
            });
        }
        let mut values = [0u32; 18];
        for (i, c) in chars.iter().enumerate() {
            values[i] = ALPHABET.find(*c).ok_or(IdentifierError::Character {
                position: i + 1,
                found: *c,
                allowed: "数字或大写字母，不使用I、O、Z、S、V",
            })? as u32;
        }
        let Some((_, department, categories)) = DEPARTMENTS.iter().find(|(c, _, _)| *c == chars[0])
        else {
            return Err(IdentifierError::Structure(format!(
                "第1位登记管理部门码“{}”无效，应为1–9、A、N或Y",
                chars[0]
            )));
        };
        if !categories.contains(chars[1]) {
            return Err(IdentifierError::Structure(format!(
                "第2位机构类别码“{}”不属于登记管理部门“{department}”（可用：{}）",
                chars[1],
                categories
                    .chars()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .join("、")
            )));
        }
        if let Some(i) = (2..8).find(|&i| !chars[i].is_ascii_digit()) {
            return Err(IdentifierError::Character {
                position: i + 1,
                found: chars[i],
                allowed: "第3–8位为登记管理机关行政区划码，只能是数字",
            });
        }
        // 主体标识码: GB 11714 — eight body characters, then the check character (digit or X).
        let org_sum: u32 = (0..8)
            .map(|i| org_value(chars[8 + i]) * ORG_WEIGHTS[i])
            .sum();
        let expected_org = match 11 - org_sum % 11 {
            10 => 'X',
            11 => '0',
            n => char::from_digit(n, 10).unwrap_or('0'),
        };
        if chars[16] != expected_org {
            return Err(IdentifierError::Structure(format!(
                "第9–17位组织机构代码的校验位错误：第17位应为“{expected_org}”，实际为“{}”",
                chars[16]
            )));
        }
        let sum: u32 = (0..17).map(|i| values[i] * WEIGHTS[i]).sum();
        let check = (31 - sum % 31) % 31;
        let expected = ALPHABET.as_bytes()[check as usize] as char;
        if chars[17] != expected {
            return Err(IdentifierError::CheckCharacter {
                position: 18,
                expected,
                found: chars[17],
            });
        }
        Ok(Uscc(code))
    }

    /// Builds a code from its parts, computing both check characters: the registration
    /// department and category, the six-digit division code, and the eight-character body of the
    /// organisation code.
    pub fn from_parts(
        department: char,
        category: char,
        division: &str,
        org_body: &str,
    ) -> Result<Self, IdentifierError> {
        if org_body.chars().count() != 8 {
            return Err(IdentifierError::Structure("组织机构代码本体应为8位".into()));
        }
        let org_sum: u32 = org_body
            .chars()
            .enumerate()
            .map(|(i, c)| org_value(c) * ORG_WEIGHTS[i % 8])
            .sum();
        let org_check = match 11 - org_sum % 11 {
            10 => 'X',
            11 => '0',
            n => char::from_digit(n, 10).unwrap_or('0'),
        };
        let first17 = format!("{department}{category}{division}{org_body}{org_check}");
        let sum: u32 = first17
            .chars()
            .enumerate()
            .map(|(i, c)| {
                ALPHABET
                    .find(c)
                    .map(|v| v as u32 * WEIGHTS[i % 17])
                    .unwrap_or(0)
            })
            .sum();
        let check = ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
        Self::parse(&format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门 (e.g. 工商, 民政, 司法行政).
    pub fn registration_department(&self) -> &'static str {
        let first = self.0.as_bytes()[0] as char;
        DEPARTMENTS
            .iter()
            .find(|(c, _, _)| *c == first)
            .map(|(_, d, _)| *d)
            .unwrap_or("")
    }

    /// 登记管理机关行政区划码 (positions 3–8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The embedded GB 11714 organisation code (positions 9–17).
    pub fn organization_code(&self) -> &str {
        &self.0[8..17]
    }
}

/// GB 11714 character values: digits keep their value, letters A–Z are 10–35.
fn org_value(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A'..='Z' => c as u32 - 'A' as u32 + 10,
        _ => 0,
    }
}

text_identifier!(Uscc);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_known_valid_codes() {
        for code in [
            "91110000600037341L",
            "121200004013590816",
            "91320214745555318W",
            "91310115MA1K3BTP2B",
            "9144030071526726XG",
            "91620105L015101280",
            "92340602MA2PBMEM24",
        ] {
            assert_eq!(
                Uscc::parse(code).map(|u| u.to_string()),
                Ok(code.to_string()),
                "{code}"
            );
        }
    }

    #[test]
    fn refuses_the_known_invalid_codes_with_a_reason() {
        assert_eq!(
            Uscc::parse("91110000600037341N"),
            Err(IdentifierError::CheckCharacter {
                position: 18,
                expected: 'L',
                found: 'N'
            })
        );
        assert!(matches!(
            Uscc::parse("9111000060003IOZSV"),
            Err(IdentifierError::Character { position: 14, .. })
        ));
        assert!(matches!(
            Uscc::parse("91110000600037341"),
            Err(IdentifierError::Length { .. })
        ));
        assert!(matches!(
            Uscc::parse("B1110000600037341L"),
            Err(IdentifierError::Structure(_))
        ));
        assert!(matches!(
            Uscc::parse("94110000600037341L"),
            Err(IdentifierError::Structure(_))
        ));
    }

    #[test]
    fn normalises_case_and_full_width() {
        assert_eq!(
            Uscc::parse(" ９１１１００００６０００３７３４１ｌ ")
                .unwrap()
                .as_str(),
            "91110000600037341L"
        );
    }

    #[test]
    fn a_n_and_y_prefixes_are_allowed() {
        // Codes built with a valid organisation code and the right check characters.
        for prefix in ["A1", "N2", "Y1"] {
            let code = complete(&format!("{prefix}320411MA1K3BTP2"));
            assert!(Uscc::parse(&code).is_ok(), "{code}");
        }
    }

    #[test]
    fn built_codes_are_valid_and_match_known_ones() {
        assert_eq!(
            Uscc::from_parts('9', '1', "110000", "60003734")
                .unwrap()
                .as_str(),
            "91110000600037341L"
        );
        assert_eq!(
            Uscc::from_parts('9', '1', "310115", "MA1K3BTP")
                .unwrap()
                .as_str(),
            "91310115MA1K3BTP2B"
        );
        assert!(
            Uscc::from_parts('9', '5', "310115", "MA1K3BTP").is_err(),
            "category 5 is not 工商's"
        );
    }

    /// Appends the GB 32100 check character to 17 characters.
    fn complete(first17: &str) -> String {
        let sum: u32 = first17
            .chars()
            .enumerate()
            .map(|(i, c)| ALPHABET.find(c).unwrap() as u32 * WEIGHTS[i])
            .sum();
        let check = ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
        format!("{first17}{check}")
    }

    proptest! {
        #[test]
        fn any_single_character_change_is_caught(pos in 0usize..18, replacement in 0usize..31) {
            let valid = "91320214745555318W";
            let mut chars: Vec<char> = valid.chars().collect();
            let new = ALPHABET.as_bytes()[replacement] as char;
            prop_assume!(chars[pos] != new);
            chars[pos] = new;
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err(), "{}", changed);
        }
    }
}
