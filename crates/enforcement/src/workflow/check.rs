//! The rules of a penalty case's steps, pure and with their articles: which step may follow
//! which, the officers a step needs, the hearing's periods under each law, the legal review
//! before a decision, no heavier penalty than the one notified, and the surcharge for late
//! payment.

use chrono::{Days, NaiveDate};
use kernel::Money;
use kernel::calendar::{Calendar, PeriodUnit};

use crate::model::{
    Case, Decision, Officer, Opinion, PartyKind, PenaltyType, Procedure, Regime, Step, StepDetail,
    StepKind,
};
use crate::rules;

/// The settings the step rules read.
#[derive(Clone, Debug)]
pub struct Limits {
    /// 第六十条: days to decide.
    pub decision_days: i64,
    /// The longest extension an approval may grant, in all.
    pub extension_days: i64,
    /// 第六十三条 较大数额罚款: from this fine a natural person may ask for a hearing.
    pub hearing_fine_individual: Money,
    /// … and an organisation.
    pub hearing_fine_organisation: Money,
    /// The penalty types whose decisions need a legal review.
    pub catalogue: Vec<PenaltyType>,
}

/// A step as it is to be recorded: its date, its officers (already found by certificate) and
/// what it records.
pub struct Proposed<'a> {
    pub kind: StepKind,
    pub on: NaiveDate,
    pub officers: &'a [Officer],
    pub detail: &'a StepDetail,
}

fn last(steps: &[Step], kind: StepKind) -> Option<&Step> {
    steps.iter().rev().find(|s| s.kind == kind)
}

fn has(steps: &[Step], kind: StepKind) -> bool {
    steps.iter().any(|s| s.kind == kind)
}

/// The steps after the last 告知 (a new notice starts the hearing's steps again).
fn since_notice(steps: &[Step]) -> &[Step] {
    match steps.iter().rposition(|s| s.kind == StepKind::Notify) {
        Some(i) => &steps[i + 1..],
        None => &[],
    }
}

/// Whether the party asked for a hearing after the last notice.
pub fn hearing_requested(steps: &[Step]) -> bool {
    has(since_notice(steps), StepKind::HearingRequest)
}

/// Rule 听证权 (2021 第六十三条; 2017 第四十二条): the party may ask for a hearing of a heavy
/// penalty — a large fine (the amounts are the province's, settings), a large confiscation, a
/// downgrade or revocation, an order to stop or close, a restriction of practice.
pub fn hearing_right(
    party: PartyKind,
    penalties: &[PenaltyType],
    amount: Option<Money>,
    limits: &Limits,
) -> bool {
    use PenaltyType::*;
    let large = match party {
        PartyKind::Individual => limits.hearing_fine_individual,
        PartyKind::Organisation => limits.hearing_fine_organisation,
    };
    penalties.iter().any(|p| {
        matches!(
            p,
            Downgrade | RevokeLicence | RestrictBusiness | Suspension | Closure | RestrictPractice
        )
    }) || (penalties
        .iter()
        .any(|p| matches!(p, Fine | ConfiscateGains | ConfiscateProperty))
        && amount.is_some_and(|a| a >= large))
}

/// Rule 加处罚款 (2021 第七十二条第一项): from the 16th day after service (第六十七条: 15 days
/// to pay), 3% of the fine a day, never more than the fine. The days late and the surcharge.
pub fn surcharge(fine: Money, served_on: NaiveDate, paid_on: NaiveDate) -> (u32, Money) {
    let due = served_on + Days::new(15);
    if paid_on <= due {
        return (0, Money::from_fen(0));
    }
    let days = (paid_on - due).num_days();
    let fen = (fine.fen().saturating_mul(3).saturating_mul(days) + 50) / 100;
    (days as u32, Money::from_fen(fen.min(fine.fen())))
}

