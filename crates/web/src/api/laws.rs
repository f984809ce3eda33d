//! The law base: search and citation resolution.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, WebError};
use crate::extract::ApiQuery;
use crate::session::ApiSession;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words separated by spaces must all occur.
    q: String,
    /// 1 to 100 (10 when absent).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// 0 to 1000.
    #[param(minimum = 0, maximum = 1000)]
    offset: Option<usize>,
    /// A level code, e.g. `law`, `administrative_regulation`.
    level: Option<String>,
    /// Include versions no longer in force.
    all_versions: Option<bool>,
    law_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub kind: String,
    pub law: String,
    pub law_id: String,
    pub version: String,
    pub article: String,
    pub title: String,
    /// Text around the first match, the match in 【】.
    pub snippet: String,
    pub score: f32,
}

#[derive(Serialize, ToSchema)]
pub struct SearchDto {
    pub total: usize,
    pub hits: Vec<HitDto>,
    pub note: Option<String>,
}

/// Full-text search of law articles.
#[utoipa::path(get, path = "/api/v1/laws/search", params(SearchParams), responses((status = 200, body = SearchDto)))]
pub async fn search(
    State(state): State<AppState>,
    _session: ApiSession,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchDto>> {
    if p.limit.is_some_and(|n| !(1..=100).contains(&n)) {
        return Err(WebError::invalid("条数应为1–100").into());
    }
    if p.offset.is_some_and(|n| n > 1000) {
        return Err(WebError::invalid("起始位置应为0–1000").into());
    }
    let query = search::SearchQuery {
        limit: p.limit.unwrap_or(10),
        offset: p.offset.unwrap_or(0),
        kind: Some(search::LAW_ARTICLE.to_string()),
        level: p.level,
        current_only: !p.all_versions.unwrap_or(false),
        law_id: p.law_id,
        ..search::SearchQuery::new(&p.q)
    };
    let found = state
        .search
        .search(&query)
        .map_err(|e| WebError::new(kernel::ErrorCode::Internal, e.to_string()))?;
    Ok(Json(SearchDto {
        total: found.total,
        note: found.note,
        hits: found
            .hits
            .into_iter()
            .map(|h| HitDto {
                kind: h.kind,
                law: h.law,
                law_id: h.law_id,
                version: h.version,
                article: h.article,
                title: h.title,
                snippet: h.snippet,
                score: h.score,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CiteParams {
    text: String,
    /// The date whose versions apply (YYYY-MM-DD, default today).
    #[param(format = Date)]
    on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CitationDto {
    pub raw: String,
    /// resolved or unresolved
    pub status: String,
    pub reason: Option<String>,
    pub law: Option<String>,
    pub law_id: Option<String>,
    pub version: Option<String>,
    pub article: Option<String>,
    pub paragraph: Option<u32>,
    pub item: Option<u32>,
    pub text: Option<String>,
}

/// Reads the law articles cited in a text and resolves them to the versions in force on a date.
#[utoipa::path(get, path = "/api/v1/laws/cite", params(CiteParams), responses((status = 200, body = [CitationDto]), (status = 400, body = super::ErrorBody)))]
pub async fn cite(
    State(state): State<AppState>,
    _session: ApiSession,
    ApiQuery(p): ApiQuery<CiteParams>,
) -> ApiResult<Json<Vec<CitationDto>>> {
    let on = match p.on {
        Some(d) => super::date(&d, "日期")?,
        None => kernel::time::china_today(),
    };
    let resolved = state.laws.resolve(&p.text, on).await?;
    Ok(Json(
        resolved
            .into_iter()
            .map(|r| CitationDto {
                raw: r.raw,
                status: match r.status {
                    laws::Resolution::Resolved => "resolved".into(),
                    laws::Resolution::Unresolved => "unresolved".into(),
                },
                reason: r.reason,
                law: r.law,
                law_id: r.law_id,
                version: r.version,
                article: r.article,
                paragraph: r.paragraph,
                item: r.item,
                text: r.text,
            })
            .collect(),
    ))
}
