//! The foundation's figures (issue 2):
//! - audit append rate on SQLite and PostgreSQL beside a plain INSERT of the same row, one event
//!   per transaction and 5,000 per transaction (target ≥ 50% of the plain insert);
//! - `audit verify` over 1,000,000 events (target ≥ 200,000 events/s);
//! - calendar deadlines computed per second, beside the plain date arithmetic they wrap;
//! - `fazhi serve` start on an existing database (target < 1 s).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use db::{Changes, DatabaseUrl, Db, Event, Who};
use kernel::calendar::{Calendar, PeriodUnit};

/// Median and spread of repeated measurements.
struct Sample(Vec<f64>);

impl Sample {
    fn median(&self) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return 0.0;
        }
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    fn spread(&self) -> (f64, f64) {
        let min = self.0.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.0.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    }

    fn show(&self) -> String {
        let (min, max) = self.spread();
        format!(
            "{} [{}–{}]",
            fmt_num(self.median()),
            fmt_num(min),
            fmt_num(max)
        )
    }
}

fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{:.0}", x)
    } else {
        format!("{:.3}", x)
    }
}

fn who() -> Who {
    Who {
        actor: "cli:bench".into(),
        actor_org_id: Some("0190f1c2a5b47c3e8d9f0a1b2c3d4e5f".into()),
        source: "bench".into(),
    }
}

fn event(i: usize) -> Event {
    Event::new("org", &format!("0190f1c2a5b47c3e8d9f{i:012}"), "update")
        .org(Some("0190f1c2a5b47c3e8d9f0a1b2c3d4e5f"))
        .changes(
            Changes::new()
                .change("name", "某某局", "某某管理局")
                .change("division_code", "320411", "320412"),
        )
}

const PLAIN_TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_plain (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, \
    actor TEXT NOT NULL, actor_org_id TEXT, org_id TEXT, record_type TEXT NOT NULL, record_id TEXT NOT NULL, \
    action TEXT NOT NULL, source TEXT NOT NULL, changes TEXT NOT NULL, hash TEXT NOT NULL)";

/// The audit table's own indexes, so that the baseline differs only by the chain.
const PLAIN_INDEXES: &[&str] = &[
    "CREATE INDEX IF NOT EXISTS bench_plain_actor ON bench_plain (actor, seq)",
    "CREATE INDEX IF NOT EXISTS bench_plain_record ON bench_plain (record_type, record_id, seq)",
    "CREATE INDEX IF NOT EXISTS bench_plain_at ON bench_plain (at)",
    "CREATE INDEX IF NOT EXISTS bench_plain_org ON bench_plain (org_id, seq)",
];

