//! `fazhi search QUERY` (law articles, or with `--power` the power items in force today) and
//! `fazhi search reindex`.

use std::process::ExitCode;
use std::time::Instant;

use laws::LawLevel;
use search::{Search, SearchQuery, Sources};

use crate::context::Context;

pub struct Args {
    pub query: String,
    pub limit: usize,
    pub all_versions: bool,
    pub level: Option<String>,
    pub law: Option<String>,
    pub power: bool,
    pub json: bool,
}

/// Brings this data directory's index up to the audit log; says so when a running server holds
/// the index (it follows the log itself).
pub async fn follow(context: &Context) {
    let started = Instant::now();
    let index = match context.search_index() {
        Ok(index) => index,
        Err(e) => return eprintln!("搜索索引未更新：{e}"),
    };
    let sources = match context.platform().await {
        Ok(platform) => Sources::new(platform),
        Err(e) => return eprintln!("搜索索引未更新：{e}"),
    };
    match index.catch_up(&sources).await {
        Ok(0) => {}
        Ok(n) => eprintln!(
            "搜索索引已更新：重新索引{n}部法律法规或权力事项，索引共{}条，{:.1}MB，用时{:.1}秒",
            index.documents(),
            index.size_on_disk() as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("搜索索引未更新：{e}"),
    }
}

pub async fn run(context: &Context, args: Args) -> Result<ExitCode, String> {
    let sources = Sources::new(context.platform().await?);
    let laws = &sources.laws;
    if args.query == "reindex" {
        let index: Search = context.search_index()?;
        let started = Instant::now();
        let n = index
            .rebuild(&sources, kernel::time::china_today())
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "搜索索引已重建：{n}条，{:.1}MB，用时{:.1}秒",
            index.size_on_disk() as f64 / 1_048_576.0,
            started.elapsed().as_secs_f64()
        );
        return Ok(ExitCode::SUCCESS);
    }
    follow(context).await;
    let index = context.search_index()?;
    let level = match &args.level {
        Some(l) => Some(
            LawLevel::from_code(l)
                .ok_or_else(|| format!("未知的效力层级“{l}”"))?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let law_id = match &args.law {
        Some(name) => Some(
            laws.law_named(name)
                .await
                .map_err(|e| e.to_string())?
                .id
                .to_string(),
        ),
        None => None,
    };
    let (kind, as_of) = if args.power {
        (search::POWER_ITEM, Some(kernel::time::china_today()))
    } else {
        (search::LAW_ARTICLE, None)
    };
    let query = SearchQuery {
        kind: Some(kind.to_string()),
        as_of,
        limit: args.limit,
        current_only: !args.all_versions,
        level,
        law_id,
        ..SearchQuery::new(&args.query)
    };
    let results = index.search(&query).map_err(|e| e.to_string())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&results.hits).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(note) = &results.note {
        eprintln!("{note}");
    }
    println!("共{}条结果", results.total);
    for hit in &results.hits {
        println!(
            "{}（{}{}） {:.2}\n    {}",
            hit.title,
            if args.power { &hit.law } else { &hit.version },
            if args.power { "" } else { "版" },
            hit.score,
            hit.snippet
        );
    }
    Ok(ExitCode::SUCCESS)
}
