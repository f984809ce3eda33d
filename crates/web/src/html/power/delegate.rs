//! 赋权 pages: the matrix of items × towns and streets, a batch form (items by code, all towns or
//! named ones, the batch's document number), and a delegation's next step.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use kernel::ids::OrgId;
use power::{Batch, DelegationId, DelegationState, Matrix};
use serde::Deserialize;

use super::form_date;
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::{Form, Query};
use crate::html::{Choice, Layout, render};
use crate::session::Session;

/// The matrix shows this many items a page.
const ROWS: usize = 100;

#[derive(Deserialize, Default)]
pub struct MatrixQuery {
    #[serde(default)]
    codes: String,
    #[serde(default)]
    q: String,
    page: Option<usize>,
    ok: Option<String>,
}

pub struct Cell {
    pub label: &'static str,
    pub class: &'static str,
}

pub struct Line {
    pub item_id: String,
    pub code: String,
    pub name: String,
    pub item_type: String,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "power/delegations.html")]
struct MatrixPage {
    layout: Layout,
    towns: Vec<Choice>,
    columns: Vec<String>,
    lines: Vec<Line>,
    total: usize,
    page: usize,
    pages: usize,
    q: String,
    codes: String,
    states: Vec<Choice>,
    today: chrono::NaiveDate,
    /// Whether the reader may record delegations (else the form is not offered).
    can_record: bool,
    error: Option<String>,
}

fn cell(state: Option<DelegationState>) -> Cell {
    match state {
        None => Cell {
            label: "",
            class: "",
        },
        Some(s) => Cell {
            label: match s {
                DelegationState::Proposed => "拟",
                DelegationState::Approved => "准",
                DelegationState::Delegated => "放",
                DelegationState::Withdrawn => "撤",
            },
            class: match s {
                DelegationState::Delegated => "ok",
                DelegationState::Withdrawn => "bad",
                _ => "",
            },
        },
    }
}

async fn matrix_page(
    state: &AppState,
    session: &Session,
    q: &MatrixQuery,
    error: Option<String>,
) -> PageResult<MatrixPage> {
    let Matrix { towns, rows } = state.power.matrix(&session.0.actor).await?;
    let needle = q.q.trim();
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| needle.is_empty() || r.code.contains(needle) || r.name.contains(needle))
        .collect();
    let total = rows.len();
    let pages = total.div_ceil(ROWS).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let lines = rows
        .into_iter()
        .skip((page - 1) * ROWS)
        .take(ROWS)
        .map(|r| Line {
            item_id: r.item_id,
            code: r.code,
            name: r.name,
            item_type: r.item_type,
            cells: r.cells.into_iter().map(cell).collect(),
        })
        .collect();
    Ok(MatrixPage {
        layout: Layout::staff(&session.0, "赋权（下放镇街）", "power").with_notice(q.ok.as_deref()),
        can_record: power::Power::may_record_delegations(&session.0.actor),
        towns: super::town_choices(state, &[]).await?,
        columns: towns.into_iter().map(|(_, name)| name).collect(),
        lines,
        total,
        page,
        pages,
        q: q.q.clone(),
        codes: q.codes.clone(),
        states: DelegationState::ALL
            .iter()
            .map(|s| Choice {
                value: s.code().into(),
                label: s.label().into(),
                selected: *s == DelegationState::Proposed,
            })
            .collect(),
        today: kernel::time::china_today(),
        error,
    })
}

pub async fn matrix(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<MatrixQuery>,
) -> PageResult<impl IntoResponse> {
    render(matrix_page(&state, &session, &q, None).await?)
}

/// The batch form: several `town` values, so it is read as pairs.
fn batch_from(pairs: &[(String, String)]) -> Result<(Vec<String>, Batch), WebError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let codes: Vec<String> = get("codes")
        .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        return Err(WebError::invalid("请填写要下放的事项编码"));
    }
    let towns: Vec<OrgId> = pairs
        .iter()
        .filter(|(n, v)| n == "town" && !v.is_empty())
        .map(|(_, v)| OrgId::from_stored(v.clone()))
        .collect();
    let all = get("scope") != "named";
    if !all && towns.is_empty() {
        return Err(WebError::invalid(
            "请选择承接的镇（街道），或选择“各镇（街道）”",
        ));
    }
    let state =
        DelegationState::parse(&get("state")).ok_or_else(|| WebError::invalid("请选择赋权状态"))?;
    let on = form_date(&get("on"), "日期")?;
    Ok((
        codes,
        Batch {
            items: Vec::new(),
            towns: (!all).then_some(towns),
            batch_doc: get("batch_doc"),
            state,
            on,
        },
    ))
}

pub async fn create(
    State(state): State<AppState>,
    session: Session,
    RawForm(body): RawForm,
) -> PageResult<Response> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let result = async {
        let (codes, mut batch) = batch_from(&pairs)?;
        let mut unknown = Vec::new();
        for code in &codes {
            match state.power.item_by_code(code).await? {
                Some(id) => batch.items.push(id),
                None => unknown.push(code.clone()),
            }
        }
        if !unknown.is_empty() {
            return Err(WebError::invalid(format!(
                "未知的事项编码：{}",
                unknown.join("、")
            )));
        }
        Ok::<_, WebError>(state.power.delegate(&session.0.actor, batch).await?)
    }
    .await;
    match result {
        Ok(n) => {
            Ok(Redirect::to(&format!("/power/delegations?ok=delegated&n={n}")).into_response())
        }
        Err(e) if e.code.http_status() < 500 && e.code != kernel::ErrorCode::Forbidden => {
            let codes = pairs
                .iter()
                .find(|(n, _)| n == "codes")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let q = MatrixQuery {
                codes,
                ..Default::default()
            };
            let status = axum::http::StatusCode::from_u16(e.code.http_status())
                .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            Ok((
                status,
                render(matrix_page(&state, &session, &q, Some(e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    batch_doc: String,
    #[serde(default)]
    back: String,
}

pub async fn step(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    let next =
        DelegationState::parse(&form.state).ok_or_else(|| WebError::invalid("请选择赋权状态"))?;
    let on = form_date(&form.on, "日期")?;
    let d = state
        .power
        .step_delegation(
            &session.0.actor,
            &DelegationId::from_stored(id),
            next,
            on,
            &form.batch_doc,
        )
        .await?;
    let back = if form.back == "item" {
        format!("/power/{}?ok=saved", d.item_id)
    } else {
        "/power/delegations?ok=saved".to_string()
    };
    Ok(Redirect::to(&back).into_response())
}
