//! The statutory rules of 行政复议 as pure functions, keyed by the regime (the 2017 law with the
//! 2007 实施条例, or the 2023 law). Every refusal names its rule and article.

use chrono::NaiveDate;
use kernel::calendar::{Calendar, PeriodRule, PeriodUnit};

use crate::model::{DecisionType, Method, Procedure, Regime, SimplifiedGround, Stage, StepKind};

/// The 2023 law is in force from this day (2023 law 第九十条).
pub fn law_2023_in_force() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date")
}

/// Rule 适用法律: an application received before 2024-01-01 follows the 2017 law and the 2007
/// 实施条例; from that day the 2023 law (which has no transitional article).
pub fn regime_on(received: NaiveDate) -> Regime {
    if received < law_2023_in_force() {
        Regime::Law2017
    } else {
        Regime::Law2023
    }
}

/// The statutory periods of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// 受理审查.
    AcceptanceReview,
    /// 补正通知 to be sent.
    CorrectionNotice,
    /// The applicant's time to correct (2023 only).
    Correction,
    /// 发送申请书副本 to the respondent.
    Copy,
    /// 被申请人书面答复.
    Reply,
    /// 听证通知 before the hearing (2023 only).
    HearingNotice,
    /// 作出行政复议决定.
    Decision,
    /// 意见书落实情况报告.
    OpinionReport,
    /// 中止满六十日转为终止.
    SuspensionToTermination,
}

const fn rule(name: &'static str, basis: &'static str, count: u32, unit: PeriodUnit) -> PeriodRule {
    PeriodRule {
        name,
        basis,
        count,
        unit,
    }
}

use PeriodUnit::{Days, Workdays};

/// The rule of a period under a regime and procedure; None where the regime has no such period.
///
/// Working days: 2017 law 第四十条 makes only its 五日 and 七日 working days; 2023 law 第八十八条
/// makes 三日, 五日, 七日 and 十日 working days. Every other period is in calendar days, its last
/// day moved past rest days.
pub fn period(regime: Regime, procedure: Procedure, p: Period) -> Option<PeriodRule> {
    use Period::*;
    use Procedure::*;
    use Regime::*;
    Some(match (regime, p) {
        (Law2017, AcceptanceReview) => rule(
            "受理审查期限",
            "2017年行政复议法第十七条、第四十条",
            5,
            Workdays,
        ),
        (Law2023, AcceptanceReview) => rule(
            "受理审查期限",
            "2023年行政复议法第三十条、第八十八条",
            5,
            Workdays,
        ),
        (Law2017, CorrectionNotice) => {
            rule("补正通知期限", "行政复议法实施条例第二十九条", 5, Workdays)
        }
        (Law2023, CorrectionNotice) => rule(
            "补正通知期限",
            "2023年行政复议法第三十一条、第八十八条",
            5,
            Workdays,
        ),
        (Law2017, Correction) => return None,
        (Law2023, Correction) => rule(
            "申请人补正期限",
            "2023年行政复议法第三十一条、第八十八条",
            10,
            Workdays,
        ),
        (Law2017, Copy) => rule(
            "发送申请书副本期限",
            "2017年行政复议法第二十三条、第四十条",
            7,
            Workdays,
        ),
        (Law2023, Copy) => match procedure {
            Ordinary => rule(
                "发送申请书副本期限",
                "2023年行政复议法第四十八条、第八十八条",
                7,
                Workdays,
            ),
            Simplified => rule(
                "发送申请书副本期限（简易程序）",
                "2023年行政复议法第五十四条、第八十八条",
                3,
                Workdays,
            ),
        },
        (Law2017, Reply) => rule("被申请人答复期限", "2017年行政复议法第二十三条", 10, Days),
        (Law2023, Reply) => match procedure {
            Ordinary => rule(
                "被申请人答复期限",
                "2023年行政复议法第四十八条、第八十八条",
                10,
                Workdays,
            ),
            Simplified => rule(
                "被申请人答复期限（简易程序）",
                "2023年行政复议法第五十四条、第八十八条",
                5,
                Workdays,
            ),
        },
        (Law2017, HearingNotice) => return None,
        (Law2023, HearingNotice) => rule(
            "听证通知期限",
            "2023年行政复议法第五十一条、第八十八条",
            5,
            Workdays,
        ),
        (Law2017, Decision) => rule("行政复议决定期限", "2017年行政复议法第三十一条", 60, Days),
        (Law2023, Decision) => match procedure {
            Ordinary => rule("行政复议决定期限", "2023年行政复议法第六十二条", 60, Days),
            Simplified => rule(
                "行政复议决定期限（简易程序）",
                "2023年行政复议法第六十二条",
                30,
                Days,
            ),
        },
        (Law2017, OpinionReport) => rule(
            "意见书落实情况报告期限",
            "行政复议法实施条例第五十七条",
            60,
            Days,
        ),
        (Law2023, OpinionReport) => rule(
            "意见书落实情况报告期限",
            "2023年行政复议法第七十六条",
            60,
            Days,
        ),
        (Law2017, SuspensionToTermination) => rule(
            "中止满六十日终止",
            "行政复议法实施条例第四十二条第二款",
            60,
            Days,
        ),
        (Law2023, SuspensionToTermination) => {
            rule("中止满六十日终止", "2023年行政复议法第四十一条", 60, Days)
        }
    })
}

