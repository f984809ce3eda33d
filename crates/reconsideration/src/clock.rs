//! The running clock of a case: every statutory period with its due date computed from the
//! calendar and the case's steps, each able to say how it was computed.

use chrono::NaiveDate;
use kernel::calendar::{Calendar, CalendarError, Deadline};
use serde::Serialize;

use crate::model::{Case, Procedure, Regime, Stage, Step, StepKind};
use crate::rules::{self, Period};

/// Where a period stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// Done on or before its day.
    Met,
    /// Done after its day.
    Late,
    /// Running, the day not yet passed.
    Running,
    /// Stopped by a suspension.
    Paused,
    /// Not done and the day has passed.
    Overdue,
}

impl DueState {
    pub fn label(self) -> &'static str {
        match self {
            DueState::Met => "按期完成",
            DueState::Late => "逾期完成",
            DueState::Running => "进行中",
            DueState::Paused => "中止计时",
            DueState::Overdue => "已逾期",
        }
    }
}

/// One period of a case.
#[derive(Clone, Debug, Serialize)]
pub struct DueLine {
    pub period: &'static str,
    pub deadline: Deadline,
    /// How it was computed, in Chinese, including suspensions and an extension.
    pub explanation: String,
    pub done_on: Option<NaiveDate>,
    pub state: DueState,
    /// Working days left (running periods only).
    pub workdays_left: Option<u32>,
}

/// The periods of a case on a day.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Clock {
    pub lines: Vec<DueLine>,
    /// The decision deadline, suspensions and an extension included.
    pub decision_due: Option<NaiveDate>,
    /// 2023 law 第三十条: the day the case counts as accepted if it has not been refused.
    pub deemed_accepted_on: Option<NaiveDate>,
    /// Periods computed provisionally (暂定: a year they pass through has no holiday notice
    /// loaded, so only weekends were taken as rest days), each with the reason.
    pub provisional: Vec<String>,
}

impl Clock {
    /// The line of the decision period.
    pub fn decision(&self) -> Option<&DueLine> {
        self.lines
            .iter()
            .find(|l| l.period.starts_with("行政复议决定期限"))
    }
}

fn first(steps: &[Step], kind: StepKind) -> Option<NaiveDate> {
    steps.iter().find(|s| s.kind == kind).map(|s| s.on)
}

fn last(steps: &[Step], kind: StepKind) -> Option<NaiveDate> {
    steps.iter().rev().find(|s| s.kind == kind).map(|s| s.on)
}

/// Days the case stood suspended up to `today` (the current suspension counts up to today).
fn suspended_days(steps: &[Step], today: NaiveDate) -> (i64, bool) {
    let mut total = 0;
    let mut since: Option<NaiveDate> = None;
    for s in steps {
        match s.kind {
            StepKind::Suspend => since = Some(s.on),
            StepKind::Resume => {
                if let Some(from) = since.take() {
                    total += (s.on - from).num_days();
                }
            }
            _ => {}
        }
    }
    let paused = since.is_some();
    if let Some(from) = since {
        total += (today - from).num_days().max(0);
    }
    (total, paused)
}

struct Builder<'a> {
    calendar: &'a Calendar,
    today: NaiveDate,
    regime: Regime,
    procedure: Procedure,
    lines: Vec<DueLine>,
    provisional: Vec<String>,
}

impl Builder<'_> {
    fn line(
        &mut self,
        period: Period,
        start: NaiveDate,
        extra_days: u32,
        notes: Vec<String>,
        done_on: Option<NaiveDate>,
        paused: bool,
    ) -> Result<Option<Deadline>, CalendarError> {
        let Some(rule) = rules::period(self.regime, self.procedure, period) else {
            return Ok(None);
        };
        // A deadline in a year whose holiday notice is not loaded yet is computed with weekends
        // only and marked 暂定: the case clock always shows a date, and the date is computed
        // again (from the notice) on every reading once the notice is loaded.
        let mut deadline =
            self.calendar
                .add_provisional(start, rule.count + extra_days, rule.unit)?;
        if let Some(reason) = deadline.provisional_reason() {
            self.provisional.push(format!("{}：{reason}", rule.name));
        }
        deadline.rule = Some(kernel::calendar::RuleRef {
            name: rule.name.into(),
            basis: rule.basis.into(),
        });
        deadline.count = rule.count + extra_days;
        let mut explanation = deadline.explain();
        for n in notes {
            explanation.push('；');
            explanation.push_str(&n);
        }
        let state = match done_on {
            Some(d) if d <= deadline.due => DueState::Met,
            Some(_) => DueState::Late,
            None if paused => DueState::Paused,
            None if self.today > deadline.due => DueState::Overdue,
            None => DueState::Running,
        };
        let workdays_left = (state == DueState::Running)
            .then(|| {
                self.calendar
                    .workdays_between_provisional(self.today, deadline.due)
                    .ok()
            })
            .flatten();
        self.lines.push(DueLine {
            period: rule.name,
            deadline: deadline.clone(),
            explanation,
            done_on,
            state,
            workdays_left,
        });
        Ok(Some(deadline))
    }
}