/// The last day to ask for a hearing: 5 working days after the notice (2021 第六十四条第一项,
/// 第八十五条), 3 days under 2017 第四十二条 (a last day on a rest day moves on).
pub fn hearing_request_due(
    calendar: &Calendar,
    regime: Regime,
    notified_on: NaiveDate,
) -> Option<NaiveDate> {
    let (n, unit) = match regime {
        Regime::Law2021 => (5, PeriodUnit::Workdays),
        Regime::Law2017 => (3, PeriodUnit::Days),
    };
    calendar
        .add_provisional(notified_on, n, unit)
        .ok()
        .map(|d| d.due)
}

/// The earliest day a hearing may be held when the party is notified on `on`: 7 working days
/// later (2021 第六十四条第二项, 第八十五条), 7 days under 2017 第四十二条.
pub fn earliest_hearing(calendar: &Calendar, regime: Regime, on: NaiveDate) -> Option<NaiveDate> {
    match regime {
        Regime::Law2021 => calendar
            .add_provisional(on, 7, PeriodUnit::Workdays)
            .ok()
            .map(|d| d.due),
        Regime::Law2017 => Some(on + Days::new(7)),
    }
}

/// Rule 办案环节的顺序: whether a step of `kind` may be taken now, whatever its date and
/// details; otherwise why not.
pub fn allowed(case: &Case, steps: &[Step], kind: StepKind) -> Result<(), String> {
    use StepKind::*;
    let needs_open = |what: &str| -> Result<(), String> {
        if case.procedure == Procedure::Simple {
            return Err(format!(
                "简易程序当场作出决定，没有“{what}”环节（2021年行政处罚法第五十一条）"
            ));
        }
        if let Some(d) = case.decided_on {
            return Err(format!("本案已于{d}作出决定，不能再{what}"));
        }
        Ok(())
    };
    match kind {
        Open => Err("立案在登记案件时记录".into()),
        Investigate | Extend | Collective => needs_open(kind.label()),
        Notify => {
            needs_open(kind.label())?;
            if !has(steps, Investigate) {
                return Err(
                    "应当先调查取证、查明事实，再告知拟作出的行政处罚（2021年行政处罚法第四十四条、第五十四条）"
                        .into(),
                );
            }
            Ok(())
        }
        HearingRequest => {
            needs_open(kind.label())?;
            match last(steps, Notify) {
                None => Err("尚未告知当事人，不能申请听证".into()),
                Some(n) if !n.detail.hearing_right => {
                    Err("告知的处罚不属于可以要求听证的情形（2021年行政处罚法第六十三条）".into())
                }
                Some(_) if hearing_requested(steps) => Err("当事人已申请听证".into()),
                Some(_) => Ok(()),
            }
        }
        HearingNotice => {
            needs_open(kind.label())?;
            if !hearing_requested(steps) {
                return Err("当事人未申请听证，无需听证通知".into());
            }
            Ok(())
        }
        Hearing => {
            needs_open(kind.label())?;
            if !has(since_notice(steps), HearingNotice) {
                return Err("举行听证前应当通知当事人（2021年行政处罚法第六十四条第二项）".into());
            }
            if has(since_notice(steps), Hearing) {
                return Err("听证已经举行".into());
            }
            Ok(())
        }
        LegalReview => {
            needs_open(kind.label())?;
            if !has(steps, Notify) {
                return Err("法制审核在告知之后、作出决定之前进行".into());
            }
            if hearing_requested(steps) && !has(since_notice(steps), Hearing) {
                return Err(
                    "当事人申请了听证，应当先举行听证（2021年行政处罚法第六十五条）".into(),
                );
            }
            Ok(())
        }
        Decide => {
            needs_open(kind.label())?;
            if hearing_requested(steps) && !has(since_notice(steps), Hearing) {
                return Err(
                    "当事人申请了听证，应当依据听证笔录作出决定（2021年行政处罚法第六十五条）"
                        .into(),
                );
            }
            Ok(())
        }
        Serve => match case.decision {
            None => Err("尚未作出决定，没有可送达的决定书".into()),
            Some(Decision::Transfer | Decision::Withdrawn) => Err(format!(
                "“{}”没有需要送达的处罚决定书",
                case.decision.map_or("", |d| d.label())
            )),
            Some(_) if case.procedure == Procedure::Simple => {
                Err("简易程序的决定书当场交付当事人（2021年行政处罚法第五十二条）".into())
            }
            Some(_) if has(steps, Serve) => Err("决定书已经送达".into()),
            Some(_) => Ok(()),
        },
        Pay => {
            if case.decision != Some(Decision::Penalty) || case.amount.is_none() {
                return Err("本案没有罚没款需要缴纳".into());
            }
            if case.procedure == Procedure::Ordinary && !has(steps, Serve) {
                return Err("决定书送达后当事人才须缴纳罚款（2021年行政处罚法第六十七条）".into());
            }
            if has(steps, Pay) {
                return Err("罚没款已经缴纳".into());
            }
            Ok(())
        }
        Publish => {
            if case.decision != Some(Decision::Penalty) {
                return Err("只有行政处罚决定需要公示".into());
            }
            if case.published_on.is_some() {
                return Err("决定已经公示".into());
            }
            Ok(())
        }
        TakeDown => {
            if case.published_on.is_none() {
                return Err("决定尚未公示，无需撤回".into());
            }
            if case.taken_down_on.is_some() {
                return Err("公示已经撤回".into());
            }
            Ok(())
        }
        Close => {
            if case.decided_on.is_none() {
                return Err("尚未作出决定，不能结案".into());
            }
            if case.closed_on.is_some() {
                return Err("本案已经结案".into());
            }
            let decided_here = has(steps, Decide);
            if decided_here
                && matches!(case.decision, Some(Decision::Penalty | Decision::NoPenalty))
                && case.procedure == Procedure::Ordinary
                && !has(steps, Serve)
            {
                return Err("决定书尚未送达，不能结案（2021年行政处罚法第六十一条）".into());
            }
            Ok(())
        }
        Archive => {
            if case.closed_on.is_none() {
                return Err("结案后才能归档".into());
            }
            if has(steps, Archive) {
                return Err("本案已经归档".into());
            }
            Ok(())
        }
    }
}

