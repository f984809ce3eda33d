//! 办案: a penalty case handled step by step in the system — 立案, 调查取证, 告知, 听证, 法制审核,
//! 集体讨论, 决定, 送达, 执行, 公示, 结案, 归档 — each step a recorded event with its officers, their
//! certificates checked on the step's day (全过程记录, 2021 第四十七条). A case is opened through
//! the same checks as a row of the `enforcement-cases` ledger.

mod attachments;
pub mod check;
mod documents;
mod takedown;
mod training;

use chrono::{Days, NaiveDate};
use db::{Changes, Event};
use kernel::Money;
use kernel::Permission;
use kernel::calendar::PeriodUnit;
use ledger::ImportMode;
use platform::Actor;
use serde::Serialize;

use crate::ledger::CASES;
use crate::model::{
    Case, Decision, Officer, Opinion, PartyKind, PenaltyType, Procedure, Regime, Step, StepDetail,
    StepId, StepKind,
};
use crate::registry::CaseView;
use crate::{Enforcement, Error, Result, store};

pub use attachments::ATTACHMENT_KINDS;
pub use documents::DocumentKind;
pub use takedown::{SetAside, TakedownDue};
pub use training::OfficerFile;

/// A case as the intake form opens it.
#[derive(Clone, Debug, Default)]
pub struct NewCase {
    pub number: String,
    /// The body's organisation (id or name).
    pub body: String,
    pub item_code: String,
    pub party_kind: Option<PartyKind>,
    pub party: String,
    pub opened_on: Option<NaiveDate>,
    pub procedure: Option<Procedure>,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    /// 简易程序: the penalty given on the spot.
    pub penalties: Vec<PenaltyType>,
    pub amount: Option<Money>,
    /// The inspection whose 立案查处 opens the case.
    pub inspection: Option<String>,
    /// 案情摘要 / 案件来源.
    pub text: String,
}

/// A step as the case page's forms and the API send it.
#[derive(Clone, Debug)]
pub struct StepRequest {
    pub kind: StepKind,
    pub on: NaiveDate,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    pub detail: StepDetail,
}

/// A case with its steps, what may come next and its stage.
#[derive(Clone, Debug, Serialize)]
pub struct CaseFile {
    pub view: CaseView,
    pub steps: Vec<Step>,
    pub next: Vec<StepKind>,
    pub stage: &'static str,
    /// Certificate number → name, for the officers the case and its steps name.
    pub names: Vec<(String, String)>,
    /// A decision of 行政复议 that set this case's decision aside, when there is one.
    pub set_aside: Option<SetAside>,
}

impl CaseFile {
    /// An officer's name by certificate (the number itself when unknown).
    pub fn name(&self, certificate: &str) -> String {
        self.names
            .iter()
            .find(|(c, _)| c == certificate)
            .map(|(_, n)| format!("{n}（{c}）", c = certificate))
            .unwrap_or_else(|| certificate.to_string())
    }

    /// Officers as written on the page: 张三（3204001）、李四（3204002）.
    pub fn names_of(&self, certificates: &[String]) -> String {
        certificates
            .iter()
            .map(|c| self.name(c))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Where a case stands, from its record and steps.
pub fn stage(case: &Case, steps: &[Step]) -> &'static str {
    let has = |k: StepKind| steps.iter().any(|s| s.kind == k);
    if has(StepKind::Archive) {
        "已归档"
    } else if case.closed_on.is_some() {
        "已结案"
    } else if has(StepKind::Pay) {
        "已执行"
    } else if has(StepKind::Serve) {
        "已送达"
    } else if case.decided_on.is_some() {
        "已作出决定"
    } else if has(StepKind::Collective) {
        "集体讨论"
    } else if has(StepKind::LegalReview) {
        "法制审核"
    } else if has(StepKind::Hearing)
        || has(StepKind::HearingNotice)
        || has(StepKind::HearingRequest)
    {
        "听证"
    } else if has(StepKind::Notify) {
        "已告知"
    } else if has(StepKind::Investigate) {
        "调查取证"
    } else {
        "已立案"
    }
}

fn step_event(case: &Case, kind: StepKind, changes: Changes) -> Event {
    Event::new("enforcement_case", case.id.as_str(), kind.code())
        .org(Some(case.org_id.as_str()))
        .changes(changes)
}

impl Enforcement {
    async fn require_handle(&self, actor: &Actor, id: &str) -> Result<()> {
        Ok(self
            .platform
            .require(actor, Permission::WriteRecords, "enforcement_case", id)
            .await?)
    }

