//! The `reconsideration-cases` ledger in the staff UI: upload with a preview of every bad row,
//! export, template.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ledger::ImportReport;

use super::stats::StatsQuery;
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::html::jobs;
use crate::html::orgs::{export_xlsx, read_upload, xlsx_download};
use crate::html::{Layout, render};
use crate::session::Session;

#[derive(Template)]
#[template(path = "reconsideration/import.html")]
struct ImportPage {
    layout: Layout,
    report: Option<ImportReport>,
    error: Option<String>,
    rows: Vec<ledger::RowError>,
    columns: Vec<(&'static str, bool, &'static str)>,
}

fn import_view(
    session: &Session,
    report: Option<ImportReport>,
    error: Option<WebError>,
) -> ImportPage {
    let (error, rows) = match error {
        Some(e) => (Some(e.message), e.rows),
        None => (None, Vec::new()),
    };
    ImportPage {
        layout: Layout::staff(&session.0, "导入行政复议案件台账", "reconsideration"),
        report,
        error,
        rows,
        columns: reconsideration::ledger::CASES
            .columns
            .iter()
            .map(|c| (c.name, c.required, c.help))
            .collect(),
    }
}

pub async fn import_page(session: Session) -> PageResult<impl IntoResponse> {
    render(import_view(&session, None, None))
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
            kernel::Permission::WriteRecords,
            multipart,
        )
        .await?;
        let (actor, service) = (session.0.actor.clone(), state.reconsideration.clone());
        let (file, mode, place) = (upload.file, upload.mode, upload.place);
        let work = async move {
            let _place = place;
            Ok(service.import_cases(&actor, file, mode).await?)
        };
        jobs::run(
            &state,
            &session,
            "导入行政复议案件台账",
            "/reconsideration/import",
            work,
        )
        .await
    }
    .await;
    match result {
        Ok(jobs::Finished::Now(report)) => {
            Ok(render(import_view(&session, Some(report), None))?.into_response())
        }
        Ok(jobs::Finished::Later(id)) => Ok(Redirect::to(&format!("/jobs/{id}")).into_response()),
        Err(e)
            if e.code == kernel::ErrorCode::ImportRejected
                || e.code == kernel::ErrorCode::InvalidInput =>
        {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((status, render(import_view(&session, None, Some(e)))?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// 导出: the ledger of a year (`?year=`), or exactly the list's view (the list's own filters).
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
    Query(view): Query<super::ListForm>,
    Query(mode): Query<crate::html::ExportMode>,
) -> PageResult<Response> {
    let layout = &reconsideration::ledger::CASES;
    // From the list (`list=1`): exactly its view. Otherwise the ledger of a year: the cases
    // received or concluded in it.
    let (year, filter) = if mode.list.is_some() {
        let calendar = state.platform.calendar_for(&session.0.actor).await?;
        let today = kernel::time::china_today();
        (None, super::case_filter(&view, &calendar, today)?)
    } else {
        (q.year, Default::default())
    };
    let (service, actor) = (state.reconsideration.clone(), session.0.actor.clone());
    let rows = async move { service.export_cases(&actor, year, filter).await };
    let bytes = export_xlsx(&state, layout, rows).await?;
    let name = match q.year {
        Some(y) => format!("{}（{y}年）.xlsx", layout.title),
        None => format!("{}.xlsx", layout.title),
    };
    Ok(xlsx_download(&name, bytes))
}

pub async fn template(_session: Session) -> PageResult<Response> {
    let layout = &reconsideration::ledger::CASES;
    let bytes = ledger::template(layout).map_err(platform::Error::from)?;
    Ok(xlsx_download(&format!("{}模板.xlsx", layout.title), bytes))
}
