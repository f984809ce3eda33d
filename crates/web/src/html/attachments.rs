//! 附件 on the pages of a reconsideration case, a dispute and a power adjustment: the list, the
//! upload form, downloads and removal. Each holder's service checks the permission on its record;
//! these only carry the file there and back.

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use platform::{Actor, Attachment, Bytes, NewAttachment};

use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::session::Session;

/// The records that hold attachments, as their addresses name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Case,
    Dispute,
    Adjustment,
    Enforcement,
}

impl Holder {
    pub fn parse(segment: &str) -> Result<Holder, WebError> {
        match segment {
            "reconsideration" => Ok(Holder::Case),
            "mediation" => Ok(Holder::Dispute),
            "adjustment" => Ok(Holder::Adjustment),
            "enforcement" => Ok(Holder::Enforcement),
            _ => Err(WebError::new(kernel::ErrorCode::NotFound, "未找到该页面")),
        }
    }

    pub fn segment(self) -> &'static str {
        match self {
            Holder::Case => "reconsideration",
            Holder::Dispute => "mediation",
            Holder::Adjustment => "adjustment",
            Holder::Enforcement => "enforcement",
        }
    }

    /// The page of the record.
    fn page(self, id: &str) -> String {
        match self {
            Holder::Case => format!("/reconsideration/{id}"),
            Holder::Dispute => format!("/mediation/{id}"),
            Holder::Adjustment => format!("/power/adjustments/{id}"),
            Holder::Enforcement => format!("/enforcement/cases/{id}"),
        }
    }

    fn kinds(self) -> &'static [&'static str] {
        match self {
            Holder::Case => reconsideration::ATTACHMENT_KINDS,
            Holder::Dispute => mediation::ATTACHMENT_KINDS,
            Holder::Adjustment => power::ATTACHMENT_KINDS,
            Holder::Enforcement => enforcement::workflow::ATTACHMENT_KINDS,
        }
    }

    pub async fn attach(
        self,
        state: &AppState,
        actor: &Actor,
        id: &str,
        file: NewAttachment,
    ) -> Result<Attachment, WebError> {
        Ok(match self {
            Holder::Case => state.reconsideration.attach(actor, id, file).await?,
            Holder::Dispute => state.mediation.attach(actor, id, file).await?,
            Holder::Adjustment => state.power.attach(actor, &adjustment(id), file).await?,
            Holder::Enforcement => state.enforcement.attach(actor, id, file).await?,
        })
    }

    pub async fn list(
        self,
        state: &AppState,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<Attachment>, WebError> {
        Ok(match self {
            Holder::Case => state.reconsideration.attachments(actor, id).await?,
            Holder::Dispute => state.mediation.attachments(actor, id).await?,
            Holder::Adjustment => state.power.attachments(actor, &adjustment(id)).await?,
            Holder::Enforcement => state.enforcement.attachments(actor, id).await?,
        })
    }

    pub async fn open(
        self,
        state: &AppState,
        actor: &Actor,
        id: &str,
        attachment: &str,
    ) -> Result<(Attachment, Bytes), WebError> {
        Ok(match self {
            Holder::Case => {
                (state.reconsideration)
                    .attachment(actor, id, attachment)
                    .await?
            }
            Holder::Dispute => state.mediation.attachment(actor, id, attachment).await?,
            Holder::Enforcement => state.enforcement.attachment(actor, id, attachment).await?,
            Holder::Adjustment => {
                (state.power)
                    .attachment(actor, &adjustment(id), attachment)
                    .await?
            }
        })
    }

    async fn detach(
        self,
        state: &AppState,
        actor: &Actor,
        id: &str,
        attachment: &str,
    ) -> Result<(), WebError> {
        match self {
            Holder::Case => state.reconsideration.detach(actor, id, attachment).await?,
            Holder::Dispute => state.mediation.detach(actor, id, attachment).await?,
            Holder::Enforcement => state.enforcement.detach(actor, id, attachment).await?,
            Holder::Adjustment => {
                (state.power)
                    .detach(actor, &adjustment(id), attachment)
                    .await?
            }
        }
        Ok(())
    }
}

fn adjustment(id: &str) -> power::model::AdjustmentId {
    power::model::AdjustmentId::from_stored(id)
}

