//! 人民调解 pages: the disputes list and the fast intake form, a dispute with its conclusion
//! form, the organisations with their committee warnings, the roster, the figures by town; the
//! ledgers are in `ledger`, the public roster and rooms in `public`.

mod intake;
pub mod ledger;
pub mod public;
mod stats;
pub use intake::{create, new_page};
pub use stats::{stats, stats_xlsx};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::Permission;
use mediation::{
    AgreementForm, Conclusion, Dispute, DisputeFilter, DisputeType, Mediator, OrganizationView,
    Outcome,
};
use platform::PageRequest;
use serde::Deserialize;

use super::power::form_date;
use super::{Choice, Layout, Pager, choices, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::session::Session;

async fn town_choices(
    state: &AppState,
    session: &Session,
    selected: &str,
) -> PageResult<Vec<Choice>> {
    Ok(state
        .platform
        .orgs_in_scope(&session.0.actor)
        .await?
        .into_iter()
        .filter(|o| o.kind.is_town_or_street())
        .map(|o| Choice {
            selected: o.id.as_str() == selected,
            value: o.id.to_string(),
            label: o.name,
        })
        .collect())
}

#[derive(Deserialize, Default, Clone)]
pub struct ListForm {
    #[serde(default)]
    town: String,
    #[serde(default)]
    outcome: String,
    #[serde(default, rename = "type")]
    dispute_type: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    overdue: String,
    year: Option<i32>,
    page: Option<u32>,
    ok: Option<String>,
    /// The order: a column's key, `-` before it for descending.
    #[serde(default)]
    pub sort: String,
    /// Rows per page.
    pub per: Option<u32>,
}

/// The dispute list's sortable columns.
const SORTABLE: &[(&str, &str)] = &[
    ("number", "纠纷编号"),
    ("received", "受理日期"),
    ("type", "类型"),
    ("source", "来源"),
    ("organization", "调解组织"),
    ("mediator", "调解员"),
    ("outcome", "结果"),
];

impl ListForm {
    pub fn base(&self) -> String {
        let mut s = self.filters();
        if !self.sort.is_empty() {
            s.push_str(&format!("sort={}&", super::urlencode(&self.sort)));
        }
        s
    }

    /// The query of the filters and page size alone (for the sortable headers).
    pub fn filters(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("town", &self.town),
            ("outcome", &self.outcome),
            ("type", &self.dispute_type),
            ("q", &self.q),
            ("overdue", &self.overdue),
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
}

/// A dispute as a list row.
pub struct Row {
    pub d: Dispute,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "mediation/list.html")]
struct ListPage {
    open_overdue: u64,
    headers: Vec<super::SortHeader>,
    sizes: Vec<Choice>,
    layout: Layout,
    form: ListForm,
    rows: Vec<Row>,
    pager: Pager,
    towns: Vec<Choice>,
    outcomes: Vec<Choice>,
    types: Vec<Choice>,
    can_write: bool,
}

/// The disputes a list's filters select (the list and its 导出 alike); `before`: the day before
/// which an open dispute is overdue.
pub(crate) fn dispute_filter(form: &ListForm, before: chrono::NaiveDate) -> DisputeFilter {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    DisputeFilter {
        town: some(&form.town),
        outcome: Outcome::parse(&form.outcome),
        dispute_type: DisputeType::parse(&form.dispute_type),
        year: form.year,
        text: some(&form.q),
        open_before: (form.overdue == "1").then_some(before),
        sort: super::sort_of(&form.sort),
    }
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<ListForm>,
) -> PageResult<impl IntoResponse> {
    let today = kernel::time::china_today();
    let before = state
        .mediation
        .overdue_before(&session.0.actor, today)
        .await?;
    let filter = dispute_filter(&form, before);
    let page = state
        .mediation
        .disputes(
            &session.0.actor,
            filter,
            PageRequest::new(form.page, Some(form.per.unwrap_or(50))),
        )
        .await?;
    // 超期未结 now (the figure open_overdue of this year), over the disputes the user may read.
    let open_overdue = state
        .mediation
        .count_disputes(
            &session.0.actor,
            DisputeFilter {
                open_before: Some(before),
                ..Default::default()
            },
        )
        .await?;
    render(ListPage {
        layout: Layout::staff(&session.0, "矛盾纠纷调处", "mediation")
            .with_notice(form.ok.as_deref()),
        open_overdue,
        headers: super::sort_headers(&form.filters(), &form.sort, SORTABLE),
        sizes: super::page_sizes(form.per, 50),
        pager: Pager::new(&page, form.base()),
        rows: page
            .items
            .into_iter()
            .map(|d| Row {
                overdue: d.outcome == Outcome::Ongoing && d.received_on < before,
                d,
            })
            .collect(),
        towns: town_choices(&state, &session, &form.town).await?,
        outcomes: choices(Outcome::ALL, Outcome::code, Outcome::label, &form.outcome),
        types: choices(
            DisputeType::ALL,
            DisputeType::code,
            DisputeType::label,
            &form.dispute_type,
        ),
        can_write: state.mediation.may_register(&session.0.actor).await?,
        form,
    })
}

#[derive(Template)]
#[template(path = "mediation/dispute.html")]
struct DisputePage {
    layout: Layout,
    d: Dispute,
    today: String,
    outcomes: Vec<Choice>,
    confirmation_due: String,
    notes: Vec<mediation::Note>,
    parties: Vec<mediation::Party>,
    people: platform::People,
    attachments: crate::html::attachments::AttachmentsView,
    overdue: bool,
    can_write: bool,
    error: Option<String>,
}

async fn dispute_page(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult<DisputePage> {
    let d = state.mediation.dispute(&session.0.actor, id).await?;
    let today = kernel::time::china_today();
    let before = state
        .mediation
        .overdue_before(&session.0.actor, today)
        .await?;
    Ok(DisputePage {
        layout: Layout::staff(&session.0, &format!("纠纷 {}", d.number), "mediation")
            .with_notice(notice),
        today: today.to_string(),
        outcomes: Outcome::ALL
            .iter()
            .filter(|o| **o != Outcome::Ongoing)
            .map(|o| Choice {
                value: o.code().into(),
                label: o.label().into(),
                selected: false,
            })
            .collect(),
        confirmation_due: match (d.outcome, d.concluded_on) {
            (Outcome::Success, Some(c)) => mediation::rules::confirmation_due(c)
                .map(|x| x.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        },
        overdue: d.outcome == Outcome::Ongoing && d.received_on < before,
        can_write: session.0.actor.can(Permission::WriteRecords),
        notes: state.mediation.notes(&session.0.actor, id).await?,
        parties: state.mediation.parties(&session.0.actor, id).await?,
        people: state.platform.people().await?,
        attachments: crate::html::attachments::view(
            state,
            session,
            crate::html::attachments::Holder::Dispute,
            id,
            session.0.actor.can(Permission::WriteRecords),
        )
        .await?,
        d,
        error,
    })
}

pub async fn dispute(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<crate::html::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    render(dispute_page(&state, &session, &id, q.ok.as_deref(), None).await?)
}

#[derive(Deserialize, Default)]
pub struct ConcludeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    concluded_on: String,
    #[serde(default)]
    agreement: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    agreement_content: String,
}

pub async fn conclude(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ConcludeForm>,
) -> PageResult<Response> {
    let result = async {
        let c = Conclusion {
            outcome: Outcome::parse(&form.outcome)
                .ok_or_else(|| WebError::invalid("请选择调解结果"))?,
            concluded_on: form_date(&form.concluded_on, "结案日期")?,
            agreement: AgreementForm::parse(&form.agreement),
            judicial_confirmation: form.confirmation == "on",
            note: form.note.clone(),
            agreement_content: form.agreement_content.clone(),
        };
        Ok::<_, WebError>(state.mediation.conclude(&session.0.actor, &id, c).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/mediation/{id}?ok=saved")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(dispute_page(&state, &session, &id, None, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mediation/organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    organizations: Vec<OrganizationView>,
    roster: Vec<Mediator>,
    notices: Vec<mediation::RosterNotice>,
    people: platform::People,
    today: String,
    can_write: bool,
    error: Option<String>,
}

async fn organizations_page(
    state: &AppState,
    session: &Session,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult<OrganizationsPage> {
    Ok(OrganizationsPage {
        layout: Layout::staff(&session.0, "调解组织与调解员名册", "mediation").with_notice(notice),
        organizations: state.mediation.organizations(&session.0.actor).await?,
        roster: state.mediation.roster(&session.0.actor).await?,
        notices: state.mediation.roster_notices(&session.0.actor).await?,
        people: state.platform.people().await?,
        today: kernel::time::china_today().to_string(),
        can_write: session.0.actor.can(Permission::WriteRecords),
        error,
    })
}

pub async fn organizations(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<crate::html::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    render(organizations_page(&state, &session, q.ok.as_deref(), None).await?)
}

#[derive(Deserialize, Default)]
pub struct NoticeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

/// Publishes the roster or notifies it to the court.
pub async fn roster_notice(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<NoticeForm>,
) -> PageResult<Response> {
    let result = async {
        let kind = mediation::NoticeKind::parse(&form.kind)
            .ok_or_else(|| WebError::invalid("未知的操作"))?;
        let on = form_date(&form.on, "日期")?;
        state
            .mediation
            .roster_notice(&session.0.actor, kind, on, &form.note)
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/mediation/organizations?ok=saved").into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(organizations_page(&state, &session, None, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct NoteForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

/// Records a session or a return visit.
#[derive(Deserialize, Default)]
pub struct PartyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
}

/// 当事人: records a party of the dispute (ID number and phone sealed).
pub async fn party(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<PartyForm>,
) -> PageResult<Response> {
    let result = state
        .mediation
        .add_party(
            &session.0.actor,
            &id,
            mediation::NewParty {
                name: form.name.clone(),
                sex: mediation::model::Sex::parse(&form.sex),
                id_number: form.id_number.clone(),
                address: form.address.clone(),
                phone: form.phone.clone(),
            },
        )
        .await
        .map_err(WebError::from);
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/mediation/{id}?ok=saved")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(dispute_page(&state, &session, &id, None, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes a party recorded by mistake.
pub async fn remove_party(
    State(state): State<AppState>,
    session: Session,
    Path((id, seq)): Path<(String, i64)>,
) -> PageResult<Response> {
    state
        .mediation
        .remove_party(&session.0.actor, &id, seq)
        .await?;
    Ok(Redirect::to(&format!("/mediation/{id}?ok=saved")).into_response())
}

pub async fn note(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> PageResult<Response> {
    let result = async {
        let kind = mediation::NoteKind::parse(&form.kind)
            .ok_or_else(|| WebError::invalid("未知的记录类型"))?;
        let on = form_date(&form.on, "日期")?;
        state
            .mediation
            .record_note(&session.0.actor, &id, kind, on, &form.note)
            .await?;
        Ok::<_, WebError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/mediation/{id}?ok=saved")).into_response()),
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = StatusCode::from_u16(e.code.http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(dispute_page(&state, &session, &id, None, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn agreement(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let (name, bytes) = state
        .mediation
        .agreement_docx(&session.0.actor, &id)
        .await?;
    Ok(super::docx_download("agreement.docx", &name, bytes))
}
