//! 权责清单: the list as it stood on a day (filters, pages), one item with its versions, its
//! legal basis linked to the articles, its adjustments and delegations; two days compared; the
//! worklist. Adjustments, delegations, ledgers and the public list have their own files.

pub mod adjust;
pub mod delegate;
pub mod ledger;
pub mod public;
pub mod stats;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use kernel::{Permission, Role};
use laws::Resolved;
use platform::PageRequest;
use platform::SessionInfo;
use power::{
    Adjustment, Comparison, Delegation, Item, ItemFilter, ItemId, ItemType, Level, WorkItem,
};
use serde::Deserialize;

use super::{Choice, Layout, Pager, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::session::Session;

pub const PER_PAGE: u32 = 50;

/// A date from a form: empty is today; anything else must be YYYY-MM-DD.
pub fn form_date(text: &str, what: &str) -> Result<NaiveDate, WebError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(kernel::time::china_today());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| WebError::invalid(format!("{what}“{text}”不是有效日期，应为 YYYY-MM-DD")))
}

pub fn type_choices(selected: &str) -> Vec<Choice> {
    ItemType::ALL
        .iter()
        .map(|t| Choice {
            value: t.code().into(),
            label: t.label().into(),
            selected: t.code() == selected,
        })
        .collect()
}

fn level_choices(selected: &str) -> Vec<Choice> {
    Level::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().into(),
            label: l.label().into(),
            selected: l.code() == selected,
        })
        .collect()
}

/// The departments (and the government itself) whose items the list may show.
pub async fn department_choices(
    state: &AppState,
    session: Option<&SessionInfo>,
    selected: &str,
) -> PageResult<Vec<Choice>> {
    let orgs = match session {
        Some(s) => state.platform.orgs_in_scope(&s.actor).await?,
        None => state.platform.directory().await?,
    };
    Ok(orgs
        .into_iter()
        .filter(|o| !o.kind.is_town_or_street() && !o.kind.is_government())
        .map(|o| Choice {
            selected: o.id.as_str() == selected,
            value: o.id.to_string(),
            label: o.name,
        })
        .collect())
}

/// The towns and streets, for the town filter and the delegation form.
pub async fn town_choices(state: &AppState, selected: &[&str]) -> PageResult<Vec<Choice>> {
    Ok(state
        .platform
        .directory()
        .await?
        .into_iter()
        .filter(|o| o.kind.is_town_or_street())
        .map(|o| Choice {
            selected: selected.contains(&o.id.as_str()),
            value: o.id.to_string(),
            label: o.name,
        })
        .collect())
}

/// The list's filters, as the query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListForm {
    #[serde(default)]
    pub department: String,
    #[serde(default, rename = "type")]
    pub item_type: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub on: String,
    pub page: Option<u32>,
    /// The order: a column's key, `-` before it for descending.
    #[serde(default)]
    pub sort: String,
    /// Rows per page.
    pub per: Option<u32>,
}

/// The item list's sortable columns.
const SORTABLE: &[(&str, &str)] = &[
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("type", "事项类型"),
    ("org", "实施主体"),
    ("level", "实施层级"),
    ("from", "本版起始"),
];

impl ListForm {
    pub fn filter(&self) -> ItemFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        ItemFilter {
            department: some(&self.department),
            item_type: ItemType::parse(&self.item_type),
            level: Level::parse(&self.level),
            town: some(&self.town),
            text: some(&self.q),
            cancelled: self.status == "cancelled",
            sort: super::sort_of(&self.sort),
            ..Default::default()
        }
    }

    /// The query string without the page, for the pager.
    pub fn base(&self) -> String {
        let mut s = self.filters();
        if !self.sort.is_empty() {
            s.push_str(&format!("sort={}&", super::urlencode(&self.sort)));
        }
        s
    }

    /// The query of the filters, date and page size alone (for the sortable headers).
    pub fn filters(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("department", &self.department),
            ("type", &self.item_type),
            ("level", &self.level),
            ("town", &self.town),
            ("status", &self.status),
            ("q", &self.q),
            ("on", &self.on),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if let Some(p) = self.per {
            s.append_pair("per", &p.to_string());
        }
        let s = s.finish();
        if s.is_empty() { s } else { format!("{s}&") }
    }
}

