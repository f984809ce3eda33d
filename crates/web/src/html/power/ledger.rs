//! The power ledgers in the staff UI: upload (预检 first, with every bad row shown; then import),
//! export of a year's ledger, the templates.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ledger::{ImportReport, Layout as LedgerLayout};
use serde::Deserialize;

use super::form_date;
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::html::jobs;
use crate::html::orgs::{export_xlsx, read_upload, xlsx_download};
use crate::html::{Choice, Layout, render};
use crate::session::Session;

const KINDS: [&LedgerLayout; 3] = [
    &power::ledger::ITEMS,
    &power::ledger::ADJUSTMENTS,
    &power::ledger::DELEGATIONS,
];

fn layout(kind: &str) -> Result<&'static LedgerLayout, WebError> {
    KINDS
        .into_iter()
        .find(|l| l.kind == kind)
        .ok_or_else(|| WebError::invalid(format!("未知的台账类型“{kind}”")))
}

fn kind_choices(selected: &str) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|l| Choice {
            value: l.kind.into(),
            label: l.title.into(),
            selected: l.kind == selected,
        })
        .collect()
}

pub struct Columns {
    pub title: &'static str,
    pub kind: &'static str,
    pub columns: Vec<(&'static str, bool, &'static str)>,
}

#[derive(Template)]
#[template(path = "power/import.html")]
struct ImportPage {
    layout: Layout,
    kinds: Vec<Choice>,
    effective: String,
    report: Option<ImportReport>,
    error: Option<String>,
    rows: Vec<ledger::RowError>,
    layouts: Vec<Columns>,
}

fn page(
    session: &Session,
    kind: &str,
    effective: &str,
    report: Option<ImportReport>,
    error: Option<WebError>,
) -> ImportPage {
    let (error, rows) = match error {
        Some(e) => (Some(e.message), e.rows),
        None => (None, Vec::new()),
    };
    ImportPage {
        layout: Layout::staff(&session.0, "导入权责清单台账", "power"),
        kinds: kind_choices(kind),
        effective: effective.to_string(),
        report,
        error,
        rows,
        layouts: KINDS
            .iter()
            .map(|l| Columns {
                title: l.title,
                kind: l.kind,
                columns: l
                    .columns
                    .iter()
                    .map(|c| (c.name, c.required, c.help))
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
    year: Option<i32>,
}

pub async fn import_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<KindQuery>,
) -> PageResult<impl IntoResponse> {
    state
        .platform
        .require(
            &session.0.actor,
            kernel::Permission::WriteRecords,
            "ledger",
            "power-items",
        )
        .await?;
    render(page(&session, &q.kind, "", None, None))
}

pub async fn import(
    State(state): State<AppState>,
    session: Session,
    multipart: Multipart,
) -> PageResult<Response> {
    let mut kind = String::new();
    let mut effective = String::new();
    let result = async {
        let upload = read_upload(
            &state,
            &session,
            kernel::Permission::WriteRecords,
            multipart,
        )
        .await?;
        kind = upload.fields.get("kind").cloned().unwrap_or_default();
        effective = upload.fields.get("effective").cloned().unwrap_or_default();
        let layout = layout(&kind)?;
        let date = if effective.trim().is_empty() {
            None
        } else {
            Some(form_date(&effective, "生效日期")?)
        };
        if date.is_some() && layout.kind != power::ledger::ITEMS.kind {
            return Err(WebError::invalid("生效日期只适用于权责清单台账"));
        }
        let (actor, power) = (session.0.actor.clone(), state.power.clone());
        let (file, mode, place) = (upload.file, upload.mode, upload.place);
        let work = async move {
            let _place = place;
            let report = match layout.kind {
                "power-items" => power.import_items(&actor, file, date, mode).await,
                "power-adjustments" => power.import_adjustments(&actor, file, mode).await,
                _ => power.import_delegations(&actor, file, mode).await,
            }?;
            Ok(report)
        };
        let title = format!("导入{}", layout.title);
        jobs::run(&state, &session, &title, "/power/import", work).await
    }
    .await;
    match result {
        Ok(jobs::Finished::Now(report)) => {
            Ok(render(page(&session, &kind, &effective, Some(report), None))?.into_response())
        }
        Ok(jobs::Finished::Later(id)) => Ok(Redirect::to(&format!("/jobs/{id}")).into_response()),
        Err(e)
            if e.code == kernel::ErrorCode::ImportRejected
                || e.code == kernel::ErrorCode::InvalidInput =>
        {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(page(&session, &kind, &effective, None, Some(e)))?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// 导出: a ledger (of a year), or from the list (`list=1`) exactly the items it shows on its
/// date.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<KindQuery>,
    Query(view): Query<super::ListForm>,
    Query(mode): Query<crate::html::ExportMode>,
) -> PageResult<Response> {
    let layout = layout(&q.kind)?;
    let (service, actor, year) = (state.power.clone(), session.0.actor.clone(), q.year);
    let list = if mode.list.is_some() && layout.kind == power::ledger::ITEMS.kind {
        Some((form_date(&view.on, "日期")?, view.filter()))
    } else {
        None
    };
    let rows = async move {
        match list {
            Some((on, filter)) => service.export_items(&actor, on, filter).await,
            None => service.export(&actor, layout.kind, year).await,
        }
    };
    let bytes = export_xlsx(&state, layout, rows).await?;
    let name = match q.year {
        Some(y) => format!("{}（{y}年）.xlsx", layout.title),
        None => format!("{}.xlsx", layout.title),
    };
    Ok(xlsx_download(&name, bytes))
}

pub async fn template(Query(q): Query<KindQuery>, _session: Session) -> PageResult<Response> {
    let layout = layout(&q.kind)?;
    let bytes = ledger::template(layout).map_err(platform::Error::from)?;
    Ok(xlsx_download(&format!("{}模板.xlsx", layout.title), bytes))
}
