//! `fazhi laws …` and `fazhi search …` as a user runs them, over part of ../shared/laws.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/laws")
}

fn fazhi(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("FAZHI_DATABASE_URL")
        .args(args)
        .output()
        .expect("run fazhi")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn mirror(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    for file in [
        "诉讼与非诉讼程序法/行政复议法(2017-09-01).md",
        "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
        "行政法/行政处罚法(2021-01-22).md",
        "db.sqlite3",
    ] {
        let to = root.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(corpus().join(file), &to).unwrap();
    }
    root
}

#[test]
fn import_cite_diff_search_and_amend() {
    let dir = tempfile::tempdir().unwrap();
    let root = mirror(dir.path());
    let data = dir.path().join("data");
    let first = fazhi(&data, &["laws", "import", root.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(out(&first).contains("新增3个版本"), "{}", out(&first));
    assert!(String::from_utf8_lossy(&first.stderr).contains("搜索索引已更新"));
    let again = fazhi(&data, &["laws", "import", root.to_str().unwrap()]);
    assert!(
        out(&again).contains("新增0个版本") && out(&again).contains("未变3个"),
        "{}",
        out(&again)
    );

    let cite = fazhi(
        &data,
        &[
            "laws",
            "cite",
            "《中华人民共和国行政复议法》第九条、第二十条第一款；合同法第五十二条",
            "--on",
            "2020-06-01",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&cite.stdout).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0]["status"].as_str(), rows[0]["version"].as_str()),
        (Some("resolved"), Some("2017-09-01"))
    );
    assert_eq!(rows[1]["paragraph"], 1);
    assert_eq!(rows[2]["status"], "unresolved");
    assert!(
        rows[2]["reason"]
            .as_str()
            .unwrap()
            .contains("未收录《合同法》"),
        "in force in 2020, but without a text"
    );
    let bad_date = fazhi(
        &data,
        &["laws", "cite", "行政复议法第九条", "--on", "2020-13-01"],
    );
    assert!(!bad_date.status.success());

    let diff = fazhi(
        &data,
        &["laws", "diff", "行政复议法", "2017-09-01", "2023-09-01"],
    );
    assert!(
        out(&diff).contains("第九条 → 第二十条 条号变动"),
        "{}",
        out(&diff)
    );
    let missing = fazhi(
        &data,
        &["laws", "diff", "行政复议法", "2017-09-01", "2020-01-01"],
    );
    assert!(
        !missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("已有版本")
    );

    let search = fazhi(
        &data,
        &["search", "行政复议 申请期限", "--limit", "3", "--json"],
    );
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    let top = &hits[0];
    for key in [
        "kind", "law", "version", "article", "title", "snippet", "score",
    ] {
        assert!(top.get(key).is_some(), "{key} in {top}");
    }
    assert_eq!(
        (top["law"].as_str(), top["article"].as_str()),
        (Some("行政复议法"), Some("第二十条"))
    );
    for odd in ["《", "，。、", "AND OR \"x:", &"法".repeat(10_000)] {
        let r = fazhi(&data, &["search", odd, "--json"]);
        assert!(
            r.status.success(),
            "“{}…” answered",
            odd.chars().take(5).collect::<String>()
        );
    }
    let reindex = fazhi(&data, &["search", "reindex"]);
    assert!(
        out(&reindex).contains("搜索索引已重建"),
        "{}",
        out(&reindex)
    );

    let text = dir.path().join("new.md");
    std::fs::write(
        &text,
        "第一条 为了示例，制定本法。\n\n第二条 行政处罚由具有行政处罚权的行政机关实施。\n",
    )
    .unwrap();
    let amended = fazhi(
        &data,
        &[
            "laws",
            "amend",
            "行政处罚法",
            "--date",
            "2026-06-01",
            "--effective",
            "2026-09-01",
            "--file",
            text.to_str().unwrap(),
        ],
    );
    assert!(
        out(&amended).contains("共2条"),
        "{}{}",
        out(&amended),
        String::from_utf8_lossy(&amended.stderr)
    );
    let resolved = fazhi(
        &data,
        &["laws", "cite", "行政处罚法第五十八条", "--on", "2026-09-02"],
    );
    assert!(out(&resolved).contains("最后一条"), "{}", out(&resolved));
    let repeal = fazhi(
        &data,
        &[
            "laws",
            "repeal",
            "行政处罚法",
            "--date",
            "2026-10-01",
            "--basis",
            "测试",
        ],
    );
    assert!(repeal.status.success());
    let impact = fazhi(&data, &["laws", "impact", "行政处罚法"]);
    assert!(impact.status.success());
    assert!(fazhi(&data, &["audit", "verify"]).status.success());
}
