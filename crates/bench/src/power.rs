//! The power list's figures (issue 4), on SQLite and (when it answers) PostgreSQL:
//! - import of a 5,000-row .xlsx items ledger: read, check, resolve every basis against the law
//!   base, write (target < 2 s);
//! - the staff list page with filters over those items, server time through the router, with a
//!   logged-in session (target < 50 ms), the same list as it stood on a past day, the public list
//!   searched through the index;
//! - the two-date comparison (page and service), after a year of 300 adjustments.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use db::{DatabaseUrl, Db};
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, Platform};
use power::{ItemFilter, Power};
use tower::ServiceExt as _;

const ITEMS: usize = 5_000;
const DEPARTMENTS: usize = 40;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// Latencies in milliseconds.
struct Latencies(Vec<f64>);

impl Latencies {
    fn percentile(&self, p: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return 0.0;
        }
        v[((v.len() - 1) as f64 * p).round() as usize]
    }

    fn show(&self) -> String {
        format!(
            "p50 {:.1} ms, p99 {:.1} ms",
            self.percentile(0.5),
            self.percentile(0.99)
        )
    }
}

pub(crate) const LAWS: &[(&str, u32)] = &[
    ("食品安全法", 154),
    ("药品管理法", 155),
    ("安全生产法", 119),
    ("大气污染防治法", 129),
    ("道路交通安全法", 124),
    ("建筑法", 85),
    ("劳动合同法", 98),
    ("行政许可法", 83),
];
pub(crate) const TYPES: &[&str] = &[
    "行政处罚",
    "行政处罚",
    "行政处罚",
    "行政处罚",
    "行政处罚",
    "行政处罚",
    "行政许可",
    "行政检查",
    "行政强制",
    "行政确认",
    "公共服务",
    "其他行政权力",
];
pub(crate) const SUBJECTS: &[&str] = &[
    "经营者",
    "生产经营单位",
    "建设单位",
    "用人单位",
    "医疗机构",
    "排污单位",
];
pub(crate) const ACTS: &[&str] = &[
    "未取得许可擅自从事经营活动",
    "拒绝、阻碍监督检查",
    "未按规定建立台账",
    "提供虚假材料",
    "未落实安全管理制度",
];

fn department(i: usize) -> String {
    format!("测试第{:02}局", i % DEPARTMENTS + 1)
}

/// The organisations: a district, its departments and three towns.
fn orgs_csv() -> String {
    let mut csv =
        String::from("名称,类型,上级,行政区划代码,统一社会信用代码\n测试区,区,,320411,\n");
    for i in 0..DEPARTMENTS {
        csv.push_str(&format!("{},部门,测试区,,\n", department(i)));
    }
    for t in ["甲镇", "乙镇", "丙街道"] {
        csv.push_str(&format!("{t},镇,测试区,,\n"));
    }
    csv.replace("丙街道,镇", "丙街道,街道")
}

