//! Search over the whole corpus of ../shared/laws: recall against a brute-force scan, known
//! items ranked first, bad input answered sensibly, and the index following the audit log.

use std::path::PathBuf;

use chrono::NaiveDate;
use kernel::crypto::SealKey;
use platform::{Actor, Platform};
use search::{Search, SearchQuery, Sources};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/laws")
}

/// A deterministic pseudo-random sequence (xorshift), so the sampled queries are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What the index searches, as the brute-force scan sees it: lower-cased, whitespace removed.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_corpus_is_found_completely_and_ranked_sensibly() {
    let t = testkit::sqlite().await;
    let sources = Sources::new(Platform::new(t.db.clone(), SealKey::generate()));
    let laws = sources.laws.clone();
    laws.import_corpus(&Actor::cli("test"), &corpus(), &mut ())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = Search::open(dir.path()).unwrap();
    let reindexed = index.catch_up(&sources).await.unwrap();
    assert!(reindexed > 3000, "{reindexed} laws indexed");

    // Every document as the brute-force scan sees it.
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut bodies: Vec<String> = Vec::new();
    for law in laws.laws().await.unwrap() {
        for d in laws.index_documents(&law.id, today).await.unwrap() {
            bodies.push(normalise(&format!(
                "{} {}",
                d.article.label,
                d.article.text()
            )));
        }
    }
    assert_eq!(index.documents() as usize, bodies.len());

    // Sampled queries of 1, 2, 3, 4–8 characters, with digits, and 第二十条-style.
    let mut rng = Rng(0x5eed_f00d);
    let mut queries: Vec<String> = Vec::new();
    for len in [1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 8] {
        for _ in 0..4 {
            let body: Vec<char> = bodies[rng.next(bodies.len())].chars().collect();
            if body.len() > len {
                let start = rng.next(body.len() - len);
                queries.push(body[start..start + len].iter().collect());
            }
        }
    }
    for body in bodies
        .iter()
        .filter(|b| b.chars().any(|c| c.is_ascii_digit()))
        .take(400)
        .step_by(50)
    {
        let chars: Vec<char> = body.chars().collect();
        if let Some(i) = chars.iter().position(|c| c.is_ascii_digit()) {
            queries.push(
                chars[i.saturating_sub(2)..(i + 3).min(chars.len())]
                    .iter()
                    .collect(),
            );
        }
    }
    queries.extend(
        [
            "第二十条",
            "第一百零五条",
            "第三条之一",
            "2021年1月1日",
            "5日",
            "（三）",
        ]
        .map(String::from),
    );
    for q in &queries {
        let wanted = normalise(q);
        let brute = bodies.iter().filter(|b| b.contains(&wanted)).count();
        let found = index.count_in_bodies(q).unwrap();
        assert_eq!(
            found, brute,
            "recall and precision for “{q}”: index {found}, scan {brute}"
        );
    }
    // For one query the very same documents, not only as many.
    let ids = index.ids_in_bodies("申请期限").unwrap();
    assert_eq!(
        ids.len(),
        bodies.iter().filter(|b| b.contains("申请期限")).count()
    );

    // Known items rank first.
    let first = |q: &str| {
        index
            .search(&SearchQuery::new(q))
            .unwrap()
            .hits
            .into_iter()
            .next()
            .map(|h| (h.law, h.article))
    };
    assert_eq!(
        first("行政复议 申请期限"),
        Some(("行政复议法".into(), "第二十条".into()))
    );
    assert_eq!(
        first("法制审核"),
        Some(("行政处罚法".into(), "第五十八条".into()))
    );
    let review = index
        .search(&SearchQuery::new("行政复议 申请期限"))
        .unwrap();
    assert_eq!(review.hits[0].version, "2023-09-01", "the version in force");
    assert!(review.hits[0].snippet.contains('【'));

    // Filters: one law, one level, history included.
    let law = laws.law_named("行政复议法").await.unwrap();
    let only = index
        .search(&SearchQuery {
            law_id: Some(law.id.to_string()),
            limit: 100,
            ..SearchQuery::new("申请")
        })
        .unwrap();
    assert!(only.total > 0 && only.hits.iter().all(|h| h.law == "行政复议法"));
    let history = index
        .search(&SearchQuery {
            current_only: false,
            law_id: Some(law.id.to_string()),
            limit: 100,
            ..SearchQuery::new("申请期限")
        })
        .unwrap();
    assert!(
        history.hits.iter().any(|h| h.version == "2017-09-01"),
        "history on request"
    );
    let level = index
        .search(&SearchQuery {
            level: Some("administrative_regulation".into()),
            limit: 50,
            ..SearchQuery::new("行政复议")
        })
        .unwrap();
    assert!(
        level.total > 0
            && level
                .hits
                .iter()
                .all(|h| h.level == "administrative_regulation")
    );

    // Bad input: an answer, never an error.
    for q in ["，。、", "《", "AND OR NOT \"title:(", "*", "", "   "] {
        let r = index.search(&SearchQuery::new(q)).unwrap();
        if q.trim().is_empty() {
            assert!(r.note.is_some() && r.hits.is_empty());
        }
    }
    let long = index
        .search(&SearchQuery::new(&"法".repeat(10_000)))
        .unwrap();
    assert!(long.note.unwrap().contains("查询过长"));

    // The index follows the audit log: a repeal takes the law out of current results.
    let permits = laws.law_named("行政许可法").await.unwrap();
    let before = index
        .search(&SearchQuery {
            law_id: Some(permits.id.to_string()),
            ..SearchQuery::new("许可")
        })
        .unwrap()
        .total;
    assert!(before > 0);
    laws.record_repeal(
        &Actor::cli("test"),
        &permits.id,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        None,
        "测试",
    )
    .await
    .unwrap();
    assert_eq!(
        index.catch_up(&sources).await.unwrap(),
        1,
        "one law touched"
    );
    let after = index
        .search(&SearchQuery {
            law_id: Some(permits.id.to_string()),
            ..SearchQuery::new("许可")
        })
        .unwrap()
        .total;
    assert_eq!(after, 0, "no longer in force");
    assert_eq!(index.catch_up(&sources).await.unwrap(), 0, "nothing new");

    // Dropped and rebuilt, it holds the same documents.
    let count = index.documents();
    let rebuilt = index.rebuild(&sources, today).await.unwrap();
    assert_eq!(rebuilt, count);
    assert_eq!(index.documents(), count);
    let reopened = Search::open(dir.path()).unwrap();
    assert_eq!(
        reopened.applied_seq().unwrap(),
        db::audit::head(&t.db).await.unwrap().0
    );
    t.finish().await;
}
