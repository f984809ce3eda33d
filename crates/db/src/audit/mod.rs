//! The audit event log (审计日志): append-only and chained with SM3 (GB/T 32905).
//!
//! Every write is a job of the writer ([`crate::Db::write`]): its batch locks the chain's head row
//! first (serialising writers on both backends, and several servers on one PostgreSQL), each job
//! appends one event per changed record through its [`crate::Tx`], and the batch moves the head
//! once at its commit. Event n's hash is SM3(hash of event n−1 ‖ canonical bytes of event n), so editing,
//! deleting or inserting any event breaks every hash after it; [`verify`] re-walks the chain and
//! names the first broken sequence number. Nothing in fazhi updates or deletes an event.

mod checkpoint;
mod list;
mod verify;

pub use checkpoint::{
    Checkpoint, checkpoints, checkpoints_after, event_hash, last_checkpoint, store_checkpoint,
};
pub use list::{EventFilter, head, list, since};
pub use verify::{ChainBroken, VerifyError, VerifyReport, verify};

use std::collections::BTreeMap;

use kernel::crypto::sm3_parts;
use serde::Serialize;

use crate::DbError;

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
    pub(crate) fn canonical(&self) -> String {
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
/// `fields` in chain order: seq, at, actor, actor's organisation, record's organisation, record
/// type, record id, action, source, changes (absent organisations as "").
fn canonical_bytes(fields: [&str; 10]) -> Vec<u8> {
    let mut out = Vec::with_capacity(320);
    for field in std::iter::once("fazhi.audit.v1").chain(fields) {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    out
}

pub(crate) fn chain_hash(previous: &[u8; 32], fields: [&str; 10]) -> [u8; 32] {
    sm3_parts(&[previous, &canonical_bytes(fields)])
}

impl StoredEvent {
    pub(crate) fn chain_fields<'a>(&'a self, seq: &'a str) -> [&'a str; 10] {
        [
            seq,
            &self.at,
            &self.actor,
            self.actor_org_id.as_deref().unwrap_or(""),
            self.org_id.as_deref().unwrap_or(""),
            &self.record_type,
            &self.record_id,
            &self.action,
            &self.source,
            &self.changes,
        ]
    }
}

pub(crate) fn decode_hash(text: &str, seq: i64) -> Result<[u8; 32], DbError> {
    hex::decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| DbError::Corrupt(format!("审计事件{seq}的哈希值格式错误")))
}