    /// The settings the step rules read.
    async fn limits(&self) -> Result<check::Limits> {
        Ok(check::Limits {
            decision_days: self.setting_number(&crate::DECISION_DAYS).await?,
            extension_days: self.setting_number(&crate::EXTENSION_DAYS).await?,
            hearing_fine_individual: Money::from_yuan(
                self.setting_number(&crate::HEARING_FINE_INDIVIDUAL).await?,
            ),
            hearing_fine_organisation: Money::from_yuan(
                self.setting_number(&crate::HEARING_FINE_ORGANISATION)
                    .await?,
            ),
            catalogue: self.review_catalogue().await?,
        })
    }

    /// Opens a case (立案) from the intake form: the same checks as a ledger row (the body's
    /// power item in force, officers with usable certificates, the simple procedure's limits),
    /// then the 立案 step — and for the simple procedure the decision given on the spot.
    pub async fn open_case(&self, actor: &Actor, new: NewCase) -> Result<Case> {
        self.require_handle(actor, "new").await?;
        let number = new.number.trim().to_string();
        if number.is_empty() {
            return Err(Error::Invalid("请填写案件编号".into()));
        }
        let (Some(opened_on), Some(procedure), Some(party_kind)) =
            (new.opened_on, new.procedure, new.party_kind)
        else {
            return Err(Error::Invalid(
                "请填写立案日期、适用程序和当事人类型".into(),
            ));
        };
        let mut conn = self.platform.db().conn().await?;
        if !store::cases_by_number(&mut conn, std::slice::from_ref(&number))
            .await?
            .is_empty()
        {
            return Err(Error::Invalid(format!("案件编号“{number}”已经登记")));
        }
        let inspection = match new.inspection.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => Some(
                store::inspection_by_id(&mut conn, id)
                    .await?
                    .ok_or_else(|| Error::NotFound("该行政检查".into()))?,
            ),
            None => None,
        };
        drop(conn);
        let orgs = self.platform.org_resolver().await?;
        let body = match orgs.get(&kernel::ids::OrgId::from_stored(new.body.trim())) {
            Some(o) => o,
            None => orgs.resolve(new.body.trim()).map_err(Error::Invalid)?,
        };
        if let Some(i) = &inspection {
            self.platform
                .require_scope(
                    actor,
                    &self.platform.org(&i.org_id).await?,
                    "enforcement_inspection",
                    i.id.as_str(),
                )
                .await?;
            if i.result != crate::InspectionResult::CaseOpened {
                return Err(Error::Rule(format!(
                    "行政检查{}的结果是“{}”，不是“立案查处”",
                    i.number,
                    i.result.label()
                )));
            }
            if i.org_id != body.id {
                return Err(Error::Rule(format!(
                    "行政检查{}不是{}的检查",
                    i.number, body.name
                )));
            }
            if opened_on < i.inspected_on {
                return Err(Error::Rule(format!(
                    "立案日期{opened_on}早于检查日期{}",
                    i.inspected_on
                )));
            }
        }
        let simple = procedure == Procedure::Simple;
        let penalties = new
            .penalties
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join("、");
        let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
        let record = CASES.record(&[
            ("案件编号", number.clone()),
            ("执法主体", orgs.reference(&body.id)),
            ("事项编码", new.item_code.clone()),
            ("当事人类型", party_kind.label().into()),
            ("当事人", new.party.clone()),
            ("立案日期", opened_on.to_string()),
            ("适用程序", procedure.label().into()),
            ("承办人员", new.officers.join("、")),
            ("是否听证", yes_no(false)),
            ("是否法制审核", yes_no(false)),
            ("是否集体讨论", yes_no(false)),
            (
                "决定日期",
                if simple {
                    opened_on.to_string()
                } else {
                    String::new()
                },
            ),
            (
                "决定类型",
                if simple {
                    Decision::Penalty.label().into()
                } else {
                    String::new()
                },
            ),
            ("处罚种类", if simple { penalties } else { String::new() }),
            (
                "罚没金额",
                match (simple, new.amount) {
                    (true, Some(a)) => format!("{}.{:02}", a.fen() / 100, a.fen() % 100),
                    _ => String::new(),
                },
            ),
        ]);
        if simple && new.penalties.is_empty() {
            return Err(Error::Invalid(
                "简易程序当场处罚的，请选择处罚种类（警告或者罚款）".into(),
            ));
        }
        self.import_cases(actor, std::slice::from_ref(&record), ImportMode::default())
            .await
            .map_err(one_row)?;
        let mut conn = self.platform.db().conn().await?;
        let case = store::cases_by_number(&mut conn, std::slice::from_ref(&number))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound("刚登记的案件".into()))?;
        drop(conn);
        let who = actor.audit_name();
        let mut steps = vec![Step {
            id: StepId::generate(),
            seq: 1,
            kind: StepKind::Open,
            on: opened_on,
            officers: case.officers.clone(),
            detail: StepDetail {
                text: new.text.trim().to_string(),
                ..Default::default()
            },
            recorded_by: who.clone(),
        }];
        if simple {
            steps.push(Step {
                id: StepId::generate(),
                seq: 2,
                kind: StepKind::Decide,
                on: opened_on,
                officers: case.officers.clone(),
                detail: StepDetail {
                    text: "当场作出行政处罚决定".into(),
                    decision: Some(Decision::Penalty),
                    penalties: case.penalties.clone(),
                    amount: case.amount,
                    ..Default::default()
                },
                recorded_by: who,
            });
        }
        let inspection_id = inspection.map(|i| i.id.to_string());
        let c = case.clone();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    if let Some(i) = &inspection_id {
                        store::set_inspection(tx, c.id.as_str(), i).await?;
                    }
                    for s in &steps {
                        store::insert_step(tx, c.id.as_str(), s).await?;
                        tx.record(step_event(
                            &c,
                            s.kind,
                            Changes::new().set("on", s.on.to_string()),
                        ))
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(case)
    }

