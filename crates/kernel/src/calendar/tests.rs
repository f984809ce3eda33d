//! Unit and property tests of the calendar.

use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> &'static Calendar {
    Calendar::official()
}

#[test]
fn the_shipped_file_covers_every_notice_2007_to_2026() {
    assert_eq!(cal().known_years(), (2007..=2026).collect::<Vec<_>>());
}

#[test]
fn days_of_2020_follow_the_notices() {
    assert!(!cal().is_workday(d("2020-10-01")).unwrap());
    assert!(
        cal().is_workday(d("2020-10-10")).unwrap(),
        "Saturday make-up workday"
    );
    assert!(
        cal().is_workday(d("2020-09-27")).unwrap(),
        "Sunday make-up workday"
    );
    assert!(
        !cal().is_workday(d("2020-02-01")).unwrap(),
        "make-up day cancelled by the extension"
    );
    assert!(!cal().is_workday(d("2020-02-02")).unwrap());
    assert_eq!(
        cal().day(d("2020-10-10")).unwrap(),
        DayKind::MakeUpWorkday("国庆节、中秋节".into())
    );
    assert_eq!(cal().day(d("2020-11-28")).unwrap(), DayKind::Weekend);
}

#[test]
fn year_2020_has_249_workdays() {
    let n = d("2020-01-01")
        .iter_days()
        .take_while(|x| x.year() == 2020)
        .filter(|x| cal().is_workday(*x).unwrap())
        .count();
    assert_eq!(n, 249);
}

#[test]
fn worked_examples_from_domain_rules() {
    let add = |s, n, u| cal().add(d(s), n, u).unwrap().due;
    assert_eq!(add("2020-09-25", 5, PeriodUnit::Workdays), d("2020-10-09"));
    assert_eq!(add("2020-09-25", 7, PeriodUnit::Workdays), d("2020-10-12"));
    assert_eq!(add("2020-09-30", 5, PeriodUnit::Workdays), d("2020-10-14"));
    assert_eq!(add("2020-01-20", 5, PeriodUnit::Workdays), d("2020-02-04"));
    assert_eq!(add("2020-12-31", 5, PeriodUnit::Workdays), d("2021-01-08"));
    assert_eq!(add("2020-09-28", 5, PeriodUnit::Workdays), d("2020-10-12"));
    assert_eq!(add("2020-09-25", 60, PeriodUnit::Days), d("2020-11-24"));
    assert_eq!(add("2020-09-30", 60, PeriodUnit::Days), d("2020-11-30"));
    assert_eq!(add("2020-08-03", 60, PeriodUnit::Days), d("2020-10-09"));
}

#[test]
fn weekend_rolling_is_a_setting() {
    let strict = cal().with_policy(CalendarPolicy {
        roll_over_weekends: false,
        ..Default::default()
    });
    // 2020-09-30 + 60 days = Sunday 2020-11-29, a plain weekend.
    assert_eq!(
        strict
            .add(d("2020-09-30"), 60, PeriodUnit::Days)
            .unwrap()
            .due,
        d("2020-11-29")
    );
    // A notice holiday still moves it.
    assert_eq!(
        strict
            .add(d("2020-08-03"), 60, PeriodUnit::Days)
            .unwrap()
            .due,
        d("2020-10-09")
    );
}

#[test]
fn make_up_days_can_be_treated_as_rest_days() {
    let p = CalendarPolicy {
        make_up_days_are_workdays: false,
        ..Default::default()
    };
    let c = cal().with_policy(p);
    // Without counting Sunday 2020-09-27, five workdays after Friday 2020-09-25 end later.
    assert_eq!(
        c.add(d("2020-09-25"), 5, PeriodUnit::Workdays).unwrap().due,
        d("2020-10-12")
    );
}

#[test]
fn unknown_years_are_errors_not_guesses() {
    let err = cal().day(d("2031-01-01")).unwrap_err();
    assert!(matches!(err, CalendarError::UnknownYear { year: 2031, .. }));
    assert!(err.to_string().contains("2007—2026"), "{err}");
    // A period that runs past the last known year is an error too.
    assert!(cal().add(d("2026-12-20"), 30, PeriodUnit::Days).is_err());
    assert!(
        cal()
            .add(d("2026-12-25"), 10, PeriodUnit::Workdays)
            .is_err()
    );
    assert_eq!(
        cal().add(d("2020-01-01"), 0, PeriodUnit::Days),
        Err(CalendarError::EmptyPeriod)
    );
}

