//! 动态调整 pages: the list of adjustments by state, the proposal form for department officers,
//! one adjustment with its review (legal-affairs office) and approval (a second person).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use kernel::ids::OrgId;
use kernel::{Permission, Role};
use power::{
    Adjustment, AdjustmentId, AdjustmentKind, AdjustmentState, ItemFields, ItemType, Level,
    Proposal,
};
use serde::Deserialize;

use super::{BasisLine, basis, form_date, type_choices, version_on};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::html::{Choice, Layout, Pager, render};
use crate::session::Session;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    page: Option<u32>,
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "power/adjustments.html")]
struct ListPage {
    layout: Layout,
    states: Vec<Choice>,
    rows: Vec<Adjustment>,
    pager: Pager,
    can_propose: bool,
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> PageResult<impl IntoResponse> {
    let wanted = AdjustmentState::parse(&q.state);
    let mut all = state
        .power
        .adjustments(&session.0.actor, wanted, None)
        .await?;
    // Newest first: what waits for a decision is at the top.
    all.sort_by(|a, b| b.proposed_at.cmp(&a.proposed_at));
    let request = platform::PageRequest::new(q.page, Some(super::PER_PAGE));
    let total = all.len() as i64;
    let rows: Vec<Adjustment> = all
        .into_iter()
        .skip(usize::try_from(request.offset()).unwrap_or(0))
        .take(request.per_page as usize)
        .collect();
    let page = platform::Page::new(rows, request, total);
    let base = if q.state.is_empty() {
        String::new()
    } else {
        format!("state={}&", q.state)
    };
    render(ListPage {
        layout: Layout::staff(&session.0, "权力事项动态调整", "power").with_notice(q.ok.as_deref()),
        states: AdjustmentState::ALL
            .iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: s.label().into(),
                selected: Some(*s) == wanted,
            })
            .collect(),
        pager: Pager::new(&page, base),
        rows: page.items,
        can_propose: session.0.actor.can(Permission::WriteRecords),
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
}

/// The proposal form's fields, as sent back when it must be shown again.
#[derive(Deserialize, Default, Clone)]
pub struct ProposalForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sub_name: String,
    #[serde(default)]
    item_type: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    handling_unit: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    responsibilities: String,
    #[serde(default)]
    accountability: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "power/propose.html")]
struct ProposePage {
    layout: Layout,
    form: ProposalForm,
    known: bool,
    kinds: Vec<Choice>,
    types: Vec<Choice>,
    levels: Vec<Choice>,
    orgs: Vec<Choice>,
    error: Option<String>,
}

