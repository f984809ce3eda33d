//! 行政复议 pages: the case list with its clocks, the intake form, the case page (clock, steps
//! with their forms, documents, timeline), statistics with definitions, the ledger; the public
//! list of published decisions is in `public`.

pub mod ledger;
pub mod public;
pub mod stats;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use kernel::{Permission, Role};
use platform::PageRequest;
use reconsideration::{
    CaseFilter, CasePage, CaseSummary, Channel, DecisionType, DocumentKind, DueState, Method,
    NewCase, Procedure, Regime, SimplifiedGround, Stage, StepKind, StepRequest, WithdrawalReason,
};
use serde::Deserialize;

use super::power::form_date;
use super::{Choice, Layout, Pager, choices, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

pub const PER_PAGE: u32 = 50;

fn handles(session: &Session) -> bool {
    let a = &session.0.actor;
    a.can(Permission::WriteRecords) && matches!(a.role, Some(Role::LegalAffairs) | None)
}

/// One row of the case list.
pub struct Row {
    pub id: String,
    pub number: String,
    pub applicant: String,
    pub respondent: String,
    pub act: String,
    pub received_on: String,
    pub stage: &'static str,
    pub outcome: String,
    pub due: String,
    pub overdue: bool,
    /// The deadline falls in a year without a loaded holiday notice (暂定).
    pub provisional: bool,
}

fn row(c: &CaseSummary, today: NaiveDate, calendar: &kernel::calendar::Calendar) -> Row {
    let outcome = match (c.method, c.decision_type, c.withdrawal_reason) {
        (Some(Method::Decision), Some(d), _) => d.label().to_string(),
        (Some(Method::Withdrawal), _, Some(r)) => format!("撤回（{}）", r.label()),
        (Some(m), _, _) => m.label().to_string(),
        _ => String::new(),
    };
    Row {
        id: c.id.to_string(),
        number: c.number.clone(),
        applicant: c.applicant.clone(),
        respondent: c.respondent.clone(),
        act: c.act_category.clone(),
        received_on: c.received_on.to_string(),
        stage: c.stage.label(),
        outcome,
        due: c.decision_due.map(|d| d.to_string()).unwrap_or_default(),
        overdue: c.is_open() && c.decision_due.is_some_and(|d| d < today),
        provisional: c.decision_due.is_some_and(|d| !calendar.knows(d.year())),
    }
}

/// The cases a list's filters select (the list and its 导出 alike).
pub(crate) fn case_filter(
    form: &ListForm,
    calendar: &kernel::calendar::Calendar,
    today: NaiveDate,
) -> Result<CaseFilter, WebError> {
    let due_by = match form.due.as_str() {
        "" => None,
        "overdue" => today.pred_opt(),
        days => {
            let n: u32 = days
                .parse()
                .map_err(|_| WebError::invalid("期限筛选应为工作日数"))?;
            Some(
                calendar
                    .add_provisional(today, n.max(1), kernel::PeriodUnit::Workdays)
                    .map_err(platform::Error::from)?
                    .due,
            )
        }
    };
    Ok(CaseFilter {
        stage: Stage::parse(&form.stage),
        regime: Regime::parse(&form.regime),
        decision_type: DecisionType::parse(&form.decision),
        text: some(&form.q),
        due_by,
        year: form.year,
        sort: super::sort_of(&form.sort),
        ..Default::default()
    })
}

/// The case list's sortable columns.
const SORTABLE: &[(&str, &str)] = &[
    ("number", "案件编号"),
    ("applicant", "申请人"),
    ("respondent", "被申请人"),
    ("act", "行政行为"),
    ("received", "收到申请"),
    ("stage", "阶段"),
    ("due", "审理期限"),
];

fn some(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

#[derive(Deserialize, Default, Clone)]
pub struct ListForm {
    /// The order: a column's key, `-` before it for descending.
    #[serde(default)]
    pub sort: String,
    /// Rows per page.
    pub per: Option<u32>,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    regime: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    due: String,
    year: Option<i32>,
    page: Option<u32>,
    ok: Option<String>,
}

impl ListForm {
    pub fn base(&self) -> String {
        let mut s = self.filters();
        if !self.sort.is_empty() {
            s.push_str(&format!("sort={}&", super::urlencode(&self.sort)));
        }
        s
    }

    /// The query of the filters and page size alone (for the sortable headers).
    pub fn filters(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("stage", &self.stage),
            ("regime", &self.regime),
            ("decision", &self.decision),
            ("q", &self.q),
            ("due", &self.due),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if let Some(y) = self.year {
            s.append_pair("year", &y.to_string());
        }
        if let Some(p) = self.per {
            s.append_pair("per", &p.to_string());
        }
        let s = s.finish();
        if s.is_empty() { s } else { format!("{s}&") }
    }
}

#[derive(Template)]
#[template(path = "reconsideration/list.html")]
struct ListPage {
    open_overdue: usize,
    headers: Vec<super::SortHeader>,
    sizes: Vec<Choice>,
    layout: Layout,
    form: ListForm,
    rows: Vec<Row>,
    pager: Pager,
    stages: Vec<Choice>,
    regimes: Vec<Choice>,
    decisions: Vec<Choice>,
    can_handle: bool,
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<ListForm>,
) -> PageResult<impl IntoResponse> {
    let today = kernel::time::china_today();
    let calendar = state.platform.calendar_for(&session.0.actor).await?;
    let filter = case_filter(&form, &calendar, today)?;
    let page = state
        .reconsideration
        .case_list(
            &session.0.actor,
            filter,
            PageRequest::new(form.page, Some(form.per.unwrap_or(PER_PAGE))),
        )
        .await?;
    // 已逾期 now: open cases past their decision deadline (the figure open_overdue).
    let open_overdue = state
        .reconsideration
        .due(&session.0.actor, today)
        .await?
        .1
        .len();
    render(ListPage {
        layout: Layout::staff(&session.0, "行政复议", "reconsideration")
            .with_notice(form.ok.as_deref()),
        open_overdue,
        headers: super::sort_headers(&form.filters(), &form.sort, SORTABLE),
        sizes: super::page_sizes(form.per, PER_PAGE),
        rows: page
            .items
            .iter()
            .map(|c| row(c, today, &calendar))
            .collect(),
        pager: Pager::new(&page, form.base()),
        stages: choices(Stage::ALL, Stage::code, Stage::label, &form.stage),
        regimes: choices(Regime::ALL, Regime::code, Regime::label, &form.regime),
        decisions: choices(
            DecisionType::ALL,
            DecisionType::code,
            DecisionType::label,
            &form.decision,
        ),
        can_handle: handles(&session),
        form,
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct IntakeForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    applicant_id: String,
    #[serde(default)]
    third_party: String,
    #[serde(default)]
    respondent: String,
    #[serde(default)]
    act_category: String,
    #[serde(default)]
    act_description: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "reconsideration/new.html")]
struct IntakePage {
    layout: Layout,
    form: IntakeForm,
    channels: Vec<Choice>,
    respondents: Vec<String>,
    error: Option<String>,
}

async fn intake_page(
    state: &AppState,
    session: &Session,
    form: IntakeForm,
    error: Option<String>,
) -> PageResult<IntakePage> {
    let respondents = state
        .platform
        .directory()
        .await?
        .into_iter()
        .filter(|o| !o.kind.is_government())
        .map(|o| o.name)
        .collect();
    Ok(IntakePage {
        layout: Layout::staff(&session.0, "登记行政复议申请", "reconsideration"),
        channels: choices(Channel::ALL, Channel::code, Channel::label, &form.channel),
        respondents,
        form,
        error,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    let form = IntakeForm {
        received_on: kernel::time::china_today().to_string(),
        ..Default::default()
    };
    render(intake_page(&state, &session, form, None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<IntakeForm>,
) -> PageResult<Response> {
    let result = async {
        let new = NewCase {
            number: form.number.clone(),
            channel: Channel::parse(&form.channel),
            applicant: form.applicant.clone(),
            applicant_id: form.applicant_id.clone(),
            third_party: form.third_party.clone(),
            respondent: form.respondent.clone(),
            act_category: form.act_category.clone(),
            act_description: form.act_description.clone(),
            request: form.request.clone(),
            received_on: if form.received_on.trim().is_empty() {
                None
            } else {
                Some(form_date(&form.received_on, "收到申请日期")?)
            },
            note: form.note.clone(),
        };
        Ok::<_, WebError>(
            state
                .reconsideration
                .register(&session.0.actor, new)
                .await?,
        )
    }
    .await;
    match result {
        Ok(c) => {
            Ok(Redirect::to(&format!("/reconsideration/{}?ok=registered", c.id)).into_response())
        }
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let page = intake_page(&state, &session, form, Some(e.message)).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A step the case page offers, with the fields its form shows.
pub struct StepForm {
    pub code: &'static str,
    pub label: &'static str,
    pub text_label: Option<&'static str>,
}

fn step_form(kind: StepKind) -> StepForm {
    use StepKind::*;
    let text_label = match kind {
        CorrectionNotice => Some("需要补正的材料"),
        NotAccept => Some("不予受理的理由"),
        Reply => Some("答复要点"),
        Investigation => Some("调查情况"),
        HearingNotice => Some("听证地点与拟听证事项"),
        Hearing => Some("听证情况"),
        Committee => Some("委员会咨询意见"),
        Mediation => Some("调解、和解情况"),
        Suspend => Some("中止的原因"),
        Extend => Some("延长的理由"),
        ProcedureChange => Some("转换的理由"),
        Conclude => Some("结案说明（经审理查明的事实或撤回、终止的情况）"),
        OpinionLetter => Some("发现的问题"),
        OpinionReport => Some("落实情况"),
        RecommendationLetter => Some("建议内容"),
        _ => None,
    };
    StepForm {
        code: kind.code(),
        label: kind.label(),
        text_label,
    }
}

/// A clock line as the page shows it.
pub struct ClockRow {
    pub period: &'static str,
    pub due: String,
    pub explanation: String,
    pub done_on: String,
    pub state: &'static str,
    pub css: &'static str,
    pub left: String,
    /// 暂定: a year the period runs through has no holiday notice loaded.
    pub provisional: bool,
}

#[derive(Template)]
#[template(path = "reconsideration/case.html")]
struct CaseView {
    layout: Layout,
    p: CasePage,
    attachments: crate::html::attachments::AttachmentsView,
    people: platform::People,
    clock: Vec<ClockRow>,
    forms: Vec<StepForm>,
    can_handle: bool,
    today: String,
    procedures: Vec<Choice>,
    grounds: Vec<Choice>,
    methods: Vec<Choice>,
    decisions: Vec<Choice>,
    reasons: Vec<Choice>,
    documents: Vec<Choice>,
    error: Option<String>,
}

async fn case_view(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult<CaseView> {
    let today = kernel::time::china_today();
    let p = state
        .reconsideration
        .case_page(&session.0.actor, id, today)
        .await?;
    let clock = p
        .clock
        .lines
        .iter()
        .map(|l| ClockRow {
            period: l.period,
            due: l.deadline.due.to_string(),
            explanation: l.explanation.clone(),
            done_on: l.done_on.map(|d| d.to_string()).unwrap_or_default(),
            state: l.state.label(),
            css: match l.state {
                DueState::Overdue | DueState::Late => "error",
                DueState::Paused => "warn",
                _ => "",
            },
            left: l
                .workdays_left
                .map(|n| format!("剩{n}个工作日"))
                .unwrap_or_default(),
            provisional: !l.deadline.provisional.is_empty(),
        })
        .collect();
    let people = state.platform.people().await?;
    let attachments = crate::html::attachments::view(
        state,
        session,
        crate::html::attachments::Holder::Case,
        id,
        handles(session),
    )
    .await?;
    let allowed = reconsideration::rules::allowed_decisions(p.case.regime);
    let decisions = allowed
        .iter()
        .map(|d| Choice {
            value: d.code().into(),
            label: d.label().into(),
            selected: false,
        })
        .collect();
    let grounds = if p.case.regime == Regime::Law2023 {
        choices(
            SimplifiedGround::ALL,
            SimplifiedGround::code,
            SimplifiedGround::label,
            "",
        )
    } else {
        Vec::new()
    };
    let procedures = if p.case.regime == Regime::Law2023 {
        choices(
            Procedure::ALL,
            Procedure::code,
            Procedure::label,
            "ordinary",
        )
    } else {
        choices(
            &[Procedure::Ordinary],
            Procedure::code,
            Procedure::label,
            "ordinary",
        )
    };
    Ok(CaseView {
        layout: Layout::staff(
            &session.0,
            &format!("行政复议案件 {}", p.case.number),
            "reconsideration",
        )
        .with_notice(notice),
        people,
        attachments,
        clock,
        forms: p.next_steps.iter().map(|k| step_form(*k)).collect(),
        can_handle: handles(session),
        today: today.to_string(),
        procedures,
        grounds,
        methods: choices(Method::ALL, Method::code, Method::label, ""),
        decisions,
        reasons: choices(
            WithdrawalReason::ALL,
            WithdrawalReason::code,
            WithdrawalReason::label,
            "",
        ),
        documents: choices(
            DocumentKind::ALL,
            DocumentKind::code,
            DocumentKind::label,
            "",
        ),
        p,
        error,
    })
}

pub async fn case(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<crate::html::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    render(case_view(&state, &session, &id, q.ok.as_deref(), None).await?)
}

#[derive(Deserialize, Default, Clone)]
pub struct StepFormData {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    approved_by: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    decision_type: String,
    #[serde(default)]
    withdrawal_reason: String,
}

fn step_request(f: &StepFormData) -> Result<StepRequest, WebError> {
    let kind = StepKind::parse(&f.kind).ok_or_else(|| WebError::invalid("未知的办理环节"))?;
    let mut req = StepRequest::new(kind, form_date(&f.on, "日期")?).text(f.text.clone());
    req.staff = f
        .staff
        .split(['、', ',', '，', ' '])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if !f.date.trim().is_empty() {
        req.date = Some(form_date(&f.date, "听证日期")?);
    }
    if !f.days.trim().is_empty() {
        req.days = Some(
            f.days
                .trim()
                .parse()
                .map_err(|_| WebError::invalid(format!("延长天数“{}”不是整数", f.days)))?,
        );
    }
    req.approved_by = f.approved_by.clone();
    req.number = f.number.clone();
    req.procedure = Procedure::parse(&f.procedure);
    req.ground = SimplifiedGround::parse(&f.ground);
    req.method = Method::parse(&f.method);
    req.decision_type = DecisionType::parse(&f.decision_type);
    req.withdrawal_reason = WithdrawalReason::parse(&f.withdrawal_reason);
    Ok(req)
}

pub async fn step(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StepFormData>,
) -> PageResult<Response> {
    let result = async {
        let req = step_request(&form)?;
        state
            .reconsideration
            .record_step(&session.0.actor, &id, req)
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reconsideration/{id}?ok=step")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let view = case_view(&state, &session, &id, None, Some(e.message)).await?;
            Ok((status, render(view)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct DocumentForm {
    #[serde(default)]
    kind: String,
}

pub async fn generate(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<DocumentForm>,
) -> PageResult<Response> {
    let kind = DocumentKind::parse(&form.kind).ok_or_else(|| WebError::invalid("未知的文书"))?;
    match state
        .reconsideration
        .generate_document(&session.0.actor, &id, kind)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reconsideration/{id}?ok=document")).into_response()),
        Err(e) => {
            let e = WebError::from(e);
            if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden {
                let status = StatusCode::from_u16(e.code.http_status())
                    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                let view = case_view(&state, &session, &id, None, Some(e.message)).await?;
                return Ok((status, render(view)?).into_response());
            }
            Err(e.into())
        }
    }
}

pub async fn document(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let (doc, bytes) = state
        .reconsideration
        .document(&session.0.actor, &id)
        .await?;
    Ok(super::docx_download("document.docx", &doc.file_name, bytes))
}
