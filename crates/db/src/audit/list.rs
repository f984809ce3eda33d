//! Reading events for the audit page.

use chrono::{NaiveDate, Utc};
use kernel::time::{china, format_instant};

use super::StoredEvent;
use crate::{Db, DbError, Params, Row, query};

macro_rules! event_columns {
    () => {
        "seq, at, actor, actor_org_id, org_id, record_type, record_id, action, source, changes, hash"
    };
}

fn read_event(row: &Row) -> Result<StoredEvent, DbError> {
    Ok(StoredEvent {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        actor_org_id: row.try_get(3)?,
        org_id: row.try_get(4)?,
        record_type: row.try_get(5)?,
        record_id: row.try_get(6)?,
        action: row.try_get(7)?,
        source: row.try_get(8)?,
        changes: row.try_get(9)?,
        hash: row.try_get(10)?,
    })
}

/// Filters of the audit page. Dates are China dates, inclusive.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only events of these organisations (None: every event).
    pub orgs: Option<crate::OrgScope>,
    /// With `orgs`: also events that belong to no organisation (logins of unknown names, CLI).
    pub include_unscoped: bool,
    /// Keyset pagination: events before this sequence number.
    pub before: Option<i64>,
    pub limit: u32,
}

fn day_start_utc(date: NaiveDate) -> String {
    let local = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    let instant = local
        .and_local_timezone(china())
        .single()
        .expect("UTC+8 has no gaps");
    format_instant(instant.with_timezone(&Utc))
}

/// Newest first.
pub async fn list(db: &Db, filter: &EventFilter) -> Result<Vec<StoredEvent>, DbError> {
    let mut q = Params::new(concat!(
        "SELECT ",
        event_columns!(),
        " FROM audit_events WHERE 1 = 1"
    ));
    if let Some(actor) = &filter.actor {
        q.push(" AND actor = ").bind(actor);
    }
    if let Some(t) = &filter.record_type {
        q.push(" AND record_type = ").bind(t);
    }
    if let Some(id) = &filter.record_id {
        q.push(" AND record_id = ").bind(id);
    }
    if let Some(a) = &filter.action {
        q.push(" AND action = ").bind(a);
    }
    if let Some(from) = filter.from {
        q.push(" AND at >= ").bind(day_start_utc(from));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q.push(" AND at < ").bind(day_start_utc(to));
    }
    if let Some(orgs) = &filter.orgs {
        q.push(" AND (").push_in_scope("org_id", orgs);
        if filter.include_unscoped {
            q.push(" OR org_id IS NULL");
        }
        q.push(")");
    }
    if let Some(before) = filter.before {
        q.push(" AND seq < ").bind(before);
    }
    q.push(" ORDER BY seq DESC LIMIT ")
        .bind(i64::from(filter.limit.clamp(1, 500)));
    q.map(&mut db.conn().await?, read_event).await
}

/// Events after `after` whose record type is one of `types`, oldest first: how derived views
/// (the search index) follow the log.
pub async fn since(
    db: &Db,
    after: i64,
    types: &[&str],
    limit: u32,
) -> Result<Vec<StoredEvent>, DbError> {
    let mut q = Params::new(concat!(
        "SELECT ",
        event_columns!(),
        " FROM audit_events WHERE seq > "
    ));
    q.bind(after)
        .push(" AND record_type IN ")
        .bind_list(types.iter().map(|t| t.to_string()));
    q.push(" ORDER BY seq LIMIT ").bind(i64::from(limit.max(1)));
    q.map(&mut db.conn().await?, read_event).await
}

/// The head of the chain: the number of events and the last hash.
pub async fn head(db: &Db) -> Result<(i64, String), DbError> {
    let row = query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut db.conn().await?)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