/// The steps that may be taken now, in the order of the procedure.
pub fn next_steps(case: &Case, steps: &[Step]) -> Vec<StepKind> {
    StepKind::ALL
        .iter()
        .copied()
        .filter(|k| allowed(case, steps, *k).is_ok())
        .collect()
}

/// Rule 执法人员: at least `min` officers (2021 第四十二条 for investigation and decision).
fn officers_at_least(p: &Proposed<'_>, min: usize, why: &str) -> Result<(), String> {
    if p.officers.len() < min {
        return Err(format!(
            "{why}的执法人员不得少于{min}人（2021年行政处罚法第四十二条），本次只有{}人",
            p.officers.len()
        ));
    }
    Ok(())
}

/// Rule: a step's date, officers and details, after [`allowed`]. `calendar` counts the working
/// days; `today` is the latest date a step may carry.
pub fn check_step(
    case: &Case,
    steps: &[Step],
    p: &Proposed<'_>,
    limits: &Limits,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<(), String> {
    use StepKind::*;
    allowed(case, steps, p.kind)?;
    if p.on > today {
        return Err(format!("日期{}晚于今天，不能预先记录", p.on));
    }
    if p.on < case.opened_on {
        return Err(format!("日期{}早于立案日期{}", p.on, case.opened_on));
    }
    if !matches!(p.kind, Publish | TakeDown)
        && let Some(prev) = steps
            .iter()
            .filter(|s| !matches!(s.kind, Publish | TakeDown))
            .map(|s| s.on)
            .max()
        && p.on < prev
    {
        return Err(format!("日期{}早于上一环节的日期{prev}", p.on));
    }
    for o in p.officers {
        rules::certificate_usable(o, p.on)?;
    }
    let d = p.detail;
    let text = d.text.trim();
    match p.kind {
        Investigate => officers_at_least(p, 2, "调查取证")?,
        Extend => {
            if case.regime != Regime::Law2021 {
                return Err("2017年行政处罚法没有办案期限，无需延长".into());
            }
            if d.approved_by.trim().is_empty() {
                return Err("延长办案期限应当经行政机关负责人批准，请填写批准人".into());
            }
            let days = i64::from(d.days.unwrap_or(0));
            let before: i64 = steps
                .iter()
                .filter(|s| s.kind == Extend)
                .map(|s| i64::from(s.detail.days.unwrap_or(0)))
                .sum();
            if days <= 0 || before + days > limits.extension_days {
                return Err(format!(
                    "延长办案期限合计不得超过{}日（已延长{before}日）",
                    limits.extension_days
                ));
            }
        }
        Notify => {
            officers_at_least(p, 2, "告知")?;
            check_penalty(
                d.decision.unwrap_or(Decision::Penalty),
                &d.penalties,
                d.amount,
            )?;
        }
        HearingRequest => {
            let notified = last(steps, Notify).map(|s| s.on).unwrap_or(case.opened_on);
            if let Some(due) = hearing_request_due(calendar, case.regime, notified)
                && p.on > due
            {
                return Err(match case.regime {
                    Regime::Law2021 => format!(
                        "当事人应当在告知后五个工作日内（{due}前）提出听证要求（2021年行政处罚法第六十四条第一项、第八十五条），逾期视为放弃"
                    ),
                    Regime::Law2017 => format!(
                        "当事人应当在告知后三日内（{due}前）提出听证要求（2017年行政处罚法第四十二条）"
                    ),
                });
            }
        }
        HearingNotice => {
            let Some(date) = d.date else {
                return Err("请填写举行听证的日期".into());
            };
            if let Some(earliest) = earliest_hearing(calendar, case.regime, p.on)
                && date < earliest
            {
                return Err(match case.regime {
                    Regime::Law2021 => format!(
                        "应当在举行听证的七个工作日前通知当事人：{}通知的，听证不得早于{earliest}（2021年行政处罚法第六十四条第二项、第八十五条）",
                        p.on
                    ),
                    Regime::Law2017 => format!(
                        "应当在听证的七日前通知当事人：{}通知的，听证不得早于{earliest}（2017年行政处罚法第四十二条）",
                        p.on
                    ),
                });
            }
        }
        Hearing => {
            officers_at_least(p, 1, "主持听证")?;
            if let Some(date) = last(since_notice(steps), HearingNotice).and_then(|s| s.detail.date)
                && p.on < date
            {
                return Err(format!("听证通知的日期是{date}，不能提前举行"));
            }
            let investigators: Vec<&String> = steps
                .iter()
                .filter(|s| s.kind == Investigate)
                .flat_map(|s| &s.officers)
                .collect();
            if let Some(o) = p
                .officers
                .iter()
                .find(|o| investigators.contains(&&o.certificate))
            {
                return Err(format!(
                    "{}参与了本案调查，不能主持听证：听证由非本案调查人员主持（2021年行政处罚法第六十四条第四项）",
                    o.name
                ));
            }
            if text.is_empty() {
                return Err("请填写听证情况（听证笔录要点）".into());
            }
        }
        LegalReview => {
            officers_at_least(p, 1, "法制审核")?;
            if let Some(o) = p.officers.iter().find(|o| !o.legal_reviewer) {
                return Err(format!(
                    "{}不是法制审核人员：法制审核由行政机关确定的法制审核人员进行（2021年行政处罚法第五十八条）",
                    o.name
                ));
            }
            if d.opinion.is_none() {
                return Err("请选择审核意见（同意 / 存在问题）".into());
            }
        }
        Collective => {
            if text.is_empty() {
                return Err("请填写集体讨论的意见".into());
            }
        }
        Decide => check_decision(case, steps, p, limits)?,
        Pay => {
            if d.amount.is_none_or(|a| a.fen() <= 0) {
                return Err("请填写缴纳的金额".into());
            }
        }
        TakeDown => {
            let Some(set_aside) = d.date else {
                return Err("请填写决定被撤销、确认违法或者确认无效的日期".into());
            };
            if set_aside > p.on {
                return Err(format!("撤销日期{set_aside}晚于撤回日期{}", p.on));
            }
            if text.is_empty() {
                return Err(
                    "请填写撤回的原因（撤回时应当公开说明理由，2021年行政处罚法第四十八条）".into(),
                );
            }
        }
        Publish => {
            if let Some(decided) = case.decided_on
                && p.on < decided
            {
                return Err(format!("公示日期{}早于决定日期{decided}", p.on));
            }
        }
        Close => {
            if case.decision == Some(Decision::Penalty)
                && case.amount.is_some()
                && !has(steps, Pay)
                && text.is_empty()
            {
                return Err(
                    "罚没款尚未缴纳：请说明执行情况（如已申请人民法院强制执行）后结案".into(),
                );
            }
        }
        Open | Serve | Archive => {}
    }
    Ok(())
}

/// Rule: a penalty names its types, a fine its amount.
fn check_penalty(
    decision: Decision,
    penalties: &[PenaltyType],
    amount: Option<Money>,
) -> Result<(), String> {
    if decision != Decision::Penalty {
        return Ok(());
    }
    if penalties.is_empty() {
        return Err("请选择处罚种类".into());
    }
    if penalties.contains(&PenaltyType::Fine) && amount.is_none_or(|a| a.fen() <= 0) {
        return Err("处以罚款的，请填写罚款金额".into());
    }
    Ok(())
}

fn check_decision(
    case: &Case,
    steps: &[Step],
    p: &Proposed<'_>,
    limits: &Limits,
) -> Result<(), String> {
    let d = p.detail;
    let Some(decision) = d.decision else {
        return Err("请选择决定类型".into());
    };
    officers_at_least(p, 2, "作出决定")?;
    check_penalty(decision, &d.penalties, d.amount)?;
    if decision != Decision::Penalty {
        if !d.penalties.is_empty() {
            return Err("只有给予行政处罚的决定填写处罚种类".into());
        }
        return Ok(());
    }
    let Some(notice) = last(steps, StepKind::Notify) else {
        return Err(
            "未告知当事人拟作出的行政处罚及其陈述、申辩、要求听证的权利，不得作出行政处罚决定（2021年行政处罚法第六十二条）"
                .into(),
        );
    };
    if let Some(extra) = d
        .penalties
        .iter()
        .find(|t| !notice.detail.penalties.contains(t))
    {
        return Err(format!(
            "“{}”未在事先告知书中告知：加重处罚应当重新告知（2021年行政处罚法第四十四条、第四十五条）",
            extra.label()
        ));
    }
    if let (Some(given), Some(told)) = (d.amount, notice.detail.amount)
        && given > told
    {
        return Err(format!(
            "决定的罚没金额{given}高于告知的{told}：不得因当事人陈述、申辩而给予更重的处罚（2021年行政处罚法第四十五条）"
        ));
    }
    let hearing = has(since_notice(steps), StepKind::Hearing);
    let collective = has(steps, StepKind::Collective);
    if rules::legal_review_required(
        case.regime,
        case.procedure,
        hearing,
        collective,
        &d.penalties,
        &limits.catalogue,
    ) {
        match last(steps, StepKind::LegalReview).and_then(|s| s.detail.opinion) {
            Some(Opinion::Agree) => {}
            Some(Opinion::Problems) => {
                return Err("法制审核意见为“存在问题”：审核未通过的，不得作出决定（2021年行政处罚法第五十八条）；请整改后重新送审".into());
            }
            None => {
                return Err("该决定应当经过法制审核：未经法制审核的，不得作出决定（2021年行政处罚法第五十八条）".into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
