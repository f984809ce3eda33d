//! 用户管理: accounts, roles, passwords and locks.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ids::{OrgId, UserId};
use kernel::{Permission, Role};
use platform::PageRequest;
use platform::{Actor, NewUser, User};
use serde::Deserialize;

use super::{Choice, Layout, Pager, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Query};
use crate::session::Session;

/// The roles this actor may give: business roles for the system administrator, administrator
/// roles for the security administrator.
fn grantable(actor: &Actor, selected: Option<Role>) -> Vec<Choice> {
    Role::ALL
        .iter()
        .filter(|r| {
            actor.can(if r.is_admin() {
                Permission::GrantAdminRoles
            } else {
                Permission::ManageUsers
            })
        })
        .map(|r| Choice {
            value: r.code().into(),
            label: r.label().into(),
            selected: Some(*r) == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    layout: Layout,
    users: Vec<User>,
    pager: Pager,
    can_create: bool,
    org_filter: Option<String>,
    form: ListQuery,
    headers: Vec<super::SortHeader>,
    sizes: Vec<Choice>,
}

/// The user list's sortable columns.
const SORTABLE: &[(&str, &str)] = &[
    ("username", "用户名"),
    ("name", "姓名"),
    ("org", "机构"),
    ("role", "角色"),
];

/// The list's default page size.
const PER_PAGE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<u32>,
    per: Option<u32>,
    #[serde(default)]
    org: String,
    #[serde(default)]
    sort: String,
    ok: Option<String>,
}

impl ListQuery {
    /// The query of the filter and page size alone (for the sortable headers), ending in `&`.
    fn filters(&self) -> String {
        let mut s = String::new();
        if !self.org.is_empty() {
            s.push_str(&format!("org={}&", super::urlencode(&self.org)));
        }
        if let Some(per) = self.per {
            s.push_str(&format!("per={per}&"));
        }
        s
    }

    /// The query without the page (for the pager).
    fn base(&self) -> String {
        let mut s = self.filters();
        if !self.sort.is_empty() {
            s.push_str(&format!("sort={}&", super::urlencode(&self.sort)));
        }
        s
    }
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let filter = platform::UserFilter {
        org: (!q.org.is_empty()).then(|| OrgId::from_stored(q.org.clone())),
        sort: super::sort_of(&q.sort),
    };
    let org_name = match &filter.org {
        Some(id) => Some(state.platform.org_in_scope(actor, id).await?.name),
        None => None,
    };
    let page = state
        .platform
        .users(
            actor,
            PageRequest::new(q.page, Some(q.per.unwrap_or(PER_PAGE))),
            &filter,
        )
        .await?;
    render(ListPage {
        layout: Layout::staff(&session.0, "用户管理", "users").with_notice(q.ok.as_deref()),
        pager: Pager::new(&page, q.base()),
        users: page.items,
        can_create: !grantable(actor, None).is_empty(),
        org_filter: org_name,
        headers: super::sort_headers(&q.filters(), &q.sort, SORTABLE),
        sizes: super::page_sizes(q.per, PER_PAGE),
        form: q,
    })
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    layout: Layout,
    form: UserForm,
    orgs: Vec<Choice>,
    roles: Vec<Choice>,
    policy: String,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    phone: String,
}

async fn form_page(
    state: &AppState,
    session: &Session,
    form: UserForm,
    error: Option<String>,
) -> PageResult<FormPage> {
    let actor = &session.0.actor;
    let orgs = state.platform.orgs_in_scope(actor).await?;
    let policy = state.platform.password_policy().await?;
    Ok(FormPage {
        layout: Layout::staff(&session.0, "新建用户", "users"),
        orgs: orgs
            .iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: format!("{}{}", "　".repeat(o.depth as usize), o.name),
                selected: o.id.as_str() == form.org_id,
            })
            .collect(),
        roles: grantable(actor, Role::from_code(&form.role)),
        form: UserForm {
            password: String::new(),
            ..form
        },
        policy,
        error,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    if grantable(&session.0.actor, None).is_empty() {
        state
            .platform
            .require(&session.0.actor, Permission::ManageUsers, "user", "new")
            .await?;
    }
    render(form_page(&state, &session, UserForm::default(), None).await?)
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<UserForm>,
) -> PageResult<Response> {
    let Some(role) = Role::from_code(&form.role) else {
        let page = render(form_page(&state, &session, form, Some("请选择角色".into())).await?)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let new = NewUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        org_id: OrgId::from_stored(form.org_id.clone()),
        role,
        password: form.password.clone(),
        phone: Some(form.phone.clone()),
        must_change_password: true,
    };
    match state.platform.create_user(&session.0.actor, new).await {
        Ok(user) => {
            Ok(Redirect::to(&format!("/admin/users/{}?ok=created", user.id)).into_response())
        }
        Err(
            e @ (platform::Error::Invalid(_)
            | platform::Error::Rule(_)
            | platform::Error::Conflict(_)
            | platform::Error::Password(_)),
        ) => {
            let page = render(form_page(&state, &session, form, Some(e.to_string())).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "users/detail.html")]
struct DetailPage {
    layout: Layout,
    user: User,
    roles: Vec<Choice>,
    can_unlock: bool,
    can_disable: bool,
    is_self: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    ok: Option<String>,
    error: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let user = state.platform.user(actor, &UserId::from_stored(id)).await?;
    let manage = if user.role.is_admin() {
        Permission::GrantAdminRoles
    } else {
        Permission::ManageUsers
    };
    let roles = if actor.can(manage) {
        grantable(actor, Some(user.role))
    } else {
        Vec::new()
    };
    render(DetailPage {
        layout: Layout::staff(&session.0, &format!("用户：{}", user.display_name), "users")
            .with_notice(q.ok.as_deref()),
        is_self: actor.user_id() == Some(&user.id),
        can_unlock: actor.can(Permission::UnlockAccounts),
        can_disable: actor.can(manage),
        roles,
        user,
        error: q.error,
    })
}

/// After an action: back to the account page, with the outcome.
fn back(id: &str, outcome: Result<&str, platform::Error>) -> PageResult<Response> {
    match outcome {
        Ok(ok) => Ok(Redirect::to(&format!("/admin/users/{id}?ok={ok}")).into_response()),
        Err(
            e @ (platform::Error::Invalid(_)
            | platform::Error::Rule(_)
            | platform::Error::Password(_)),
        ) => {
            let message: String =
                form_urlencoded::byte_serialize(e.to_string().as_bytes()).collect();
            Ok(Redirect::to(&format!("/admin/users/{id}?error={message}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> PageResult<Response> {
    let role =
        Role::from_code(&form.role).ok_or_else(|| platform::Error::Invalid("请选择角色".into()));
    let outcome = match role {
        Ok(role) => state
            .platform
            .change_role(&session.0.actor, &UserId::from_stored(id.clone()), role)
            .await
            .map(|_| "role"),
        Err(e) => Err(e),
    };
    back(&id, outcome)
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ResetForm>,
) -> PageResult<Response> {
    let outcome = state
        .platform
        .reset_password(
            &session.0.actor,
            &UserId::from_stored(id.clone()),
            &form.password,
        )
        .await
        .map(|_| "reset");
    back(&id, outcome)
}

pub async fn unlock(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let outcome = state
        .platform
        .unlock(&session.0.actor, &UserId::from_stored(id.clone()))
        .await
        .map(|_| "unlocked");
    back(&id, outcome)
}

#[derive(Deserialize)]
pub struct StatusForm {
    disabled: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> PageResult<Response> {
    let disabled = form.disabled == "true";
    let outcome = state
        .platform
        .set_disabled(&session.0.actor, &UserId::from_stored(id.clone()), disabled)
        .await
        .map(|_| if disabled { "disabled" } else { "enabled" });
    back(&id, outcome)
}
