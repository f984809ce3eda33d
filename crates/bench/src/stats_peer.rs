//! `scripts/bench stats`: every module's year figures over a province's records (made by
//! `fazhi-bench gen`), by fazhi (`report::module_figures`, what `fazhi stats` prints) and by
//! DuckDB from the same rows (scripts/peers/stats_peer.py): the results must be equal, then
//! the time ratio.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use report::Module;
use serde_json::Value;

use crate::timing::median;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

/// The word fazhi uses for a stored code of a map.
fn label(module: Module, map: &str, code: &str) -> String {
    use mediation::{DisputeType, OrganizationKind, Source};
    use power::model::{AdjustmentKind, ItemType};
    use reconsideration::model::DecisionType;
    let word = match (module, map) {
        (Module::Power, "by_type") => ItemType::parse(code).map(ItemType::label),
        (Module::Power, "adjustments_by_type") => {
            AdjustmentKind::parse(code).map(AdjustmentKind::label)
        }
        (Module::Reconsideration, "by_decision_type") => {
            DecisionType::parse(code).map(DecisionType::label)
        }
        (Module::Mediation, "by_type") => DisputeType::parse(code).map(DisputeType::label),
        (Module::Mediation, "by_source") => Source::parse(code).map(Source::label),
        (Module::Mediation, "organizations_by_type" | "standardized_by_type") => {
            OrganizationKind::parse(code).map(OrganizationKind::label)
        }
        (Module::Enforcement, "by_procedure") => {
            enforcement::Procedure::parse(code).map(enforcement::Procedure::label)
        }
        (Module::Enforcement, "by_decision") => {
            enforcement::Decision::parse(code).map(enforcement::Decision::label)
        }
        (Module::Enforcement, "by_penalty_type") => {
            enforcement::PenaltyType::parse(code).map(enforcement::PenaltyType::label)
        }
        (Module::Enforcement, "inspections_by_method") => {
            enforcement::InspectionMethod::parse(code).map(enforcement::InspectionMethod::label)
        }
        _ => None,
    };
    word.map(str::to_string).unwrap_or_else(|| code.to_string())
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

pub async fn run(
    python: &Path,
    data_dir: &Path,
    year: i32,
    rounds: usize,
    out: &Path,
) -> Result<(), String> {
    let (platform, file) = crate::generate::open_province(data_dir).await?;
    let mut ours = Vec::new();
    for module in Module::ALL {
        let mut times = Vec::new();
        let mut value = Value::Null;
        for _ in 0..rounds {
            let t = Instant::now();
            value = report::module_figures(&platform, *module, year, None)
                .await
                .map_err(|x| e(&x))?
                .value;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ours.push((*module, value, median(&times)));
    }
    let (year_arg, rounds_arg) = (year.to_string(), rounds.to_string());
    let file_arg = file.display().to_string();
    let peer: Value = crate::peers::peer_json(
        python,
        "stats_peer.py",
        &[&file_arg, &year_arg, &rounds_arg],
    )?;

    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench stats` on {today} over {} (made by `fazhi-bench gen`), SQLite: each module's {year} figures by fazhi (`fazhi stats MODULE`, the report's call) and by DuckDB {} from the same rows copied into it (copy not timed); median of {rounds}. Target: within 3× of DuckDB (issue 15; 5× in issue 8), identical results. 权责清单's year-end counts are read from the summary kept in the database (`power_year_end`), which the first round counts and keeps.\n",
        file.display(),
        peer["version"].as_str().unwrap_or("?")
    );
    let _ = writeln!(
        md,
        "| module | figures compared | equal | fazhi | DuckDB | fazhi ÷ DuckDB |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    let mut mismatches = Vec::new();
    for (module, value, ms) in &ours {
        let theirs = &peer["figures"][module.code()];
        let (mut compared, mut equal) = (0, 0);
        for (key, v) in theirs.as_object().into_iter().flatten() {
            match v {
                Value::Object(map) => {
                    for (code, n) in map {
                        let word = label(*module, key, code);
                        compared += 1;
                        let mine = &value[key.as_str()][word.as_str()];
                        if same(mine, n) {
                            equal += 1;
                        } else {
                            mismatches.push(format!(
                                "{}.{key}.{word}: fazhi {mine}, DuckDB {n}",
                                module.code()
                            ));
                        }
                    }
                }
                n => {
                    compared += 1;
                    let mine = &value[key.as_str()];
                    if same(mine, n) {
                        equal += 1;
                    } else {
                        mismatches
                            .push(format!("{}.{key}: fazhi {mine}, DuckDB {n}", module.code()));
                    }
                }
            }
        }
        let duck = peer["seconds"][module.code()].as_f64().unwrap_or(f64::NAN) * 1000.0;
        let _ = writeln!(
            md,
            "| {} | {compared} | {equal} | {ms:.0} ms | {duck:.0} ms | {:.1}× |",
            module.label(),
            ms / duck
        );
    }
    if mismatches.is_empty() {
        let _ = writeln!(md, "\nEvery figure compared is equal.");
    } else {
        let _ = writeln!(md, "\nDifferences:\n");
        for m in &mismatches {
            let _ = writeln!(md, "- {m}");
        }
    }
    let _ = writeln!(
        md,
        "\nNot compared: `pending` and `overdue` (deadline rules with suspensions and working days), 权责清单's delegations by category and pending at year end, `unresolved_legal_basis` (the law base). 行政执法's `published_on_time` is compared: the peer takes each decision day's 7th working day from chinesecalendar."
    );
    println!("{md}");
    crate::timing::write_section(
        out,
        "Statistics beside DuckDB",
        "Statistics beside DuckDB (issues 8, 15)",
        &md,
    )?;
    Ok(())
}
