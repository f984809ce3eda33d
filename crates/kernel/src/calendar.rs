//! 工作日历: working days, rest days and statutory periods (期间).
//!
//! A day is a workday Monday to Friday and a rest day on Saturday and Sunday
//! (国务院关于职工工作时间的规定 第七条), except where the State Council's yearly holiday notice
//! says otherwise: a listed 放假 day is a rest day, a listed 调休上班 day is a workday. A date in a
//! year with no notice is unknown, and asking about it is an error, never a guess.
//!
//! Periods follow 民事诉讼法 第八十五条 (第八十二条 before 2022): the start day is not counted;
//! a calendar-day period whose last day is a rest day ends on the next workday. Working-day
//! periods (行政复议法 2017 第四十条, 2023 第八十八条; 行政许可法 第八十二条) count only workdays.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The notices shipped with fazhi, 2020 onwards.
const OFFICIAL: &str = include_str!("../data/calendar.toml");

/// What kind of day a date is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "holiday", rename_all = "snake_case")]
pub enum DayKind {
    Workday,
    Weekend,
    /// 放假: a rest day listed in a notice, with the holiday's name.
    Holiday(Arc<str>),
    /// 调休上班: a Saturday or Sunday the notice makes a workday.
    MakeUpWorkday(Arc<str>),
}

impl DayKind {
    pub fn label(&self) -> String {
        match self {
            DayKind::Workday => "工作日".into(),
            DayKind::Weekend => "周末".into(),
            DayKind::Holiday(name) => format!("{name}放假"),
            DayKind::MakeUpWorkday(name) => format!("{name}调休上班"),
        }
    }
}

/// How a period is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// 工作日: only workdays are counted.
    Workdays,
    /// 日: calendar days; a last day that is a rest day moves to the next workday.
    Days,
}

impl PeriodUnit {
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        match s {
            "workdays" | "workday" | "工作日" => Ok(PeriodUnit::Workdays),
            "days" | "day" | "日" | "自然日" => Ok(PeriodUnit::Days),
            other => Err(CalendarError::UnknownUnit(other.to_string())),
        }
    }

    fn label(self) -> &'static str {
        match self {
            PeriodUnit::Workdays => "个工作日",
            PeriodUnit::Days => "日",
        }
    }
}

/// The two readings the statutes leave open (domain-rules §1.2, §11 item 6). Both are settings;
/// the defaults are common practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPolicy {
    /// A calendar-day period ending on a plain weekend also moves to the next workday
    /// (weekends are 休息日). When false, only a notice's 放假 days move it.
    pub roll_over_weekends: bool,
    /// 调休上班 days are workdays when counting working-day periods.
    pub make_up_days_are_workdays: bool,
}

impl Default for CalendarPolicy {
    fn default() -> Self {
        CalendarPolicy {
            roll_over_weekends: true,
            make_up_days_are_workdays: true,
        }
    }
}

/// A statutory period with its name and legal basis, as modules declare them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodRule {
    pub name: &'static str,
    pub basis: &'static str,
    pub count: u32,
    pub unit: PeriodUnit,
}

/// The rule a deadline was computed under, kept with the deadline for the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub name: String,
    pub basis: String,
}

/// A day the count passed over or the last day was moved past.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub kind: DayKind,
}

/// A computed deadline that can say how it was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub start: NaiveDate,
    pub count: u32,
    pub unit: PeriodUnit,
    pub due: NaiveDate,
    /// For calendar-day periods: the last day before it was moved past rest days.
    pub rolled_from: Option<NaiveDate>,
    /// Rest days not counted (working-day periods) or moved past (calendar-day periods).
    pub skipped: Vec<SkippedDay>,
    pub rule: Option<RuleRef>,
}

impl Deadline {
    /// The explanation shown beside the deadline, in Chinese.
    pub fn explain(&self) -> String {
        let mut s = format!(
            "自{}起算（起算日不计入），期间{}{}",
            self.start,
            self.count,
            self.unit.label()
        );
        if let Some(rule) = &self.rule {
            s = format!("{}：{s}", rule.name);
        }
        match (self.unit, self.rolled_from) {
            (PeriodUnit::Days, Some(from)) => s.push_str(&format!(
                "；{from}为休息日（{}），顺延至其后第一个工作日",
                describe_runs(&self.skipped)
            )),
            (PeriodUnit::Workdays, _) if !self.skipped.is_empty() => {
                s.push_str(&format!("；不计休息日：{}", describe_runs(&self.skipped)))
            }
            _ => {}
        }
        s.push_str(&format!("；届满日 {}", self.due));
        if let Some(rule) = &self.rule {
            s.push_str(&format!("。依据：{}", rule.basis));
        }
        s
    }
}

