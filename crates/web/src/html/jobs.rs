//! Imports run as jobs: the page that receives a file starts the import in a task of its own (no
//! request timeout or closed tab cuts it: the import is one transaction, wholly written or not at
//! all) and waits a few seconds for it; a longer one sends the browser to `/jobs/{id}`, which
//! follows the job's row until it ends and then shows its report or its refusal.

use std::future::Future;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ledger::ImportReport;
use platform::{JobId, JobOutcome};

use super::{Layout, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::session::Session;

/// How an import started by a page came out within the wait.
pub enum Finished {
    Now(ImportReport),
    Later(JobId),
}

/// Runs `work` (an import, holding what it needs, its upload's place included) as a job of the
/// session's account; answers with its report if it ends within `config.job_wait`.
pub async fn run(
    state: &AppState,
    session: &Session,
    title: &str,
    back: &str,
    work: impl Future<Output = Result<ImportReport, WebError>> + Send + 'static,
) -> Result<Finished, WebError> {
    let id = state
        .platform
        .start_job(&session.0.actor, title, back)
        .await?;
    let platform = state.platform.clone();
    let (done, answer) = tokio::sync::oneshot::channel();
    let job = id.clone();
    tokio::spawn(async move {
        let result = work.await;
        let outcome = match &result {
            Ok(report) => JobOutcome::Done(report.clone()),
            Err(e) => JobOutcome::Refused {
                message: e.message.clone(),
                rows: e.rows.clone(),
            },
        };
        if let Err(e) = platform.finish_job(&job, &outcome).await {
            tracing::error!(error = %e, job = %job, "the end of an import job could not be recorded");
        }
        let _ = done.send(result);
    });
    if state.config.job_wait.is_zero() {
        // Every import a job (a setting for tests and for servers behind short proxy timeouts).
        return Ok(Finished::Later(id));
    }
    match tokio::time::timeout(state.config.job_wait, answer).await {
        Ok(Ok(result)) => result.map(Finished::Now),
        _ => Ok(Finished::Later(id)),
    }
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    layout: Layout,
    running: bool,
    started: String,
    finished: String,
    back: String,
    report: Option<ImportReport>,
    error: Option<String>,
    rows: Vec<ledger::RowError>,
}

/// `/jobs/{id}`: an import job of one's own, refreshed every two seconds while it runs.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let job = state.platform.job(&session.0.actor, &id).await?;
    let (report, error, rows) = match job.outcome.clone() {
        Some(JobOutcome::Done(report)) => (Some(report), None, Vec::new()),
        Some(JobOutcome::Refused { message, rows }) => (None, Some(message), rows),
        None => (None, None, Vec::new()),
    };
    let running = job.outcome.is_none();
    let page = render(JobPage {
        layout: Layout::staff(&session.0, &job.title, ""),
        running,
        started: kernel::time::display_stored(&job.started_at),
        finished: job
            .finished_at
            .as_deref()
            .map(kernel::time::display_stored)
            .unwrap_or_default(),
        back: job.back,
        report,
        error,
        rows,
    })?;
    Ok(if running {
        ([(header::REFRESH, "2")], page).into_response()
    } else {
        page.into_response()
    })
}
