//! Validated identifiers: parse, don't validate. Each type can only hold a valid value.

mod division;
mod doc_number;
mod id_number;
mod uscc;

pub use division::{DivisionCode, DivisionLevel};
pub use doc_number::DocNumber;
pub use id_number::{IdNumber, Sex};
pub use uscc::Uscc;

/// Why an identifier was refused, in words a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("不能为空")]
    Empty,
    #[error("长度应为{expected}位（实际{actual}位）")]
    Length { expected: usize, actual: usize },
    #[error("第{position}位“{found}”不是允许的字符（{allowed}）")]
    Character {
        position: usize,
        found: char,
        allowed: &'static str,
    },
    #[error("{0}")]
    Structure(String),
    #[error("校验位错误：第{position}位应为“{expected}”，实际为“{found}”")]
    CheckCharacter {
        position: usize,
        expected: char,
        found: char,
    },
}

/// Trims and turns full-width ASCII (common in Chinese spreadsheets) into ASCII.
pub(crate) fn normalize_ascii(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// GB/T 2260 province-level codes (the first two digits of a division code).
pub(crate) const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Serialises as the normalised text; deserialises through `parse`.
macro_rules! text_identifier {
    ($ty:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use text_identifier;
