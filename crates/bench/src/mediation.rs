//! 人民调解's figures (issue 6), on SQLite and (when it answers) PostgreSQL:
//! - import of a 15,000-dispute ledger through the product's import (target < 3 s);
//! - the year's statistics over `--disputes` disputes (default 1,500,000, a province's year;
//!   target < 2 s). Beyond the imported 15,000 the rows are written with plain multi-row INSERTs
//!   of the same shape, which is only a faster way to fill the table;
//! - the intake form's round trip (POST /mediation → the dispute page), server time through the
//!   router with a logged-in session.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::timing::{median, p99};

use axum::body::Body;
use axum::http::Request;
use chrono::{Days, NaiveDate};
use db::{DatabaseUrl, Db};
use kernel::Role;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use mediation::Mediation;
use platform::{Actor, NewUser, Platform};
use tower::ServiceExt as _;

const TOWNS: usize = 10;
const IMPORTED: usize = 15_000;
const PASSWORD: &str = "Bench#2020";
pub(crate) const TYPES: &[&str] = &[
    "婚姻家庭",
    "邻里",
    "房屋宅基地",
    "合同",
    "损害赔偿",
    "劳动争议",
    "物业",
    "其他",
];
const TYPE_CODES: &[&str] = &[
    "family",
    "neighbour",
    "housing",
    "contract",
    "damages",
    "labour",
    "property",
    "other",
];
pub(crate) const SOURCES: &[&str] = &["排查", "申请", "移交", "委派"];
const SOURCE_CODES: &[&str] = &["screening", "application", "transfer", "referral"];

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

fn town(i: usize) -> String {
    format!("测试{}镇", i % TOWNS + 1)
}

fn organization(i: usize) -> String {
    format!("测试{}镇人民调解委员会", i % TOWNS + 1)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn received(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 2).unwrap_or_default() + Days::new((i * 331 % 355) as u64)
}

struct Backend {
    name: &'static str,
    import: f64,
    disputes: usize,
    fill: f64,
    stats: Vec<f64>,
    intake: Vec<f64>,
}

