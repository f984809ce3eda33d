//! 办案 pages: the intake form (立案, also from an inspection's 立案查处), the case page with its
//! timeline, the forms of the steps that may come next, the documents and the evidence; an
//! officer's page with the training records.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use enforcement::workflow::{CaseFile, DocumentKind, NewCase, OfficerFile, StepRequest};
use enforcement::{Decision, Opinion, PartyKind, PenaltyType, Procedure, StepDetail, StepKind};
use kernel::{Money, Permission};
use serde::Deserialize;

use super::super::power::form_date;
use super::super::{Choice, Layout, choices, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

/// Penalty types as typed: 罚款、没收违法所得.
fn penalties(text: &str) -> Result<Vec<PenaltyType>, WebError> {
    text.split(['、', ',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|w| {
            PenaltyType::parse(w).ok_or_else(|| {
                WebError::new(
                    kernel::ErrorCode::RuleViolation,
                    format!(
                        "“{w}”不是处罚种类（可选：{}）",
                        PenaltyType::labels().join("、")
                    ),
                )
            })
        })
        .collect()
}

fn amount(text: &str) -> Result<Option<Money>, WebError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Money::parse(t)
        .map(Some)
        .map_err(|e| WebError::new(kernel::ErrorCode::RuleViolation, e))
}

