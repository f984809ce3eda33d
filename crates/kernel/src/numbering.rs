//! Case numbers (案件编号) as series: 新复〔2026〕9号 is the ninth of the year in the series
//! 新复〔年〕号. A new number continues the highest of its series in its year, whichever way the
//! earlier ones came in (registered here, or imported from a ledger), and never repeats one.
//!
//! A series is written as a pattern with `{年}` for the year and `{号}` for the serial, e.g.
//! `新复〔{年}〕{号}号` or `新北调〔{年}〕{号}`. Where no pattern is set, the series is the one the
//! latest numbers already follow.

/// A number taken apart: what stands before the year's bracket, the year, the serial, and what
/// follows the serial (usually 号).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Numbered {
    pub head: String,
    pub year: i32,
    pub serial: u32,
    pub tail: String,
    open: char,
    close: char,
}

impl Numbered {
    /// `机关代字〔YYYY〕N号` (any of the usual brackets; the 号 may be missing), or None.
    pub fn parse(text: &str) -> Option<Numbered> {
        let text = text.trim();
        let (i, open) = text
            .char_indices()
            .find(|(_, c)| "〔[【(（［".contains(*c))?;
        let close = match open {
            '〔' => '〕',
            '[' => ']',
            '【' => '】',
            '(' => ')',
            '（' => '）',
            _ => '］',
        };
        let rest = &text[i + open.len_utf8()..];
        let j = rest.find(close)?;
        let year: i32 = rest[..j].trim().parse().ok()?;
        let after = &rest[j + close.len_utf8()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || !(1900..=2200).contains(&year) {
            return None;
        }
        Some(Numbered {
            head: text[..i].to_string(),
            year,
            serial: after[..digits].parse().ok()?,
            tail: after[digits..].to_string(),
            open,
            close,
        })
    }

    /// The pattern of this number's series.
    pub fn pattern(&self) -> String {
        format!(
            "{}{}{{年}}{}{{号}}{}",
            self.head, self.open, self.close, self.tail
        )
    }
}

/// The series pattern with its parts fixed for a year.
fn parts(pattern: &str, year: i32) -> Option<(String, String)> {
    let filled = pattern.replace("{年}", &year.to_string());
    let (before, after) = filled.split_once("{号}")?;
    Some((before.to_string(), after.to_string()))
}

/// Whether `pattern` is a usable series: it has `{年}` and `{号}`, once each.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if pattern.matches("{年}").count() != 1 || pattern.matches("{号}").count() != 1 {
        return Err(format!(
            "编号格式“{pattern}”应含一个{{年}}和一个{{号}}，如 新复〔{{年}}〕{{号}}号"
        ));
    }
    Ok(())
}

/// The next number of the year `year`.
///
/// `pattern`: the series set by the administrator, or None to follow the series of the highest
/// number of the year in `preferred` (e.g. the numbers of the registering town), then in
/// `existing` (every number of the kind), then of the latest year, then `fallback`. The serial
/// continues the highest number of the chosen series and year among `existing`.
pub fn next_number(
    pattern: Option<&str>,
    fallback: &str,
    year: i32,
    preferred: &[String],
    existing: &[String],
) -> String {
    let latest = |numbers: &[String], same_year: bool| {
        numbers
            .iter()
            .filter_map(|n| Numbered::parse(n))
            .filter(|n| !same_year || n.year == year)
            .max_by_key(|n| (n.year, n.serial))
            .map(|n| n.pattern())
    };
    let pattern = pattern
        .filter(|p| check_pattern(p).is_ok())
        .map(str::to_string)
        .or_else(|| latest(preferred, true))
        .or_else(|| latest(existing, true))
        .or_else(|| latest(preferred, false))
        .or_else(|| latest(existing, false))
        .unwrap_or_else(|| fallback.to_string());
    let Some((before, after)) = parts(&pattern, year) else {
        return fallback
            .replace("{年}", &year.to_string())
            .replace("{号}", "1");
    };
    let taken = |serial: u32| {
        let candidate = format!("{before}{serial}{after}");
        existing.iter().any(|n| n.trim() == candidate)
    };
    let highest = existing
        .iter()
        .filter_map(|n| {
            n.trim()
                .strip_prefix(&before)?
                .strip_suffix(&after)?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    let mut serial = highest + 1;
    while taken(serial) {
        serial += 1;
    }
    format!("{before}{serial}{after}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn numbers_are_taken_apart() {
        let n = Numbered::parse("新复〔2026〕9号").unwrap();
        assert_eq!(
            (n.head.as_str(), n.year, n.serial, n.tail.as_str()),
            ("新复", 2026, 9, "号")
        );
        assert_eq!(n.pattern(), "新复〔{年}〕{号}号");
        let m = Numbered::parse("新北调〔2026〕9033").unwrap();
        assert_eq!((m.serial, m.tail.as_str()), (9033, ""));
        assert_eq!(
            Numbered::parse("常新政规[2020]1号").unwrap().pattern(),
            "常新政规[{年}]{号}号"
        );
        assert!(Numbered::parse("第一号").is_none());
        assert!(Numbered::parse("新复〔二〇二六〕1号").is_none());
    }

    #[test]
    fn a_new_number_continues_the_imported_series() {
        let existing = v(&["新复〔2026〕8号", "新复〔2026〕9号", "新复〔2025〕31号"]);
        assert_eq!(
            next_number(None, "行复〔{年}〕{号}号", 2026, &[], &existing),
            "新复〔2026〕10号"
        );
        // A new year starts the same series at 1.
        assert_eq!(
            next_number(None, "行复〔{年}〕{号}号", 2027, &[], &existing),
            "新复〔2027〕1号"
        );
        // Nothing yet: the fallback.
        assert_eq!(
            next_number(None, "行复〔{年}〕{号}号", 2026, &[], &[]),
            "行复〔2026〕1号"
        );
        // A pattern set by the administrator wins, and continues its own series.
        let mixed = v(&["行复〔2026〕3号", "新复〔2026〕9号"]);
        assert_eq!(
            next_number(Some("行复〔{年}〕{号}号"), "", 2026, &[], &mixed),
            "行复〔2026〕4号"
        );
    }

    #[test]
    fn a_district_series_is_continued_by_every_town_without_a_duplicate() {
        let all = v(&[
            "新北调〔2026〕9033",
            "新北调〔2026〕9032",
            "孟河镇调〔2025〕4号",
        ]);
        let town: Vec<String> = vec![];
        assert_eq!(
            next_number(None, "{镇}调〔{年}〕{号}号", 2026, &town, &all),
            "新北调〔2026〕9034"
        );
        // The town's own series of the year comes first when it has one.
        let mine = v(&["孟河镇调〔2026〕2号"]);
        let mut all2 = all.clone();
        all2.extend(mine.clone());
        assert_eq!(
            next_number(None, "", 2026, &mine, &all2),
            "孟河镇调〔2026〕3号"
        );
        // A gap is not filled, a taken number is skipped.
        let odd = v(&["甲〔2026〕5号", "甲〔2026〕05号"]);
        assert_eq!(next_number(None, "", 2026, &[], &odd), "甲〔2026〕6号");
    }

    #[test]
    fn patterns_need_a_year_and_a_serial() {
        assert!(check_pattern("新复〔{年}〕{号}号").is_ok());
        assert!(check_pattern("新复〔2026〕{号}号").is_err());
        assert!(check_pattern("新复{号}{号}").is_err());
    }
}
