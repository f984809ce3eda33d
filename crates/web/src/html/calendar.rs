//! 工作日历: the years whose holiday notices are known, a deadline calculator that explains
//! itself, and loading a new year's notice.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use kernel::Permission;
use kernel::calendar::{PeriodUnit, TypedHoliday, YearNotice};
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
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
    /// The rows of the typed-notice form, and the year it proposes (the first year not known).
    typed_rows: Vec<usize>,
    next_unknown: i32,
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
        typed_rows: (1..=TYPED_ROWS).collect(),
        next_unknown: (kernel::time::china_today().year()..)
            .find(|y| !calendar.knows(*y))
            .unwrap_or_default(),
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
        let years = state.platform.load_notices(&session.0.actor, &text).await?;
        recompute(&state, &session, &years).await
    }
    .await;
    answer(&state, &session, outcome).await
}

/// Deadlines computed provisionally (暂定) for the loaded years are computed again.
async fn recompute(state: &AppState, session: &Session, years: &[i32]) -> Result<(), WebError> {
    state
        .reconsideration
        .recompute_deadlines(&session.0.actor, years)
        .await?;
    Ok(())
}

/// The most holidays the form offers (a notice has seven).
pub const TYPED_ROWS: usize = 8;

/// 手工录入: one year's notice typed into the form — the year, the notice's title, and for each
/// holiday its name, first and last rest day, and make-up workdays.
pub async fn typed(
    State(state): State<AppState>,
    session: Session,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let outcome = async {
        let notice = typed_notice(&fields)?;
        let years = state
            .platform
            .load_typed_notice(&session.0.actor, notice)
            .await?;
        recompute(&state, &session, &years).await
    }
    .await;
    answer(&state, &session, outcome).await
}

/// The form's fields as a notice, or which row is wrong and why.
fn typed_notice(fields: &[(String, String)]) -> Result<YearNotice, WebError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or_default()
    };
    let year: i32 = field("year")
        .parse()
        .map_err(|_| WebError::invalid("请填写年份（如 2027）"))?;
    let mut holidays = Vec::new();
    for i in 1..=TYPED_ROWS {
        let (name, from, to, work) = (
            field(&format!("name_{i}")),
            field(&format!("from_{i}")),
            field(&format!("to_{i}")),
            field(&format!("work_{i}")),
        );
        if [name, from, to, work].iter().all(|v| v.is_empty()) {
            continue;
        }
        let row = |what: &str| WebError::invalid(format!("第{i}个节日{}：{what}", label(name)));
        if name.is_empty() {
            return Err(row("请填写节日名称"));
        }
        let date = |v: &str, what: &str| {
            kernel::time::parse_date(v).map_err(|_| row(&format!("{what}“{v}”不是有效日期")))
        };
        let off_from = date(from, "放假开始日")?;
        let off_to = if to.is_empty() {
            off_from
        } else {
            date(to, "放假结束日")?
        };
        let work = work
            .split(['、', ',', '，', ';', '；', ' '])
            .filter(|w| !w.trim().is_empty())
            .map(|w| date(w.trim(), "调休上班日"))
            .collect::<Result<Vec<_>, _>>()?;
        holidays.push(TypedHoliday {
            name: name.into(),
            off_from,
            off_to,
            work,
        });
    }
    YearNotice::from_typed(year, field("notice"), holidays)
        .map_err(|e| WebError::invalid(e.to_string()))
}

fn label(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("（{name}）")
    }
}

async fn answer(
    state: &AppState,
    session: &Session,
    outcome: Result<(), WebError>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to("/calendar?ok=loaded").into_response()),
        Err(e) if e.code == kernel::ErrorCode::InvalidInput => {
            let page = render(
                page_with(state, session, DeadlineQuery::default(), Some(e.message)).await?,
            )?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
