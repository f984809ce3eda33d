//! 行政执法公示 on the portal (国办发〔2018〕118号 §二): 事前 — the bodies with their officers'
//! names and certificate numbers; 事后 — the year's published penalty decisions, a natural
//! person's name masked.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Datelike;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::html::{Layout, render};

#[derive(Template)]
#[template(path = "portal/zhifa.html")]
struct PublicPage {
    layout: Layout,
    year: i32,
    bodies: Vec<enforcement::PublicBody>,
    decisions: Vec<enforcement::PublicDecision>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<YearQuery>,
) -> PageResult<impl IntoResponse> {
    let year = q.year.unwrap_or_else(|| kernel::time::china_today().year());
    render(PublicPage {
        layout: Layout::portal("行政执法公示"),
        year,
        bodies: state.enforcement.public_bodies().await?,
        decisions: state.enforcement.public_decisions(year).await?,
    })
}
