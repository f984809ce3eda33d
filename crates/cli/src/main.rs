//! `fazhi`: the one binary. Commands need no login — whoever can open the data directory or the
//! database URL owns the data — and every write they make is in the audit log with the
//! operating-system user as actor. Errors go to stderr with a non-zero exit.

mod commands;
mod context;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::context::Context;

#[derive(Parser)]
#[command(
    name = "fazhi",
    version,
    about = "法治政府建设管理平台",
    disable_help_subcommand = true
)]
struct Cli {
    /// 数据目录（SQLite 数据库、SM4 密钥文件所在）
    #[arg(long, env = "FAZHI_DATA_DIR", default_value = "./fazhi-data")]
    data_dir: PathBuf,
    /// 数据库地址：sqlite://… 或 postgres://…（默认：数据目录中的 SQLite 文件）
    #[arg(long, env = "FAZHI_DATABASE_URL")]
    database_url: Option<String>,
    /// 附件存储：s3://存储桶[/前缀]，由 AWS_ENDPOINT、AWS_ACCESS_KEY_ID 等变量配置（默认：数据目录下的 files）
    #[arg(long, env = "FAZHI_OBJECT_STORE")]
    object_store: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动网站（员工页面、政务公开、API）
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// 数据库为空时先载入演示区（常州市新北区）
        #[arg(long)]
        demo: bool,
        /// Cookie 加 Secure 标记（经 HTTPS 访问时使用）
        #[arg(long)]
        secure_cookies: bool,
    },
    /// 向空数据库载入演示区并打印各角色的登录账户
    Demo,
    /// 创建或升级数据库后退出
    Migrate,
    /// 管理员账户
    Admin {
        #[command(subcommand)]
        command: commands::admin::AdminCommand,
    },
    /// 导入台账（.xlsx 或 .csv）：全部正确才写入
    Import {
        /// 台账类型，如 organizations
        kind: String,
        file: PathBuf,
        /// 只检查，不写入
        #[arg(long)]
        dry_run: bool,
        /// 只导入正确的行，跳过并列出有错误的行
        #[arg(long)]
        only_valid: bool,
        /// 权责清单中的事项自哪一天起列入清单（默认：一直在清单中）
        #[arg(long)]
        effective: Option<String>,
    },
    /// 导出台账（.xlsx 或 .csv）
    Export {
        kind: String,
        #[arg(long)]
        year: Option<i32>,
        file: PathBuf,
    },
    /// 写出台账模板（.xlsx，含填写说明）
    Template { kind: String, file: PathBuf },
    /// 备份整个数据库到一个新的 SQLite 文件（服务运行时也可进行）
    Backup { file: PathBuf },
    /// 从备份文件恢复到（空的）数据库
    Restore { file: PathBuf },
    /// 把 SQLite 数据库的全部数据迁移到（空的）PostgreSQL 数据库
    Move {
        /// 目标数据库，如 postgres://user@host/fazhi
        #[arg(long)]
        to: String,
    },
    /// 审计日志
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// 工作日历与期限
    Calendar {
        #[command(subcommand)]
        command: commands::calendar::CalendarCommand,
    },
    /// 某模块某年的统计数字（年度报告所用）
    Stats {
        /// 模块：power、reconsideration、mediation、enforcement
        module: String,
        #[arg(long)]
        year: i32,
        /// 只统计某机构及其下级
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        json: bool,
        /// 权责清单：重新统计年末数并与保存的汇总核对（不一致时列出并以新统计为准）
        #[arg(long)]
        check_summary: bool,
    },
    /// 法治政府建设年度报告：生成（.docx/.html/.md）、检查、填写章节、公开
    Report {
        #[command(subcommand)]
        command: commands::report::ReportCommand,
    },
    /// 法规库：导入、识别引用、版本比较、登记废止
    Laws {
        #[command(subcommand)]
        command: commands::laws::LawsCommand,
    },
    /// 全文检索法规条文；`fazhi search reindex` 重建索引
    Search {
        /// 要查找的文字（空格分隔的词须同时出现）
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// 包括已被修订或废止的历史版本
        #[arg(long)]
        all_versions: bool,
        /// 只查某一效力层级，如 法律、行政法规
        #[arg(long)]
        level: Option<String>,
        /// 只查某部法律法规
        #[arg(long)]
        law: Option<String>,
        /// 查权责清单中今日有效的权力事项，而非法规条文
        #[arg(long, conflicts_with_all = ["all_versions", "level", "law"])]
        power: bool,
        #[arg(long)]
        json: bool,
    },
    /// 校验统一社会信用代码、身份证号等
    Validate {
        #[command(subcommand)]
        command: commands::validate::ValidateCommand,
    },
}

