//! `scripts/bench http`: the staff dashboard, a list page and a detail JSON endpoint of a real
//! fazhi server over the demo district, each loaded by wrk on loopback (64 connections), beside a
//! bare axum handler served by the same binary (the HTTP stack's limit); and the server's
//! resident memory idle and under that load.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use db::{Db, PageRequest};
use platform::Platform;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// What wrk measured.
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    /// Requests wrk gave up on (socket timeouts).
    timeouts: u64,
}

/// wrk's latency figure ("1.23ms", "850.00us", "1.02s") in milliseconds.
fn millis(text: &str) -> f64 {
    let (number, factor) = if let Some(v) = text.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = text.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = text.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().unwrap_or(f64::NAN) * factor
}

fn wrk(url: &str, cookie: &str, seconds: u32) -> Result<Load, String> {
    let out = std::process::Command::new("wrk")
        // A long timeout, so that slow answers are measured rather than dropped.
        .args([
            "-t2",
            "-c64",
            &format!("-d{seconds}s"),
            "--timeout",
            "30s",
            "--latency",
        ])
        .args(["-H", &format!("Cookie: {cookie}")])
        .arg(url)
        .output()
        .map_err(|x| format!("wrk: {x} (scripts/bench http installs it)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |label: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(label))
            .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
    };
    let non_2xx = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let timeouts = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .and_then(|l| l.rsplit("timeout").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Ok(Load {
        timeouts,
        requests_per_second: field("Requests/sec:")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("wrk printed no Requests/sec: {text}"))?,
        p50_ms: millis(&field("50%").unwrap_or_default()),
        p99_ms: millis(&field("99%").unwrap_or_default()),
        non_2xx,
    })
}

/// This process's resident memory in MiB (the server runs in it).
fn rss_mib() -> f64 {
    status_mib("VmRSS:")
}

/// The process's private memory (heap, stacks): the resident set less the database file's pages
/// mapped in (SQLite reads through mmap, and those pages count as resident while cached).
fn anon_mib() -> f64 {
    status_mib("RssAnon:")
}

fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

/// The statements each page ran, captured from one request through fazhi's own router.
async fn capture(
    app: axum::Router,
    cookie: &str,
    paths: &[String],
) -> Result<Vec<Vec<db::Query>>, String> {
    use tower::ServiceExt;
    let mut out = Vec::new();
    for path in paths {
        let request = axum::http::Request::get(path.as_str())
            .header("cookie", cookie)
            .body(axum::body::Body::empty())
            .map_err(|x| e(&x))?;
        let (response, statements) = db::capture(app.clone().oneshot(request)).await;
        let response = response.map_err(|x| e(&x))?;
        if !response.status().is_success() {
            return Err(format!("{path}: {}", response.status()));
        }
        eprintln!("  {path}: {} statements", statements.len());
        if std::env::var("FAZHI_BENCH_SHOW_SQL").is_ok() {
            for q in &statements {
                eprintln!("    {}", q.sql().chars().take(160).collect::<String>());
            }
        }
        out.push(statements);
    }
    Ok(out)
}

/// The limit of a page's own work: its statements replayed on one connection, through the same
/// driver, answered with two bytes.
fn minimal(db: Db, pages: Vec<Vec<db::Query>>) -> axum::Router {
    let pages = Arc::new(pages);
    axum::Router::new().route(
        "/minimal/{page}",
        axum::routing::get(
            move |axum::extract::Path(page): axum::extract::Path<usize>| {
                let (db, pages) = (db.clone(), pages.clone());
                async move {
                    let Some(statements) = pages.get(page) else {
                        return (axum::http::StatusCode::NOT_FOUND, "no");
                    };
                    let Ok(mut conn) = db.conn().await else {
                        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "db");
                    };
                    for q in statements.iter() {
                        if conn.fetch_all(q).await.is_err() {
                            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "sql");
                        }
                    }
                    (axum::http::StatusCode::OK, "ok")
                }
            },
        ),
    )
}

