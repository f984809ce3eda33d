//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.
//!
//! The API uses the same session as the pages; a request that changes something sends the
//! session's CSRF token (from `GET /api/v1/me`) in the `X-CSRF-Token` header.

mod attachments;
mod calendar;
mod enforcement;
mod laws;
mod orgs;
mod platform_api;
mod power;
mod reconsideration;
mod report;

use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::gate::{self, Need};
use kernel::Permission;

/// A page of a list as the API documents it: `page` from 1, `per_page` from 1 to 200; a value
/// outside is refused (not quietly changed), so the answer is always the page asked for.
pub(crate) fn page_request(
    page: Option<u32>,
    per_page: Option<u32>,
) -> Result<platform::PageRequest, ApiError> {
    if page == Some(0) {
        return Err(ApiError(WebError::invalid("页码从1开始")));
    }
    if page.is_some_and(|p| p > i32::MAX as u32) {
        return Err(ApiError(WebError::invalid("页码过大")));
    }
    if per_page.is_some_and(|n| !(1..=200).contains(&n)) {
        return Err(ApiError(WebError::invalid("每页条数应为1–200")));
    }
    Ok(platform::PageRequest::new(page, per_page))
}

/// A date the API was sent, as its schema says: `YYYY-MM-DD` (an empty text is not a date here;
/// the pages' forms take an empty date as today, the API does not guess).
pub(crate) fn date(text: &str, what: &str) -> Result<chrono::NaiveDate, WebError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::invalid(format!("{what}“{text}”不是有效日期，应为 YYYY-MM-DD")))
}

/// A year the API was sent: 1949 to 9998, as documented.
pub(crate) fn year(year: i32) -> Result<i32, WebError> {
    if (1949..=9998).contains(&year) {
        Ok(year)
    } else {
        Err(WebError::invalid(format!(
            "年份{year}无效，应在1949至9998之间"
        )))
    }
}

/// Path parameters for API handlers: a malformed one is a JSON 400, like every other refusal.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for ApiPath<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(ApiError(WebError::invalid(format!(
                "路径参数有误：{}",
                e.body_text()
            )))),
        }
    }
}

