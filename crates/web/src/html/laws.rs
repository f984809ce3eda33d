//! 法规库: search, the law page (versions side by side, the records citing each article),
//! the citation checker, recording a repeal; and the public pages under /gongkai/falv.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use laws::diff::{self, ChangeKind};
use laws::{Article, ArticleNo, Citation, Law, LawId, LawLevel, Resolved, Version};
use search::{Hit, SearchQuery};
use serde::Deserialize;

use super::{Choice, Layout, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

const PER_PAGE: usize = 20;

#[derive(Deserialize, Default)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    all: Option<String>,
    /// Only this law (its id).
    #[serde(default)]
    law: String,
    page: Option<usize>,
}

/// One page of results, shared by the staff and the public search.
pub struct Results {
    pub hits: Vec<HitView>,
    pub total: usize,
    pub note: Option<String>,
    pub page: usize,
    pub pages: usize,
    pub base: String,
}

fn levels(selected: &str) -> Vec<Choice> {
    LawLevel::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().into(),
            label: l.label().into(),
            selected: l.code() == selected,
        })
        .collect()
}

fn run_search(
    state: &AppState,
    form: &SearchForm,
    current_only: bool,
) -> PageResult<Option<Results>> {
    if form.q.trim().is_empty() {
        return Ok(None);
    }
    let page = form.page.unwrap_or(1).clamp(1, 50);
    let query = SearchQuery {
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
        kind: Some(search::LAW_ARTICLE.to_string()),
        level: (!form.level.is_empty()).then(|| form.level.clone()),
        current_only,
        law_id: (!form.law.is_empty()).then(|| form.law.clone()),
        ..SearchQuery::new(&form.q)
    };
    let found = state
        .search
        .search(&query)
        .map_err(|e| WebError::new(kernel::ErrorCode::Internal, e.to_string()))?;
    let base = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &form.q)
        .append_pair("level", &form.level)
        .append_pair("all", if current_only { "" } else { "on" })
        .append_pair("law", &form.law)
        .finish();
    Ok(Some(Results {
        pages: found.total.div_ceil(PER_PAGE).clamp(1, 50),
        total: found.total,
        hits: found
            .hits
            .into_iter()
            .map(|h| HitView {
                anchor: article_anchor(&h.article),
                h,
            })
            .collect(),
        note: found.note,
        page,
        base,
    }))
}

#[derive(Template)]
#[template(path = "laws/search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    levels: Vec<Choice>,
    all: bool,
    results: Option<Results>,
    laws: usize,
    /// The law the search is limited to: (id, short title).
    only: Option<(String, String)>,
}

pub async fn search(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<SearchForm>,
) -> PageResult<impl IntoResponse> {
    let all = form.all.as_deref() == Some("on");
    let results = run_search(&state, &form, !all)?;
    render(SearchPage {
        layout: Layout::staff(&session.0, "法规库", "laws"),
        q: form.q.clone(),
        levels: levels(&form.level),
        all,
        results,
        laws: state.laws.laws().await?.len(),
        only: match form.law.as_str() {
            "" => None,
            id => Some((
                id.to_string(),
                state.laws.law(&LawId::from_stored(id)).await?.short_title,
            )),
        },
    })
}

pub struct ArticleView {
    pub label: String,
    pub chapter: String,
    pub paragraphs: Vec<String>,
    pub citations: Vec<String>,
    /// The article's anchor on the page (`a12`, `a12-1` for 第十二条之一).
    pub anchor: String,
}

/// A search hit with the anchor of its article on the law page (the hit opens the law there).
pub struct HitView {
    pub h: Hit,
    /// `#a35`, or empty when the label is not an article's.
    pub anchor: String,
}

/// `#a35` for 第三十五条, `#a20-1` for 第二十条之一.
fn article_anchor(label: &str) -> String {
    let Some(rest) = label.trim().strip_prefix('第') else {
        return String::new();
    };
    let Some((number, after)) = rest.split_once('条') else {
        return String::new();
    };
    let suffix = after
        .strip_prefix('之')
        .and_then(laws::numerals::parse)
        .unwrap_or(0);
    match laws::numerals::parse(number) {
        Some(n) => format!("#{}", anchor(ArticleNo { number: n, suffix })),
        None => String::new(),
    }
}

/// The anchor of an article on the law page, which citations link to.
pub fn anchor(no: ArticleNo) -> String {
    if no.suffix == 0 {
        format!("a{}", no.number)
    } else {
        format!("a{}-{}", no.number, no.suffix)
    }
}

pub struct Row {
    pub kind: &'static str,
    pub changed: bool,
    pub left: Option<ArticleView>,
    pub right: Option<ArticleView>,
}

