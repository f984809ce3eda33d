//! `fazhi-bench hostile`: the server under the worst uploads and heavy requests we can build
//! (issue 16, build 1). A real `fazhi serve` process over the demo district; for `--seconds`, 32
//! clients send, over and over, a 1.5 KB workbook with a cell at XFD1048576, a 1 MB workbook that
//! unpacks to 1 GB, a 1,000,001-row CSV, ledger exports and the power list's two-date comparison,
//! while one more client asks `/healthz` every 20 ms. Reported: the server's private memory
//! (RssAnon) at its peak, `/healthz` p50/p99/max, and how the heavy requests were answered.
//! Targets: private memory under 300 MB, `/healthz` p99 under 100 ms.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

fn private_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// 1.5 KB: a title cell at A1 and one cell at XFD1048576.
fn far_corner() -> Result<Vec<u8>, String> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "事项编码").map_err(|x| e(&x))?;
    sheet.write(1_048_575, 16_383, "x").map_err(|x| e(&x))?;
    book.save_to_buffer().map_err(|x| e(&x))
}

/// About 1 MB packed, 1 GiB unpacked: a sheet of one cell followed by a gigabyte of spaces.
fn zip_bomb() -> Result<Vec<u8>, String> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    let small = |out: &mut zip::ZipWriter<_>, name: &str, text: &str| -> Result<(), String> {
        out.start_file(name, options).map_err(|x| e(&x))?;
        out.write_all(text.as_bytes()).map_err(|x| e(&x))
    };
    small(
        &mut out,
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    )?;
    small(
        &mut out,
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    )?;
    small(
        &mut out,
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    )?;
    small(
        &mut out,
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    )?;
    out.start_file("xl/worksheets/sheet1.xml", options)
        .map_err(|x| e(&x))?;
    out.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#)
        .map_err(|x| e(&x))?;
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        out.write_all(&spaces).map_err(|x| e(&x))?;
    }
    out.write_all(b"</sheetData></worksheet>")
        .map_err(|x| e(&x))?;
    Ok(out.finish().map_err(|x| e(&x))?.into_inner())
}

/// 1,000,001 data rows of the power list in under the 20 MB upload limit (about 17 MB), so
/// that it is the reader's row count, not the size limit, that refuses it.
fn million_rows() -> Vec<u8> {
    let mut csv = String::from("事项编码,事项名称,事项类型,实施主体,设定依据,实施层级\n");
    for i in 0..1_000_001u32 {
        csv.push_str(&format!("{i},a,b,c,d,e\n"));
    }
    csv.into_bytes()
}

async fn login(base: &str, password: &str) -> Result<reqwest::Client, String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|x| e(&x))?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|x| e(&x))?
        .text()
        .await
        .map_err(|x| e(&x))?;
    let marker = "name=\"_csrf\" value=\"";
    let start = page.find(marker).ok_or("no CSRF field on the login page")? + marker.len();
    let csrf = page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let signed_in = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", "sfj"),
            ("password", password),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .map_err(|x| e(&x))?;
    if !signed_in.status().is_success() {
        return Err(format!("login: {}", signed_in.status()));
    }
    Ok(client)
}

pub async fn run(fazhi: &Path, seconds: u64, out: &Path) -> Result<(), String> {
    let (dir, db, password, _) = crate::report::demo_db(fazhi).await?;
    db.close().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").map_err(|x| e(&x))?;
        probe.local_addr().map_err(|x| e(&x))?.port()
    };
    let mut server = std::process::Command::new(fazhi)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("FAZHI_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|x| format!("{}: {x}", fazhi.display()))?;
    let pid = server.id();
    let base = format!("http://127.0.0.1:{port}");
    let result = load(&base, pid, &password, seconds).await;
    server.kill().ok();
    server.wait().ok();
    let report = result?;
    println!("{report}");
    crate::timing::write_section(
        out,
        "Hostile uploads",
        "Hostile uploads and heavy requests (issue 16)",
        &report,
    )
}

