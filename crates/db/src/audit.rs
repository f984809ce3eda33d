//! The audit event log (审计日志): append-only and chained with SM3 (GB/T 32905).
//!
//! Every write is a [`Tx`]: it locks the chain's head row first (serialising writers on both
//! backends), appends one event per changed record, and moves the head at commit, all in one
//! transaction. Event n's hash is SM3(hash of event n−1 ‖ canonical bytes of event n), so editing,
//! deleting or inserting any event breaks every hash after it; [`verify`] re-walks the chain and
//! names the first broken sequence number. Nothing in fazhi updates or deletes an event.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use kernel::crypto::sm3_parts;
use kernel::time::{china, format_instant};
use serde::Serialize;
use sqlx::{Any, AnyConnection, Row};

use crate::{Db, DbError, Params};

/// Who is writing, and from where: the actor of every event in a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    /// `user:<username>` for people, `cli:<os user>` for the command line, `system` for fazhi.
    pub actor: String,
    pub actor_org_id: Option<String>,
    /// `web <address>`, `api <address>` or `cli`.
    pub source: String,
}

impl Who {
    pub fn cli(os_user: &str) -> Who {
        Who {
            actor: format!("cli:{os_user}"),
            actor_org_id: None,
            source: "cli".into(),
        }
    }

    pub fn system() -> Who {
        Who {
            actor: "system".into(),
            actor_org_id: None,
            source: "system".into(),
        }
    }
}

/// The changed fields of a record: field → new value (creation) or [old, new] (change).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Changes(BTreeMap<String, serde_json::Value>);

impl Changes {
    pub fn new() -> Changes {
        Changes::default()
    }

    /// A field's value on a new record.
    pub fn set(mut self, field: &str, value: impl Serialize) -> Changes {
        self.0.insert(
            field.to_string(),
            serde_json::to_value(value).unwrap_or_default(),
        );
        self
    }

    /// A field that changed from `old` to `new`; nothing is recorded when they are equal.
    pub fn change<T: Serialize + PartialEq>(mut self, field: &str, old: T, new: T) -> Changes {
        if old != new {
            let pair = serde_json::json!([old, new]);
            self.0.insert(field.to_string(), pair);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Canonical JSON: keys sorted (BTreeMap), no spaces.
    fn canonical(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }
}

/// One event to append: which record, what happened, what changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub record_type: String,
    pub record_id: String,
    pub action: String,
    /// The organisation the record belongs to (scopes the audit page).
    pub org_id: Option<String>,
    pub changes: Changes,
}

impl Event {
    pub fn new(record_type: &str, record_id: &str, action: &str) -> Event {
        Event {
            record_type: record_type.into(),
            record_id: record_id.into(),
            action: action.into(),
            org_id: None,
            changes: Changes::new(),
        }
    }

    pub fn org(mut self, org_id: Option<&str>) -> Event {
        self.org_id = org_id.map(str::to_string);
        self
    }

    pub fn changes(mut self, changes: Changes) -> Event {
        self.changes = changes;
        self
    }
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub actor_org_id: Option<String>,
    pub org_id: Option<String>,
    pub record_type: String,
    pub record_id: String,
    pub action: String,
    pub source: String,
    pub changes: String,
    pub hash: String,
}

const GENESIS: [u8; 32] = [0; 32];

/// The bytes that are hashed: a version tag, then each field length-prefixed, so no two
/// different events share their bytes.
fn canonical_bytes(e: &StoredEvent) -> Vec<u8> {
    let seq = e.seq.to_string();
    let fields: [&str; 10] = [
        "fazhi.audit.v1",
        &seq,
        &e.at,
        &e.actor,
        e.actor_org_id.as_deref().unwrap_or(""),
        e.org_id.as_deref().unwrap_or(""),
        &e.record_type,
        &e.record_id,
        &e.action,
        &e.source,
    ];
    let mut out = Vec::with_capacity(256 + e.changes.len());
    for field in fields
        .iter()
        .copied()
        .chain(std::iter::once(e.changes.as_str()))
    {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    out
}

fn chain_hash(previous: &[u8; 32], event: &StoredEvent) -> [u8; 32] {
    sm3_parts(&[previous, &canonical_bytes(event)])
}

fn decode_hash(text: &str, seq: i64) -> Result<[u8; 32], DbError> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| DbError::Corrupt(format!("审计事件{seq}的哈希值格式错误")))
}

/// A write transaction with its audit events. Dropping it without commit rolls back.
pub struct Tx {
    tx: sqlx::Transaction<'static, Any>,
    who: Who,
    seq: i64,
    hash: [u8; 32],
    recorded: Vec<i64>,
    now: DateTime<Utc>,
}

impl Db {
    /// Begins a write: locks the chain head, so writers queue here, on both backends.
    pub async fn begin(&self, who: &Who) -> Result<Tx, DbError> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx)
            .await?;
        let seq: i64 = row.try_get("seq")?;
        let hash: String = row.try_get("hash")?;
        Ok(Tx {
            hash: decode_hash(&hash, seq)?,
            tx,
            who: who.clone(),
            seq,
            recorded: Vec::new(),
            now: Utc::now(),
        })
    }

    /// A single event with no other write (a login, a refused request).
    pub async fn record(&self, who: &Who, event: Event) -> Result<i64, DbError> {
        let mut tx = self.begin(who).await?;
        let seq = tx.record(event).await?;
        tx.commit().await?;
        Ok(seq)
    }
}

