//! The fazhi binary as a user runs it: the fixed interfaces of DESIGN §4.1–4.4, on SQLite and on
//! PostgreSQL, and its answers to bad input.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");
const ORGS: &str = "\u{feff}名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n";

/// Runs fazhi with a data directory and, for PostgreSQL, a database URL.
fn fazhi(dir: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("--data-dir").arg(dir);
    if let Some(url) = url {
        command.arg("--database-url").arg(url);
    }
    command
        .env_remove("FAZHI_DATABASE_URL")
        .env_remove("FAZHI_SM4_KEY")
        .args(args)
        .output()
        .expect("run fazhi")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim().to_string()
}

#[test]
fn calendar_answers_as_design_4_2_says() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["calendar", "day", "2020-10-10"], "workday"),
        (&["calendar", "day", "2020-10-01"], "restday"),
        (&["calendar", "day", "2020-09-27"], "workday"),
        (&["calendar", "day", "2026-02-16"], "restday"),
        (
            &["calendar", "add", "2020-09-28", "5", "--unit", "workdays"],
            "2020-10-12",
        ),
        (
            &["calendar", "add", "2020-08-03", "60", "--unit", "days"],
            "2020-10-09",
        ),
        (
            &["calendar", "add", "2020-09-30", "60", "--unit", "days"],
            "2020-11-30",
        ),
        (
            &["calendar", "add", "2020-12-31", "5", "--unit", "workdays"],
            "2021-01-08",
        ),
    ];
    for (args, want) in cases {
        let o = fazhi(dir.path(), None, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), *want, "{args:?}");
    }
    assert!(
        !dir.path().join("fazhi.db").exists(),
        "asking the calendar creates no database"
    );
    let explained = fazhi(
        dir.path(),
        None,
        &[
            "calendar",
            "add",
            "2020-09-28",
            "5",
            "--unit",
            "workdays",
            "--explain",
        ],
    );
    assert!(stdout(&explained).contains("国庆节、中秋节放假"));
}

#[test]
fn calendar_refuses_what_it_cannot_know_or_read() {
    let dir = tempfile::tempdir().unwrap();
    for (args, reason) in [
        (vec!["calendar", "day", "2031-01-01"], "2031"),
        (vec!["calendar", "day", "2006-12-31"], "2006"),
        (vec!["calendar", "day", "2020-13-01"], "不是有效日期"),
        (vec!["calendar", "day", "yesterday"], "不是有效日期"),
        (
            vec!["calendar", "add", "2026-12-20", "30", "--unit", "days"],
            "2027",
        ),
        (
            vec!["calendar", "add", "2020-01-01", "5", "--unit", "weeks"],
            "workdays",
        ),
    ] {
        let o = fazhi(dir.path(), None, &args);
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains(reason), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing on stdout for an error");
    }
    let negative = fazhi(
        dir.path(),
        None,
        &["calendar", "add", "2020-01-01", "-5", "--unit", "days"],
    );
    assert!(!negative.status.success());
}

#[test]
fn validate_answers_as_design_4_3_says() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, value, code, out) in [
        ("uscc", "91110000600037341L", 0, Some("91110000600037341L")),
        ("uscc", "91320214745555318W", 0, Some("91320214745555318W")),
        ("uscc", "91110000600037341N", 1, None),
        ("uscc", "9111000060003734", 1, None),
        ("id", "44011320141005001x", 0, Some("44011320141005001X")),
        ("id", "360426199101010071", 0, Some("360426199101010071")),
        ("id", "360426199113010079", 1, None),
        ("id", "36042619910102009X", 1, None),
        ("id", "990426199112010074", 1, None),
    ] {
        let o = fazhi(dir.path(), None, &["validate", kind, value]);
        assert_eq!(o.status.code(), Some(code), "{kind} {value}");
        match out {
            Some(v) => assert_eq!(stdout(&o), v),
            None => assert!(
                stdout(&o).contains("无效"),
                "the reason is printed: {}",
                stdout(&o)
            ),
        }
    }
}

