//! `fazhi report`: the 法治政府建设年度报告 written out (.docx, .html, .md), checked, its sections
//! written from files, published.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use report::{Links, Report, render};

use super::date_arg;
use crate::context::Context;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// 生成年度报告：--out 的扩展名决定格式（.docx 公文格式、.html、.md）
    Annual {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        out: PathBuf,
        /// 哪个机构的报告（默认机构树的顶端，即本区）
        #[arg(long)]
        org: Option<String>,
        /// 成文日期（默认今天）
        #[arg(long)]
        date: Option<String>,
        /// HTML 中数据链接所指的网站地址
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// 检查年度报告：未填写的章节、未写明的数据项、没有记录的模块
    Check {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        org: Option<String>,
    },
    /// 用文件中的文字替换某一章节（空文件：恢复系统生成的文字）；{数据项} 须能识别
    Write {
        #[arg(long)]
        year: i32,
        /// 章节：opening、measures、power、reconsideration、mediation、first_responsible、problems、plan
        #[arg(long)]
        section: String,
        file: PathBuf,
    },
    /// 公开年度报告（检查无阻断问题时）
    Publish {
        #[arg(long)]
        year: i32,
        /// 公开日期（默认今天）
        #[arg(long)]
        date: Option<String>,
    },
}

pub async fn run(context: &Context, command: ReportCommand) -> Result<ExitCode, String> {
    let report = Report::new(context.platform().await?);
    match command {
        ReportCommand::Annual {
            year,
            out,
            org,
            date,
            base_url,
        } => {
            let org = report
                .org_named(org.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            let date = match date {
                Some(d) => date_arg(&d)?,
                None => kernel::time::china_today(),
            };
            let r = report
                .draft_for(&org, year, date)
                .await
                .map_err(|e| e.to_string())?;
            write(&out, &r, &base_url)?;
            println!(
                "已生成 {}：{}，{}个数据项",
                out.display(),
                r.title,
                r.figures.len()
            );
            let findings = report
                .check_for(&org, year)
                .await
                .map_err(|e| e.to_string())?;
            if !findings.is_empty() {
                println!("尚有{}处待完善（fazhi report check 查看）", findings.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Check { year, org } => {
            let org = report
                .org_named(org.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            let findings = report
                .check_for(&org, year)
                .await
                .map_err(|e| e.to_string())?;
            if findings.is_empty() {
                println!("{}{year}年度报告：检查未发现问题", org.name);
                return Ok(ExitCode::SUCCESS);
            }
            for f in &findings {
                println!(
                    "{}{}：{}",
                    if f.blocking {
                        "【须完善】"
                    } else {
                        "【提示】"
                    },
                    f.section,
                    f.message
                );
            }
            Ok(if findings.iter().any(|f| f.blocking) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        ReportCommand::Write {
            year,
            section,
            file,
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
            report
                .save_section(&context.actor(), year, &section, &text)
                .await
                .map_err(|e| e.to_string())?;
            println!("已保存{year}年度报告的“{section}”章节");
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Publish { year, date } => {
            let date = match date {
                Some(d) => date_arg(&d)?,
                None => kernel::time::china_today(),
            };
            let p = report
                .publish(&context.actor(), year, date)
                .await
                .map_err(|e| e.to_string())?;
            println!("已公开：{}（{}）", p.report.title, p.published_on);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the report in the format the file's extension names.
fn write(out: &Path, r: &report::AnnualReport, base_url: &str) -> Result<(), String> {
    let extension = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = match extension.as_str() {
        "docx" => render::to_docx(r).map_err(|e| e.to_string())?,
        "html" | "htm" => render::to_html(r, Links::To(base_url)).into_bytes(),
        "md" | "markdown" => render::to_markdown(r).into_bytes(),
        other => {
            return Err(format!(
                "不支持的格式“{other}”：--out 的扩展名应为 .docx、.html 或 .md"
            ));
        }
    };
    std::fs::write(out, bytes).map_err(|e| format!("无法写入 {}：{e}", out.display()))
}
