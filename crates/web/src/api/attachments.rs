//! 附件 over the API: the files of a reconsideration case (`reconsideration`), a dispute
//! (`mediation`) or a power adjustment (`adjustment`) — listed, uploaded, downloaded — under the
//! same checks as the pages: the holder's service checks the record.

use axum::Json as AxumJson;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiPath;
use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::html::attachments::{Holder, file_response, read_file};
use crate::session::ApiSession;

/// An attachment.
#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: String,
    /// 类别: 申请书, 证据材料, …
    pub kind: String,
    /// The file's name.
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// SM3 of the content (lower-case hex); a download is checked against it.
    pub sm3: String,
    /// Who uploaded it (name and organisation).
    pub uploaded_by: String,
    /// When, China time (YYYY-MM-DD HH:MM:SS).
    pub uploaded_at: String,
}

async fn dto(state: &AppState, a: platform::Attachment) -> ApiResult<AttachmentDto> {
    let people = state.platform.people().await?;
    Ok(AttachmentDto {
        id: a.id.to_string(),
        uploaded_by: people.label(&a.uploaded_by),
        uploaded_at: kernel::time::display_stored(&a.uploaded_at),
        kind: a.kind,
        name: a.name,
        content_type: a.content_type,
        size: a.size,
        sm3: a.sm3,
    })
}

/// A record's attachments, oldest first.
#[utoipa::path(get, path = "/api/v1/attachments/{holder}/{id}", params(("holder" = String, Path, description = "reconsideration, mediation or adjustment"), ("id" = String, Path, description = "the case, dispute or adjustment")), responses((status = 200, body = [AttachmentDto]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    session: ApiSession,
    ApiPath((holder, id)): ApiPath<(String, String)>,
) -> ApiResult<AxumJson<Vec<AttachmentDto>>> {
    let holder = Holder::parse(&holder)?;
    let mut out = Vec::new();
    for a in holder.list(&state, &session.0.actor, &id).await? {
        out.push(dto(&state, a).await?);
    }
    Ok(AxumJson(out))
}

/// Uploads a file (multipart form: `kind`, `file`); checked for size and type, stored under its SM3.
#[utoipa::path(post, path = "/api/v1/attachments/{holder}/{id}", params(("holder" = String, Path, description = "reconsideration, mediation or adjustment"), ("id" = String, Path, description = "the case, dispute or adjustment")), request_body(content_type = "multipart/form-data", description = "kind: 类别; file: the file"), responses((status = 201, body = AttachmentDto), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    session: ApiSession,
    ApiPath((holder, id)): ApiPath<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let holder = Holder::parse(&holder)?;
    let actor = &session.0.actor;
    // Not a multipart form at all: a JSON refusal like every other.
    let multipart = multipart.map_err(|e| {
        WebError::new(
            kernel::ErrorCode::MalformedBody,
            format!("请以 multipart/form-data 上传文件：{}", e.body_text()),
        )
    })?;
    let file = read_file(&state, actor, holder, &id, multipart).await?;
    let a = holder.attach(&state, actor, &id, file).await?;
    Ok((StatusCode::CREATED, AxumJson(dto(&state, a).await?)).into_response())
}

/// An attachment's content, checked against its SM3 (500 `tampered` if it no longer matches).
#[utoipa::path(get, path = "/api/v1/attachments/{holder}/{id}/{attachment}", params(("holder" = String, Path, description = "reconsideration, mediation or adjustment"), ("id" = String, Path, description = "the case, dispute or adjustment"), ("attachment" = String, Path, description = "the attachment")), responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    session: ApiSession,
    ApiPath((holder, id, attachment)): ApiPath<(String, String, String)>,
) -> ApiResult<Response> {
    let holder = Holder::parse(&holder)?;
    let (a, bytes) = holder
        .open(&state, &session.0.actor, &id, &attachment)
        .await?;
    Ok(file_response(&a, bytes))
}
