//! The web boundary's one error type, answered as a Chinese page or as JSON.
//!
//! Every refusal carries a stable code from `kernel::ErrorCode`. Internal errors are logged in
//! English with their detail and answered without it.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kernel::ErrorCode;
use ledger::RowError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct WebError {
    pub code: ErrorCode,
    pub message: String,
    /// The rows of a refused ledger.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
}

impl WebError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> WebError {
        WebError {
            code,
            message: message.into(),
            rows: Vec::new(),
        }
    }

    pub fn not_found() -> WebError {
        WebError::new(ErrorCode::NotFound, "您访问的页面不存在")
    }

    pub fn invalid(message: impl Into<String>) -> WebError {
        WebError::new(ErrorCode::InvalidInput, message)
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<platform::Error> for WebError {
    fn from(e: platform::Error) -> Self {
        let code = e.code();
        match e {
            platform::Error::Rejected(rejected) => WebError {
                code,
                message: format!(
                    "{}行有错误，未导入任何数据",
                    ledger::distinct_lines(&rejected.errors)
                ),
                rows: rejected.errors,
            },
            other if code == ErrorCode::Internal || code == ErrorCode::DatabaseUnavailable => {
                tracing::error!(error = %other, "request failed");
                WebError::new(code, "系统内部错误，请稍后再试或联系系统管理员")
            }
            other => WebError::new(code, other.to_string()),
        }
    }
}

impl From<laws::Error> for WebError {
    fn from(e: laws::Error) -> Self {
        match e {
            laws::Error::Platform(p) => p.into(),
            laws::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<power::Error> for WebError {
    fn from(e: power::Error) -> Self {
        match e {
            power::Error::Platform(p) => p.into(),
            power::Error::Laws(l) => l.into(),
            power::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<reconsideration::Error> for WebError {
    fn from(e: reconsideration::Error) -> Self {
        match e {
            reconsideration::Error::Platform(p) => p.into(),
            reconsideration::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<mediation::Error> for WebError {
    fn from(e: mediation::Error) -> Self {
        match e {
            mediation::Error::Platform(p) => p.into(),
            mediation::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<enforcement::Error> for WebError {
    fn from(e: enforcement::Error) -> Self {
        match e {
            enforcement::Error::Platform(p) => p.into(),
            enforcement::Error::Power(p) => p.into(),
            enforcement::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<report::Error> for WebError {
    fn from(e: report::Error) -> Self {
        match e {
            report::Error::Platform(p) => p.into(),
            report::Error::Power(p) => p.into(),
            report::Error::Reconsideration(r) => r.into(),
            report::Error::Mediation(m) => m.into(),
            report::Error::Enforcement(e) => e.into(),
            report::Error::Db(d) => platform::Error::Db(d).into(),
            other => WebError::new(other.code(), other.to_string()),
        }
    }
}

impl From<kernel::calendar::CalendarError> for WebError {
    fn from(e: kernel::calendar::CalendarError) -> Self {
        WebError::invalid(e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    rows: &'a [RowError],
    status: u16,
}

/// A page handler's error: the Chinese error page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let page = ErrorPage {
            title: self.0.code.title(),
            message: &self.0.message,
            rows: &self.0.rows,
            status: status.as_u16(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, self.0.message).into_response()
            }
        }
    }
}

/// An API handler's error: `{"error": {"code", "message", "rows"?}}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0.status(),
            Json(serde_json::json!({ "error": self.0 })),
        )
            .into_response()
    }
}

/// A panic inside a handler: logged, answered with 500, the server goes on.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    PageError(WebError::new(
        ErrorCode::Internal,
        "系统内部错误，请稍后再试或联系系统管理员",
    ))
    .into_response()
}

pub type PageResult<T> = Result<T, PageError>;
pub type ApiResult<T> = Result<T, ApiError>;