fn list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ' ', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Deserialize, Default, Clone)]
pub struct IntakeForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    party_kind: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    opened_on: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    officers: String,
    #[serde(default)]
    penalties: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    inspection: String,
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "enforcement/new.html")]
struct IntakePage {
    layout: Layout,
    form: IntakeForm,
    bodies: Vec<Choice>,
    kinds: Vec<Choice>,
    procedures: Vec<Choice>,
    inspection: Option<enforcement::Inspection>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct IntakeQuery {
    #[serde(default)]
    inspection: String,
}

async fn intake_page(
    state: &AppState,
    session: &Session,
    mut form: IntakeForm,
    error: Option<String>,
) -> PageResult<IntakePage> {
    let actor = &session.0.actor;
    let inspection = match form.inspection.trim() {
        "" => None,
        id => Some(state.enforcement.inspection(actor, id).await?),
    };
    if let Some(i) = &inspection
        && form.party.is_empty()
    {
        form.party = i.object.clone();
        form.item_code = String::new();
        form.body = i.org_id.to_string();
        form.officers = i.officers.join("、");
        form.text = format!(
            "行政检查（{}，{}）发现问题，立案查处",
            i.number, i.inspected_on
        );
    }
    if form.opened_on.is_empty() {
        form.opened_on = kernel::time::china_today().to_string();
    }
    Ok(IntakePage {
        layout: Layout::staff(&session.0, "行政处罚立案", "enforcement"),
        bodies: super::body_choices(state, session, &form.body).await?,
        kinds: choices(
            PartyKind::ALL,
            PartyKind::code,
            PartyKind::label,
            &form.party_kind,
        ),
        procedures: choices(
            Procedure::ALL,
            Procedure::code,
            Procedure::label,
            if form.procedure.is_empty() {
                "ordinary"
            } else {
                &form.procedure
            },
        ),
        inspection,
        form,
        error,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<IntakeQuery>,
) -> PageResult<impl IntoResponse> {
    let form = IntakeForm {
        inspection: q.inspection,
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
            body: form.body.clone(),
            item_code: form.item_code.trim().to_string(),
            party_kind: PartyKind::parse(&form.party_kind),
            party: form.party.trim().to_string(),
            opened_on: Some(form_date(&form.opened_on, "立案日期")?),
            procedure: Procedure::parse(&form.procedure),
            officers: list(&form.officers),
            penalties: penalties(&form.penalties)?,
            amount: amount(&form.amount)?,
            inspection: Some(form.inspection.clone()),
            text: form.text.clone(),
        };
        Ok::<_, WebError>(state.enforcement.open_case(&session.0.actor, new).await?)
    }
    .await;
    match result {
        Ok(c) => {
            Ok(Redirect::to(&format!("/enforcement/cases/{}?ok=created", c.id)).into_response())
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

/// A step's form: which fields it shows.
pub struct StepFormView {
    pub code: &'static str,
    pub label: &'static str,
    /// Officers prefilled (certificate numbers).
    pub officers: String,
    pub officers_hint: &'static str,
    pub text_label: Option<&'static str>,
}

fn step_form(kind: StepKind, file: &CaseFile) -> StepFormView {
    use StepKind::*;
    let case_officers = file.view.case.officers.join("、");
    let (officers, officers_hint) = match kind {
        Investigate | Notify | Decide | Serve | Collective | Close | Archive | Publish
        | TakeDown | Extend | HearingNotice => (
            case_officers,
            "执法证号，用顿号分隔；调查取证、告知和决定不少于两人",
        ),
        Hearing => (String::new(), "听证主持人的执法证号：不得是本案调查人员"),
        LegalReview => (String::new(), "法制审核人员的执法证号"),
        _ => (String::new(), "不需填写"),
    };
    let text_label = match kind {
        Investigate => Some("调查取证情况"),
        Extend => Some("延长的理由"),
        Notify => Some("违法事实（写入事先告知书）"),
        HearingRequest => Some("当事人申请听证的方式"),
        HearingNotice => Some("听证地点与听证事项"),
        Hearing => Some("听证情况（听证笔录要点）"),
        LegalReview => Some("审核意见说明"),
        Collective => Some("集体讨论的意见"),
        Decide => Some("决定说明"),
        Serve => Some("送达方式"),
        TakeDown => Some("撤回的原因（公开说明）"),
        Close => Some("执行情况"),
        _ => None,
    };
    StepFormView {
        code: kind.code(),
        label: kind.label(),
        officers,
        officers_hint,
        text_label,
    }
}

#[derive(Template)]
#[template(path = "enforcement/case.html")]
struct CasePage {
    layout: Layout,
    f: CaseFile,
    forms: Vec<StepFormView>,
    can_handle: bool,
    today: String,
    decisions: Vec<Choice>,
    opinions: Vec<Choice>,
    documents: Vec<Choice>,
    attachments: crate::html::attachments::AttachmentsView,
    error: Option<String>,
}

async fn case_page(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult<CasePage> {
    let f = state.enforcement.case_file(&session.0.actor, id).await?;
    let can_handle = session.0.actor.can(Permission::WriteRecords);
    let attachments = crate::html::attachments::view(
        state,
        session,
        crate::html::attachments::Holder::Enforcement,
        id,
        can_handle,
    )
    .await?;
    Ok(CasePage {
        layout: Layout::staff(
            &session.0,
            &format!("行政处罚案件 {}", f.view.case.number),
            "enforcement",
        )
        .with_notice(notice),
        forms: f.next.iter().map(|k| step_form(*k, &f)).collect(),
        can_handle,
        today: kernel::time::china_today().to_string(),
        decisions: choices(Decision::ALL, Decision::code, Decision::label, "penalty"),
        opinions: choices(Opinion::ALL, Opinion::code, Opinion::label, ""),
        documents: choices(
            DocumentKind::ALL,
            DocumentKind::code,
            DocumentKind::label,
            "",
        ),
        attachments,
        f,
        error,
    })
}

pub async fn case(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<crate::html::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    render(case_page(&state, &session, &id, q.ok.as_deref(), None).await?)
}

/// A step of a case, as the case page's forms and `POST /api/v1/enforcement/cases/{id}/steps`
/// send it; each kind reads the fields it needs.
#[derive(Deserialize, Default, Clone, utoipa::ToSchema)]
#[schema(as = EnforcementStepForm)]
pub struct StepForm {
    /// investigate, extend, notify, hearing_request, hearing_notice, hearing, legal_review,
    /// collective, decide, serve, pay, publish, take_down, close, archive.
    #[schema(
        pattern = "^(investigate|extend|notify|hearing_request|hearing_notice|hearing|legal_review|collective|decide|serve|pay|publish|take_down|close|archive)$"
    )]
    pub kind: String,
    /// YYYY-MM-DD.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: String,
    /// Certificate numbers, separated by 、.
    #[serde(default)]
    pub officers: String,
    #[serde(default)]
    pub text: String,
    /// 听证通知: the hearing's day; 撤回公示: the day the decision was set aside (YYYY-MM-DD).
    #[serde(default)]
    #[schema(format = Date)]
    pub date: String,
    /// 延长办案期限: the days.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{0,3}$")]
    pub days: String,
    #[serde(default)]
    pub approved_by: String,
    /// 法制审核: agree or problems.
    #[serde(default)]
    #[schema(pattern = "^(|agree|problems)$")]
    pub opinion: String,
    /// 作出决定: penalty, no_penalty, transfer or withdrawn.
    #[serde(default)]
    #[schema(pattern = "^(|penalty|no_penalty|transfer|withdrawn)$")]
    pub decision: String,
    /// Penalty types as written, separated by 、 (罚款、没收违法所得).
    #[serde(default)]
    pub penalties: String,
    /// Yuan (告知, 决定: the fine; 缴纳: the amount paid).
    #[serde(default)]
    #[schema(pattern = "^([0-9]{1,12}(\\.[0-9]{1,2})?)?$")]
    pub amount: String,
}

/// A step as the form sends it (also the API's body, read the same way).
pub fn step_request(f: &StepForm) -> Result<StepRequest, WebError> {
    let kind = StepKind::parse(&f.kind).ok_or_else(|| WebError::invalid("未知的办案环节"))?;
    let date = match f.date.trim() {
        "" => None,
        t => Some(form_date(t, "日期")?),
    };
    let days = match f.days.trim() {
        "" => None,
        t => Some(
            t.parse::<u32>()
                .map_err(|_| WebError::invalid(format!("天数“{t}”不是整数")))?,
        ),
    };
    Ok(StepRequest {
        kind,
        on: form_date(&f.on, "日期")?,
        officers: list(&f.officers),
        detail: StepDetail {
            text: f.text.clone(),
            date,
            days,
            approved_by: f.approved_by.clone(),
            opinion: Opinion::parse(&f.opinion),
            decision: Decision::parse(&f.decision),
            penalties: penalties(&f.penalties)?,
            amount: amount(&f.amount)?,
            ..Default::default()
        },
    })
}

pub async fn step(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    let result = async {
        let req = step_request(&form)?;
        state
            .enforcement
            .record_step(&session.0.actor, &id, req)
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enforcement/cases/{id}?ok=step")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let page = case_page(&state, &session, &id, None, Some(e.message)).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A document of the case as .docx.
pub async fn document(
    State(state): State<AppState>,
    session: Session,
    Path((id, kind)): Path<(String, String)>,
) -> PageResult<Response> {
    let kind = DocumentKind::parse(&kind).ok_or_else(WebError::not_found)?;
    let (name, bytes) = state
        .enforcement
        .document(&session.0.actor, &id, kind)
        .await?;
    Ok(super::super::docx_download("document.docx", &name, bytes))
}

#[derive(Template)]
#[template(path = "enforcement/officer.html")]
struct OfficerPage {
    layout: Layout,
    f: OfficerFile,
    can_change: bool,
    today: String,
    error: Option<String>,
}

async fn officer_page(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult<OfficerPage> {
    let f = state.enforcement.officer_file(&session.0.actor, id).await?;
    Ok(OfficerPage {
        layout: Layout::staff(
            &session.0,
            &format!("执法人员 {}", f.view.officer.name),
            "enforcement",
        )
        .with_notice(notice),
        can_change: session.0.actor.can(Permission::WriteRecords),
        today: kernel::time::china_today().to_string(),
        f,
        error,
    })
}

pub async fn officer(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<crate::html::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    render(officer_page(&state, &session, &id, q.ok.as_deref(), None).await?)
}

#[derive(Deserialize, Default)]
pub struct TrainingForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    subject: String,
}

pub async fn training(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<TrainingForm>,
) -> PageResult<Response> {
    let result = async {
        let on = form_date(&form.on, "培训日期")?;
        state
            .enforcement
            .record_training(&session.0.actor, &id, on, &form.hours, &form.subject)
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enforcement/officers/{id}?ok=saved")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let page = officer_page(&state, &session, &id, None, Some(e.message)).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
