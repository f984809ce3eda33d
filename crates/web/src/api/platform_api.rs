//! The current user, accounts and the audit log.

use axum::Json;
use axum::extract::State;
use kernel::ids::OrgId;
use platform::EventFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::ApiQuery;
use crate::session::ApiSession;

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub display_name: String,
    /// Role code, e.g. `legal_affairs`.
    pub role: String,
    pub role_label: String,
    pub org_id: String,
    pub org_name: String,
    /// Send back in `X-CSRF-Token` on POST requests.
    pub csrf_token: String,
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = super::ErrorBody)))]
pub async fn me(ApiSession(session): ApiSession) -> ApiResult<Json<MeDto>> {
    let (username, display_name) = match &session.actor.kind {
        platform::ActorKind::User {
            username,
            display_name,
            ..
        } => (username.clone(), display_name.clone()),
        platform::ActorKind::Cli { os_user } => (os_user.clone(), os_user.clone()),
    };
    let role = session
        .actor
        .role
        .ok_or_else(|| WebError::invalid("无角色"))?;
    Ok(Json(MeDto {
        username,
        display_name,
        role: role.code().into(),
        role_label: role.label().into(),
        org_id: session
            .actor
            .org_id
            .as_ref()
            .map(|o| o.to_string())
            .unwrap_or_default(),
        org_name: session.org_name,
        csrf_token: session.csrf_token,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub org_id: String,
    pub org_name: String,
    pub role: String,
    /// Masked: 138****0001.
    pub phone: Option<String>,
    pub disabled: bool,
    pub locked_until: Option<String>,
    pub must_change_password: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// From 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1 to 200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    org: Option<String>,
    /// The order: username, name, org or role; `-` before it for descending (`-name`).
    sort: Option<String>,
}

/// Accounts in the administrator's scope, one page at a time.
#[utoipa::path(get, path = "/api/v1/users", params(UsersQuery), responses((status = 200, body = UserPage), (status = 403, body = super::ErrorBody)))]
pub async fn users(
    State(state): State<AppState>,
    ApiSession(session): ApiSession,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> ApiResult<Json<UserPage>> {
    let filter = platform::UserFilter {
        org: q.org.map(OrgId::from_stored),
        sort: q.sort.as_deref().and_then(crate::html::sort_of),
    };
    let page = state
        .platform
        .users(
            &session.actor,
            super::page_request(q.page, q.per_page)?,
            &filter,
        )
        .await?;
    Ok(Json(UserPage {
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        items: page
            .items
            .into_iter()
            .map(|u| UserDto {
                id: u.id.to_string(),
                username: u.username,
                display_name: u.display_name,
                org_id: u.org_id.to_string(),
                org_name: u.org_name,
                role: u.role.code().into(),
                phone: u.phone_masked,
                disabled: u.disabled,
                locked_until: u.locked_until,
                must_change_password: u.must_change_password,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct EventDto {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub org_id: Option<String>,
    pub record_type: String,
    pub record_id: String,
    pub action: String,
    pub source: String,
    /// The changed fields as canonical JSON.
    pub changes: String,
    /// SM3(previous hash ‖ canonical bytes), hex.
    pub hash: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    actor: Option<String>,
    record_type: Option<String>,
    record_id: Option<String>,
    action: Option<String>,
    /// China date, inclusive.
    from: Option<String>,
    to: Option<String>,
    /// Events before this sequence number (the next page).
    before: Option<i64>,
    limit: Option<u32>,
}

/// Audit events, newest first (audit administrators only).
#[utoipa::path(get, path = "/api/v1/audit/events", params(EventsQuery), responses((status = 200, body = [EventDto]), (status = 403, body = super::ErrorBody)))]
pub async fn audit_events(
    State(state): State<AppState>,
    ApiSession(session): ApiSession,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<Vec<EventDto>>> {
    let date = |s: Option<String>| {
        s.filter(|s| !s.is_empty())
            .map(|d| kernel::time::parse_date(&d).map_err(WebError::invalid))
            .transpose()
    };
    let filter = EventFilter {
        actor: q.actor,
        record_type: q.record_type,
        record_id: q.record_id,
        action: q.action,
        from: date(q.from)?,
        to: date(q.to)?,
        before: q.before,
        limit: q.limit.unwrap_or(50),
        ..Default::default()
    };
    let events = state.platform.audit_events(&session.actor, filter).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| EventDto {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                org_id: e.org_id,
                record_type: e.record_type,
                record_id: e.record_id,
                action: e.action,
                source: e.source,
                changes: e.changes,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// How many things wait for the signed-in user, in all and by menu entry (the 工作台's list).
#[derive(Serialize, ToSchema)]
pub struct TodoDto {
    pub total: usize,
    /// By menu entry: dashboard, power, reconsideration, mediation, report, calendar, users.
    pub by_module: std::collections::BTreeMap<String, usize>,
}

/// The counts of the user's to-do list, shown beside the menu.
#[utoipa::path(get, path = "/api/v1/todo", responses((status = 200, body = TodoDto), (status = 401, body = super::ErrorBody)))]
pub async fn todo(State(state): State<AppState>, session: ApiSession) -> ApiResult<Json<TodoDto>> {
    let tasks = crate::html::dashboard::todo(&state, &session.0.actor, kernel::time::china_today())
        .await
        .map_err(|e| e.0)?;
    let mut by_module = std::collections::BTreeMap::new();
    for t in tasks.iter() {
        if t.count > 0 {
            *by_module.entry(t.module.to_string()).or_insert(0) += t.count;
        }
    }
    Ok(Json(TodoDto {
        total: by_module.values().sum(),
        by_module,
    }))
}
