//! 金额: money as an integer number of fen (分), never a float.

use std::fmt;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Reads amounts as written in ledgers: 3000, 3,000.00, 3000元, ￥3000.5, 3000.00元.
    pub fn parse(text: &str) -> Result<Money, String> {
        let bad = || {
            format!(
                "金额“{}”无效，应为数字（单位：元，最多两位小数）",
                text.trim()
            )
        };
        let t: String = text
            .trim()
            .trim_start_matches(['￥', '¥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, t),
        };
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let yuan: i64 = whole.parse().map_err(|_| bad())?;
        let fen: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        let total = yuan
            .checked_mul(100)
            .and_then(|y| y.checked_add(fen))
            .ok_or_else(bad)?;
        Ok(Money(if negative { -total } else { total }))
    }
}

impl fmt::Display for Money {
    /// 3000.00元
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{}.{:02}元",
            self.0.abs() / 100,
            self.0.abs() % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ledger_amounts() {
        assert_eq!(Money::parse("3000"), Ok(Money::from_yuan(3000)));
        assert_eq!(Money::parse("3,000.00元"), Ok(Money::from_yuan(3000)));
        assert_eq!(Money::parse("￥3000.5"), Ok(Money::from_fen(300050)));
        assert_eq!(Money::from_fen(300050).to_string(), "3000.50元");
        for bad in ["", "abc", "1.234", "1.2.3", "元"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }
}
