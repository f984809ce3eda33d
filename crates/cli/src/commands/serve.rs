//! `fazhi serve` and `fazhi demo`.

use std::process::ExitCode;
use std::time::Instant;

use platform::Platform;

use crate::context::Context;
use crate::demo;

/// Loads the demo district when the database has no organisation; prints the logins.
async fn load_demo(context: &Context, platform: &Platform) -> Result<bool, String> {
    if !platform
        .directory()
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
    {
        return Ok(false);
    }
    let (logins, password) = demo::load(platform, &context.actor()).await?;
    load_demo_laws(context, platform).await;
    match demo::power::load(platform, &context.actor(), &password).await {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("权责清单演示数据未载入：{e}"),
    }
    match demo::reconsideration::load(platform, &password).await {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("行政复议演示数据未载入：{e}"),
    }
    match demo::mediation::load(platform, &context.actor()).await {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("人民调解演示数据未载入：{e}"),
    }
    match demo::enforcement::load(platform, &context.actor()).await {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("行政执法演示数据未载入：{e}"),
    }
    match demo::report::load(platform, &password).await {
        Ok(summary) => println!("{summary}"),
        Err(e) => println!("年度报告演示数据未载入：{e}"),
    }
    super::search::follow(context).await;
    let path = context.data_dir.join("demo-logins.txt");
    let mut text = format!(
        "演示区：常州市{}（320411）\n各角色登录账户，密码均为：{password}\n",
        demo::DISTRICT
    );
    for l in &logins {
        text.push_str(&format!(
            "  {:<10} {}{} {}\n",
            l.username,
            l.role,
            pad(l.role, 18),
            l.org
        ));
    }
    println!("{text}（以上账户信息已写入 {}）", path.display());
    std::fs::create_dir_all(&context.data_dir).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    Ok(true)
}

/// The law corpus for the demo: FAZHI_LAWS_CORPUS, or ../shared/laws when it is there.
fn demo_corpus() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var("FAZHI_LAWS_CORPUS")
            .ok()
            .map(std::path::PathBuf::from),
        Some("../shared/laws".into()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("db.sqlite3").exists())
}

/// Fills the demo's 法规库 from the corpus when one is at hand; says how otherwise.
async fn load_demo_laws(context: &Context, platform: &Platform) {
    let laws = laws::Laws::new(platform.clone());
    let Some(corpus) = demo_corpus() else {
        println!(
            "法规库为空：可用 fazhi laws import 目录 导入法规语料（或设置 FAZHI_LAWS_CORPUS）"
        );
        if let Err(e) = laws.ensure_facts(&context.actor()).await {
            println!("法规库的废止事实未载入：{e}");
        }
        return;
    };
    println!("正在导入法规语料 {} …", corpus.display());
    match laws.import_corpus(&context.actor(), &corpus, &mut ()).await {
        Ok(s) => println!(
            "法规库：{}个版本，{}条",
            s.versions_created, s.articles_written
        ),
        Err(e) => println!("法规语料未导入：{e}"),
    }
}

/// Spaces that bring `text` to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    " ".repeat(width.saturating_sub(used))
}

pub async fn demo(context: &Context) -> Result<ExitCode, String> {
    let platform = context.platform().await?;
    if !load_demo(context, &platform).await? {
        return Err(
            "数据库中已有机构，演示区只能载入空数据库（可用 --data-dir 指定另一个数据目录）".into(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(
    context: &Context,
    addr: &str,
    with_demo: bool,
    secure_cookies: bool,
) -> Result<ExitCode, String> {
    let started = Instant::now();
    let platform = context.platform().await?;
    if with_demo && !load_demo(context, &platform).await? {
        println!(
            "数据库中已有数据，未重复载入演示区（账户见 {}）",
            context.data_dir.join("demo-logins.txt").display()
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("无法监听 {addr}：{e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(addr = %local, database = %platform.db().url(), startup_ms = started.elapsed().as_millis() as u64, "fazhi is serving");
    println!("fazhi 已启动：http://{local}/ （政务公开：http://{local}/gongkai）");
    let index = context.search_index()?;
    let state = web::AppState::new(
        platform.clone(),
        index,
        web::WebConfig {
            secure_cookies,
            ..Default::default()
        },
    );
    web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    platform.db().close().await;
    println!("fazhi 已停止");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