async fn load(base: &str, pid: u32, password: &str, seconds: u64) -> Result<String, String> {
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let idle = private_kib(pid);
    let files: Arc<Vec<(&str, &str, Vec<u8>)>> = Arc::new(vec![
        ("单元格在XFD1048576的工作簿", "台账.xlsx", far_corner()?),
        ("解压后1 GB的工作簿", "台账.xlsx", zip_bomb()?),
        ("1,000,001行的CSV", "台账.csv", million_rows()),
    ]);
    let sizes: Vec<String> = files
        .iter()
        .map(|(what, _, bytes)| format!("{what} {:.1} KB", bytes.len() as f64 / 1024.0))
        .collect();
    let client = login(base, password).await?;
    let csrf: serde_json::Value = client
        .get(format!("{base}/api/v1/me"))
        .send()
        .await
        .map_err(|x| e(&x))?
        .json()
        .await
        .map_err(|x| e(&x))?;
    let csrf = csrf["csrf_token"].as_str().unwrap_or_default().to_string();

    let peak = Arc::new(AtomicU64::new(idle));
    let stop_at = Instant::now() + Duration::from_secs(seconds);
    let watcher = {
        let peak = peak.clone();
        tokio::spawn(async move {
            while Instant::now() < stop_at + Duration::from_secs(5) {
                peak.fetch_max(private_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let mut heavy = Vec::new();
    for worker in 0..32usize {
        let (client, base, csrf, files) = (
            client.clone(),
            base.to_string(),
            csrf.clone(),
            files.clone(),
        );
        heavy.push(tokio::spawn(async move {
            let mut answered: Vec<(String, u16)> = Vec::new();
            let mut round = 0usize;
            while Instant::now() < stop_at {
                let pick = (worker + round) % 5;
                round += 1;
                let (what, response) = match pick {
                    0..=2 => {
                        let (what, name, bytes) = &files[pick];
                        let form = reqwest::multipart::Form::new()
                            .part(
                                "file",
                                reqwest::multipart::Part::bytes(bytes.clone())
                                    .file_name(name.to_string()),
                            )
                            .text("kind", "power-items")
                            .text("mode", "preview");
                        let r = client
                            .post(format!("{base}/power/import?_csrf={csrf}"))
                            .multipart(form)
                            .send()
                            .await;
                        (what.to_string(), r)
                    }
                    3 => (
                        "权责清单台账导出".to_string(),
                        client
                            .get(format!("{base}/power/export.xlsx?kind=power-items"))
                            .send()
                            .await,
                    ),
                    _ => (
                        "权责清单两日对比".to_string(),
                        client
                            .get(format!(
                                "{base}/power/compare?from=2019-12-31&to=2020-12-31"
                            ))
                            .send()
                            .await,
                    ),
                };
                let status = match response {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let _ = r.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                answered.push((what, status));
            }
            answered
        }));
    }
    let mut health = Vec::new();
    let probe = reqwest::Client::new();
    while Instant::now() < stop_at {
        let asked = Instant::now();
        let ok = probe
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        health.push((asked.elapsed().as_secs_f64() * 1000.0, ok));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut outcomes: std::collections::BTreeMap<(String, u16), usize> = Default::default();
    for task in heavy {
        for (what, status) in task.await.map_err(|x| e(&x))? {
            *outcomes.entry((what, status)).or_default() += 1;
        }
    }
    watcher.await.map_err(|x| e(&x))?;
    let mut times: Vec<f64> = health.iter().map(|(ms, _)| *ms).collect();
    times.sort_by(f64::total_cmp);
    let quantile = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let failed = health.iter().filter(|(_, ok)| !ok).count();
    let peak_mib = peak.load(Ordering::Relaxed) as f64 / 1024.0;
    let mut report = format!(
        "Measured by `scripts/bench hostile --seconds {seconds}` on {}: a `fazhi serve` process over the demo district; 32 clients for {seconds} s, each sending in turn {} to the power list's import page (preview), a ledger export and the two-date comparison, logged in as the 司法局's officer; one more client asking `/healthz` every 20 ms. Targets: private memory under 300 MB; `/healthz` p99 under 100 ms.\n\n",
        chrono::Local::now().format("%Y-%m-%d"),
        sizes.join("、"),
    );
    report.push_str("| measure | value |\n|---|---|\n");
    report.push_str(&format!(
        "| server private memory (RssAnon): idle → peak | {:.0} MiB → **{peak_mib:.0} MiB** |\n",
        idle as f64 / 1024.0
    ));
    report.push_str(&format!(
        "| `/healthz` answered ({} asked, {failed} failed): p50 / p99 / max | {:.1} / **{:.1}** / {:.1} ms |\n",
        times.len(),
        quantile(0.5),
        quantile(0.99),
        times.last().copied().unwrap_or(0.0)
    ));
    report.push_str(
        "\nHow the heavy requests were answered:\n\n| request | status | count |\n|---|---|---|\n",
    );
    for ((what, status), count) in &outcomes {
        report.push_str(&format!("| {what} | {status} | {count} |\n"));
    }
    Ok(report)
}
