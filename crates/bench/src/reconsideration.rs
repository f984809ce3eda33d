//! 行政复议's figures (issue 5), on SQLite and (when it answers) PostgreSQL:
//! - the year's statistics over `--cases` cases (default 100,000) loaded through the ledger
//!   import (target < 1 s);
//! - cases driven through the services from intake to decision (register, accept, copy, reply,
//!   decide: five transactions with their audit events each), cases/s;
//! - the case page: service time and server time through the router (target < 10 ms).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::timing::{median, p99};

use axum::body::Body;
use axum::http::Request;
use chrono::{Days, NaiveDate};
use db::{DatabaseUrl, Db};
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, LoggedIn, Platform};
use reconsideration::{
    DecisionType, Method, NewCase, Reconsideration, StepKind, StepRequest, WithdrawalReason,
};
use tower::ServiceExt as _;

const DEPARTMENTS: usize = 40;
pub(crate) const DECISIONS: &[&str] = &[
    "维持",
    "维持",
    "维持",
    "撤销",
    "确认违法",
    "驳回申请",
    "变更",
    "责令履行",
];

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

fn department(i: usize) -> String {
    format!("测试第{:02}局", i % DEPARTMENTS + 1)
}

fn orgs_csv() -> String {
    let mut csv =
        String::from("名称,类型,上级,行政区划代码,统一社会信用代码\n测试区,区,,320411,\n");
    for i in 0..DEPARTMENTS {
        csv.push_str(&format!("{},部门,测试区,,\n", department(i)));
    }
    csv
}

/// `n` historic cases received across 2020 (deterministic).
fn cases_csv(n: usize) -> String {
    let columns: Vec<&str> = reconsideration::ledger::CASES
        .columns
        .iter()
        .map(|c| c.name)
        .collect();
    let mut csv = columns.join(",");
    csv.push('\n');
    let start = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap_or_default();
    for i in 0..n {
        let received = start + Days::new((i * 7919 % 300) as u64);
        let accepted = received + Days::new(3);
        let concluded = accepted + Days::new(20 + (i % 50) as u64);
        let (acceptance, accepted_on, end) = if i % 13 == 0 {
            ("不予受理", String::new(), ("", "", "", ""))
        } else if i % 9 == 0 {
            (
                "受理",
                accepted.to_string(),
                (
                    concluded.to_string().leak() as &str,
                    "撤回",
                    "调解和解后撤回",
                    "",
                ),
            )
        } else if i % 17 == 0 {
            ("受理", accepted.to_string(), ("", "", "", ""))
        } else {
            (
                "受理",
                accepted.to_string(),
                (
                    concluded.to_string().leak() as &str,
                    "决定",
                    "",
                    DECISIONS[i % DECISIONS.len()],
                ),
            )
        };
        let _ = writeln!(
            csv,
            "测复〔2020〕{}号,申请人{},{},行政处罚,{received},{acceptance},{accepted_on},普通程序,{},{},{},{},{},否,{},",
            i + 1,
            i % 997,
            department(i),
            end.0,
            end.1,
            end.2,
            end.3,
            if i % 4 == 0 { "是" } else { "否" },
            if i % 3 == 0 { "是" } else { "否" },
        );
    }
    csv
}

