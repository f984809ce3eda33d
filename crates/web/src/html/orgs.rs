//! 机构管理: the organisation tree, its forms, and the organizations ledger (upload with a
//! preview of errors, export, template).

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ids::OrgId;
use kernel::{DivisionCode, OrgKind, Uscc};
use ledger::{ImportMode, ImportReport};
use platform::{NewOrg, ORGANIZATIONS, Org, OrgUpdate};
use serde::Deserialize;

use super::{Choice, Layout, render};
use crate::AppState;
use crate::error::{PageError, PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub indent: String,
    pub division_code: String,
    pub uscc: String,
}

fn rows(orgs: &[Org]) -> Vec<OrgRow> {
    let top = orgs.iter().map(|o| o.depth).min().unwrap_or(0);
    orgs.iter()
        .map(|o| OrgRow {
            id: o.id.to_string(),
            name: o.name.clone(),
            kind: o.kind.label(),
            indent: "　".repeat((o.depth - top) as usize),
            division_code: o.division_code.clone().unwrap_or_default(),
            uscc: o.uscc.clone().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<OrgRow>,
}

#[derive(Deserialize)]
pub struct Notice {
    pub ok: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Notice>,
) -> PageResult<impl IntoResponse> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ManageOrganisations,
            "org",
            "list",
        )
        .await?;
    let orgs = state.platform.orgs_in_scope(&session.0.actor).await?;
    render(ListPage {
        layout: Layout::staff(&session.0, "机构管理", "orgs").with_notice(q.ok.as_deref()),
        rows: rows(&orgs),
    })
}

#[derive(Template)]
#[template(path = "orgs/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    id: Option<String>,
    name: String,
    kinds: Vec<Choice>,
    parents: Vec<Choice>,
    division_code: String,
    uscc: String,
    error: Option<String>,
    children: Vec<OrgRow>,
}

#[derive(Deserialize, Default)]
pub struct OrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    division_code: String,
    #[serde(default)]
    uscc: String,
}

fn kind_choices(selected: &str) -> Vec<Choice> {
    OrgKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.code().into(),
            label: k.label().into(),
            selected: k.code() == selected,
        })
        .collect()
}

fn parent_choices(orgs: &[Org], selected: &str, exclude_below: Option<&str>) -> Vec<Choice> {
    orgs.iter()
        .filter(|o| exclude_below.is_none_or(|path| !o.path.starts_with(path)))
        .map(|o| Choice {
            value: o.id.to_string(),
            label: format!("{}{}", "　".repeat(o.depth as usize), o.name),
            selected: o.id.as_str() == selected,
        })
        .collect()
}

async fn form_page(
    state: &AppState,
    session: &Session,
    form: &OrgForm,
    existing: Option<&Org>,
    error: Option<String>,
) -> PageResult<FormPage> {
    let orgs = state.platform.orgs_in_scope(&session.0.actor).await?;
    let (title, action, id, children) = match existing {
        Some(org) => {
            let below: Vec<Org> = orgs
                .iter()
                .filter(|o| o.parent_id.as_ref() == Some(&org.id))
                .cloned()
                .collect();
            (
                format!("机构：{}", org.name),
                format!("/admin/orgs/{}", org.id),
                Some(org.id.to_string()),
                rows(&below),
            )
        }
        None => (
            "新建机构".to_string(),
            "/admin/orgs/new".to_string(),
            None,
            Vec::new(),
        ),
    };
    Ok(FormPage {
        layout: Layout::staff(&session.0, &title, "orgs"),
        action,
        id,
        name: form.name.clone(),
        kinds: kind_choices(&form.kind),
        parents: parent_choices(&orgs, &form.parent_id, existing.map(|o| o.path.as_str())),
        division_code: form.division_code.clone(),
        uscc: form.uscc.clone(),
        error,
        children,
    })
}

/// Reads the optional codes of the form, each error in words.
fn codes(form: &OrgForm) -> Result<(Option<DivisionCode>, Option<Uscc>), String> {
    let division = match form.division_code.trim() {
        "" => None,
        t => Some(DivisionCode::parse(t).map_err(|e| format!("行政区划代码：{e}"))?),
    };
    let uscc = match form.uscc.trim() {
        "" => None,
        t => Some(Uscc::parse(t).map_err(|e| format!("统一社会信用代码：{e}"))?),
    };
    Ok((division, uscc))
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NewQuery>,
) -> PageResult<impl IntoResponse> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ManageOrganisations,
            "org",
            "new",
        )
        .await?;
    let form = OrgForm {
        kind: "department".into(),
        parent_id: q.parent.unwrap_or_default(),
        ..Default::default()
    };
    render(form_page(&state, &session, &form, None, None).await?)
}

