//! Storage: one code path over SQLite (the embedded default) and PostgreSQL (the scale path).
//!
//! The backend is chosen once, from the URL, in [`Db::open`]; everything above talks to
//! `sqlx::Any` with portable SQL and `$1`-style parameters, which both drivers read. Every write
//! goes through a [`Tx`], which appends the SM3-chained audit events of that write in the same
//! transaction (see [`audit`]).

pub mod audit;
pub mod calendar;
mod page;
pub mod params;
pub mod settings;
mod url;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

pub use crate::audit::{Changes, Event, Tx, Who};
pub use crate::page::{Page, PageRequest};
pub use crate::params::{OrgScope, Params};
pub use crate::url::{Backend, DatabaseUrl};
pub use sqlx;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库地址无效（{url}）：{reason}")]
    BadUrl { url: String, reason: String },
    #[error("无法打开数据库 {url}：{reason}")]
    Open { url: String, reason: String },
    #[error("无法迁移数据库 {url}：{reason}")]
    Migrate { url: String, reason: String },
    #[error("数据库错误：{0}")]
    Query(#[from] sqlx::Error),
    #[error("内部错误：写入没有审计事件")]
    Unaudited,
    #[error("数据损坏：{0}")]
    Corrupt(String),
}

impl DbError {
    /// A unique constraint refused the write (a duplicate name or code).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Query(sqlx::Error::Database(e)) if e.is_unique_violation())
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

/// The database: a pool over whichever backend the URL names.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    url: DatabaseUrl,
    /// The settings as last read (see `settings::load`), shared by the clones of this Db.
    settings: settings::Cache,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects and applies any migrations not yet applied.
    pub async fn open(url: &DatabaseUrl) -> Result<Db, DbError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        db.optimize().await?;
        Ok(db)
    }

    /// Gathers SQLite's planner statistics for the tables that have changed much since they were
    /// last gathered (bounded by analysis_limit: milliseconds on a province). Without them SQLite
    /// probes an index once per organisation of a scope where a range of dates would do.
    /// PostgreSQL gathers its own (autovacuum).
    pub async fn optimize(&self) -> Result<(), DbError> {
        if self.url.backend() == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Connects without migrating.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, DbError> {
        install_default_drivers();
        let open_error = |e: &dyn std::fmt::Display| DbError::Open {
            url: url.redacted(),
            reason: one_line(e),
        };
        if url.backend() == Backend::Sqlite
            && let Some(dir) =
                sqlite_path(url.expose()).and_then(|p| p.parent().map(|d| d.to_path_buf()))
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&dir).map_err(|e| open_error(&e))?;
        }
        // One direct attempt first: the pool would retry a refused connection until its
        // acquire timeout, and a wrong URL should fail at once.
        let mut probe = AnyConnection::connect(url.expose())
            .await
            .map_err(|e| open_error(&e))?;
        prepare(&mut probe, url.backend())
            .await
            .map_err(|e| open_error(&e))?;
        probe.close().await.map_err(|e| open_error(&e))?;
        let backend = url.backend();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| Box::pin(prepare(conn, backend)))
            .connect(url.expose())
            .await
            .map_err(|e| open_error(&e))?;
        Ok(Db {
            pool,
            url: url.clone(),
            settings: settings::Cache::default(),
        })
    }

    /// Applies the migrations not yet applied. The history is append-only.
    pub async fn migrate(&self) -> Result<(), DbError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| DbError::Migrate {
                url: self.url.redacted(),
                reason: match e {
                    sqlx::migrate::MigrateError::VersionMissing(v) => {
                        format!("数据库的迁移版本{v}不在本程序中，数据库可能由更新版本的fazhi创建")
                    }
                    other => one_line(&other),
                },
            })
    }

    /// The migrations this build knows, and how many the database has applied.
    pub async fn migration_status(&self) -> Result<(usize, usize), DbError> {
        // Only meaningful after `migrate`, which creates the table.
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok((MIGRATOR.iter().count(), applied as usize))
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Per-connection set-up, the one place that knows the backend below `open`.
async fn prepare(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        // WAL: readers never wait for the writer, and a killed process loses no committed
        // transaction. Writers queue for up to 30 s. journal_mode also reads the file, so a
        // file that is not a database fails here. Pages are read through a memory map: each
        // pooled connection drops its page cache whenever another connection has written, and
        // re-reading through the map costs no system call (a step of a case is ~10 queries on
        // different connections; with read() each re-read page was a syscall and a copy).
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; \
             PRAGMA mmap_size = 1073741824;",
        )
        .await?;
    }
    Ok(())
}

fn sqlite_path(raw: &str) -> Option<std::path::PathBuf> {
    let rest = raw
        .strip_prefix("sqlite://")
        .or_else(|| raw.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}