/// A migrated database with the test district, its 40 departments and a legal-affairs officer
/// (`fuyi`) logged in.
pub(crate) async fn district(db: Db) -> Result<(Platform, Reconsideration, LoggedIn), String> {
    db.migrate().await.map_err(|x| e(&x))?;
    let platform = Platform::new(db, SealKey::generate());
    let cli = Actor::cli("bench");
    let orgs = ledger::read_bytes("o.csv", orgs_csv().as_bytes())
        .and_then(|s| s.records(&platform::ORGANIZATIONS))
        .map_err(|x| e(&x))?;
    platform
        .import_orgs(&cli, &orgs, ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let login = crate::officer::legal_officer(&platform, "测试区", "fuyi", "复议科").await?;
    let r = Reconsideration::new(platform.clone());
    Ok((platform, r, login))
}

struct Backend {
    name: &'static str,
    cases: usize,
    import: f64,
    stats: Vec<f64>,
    driven: usize,
    drive_seconds: f64,
    service: Vec<f64>,
    page: Vec<f64>,
}

async fn measure(
    name: &'static str,
    db: Db,
    cases: usize,
    drive: usize,
) -> Result<Backend, String> {
    let (platform, r, login) = district(db).await?;
    let cli = Actor::cli("bench");

    eprintln!("  {name}: importing {cases} cases …");
    let records = ledger::read_bytes("c.csv", cases_csv(cases).as_bytes())
        .and_then(|s| s.records(&reconsideration::ledger::CASES))
        .map_err(|x| e(&x))?;
    let started = Instant::now();
    let report = r
        .import_cases(&cli, &records, ImportMode::default())
        .await
        .map_err(|x| e(&x))?;
    let import = started.elapsed().as_secs_f64();
    if report.created != cases {
        return Err(format!("imported {} cases, not {cases}", report.created));
    }
    let mut stats = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let s = r.stats(2020, None).await.map_err(|x| e(&x))?;
        stats.push(started.elapsed().as_secs_f64() * 1000.0);
        if s.received as usize != cases {
            return Err(format!("counted {} received, not {cases}", s.received));
        }
    }

    // Cases driven from intake to decision through the services, as a legal-affairs officer.
    let staff = login.session.actor.clone();
    eprintln!("  {name}: driving {drive} cases …");
    let started = Instant::now();
    let last = drive_cases(&r, &staff, drive, 0).await?;
    let drive_seconds = started.elapsed().as_secs_f64();

    // The case page: the service, and the page through the router.
    let mut service = Vec::new();
    let today = kernel::time::china_today();
    for _ in 0..100 {
        let started = Instant::now();
        r.case_page(&staff, &last, today).await.map_err(|x| e(&x))?;
        service.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let index = search::Search::open(dir.path()).map_err(|x| e(&x))?;
    let app = web::router(web::AppState::new(
        platform.clone(),
        index,
        web::WebConfig::default(),
    ));
    let cookie = format!("fazhi_session={}", login.token);
    let mut page = Vec::new();
    for round in 0..101 {
        let request = Request::get(format!("/reconsideration/{last}"))
            .header("cookie", &cookie)
            .body(Body::empty())
            .map_err(|x| e(&x))?;
        let started = Instant::now();
        let response = app.clone().oneshot(request).await.map_err(|x| e(&x))?;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .map_err(|x| e(&x))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() || body.is_empty() {
            return Err(format!("case page: {status}"));
        }
        if round > 0 {
            page.push(ms);
        }
    }
    Ok(Backend {
        name,
        cases,
        import,
        stats,
        driven: drive,
        drive_seconds,
        service,
        page,
    })
}

/// Drives `n` cases through the services from intake to decision as `staff`: register, accept,
/// copy to the respondent, reply, conclude — five transactions with their audit events each.
/// Every `withdraw_every`-th case (0: none) is concluded 撤回 (after mediation), the others 决定
/// (维持); the same cases `scripts/peers/workflow_peer.py` drives through SpiffWorkflow. Returns
/// the last case's id.
pub(crate) async fn drive_cases(
    r: &Reconsideration,
    staff: &Actor,
    n: usize,
    withdraw_every: usize,
) -> Result<String, String> {
    drive_range(r, staff, 0..n, withdraw_every).await
}

/// `n` cases driven by `clients` clients at once, each taking every `clients`-th case.
pub(crate) async fn drive_concurrently(
    r: &Reconsideration,
    staff: &Actor,
    n: usize,
    withdraw_every: usize,
    clients: usize,
) -> Result<(), String> {
    let clients = clients.max(1);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (r, staff) = (r.clone(), staff.clone());
        let share: Vec<usize> = (c..n).step_by(clients).collect();
        tasks.push(tokio::spawn(async move {
            for i in share {
                drive_range(&r, &staff, i..i + 1, withdraw_every).await?;
            }
            Ok::<_, String>(())
        }));
    }
    for t in tasks {
        t.await.map_err(|x| e(&x))??;
    }
    Ok(())
}