pub fn routes(state: AppState) -> Router<AppState> {
    // Who may use each route (see `gate`): checked before the request's query, form or file is read.
    let g = |need: Need| axum::middleware::from_fn_with_state((state.clone(), need), gate::check);
    Router::new()
        .route("/me", get(platform_api::me))
        .route(
            "/orgs",
            get(orgs::list).merge(
                post(orgs::create).route_layer(g(Need::Can(Permission::ManageOrganisations))),
            ),
        )
        .route("/orgs/{id}", get(orgs::get))
        .route(
            "/users",
            get(platform_api::users).route_layer(g(Need::ACCOUNTS)),
        )
        .route(
            "/audit/events",
            get(platform_api::audit_events).route_layer(g(Need::Can(Permission::ReadAudit))),
        )
        .route("/todo", get(platform_api::todo))
        .route("/calendar/days/{date}", get(calendar::day))
        .route("/calendar/deadline", get(calendar::deadline))
        .route("/validate", post(calendar::validate))
        .route("/laws/search", get(laws::search))
        .route("/laws/cite", get(laws::cite))
        .route("/power/items", get(power::items).route_layer(g(Need::READ)))
        .route(
            "/attachments/{holder}/{id}",
            get(attachments::list)
                .route_layer(g(Need::READ))
                .merge(post(attachments::upload).route_layer(g(Need::WRITE)))
                .layer(axum::extract::DefaultBodyLimit::max(
                    platform::ATTACHMENT_MAX_BYTES + 1024 * 1024,
                )),
        )
        .route(
            "/attachments/{holder}/{id}/{attachment}",
            get(attachments::download).route_layer(g(Need::READ)),
        )
        .route("/power/stats", get(power::stats).route_layer(g(Need::READ)))
        .route(
            "/reconsideration/cases",
            get(reconsideration::cases)
                .route_layer(g(Need::READ))
                .merge(post(reconsideration::register).route_layer(g(Need::LEGAL))),
        )
        .route(
            "/reconsideration/cases/{id}",
            get(reconsideration::case).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/cases/{id}/steps",
            post(reconsideration::step).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/reconsideration/stats",
            get(reconsideration::stats).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/cases",
            get(enforcement::cases).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/cases/{id}",
            get(enforcement::case).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/cases/{id}/steps",
            post(enforcement::step).route_layer(g(Need::WRITE)),
        )
        .route(
            "/enforcement/bodies",
            get(enforcement::bodies).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/officers",
            get(enforcement::officers).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/stats",
            get(enforcement::stats).route_layer(g(Need::READ)),
        )
        .route(
            "/report/{year}",
            get(report::report).route_layer(g(Need::READ)),
        )
        .route(
            "/report/{year}/figures/{key}",
            get(report::records).route_layer(g(Need::READ)),
        )
        .fallback(|| async { ApiError(WebError::not_found()) })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "fazhi 法治政府建设管理平台 API",
        description = "会话 Cookie 认证；修改数据的请求须带 X-CSRF-Token 头。错误统一为 {\"error\": {\"code\", \"message\"}}。"
    ),
    paths(
        platform_api::me,
        platform_api::users,
        platform_api::audit_events,
        platform_api::todo,
        orgs::list,
        orgs::get,
        orgs::create,
        calendar::day,
        calendar::deadline,
        calendar::validate,
        laws::search,
        laws::cite,
        power::items,
        power::stats,
        attachments::list,
        attachments::upload,
        attachments::download,
        reconsideration::cases,
        reconsideration::case,
        reconsideration::register,
        reconsideration::step,
        reconsideration::stats,
        enforcement::cases,
        enforcement::case,
        enforcement::step,
        enforcement::bodies,
        enforcement::officers,
        enforcement::stats,
        report::report,
        report::records,
    ),
    components(schemas(
        platform_api::MeDto,
        platform_api::TodoDto,
        platform_api::UserDto,
        platform_api::UserPage,
        platform_api::EventDto,
        orgs::OrgDto,
        orgs::NewOrgDto,
        calendar::DayDto,
        calendar::DeadlineDto,
        calendar::ValidateRequest,
        calendar::ValidateResponse,
        laws::HitDto,
        laws::SearchDto,
        laws::CitationDto,
        attachments::AttachmentDto,
        power::ItemDto,
        power::ItemPageDto,
        reconsideration::CasePageDto,
        reconsideration::NewCaseDto,
        reconsideration::StepDto,
        reconsideration::StatsDto,
        enforcement::EnforcementCasePageDto,
        crate::html::enforcement::workflow::StepForm,
        enforcement::EnforcementStatsDto,
        enforcement::FigureDefinitionDto,
        report::ReportDto,
        report::RecordsDto,
        ErrorBody,
        ErrorDto,
    ))
)]
struct ApiDoc;

/// `{"error": {...}}`
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDto,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorDto {
    /// A stable code from the error table, e.g. `out_of_scope`.
    code: String,
    /// What went wrong, in Chinese.
    message: String,
}

pub async fn openapi() -> impl IntoResponse {
    Json(document())
}

/// The OpenAPI document, with the answers every operation may give beside its own: 400 (the
/// request is malformed or a value is refused, the message says which), 401 (not signed in), 403
/// (the account may not, or the record is outside its scope), 404 for a record named in the
/// path, and 409/413/422 for what a POST may meet (a duplicate, a body over the limit, a named
/// rule). Every error body is `ErrorBody`.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let error = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        })
    };
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(|r| r.as_object_mut())
                else {
                    continue;
                };
                let mut add = |code: &str, description: &str| {
                    responses
                        .entry(code.to_string())
                        .or_insert_with(|| error(description));
                };
                add(
                    "400",
                    "请求有误：格式不对，或某项的值不被接受（message 说明是哪一项、为什么）",
                );
                add("401", "未登录");
                add("403", "无权操作，或记录超出管辖范围");
                if path.contains('{') {
                    add("404", "路径所指的记录不存在");
                }
                if method == "post" {
                    add("409", "与已有记录冲突");
                    add("413", "提交的内容过大");
                    add("422", "违反业务规则（message 写明规则和条款）");
                }
            }
        }
    }
    doc
}
