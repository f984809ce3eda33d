//! Login, logout and one's own password.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use platform::Error;
use serde::Deserialize;

use super::{Layout, render};
use crate::error::{PageError, PageResult};
use crate::extract::{Form, Query, Source};
use crate::session::Session;
use crate::{AppState, cookie};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    bye: Option<String>,
}

/// Only paths on this site: never a redirect elsewhere. Browsers drop tabs and line breaks from
/// an address (`/\t/evil.example` is `//evil.example` to them), and a header cannot carry a control
/// character (`/\r/x` failed the redirect after the session was made), so a path with any
/// whitespace, control character or backslash goes to the start page; characters outside ASCII
/// are percent-encoded.
fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".into();
    };
    let unsafe_char = |c: char| c.is_whitespace() || c.is_control() || c == '\\';
    if !n.starts_with('/') || n.starts_with("//") || n.chars().any(unsafe_char) {
        return "/".into();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site_and_makes_a_valid_header() {
        for off in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/x",
            "/ /evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
        ] {
            assert_eq!(safe_next(Some(off)), "/", "{off:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(
            safe_next(Some("/reconsideration?year=2020")),
            "/reconsideration?year=2020"
        );
        let chinese = safe_next(Some("/laws?q=民法典"));
        assert_eq!(chinese, "/laws?q=%E6%B0%91%E6%B3%95%E5%85%B8");
        assert!(axum::http::HeaderValue::from_str(&chinese).is_ok());
    }
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> PageResult<Response> {
    if let Some(token) = cookie::get(&headers, cookie::SESSION)
        && state.platform.session(&token).await.is_ok()
    {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let csrf = cookie::get(&headers, cookie::CSRF).unwrap_or_else(kernel::crypto::random_token);
    let mut layout = Layout::public("登录");
    layout.csrf = csrf.clone();
    if q.bye.is_some() {
        layout.notice = Some("您已安全退出。".into());
    }
    let page = render(LoginPage {
        layout,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })?;
    let set = cookie::set(
        cookie::CSRF,
        &csrf,
        None,
        "Strict",
        state.config.secure_cookies,
    );
    Ok(([set], page).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    Source(source): Source,
    Form(form): Form<LoginForm>,
) -> PageResult<Response> {
    match state
        .platform
        .login(&form.username, &form.password, &source)
        .await
    {
        Ok(done) => {
            let target = if done.session.must_change_password {
                "/account/password".to_string()
            } else {
                safe_next(form.next.as_deref())
            };
            let set = cookie::set(
                cookie::SESSION,
                &done.token,
                None,
                "Lax",
                state.config.secure_cookies,
            );
            Ok(([set], Redirect::to(&target)).into_response())
        }
        Err(e @ (Error::LoginFailed | Error::Locked { .. } | Error::Disabled)) => {
            let status =
                StatusCode::from_u16(e.code().http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            let mut layout = Layout::public("登录");
            layout.csrf = form.csrf;
            let page = render(LoginPage {
                layout,
                next: safe_next(form.next.as_deref()),
                username: form.username,
                error: Some(e.to_string()),
            })?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(PageError::from(e)),
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> PageResult<Response> {
    if let Some(token) = cookie::get(&headers, cookie::SESSION) {
        state.platform.logout(&token).await?;
    }
    let clear = cookie::set(
        cookie::SESSION,
        "",
        Some(0),
        "Lax",
        state.config.secure_cookies,
    );
    Ok(([clear], Redirect::to("/login?bye=1")).into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    /// Who reset the password and when, if another account did.
    reset: Option<String>,
    policy: String,
    error: Option<String>,
}

async fn password_page_with(
    state: &AppState,
    session: &Session,
    error: Option<String>,
) -> PageResult<PasswordPage> {
    let policy = state.platform.password_policy().await?;
    let reset = if session.0.must_change_password {
        state
            .platform
            .password_reset_by_another(&session.0.actor)
            .await?
    } else {
        None
    };
    Ok(PasswordPage {
        layout: Layout::staff(&session.0, "修改密码", ""),
        must_change: session.0.must_change_password,
        reset,
        policy,
        error,
    })
}

pub async fn password_page(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    render(password_page_with(&state, &session, None).await?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    old: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Form(form): Form<PasswordForm>,
) -> PageResult<Response> {
    let result = if form.new != form.confirm {
        Err(Error::Password("两次输入的新密码不一致".into()))
    } else {
        let this_session = cookie::get(&headers, cookie::SESSION);
        state
            .platform
            .change_own_password(
                &session.0.actor,
                &form.old,
                &form.new,
                this_session.as_deref(),
            )
            .await
    };
    match result {
        Ok(()) => Ok(Redirect::to("/?ok=password").into_response()),
        Err(e @ Error::Password(_)) => {
            let page = render(password_page_with(&state, &session, Some(e.to_string())).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
