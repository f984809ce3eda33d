//! `scripts/bench http`: the staff dashboard, a list page and a detail JSON endpoint of a real
//! fazhi server over the demo district, each loaded by wrk on loopback (64 connections), beside a
//! bare axum handler served by the same binary (the HTTP stack's limit); and the server's
//! resident memory idle and under that load.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use db::PageRequest;
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

/// `province`: serve the province `fazhi-bench gen` wrote there instead of the demo district.
pub async fn run(
    fazhi: &Path,
    seconds: u32,
    province: Option<&Path>,
    out: &Path,
) -> Result<(), String> {
    let _demo;
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

    // fazhi, and the bare handler beside it.
    let index_dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let index = search::Search::open(index_dir.path()).map_err(|x| e(&x))?;
    let state = web::AppState::new(platform, index, web::WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|x| e(&x))?;
    let fazhi_addr = listener.local_addr().map_err(|x| e(&x))?;
    tokio::spawn(web::serve(listener, state, std::future::pending()));
    let bare = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
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
    let sampler = {
        let (peak, peak_anon) = (peak.clone(), peak_anon.clone());
        tokio::spawn(async move {
            loop {
                peak.fetch_max((rss_mib() * 1024.0) as u64, Ordering::Relaxed);
                peak_anon.fetch_max((anon_mib() * 1024.0) as u64, Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        })
    };
    let targets = [
        (
            "bare axum handler (`/`, 2 bytes)",
            format!("http://{bare_addr}/"),
        ),
        ("工作台 (dashboard page)", format!("http://{fazhi_addr}/")),
        (
            "行政复议 case list page (2020)",
            format!("http://{fazhi_addr}/reconsideration?year=2020"),
        ),
        (
            "case detail JSON",
            format!("http://{fazhi_addr}/api/v1/reconsideration/cases/{case}"),
        ),
    ];
    let mut loads = Vec::new();
    for (name, url) in &targets {
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
        loads.push((*name, load));
    }
    sampler.abort();
    let loaded = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    let loaded_anon = peak_anon.load(Ordering::Relaxed) as f64 / 1024.0;

    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench http{}` on {today}: {} served by fazhi in this process, logged in as {}; wrk -t2 -c64 -d{seconds}s on loopback against each URL in turn; a bare axum handler on another port of the same process is the HTTP stack's limit. Target: list and detail ≥ 30% of the bare handler with p99 < 10 ms.\n",
        if province.is_some() {
            " --province"
        } else {
            ""
        },
        match province {
            Some(dir) => format!(
                "the province `fazhi-bench gen` wrote to {} (SQLite)",
                dir.display()
            ),
            None => "the demo district (`fazhi demo`, SQLite)".to_string(),
        },
        if province.is_some() {
            "a legal-affairs officer of the province (its whole year in scope)"
        } else {
            "the 司法局's officer"
        },
    );
    let _ = writeln!(
        md,
        "| target | requests/s | p50 | p99 | of the bare handler |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|");
    let bare_rps = loads[0].1.requests_per_second;
    for (name, l) in &loads {
        let _ = writeln!(
            md,
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {:.1}% |",
            l.requests_per_second,
            l.p50_ms,
            l.p99_ms,
            100.0 * l.requests_per_second / bare_rps
        );
    }
    let _ = writeln!(
        md,
        "\nServer memory (resident, the whole process): idle {idle:.0} MiB, peak under load {loaded:.0} MiB; of which private (heap and stacks, without the database file's pages SQLite maps in): idle {idle_anon:.0} MiB, peak {loaded_anon:.0} MiB."
    );
    println!("{md}");
    let (key, title) = match province {
        Some(_) => (
            "HTTP over a province",
            "HTTP over a province beside a bare handler (issue 8)",
        ),
        None => (
            "HTTP beside a bare handler",
            "HTTP beside a bare handler (issue 8)",
        ),
    };
    crate::timing::write_section(out, key, title, &md)?;
    Ok(())
}