/// One attachment as a page lists it.
pub struct AttachmentRow {
    pub href: String,
    pub remove: String,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub by: String,
    pub at: String,
    pub sm3: String,
}

/// The attachments part of a record's page.
pub struct AttachmentsView {
    pub action: String,
    pub rows: Vec<AttachmentRow>,
    pub kinds: &'static [&'static str],
    /// Whether the reader may upload and remove (the form is offered only then).
    pub can_change: bool,
    pub accept: String,
    pub limits: String,
}

/// The attachments of a record for its page; `can_change` says whether to offer the forms.
pub async fn view(
    state: &AppState,
    session: &Session,
    holder: Holder,
    id: &str,
    can_change: bool,
) -> Result<AttachmentsView, WebError> {
    let actor = &session.0.actor;
    let list = holder.list(state, actor, id).await?;
    let people = state.platform.people().await?;
    let limit = state.platform.attachment_limit().await? / 1024 / 1024;
    let base = format!("/attachments/{}/{id}", holder.segment());
    Ok(AttachmentsView {
        rows: list
            .into_iter()
            .map(|a| AttachmentRow {
                href: format!("{base}/{}", a.id),
                remove: format!("{base}/{}/remove", a.id),
                size: a.size_text(),
                by: people.label(&a.uploaded_by),
                at: kernel::time::display_stored(&a.uploaded_at),
                name: a.name,
                kind: a.kind,
                sm3: a.sm3,
            })
            .collect(),
        action: base,
        kinds: holder.kinds(),
        can_change,
        accept: platform::accept_attribute(),
        limits: format!("每个文件不超过{limit} MB，可上传{}", platform::ACCEPTED),
    })
}

/// Reads an attachment's form (`kind`, `file`). The account must be able to change records at all
/// before a byte is read; the holder's service then checks the record itself.
pub(crate) async fn read_file(
    state: &AppState,
    actor: &Actor,
    holder: Holder,
    id: &str,
    mut multipart: Multipart,
) -> Result<NewAttachment, WebError> {
    let record_type = match holder {
        Holder::Case => "reconsideration_case",
        Holder::Dispute => "mediation_dispute",
        Holder::Adjustment => "power_adjustment",
        Holder::Enforcement => "enforcement_case",
    };
    state
        .platform
        .require(actor, kernel::Permission::WriteRecords, record_type, id)
        .await?;
    let _place = state
        .uploads
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| WebError::new(kernel::ErrorCode::Internal, "服务正在停止"))?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::new(
                kernel::ErrorCode::PayloadTooLarge,
                format!(
                    "文件过大（上限{} MB）",
                    platform::ATTACHMENT_MAX_BYTES / 1024 / 1024
                ),
            )
        } else {
            WebError::new(
                kernel::ErrorCode::MalformedBody,
                format!("上传的内容有误：{}", e.body_text()),
            )
        }
    };
    let mut file = NewAttachment::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                file.name = field.file_name().unwrap_or("").to_string();
                file.bytes = field.bytes().await.map_err(bad)?;
            }
            "kind" => file.kind = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    Ok(file)
}

pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path((holder, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult<Response> {
    let holder = Holder::parse(&holder)?;
    let file = read_file(&state, &session.0.actor, holder, &id, multipart).await?;
    holder.attach(&state, &session.0.actor, &id, file).await?;
    Ok(Redirect::to(&format!("{}?ok=attached#attachments", holder.page(&id))).into_response())
}

pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    Path((holder, id, attachment)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let holder = Holder::parse(&holder)?;
    holder
        .detach(&state, &session.0.actor, &id, &attachment)
        .await?;
    Ok(Redirect::to(&format!("{}?ok=detached#attachments", holder.page(&id))).into_response())
}

pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path((holder, id, attachment)): Path<(String, String, String)>,
) -> PageResult<Response> {
    let holder = Holder::parse(&holder)?;
    let (a, bytes) = holder
        .open(&state, &session.0.actor, &id, &attachment)
        .await?;
    Ok(file_response(&a, bytes))
}

/// A stored file as the browser should receive it: PDFs and pictures shown in place, the rest
/// saved under their own names.
pub fn file_response(a: &Attachment, bytes: Bytes) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(a.name.as_bytes()).collect();
    let disposition = if a.viewable() { "inline" } else { "attachment" };
    (
        [
            (header::CONTENT_TYPE, a.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"file\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