/// One row of a list.
pub struct Row {
    pub id: String,
    pub code: String,
    pub name: String,
    pub sub_name: String,
    pub item_type: &'static str,
    pub org_name: String,
    pub level: &'static str,
    pub valid_from: String,
}

pub fn row(item: &Item) -> Row {
    Row {
        id: item.id.to_string(),
        code: item.code.clone(),
        name: item.fields.name.clone(),
        sub_name: item.fields.sub_name.clone(),
        item_type: item.fields.item_type.label(),
        org_name: item.org_name.clone(),
        level: item.fields.level.label(),
        valid_from: if item.valid_from == power::model::beginning() {
            "—".into()
        } else {
            item.valid_from.to_string()
        },
    }
}

#[derive(Template)]
#[template(path = "power/list.html")]
struct ListPage {
    layout: Layout,
    form: ListForm,
    headers: Vec<super::SortHeader>,
    sizes: Vec<Choice>,
    on: NaiveDate,
    rows: Vec<Row>,
    pager: Pager,
    departments: Vec<Choice>,
    types: Vec<Choice>,
    levels: Vec<Choice>,
    towns: Vec<Choice>,
    can_propose: bool,
    can_import: bool,
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<ListForm>,
) -> PageResult<impl IntoResponse> {
    let on = form_date(&form.on, "日期")?;
    let request = PageRequest::new(form.page, Some(form.per.unwrap_or(PER_PAGE)));
    let page = state
        .power
        .items(&session.0.actor, on, form.filter(), request)
        .await?;
    let actor = &session.0.actor;
    render(ListPage {
        layout: Layout::staff(&session.0, "权责清单", "power"),
        on,
        rows: page.items.iter().map(row).collect(),
        pager: Pager::new(&page, form.base()),
        headers: super::sort_headers(&form.filters(), &form.sort, SORTABLE),
        sizes: super::page_sizes(form.per, PER_PAGE),
        departments: department_choices(&state, Some(&session.0), &form.department).await?,
        types: type_choices(&form.item_type),
        levels: level_choices(&form.level),
        towns: town_choices(&state, &[form.town.as_str()]).await?,
        can_propose: actor.can(Permission::WriteRecords),
        can_import: actor.can(Permission::WriteRecords)
            && matches!(actor.role, Some(Role::LegalAffairs) | None),
        form,
    })
}

/// A legal basis as the law base reads it, each reference linked to its law.
pub struct BasisLine {
    pub raw: String,
    pub law: Option<String>,
    pub href: Option<String>,
    pub article: String,
    pub text: Option<String>,
    pub resolved: bool,
    pub reason: Option<String>,
}

pub async fn basis(
    state: &AppState,
    text: &str,
    on: NaiveDate,
    law_base: &str,
) -> PageResult<Vec<BasisLine>> {
    let resolved: Vec<Resolved> = state.laws.resolve(text, on).await?;
    Ok(resolved
        .into_iter()
        .map(|r| {
            let mut article = r.article.clone().unwrap_or_default();
            // 款 and 项 as the law writes them: 第五十八条第一款第（二）项 is read 第一款第二项.
            if let Some(p) = r.paragraph {
                article.push_str(&format!("第{}款", laws::numerals::write(p)));
            }
            if let Some(i) = r.item {
                article.push_str(&format!("第{}项", laws::numerals::write(i)));
            }
            let at = r
                .article_number
                .map(|n| {
                    let no = laws::ArticleNo {
                        number: n,
                        suffix: r.article_suffix.unwrap_or(0),
                    };
                    format!("#{}", super::laws::anchor(no))
                })
                .unwrap_or_default();
            BasisLine {
                href: r.law_id.as_ref().map(|id| format!("{law_base}/{id}{at}")),
                resolved: r.status == laws::Resolution::Resolved,
                raw: r.raw,
                law: r.law,
                article,
                text: r.text,
                reason: r.reason,
            }
        })
        .collect())
}

/// One version, for the versions table.
pub struct VersionRow {
    pub valid_from: String,
    pub valid_to: String,
    pub change: String,
    pub name: String,
    pub org_name: String,
    pub item_type: &'static str,
    pub active: bool,
}

