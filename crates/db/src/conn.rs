//! A connection: a read-only one from the pool, or the writer's inside a job (see `writer`).
//! Nothing above `db` knows which backend it talks to.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;

use crate::row::Row;
use crate::sql::{Query, written_table};
use crate::{DbError, postgres, sqlite};

tokio::task_local! {
    /// The statements run while [`capture`] watches (benchmarks replay a page's own SQL).
    static CAPTURED: RefCell<Vec<Query>>;
}

/// Runs `work` and returns, beside its answer, every statement it ran on a [`Conn`] in this task
/// (reads; writes run on the writer) — so that a benchmark can replay exactly a page's SQL.
pub async fn capture<F: Future>(work: F) -> (F::Output, Vec<Query>) {
    CAPTURED
        .scope(RefCell::new(Vec::new()), async {
            let out = work.await;
            let statements = CAPTURED.with(|c| c.take());
            (out, statements)
        })
        .await
}

fn captured(q: &Query) {
    let _outside = CAPTURED.try_with(|c| c.borrow_mut().push(q.clone()));
}

pub struct Conn {
    inner: Inner,
    /// The writer's connection notes the tables its statements write, for their versions.
    written: Option<BTreeSet<String>>,
    /// Control statements owed before the next statement (PostgreSQL sends them with it: one
    /// round trip for both).
    owed: String,
}

enum Inner {
    SqliteReader(sqlite::Reader),
    SqliteWriter(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Inner::SqliteReader(_) => "Conn(sqlite, read-only)",
            Inner::SqliteWriter(_) => "Conn(sqlite, writer)",
            Inner::Postgres(_) => "Conn(postgres)",
        })
    }
}

impl Conn {
    pub(crate) fn sqlite_reader(reader: sqlite::Reader) -> Conn {
        Conn {
            inner: Inner::SqliteReader(reader),
            written: None,
            owed: String::new(),
        }
    }

    pub(crate) fn sqlite_writer(conn: rusqlite::Connection) -> Conn {
        Conn {
            inner: Inner::SqliteWriter(conn),
            written: Some(BTreeSet::new()),
            owed: String::new(),
        }
    }

    pub(crate) fn postgres(client: deadpool_postgres::Object, writer: bool) -> Conn {
        Conn {
            inner: Inner::Postgres(postgres::Client::Pooled(client)),
            written: writer.then(BTreeSet::new),
            owed: String::new(),
        }
    }

    /// The PostgreSQL writer's own connection.
    pub(crate) fn postgres_writer(client: tokio_postgres::Client) -> Conn {
        Conn {
            inner: Inner::Postgres(postgres::Client::Owned(postgres::Owned::new(client))),
            written: Some(BTreeSet::new()),
            owed: String::new(),
        }
    }

    /// The writer's SQLite connection back, when its batch is done.
    pub(crate) fn into_sqlite_writer(self) -> Option<rusqlite::Connection> {
        match self.inner {
            Inner::SqliteWriter(conn) => Some(conn),
            _ => None,
        }
    }

    /// Opens a write batch: BEGIN and the chain's head locked (and read), and the jobs' savepoint
    /// when there are several — one message on PostgreSQL.
    pub(crate) async fn begin_batch(
        &mut self,
        begin: &str,
        savepoint: bool,
    ) -> Result<(i64, [u8; 32]), DbError> {
        const HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";
        let row = match &self.inner {
            Inner::Postgres(c) => {
                // BEGIN and the head row locked for the batch (writers on other servers wait
                // here), sent together: one round trip.
                let head = crate::sql::query(format!("{HEAD} FOR UPDATE"));
                postgres::after(c, begin, postgres::fetch_optional(c, &head)).await?
            }
            _ => {
                // BEGIN IMMEDIATE takes SQLite's write lock: the head cannot move under us.
                self.batch(begin).await?;
                crate::sql::query(HEAD).fetch_optional(self).await?
            }
        };
        let row = row.ok_or(DbError::RowNotFound)?;
        if savepoint {
            self.defer("SAVEPOINT job").await?;
        }
        let (seq, hash): (i64, String) = (row.try_get(0)?, row.try_get(1)?);
        Ok((seq, crate::audit::decode_hash(&hash, seq)?))
    }