/// "2020-10-01至2020-10-08（国庆节、中秋节放假）、2020-10-11（周末）"
fn describe_runs(days: &[SkippedDay]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len()
            && days[j + 1].kind == days[i].kind
            && days[j].date.succ_opt() == Some(days[j + 1].date)
        {
            j += 1;
        }
        let label = days[i].kind.label();
        parts.push(if i == j {
            format!("{}（{label}）", days[i].date)
        } else {
            format!("{}至{}（{label}）", days[i].date, days[j].date)
        });
        i = j + 1;
    }
    parts.join("、")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{date} 所在的{year}年没有国务院节假日安排（已载入：{known}），无法判断是否为工作日")]
    UnknownYear {
        date: NaiveDate,
        year: i32,
        known: String,
    },
    #[error("期间单位“{0}”无效，应为 workdays（工作日）或 days（日）")]
    UnknownUnit(String),
    #[error("期间天数应为正整数")]
    EmptyPeriod,
    #[error("节假日安排数据有误：{0}")]
    InvalidNotice(String),
}

/// One year's notice: the facts of 国务院办公厅关于某年部分节假日安排的通知.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearNotice {
    pub year: i32,
    #[serde(default)]
    pub notices: Vec<String>,
    #[serde(default)]
    pub holiday: Vec<Holiday>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    /// Dates or ranges "YYYY-MM-DD..YYYY-MM-DD".
    #[serde(default)]
    pub off: Vec<String>,
    #[serde(default)]
    pub work: Vec<String>,
}

#[derive(Deserialize, Serialize)]
struct NoticeFile {
    year: Vec<YearNotice>,
}

/// A holiday-cn style JSON file: `{"year": 2027, "papers": [..], "days": [{name, date, isOffDay}]}`.
#[derive(Deserialize)]
struct HolidayCnFile {
    year: i32,
    #[serde(default)]
    papers: Vec<String>,
    days: Vec<HolidayCnDay>,
}

#[derive(Deserialize)]
struct HolidayCnDay {
    name: String,
    date: NaiveDate,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

impl YearNotice {
    /// Reads notices in fazhi's own TOML format (the format of the shipped file).
    pub fn parse_toml(text: &str) -> Result<Vec<YearNotice>, CalendarError> {
        let file: NoticeFile =
            toml::from_str(text).map_err(|e| CalendarError::InvalidNotice(e.to_string()))?;
        for notice in &file.year {
            notice.expand()?;
        }
        Ok(file.year)
    }

    /// Reads one year in the holiday-cn JSON format, as published by that data set.
    pub fn parse_holiday_cn_json(text: &str) -> Result<YearNotice, CalendarError> {
        let file: HolidayCnFile =
            serde_json::from_str(text).map_err(|e| CalendarError::InvalidNotice(e.to_string()))?;
        let mut holidays: Vec<Holiday> = Vec::new();
        for day in file.days {
            let index = match holidays.iter().position(|h| h.name == day.name) {
                Some(i) => i,
                None => {
                    holidays.push(Holiday {
                        name: day.name.clone(),
                        off: vec![],
                        work: vec![],
                    });
                    holidays.len() - 1
                }
            };
            let list = if day.is_off_day {
                &mut holidays[index].off
            } else {
                &mut holidays[index].work
            };
            list.push(day.date.to_string());
        }
        let notice = YearNotice {
            year: file.year,
            notices: file.papers,
            holiday: holidays,
        };
        notice.expand()?;
        Ok(notice)
    }

    /// Reads either format, telling them apart by the first character.
    pub fn parse_any(text: &str) -> Result<Vec<YearNotice>, CalendarError> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim_start().starts_with('{') {
            Ok(vec![Self::parse_holiday_cn_json(text)?])
        } else {
            Self::parse_toml(text)
        }
    }

    /// This notice in fazhi's TOML format.
    pub fn to_toml(notices: &[YearNotice]) -> String {
        toml::to_string(&NoticeFile {
            year: notices.to_vec(),
        })
        .unwrap_or_default()
    }

