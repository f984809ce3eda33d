//! 行政复议's pages through a real server on SQLite and PostgreSQL: intake, the case page and its
//! step forms (a refusal shows its article), documents, statistics with definitions, the ledger
//! upload with its bad rows, the public list with applicants masked, scope.

mod common;

use common::TestApp;
use reqwest::StatusCode;

async fn text(response: reqwest::Response) -> (StatusCode, String) {
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_case_from_intake_to_its_published_decision() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let staff = app.login("justice").await;
        let csrf = app.csrf(&staff).await;

        // Intake: a missing applicant is refused on the form, nothing stored.
        let (status, page) = text(
            staff
                .post(app.url("/reconsideration"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("respondent", "示例区市场监督管理局"),
                    ("act_category", "行政处罚"),
                    ("received_on", "2020-03-02"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(status.is_client_error(), "{status}: {page}");
        assert!(page.contains("请填写申请人"), "{page}");
        let response = staff
            .post(app.url("/reconsideration"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("applicant", "张三"),
                ("applicant_id", "11010519491231002X"),
                ("respondent", "示例区市场监督管理局"),
                ("act_category", "行政处罚"),
                ("received_on", "2020-03-02"),
            ])
            .send()
            .await
            .unwrap();
        let case_url = response.url().path().to_string();
        let (status, page) = text(response).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("行复〔2020〕1号") && page.contains("2017年行政复议法"),
            "{page}"
        );
        assert!(page.contains("1101**********002X") && !page.contains("11010519491231002X"));
        assert!(
            page.contains("受理审查期限") && page.contains("2020-03-09"),
            "the clock: {page}"
        );

        let step = |fields: Vec<(&'static str, &'static str)>| {
            let mut form = vec![("_csrf", csrf.clone())];
            form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
            staff
                .post(app.url(&format!("{case_url}/steps")))
                .form(&form)
                .send()
        };
        // A decision before acceptance: refused with its article, shown on the case page.
        let (status, page) = text(
            step(vec![
                ("kind", "conclude"),
                ("on", "2020-03-20"),
                ("method", "decision"),
                ("decision_type", "set_aside"),
            ])
            .await
            .unwrap(),
        )
        .await;
        assert!(status.is_client_error(), "{status}");
        assert!(
            page.contains("尚未受理") && page.contains("第二十八条"),
            "{page}"
        );
        for fields in [
            vec![
                ("kind", "accept"),
                ("on", "2020-03-04"),
                ("procedure", "ordinary"),
            ],
            vec![("kind", "copy_sent"), ("on", "2020-03-05")],
            vec![
                ("kind", "investigation"),
                ("on", "2020-03-20"),
                ("staff", "陈某、李某"),
            ],
            vec![
                ("kind", "conclude"),
                ("on", "2020-04-20"),
                ("method", "decision"),
                ("decision_type", "set_aside"),
                ("text", "认定事实不清"),
            ],
            vec![("kind", "publish"), ("on", "2020-04-22")],
        ] {
            let (status, page) = text(step(fields).await.unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{page}");
        }
        // A document generated and downloaded, its SM3 shown.
        let (status, page) = text(
            staff
                .post(app.url(&format!("{case_url}/documents")))
                .form(&[("_csrf", csrf.as_str()), ("kind", "decision")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // People by name and organisation; no account codes, no audit sequence numbers.
        assert!(page.contains("justice姓名（示例区司法局）"), "{page}");
        assert!(!page.contains("user:"), "{page}");
        assert!(!page.contains("class=\"muted\">#"), "{page}");
        let href = page
            .split("href=\"/reconsideration/documents/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the document is listed")
            .to_string();
        let doc = staff
            .get(app.url(&format!("/reconsideration/documents/{href}")))
            .send()
            .await
            .unwrap();
        assert!(
            doc.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("wordprocessingml")
        );
        assert!(doc.bytes().await.unwrap().starts_with(b"PK"));

        // Statistics with their definitions.
        let (_, page) = text(
            staff
                .get(app.url("/reconsideration/stats?year=2020"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            page.contains("id=\"figure-direct_correction_rate\""),
            "{page}"
        );
        assert!(
            page.contains("100%") && page.contains("直接纠错数 ÷ 结案数"),
            "{page}"
        );

        // The list and its filters.
        let (_, page) = text(
            staff
                .get(app.url("/reconsideration?decision=set_aside"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(page.contains("行复〔2020〕1号"));
        let (_, page) = text(
            staff
                .get(app.url("/reconsideration?decision=uphold"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(!page.contains("行复〔2020〕1号"));

        // The public sees the decision with the applicant masked.
        let (_, page) = text(
            app.client()
                .get(app.url("/gongkai/fuyi"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            page.contains("行复〔2020〕1号") && page.contains("张*") && !page.contains("张三"),
            "{page}"
        );
        // The decision's full text, masked, and its download.
        let case_link = page
            .split("href=\"")
            .find(|s| s.starts_with("/gongkai/fuyi/"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let (status, public_case) =
            text(app.client().get(app.url(&case_link)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let full = public_case
            .split("id=\"decision-text\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{public_case}"));
        assert!(
            full.contains("行政复议决定书") || full.contains("申请人"),
            "{full}"
        );
        assert!(
            full.contains("张*") && !public_case.contains("张三"),
            "{full}"
        );
        assert!(!public_case.contains("11010519491231002X"));
        let docx = app
            .client()
            .get(app.url(&format!("{case_link}/decision.docx")))
            .send()
            .await
            .unwrap();
        assert_eq!(docx.status(), StatusCode::OK);
        let bytes = docx.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"));
        let xml = {
            use std::io::Read;
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            xml
        };
        assert!(
            xml.contains("张*") && !xml.contains("张三"),
            "masked in the file too"
        );

        // The respondent's officer reads the case but cannot act on it.
        let market = app.login("market").await;
        let (status, _) = text(market.get(app.url(&case_url)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let market_csrf = app.csrf(&market).await;
        let (status, _) = text(
            market
                .post(app.url(&format!("{case_url}/steps")))
                .form(&[
                    ("_csrf", market_csrf.as_str()),
                    ("kind", "opinion_letter"),
                    ("on", "2020-04-25"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.db.finish().await;
    }
}

#[tokio::test]
async fn a_ledger_with_bad_rows_is_shown_row_by_row_and_nothing_is_written() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let staff = app.login("justice").await;
        let csrf = app.csrf(&staff).await;
        let csv = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n\
            A1,张某,示例区司法局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,确认无效,否,否,否,\n\
            A2,李某,示例区司法局,行政处罚,2020-03-02,受理,,普通程序,,,,,否,否,否,\n";
        let form = reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("复议.csv"),
            )
            .text("mode", "import");
        let (status, page) = text(
            staff
                .post(app.url(&format!("/reconsideration/import?_csrf={csrf}")))
                .multipart(form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(status.is_client_error(), "{status}: {page}");
        assert!(
            page.contains("第2行") && page.contains("第六十七条"),
            "{page}"
        );
        assert!(
            page.contains("第3行") && page.contains("受理的案件须填写受理日期"),
            "{page}"
        );
        let (_, page) = text(staff.get(app.url("/reconsideration")).send().await.unwrap()).await;
        assert!(page.contains("没有符合条件的案件"), "nothing written");
        let template = staff
            .get(app.url("/reconsideration/template.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(template.status(), StatusCode::OK);
        app.db.finish().await;
    }
}

#[tokio::test]
async fn the_api_registers_steps_and_counts_a_case() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let staff = app.login("justice").await;
        let csrf = app.csrf(&staff).await;
        let created = staff
            .post(app.url("/api/v1/reconsideration/cases"))
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"applicant": "李四", "respondent": "示例区市场监督管理局", "act_category": "行政处罚", "received_on": "2024-03-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let case: serde_json::Value = created.json().await.unwrap();
        assert_eq!(case["regime"], "law2023");
        let id = case["id"].as_str().unwrap().to_string();
        let steps = app.url(&format!("/api/v1/reconsideration/cases/{id}/steps"));
        // The simplified procedure needs its ground: a rule violation naming the article.
        let refused = staff
            .post(&steps)
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"kind": "accept", "on": "2024-03-04", "procedure": "simplified"}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "rule_violation");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("第五十三条")
        );
        for step in [
            serde_json::json!({"kind": "accept", "on": "2024-03-04", "procedure": "simplified", "ground": "warning"}),
            serde_json::json!({"kind": "conclude", "on": "2024-03-20", "method": "decision", "decision_type": "void"}),
        ] {
            let r = staff
                .post(&steps)
                .header("X-CSRF-Token", &csrf)
                .json(&step)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        }
        let page: serde_json::Value = staff
            .get(app.url(&format!("/api/v1/reconsideration/cases/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["case"]["stage"], "concluded");
        assert!(
            page["clock"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["period"] == "行政复议决定期限（简易程序）")
        );
        let stats: serde_json::Value = staff
            .get(app.url("/api/v1/reconsideration/stats?year=2024"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(stats["figures"]["direct_corrections"], 1);
        assert_eq!(stats["figures"]["direct_correction_rate"], 100.0);
        let list: serde_json::Value = staff
            .get(app.url("/api/v1/reconsideration/cases?decision=void"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 1);
        // Without the CSRF header nothing is written.
        let forged = staff
            .post(app.url("/api/v1/reconsideration/cases"))
            .json(&serde_json::json!({"applicant": "王五", "respondent": "示例区司法局", "act_category": "行政确认", "received_on": "2024-03-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        app.db.finish().await;
    }
}

#[tokio::test]
async fn the_case_list_sorts_by_any_column_and_pages_as_asked() {
    let db = testkit::backends().await.into_iter().next().unwrap();
    let app = TestApp::spawn(db).await;
    let rows = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕1号,乙某,示例区司法局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,,,,,否,否,否,\n示复〔2020〕2号,甲某,示例区司法局,行政确认,2020-05-11,受理,2020-05-13,普通程序,,,,,否,否,否,\n示复〔2020〕3号,丙某,示例区司法局,行政许可,2020-08-03,受理,2020-08-05,普通程序,,,,,否,否,否,\n示复〔2020〕10号,丁某,示例区司法局,行政许可,2020-09-01,受理,2020-09-03,普通程序,,,,,否,否,否,\n";
    let records = ledger::read_bytes("x.csv", rows.as_bytes())
        .unwrap()
        .records(&reconsideration::ledger::CASES)
        .unwrap();
    reconsideration::Reconsideration::new(app.platform.clone())
        .import_cases(
            &platform::Actor::cli("test"),
            &records,
            ledger::ImportMode::default(),
        )
        .await
        .unwrap();
    let staff = app.login("justice").await;
    let order = |page: &str| -> Vec<String> {
        page.split("<a href=\"/reconsideration/")
            .skip(1)
            .filter_map(|s| s.split('>').nth(1)?.split('<').next().map(str::to_string))
            .filter(|n| n.starts_with("示复"))
            .collect()
    };
    let get = |q: &'static str| {
        let staff = staff.clone();
        let url = app.url(&format!("/reconsideration?{q}"));
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The default: the latest received first.
    let page = get("").await;
    assert_eq!(
        order(&page),
        [
            "示复〔2020〕10号",
            "示复〔2020〕3号",
            "示复〔2020〕2号",
            "示复〔2020〕1号"
        ]
    );
    // By the applicant, and back the other way; the header says which.
    let page = get("sort=applicant").await;
    // Text orders by 拼音 (丙 bing, 丁 ding, 甲 jia, 乙 yi), not by character code (丁 U+4E01,
    // 丙 U+4E19, 乙 U+4E59, 甲 U+7532).
    assert_eq!(
        order(&page),
        [
            "示复〔2020〕3号",
            "示复〔2020〕10号",
            "示复〔2020〕2号",
            "示复〔2020〕1号"
        ],
        "{page}"
    );
    assert!(page.contains("aria-sort=\"ascending\""), "{page}");
    assert!(page.contains("href=\"?sort=-applicant\""), "{page}");
    // Numbers inside a case number compare as numbers: 10号 after 3号.
    let page = get("sort=-number").await;
    assert_eq!(
        order(&page),
        [
            "示复〔2020〕10号",
            "示复〔2020〕3号",
            "示复〔2020〕2号",
            "示复〔2020〕1号"
        ]
    );
    assert!(page.contains("aria-sort=\"descending\""));
    // A page of one; the pager keeps the order and the size.
    let page = get("sort=number&per=20").await;
    assert!(page.contains("<option value=\"20\" selected>"), "{page}");
    let page = get("sort=nonsense").await;
    assert_eq!(order(&page).len(), 4, "an unknown order is the list's own");
    app.db.finish().await;
}
