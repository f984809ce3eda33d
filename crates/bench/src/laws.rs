//! The law base's figures (issue 3), beside peers in the same run:
//! - import + index of the whole corpus (target < 60 s), and the index size;
//! - query latency p50/p99 over 1,000 mixed queries (target p99 < 20 ms) for fazhi's index,
//!   SQLite FTS5 with the trigram tokenizer (bundled SQLite) and a brute-force scan over the same
//!   texts, with each one's recall against the scan.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use db::{DatabaseUrl, Db};
use kernel::crypto::SealKey;
use laws::Laws;
use platform::{Actor, Platform};
use search::{Search, SearchQuery};

use crate::rng::Rng;

fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// 1,000 queries: substrings of 1–6 characters of random articles, two-word queries, article
/// numbers (第二十条), and pieces with digits.
fn queries(bodies: &[String], n: usize) -> Vec<String> {
    let mut rng = Rng(0x00fa_2b1e);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let body: Vec<char> = bodies[rng.next(bodies.len())].chars().collect();
        if body.len() < 12 {
            continue;
        }
        let kind = out.len() % 10;
        let piece = |rng: &mut Rng, len: usize| -> String {
            let start = rng.next(body.len() - len);
            body[start..start + len].iter().collect()
        };
        let q = match kind {
            0 => piece(&mut rng, 1),
            1 | 2 => piece(&mut rng, 2),
            3 | 4 => piece(&mut rng, 3),
            5 | 6 => {
                let len = 4 + rng.next(3);
                piece(&mut rng, len)
            }
            7 => format!("{} {}", piece(&mut rng, 2), piece(&mut rng, 2)),
            8 => format!("第{}条", laws::numerals::write(1 + rng.next(120) as u32)),
            _ => match body.iter().position(|c| c.is_ascii_digit()) {
                Some(i) => body[i.saturating_sub(1)..(i + 3).min(body.len())]
                    .iter()
                    .collect(),
                None => piece(&mut rng, 3),
            },
        };
        out.push(q);
    }
    out
}

struct Latencies(Vec<f64>);

impl Latencies {
    fn percentile(&self, p: f64) -> f64 {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return 0.0;
        }
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i]
    }
}

