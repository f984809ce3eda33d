//! `scripts/bench report`: the annual report generated for the demo year (the demo district
//! loaded by `fazhi demo`, the product's own path), then for a province-sized year — the demo's
//! power list, reconsideration cases, mediation organisations, roster and disputes copied as 95
//! districts' worth of records into the same database (a fill, not a product path; SQLite).
//!
//! Each figure is the median of the rounds with its spread: the figures of every module
//! (`Report::figures`, the same statistics `fazhi stats` prints), the whole report (figures,
//! staff texts, text assembly), and writing it as .docx, HTML and Markdown.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use db::{DatabaseUrl, Db};
use kernel::crypto::SealKey;
use platform::Platform;
use report::{Links, Report, render};

use crate::timing::{median, p99};

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// The tables a province copy repeats, and the columns that must stay unique per copy.
const COPIES: &[(&str, &[&str])] = &[
    ("power_items", &["id", "code"]),
    ("power_item_versions", &["id", "item_id"]),
    ("power_adjustments", &["id", "item_id"]),
    ("power_delegations", &["id", "item_id"]),
    ("power_delegation_states", &["id", "delegation_id"]),
    ("reconsideration_cases", &["id", "number"]),
    ("mediation_organizations", &["id", "name"]),
    ("mediators", &["id", "organization_id"]),
    (
        "mediation_disputes",
        &["id", "number", "organization_id", "mediator_id"],
    ),
];

