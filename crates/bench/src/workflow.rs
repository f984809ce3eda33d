//! `scripts/bench workflow`: reconsideration cases driven from intake to decision through fazhi's
//! services, beside SpiffWorkflow driving the same cases through an equivalent BPMN process
//! (scripts/peers/reconsideration.bpmn, scripts/peers/workflow_peer.py) — cases/s and the ratio.
//!
//! Both sides do five steps per case (登记, 受理, 发送答复通知书副本, 答复, 审结; every tenth case
//! concluded 撤回, the others 决定) and make each step durable in SQLite (WAL, synchronous=NORMAL)
//! before the next: fazhi as its own transactions with their audit events, SpiffWorkflow as its
//! serialized workflow state. Both must end with the same conclusions.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use db::{DatabaseUrl, Db};

use crate::reconsideration::{district, drive_concurrently};

/// The clients driving cases at once on fazhi's side.
const CLIENTS: usize = 64;

/// Every tenth case is withdrawn, on both sides.
const WITHDRAW_EVERY: usize = 10;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// What workflow_peer.py printed.
#[derive(serde::Deserialize)]
struct Peer {
    version: String,
    cases: usize,
    seconds: f64,
    decided: u64,
    withdrawn: u64,
    state_bytes: f64,
    memory_cases: usize,
    memory_seconds: f64,
}

