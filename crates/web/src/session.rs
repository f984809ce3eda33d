//! Sessions and CSRF.
//!
//! [`csrf_guard`] runs before every handler: a request that changes something (POST, PUT, PATCH,
//! DELETE) must carry the CSRF token — the session's token when logged in, the `fazhi_csrf`
//! cookie's before login — in the form field `_csrf`, the query parameter `_csrf` (file uploads)
//! or the header `X-CSRF-Token` (the JSON API). There is no form that escapes it.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ErrorCode;
use platform::{Error, SessionInfo};

use crate::error::{ApiError, PageError, WebError};
use crate::{AppState, BODY_LIMIT, cookie};

/// The logged-in user of a page request. Without a session the browser goes to the login page;
/// a user who must change their password goes to that page first.
pub struct Session(pub SessionInfo);

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        let info = match resolve(parts, state).await {
            Ok(info) => info,
            Err(Error::SessionExpired) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return Err(Redirect::to(&target).into_response());
            }
            Err(e) => return Err(PageError::from(e).into_response()),
        };
        if info.must_change_password && path != "/account/password" && path != "/logout" {
            return Err(Redirect::to("/account/password").into_response());
        }
        Ok(Session(info))
    }
}

/// The logged-in user of an API request; without a session, 401.
pub struct ApiSession(pub SessionInfo);

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match resolve(parts, state).await {
            // A password set by someone else opens nothing but its own change (on the pages).
            Ok(info) if info.must_change_password => Err(ApiError(WebError::new(
                ErrorCode::Forbidden,
                "请先登录网页修改初始密码或被重置的密码，再使用接口",
            ))),
            Ok(info) => Ok(ApiSession(info)),
            Err(Error::SessionExpired) => Err(ApiError(WebError::new(
                ErrorCode::Unauthenticated,
                "请先登录",
            ))),
            Err(e) => Err(e.into()),
        }
    }
}

/// The session of a request: resolved once (the CSRF guard may already have done it).
pub(crate) async fn resolve(parts: &mut Parts, state: &AppState) -> Result<SessionInfo, Error> {
    if let Some(info) = parts.extensions.get::<SessionInfo>() {
        return Ok(info.clone());
    }
    let token = cookie::get(&parts.headers, cookie::SESSION).ok_or(Error::SessionExpired)?;
    let mut info = state.platform.session(&token).await?;
    let channel = if is_api(&requested_path(parts)) {
        "api"
    } else {
        "web"
    };
    info.actor.source = crate::extract::source(&parts.extensions, channel);
    parts.extensions.insert(info.clone());
    Ok(info)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The path the client asked for: inside the API's nested router `parts.uri` has lost its
/// `/api/v1` prefix, and an API request must still be answered as one (JSON, `api` source).
pub(crate) fn requested_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|o| o.0.path().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string())
}

/// Refuses any state-changing request without the right CSRF token.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let session_cookie = cookie::get(&parts.headers, cookie::SESSION);
    let mut stale_session = false;
    let expected = match &session_cookie {
        Some(_) => match resolve(&mut parts, &state).await {
            Ok(info) => Some(info.csrf_token),
            Err(Error::SessionExpired) => {
                stale_session = true;
                cookie::get(&parts.headers, cookie::CSRF)
            }
            Err(e) => return refuse(&parts, e.into()),
        },
        None => cookie::get(&parts.headers, cookie::CSRF),
    };
    let mut sent = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| query_field(parts.uri.query().unwrap_or(""), "_csrf"));
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let is_multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart_boundary);
    let body = if let (Some(boundary), None) = (&is_multipart, &sent) {
        // An upload form carries the token as its first field, so that it never stands in the
        // address (and the logs and history that keep addresses): read up to that field, then
        // hand the whole body on.
        let (token, body) = first_multipart_field(body, boundary, "_csrf").await;
        sent = token;
        body
    } else if is_form && sent.is_none() {
        let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => {
                return refuse(
                    &parts,
                    WebError::new(ErrorCode::PayloadTooLarge, "提交的内容过大"),
                );
            }
        };
        sent = query_field(&String::from_utf8_lossy(&bytes), "_csrf");
        Body::from(bytes)
    } else {
        body
    };
    let ok = matches!((&expected, &sent), (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()));
    if !ok {
        if stale_session && !is_api(&requested_path(&parts)) {
            return Redirect::to("/login").into_response();
        }
        tracing::warn!(path = %parts.uri.path(), "CSRF token missing or wrong");
        return refuse(
            &parts,
            WebError::new(ErrorCode::CsrfRejected, "表单已失效，请刷新页面后重新提交"),
        );
    }
    next.run(Request::from_parts(parts, body)).await
}

pub(crate) fn refuse(parts: &Parts, error: WebError) -> Response {
    if is_api(&requested_path(parts)) {
        ApiError(error).into_response()
    } else {
        PageError(error).into_response()
    }
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The most read before the first field of a multipart body must have ended.
const FIRST_FIELD_LIMIT: usize = 16 * 1024;

/// The value of the multipart body's first field when it is `name`, and the body, whole.
async fn first_multipart_field(body: Body, boundary: &str, name: &str) -> (Option<String>, Body) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut read = bytes::BytesMut::new();
    let mut value = None;
    let mut failed = None;
    while read.len() < FIRST_FIELD_LIMIT {
        match stream.next().await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
        match parse_first_field(&read, boundary, name) {
            FirstField::Found(v) => {
                value = Some(v);
                break;
            }
            FirstField::Other => break,
            FirstField::NeedMore => {}
        }
    }
    let head = futures_util::stream::iter([Ok::<_, axum::Error>(read.freeze())]);
    let tail = futures_util::stream::iter(failed.map(Err));
    (value, Body::from_stream(head.chain(tail).chain(stream)))
}

enum FirstField {
    Found(String),
    Other,
    NeedMore,
}

fn parse_first_field(read: &[u8], boundary: &str, name: &str) -> FirstField {
    let text = String::from_utf8_lossy(read);
    let opening = format!("--{boundary}\r\n");
    let Some(rest) = text.strip_prefix(opening.as_str()) else {
        return if opening.starts_with(text.as_ref()) {
            FirstField::NeedMore
        } else {
            FirstField::Other
        };
    };
    let Some((headers, after)) = rest.split_once("\r\n\r\n") else {
        return FirstField::NeedMore;
    };
    let wanted = format!("name=\"{name}\"");
    if !headers
        .lines()
        .any(|h| h.to_ascii_lowercase().starts_with("content-disposition") && h.contains(&wanted))
    {
        return FirstField::Other;
    }
    match after.split_once(&format!("\r\n--{boundary}")) {
        Some((v, _)) => FirstField::Found(v.to_string()),
        None => FirstField::NeedMore,
    }
}

fn query_field(encoded: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(encoded.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
