//! `fazhi laws`: import the corpus, read citations, compare versions, record repeals.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use laws::{Laws, Resolution};

use super::date_arg;
use crate::context::Context;

#[derive(Subcommand)]
pub enum LawsCommand {
    /// 导入法规语料（Markdown 格式的目录，如 ../shared/laws）；重复导入不会重复写入
    Import { dir: PathBuf },
    /// 识别引用文字中的法律条文，并对应到某日有效的版本
    Cite {
        text: String,
        /// 以哪一天有效的版本为准（默认今天）
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 比较一部法律两个版本的条文：新增、删除、修改、条号变动
    Diff {
        law: String,
        from: String,
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// 列出引用某部法律法规、而所引条文已被修改、删除、改号或该法已废止的记录
    Impact {
        law: String,
        #[arg(long)]
        json: bool,
    },
    /// 登记一部法律法规的修订（新版本），条文取自文件
    Amend {
        law: String,
        /// 通过（修订）日期
        #[arg(long)]
        date: String,
        /// 施行日期
        #[arg(long)]
        effective: String,
        /// 新版本全文（每条以“第X条”加空格开头）
        #[arg(long)]
        file: PathBuf,
    },
    /// 登记一部法律法规已被废止
    Repeal {
        law: String,
        #[arg(long)]
        date: String,
        /// 废止依据（文件名称及文号）
        #[arg(long)]
        basis: String,
        /// 取代它的法律法规
        #[arg(long)]
        successor: Option<String>,
    },
}

/// The import's progress on the terminal.
struct Bar(ProgressBar);

impl laws::Progress for Bar {
    fn stage(&mut self, name: &str, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(0);
        self.0.set_message(name.to_string());
    }

    fn advance(&mut self, done: usize) {
        self.0.set_position(done as u64);
    }
}

pub async fn run(context: &Context, command: LawsCommand) -> Result<ExitCode, String> {
    let laws = Laws::new(context.platform().await?);
    let actor = context.actor();
    match command {
        LawsCommand::Import { dir } => {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let mut progress = Bar(bar);
            let summary = laws
                .import_corpus(&actor, &dir, &mut progress)
                .await
                .map_err(|e| e.to_string())?;
            progress.0.finish_and_clear();
            println!(
                "已读取{}个文件：新增{}部法律法规，新增{}个版本、更新{}个、未变{}个（重复文件{}个），写入{}条，用时{:.1}秒",
                summary.files,
                summary.laws_created,
                summary.versions_created,
                summary.versions_updated,
                summary.versions_unchanged,
                summary.duplicates,
                summary.articles_written,
                summary.seconds
            );
            super::search::follow(context).await;
            if !summary.skipped.is_empty() {
                println!("跳过{}个文件：", summary.skipped.len());
                for s in &summary.skipped {
                    println!("  {}：{}", s.path, s.reason);
                }
            }
        }
        LawsCommand::Cite { text, on, json } => {
            let on = match on {
                Some(d) => date_arg(&d)?,
                None => kernel::time::china_today(),
            };
            laws.ensure_facts(&actor).await.map_err(|e| e.to_string())?;
            let resolved = laws.resolve(&text, on).await.map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&resolved).map_err(|e| e.to_string())?
                );
            } else {
                for r in &resolved {
                    let what = [r.law.clone().map(|l| format!("《{l}》")), r.article.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("");
                    match r.status {
                        Resolution::Resolved => {
                            println!("{what}（{}版）", r.version.clone().unwrap_or_default())
                        }
                        Resolution::Unresolved => println!(
                            "未能对应：{}——{}",
                            r.raw,
                            r.reason.clone().unwrap_or_default()
                        ),
                    }
                }
            }
        }
        LawsCommand::Diff {
            law,
            from,
            to,
            json,
        } => {
            let (from, to) = (date_arg(&from)?, date_arg(&to)?);
            let changes = laws
                .diff_versions(&law, from, to)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&changes).map_err(|e| e.to_string())?
                );
            } else {
                for c in changes
                    .iter()
                    .filter(|c| c.kind != laws::diff::ChangeKind::Unchanged)
                {
                    println!("{}", c.describe());
                }
                let count = |k| changes.iter().filter(|c| c.kind == k).count();
                use laws::diff::ChangeKind::*;
                println!(
                    "共{}条对应：新增{}，删除{}，修改{}，条号变动{}，未变{}",
                    changes.len(),
                    count(Added),
                    count(Removed),
                    count(Changed),
                    count(Renumbered),
                    count(Unchanged)
                );
            }
        }
        LawsCommand::Impact { law, json } => {
            let target = laws.law_named(&law).await.map_err(|e| e.to_string())?;
            let impacts = laws.impacts(&target.id).await.map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&impacts).map_err(|e| e.to_string())?
                );
            } else if impacts.is_empty() {
                println!("没有受影响的记录");
            } else {
                for i in &impacts {
                    println!(
                        "{} {} {}：{}",
                        i.citation.module, i.citation.record_type, i.citation.record_id, i.note
                    );
                }
            }
        }
        LawsCommand::Amend {
            law,
            date,
            effective,
            file,
        } => {
            let (date, effective) = (date_arg(&date)?, date_arg(&effective)?);
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
            let target = laws.law_named(&law).await.map_err(|e| e.to_string())?;
            let version = laws
                .record_amendment(&actor, &target.id, date, effective, &text)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "已登记：《{}》{}版，{}起施行，共{}条",
                target.short_title,
                version.version_date,
                version.effective_on,
                version.article_count
            );
            super::search::follow(context).await;
        }
        LawsCommand::Repeal {
            law,
            date,
            basis,
            successor,
        } => {
            let date = date_arg(&date)?;
            let target = laws.law_named(&law).await.map_err(|e| e.to_string())?;
            let repealed = laws
                .record_repeal(&actor, &target.id, date, successor, &basis)
                .await
                .map_err(|e| e.to_string())?;
            println!("已登记：《{}》于{date}废止", repealed.short_title);
            super::search::follow(context).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}