    /// A case with its steps and what may be done next.
    pub async fn case_file(&self, actor: &Actor, id: &str) -> Result<CaseFile> {
        let mut view = self.case(actor, id).await?;
        let mut conn = self.platform.db().conn().await?;
        let steps = store::steps(&mut conn, id).await?;
        let body = store::officers_of_body(&mut conn, &view.case.body_id).await?;
        drop(conn);
        let names = body.into_iter().map(|o| (o.certificate, o.name)).collect();
        let set_aside = self.set_aside_of(&view.case).await?;
        self.step_clocks(&mut view, &steps, set_aside.as_ref())
            .await?;
        Ok(CaseFile {
            next: check::next_steps(&view.case, &steps),
            stage: stage(&view.case, &steps),
            names,
            set_aside,
            steps,
            view,
        })
    }

    /// The clocks the steps start: the hearing request, service, payment and take-down.
    async fn step_clocks(
        &self,
        view: &mut CaseView,
        steps: &[Step],
        set_aside: Option<&SetAside>,
    ) -> Result<()> {
        let calendar = self.platform.calendar().await?;
        let c = &view.case;
        let last = |k: StepKind| steps.iter().rev().find(|s| s.kind == k);
        if let Some(n) = last(StepKind::Notify)
            && n.detail.hearing_right
            && c.decided_on.is_none()
            && let Some(due) = check::hearing_request_due(&calendar, c.regime, n.on)
        {
            view.clocks.push(match c.regime {
                Regime::Law2021 => {
                    format!("当事人可于{due}前要求听证（告知后五个工作日，第六十四条第一项）")
                }
                Regime::Law2017 => {
                    format!("当事人可于{due}前要求听证（告知后三日，2017年行政处罚法第四十二条）")
                }
            });
        }
        if let Some(h) = last(StepKind::HearingNotice)
            && let Some(date) = h.detail.date
        {
            view.clocks
                .push(format!("{}通知听证，听证日期{date}", h.on));
        }
        if let Some(d) = last(StepKind::Decide)
            && c.procedure == Procedure::Ordinary
            && matches!(c.decision, Some(Decision::Penalty | Decision::NoPenalty))
        {
            let due = match c.regime {
                Regime::Law2021 => calendar
                    .add_provisional(d.on, 7, PeriodUnit::Workdays)
                    .map(|x| x.due)
                    .unwrap_or(d.on),
                Regime::Law2017 => d.on + Days::new(7),
            };
            view.clocks.push(match last(StepKind::Serve) {
                Some(s) if s.on > due => {
                    format!("决定书应于{due}前送达（第六十一条），{}才送达", s.on)
                }
                Some(s) => format!("决定书应于{due}前送达（第六十一条），已于{}送达", s.on),
                None => {
                    format!("决定书应于{due}前送达（宣告后当事人不在场的，七日内送达，第六十一条）")
                }
            });
        }
        if let (Some(s), Some(amount)) = (last(StepKind::Serve), c.amount)
            && c.decision == Some(Decision::Penalty)
        {
            let due = s.on + Days::new(15);
            view.clocks.push(match last(StepKind::Pay) {
                Some(p) => match p.detail.surcharge.filter(|m| m.fen() > 0) {
                    Some(extra) => format!(
                        "应于{due}前缴纳{amount}（第六十七条），{}缴纳，逾期{}日，加处罚款{extra}（每日3%，不超过罚款数额，第七十二条）",
                        p.on,
                        p.detail.days.unwrap_or(0)
                    ),
                    None => format!("应于{due}前缴纳{amount}（第六十七条），已于{}缴纳", p.on),
                },
                None => format!(
                    "应于{due}前缴纳{amount}（收到决定书之日起十五日，第六十七条）；逾期每日加处罚款数额的3%（第七十二条）"
                ),
            });
        }
        if let Some(sa) = set_aside {
            let workdays = self.setting_number(&crate::TAKEDOWN_WORKDAYS).await?.max(1) as u32;
            let due = calendar
                .add_provisional(sa.decided_on, workdays, PeriodUnit::Workdays)
                .map(|x| x.due)
                .unwrap_or(sa.decided_on);
            view.clocks.push(match c.taken_down_on {
                Some(t) => format!(
                    "行政复议决定（{}，{}）{}本案决定，公示应于{due}前撤回（第四十八条），已于{t}撤回",
                    sa.number, sa.decided_on, sa.decision
                ),
                None if c.published_on.is_some() => format!(
                    "行政复议决定（{}，{}）{}本案决定，公示应于{due}前撤回并说明理由（第四十八条）",
                    sa.number, sa.decided_on, sa.decision
                ),
                None => format!(
                    "行政复议决定（{}，{}）{}本案决定",
                    sa.number, sa.decided_on, sa.decision
                ),
            });
        }
        Ok(())
    }

