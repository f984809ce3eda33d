//! Issue 16, build 6 (DESIGN §3): `fazhi backup`, `fazhi restore` and `fazhi move --to
//! postgres://…` of the demonstration district. After each the audit chain verifies on the copy
//! and every module's figures are the same as on the original.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");

fn fazhi(dir: &Path, url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("--data-dir").arg(dir);
    if let Some(url) = url {
        command.arg("--database-url").arg(url);
    }
    command
        .env_remove("FAZHI_DATABASE_URL")
        .env_remove("FAZHI_SM4_KEY")
        .env_remove("FAZHI_LAWS_CORPUS")
        .args(args)
        .output()
        .expect("run fazhi")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every module's figures of the demo year, and the chain's length, as the command line prints them.
fn figures(dir: &Path, url: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = ["power", "reconsideration", "mediation"]
        .iter()
        .map(|module| {
            ok(fazhi(
                dir,
                url,
                &["stats", module, "--year", "2020", "--json"],
            ))
        })
        .collect();
    let verified = ok(fazhi(dir, url, &["audit", "verify"]));
    assert!(verified.contains("审计链完整"), "{verified}");
    // "共N个事件" without the timing that follows.
    out.push(verified.split('，').next().unwrap_or_default().to_string());
    out
}

#[tokio::test]
async fn backup_restore_and_the_move_to_postgresql_keep_every_figure() {
    let work = tempfile::tempdir().unwrap();
    let original = work.path().join("original");
    ok(fazhi(&original, None, &["demo"]));
    let before = figures(&original, None);
    assert!(before[0].contains("items"), "{}", before[0]);

    let file = work.path().join("备份.db");
    let said = ok(fazhi(&original, None, &["backup", file.to_str().unwrap()]));
    assert!(said.contains("备份完成"), "{said}");
    let again = fazhi(&original, None, &["backup", file.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "an existing file is not overwritten"
    );

    let restored = work.path().join("restored");
    let said = ok(fazhi(&restored, None, &["restore", file.to_str().unwrap()]));
    assert!(said.contains("恢复完成"), "{said}");
    assert_eq!(figures(&restored, None), before, "restored from the backup");
    let twice = fazhi(&restored, None, &["restore", file.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("已有数据"),
        "a database with data is not restored over"
    );

    if let Some(pg) = testkit::postgres().await {
        let said = ok(fazhi(&original, None, &["move", "--to", &pg.raw_url]));
        assert!(said.contains("迁移完成"), "{said}");
        assert_eq!(
            figures(&original, Some(&pg.raw_url)),
            before,
            "moved to PostgreSQL"
        );
        // And back: a backup taken from PostgreSQL restores into SQLite.
        let from_pg = work.path().join("from-postgres.db");
        ok(fazhi(
            &original,
            Some(&pg.raw_url),
            &["backup", from_pg.to_str().unwrap()],
        ));
        let back = work.path().join("back");
        ok(fazhi(&back, None, &["restore", from_pg.to_str().unwrap()]));
        assert_eq!(figures(&back, None), before, "PostgreSQL → backup → SQLite");
        pg.finish().await;
    }
}
