//! Every day 2007–2026 of the shipped calendar against the State Council notices as published
//! in ../shared/reference/holidays (holiday-cn JSON, one file per notice year).

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, Weekday};
use kernel::Calendar;

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/holidays")
}

#[test]
fn every_day_2007_to_2026_agrees_with_the_notices() {
    let mut overrides: HashMap<NaiveDate, bool> = HashMap::new();
    // Notices can list days of the neighbouring year; read one year either side too.
    for year in 2007..=2027 {
        let path = reference_dir().join(format!("{year}.json"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for day in json["days"].as_array().unwrap() {
            let date =
                NaiveDate::parse_from_str(day["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            overrides.insert(date, !day["isOffDay"].as_bool().unwrap());
        }
    }
    let calendar = Calendar::official();
    let mut checked = 0;
    let mut date = NaiveDate::from_ymd_opt(2007, 1, 1).unwrap();
    while date.year() <= 2026 {
        let expected = overrides
            .get(&date)
            .copied()
            .unwrap_or(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun));
        assert_eq!(calendar.is_workday(date).unwrap(), expected, "{date}");
        checked += 1;
        date = date.succ_opt().unwrap();
    }
    assert_eq!(checked, 7305);
}
