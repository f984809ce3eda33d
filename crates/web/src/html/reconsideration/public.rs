//! 行政复议决定公开 (2023 law 第七十九条): the published decisions, applicants masked.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use platform::PageRequest;
use reconsideration::Case;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::html::{Layout, Pager, render};

#[derive(Deserialize, Default)]
pub struct PublicQuery {
    #[serde(default)]
    q: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "portal/fuyi.html")]
struct ListPage {
    layout: Layout,
    q: String,
    cases: Vec<Case>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<PublicQuery>,
) -> PageResult<impl IntoResponse> {
    let text = (!q.q.trim().is_empty()).then(|| q.q.trim().to_string());
    let page = state
        .reconsideration
        .published(text, PageRequest::new(q.page, Some(20)))
        .await?;
    let base = if q.q.is_empty() {
        String::new()
    } else {
        format!(
            "q={}&",
            form_urlencoded::byte_serialize(q.q.as_bytes()).collect::<String>()
        )
    };
    render(ListPage {
        layout: Layout::portal("行政复议决定公开"),
        pager: Pager::new(&page, base),
        cases: page.items,
        q: q.q,
    })
}

#[derive(Template)]
#[template(path = "portal/fuyi_case.html")]
struct CasePage {
    layout: Layout,
    c: Case,
}

pub async fn case(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult<impl IntoResponse> {
    let c = state.reconsideration.published_case(&id).await?;
    render(CasePage {
        layout: Layout::portal(&format!("行政复议决定 {}", c.number)),
        c,
    })
}