#[test]
fn a_provisional_deadline_counts_weekends_only_where_no_notice_is_loaded() {
    // 2026-12-20 + 60 days = 2027-02-18, a Thursday: with 2027 unknown it stands, marked 暂定.
    let dl = cal()
        .add_provisional(d("2026-12-20"), 60, PeriodUnit::Days)
        .unwrap();
    assert_eq!(dl.due, d("2027-02-18"));
    assert_eq!(dl.provisional, vec![2027]);
    let text = dl.explain();
    assert!(
        text.contains("暂定：2027年的国务院节假日安排尚未载入"),
        "{text}"
    );
    // A last day on a Saturday moves to Monday; working days skip weekends only.
    let sat = cal()
        .add_provisional(d("2026-12-01"), 40, PeriodUnit::Days)
        .unwrap();
    assert_eq!(
        (sat.due, sat.rolled_from),
        (d("2027-01-11"), Some(d("2027-01-10")))
    );
    let wd = cal()
        .add_provisional(d("2026-12-25"), 10, PeriodUnit::Workdays)
        .unwrap();
    // 12-28..12-31 (4), 2027-01-01 (Fri) .. : 1-1, 1-4, 1-5, 1-6, 1-7, 1-8 → 10th is 01-08.
    assert_eq!(wd.due, d("2027-01-08"));
    assert_eq!(wd.provisional, vec![2027]);
    // Within known years nothing is provisional, and the date is the strict one.
    let known = cal()
        .add_provisional(d("2020-09-28"), 5, PeriodUnit::Workdays)
        .unwrap();
    assert!(known.provisional.is_empty());
    assert_eq!(
        known,
        cal().add(d("2020-09-28"), 5, PeriodUnit::Workdays).unwrap()
    );
    // Once the year is loaded the same period is computed from its notice.
    let mut notices = Calendar::official_notices();
    notices.push(YearNotice {
        year: 2027,
        notices: vec![],
        holiday: vec![kernel_holiday("春节", "2027-02-06..2027-02-13")],
    });
    let loaded = Calendar::build(notices, Default::default()).unwrap();
    let strict = loaded
        .add_provisional(d("2026-12-20"), 60, PeriodUnit::Days)
        .unwrap();
    assert!(strict.provisional.is_empty());
    assert_eq!(strict.due, d("2027-02-18"));
    let moved = loaded
        .add_provisional(d("2026-12-10"), 60, PeriodUnit::Days)
        .unwrap();
    assert_eq!(
        moved.due,
        d("2027-02-15"),
        "2027-02-08 falls in the typed holiday"
    );
    // `day` still refuses the unknown year.
    assert!(cal().day(d("2027-01-04")).is_err());
}

fn kernel_holiday(name: &str, off: &str) -> super::Holiday {
    super::Holiday {
        name: name.into(),
        off: vec![off.into()],
        work: vec![],
    }
}

#[test]
fn a_deadline_explains_itself() {
    const RULE: PeriodRule = PeriodRule {
        name: "受理审查期限",
        basis: "行政复议法（2017）第十七条、第四十条",
        count: 5,
        unit: PeriodUnit::Workdays,
    };
    let dl = cal().apply(&RULE, d("2020-09-28")).unwrap();
    assert_eq!(dl.due, d("2020-10-12"));
    let text = dl.explain();
    assert!(
        text.contains("2020-10-01至2020-10-08（国庆节、中秋节放假）"),
        "{text}"
    );
    assert!(text.contains("届满日 2020-10-12"), "{text}");
    assert!(text.contains("第四十条"), "{text}");
    let rolled = cal().add(d("2020-08-03"), 60, PeriodUnit::Days).unwrap();
    assert_eq!(rolled.rolled_from, Some(d("2020-10-02")));
    assert!(rolled.explain().contains("顺延"), "{}", rolled.explain());
}

#[test]
fn notices_load_in_both_formats() {
    let json = r#"{"year": 2027, "papers": ["x"], "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "春节", "date": "2027-02-06", "isOffDay": false}]}"#;
    let notices = YearNotice::parse_any(json).unwrap();
    let c = Calendar::with_loaded(notices.clone(), CalendarPolicy::default()).unwrap();
    assert!(!c.is_workday(d("2027-01-01")).unwrap());
    assert!(
        c.is_workday(d("2027-02-06")).unwrap(),
        "Saturday make-up day"
    );
    let round = YearNotice::parse_any(&YearNotice::to_toml(&notices)).unwrap();
    assert_eq!(round, notices);
    let bad = r#"{"year": 2027, "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
        {"name": "元旦", "date": "2027-01-01", "isOffDay": false}]}"#;
    assert!(YearNotice::parse_any(bad).is_err());
}

fn known_date() -> impl Strategy<Value = NaiveDate> {
    // Far enough from the end of 2026 (the last year the test calendar knows) that a date 30 days on
    // plus 21 days, or 20 working days, stays inside it.
    (0i64..(365 * 7 - 90)).prop_map(|n| d("2020-01-01") + chrono::Duration::days(n))
}

proptest! {
    #[test]
    fn n_workdays_after_any_date_is_a_workday(start in known_date(), n in 1u32..=20) {
        let due = cal().add(start, n, PeriodUnit::Workdays).unwrap().due;
        prop_assert!(cal().is_workday(due).unwrap());
        prop_assert!(due > start);
        prop_assert_eq!(cal().workdays_between(start, due).unwrap(), n);
    }

    #[test]
    fn adding_is_monotonic(a in known_date(), gap in 0i64..30, n in 1u32..=15, days in 1u32..=20) {
        let b = a + chrono::Duration::days(gap);
        for unit in [PeriodUnit::Workdays, PeriodUnit::Days] {
            let count = if unit == PeriodUnit::Days { days } else { n };
            prop_assert!(cal().add(a, count, unit).unwrap().due <= cal().add(b, count, unit).unwrap().due);
            prop_assert!(cal().add(a, count, unit).unwrap().due <= cal().add(a, count + 1, unit).unwrap().due);
        }
    }

    #[test]
    fn a_calendar_day_period_ends_on_a_workday_not_before_its_last_day(start in known_date(), n in 1u32..=30) {
        let dl = cal().add(start, n, PeriodUnit::Days).unwrap();
        prop_assert!(cal().is_workday(dl.due).unwrap());
        prop_assert!(dl.due >= start + chrono::Duration::days(i64::from(n)));
    }
}