async fn measure(name: &'static str, db: Db, total: usize) -> Result<Backend, String> {
    db.migrate().await.map_err(|x| e(&x))?;
    let platform = Platform::new(db.clone(), SealKey::generate());
    let cli = Actor::cli("bench");
    let mut orgs = String::from(
        "名称,类型,上级,行政区划代码,统一社会信用代码\n测试区,区,,320411,\n测试区司法局,部门,测试区,,\n",
    );
    for i in 0..TOWNS {
        let _ = writeln!(orgs, "{},镇,测试区,,", town(i));
    }
    let records = |layout: &ledger::Layout, csv: &str| {
        ledger::read_bytes("b.csv", csv.as_bytes())
            .and_then(|s| s.records(layout))
            .map_err(|x| e(&x))
    };
    platform
        .import_orgs(
            &cli,
            &records(&platform::ORGANIZATIONS, &orgs)?,
            ImportMode::default(),
        )
        .await
        .map_err(|x| e(&x))?;
    let m = Mediation::new(platform.clone());
    let mut csv = String::from("组织名称,组织类型,所属镇街,是否标准化,设立日期\n");
    for i in 0..TOWNS {
        let _ = writeln!(csv, "{},村居,{},是,2015-01-01", organization(i), town(i));
    }
    m.import_organizations(
        &cli,
        &records(&mediation::ledger::ORGANIZATIONS, &csv)?,
        ImportMode::default(),
    )
    .await
    .map_err(|x| e(&x))?;
    let mut csv = String::from("姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n");
    for i in 0..TOWNS {
        let _ = writeln!(
            csv,
            "调解员{i},男,{},专职,138{:08},2020-03-01,2020-03-05",
            organization(i),
            i
        );
    }
    m.import_mediators(
        &cli,
        &records(&mediation::ledger::MEDIATORS, &csv)?,
        ImportMode::default(),
    )
    .await
    .map_err(|x| e(&x))?;

    // The 15,000-dispute ledger through the product's import.
    let mut csv = String::from(
        "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认\n",
    );
    for i in 0..IMPORTED {
        let r = received(i);
        let _ = writeln!(
            csv,
            "导调〔2020〕{},{},{},{},{},调解员{},调解成功,{},书面,否",
            i + 1,
            day(r),
            TYPES[i % TYPES.len()],
            SOURCES[i % SOURCES.len()],
            organization(i),
            i % TOWNS,
            day(r + Days::new(3))
        );
    }
    let rows = records(&mediation::ledger::CASES, &csv)?;
    eprintln!("  {name}: importing {IMPORTED} disputes …");
    let started = Instant::now();
    let report = m
        .import_disputes(&cli, &rows, ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let import = started.elapsed().as_secs_f64();
    if report.created != IMPORTED {
        return Err(format!("imported {}, not {IMPORTED}", report.created));
    }

    // Fill up to `total` with rows of the same shape.
    eprintln!("  {name}: filling to {total} disputes …");
    let ids: Vec<(String, String, String)> = {
        let mut conn = db.conn().await.map_err(|x| e(&x))?;
        let org_rows: Vec<(String, String)> =
            db::query("SELECT id, town_id FROM mediation_organizations ORDER BY name")
                .map(&mut conn, |r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .await
                .map_err(|x| e(&x))?;
        let mut out = Vec::new();
        for (org, town) in org_rows {
            let mediator: String =
                db::query_scalar("SELECT id FROM mediators WHERE organization_id = $1")
                    .bind(&org)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(|x| e(&x))?;
            out.push((org, town, mediator));
        }
        out
    };
    let started = Instant::now();
    let now = kernel::time::format_instant(chrono::Utc::now());
    let mut i = IMPORTED;
    while i < total {
        let batch = (total - i).min(40);
        let mut q = db::Params::new(
            "INSERT INTO mediation_disputes (id, number, received_on, dispute_type, source, organization_id, town_id, mediator_id, \
             outcome, concluded_on, agreement, judicial_confirmation, parties, summary, source_kind, created_at, updated_at) VALUES ",
        );
        for k in 0..batch {
            let n = i + k;
            let (org, town, mediator) = &ids[n % ids.len()];
            let r = received(n);
            let open = n.is_multiple_of(50);
            if k > 0 {
                q.push(", ");
            }
            q.push("(")
                .bind(format!("bench{n:012}"))
                .push(", ")
                .bind(format!("批调〔2020〕{n}号"))
                .push(", ")
                .bind(day(r))
                .push(", ")
                .bind(TYPE_CODES[n % TYPE_CODES.len()])
                .push(", ")
                .bind(SOURCE_CODES[n % SOURCE_CODES.len()])
                .push(", ")
                .bind(org)
                .push(", ")
                .bind(town)
                .push(", ")
                .bind(mediator)
                .push(", ")
                .bind(if open {
                    "ongoing"
                } else if n.is_multiple_of(17) {
                    "failure"
                } else {
                    "success"
                })
                .push(", ")
                .bind(if open {
                    None
                } else {
                    Some(day(r + Days::new((n % 40) as u64)))
                })
                .push(", ")
                .bind(if open || n.is_multiple_of(17) {
                    None
                } else {
                    Some(if n.is_multiple_of(5) {
                        "oral"
                    } else {
                        "written"
                    })
                })
                .push(", ")
                .bind(i64::from(n % 40 == 1))
                .push(", '', '', 'bench', ")
                .bind(now.as_str())
                .push(", ")
                .bind(now.as_str())
                .push(")");
        }
        db.upkeep(move |tx| Box::pin(async move { q.execute(tx.conn()).await.map(|_| ()) }))
            .await
            .map_err(|x| e(&x))?;
        i += batch;
    }
    let fill = started.elapsed().as_secs_f64();

    let mut stats = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let s = m.stats(2020, None).await.map_err(|x| e(&x))?;
        stats.push(started.elapsed().as_secs_f64() * 1000.0);
        if s.disputes as usize != total {
            return Err(format!("counted {} disputes, not {total}", s.disputes));
        }
    }

    // The intake form's round trip, as a town officer.
    let org_id = platform.resolve_org(&town(0)).await.map_err(|x| e(&x))?.id;
    let user = NewUser {
        username: "town".into(),
        display_name: "镇法制员".into(),
        org_id,
        role: Role::TownOfficer,
        password: PASSWORD.into(),
        phone: None,
        must_change_password: false,
    };
    platform.create_user(&cli, user).await.map_err(|x| e(&x))?;
    let login = platform
        .login("town", PASSWORD, "bench")
        .await
        .map_err(|x| e(&x))?;
    let cookie = format!("fazhi_session={}", login.token);
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let index = search::Search::open(dir.path()).map_err(|x| e(&x))?;
    let app = web::router(web::AppState::new(
        platform.clone(),
        index,
        web::WebConfig::default(),
    ));
    // The officer's own town's committee (another town's would be refused: out of scope).
    let organization_id: String =
        db::query_scalar("SELECT id FROM mediation_organizations WHERE name = $1")
            .bind(organization(0))
            .fetch_one(&mut db.conn().await.map_err(|x| e(&x))?)
            .await
            .map_err(|x| e(&x))?;
    let mut intake = Vec::new();
    for k in 0..51 {
        let body = format!(
            "received_on=2020-06-01&type=neighbour&source=application&organization={organization_id}&parties=%E5%BC%A0%E6%9F%90&number=RT{k}"
        );
        let request = Request::post("/mediation")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", &login.session.csrf_token)
            .body(Body::from(body))
            .map_err(|x| e(&x))?;
        let started = Instant::now();
        let response = app.clone().oneshot(request).await.map_err(|x| e(&x))?;
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| format!("intake: {}", response.status()))?;
        let request = Request::get(location)
            .header("cookie", &cookie)
            .body(Body::empty())
            .map_err(|x| e(&x))?;
        let page = app.clone().oneshot(request).await.map_err(|x| e(&x))?;
        let status = page.status();
        axum::body::to_bytes(page.into_body(), 16 << 20)
            .await
            .map_err(|x| e(&x))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() {
            return Err(format!("dispute page: {status}"));
        }
        if k > 0 {
            intake.push(ms);
        }
    }
    Ok(Backend {
        name,
        import,
        disputes: total,
        fill,
        stats,
        intake,
    })
}