    /// Records a step of a case, checked by the rules of its law (`check`), with its audit event.
    pub async fn record_step(&self, actor: &Actor, id: &str, req: StepRequest) -> Result<Case> {
        self.require_handle(actor, id).await?;
        let view = self.case(actor, id).await?;
        let case = view.case;
        let mut conn = self.platform.db().conn().await?;
        let steps = store::steps(&mut conn, id).await?;
        let roster = store::officers_of_body(&mut conn, &case.body_id).await?;
        drop(conn);
        let mut officers: Vec<Officer> = Vec::new();
        for number in req
            .officers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            let o = roster
                .iter()
                .find(|o| o.certificate == number)
                .ok_or_else(|| {
                    Error::Rule(format!("执法证号“{number}”不是本案执法主体的执法人员"))
                })?;
            if !officers.contains(o) {
                officers.push(o.clone());
            }
        }
        let mut limits = self.limits().await?;
        if let Some(body) = store::bodies(&mut self.platform.db().conn().await?)
            .await?
            .into_iter()
            .find(|b| b.id == case.body_id)
        {
            limits.catalogue = body.review_catalogue(&limits.catalogue);
        }
        let calendar = self.platform.calendar().await?;
        let today = kernel::time::china_today();
        let mut detail = req.detail.clone();
        detail.text = detail.text.trim().to_string();
        detail.approved_by = detail.approved_by.trim().to_string();
        let proposed = check::Proposed {
            kind: req.kind,
            on: req.on,
            officers: &officers,
            detail: &detail,
        };
        check::check_step(&case, &steps, &proposed, &limits, &calendar, today)
            .map_err(Error::Rule)?;
        let mut updated = case.clone();
        match req.kind {
            StepKind::Notify => {
                detail.decision = Some(Decision::Penalty);
                detail.hearing_right = check::hearing_right(
                    case.party_kind,
                    &detail.penalties,
                    detail.amount,
                    &limits,
                );
            }
            StepKind::Pay => {
                let served = steps
                    .iter()
                    .rev()
                    .find(|s| s.kind == StepKind::Serve)
                    .map_or(case.decided_on.unwrap_or(req.on), |s| s.on);
                let fine = case.amount.unwrap_or_default();
                let (days, extra) = check::surcharge(fine, served, req.on);
                detail.days = Some(days);
                detail.surcharge = Some(extra);
            }
            StepKind::Decide => {
                let decision = detail.decision.unwrap_or(Decision::Penalty);
                let since = steps
                    .iter()
                    .rposition(|s| s.kind == StepKind::Notify)
                    .map_or(&steps[..0], |i| &steps[i + 1..]);
                updated.decided_on = Some(req.on);
                updated.decision = Some(decision);
                updated.penalties = detail.penalties.clone();
                updated.penalties.sort();
                updated.amount = detail.amount.filter(|_| decision == Decision::Penalty);
                updated.hearing = since.iter().any(|s| s.kind == StepKind::Hearing);
                updated.collective = steps.iter().any(|s| s.kind == StepKind::Collective);
                updated.legal_review = steps
                    .iter()
                    .rev()
                    .find(|s| s.kind == StepKind::LegalReview)
                    .is_some_and(|s| s.detail.opinion == Some(Opinion::Agree));
                let mut all = case.officers.clone();
                for o in &officers {
                    if !all.contains(&o.certificate) {
                        all.push(o.certificate.clone());
                    }
                }
                updated.officers = all;
            }
            StepKind::Publish => updated.published_on = Some(req.on),
            StepKind::Close => updated.closed_on = Some(req.on),
            _ => {}
        }
        let step = Step {
            id: StepId::generate(),
            seq: steps.last().map_or(1, |s| s.seq + 1),
            kind: req.kind,
            on: req.on,
            officers: officers.iter().map(|o| o.certificate.clone()).collect(),
            detail,
            recorded_by: actor.audit_name(),
        };
        let changed = updated != case;
        let taken_down = (req.kind == StepKind::TakeDown).then_some(req.on);
        let event = step_event(
            &case,
            req.kind,
            Changes::new()
                .set("on", req.on.to_string())
                .set("officers", step.officers.join("、")),
        );
        let u = updated.clone();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::insert_step(tx, u.id.as_str(), &step).await?;
                    if changed {
                        store::upsert_case(tx, &u, true, "form").await?;
                    }
                    if let Some(on) = taken_down {
                        store::set_taken_down(tx, u.id.as_str(), on).await?;
                    }
                    tx.record(event).await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        if taken_down.is_some() {
            updated.taken_down_on = taken_down;
        }
        Ok(updated)
    }
}