/// `province`: serve the province `fazhi-bench gen` wrote there instead of the demo district;
/// `postgres`: the demo district on PostgreSQL.
pub async fn run(
    fazhi: &Path,
    seconds: u32,
    province: Option<&Path>,
    postgres: bool,
    out: &Path,
) -> Result<(), String> {
    let _demo;
    let mut pg_name = None;
    let (platform, login) = match province {
        Some(dir) => {
            // A legal-affairs officer of the province: its whole year is in scope.
            let (platform, _) = crate::generate::open_province(dir).await?;
            let login = crate::officer::legal_officer(
                &platform,
                crate::generate::PROVINCE,
                "shengfzc",
                "省司法厅法制处",
            )
            .await?;
            (platform, login)
        }
        None if postgres => {
            let (db, password, admin, name) = crate::storage::demo_postgres(fazhi).await?;
            pg_name = Some((admin, name));
            let platform = Platform::new(db, kernel::crypto::SealKey::generate());
            let login = platform
                .login("sfj", &password, "bench")
                .await
                .map_err(|x| e(&x))?;
            (platform, login)
        }
        None => {
            let (dir, db, password, _) = crate::report::demo_db(fazhi).await?;
            _demo = dir;
            let platform = Platform::new(db, kernel::crypto::SealKey::generate());
            let login = platform
                .login("sfj", &password, "bench")
                .await
                .map_err(|x| e(&x))?;
            (platform, login)
        }
    };
    let cookie = format!("fazhi_session={}", login.token);
    let case = reconsideration::Reconsideration::new(platform.clone())
        .cases(
            &login.session.actor,
            reconsideration::CaseFilter::default(),
            PageRequest::new(None, Some(1)),
        )
        .await
        .map_err(|x| e(&x))?
        .items
        .first()
        .map(|c| c.id.to_string())
        .ok_or("the demo has no case")?;

    let penalty = enforcement::Enforcement::new(platform.clone())
        .cases(
            &login.session.actor,
            &enforcement::CaseFilter::default(),
            PageRequest::new(None, Some(1)),
        )
        .await
        .map_err(|x| e(&x))?
        .items
        .into_iter()
        .next()
        .ok_or("no 行政执法 case")?;
    let penalty_year = chrono::Datelike::year(&penalty.case.opened_on);

    // The pages, and the statements each runs.
    let pages = [
        ("工作台 (dashboard page)", "/".to_string()),
        (
            "行政复议 case list page",
            "/reconsideration?year=2020".to_string(),
        ),
        (
            "case detail JSON",
            format!("/api/v1/reconsideration/cases/{case}"),
        ),
        (
            "行政执法 case list page",
            format!("/enforcement?year={penalty_year}"),
        ),
        (
            "行政执法 case page",
            format!("/enforcement/cases/{}", penalty.case.id),
        ),
    ];
    // The search index as a running server has it: built (the province's is kept beside its
    // data, so that it is built once), and caught up with the audit log before the load.
    let index_dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let index_path = match province {
        Some(dir) => dir.join("search-index"),
        None => index_dir.path().to_path_buf(),
    };
    let index = search::Search::open(&index_path).map_err(|x| e(&x))?;
    let state = web::AppState::new(platform.clone(), index, web::WebConfig::default());
    let started = std::time::Instant::now();
    let catch_up_peak = Arc::new(AtomicU64::new(0));
    let watching = {
        let peak = catch_up_peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max((anon_mib() * 1024.0) as u64, Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        })
    };
    let mut caught_up = 0;
    loop {
        let n = state
            .search
            .catch_up(&state.sources)
            .await
            .map_err(|x| e(&x))?;
        if n == 0 {
            break;
        }
        caught_up += n;
    }
    watching.abort();
    let catch_up_seconds = started.elapsed().as_secs_f64();
    let catch_up_peak = catch_up_peak.load(Ordering::Relaxed) as f64 / 1024.0;
    eprintln!("  search index caught up in {catch_up_seconds:.1} s");
    // What the catch-up freed goes back to the system over the next moments: the idle figure is
    // taken once the private memory has stopped falling (at most 10 s).
    let mut last = anon_mib();
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = anon_mib();
        if (last - now).abs() < 1.0 {
            break;
        }
        last = now;
    }
    let paths: Vec<String> = pages.iter().map(|(_, p)| p.clone()).collect();
    let statements = capture(web::router(state.clone()), &cookie, &paths).await?;

    // fazhi, and beside it the bare handler and the pages' minimal handlers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|x| e(&x))?;
    let fazhi_addr = listener.local_addr().map_err(|x| e(&x))?;
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    let bare = axum::Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .merge(minimal(platform.db().clone(), statements));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|x| e(&x))?;
    let bare_addr = listener.local_addr().map_err(|x| e(&x))?;
    tokio::spawn(async move { axum::serve(listener, bare).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (idle, idle_anon) = (rss_mib(), anon_mib());

    // Peak memory while loaded, sampled every 50 ms.
    let peak = Arc::new(AtomicU64::new(0));
    let peak_anon = Arc::new(AtomicU64::new(0));
    // The private peak while one target is loaded (reset before each).
    let window_anon = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (peak, peak_anon, window_anon) = (peak.clone(), peak_anon.clone(), window_anon.clone());
        tokio::spawn(async move {
            loop {
                peak.fetch_max((rss_mib() * 1024.0) as u64, Ordering::Relaxed);
                peak_anon.fetch_max((anon_mib() * 1024.0) as u64, Ordering::Relaxed);
                window_anon.fetch_max((anon_mib() * 1024.0) as u64, Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        })
    };
    let mut targets = vec![
        (
            "bare axum handler (`/`, 2 bytes)".to_string(),
            format!("http://{bare_addr}/"),
        ),
        (
            "fazhi's `/healthz` (one statement)".to_string(),
            format!("http://{fazhi_addr}/healthz"),
        ),
    ];
    for (i, (name, path)) in pages.iter().enumerate() {
        targets.push((
            format!("{name}: its statements replayed by a minimal handler"),
            format!("http://{bare_addr}/minimal/{i}"),
        ));
        targets.push((
            format!("{name}: fazhi"),
            format!("http://{fazhi_addr}{path}"),
        ));
    }
    // FAZHI_BENCH_ONLY=text: only the targets whose name contains it (for profiling one page).
    if let Ok(only) = std::env::var("FAZHI_BENCH_ONLY") {
        targets.retain(|(name, _)| name.contains(&only) || name.starts_with("bare"));
        targets.insert(1, targets[0].clone());
    }
    let mut loads = Vec::new();
    for (name, url) in &targets {
        window_anon.store(0, Ordering::Relaxed);
        let load = tokio::task::spawn_blocking({
            let (url, cookie) = (url.clone(), cookie.clone());
            move || wrk(&url, &cookie, seconds)
        })
        .await
        .map_err(|x| e(&x))??;
        if load.non_2xx > 0 || load.timeouts > 0 {
            return Err(format!(
                "{name}: {} responses were not 2xx, {} timed out",
                load.non_2xx, load.timeouts
            ));
        }
        let private = window_anon.load(Ordering::Relaxed) as f64 / 1024.0;
        // A slow target's last requests are still running when wrk stops (a replayed cold page
        // holds a worker thread for as long as its statements take): let them finish before
        // the next target, or they land in its tail.
        let settle = (load.p99_ms * 3.0).clamp(300.0, 10_000.0);
        tokio::time::sleep(std::time::Duration::from_millis(settle as u64)).await;
        loads.push((name.clone(), load, private));
    }
    sampler.abort();
    let loaded = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    let loaded_anon = peak_anon.load(Ordering::Relaxed) as f64 / 1024.0;

    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench http{}` on {today}: {} served by fazhi in this process, logged in as {}; wrk -t2 -c64 -d{seconds}s on loopback against each URL in turn. Beside each page, a minimal handler on another port replays the statements the page ran (captured from one request through fazhi's router with `db::capture`) on one connection of the same driver and answers two bytes: the limit of the page's own SQL. The bare axum handler is the HTTP stack's limit; `/healthz` is the same server answering one statement. Targets (demo, SQLite): list page ≥ its minimal handler, ≥ 5,000 req/s, ≥ 18% of `/healthz`, p99 < 10 ms; detail JSON and dashboard ≥ 5,000 req/s, p99 < 10 ms; PostgreSQL: list page ≥ 2,500 req/s.\n",
        match (province.is_some(), postgres) {
            (true, _) => " --province",
            (false, true) => " --postgres",
            _ => "",
        },
        match (province, postgres) {
            (Some(dir), _) => format!(
                "the province `fazhi-bench gen` wrote to {} (SQLite)",
                dir.display()
            ),
            (None, true) => "the demo district (`fazhi demo`) on PostgreSQL".to_string(),
            (None, false) => "the demo district (`fazhi demo`, SQLite)".to_string(),
        },
        if province.is_some() {
            "a legal-affairs officer of the province (its whole year in scope)"
        } else {
            "the 司法局's officer"
        },
    );
    let _ = writeln!(
        md,
        "| target | requests/s | p50 | p99 | of the bare handler | of `/healthz` | private memory, peak |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    let bare_rps = loads[0].1.requests_per_second;
    let healthz_rps = loads[1].1.requests_per_second;
    for (name, l, private) in &loads {
        let _ = writeln!(
            md,
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {:.1}% | {:.1}% | {private:.0} MiB |",
            l.requests_per_second,
            l.p50_ms,
            l.p99_ms,
            100.0 * l.requests_per_second / bare_rps,
            100.0 * l.requests_per_second / healthz_rps
        );
    }
    if caught_up > 0 {
        let _ = writeln!(
            md,
            "\nBefore the load the search index caught up with the audit log as a server does when it starts: {caught_up} records indexed in {catch_up_seconds:.1} s, private memory at most {catch_up_peak:.0} MiB while it ran."
        );
    }
    let _ = writeln!(
        md,
        "\nServer memory (resident, the whole process): idle {idle:.0} MiB, peak under load {loaded:.0} MiB; of which private (heap and stacks, without the database file's pages SQLite maps in): idle {idle_anon:.0} MiB, peak {loaded_anon:.0} MiB."
    );
    println!("{md}");
    if let Some((admin, name)) = pg_name {
        crate::foundation::drop_postgres(platform.db().clone(), &admin, &name).await;
    }
    let (key, title) = match (province, postgres) {
        (Some(_), _) => (
            "HTTP over a province",
            "HTTP over a province beside its statements and a bare handler (issues 8, 15)",
        ),
        (None, true) => (
            "HTTP on PostgreSQL",
            "HTTP on PostgreSQL beside the pages' statements and a bare handler (issue 15)",
        ),
        (None, false) => (
            "HTTP beside the pages",
            "HTTP beside the pages' statements and a bare handler (issues 8, 15)",
        ),
    };
    crate::timing::write_section(out, key, title, &md)?;
    Ok(())
}