pub async fn run(disputes: usize, out: &Path) -> Result<(), String> {
    let disputes = disputes.max(IMPORTED);
    let mut results = Vec::new();
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    results.push(measure("SQLite", db, disputes).await?);
    if let Some((db, admin, name)) = crate::foundation::postgres().await {
        let measured = measure("PostgreSQL", db.clone(), disputes).await;
        crate::foundation::drop_postgres(db, &admin, &name).await;
        results.push(measured?);
    }
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench mediation --disputes {disputes}` on {today}: a {IMPORTED}-dispute ledger through the product's import (every row checked against the organisations and the roster, an audit event each); the table then filled to {disputes} disputes of 2020 with multi-row INSERTs of the same shape; the intake form's round trip as a town officer.\n"
    );
    let _ = writeln!(md, "| figure | backend | fazhi | target |");
    let _ = writeln!(md, "|---|---|---|---|");
    for b in &results {
        let _ = writeln!(
            md,
            "| import of a {IMPORTED}-dispute ledger | {} | {:.2} s | < 3 s |",
            b.name, b.import
        );
        let _ = writeln!(
            md,
            "| year statistics over {} disputes (median of 5) | {} | {:.0} ms [{:.0}–{:.0}] | < 2 s |",
            b.disputes,
            b.name,
            median(&b.stats),
            b.stats.iter().copied().fold(f64::MAX, f64::min),
            b.stats.iter().copied().fold(0.0, f64::max)
        );
        let _ = writeln!(
            md,
            "| intake form round trip (POST, then the dispute page), server time | {} | p50 {:.2} ms, p99 {:.2} ms | — |",
            b.name,
            median(&b.intake),
            p99(&b.intake)
        );
        let _ = writeln!(
            md,
            "| (filling the table to {} rows, not a product path) | {} | {:.0} s | — |",
            b.disputes, b.name, b.fill
        );
    }
    println!("{md}");
    crate::timing::write_section(out, "人民调解", "人民调解 (issue 6)", &md)?;
    Ok(())
}