/// The longest extension of the decision period.
pub const MAX_EXTENSION_DAYS: u32 = 30;

/// The decision types a regime allows (2017 law 第二十八条 and 实施条例第四十三至四十八条; 2023 law
/// 第三十三条, 第六十三至六十九条).
pub fn allowed_decisions(regime: Regime) -> &'static [DecisionType] {
    use DecisionType::*;
    match regime {
        Regime::Law2017 => &[
            Uphold,
            Dismiss,
            SetAside,
            PartlySetAside,
            Vary,
            Unlawful,
            Perform,
        ],
        Regime::Law2023 => &[
            Uphold,
            RejectRequest,
            Dismiss,
            SetAside,
            PartlySetAside,
            Vary,
            Unlawful,
            Perform,
            Void,
        ],
    }
}

/// Rule 决定类型: the decision must be one the case's law knows.
pub fn check_decision(regime: Regime, decision: DecisionType) -> Result<(), String> {
    if allowed_decisions(regime).contains(&decision) {
        return Ok(());
    }
    Err(match decision {
        DecisionType::Void => "“确认无效”决定自2023年行政复议法施行起才有（2023年行政复议法第六十七条）；本案适用2017年行政复议法".into(),
        DecisionType::RejectRequest => "“驳回复议请求”决定自2023年行政复议法施行起才有（2023年行政复议法第六十九条）；本案适用2017年行政复议法，不履行法定职责的申请应决定驳回申请（行政复议法实施条例第四十八条）".into(),
        other => format!("{}不能作出“{}”决定", regime.label(), other.label()),
    })
}

/// Rule 简易程序: only under the 2023 law, and only on a ground of 第五十三条.
pub fn check_procedure(
    regime: Regime,
    procedure: Procedure,
    ground: Option<SimplifiedGround>,
) -> Result<(), String> {
    match (procedure, regime, ground) {
        (Procedure::Ordinary, _, _) => Ok(()),
        (Procedure::Simplified, Regime::Law2017, _) => Err(
            "2017年行政复议法没有简易程序；简易程序自2024年1月1日起适用（2023年行政复议法第五十三条）"
                .into(),
        ),
        (Procedure::Simplified, Regime::Law2023, None) => Err(
            "适用简易程序须写明理由：当场作出的行政行为、警告或者通报批评、涉及款额三千元以下、政府信息公开案件，或者当事人各方同意（2023年行政复议法第五十三条）"
                .into(),
        ),
        (Procedure::Simplified, Regime::Law2023, Some(_)) => Ok(()),
    }
}

/// Rule 撤回: a withdrawal says why (2017 law 第二十五条; 2023 law 第七十四条).
pub fn check_conclusion(
    regime: Regime,
    method: Method,
    decision: Option<DecisionType>,
    has_reason: bool,
) -> Result<(), String> {
    match method {
        Method::Decision => match decision {
            Some(d) => check_decision(regime, d),
            None => Err("以决定结案须写明决定类型".into()),
        },
        Method::Withdrawal if !has_reason => Err(match regime {
            Regime::Law2017 => "撤回行政复议申请须说明理由（2017年行政复议法第二十五条）".into(),
            Regime::Law2023 => {
                "撤回行政复议申请须说明撤回原因（2023年行政复议法第七十四条）".into()
            }
        }),
        _ if decision.is_some() => Err(format!("以{}结案的案件没有决定类型", method.label())),
        _ => Ok(()),
    }
}