/// Copies every demo row of the tables `districts - 1` times, suffixing the unique columns.
async fn fill_province(db: &Db, districts: usize) -> Result<(), String> {
    let mut conn = db.conn().await.map_err(|x| e(&x))?;
    for (table, unique) in COPIES {
        let columns: Vec<String> =
            db::query_scalar(format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut conn)
                .await
                .map_err(|x| e(&x))?;
        let key = if columns.iter().any(|c| c == "id") {
            "id"
        } else {
            "delegation_id"
        };
        for k in 1..districts {
            let select: Vec<String> = columns
                .iter()
                .map(|c| {
                    if unique.contains(&c.as_str()) {
                        format!("{c} || '-{k}'")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {key} NOT LIKE '%-%'",
                columns.join(", "),
                select.join(", ")
            );
            db.upkeep(move |tx| Box::pin(async move { tx.conn().batch(&sql).await }))
                .await
                .map_err(|x| format!("{table}: {x}"))?;
        }
    }
    db.upkeep(|tx| Box::pin(async move { tx.conn().batch("ANALYZE").await }))
        .await
        .map_err(|x| e(&x))?;
    Ok(())
}

struct Timings {
    /// Each module's figures alone, in `report::Module::ALL` order.
    modules: Vec<Vec<f64>>,
    figures: Vec<f64>,
    report: Vec<f64>,
    docx: Vec<f64>,
    html: Vec<f64>,
    markdown: Vec<f64>,
    /// The first page of the records behind the largest figure (`mediation.disputes`).
    records: Vec<f64>,
    figures_stated: usize,
    docx_bytes: usize,
}

async fn measure(platform: &Platform, report: &Report, rounds: usize) -> Result<Timings, String> {
    let org = report.org_named(None).await.map_err(|x| e(&x))?;
    let date = chrono::NaiveDate::from_ymd_opt(2021, 3, 26).unwrap_or_default();
    let mut t = Timings {
        modules: vec![Vec::new(); report::Module::ALL.len()],
        figures: Vec::new(),
        report: Vec::new(),
        docx: Vec::new(),
        html: Vec::new(),
        markdown: Vec::new(),
        records: Vec::new(),
        figures_stated: 0,
        docx_bytes: 0,
    };
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
    for _ in 0..rounds {
        for (i, module) in report::Module::ALL.iter().enumerate() {
            let start = Instant::now();
            report::module_figures(platform, *module, 2020, None)
                .await
                .map_err(|x| e(&x))?;
            t.modules[i].push(ms(start));
        }
        let start = Instant::now();
        report.figures(2020, &org).await.map_err(|x| e(&x))?;
        t.figures.push(ms(start));
        let start = Instant::now();
        let r = report
            .draft_for(&org, 2020, date)
            .await
            .map_err(|x| e(&x))?;
        t.report.push(ms(start));
        let start = Instant::now();
        let docx = render::to_docx(&r).map_err(|x| e(&x))?;
        t.docx.push(ms(start));
        let start = Instant::now();
        let html = render::to_html(&r, Links::To(""));
        t.html.push(ms(start));
        let start = Instant::now();
        let md = render::to_markdown(&r);
        t.markdown.push(ms(start));
        let start = Instant::now();
        let cli = platform::Actor::cli("bench");
        report
            .records_behind(
                &cli,
                2020,
                "mediation.disputes",
                db::PageRequest::new(Some(1), Some(50)),
            )
            .await
            .map_err(|x| e(&x))?;
        t.records.push(ms(start));
        t.figures_stated = r.figures.len();
        t.docx_bytes = docx.len();
        assert!(!html.is_empty() && !md.is_empty());
    }
    Ok(t)
}

fn line(md: &mut String, what: &str, scale: &str, v: &[f64]) {
    let _ = writeln!(
        md,
        "| {what} | {scale} | {:.1} ms [{:.1}–{:.1}] | p99 {:.1} ms |",
        median(v),
        v.iter().copied().fold(f64::MAX, f64::min),
        v.iter().copied().fold(0.0, f64::max),
        p99(v)
    );
}

/// The demo district loaded by `fazhi demo` into a fresh SQLite database (away from
/// ../shared/laws, so without the corpus import), with the demo accounts' password.
pub(crate) async fn demo_db(fazhi: &Path) -> Result<(tempfile::TempDir, Db, String, f64), String> {
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let data = dir.path().join("data");
    let start = Instant::now();
    let demo = std::process::Command::new(fazhi)
        .current_dir(dir.path())
        .arg("--data-dir")
        .arg(&data)
        .arg("demo")
        .env_remove("FAZHI_LAWS_CORPUS")
        .env_remove("FAZHI_DATABASE_URL")
        .output()
        .map_err(|x| format!("{}: {x}", fazhi.display()))?;
    if !demo.status.success() {
        return Err(String::from_utf8_lossy(&demo.stderr).into_owned());
    }
    let seconds = start.elapsed().as_secs_f64();
    let logins = std::fs::read_to_string(data.join("demo-logins.txt")).map_err(|x| e(&x))?;
    let password = logins
        .split("密码均为：")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .map(|p| p.trim().to_string())
        .ok_or("demo-logins.txt names no password")?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&data.join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    Ok((dir, db, password, seconds))
}

/// The first page (50) of the records behind every figure of 2020, each asked once, slowest first.
async fn records_pages(
    report: &Report,
    figures: &report::Figures,
) -> Result<Vec<(f64, String)>, String> {
    let cli = platform::Actor::cli("bench");
    let mut pages: Vec<(f64, String)> = Vec::new();
    for f in figures.all() {
        let start = Instant::now();
        report
            .records_behind(&cli, 2020, &f.key, db::PageRequest::new(Some(1), Some(50)))
            .await
            .map_err(|x| e(&x))?;
        pages.push((start.elapsed().as_secs_f64() * 1000.0, f.key.clone()));
    }
    pages.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(pages)
}

/// `--keep` over a database already filled: the records pages alone, printed slowest first.
pub async fn records_of(kept: &Path) -> Result<(), String> {
    let db = Db::open(&DatabaseUrl::sqlite_file(kept))
        .await
        .map_err(|x| e(&x))?;
    let platform = Platform::new(db, SealKey::generate());
    let report = Report::new(platform.clone());
    let report_platform = |_: &Report| platform.clone();
    let figures = report
        .figures(2020, &report.org_named(None).await.map_err(|x| e(&x))?)
        .await
        .map_err(|x| e(&x))?;
    for (t, key) in records_pages(&report, &figures).await? {
        println!("{t:8.1} ms  {key}");
    }
    // FAZHI_BENCH_CHECK=1: every power figure's records paged in SQL, all at once, beside the
    // statistics' own collecting path (the report test does this on small data).
    if std::env::var("FAZHI_BENCH_CHECK").is_ok_and(|v| v == "1") {
        let power = power::Power::new(report_platform(&report));
        for f in figures.all() {
            let Some(rest) = f.key.strip_prefix("power.") else {
                continue;
            };
            let ids = |v: &[kernel::figures::RecordRef]| {
                let mut ids: Vec<String> =
                    v.iter().map(|r| format!("{}:{}", r.kind, r.id)).collect();
                ids.sort();
                ids
            };
            let Some((paged, total)) = power
                .records_page(2020, None, rest, 0, 10_000_000)
                .await
                .map_err(|x| e(&x))?
            else {
                continue;
            };
            let collected = power
                .records_behind(2020, None, rest)
                .await
                .map_err(|x| e(&x))?;
            let same = ids(&paged) == ids(&collected) && total as usize == collected.len();
            println!(
                "{} {} paged {} ({total}) collected {}",
                if same { "same" } else { "DIFFERENT" },
                f.key,
                paged.len(),
                collected.len()
            );
        }
    }
    Ok(())
}

pub async fn run(
    fazhi: &Path,
    districts: usize,
    rounds: usize,
    out: &Path,
    keep: Option<&Path>,
) -> Result<(), String> {
    let (_dir, db, _, demo_seconds) = demo_db(fazhi).await?;
    let platform = Platform::new(db.clone(), SealKey::generate());
    let report = Report::new(platform.clone());
    let district = measure(&platform, &report, rounds).await?;
    let start = Instant::now();
    fill_province(&db, districts).await?;
    let fill_seconds = start.elapsed().as_secs_f64();
    let figures = report
        .figures(2020, &report.org_named(None).await.map_err(|x| e(&x))?)
        .await
        .map_err(|x| e(&x))?;
    let count = |k: &str| figures.get(k).map(|f| f.value.shown()).unwrap_or_default();
    let scale = format!(
        "{} power items, {} disputes, {} cases",
        count("power.total_items"),
        count("mediation.disputes"),
        count("reconsideration.received")
    );
    if let Some(kept) = keep {
        // A copy by SQLite itself, from its own connection (the file is in WAL mode).
        let from = _dir.path().join("data").join("fazhi.db");
        let to = kept.display().to_string();
        tokio::task::spawn_blocking(move || {
            rusqlite::Connection::open(&from)
                .and_then(|c| c.execute("VACUUM INTO ?1", [to]))
                .map_err(|x| e(&x))
        })
        .await
        .map_err(|x| e(&x))??;
    }
    let province = measure(&platform, &report, rounds.min(5)).await?;
    let pages = records_pages(&report, &figures).await?;

    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench report --districts {districts}` on {today}, SQLite (bundled, WAL): the demo district loaded by `fazhi demo` ({demo_seconds:.1} s, the product's paths), the 2020 report generated {rounds} times; then the demo's power list, cases, mediation organisations, roster and disputes copied {} more times into the same database ({fill_seconds:.0} s of INSERT … SELECT, not a product path) and the report generated again. {} figures stated; the .docx is {} KB.\n",
        districts - 1,
        district.figures_stated,
        district.docx_bytes / 1024
    );
    let _ = writeln!(md, "| step | year | median [min–max] | tail |");
    let _ = writeln!(md, "|---|---|---|---|");
    let demo_scale = "新北区 demo (4840 power items, 14184 disputes, 26 cases)";
    for (t, scale) in [(&district, demo_scale), (&province, scale.as_str())] {
        for (module, v) in report::Module::ALL.iter().zip(&t.modules) {
            line(
                &mut md,
                &format!(
                    "figures of {} (`fazhi stats {}`)",
                    module.label(),
                    module.code()
                ),
                scale,
                v,
            );
        }
        line(&mut md, "figures of every module", scale, &t.figures);
        line(
            &mut md,
            "the whole report (figures + texts)",
            scale,
            &t.report,
        );
        line(&mut md, "write .docx (GB/T 9704)", scale, &t.docx);
        line(&mut md, "write HTML", scale, &t.html);
        line(&mut md, "write Markdown", scale, &t.markdown);
        line(
            &mut md,
            "records behind `mediation.disputes`, first page of 50",
            scale,
            &t.records,
        );
    }
    let times: Vec<f64> = pages.iter().map(|(t, _)| *t).collect();
    let _ = writeln!(
        md,
        "\nThe first page (50) of the records behind each of the province-sized year's {} figures, each asked once: median {:.1} ms, slowest {:.1} ms; {} over 200 ms. The slowest: {}.",
        pages.len(),
        median(&times),
        times.first().copied().unwrap_or(0.0),
        times.iter().filter(|t| **t > 200.0).count(),
        pages
            .iter()
            .take(5)
            .map(|(t, k)| format!("`{k}` {t:.0} ms"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("{md}");
    crate::timing::write_section(out, "年度报告", "年度报告 (issues 7, 15)", &md)?;
    Ok(())
}
