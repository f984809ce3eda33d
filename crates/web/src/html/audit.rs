//! 审计日志: the audit administrator's page — events filtered by actor, record and date, and a
//! check of the whole chain.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use platform::{EventFilter, StoredEvent};
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

/// The Chinese word for a record type or action, with the stored code beside it for filtering.
fn label(code: &str) -> String {
    let word = match code {
        "user" => "用户",
        "org" => "机构",
        "login" => "登录",
        "setting" => "设置",
        "calendar_notice" => "节假日安排",
        "ledger" => "台账",
        "audit" => "审计日志",
        "logout" => "退出",
        "create" => "新建",
        "update" => "修改",
        "move" => "调整上级",
        "denied" => "拒绝访问",
        "login_failed" => "登录失败",
        "login_refused" => "拒绝登录",
        "account_locked" => "账户锁定",
        "role_change" => "变更角色",
        "password_reset" => "重置密码",
        "password_change" => "修改密码",
        "unlock" => "解除锁定",
        "disable" => "停用账户",
        "enable" => "启用账户",
        "export" => "导出",
        "load" => "载入",
        "unseal" => "解密个人信息（完整身份证号、电话）",
        "recompute" => "重新计算期限",
        "attach" => "上传附件",
        "party" => "登记当事人",
        "party_removed" => "移除当事人",
        "detach" => "移除附件",
        "download" => "下载附件",
        "tampered" => "附件校验未通过",
        "reconsideration_case" => "行政复议案件",
        "mediation_dispute" => "矛盾纠纷",
        "power_adjustment" => "权责事项调整",
        "enforcement_case" => "行政处罚案件",
        "enforcement_body" => "行政执法主体",
        "enforcement_officer" => "执法人员",
        "enforcement_inspection" => "行政检查",
        _ => return code.to_string(),
    };
    format!("{word}（{code}）")
}

fn row(e: StoredEvent, orgs: &HashMap<String, String>, people: &platform::People) -> EventRow {
    let org = e
        .org_id
        .as_ref()
        .map(|o| orgs.get(o).cloned().unwrap_or_else(|| o.clone()))
        .unwrap_or_default();
    EventRow {
        seq: e.seq,
        at: kernel::time::display_stored(&e.at),
        actor: people.label_with_account(&e.actor),
        org,
        record: format!("{} {}", label(&e.record_type), e.record_id),
        action: label(&e.action),
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
        // An account is looked for by its name (sfj); the log stores it as user:sfj.
        actor: non_empty(&q.actor).map(|a| {
            if a.contains(':') {
                a
            } else {
                format!("user:{a}")
            }
        }),
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
    let people = state.platform.people().await?;
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
        rows: events.into_iter().map(|e| row(e, &orgs, &people)).collect(),
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
    let outcome = match state
        .platform
        .verify_audit(&session.0.actor, None, |_| {})
        .await?
    {
        Ok(report) => Ok(format!(
            "审计链完整：共{}个事件，逐一核验SM3哈希无误，与{}个带密钥校验码的检查点相符（用时{:.2}秒）。",
            report.chain.events, report.checkpoints, report.chain.seconds
        )),
        Err(broken) => Err(broken.to_string()),
    };
    render(page_with(&state, &session, AuditQuery::default(), Some(outcome)).await?)
}
