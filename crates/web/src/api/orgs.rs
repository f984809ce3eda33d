//! Organisations.

use axum::Json as AxumJson;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kernel::ids::OrgId;
use kernel::{DivisionCode, OrgKind, Uscc};
use platform::{NewOrg, Org};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::Json;
use crate::session::ApiSession;

#[derive(Serialize, ToSchema)]
pub struct OrgDto {
    pub id: String,
    pub name: String,
    /// 省 / 市 / 区 / 县 / 部门 / 镇 / 街道 / 科室 / 其他
    pub kind: String,
    pub parent_id: Option<String>,
    pub depth: i64,
    pub division_code: Option<String>,
    pub uscc: Option<String>,
}

impl From<Org> for OrgDto {
    fn from(o: Org) -> Self {
        OrgDto {
            id: o.id.to_string(),
            name: o.name,
            kind: o.kind.label().into(),
            parent_id: o.parent_id.map(|p| p.to_string()),
            depth: o.depth,
            division_code: o.division_code,
            uscc: o.uscc,
        }
    }
}

/// The organisations in the user's scope, in tree order.
#[utoipa::path(get, path = "/api/v1/orgs", responses((status = 200, body = [OrgDto]), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiSession(session): ApiSession,
) -> ApiResult<AxumJson<Vec<OrgDto>>> {
    let orgs = state.platform.orgs_in_scope(&session.actor).await?;
    Ok(AxumJson(orgs.into_iter().map(OrgDto::from).collect()))
}

/// One organisation; outside the user's scope: 403, and the refusal is audited.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", params(("id" = String, Path)), responses((status = 200, body = OrgDto), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> ApiResult<AxumJson<OrgDto>> {
    let org = state
        .platform
        .org_in_scope(&session.actor, &OrgId::from_stored(id))
        .await?;
    Ok(AxumJson(org.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrgDto {
    pub name: String,
    /// 省 / 市 / 区 / 县 / 部门 / 镇 / 街道 / 科室 / 其他
    pub kind: String,
    pub parent_id: Option<String>,
    pub division_code: Option<String>,
    pub uscc: Option<String>,
}

/// Creates an organisation (system administrators).
#[utoipa::path(post, path = "/api/v1/orgs", request_body = NewOrgDto, responses((status = 201, body = OrgDto), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiSession(session): ApiSession,
    Json(dto): Json<NewOrgDto>,
) -> ApiResult<(StatusCode, AxumJson<OrgDto>)> {
    let kind = OrgKind::from_label(&dto.kind)
        .ok_or_else(|| WebError::invalid(format!("机构类型“{}”无效", dto.kind)))?;
    let code = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let division_code = code(dto.division_code)
        .map(|c| {
            DivisionCode::parse(&c).map_err(|e| WebError::invalid(format!("行政区划代码：{e}")))
        })
        .transpose()?;
    let uscc = code(dto.uscc)
        .map(|c| Uscc::parse(&c).map_err(|e| WebError::invalid(format!("统一社会信用代码：{e}"))))
        .transpose()?;
    let new = NewOrg {
        name: dto.name,
        kind,
        parent_id: dto.parent_id.map(OrgId::from_stored),
        division_code,
        uscc,
    };
    let org = state.platform.create_org(&session.actor, new).await?;
    Ok((StatusCode::CREATED, AxumJson(org.into())))
}
