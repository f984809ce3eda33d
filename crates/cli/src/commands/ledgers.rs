//! `fazhi import | export | template KIND …`: the ledgers of DESIGN §4.4.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ledger::{ImportMode, Layout};

use crate::context::Context;

/// The ledger kinds that exist. Module crates add theirs as they arrive.
const KINDS: &[Layout] = &[
    platform::ORGANIZATIONS,
    power::ledger::ITEMS,
    power::ledger::ADJUSTMENTS,
    power::ledger::DELEGATIONS,
    reconsideration::ledger::CASES,
    mediation::ledger::ORGANIZATIONS,
    mediation::ledger::MEDIATORS,
    mediation::ledger::CASES,
    enforcement::ledger::BODIES,
    enforcement::ledger::OFFICERS,
    enforcement::ledger::CASES,
    enforcement::ledger::INSPECTIONS,
];

fn layout(kind: &str) -> Result<&'static Layout, String> {
    KINDS.iter().find(|l| l.kind == kind).ok_or_else(|| {
        let known: Vec<&str> = KINDS.iter().map(|l| l.kind).collect();
        format!("未知的台账类型“{kind}”（可用：{}）", known.join("、"))
    })
}

fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub async fn import(
    context: &Context,
    kind: &str,
    file: &Path,
    mode: ImportMode,
    effective: Option<chrono::NaiveDate>,
) -> Result<ExitCode, String> {
    let layout = layout(kind)?;
    if effective.is_some() && layout.kind != power::ledger::ITEMS.kind {
        return Err("--effective 只适用于 power-items（权责清单）".into());
    }
    let sheet = ledger::read_file(file).map_err(|e| e.to_string())?;
    let records = sheet.records(layout).map_err(|e| e.to_string())?;
    let platform = context.platform().await?;
    let bar = spinner(&format!(
        "正在{}{}台账（{}行）",
        if mode.dry_run { "预检" } else { "导入" },
        layout.title,
        records.len()
    ));
    let actor = context.actor();
    let power = power::Power::new(platform.clone());
    let result = match layout.kind {
        "organizations" => platform.import_orgs(&actor, &records, mode).await,
        "power-items" => power
            .import_items(&actor, &records, effective, mode)
            .await
            .map_err(power_error),
        "power-adjustments" => power
            .import_adjustments(&actor, &records, mode)
            .await
            .map_err(power_error),
        "power-delegations" => power
            .import_delegations(&actor, &records, mode)
            .await
            .map_err(power_error),
        "reconsideration-cases" => reconsideration::Reconsideration::new(platform.clone())
            .import_cases(&actor, &records, mode)
            .await
            .map_err(reconsideration_error),
        "mediation-organizations" => mediation::Mediation::new(platform.clone())
            .import_organizations(&actor, &records, mode)
            .await
            .map_err(mediation_error),
        "mediators" => mediation::Mediation::new(platform.clone())
            .import_mediators(&actor, &records, mode)
            .await
            .map_err(mediation_error),
        "mediation-cases" => mediation::Mediation::new(platform.clone())
            .import_disputes(&actor, &records, mode)
            .await
            .map_err(mediation_error),
        "enforcement-bodies" => enforcement::Enforcement::new(platform.clone())
            .import_bodies(&actor, &records, mode)
            .await
            .map_err(enforcement_error),
        "enforcement-officers" => enforcement::Enforcement::new(platform.clone())
            .import_officers(&actor, &records, mode)
            .await
            .map_err(enforcement_error),
        "enforcement-cases" => enforcement::Enforcement::new(platform.clone())
            .import_cases(&actor, &records, mode)
            .await
            .map_err(enforcement_error),
        "enforcement-inspections" => enforcement::Enforcement::new(platform.clone())
            .import_inspections(&actor, &records, mode)
            .await
            .map_err(enforcement_error),
        other => return Err(format!("台账类型“{other}”尚不支持导入")),
    };
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            println!("{report}");
            if !mode.dry_run && layout.kind.starts_with("power-") {
                super::search::follow(context).await;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(platform::Error::Rejected(rejected)) => {
            eprintln!("{rejected}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// 行政复议's errors as the platform's, so that a refused ledger prints its rows.
fn reconsideration_error(e: reconsideration::Error) -> platform::Error {
    match e {
        reconsideration::Error::Platform(p) => p,
        other => platform::Error::Invalid(other.to_string()),
    }
}

/// 行政执法's errors as the platform's, so that a refused ledger prints its rows.
fn enforcement_error(e: enforcement::Error) -> platform::Error {
    match e {
        enforcement::Error::Platform(p) => p,
        other => platform::Error::Invalid(other.to_string()),
    }
}

/// 人民调解's errors as the platform's, so that a refused ledger prints its rows.
fn mediation_error(e: mediation::Error) -> platform::Error {
    match e {
        mediation::Error::Platform(p) => p,
        other => platform::Error::Invalid(other.to_string()),
    }
}

/// The power list's errors as the platform's, so that a refused ledger prints its rows.
fn power_error(e: power::Error) -> platform::Error {
    match e {
        power::Error::Platform(p) => p,
        other => platform::Error::Invalid(other.to_string()),
    }
}

pub async fn export(
    context: &Context,
    kind: &str,
    year: Option<i32>,
    file: &Path,
) -> Result<ExitCode, String> {
    let layout = layout(kind)?;
    let platform = context.platform().await?;
    let rows = match layout.kind {
        "organizations" => platform
            .export_orgs(&context.actor())
            .await
            .map_err(|e| e.to_string())?,
        power_kind @ ("power-items" | "power-adjustments" | "power-delegations") => {
            power::Power::new(platform.clone())
                .export(&context.actor(), power_kind, year)
                .await
                .map_err(|e| e.to_string())?
        }
        "reconsideration-cases" => reconsideration::Reconsideration::new(platform.clone())
            .export_cases(&context.actor(), year, Default::default())
            .await
            .map_err(|e| e.to_string())?,
        mediation_kind @ ("mediation-organizations" | "mediators" | "mediation-cases") => {
            mediation::Mediation::new(platform.clone())
                .export(&context.actor(), mediation_kind, year)
                .await
                .map_err(|e| e.to_string())?
        }
        enforcement_kind @ ("enforcement-bodies"
        | "enforcement-officers"
        | "enforcement-cases"
        | "enforcement-inspections") => enforcement::Enforcement::new(platform.clone())
            .export(&context.actor(), enforcement_kind, year)
            .await
            .map_err(|e| e.to_string())?,
        other => return Err(format!("台账类型“{other}”尚不支持导出")),
    };
    let bytes = write(layout, &rows, file)?;
    std::fs::write(file, bytes).map_err(|e| format!("无法写入 {}：{e}", file.display()))?;
    println!("已导出{}行到 {}", rows.len(), file.display());
    Ok(ExitCode::SUCCESS)
}

fn write(layout: &Layout, rows: &[Vec<String>], file: &Path) -> Result<Vec<u8>, String> {
    let csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if csv {
        ledger::to_csv(layout, rows)
    } else {
        ledger::to_xlsx(layout, rows)
    }
    .map_err(|e| e.to_string())
}

pub fn template(kind: &str, file: &Path) -> Result<ExitCode, String> {
    let layout = layout(kind)?;
    let bytes = write(layout, &[], file)?;
    std::fs::write(file, bytes).map_err(|e| format!("无法写入 {}：{e}", file.display()))?;
    println!("已写出{}台账模板：{}", layout.title, file.display());
    Ok(ExitCode::SUCCESS)
}
