//! 年度报告 over JSON: the caller's report of a year as it reads now (sections of text and
//! figures, each figure with its definition) with the check, and the records behind a figure.

use axum::Json as AxumJson;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::session::ApiSession;

/// A report (`report::AnnualReport`) and what the check found (`report::Finding`).
#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    #[schema(value_type = Object)]
    pub report: report::AnnualReport,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<report::Finding>,
}

/// The caller's report of `year` as it reads now.
#[utoipa::path(get, path = "/api/v1/report/{year}", params(("year" = i32, Path, description = "报告年度", minimum = 1949, maximum = 9998)), responses((status = 200, body = ReportDto)))]
pub async fn report(
    State(state): State<AppState>,
    session: ApiSession,
    super::ApiPath(year): super::ApiPath<i32>,
) -> ApiResult<AxumJson<ReportDto>> {
    let actor = &session.0.actor;
    Ok(AxumJson(ReportDto {
        report: state
            .report
            .draft(actor, year, kernel::time::china_today())
            .await?,
        findings: state.report.check(actor, year).await?,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// From 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1 to 200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// A figure and a page of the records behind it.
#[derive(Serialize, ToSchema)]
pub struct RecordsDto {
    #[schema(value_type = Object)]
    pub figure: report::Figure,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<kernel::figures::RecordRef>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The records behind a figure of the caller's report (`reconsideration.direct_corrections`).
#[utoipa::path(get, path = "/api/v1/report/{year}/figures/{key}", params(("year" = i32, Path, description = "报告年度", minimum = 1949, maximum = 9998), ("key" = String, Path, description = "数据项"), RecordParams), responses((status = 200, body = RecordsDto)))]
pub async fn records(
    State(state): State<AppState>,
    session: ApiSession,
    super::ApiPath((year, key)): super::ApiPath<(i32, String)>,
    ApiQuery(p): ApiQuery<RecordParams>,
) -> ApiResult<AxumJson<RecordsDto>> {
    let (figure, page) = state
        .report
        .records_behind(
            &session.0.actor,
            year,
            &key,
            super::page_request(p.page, p.per_page)?,
        )
        .await?;
    Ok(AxumJson(RecordsDto {
        figure,
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