/// The same row an audit event stores, written with one plain INSERT.
async fn plain_insert(conn: &mut db::Conn, seq: i64) -> Result<(), db::DbError> {
    let changes = r#"{"division_code":["320411","320412"],"name":["某某局","某某管理局"]}"#;
    db::query(
        "INSERT INTO bench_plain (seq, at, actor, actor_org_id, org_id, record_type, record_id, action, source, changes, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(kernel::time::format_instant(chrono::Utc::now()))
    .bind("cli:bench")
    .bind("0190f1c2a5b47c3e8d9f0a1b2c3d4e5f")
    .bind("0190f1c2a5b47c3e8d9f0a1b2c3d4e5f")
    .bind("org")
    .bind(format!("0190f1c2a5b47c3e8d9f{seq:012}"))
    .bind("update")
    .bind("bench")
    .bind(changes)
    .bind("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    .execute(conn)
    .await?;
    Ok(())
}

/// Plain inserts of `seqs`, one writer job (no audit event: the baseline).
async fn plain_inserts(db: &Db, seqs: std::ops::Range<i64>) -> Result<(), String> {
    db.upkeep(move |tx| {
        Box::pin(async move {
            for seq in seqs {
                plain_insert(tx.conn(), seq).await?;
            }
            Ok(())
        })
    })
    .await
    .map_err(|e| e.to_string())
}

struct Appends {
    single_audit: Sample,
    single_plain: Sample,
    batch_audit: Sample,
    batch_plain: Sample,
}

/// Rounds of: n single-event writes, n single-insert writes, one write of `batch` events, one
/// write of `batch` inserts, each waited for before the next. Rates in rows per second.
async fn appends(db: &Db, rounds: usize, n: usize, batch: usize) -> Result<Appends, String> {
    let e = |e: db::DbError| e.to_string();
    db.upkeep(|tx| {
        Box::pin(async move {
            tx.conn().batch(PLAIN_TABLE).await?;
            for index in PLAIN_INDEXES {
                tx.conn().batch(index).await?;
            }
            Ok(())
        })
    })
    .await
    .map_err(e)?;
    let mut out = Appends {
        single_audit: Sample(vec![]),
        single_plain: Sample(vec![]),
        batch_audit: Sample(vec![]),
        batch_plain: Sample(vec![]),
    };
    let mut seq = 0i64;
    for _ in 0..rounds {
        let started = Instant::now();
        for i in 0..n {
            db.record(&who(), event(i)).await.map_err(e)?;
        }
        out.single_audit
            .0
            .push(n as f64 / started.elapsed().as_secs_f64());

        let started = Instant::now();
        for _ in 0..n {
            seq += 1;
            plain_inserts(db, seq..seq + 1).await?;
        }
        out.single_plain
            .0
            .push(n as f64 / started.elapsed().as_secs_f64());

        let started = Instant::now();
        record_many(db, batch).await?;
        out.batch_audit
            .0
            .push(batch as f64 / started.elapsed().as_secs_f64());

        let started = Instant::now();
        plain_inserts(db, seq + 1..seq + 1 + batch as i64).await?;
        seq += batch as i64;
        out.batch_plain
            .0
            .push(batch as f64 / started.elapsed().as_secs_f64());
    }
    Ok(out)
}

/// One write of `n` events.
async fn record_many(db: &Db, n: usize) -> Result<(), String> {
    db.write(&who(), move |tx| {
        Box::pin(async move {
            for i in 0..n {
                tx.record(event(i)).await?;
            }
            Ok::<_, db::DbError>(())
        })
    })
    .await
    .map_err(|e| e.to_string())
}

/// Fills the chain up to `total` events (10,000 per transaction), then times `verify`.
async fn verify(db: &Db, total: usize, rounds: usize) -> Result<(Sample, u64), String> {
    let (mut have, _) = db::audit::head(db).await.map_err(|e| e.to_string())?;
    while (have as usize) < total {
        let chunk = (total - have as usize).min(10_000);
        record_many(db, chunk).await?;
        have += chunk as i64;
        eprint!("\r  filling the chain: {have}/{total}");
    }
    eprintln!();
    let mut sample = Sample(vec![]);
    let mut events = 0;
    for _ in 0..rounds {
        let report = db::audit::verify(db, |_| {})
            .await
            .map_err(|e| e.to_string())?;
        events = report.events;
        sample.0.push(report.events as f64 / report.seconds);
    }
    Ok((sample, events))
}

/// Deadlines per second for every start day 2020-01-01..2026-11-30 and the statutory periods the
/// modules use, beside plain `start + n days` over the same inputs (no calendar).
fn calendar(rounds: usize) -> (Sample, Sample, usize) {
    let calendar = Calendar::official();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let starts: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    let periods = [
        (3, PeriodUnit::Workdays),
        (5, PeriodUnit::Workdays),
        (7, PeriodUnit::Workdays),
        (10, PeriodUnit::Workdays),
        (15, PeriodUnit::Days),
        (30, PeriodUnit::Days),
        (60, PeriodUnit::Days),
    ];
    let mut fazhi = Sample(vec![]);
    let mut plain = Sample(vec![]);
    let count = starts.len() * periods.len();
    for _ in 0..rounds {
        let started = Instant::now();
        let mut checksum = 0i64;
        for s in &starts {
            for (n, unit) in periods {
                if let Ok(d) = calendar.add(*s, n, unit) {
                    checksum += i64::from(d.due.ordinal());
                }
            }
        }
        fazhi.0.push(count as f64 / started.elapsed().as_secs_f64());
        let started = Instant::now();
        for s in &starts {
            for (n, _) in periods {
                checksum -= i64::from((*s + chrono::Duration::days(i64::from(n))).ordinal());
            }
        }
        plain.0.push(count as f64 / started.elapsed().as_secs_f64());
        std::hint::black_box(checksum);
    }
    (fazhi, plain, count)
}

use chrono::Datelike;

/// Seconds from starting `fazhi serve` on an existing database to its first 200 on /healthz.
fn startup(fazhi: &Path, data_dir: &Path, rounds: usize) -> Result<Sample, String> {
    let mut sample = Sample(vec![]);
    for round in 0..=rounds {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| e.to_string())?
            .local_addr()
            .map_err(|e| e.to_string())?
            .port();
        let started = Instant::now();
        let mut child = std::process::Command::new(fazhi)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", fazhi.display()))?;
        let mut up = None;
        while started.elapsed() < Duration::from_secs(30) {
            if healthz(port) {
                up = Some(started.elapsed().as_secs_f64());
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        let seconds = up.ok_or("fazhi serve did not answer within 30 s")?;
        if round > 0 {
            sample.0.push(seconds); // round 0 warms the file cache and creates the key file
        }
    }
    Ok(sample)
}

fn healthz(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    if stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: bench\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut reply = String::new();
    stream.read_to_string(&mut reply).is_ok()
        && (reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200"))
}

fn command_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!(
        "{cpu}, {cores} cores; {}; {}",
        command_line("uname", &["-sr"]),
        command_line("rustc", &["--version"])
    )
}

pub(crate) async fn postgres() -> Option<(Db, String, String)> {
    let admin_url = std::env::var("FAZHI_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("fazhi_bench_{}", std::process::id());
    let made = async {
        db::admin::drop_database(&admin_url, &name).await?;
        db::admin::create_database(&admin_url, &name).await?;
        let url = db::admin::database_url(&admin_url, &name).unwrap_or_default();
        Db::open(&DatabaseUrl::parse(&url)?).await
    };
    match made.await {
        Ok(db) => Some((db, admin_url, name)),
        Err(e) => {
            eprintln!("PostgreSQL left out: {e}");
            None
        }
    }
}

pub(crate) async fn drop_postgres(db: Db, admin_url: &str, name: &str) {
    db.close().await;
    if let Err(e) = db::admin::drop_database(admin_url, name).await {
        eprintln!("could not drop {name}: {e}");
    }
}

fn ratio(a: &Sample, b: &Sample) -> f64 {
    a.median() / b.median().max(1e-9)
}

pub async fn run(quick: bool, out: &Path, fazhi: Option<PathBuf>) -> Result<(), String> {
    let (rounds, n, batch, events) = if quick {
        (3, 300, 5_000, 100_000)
    } else {
        (5, 1_000, 5_000, 1_000_000)
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let sqlite = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|e| e.to_string())?;
    let sqlite_version: String = db::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut sqlite.conn().await.map_err(|e| e.to_string())?)
        .await
        .map_err(|e| e.to_string())?;

    // The file's head (machine, versions) and the foundation's own section; every other
    // benchmark's section is kept where it stands.
    let mut md = String::new();
    let date = kernel::time::china_today();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench{}` on {date}.",
        if quick { " --quick" } else { "" }
    );
    let _ = writeln!(
        md,
        "Each figure: median [min–max] of its rounds, beside a baseline measured in the same run.\n"
    );
    let _ = writeln!(md, "- Machine: {}", machine());
    let _ = writeln!(
        md,
        "- SQLite {sqlite_version} (bundled), WAL, synchronous=NORMAL"
    );

    eprintln!("audit append, SQLite …");
    let sqlite_appends = appends(&sqlite, rounds, n, batch).await?;
    let pg = postgres().await;
    let pg_appends = match &pg {
        Some((db, _, _)) => {
            let version: String = db::query_scalar("SHOW server_version")
                .fetch_one(&mut db.conn().await.map_err(|e| e.to_string())?)
                .await
                .map_err(|e| e.to_string())?;
            let _ = writeln!(
                md,
                "- PostgreSQL {version} on 127.0.0.1 (synchronous_commit as configured)"
            );
            eprintln!("audit append, PostgreSQL …");
            Some(appends(db, rounds, n, batch).await?)
        }
        None => {
            let _ = writeln!(md, "- PostgreSQL: not reachable, its figures are missing");
            None
        }
    };

    let head = std::mem::take(&mut md);
    let _ = writeln!(
        md,
        "| figure | backend | fazhi | baseline | ratio | target |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    let mut rows = vec![("SQLite", &sqlite_appends)];
    if let Some(a) = &pg_appends {
        rows.push(("PostgreSQL", a));
    }
    for (backend, a) in rows {
        let _ = writeln!(
            md,
            "| audit append, 1 event per transaction (events/s, {n} per round; baseline: same table shape and indexes) | {backend} | {} | plain INSERT of the same row: {} | {:.2} | ≥ 0.50 |",
            a.single_audit.show(),
            a.single_plain.show(),
            ratio(&a.single_audit, &a.single_plain)
        );
        let _ = writeln!(
            md,
            "| audit append, {batch} events in one transaction (events/s) | {backend} | {} | plain INSERT: {} | {:.2} | — |",
            a.batch_audit.show(),
            a.batch_plain.show(),
            ratio(&a.batch_audit, &a.batch_plain)
        );
    }

    eprintln!("audit verify over {events} events, SQLite …");
    let (verify_sqlite, counted) = verify(&sqlite, events, rounds.min(3)).await?;
    let _ = writeln!(
        md,
        "| `audit verify` (events/s over {counted} events) | SQLite | {} | — | — | ≥ 200,000 |",
        verify_sqlite.show()
    );
    if let Some((db, admin, name)) = pg {
        let pg_events = if quick { events } else { events / 5 };
        eprintln!("audit verify over {pg_events} events, PostgreSQL …");
        let (verify_pg, counted) = verify(&db, pg_events, rounds.min(3)).await?;
        let _ = writeln!(
            md,
            "| `audit verify` (events/s over {counted} events) | PostgreSQL | {} | — | — | ≥ 200,000 |",
            verify_pg.show()
        );
        drop_postgres(db, &admin, &name).await;
    }

    eprintln!("calendar …");
    let (deadlines, plain, count) = calendar(rounds);
    let _ = writeln!(
        md,
        "| calendar deadlines computed (per s, {count} per round: every start day 2020–2026 × 7 statutory periods) | — | {} | plain date + n days: {} | {:.3} | — |",
        deadlines.show(),
        plain.show(),
        ratio(&deadlines, &plain)
    );
    sqlite.close().await;

    let fazhi = fazhi.unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("fazhi")))
            .unwrap_or_default()
    });
    if fazhi.exists() {
        eprintln!("fazhi serve start on the {events}-event database …");
        let start = startup(&fazhi, dir.path(), rounds)?;
        let _ = writeln!(
            md,
            "| `fazhi serve` start to first /healthz 200 (s, database of {events} events) | SQLite | {} | — | — | < 1 s |",
            start.show()
        );
    } else {
        let _ = writeln!(
            md,
            "| `fazhi serve` start | — | not measured: {} not built | — | — | < 1 s |",
            fazhi.display()
        );
    }

    println!("{head}\n{md}");
    crate::timing::write_head(out, &head)?;
    crate::timing::write_section(out, "Foundation", "Foundation (issue 2)", &md)?;
    eprintln!("written to {}", out.display());
    Ok(())
}