impl Tx {
    /// The connection inside the transaction, for the use case's own statements.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// The transaction's clock: one instant for all its rows.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn now_text(&self) -> String {
        format_instant(self.now)
    }

    pub fn who(&self) -> &Who {
        &self.who
    }

    /// Appends an event to the chain and returns its sequence number.
    pub async fn record(&mut self, event: Event) -> Result<i64, DbError> {
        let stored = StoredEvent {
            seq: self.seq + 1,
            at: format_instant(Utc::now()),
            actor: self.who.actor.clone(),
            actor_org_id: self.who.actor_org_id.clone(),
            org_id: event.org_id,
            record_type: event.record_type,
            record_id: event.record_id,
            action: event.action,
            source: self.who.source.clone(),
            changes: event.changes.canonical(),
            hash: String::new(),
        };
        let hash = chain_hash(&self.hash, &stored);
        sqlx::query(
            "INSERT INTO audit_events (seq, at, actor, actor_org_id, org_id, record_type, \
             record_id, action, source, changes, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(stored.seq)
        .bind(&stored.at)
        .bind(&stored.actor)
        .bind(&stored.actor_org_id)
        .bind(&stored.org_id)
        .bind(&stored.record_type)
        .bind(&stored.record_id)
        .bind(&stored.action)
        .bind(&stored.source)
        .bind(&stored.changes)
        .bind(hex::encode(hash))
        .execute(&mut *self.tx)
        .await?;
        self.seq = stored.seq;
        self.hash = hash;
        self.recorded.push(stored.seq);
        Ok(stored.seq)
    }

    /// Moves the head and commits. A transaction that recorded no event wrote nothing worth
    /// keeping by definition, and committing it is refused: call [`Tx::rollback`] instead.
    pub async fn commit(mut self) -> Result<Vec<i64>, DbError> {
        if self.recorded.is_empty() {
            self.tx.rollback().await?;
            return Err(DbError::Unaudited);
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(hex::encode(self.hash))
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(self.recorded)
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// The result of walking the whole chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerifyReport {
    pub events: u64,
    pub last_seq: i64,
    pub last_hash: String,
    pub seconds: f64,
}

/// Where and why the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("审计链在第{seq}号事件处断裂：{reason}")]
pub struct ChainBroken {
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] ChainBroken),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for VerifyError {
    fn from(e: sqlx::Error) -> Self {
        VerifyError::Db(DbError::Query(e))
    }
}

macro_rules! event_columns {
    () => {
        "seq, at, actor, actor_org_id, org_id, record_type, record_id, action, source, changes, hash"
    };
}

fn read_event(row: &sqlx::any::AnyRow) -> Result<StoredEvent, sqlx::Error> {
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

/// Re-walks the chain from the first event: sequence numbers without gaps, every hash
/// recomputed, and the head matching the last event. `progress` is called every 10,000 events.
pub async fn verify(db: &Db, mut progress: impl FnMut(u64)) -> Result<VerifyReport, VerifyError> {
    let started = Instant::now();
    let mut previous = GENESIS;
    let mut expected_seq = 1i64;
    let mut count = 0u64;
    {
        let sql = concat!(
            "SELECT ",
            event_columns!(),
            " FROM audit_events ORDER BY seq"
        );
        let mut rows = sqlx::query(sql).fetch(db.pool());
        while let Some(row) = rows.try_next().await? {
            let event = read_event(&row)?;
            if event.seq != expected_seq {
                let reason = if event.seq > expected_seq {
                    format!("事件缺失（下一个现存事件为第{}号）", event.seq)
                } else {
                    "序号重复".to_string()
                };
                return Err(ChainBroken {
                    seq: expected_seq,
                    reason,
                }
                .into());
            }
            let hash = chain_hash(&previous, &event);
            if hex::encode(hash) != event.hash {
                return Err(ChainBroken {
                    seq: event.seq,
                    reason: "哈希值与内容不符，事件已被修改".into(),
                }
                .into());
            }
            previous = hash;
            expected_seq += 1;
            count += 1;
            if count % 10_000 == 0 {
                progress(count);
            }
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    let last_seq = expected_seq - 1;
    if head_seq != last_seq {
        return Err(ChainBroken {
            seq: last_seq + 1,
            reason: format!(
                "链头记录到第{head_seq}号，现存事件只到第{last_seq}号（末尾事件被删除）"
            ),
        }
        .into());
    }
    if head_hash != hex::encode(previous) {
        return Err(ChainBroken {
            seq: last_seq,
            reason: "链头哈希与最后一个事件不符".into(),
        }
        .into());
    }
    progress(count);
    Ok(VerifyReport {
        events: count,
        last_seq,
        last_hash: hex::encode(previous),
        seconds: started.elapsed().as_secs_f64(),
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
    pub orgs: Option<Vec<String>>,
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
        q.push(" AND (org_id IN ").bind_list(orgs.iter());
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
    let rows = q.query().fetch_all(db.pool()).await?;
    Ok(rows.iter().map(read_event).collect::<Result<_, _>>()?)
}

/// The head of the chain: the number of events and the last hash.
pub async fn head(db: &Db) -> Result<(i64, String), DbError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}