/// What the rules need to know of a case to judge its next step.
#[derive(Clone, Debug)]
pub struct Facts {
    pub regime: Regime,
    pub stage: Stage,
    pub procedure: Procedure,
    pub received_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    /// The steps so far, in order, with their dates.
    pub steps: Vec<(StepKind, NaiveDate)>,
    pub decision_due: Option<NaiveDate>,
    pub opinion_letter: bool,
    pub method: Option<Method>,
}

impl Facts {
    fn has(&self, kind: StepKind) -> bool {
        self.steps.iter().any(|(k, _)| *k == kind)
    }

    fn last(&self, kind: StepKind) -> Option<NaiveDate> {
        self.steps
            .iter()
            .rev()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
    }
}

/// What a step brings with it that the rules look at.
#[derive(Clone, Debug, Default)]
pub struct StepInput {
    pub staff: usize,
    /// The hearing's date (on a 听证通知).
    pub date: Option<NaiveDate>,
    pub days: Option<u32>,
    pub approved: bool,
    /// Today in China: no step is recorded before it happened (None: not checked).
    pub today: Option<NaiveDate>,
}

/// Rule 程序顺序: whether `step` may be recorded on `on` in a case with these facts.
pub fn check_step(
    facts: &Facts,
    step: StepKind,
    on: NaiveDate,
    input: &StepInput,
    calendar: &Calendar,
) -> Result<(), String> {
    use Stage::*;
    use StepKind::*;
    // Rule 日期: the history is what happened, in order. A date still to come (a hearing, a
    // deadline) is written into the step that schedules it, not recorded as a step.
    if let Some(today) = input.today
        && on > today
    {
        return Err(format!(
            "{}的日期{on}晚于今天（{today}）：办理经过只记录已经发生的事；预定的听证日期请填在听证通知中",
            step.label()
        ));
    }
    if let Some((last, last_on)) = facts.steps.last()
        && on < *last_on
    {
        return Err(format!(
            "{}的日期{on}早于上一步“{}”的日期{last_on}：办理经过应按时间先后记录",
            step.label(),
            last.label()
        ));
    }
    if on < facts.received_on {
        return Err(format!(
            "{}的日期{on}早于收到申请日期{}",
            step.label(),
            facts.received_on
        ));
    }
    if let Some(accepted) = facts.accepted_on
        && on < accepted
        && !matches!(step, CorrectionNotice | Corrected)
    {
        return Err(format!("{}的日期{on}早于受理日期{accepted}", step.label()));
    }
    let stage = facts.stage;
    let open = matches!(stage, InReview | Suspended);
    let wrong_stage = || {
        Err(format!(
            "案件处于“{}”阶段，不能{}",
            stage.label(),
            step.label()
        ))
    };
    match step {
        CorrectionNotice => {
            if stage != Received {
                return wrong_stage();
            }
            if facts.has(CorrectionNotice) {
                return Err(match facts.regime {
                    Regime::Law2017 => {
                        "补正通知应当一次性告知需要补正的事项（行政复议法实施条例第二十九条）"
                            .into()
                    }
                    Regime::Law2023 => {
                        "补正通知应当一次性载明需要补正的事项（2023年行政复议法第三十一条）".into()
                    }
                });
            }
        }
        Corrected if stage != Correcting => return wrong_stage(),
        Accept if stage != Received => {
            return Err(if stage == Correcting {
                "补正材料尚未收到，不能受理".into()
            } else {
                format!("案件处于“{}”阶段，不能受理", stage.label())
            });
        }
        NotAccept if !matches!(stage, Received | Correcting) => return wrong_stage(),
        CopySent => {
            if stage != InReview {
                return wrong_stage();
            }
            if facts.has(CopySent) {
                return Err("申请书副本已经发送".into());
            }
        }
        Reply => {
            if !open {
                return wrong_stage();
            }
            if !facts.has(CopySent) {
                return Err("申请书副本尚未发送给被申请人，不能登记答复（2017年行政复议法第二十三条；2023年行政复议法第四十八条）".into());
            }
            if facts.has(Reply) {
                return Err("被申请人的答复已经登记".into());
            }
        }
        Investigation => {
            if !open {
                return wrong_stage();
            }
            if input.staff < 2 {
                return Err(match facts.regime {
                    Regime::Law2017 => {
                        "调查取证时，行政复议人员不得少于2人（行政复议法实施条例第三十四条）".into()
                    }
                    Regime::Law2023 => {
                        "调查取证时，行政复议人员不得少于两人（2023年行政复议法第四十五条）".into()
                    }
                });
            }
        }
        HearingNotice => {
            if stage != InReview {
                return wrong_stage();
            }
            let Some(hearing_on) = input.date else {
                return Err("听证通知须写明听证日期".into());
            };
            if let Some(rule) = period(facts.regime, facts.procedure, Period::HearingNotice) {
                let earliest = calendar
                    .add_provisional(on, rule.count, rule.unit)
                    .map_err(|e| e.to_string())?;
                if hearing_on < earliest.due {
                    return Err(format!(
                        "应当在听证的五日前将听证的时间、地点和拟听证事项书面通知当事人（2023年行政复议法第五十一条）：{on}通知的听证最早在{}举行",
                        earliest.due
                    ));
                }
            }
        }
        Hearing => {
            if stage != InReview {
                return wrong_stage();
            }
            let Some(noticed) = facts.last(HearingNotice) else {
                return Err("听证前应当书面通知当事人（2023年行政复议法第五十一条）".into());
            };
            if on < noticed {
                return Err(format!("听证日期{on}早于听证通知日期{noticed}"));
            }
        }
        Committee | Mediation if stage != InReview => return wrong_stage(),
        Suspend if stage != InReview => return wrong_stage(),
        Resume => {
            if stage != Suspended {
                return wrong_stage();
            }
            if let Some(s) = facts.last(Suspend)
                && on < s
            {
                return Err(format!("恢复审理日期{on}早于中止日期{s}"));
            }
        }
        Extend => {
            if !open {
                return wrong_stage();
            }
            if facts.has(Extend) {
                return Err(extension_article(facts.regime, "审理期限只能延长一次"));
            }
            let days = input.days.unwrap_or(0);
            if days == 0 || days > MAX_EXTENSION_DAYS {
                return Err(extension_article(facts.regime, "延长期限最多不得超过30日"));
            }
            if !input.approved {
                return Err(extension_article(
                    facts.regime,
                    match facts.regime {
                        Regime::Law2017 => "延长审理期限须经行政复议机关的负责人批准",
                        Regime::Law2023 => "延长审理期限须经行政复议机构的负责人批准",
                    },
                ));
            }
            if let Some(due) = facts.decision_due
                && on > due
            {
                return Err(extension_article(
                    facts.regime,
                    &format!("审理期限已于{due}届满，不能再延长"),
                ));
            }
        }
        ProcedureChange if !open || facts.procedure != Procedure::Simplified => {
            return Err(
                "只有适用简易程序的案件可以转为普通程序（2023年行政复议法第五十五条）".into(),
            );
        }
        Conclude => {
            if matches!(stage, Received | Correcting) {
                return Err(match facts.regime {
                    Regime::Law2017 => "案件尚未受理，不能结案或作出行政复议决定（2017年行政复议法第十七条、第二十八条）".into(),
                    Regime::Law2023 => "案件尚未受理，不能结案或作出行政复议决定（2023年行政复议法第三十条、第六十三条）".into(),
                });
            }
            if !open {
                return wrong_stage();
            }
        }
        OpinionLetter if !matches!(stage, InReview | Suspended | Concluded) => {
            return wrong_stage();
        }
        OpinionReport if !facts.opinion_letter => {
            return Err("本案没有制发行政复议意见书".into());
        }
        RecommendationLetter => {
            if facts.regime == Regime::Law2023 {
                return Err("行政复议建议书只见于行政复议法实施条例第五十七条第二款；2023年行政复议法没有建议书，本案适用2023年行政复议法".into());
            }
            if !matches!(stage, InReview | Suspended | Concluded) {
                return wrong_stage();
            }
        }
        Publish if stage != Concluded || facts.method != Some(Method::Decision) => {
            return Err(
                "只有以决定结案的案件可以公开行政复议决定书（2023年行政复议法第七十九条）".into(),
            );
        }
        _ => {}
    }
    Ok(())
}

fn extension_article(regime: Regime, what: &str) -> String {
    match regime {
        Regime::Law2017 => format!("{what}（2017年行政复议法第三十一条）"),
        Regime::Law2023 => format!("{what}（2023年行政复议法第六十二条）"),
    }
}

/// The stage a step leads to.
pub fn next_stage(current: Stage, step: StepKind) -> Stage {
    use StepKind::*;
    match step {
        CorrectionNotice => Stage::Correcting,
        Corrected => Stage::Received,
        Accept => Stage::InReview,
        NotAccept => Stage::NotAccepted,
        Suspend => Stage::Suspended,
        Resume => Stage::InReview,
        Conclude => Stage::Concluded,
        _ => current,
    }
}

#[cfg(test)]
mod tests;
