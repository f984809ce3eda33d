//! `fazhi audit verify`: re-walks the SM3 chain; exit 0 when intact, otherwise exit 1 naming the
//! first broken sequence number.

use std::process::ExitCode;

use clap::Subcommand;
use db::audit::VerifyError;
use indicatif::{ProgressBar, ProgressStyle};

use crate::context::Context;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 校验审计链
    Verify,
}

pub async fn run(context: &Context, command: AuditCommand) -> Result<ExitCode, String> {
    match command {
        AuditCommand::Verify => {
            let db = context.open_db().await?;
            let (total, _) = db::audit::head(&db).await.map_err(|e| e.to_string())?;
            let bar = ProgressBar::new(total.max(0) as u64);
            bar.set_style(
                ProgressStyle::with_template("校验审计链 {bar:40} {pos}/{len} {per_sec} 剩余{eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let result = db::audit::verify(&db, |n| bar.set_position(n)).await;
            bar.finish_and_clear();
            match result {
                Ok(report) => {
                    println!(
                        "审计链完整：共{}个事件，最后一个为第{}号，哈希 {}（{:.2}秒，{:.0}个/秒）",
                        report.events,
                        report.last_seq,
                        report.last_hash,
                        report.seconds,
                        report.events as f64 / report.seconds.max(1e-9)
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(VerifyError::Broken(broken)) => {
                    eprintln!("{broken}");
                    Ok(ExitCode::from(1))
                }
                Err(VerifyError::Db(e)) => Err(e.to_string()),
            }
        }
    }
}
