//! Request extractors whose rejections are fazhi's own errors (Chinese message, stable code),
//! never axum's plain-text defaults.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use kernel::ErrorCode;
use serde::de::DeserializeOwned;

use crate::BODY_LIMIT;
use crate::error::{ApiError, PageError, WebError};

fn rejection(status: axum::http::StatusCode, text: String) -> WebError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::new(ErrorCode::PayloadTooLarge, "提交的内容过大")
    } else {
        WebError::new(
            ErrorCode::MalformedBody,
            format!("提交的内容格式有误：{text}"),
        )
    }
}

/// Reads a body (up to [`BODY_LIMIT`]) and refuses it when one of the texts `texts` finds in it
/// breaks rule 文字内容 ([`kernel::text`]); otherwise gives the request back, body and all.
async fn checked<I: Iterator<Item = String>>(
    req: Request,
    texts: impl FnOnce(&[u8]) -> I,
) -> Result<Request, WebError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| WebError::new(ErrorCode::PayloadTooLarge, "提交的内容过大"))?;
    if let Some(reason) = texts(&bytes).find_map(|t| kernel::text::refusal(&t)) {
        // A well-formed request whose text breaks a named rule: 422, like any rule refusal.
        return Err(WebError::new(
            ErrorCode::RuleViolation,
            format!("提交的内容中有一项{reason}（文字内容规则）"),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A form body for page handlers; no value may break rule 文字内容.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = checked(req, |bytes| {
            form_urlencoded::parse(bytes)
                .map(|(_, v)| v.into_owned())
                .collect::<Vec<_>>()
                .into_iter()
        })
        .await
        .map_err(PageError)?;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) => Err(PageError(rejection(e.status(), e.body_text()))),
        }
    }
}

/// A JSON body for API handlers; no string in it may break rule 文字内容.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = checked(req, |bytes| {
            let mut texts = Vec::new();
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
                strings(&value, &mut texts);
            }
            texts.into_iter()
        })
        .await
        .map_err(ApiError)?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => Err(ApiError(rejection(e.status(), e.body_text()))),
        }
    }
}

/// Every string in a JSON value, keys included.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

/// A query string for page handlers; a malformed one is a 400 page, not a plain-text error.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => Err(PageError(WebError::invalid(format!(
                "查询参数有误：{}",
                e.body_text()
            )))),
        }
    }
}

/// A query string for API handlers.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError(WebError::invalid(format!(
                "查询参数有误：{}",
                e.body_text()
            )))),
        }
    }
}

/// Where a request came from, as recorded in audit events: `web 10.0.0.5`.
pub fn source(parts_extensions: &axum::http::Extensions, channel: &str) -> String {
    match parts_extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(addr)) => format!("{channel} {}", addr.ip()),
        None => channel.to_string(),
    }
}

/// The request's origin for audit events, as an extractor.
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let channel = if crate::session::requested_path(parts).starts_with("/api/") {
            "api"
        } else {
            "web"
        };
        Ok(Source(source(&parts.extensions, channel)))
    }
}
