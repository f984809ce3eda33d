//! For equally good matches, national law ranks before local regulations (法规库's ranking by
//! level): two laws with the same article text, one 法律 and one 地方性法规, in either order of
//! import.

use kernel::crypto::SealKey;
use platform::{Actor, Platform};
use search::{Search, SearchQuery, Sources};

fn law(title: &str, article: &str) -> String {
    let end = ["<!-- INFO", " END -->"].concat();
    format!("# {title}\n\n2020年1月2日 通过\n\n{end}\n\n## 第一章 总则\n\n第一条 {article}\n")
}

#[tokio::test]
async fn for_equal_matches_national_law_ranks_before_local_regulations() {
    let article = "行政机关应当依法公开行政执法的主体、依据、程序和结果。";
    for local_first in [true, false] {
        let corpus = tempfile::tempdir().unwrap();
        let files = [
            (
                "DLC/江苏/示例省行政执法公示条例(2020-01-02).md",
                "示例省行政执法公示条例",
            ),
            (
                "行政法/示例行政执法公示法(2020-01-02).md",
                "中华人民共和国示例行政执法公示法",
            ),
        ];
        let order: Vec<_> = if local_first {
            files.to_vec()
        } else {
            files.iter().rev().cloned().collect()
        };
        for (path, title) in order {
            let path = corpus.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, law(title, article)).unwrap();
        }
        let t = testkit::sqlite().await;
        let sources = Sources::new(Platform::new(t.db.clone(), SealKey::generate()));
        sources
            .laws
            .import_corpus(&Actor::cli("test"), corpus.path(), &mut ())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let index = Search::open(dir.path()).unwrap();
        index.catch_up(&sources).await.unwrap();
        let hits = index
            .search(&SearchQuery::new("公开行政执法"))
            .unwrap()
            .hits;
        let found: Vec<(&str, &str)> = hits
            .iter()
            .map(|h| (h.law.as_str(), h.level.as_str()))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0] == ("示例行政执法公示法", "law")
                && found[1] == ("示例省行政执法公示条例", "local_regulation"),
            "national first whatever the order of import: {found:?}"
        );
        t.finish().await;
    }
}
