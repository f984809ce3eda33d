//! The holiday notices as data: fazhi's own TOML format and the holiday-cn JSON format.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::CalendarError;

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

/// One holiday typed into a form: rest days `off_from..=off_to`, and make-up workdays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedHoliday {
    pub name: String,
    pub off_from: NaiveDate,
    pub off_to: NaiveDate,
    pub work: Vec<NaiveDate>,
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

    /// A year's notice as typed into the calendar page: each holiday's rest days from the first
    /// to the last (both included) and its make-up workdays. Checked like a loaded file.
    pub fn from_typed(
        year: i32,
        title: &str,
        holidays: Vec<TypedHoliday>,
    ) -> Result<YearNotice, CalendarError> {
        if holidays.is_empty() {
            return Err(CalendarError::InvalidNotice(
                "至少填写一个节日的放假日期".into(),
            ));
        }
        let mut out = Vec::new();
        for h in holidays {
            let name = h.name.trim();
            if name.is_empty() {
                return Err(CalendarError::InvalidNotice("每个节日都要填写名称".into()));
            }
            if h.off_to < h.off_from {
                return Err(CalendarError::InvalidNotice(format!(
                    "{name}：放假结束日{}早于开始日{}",
                    h.off_to, h.off_from
                )));
            }
            if (h.off_to - h.off_from).num_days() > 30 {
                return Err(CalendarError::InvalidNotice(format!(
                    "{name}：放假{}日，超过一个月，请检查日期",
                    (h.off_to - h.off_from).num_days() + 1
                )));
            }
            out.push(Holiday {
                name: name.into(),
                off: vec![format!("{}..{}", h.off_from, h.off_to)],
                work: h.work.iter().map(|d| d.to_string()).collect(),
            });
        }
        let title = title.trim();
        let notice = YearNotice {
            year,
            notices: if title.is_empty() {
                vec![format!("国务院办公厅关于{year}年部分节假日安排的通知")]
            } else {
                vec![title.into()]
            },
            holiday: out,
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
    pub(super) fn expand(&self) -> Result<Vec<(NaiveDate, bool, &str)>, CalendarError> {
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