pub fn version_rows(versions: &[Item]) -> Vec<VersionRow> {
    versions
        .iter()
        .map(|v| VersionRow {
            valid_from: if v.valid_from == power::model::beginning() {
                "—".into()
            } else {
                v.valid_from.to_string()
            },
            valid_to: v.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            change: v.change.clone(),
            name: v.fields.name.clone(),
            org_name: v.org_name.clone(),
            item_type: v.fields.item_type.label(),
            active: v.active,
        })
        .collect()
}

/// The version in force on `on`, else the latest.
pub fn version_on(versions: &[Item], on: NaiveDate) -> Option<&Item> {
    versions
        .iter()
        .rev()
        .find(|v| v.valid_from <= on && v.valid_to.is_none_or(|t| t > on))
        .or(versions.last())
}

#[derive(Template)]
#[template(path = "power/item.html")]
struct ItemPage {
    layout: Layout,
    item: Item,
    in_force: bool,
    versions: Vec<VersionRow>,
    basis: Vec<BasisLine>,
    adjustments: Vec<Adjustment>,
    delegations: Vec<Delegation>,
    can_propose: bool,
    can_delegate: bool,
    today: NaiveDate,
}

pub async fn item(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<super::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    let id = ItemId::from_stored(id);
    let actor = &session.0.actor;
    let versions = state.power.item(actor, &id).await?;
    let today = kernel::time::china_today();
    let item = version_on(&versions, today)
        .cloned()
        .ok_or_else(WebError::not_found)?;
    let in_force = item.active && item.valid_from <= today;
    let basis = basis(&state, &item.fields.legal_basis, today, "/laws").await?;
    render(ItemPage {
        layout: Layout::staff(
            &session.0,
            &format!("{} {}", item.code, item.fields.name),
            "power",
        )
        .with_notice(q.ok.as_deref()),
        in_force,
        versions: version_rows(&versions),
        basis,
        adjustments: state.power.adjustments(actor, None, Some(&id)).await?,
        delegations: state.power.delegations(actor, Some(&id)).await?,
        can_propose: actor.can(Permission::WriteRecords),
        can_delegate: power::Power::may_record_delegations(actor),
        today,
        item,
    })
}

#[derive(Deserialize, Default)]
pub struct CompareForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    department: String,
}

#[derive(Template)]
#[template(path = "power/compare.html")]
struct ComparePage {
    layout: Layout,
    from: NaiveDate,
    to: NaiveDate,
    departments: Vec<Choice>,
    comparison: Comparison,
    added: usize,
    cancelled: usize,
    changed: usize,
}

pub async fn compare(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<CompareForm>,
) -> PageResult<impl IntoResponse> {
    let to = form_date(&form.to, "比较日期")?;
    let from = if form.from.trim().is_empty() {
        NaiveDate::from_ymd_opt(chrono::Datelike::year(&to) - 1, 12, 31).unwrap_or(to)
    } else {
        form_date(&form.from, "起始日期")?
    };
    let filter = ItemFilter {
        department: (!form.department.is_empty()).then(|| form.department.clone()),
        ..Default::default()
    };
    // Two whole lists read and compared: heavy work, kept off the threads that answer requests.
    let (power, actor) = (state.power.clone(), session.0.actor.clone());
    let comparison = state
        .platform
        .heavy_read(async move { power.compare(&actor, from, to, filter).await })
        .await??;
    let count = |c: &str| comparison.changes.iter().filter(|x| x.change == c).count();
    render(ComparePage {
        layout: Layout::staff(&session.0, "权责清单对比", "power"),
        from,
        to,
        departments: department_choices(&state, Some(&session.0), &form.department).await?,
        added: count("新增"),
        cancelled: count("取消"),
        changed: count("变更"),
        comparison,
    })
}

#[derive(Template)]
#[template(path = "power/worklist.html")]
struct WorklistPage {
    layout: Layout,
    rows: Vec<WorkItem>,
}

pub async fn worklist(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    let rows = state.power.worklist(&session.0.actor).await?;
    render(WorklistPage {
        layout: Layout::staff(&session.0, "待调整事项（依据法规修改）", "power"),
        rows,
    })
}
