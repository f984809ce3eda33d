//! Storage: one code path over SQLite (the embedded default) and PostgreSQL (the scale path).
//!
//! The backend is chosen once, from the URL, in [`Db::open`]; everything above runs the same SQL
//! text with `$1`-style parameters ([`query`], [`Params`]) on a [`Conn`]. Reads take a
//! connection from the pool ([`Db::conn`]) and run on the caller's thread (SQLite) or as one
//! round trip per statement (PostgreSQL, statements prepared once per connection). Writes are
//! jobs sent to the one writer ([`Db::write`]), which commits many jobs at once, each with the
//! SM3-chained audit events of that write (see [`audit`] and `writer`).

pub mod admin;
pub mod audit;
pub mod calendar;
mod conn;
pub mod copy;
mod migrate;
mod page;
pub mod params;
mod postgres;
mod row;
pub mod settings;
mod sql;
mod sqlite;
mod url;
mod versions;
mod writer;

use std::future::Future;
use std::sync::Arc;

pub use crate::audit::{Changes, Event, Who};
pub use crate::conn::{Conn, capture};
pub use crate::page::{Page, PageRequest};
pub use crate::params::{OrgScope, Params};
pub use crate::row::{Cell, ColumnIndex, Decode, Row};
pub use crate::sql::{Kind, Query, Scalar, ToValue, Value, query, query_scalar};
pub use crate::url::{Backend, DatabaseUrl};
pub use crate::versions::{Cache, FRESH_FOR, Versions};
pub use crate::writer::{BoxFuture, Tx};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库地址无效（{url}）：{reason}")]
    BadUrl { url: String, reason: String },
    #[error("无法打开数据库 {url}：{reason}")]
    Open { url: String, reason: String },
    #[error("无法迁移数据库 {url}：{reason}")]
    Migrate { url: String, reason: String },
    #[error("数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库错误：{}", postgres_message(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("数据库连接不可用：{0}")]
    Pool(String),
    #[error("数据库读出的“{column}”无法识别：{reason}")]
    Decode { column: String, reason: String },
    #[error("内部错误：语句需要{expected}个参数，给出了{given}个")]
    Parameters { expected: usize, given: usize },
    #[error("内部错误：查询没有结果")]
    RowNotFound,
    #[error("数据库已关闭")]
    Closed,
    #[error("写入失败：{0}")]
    Write(String),
    #[error("内部错误：写入没有审计事件")]
    Unaudited,
    #[error("数据损坏：{0}")]
    Corrupt(String),
}

impl DbError {
    /// A unique constraint refused the write (a duplicate name or code).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            DbError::Postgres(e) => {
                e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }

    /// Notes which statement failed, in the log (the message shown stays the driver's).
    pub(crate) fn in_statement(self, q: &Query) -> DbError {
        if matches!(self, DbError::Sqlite(_) | DbError::Postgres(_)) {
            let sql: String = q.sql().chars().take(300).collect();
            tracing::debug!(error = %self, %sql, "statement failed");
        }
        self
    }
}

impl From<deadpool_postgres::PoolError> for DbError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => DbError::Postgres(e),
            other => DbError::Pool(one_line(&other)),
        }
    }
}

/// The server's own message (tokio-postgres prints only "db error" for it), or the driver's.
fn postgres_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => one_line(&format_args!("{} ({})", d.message(), d.code().code())),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            one_line(&text)
        }
    }
}

/// One line, whatever the driver's message looks like.
fn one_line(error: &dyn std::fmt::Display) -> String {
    error
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The database: read connections, the writer, and what is kept about the database in memory.
/// Cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    url: DatabaseUrl,
    readers: Readers,
    writer: writer::Sender,
    /// The settings as last read (see `settings::load`).
    settings: Cache<(), kernel::settings::Settings>,
    /// List counts (see `Db::count`).
    counts: versions::Counts,
    /// The calendar in force (see `calendar::current_at`).
    calendar: Cache<(), kernel::calendar::Calendar>,
    /// The WAL checkpointer runs while this lives.
    _alive: Arc<()>,
}

enum Readers {
    Sqlite(Arc<sqlite::Pool>),
    Postgres(deadpool_postgres::Pool),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.inner.url)
    }
}