/// A one-row import's refusal as the form shows it: each cell's reason, without the line.
fn one_row(e: Error) -> Error {
    match e {
        Error::Platform(platform::Error::Rejected(r)) => Error::Rule(
            r.errors
                .iter()
                .map(|e| {
                    if e.column.is_empty() {
                        e.reason.clone()
                    } else {
                        format!("{}：{}", e.column, e.reason)
                    }
                })
                .collect::<Vec<_>>()
                .join("；"),
        ),
        other => other,
    }
}

impl Enforcement {
    /// The case an inspection's 立案查处 opened: its id and number.
    pub async fn case_opened_by(&self, inspection: &str) -> Result<Option<(String, String)>> {
        Ok(store::case_of_inspection(&mut self.platform.db().conn().await?, inspection).await?)
    }

    /// One inspection the actor reaches.
    pub async fn inspection(&self, actor: &Actor, id: &str) -> Result<crate::Inspection> {
        let i = store::inspection_by_id(&mut self.platform.db().conn().await?, id)
            .await?
            .ok_or_else(|| Error::NotFound("该行政检查".into()))?;
        self.platform
            .require_scope(
                actor,
                &self.platform.org(&i.org_id).await?,
                "enforcement_inspection",
                id,
            )
            .await?;
        Ok(i)
    }
}