fn unprocessable(page: PageResult<axum::response::Html<String>>) -> PageResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page?).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<OrgForm>,
) -> PageResult<Response> {
    let kind = OrgKind::from_code(&form.kind);
    let parsed = codes(&form).and_then(|c| {
        kind.map(|k| (k, c))
            .ok_or_else(|| "请选择机构类型".to_string())
    });
    let (kind, (division_code, uscc)) = match parsed {
        Ok(v) => v,
        Err(message) => {
            return unprocessable(render(
                form_page(&state, &session, &form, None, Some(message)).await?,
            ));
        }
    };
    let parent_id =
        (!form.parent_id.is_empty()).then(|| OrgId::from_stored(form.parent_id.clone()));
    let new = NewOrg {
        name: form.name.clone(),
        kind,
        parent_id,
        division_code,
        uscc,
    };
    match state.platform.create_org(&session.0.actor, new).await {
        Ok(org) => Ok(Redirect::to(&format!("/admin/orgs/{}?ok=created", org.id)).into_response()),
        Err(
            e @ (platform::Error::Invalid(_)
            | platform::Error::Rule(_)
            | platform::Error::Conflict(_)),
        ) => unprocessable(render(
            form_page(&state, &session, &form, None, Some(e.to_string())).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

fn form_of(org: &Org) -> OrgForm {
    OrgForm {
        name: org.name.clone(),
        kind: org.kind.code().into(),
        parent_id: org
            .parent_id
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        division_code: org.division_code.clone().unwrap_or_default(),
        uscc: org.uscc.clone().unwrap_or_default(),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult<impl IntoResponse> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ManageOrganisations,
            "org",
            &id,
        )
        .await?;
    let org = state
        .platform
        .org_in_scope(&session.0.actor, &OrgId::from_stored(id))
        .await?;
    let mut page = form_page(&state, &session, &form_of(&org), Some(&org), None).await?;
    page.layout = page.layout.with_notice(q.ok.as_deref());
    render(page)
}

pub async fn update(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<OrgForm>,
) -> PageResult<Response> {
    let id = OrgId::from_stored(id);
    let org = state.platform.org_in_scope(&session.0.actor, &id).await?;
    let (division_code, uscc) = match codes(&form) {
        Ok(c) => c,
        Err(message) => {
            return unprocessable(render(
                form_page(&state, &session, &form, Some(&org), Some(message)).await?,
            ));
        }
    };
    let parent = (!form.parent_id.is_empty()).then(|| OrgId::from_stored(form.parent_id.clone()));
    let update = OrgUpdate {
        name: Some(form.name.clone()),
        kind: OrgKind::from_code(&form.kind),
        // The top of the tree stays where it is; moving to the top is the command line's.
        parent_id: parent.map(Some),
        division_code: Some(division_code),
        uscc: Some(uscc),
    };
    match state
        .platform
        .update_org(&session.0.actor, &id, update)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/orgs/{id}?ok=saved")).into_response()),
        Err(
            e @ (platform::Error::Invalid(_)
            | platform::Error::Rule(_)
            | platform::Error::Conflict(_)),
        ) => unprocessable(render(
            form_page(&state, &session, &form, Some(&org), Some(e.to_string())).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "orgs/import.html")]
struct ImportPage {
    layout: Layout,
    report: Option<ImportReport>,
    error: Option<String>,
    rows: Vec<ledger::RowError>,
    columns: Vec<(&'static str, bool, &'static str)>,
}

fn import_page_with(
    session: &Session,
    report: Option<ImportReport>,
    error: Option<WebError>,
) -> ImportPage {
    let (error, rows) = match error {
        Some(e) => (Some(e.message), e.rows),
        None => (None, Vec::new()),
    };
    ImportPage {
        layout: Layout::staff(&session.0, "导入机构台账", "orgs"),
        report,
        error,
        rows,
        columns: ORGANIZATIONS
            .columns
            .iter()
            .map(|c| (c.name, c.required, c.help))
            .collect(),
    }
}

pub async fn import_page(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ManageOrganisations,
            "ledger",
            "organizations",
        )
        .await?;
    render(import_page_with(&session, None, None))
}

/// A ledger upload: the file, whether to check only (预检) or import, and the form's other
/// fields (a ledger kind, a date). It holds one of the few places for uploads in flight until
/// the request ends.
pub struct Upload {
    pub file: ledger::Upload,
    pub mode: ImportMode,
    pub fields: std::collections::HashMap<String, String>,
    /// The upload's place among those in flight: moved into the import's task.
    pub place: tokio::sync::OwnedSemaphorePermit,
}

/// Reads an upload's form. Before a byte of the body is read, the account must hold
/// `permission` (a viewer's upload is refused unread) and wait for a place among the uploads in
/// flight, so that many large uploads at once cannot fill the memory; the file itself is read
/// by the import's service call once it has checked the exact permission.
pub async fn read_upload(
    state: &AppState,
    session: &Session,
    permission: kernel::Permission,
    mut multipart: Multipart,
) -> Result<Upload, WebError> {
    state
        .platform
        .require(&session.0.actor, permission, "ledger", "upload")
        .await?;
    let place = state
        .uploads
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| WebError::new(kernel::ErrorCode::Internal, "服务正在停止"))?;
    let mut upload = Upload {
        file: ledger::Upload::default(),
        mode: ImportMode::default(),
        fields: std::collections::HashMap::new(),
        place,
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::new(
                kernel::ErrorCode::PayloadTooLarge,
                "文件过大（上限20MB），请分批导入",
            )
        } else {
            WebError::new(
                kernel::ErrorCode::MalformedBody,
                format!("上传的内容有误：{}", e.body_text()),
            )
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                upload.file.name = field.file_name().unwrap_or("").to_string();
                // Read chunk by chunk into one buffer with room for the largest upload: the
                // pages are only taken as the file fills them, and nothing is copied as it
                // grows (collecting the body and copying it out held a 17 MB file three times).
                let mut bytes = Vec::with_capacity(crate::UPLOAD_LIMIT);
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    bytes.extend_from_slice(&chunk);
                }
                upload.file.bytes = bytes;
            }
            "mode" => upload.mode.dry_run = field.text().await.map_err(bad)? != "import",
            "only_valid" => upload.mode.only_valid = field.text().await.map_err(bad)? == "on",
            "" => {}
            other => {
                let name = other.to_string();
                let value = field.text().await.map_err(bad)?;
                upload.fields.insert(name, value);
            }
        }
    }
    if upload.file.bytes.is_empty() {
        return Err(WebError::invalid("请选择要上传的文件"));
    }
    Ok(upload)
}

