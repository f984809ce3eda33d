//! `scripts/bench workflow-enforcement`: 行政处罚 cases driven from 立案 to 结案 through fazhi's
//! services, beside SpiffWorkflow driving the same cases through an equivalent BPMN process
//! (scripts/peers/enforcement.bpmn, scripts/peers/workflow_peer.py) — cases/s and the ratio.
//!
//! Both sides take the same steps per case — 立案, 调查取证, 告知, 决定, 送达, 缴纳罚没款, 结案; every
//! tenth case is decided 不予行政处罚 and skips the payment — and make each durable in SQLite before
//! the next: fazhi as its own transactions with their audit events (each step checked: the
//! officers' certificates on the day, the order of steps, the notice before the decision, the
//! clocks), SpiffWorkflow as its serialized workflow state. Both must end with the same counts.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use db::{DatabaseUrl, Db};
use enforcement::workflow::{NewCase, StepRequest};
use enforcement::{Decision, Enforcement, PartyKind, PenaltyType, Procedure, StepDetail, StepKind};
use kernel::Money;
use ledger::ImportMode;
use platform::Actor;

/// The clients driving cases at once on fazhi's side.
const CLIENTS: usize = 64;

/// Every tenth case is decided 不予行政处罚, on both sides.
const OTHER_EVERY: usize = 10;

const BODY: &str = "测试第01局";
const OFFICERS: [&str; 2] = ["32990000001", "32990000002"];

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

