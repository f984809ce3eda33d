//! 办理: each step of a case — 补正, 受理 or 不予受理, the copy to the respondent and its reply,
//! investigation, hearing, committee, mediation, 中止 and 恢复, extension, conclusion, letters,
//! publication — checked by the rules of the case's law, written with its audit event, and the
//! clock recomputed.

use chrono::NaiveDate;
use db::{Changes, Event};
use platform::Actor;

use crate::model::{
    Acceptance, Case, DecisionType, Method, Procedure, SimplifiedGround, Stage, Step, StepDetail,
    StepId, StepKind, WithdrawalReason,
};
use crate::rules::{self, Facts, StepInput};
use crate::{Error, Reconsideration, Result, clock, store};

/// A step as the case page's forms take it; each kind reads the fields it needs.
#[derive(Clone, Debug)]
pub struct StepRequest {
    pub kind: StepKind,
    pub on: NaiveDate,
    /// The reason, the materials asked for, the summary of a reply, hearing or decision.
    pub text: String,
    /// 实地调查: the staff who took part.
    pub staff: Vec<String>,
    /// 听证通知: the hearing's date.
    pub date: Option<NaiveDate>,
    /// 延长: the days.
    pub days: Option<u32>,
    /// 延长: who approved.
    pub approved_by: String,
    /// 意见书, 建议书: the document number.
    pub number: String,
    /// 受理: the procedure and, for the simplified one, its ground.
    pub procedure: Option<Procedure>,
    pub ground: Option<SimplifiedGround>,
    /// 结案.
    pub method: Option<Method>,
    pub decision_type: Option<DecisionType>,
    pub withdrawal_reason: Option<WithdrawalReason>,
}

impl StepRequest {
    pub fn new(kind: StepKind, on: NaiveDate) -> StepRequest {
        StepRequest {
            kind,
            on,
            text: String::new(),
            staff: Vec::new(),
            date: None,
            days: None,
            approved_by: String::new(),
            number: String::new(),
            procedure: None,
            ground: None,
            method: None,
            decision_type: None,
            withdrawal_reason: None,
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }
}

pub(crate) fn facts(case: &Case, steps: &[Step]) -> Facts {
    Facts {
        regime: case.regime,
        stage: case.stage,
        procedure: case.procedure,
        received_on: case.received_on,
        accepted_on: case.accepted_on,
        steps: steps.iter().map(|s| (s.kind, s.on)).collect(),
        decision_due: case.decision_due,
        opinion_letter: case.opinion_letter,
        method: case.method,
    }
}

impl Reconsideration {
    /// Records a step of a case.
    pub async fn record_step(
        &self,
        actor: &Actor,
        case_id: &str,
        req: StepRequest,
    ) -> Result<Case> {
        self.require_handler(actor, case_id).await?;
        let mut case = self.readable(actor, case_id).await?;
        let mut conn = self.platform.db().conn().await?;
        let mut steps = store::steps(&mut conn, case_id).await?;
        drop(conn);
        let calendar = self.platform.calendar_for(actor).await?;
        let staff: Vec<String> = req
            .staff
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let input = StepInput {
            staff: staff.len(),
            date: req.date,
            days: req.days,
            approved: !req.approved_by.trim().is_empty(),
            today: Some(kernel::time::china_today()),
        };
        rules::check_step(&facts(&case, &steps), req.kind, req.on, &input, &calendar)
            .map_err(Error::Rule)?;
        let text = req.text.trim().to_string();
        let needs_text = |what: &str| -> Result<()> {
            if text.is_empty() {
                return Err(Error::Invalid(format!("请填写{what}")));
            }
            Ok(())
        };
        let mut changes = Changes::new().set("on", store::day(req.on));
        match req.kind {
            StepKind::CorrectionNotice => needs_text("需要补正的材料")?,
            StepKind::Accept => {
                let procedure = req.procedure.unwrap_or(Procedure::Ordinary);
                rules::check_procedure(case.regime, procedure, req.ground).map_err(Error::Rule)?;
                case.acceptance = Some(Acceptance::Accepted);
                case.procedure = procedure;
                case.simplified_ground = req.ground.filter(|_| procedure == Procedure::Simplified);
                // 2023 law 第三十条: a case not refused within the review period counts as
                // accepted from the period's end.
                let review = clock::clock(&case, &steps, &calendar, req.on)?.deemed_accepted_on;
                match review {
                    Some(due) if req.on > due => {
                        case.accepted_on = Some(due);
                        case.deemed_accepted = true;
                    }
                    _ => case.accepted_on = Some(req.on),
                }
                changes = changes
                    .set("procedure", procedure.label())
                    .set("deemed_accepted", case.deemed_accepted);
            }
            StepKind::NotAccept => {
                needs_text("不予受理的理由")?;
                case.acceptance = Some(Acceptance::NotAccepted);
                case.not_accepted_reason = text.clone();
            }
            StepKind::Investigation => case.field_investigation = true,
            StepKind::Suspend => needs_text("中止的原因")?,
            StepKind::Extend => {
                needs_text("延长的理由")?;
                changes = changes
                    .set("days", req.days)
                    .set("approved_by", req.approved_by.trim());
            }
            StepKind::ProcedureChange => case.procedure = Procedure::Ordinary,
            StepKind::Conclude => {
                let method = req
                    .method
                    .ok_or_else(|| Error::Invalid("请选择结案方式".into()))?;
                rules::check_conclusion(
                    case.regime,
                    method,
                    req.decision_type,
                    req.withdrawal_reason.is_some(),
                )
                .map_err(Error::Rule)?;
                case.concluded_on = Some(req.on);
                case.method = Some(method);
                case.decision_type = req.decision_type.filter(|_| method == Method::Decision);
                case.withdrawal_reason = req
                    .withdrawal_reason
                    .filter(|_| method == Method::Withdrawal);
                case.decision_summary = text.clone();
                changes = changes
                    .set("method", method.label())
                    .set("decision_type", case.decision_type.map(|d| d.label()))
                    .set(
                        "withdrawal_reason",
                        case.withdrawal_reason.map(|w| w.label()),
                    );
            }
            StepKind::OpinionLetter => case.opinion_letter = true,
            StepKind::RecommendationLetter => case.recommendation_letter = true,
            StepKind::Publish => case.published = true,
            _ => {}
        }
        case.stage = rules::next_stage(case.stage, req.kind);
        let step = Step {
            id: StepId::generate(),
            kind: req.kind,
            on: req.on,
            detail: StepDetail {
                text,
                staff,
                date: req.date,
                days: req.days,
                approved_by: req.approved_by.trim().into(),
                number: req.number.trim().into(),
            },
            recorded_by: actor.audit_name(),
        };
        steps.push(step.clone());
        case.decision_due = clock::clock(&case, &steps, &calendar, req.on)?.decision_due;
        let (written, ordinal, kind) = (case.clone(), steps.len() as i64, req.kind);
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let case = written;
                    store::insert_step(tx, &case.id, ordinal, &step).await?;
                    store::update_case(tx, &case).await?;
                    tx.record(
                        Event::new("reconsideration_case", case.id.as_str(), kind.code())
                            .org(Some(case.office_org_id.as_str()))
                            .changes(
                                changes
                                    .set("step", kind.label())
                                    .set("stage", case.stage.label())
                                    .set("decision_due", case.decision_due.map(store::day)),
                            ),
                    )
                    .await
                })
            })
            .await?;
        Ok(case)
    }
}

