//! The power list's pages through a real server on SQLite and PostgreSQL: ledger upload with a
//! preview, the list and its filters, the item page with its basis, a proposal reviewed and
//! approved by two people, delegation, the public list and its search, export and templates.

mod common;

use std::time::Duration;

use common::{PASSWORD, TestApp};
use kernel::Role;
use platform::{Actor, NewUser};
use reqwest::StatusCode;

/// A statistics workbook's columns.
const STATS: ledger::Layout = ledger::Layout {
    kind: "stats",
    title: "统计",
    columns: &[
        ledger::Column::required("数据项", ""),
        ledger::Column::required("数值", ""),
        ledger::Column::required("统计口径", ""),
    ],
};

const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,受理、审查、决定,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条第一款,区级,,,\nE0003,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\n";

async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in testkit::backends().await {
        out.push(TestApp::spawn(db).await);
    }
    out
}

async fn text(response: reqwest::Response) -> (StatusCode, String) {
    (response.status(), response.text().await.unwrap())
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    csv: &str,
    mode: &str,
    effective: &str,
) -> (StatusCode, String) {
    let csrf = app.csrf(client).await;
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("台账.csv"),
        )
        .text("kind", kind.to_string())
        .text("effective", effective.to_string())
        .text("mode", mode.to_string());
    text(
        client
            .post(app.url(&format!("/power/import?_csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The public list, searched, once the server's index has followed the audit log.
async fn public_search(app: &TestApp, query: &str, on: &str, expect: &str) -> String {
    let client = app.client();
    let mut page = String::new();
    for _ in 0..50 {
        page = client
            .get(app.url(&format!("/gongkai/quanze?q={}&on={on}", urlencoding(query))))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // In the results, not in the echoed query.
        if page
            .split("<tbody>")
            .nth(1)
            .is_some_and(|rows| rows.contains(expect))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    page
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_power_list_from_upload_to_the_public_portal() {
    for app in apps().await {
        app.with_laws(&["行政法/食品安全法(2021-04-29).md"]).await;
        let justice = app.login("justice").await;

        // A bad ledger: every bad row named, nothing written.
        let bad = ITEMS
            .replace("E0002,对未", "E0001,对未")
            .replace("公共服务,示例区司法局", "公共福利,不存在的局");
        let (status, page) = upload(&app, &justice, "power-items", &bad, "import", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("第3行") && page.contains("事项编码"),
            "{page}"
        );
        assert!(
            page.contains("第4行") && page.contains("事项类型"),
            "{page}"
        );
        let (_, empty) = text(justice.get(app.url("/power")).send().await.unwrap()).await;
        assert!(empty.contains("没有符合条件的事项"), "nothing written");

        // A preview counts, an import writes.
        let (status, preview) = upload(
            &app,
            &justice,
            "power-items",
            ITEMS,
            "preview",
            "2020-01-01",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert!(
            preview.contains("预检通过") && preview.contains("新增3"),
            "{preview}"
        );
        let (_, done) = upload(&app, &justice, "power-items", ITEMS, "import", "2020-01-01").await;
        assert!(
            done.contains("导入完成") && done.contains("新增3"),
            "{done}"
        );

        // The list and its filters.
        let (_, list) = text(justice.get(app.url("/power")).send().await.unwrap()).await;
        assert!(list.contains("E0001") && list.contains("E0003"), "{list}");
        assert!(list.contains("共3条"), "{list}");
        let (_, penalties) = text(
            justice
                .get(app.url("/power?type=penalty"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            penalties.contains("E0002") && !penalties.contains("E0001"),
            "{penalties}"
        );
        let (_, before) = text(
            justice
                .get(app.url("/power?on=2019-12-31"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(before.contains("没有符合条件的事项"), "not yet in force");
        let (_, searched) = text(
            justice
                .get(app.url("/power?q=法律援助"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(searched.contains("E0003") && !searched.contains("E0001"));

        // The item page: its basis resolved to the article of the law base.
        let id = list
            .split("href=\"/power/")
            .find(|s| s.contains(">E0001<"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (status, item) = text(
            justice
                .get(app.url(&format!("/power/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(item.contains("食品经营许可"), "{item}");
        assert!(
            item.contains("第三十五条") && item.contains("href=\"/laws/"),
            "{item}"
        );
        // Each cited article reads as a heading with its text quoted beneath it.
        assert!(
            item.contains("class=\"basis-text\"") && item.contains("已对应"),
            "{item}"
        );
        // 款 and 项 in Chinese numerals, as the law writes them.
        let id2 = list
            .split("href=\"/power/")
            .find(|s| s.contains(">E0002<"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (_, item2) = text(
            justice
                .get(app.url(&format!("/power/{id2}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(item2.contains("第一百二十二条第一款"), "{item2}");
        assert!(!item2.contains("第1款"), "{item2}");
        // The link goes to the article on the law page.
        let link = item
            .split("href=\"/laws/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert!(link.ends_with("#a35"), "{link}");
        let (_, law) = text(
            justice
                .get(app.url(&format!("/laws/{}", link.trim_end_matches("#a35"))))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(law.contains("id=\"a35\""), "the article carries its anchor");

        // A department officer proposes a change; legal affairs reviews; another approves.
        let market = app.login("market").await;
        let (status, form) = text(
            market
                .get(app.url("/power/adjustments/new?code=E0001&kind=change"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("value=\"食品经营许可\""), "prefilled: {form}");
        let csrf = app.csrf(&market).await;
        let proposal = [
            ("_csrf", csrf.as_str()),
            ("code", "E0001"),
            ("kind", "change"),
            ("effective_on", "2030-01-01"),
            ("reason", "上位法修改"),
            ("basis", "《中华人民共和国食品安全法》第三十五条"),
            ("name", "食品经营许可（含备案）"),
            ("item_type", "licensing"),
            ("org", &market_org(&app).await),
            ("legal_basis", "《中华人民共和国食品安全法》第三十五条"),
            ("level", "district"),
        ];
        let response = market
            .post(app.url("/power/adjustments"))
            .form(&proposal)
            .send()
            .await
            .unwrap();
        let adjustment_url = response.url().path().to_string();
        let (status, detail) = text(response).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        assert!(detail.contains("待审核"), "{detail}");
        assert!(
            !detail.contains("id=\"review\""),
            "a department cannot review its own"
        );
        let refused = market
            .post(app.url(&format!("{adjustment_url}/review")))
            .form(&[("_csrf", csrf.as_str()), ("accept", "yes")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        // The 工作台 as a to-do list: the 司法局 sees the proposal to review, counted beside
        // the menu; the department sees its own request waiting; a town officer sees neither.
        let (_, desk) = text(justice.get(app.url("/")).send().await.unwrap()).await;
        assert!(desk.contains("1项权责清单调整待审核"), "{desk}");
        assert!(
            desk.contains("href=\"/power/adjustments?state=proposed\""),
            "{desk}"
        );
        let todo: serde_json::Value = justice
            .get(app.url("/api/v1/todo"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(todo["by_module"]["power"], 1, "{todo}");
        assert!(todo["total"].as_u64().unwrap() >= 1, "{todo}");
        let (_, desk) = text(market.get(app.url("/")).send().await.unwrap()).await;
        assert!(desk.contains("我的调整申请 E0001：待审核"), "{desk}");
        assert!(
            !desk.contains("待审核</a> <span class=\"muted\">部门"),
            "{desk}"
        );
        let town = app.login("town").await;
        let (_, desk) = text(town.get(app.url("/")).send().await.unwrap()).await;
        assert!(!desk.contains("权责清单调整待审核"), "{desk}");
        assert!(
            !desk.contains("法治政府建设年度报告"),
            "a town officer writes no report: {desk}"
        );
        // The administrators (三员) read no business records (issue 16, item 7).
        for admin in ["sysadmin", "secadmin", "auditor"] {
            let client = app.login(admin).await;
            let (status, page) =
                text(client.get(app.url(&adjustment_url)).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{admin}");
            assert!(!page.contains("上位法修改"), "{admin}");
        }

        let jcsrf = app.csrf(&justice).await;
        let (_, reviewed) = text(
            justice
                .post(app.url(&format!("{adjustment_url}/review")))
                .form(&[
                    ("_csrf", jcsrf.as_str()),
                    ("accept", "yes"),
                    ("note", "同意"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(reviewed.contains("已审核待批准"), "{reviewed}");
        assert!(
            !reviewed.contains("id=\"decide\""),
            "the reviewer does not approve"
        );
        let own = justice
            .post(app.url(&format!("{adjustment_url}/decide")))
            .form(&[("_csrf", jcsrf.as_str()), ("accept", "yes")])
            .send()
            .await
            .unwrap();
        assert!(own.status().is_client_error(), "{}", own.status());

        let chief = second_legal_officer(&app).await;
        let ccsrf = app.csrf(&chief).await;
        let (_, approved) = text(
            chief
                .post(app.url(&format!("{adjustment_url}/decide")))
                .form(&[
                    ("_csrf", ccsrf.as_str()),
                    ("accept", "yes"),
                    ("note", "批准"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(approved.contains("已批准"), "{approved}");

        // The public list changes on the adjustment's date, not before.
        let before = public_search(&app, "食品经营许可", "2029-12-31", "E0001").await;
        assert!(
            before.contains("E0001") && !before.contains("含备案"),
            "{before}"
        );
        let after = public_search(&app, "含备案", "2030-01-01", "含备案").await;
        assert!(after.contains("食品经营许可（含备案）"), "{after}");
        let (_, plain) = text(
            app.client()
                .get(app.url("/gongkai/quanze?on=2030-01-01&type=licensing"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            plain.contains("含备案") && !plain.contains("E0002"),
            "{plain}"
        );

        // The two dates compared.
        let (_, compared) = text(
            justice
                .get(app.url("/power/compare?from=2029-12-31&to=2030-01-01"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            compared.contains("变更1项") && compared.contains("事项名称"),
            "{compared}"
        );

        // A batch delegated to every town: the matrix shows it, the town sees it.
        let (_, matrix) = text(
            justice
                .post(app.url("/power/delegations"))
                .form(&[
                    ("_csrf", jcsrf.as_str()),
                    ("codes", "E0003"),
                    ("scope", "all"),
                    ("batch_doc", "示例政发〔2020〕1号"),
                    ("state", "delegated"),
                    ("on", "2020-05-01"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            matrix.contains("赋权已登记") && matrix.contains("E0003"),
            "{matrix}"
        );
        let (_, unknown) = text(
            justice
                .post(app.url("/power/delegations"))
                .form(&[
                    ("_csrf", jcsrf.as_str()),
                    ("codes", "E9999"),
                    ("scope", "all"),
                    ("batch_doc", "示例政发〔2020〕1号"),
                    ("state", "delegated"),
                    ("on", "2020-05-01"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(unknown.contains("未知的事项编码：E9999"), "{unknown}");
        let town = app.login("town").await;
        let (_, held) = text(town.get(app.url("/power")).send().await.unwrap()).await;
        assert!(held.contains("E0003") && !held.contains("E0002"), "{held}");
        let e3 = held
            .split("href=\"/power/")
            .find(|s| s.contains(">E0003<"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (_, public_item) = text(
            app.client()
                .get(app.url(&format!("/gongkai/quanze/{e3}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            public_item.contains("示例区司法局") && public_item.contains("各镇（街道）"),
            "{public_item}"
        );

        // Export and templates are real workbooks.
        let xlsx = justice
            .get(app.url("/power/export.xlsx?kind=power-items"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let sheet = ledger::read_bytes("x.xlsx", &xlsx).unwrap();
        assert_eq!(sheet.rows.len(), 4, "header and three items");
        for kind in ["power-items", "power-adjustments", "power-delegations"] {
            let t = justice
                .get(app.url(&format!("/power/template.xlsx?kind={kind}")))
                .send()
                .await
                .unwrap();
            assert_eq!(t.status(), StatusCode::OK, "{kind}");
            let bytes = t.bytes().await.unwrap();
            assert!(ledger::read_bytes("t.xlsx", &bytes).is_ok(), "{kind}");
        }
        // The API: the list as it stood on a day, and the year's figures.
        let api: serde_json::Value = justice
            .get(app.url("/api/v1/power/items?type=penalty&on=2020-06-01"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 1, "{api}");
        assert_eq!(api["items"][0]["code"], "E0002");
        let bad = justice
            .get(app.url("/api/v1/power/items?type=unknown"))
            .send()
            .await
            .unwrap();
        assert!(bad.status().is_client_error());
        let body: serde_json::Value = bad.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("事项类型")
        );
        let stats: serde_json::Value = justice
            .get(app.url("/api/v1/power/stats?year=2020"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(stats["total_items"], 3, "{stats}");
        assert_eq!(stats["delegated_by_type"]["公共服务"], 1, "{stats}");
        let market_stats: serde_json::Value = market
            .get(app.url("/api/v1/power/stats?year=2020"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            market_stats["total_items"], 2,
            "its own items: {market_stats}"
        );
        let echarts = justice
            .get(app.url("/static/echarts.min.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(echarts.status(), StatusCode::OK);
        assert!(echarts.text().await.unwrap().contains("Apache"));
        // Sortable by any column, both ways; the page size kept.
        let (_, sorted) = text(
            justice
                .get(app.url("/power?sort=-code&per=20"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let codes: Vec<&str> = ["E0001", "E0002", "E0003"]
            .into_iter()
            .filter(|c| sorted.contains(&format!(">{c}<")))
            .collect();
        assert_eq!(codes.len(), 3, "{sorted}");
        let at = |c: &str| sorted.find(&format!(">{c}<")).unwrap();
        assert!(
            at("E0003") < at("E0002") && at("E0002") < at("E0001"),
            "{sorted}"
        );
        assert!(sorted.contains("aria-sort=\"descending\""), "{sorted}");
        assert!(
            sorted.contains("<option value=\"20\" selected>"),
            "{sorted}"
        );
        // 导出 gives exactly the filtered view: the list's link carries its filters.
        let (_, filtered) = text(
            justice
                .get(app.url("/power?q=%E6%B3%95%E5%BE%8B%E6%8F%B4%E5%8A%A9"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let link = filtered
            .split("id=\"export-view\"")
            .next()
            .and_then(|s| s.rsplit("href=\"").next())
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&amp;", "&");
        assert!(link.contains("list=1") && link.contains("q="), "{link}");
        let rows_of = |bytes: Vec<u8>| {
            ledger::read_bytes("x.xlsx", &bytes)
                .unwrap()
                .records(&power::ledger::ITEMS)
                .unwrap()
                .len()
        };
        let view = justice.get(app.url(&link)).send().await.unwrap();
        assert_eq!(view.status(), StatusCode::OK, "{link}");
        assert_eq!(
            rows_of(view.bytes().await.unwrap().to_vec()),
            1,
            "法律援助咨询 only"
        );
        let whole = justice
            .get(app.url("/power/export.xlsx?kind=power-items"))
            .send()
            .await
            .unwrap();
        assert_eq!(rows_of(whole.bytes().await.unwrap().to_vec()), 3);
        // The statistics page: the same figures by their Chinese names, the department's own.
        for (who, total) in [(&justice, "3"), (&market, "2")] {
            let page = who
                .get(app.url("/power/stats?year=2020"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let row = page
                .split("id=\"figure-total_items\"")
                .nth(1)
                .and_then(|r| r.split("</tr>").next())
                .unwrap_or_default();
            assert!(
                row.contains("权力事项总数") && row.contains(&format!(">{total}<")),
                "{row}"
            );
            assert!(page.contains("下放事项数（按类别）"), "{page}");
            // The counts by category as charts, drawn by the ECharts fazhi serves itself.
            assert!(page.contains("id=\"chart-by_type\" data-chart="), "{page}");
            assert!(!page.contains("cdn"), "{page}");
            // The same table as a workbook.
            let bytes = who
                .get(app.url("/power/stats.xlsx?year=2020"))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let rows = ledger::read_bytes("x.xlsx", &bytes)
                .unwrap()
                .records(&STATS)
                .unwrap();
            let row = rows
                .iter()
                .find(|r| r.get("数据项") == "权力事项总数")
                .unwrap();
            assert_eq!(row.get("数值"), total);
            assert!(
                rows.iter()
                    .any(|r| r.get("数据项") == "事项数（按类型）·行政许可")
            );
            assert!(!page.contains("total_items<"), "no key shown: {page}");
        }

        for page in ["/power/worklist", "/power/adjustments", "/power/import"] {
            let r = justice.get(app.url(page)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{page}");
        }
        app.db.finish().await;
    }
}

async fn market_org(app: &TestApp) -> String {
    app.platform
        .resolve_org("示例区市场监督管理局")
        .await
        .unwrap()
        .id
        .to_string()
}

/// A second legal-affairs officer, to approve what the first reviewed.
async fn second_legal_officer(app: &TestApp) -> reqwest::Client {
    let org_id = app.platform.resolve_org("示例区司法局").await.unwrap().id;
    let new = NewUser {
        username: "chief".into(),
        display_name: "科长".into(),
        org_id,
        role: Role::LegalAffairs,
        password: PASSWORD.into(),
        phone: None,
        must_change_password: false,
    };
    app.platform
        .create_user(&Actor::cli("test"), new)
        .await
        .unwrap();
    app.login("chief").await
}