/// The clock of `case` with its `steps` (in order) on `today`.
pub fn clock(
    case: &Case,
    steps: &[Step],
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Clock, CalendarError> {
    let mut b = Builder {
        calendar,
        today,
        regime: case.regime,
        procedure: case.procedure,
        lines: Vec::new(),
        provisional: Vec::new(),
    };
    let mut out = Clock::default();
    let decided = |kinds: &[StepKind]| steps.iter().find(|s| kinds.contains(&s.kind)).map(|s| s.on);
    let acceptance_done = decided(&[StepKind::Accept, StepKind::NotAccept]).or(case.accepted_on);

    // 补正 and the acceptance review.
    let notice = first(steps, StepKind::CorrectionNotice);
    if let Some(n) = notice {
        b.line(
            Period::CorrectionNotice,
            case.received_on,
            0,
            vec![],
            Some(n),
            false,
        )?;
        b.line(
            Period::Correction,
            n,
            0,
            vec![],
            first(steps, StepKind::Corrected),
            false,
        )?;
    }
    let corrected = last(steps, StepKind::Corrected);
    let review_start = corrected.unwrap_or(case.received_on);
    let notes = corrected
        .map(|c| vec![format!("补正材料于{c}收到，审查期限自收到补正材料起算")])
        .unwrap_or_default();
    let in_correction = case.stage == Stage::Correcting;
    if !(in_correction && acceptance_done.is_none()) || notice.is_none() {
        let review = b.line(
            Period::AcceptanceReview,
            review_start,
            0,
            notes,
            acceptance_done,
            in_correction,
        )?;
        if case.regime == Regime::Law2023
            && let Some(r) = review
        {
            out.deemed_accepted_on = Some(r.due);
        }
    }

    // From acceptance on.
    if let Some(accepted) = case.accepted_on {
        let copy = first(steps, StepKind::CopySent);
        b.line(Period::Copy, accepted, 0, vec![], copy, false)?;
        if let Some(c) = copy {
            b.line(
                Period::Reply,
                c,
                0,
                vec![],
                first(steps, StepKind::Reply),
                false,
            )?;
        }
        let (suspended, paused) = suspended_days(steps, case.concluded_on.unwrap_or(today));
        let extension: u32 = steps
            .iter()
            .filter(|s| s.kind == StepKind::Extend)
            .filter_map(|s| s.detail.days)
            .sum();
        let mut notes = Vec::new();
        if suspended > 0 {
            notes.push(format!("中止{suspended}日不计入审理期限"));
        }
        if extension > 0 {
            notes.push(format!("经负责人批准延长{extension}日"));
        }
        let extra = u32::try_from(suspended).unwrap_or(0) + extension;
        let paused = paused && case.stage == Stage::Suspended;
        if let Some(d) = b.line(
            Period::Decision,
            accepted,
            extra,
            notes,
            case.concluded_on,
            paused,
        )? {
            out.decision_due = Some(d.due);
        }
        if paused && let Some(s) = last(steps, StepKind::Suspend) {
            b.line(Period::SuspensionToTermination, s, 0, vec![], None, false)?;
        }
    }
    if let Some(letter) = first(steps, StepKind::OpinionLetter) {
        b.line(
            Period::OpinionReport,
            letter,
            0,
            vec![],
            first(steps, StepKind::OpinionReport),
            false,
        )?;
    }
    out.lines = b.lines;
    out.provisional = b.provisional;
    Ok(out)
}

/// The decision deadline of a case whose steps are not known (ledger imports): the decision
/// period from acceptance, provisional where it runs into a year without a notice (a ledger
/// states its dates; a missing notice never refuses a row).
pub fn plain_decision_due(
    regime: Regime,
    procedure: Procedure,
    accepted_on: NaiveDate,
    calendar: &Calendar,
) -> Result<NaiveDate, CalendarError> {
    let rule = rules::period(regime, procedure, Period::Decision)
        .expect("every regime has a decision period");
    Ok(calendar
        .add_provisional(accepted_on, rule.count, rule.unit)?
        .due)
}
