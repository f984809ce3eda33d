//! `scripts/bench storage`: the storage layer's own costs, on the demo district, for the layer
//! fazhi runs on and — while the first one (sqlx `AnyPool`) is still at hand in this crate — for
//! that one too, in the same run (issue 15):
//! - the 行政复议 list page's statements (the session, the officer's organisation path, the
//!   COUNT and the page of 50 — captured from a real call of the services, replayed as they were)
//!   run by 64 tasks at once: pages per second and the 99th percentile;
//! - one primary-key SELECT on a held connection, in microseconds;
//! - audited write transactions (one row and its audit event) per second with 1, 8 and 64
//!   writers at once.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use db::{Changes, DatabaseUrl, Db, Event, Query, Value, Who};
use platform::Platform;
use sqlx::{AnyPool, Row as _};

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// Pages (or transactions) per second and latency percentiles in milliseconds.
struct Rate {
    per_second: f64,
    p99_ms: f64,
}

/// Rounds of each figure; the median round is kept (this machine's figures vary by ±10% run to
/// run).
const ROUNDS: usize = 3;

/// Runs `work` in `tasks` tasks at once for `seconds`, each repeating it, [`ROUNDS`] times; the
/// round with the median rate.
async fn load<F, Fut>(tasks: usize, seconds: f64, work: F) -> Result<Rate, String>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let work = Arc::new(work);
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let work = work.clone();
        rounds.push(load_once(tasks, seconds, move || work()).await?);
    }
    rounds.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    Ok(rounds.swap_remove(ROUNDS / 2))
}

async fn load_once<F, Fut>(tasks: usize, seconds: f64, work: F) -> Result<Rate, String>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (work, stop) = (work.clone(), stop.clone());
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                work().await?;
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>(latencies)
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.map_err(|x| e(&x))??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(Rate {
        per_second: all.len() as f64 / elapsed,
        p99_ms: crate::timing::p99(&all),
    })
}

/// The statements the list page runs for a logged-in legal-affairs officer, captured from the
/// services themselves.
async fn list_page_statements(platform: &Platform, token: &str) -> Result<Vec<Query>, String> {
    let (page, statements) = db::capture(async {
        let session = platform.session(token).await.map_err(|x| e(&x))?;
        reconsideration::Reconsideration::new(platform.clone())
            .cases(
                &session.actor,
                reconsideration::CaseFilter::default(),
                db::PageRequest::default(),
            )
            .await
            .map_err(|x| e(&x))
    })
    .await;
    let page = page?;
    eprintln!(
        "  the list page: {} statements, {} cases in scope",
        statements.len(),
        page.total
    );
    Ok(statements)
}

/// The first layer's binding of a value.
fn bind_old<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    v: &'q Value,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match v {
        Value::Text(s) => q.bind(s.as_str()),
        Value::Int(n) => q.bind(*n),
        Value::Real(x) => q.bind(*x),
        Value::Bytes(b) => q.bind(b.clone()),
        Value::Null(db::Kind::Int) => q.bind(Option::<i64>::None),
        Value::Null(_) => q.bind(Option::<String>::None),
    }
}

async fn old_fetch(conn: &mut sqlx::AnyConnection, q: &Query) -> Result<usize, String> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(q.sql().to_string()));
    for v in q.values() {
        query = bind_old(query, v);
    }
    Ok(query.fetch_all(conn).await.map_err(|x| e(&x))?.len())
}

const BENCH_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_rows (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT NOT NULL)";

fn who() -> Who {
    Who {
        actor: "cli:bench".into(),
        actor_org_id: None,
        source: "bench".into(),
    }
}

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn next_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The first layer's audited write, as its `Tx` did it: lock the chain's head, the row, the
/// event with its SM3 hash, the head moved, commit.
async fn old_write(pool: &AnyPool) -> Result<(), String> {
    let id = next_id();
    let mut tx = pool.begin().await.map_err(|x| e(&x))?;
    let head = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *tx)
        .await
        .map_err(|x| e(&x))?;
    let seq: i64 = head.try_get(0).map_err(|x| e(&x))?;
    let previous: String = head.try_get(1).map_err(|x| e(&x))?;
    sqlx::query("INSERT INTO bench_rows (id, n, note) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(seq)
        .bind("基准")
        .execute(&mut *tx)
        .await
        .map_err(|x| e(&x))?;
    let at = kernel::time::format_instant(chrono::Utc::now());
    let changes = r#"{"n":1}"#;
    let hash = kernel::crypto::sm3_hex(format!("{previous}{at}{id}{changes}").as_bytes());
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, actor_org_id, org_id, record_type, record_id, action, source, changes, hash) \
         VALUES ($1, $2, 'cli:bench', NULL, NULL, 'bench_row', $3, 'create', 'bench', $4, $5)",
    )
    .bind(seq + 1)
    .bind(&at)
    .bind(&id)
    .bind(changes)
    .bind(&hash)
    .execute(&mut *tx)
    .await
    .map_err(|x| e(&x))?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq + 1)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .map_err(|x| e(&x))?;
    tx.commit().await.map_err(|x| e(&x))
}