impl Db {
    /// Connects and applies any migrations not yet applied.
    pub async fn open(url: &DatabaseUrl) -> Result<Db, DbError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        db.optimize().await?;
        Ok(db)
    }

    /// Connects without migrating.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, DbError> {
        let open_error = |e: &dyn std::fmt::Display| DbError::Open {
            url: url.redacted(),
            reason: one_line(e),
        };
        let alive = Arc::new(());
        let (readers, writer) = match url.backend() {
            Backend::Sqlite => {
                let path = sqlite::path_of(url.expose())
                    .ok_or_else(|| open_error(&"不支持内存数据库，请指定数据库文件"))?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| open_error(&e))?;
                }
                let conn = sqlite::open(&path, true).map_err(|e| open_error(&e))?;
                let runtime = tokio::runtime::Handle::try_current()
                    .map_err(|_| open_error(&"需要在异步运行时中打开数据库"))?;
                let writer = writer::spawn_sqlite(conn, path.clone(), runtime)
                    .map_err(|e| open_error(&e))?;
                sqlite::spawn_checkpointer(path.clone(), Arc::downgrade(&alive));
                (Readers::Sqlite(Arc::new(sqlite::Pool::new(path))), writer)
            }
            Backend::Postgres => {
                let readers = postgres::pool(
                    postgres::config(url.expose(), true).map_err(|e| open_error(&e))?,
                    16,
                )
                .map_err(|e| open_error(&e))?;
                // One direct attempt first: a wrong URL should fail at once, with its reason.
                drop(readers.get().await.map_err(|e| open_error(&e))?);
                let writer = writer::spawn_postgres(
                    postgres::config(url.expose(), false).map_err(|e| open_error(&e))?,
                );
                (Readers::Postgres(readers), writer)
            }
        };
        Ok(Db {
            inner: Arc::new(Inner {
                url: url.clone(),
                readers,
                writer,
                settings: settings::cache(),
                counts: versions::Counts::default(),
                calendar: Cache::new(&["calendar_notices", "settings"], 1),
                _alive: alive,
            }),
        })
    }

    /// A writable connection of its own, outside the writer (migrations, maintenance).
    async fn maintenance_conn(&self) -> Result<(Conn, Option<deadpool_postgres::Pool>), String> {
        match &self.inner.readers {
            Readers::Sqlite(_) => {
                let path = sqlite::path_of(self.inner.url.expose()).ok_or("no file")?;
                let conn = sqlite::open(&path, true).map_err(|e| e.to_string())?;
                Ok((Conn::sqlite_writer(conn), None))
            }
            Readers::Postgres(_) => {
                let pool = postgres::pool(postgres::config(self.inner.url.expose(), false)?, 1)?;
                let client = pool.get().await.map_err(|e| one_line(&e))?;
                Ok((Conn::postgres(client, false), Some(pool)))
            }
        }
    }

    /// Applies the migrations not yet applied. The history is append-only.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let error = |reason: String| DbError::Migrate {
            url: self.inner.url.redacted(),
            reason: one_line(&reason),
        };
        let (mut conn, _pool) = self.maintenance_conn().await.map_err(error)?;
        migrate::run(&mut conn, self.backend()).await.map_err(error)
    }

    /// Gathers SQLite's planner statistics for the tables that have changed much since they were
    /// last gathered (bounded by analysis_limit: milliseconds on a province). Without them SQLite
    /// probes an index once per organisation of a scope where a range of dates would do.
    /// PostgreSQL gathers its own (autovacuum).
    pub async fn optimize(&self) -> Result<(), DbError> {
        if self.backend() == Backend::Sqlite {
            let (mut conn, _) = self.maintenance_conn().await.map_err(DbError::Write)?;
            conn.batch("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;")
                .await?;
        }
        Ok(())
    }

    /// The migrations this build knows, and how many the database has applied.
    pub async fn migration_status(&self) -> Result<(usize, usize), DbError> {
        let mut conn = self.conn().await?;
        migrate::status(&mut conn).await
    }

    /// A read connection (read-only: writes go through [`Db::write`]).
    pub async fn conn(&self) -> Result<Conn, DbError> {
        match &self.inner.readers {
            Readers::Sqlite(pool) => Ok(Conn::sqlite_reader(pool.get().await?)),
            Readers::Postgres(pool) => Ok(Conn::postgres(pool.get().await?, false)),
        }
    }

    /// Runs a write: `job` gets the writer's transaction, writes, records its audit events and
    /// returns its answer, which comes back once the batch it ran in is committed. A job that
    /// fails (or records no event) is rolled back alone. The job runs on the writer: it must not
    /// wait for anything but its own statements.
    pub async fn write<T, E, F>(&self, who: &Who, job: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        writer::submit(&self.inner.writer, who, true, job).await
    }

    /// Upkeep that is not a change of record (a session's last-seen time, an expired session):
    /// written by the writer like any write, without an audit event.
    /// A job without an audit event that gives back a value: a whole database copied in
    /// (`copy::copy_all`), whose events are the copied chain's own.
    pub(crate) async fn upkeep_returning<T, F>(&self, job: F) -> Result<T, DbError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, DbError>> + Send + 'static,
        T: Send + 'static,
    {
        writer::submit(&self.inner.writer, &Who::system(), false, job).await
    }

    pub async fn upkeep<F>(&self, job: F) -> Result<(), DbError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<(), DbError>> + Send + 'static,
    {
        writer::submit(&self.inner.writer, &Who::system(), false, job).await
    }

    /// A single event with no other write (a login, a refused request).
    pub async fn record(&self, who: &Who, event: Event) -> Result<i64, DbError> {
        self.write(who, move |tx| {
            Box::pin(async move { tx.record(event).await })
        })
        .await
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.inner.url
    }

    pub fn backend(&self) -> Backend {
        self.inner.url.backend()
    }

    pub(crate) fn settings_cache(&self) -> &Cache<(), kernel::settings::Settings> {
        &self.inner.settings
    }

    pub(crate) fn calendar_cache(&self) -> &Cache<(), kernel::calendar::Calendar> {
        &self.inner.calendar
    }

    pub(crate) fn counts(&self) -> &versions::Counts {
        &self.inner.counts
    }

    pub async fn close(&self) {
        match &self.inner.readers {
            Readers::Sqlite(pool) => pool.close(),
            Readers::Postgres(pool) => pool.close(),
        }
    }
}

/// Reads another SQLite file, read-only (a law corpus's metadata): not fazhi's database, so
/// not through a [`Db`].
pub fn read_sqlite_file(path: &std::path::Path, sql: &str) -> Result<Vec<Row>, DbError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    sqlite::fetch_all(&conn, &query(sql.to_string()))
}

/// Runs `work` on a blocking thread, so that a long read (statistics over a province, an export)
/// does not hold one of the few async workers: SQLite statements run on the caller's thread.
pub async fn offload<T, F>(work: F) -> T
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    match tokio::task::spawn_blocking(move || runtime.block_on(work)).await {
        Ok(out) => out,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
