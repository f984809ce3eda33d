//! `fazhi audit verify`: re-walks the SM3 chain and checks it against the stored checkpoints
//! (and a checkpoint kept outside, `--checkpoint FILE`); exit 0 when intact, otherwise exit 1
//! naming the first broken sequence number. `fazhi audit checkpoint`: takes a checkpoint of the
//! chain's head, with a code under the key kept outside the database, to print or file away.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use db::audit::Checkpoint;
use indicatif::{ProgressBar, ProgressStyle};

use crate::context::Context;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// 校验审计链（及其检查点）
    Verify {
        /// 保存在系统之外的检查点文件（由 fazhi audit checkpoint 生成）
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// 生成审计链检查点（打印出来，或写入文件，随年度报告归档）
    Checkpoint {
        /// 写入此文件（否则打印到屏幕）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub async fn run(context: &Context, command: AuditCommand) -> Result<ExitCode, String> {
    match command {
        AuditCommand::Verify { checkpoint } => verify(context, checkpoint).await,
        AuditCommand::Checkpoint { out } => {
            let platform = context.platform().await?;
            let checkpoint = platform
                .audit_checkpoint(&context.actor(), false)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("审计链还没有事件，无需检查点")?;
            let text = checkpoint.to_text();
            match out {
                Some(path) => {
                    std::fs::write(&path, &text)
                        .map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
                    println!(
                        "已生成第{}号事件的检查点：{}",
                        checkpoint.seq,
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(context: &Context, checkpoint: Option<PathBuf>) -> Result<ExitCode, String> {
    let kept = match &checkpoint {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("无法读取检查点文件 {}：{e}", path.display()))?;
            Some(
                Checkpoint::parse(&text)
                    .map_err(|e| format!("检查点文件 {}：{e}", path.display()))?,
            )
        }
        None => None,
    };
    let platform = context.platform().await?;
    let (total, _) = db::audit::head(platform.db())
        .await
        .map_err(|e| e.to_string())?;
    let bar = ProgressBar::new(total.max(0) as u64);
    bar.set_style(
        ProgressStyle::with_template("校验审计链 {bar:40} {pos}/{len} {per_sec} 剩余{eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let result = platform
        .verify_audit(&context.actor(), kept.as_ref(), |n| bar.set_position(n))
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            let chain = &report.chain;
            println!(
                "审计链完整：共{}个事件，最后一个为第{}号，哈希 {}（{:.2}秒，{:.0}个/秒）",
                chain.events,
                chain.last_seq,
                chain.last_hash,
                chain.seconds,
                chain.events as f64 / chain.seconds.max(1e-9)
            );
            match report.last_checkpoint {
                Some(last) => println!(
                    "与{}个检查点相符（最近的在第{last}号事件）",
                    report.checkpoints
                ),
                None => println!("尚无检查点：可用 fazhi audit checkpoint 生成"),
            }
            if let Some(kept) = &kept {
                println!("与保存在系统之外的第{}号事件检查点相符", kept.seq);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            eprintln!("{broken}");
            Ok(ExitCode::from(1))
        }
    }
}