fn records(layout: &ledger::Layout, text: &str) -> Result<Vec<ledger::Record>, String> {
    ledger::read_bytes("w.csv", text.as_bytes())
        .and_then(|s| s.records(layout))
        .map_err(|x| e(&x))
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

/// One case from 立案 to 结案, each step through the service.
async fn drive(e: &Enforcement, actor: &Actor, i: usize) -> Result<(), String> {
    let opened =
        NaiveDate::from_ymd_opt(2021, 8, 2).unwrap_or_default() + Days::new(i as u64 % 200);
    let on = |d: u64| opened + Days::new(d);
    let pair: Vec<String> = OFFICERS.iter().map(|s| s.to_string()).collect();
    let case = e
        .open_case(
            actor,
            NewCase {
                number: format!("驱罚〔2021〕{}号", i + 1),
                body: BODY.into(),
                item_code: "W0001".into(),
                party_kind: Some(PartyKind::Organisation),
                party: format!("当事人{i}"),
                opened_on: Some(opened),
                procedure: Some(Procedure::Ordinary),
                officers: pair.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(|x| format!("case {i}: {x}"))?;
    let other = i % OTHER_EVERY == OTHER_EVERY - 1;
    let fine = StepDetail {
        decision: Some(Decision::Penalty),
        penalties: vec![PenaltyType::Fine],
        amount: Some(Money::from_yuan(1000)),
        ..Default::default()
    };
    let decision = if other {
        StepDetail {
            decision: Some(Decision::NoPenalty),
            ..Default::default()
        }
    } else {
        fine.clone()
    };
    let mut steps = vec![
        (StepKind::Investigate, on(1), StepDetail::default()),
        (StepKind::Notify, on(3), fine),
        (StepKind::Decide, on(10), decision),
        (StepKind::Serve, on(11), StepDetail::default()),
    ];
    if !other {
        steps.push((
            StepKind::Pay,
            on(13),
            StepDetail {
                amount: Some(Money::from_yuan(1000)),
                ..Default::default()
            },
        ));
    }
    steps.push((StepKind::Close, on(14), StepDetail::default()));
    for (kind, day, detail) in steps {
        e.record_step(
            actor,
            case.id.as_str(),
            StepRequest {
                kind,
                on: day,
                officers: pair.clone(),
                detail,
            },
        )
        .await
        .map_err(|x| format!("case {i} {}: {x}", kind.label()))?;
    }
    Ok(())
}

pub async fn run(python: &Path, cases: usize, out: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    let (platform, _, login) = crate::reconsideration::district(db).await?;
    let cli = Actor::cli("bench");
    let ok = ImportMode::default();
    power::Power::new(platform.clone())
        .import_items(
            &cli,
            &records(
                &power::ledger::ITEMS,
                &format!("事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nW0001,对未取得许可从事经营活动的处罚,,行政处罚,{BODY},《中华人民共和国食品安全法》第一百二十二条,区级,,,\n"),
            )?,
            None,
            ok,
        )
        .await
        .map_err(|x| e(&x))?;
    let enforcement = Enforcement::new(platform.clone());
    enforcement
        .import_bodies(
            &cli,
            &records(
                &enforcement::ledger::BODIES,
                &format!("执法主体,主体类型,委托机关,生效日期,终止日期\n{BODY},法定行政机关,,2019-01-01,\n"),
            )?,
            ok,
        )
        .await
        .map_err(|x| e(&x))?;
    let officers: String = OFFICERS
        .iter()
        .enumerate()
        .map(|(k, c)| format!("执法{k},{c},{BODY},市场监管,2019-01-01,2099-12-31,有效,否\n"))
        .collect();
    enforcement
        .import_officers(
            &cli,
            &records(
                &enforcement::ledger::OFFICERS,
                &format!("姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n{officers}"),
            )?,
            ok,
        )
        .await
        .map_err(|x| e(&x))?;

    eprintln!("  fazhi: driving {cases} 行政处罚 cases, {CLIENTS} clients at once …");
    let actor = login.session.actor.clone();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (enforcement, actor) = (enforcement.clone(), actor.clone());
        tasks.push(tokio::spawn(async move {
            for i in (c..cases).step_by(CLIENTS) {
                drive(&enforcement, &actor, i).await?;
            }
            Ok::<_, String>(())
        }));
    }
    for t in tasks {
        t.await.map_err(|x| e(&x))??;
    }
    let fazhi_seconds = started.elapsed().as_secs_f64();
    let stats = enforcement.stats(2021, None).await.map_err(|x| e(&x))?;
    let stats_2022 = enforcement.stats(2022, None).await.map_err(|x| e(&x))?;
    let count = |word: &str| {
        stats.by_decision.get(word).copied().unwrap_or(0)
            + stats_2022.by_decision.get(word).copied().unwrap_or(0)
    };
    let (decided, other) = (count("给予行政处罚"), count("不予行政处罚"));
    let closed = stats.cases_closed + stats_2022.cases_closed;
    if closed as usize != cases || decided + other != closed {
        return Err(format!(
            "fazhi closed {closed} of {cases} (给予行政处罚 {decided}, 不予行政处罚 {other})"
        ));
    }

    eprintln!("  SpiffWorkflow: driving {cases} cases …");
    let bpmn = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/peers/enforcement.bpmn");
    let state = dir.path().join("spiff.db");
    let peer: Peer = crate::peers::peer_json(
        python,
        "workflow_peer.py",
        &[
            &bpmn.display().to_string(),
            &cases.to_string(),
            &state.display().to_string(),
            &OTHER_EVERY.to_string(),
            "enforcement",
        ],
    )?;
    if peer.cases != cases || peer.decided != decided || peer.withdrawn != other {
        return Err(format!(
            "the conclusions differ: fazhi 给予行政处罚 {decided}, 不予行政处罚 {other}; SpiffWorkflow {}, {}",
            peer.decided, peer.withdrawn
        ));
    }
    let fazhi_rate = cases as f64 / fazhi_seconds;
    let peer_rate = cases as f64 / peer.seconds;
    let memory_rate = peer.memory_cases as f64 / peer.memory_seconds;
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench workflow-enforcement --cases {cases}` on {today} (2 cores): {cases} 行政处罚 cases driven from 立案 to 结案. fazhi: {CLIENTS} clients at once through its services as a legal-affairs officer (立案 through the ledger's row checks, then 调查取证, 告知, 决定, 送达, 缴纳罚没款, 结案 — each step checked by the rules of the 2021 law with the officers' certificates on its day, written with its SM3-chained audit event), SQLite. SpiffWorkflow {}, one process: the same user tasks in scripts/peers/enforcement.bpmn (a gateway skips the payment), each task's data set, the state serialized to SQLite after each step ({:.1} KB a case). Every tenth case is decided 不予行政处罚; both ended with 给予行政处罚 {decided}, 不予行政处罚 {other}.\n",
        peer.version,
        peer.state_bytes / 1024.0,
    );
    let _ = writeln!(md, "| figure | fazhi | SpiffWorkflow | ratio |");
    let _ = writeln!(md, "|---|---|---|---|");
    let _ = writeln!(
        md,
        "| cases driven 立案 → 结案, each step durable | {fazhi_rate:.0} cases/s ({cases} in {fazhi_seconds:.0} s) | {peer_rate:.0} cases/s ({cases} in {:.0} s) | {:.1}× |",
        peer.seconds,
        fazhi_rate / peer_rate
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
        "行政执法 workflow beside SpiffWorkflow",
        "行政执法 workflow beside SpiffWorkflow (issue 18)",
        &md,
    )?;
    Ok(())
}
