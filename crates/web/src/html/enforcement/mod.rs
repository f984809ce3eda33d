//! 行政执法 pages: the case list with its clocks, a case, the bodies with their officers and the
//! 5% of legal-review officers, the officers with their certificates' expiry, the inspections,
//! the figures; the ledgers are in `ledger`, the public 行政执法公示 in `public`.

pub mod ledger;
pub mod public;
pub mod workflow;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Datelike;
use enforcement::{CaseFilter, CaseView, Decision, Procedure};
use kernel::Permission;
use platform::PageRequest;
use report::Module;
use serde::Deserialize;

use super::figures::{ModuleView, module_view};
use super::{Choice, Layout, Pager, choices, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::session::Session;

#[derive(Deserialize, Default, Clone)]
pub struct ListForm {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub procedure: String,
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub unpublished: String,
    #[serde(default)]
    pub q: String,
    pub year: Option<i32>,
    pub page: Option<u32>,
    pub per: Option<u32>,
    #[serde(default)]
    pub sort: String,
}

impl ListForm {
    /// The query without the page (for the pager).
    pub fn base(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("org", &self.org),
            ("procedure", &self.procedure),
            ("decision", &self.decision),
            ("unpublished", &self.unpublished),
            ("q", &self.q),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        if let Some(y) = self.year {
            s.append_pair("year", &y.to_string());
        }
        if let Some(p) = self.per {
            s.append_pair("per", &p.to_string());
        }
        let s = s.finish();
        if s.is_empty() { s } else { format!("{s}&") }
    }

    pub fn filter(&self) -> CaseFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        CaseFilter {
            org: some(&self.org),
            year: self.year,
            procedure: Procedure::parse(&self.procedure),
            decision: Decision::parse(&self.decision),
            unpublished: self.unpublished == "1",
            text: some(&self.q),
        }
    }
}

#[derive(Template)]
#[template(path = "enforcement/list.html")]
struct ListPage {
    layout: Layout,
    form: ListForm,
    rows: Vec<CaseView>,
    pager: Pager,
    bodies: Vec<Choice>,
    procedures: Vec<Choice>,
    decisions: Vec<Choice>,
    sizes: Vec<Choice>,
    can_import: bool,
    unpublished: i64,
}

/// The bodies the reader reaches, as choices.
pub(super) async fn body_choices(
    state: &AppState,
    session: &Session,
    selected: &str,
) -> PageResult<Vec<Choice>> {
    Ok(state
        .enforcement
        .bodies(&session.0.actor)
        .await?
        .into_iter()
        .map(|b| Choice {
            selected: b.body.org_id.as_str() == selected,
            value: b.body.org_id.to_string(),
            label: b.body.org_name,
        })
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<ListForm>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let page = state
        .enforcement
        .cases(
            actor,
            &form.filter(),
            PageRequest::new(form.page, Some(form.per.unwrap_or(50))),
        )
        .await?;
    let unpublished = state
        .enforcement
        .cases(
            actor,
            &CaseFilter {
                unpublished: true,
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(1)),
        )
        .await?
        .total;
    render(ListPage {
        layout: Layout::staff(&session.0, "行政执法", "enforcement"),
        pager: Pager::new(&page, form.base()),
        rows: page.items,
        bodies: body_choices(&state, &session, &form.org).await?,
        procedures: choices(
            Procedure::ALL,
            Procedure::code,
            Procedure::label,
            &form.procedure,
        ),
        decisions: choices(
            Decision::ALL,
            Decision::code,
            Decision::label,
            &form.decision,
        ),
        sizes: super::page_sizes(form.per, 50),
        can_import: actor.can(Permission::WriteRecords),
        unpublished,
        form,
    })
}

#[derive(Template)]
#[template(path = "enforcement/bodies.html")]
struct BodiesPage {
    layout: Layout,
    bodies: Vec<enforcement::BodyView>,
    officers: Vec<enforcement::OfficerView>,
    expiring: bool,
}

#[derive(Deserialize, Default)]
pub struct OfficersQuery {
    #[serde(default)]
    expiring: String,
}

pub async fn bodies(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<OfficersQuery>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let expiring = q.expiring == "1";
    render(BodiesPage {
        layout: Layout::staff(&session.0, "执法主体与执法人员", "enforcement"),
        bodies: state.enforcement.bodies(actor).await?,
        officers: state.enforcement.officers(actor, expiring).await?,
        expiring,
    })
}

#[derive(Template)]
#[template(path = "enforcement/inspections.html")]
struct InspectionsPage {
    layout: Layout,
    rows: Vec<(enforcement::Inspection, String)>,
    /// For each row found 立案查处: the case it opened (id, number), if opened yet.
    cases: Vec<Option<(String, String)>>,
    can_open: bool,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<u32>,
}

pub async fn inspections(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<PageQuery>,
) -> PageResult<impl IntoResponse> {
    let page = state
        .enforcement
        .inspections(&session.0.actor, PageRequest::new(q.page, Some(50)))
        .await?;
    let mut cases = Vec::with_capacity(page.items.len());
    for (i, _) in &page.items {
        cases.push(if i.result == enforcement::InspectionResult::CaseOpened {
            state.enforcement.case_opened_by(i.id.as_str()).await?
        } else {
            None
        });
    }
    render(InspectionsPage {
        layout: Layout::staff(&session.0, "行政检查", "enforcement"),
        pager: Pager::new(&page, String::new()),
        can_open: session.0.actor.can(Permission::WriteRecords),
        rows: page.items,
        cases,
    })
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "enforcement/stats.html")]
struct StatsPage {
    layout: Layout,
    year: i32,
    caption: String,
    view: ModuleView,
}

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
            "enforcement_stats",
            "view",
        )
        .await?;
    let year = q.year.unwrap_or_else(|| kernel::time::china_today().year());
    let root = match &session.0.actor.scope {
        platform::Scope::Everything => None,
        platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
    };
    Ok((
        year,
        module_view(state, Module::Enforcement, year, root.as_ref()).await?,
    ))
}