fn fts_phrase(q: &str) -> String {
    q.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn run(corpus: &Path, out: &Path) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let dir = tempfile::tempdir().map_err(|x| e(&x))?;
    let db = Db::open(&DatabaseUrl::sqlite_file(&dir.path().join("fazhi.db")))
        .await
        .map_err(|x| e(&x))?;
    let sources = search::Sources::new(Platform::new(db.clone(), SealKey::generate()));
    let laws: Laws = sources.laws.clone();

    eprintln!("importing {} …", corpus.display());
    let started = Instant::now();
    let summary = laws
        .import_corpus(&Actor::cli("bench"), corpus, &mut ())
        .await
        .map_err(|x| e(&x))?;
    let import_s = started.elapsed().as_secs_f64();
    let index = Search::open(&dir.path().join("search-index")).map_err(|x| e(&x))?;
    let started = Instant::now();
    index.catch_up(&sources).await.map_err(|x| e(&x))?;
    let index_s = started.elapsed().as_secs_f64();
    let size_mb = index.size_on_disk() as f64 / 1_048_576.0;

    eprintln!("reading the texts back …");
    let today = kernel::time::china_today();
    let mut bodies = Vec::new();
    for law in laws.laws().await.map_err(|x| e(&x))? {
        for d in laws
            .index_documents(&law.id, today)
            .await
            .map_err(|x| e(&x))?
        {
            bodies.push(normalise(&format!(
                "{} {}",
                d.article.label,
                d.article.text()
            )));
        }
    }

    eprintln!("building the FTS5 trigram peer …");
    let fts = Db::connect(&DatabaseUrl::sqlite_file(&dir.path().join("fts.db")))
        .await
        .map_err(|x| e(&x))?;
    fts.upkeep(|tx| {
        Box::pin(async move {
            tx.conn()
                .batch("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize = 'trigram')")
                .await
        })
    })
    .await
    .map_err(|x| e(&x))?;
    let started = Instant::now();
    let rows = bodies.clone();
    fts.upkeep(move |tx| {
        Box::pin(async move {
            for (i, b) in rows.iter().enumerate() {
                db::query("INSERT INTO fts (rowid, body) VALUES ($1, $2)")
                    .bind(i as i64 + 1)
                    .bind(b)
                    .execute(tx.conn())
                    .await?;
            }
            Ok(())
        })
    })
    .await
    .map_err(|x| e(&x))?;
    let fts_build_s = started.elapsed().as_secs_f64();

    let mut fts_conn = fts.conn().await.map_err(|x| e(&x))?;
    let qs = queries(&bodies, 1000);
    eprintln!("running {} queries on each …", qs.len());
    let (mut fazhi_t, mut fts_t, mut scan_t) =
        (Latencies(vec![]), Latencies(vec![]), Latencies(vec![]));
    let (mut wanted, mut fazhi_found, mut fts_found) = (0usize, 0usize, 0usize);
    for q in &qs {
        let words: Vec<String> = q.split_whitespace().map(normalise).collect();
        // The scan is the ground truth.
        let started = Instant::now();
        let truth = bodies
            .iter()
            .filter(|b| words.iter().all(|w| b.contains(w.as_str())))
            .count();
        scan_t.0.push(started.elapsed().as_secs_f64() * 1000.0);
        wanted += truth;

        let started = Instant::now();
        let _top = index
            .search(&SearchQuery {
                current_only: false,
                ..SearchQuery::new(q)
            })
            .map_err(|x| e(&x))?;
        fazhi_t.0.push(started.elapsed().as_secs_f64() * 1000.0);
        fazhi_found += index.count_in_bodies(q).map_err(|x| e(&x))?.min(truth);

        let started = Instant::now();
        let _top: Vec<i64> =
            db::query_scalar("SELECT rowid FROM fts WHERE fts MATCH $1 ORDER BY rank LIMIT 10")
                .bind(fts_phrase(q))
                .fetch_all(&mut fts_conn)
                .await
                .unwrap_or_default();
        fts_t.0.push(started.elapsed().as_secs_f64() * 1000.0);
        let count: i64 = db::query_scalar("SELECT COUNT(*) FROM fts WHERE fts MATCH $1")
            .bind(fts_phrase(q))
            .fetch_one(&mut fts_conn)
            .await
            .unwrap_or(0);
        fts_found += (count as usize).min(truth);
    }
    let recall = |found: usize| {
        if wanted == 0 {
            1.0
        } else {
            found as f64 / wanted as f64
        }
    };

    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured by `scripts/bench laws` on {today}, {} documents (articles of every version).\n",
        bodies.len()
    );
    let _ = writeln!(md, "| figure | fazhi | peer | target |");
    let _ = writeln!(md, "|---|---|---|---|");
    let _ = writeln!(
        md,
        "| import + index of the corpus ({} files, {} versions, {} articles) | {:.1} s (import {:.1} s + index {:.1} s) | FTS5 trigram build {:.1} s | < 60 s |",
        summary.files,
        summary.versions_created,
        summary.articles_written,
        import_s + index_s,
        import_s,
        index_s,
        fts_build_s
    );
    let fts_size = std::fs::metadata(dir.path().join("fts.db"))
        .map(|m| m.len())
        .unwrap_or(0) as f64
        / 1_048_576.0;
    let _ = writeln!(
        md,
        "| index size | {size_mb:.1} MB | FTS5 trigram {fts_size:.1} MB | — |"
    );
    let _ = writeln!(
        md,
        "\n| engine | p50 | p99 | recall over {} queries ({} expected matches) |",
        qs.len(),
        wanted
    );
    let _ = writeln!(md, "|---|---|---|---|");
    let row = |name: &str, t: &Latencies, r: f64| {
        format!(
            "| {name} | {:.2} ms | {:.2} ms | {:.3} |",
            t.percentile(0.5),
            t.percentile(0.99),
            r
        )
    };
    let _ = writeln!(
        md,
        "{}",
        row(
            "fazhi (tantivy, character phrases, top 10 by BM25)",
            &fazhi_t,
            recall(fazhi_found)
        )
    );
    let _ = writeln!(
        md,
        "{}",
        row(
            "SQLite FTS5 trigram (MATCH, top 10 by rank)",
            &fts_t,
            recall(fts_found)
        )
    );
    let _ = writeln!(
        md,
        "{}",
        row("brute-force scan (all matches)", &scan_t, 1.0)
    );
    let _ = writeln!(
        md,
        "\nFTS5's trigram tokenizer cannot match queries shorter than three characters, hence its recall."
    );
    println!("{md}");
    crate::timing::write_section(out, "法规库", "法规库 (issue 3)", &md)?;
    Ok(())
}
