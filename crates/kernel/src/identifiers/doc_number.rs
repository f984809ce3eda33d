//! 文号: the number of an official document, 机关代字〔年份〕序号号 (GB/T 9704 §7.2.4),
//! for example 常新政规〔2020〕1号. Brackets typed as [], 【】, () or （） are read as 〔〕.

use super::{IdentifierError, text_identifier};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocNumber {
    text: String,
    agency_len: usize,
    year: i32,
    serial: u32,
}

impl DocNumber {
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(IdentifierError::Empty);
        }
        let shape = || {
            IdentifierError::Structure(format!(
                "文号“{input}”应写作 机关代字〔年份〕序号号，如 常新政规〔2020〕1号"
            ))
        };
        let open = input
            .find(['〔', '[', '【', '(', '（', '［'])
            .ok_or_else(shape)?;
        let agency = input[..open].trim();
        if agency.is_empty() || agency.chars().any(|c| c.is_ascii_digit()) {
            return Err(shape());
        }
        let rest = &input[open..];
        let rest = rest[rest.chars().next().map_or(0, char::len_utf8)..].trim_start();
        let close = rest
            .find(['〕', ']', '】', ')', '）', '］'])
            .ok_or_else(shape)?;
        let year_text = rest[..close].trim();
        let year: i32 = year_text.parse().map_err(|_| shape())?;
        if year_text.len() != 4 || !(1949..=2200).contains(&year) {
            return Err(IdentifierError::Structure(format!(
                "文号中的年份“{year_text}”无效"
            )));
        }
        let rest = &rest[close..];
        let rest = rest[rest.chars().next().map_or(0, char::len_utf8)..].trim();
        let serial_text = rest.strip_suffix('号').ok_or_else(shape)?.trim();
        let serial: u32 = serial_text.parse().map_err(|_| shape())?;
        if serial == 0 || serial_text.starts_with('0') {
            return Err(IdentifierError::Structure(format!(
                "文号序号“{serial_text}”无效（不编虚位，不加“第”字）"
            )));
        }
        let text = format!("{agency}〔{year}〕{serial}号");
        Ok(DocNumber {
            text,
            agency_len: agency.len(),
            year,
            serial,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// 机关代字, e.g. 常新政规.
    pub fn agency(&self) -> &str {
        &self.text[..self.agency_len]
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }
}

text_identifier!(DocNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let n = DocNumber::parse("常新政规〔2020〕1号").unwrap();
        assert_eq!((n.agency(), n.year(), n.serial()), ("常新政规", 2020, 1));
        assert_eq!(DocNumber::parse("常新政规[2020]1号").unwrap(), n);
        assert_eq!(
            DocNumber::parse("常新政规【2020】1号").unwrap().as_str(),
            "常新政规〔2020〕1号"
        );
        assert_eq!(
            DocNumber::parse("示复（2020）12号").unwrap().as_str(),
            "示复〔2020〕12号"
        );
    }

    #[test]
    fn refuses_malformed_numbers() {
        for bad in [
            "",
            "常新政规2020年1号",
            "〔2020〕1号",
            "常新政规〔20〕1号",
            "常新政规〔2020〕01号",
            "常新政规〔2020〕1",
            "常新政规〔2020〕第1号",
        ] {
            assert!(DocNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
