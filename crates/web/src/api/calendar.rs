//! The working-day calendar and identifier validation.

use axum::Json as AxumJson;
use axum::extract::{Path, State};
use kernel::calendar::{DayKind, PeriodUnit};
use kernel::{DivisionCode, DocNumber, IdNumber, Uscc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::{ApiQuery, Json};
use crate::session::ApiSession;

#[derive(Serialize, ToSchema)]
pub struct DayDto {
    pub date: String,
    pub workday: bool,
    /// workday / weekend / holiday / make_up_workday
    pub kind: String,
    pub holiday: Option<String>,
}

/// Whether a date is a workday. A date in a year without a known holiday notice: 422.
#[utoipa::path(get, path = "/api/v1/calendar/days/{date}", params(("date" = chrono::NaiveDate, Path, description = "YYYY-MM-DD")), responses((status = 200, body = DayDto), (status = 422, body = super::ErrorBody)))]
pub async fn day(
    State(state): State<AppState>,
    _session: ApiSession,
    Path(date): Path<String>,
) -> ApiResult<AxumJson<DayDto>> {
    let date = kernel::time::parse_date(&date).map_err(WebError::invalid)?;
    let calendar = state.platform.calendar().await?;
    let kind = calendar.day(date).map_err(platform::Error::from)?;
    let workday = calendar.is_workday(date).map_err(platform::Error::from)?;
    let (kind, holiday) = match kind {
        DayKind::Workday => ("workday", None),
        DayKind::Weekend => ("weekend", None),
        DayKind::Holiday(n) => ("holiday", Some(n.to_string())),
        DayKind::MakeUpWorkday(n) => ("make_up_workday", Some(n.to_string())),
    };
    Ok(AxumJson(DayDto {
        date: date.to_string(),
        workday,
        kind: kind.into(),
        holiday,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// YYYY-MM-DD; the start day itself is not counted.
    #[param(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    start: String,
    #[param(minimum = 1, maximum = 36500)]
    count: u32,
    /// workdays or days
    #[param(pattern = "^(workdays|days)$")]
    unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineDto {
    pub start: String,
    pub count: u32,
    pub unit: String,
    pub due: String,
    /// For calendar days: the last day before it moved past rest days.
    pub rolled_from: Option<String>,
    /// How the deadline was computed, in Chinese.
    pub explanation: String,
}

/// A deadline and how it was computed.
#[utoipa::path(get, path = "/api/v1/calendar/deadline", params(DeadlineQuery), responses((status = 200, body = DeadlineDto), (status = 400, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn deadline(
    State(state): State<AppState>,
    _session: ApiSession,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> ApiResult<AxumJson<DeadlineDto>> {
    let start = kernel::time::parse_date(&q.start).map_err(WebError::invalid)?;
    let unit = PeriodUnit::parse(&q.unit).map_err(|e| WebError::invalid(e.to_string()))?;
    let calendar = state.platform.calendar().await?;
    let d = calendar
        .add(start, q.count, unit)
        .map_err(platform::Error::from)?;
    Ok(AxumJson(DeadlineDto {
        start: d.start.to_string(),
        count: d.count,
        unit: d.unit.to_string(),
        due: d.due.to_string(),
        rolled_from: d.rolled_from.map(|r| r.to_string()),
        explanation: d.explain(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ValidateRequest {
    /// uscc, id, division or doc_number
    #[schema(pattern = "^(uscc|id|division|doc_number)$")]
    pub kind: String,
    pub value: String,
}

#[derive(Serialize, ToSchema)]
pub struct ValidateResponse {
    pub valid: bool,
    /// The normalised value when valid (lower-case x → X, full-width → ASCII).
    pub normalized: Option<String>,
    pub reason: Option<String>,
}

/// Validates an identifier. Sent as POST so that ID numbers never appear in URLs or logs.
#[utoipa::path(post, path = "/api/v1/validate", request_body = ValidateRequest, responses((status = 200, body = ValidateResponse), (status = 400, body = super::ErrorBody)))]
pub async fn validate(
    _session: ApiSession,
    Json(req): Json<ValidateRequest>,
) -> ApiResult<AxumJson<ValidateResponse>> {
    let result: Result<String, kernel::IdentifierError> = match req.kind.as_str() {
        "uscc" => Uscc::parse(&req.value).map(|v| v.to_string()),
        "id" => IdNumber::parse(&req.value).map(|v| v.to_string()),
        "division" => DivisionCode::parse(&req.value).map(|v| v.to_string()),
        "doc_number" => DocNumber::parse(&req.value).map(|v| v.to_string()),
        other => {
            return Err(WebError::invalid(format!(
                "未知的标识类型“{other}”（可选：uscc、id、division、doc_number）"
            ))
            .into());
        }
    };
    Ok(AxumJson(match result {
        Ok(normalized) => ValidateResponse {
            valid: true,
            normalized: Some(normalized),
            reason: None,
        },
        Err(e) => ValidateResponse {
            valid: false,
            normalized: None,
            reason: Some(e.to_string()),
        },
    }))
}
