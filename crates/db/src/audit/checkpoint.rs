//! Checkpoints of the chain: its head at an instant, with a code under a key the database does
//! not hold. This module stores, reads and writes them as text; the platform computes the code.

use crate::{Db, DbError, Tx, query};

/// A checkpoint: event `seq` had chain hash `hash`; `previous_seq` is the checkpoint before it
/// (0 for the first); `mac` is HMAC-SM3 over [`Checkpoint::signed_bytes`] under the audit key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub previous_seq: i64,
    /// When it was taken (stored instant).
    pub at: String,
    pub mac: String,
}

const TITLE: &str = "fazhi 审计链检查点";
const SEQ: &str = "事件序号：";
const HASH: &str = "链哈希：";
const PREVIOUS: &str = "上一检查点：";
const AT: &str = "生成时间：";
const MAC: &str = "校验码：";

impl Checkpoint {
    /// The bytes the code covers (the instant is for people and is not covered).
    pub fn signed_bytes(seq: i64, hash: &str, previous_seq: i64) -> Vec<u8> {
        format!("fazhi.audit.checkpoint.v1|{seq}|{hash}|{previous_seq}").into_bytes()
    }

    /// The checkpoint as a short text to print or file away.
    pub fn to_text(&self) -> String {
        format!(
            "{TITLE}\n{SEQ}{}\n{HASH}{}\n{PREVIOUS}{}\n{AT}{}（北京时间）\n{MAC}{}\n",
            self.seq,
            self.hash,
            self.previous_seq,
            kernel::time::display_stored(&self.at),
            self.mac
        )
    }

    /// Reads a checkpoint written by [`Checkpoint::to_text`]; the time is read back as shown.
    pub fn parse(text: &str) -> Result<Checkpoint, String> {
        let field = |label: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .map(|v| v.trim().to_string())
                .ok_or_else(|| format!("检查点中没有“{}”一行", label.trim_end_matches('：')))
        };
        if !text.trim_start().starts_with(TITLE) {
            return Err(format!("不是审计链检查点（第一行应为“{TITLE}”）"));
        }
        let number = |label: &str| {
            field(label)?
                .parse::<i64>()
                .map_err(|_| format!("检查点的“{}”不是数字", label.trim_end_matches('：')))
        };
        let hex64 = |label: &str| {
            let v = field(label)?;
            if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(v.to_ascii_lowercase())
            } else {
                Err(format!(
                    "检查点的“{}”应为64位十六进制数",
                    label.trim_end_matches('：')
                ))
            }
        };
        Ok(Checkpoint {
            seq: number(SEQ)?,
            hash: hex64(HASH)?,
            previous_seq: number(PREVIOUS)?,
            at: field(AT)?.trim_end_matches("（北京时间）").to_string(),
            mac: hex64(MAC)?,
        })
    }
}

/// The last stored checkpoint, if any.
pub async fn last_checkpoint(tx: &mut Tx) -> Result<Option<Checkpoint>, DbError> {
    let rows = query(
        "SELECT seq, hash, previous_seq, at, mac FROM audit_checkpoints ORDER BY seq DESC LIMIT 1",
    )
    .fetch_all(tx.conn())
    .await?;
    rows.first().map(read).transpose()
}

/// The sequence number of the last stored checkpoint after `seq`, if any.
pub async fn checkpoints_after(db: &Db, seq: i64) -> Result<Option<i64>, DbError> {
    let rows = query("SELECT MAX(seq) FROM audit_checkpoints WHERE seq > $1")
        .bind(seq)
        .fetch_all(&mut db.conn().await?)
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r.try_get::<Option<i64>, _>(0).ok().flatten()))
}

/// Stores a checkpoint (in the transaction that records its event).
pub async fn store_checkpoint(tx: &mut Tx, checkpoint: &Checkpoint) -> Result<(), DbError> {
    query("INSERT INTO audit_checkpoints (seq, hash, previous_seq, at, mac) VALUES ($1, $2, $3, $4, $5)")
        .bind(checkpoint.seq)
        .bind(&checkpoint.hash)
        .bind(checkpoint.previous_seq)
        .bind(&checkpoint.at)
        .bind(&checkpoint.mac)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Every stored checkpoint, oldest first.
pub async fn checkpoints(db: &Db) -> Result<Vec<Checkpoint>, DbError> {
    query("SELECT seq, hash, previous_seq, at, mac FROM audit_checkpoints ORDER BY seq")
        .fetch_all(&mut db.conn().await?)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// The stored hash of event `seq`, if it exists.
pub async fn event_hash(db: &Db, seq: i64) -> Result<Option<String>, DbError> {
    let rows = query("SELECT hash FROM audit_events WHERE seq = $1")
        .bind(seq)
        .fetch_all(&mut db.conn().await?)
        .await?;
    rows.first().map(|r| r.try_get(0)).transpose()
}

fn read(row: &crate::Row) -> Result<Checkpoint, DbError> {
    Ok(Checkpoint {
        seq: row.try_get(0)?,
        hash: row.try_get(1)?,
        previous_seq: row.try_get(2)?,
        at: row.try_get(3)?,
        mac: row.try_get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::Checkpoint;

    #[test]
    fn a_checkpoint_reads_back_from_its_text() {
        let checkpoint = Checkpoint {
            seq: 12345,
            hash: "ab".repeat(32),
            previous_seq: 12000,
            at: "2026-12-05T09:20:00.000000Z".into(),
            mac: "cd".repeat(32),
        };
        let text = checkpoint.to_text();
        assert!(
            text.contains("事件序号：12345") && !text.contains('Z'),
            "{text}"
        );
        let back = Checkpoint::parse(&text).unwrap();
        assert_eq!(
            (back.seq, &back.hash, back.previous_seq, &back.mac),
            (12345, &checkpoint.hash, 12000, &checkpoint.mac)
        );
        assert!(Checkpoint::parse("随便什么").is_err());
        let broken = text.replace(&"cd".repeat(32), "xyz");
        assert!(Checkpoint::parse(&broken).unwrap_err().contains("校验码"));
    }
}