    /// Every listed date with whether it is a rest day, checked for consistency.
    fn expand(&self) -> Result<Vec<(NaiveDate, bool, &str)>, CalendarError> {
        if !(1990..=2200).contains(&self.year) {
            return Err(CalendarError::InvalidNotice(format!(
                "年份{}超出范围",
                self.year
            )));
        }
        let mut out = Vec::new();
        for holiday in &self.holiday {
            for (list, off) in [(&holiday.off, true), (&holiday.work, false)] {
                for item in list {
                    for date in expand_range(item)? {
                        if (date.year() - self.year).abs() > 1 {
                            return Err(CalendarError::InvalidNotice(format!(
                                "{}年的通知中出现了{date}",
                                self.year
                            )));
                        }
                        out.push((date, off, holiday.name.as_str()));
                    }
                }
            }
        }
        out.sort_by_key(|(d, _, _)| *d);
        for pair in out.windows(2) {
            if pair[0].0 == pair[1].0 && pair[0].1 != pair[1].1 {
                return Err(CalendarError::InvalidNotice(format!(
                    "{} 同时被列为放假日和上班日",
                    pair[0].0
                )));
            }
        }
        Ok(out)
    }
}

fn expand_range(item: &str) -> Result<Vec<NaiveDate>, CalendarError> {
    let parse = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| CalendarError::InvalidNotice(format!("日期“{s}”应写作YYYY-MM-DD")))
    };
    match item.split_once("..") {
        None => Ok(vec![parse(item)?]),
        Some((a, b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            if b < a || (b - a).num_days() > 60 {
                return Err(CalendarError::InvalidNotice(format!(
                    "日期范围“{item}”无效"
                )));
            }
            Ok(a.iter_days().take_while(|d| *d <= b).collect())
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Plain,
    Off(u16),
    Work(u16),
}

#[derive(Clone, Debug)]
struct YearTable {
    notices: Vec<String>,
    marks: Vec<Mark>,
}

/// The working-day calendar: the known years' notices and the counting policy.
#[derive(Clone, Debug)]
pub struct Calendar {
    years: BTreeMap<i32, YearTable>,
    names: Vec<Arc<str>>,
    policy: CalendarPolicy,
}

impl Calendar {
    /// The notices shipped with fazhi under the default policy.
    pub fn official() -> &'static Calendar {
        static OFFICIAL_CALENDAR: OnceLock<Calendar> = OnceLock::new();
        OFFICIAL_CALENDAR.get_or_init(|| {
            Calendar::build(Self::official_notices(), CalendarPolicy::default())
                .expect("the shipped calendar file is valid (checked by tests)")
        })
    }

    /// The shipped notices, parsed.
    pub fn official_notices() -> Vec<YearNotice> {
        YearNotice::parse_toml(OFFICIAL).expect("the shipped calendar file is valid")
    }

    /// The shipped notices plus notices loaded later (a later notice for a year replaces the
    /// shipped one), under the given policy.
    pub fn with_loaded(
        loaded: Vec<YearNotice>,
        policy: CalendarPolicy,
    ) -> Result<Calendar, CalendarError> {
        let mut all = Self::official_notices();
        for notice in loaded {
            all.retain(|n| n.year != notice.year);
            all.push(notice);
        }
        Self::build(all, policy)
    }

    /// A calendar from exactly these notices.
    pub fn build(
        mut notices: Vec<YearNotice>,
        policy: CalendarPolicy,
    ) -> Result<Calendar, CalendarError> {
        notices.sort_by_key(|n| n.year);
        let mut years = BTreeMap::new();
        for notice in &notices {
            let days =
                if NaiveDate::from_ymd_opt(notice.year, 12, 31).is_some_and(|d| d.leap_year()) {
                    366
                } else {
                    365
                };
            years.insert(
                notice.year,
                YearTable {
                    notices: notice.notices.clone(),
                    marks: vec![Mark::Plain; days],
                },
            );
        }
        let mut names: Vec<Arc<str>> = Vec::new();
        // Later notices are applied last, so a later notice's word on a date wins.
        for notice in &notices {
            for (date, off, name) in notice.expand()? {
                let Some(table) = years.get_mut(&date.year()) else {
                    continue; // a date in a year without its own notice stays unknown
                };
                let index = match names.iter().position(|n| &**n == name) {
                    Some(i) => i,
                    None => {
                        names.push(Arc::from(name));
                        names.len() - 1
                    }
                };
                let index = u16::try_from(index)
                    .map_err(|_| CalendarError::InvalidNotice("节日名称过多".into()))?;
                table.marks[date.ordinal0() as usize] = if off {
                    Mark::Off(index)
                } else {
                    Mark::Work(index)
                };
            }
        }
        Ok(Calendar {
            years,
            names,
            policy,
        })
    }

    pub fn policy(&self) -> CalendarPolicy {
        self.policy
    }

    pub fn with_policy(&self, policy: CalendarPolicy) -> Calendar {
        Calendar {
            policy,
            ..self.clone()
        }
    }

    /// The years whose notices are known, ascending.
    pub fn known_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The notices behind a known year.
    pub fn notices_of(&self, year: i32) -> Option<&[String]> {
        self.years.get(&year).map(|t| t.notices.as_slice())
    }

    fn known_label(&self) -> String {
        let years = self.known_years();
        match (years.first(), years.last()) {
            (Some(a), Some(b)) if (b - a) as usize + 1 == years.len() => format!("{a}—{b}年"),
            (Some(_), Some(_)) => years
                .iter()
                .map(|y| format!("{y}年"))
                .collect::<Vec<_>>()
                .join("、"),
            _ => "无".into(),
        }
    }

    fn mark(&self, date: NaiveDate) -> Result<Mark, CalendarError> {
        match self.years.get(&date.year()) {
            Some(table) => Ok(table.marks[date.ordinal0() as usize]),
            None => Err(CalendarError::UnknownYear {
                date,
                year: date.year(),
                known: self.known_label(),
            }),
        }
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        Ok(match self.mark(date)? {
            Mark::Off(i) => DayKind::Holiday(self.names[i as usize].clone()),
            Mark::Work(i) if is_weekend(date) => {
                DayKind::MakeUpWorkday(self.names[i as usize].clone())
            }
            Mark::Work(_) | Mark::Plain if !is_weekend(date) => DayKind::Workday,
            _ => DayKind::Weekend,
        })
    }

    /// Whether `date` is a workday under this calendar's policy.
    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(match self.mark(date)? {
            Mark::Off(_) => false,
            Mark::Work(_) if is_weekend(date) => self.policy.make_up_days_are_workdays,
            _ => !is_weekend(date),
        })
    }

    /// Whether a calendar-day period ending on `date` moves to the next workday.
    fn rolls_past(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(match self.mark(date)? {
            Mark::Off(_) => true,
            Mark::Work(_) => false,
            Mark::Plain => self.policy.roll_over_weekends && is_weekend(date),
        })
    }

    /// The deadline `count` units after `start` (the start day itself is never counted).
    pub fn add(
        &self,
        start: NaiveDate,
        count: u32,
        unit: PeriodUnit,
    ) -> Result<Deadline, CalendarError> {
        if count == 0 {
            return Err(CalendarError::EmptyPeriod);
        }
        let mut skipped = Vec::new();
        let (due, rolled_from) = match unit {
            PeriodUnit::Workdays => {
                let mut day = start;
                let mut counted = 0;
                while counted < count {
                    day = next_day(day, self)?;
                    if self.is_workday(day)? {
                        counted += 1;
                    } else {
                        skipped.push(SkippedDay {
                            date: day,
                            kind: self.day(day)?,
                        });
                    }
                }
                (day, None)
            }
            PeriodUnit::Days => {
                let last = start
                    .checked_add_days(Days::new(u64::from(count)))
                    .ok_or(CalendarError::EmptyPeriod)?;
                let mut day = last;
                while self.rolls_past(day)? {
                    skipped.push(SkippedDay {
                        date: day,
                        kind: self.day(day)?,
                    });
                    day = next_day(day, self)?;
                }
                (day, (day != last).then_some(last))
            }
        };
        Ok(Deadline {
            start,
            count,
            unit,
            due,
            rolled_from,
            skipped,
            rule: None,
        })
    }

    /// The deadline of a named statutory period.
    pub fn apply(&self, rule: &PeriodRule, start: NaiveDate) -> Result<Deadline, CalendarError> {
        let mut deadline = self.add(start, rule.count, rule.unit)?;
        deadline.rule = Some(RuleRef {
            name: rule.name.into(),
            basis: rule.basis.into(),
        });
        Ok(deadline)
    }

    /// Workdays after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        let mut n = 0;
        let mut day = from;
        while day < to {
            day = next_day(day, self)?;
            if self.is_workday(day)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

fn next_day(day: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
    day.succ_opt().ok_or_else(|| CalendarError::UnknownYear {
        date: day,
        year: day.year(),
        known: calendar.known_label(),
    })
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl fmt::Display for PeriodUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PeriodUnit::Workdays => "workdays",
            PeriodUnit::Days => "days",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static Calendar {
        Calendar::official()
    }

    #[test]
    fn the_shipped_file_covers_2020_to_2026() {
        assert_eq!(cal().known_years(), (2020..=2026).collect::<Vec<_>>());
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
        assert!(err.to_string().contains("2020—2026"));
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
        (0i64..(365 * 7 - 40)).prop_map(|n| d("2020-01-01") + chrono::Duration::days(n))
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
}
