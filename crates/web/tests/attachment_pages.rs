//! 附件 through a real server on SQLite and PostgreSQL: a case's scanned application uploaded on
//! its page, listed with its SM3, downloaded by those who may read the case and nobody else,
//! refused by type, listed over the API, every download audited, a changed file refused.

mod common;

use common::TestApp;
use reqwest::StatusCode;

const SCAN: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";

fn form(csrf: &str, kind: &str, name: &str, bytes: &[u8]) -> reqwest::multipart::Form {
    // The token first: the CSRF guard reads it before the file.
    reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        )
}

#[tokio::test]
async fn a_cases_scans_are_uploaded_downloaded_by_its_readers_and_checked() {
    for db in testkit::backends().await {
        let app = TestApp::spawn(db).await;
        let staff = app.login("justice").await;
        let csrf = app.csrf(&staff).await;
        let response = staff
            .post(app.url("/reconsideration"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("applicant", "张三"),
                ("respondent", "示例区市场监督管理局"),
                ("act_category", "行政处罚"),
                ("received_on", "2020-03-02"),
            ])
            .send()
            .await
            .unwrap();
        let case_url = response.url().path().to_string();
        let id = case_url.rsplit('/').next().unwrap().to_string();
        let page = response.text().await.unwrap();
        assert!(
            page.contains("尚无附件") && page.contains("id=\"attach-form\""),
            "{page}"
        );

        let upload = format!("/attachments/reconsideration/{id}");
        let response = staff
            .post(app.url(&upload))
            .multipart(form(&csrf, "行政复议申请书", "申请书（扫描件）.pdf", SCAN))
            .send()
            .await
            .unwrap();
        assert_eq!(response.url().path(), case_url);
        let page = response.text().await.unwrap();
        let sm3 = kernel::crypto::sm3_hex(SCAN);
        assert!(page.contains("附件已上传"), "{page}");
        assert!(
            page.contains("申请书（扫描件）.pdf") && page.contains(&sm3[..16]),
            "listed with its hash: {page}"
        );
        assert!(page.contains("justice姓名"), "the uploader by name: {page}");
        assert!(!page.contains("user:justice"), "{page}");
        let href = page
            .split("href=\"")
            .map(|s| s.split('"').next().unwrap())
            .find(|h| h.starts_with(&format!("{upload}/")) && !h.ends_with("/remove"))
            .expect("a download link")
            .to_string();

        let response = staff.get(app.url(&href)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let disposition = response.headers()["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("inline;") && disposition.contains("UTF-8''"),
            "{disposition}"
        );
        assert_eq!(&response.bytes().await.unwrap()[..], SCAN);

        // The respondent department reads the case and its files, but does not handle it: no
        // form, and an upload is refused.
        let market = app.login("market").await;
        let market_csrf = app.csrf(&market).await;
        let page = market
            .get(app.url(&case_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("申请书（扫描件）.pdf") && !page.contains("attach-form"),
            "{page}"
        );
        assert_eq!(
            market.get(app.url(&href)).send().await.unwrap().status(),
            200
        );
        let refused = market
            .post(app.url(&upload))
            .multipart(form(&market_csrf, "答复书", "答复书.pdf", SCAN))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        // A town outside the case reads nothing; a viewer uploads nothing.
        let town = app.login("town").await;
        let status = town.get(app.url(&href)).send().await.unwrap().status();
        assert_eq!(status, StatusCode::FORBIDDEN, "out of scope");
        let viewer = app.login("viewer").await;
        let viewer_csrf = app.csrf(&viewer).await;
        let status = viewer
            .post(app.url(&upload))
            .multipart(form(&viewer_csrf, "证据", "证据.pdf", SCAN))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A program renamed as a PDF is refused, saying why.
        let response = staff
            .post(app.url(&upload))
            .multipart(form(&csrf, "证据材料", "证据.pdf", b"MZ\x90\x00\x03"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let page = response.text().await.unwrap();
        assert!(page.contains("“证据.pdf”的内容不是PDF文件"), "{page}");

        // The API lists it with the uploader's name and China time.
        let listed: serde_json::Value = staff
            .get(app.url(&format!("/api/v1/attachments/reconsideration/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        assert_eq!(listed[0]["sm3"], sm3.as_str());
        assert!(
            listed[0]["uploaded_by"]
                .as_str()
                .unwrap()
                .contains("justice姓名")
        );
        assert!(!listed[0]["uploaded_at"].as_str().unwrap().contains('T'));
        let status = staff
            .get(app.url("/api/v1/attachments/nothing/x"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Every download is in the audit log, by whom.
        let downloads = app
            .platform
            .audit_events(
                &platform::Actor::cli("test"),
                platform::EventFilter {
                    record_type: Some("reconsideration_case".into()),
                    record_id: Some(id.clone()),
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "download")
            .map(|e| e.actor)
            .collect::<Vec<_>>();
        assert_eq!(downloads.len(), 2, "{downloads:?}");

        // Someone changes the stored file: the download is refused and says so.
        app.platform
            .files()
            .overwrite(&sm3, platform::Bytes::from_static(b"%PDF-1.7 forged"))
            .await
            .unwrap();
        let response = staff.get(app.url(&href)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let page = response.text().await.unwrap();
        assert!(page.contains("可能已被篡改"), "{page}");

        // Removed by the office: gone from the page, kept in the log.
        let remove = format!("{href}/remove");
        let page = staff
            .post(app.url(&remove))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("附件已移除") && page.contains("尚无附件"),
            "{page}"
        );
        app.db.finish().await;
    }
}
