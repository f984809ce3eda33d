//! Deadlines that can say how they were computed (start, rule and article, days skipped).

use chrono::NaiveDate;
use serde::Serialize;

use super::{DayKind, PeriodUnit};

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
    /// Years the count passed through whose holiday notice is not loaded: there only weekends
    /// were taken as rest days, and the date is provisional (暂定) until the notices are loaded.
    pub provisional: Vec<i32>,
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
        if let Some(reason) = self.provisional_reason() {
            s.push_str(&format!("（暂定：{reason}）"));
        }
        if let Some(rule) = &self.rule {
            s.push_str(&format!("。依据：{}", rule.basis));
        }
        s
    }
}

impl Deadline {
    /// Why the date is provisional, or None when every year it passed through is known.
    pub fn provisional_reason(&self) -> Option<String> {
        if self.provisional.is_empty() {
            return None;
        }
        let years = self
            .provisional
            .iter()
            .map(|y| format!("{y}年"))
            .collect::<Vec<_>>()
            .join("、");
        Some(format!(
            "{years}的国务院节假日安排尚未载入，暂按周六、周日休息计算，载入后自动重新计算"
        ))
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
