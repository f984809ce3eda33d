//! 权责清单公开: the list in force today (or on a chosen day), filterable, searchable through the
//! search index; each item with its basis (linked to the public law pages) and who exercises it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use platform::PageRequest;
use power::{Item, ItemId};
use search::SearchQuery;

use super::{BasisLine, ListForm, PER_PAGE, Row, basis, form_date, row, type_choices, version_on};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::html::{Choice, Pager, render};

#[derive(Template)]
#[template(path = "portal/quanze.html")]
struct ListPage {
    title: String,
    form: ListForm,
    on: NaiveDate,
    rows: Vec<Row>,
    pager: Pager,
    departments: Vec<Choice>,
    types: Vec<Choice>,
    note: Option<String>,
}

/// Search hits as list rows: the item as it stood on the day.
async fn found(
    state: &AppState,
    form: &ListForm,
    on: NaiveDate,
    request: PageRequest,
) -> PageResult<(Vec<Item>, i64, Option<String>)> {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let query = SearchQuery {
        kind: Some(search::POWER_ITEM.to_string()),
        as_of: Some(on),
        level: power::ItemType::parse(&form.item_type).map(|t| t.code().to_string()),
        law_id: some(&form.department),
        limit: request.per_page as usize,
        offset: usize::try_from(request.offset()).unwrap_or(0),
        ..SearchQuery::new(&form.q)
    };
    let results = state
        .search
        .search(&query)
        .map_err(|e| WebError::new(kernel::ErrorCode::Internal, e.to_string()))?;
    let mut items = Vec::new();
    for hit in &results.hits {
        let versions = state
            .power
            .item_versions(&ItemId::from_stored(hit.version_id.clone()))
            .await?;
        if let Some(v) = version_on(&versions, on) {
            items.push(v.clone());
        }
    }
    Ok((items, results.total as i64, results.note))
}

pub async fn list(
    State(state): State<AppState>,
    Query(form): Query<ListForm>,
) -> PageResult<impl IntoResponse> {
    let on = form_date(&form.on, "日期")?;
    let request = PageRequest::new(form.page, Some(PER_PAGE));
    let (items, total, note) = if form.q.trim().is_empty() {
        let filter = power::ItemFilter {
            department: (!form.department.is_empty()).then(|| form.department.clone()),
            item_type: power::ItemType::parse(&form.item_type),
            ..Default::default()
        };
        let page = state.power.public_items(on, filter, request).await?;
        (page.items, page.total, None)
    } else {
        found(&state, &form, on, request).await?
    };
    let page = platform::Page::new(items, request, total);
    let base = ListForm {
        level: String::new(),
        town: String::new(),
        status: String::new(),
        ..form.clone()
    }
    .base();
    render(ListPage {
        title: "权责清单".into(),
        on,
        rows: page.items.iter().map(row).collect(),
        pager: Pager::new(&page, base),
        departments: super::department_choices(&state, None, &form.department).await?,
        types: type_choices(&form.item_type),
        note,
        form,
    })
}

#[derive(Template)]
#[template(path = "portal/quanze_item.html")]
struct ItemPage {
    title: String,
    item: Item,
    basis: Vec<BasisLine>,
    holders: Vec<String>,
    on: NaiveDate,
}

#[derive(serde::Deserialize, Default)]
pub struct OnQuery {
    #[serde(default)]
    on: String,
}

pub async fn item(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<OnQuery>,
) -> PageResult<impl IntoResponse> {
    let id = ItemId::from_stored(id);
    let on = form_date(&q.on, "日期")?;
    let versions = state.power.item_versions(&id).await?;
    // The version that held on the day; none before the item began.
    let item = version_on(&versions, on)
        .filter(|v| v.valid_from <= on)
        .cloned()
        .ok_or_else(WebError::not_found)?;
    render(ItemPage {
        title: format!("{} {}", item.code, item.fields.name),
        basis: basis(&state, &item.fields.legal_basis, on, "/gongkai/falv").await?,
        holders: state.power.holders(&id, on).await?,
        on,
        item,
    })
}