fn view(article: &Article, cites: Option<&Vec<String>>) -> ArticleView {
    ArticleView {
        label: article.label.clone(),
        chapter: article.chapter.clone(),
        paragraphs: article.paragraphs.clone(),
        citations: cites.cloned().unwrap_or_default(),
        anchor: anchor(article.no),
    }
}

/// Articles of the left and right versions, aligned by the diff (by text, not by number).
fn rows(
    left: &[Article],
    right: &[Article],
    cites_left: &HashMap<ArticleNo, Vec<String>>,
    cites_right: &HashMap<ArticleNo, Vec<String>>,
) -> Vec<Row> {
    let find = |list: &[Article], no: Option<ArticleNo>| {
        no.and_then(|n| list.iter().find(|a| a.no == n).cloned())
    };
    let mut out: Vec<Row> = Vec::new();
    for change in diff::diff(left, right) {
        let l = find(left, change.old);
        let r = find(right, change.new);
        out.push(Row {
            kind: change.kind.label(),
            changed: change.kind != ChangeKind::Unchanged,
            left: l.as_ref().map(|a| view(a, cites_left.get(&a.no))),
            right: r.as_ref().map(|a| view(a, cites_right.get(&a.no))),
        });
    }
    out.sort_by_key(|row| {
        let no = |v: &Option<ArticleView>| v.as_ref().map(|a| a.label.clone());
        (
            right
                .iter()
                .position(|a| Some(a.label.clone()) == no(&row.right))
                .unwrap_or(usize::MAX),
            left.iter()
                .position(|a| Some(a.label.clone()) == no(&row.left)),
        )
    });
    out
}

fn cited_in(citations: &[Citation], version: &Version) -> HashMap<ArticleNo, Vec<String>> {
    let mut map: HashMap<ArticleNo, Vec<String>> = HashMap::new();
    for c in citations
        .iter()
        .filter(|c| c.version_id.as_deref() == Some(version.id.as_str()))
    {
        if let Some(no) = c.article {
            map.entry(no)
                .or_default()
                .push(format!("{} {} {}", c.module, c.record_type, c.record_id));
        }
    }
    map
}

pub struct VersionRow {
    pub version_date: String,
    pub effective_on: String,
    pub superseded_on: String,
    pub articles: i64,
    pub history: Vec<String>,
}

#[derive(Template)]
#[template(path = "laws/law.html")]
struct LawPage {
    layout: Layout,
    law: Law,
    level: &'static str,
    versions: Vec<VersionRow>,
    left: Option<String>,
    right: String,
    choices_left: Vec<Choice>,
    choices_right: Vec<Choice>,
    rows: Vec<Row>,
    can_repeal: bool,
    public: bool,
}

#[derive(Deserialize, Default)]
pub struct Compare {
    a: Option<String>,
    b: Option<String>,
    ok: Option<String>,
}

/// The law page's content, shared by the staff and the public page.
async fn law_page(
    state: &AppState,
    id: &str,
    compare: &Compare,
    with_citations: bool,
    layout: Layout,
    can_repeal: bool,
) -> PageResult<LawPage> {
    let law = state
        .laws
        .law(&LawId::from_stored(id))
        .await
        .map_err(|_| WebError::not_found())?;
    let versions = state.laws.versions(&law.id).await?;
    let pick = |wanted: &Option<String>| {
        wanted
            .as_ref()
            .and_then(|w| versions.iter().find(|v| v.id.as_str() == w))
            .cloned()
    };
    let right = pick(&compare.b).or_else(|| versions.last().cloned());
    let left = pick(&compare.a).or_else(|| {
        if compare.a.is_none() && versions.len() > 1 {
            versions.get(versions.len() - 2).cloned()
        } else {
            None
        }
    });
    let left = left.filter(|l| Some(&l.id) != right.as_ref().map(|r| &r.id));
    let citations = if with_citations {
        state.laws.citations_of_law(&law.id, None).await?
    } else {
        Vec::new()
    };
    let rows = match &right {
        None => Vec::new(),
        Some(r) => {
            let right_articles = state.laws.articles(&r.id).await?;
            let left_articles = match &left {
                Some(l) => state.laws.articles(&l.id).await?,
                None => Vec::new(),
            };
            let cl = left
                .as_ref()
                .map(|l| cited_in(&citations, l))
                .unwrap_or_default();
            let cr = cited_in(&citations, r);
            if left.is_none() {
                right_articles
                    .iter()
                    .map(|a| Row {
                        kind: "",
                        changed: false,
                        left: None,
                        right: Some(view(a, cr.get(&a.no))),
                    })
                    .collect()
            } else {
                rows(&left_articles, &right_articles, &cl, &cr)
            }
        }
    };
    let choice = |selected: Option<&Version>| -> Vec<Choice> {
        versions
            .iter()
            .map(|v| Choice {
                value: v.id.to_string(),
                label: format!("{}版", v.version_date),
                selected: selected.is_some_and(|s| s.id == v.id),
            })
            .collect()
    };
    Ok(LawPage {
        layout,
        level: law.level.label(),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version_date: v.version_date.to_string(),
                effective_on: v.effective_on.to_string(),
                superseded_on: v.superseded_on.map(|d| d.to_string()).unwrap_or_default(),
                articles: v.article_count,
                history: v.history.clone(),
            })
            .collect(),
        choices_left: choice(left.as_ref()),
        choices_right: choice(right.as_ref()),
        left: left.map(|l| format!("{}版", l.version_date)),
        right: right
            .map(|r| format!("{}版", r.version_date))
            .unwrap_or_default(),
        rows,
        law,
        can_repeal,
        public: !with_citations,
    })
}

