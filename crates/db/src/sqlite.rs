//! The SQLite side: connections with their pragmas, a pool of read-only connections that run
//! statements on the calling thread, and the writer's connection (see `writer`).
//!
//! Reads run where the request runs: a statement over the bundled SQLite costs microseconds, far
//! less than handing it to another thread and back (issue 15's measurements: 2.9 µs for a primary
//! key read in place, 78 µs through a worker thread). Long reads (statistics, exports) are moved
//! off the async workers by their callers (`Db::offload`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::DbError;
use crate::row::{Names, Row};
use crate::sql::{Query, Value};

/// Statements kept prepared per connection: every statement fazhi runs, with room to spare.
const STATEMENT_CACHE: usize = 512;

/// At most this many read connections at once; a reader waits for one beyond that.
const MAX_READERS: usize = 64;

/// Opens a connection to the database file with fazhi's pragmas. `writer`: the one connection
/// that writes (the others are read-only, so a write anywhere else fails at once).
pub(crate) fn open(path: &Path, writer: bool) -> Result<Connection, rusqlite::Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    // Lists sort text by 拼音 with `COLLATE zh` (kernel::collate); PostgreSQL has its own.
    conn.create_collation(kernel::collate::ZH, kernel::collate::zh_cmp)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // The query planner stability guarantee: a statement's plan does not depend on the values
    // bound to it. Without it, once the planner has statistics (STAT4, gathered at open) every
    // statement comparing an indexed column with a parameter, and every LIKE with a bound
    // pattern, is prepared again each time a value is bound — the scope's `path LIKE $n` was
    // parsed and planned on every list page.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    // WAL: readers never wait for the writer, and a killed process loses no committed
    // transaction. journal_mode also reads the file, so a file that is not a database fails
    // here. Pages are read through a memory map (no system call and no copy per page re-read).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA mmap_size = 1073741824;",
    )?;
    if writer {
        // Checkpoints run beside the writer (`checkpointer`), not inside its commits; a log that
        // grew past the limit under load is cut back to it when it starts again (`WalTender`).
        // Each job's SAVEPOINT journals the pages it changes; kept in memory, not spilled to a
        // temporary file past 64 KiB (a batch of jobs spilled: 5% of a step's time was that write).
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WAL_LIMIT}; \
             PRAGMA temp_store = MEMORY;"
        ))?;
    } else {
        conn.execute_batch("PRAGMA query_only = 1;")?;
    }
    Ok(conn)
}

/// The file a `sqlite:` URL names, or None for an in-memory database.
pub(crate) fn path_of(raw: &str) -> Option<PathBuf> {
    let rest = raw
        .strip_prefix("sqlite://")
        .or_else(|| raw.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// `$n` → `?n`: SQLite reads `$name` as a named parameter, numbered by first appearance, while
/// `?n` is parameter n exactly. Quoted text is left alone.
pub(crate) fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    // Byte by byte: `$`, `?` and `'` are ASCII, so the text stays UTF-8 (this ran for every
    // statement; by character it was 3.5% of a step's time).
    let mut out = sql.as_bytes().to_vec();
    let mut quoted = false;
    for i in 0..out.len() {
        match out[i] {
            b'\'' => quoted = !quoted,
            b'$' if !quoted && out.get(i + 1).is_some_and(u8::is_ascii_digit) => out[i] = b'?',
            _ => {}
        }
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(sql),
    }
}

fn value_ref(v: &Value) -> ValueRef<'_> {
    match v {
        Value::Text(s) => ValueRef::Text(s.as_bytes()),
        Value::Int(n) => ValueRef::Integer(*n),
        Value::Real(x) => ValueRef::Real(*x),
        Value::Bytes(b) => ValueRef::Blob(b),
        Value::Null(_) => ValueRef::Null,
    }
}

/// Prepares (from the cache) and binds a statement.
fn prepared<'c>(conn: &'c Connection, q: &Query) -> Result<rusqlite::CachedStatement<'c>, DbError> {
    let mut stmt = conn.prepare_cached(&numbered(&q.sql))?;
    let expected = stmt.parameter_count();
    if expected != q.values.len() {
        return Err(DbError::Parameters {
            expected,
            given: q.values.len(),
        });
    }
    for (i, v) in q.values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, ToSqlOutput::Borrowed(value_ref(v)))?;
    }
    Ok(stmt)
}

fn names(stmt: &rusqlite::Statement<'_>) -> Names {
    stmt.column_names()
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into()
}

pub(crate) fn execute(conn: &Connection, q: &Query) -> Result<u64, DbError> {
    let mut stmt = prepared(conn, q)?;
    if stmt.column_count() > 0 {
        // A statement that answers rows (RETURNING, a PRAGMA): step through them.
        let mut rows = stmt.raw_query();
        let mut n = 0;
        while rows.next()?.is_some() {
            n += 1;
        }
        return Ok(n);
    }
    Ok(stmt.raw_execute()? as u64)
}

pub(crate) fn fetch_all(conn: &Connection, q: &Query) -> Result<Vec<Row>, DbError> {
    let mut stmt = prepared(conn, q)?;
    let names = names(&stmt);
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Row::sqlite(row, &names)?);
    }
    Ok(out)
}

pub(crate) fn fetch_optional(conn: &Connection, q: &Query) -> Result<Option<Row>, DbError> {
    let mut stmt = prepared(conn, q)?;
    let names = names(&stmt);
    let mut rows = stmt.raw_query();
    match rows.next()? {
        Some(row) => Ok(Some(Row::sqlite(row, &names)?)),
        None => Ok(None),
    }
}

