//! `fazhi stats MODULE --year Y [--org NAME] --json` (DESIGN §4.5): one JSON object of the
//! module's figures; the annual report uses exactly these (the same `report::module_figures`).

use std::process::ExitCode;

use crate::context::Context;

pub async fn run(
    context: &Context,
    module: &str,
    year: i32,
    org: Option<&str>,
    json: bool,
) -> Result<ExitCode, String> {
    let platform = context.platform().await?;
    let org = match org {
        Some(name) => Some(
            platform
                .resolve_org(name)
                .await
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let Some(which) = report::Module::parse(module) else {
        return Err(format!(
            "未知的模块“{module}”（可用：{}）",
            report::Module::ALL
                .iter()
                .map(|m| m.code())
                .collect::<Vec<_>>()
                .join("、")
        ));
    };
    let figures = report::module_figures(&platform, which, year, org.as_ref())
        .await
        .map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&figures.value).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{module} {year}{}",
        org.map(|o| format!("（{}）", o.name)).unwrap_or_default()
    );
    for (key, definition) in figures.definitions {
        println!(
            "{key} = {}\n    {definition}",
            figures
                .value
                .get(key.as_str())
                .map(|v| v.to_string())
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `fazhi stats power --year Y --check-summary`: the kept year-end summary recounted and
/// compared; exit 1 when it differed (it is then replaced by the fresh count).
pub async fn check_summary(context: &Context, module: &str, year: i32) -> Result<ExitCode, String> {
    if module != "power" {
        return Err("只有权责清单（power）保存年末汇总".into());
    }
    let platform = context.platform().await?;
    let differences = power::Power::new(platform)
        .check_year_end_summary(year)
        .await
        .map_err(|e| e.to_string())?;
    if differences.is_empty() {
        println!("{year}年末权责清单汇总与重新统计一致");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{year}年末权责清单汇总与重新统计有{}处不一致，已按重新统计更正：",
        differences.len()
    );
    for d in &differences {
        println!("  {d}");
    }
    Ok(ExitCode::from(1))
}
