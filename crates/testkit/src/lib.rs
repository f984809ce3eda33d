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
            && let Err(e) = db::admin::drop_database(admin, name).await
        {
            eprintln!("could not drop the test database {name}: {e}");
        }
    }

    /// Runs SQL on the database behind fazhi's back, on a connection of its own, as someone
    /// holding the database's credentials could (tests of tampering and of data written by
    /// another process).
    pub async fn tamper(&self, sql: &str) {
        match &self.pg {
            None => {
                let path = self.dir.path().join("fazhi.db");
                let conn = rusqlite::Connection::open(&path).expect("open the SQLite file");
                conn.busy_timeout(std::time::Duration::from_secs(30))
                    .expect("busy timeout");
                conn.execute_batch(sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Some(_) => raw_postgres(&self.raw_url)
                .await
                .expect("connect")
                .batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }

    /// One number the database answers behind fazhi's back (a count, to check a write).
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.pg {
            None => {
                let path = self.dir.path().join("fazhi.db");
                let conn = rusqlite::Connection::open(&path).expect("open the SQLite file");
                conn.query_row(sql, [], |r| r.get(0))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Some(_) => raw_postgres(&self.raw_url)
                .await
                .expect("connect")
                .query_one(sql, &[])
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get(0),
        }
    }
}

/// A plain connection to a PostgreSQL server, its driver task spawned.
async fn raw_postgres(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _closed = connection.await;
    });
    Ok(client)
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
    let name = format!(
        "fazhi_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    match db::admin::create_database(&admin_url, &name).await {
        Ok(()) => {}
        Err(e) if !postgres_required() => {
            eprintln!("PostgreSQL tests skipped: {e}");
            return None;
        }
        Err(e) => panic!("PostgreSQL is required (FAZHI_REQUIRE_POSTGRES=1): {e}"),
    }
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
