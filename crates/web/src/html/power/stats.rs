//! 权责清单 statistics: the year's figures by their Chinese names, each beside its definition.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Datelike;
use report::Module;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::html::figures::{ModuleView, module_view, reader_org, xlsx_response};
use crate::html::{Layout, render};
use crate::session::Session;

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    pub year: Option<i32>,
}

#[derive(Template)]
#[template(path = "power/stats.html")]
struct StatsPage {
    layout: Layout,
    year: i32,
    caption: String,
    view: ModuleView,
}

/// The year and the reader's view of the figures (a department sees its own items').
async fn read(
    state: &AppState,
    session: &Session,
    q: &StatsQuery,
) -> PageResult<(i32, ModuleView)> {
    let year = q.year.unwrap_or_else(|| kernel::time::china_today().year());
    let org = reader_org(state, &session.0.actor).await?;
    let view = module_view(state, Module::Power, year, org.as_ref()).await?;
    Ok((year, view))
}

/// The statistics as a workbook.
pub async fn xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<axum::response::Response> {
    let (year, view) = read(&state, &session, &q).await?;
    Ok(xlsx_response(&state, view, &format!("{year}年权责清单统计.xlsx")).await?)
}

pub async fn stats(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<impl IntoResponse> {
    let (year, view) = read(&state, &session, &q).await?;
    render(StatsPage {
        layout: Layout::staff(&session.0, &format!("{year}年权责清单统计"), "power"),
        year,
        caption: format!("{year}年权责清单统计（每项数字旁为其统计口径）"),
        view,
    })
}
