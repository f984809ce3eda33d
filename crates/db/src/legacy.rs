//! The first storage layer's write transaction (sqlx), kept while the modules move to the writer
//! (`Db::write`) one by one. It keeps the same chain: it locks the head row first, as the writer
//! does, so both append to one linear chain.

use chrono::{DateTime, Utc};
use kernel::time::format_instant;
use sqlx::{Any, AnyConnection, Row};

use crate::audit::{StoredEvent, chain_hash, decode_hash};
use crate::{Db, DbError, Event, Who};

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
        let seq_text = stored.seq.to_string();
        let hash = chain_hash(&self.hash, stored.chain_fields(&seq_text));
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

    /// Moves the head and commits. A transaction that recorded no event is refused.
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
