//! The 行政执法 ledgers in the staff UI: upload (预检 first, every bad row shown; then import)
//! and templates.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ledger::{ImportReport, Layout as LedgerLayout};
use serde::Deserialize;

use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::html::jobs;
use crate::html::orgs::{export_xlsx, read_upload, xlsx_download};
use crate::html::power::ledger::Columns;
use crate::html::{Choice, Layout, render};
use crate::session::Session;

const KINDS: [&LedgerLayout; 4] = [
    &enforcement::ledger::BODIES,
    &enforcement::ledger::OFFICERS,
    &enforcement::ledger::CASES,
    &enforcement::ledger::INSPECTIONS,
];

fn layout(kind: &str) -> Result<&'static LedgerLayout, WebError> {
    KINDS
        .into_iter()
        .find(|l| l.kind == kind)
        .ok_or_else(|| WebError::invalid(format!("未知的台账类型“{kind}”")))
}

#[derive(Template)]
#[template(path = "enforcement/import.html")]
struct ImportPage {
    layout: Layout,
    kinds: Vec<Choice>,
    report: Option<ImportReport>,
    error: Option<String>,
    rows: Vec<ledger::RowError>,
    layouts: Vec<Columns>,
}

fn page(
    session: &Session,
    kind: &str,
    report: Option<ImportReport>,
    error: Option<WebError>,
) -> ImportPage {
    let (error, rows) = match error {
        Some(e) => (Some(e.message), e.rows),
        None => (None, Vec::new()),
    };
    ImportPage {
        layout: Layout::staff(&session.0, "导入行政执法台账", "enforcement"),
        kinds: KINDS
            .iter()
            .map(|l| Choice {
                value: l.kind.into(),
                label: l.title.into(),
                selected: l.kind == kind,
            })
            .collect(),
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
    session: Session,
    Query(q): Query<KindQuery>,
) -> PageResult<impl IntoResponse> {
    render(page(&session, &q.kind, None, None))
}

pub async fn import(
    State(state): State<AppState>,
    session: Session,
    multipart: Multipart,
) -> PageResult<Response> {
    let mut kind = String::new();
    let result = async {
        let upload = read_upload(
            &state,
            &session,
            kernel::Permission::WriteRecords,
            multipart,
        )
        .await?;
        kind = upload.fields.get("kind").cloned().unwrap_or_default();
        let layout = layout(&kind)?;
        let (actor, e) = (session.0.actor.clone(), state.enforcement.clone());
        let (file, mode, place) = (upload.file, upload.mode, upload.place);
        let work = async move {
            let _place = place;
            let report = match layout.kind {
                "enforcement-bodies" => e.import_bodies(&actor, file, mode).await,
                "enforcement-officers" => e.import_officers(&actor, file, mode).await,
                "enforcement-inspections" => e.import_inspections(&actor, file, mode).await,
                _ => e.import_cases(&actor, file, mode).await,
            }?;
            Ok(report)
        };
        let title = format!("导入{}", layout.title);
        jobs::run(&state, &session, &title, "/enforcement/import", work).await
    }
    .await;
    match result {
        Ok(jobs::Finished::Now(report)) => {
            Ok(render(page(&session, &kind, Some(report), None))?.into_response())
        }
        Ok(jobs::Finished::Later(id)) => Ok(Redirect::to(&format!("/jobs/{id}")).into_response()),
        Err(e)
            if e.code == kernel::ErrorCode::ImportRejected
                || e.code == kernel::ErrorCode::InvalidInput =>
        {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((status, render(page(&session, &kind, None, Some(e)))?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// 导出: a ledger as it imports (cases and inspections of a year when one is given).
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<KindQuery>,
) -> PageResult<Response> {
    let layout = layout(&q.kind)?;
    let (service, actor, year) = (state.enforcement.clone(), session.0.actor.clone(), q.year);
    let rows = async move { service.export(&actor, layout.kind, year).await };
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
