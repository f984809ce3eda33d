//! 行政复议 over JSON: the case list, one case with its clock and steps, registering an
//! application, recording a step, the year's figures with their definitions.

use axum::Json as AxumJson;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use reconsideration::{
    CaseFilter, CasePage, Channel, DecisionType, Method, NewCase, Procedure, Regime,
    SimplifiedGround, Stage, StepKind, StepRequest, WithdrawalReason,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::{ApiQuery, Json};
use crate::session::ApiSession;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// A stage code: received, correcting, in_review, suspended, not_accepted, concluded.
    #[param(pattern = "^(|received|correcting|in_review|suspended|not_accepted|concluded)$")]
    stage: Option<String>,
    /// `2017` or `2023`.
    #[param(pattern = "^(|2017|2023)$")]
    regime: Option<String>,
    /// A decision type code, e.g. `set_aside`.
    #[param(
        pattern = "^(|uphold|reject_request|dismiss|set_aside|partly_set_aside|vary|unlawful|perform|void)$"
    )]
    decision: Option<String>,
    /// In the number, applicant, respondent or act.
    q: Option<String>,
    /// Received in this year.
    #[param(minimum = 1949, maximum = 9998)]
    year: Option<i32>,
    /// From 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1 to 200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// A page of cases; each case as `reconsideration::Case` serialises it.
#[derive(Serialize, ToSchema)]
pub struct CasePageDto {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<reconsideration::Case>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

fn parsed<T>(
    what: &str,
    text: Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, WebError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(&t)
            .map(Some)
            .ok_or_else(|| WebError::invalid(format!("未知的{what}“{t}”"))),
    }
}

/// The cases the caller reaches.
#[utoipa::path(get, path = "/api/v1/reconsideration/cases", params(CaseParams), responses((status = 200, body = CasePageDto)))]
pub async fn cases(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<CaseParams>,
) -> ApiResult<AxumJson<CasePageDto>> {
    let filter = CaseFilter {
        stage: parsed("阶段", p.stage, Stage::parse)?,
        regime: parsed("适用法律", p.regime, Regime::parse)?,
        decision_type: parsed("决定类型", p.decision, DecisionType::parse)?,
        text: p.q.filter(|q| !q.trim().is_empty()),
        year: p.year.map(super::year).transpose()?,
        ..Default::default()
    };
    let page = state
        .reconsideration
        .cases(
            &session.0.actor,
            filter,
            super::page_request(p.page, p.per_page)?,
        )
        .await?;
    Ok(AxumJson(CasePageDto {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One case: its record, steps, clock (each due date with its explanation), documents, timeline.
#[utoipa::path(get, path = "/api/v1/reconsideration/cases/{id}", params(("id" = String, Path, description = "案件")), responses((status = 200, description = "CasePage"), (status = 404, body = super::ErrorBody)))]
pub async fn case(
    State(state): State<AppState>,
    session: ApiSession,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<CasePage>> {
    let today = kernel::time::china_today();
    Ok(AxumJson(
        state
            .reconsideration
            .case_page(&session.0.actor, &id, today)
            .await?,
    ))
}

/// An application to register.
#[derive(Deserialize, ToSchema)]
pub struct NewCaseDto {
    /// Empty: the next number of the year in the series of the existing numbers (or the setting 行政复议案件编号格式).
    #[serde(default)]
    pub number: String,
    /// `written`, `online` or `oral`.
    #[serde(default)]
    #[schema(pattern = "^(|written|online|oral)$")]
    pub channel: Option<String>,
    #[schema(pattern = "\\S")]
    pub applicant: String,
    #[serde(default)]
    pub applicant_id: String,
    #[serde(default)]
    pub third_party: String,
    #[schema(pattern = "\\S")]
    pub respondent: String,
    #[schema(pattern = "\\S")]
    pub act_category: String,
    #[serde(default)]
    pub act_description: String,
    #[serde(default)]
    pub request: String,
    /// YYYY-MM-DD.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub received_on: String,
    #[serde(default)]
    pub note: String,
}

/// Registers an application (legal-affairs staff).
#[utoipa::path(post, path = "/api/v1/reconsideration/cases", request_body = NewCaseDto, responses((status = 201, description = "Case"), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    session: ApiSession,
    Json(dto): Json<NewCaseDto>,
) -> ApiResult<(StatusCode, AxumJson<reconsideration::Case>)> {
    let new = NewCase {
        number: dto.number,
        channel: parsed("申请方式", dto.channel, Channel::parse)?,
        applicant: dto.applicant,
        applicant_id: dto.applicant_id,
        third_party: dto.third_party,
        respondent: dto.respondent,
        act_category: dto.act_category,
        act_description: dto.act_description,
        request: dto.request,
        received_on: Some(super::date(&dto.received_on, "收到申请日期")?),
        note: dto.note,
    };
    let case = state
        .reconsideration
        .register(&session.0.actor, new)
        .await?;
    Ok((StatusCode::CREATED, AxumJson(case)))
}

/// A step of a case.
#[derive(Deserialize, ToSchema)]
pub struct StepDto {
    /// A step code, e.g. `accept`, `copy_sent`, `investigation`, `conclude`.
    #[schema(
        pattern = "^(correction_notice|corrected|accept|not_accept|copy_sent|reply|investigation|hearing_notice|hearing|committee|mediation|suspend|resume|extend|procedure_change|conclude|opinion_letter|opinion_report|recommendation_letter|publish)$"
    )]
    pub kind: String,
    /// YYYY-MM-DD.
    #[schema(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub staff: Vec<String>,
    /// The hearing's date on a `hearing_notice`.
    #[serde(default)]
    #[schema(format = Date)]
    pub date: Option<String>,
    /// 延长: the days (a whole number; 30 at most).
    #[serde(default, deserialize_with = "whole_days")]
    #[schema(minimum = 1, maximum = 30)]
    pub days: Option<u32>,
    #[serde(default)]
    pub approved_by: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    #[schema(pattern = "^(|ordinary|simplified)$")]
    pub procedure: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(|on_the_spot|warning|small_amount|disclosure|agreed)$")]
    pub ground: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(|decision|mediation|withdrawal|termination)$")]
    pub method: Option<String>,
    #[serde(default)]
    #[schema(
        pattern = "^(|uphold|reject_request|dismiss|set_aside|partly_set_aside|vary|unlawful|perform|void)$"
    )]
    pub decision_type: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(|after_mediation|after_correction|voluntary)$")]
    pub withdrawal_reason: Option<String>,
}

