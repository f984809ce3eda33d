//! 人民调解's pages through a real server on SQLite and PostgreSQL: ledger upload with its bad
//! rows, the intake form, conclusion with its rules, the 调解协议书, figures, scope, the public
//! roster.

mod common;

use common::TestApp;
use reqwest::StatusCode;

async fn text(response: reqwest::Response) -> (StatusCode, String) {
    (response.status(), response.text().await.unwrap())
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    csv: &str,
) -> (StatusCode, String) {
    let csrf = app.csrf(client).await;
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("台账.csv"),
        )
        .text("kind", kind.to_string())
        .text("mode", "import");
    text(
        client
            .post(app.url(&format!("/mediation/import?_csrf={csrf}")))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_dispute_from_the_ledger_and_the_intake_form_to_its_agreement() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let justice = app.login("justice").await;
        let (status, page) = upload(
            &app,
            &justice,
            "mediation-organizations",
            "组织名称,组织类型,所属镇街,是否标准化,设立日期,地址,联系电话\n示例村人民调解委员会,村居,示例镇,是,2015-01-01,示例镇示例村村民委员会二楼,0519-85001234\n",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let (status, page) = upload(
            &app,
            &justice,
            "mediators",
            "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n甲调解员,男,示例村人民调解委员会,专职,13812345678,2020-03-01,2020-03-05\n乙,女,不存在的组织,兼职,,,\n",
        )
        .await;
        assert!(status.is_client_error(), "{status}");
        assert!(
            page.contains("第3行") && page.contains("未登记的调解组织"),
            "{page}"
        );
        let (status, _) = upload(
            &app,
            &justice,
            "mediators",
            "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n甲调解员,男,示例村人民调解委员会,专职,13812345678,2020-03-01,2020-03-05\n",
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // The town officer logs a dispute and concludes it.
        let town = app.login("town").await;
        let csrf = app.csrf(&town).await;
        let (_, form) = text(town.get(app.url("/mediation/new")).send().await.unwrap()).await;
        let org = form
            .split("<option value=\"")
            .find(|s| s.contains("示例村人民调解委员会"))
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let response = town
            .post(app.url("/mediation"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("received_on", "2020-04-01"),
                ("type", "neighbour"),
                ("source", "application"),
                ("organization", org.as_str()),
                ("parties", "张某、李某"),
            ])
            .send()
            .await
            .unwrap();
        let url = response.url().path().to_string();
        let (status, page) = text(response).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("示例镇调〔2020〕1号") && page.contains("调解中"),
            "{page}"
        );
        // A party as a record: the ID number and phone shown masked only.
        let (status, with_party) = text(
            town.post(app.url(&format!("{url}/parties")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("name", "张某"),
                    ("sex", "male"),
                    ("id_number", "11010519491231002X"),
                    ("address", "示例镇示例村3组"),
                    ("phone", "13812345678"),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{with_party}");
        assert!(
            with_party.contains("1101**********002X")
                && with_party.contains("138****5678")
                && !with_party.contains("11010519491231002X"),
            "{with_party}"
        );
        // A party recorded by mistake is removed (to correct it: removed and recorded again).
        let (_, twice) = text(
            town.post(app.url(&format!("{url}/parties")))
                .form(&[("_csrf", csrf.as_str()), ("name", "王某错")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(twice.contains("王某错"), "{twice}");
        assert!(
            twice.contains(&format!("action=\"{url}/parties/2/remove\"")),
            "{twice}"
        );
        let (status, removed) = text(
            town.post(app.url(&format!("{url}/parties/2/remove")))
                .form(&[("_csrf", csrf.as_str())])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !removed.contains("王某错") && removed.contains("张某"),
            "{removed}"
        );
        // Open since 2020: the list counts it among those open past the target.
        let (_, list) = text(town.get(app.url("/mediation")).send().await.unwrap()).await;
        assert!(list.contains("超期未结（1件）"), "{list}");
        // Sortable by any column, the order marked.
        let (_, sorted) = text(
            town.get(app.url("/mediation?sort=-received&per=20"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            sorted.contains("aria-sort=\"descending\"")
                && sorted.contains("href=\"?per=20&#38;sort=received\"")
                && sorted.contains("<option value=\"20\" selected>"),
            "{sorted}"
        );
        // 导出 from the list gives exactly its view.
        for (query, n) in [("overdue=1", 1), ("outcome=success", 0)] {
            let bytes = town
                .get(app.url(&format!(
                    "/mediation/export.xlsx?{query}&kind=mediation-cases&list=1"
                )))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            // A sheet with its header alone reads as empty.
            let rows = match ledger::read_bytes("x.xlsx", &bytes)
                .and_then(|t| t.records(&mediation::ledger::CASES))
            {
                Ok(records) => records.len(),
                Err(ledger::LedgerError::Empty) => 0,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(rows, n, "{query}");
        }
        let conclude = |fields: Vec<(&'static str, &'static str)>| {
            let mut form = vec![("_csrf", csrf.clone())];
            form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
            town.post(app.url(&format!("{url}/conclude")))
                .form(&form)
                .send()
        };
        let (status, page) = text(
            conclude(vec![("outcome", "success"), ("concluded_on", "2020-03-20")])
                .await
                .unwrap(),
        )
        .await;
        assert!(status.is_client_error(), "{status}");
        assert!(
            page.contains("早于受理日期") && page.contains("第二十八条"),
            "{page}"
        );
        let (status, page) = text(
            conclude(vec![
                ("outcome", "success"),
                ("concluded_on", "2020-04-03"),
                ("agreement", "written"),
                ("agreement_content", "双方同意共用通道。"),
            ])
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("2020-05-03"),
            "the confirmation window: {page}"
        );
        let docx = town
            .get(app.url(&format!("{url}/agreement.docx")))
            .send()
            .await
            .unwrap();
        assert_eq!(docx.status(), StatusCode::OK);
        let xml = document_xml(docx.bytes().await.unwrap().to_vec());
        // The copy the parties sign carries their ID numbers and phones in full (the unsealing is
        // audited); a viewer's copy keeps them masked.
        assert!(
            xml.contains("11010519491231002X") && xml.contains("13812345678"),
            "{xml}"
        );
        let viewer = app.login("viewer").await;
        let copy = viewer
            .get(app.url(&format!("{url}/agreement.docx")))
            .send()
            .await
            .unwrap();
        assert_eq!(copy.status(), StatusCode::OK);
        let xml = document_xml(copy.bytes().await.unwrap().to_vec());
        assert!(
            xml.contains("1101**********002X") && !xml.contains("11010519491231002X"),
            "{xml}"
        );
        let unsealed = app
            .platform
            .audit_events(
                &platform::Actor::cli("test"),
                platform::EventFilter {
                    record_type: Some("mediation_dispute".into()),
                    action: Some("unseal".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(unsealed.len(), 1, "{unsealed:?}");

        // Counted; the department officer sees no dispute of the town.
        let (_, page) = text(
            town.get(app.url("/mediation/stats?year=2020"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            page.contains("id=\"figure-disputes\"") && page.contains("100.00%"),
            "{page}"
        );
        let market = app.login("market").await;
        let (_, page) = text(market.get(app.url("/mediation")).send().await.unwrap()).await;
        assert!(page.contains("没有符合条件的纠纷"), "{page}");
        // A department has no mediation organisation: no intake is offered to it.
        assert!(!page.contains("id=\"register\""), "{page}");
        let (_, new) = text(market.get(app.url("/mediation/new")).send().await.unwrap()).await;
        assert!(
            new.contains("id=\"no-organizations\"") && !new.contains("id=\"intake\""),
            "{new}"
        );
        let (_, list) = text(
            market
                .get(app.url("/reconsideration"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(!list.contains("登记申请"), "{list}");
        let (status, _) = text(market.get(app.url(&url)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The public roster: the mediator, the phone masked.
        let (_, page) = text(
            app.client()
                .get(app.url("/gongkai/tiaojie"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            page.contains("甲调解员")
                && page.contains("138****5678")
                && !page.contains("13812345678"),
            "{page}"
        );
        // Where the public finds the organisation: its address and public phone.
        assert!(
            page.contains("<td>示例镇示例村村民委员会二楼</td><td>0519-85001234</td>"),
            "{page}"
        );
        // The intake takes the two parties with their facts; one bad ID number refuses the
        // whole (nothing written), the form keeps what was typed.
        let intake = |id: &'static str| {
            town.post(app.url("/mediation"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("received_on", "2020-06-01"),
                    ("type", "neighbour"),
                    ("source", "application"),
                    ("organization", org.as_str()),
                    ("p1_name", "赵某"),
                    ("p1_sex", "male"),
                    ("p1_id", id),
                    ("p1_phone", "13900001111"),
                    ("p2_name", "钱某"),
                ])
                .send()
        };
        let (status, page) = text(intake("11010519491231002Y").await.unwrap()).await;
        assert!(status.is_client_error(), "{status}");
        assert!(
            page.contains("第1个当事人") && page.contains("value=\"赵某\""),
            "{page}"
        );
        let response = intake("11010519491231002X").await.unwrap();
        let (status, page) = text(response).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("示例镇调〔2020〕2号")
                && page.contains("赵某")
                && page.contains("钱某")
                && page.contains("1101**********002X")
                && page.contains("139****1111")
                && !page.contains("13900001111"),
            "numbered after the first (the refused intake took no number): {page}"
        );
        app.db.finish().await;
    }
}

fn document_xml(bytes: Vec<u8>) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}
