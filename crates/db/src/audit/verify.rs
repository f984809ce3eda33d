//! Re-walking the chain.

use std::time::Instant;

use serde::Serialize;

use super::{GENESIS, chain_hash, decode_hash};
use crate::{Db, DbError, query, query_scalar};

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

/// One text column per event: each field as `<length in characters>:<text>`, in chain order then
/// the hash. Portable (`length`, `||`, `COALESCE`, `CAST`), and one text per row to hand to the
/// hashing thread.
macro_rules! packed {
    ($e:literal) => {
        concat!("length(", $e, ") || ':' || ", $e)
    };
}

const PACKED_SELECT: &str = concat!(
    "SELECT ",
    packed!("CAST(seq AS TEXT)"),
    " || ",
    packed!("at"),
    " || ",
    packed!("actor"),
    " || ",
    packed!("COALESCE(actor_org_id, '')"),
    " || ",
    packed!("COALESCE(org_id, '')"),
    " || ",
    packed!("record_type"),
    " || ",
    packed!("record_id"),
    " || ",
    packed!("action"),
    " || ",
    packed!("source"),
    " || ",
    packed!("changes"),
    " || ",
    packed!("hash"),
    " FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2"
);

/// Splits a packed row into its eleven fields: seq, the ten chain fields after it, and the hash
/// (seq is also the first chain field).
fn unpack(text: &str) -> Option<[&str; 11]> {
    let mut out = [""; 11];
    let mut rest = text;
    for slot in &mut out {
        let (length, after) = rest.split_once(':')?;
        let chars: usize = length.parse().ok()?;
        let end = match after.char_indices().nth(chars) {
            Some((i, _)) => i,
            None if after.chars().count() == chars => after.len(),
            None => return None,
        };
        *slot = &after[..end];
        rest = &after[end..];
    }
    rest.is_empty().then_some(out)
}

/// The first field of a packed row (the sequence number, digits only), without unpacking the rest.
fn leading_seq(row: &str) -> Option<i64> {
    let (length, after) = row.split_once(':')?;
    after.get(..length.parse::<usize>().ok()?)?.parse().ok()
}

/// Events are read in chunks of this many, by sequence number.
const VERIFY_CHUNK: i64 = 20_000;

/// Checks one chunk of packed rows against the stored hash of the event before it: each event's
/// hash must be SM3(the previous event's stored hash ‖ its own canonical bytes). Runs off the
/// async threads.
fn verify_chunk(
    mut previous: [u8; 32],
    first_seq: i64,
    rows: &[String],
) -> Result<(), ChainBroken> {
    for (i, row) in rows.iter().enumerate() {
        let seq = first_seq + i as i64;
        let Some(f) = unpack(row) else {
            return Err(ChainBroken {
                seq,
                reason: "事件记录无法读取".into(),
            });
        };
        let hash = chain_hash(
            &previous,
            [f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]],
        );
        if hex::encode(hash) != f[10] {
            return Err(ChainBroken {
                seq,
                reason: "哈希值与内容不符，事件已被修改".into(),
            });
        }
        previous = hash;
    }
    Ok(())
}

/// Re-walks the chain from the first event: sequence numbers without gaps, every hash
/// recomputed, and the head matching the last event. Reading the next chunk overlaps with
/// hashing the last one. `progress` is called after every chunk.
pub async fn verify(db: &Db, mut progress: impl FnMut(u64)) -> Result<VerifyReport, VerifyError> {
    let started = Instant::now();
    let mut previous = GENESIS;
    let mut next_seq = 1i64;
    let mut count = 0u64;
    let mut hashing: Option<tokio::task::JoinHandle<Result<(), ChainBroken>>> = None;
    let mut conn = db.conn().await?;
    loop {
        let rows: Vec<String> = query_scalar(PACKED_SELECT)
            .bind(next_seq)
            .bind(VERIFY_CHUNK)
            .fetch_all(&mut conn)
            .await?;
        if let Some(task) = hashing.take() {
            task.await.map_err(|e| DbError::Corrupt(e.to_string()))??;
        }
        let Some(last_row) = rows.last() else { break };
        // Sequence numbers first: a gap names the missing event.
        for (i, row) in rows.iter().enumerate() {
            let want = next_seq + i as i64;
            let seq = leading_seq(row);
            match seq {
                Some(s) if s == want => {}
                Some(s) => {
                    return Err(ChainBroken {
                        seq: want,
                        reason: format!("事件缺失（下一个现存事件为第{s}号）"),
                    }
                    .into());
                }
                None => {
                    return Err(ChainBroken {
                        seq: want,
                        reason: "事件记录无法读取".into(),
                    }
                    .into());
                }
            }
        }
        let last = unpack(last_row)
            .map(|f| f[10].to_string())
            .unwrap_or_default();
        let chunk_previous = previous;
        let first_seq = next_seq;
        next_seq += rows.len() as i64;
        previous = decode_hash(&last, next_seq - 1)?;
        count += rows.len() as u64;
        hashing = Some(tokio::task::spawn_blocking(move || {
            verify_chunk(chunk_previous, first_seq, &rows)
        }));
        progress(count);
    }
    let head = query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut conn)
        .await?;
    let head_seq: i64 = head.try_get(0)?;
    let head_hash: String = head.try_get(1)?;
    let last_seq = next_seq - 1;
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
    Ok(VerifyReport {
        events: count,
        last_seq,
        last_hash: hex::encode(previous),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_split_by_character_counts() {
        let row = "1:72:at8:user:张三|0:0:3:org2::x6:update3:web2:{}4:abcd";
        let f = unpack(row).unwrap();
        assert_eq!(
            f,
            [
                "7",
                "at",
                "user:张三|",
                "",
                "",
                "org",
                ":x",
                "update",
                "web",
                "{}",
                "abcd"
            ]
        );
        assert!(unpack("3:ab").is_none());
        assert!(unpack(&format!("{row}x")).is_none());
    }
}
