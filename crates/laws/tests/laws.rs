//! The law base on SQLite and PostgreSQL, over parts of the real corpus in ../shared/laws.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kernel::crypto::SealKey;
use laws::diff::ChangeKind;
use laws::{ArticleNo, LawStatus, Laws, Resolution};
use platform::{Actor, Platform};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/laws")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small corpus in a temporary directory, in the corpus's own layout: the files tests need
/// and the metadata database.
fn mirror(dir: &Path, files: &[&str]) {
    for file in files.iter().chain(&["db.sqlite3"]) {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(corpus().join(file), &to).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

const FILES: &[&str] = &[
    "行政法/行政许可法(2019-04-23).md",
    "行政法/行政处罚法(2021-01-22).md",
    "诉讼与非诉讼程序法/行政复议法(2017-09-01).md",
    "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "行政法规/行政复议法实施条例(2007-05-29).md",
    "民法典/总则.md",
    "民法典/物权编.md",
    "民法典/附则.md",
];

fn cli() -> Actor {
    Actor::cli("test")
}

async fn base(t: &testkit::TestDb) -> (Laws, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    mirror(dir.path(), FILES);
    let laws = Laws::new(Platform::new(t.db.clone(), SealKey::generate()));
    laws.import_corpus(&cli(), dir.path(), &mut ())
        .await
        .unwrap();
    (laws, dir)
}

#[tokio::test]
async fn the_import_is_idempotent_and_audited() {
    for t in testkit::backends().await {
        let dir = tempfile::tempdir().unwrap();
        mirror(dir.path(), FILES);
        let laws = Laws::new(Platform::new(t.db.clone(), SealKey::generate()));
        let first = laws
            .import_corpus(&cli(), dir.path(), &mut ())
            .await
            .unwrap();
        assert_eq!(first.files, 8, "{}", t.name());
        assert_eq!(
            first.versions_created, 6,
            "the 民法典's parts are one version: {first:?}"
        );
        assert!(first.skipped.is_empty(), "{:?}", first.skipped);
        let again = laws
            .import_corpus(&cli(), dir.path(), &mut ())
            .await
            .unwrap();
        assert_eq!(
            (
                again.versions_created,
                again.versions_updated,
                again.versions_unchanged,
                again.laws_created
            ),
            (0, 0, 6, 0)
        );
        let civil = laws.law_named("中华人民共和国民法典").await.unwrap();
        let versions = laws.versions(&civil.id).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(
            versions[0].effective_on,
            d("2021-01-01"),
            "from the 施行 line"
        );
        let articles = laws.articles(&versions[0].id).await.unwrap();
        assert_eq!(articles.first().unwrap().no, ArticleNo::new(1));
        assert_eq!(articles.last().unwrap().no, ArticleNo::new(1260));
        let review = laws.law_named("行政复议法").await.unwrap();
        assert_eq!(review.issuer.as_deref(), Some("全国人民代表大会常务委员会"));
        let versions = laws.versions(&review.id).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.effective_on).collect::<Vec<_>>(),
            [d("2018-01-01"), d("2024-01-01")]
        );
        assert_eq!(versions[0].superseded_on, Some(d("2024-01-01")));
        // A newer corpus adds versions: here, a corrected text replaces its version.
        let file = dir.path().join("行政法/行政许可法(2019-04-23).md");
        let text =
            std::fs::read_to_string(&file)
                .unwrap()
                .replacen("第一条 ", "第一条 （订正）", 1);
        std::fs::write(&file, text).unwrap();
        let corrected = laws
            .import_corpus(&cli(), dir.path(), &mut ())
            .await
            .unwrap();
        assert_eq!(
            (corrected.versions_updated, corrected.versions_unchanged),
            (1, 5)
        );
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn a_file_that_cannot_be_read_is_listed_and_skipped() {
    let t = testkit::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    mirror(dir.path(), &["行政法/行政许可法(2019-04-23).md"]);
    std::fs::write(
        dir.path().join("行政法/坏文件(2020-01-01).md"),
        "没有标题也没有文件头",
    )
    .unwrap();
    let marker = ["<!-- INFO", " END -->"].concat();
    std::fs::write(
        dir.path().join("行政法/无日期.md"),
        format!("# 无日期的规定\n\n{marker}\n\n第一条 内容。\n"),
    )
    .unwrap();
    let laws = Laws::new(Platform::new(t.db.clone(), SealKey::generate()));
    let summary = laws
        .import_corpus(&cli(), dir.path(), &mut ())
        .await
        .unwrap();
    assert_eq!(summary.versions_created, 1);
    let reasons: Vec<(&str, &str)> = summary
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p.contains("坏文件") && r.contains("文件头"))
    );
    assert!(
        reasons
            .iter()
            .any(|(p, r)| p.contains("无日期") && r.contains("版本日期"))
    );
    t.finish().await;
}

