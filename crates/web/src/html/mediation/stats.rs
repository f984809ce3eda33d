//! 人民调解 statistics: the year's figures by their Chinese names with their definitions and
//! charts, by town, and as a workbook.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use kernel::Permission;
use report::Module;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::html::figures::{ModuleView, module_view};
use crate::html::{Layout, render};
use crate::session::Session;

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    year: Option<i32>,
}

/// One line of the figures by town.
pub struct TownLine {
    pub town: String,
    pub s: mediation::MediationStats,
    /// The success rate as a rate is shown: two decimals.
    pub rate: String,
}

#[derive(Template)]
#[template(path = "mediation/stats.html")]
struct StatsPage {
    layout: Layout,
    year: i32,
    caption: String,
    view: ModuleView,
    towns: Vec<TownLine>,
}

/// The year and the reader's view of the figures (the towns under the reader).
async fn read_stats(
    state: &AppState,
    session: &Session,
    q: &StatsQuery,
) -> PageResult<(i32, ModuleView)> {
    state
        .platform
        .require(
            &session.0.actor,
            Permission::ReadRecords,
            "mediation_stats",
            "view",
        )
        .await?;
    let year = q.year.unwrap_or_else(|| kernel::time::china_today().year());
    let root = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
    };
    let view = module_view(state, Module::Mediation, year, root.as_ref()).await?;
    Ok((year, view))
}

/// The statistics as a workbook.
pub async fn stats_xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<Response> {
    let (year, view) = read_stats(&state, &session, &q).await?;
    Ok(
        crate::html::figures::xlsx_response(&state, view, &format!("{year}年人民调解统计.xlsx"))
            .await?,
    )
}

pub async fn stats(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<impl IntoResponse> {
    let (year, view) = read_stats(&state, &session, &q).await?;
    let mut towns = Vec::new();
    for town in state.platform.orgs_in_scope(&session.0.actor).await? {
        if town.kind.is_town_or_street() {
            let s = state.mediation.stats(year, Some(&town)).await?;
            let rate = report::Value::Rate(s.success_rate).shown();
            towns.push(TownLine {
                town: town.name,
                s,
                rate,
            });
        }
    }
    render(StatsPage {
        layout: Layout::staff(&session.0, &format!("{year}年人民调解统计"), "mediation"),
        year,
        caption: format!("{year}年人民调解统计（每项数字旁为其统计口径）"),
        view,
        towns,
    })
}