pub async fn law(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(compare): Query<Compare>,
) -> PageResult<impl IntoResponse> {
    let title = state
        .laws
        .law(&LawId::from_stored(id.clone()))
        .await
        .map(|l| l.short_title)
        .unwrap_or_default();
    let layout = Layout::staff(&session.0, &format!("《{title}》"), "laws")
        .with_notice(compare.ok.as_deref());
    let can_repeal = session.0.actor.can(kernel::Permission::WriteRecords);
    render(law_page(&state, &id, &compare, true, layout, can_repeal).await?)
}

#[derive(Deserialize)]
pub struct RepealForm {
    date: String,
    basis: String,
    #[serde(default)]
    successor: String,
}

pub async fn repeal(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RepealForm>,
) -> PageResult<Response> {
    let date = kernel::time::parse_date(&form.date).map_err(WebError::invalid)?;
    let successor = Some(form.successor.trim().to_string()).filter(|s| !s.is_empty());
    state
        .laws
        .record_repeal(
            &session.0.actor,
            &LawId::from_stored(id.clone()),
            date,
            successor,
            &form.basis,
        )
        .await?;
    Ok(Redirect::to(&format!("/laws/{id}?ok=saved")).into_response())
}

#[derive(Deserialize)]
pub struct AmendForm {
    version_date: String,
    effective_on: String,
    text: String,
}

pub async fn amend(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<AmendForm>,
) -> PageResult<Response> {
    let version_date = kernel::time::parse_date(&form.version_date).map_err(WebError::invalid)?;
    let effective_on = kernel::time::parse_date(&form.effective_on).map_err(WebError::invalid)?;
    state
        .laws
        .record_amendment(
            &session.0.actor,
            &LawId::from_stored(id.clone()),
            version_date,
            effective_on,
            &form.text,
        )
        .await?;
    Ok(Redirect::to(&format!("/laws/{id}?ok=saved")).into_response())
}

#[derive(Template)]
#[template(path = "laws/cite.html")]
struct CitePage {
    layout: Layout,
    text: String,
    on: String,
    resolved: Vec<Resolved>,
}

#[derive(Deserialize, Default)]
pub struct CiteForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    on: String,
}

pub async fn cite(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<CiteForm>,
) -> PageResult<impl IntoResponse> {
    let on: NaiveDate = if form.on.trim().is_empty() {
        kernel::time::china_today()
    } else {
        kernel::time::parse_date(&form.on).map_err(WebError::invalid)?
    };
    let resolved = if form.text.trim().is_empty() {
        Vec::new()
    } else {
        state.laws.resolve(&form.text, on).await?
    };
    render(CitePage {
        layout: Layout::staff(&session.0, "识别法律条文引用", "laws"),
        text: form.text,
        on: on.to_string(),
        resolved,
    })
}

#[derive(Template)]
#[template(path = "portal/falv.html")]
struct PublicSearchPage {
    title: String,
    q: String,
    levels: Vec<Choice>,
    results: Option<Results>,
}

pub async fn public_search(
    State(state): State<AppState>,
    Query(form): Query<SearchForm>,
) -> PageResult<impl IntoResponse> {
    let results = run_search(&state, &form, true)?;
    render(PublicSearchPage {
        title: "法律法规检索".into(),
        q: form.q.clone(),
        levels: levels(&form.level),
        results,
    })
}

pub async fn public_law(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(compare): Query<Compare>,
) -> PageResult<impl IntoResponse> {
    let layout = Layout::portal("法律法规");
    render(law_page(&state, &id, &compare, false, layout, false).await?)
}