/// The import → export → verify story on one backend.
fn ledger_story(dir: &Path, url: Option<&str>) {
    assert!(fazhi(dir, url, &["migrate"]).status.success());
    let file = dir.join("orgs.csv");
    std::fs::write(&file, ORGS).unwrap();
    let dry = fazhi(
        dir,
        url,
        &[
            "import",
            "organizations",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(
        stdout(&dry).contains("预检") && stdout(&dry).contains("新增4"),
        "{}",
        stdout(&dry)
    );
    let done = fazhi(
        dir,
        url,
        &["import", "organizations", file.to_str().unwrap()],
    );
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains("新增4"));
    let again = fazhi(
        dir,
        url,
        &["import", "organizations", file.to_str().unwrap()],
    );
    assert!(stdout(&again).contains("新增0") && stdout(&again).contains("未变4"));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "名称,类型,上级\n甲部门,部门,示例区\n乙,村,示例区\n丙,部门,无此区\n",
    )
    .unwrap();
    let refused = fazhi(
        dir,
        url,
        &["import", "organizations", bad.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    let text = stderr(&refused);
    assert!(
        text.contains("第3行「类型」")
            && text.contains("第4行「上级」")
            && text.contains("未导入任何数据"),
        "{text}"
    );
    let partial = fazhi(
        dir,
        url,
        &[
            "import",
            "organizations",
            bad.to_str().unwrap(),
            "--only-valid",
        ],
    );
    assert!(
        stdout(&partial).contains("新增1") && stdout(&partial).contains("跳过有错误的2行"),
        "{}",
        stdout(&partial)
    );

    let xlsx = dir.join("机构.xlsx");
    assert!(
        fazhi(
            dir,
            url,
            &[
                "export",
                "organizations",
                "--year",
                "2020",
                xlsx.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let round = fazhi(
        dir,
        url,
        &["import", "organizations", xlsx.to_str().unwrap()],
    );
    assert!(stdout(&round).contains("未变5"), "{}", stdout(&round));
    assert!(
        fazhi(
            dir,
            url,
            &[
                "template",
                "organizations",
                dir.join("t.xlsx").to_str().unwrap()
            ]
        )
        .status
        .success()
    );

    let created = fazhi(
        dir,
        url,
        &[
            "admin",
            "create",
            "--username",
            "admin",
            "--name",
            "管理员",
            "--org",
            "示例区",
            "--password",
            "Fazhi#2020",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let weak = fazhi(
        dir,
        url,
        &[
            "admin",
            "create",
            "--username",
            "weak",
            "--name",
            "弱",
            "--org",
            "示例区",
            "--password",
            "weak",
        ],
    );
    assert!(!weak.status.success() && stderr(&weak).contains("密码"));

    let verified = fazhi(dir, url, &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("审计链完整"));
}

#[test]
fn ledgers_admin_and_audit_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    ledger_story(dir.path(), None);
}

#[tokio::test]
async fn ledgers_admin_and_audit_on_postgres() {
    let Some(t) = testkit::postgres().await else {
        return;
    };
    ledger_story(t.dir.path(), Some(&t.raw_url));
    t.finish().await;
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_event_on_both_backends() {
    for t in testkit::backends().await {
        let url = (t.backend() == db::Backend::Postgres).then(|| t.raw_url.clone());
        let file = t.dir.path().join("orgs.csv");
        std::fs::write(&file, ORGS).unwrap();
        assert!(
            fazhi(
                t.dir.path(),
                url.as_deref(),
                &["import", "organizations", file.to_str().unwrap()]
            )
            .status
            .success()
        );
        let events = db::audit::list(
            &t.db,
            &db::audit::EventFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            events.iter().all(|e| e.actor.starts_with("cli:")),
            "the command line acts as the OS user"
        );
        t.tamper("UPDATE audit_events SET changes = '{}' WHERE seq = 3")
            .await;
        let o = fazhi(t.dir.path(), url.as_deref(), &["audit", "verify"]);
        assert_eq!(o.status.code(), Some(1), "{}", t.name());
        assert!(stderr(&o).contains("第3号"), "{}", stderr(&o));
        t.finish().await;
    }
}

#[test]
fn the_demo_district_is_loaded_once_with_a_login_per_role() {
    let dir = tempfile::tempdir().unwrap();
    let o = fazhi(dir.path(), None, &["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for who in [
        "admin", "security", "auditor", "sfj", "fgj", "menghe", "viewer",
    ] {
        assert!(text.contains(who), "{who} in {text}");
    }
    assert!(dir.path().join("demo-logins.txt").exists());
    let export = dir.path().join("orgs.csv");
    assert!(
        fazhi(
            dir.path(),
            None,
            &["export", "organizations", export.to_str().unwrap()]
        )
        .status
        .success()
    );
    let csv = std::fs::read_to_string(&export).unwrap();
    assert_eq!(
        csv.lines().filter(|l| l.contains(",部门,新北区,")).count(),
        40
    );
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains(",镇,新北区,") || l.contains(",街道,新北区,"))
            .count(),
        10
    );
    for town in [
        "三井街道",
        "龙虎塘街道",
        "春江街道",
        "魏村街道",
        "新桥街道",
        "孟河镇",
        "薛家镇",
        "罗溪镇",
        "西夏墅镇",
        "奔牛镇",
    ] {
        assert!(csv.contains(town), "{town}");
    }
    // The power list is records from which the district report's 2020 figures come.
    let o = fazhi(
        dir.path(),
        None,
        &["stats", "power", "--year", "2020", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["total_items"], 4840, "{s}");
    assert_eq!(s["adjustments"], 288);
    assert_eq!(s["adjusted_departments"], 10);
    assert_eq!(s["delegated_by_type"]["行政许可"], 42);
    assert_eq!(s["delegated_by_type"]["公共服务"], 95);
    assert_eq!(s["pending_delegations_by_type"]["行政处罚"], 376);
    assert!(text.contains("scjg") && text.contains("sfjld"), "{text}");
    // 行政复议 and 人民调解 give the report's 2020 figures from their records.
    let stats = |module: &str| {
        let o = fazhi(
            dir.path(),
            None,
            &["stats", module, "--year", "2020", "--json"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let r = stats("reconsideration");
    assert_eq!(
        (r["received"].as_u64(), r["concluded"].as_u64()),
        (Some(26), Some(26)),
        "{r}"
    );
    assert_eq!(r["direct_corrections"], 4);
    assert_eq!(r["direct_correction_rate"], 15.38);
    assert_eq!(r["opinion_letters"], 7);
    assert_eq!(r["withdrawn_after_mediation"], 7);
    assert_eq!(r["comprehensive_corrections"], 11);
    assert_eq!(r["comprehensive_correction_rate"], 42.31);
    let m = stats("mediation");
    assert_eq!(m["disputes"], 14184, "{m}");
    assert_eq!(m["success_rate"], 100.0);
    assert_eq!(m["organizations_by_type"]["企业"], 25);
    assert_eq!(m["organizations_by_type"]["商会"], 4);
    assert_eq!(m["standardized_by_type"]["家事"], 3);
    assert!(m["mediators"].as_u64().unwrap() >= 700);
    let again = fazhi(dir.path(), None, &["demo"]);
    assert!(!again.status.success() && stderr(&again).contains("空数据库"));
    assert!(
        fazhi(dir.path(), None, &["audit", "verify"])
            .status
            .success()
    );
}

#[test]
fn databases_that_cannot_be_opened_say_so_in_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let o = fazhi(
        dir.path(),
        Some("postgres://fazhi:s3cret@127.0.0.1:1/fazhi"),
        &["migrate"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("postgres://fazhi:***@127.0.0.1:1/fazhi") && !err.contains("s3cret"),
        "{err}"
    );
    let o = fazhi(dir.path(), Some("mysql://root@localhost/x"), &["migrate"]);
    assert!(!o.status.success() && stderr(&o).contains("sqlite://"));
    std::fs::write(dir.path().join("fazhi.db"), vec![b'x'; 4096]).unwrap();
    let o = fazhi(dir.path(), None, &["migrate"]);
    assert!(
        !o.status.success() && stderr(&o).contains("fazhi.db"),
        "{}",
        stderr(&o)
    );
    let missing = fazhi(
        dir.path(),
        None,
        &["import", "organizations", "/no/such/file.csv"],
    );
    assert!(!missing.status.success() && stderr(&missing).contains("/no/such/file.csv"));
    let kind = fazhi(
        dir.path(),
        None,
        &["import", "nonsense", "/no/such/file.csv"],
    );
    assert!(!kind.status.success() && stderr(&kind).contains("organizations"));
}

#[test]
fn serve_answers_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut answered = false;
    // The demo district is loaded before the server listens: up to a minute on a busy machine.
    for _ in 0..600 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            stream
                .write_all(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
                .unwrap();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).unwrap();
            answered = reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(answered, "healthz answered");
    assert!(status.success(), "graceful shutdown exits 0");
}

const POWER_ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,,,\nE0002,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\n";

#[test]
fn power_ledgers_stats_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("orgs.csv"), ORGS).unwrap();
    assert!(
        fazhi(
            d,
            None,
            &[
                "import",
                "organizations",
                d.join("orgs.csv").to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    std::fs::write(d.join("items.csv"), POWER_ITEMS).unwrap();
    let imported = fazhi(
        d,
        None,
        &[
            "import",
            "power-items",
            d.join("items.csv").to_str().unwrap(),
            "--effective",
            "2020-03-01",
        ],
    );
    assert!(
        stdout(&imported).contains("新增2"),
        "{}{}",
        stdout(&imported),
        stderr(&imported)
    );
    let wrong = fazhi(
        d,
        None,
        &[
            "import",
            "organizations",
            d.join("orgs.csv").to_str().unwrap(),
            "--effective",
            "2020-03-01",
        ],
    );
    assert!(!wrong.status.success() && stderr(&wrong).contains("--effective"));
    let stats = fazhi(d, None, &["stats", "power", "--year", "2020", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(json["total_items"], 2);
    assert_eq!(json["by_type"]["公共服务"], 1);
    let earlier = fazhi(d, None, &["stats", "power", "--year", "2019", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&earlier.stdout).unwrap();
    assert_eq!(json["total_items"], 0, "in force from 2020-03-01");
    let by_org = fazhi(
        d,
        None,
        &[
            "stats",
            "power",
            "--year",
            "2020",
            "--org",
            "示例区司法局",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&by_org.stdout).unwrap();
    assert_eq!(json["total_items"], 1);
    let unknown = fazhi(d, None, &["stats", "nonsense", "--year", "2020", "--json"]);
    assert!(!unknown.status.success());

    let bad = d.join("bad.csv");
    std::fs::write(&bad, "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\nE9,取消,2020-06-01,示例区司法局,原因,依据\nE0001,取消,2020-02-30,示例区司法局,原因,依据\n").unwrap();
    let refused = fazhi(
        d,
        None,
        &["import", "power-adjustments", bad.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("第2行「事项编码」")
            && stderr(&refused).contains("第3行「调整日期」"),
        "{}",
        stderr(&refused)
    );

    let xlsx = d.join("items.xlsx");
    assert!(
        fazhi(
            d,
            None,
            &[
                "export",
                "power-items",
                "--year",
                "2020",
                xlsx.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let round = fazhi(
        d,
        None,
        &[
            "import",
            "power-items",
            xlsx.to_str().unwrap(),
            "--effective",
            "2020-03-01",
        ],
    );
    assert!(stdout(&round).contains("未变2"), "{}", stdout(&round));
    assert!(
        fazhi(
            d,
            None,
            &[
                "template",
                "power-delegations",
                d.join("t.xlsx").to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    assert!(fazhi(d, None, &["audit", "verify"]).status.success());
}

/// The chain hash as `db` computes it (a version tag, then each field length-prefixed), written
/// out again here so that the test can play the part of someone who rewrites history.
fn rehash(previous: &[u8; 32], e: &db::audit::StoredEvent) -> [u8; 32] {
    let seq = e.seq.to_string();
    let fields = [
        seq.as_str(),
        &e.at,
        &e.actor,
        e.actor_org_id.as_deref().unwrap_or(""),
        e.org_id.as_deref().unwrap_or(""),
        &e.record_type,
        &e.record_id,
        &e.action,
        &e.source,
        &e.changes,
    ];
    let mut bytes = Vec::new();
    for field in std::iter::once("fazhi.audit.v1").chain(fields) {
        bytes.extend_from_slice(&(field.len() as u32).to_be_bytes());
        bytes.extend_from_slice(field.as_bytes());
    }
    kernel::crypto::sm3_parts(&[previous, &bytes])
}

async fn all_events(db: &db::Db) -> Vec<db::audit::StoredEvent> {
    let mut events = db::audit::list(
        db,
        &db::audit::EventFilter {
            limit: 10_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    events.sort_by_key(|e| e.seq);
    events
}

/// Issue 16, item 10: editing an event and recomputing every following hash passed
/// `audit verify`. The stored checkpoints carry a code under a key outside the database, so the
/// rewritten chain no longer agrees with them.
#[tokio::test]
async fn a_rewritten_history_with_recomputed_hashes_is_caught_by_the_checkpoints() {
    for t in testkit::backends().await {
        let url = (t.backend() == db::Backend::Postgres).then(|| t.raw_url.clone());
        let run = |args: &[&str]| fazhi(t.dir.path(), url.as_deref(), args);
        let file = t.dir.path().join("orgs.csv");
        std::fs::write(&file, ORGS).unwrap();
        assert!(
            run(&["import", "organizations", file.to_str().unwrap()])
                .status
                .success()
        );
        let taken = run(&["audit", "checkpoint"]);
        assert!(taken.status.success(), "{}", stderr(&taken));
        assert!(stdout(&taken).contains("校验码："), "{}", stdout(&taken));
        let clean = run(&["audit", "verify"]);
        assert!(
            stdout(&clean).contains("与1个检查点相符"),
            "{}",
            stdout(&clean)
        );

        // Rewrite event 2, then recompute its hash and every one after it, and the head.
        let events = all_events(&t.db).await;
        let mut previous = [0u8; 32];
        let mut updates = String::new();
        for mut e in events {
            if e.seq == 2 {
                e.changes = "{}".into();
                updates.push_str("UPDATE audit_events SET changes = '{}' WHERE seq = 2;\n");
            }
            previous = rehash(&previous, &e);
            let hash = hex::encode(previous);
            if e.seq >= 2 {
                updates.push_str(&format!(
                    "UPDATE audit_events SET hash = '{hash}' WHERE seq = {};\n",
                    e.seq
                ));
            }
            updates.push_str(&format!(
                "UPDATE audit_head SET seq = {}, hash = '{hash}' WHERE id = 1;\n",
                e.seq
            ));
        }
        t.tamper(&updates).await;
        let caught = run(&["audit", "verify"]);
        assert_eq!(
            caught.status.code(),
            Some(1),
            "{}: {}",
            t.name(),
            stdout(&caught)
        );
        assert!(
            stderr(&caught).contains("检查点不符"),
            "{}: {}",
            t.name(),
            stderr(&caught)
        );
        t.finish().await;
    }
}

/// Issue 16, item 10: deleting the last events and setting the head back passed `audit verify`.
/// A checkpoint kept outside the system names an event that is no longer there.
#[tokio::test]
async fn removed_last_events_are_caught_by_a_checkpoint_kept_outside() {
    for t in testkit::backends().await {
        let url = (t.backend() == db::Backend::Postgres).then(|| t.raw_url.clone());
        let run = |args: &[&str]| fazhi(t.dir.path(), url.as_deref(), args);
        let file = t.dir.path().join("orgs.csv");
        std::fs::write(&file, ORGS).unwrap();
        assert!(
            run(&["import", "organizations", file.to_str().unwrap()])
                .status
                .success()
        );
        let kept = t.dir.path().join("检查点.txt");
        let taken = run(&["audit", "checkpoint", "--out", kept.to_str().unwrap()]);
        assert!(taken.status.success(), "{}", stderr(&taken));
        let text = std::fs::read_to_string(&kept).unwrap();
        assert!(!text.contains('Z') && text.contains("北京时间"), "{text}");

        let events = all_events(&t.db).await;
        let keep_to = events.len() as i64 - 3;
        let last_kept = events.iter().find(|e| e.seq == keep_to).unwrap();
        t.tamper(&format!(
            "DELETE FROM audit_events WHERE seq > {keep_to};\nDELETE FROM audit_checkpoints;\n\
             UPDATE audit_head SET seq = {keep_to}, hash = '{}' WHERE id = 1;",
            last_kept.hash
        ))
        .await;
        let caught = run(&["audit", "verify", "--checkpoint", kept.to_str().unwrap()]);
        assert_eq!(
            caught.status.code(),
            Some(1),
            "{}: {}",
            t.name(),
            stdout(&caught)
        );
        assert!(
            stderr(&caught).contains("末尾事件被删除"),
            "{}: {}",
            t.name(),
            stderr(&caught)
        );
        // A checkpoint file changed by hand is refused by its code.
        let forged = text.replace(
            &format!("事件序号：{}", keep_to + 2),
            &format!("事件序号：{keep_to}"),
        );
        std::fs::write(&kept, forged).unwrap();
        let refused = run(&["audit", "verify", "--checkpoint", kept.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            stderr(&refused).contains("校验码不符"),
            "{}",
            stderr(&refused)
        );
        t.finish().await;
    }
}
