//! The power list: items as they stood on a day (filtered, paged) and the year's figures.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::ApiQuery;
use crate::session::ApiSession;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemParams {
    /// The day (YYYY-MM-DD); today when absent.
    #[param(format = Date)]
    on: Option<String>,
    /// An organisation id (实施主体).
    department: Option<String>,
    /// A type code, e.g. `licensing`, `penalty`.
    #[param(
        pattern = "^(|licensing|penalty|coercion|levy|benefit|inspection|confirmation|award|adjudication|other|public_service)$"
    )]
    r#type: Option<String>,
    /// `district` or `town`.
    #[param(pattern = "^(|district|town)$")]
    level: Option<String>,
    /// Only items delegated to this town or street (its id).
    town: Option<String>,
    /// In the code or name.
    q: Option<String>,
    /// The cancelled items instead of those in force.
    cancelled: Option<bool>,
    /// From 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1 to 200 (50 when absent).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemDto {
    pub id: String,
    pub code: String,
    pub name: String,
    pub sub_name: String,
    /// 事项类型 (Chinese).
    pub item_type: String,
    /// 实施主体.
    pub org_id: String,
    pub org_name: String,
    pub handling_unit: String,
    pub legal_basis: String,
    /// 实施层级 (Chinese).
    pub level: String,
    pub responsibilities: String,
    pub accountability: String,
    pub note: String,
    /// The day this version began (0001-01-01: from the start).
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub active: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ItemPageDto {
    pub items: Vec<ItemDto>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

fn dto(i: &power::Item) -> ItemDto {
    ItemDto {
        id: i.id.to_string(),
        code: i.code.clone(),
        name: i.fields.name.clone(),
        sub_name: i.fields.sub_name.clone(),
        item_type: i.fields.item_type.label().into(),
        org_id: i.fields.org_id.to_string(),
        org_name: i.org_name.clone(),
        handling_unit: i.fields.handling_unit.clone(),
        legal_basis: i.fields.legal_basis.clone(),
        level: i.fields.level.label().into(),
        responsibilities: i.fields.responsibilities.clone(),
        accountability: i.fields.accountability.clone(),
        note: i.fields.note.clone(),
        valid_from: i.valid_from.to_string(),
        valid_to: i.valid_to.map(|d| d.to_string()),
        active: i.active,
    }
}

/// The power list as it stood on a day, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/power/items", params(ItemParams), responses((status = 200, body = ItemPageDto)))]
pub async fn items(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<ItemParams>,
) -> ApiResult<Json<ItemPageDto>> {
    let on = match &p.on {
        Some(on) => super::date(on, "日期")?,
        None => kernel::time::china_today(),
    };
    let known = |what: &str, code: &Option<String>, ok: bool| match code {
        Some(c) if !c.is_empty() && !ok => Err(WebError::invalid(format!("未知的{what}“{c}”"))),
        _ => Ok(()),
    };
    let item_type = p.r#type.as_deref().and_then(power::ItemType::parse);
    known("事项类型", &p.r#type, item_type.is_some())?;
    let level = p.level.as_deref().and_then(power::Level::parse);
    known("实施层级", &p.level, level.is_some())?;
    let filter = power::ItemFilter {
        department: p.department.filter(|s| !s.is_empty()),
        item_type,
        level,
        town: p.town.filter(|s| !s.is_empty()),
        text: p.q,
        cancelled: p.cancelled.unwrap_or(false),
        ..Default::default()
    };
    let page = state
        .power
        .items(
            &session.0.actor,
            on,
            filter,
            super::page_request(p.page, p.per_page)?,
        )
        .await?;
    Ok(Json(ItemPageDto {
        items: page.items.iter().map(dto).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    #[param(minimum = 1949, maximum = 9998)]
    year: i32,
}

/// The year's figures, as `fazhi stats power --year Y --json` prints them.
#[utoipa::path(get, path = "/api/v1/power/stats", params(StatsParams), responses((status = 200, description = "PowerStats")))]
pub async fn stats(
    State(state): State<AppState>,
    session: ApiSession,
    ApiQuery(p): ApiQuery<StatsParams>,
) -> ApiResult<Json<power::PowerStats>> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ReadRecords,
            "power_stats",
            &p.year.to_string(),
        )
        .await?;
    // Within the caller's scope: a department sees its own figures.
    let org = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
    };
    Ok(Json(
        state
            .power
            .stats(super::year(p.year)?, org.as_ref())
            .await?,
    ))
}
