//! 行政执法 over JSON: the case list with its clocks, one case, the bodies, the officers, the
//! year's figures with their definitions.

use axum::Json as AxumJson;
use axum::extract::{Path, State};
use enforcement::{CaseFilter, CaseView, Decision, Procedure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::{ApiQuery, Json};
use crate::session::ApiSession;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// `simple` (简易程序) or `ordinary` (普通程序).
    #[param(pattern = "^(|simple|ordinary)$")]
    procedure: Option<String>,
    /// `penalty`, `no_penalty`, `transfer` or `withdrawn`.
    #[param(pattern = "^(|penalty|no_penalty|transfer|withdrawn)$")]
    decision: Option<String>,
    /// Penalty decisions of the ordinary procedure not yet published.
    unpublished: Option<bool>,
    /// In the number or the party.
    q: Option<String>,
    /// Opened in this year.
    #[param(minimum = 1949, maximum = 9998)]
    year: Option<i32>,
    /// From 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1 to 200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// A page of cases, each with its clocks.
#[derive(Serialize, ToSchema)]
pub struct EnforcementCasePageDto {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<CaseView>,
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

/// The penalty cases the caller reaches, newest first.
#[utoipa::path(get, path = "/api/v1/enforcement/cases", params(CaseParams), responses((status = 200, body = EnforcementCasePageDto)))]
pub async fn cases(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<CaseParams>,
) -> ApiResult<AxumJson<EnforcementCasePageDto>> {
    let filter = CaseFilter {
        procedure: parsed("适用程序", p.procedure, Procedure::parse)?,
        decision: parsed("决定类型", p.decision, Decision::parse)?,
        unpublished: p.unpublished.unwrap_or(false),
        text: p.q.filter(|q| !q.trim().is_empty()),
        year: p.year.map(super::year).transpose()?,
        org: None,
    };
    let page = state
        .enforcement
        .cases(
            &session.0.actor,
            &filter,
            super::page_request(p.page, p.per_page)?,
        )
        .await?;
    Ok(AxumJson(EnforcementCasePageDto {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One case with its clocks explained.
#[utoipa::path(get, path = "/api/v1/enforcement/cases/{id}", params(("id" = String, Path, description = "案件")), responses((status = 200, description = "CaseView"), (status = 404, body = super::ErrorBody)))]
pub async fn case(
    State(state): State<AppState>,
    session: ApiSession,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<CaseView>> {
    Ok(AxumJson(
        state.enforcement.case(&session.0.actor, &id).await?,
    ))
}

/// Records a step of a case; a refusal names its rule and article (`rule_violation`).
#[utoipa::path(post, path = "/api/v1/enforcement/cases/{id}/steps", params(("id" = String, Path, description = "案件")), request_body = crate::html::enforcement::workflow::StepForm, responses((status = 200, description = "Case"), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    session: ApiSession,
    Path(id): Path<String>,
    Json(form): Json<crate::html::enforcement::workflow::StepForm>,
) -> ApiResult<AxumJson<enforcement::Case>> {
    let req = crate::html::enforcement::workflow::step_request(&form)?;
    Ok(AxumJson(
        state
            .enforcement
            .record_step(&session.0.actor, &id, req)
            .await?,
    ))
}

/// The bodies the caller reaches, with their officers and the 5% of legal-review officers.
#[utoipa::path(get, path = "/api/v1/enforcement/bodies", responses((status = 200, description = "BodyView[]")))]
pub async fn bodies(
    State(state): State<AppState>,
    session: ApiSession,
) -> ApiResult<AxumJson<Vec<enforcement::BodyView>>> {
    Ok(AxumJson(state.enforcement.bodies(&session.0.actor).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfficerParams {
    /// Only certificates ending within the warning months, or ended.
    expiring: Option<bool>,
}

/// The officers the caller reaches, with their certificates' standing.
#[utoipa::path(get, path = "/api/v1/enforcement/officers", params(OfficerParams), responses((status = 200, description = "OfficerView[]")))]
pub async fn officers(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<OfficerParams>,
) -> ApiResult<AxumJson<Vec<enforcement::OfficerView>>> {
    Ok(AxumJson(
        state
            .enforcement
            .officers(&session.0.actor, p.expiring.unwrap_or(false))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    #[param(minimum = 1949, maximum = 9998)]
    year: i32,
}

/// The year's figures, as `fazhi stats enforcement --year Y --json` prints them, with their
/// definitions.
#[derive(Serialize, ToSchema)]
pub struct EnforcementStatsDto {
    #[schema(value_type = Object)]
    pub figures: enforcement::EnforcementStats,
    pub definitions: Vec<FigureDefinitionDto>,
}

/// A figure's key and how it is counted.
#[derive(Serialize, ToSchema)]
pub struct FigureDefinitionDto {
    pub key: &'static str,
    pub definition: &'static str,
}

/// The year's figures within the caller's scope.
#[utoipa::path(get, path = "/api/v1/enforcement/stats", params(StatsParams), responses((status = 200, body = EnforcementStatsDto)))]
pub async fn stats(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<AxumJson<EnforcementStatsDto>> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ReadRecords,
            "enforcement_stats",
            &p.year.to_string(),
        )
        .await?;
    let org = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
    };
    Ok(AxumJson(EnforcementStatsDto {
        figures: state
            .enforcement
            .stats(super::year(p.year)?, org.as_ref())
            .await?,
        definitions: enforcement::DEFINITIONS
            .iter()
            .map(|(key, definition)| FigureDefinitionDto { key, definition })
            .collect(),
    }))
}