pub async fn run(python: &Path, cases: usize, out: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    let (_platform, r, login) = district(db).await?;
    eprintln!("  fazhi: driving {cases} cases, {CLIENTS} clients at once …");
    let started = Instant::now();
    drive_concurrently(&r, &login.session.actor, cases, WITHDRAW_EVERY, CLIENTS).await?;
    let fazhi_seconds = started.elapsed().as_secs_f64();
    let stats = r.stats(2021, None).await.map_err(|x| e(&x))?;
    let count = |method: &str| stats.by_method.get(method).copied().unwrap_or(0);
    let (decided, withdrawn) = (count("决定"), count("撤回"));
    if stats.concluded as usize != cases || decided + withdrawn != stats.concluded {
        return Err(format!(
            "fazhi concluded {} of {cases} (决定 {decided}, 撤回 {withdrawn})",
            stats.concluded
        ));
    }

    // The limit of the work itself: the reads one step runs (captured from a real step) and its
    // writes' shape (rows and their audit events through the same writer), five per case, the
    // same clients at once.
    let reads = step_reads(&r, &login.session.actor).await?;
    eprintln!(
        "  minimal: {cases} cases, each step its {} captured reads and one audited write …",
        reads.len()
    );
    let started = Instant::now();
    minimal(r.platform().db(), reads, cases).await?;
    let minimal_seconds = started.elapsed().as_secs_f64();

    eprintln!("  SpiffWorkflow: driving {cases} cases …");
    let bpmn =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/peers/reconsideration.bpmn");
    let state = dir.path().join("spiff.db");
    let peer: Peer = crate::peers::peer_json(
        python,
        "workflow_peer.py",
        &[
            &bpmn.display().to_string(),
            &cases.to_string(),
            &state.display().to_string(),
            &WITHDRAW_EVERY.to_string(),
        ],
    )?;
    let equal = peer.cases == cases && peer.decided == decided && peer.withdrawn == withdrawn;
    if !equal {
        return Err(format!(
            "the conclusions differ: fazhi 决定 {decided}, 撤回 {withdrawn}; SpiffWorkflow 决定 {}, 撤回 {}",
            peer.decided, peer.withdrawn
        ));
    }

    let fazhi_rate = cases as f64 / fazhi_seconds;
    let minimal_rate = cases as f64 / minimal_seconds;
    let peer_rate = cases as f64 / peer.seconds;
    let memory_rate = peer.memory_cases as f64 / peer.memory_seconds;
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench workflow --cases {cases}` on {today} (2 cores): {cases} 行政复议 cases driven from intake to decision. fazhi: {CLIENTS} clients at once through its services as a legal-affairs officer (register, accept, copy to the respondent, reply, conclude — each a write acknowledged after its commit, with its SM3-chained audit event; the statutory deadlines computed on the working-day calendar), SQLite. SpiffWorkflow {}, one process: the same five user tasks in scripts/peers/reconsideration.bpmn (a gateway on the conclusion), each task's data set, the workflow's state serialized to SQLite after each step ({:.1} KB a case). Every tenth case is concluded 撤回, the others 决定; both ended with 决定 {decided}, 撤回 {withdrawn}.\n",
        peer.version,
        peer.state_bytes / 1024.0,
    );
    let _ = writeln!(md, "| figure | fazhi | SpiffWorkflow | ratio |");
    let _ = writeln!(md, "|---|---|---|---|");
    let _ = writeln!(
        md,
        "| cases driven intake → decision, each step durable | {fazhi_rate:.0} cases/s ({cases} in {fazhi_seconds:.0} s) | {peer_rate:.0} cases/s ({cases} in {:.0} s) | {:.1}× |",
        peer.seconds,
        fazhi_rate / peer_rate
    );
    let _ = writeln!(
        md,
        "| the same steps' reads and audited writes replayed by a minimal driver (fazhi's storage only; no rules, deadlines or services) | {minimal_rate:.0} cases/s ({cases} in {minimal_seconds:.0} s) | — | fazhi at {:.0}% of it |",
        100.0 * fazhi_rate / minimal_rate
    );
    let _ = writeln!(
        md,
        "| the engine alone, state in memory (SpiffWorkflow only) | — | {memory_rate:.0} cases/s ({} cases) | {:.1}× |",
        peer.memory_cases,
        fazhi_rate / memory_rate
    );
    println!("{md}");
    crate::timing::write_section(
        out,
        "Workflow beside SpiffWorkflow",
        "Workflow beside SpiffWorkflow (issues 8, 15)",
        &md,
    )?;
    Ok(())
}

/// The statements one step of a case reads, captured from a real step on a case of its own.
async fn step_reads(
    r: &reconsideration::Reconsideration,
    staff: &platform::Actor,
) -> Result<Vec<db::Query>, String> {
    let case = r
        .register(
            staff,
            reconsideration::NewCase {
                number: "捕复〔2021〕1号".into(),
                applicant: "申请人".into(),
                respondent: "测试区市场监督管理局".into(),
                act_category: "行政处罚".into(),
                received_on: chrono::NaiveDate::from_ymd_opt(2021, 3, 1),
                ..Default::default()
            },
        )
        .await
        .map_err(|x| e(&x))?;
    let step = reconsideration::StepRequest::new(
        reconsideration::StepKind::Accept,
        chrono::NaiveDate::from_ymd_opt(2021, 3, 3).unwrap_or_default(),
    );
    let (done, reads) = db::capture(r.record_step(staff, case.id.as_str(), step)).await;
    done.map_err(|x| e(&x))?;
    Ok(reads)
}

/// `cases` cases of five steps each by 64 clients: each step replays `reads`, then writes a row
/// and its audit event through the writer.
async fn minimal(db: &Db, reads: Vec<db::Query>, cases: usize) -> Result<(), String> {
    db.upkeep(|tx| {
        Box::pin(async move {
            tx.conn()
                .batch(
                    "CREATE TABLE IF NOT EXISTS bench_steps (id TEXT PRIMARY KEY, case_id TEXT NOT NULL, n BIGINT NOT NULL)",
                )
                .await
        })
    })
    .await
    .map_err(|x| e(&x))?;
    let reads = std::sync::Arc::new(reads);
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (db, reads) = (db.clone(), reads.clone());
        tasks.push(tokio::spawn(async move {
            for case in (c..cases).step_by(CLIENTS) {
                for n in 0..5i64 {
                    {
                        let mut conn = db.conn().await.map_err(|x| e(&x))?;
                        for q in reads.iter() {
                            conn.fetch_all(q).await.map_err(|x| e(&x))?;
                        }
                    }
                    let id = format!("{case}-{n}");
                    db.write(&db::Who::cli("bench"), move |tx| {
                        Box::pin(async move {
                            db::query(
                                "INSERT INTO bench_steps (id, case_id, n) VALUES ($1, $2, $3)",
                            )
                            .bind(&id)
                            .bind(case.to_string())
                            .bind(n)
                            .execute(tx.conn())
                            .await?;
                            tx.record(db::Event::new("bench_step", &id, "create")).await
                        })
                    })
                    .await
                    .map_err(|x| e(&x))?;
                }
            }
            Ok::<_, String>(())
        }));
    }
    for t in tasks {
        t.await.map_err(|x| e(&x))??;
    }
    Ok(())
}