async fn drive_range(
    r: &Reconsideration,
    staff: &Actor,
    cases: std::ops::Range<usize>,
    withdraw_every: usize,
) -> Result<String, String> {
    let base = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap_or_default();
    let mut last = String::new();
    for i in cases {
        let received = base + Days::new((i % 200) as u64);
        let case = r
            .register(
                staff,
                NewCase {
                    number: format!("驱复〔2021〕{}号", i + 1),
                    applicant: format!("申请人{i}"),
                    respondent: department(i),
                    act_category: "行政处罚".into(),
                    received_on: Some(received),
                    ..Default::default()
                },
            )
            .await
            .map_err(|x| e(&x))?;
        let id = case.id.to_string();
        for (kind, days) in [
            (StepKind::Accept, 2),
            (StepKind::CopySent, 4),
            (StepKind::Reply, 12),
        ] {
            r.record_step(
                staff,
                &id,
                StepRequest::new(kind, received + Days::new(days)),
            )
            .await
            .map_err(|x| e(&x))?;
        }
        let mut conclude = StepRequest::new(StepKind::Conclude, received + Days::new(40));
        if withdraw_every > 0 && i % withdraw_every == withdraw_every - 1 {
            conclude.method = Some(Method::Withdrawal);
            conclude.withdrawal_reason = Some(WithdrawalReason::AfterMediation);
        } else {
            conclude.method = Some(Method::Decision);
            conclude.decision_type = Some(DecisionType::Uphold);
        }
        r.record_step(staff, &id, conclude)
            .await
            .map_err(|x| e(&x))?;
        last = id;
    }
    Ok(last)
}

pub async fn run(cases: usize, drive: usize, out: &Path) -> Result<(), String> {
    let mut results = Vec::new();
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    results.push(measure("SQLite", db, cases, drive).await?);
    if let Some((db, admin, name)) = crate::foundation::postgres().await {
        let measured = measure("PostgreSQL", db.clone(), cases, drive).await;
        crate::foundation::drop_postgres(db, &admin, &name).await;
        results.push(measured?);
    }
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench reconsideration --cases {cases} --drive {drive}` on {today}: {cases} historic cases of 2020 loaded through the ledger import; then {drive} cases driven through the services (register, accept, copy to the respondent, reply, decide — five transactions with their audit events each); the case page of a driven case.\n"
    );
    let _ = writeln!(md, "| figure | backend | fazhi | target |");
    let _ = writeln!(md, "|---|---|---|---|");
    for b in &results {
        let _ = writeln!(
            md,
            "| import of {} cases (`reconsideration-cases` ledger, one transaction) | {} | {:.1} s | — |",
            b.cases, b.name, b.import
        );
        let _ = writeln!(
            md,
            "| year statistics over {} cases (median of 5) | {} | {:.0} ms [{:.0}–{:.0}] | < 1 s |",
            b.cases,
            b.name,
            median(&b.stats),
            b.stats.iter().copied().fold(f64::MAX, f64::min),
            b.stats.iter().copied().fold(0.0, f64::max)
        );
        let _ = writeln!(
            md,
            "| cases driven intake → decision | {} | {:.0} cases/s ({} in {:.1} s) | — |",
            b.name,
            b.driven as f64 / b.drive_seconds,
            b.driven,
            b.drive_seconds
        );
        let _ = writeln!(
            md,
            "| case page, service (clock, steps, documents, timeline) | {} | p50 {:.2} ms, p99 {:.2} ms | — |",
            b.name,
            median(&b.service),
            p99(&b.service)
        );
        let _ = writeln!(
            md,
            "| case page, server time through the router | {} | p50 {:.2} ms, p99 {:.2} ms | < 10 ms |",
            b.name,
            median(&b.page),
            p99(&b.page)
        );
    }
    println!("{md}");
    crate::timing::write_section(out, "行政复议", "行政复议 (issue 5)", &md)?;
    Ok(())
}