/// The 5,000-row items ledger, as rows under the layout's headers.
fn item_rows() -> Vec<Vec<String>> {
    let columns: Vec<&str> = power::ledger::ITEMS
        .columns
        .iter()
        .map(|c| c.name)
        .collect();
    (0..ITEMS)
        .map(|i| {
            let t = TYPES[i % TYPES.len()];
            let (law, articles) = LAWS[i % LAWS.len()];
            let article = (i as u32 * 7) % articles + 1;
            let name = if t == "行政处罚" {
                format!(
                    "对{}{}的处罚",
                    SUBJECTS[i % SUBJECTS.len()],
                    ACTS[(i / 7) % ACTS.len()]
                )
            } else {
                format!("{}事项{}", SUBJECTS[i % SUBJECTS.len()], i)
            };
            columns
                .iter()
                .map(|c| match *c {
                    "事项编码" => format!("320411-B-{i:05}"),
                    "事项名称" => name.clone(),
                    "事项类型" => t.to_string(),
                    "实施主体" => department(i),
                    "设定依据" => format!(
                        "《中华人民共和国{law}》第{}条",
                        laws::numerals::write(article)
                    ),
                    "实施层级" => "区级".to_string(),
                    "责任事项" => "受理、审查、决定、送达、事后监管".to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

/// 300 adjustments taking effect in 2020: 取消, 变更 and 下放 of items of ten departments.
fn adjustments_csv() -> String {
    let mut csv = String::from("事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\n");
    for k in 0..300 {
        let i = k * 13 % ITEMS;
        let kind = ["取消", "变更", "下放"][k % 3];
        csv.push_str(&format!(
            "320411-B-{i:05},{kind},2020-{:02}-{:02},{},上位法修改,测试\n",
            k % 12 + 1,
            k % 28 + 1,
            department(i)
        ));
    }
    csv
}

struct Backend {
    name: &'static str,
    import: Vec<f64>,
    pages: Vec<(String, Latencies)>,
    compare: Latencies,
}

async fn import_once(db: &Db, corpus: Option<&Path>, xlsx: &[u8]) -> Result<(Power, f64), String> {
    let platform = Platform::new(db.clone(), SealKey::generate());
    let cli = Actor::cli("bench");
    let orgs = ledger::read_bytes("orgs.csv", orgs_csv().as_bytes())
        .and_then(|s| s.records(&platform::ORGANIZATIONS))
        .map_err(|x| e(&x))?;
    platform
        .import_orgs(&cli, &orgs, ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let power = Power::new(platform.clone());
    if let Some(corpus) = corpus {
        power
            .laws()
            .import_corpus(&cli, corpus, &mut ())
            .await
            .map_err(|x| e(&x))?;
    }
    let started = Instant::now();
    let records = ledger::read_bytes("items.xlsx", xlsx)
        .and_then(|s| s.records(&power::ledger::ITEMS))
        .map_err(|x| e(&x))?;
    let report = power
        .import_items(&cli, &records, Some(d(2019, 12, 31)), ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let seconds = started.elapsed().as_secs_f64();
    if report.created != ITEMS {
        return Err(format!("imported {} items, not {ITEMS}", report.created));
    }
    Ok((power, seconds))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

async fn get(app: &axum::Router, cookie: &str, uri: &str) -> Result<f64, String> {
    let request = Request::get(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .map_err(|x| e(&x))?;
    let started = Instant::now();
    let response = app.clone().oneshot(request).await.map_err(|x| e(&x))?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .map_err(|x| e(&x))?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !status.is_success() || body.is_empty() {
        return Err(format!("{uri}: {status}"));
    }
    Ok(ms)
}

/// Imports into each of `dbs` (fresh databases), then measures the pages over the last.
async fn measure(
    name: &'static str,
    dbs: &[Db],
    corpus: Option<&Path>,
    xlsx: &[u8],
) -> Result<Backend, String> {
    let mut import = Vec::new();
    let mut kept = None;
    for db in dbs {
        let (power, seconds) = import_once(db, corpus, xlsx).await?;
        import.push(seconds);
        kept = Some(power);
    }
    let power = kept.ok_or("no round")?;
    let platform = power.platform().clone();
    let cli = Actor::cli("bench");
    let adjustments = ledger::read_bytes("adj.csv", adjustments_csv().as_bytes())
        .and_then(|s| s.records(&power::ledger::ADJUSTMENTS))
        .map_err(|x| e(&x))?;
    power
        .import_adjustments(&cli, &adjustments, ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let login = crate::officer::legal_officer(&platform, "测试区", "legal", "法制科").await?;
    let cookie = format!("fazhi_session={}", login.token);
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let index = search::Search::open(dir.path()).map_err(|x| e(&x))?;
    index
        .catch_up(&search::Sources::new(platform.clone()))
        .await
        .map_err(|x| e(&x))?;
    let state = web::AppState::new(platform.clone(), index, web::WebConfig::default());
    let app = web::router(state);
    let dept = platform
        .resolve_org(&department(3))
        .await
        .map_err(|x| e(&x))?
        .id;
    let q = |s: &str| -> String { form_urlencoded_encode(s) };
    let pages = [
        (
            "list, first page, no filter".to_string(),
            "/power".to_string(),
        ),
        (
            "list, department + type + text, page 2".to_string(),
            format!(
                "/power?department={dept}&type=penalty&q={}&page=2",
                q("处罚")
            ),
        ),
        (
            "list, type + text over all departments, page 20".to_string(),
            format!("/power?type=penalty&q={}&page=20", q("经营")),
        ),
        (
            "list as it stood on 2020-06-30 (as-of date)".to_string(),
            "/power?on=2020-06-30&page=10".to_string(),
        ),
        (
            "public list searched through the index".to_string(),
            format!("/gongkai/quanze?q={}", q("安全 处罚")),
        ),
        (
            "two-date comparison page (2020-01-01 → 2020-12-31)".to_string(),
            "/power/compare?from=2020-01-01&to=2020-12-31".to_string(),
        ),
    ];
    let mut measured = Vec::new();
    for (label, uri) in pages {
        get(&app, &cookie, &uri).await?;
        let mut times = Vec::new();
        for _ in 0..30 {
            times.push(get(&app, &cookie, &uri).await?);
        }
        measured.push((label, Latencies(times)));
    }
    let mut compare = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let c = power
            .compare(&cli, d(2020, 1, 1), d(2020, 12, 31), ItemFilter::default())
            .await
            .map_err(|x| e(&x))?;
        compare.push(started.elapsed().as_secs_f64() * 1000.0);
        if c.changes.is_empty() {
            return Err("the comparison found no change".into());
        }
    }
    Ok(Backend {
        name,
        import,
        pages: measured,
        compare: Latencies(compare),
    })
}

fn form_urlencoded_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub async fn run(corpus: &Path, out: &Path) -> Result<(), String> {
    let corpus = corpus.join("db.sqlite3").exists().then_some(corpus);
    let xlsx = ledger::to_xlsx(&power::ledger::ITEMS, &item_rows()).map_err(|x| e(&x))?;
    eprintln!("{ITEMS}-row ledger: {} KB", xlsx.len() / 1024);
    let mut results = Vec::new();
    let mut dirs = Vec::new();
    let mut dbs = Vec::new();
    for _ in 0..3 {
        let dir = tempfile::tempdir().map_err(|x| e(&x))?;
        dbs.push(
            Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
                .await
                .map_err(|x| e(&x))?,
        );
        dirs.push(dir);
    }
    eprintln!("SQLite …");
    results.push(measure("SQLite", &dbs, corpus, &xlsx).await?);
    if let Some((db, admin, name)) = crate::foundation::postgres().await {
        eprintln!("PostgreSQL …");
        let measured = measure("PostgreSQL", std::slice::from_ref(&db), corpus, &xlsx).await;
        crate::foundation::drop_postgres(db, &admin, &name).await;
        results.push(measured?);
    }

    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench power` on {today}: {ITEMS} items in {DEPARTMENTS} departments, each basis resolved against {} ; then 300 adjustments in 2020. Page times are server time through the router with a logged-in legal-affairs session, 30 requests each after one warm-up.\n",
        if corpus.is_some() {
            "the whole law base (../shared/laws)"
        } else {
            "an empty law base"
        }
    );
    let _ = writeln!(md, "| figure | backend | fazhi | target |");
    let _ = writeln!(md, "|---|---|---|---|");
    for b in &results {
        let mut import = b.import.clone();
        import.sort_by(f64::total_cmp);
        let _ = writeln!(
            md,
            "| import of a {ITEMS}-row .xlsx items ledger (read, check, resolve bases, write; median of {}) | {} | {:.2} s [{:.2}–{:.2}] | < 2 s |",
            import.len(),
            b.name,
            import[import.len() / 2],
            import[0],
            import[import.len() - 1]
        );
        for (label, t) in &b.pages {
            let target = if label.starts_with("list") {
                "< 50 ms"
            } else {
                "—"
            };
            let _ = writeln!(md, "| {label} | {} | {} | {target} |", b.name, t.show());
        }
        let _ = writeln!(
            md,
            "| two-date comparison, service only (all {ITEMS} items) | {} | {} | — |",
            b.name,
            b.compare.show()
        );
    }
    println!("{md}");
    crate::timing::write_section(out, "权责清单", "权责清单 (issue 4)", &md)?;
    Ok(())
}
