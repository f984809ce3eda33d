//! 年度报告's pages through a real server on SQLite and PostgreSQL: the editor with its check,
//! a section refused for an unknown key with the text kept, preview with every figure linked to
//! its records, the records page, publication to the portal with its .docx, the dashboard task.
//! (This file writes unknown keys on purpose.)

mod common;

use common::TestApp;
use ledger::ImportMode;
use reqwest::StatusCode;

const CASES: &str = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕1号,张某,示例区市场监督管理局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,撤销,是,否,是,\n示复〔2020〕2号,李某,示例区司法局,政府信息公开,2020-05-11,受理,2020-05-13,普通程序,2020-06-10,撤回,调解和解后撤回,,否,否,否,\n示复〔2020〕3号,王某,示例区市场监督管理局,行政处罚,2020-08-03,受理,2020-08-05,普通程序,2020-09-25,决定,,维持,否,否,否,\n";

async fn text(response: reqwest::Response) -> (StatusCode, String) {
    (response.status(), response.text().await.unwrap())
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    section: &str,
    body: &str,
) -> (StatusCode, String) {
    let csrf = app.csrf(client).await;
    text(
        client
            .post(app.url(&format!("/report/2020/sections/{section}")))
            .form(&[("_csrf", csrf.as_str()), ("text", body)])
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_report_is_written_checked_traced_and_published() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let records = ledger::read_bytes("x.csv", CASES.as_bytes())
            .unwrap()
            .records(&reconsideration::ledger::CASES)
            .unwrap();
        reconsideration::Reconsideration::new(app.platform.clone())
            .import_cases(
                &platform::Actor::cli("test"),
                &records,
                ImportMode::default(),
            )
            .await
            .unwrap();
        let justice = app.login("justice").await;

        // The editor: default texts that state the figures, and the check.
        let (status, page) = text(justice.get(app.url("/report/2020")).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("2021-04-01"), "the deadline: {page}");
        assert_eq!(page.matches("【须完善】").count(), 3, "{page}");
        // Figures by their Chinese names, never by key; a picker beside every text.
        assert!(page.contains("{行政复议·直接纠错率}"), "{page}");
        assert!(!page.contains("{reconsideration."), "{page}");
        assert!(page.contains("id=\"picker-reconsideration\""), "{page}");
        assert!(
            page.contains("<option value=\"行政复议·收到申请数\">"),
            "{page}"
        );

        // An unknown key: refused, the text kept in its box, the reason beside it.
        let typed = "全年收到申请{reconsideration.recieved}件";
        let (status, page) = save(&app, &justice, "reconsideration", typed).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"error-reconsideration\""), "{page}");
        assert!(page.contains("是否是“reconsideration.received”"), "{page}");
        assert!(page.contains(typed), "the typed text is kept");

        // Publication waits for the staff sections.
        let csrf = app.csrf(&justice).await;
        let (_, page) = text(
            justice
                .post(app.url("/report/2020/publish"))
                .form(&[("_csrf", csrf.as_str()), ("on", "2021-03-20")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(page.contains("id=\"publish-error\""), "{page}");
        for (section, body) in [
            ("first_responsible", "主要负责人履行第一责任人职责。"),
            ("problems", "{人民调解·超过调处时限数}件纠纷超期。"),
            ("plan", "{下一年度}年继续推进。"),
        ] {
            let (status, page) = save(&app, &justice, section, body).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("已保存"), "{page}");
        }

        // The preview: every figure a link to the records behind it.
        let (_, preview) = text(
            justice
                .get(app.url("/report/2020/preview"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            preview.contains("<a class=\"figure\" href=\"/report/2020/figures/reconsideration.direct_correction_rate\"")
                && preview.contains(">33.33%</a>"),
            "{preview}"
        );
        // Names typed by officers are read; the appendix names figures in Chinese.
        assert!(preview.contains("2021年继续推进"), "{preview}");
        assert!(
            preview.contains("<td>行政复议·直接纠错率</td>"),
            "{preview}"
        );
        assert!(!preview.contains("<code>"), "{preview}");
        // Not yet published: a draft, dated with the day it was generated.
        assert!(preview.contains("草稿（生成于"), "{preview}");
        let viewer = app.login("viewer").await;
        let (status, records) = text(
            viewer
                .get(app.url("/report/2020/figures/reconsideration.direct_corrections"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{records}");
        assert!(records.contains("示复〔2020〕1号") && !records.contains("示复〔2020〕3号"));
        assert!(records.contains("共1条"), "{records}");
        let (status, _) = text(
            viewer
                .get(app.url("/report/2020/figures/reconsideration.nothing"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(status.is_client_error());
        // A viewer reads but does not write.
        let (status, _) = save(&app, &viewer, "plan", "x").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Without the CSRF token nothing is saved.
        let (status, _) = text(
            justice
                .post(app.url("/report/2020/sections/plan"))
                .form(&[("text", "x")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The same over JSON.
        let json: serde_json::Value = viewer
            .get(app.url("/api/v1/report/2020/figures/reconsideration.received"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["total"], 3, "{json}");
        assert_eq!(json["figure"]["value"]["count"], 3, "{json}");
        let json: serde_json::Value = viewer
            .get(app.url("/api/v1/report/2020"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            json["report"]["title"], "示例区2020年法治政府建设年度报告",
            "{json}"
        );
        assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()));

        // Downloads of the draft.
        let docx = justice
            .get(app.url("/report/2020/download/docx"))
            .send()
            .await
            .unwrap();
        assert_eq!(docx.status(), StatusCode::OK);
        assert!(docx.bytes().await.unwrap().starts_with(b"PK"));
        let (_, md) = text(
            justice
                .get(app.url("/report/2020/download/md"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(md.contains("直接纠错率33.33%"), "{md}");

        // Publication, then the portal.
        let csrf = app.csrf(&justice).await;
        let (status, page) = text(
            justice
                .post(app.url("/report/2020/publish"))
                .form(&[("_csrf", csrf.as_str()), ("on", "2021-03-20")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("已向社会公开") && page.contains("已于2021-03-20公开"),
            "{page}"
        );
        // Published: the preview is the published text, dated with its publication and signed
        // with the full name.
        let (_, preview) = text(
            justice
                .get(app.url("/report/2020/preview"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            preview.contains("示例区人民政府<br>2021年3月20日") && !preview.contains("草稿"),
            "{preview}"
        );
        let public = app.client();
        let (_, list) = text(public.get(app.url("/gongkai/baogao")).send().await.unwrap()).await;
        let link = list
            .split("href=\"")
            .find(|s| s.starts_with("/gongkai/baogao/") && s.contains("/2020"))
            .and_then(|s| s.split('"').next())
            .expect("the published report is listed")
            .to_string();
        let (status, published) = text(public.get(app.url(&link)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            published.contains("直接纠错率<span class=\"figure\""),
            "{published}"
        );
        assert!(
            !published.contains("href=\"/report/"),
            "no staff links in public"
        );
        let docx = public
            .get(app.url(&format!("{link}/report.docx")))
            .send()
            .await
            .unwrap();
        assert_eq!(docx.status(), StatusCode::OK);
        assert!(
            docx.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("wordprocessingml")
        );
        let (status, _) = text(
            public
                .get(app.url("/gongkai/baogao/x/2019"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The dashboard names last year's report while it waits.
        let (_, dashboard) = text(justice.get(app.url("/")).send().await.unwrap()).await;
        assert!(dashboard.contains("年法治政府建设年度报告"), "{dashboard}");
        app.db.finish().await;
    }
}