    /// A control statement (the writer's savepoints) sent before the next statement — with it,
    /// on PostgreSQL; at once on SQLite, where a statement costs no round trip.
    pub(crate) async fn defer(&mut self, sql: &str) -> Result<(), DbError> {
        if let Inner::Postgres(_) = &self.inner {
            if !self.owed.is_empty() {
                self.owed.push_str("; ");
            }
            self.owed.push_str(sql);
            return Ok(());
        }
        self.batch(sql).await
    }

    /// Runs `queries` then the batch `then`, pipelined on PostgreSQL (the writer's events and its
    /// COMMIT go in one round trip).
    pub(crate) async fn pipeline(&mut self, queries: &[Query], then: &str) -> Result<(), DbError> {
        if let Inner::Postgres(c) = &self.inner {
            let owed = std::mem::take(&mut self.owed);
            return postgres::pipeline(c, &owed, queries, then).await;
        }
        for q in queries {
            self.execute(q).await?;
        }
        self.batch(then).await
    }

    /// The tables written since the last call.
    pub(crate) fn take_written(&mut self) -> BTreeSet<String> {
        self.written
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn note(&mut self, q: &Query) {
        if let Some(written) = &mut self.written
            && let Some(table) = written_table(&q.sql)
        {
            written.insert(table);
        }
    }

    pub async fn execute(&mut self, q: &Query) -> Result<u64, DbError> {
        captured(q);
        let n = match &self.inner {
            Inner::SqliteReader(r) => sqlite::execute(r.connection(), q),
            Inner::SqliteWriter(c) => sqlite::execute(c, q),
            Inner::Postgres(c) => {
                postgres::after(c, &std::mem::take(&mut self.owed), postgres::execute(c, q)).await
            }
        }
        .map_err(|e| e.in_statement(q))?;
        self.note(q);
        Ok(n)
    }

    pub async fn fetch_all(&mut self, q: &Query) -> Result<Vec<Row>, DbError> {
        captured(q);
        let rows = match &self.inner {
            Inner::SqliteReader(r) => sqlite::fetch_all(r.connection(), q),
            Inner::SqliteWriter(c) => sqlite::fetch_all(c, q),
            Inner::Postgres(c) => {
                postgres::after(
                    c,
                    &std::mem::take(&mut self.owed),
                    postgres::fetch_all(c, q),
                )
                .await
            }
        }
        .map_err(|e| e.in_statement(q))?;
        self.note(q);
        Ok(rows)
    }

    pub async fn fetch_optional(&mut self, q: &Query) -> Result<Option<Row>, DbError> {
        captured(q);
        let row = match &self.inner {
            Inner::SqliteReader(r) => sqlite::fetch_optional(r.connection(), q),
            Inner::SqliteWriter(c) => sqlite::fetch_optional(c, q),
            Inner::Postgres(c) => {
                postgres::after(
                    c,
                    &std::mem::take(&mut self.owed),
                    postgres::fetch_optional(c, q),
                )
                .await
            }
        }
        .map_err(|e| e.in_statement(q))?;
        self.note(q);
        Ok(row)
    }

    pub async fn map<T>(
        &mut self,
        q: &Query,
        f: impl FnMut(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        captured(q);
        let out = match &self.inner {
            Inner::SqliteReader(r) => sqlite::map(r.connection(), q, f),
            Inner::SqliteWriter(c) => sqlite::map(c, q, f),
            Inner::Postgres(c) => {
                postgres::after(c, &std::mem::take(&mut self.owed), postgres::map(c, q, f)).await
            }
        }
        .map_err(|e| e.in_statement(q))?;
        self.note(q);
        Ok(out)
    }

    /// Statements without parameters or answers, separated by `;` (DDL, maintenance).
    pub async fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        match &self.inner {
            Inner::SqliteReader(r) => r.connection().execute_batch(sql)?,
            Inner::SqliteWriter(c) => c.execute_batch(sql)?,
            Inner::Postgres(c) if self.owed.is_empty() => postgres::batch(c, sql).await?,
            Inner::Postgres(c) => {
                let owed = std::mem::take(&mut self.owed);
                postgres::batch(c, &format!("{owed}; {sql}")).await?
            }
        }
        if let Some(written) = &mut self.written {
            written.extend(sql.split(';').filter_map(written_table));
        }
        Ok(())
    }
}