pub async fn stats(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<impl IntoResponse> {
    let (year, view) = read_stats(&state, &session, &q).await?;
    render(StatsPage {
        layout: Layout::staff(&session.0, &format!("{year}年行政执法统计"), "enforcement"),
        year,
        caption: format!("{year}年行政执法统计（每项数字旁为其统计口径）"),
        view,
    })
}

/// The statistics as a workbook.
pub async fn stats_xlsx(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<StatsQuery>,
) -> PageResult<axum::response::Response> {
    let (year, view) = read_stats(&state, &session, &q).await?;
    Ok(super::figures::xlsx_response(&state, view, &format!("{year}年行政执法统计.xlsx")).await?)
}

/// 行政执法's routes, each with who may use it (checked before the request is read).
pub fn routes(state: AppState) -> axum::Router<AppState> {
    use crate::gate::{self, Need};
    use axum::routing::{get, post};
    let g = |need: Need| axum::middleware::from_fn_with_state((state.clone(), need), gate::check);
    axum::Router::new()
        .route("/enforcement", get(list).route_layer(g(Need::READ)))
        .route(
            "/enforcement/new",
            get(workflow::new_page)
                .route_layer(g(Need::WRITE))
                .merge(post(workflow::create).route_layer(g(Need::WRITE))),
        )
        .route(
            "/enforcement/cases/{id}",
            get(workflow::case).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/cases/{id}/steps",
            post(workflow::step).route_layer(g(Need::WRITE)),
        )
        .route(
            "/enforcement/cases/{id}/documents/{kind}",
            get(workflow::document).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/officers/{id}",
            get(workflow::officer).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/officers/{id}/trainings",
            post(workflow::training).route_layer(g(Need::WRITE)),
        )
        .route(
            "/enforcement/bodies",
            get(bodies).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/inspections",
            get(inspections).route_layer(g(Need::READ)),
        )
        .route("/enforcement/stats", get(stats).route_layer(g(Need::READ)))
        .route(
            "/enforcement/stats.xlsx",
            get(stats_xlsx).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/import",
            get(ledger::import_page)
                .route_layer(g(Need::WRITE))
                .merge(post(ledger::import).route_layer(g(Need::WRITE)))
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/enforcement/export.xlsx",
            get(ledger::export).route_layer(g(Need::READ)),
        )
        .route(
            "/enforcement/template.xlsx",
            get(ledger::template).route_layer(g(Need::WRITE)),
        )
        .route("/gongkai/zhifa", get(public::page))
}

/// 行政执法's lines of the to-do list: certificates ending soon (for the bodies' officers and
/// the 司法局), penalty decisions waiting for publication, and in January the year's figures to
/// publish by 31 January (国办发〔2018〕118号 (六)).
pub async fn tasks(
    state: &AppState,
    actor: &platform::Actor,
    today: chrono::NaiveDate,
    tasks: &mut Vec<super::dashboard::Task>,
) -> PageResult<()> {
    use super::dashboard::Task;
    if !actor.can(Permission::ReadRecords) {
        return Ok(());
    }
    let expiring = state.enforcement.expiring_certificates(actor).await?;
    if expiring > 0 {
        tasks.push(Task::many(
            "enforcement",
            expiring,
            format!("{expiring}名执法人员的执法证即将到期或已过期"),
            "请组织换证；过期、暂扣或注销的执法证不能用于办案",
            "/enforcement/bodies?expiring=1",
        ));
    }
    let unpublished = state
        .enforcement
        .cases(
            actor,
            &CaseFilter {
                unpublished: true,
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(1)),
        )
        .await?
        .total;
    if unpublished > 0 {
        tasks.push(Task::many(
            "enforcement",
            unpublished as usize,
            format!("{unpublished}件行政处罚决定尚未公示"),
            "普通程序作出的行政处罚决定应在决定之日起7个工作日内公示",
            "/enforcement?unpublished=1",
        ));
    }
    for t in state.enforcement.takedowns_due(actor).await? {
        tasks.push(Task::one(
            "enforcement",
            format!("{}应于{}前撤回公示", t.number, t.due),
            format!(
                "行政复议决定（{}，{}）{}该行政处罚决定：已公开的，应在三个工作日内撤回并公开说明理由（行政处罚法第四十八条）",
                t.by.number, t.by.decided_on, t.by.decision
            ),
            format!("/enforcement/cases/{}", t.case_id),
        ));
    }
    if today.month() == 1
        && actor.can(Permission::WriteRecords)
        && matches!(actor.role, Some(kernel::Role::LegalAffairs) | None)
    {
        let year = today.year() - 1;
        tasks.push(Task::one(
            "enforcement",
            format!("1月31日前公布{year}年度行政执法统计数据"),
            "国办发〔2018〕118号：每年1月31日前公开本机关上年度行政执法总体情况",
            format!("/enforcement/stats?year={year}"),
        ));
    }
    Ok(())
}
