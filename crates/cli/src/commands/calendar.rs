//! `fazhi calendar` (DESIGN §4.2): day kinds and deadlines from the State Council's notices.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kernel::calendar::PeriodUnit;

use super::date_arg;
use crate::context::Context;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// 打印 workday 或 restday
    Day {
        date: String,
        /// 同时说明是何种日子（周末、某节放假、调休上班）
        #[arg(long)]
        explain: bool,
    },
    /// 打印起算日后第 N 个工作日或第 N 日（届满日为休息日的顺延）
    Add {
        date: String,
        count: u32,
        #[arg(long, default_value = "days")]
        unit: String,
        /// 同时说明计算过程
        #[arg(long)]
        explain: bool,
    },
    /// 载入新一年的节假日安排（fazhi 的 .toml 格式或 holiday-cn 的 .json）
    Load { file: PathBuf },
    /// 列出已知的年份及其依据
    Years,
}

pub async fn run(context: &Context, command: CalendarCommand) -> Result<ExitCode, String> {
    match command {
        CalendarCommand::Day { date, explain } => {
            let date = date_arg(&date)?;
            let calendar = context.calendar().await?;
            let kind = calendar.day(date).map_err(|e| e.to_string())?;
            let workday = calendar.is_workday(date).map_err(|e| e.to_string())?;
            println!("{}", if workday { "workday" } else { "restday" });
            if explain {
                println!("{}", kind.label());
            }
        }
        CalendarCommand::Add {
            date,
            count,
            unit,
            explain,
        } => {
            let start = date_arg(&date)?;
            let unit = PeriodUnit::parse(&unit).map_err(|e| e.to_string())?;
            let calendar = context.calendar().await?;
            let deadline = calendar
                .add(start, count, unit)
                .map_err(|e| e.to_string())?;
            println!("{}", deadline.due);
            if explain {
                println!("{}", deadline.explain());
            }
        }
        CalendarCommand::Load { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
            let platform = context.platform().await?;
            let years = platform
                .load_notices(&context.actor(), &text)
                .await
                .map_err(|e| e.to_string())?;
            // Deadlines computed provisionally (暂定) for those years are computed again.
            let recomputed = reconsideration::Reconsideration::new(platform.clone())
                .recompute_deadlines(&context.actor(), &years)
                .await
                .map_err(|e| e.to_string())?;
            let years: Vec<String> = years.iter().map(|y| format!("{y}年")).collect();
            println!("已载入{}的节假日安排", years.join("、"));
            if recomputed > 0 {
                println!("{recomputed}件行政复议案件的审理期限已按新载入的安排重新计算");
            }
        }
        CalendarCommand::Years => {
            let calendar = context.calendar().await?;
            for year in calendar.known_years() {
                println!(
                    "{year}\t{}",
                    calendar.notices_of(year).unwrap_or_default().join("；")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
