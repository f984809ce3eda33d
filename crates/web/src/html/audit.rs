//! 审计日志: the audit administrator's page — events filtered by actor, record and date, and a
//! check of the whole chain.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use db::audit::{EventFilter, StoredEvent};
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::{PageResult, WebError};
use crate::extract::Query;
use crate::session::Session;

pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub org: String,
    pub record: String,
    pub action: String,
    pub source: String,
    pub changes: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    filter: AuditQuery,
    rows: Vec<EventRow>,
    next_before: Option<i64>,
    next_query: String,
    verify: Option<Result<String, String>>,
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    record_type: String,
    #[serde(default)]
    record_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

const PAGE: u32 = 50;

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

fn date(s: &str, what: &str) -> Result<Option<chrono::NaiveDate>, WebError> {
    non_empty(s)
        .map(|d| {
            kernel::time::parse_date(&d).map_err(|e| WebError::invalid(format!("{what}：{e}")))
        })
        .transpose()
}

fn row(e: StoredEvent, orgs: &HashMap<String, String>) -> EventRow {
    let org = e
        .org_id
        .as_ref()
        .map(|o| orgs.get(o).cloned().unwrap_or_else(|| o.clone()))
        .unwrap_or_default();
    EventRow {
        seq: e.seq,
        at: kernel::time::display_stored(&e.at),
        actor: e.actor,
        org,
        record: format!("{} {}", e.record_type, e.record_id),
        action: e.action,
        source: e.source,
        changes: if e.changes == "{}" {
            String::new()
        } else {
            e.changes
        },
    }
}

async fn page_with(
    state: &AppState,
    session: &Session,
    q: AuditQuery,
    verify: Option<Result<String, String>>,
) -> PageResult<AuditPage> {
    let actor = &session.0.actor;
    let filter = EventFilter {
        actor: non_empty(&q.actor),
        record_type: non_empty(&q.record_type),
        record_id: non_empty(&q.record_id),
        action: non_empty(&q.action),
        from: date(&q.from, "起始日期")?,
        to: date(&q.to, "截止日期")?,
        before: q.before,
        limit: PAGE,
        ..Default::default()
    };
    let events = state.platform.audit_events(actor, filter).await?;
    let orgs: HashMap<String, String> = state
        .platform
        .orgs_in_scope(actor)
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let next_before = (events.len() == PAGE as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let next_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("actor", &q.actor)
        .append_pair("record_type", &q.record_type)
        .append_pair("record_id", &q.record_id)
        .append_pair("action", &q.action)
        .append_pair("from", &q.from)
        .append_pair("to", &q.to)
        .finish();
    Ok(AuditPage {
        layout: Layout::staff(&session.0, "审计日志", "audit"),
        rows: events.into_iter().map(|e| row(e, &orgs)).collect(),
        filter: q,
        next_before,
        next_query,
        verify,
    })
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AuditQuery>,
) -> PageResult<impl IntoResponse> {
    render(page_with(&state, &session, q, None).await?)
}

pub async fn verify(
    State(state): State<AppState>,
    session: Session,
) -> PageResult<impl IntoResponse> {
    let outcome = match state.platform.verify_audit(&session.0.actor).await? {
        Ok(report) => Ok(format!(
            "审计链完整：共{}个事件，逐一核验SM3哈希无误（用时{:.2}秒）。",
            report.events, report.seconds
        )),
        Err(broken) => Err(broken.to_string()),
    };
    render(page_with(&state, &session, AuditQuery::default(), Some(outcome)).await?)
}