pub async fn import(
    State(state): State<AppState>,
    session: Session,
    multipart: Multipart,
) -> PageResult<Response> {
    let result = async {
        let upload = read_upload(
            &state,
            &session,
            kernel::Permission::ManageOrganisations,
            multipart,
        )
        .await?;
        let (actor, platform) = (session.0.actor.clone(), state.platform.clone());
        let (file, mode, place) = (upload.file, upload.mode, upload.place);
        let work = async move {
            let _place = place;
            Ok(platform.import_orgs(&actor, file, mode).await?)
        };
        super::jobs::run(&state, &session, "导入机构台账", "/admin/orgs/import", work).await
    }
    .await;
    match result {
        Ok(super::jobs::Finished::Now(report)) => {
            Ok(render(import_page_with(&session, Some(report), None))?.into_response())
        }
        Ok(super::jobs::Finished::Later(id)) => {
            Ok(Redirect::to(&format!("/jobs/{id}")).into_response())
        }
        Err(e)
            if e.code == kernel::ErrorCode::ImportRejected
                || e.code == kernel::ErrorCode::InvalidInput =>
        {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((status, render(import_page_with(&session, None, Some(e)))?).into_response())
        }
        Err(e) => Err(PageError(e)),
    }
}

/// An .xlsx download with a Chinese file name.
pub fn xlsx_download(file_name: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn export(State(state): State<AppState>, session: Session) -> PageResult<Response> {
    let (platform, actor) = (state.platform.clone(), session.0.actor.clone());
    let rows = async move { platform.export_orgs(&actor).await };
    let bytes = export_xlsx(&state, &ORGANIZATIONS, rows).await?;
    Ok(xlsx_download("机构台账.xlsx", bytes))
}

/// Reads an export's rows and builds its .xlsx on a heavy-work thread (one per core at most), so
/// that many exports at once queue there instead of holding the threads that answer requests.
pub async fn export_xlsx<E>(
    state: &AppState,
    layout: &'static ledger::Layout,
    rows: impl std::future::Future<Output = Result<Vec<Vec<String>>, E>> + Send + 'static,
) -> Result<Vec<u8>, WebError>
where
    E: Into<WebError> + Send + 'static,
{
    state
        .platform
        .heavy_read(async move {
            let rows = rows.await.map_err(Into::into)?;
            ledger::to_xlsx(layout, &rows).map_err(|e| WebError::from(platform::Error::from(e)))
        })
        .await?
}

pub async fn template(State(state): State<AppState>, session: Session) -> PageResult<Response> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::ManageOrganisations,
            "ledger",
            "organizations",
        )
        .await?;
    let bytes = ledger::template(&ORGANIZATIONS).map_err(platform::Error::from)?;
    Ok(xlsx_download("机构台账模板.xlsx", bytes))
}