#[tokio::test]
async fn citations_resolve_to_the_version_in_force() {
    for t in testkit::backends().await {
        let (laws, _dir) = base(&t).await;
        laws.ensure_facts(&cli()).await.unwrap();
        let today = d("2026-11-27");
        let r = laws
            .resolve(
                "《中华人民共和国行政许可法》第十二条、第十四条第一款",
                today,
            )
            .await
            .unwrap();
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|x| x.status == Resolution::Resolved), "{r:?}");
        assert_eq!(
            (r[1].law.as_deref(), r[1].article_number, r[1].paragraph),
            (Some("行政许可法"), Some(14), Some(1))
        );
        assert!(
            r[1].text
                .as_deref()
                .unwrap()
                .starts_with("本法第十二条所列事项"),
            "{:?}",
            r[1].text
        );

        let old = laws
            .resolve("行政复议法第九条", d("2020-06-01"))
            .await
            .unwrap();
        assert_eq!(
            (old[0].status, old[0].version.as_deref()),
            (Resolution::Resolved, Some("2017-09-01"))
        );
        let new = laws
            .resolve("行政复议法第九条", d("2024-06-01"))
            .await
            .unwrap();
        assert_eq!(new[0].version.as_deref(), Some("2023-09-01"));

        let contract = laws.resolve("《合同法》第五十二条", today).await.unwrap();
        assert_eq!(contract[0].status, Resolution::Unresolved);
        assert!(
            contract[0]
                .reason
                .as_deref()
                .unwrap()
                .contains("已于2021-01-01废止"),
            "{contract:?}"
        );
        let beyond = laws
            .resolve("《行政复议法》第九十一条", today)
            .await
            .unwrap();
        assert!(
            beyond[0]
                .reason
                .as_deref()
                .unwrap()
                .contains("最后一条（第九十条）"),
            "{beyond:?}"
        );
        let unknown = laws.resolve("《不存在的法》第一条", today).await.unwrap();
        assert!(
            unknown[0]
                .reason
                .as_deref()
                .unwrap()
                .contains("法规库中没有")
        );
        let items = laws
            .resolve("《行政处罚法》第五十八条第一款第（三）项", today)
            .await
            .unwrap();
        assert_eq!(items[0].status, Resolution::Resolved, "{items:?}");
        assert!(items[0].text.as_deref().unwrap().starts_with("（三）"));
        let no_item = laws
            .resolve("《行政处罚法》第五十八条第一款第（九）项", today)
            .await
            .unwrap();
        assert!(
            no_item[0].reason.as_deref().unwrap().contains("只有4项"),
            "{no_item:?}"
        );
        let earlier = laws
            .resolve("《行政处罚法》第五十八条", d("2019-01-01"))
            .await
            .unwrap();
        assert!(
            earlier[0].reason.as_deref().unwrap().contains("未收录"),
            "{earlier:?}"
        );
        let text = laws.resolve("依照有关规定", today).await.unwrap();
        assert_eq!(
            (text.len(), text[0].status),
            (1, Resolution::Unresolved),
            "never dropped"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn versions_differ_article_by_article_and_repeals_are_recorded() {
    for t in testkit::backends().await {
        let (laws, _dir) = base(&t).await;
        let changes = laws
            .diff_versions("行政复议法", d("2017-09-01"), d("2023-09-01"))
            .await
            .unwrap();
        let nine = changes
            .iter()
            .find(|c| c.old == Some(ArticleNo::new(9)))
            .unwrap();
        assert_eq!(
            (nine.kind, nine.new),
            (ChangeKind::Renumbered, Some(ArticleNo::new(20))),
            "{nine:?}"
        );
        assert!(changes.iter().any(|c| c.kind == ChangeKind::Added));
        assert!(
            laws.diff_versions("行政复议法", d("2017-09-01"), d("2019-01-01"))
                .await
                .is_err()
        );

        let rule = laws.law_named("行政复议法实施条例").await.unwrap();
        let repealed = laws
            .record_repeal(&cli(), &rule.id, d("2025-01-01"), None, "国务院令第X号")
            .await
            .unwrap();
        assert_eq!(repealed.status, LawStatus::Repealed);
        let before = laws
            .resolve("行政复议法实施条例第十五条", d("2024-12-31"))
            .await
            .unwrap();
        assert_eq!(before[0].status, Resolution::Resolved);
        let after = laws
            .resolve("行政复议法实施条例第十五条", d("2025-01-02"))
            .await
            .unwrap();
        assert!(after[0].reason.as_deref().unwrap().contains("废止"));
        assert!(
            laws.record_repeal(&cli(), &rule.id, d("2025-01-01"), None, " ")
                .await
                .is_err(),
            "a basis is required"
        );
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

/// Resolves a test record's basis and writes its citations, as a module's write job does.
async fn cite(
    laws: &laws::Laws,
    id: &str,
    org: Option<&str>,
    text: &str,
    on: NaiveDate,
) -> Vec<laws::Resolved> {
    let mut resolver = laws.resolver().await.unwrap();
    let resolved = resolver.resolve(laws, text, on).await.unwrap();
    let (id, org, written) = (id.to_string(), org.map(str::to_string), resolved.clone());
    laws.db()
        .write(&cli().who(), move |tx| {
            Box::pin(async move {
                let record = laws::CitingRecord {
                    module: "test",
                    record_type: "item",
                    record_id: &id,
                    org_id: org.as_deref(),
                };
                laws::cite_record(tx, record, &written, on).await
            })
        })
        .await
        .unwrap();
    resolved
}

#[tokio::test]
async fn citing_records_are_listed_when_their_articles_change() {
    for t in testkit::backends().await {
        let (laws, _dir) = base(&t).await;
        laws.ensure_facts(&cli()).await.unwrap();
        let r1 = cite(
            &laws,
            "r1",
            Some("org1"),
            "《中华人民共和国行政复议法》第九条、第二十八条",
            d("2020-06-01"),
        )
        .await;
        assert_eq!(r1.len(), 2);
        cite(
            &laws,
            "r2",
            Some("org1"),
            "行政复议法第三条",
            d("2024-06-01"),
        )
        .await;
        cite(
            &laws,
            "r3",
            Some("org1"),
            "《合同法》第五十二条、依照有关规定",
            d("2024-06-01"),
        )
        .await;
        let review = laws.law_named("行政复议法").await.unwrap();
        let cited = laws
            .citations_of_law(&review.id, Some(ArticleNo::new(9)))
            .await
            .unwrap();
        assert_eq!(cited.len(), 1);
        assert_eq!(cited[0].record_id, "r1");
        let impacts = laws.impacts(&review.id).await.unwrap();
        assert_eq!(impacts.len(), 2, "{impacts:?}");
        let nine = impacts
            .iter()
            .find(|i| i.citation.article == Some(ArticleNo::new(9)))
            .unwrap();
        assert_eq!(
            (nine.fate, nine.now),
            (laws::Fate::Renumbered, Some(ArticleNo::new(20)))
        );
        assert!(nine.note.contains("第九条 → 第二十条"), "{}", nine.note);
        assert!(
            impacts.iter().all(|i| i.citation.record_id == "r1"),
            "r2 cites the current version"
        );
        let r3 = laws.citations_of("test", "item", "r3").await.unwrap();
        assert_eq!(r3.len(), 1);
        assert!(
            r3.iter().all(|c| !c.resolved),
            "unresolved citations are kept, not dropped"
        );
        // Re-citing replaces a record's citations.
        cite(
            &laws,
            "r1",
            Some("org1"),
            "行政复议法第二十条",
            d("2024-06-01"),
        )
        .await;
        assert!(laws.impacts(&review.id).await.unwrap().is_empty());
        // A repeal reaches every record citing the law.
        let rule = laws.law_named("行政许可法").await.unwrap();
        cite(
            &laws,
            "r4",
            Some("org1"),
            "行政许可法第十二条",
            d("2024-06-01"),
        )
        .await;
        laws.record_repeal(&cli(), &rule.id, d("2026-01-01"), None, "测试")
            .await
            .unwrap();
        let repealed = laws.impacts(&rule.id).await.unwrap();
        assert_eq!(
            (repealed.len(), repealed[0].fate),
            (1, laws::Fate::Repealed)
        );
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn an_amendment_is_recorded_by_hand_with_its_text() {
    for t in testkit::backends().await {
        let (laws, _dir) = base(&t).await;
        let permits = laws.law_named("行政许可法").await.unwrap();
        cite(&laws, "p1", None, "行政许可法第二条", d("2024-01-01")).await;
        let text = "第一章 总则\n\n第一条 为了规范行政许可的设定和实施，制定本法。\n\n第二条 本法所称行政许可，是指行政机关依法准予申请人从事特定活动的行为。\n";
        let version = laws
            .record_amendment(&cli(), &permits.id, d("2026-06-01"), d("2026-10-01"), text)
            .await
            .unwrap();
        assert_eq!(
            (version.article_count, version.effective_on),
            (2, d("2026-10-01"))
        );
        let before = laws
            .resolve("行政许可法第二条", d("2026-09-30"))
            .await
            .unwrap();
        assert_eq!(before[0].version.as_deref(), Some("2019-04-23"));
        let after = laws
            .resolve("行政许可法第二条", d("2026-10-01"))
            .await
            .unwrap();
        assert_eq!(after[0].version.as_deref(), Some("2026-06-01"));
        let gone = laws
            .resolve("行政许可法第十二条", d("2026-10-02"))
            .await
            .unwrap();
        assert!(gone[0].reason.as_deref().unwrap().contains("最后一条"));
        let impacts = laws.impacts(&permits.id).await.unwrap();
        assert_eq!(
            impacts.len(),
            1,
            "the record citing 第二条 of the old version: {impacts:?}"
        );
        assert!(
            laws.record_amendment(&cli(), &permits.id, d("2026-06-01"), d("2026-10-01"), text)
                .await
                .is_err(),
            "same version twice"
        );
        assert!(
            laws.record_amendment(
                &cli(),
                &permits.id,
                d("2026-07-01"),
                d("2026-10-01"),
                "没有条文的文字"
            )
            .await
            .is_err()
        );
        assert!(
            laws.record_amendment(&cli(), &permits.id, d("2026-08-01"), d("2026-07-01"), text)
                .await
                .is_err(),
            "effective before adoption"
        );
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn the_whole_corpus_imports() {
    let t = testkit::sqlite().await;
    let laws = Laws::new(Platform::new(t.db.clone(), SealKey::generate()));
    let summary = laws
        .import_corpus(&cli(), &corpus(), &mut ())
        .await
        .unwrap();
    assert!(summary.files > 3400, "{summary:?}");
    assert!(summary.versions_created > 3300, "{summary:?}");
    assert!(summary.articles_written > 140_000);
    assert!(summary.skipped.len() < 100, "{:?}", summary.skipped);
    assert!(summary.skipped.iter().all(|s| !s.reason.is_empty()));
    let again = laws
        .import_corpus(&cli(), &corpus(), &mut ())
        .await
        .unwrap();
    assert_eq!(again.versions_created + again.versions_updated, 0);
    t.finish().await;
}