async fn propose_page(
    state: &AppState,
    session: &Session,
    form: ProposalForm,
    error: Option<String>,
) -> PageResult<ProposePage> {
    let known =
        !form.code.trim().is_empty() && state.power.item_by_code(form.code.trim()).await?.is_some();
    let kinds = AdjustmentKind::ALL
        .iter()
        .filter(|k| known != (**k == AdjustmentKind::Add))
        .map(|k| Choice {
            value: k.code().into(),
            label: k.label().into(),
            selected: k.code() == form.kind,
        })
        .collect();
    let levels = Level::ALL
        .iter()
        .map(|l| Choice {
            value: l.code().into(),
            label: l.label().into(),
            selected: l.code() == form.level,
        })
        .collect();
    let orgs = super::department_choices(state, Some(&session.0), &form.org).await?;
    Ok(ProposePage {
        layout: Layout::staff(&session.0, "申请调整权力事项", "power"),
        known,
        kinds,
        types: type_choices(&form.item_type),
        levels,
        orgs,
        form,
        error,
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NewQuery>,
) -> PageResult<impl IntoResponse> {
    let mut form = ProposalForm {
        code: q.code.trim().to_string(),
        kind: if q.kind.is_empty() {
            "add".into()
        } else {
            q.kind.clone()
        },
        ..Default::default()
    };
    if let Some(id) = state.power.item_by_code(&form.code).await? {
        let versions = state.power.item(&session.0.actor, &id).await?;
        if let Some(v) = version_on(&versions, kernel::time::china_today()) {
            let f = &v.fields;
            form.name = f.name.clone();
            form.sub_name = f.sub_name.clone();
            form.item_type = f.item_type.code().into();
            form.org = f.org_id.to_string();
            form.handling_unit = f.handling_unit.clone();
            form.legal_basis = f.legal_basis.clone();
            form.level = f.level.code().into();
            form.responsibilities = f.responsibilities.clone();
            form.accountability = f.accountability.clone();
            form.note = f.note.clone();
        }
    }
    render(propose_page(&state, &session, form, None).await?)
}

fn proposal(form: &ProposalForm) -> Result<Proposal, WebError> {
    let kind =
        AdjustmentKind::parse(&form.kind).ok_or_else(|| WebError::invalid("请选择调整类型"))?;
    if form.effective_on.trim().is_empty() {
        return Err(WebError::invalid("请填写调整生效日期"));
    }
    let effective_on: NaiveDate = form_date(&form.effective_on, "生效日期")?;
    let fields = match kind {
        AdjustmentKind::Add | AdjustmentKind::Change => {
            let item_type = ItemType::parse(&form.item_type)
                .ok_or_else(|| WebError::invalid("请选择事项类型"))?;
            let level =
                Level::parse(&form.level).ok_or_else(|| WebError::invalid("请选择实施层级"))?;
            if form.name.trim().is_empty() || form.legal_basis.trim().is_empty() {
                return Err(WebError::invalid("事项名称和设定依据不能为空"));
            }
            if form.org.trim().is_empty() {
                return Err(WebError::invalid("请选择实施主体"));
            }
            Some(ItemFields {
                name: form.name.trim().into(),
                sub_name: form.sub_name.trim().into(),
                item_type,
                org_id: OrgId::from_stored(form.org.trim().to_string()),
                handling_unit: form.handling_unit.trim().into(),
                legal_basis: form.legal_basis.trim().into(),
                level,
                responsibilities: form.responsibilities.trim().into(),
                accountability: form.accountability.trim().into(),
                note: form.note.trim().into(),
            })
        }
        AdjustmentKind::Cancel | AdjustmentKind::Delegate => None,
    };
    Ok(Proposal {
        item_code: form.code.trim().to_string(),
        kind,
        effective_on,
        reason: form.reason.clone(),
        basis: form.basis.clone(),
        fields,
    })
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<ProposalForm>,
) -> PageResult<Response> {
    let result = async {
        let p = proposal(&form)?;
        Ok::<_, WebError>(state.power.propose(&session.0.actor, p).await?)
    }
    .await;
    match result {
        Ok(a) => {
            Ok(Redirect::to(&format!("/power/adjustments/{}?ok=proposed", a.id)).into_response())
        }
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let status = axum::http::StatusCode::from_u16(e.code.http_status())
                .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            let page = propose_page(&state, &session, form, Some(e.message)).await?;
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "power/adjustment.html")]
struct DetailPage {
    layout: Layout,
    a: Adjustment,
    proposed_basis: Vec<BasisLine>,
    org_name: String,
    /// Who proposed, reviewed and decided, by name and organisation; when it was proposed.
    proposed_by: String,
    proposed_at: String,
    reviewed_by: Option<String>,
    decided_by: Option<String>,
    can_review: bool,
    can_decide: bool,
    attachments: crate::html::attachments::AttachmentsView,
}

pub async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<super::super::orgs::Notice>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let a = state
        .power
        .adjustment(actor, &AdjustmentId::from_stored(id))
        .await?;
    let proposed_basis = match &a.proposal {
        Some(f) => basis(&state, &f.legal_basis, a.effective_on, "/laws").await?,
        None => Vec::new(),
    };
    let org_name = match &a.proposal {
        Some(f) => state.platform.org(&f.org_id).await?.name,
        None => a.org_name.clone(),
    };
    let legal = actor.role == Some(Role::LegalAffairs) || actor.role.is_none();
    let me = actor.audit_name();
    let people = state.platform.people().await?;
    let attachments = crate::html::attachments::view(
        &state,
        &session,
        crate::html::attachments::Holder::Adjustment,
        a.id.as_str(),
        actor.can(kernel::Permission::WriteRecords)
            && matches!(
                a.state,
                AdjustmentState::Proposed | AdjustmentState::Reviewed
            ),
    )
    .await?;
    render(DetailPage {
        attachments,
        layout: Layout::staff(&session.0, "权力事项调整", "power").with_notice(q.ok.as_deref()),
        proposed_basis,
        org_name,
        proposed_by: people.label(&a.proposed_by),
        proposed_at: kernel::time::display_stored(&a.proposed_at),
        reviewed_by: a.reviewed_by.as_deref().map(|r| people.label(r)),
        decided_by: a.decided_by.as_deref().map(|d| people.label(d)),
        can_review: legal && a.state == AdjustmentState::Proposed,
        can_decide: legal
            && a.state == AdjustmentState::Reviewed
            && a.reviewed_by.as_deref() != Some(me.as_str()),
        a,
    })
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    accept: String,
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult<Response> {
    let id = AdjustmentId::from_stored(id);
    let accept = form.accept == "yes";
    state
        .power
        .review(&session.0.actor, &id, accept, &form.note)
        .await?;
    let ok = if accept { "reviewed" } else { "returned" };
    Ok(Redirect::to(&format!("/power/adjustments/{id}?ok={ok}")).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult<Response> {
    let id = AdjustmentId::from_stored(id);
    let accept = form.accept == "yes";
    state
        .power
        .decide(&session.0.actor, &id, accept, &form.note)
        .await?;
    let ok = if accept { "approved" } else { "returned" };
    Ok(Redirect::to(&format!("/power/adjustments/{id}?ok={ok}")).into_response())
}