pub(crate) fn map<T>(
    conn: &Connection,
    q: &Query,
    mut f: impl FnMut(&Row) -> Result<T, DbError>,
) -> Result<Vec<T>, DbError> {
    let mut stmt = prepared(conn, q)?;
    let names = names(&stmt);
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    let mut held = Row::sqlite_empty(&names);
    while let Some(row) = rows.next()? {
        held.refill(row)?;
        out.push(f(&held)?);
    }
    Ok(out)
}

/// Read-only connections, opened when needed and kept for the next reader.
pub(crate) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Pool {
    pub(crate) fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(MAX_READERS)),
        }
    }

    pub(crate) async fn get(self: &Arc<Self>) -> Result<Reader, DbError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| DbError::Closed)?;
        let held = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match held {
            Some(conn) => conn,
            None => open(&self.path, false)?,
        };
        Ok(Reader {
            conn: Some(conn),
            pool: self.clone(),
            _permit: permit,
        })
    }

    /// Drops the idle connections (closing a database).
    pub(crate) fn close(&self) {
        self.permits.close();
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// A read-only connection borrowed from the pool; given back when dropped.
pub(crate) struct Reader {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl Reader {
    pub(crate) fn connection(&self) -> &Connection {
        self.conn.as_ref().expect("held until dropped")
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take()
            && !self.pool.permits.is_closed()
        {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(conn);
        }
    }
}

/// The write-ahead log's size past which the writer sees to its starting again (64 MiB).
pub(crate) const WAL_LIMIT: u64 = 64 * 1024 * 1024;

/// Keeps the write-ahead log from growing without end under steady load. The log starts again
/// from its beginning only when a write begins with every page of it back in the database file;
/// the checkpointer copies beside the writer, which meanwhile commits more, so under steady
/// writes that moment never came (100,000 cases driven by 64 clients grew it past 1.7 GB in 20 s,
/// every commit appending to fresh blocks the kernel zeroed first). Between batches, at most every
/// 100 ms and only while the log is past [`WAL_LIMIT`], the writer copies the few pages committed
/// since the checkpointer's last pass itself, so that its next batch starts the log again.
pub(crate) struct WalTender {
    wal: PathBuf,
    limit: u64,
    every: Duration,
    last: std::time::Instant,
}

impl WalTender {
    pub(crate) fn new(path: &Path) -> WalTender {
        WalTender::with(path, WAL_LIMIT, Duration::from_millis(100))
    }

    fn with(path: &Path, limit: u64, every: Duration) -> WalTender {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        WalTender {
            wal: PathBuf::from(wal),
            limit,
            every,
            last: std::time::Instant::now(),
        }
    }

    /// Called by the writer between batches, with no transaction open.
    pub(crate) fn tend(&mut self, conn: &Connection) {
        if self.last.elapsed() < self.every {
            return;
        }
        self.last = std::time::Instant::now();
        if std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > self.limit)
            && let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// Moves the WAL's pages into the database file beside the writer, so that a commit never waits
/// for a checkpoint. PASSIVE never blocks the writer or the readers; the WAL file is reused from
/// its start once every page is back and no reader needs it.
pub(crate) fn spawn_checkpointer(path: PathBuf, stop: std::sync::Weak<()>) {
    let spawned = std::thread::Builder::new()
        .name("fazhi-checkpoint".into())
        .spawn(move || {
            let Ok(conn) = open(&path, true) else { return };
            while stop.upgrade().is_some() {
                std::thread::sleep(Duration::from_millis(250));
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the WAL checkpointer");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parameters_outside_quotes() {
        assert_eq!(
            numbered("SELECT '$1', $1 WHERE a = $12"),
            "SELECT '$1', ?1 WHERE a = ?12"
        );
        assert!(matches!(numbered("SELECT 1"), Cow::Borrowed(_)));
    }

    /// Steady writes beside a reader that never stops and a checkpointer: the log would only
    /// grow (each of the 400 commits appends a 16 KiB row's pages); tended, it starts again and
    /// stays near its limit.
    #[test]
    fn the_log_starts_again_under_steady_reads_and_writes() {
        let grown = |tended: bool| -> u64 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.db");
            let writer = open(&path, true).unwrap();
            writer
                .execute_batch(
                    "PRAGMA journal_size_limit = 262144; \
                     CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)",
                )
                .unwrap();
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let mut helpers = Vec::new();
            for checkpoints in [false, true] {
                let (path, stop) = (path.clone(), stop.clone());
                helpers.push(std::thread::spawn(move || {
                    let conn = open(&path, checkpoints).unwrap();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        if checkpoints {
                            let _ =
                                conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                            std::thread::sleep(Duration::from_millis(5));
                        } else {
                            let _: i64 = conn
                                .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
                                .unwrap();
                        }
                    }
                }));
            }
            let mut tender = WalTender::with(&path, 256 * 1024, Duration::ZERO);
            for i in 0..400 {
                writer
                    .execute("INSERT INTO t VALUES (?1, zeroblob(16384))", [i])
                    .unwrap();
                if tended {
                    tender.tend(&writer);
                }
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            for h in helpers {
                h.join().unwrap();
            }
            std::fs::metadata(&tender.wal).unwrap().len()
        };
        // The best of three: on a machine busy with other work the reader can hold an old
        // snapshot across a commit now and then, and the log restarts a little later.
        let tended = (0..3).map(|_| grown(true)).min().unwrap();
        assert!(
            tended < 2 * 1024 * 1024,
            "the tended log is {tended} bytes, not near its limit of 256 KiB"
        );
        let untended = grown(false);
        assert!(
            untended > 2 * tended,
            "untended {untended} bytes, tended {tended}: the test shows nothing"
        );
    }
}
