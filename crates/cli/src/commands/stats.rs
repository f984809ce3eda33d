//! `fazhi stats MODULE --year Y [--org NAME] --json` (DESIGN §4.5): one JSON object of the
//! module's figures; the annual report uses exactly these.

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
    let (value, definitions): (serde_json::Value, Vec<(String, String)>) = match module {
        "power" => {
            let stats = power::Power::new(platform)
                .stats(year, org.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            (
                serde_json::to_value(stats).map_err(|e| e.to_string())?,
                power::DEFINITIONS
                    .iter()
                    .map(|(k, d)| (k.to_string(), d.to_string()))
                    .collect(),
            )
        }
        "reconsideration" => {
            let module = reconsideration::Reconsideration::new(platform);
            let stats = module
                .stats(year, org.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            let definitions = module.definitions().await.map_err(|e| e.to_string())?;
            (
                serde_json::to_value(stats).map_err(|e| e.to_string())?,
                definitions
                    .into_iter()
                    .map(|d| (d.key.to_string(), d.text))
                    .collect(),
            )
        }
        "mediation" => {
            let stats = mediation::Mediation::new(platform)
                .stats(year, org.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            (
                serde_json::to_value(stats).map_err(|e| e.to_string())?,
                mediation::DEFINITIONS
                    .iter()
                    .map(|(k, d)| (k.to_string(), d.to_string()))
                    .collect(),
            )
        }
        other => {
            return Err(format!(
                "未知的模块“{other}”（可用：power、reconsideration、mediation）"
            ));
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{module} {year}{}",
        org.map(|o| format!("（{}）", o.name)).unwrap_or_default()
    );
    for (key, definition) in definitions {
        println!(
            "{key} = {}\n    {definition}",
            value
                .get(key.as_str())
                .map(|v| v.to_string())
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
