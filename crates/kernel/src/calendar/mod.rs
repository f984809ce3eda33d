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

mod deadline;
mod notice;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use deadline::{Deadline, PeriodRule, RuleRef, SkippedDay};
pub use notice::{Holiday, TypedHoliday, YearNotice};

/// The notices shipped with fazhi, 2020 onwards.
const OFFICIAL: &str = include_str!("../../data/calendar.toml");

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

/// The longest period a deadline counts: a hundred years of days (no statute comes near).
pub const MAX_PERIOD: u32 = 36_500;

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
    #[error("期间过长：最多{max}日（{given}超出了可计算的范围）")]
    PeriodTooLong { given: u32, max: u32 },
    #[error("节假日安排数据有误：{0}")]
    InvalidNotice(String),
}

/// How a date in a year without a notice is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lookup {
    /// It is an error (the calendar never guesses).
    Strict,
    /// Weekends only, for a deadline marked 暂定.
    Provisional,
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

    /// Whether the notice of `year` is known.
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    fn mark(&self, date: NaiveDate, lookup: Lookup) -> Result<Mark, CalendarError> {
        match self.years.get(&date.year()) {
            Some(table) => Ok(table.marks[date.ordinal0() as usize]),
            None if lookup == Lookup::Provisional => Ok(Mark::Plain),
            None => Err(CalendarError::UnknownYear {
                date,
                year: date.year(),
                known: self.known_label(),
            }),
        }
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        self.day_in(date, Lookup::Strict)
    }

    fn day_in(&self, date: NaiveDate, lookup: Lookup) -> Result<DayKind, CalendarError> {
        Ok(match self.mark(date, lookup)? {
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
        self.is_workday_in(date, Lookup::Strict)
    }

    fn is_workday_in(&self, date: NaiveDate, lookup: Lookup) -> Result<bool, CalendarError> {
        Ok(match self.mark(date, lookup)? {
            Mark::Off(_) => false,
            Mark::Work(_) if is_weekend(date) => self.policy.make_up_days_are_workdays,
            _ => !is_weekend(date),
        })
    }

    /// Whether a calendar-day period ending on `date` moves to the next workday.
    fn rolls_past(&self, date: NaiveDate, lookup: Lookup) -> Result<bool, CalendarError> {
        Ok(match self.mark(date, lookup)? {
            Mark::Off(_) => true,
            Mark::Work(_) => false,
            Mark::Plain => self.policy.roll_over_weekends && is_weekend(date),
        })
    }

    /// The deadline `count` units after `start` (the start day itself is never counted).
    /// Adds a period of `count` units to `start` (at most [`MAX_PERIOD`]).
    pub fn add(
        &self,
        start: NaiveDate,
        count: u32,
        unit: PeriodUnit,
    ) -> Result<Deadline, CalendarError> {
        self.add_in(start, count, unit, Lookup::Strict)
    }

    /// Like [`Calendar::add`], but a day in a year whose notice is not loaded counts as a workday
    /// Monday to Friday and a rest day at the weekend: the deadline is provisional (暂定), lists
    /// those years in [`Deadline::provisional`], and is computed again once their notices are
    /// loaded. For a case clock, which must show a date; never for `calendar day`.
    pub fn add_provisional(
        &self,
        start: NaiveDate,
        count: u32,
        unit: PeriodUnit,
    ) -> Result<Deadline, CalendarError> {
        self.add_in(start, count, unit, Lookup::Provisional)
    }

    fn add_in(
        &self,
        start: NaiveDate,
        count: u32,
        unit: PeriodUnit,
        lookup: Lookup,
    ) -> Result<Deadline, CalendarError> {
        if count == 0 {
            return Err(CalendarError::EmptyPeriod);
        }
        if count > MAX_PERIOD {
            return Err(CalendarError::PeriodTooLong {
                given: count,
                max: MAX_PERIOD,
            });
        }
        let mut skipped = Vec::new();
        let (due, rolled_from) = match unit {
            PeriodUnit::Workdays => {
                let mut day = start;
                let mut counted = 0;
                while counted < count {
                    day = next_day(day, self)?;
                    if self.is_workday_in(day, lookup)? {
                        counted += 1;
                    } else {
                        skipped.push(SkippedDay {
                            date: day,
                            kind: self.day_in(day, lookup)?,
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
                while self.rolls_past(day, lookup)? {
                    skipped.push(SkippedDay {
                        date: day,
                        kind: self.day_in(day, lookup)?,
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
            // The days looked at run from the day after the start to the due day.
            provisional: (start.succ_opt().unwrap_or(start).year()..=due.year())
                .filter(|y| !self.knows(*y))
                .collect(),
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
        self.workdays_between_in(from, to, Lookup::Strict)
    }

    /// Like [`Calendar::workdays_between`], with weekends only in years without a notice.
    pub fn workdays_between_provisional(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        self.workdays_between_in(from, to, Lookup::Provisional)
    }

    fn workdays_between_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        lookup: Lookup,
    ) -> Result<u32, CalendarError> {
        let mut n = 0;
        let mut day = from;
        while day < to {
            day = next_day(day, self)?;
            if self.is_workday_in(day, lookup)? {
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
mod tests;
