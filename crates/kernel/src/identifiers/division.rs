//! 行政区划代码, GB/T 2260: two digits for the province, two for the city, two for the county.

use super::{IdentifierError, PROVINCES, normalize_ascii, text_identifier};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum DivisionLevel {
    Province,
    City,
    County,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let code = normalize_ascii(input);
        if code.is_empty() {
            return Err(IdentifierError::Empty);
        }
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 6 {
            return Err(IdentifierError::Length {
                expected: 6,
                actual: chars.len(),
            });
        }
        if let Some((i, c)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdentifierError::Character {
                position: i + 1,
                found: *c,
                allowed: "只能是数字",
            });
        }
        let province: u8 = code[0..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(IdentifierError::Structure(format!(
                "省级代码“{}”不存在",
                &code[0..2]
            )));
        }
        Ok(DivisionCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> DivisionLevel {
        match (&self.0[2..4], &self.0[4..6]) {
            ("00", "00") => DivisionLevel::Province,
            (_, "00") => DivisionLevel::City,
            _ => DivisionLevel::County,
        }
    }

    /// The code of the province this division belongs to (320411 → 320000).
    pub fn province(&self) -> DivisionCode {
        DivisionCode(format!("{}0000", &self.0[0..2]))
    }

    /// Whether `other` lies within this division (320400 contains 320411).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        match self.level() {
            DivisionLevel::Province => self.0[0..2] == other.0[0..2],
            DivisionLevel::City => self.0[0..4] == other.0[0..4],
            DivisionLevel::County => self.0 == other.0,
        }
    }
}

text_identifier!(DivisionCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels() {
        let xinbei = DivisionCode::parse("320411").unwrap();
        assert_eq!(xinbei.level(), DivisionLevel::County);
        assert_eq!(
            DivisionCode::parse("320400").unwrap().level(),
            DivisionLevel::City
        );
        assert_eq!(xinbei.province().as_str(), "320000");
        assert!(DivisionCode::parse("320400").unwrap().contains(&xinbei));
        assert!(!DivisionCode::parse("320500").unwrap().contains(&xinbei));
    }

    #[test]
    fn refuses_bad_codes() {
        assert!(DivisionCode::parse("32041").is_err());
        assert!(DivisionCode::parse("99041A").is_err());
        assert!(DivisionCode::parse("990411").is_err());
    }
}
