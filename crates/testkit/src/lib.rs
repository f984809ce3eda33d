//! Test support. [`backends`] gives a fresh, migrated database on every backend: a SQLite file
//! in a temporary directory, and a new database on the PostgreSQL server named by
//! `FAZHI_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Without a reachable server the PostgreSQL half is skipped with a notice, unless
//! `FAZHI_REQUIRE_POSTGRES=1` (set by the project's test command), which makes it a failure.

use std::sync::atomic::{AtomicU32, Ordering};

use db::{Backend, DatabaseUrl, Db};
use tempfile::TempDir;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh database for one test.
pub struct TestDb {
    pub db: Db,
    pub url: DatabaseUrl,
    /// The URL as text, password included, for passing to the fazhi binary.
    pub raw_url: String,
    pub dir: TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn name(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Closes the pool and drops the PostgreSQL database.
    pub async fn finish(self) {
        self.db.close().await;
        if let Some((admin, name)) = &self.pg
            && let Ok(admin) = Db::connect(&DatabaseUrl::parse(admin).expect("valid")).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _dropped = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(admin.pool())
                .await;
            admin.close().await;
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("FAZHI_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string())
}

fn postgres_required() -> bool {
    std::env::var("FAZHI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db"));
    let db = Db::open(&url).await.expect("open SQLite");
    let raw_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fazhi.db").display()
    );
    TestDb {
        db,
        url,
        raw_url,
        dir,
        pg: None,
    }
}

/// A fresh database on the PostgreSQL server, or None when there is none and none is required.
pub async fn postgres() -> Option<TestDb> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let admin_url = postgres_admin_url();
    let admin =
        match Db::connect(&DatabaseUrl::parse(&admin_url).expect("FAZHI_TEST_POSTGRES is a URL"))
            .await
        {
            Ok(admin) => admin,
            Err(e) if !postgres_required() => {
                eprintln!("PostgreSQL tests skipped: {e}");
                return None;
            }
            Err(e) => panic!("PostgreSQL is required (FAZHI_REQUIRE_POSTGRES=1): {e}"),
        };
    let name = format!(
        "fazhi_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("CREATE DATABASE");
    admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .expect("URL has a database");
    let raw_url = format!("{base}/{name}");
    let url = DatabaseUrl::parse(&raw_url).expect("valid");
    let db = Db::open(&url).await.expect("open PostgreSQL");
    let dir = tempfile::tempdir().expect("temporary directory");
    Some(TestDb {
        db,
        url,
        raw_url,
        dir,
        pg: Some((admin_url, name)),
    })
}

/// One fresh database per backend.
pub async fn backends() -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    out.extend(postgres().await);
    out
}