/// mimalloc returns freed memory to the system: under glibc's allocator a server that had caught
/// its search index up over a province (half a million items indexed) kept 750 MiB of freed heap
/// across its threads' arenas for good; with mimalloc it keeps what it uses (issue 15).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve { .. });
    init_logging(serving);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    let context = Context::new(cli.data_dir, cli.database_url).with_object_store(cli.object_store);
    match runtime.block_on(run(context, cli.command)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}

/// Structured logs on stderr: JSON with `FAZHI_LOG_FORMAT=json`, level from `RUST_LOG`.
fn init_logging(serving: bool) {
    let default = if serving {
        "info,tokio_postgres=warn"
    } else {
        "warn,tokio_postgres=error"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _already = if std::env::var("FAZHI_LOG_FORMAT").is_ok_and(|v| v == "json") {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}

/// Runs a command; Err is the one-line reason shown to the user.
async fn run(context: Context, command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Serve {
            addr,
            demo,
            secure_cookies,
        } => commands::serve::run(&context, &addr, demo, secure_cookies).await,
        Command::Demo => commands::serve::demo(&context).await,
        Command::Migrate => {
            let db = context.open_db().await?;
            let (known, applied) = db.migration_status().await.map_err(|e| e.to_string())?;
            println!(
                "数据库已是最新：已应用{applied}个迁移（本程序共{known}个）：{}",
                db.url()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { command } => commands::admin::run(&context, command).await,
        Command::Import {
            kind,
            file,
            dry_run,
            only_valid,
            effective,
        } => {
            let effective = effective.as_deref().map(commands::date_arg).transpose()?;
            commands::ledgers::import(
                &context,
                &kind,
                &file,
                ledger::ImportMode {
                    dry_run,
                    only_valid,
                },
                effective,
            )
            .await
        }
        Command::Stats {
            module,
            year,
            check_summary: true,
            ..
        } => commands::stats::check_summary(&context, &module, year).await,
        Command::Stats {
            module,
            year,
            org,
            json,
            ..
        } => commands::stats::run(&context, &module, year, org.as_deref(), json).await,
        Command::Export { kind, year, file } => {
            commands::ledgers::export(&context, &kind, year, &file).await
        }
        Command::Template { kind, file } => commands::ledgers::template(&kind, &file),
        Command::Audit { command } => commands::audit::run(&context, command).await,
        Command::Backup { file } => commands::backup::backup(&context, &file).await,
        Command::Restore { file } => commands::backup::restore(&context, &file).await,
        Command::Move { to } => commands::backup::move_to(&context, &to).await,
        Command::Calendar { command } => commands::calendar::run(&context, command).await,
        Command::Laws { command } => commands::laws::run(&context, command).await,
        Command::Report { command } => commands::report::run(&context, command).await,
        Command::Search {
            query,
            limit,
            all_versions,
            level,
            law,
            power,
            json,
        } => {
            commands::search::run(
                &context,
                commands::search::Args {
                    query,
                    limit,
                    all_versions,
                    level,
                    law,
                    power,
                    json,
                },
            )
            .await
        }
        Command::Validate { command } => Ok(commands::validate::run(command)),
    }
}