/// The same write through the writer.
async fn new_write(db: &Db) -> Result<(), String> {
    let id = next_id();
    db.write(&who(), move |tx| {
        Box::pin(async move {
            db::query("INSERT INTO bench_rows (id, n, note) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(1i64)
                .bind("基准")
                .execute(tx.conn())
                .await?;
            tx.record(Event::new("bench_row", &id, "create").changes(Changes::new().set("n", 1)))
                .await
        })
    })
    .await
    .map(|_| ())
    .map_err(|x| e(&x))
}

/// One backend's row of the tables.
struct Measured {
    layer: &'static str,
    list: Rate,
    pk_us: f64,
    writes: Vec<f64>,
}

const WRITERS: [usize; 3] = [1, 8, 64];

async fn measure_new(
    db: &Db,
    statements: &Arc<Vec<Query>>,
    pk: &Query,
    seconds: f64,
) -> Result<Measured, String> {
    let list = {
        let (db, statements) = (db.clone(), statements.clone());
        load(64, seconds, move || {
            let (db, statements) = (db.clone(), statements.clone());
            async move {
                let mut conn = db.conn().await.map_err(|x| e(&x))?;
                for q in statements.iter() {
                    conn.fetch_all(q).await.map_err(|x| e(&x))?;
                }
                Ok(())
            }
        })
        .await?
    };
    let mut conn = db.conn().await.map_err(|x| e(&x))?;
    let n = 20_000;
    let started = Instant::now();
    for _ in 0..n {
        conn.fetch_all(pk).await.map_err(|x| e(&x))?;
    }
    let pk_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    drop(conn);
    let mut writes = Vec::new();
    for writers in WRITERS {
        let db = db.clone();
        let rate = load(writers, seconds, move || {
            let db = db.clone();
            async move { new_write(&db).await }
        })
        .await?;
        writes.push(rate.per_second);
    }
    Ok(Measured {
        layer: "new",
        list,
        pk_us,
        writes,
    })
}

async fn measure_old(
    pool: &AnyPool,
    statements: &Arc<Vec<Query>>,
    pk: &Query,
    seconds: f64,
) -> Result<Measured, String> {
    let list = {
        let (pool, statements) = (pool.clone(), statements.clone());
        load(64, seconds, move || {
            let (pool, statements) = (pool.clone(), statements.clone());
            async move {
                let mut conn = pool.acquire().await.map_err(|x| e(&x))?;
                for q in statements.iter() {
                    old_fetch(&mut conn, q).await?;
                }
                Ok(())
            }
        })
        .await?
    };
    let mut conn = pool.acquire().await.map_err(|x| e(&x))?;
    let n = 5_000;
    let started = Instant::now();
    for _ in 0..n {
        old_fetch(&mut conn, pk).await?;
    }
    let pk_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    drop(conn);
    let mut writes = Vec::new();
    for writers in WRITERS {
        let pool = pool.clone();
        let rate = load(writers, seconds, move || {
            let pool = pool.clone();
            async move { old_write(&pool).await }
        })
        .await?;
        writes.push(rate.per_second);
    }
    Ok(Measured {
        layer: "old",
        list,
        pk_us,
        writes,
    })
}

/// The first layer's pool on the same database, as it was configured.
async fn old_pool(url: &str, sqlite: bool) -> Result<AnyPool, String> {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(if sqlite { 8 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    use sqlx::Executor;
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; \
                         PRAGMA mmap_size = 1073741824;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|x| e(&x))
}

async fn backend(
    name: &str,
    db: &Db,
    old_url: &str,
    password: &str,
    seconds: f64,
    old: bool,
) -> Result<Vec<Measured>, String> {
    eprintln!("storage, {name} …");
    db.upkeep(|tx| Box::pin(async move { tx.conn().batch(BENCH_TABLE).await }))
        .await
        .map_err(|x| e(&x))?;
    let platform = Platform::new(db.clone(), kernel::crypto::SealKey::generate());
    let login = platform
        .login("sfj", password, "bench")
        .await
        .map_err(|x| e(&x))?;
    let statements = Arc::new(list_page_statements(&platform, &login.token).await?);
    let case: String = db::query_scalar("SELECT id FROM reconsideration_cases LIMIT 1")
        .fetch_one(&mut db.conn().await.map_err(|x| e(&x))?)
        .await
        .map_err(|x| e(&x))?;
    let pk = db::query(
        "SELECT id, number, stage, received_on, decision_due FROM reconsideration_cases WHERE id = $1",
    )
    .bind(case);
    let mut out = vec![measure_new(db, &statements, &pk, seconds).await?];
    if old {
        let pool = old_pool(old_url, name == "SQLite").await?;
        out.push(measure_old(&pool, &statements, &pk, seconds).await?);
        pool.close().await;
    }
    Ok(out)
}

fn table(md: &mut String, title: &str, rows: &[Measured]) {
    let _ = writeln!(
        md,
        "| {title} | list page statements, 64 tasks: pages/s (p99) | one PK SELECT, µs | audited write tx/s at 1 / 8 / 64 writers |\n|---|---|---|---|"
    );
    for m in rows {
        let layer = match m.layer {
            "new" => "fazhi's layer (rusqlite / tokio-postgres, one writer with group commit)",
            _ => "the first layer (sqlx AnyPool, a transaction per write)",
        };
        let _ = writeln!(
            md,
            "| {layer} | {:.0} ({:.1} ms) | {:.1} | {} |",
            m.list.per_second,
            m.list.p99_ms,
            m.pk_us,
            m.writes
                .iter()
                .map(|w| format!("{w:.0}"))
                .collect::<Vec<_>>()
                .join(" / ")
        );
    }
    md.push('\n');
}

/// The demo district loaded by `fazhi demo` into a fresh PostgreSQL database: the database, the
/// demo's password, the server's admin URL and the database's name (to drop it after).
pub(crate) async fn demo_postgres(fazhi: &Path) -> Result<(Db, String, String, String), String> {
    let (pg, admin, name) = crate::foundation::postgres()
        .await
        .ok_or("PostgreSQL does not answer")?;
    let url = db::admin::database_url(&admin, &name).ok_or("no database URL")?;
    pg.close().await;
    let data = tempfile::tempdir().map_err(|x| e(&x))?;
    let demo = std::process::Command::new(fazhi)
        .arg("--data-dir")
        .arg(data.path())
        .args(["--database-url", &url, "demo"])
        .env_remove("FAZHI_LAWS_CORPUS")
        .output()
        .map_err(|x| e(&x))?;
    if !demo.status.success() {
        return Err(String::from_utf8_lossy(&demo.stderr).into_owned());
    }
    let logins = std::fs::read_to_string(data.path().join("demo-logins.txt")).map_err(|x| e(&x))?;
    let password = logins
        .split("密码均为：")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .map(|p| p.trim().to_string())
        .ok_or("demo-logins.txt names no password")?;
    let db = Db::open(&DatabaseUrl::parse(&url).map_err(|x| e(&x))?)
        .await
        .map_err(|x| e(&x))?;
    Ok((db, password, admin, name))
}

pub async fn run(fazhi: &Path, seconds: f64, old: bool, out: &Path) -> Result<(), String> {
    let (_dir, sqlite, password, _) = crate::report::demo_db(fazhi).await?;
    let file = sqlite.url().redacted();
    let sqlite_rows = backend("SQLite", &sqlite, &file, &password, seconds, old).await?;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench storage{}` on {} over the demo district (`fazhi demo`), {seconds} s per figure, \
         release build, 2 cores, each figure the median of {ROUNDS} rounds. The list page's statements were captured from the services (`db::capture`) and \
         replayed on each layer as they ran; a write is one row and its audit event.\n",
        if old { "" } else { " --new-only" },
        kernel::time::china_today()
    );
    table(&mut md, "SQLite", &sqlite_rows);
    match demo_postgres(fazhi).await {
        Ok((pg, password, admin, name)) => {
            let url = db::admin::database_url(&admin, &name).ok_or("no database URL")?;
            let rows = backend("PostgreSQL", &pg, &url, &password, seconds, old).await?;
            table(&mut md, "PostgreSQL", &rows);
            crate::foundation::drop_postgres(pg, &admin, &name).await;
        }
        Err(x) => {
            let _ = writeln!(md, "PostgreSQL: left out ({x}).\n");
        }
    }
    print!("{md}");
    crate::timing::write_section(
        out,
        "Storage",
        "Storage: the list page's statements and audited writes, layer by layer (issue 15)",
        &md,
    )
}
