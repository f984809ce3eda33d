//! `fazhi-bench`: the foundation's figures, each measured beside a baseline in the same run.
//!
//!     scripts/bench            # full: 1,000,000 events
//!     scripts/bench --quick    # 100,000 events
//!
//! PostgreSQL figures use FAZHI_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres,
//! a fresh database is created and dropped). Results are printed as Markdown and written to
//! BENCHMARKS.md (`--out` to change).

mod foundation;
mod fuzz;
mod gen_enforcement;
mod generate;
mod hostile;
mod http;
mod laws;
mod mediation;
mod officer;
mod peers;
mod power;
mod reconsideration;
mod report;
mod rng;
mod stats_peer;
mod storage;
mod timing;
mod workflow;
mod workflow_enforcement;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "fazhi-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit append and verify, calendar deadlines, server start
    Foundation {
        /// Fewer events (100,000 instead of 1,000,000) and rounds
        #[arg(long)]
        quick: bool,
        /// Where to write the report
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
        /// The fazhi binary to time (default: next to this one)
        #[arg(long)]
        fazhi: Option<std::path::PathBuf>,
    },
    /// The law base: import + index of the corpus, query latency and recall beside FTS5 and a scan
    Laws {
        #[arg(long, default_value = "../shared/laws")]
        corpus: std::path::PathBuf,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// The power list: import of a 5,000-row .xlsx, the list pages with filters, the two-date diff
    Power {
        /// The law corpus the bases resolve against (skipped when absent)
        #[arg(long, default_value = "../shared/laws")]
        corpus: std::path::PathBuf,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// 人民调解: import of 15,000 disputes, statistics over a province's year, the intake form
    Mediation {
        /// Disputes in the table for the statistics (a province's year: 1,500,000)
        #[arg(long, default_value_t = 1_500_000)]
        disputes: usize,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// 行政复议: statistics over many cases, cases driven intake → decision, the case page
    Reconsideration {
        /// Historic cases loaded through the ledger for the statistics
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        /// Cases driven through the services from intake to decision
        #[arg(long, default_value_t = 2_000)]
        drive: usize,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// A province's year of records for every module, through the import paths
    Gen {
        #[arg(long, default_value_t = 95)]
        districts: usize,
        #[arg(long, default_value_t = 2020)]
        year: i32,
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        /// Power items per district
        #[arg(long, default_value_t = 5_000)]
        items: usize,
        /// Disputes per district
        #[arg(long, default_value_t = 15_000)]
        disputes: usize,
        /// 行政执法 penalty cases per district (95 × 70,000 + 95 × 35,000 ≈ 10 M with inspections)
        #[arg(long, default_value_t = 70_000)]
        enforcement_cases: usize,
        /// 行政执法 inspections per district
        #[arg(long, default_value_t = 35_000)]
        inspections: usize,
        /// A PostgreSQL (or SQLite) URL; default: an SQLite file in --data-dir
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value = "province-data")]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// HTTP: dashboard, list page and detail JSON under wrk beside a bare axum handler; memory
    Http {
        /// Seconds of load per URL
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// The fazhi binary that loads the demo (default: next to this one)
        #[arg(long)]
        fazhi: Option<std::path::PathBuf>,
        /// Serve the province `gen` wrote to this directory instead of the demo district
        #[arg(long)]
        province: Option<std::path::PathBuf>,
        /// The demo district on PostgreSQL (FAZHI_BENCH_POSTGRES) instead of SQLite
        #[arg(long)]
        postgres: bool,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// fazhi beside the tools a user would pick instead: chinesecalendar, python-stdnum
    Peers {
        /// The Python with the peers installed (scripts/bench peers makes target/peers-venv)
        #[arg(long, default_value = "target/peers-venv/bin/python")]
        python: std::path::PathBuf,
        /// 100,000 identifiers instead of 1,000,000, fewer calendar rounds
        #[arg(long)]
        quick: bool,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// Every module's figures over `gen`'s province beside DuckDB computing the same
    Stats {
        #[arg(long, default_value = "target/peers-venv/bin/python")]
        python: std::path::PathBuf,
        #[arg(long, default_value = "province-data")]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 2020)]
        year: i32,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// 行政复议 cases intake → decision through fazhi beside SpiffWorkflow running the BPMN process
    Workflow {
        #[arg(long, default_value = "target/peers-venv/bin/python")]
        python: std::path::PathBuf,
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// 行政处罚 cases 立案 → 结案 through fazhi beside SpiffWorkflow running the BPMN process
    WorkflowEnforcement {
        #[arg(long, default_value = "target/peers-venv/bin/python")]
        python: std::path::PathBuf,
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// The storage layer: the list page's statements, a primary-key read and audited writes at
    /// 1/8/64 writers, on SQLite and PostgreSQL, over the demo district
    Storage {
        /// Seconds per figure
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Leave out the first storage layer (sqlx)
        #[arg(long)]
        new_only: bool,
        /// The fazhi binary that loads the demo (default: next to this one)
        #[arg(long)]
        fazhi: Option<std::path::PathBuf>,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// Mutation fuzzing of the parsers outsiders feed: ledger (.xlsx/.csv), citations, identifiers,
    /// holiday notices; a panic is a crash, saved under --out
    Fuzz {
        #[arg(long, value_enum)]
        target: fuzz::Target,
        #[arg(long, default_value_t = 1_000_000)]
        runs: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "target/fuzz-crashes")]
        out: std::path::PathBuf,
    },
    /// The server under the worst uploads and heavy requests: private memory and /healthz
    Hostile {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// The fazhi binary to serve with (default: next to this one)
        #[arg(long)]
        fazhi: Option<std::path::PathBuf>,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
    },
    /// 年度报告: the report of the demo year, and of a province-sized year
    Report {
        /// Districts in the province-sized year (the demo's records repeated)
        #[arg(long, default_value_t = 95)]
        districts: usize,
        /// Rounds for the demo year (the province year takes at most 5)
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// The fazhi binary that loads the demo (default: next to this one)
        #[arg(long)]
        fazhi: Option<std::path::PathBuf>,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: std::path::PathBuf,
        /// Keep the province-sized database here after the fill; when it is already there, only
        /// time the first page of the records behind every figure over it (nothing written)
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
    },
}

/// mimalloc returns freed memory to the system: under glibc's allocator a server that had caught
/// its search index up over a province (half a million items indexed) kept 750 MiB of freed heap
/// across its threads' arenas for good; with mimalloc it keeps what it uses (issue 15).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Foundation { quick, out, fazhi } => foundation::run(quick, &out, fazhi).await,
        Command::Laws { corpus, out } => laws::run(&corpus, &out).await,
        Command::Power { corpus, out } => power::run(&corpus, &out).await,
        Command::Mediation { disputes, out } => mediation::run(disputes, &out).await,
        Command::Gen {
            districts,
            year,
            seed,
            items,
            disputes,
            enforcement_cases,
            inspections,
            database_url,
            data_dir,
            out,
        } => match generate::url(database_url.as_deref(), &data_dir) {
            Ok(url) => {
                let sizes = generate::Sizes {
                    items,
                    disputes,
                    enforcement_cases,
                    inspections,
                };
                generate::run(&url, districts.max(1), year, sizes, seed, &out).await
            }
            Err(x) => Err(x),
        },
        Command::Http {
            seconds,
            fazhi,
            province,
            postgres,
            out,
        } => {
            http::run(
                &sibling(fazhi),
                seconds.max(1),
                province.as_deref(),
                postgres,
                &out,
            )
            .await
        }
        Command::Fuzz {
            target,
            runs,
            seed,
            out,
        } => fuzz::run(target, runs, seed, &out),
        Command::Hostile {
            seconds,
            fazhi,
            out,
        } => hostile::run(&sibling(fazhi), seconds.max(1), &out).await,
        Command::Peers { python, quick, out } => peers::run(&python, quick, &out).await,
        Command::Stats {
            python,
            data_dir,
            year,
            rounds,
            out,
        } => stats_peer::run(&python, &data_dir, year, rounds.max(1), &out).await,
        Command::Report {
            districts,
            rounds,
            fazhi,
            out,
            keep,
        } => match keep {
            Some(kept) if kept.exists() => report::records_of(&kept).await,
            keep => {
                report::run(
                    &sibling(fazhi),
                    districts.max(1),
                    rounds.max(1),
                    &out,
                    keep.as_deref(),
                )
                .await
            }
        },
        Command::Storage {
            seconds,
            new_only,
            fazhi,
            out,
        } => storage::run(&sibling(fazhi), seconds.max(0.5), !new_only, &out).await,
        Command::Workflow { python, cases, out } => {
            workflow::run(&python, cases.max(1), &out).await
        }
        Command::WorkflowEnforcement { python, cases, out } => {
            workflow_enforcement::run(&python, cases.max(1), &out).await
        }
        Command::Reconsideration { cases, drive, out } => {
            reconsideration::run(cases, drive, &out).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The fazhi binary named, or the one built next to this one.
fn sibling(named: Option<std::path::PathBuf>) -> std::path::PathBuf {
    named.unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("fazhi")))
            .unwrap_or_else(|| "fazhi".into())
    })
}
