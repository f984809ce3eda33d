//! Power items in the search index: followed from the audit log, found as the list stood on a
//! day (a later version replaces an earlier one on its date), kept apart from law articles.

use chrono::NaiveDate;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, Platform};
use search::{POWER_ITEM, Search, SearchQuery, Sources};

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n";
const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,受理、审查、决定,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0003,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\n";
const ADJUSTMENTS: &str = "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\nE0003,取消,2021-01-01,示例区司法局,职能调整,示例\n";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

fn query(text: &str, on: &str) -> SearchQuery {
    SearchQuery {
        kind: Some(POWER_ITEM.to_string()),
        as_of: Some(d(on)),
        ..SearchQuery::new(text)
    }
}

/// The organisations and the three power items listed from 2020-01-01.
async fn three_items(t: &testkit::TestDb) -> (Sources, Actor) {
    let platform = Platform::new(t.db.clone(), SealKey::generate());
    let cli = Actor::cli("test");
    platform
        .import_orgs(
            &cli,
            &records(&platform::ORGANIZATIONS, ORGS),
            ImportMode::default(),
        )
        .await
        .unwrap();
    let sources = Sources::new(platform);
    sources
        .power
        .import_items(
            &cli,
            &records(&power::ledger::ITEMS, ITEMS),
            Some(d("2020-01-01")),
            ImportMode::default(),
        )
        .await
        .unwrap();
    (sources, cli)
}

/// A catch-up long enough to commit on its way (here every two items, a province's every
/// 20,000): every item is indexed once, the last commit carries the audit log's position, and
/// the next catch-up has nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_up_committed_in_parts_ends_where_the_log_ends() {
    for t in testkit::backends().await {
        let (sources, _) = three_items(&t).await;
        let dir = tempfile::tempdir().unwrap();
        let index = Search::open(dir.path()).unwrap().with_chunks(1, 2);
        assert_eq!(index.catch_up(&sources).await.unwrap(), 3, "three items");
        assert_eq!(index.documents(), 3, "each item once");
        let (head, _) = db::audit::head(&t.db).await.unwrap();
        assert_eq!(
            index.applied_seq().unwrap(),
            head,
            "the last commit's position"
        );
        assert_eq!(index.catch_up(&sources).await.unwrap(), 0, "nothing left");
        // Opened again, the index stands where the last commit left it.
        drop(index);
        let index = Search::open(dir.path()).unwrap();
        assert_eq!(index.documents(), 3);
        assert_eq!(index.catch_up(&sources).await.unwrap(), 0);
        t.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn power_items_are_found_as_the_list_stood_on_a_day() {
    for t in testkit::backends().await {
        let (sources, cli) = three_items(&t).await;
        let dir = tempfile::tempdir().unwrap();
        let index = Search::open(dir.path()).unwrap();
        assert_eq!(index.catch_up(&sources).await.unwrap(), 3, "three items");
        assert_eq!(index.documents(), 3);

        let found = index.search(&query("食品经营", "2020-06-01")).unwrap();
        assert_eq!(found.total, 2, "{found:?}");
        assert!(found.hits.iter().all(|h| h.kind == POWER_ITEM));
        assert!(
            found.hits.iter().any(|h| h.article == "E0001"
                && h.law == "示例区市场监督管理局"
                && h.title == "E0001 食品经营许可"),
            "{found:?}"
        );
        // Before the list began, nothing held.
        assert_eq!(index.search(&query("食品", "2019-12-31")).unwrap().total, 0);
        // The basis and the 实施主体 are searchable too.
        assert_eq!(
            index
                .search(&query("法律援助法", "2020-06-01"))
                .unwrap()
                .total,
            1
        );

        // A 取消 on 2021-01-01: the item is there before and gone from that day, with no
        // re-indexing on the day itself.
        sources
            .power
            .import_adjustments(
                &cli,
                &records(&power::ledger::ADJUSTMENTS, ADJUSTMENTS),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            index.catch_up(&sources).await.unwrap(),
            1,
            "one item touched"
        );
        assert_eq!(
            index
                .search(&query("法律援助", "2020-12-31"))
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            index
                .search(&query("法律援助", "2021-01-01"))
                .unwrap()
                .total,
            0
        );
        // A new version from a re-import with --effective replaces the old one on its date.
        let renamed = ITEMS.replace(
            "食品经营许可,,行政许可",
            "食品经营许可（含仅销售预包装食品备案）,,行政许可",
        );
        sources
            .power
            .import_items(
                &cli,
                &records(&power::ledger::ITEMS, &renamed),
                Some(d("2022-03-01")),
                ImportMode::default(),
            )
            .await
            .unwrap();
        index.catch_up(&sources).await.unwrap();
        assert_eq!(
            index
                .search(&query("预包装食品备案", "2022-02-28"))
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            index
                .search(&query("预包装食品备案", "2022-03-01"))
                .unwrap()
                .total,
            1
        );
        let on_the_day = index.search(&query("食品经营许可", "2022-03-01")).unwrap();
        assert_eq!(
            on_the_day
                .hits
                .iter()
                .filter(|h| h.article == "E0001")
                .count(),
            1,
            "one version of E0001 holds on a day: {on_the_day:?}"
        );

        // Law searches do not see power items; a rebuild holds the same documents.
        let laws_only = SearchQuery {
            kind: Some(search::LAW_ARTICLE.to_string()),
            ..SearchQuery::new("食品")
        };
        assert_eq!(index.search(&laws_only).unwrap().total, 0);
        let count = index.documents();
        assert_eq!(
            index.rebuild(&sources, d("2026-11-27")).await.unwrap(),
            count
        );
        assert_eq!(index.documents(), count);
        t.finish().await;
    }
}
