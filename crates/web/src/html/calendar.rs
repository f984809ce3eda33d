//! 工作日历: the years whose holiday notices are known, a deadline calculator that explains
//! itself, and loading a new year's notice.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::Permission;
use kernel::calendar::PeriodUnit;
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::session::Session;

pub struct YearRow {
    pub year: i32,
    pub notices: Vec<String>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    years: Vec<YearRow>,
    form: DeadlineQuery,
    result: Option<Result<(String, String), String>>,
    can_load: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DeadlineQuery {
    #[serde(default)]
    start: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    unit: String,
    ok: Option<String>,
}

async fn page_with(
    state: &AppState,
    session: &Session,
    q: DeadlineQuery,
    error: Option<String>,
) -> PageResult<CalendarPage> {
    let calendar = state.platform.calendar().await?;
    let years = calendar
        .known_years()
        .into_iter()
        .map(|y| YearRow {
            year: y,
            notices: calendar
                .notices_of(y)
                .map(|n| n.to_vec())
                .unwrap_or_default(),
        })
        .collect();
    let result = (!q.start.is_empty()).then(|| {
        let start = kernel::time::parse_date(&q.start)?;
        let count: u32 = q
            .count
            .trim()
            .parse()
            .map_err(|_| "期间天数应为正整数".to_string())?;
        let unit = PeriodUnit::parse(&q.unit).map_err(|e| e.to_string())?;
        let deadline = calendar
            .add(start, count, unit)
            .map_err(|e| e.to_string())?;
        Ok((deadline.due.to_string(), deadline.explain()))
    });
    Ok(CalendarPage {
        layout: Layout::staff(&session.0, "工作日历", "calendar").with_notice(q.ok.as_deref()),
        years,
        form: q,
        result,
        can_load: session.0.actor.can(Permission::ManageCalendar),
        error,
    })
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<DeadlineQuery>,
) -> PageResult<impl IntoResponse> {
    render(page_with(&state, &session, q, None).await?)
}

pub async fn load(
    State(state): State<AppState>,
    session: Session,
    multipart: Multipart,
) -> PageResult<Response> {
    let outcome = async {
        let upload = super::orgs::read_upload(
            &state,
            &session,
            kernel::Permission::ManageCalendar,
            multipart,
        )
        .await?;
        let text = String::from_utf8(upload.file.bytes)
            .map_err(|_| WebError::invalid("文件不是UTF-8文本"))?;
        Ok::<_, WebError>(state.platform.load_notices(&session.0.actor, &text).await?)
    }
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to("/calendar?ok=loaded").into_response()),
        Err(e) if e.code == kernel::ErrorCode::InvalidInput => {
            let page = render(
                page_with(&state, &session, DeadlineQuery::default(), Some(e.message)).await?,
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
