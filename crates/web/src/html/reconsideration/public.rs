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
    /// The decision's text, the applicant masked, paragraph by paragraph.
    text: Vec<String>,
    id: String,
}

pub async fn case(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult<impl IntoResponse> {
    let c = state.reconsideration.published_case(&id).await?;
    let text = match state.reconsideration.published_decision(&id).await? {
        Some((_, doc)) => doc
            .plain_text()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    render(CasePage {
        layout: Layout::portal(&format!("行政复议决定 {}", c.number)),
        c,
        text,
        id,
    })
}

/// The published decision as a .docx, the applicant masked.
pub async fn decision_docx(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PageResult<axum::response::Response> {
    let Some((case, doc)) = state.reconsideration.published_decision(&id).await? else {
        return Err(crate::error::WebError::new(
            kernel::ErrorCode::NotFound,
            "该案件没有公开的决定书",
        )
        .into());
    };
    let bytes = state
        .platform
        .heavy(move || doc.to_docx())
        .await?
        .map_err(|e| crate::error::WebError::invalid(e.to_string()))?;
    let name = format!("行政复议决定书-{}.docx", case.number);
    Ok(super::super::docx_download("decision.docx", &name, bytes))
}
