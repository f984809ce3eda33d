//! `fazhi backup FILE`, `fazhi restore FILE`, `fazhi move --to postgres://…` (DESIGN §3): the
//! whole database copied table by table (`db::copy`), read in one snapshot of the source (a
//! server may keep writing) and written in one transaction of the target. A backup is a SQLite
//! file that `fazhi --database-url sqlite://FILE` can also open; after each, `audit verify`
//! passes on the copy and every figure is the same.

use std::path::Path;
use std::process::ExitCode;

use db::{DatabaseUrl, Db};
use indicatif::{ProgressBar, ProgressStyle};

use crate::context::Context;

fn spinner(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

async fn copy(from: &Db, to: &Db, what: &str) -> Result<(), String> {
    let bar = spinner(what);
    let shown = bar.clone();
    let result = db::copy::copy_all(from, to, move |table, rows| {
        shown.set_message(format!("{table}：已复制{rows}行"));
    })
    .await;
    bar.finish_and_clear();
    let (copied, seconds) = result.map_err(|e| e.to_string())?;
    println!(
        "{what}完成：{}张表，共{}行（其中审计事件{}个），用时{seconds:.1}秒",
        copied.tables, copied.rows, copied.audit_events
    );
    Ok(())
}

/// `fazhi backup FILE`: the database into a new SQLite file.
pub async fn backup(context: &Context, file: &Path) -> Result<ExitCode, String> {
    if file.exists() {
        return Err(format!("{} 已存在：请指定一个新文件", file.display()));
    }
    let from = context.open_db().await?;
    let target = Db::open(&DatabaseUrl::sqlite_file(
        &std::path::absolute(file).map_err(|e| e.to_string())?,
    ))
    .await
    .map_err(|e| e.to_string())?;
    let done = copy(&from, &target, "备份").await;
    target.close().await;
    from.close().await;
    if done.is_err() {
        let _ = std::fs::remove_file(file);
    }
    done.map(|()| ExitCode::SUCCESS)
}

/// `fazhi restore FILE`: a backup into the configured database, which must be empty.
pub async fn restore(context: &Context, file: &Path) -> Result<ExitCode, String> {
    if !file.exists() {
        return Err(format!("找不到备份文件 {}", file.display()));
    }
    let from = Db::open(&DatabaseUrl::sqlite_file(
        &std::path::absolute(file).map_err(|e| e.to_string())?,
    ))
    .await
    .map_err(|e| e.to_string())?;
    let to = context.open_db().await?;
    let done = copy(&from, &to, "恢复").await;
    to.close().await;
    from.close().await;
    done.map(|()| ExitCode::SUCCESS)
}

/// `fazhi move --to URL`: the SQLite database into an empty PostgreSQL database.
pub async fn move_to(context: &Context, to: &str) -> Result<ExitCode, String> {
    let from = context.open_db().await?;
    if from.backend() != db::Backend::Sqlite {
        return Err("只能从 SQLite 数据库迁出（--database-url 指向的是 PostgreSQL）".into());
    }
    let target_url = DatabaseUrl::parse(to).map_err(|e| e.to_string())?;
    let target = Db::open(&target_url).await.map_err(|e| e.to_string())?;
    let done = copy(&from, &target, "迁移").await;
    target.close().await;
    from.close().await;
    done?;
    println!("今后请以 --database-url（或 FAZHI_DATABASE_URL）指向新数据库启动");
    Ok(ExitCode::SUCCESS)
}
