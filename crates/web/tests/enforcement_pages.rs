//! 行政执法 through a real server on SQLite and PostgreSQL: the case list and a case with its
//! clocks, the bodies with the 5% warning, scope (a department sees its body's cases, a town its
//! own), the to-do lines, the figures, the API, and the public 行政执法公示 with masked names.

mod common;

use common::TestApp;
use ledger::ImportMode;
use reqwest::StatusCode;

const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0101,对食品经营者的监督检查,,行政检查,示例区市场监督管理局,《中华人民共和国食品安全法》第一百一十条,区级,,,\n";
const BODIES: &str = "执法主体,主体类型,委托机关,生效日期,终止日期\n示例区市场监督管理局,法定行政机关,,2019-01-01,\n示例镇,受委托组织,示例区市场监督管理局,2020-01-01,\n";
const OFFICERS: &str = "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n张一,32000000001,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,是\n李二,32000000002,示例区市场监督管理局,市场监管,2018-01-10,2099-01-09,有效,否\n赵四,32000000004,示例镇,综合执法,2019-05-01,2099-04-30,有效,否\n钱五,32000000005,示例镇,综合执法,2019-05-01,2020-04-30,有效,否\n孙七,32000000007,示例镇,综合执法,2021-05-01,2099-04-30,有效,否\n";
const CASES: &str = "案件编号,执法主体,事项编码,当事人类型,当事人,立案日期,适用程序,承办人员,是否听证,是否法制审核,是否集体讨论,决定日期,决定类型,处罚种类,罚没金额,公示日期,结案日期\nC1,示例区市场监督管理局,E0002,个人,周大伟,2020-04-01,普通程序,32000000001、32000000002,否,否,否,2020-05-20,给予行政处罚,罚款,20000.00,2020-05-26,2020-06-10\nC2,示例区市场监督管理局,E0002,单位,示例超市有限公司,2020-06-01,普通程序,32000000001、32000000002,否,否,否,2020-07-01,给予行政处罚,罚款,5000,,\nC3,示例镇,E0002,单位,示例食品有限公司,2021-08-02,普通程序,32000000004、32000000007,是,是,是,2021-10-08,给予行政处罚,责令停产停业、罚款,50000.00,2021-10-29,\n";

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

async fn load(app: &TestApp) {
    let cli = platform::Actor::cli("test");
    let ok = ImportMode::default();
    power::Power::new(app.platform.clone())
        .import_items(&cli, &records(&power::ledger::ITEMS, ITEMS), None, ok)
        .await
        .unwrap();
    let e = enforcement::Enforcement::new(app.platform.clone());
    use enforcement::ledger as l;
    e.import_bodies(&cli, &records(&l::BODIES, BODIES), ok)
        .await
        .unwrap();
    e.import_officers(&cli, &records(&l::OFFICERS, OFFICERS), ok)
        .await
        .unwrap();
    e.import_cases(&cli, &records(&l::CASES, CASES), ok)
        .await
        .unwrap();
}

async fn text(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn enforcement_from_the_ledgers_to_the_public_page() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        load(&app).await;
        let justice = app.login("justice").await;
        // The list: every case, the one decision not yet published counted.
        let (status, list) = text(&justice, app.url("/enforcement")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        for n in [">C1<", ">C2<", ">C3<"] {
            assert!(list.contains(n), "{n}: {list}");
        }
        assert!(list.contains("待公示决定（1件）"), "{list}");
        let (_, unpublished) = text(&justice, app.url("/enforcement?unpublished=1")).await;
        assert!(
            unpublished.contains(">C2<") && !unpublished.contains(">C1<"),
            "{unpublished}"
        );
        // A case with its clocks explained.
        let id = list
            .split("href=\"/enforcement/cases/")
            .skip(1)
            .find(|s| s.contains(">C3<"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (status, case) = text(&justice, app.url(&format!("/enforcement/cases/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(case.contains("应于2021-10-18前公示"), "{case}");
        assert!(case.contains("2021-10-29才公示"), "{case}");
        assert!(case.contains("应于2021-10-31前作出决定"), "{case}");
        assert!(case.contains("赵四（32000000004）"), "{case}");
        // Bodies: the town has no legal-review officer (118号: 5%); an expired certificate.
        let (_, bodies) = text(&justice, app.url("/enforcement/bodies")).await;
        assert!(
            bodies.contains("低于国办发〔2018〕118号要求的5%"),
            "{bodies}"
        );
        let (_, expiring) = text(&justice, app.url("/enforcement/bodies?expiring=1")).await;
        assert!(
            expiring.contains("钱五") && !expiring.contains("张一"),
            "{expiring}"
        );
        // The to-do list.
        let (_, dashboard) = text(&justice, app.url("/")).await;
        assert!(dashboard.contains("1件行政处罚决定尚未公示"), "{dashboard}");
        assert!(
            dashboard.contains("1名执法人员的执法证即将到期或已过期"),
            "{dashboard}"
        );
        // The figures, by their Chinese names.
        let (_, stats) = text(&justice, app.url("/enforcement/stats?year=2021")).await;
        assert!(
            stats.contains("公示及时率") && stats.contains("0.00%"),
            "{stats}"
        );
        // Scope: the department sees its body's cases, the town its own.
        let market = app.login("market").await;
        let (_, own) = text(&market, app.url("/enforcement")).await;
        assert!(own.contains(">C1<") && !own.contains(">C3<"), "{own}");
        let (status, _) = text(&market, app.url(&format!("/enforcement/cases/{id}"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let town = app.login("town").await;
        let (_, theirs) = text(&town, app.url("/enforcement")).await;
        assert!(
            theirs.contains(">C3<") && !theirs.contains(">C1<"),
            "{theirs}"
        );
        let (status, _) = text(&town, app.url("/enforcement/import")).await;
        assert_eq!(status, StatusCode::OK);
        let viewer = app.login("viewer").await;
        let (status, _) = text(&viewer, app.url("/enforcement/import")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The API: the same cases and figures.
        let api: serde_json::Value = justice
            .get(app.url("/api/v1/enforcement/cases?unpublished=true"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 1, "{api}");
        assert_eq!(api["items"][0]["case"]["number"], "C2", "{api}");
        let figures: serde_json::Value = justice
            .get(app.url("/api/v1/enforcement/stats?year=2020"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(figures["figures"]["published_on_time"], 1, "{figures}");
        assert_eq!(
            figures["figures"]["publication_on_time_rate"], 50.0,
            "{figures}"
        );
        // The public page: bodies with usable certificates, decisions with masked persons.
        let anonymous = reqwest::Client::new();
        let (status, public) = text(&anonymous, app.url("/gongkai/zhifa?year=2020")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(public.contains("张一（32000000001）"), "{public}");
        assert!(
            !public.contains("钱五"),
            "an expired certificate is not listed: {public}"
        );
        assert!(
            public.contains("周**") && !public.contains("周大伟"),
            "{public}"
        );
        assert!(
            !public.contains(">C2<"),
            "an unpublished decision is not public: {public}"
        );
        app.db.finish().await;
    }
}
