//! Time as the law counts it: calendar dates in China Standard Time (UTC+8); instants in UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// UTC+8, the time zone of every date the law counts.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Today's date in China.
pub fn china_today() -> NaiveDate {
    Utc::now().with_timezone(&china()).date_naive()
}

/// The local (China) date of an instant: a year's figures are by this date.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china()).date_naive()
}

/// The stored form of an instant: RFC 3339 in UTC with microseconds, fixed width so that text
/// order is time order on every backend.
pub fn format_instant(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// An instant as a Chinese reader expects it: 2020-10-09 14:03:05 (China time).
pub fn display_instant(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The stored instant text shown in China time; unreadable text is shown as it is.
pub fn display_stored(text: &str) -> String {
    parse_instant(text)
        .map(display_instant)
        .unwrap_or_else(|| text.to_string())
}

/// A stored date (`2020-10-09`), written without a format string (the fixed layout costs a few
/// nanoseconds; chrono's formatter interprets its pattern on every call).
pub fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let mut out = String::with_capacity(10);
        for digit in [
            y / 1000,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            -1,
            (m / 10) as i32,
            (m % 10) as i32,
            -1,
            (day / 10) as i32,
            (day % 10) as i32,
        ] {
            out.push(if digit < 0 {
                '-'
            } else {
                char::from(b'0' + digit as u8)
            });
        }
        out
    } else {
        d.to_string()
    }
}

/// A stored date read back (`2020-10-09`); None for anything else.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)
}

/// Reads a date as people type it in forms and ledgers: 2020-10-09, 2020/10/9, 2020.10.9,
/// 20201009 or 2020年10月9日.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let normalised: String = t
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    let attempt = if normalised.len() == 8 && normalised.chars().all(|c| c.is_ascii_digit()) {
        NaiveDate::parse_from_str(&normalised, "%Y%m%d")
    } else {
        NaiveDate::parse_from_str(&normalised, "%Y-%m-%d")
    };
    attempt.map_err(|_| format!("“{t}”不是有效日期，应写作YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_people_type() {
        let want = NaiveDate::from_ymd_opt(2020, 10, 9).unwrap();
        for t in [
            "2020-10-09",
            "2020/10/9",
            "2020.10.09",
            "20201009",
            "2020年10月9日",
            " 2020-10-9 ",
        ] {
            assert_eq!(parse_date(t), Ok(want), "{t}");
        }
        for bad in ["2020-13-01", "2020-02-30", "tomorrow", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_local_date_is_china_time() {
        let late_utc = DateTime::parse_from_rfc3339("2020-12-31T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            china_date(late_utc),
            NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
        );
        assert_eq!(display_instant(late_utc), "2021-01-01 01:00:00");
        let text = format_instant(late_utc);
        assert_eq!(text, "2020-12-31T17:00:00.000000Z");
        assert_eq!(parse_instant(&text), Some(late_utc));
    }
}

#[cfg(test)]
mod iso_tests {
    use super::*;

    #[test]
    fn stored_dates_round_trip_without_a_formatter() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..12_000 {
            let text = iso_date(d);
            assert_eq!(text, d.format("%Y-%m-%d").to_string());
            assert_eq!(parse_iso_date(&text), Some(d));
            d = d.succ_opt().unwrap();
        }
        assert_eq!(parse_iso_date("2020-02-30"), None);
        // Short forms are still read (as chrono read them before).
        assert_eq!(
            parse_iso_date("2020-1-5"),
            NaiveDate::from_ymd_opt(2020, 1, 5)
        );
        assert_eq!(parse_iso_date("abcd-ef-gh"), None);
    }
}