/// Records a step; a refusal names its rule and article (`rule_violation`).
#[utoipa::path(post, path = "/api/v1/reconsideration/cases/{id}/steps", params(("id" = String, Path, description = "案件")), request_body = StepDto, responses((status = 200, description = "Case"), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    session: ApiSession,
    Path(id): Path<String>,
    Json(dto): Json<StepDto>,
) -> ApiResult<AxumJson<reconsideration::Case>> {
    let kind = parsed("办理环节", Some(dto.kind), StepKind::parse)?
        .ok_or_else(|| WebError::invalid("缺少办理环节"))?;
    let mut req = StepRequest::new(kind, super::date(&dto.on, "日期")?).text(dto.text);
    req.staff = dto.staff;
    req.date = dto
        .date
        .filter(|d| !d.trim().is_empty())
        .map(|d| super::date(&d, "日期"))
        .transpose()?;
    req.days = dto.days;
    req.approved_by = dto.approved_by;
    req.number = dto.number;
    req.procedure = parsed("适用程序", dto.procedure, Procedure::parse)?;
    req.ground = parsed("简易程序理由", dto.ground, SimplifiedGround::parse)?;
    req.method = parsed("结案方式", dto.method, Method::parse)?;
    req.decision_type = parsed("决定类型", dto.decision_type, DecisionType::parse)?;
    req.withdrawal_reason = parsed("撤回原因", dto.withdrawal_reason, WithdrawalReason::parse)?;
    Ok(AxumJson(
        state
            .reconsideration
            .record_step(&session.0.actor, &id, req)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    #[param(minimum = 1949, maximum = 9998)]
    year: i32,
}

/// The year's figures, as `fazhi stats reconsideration --year Y --json` prints them, and their
/// definitions under the current settings.
#[derive(Serialize, ToSchema)]
pub struct StatsDto {
    #[schema(value_type = Object)]
    pub figures: reconsideration::ReconsiderationStats,
    #[schema(value_type = Vec<Object>)]
    pub definitions: Vec<reconsideration::Definition>,
}

/// The year's figures within the caller's scope.
#[utoipa::path(get, path = "/api/v1/reconsideration/stats", params(StatsParams), responses((status = 200, body = StatsDto)))]
pub async fn stats(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<AxumJson<StatsDto>> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ReadRecords,
            "reconsideration_stats",
            &p.year.to_string(),
        )
        .await?;
    let org = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
    };
    Ok(AxumJson(StatsDto {
        figures: state
            .reconsideration
            .stats(super::year(p.year)?, org.as_ref())
            .await?,
        definitions: state.reconsideration.definitions().await?,
    }))
}

/// A whole number of days, written as JSON allows a whole number to be (`30` or `30.0`).
fn whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let n: Option<f64> = serde::Deserialize::deserialize(d)?;
    n.map(|n| {
        if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
            Ok(n as u32)
        } else {
            Err(serde::de::Error::custom("天数应为整数"))
        }
    })
    .transpose()
}
