//! 系统设置: each setting with its default and range; editable by the role that owns it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::Permission;
use kernel::settings::SettingKind;
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Query};
use crate::session::Session;

/// The foundation's settings and the modules'.
fn all_settings() -> Vec<kernel::settings::SettingDef> {
    kernel::settings::FOUNDATION
        .iter()
        .chain(power::SETTINGS)
        .chain(reconsideration::SETTINGS)
        .chain(mediation::SETTINGS)
        .chain(enforcement::SETTINGS)
        .chain(report::SETTINGS)
        .copied()
        .collect()
}

pub struct SettingRow {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub value: String,
    pub default: &'static str,
    pub boolean: bool,
    pub text: bool,
    pub range: String,
    pub editable: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    rows: Vec<SettingRow>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    ok: Option<String>,
}

async fn page_with(
    state: &AppState,
    session: &Session,
    error: Option<String>,
    ok: Option<&str>,
) -> PageResult<SettingsPage> {
    let actor = &session.0.actor;
    if !actor.can(Permission::ManageSecuritySettings) {
        state
            .platform
            .require(actor, Permission::ManageCalendar, "setting", "list")
            .await?;
    }
    let rows = state
        .platform
        .settings_of(&all_settings())
        .await?
        .into_iter()
        .map(|(def, value)| SettingRow {
            key: def.key,
            label: def.label,
            help: def.help,
            value,
            default: def.default,
            boolean: def.kind == SettingKind::Boolean,
            text: matches!(def.kind, SettingKind::Text | SettingKind::NumberPattern),
            range: match def.kind {
                SettingKind::Integer { min, max } => format!("{min}–{max}"),
                SettingKind::Boolean => "是 / 否".into(),
                SettingKind::Text => "文字".into(),
                SettingKind::NumberPattern => "编号格式，如 新复〔{年}〕{号}号".into(),
            },
            editable: actor.can(def.permission),
        })
        .collect();
    Ok(SettingsPage {
        layout: Layout::staff(&session.0, "系统设置", "settings").with_notice(ok),
        rows,
        error,
    })
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SettingsQuery>,
) -> PageResult<impl IntoResponse> {
    render(page_with(&state, &session, None, q.ok.as_deref()).await?)
}

#[derive(Deserialize)]
pub struct SettingForm {
    key: String,
    value: String,
}

pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<SettingForm>,
) -> PageResult<Response> {
    match state
        .platform
        .update_setting_in(&session.0.actor, &all_settings(), &form.key, &form.value)
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/settings?ok=saved").into_response()),
        Err(e @ platform::Error::Invalid(_)) => {
            let page = render(page_with(&state, &session, Some(e.to_string()), None).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