/// Whether a case's stage lets the case page offer `kind`.
pub fn offered(case: &Case, kind: StepKind) -> bool {
    use StepKind::*;
    match case.stage {
        Stage::Received => matches!(kind, CorrectionNotice | Accept | NotAccept),
        Stage::Correcting => matches!(kind, Corrected | NotAccept),
        Stage::InReview => {
            !matches!(
                kind,
                CorrectionNotice
                    | Corrected
                    | Accept
                    | NotAccept
                    | Resume
                    | Publish
                    | OpinionReport
            ) || (kind == OpinionReport && case.opinion_letter)
        }
        Stage::Suspended => matches!(kind, Resume | Extend | Conclude | OpinionLetter),
        Stage::Concluded => {
            matches!(kind, OpinionLetter | RecommendationLetter)
                || (kind == OpinionReport && case.opinion_letter)
                || (kind == Publish && case.method == Some(Method::Decision) && !case.published)
        }
        Stage::NotAccepted => false,
    }
}

impl Reconsideration {
    /// Once holiday notices for `years` are loaded: the stored decision deadline of every case
    /// whose deadline runs to one of those years or later is computed again, from its steps and
    /// the calendar now in force (a deadline computed before was 暂定, weekends only). Allowed to
    /// whoever may load notices; returns how many deadlines changed, each with its audit event.
    pub async fn recompute_deadlines(&self, actor: &Actor, years: &[i32]) -> Result<usize> {
        self.platform
            .require(
                actor,
                kernel::Permission::ManageCalendar,
                "calendar_notice",
                "recompute",
            )
            .await?;
        let Some(from) = years
            .iter()
            .min()
            .and_then(|y| NaiveDate::from_ymd_opt(*y, 1, 1))
        else {
            return Ok(0);
        };
        let calendar = self.platform.calendar().await?;
        let mut conn = self.platform.db().conn().await?;
        let mut changed = Vec::new();
        for mut case in store::cases_due_from(&mut conn, from).await? {
            let steps = store::steps(&mut conn, case.id.as_str()).await?;
            // The clock as it stood after the case's last step (a suspension counts to then).
            let as_of = steps
                .last()
                .map(|s| s.on)
                .or(case.accepted_on)
                .unwrap_or(case.received_on);
            let due = if steps.is_empty() {
                case.accepted_on
                    .map(|a| clock::plain_decision_due(case.regime, case.procedure, a, &calendar))
                    .transpose()?
            } else {
                clock::clock(&case, &steps, &calendar, as_of)?.decision_due
            };
            if due.is_some() && due != case.decision_due {
                let before = case.decision_due;
                case.decision_due = due;
                changed.push((case, before));
            }
        }
        drop(conn);
        let n = changed.len();
        if n > 0 {
            self.platform
                .db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                        for (case, before) in &changed {
                            store::update_case(tx, case).await?;
                            tx.record(
                                Event::new("reconsideration_case", case.id.as_str(), "recompute")
                                    .org(Some(case.office_org_id.as_str()))
                                    .changes(Changes::new().change(
                                        "decision_due",
                                        before.map(store::day),
                                        case.decision_due.map(store::day),
                                    )),
                            )
                            .await?;
                        }
                        Ok::<_, db::DbError>(())
                    })
                })
                .await?;
        }
        Ok(n)
    }
}
