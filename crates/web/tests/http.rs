//! Black-box tests through a real server on SQLite and PostgreSQL: login, CSRF, scope, the
//! administrators' pages, the API and bad input.

mod common;

use common::{PASSWORD, TestApp, hidden};
use reqwest::StatusCode;

async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in testkit::backends().await {
        out.push(TestApp::spawn(db).await);
    }
    out
}

async fn finish(app: TestApp) {
    app.db.finish().await;
}

#[tokio::test]
async fn login_shows_the_dashboard_of_my_organisation_and_logout_ends_it() {
    for app in apps().await {
        let client = app.login("justice").await;
        let page = client
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("示例区司法局"),
            "dashboard names the organisation"
        );
        assert!(page.contains("我的待办与期限"));
        let csrf = hidden(&page, "_csrf");
        let out = client
            .post(app.url("/logout"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert!(out.url().path().starts_with("/login"));
        let after = client.get(app.url("/")).send().await.unwrap();
        assert!(
            after.url().path().starts_with("/login"),
            "no session after logout"
        );
        finish(app).await;
    }
}

#[tokio::test]
async fn the_login_error_never_says_whether_the_account_exists() {
    for app in apps().await {
        let client = app.client();
        let wrong = app.try_login(&client, "justice", "Wrong@2020").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let wrong_text = wrong.text().await.unwrap();
        let unknown = app.try_login(&client, "nobody", "Wrong@2020").await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        let unknown_text = unknown.text().await.unwrap();
        assert!(wrong_text.contains("用户名或密码错误"));
        assert!(unknown_text.contains("用户名或密码错误"));
        let strange = app.try_login(&client, "a\u{0}b\u{7}\u{202e}", "x").await;
        assert_eq!(
            strange.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "control characters are refused as text (rule 文字内容), not a 500"
        );
        assert!(strange.text().await.unwrap().contains("空字符"));
        finish(app).await;
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    for app in apps().await {
        let client = app.client();
        for _ in 0..4 {
            assert_eq!(
                app.try_login(&client, "market", "Wrong@2020")
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let fifth = app.try_login(&client, "market", "Wrong@2020").await;
        assert_eq!(fifth.status(), StatusCode::LOCKED);
        assert!(fifth.text().await.unwrap().contains("账户已锁定"));
        let right = app.try_login(&client, "market", PASSWORD).await;
        assert_eq!(
            right.status(),
            StatusCode::LOCKED,
            "locked even with the right password"
        );
        finish(app).await;
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    for app in apps().await {
        let client = app.client();
        client.get(app.url("/login")).send().await.unwrap();
        let no_token = client
            .post(app.url("/login"))
            .form(&[("username", "justice"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
        assert!(no_token.text().await.unwrap().contains("表单已失效"));
        let logged = app.login("sysadmin").await;
        let forged = logged
            .post(app.url("/admin/orgs/new"))
            .form(&[("name", "伪造"), ("kind", "department"), ("_csrf", "0000")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let api = logged
            .post(app.url("/api/v1/orgs"))
            .json(&serde_json::json!({"name": "伪造", "kind": "部门"}))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = api.json().await.unwrap();
        assert_eq!(body["error"]["code"], "csrf_rejected");
        assert!(app.platform.resolve_org("伪造").await.is_err());
        finish(app).await;
    }
}

#[tokio::test]
async fn an_administrator_creates_a_user_who_then_logs_in_and_must_change_the_password() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let form = admin
            .get(app.url("/admin/users/new"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&form, "_csrf");
        let town = app
            .platform
            .resolve_org("示例镇")
            .await
            .unwrap()
            .id
            .to_string();
        let created = admin
            .post(app.url("/admin/users/new"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", "newbie"),
                ("display_name", "新同事"),
                ("org_id", town.as_str()),
                ("role", "town_officer"),
                ("password", "Initial#2020"),
                ("phone", "13900000002"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::OK);
        let page = created.text().await.unwrap();
        assert!(page.contains("newbie") && page.contains("已新建"), "{page}");
        assert!(page.contains("139****0002"), "the phone is shown masked");

        let newbie = app.client();
        let first = app.try_login(&newbie, "newbie", "Initial#2020").await;
        assert_eq!(
            first.url().path(),
            "/account/password",
            "first login goes to the password page"
        );
        let page = first.text().await.unwrap();
        let csrf = hidden(&page, "_csrf");
        let changed = newbie
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("old", "Initial#2020"),
                ("new", "Changed#2021"),
                ("confirm", "Changed#2021"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(changed.url().path(), "/");
        assert!(changed.text().await.unwrap().contains("示例镇"));
        finish(app).await;
    }
}

#[tokio::test]
async fn requests_outside_scope_get_403_and_an_audit_event() {
    for app in apps().await {
        let market = app.login("market").await;
        let bureau = app
            .platform
            .resolve_org("示例区司法局")
            .await
            .unwrap()
            .id
            .to_string();
        let own = app
            .platform
            .resolve_org("示例区市场监督管理局")
            .await
            .unwrap()
            .id
            .to_string();
        assert_eq!(
            market
                .get(app.url(&format!("/api/v1/orgs/{own}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        let refused = market
            .get(app.url(&format!("/api/v1/orgs/{bureau}")))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "out_of_scope");
        let orgs: Vec<serde_json::Value> = market
            .get(app.url("/api/v1/orgs"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(orgs.len(), 1);
        let justice = app.login("justice").await;
        let all: Vec<serde_json::Value> = justice
            .get(app.url("/api/v1/orgs"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(all.len(), 5, "legal-affairs staff reach the district");

        let auditor = app.login("auditor").await;
        let events: Vec<serde_json::Value> = auditor
            .get(app.url("/api/v1/audit/events?action=denied"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["actor"], "user:market");
        assert_eq!(events[0]["record_id"], bureau.as_str());
        finish(app).await;
    }
}

#[tokio::test]
async fn the_audit_log_is_for_the_audit_administrator_only() {
    for app in apps().await {
        let auditor = app.login("auditor").await;
        let page = auditor.get(app.url("/admin/audit")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let text = page.text().await.unwrap();
        assert!(
            text.contains("auditor姓名（示例区），账户 auditor") && text.contains("login"),
            "{text}"
        );
        assert!(!text.contains("<td>user:"), "{text}");
        // Looked for by the account's name.
        let mine = auditor
            .get(app.url("/admin/audit?actor=auditor"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(mine.contains("账户 auditor"), "{mine}");
        let csrf = hidden(&text, "_csrf");
        let verified = auditor
            .post(app.url("/admin/audit/verify"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert!(verified.text().await.unwrap().contains("审计链完整"));
        for who in ["sysadmin", "secadmin", "justice"] {
            let client = app.login(who).await;
            assert_eq!(
                client
                    .get(app.url("/admin/audit"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                StatusCode::FORBIDDEN,
                "{who}"
            );
            assert_eq!(
                client
                    .get(app.url("/api/v1/audit/events"))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                StatusCode::FORBIDDEN
            );
        }
        finish(app).await;
    }
}

#[tokio::test]
async fn every_page_renders_for_every_role() {
    for app in apps().await {
        let org = app
            .platform
            .resolve_org("示例区司法局")
            .await
            .unwrap()
            .id
            .to_string();
        for (who, _, _) in common::USERS {
            let client = app.login(who).await;
            let dashboard = client
                .get(app.url("/"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let links: Vec<String> = dashboard
                .split("<nav class=\"side\"")
                .nth(1)
                .unwrap()
                .split("</nav>")
                .next()
                .unwrap()
                .split("href=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_string())
                .collect();
            assert!(links.len() >= 2, "{who}: {links:?}");
            for link in links.iter().chain([
                &"/calendar?start=2020-09-28&count=5&unit=workdays".to_string(),
                &"/account/password".to_string(),
            ]) {
                let response = client.get(app.url(link)).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::OK, "{who} {link}");
            }
            if links.iter().any(|l| l == "/admin/orgs") {
                for page in [
                    format!("/admin/orgs/{org}"),
                    "/admin/orgs/new".into(),
                    "/admin/orgs/import".into(),
                ] {
                    assert_eq!(
                        client.get(app.url(&page)).send().await.unwrap().status(),
                        StatusCode::OK,
                        "{who} {page}"
                    );
                }
                let xlsx = client
                    .get(app.url("/admin/orgs/export.xlsx"))
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let sheet = ledger::read_bytes("x.xlsx", &xlsx).unwrap();
                assert_eq!(sheet.rows.len(), 6, "header and five organisations");
            }
            if links.iter().any(|l| l == "/admin/users") {
                let list = client
                    .get(app.url("/admin/users"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let id = list
                    .split("/admin/users/")
                    .nth(2)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_string();
                assert_eq!(
                    client
                        .get(app.url(&format!("/admin/users/{id}")))
                        .send()
                        .await
                        .unwrap()
                        .status(),
                    StatusCode::OK
                );
            }
        }
        let calc = app
            .login("viewer")
            .await
            .get(app.url("/calendar?start=2020-09-28&count=5&unit=workdays"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(calc.contains("2020-10-12"), "the calculator answers");
        finish(app).await;
    }
}

#[tokio::test]
async fn the_organizations_ledger_uploads_with_a_preview() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let csrf = app.csrf(&admin).await;
        let upload = |text: &'static str, mode: &'static str| {
            let form = reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("机构.csv"),
                )
                .text("mode", mode);
            admin
                .post(app.url(&format!("/admin/orgs/import?_csrf={csrf}")))
                .multipart(form)
                .send()
        };
        let bad = upload(
            "名称,类型,上级\n新部门,部门,示例区\n坏镇,镇,新部门\n",
            "preview",
        )
        .await
        .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text().await.unwrap();
        assert!(
            text.contains("第3行") && text.contains("镇不能设在部门之下"),
            "{text}"
        );
        let preview = upload("名称,类型,上级\n新部门,部门,示例区\n", "preview")
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(preview.contains("预检通过") && preview.contains("新增1"));
        assert!(
            app.platform.resolve_org("新部门").await.is_err(),
            "a preview writes nothing"
        );
        let done = upload("名称,类型,上级\n新部门,部门,示例区\n", "import")
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(done.contains("导入完成"));
        assert!(app.platform.resolve_org("新部门").await.is_ok());
        finish(app).await;
    }
}

#[tokio::test]
async fn the_api_answers_json_and_refuses_bad_input_with_a_code() {
    for app in apps().await {
        let anonymous = app.client();
        let r = anonymous.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
            "unauthenticated"
        );

        let admin = app.login("sysadmin").await;
        let csrf = app.csrf(&admin).await;
        let parent = app
            .platform
            .resolve_org("示例区")
            .await
            .unwrap()
            .id
            .to_string();
        let created = admin
            .post(app.url("/api/v1/orgs"))
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"name": "统计局", "kind": "部门", "parent_id": parent}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let again = admin
            .post(app.url("/api/v1/orgs"))
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"name": "统计局", "kind": "部门", "parent_id": parent}))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let malformed = admin
            .post(app.url("/api/v1/orgs"))
            .header("X-CSRF-Token", &csrf)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            malformed.json::<serde_json::Value>().await.unwrap()["error"]["code"],
            "malformed_body"
        );
        let huge = admin
            .post(app.url("/api/v1/orgs"))
            .header("X-CSRF-Token", &csrf)
            .header("content-type", "application/json")
            .body(vec![b' '; 3 * 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let bad_code = admin
            .post(app.url("/api/v1/orgs"))
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"name": "某局", "kind": "部门", "parent_id": parent, "uscc": "91110000600037341N"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_code.status(), StatusCode::BAD_REQUEST);
        assert!(bad_code.text().await.unwrap().contains("校验位"));
        // Issue 16, item 11: a NUL, a direction override, or a name nobody can see.
        for (name, reason) in [
            ("统计\0局", "空字符"),
            ("王\u{202e}国建", "改变文字方向"),
            ("\u{200b}\u{2060}\u{feff}", "看不见"),
        ] {
            let refused = admin
                .post(app.url("/api/v1/orgs"))
                .header("X-CSRF-Token", &csrf)
                .json(&serde_json::json!({"name": name, "kind": "部门", "parent_id": parent}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                refused.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name:?}"
            );
            assert!(refused.text().await.unwrap().contains(reason), "{name:?}");
            let page = admin
                .post(app.url("/admin/orgs/new"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("name", name),
                    ("kind", "部门"),
                    ("parent_id", parent.as_str()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
            assert!(page.text().await.unwrap().contains(reason), "{name:?}");
            assert!(
                app.platform.resolve_org(name.trim()).await.is_err(),
                "{name:?}"
            );
        }
        assert!(
            app.platform
                .create_org(
                    &platform::Actor::cli("root"),
                    platform::NewOrg {
                        name: "统计\0局".into(),
                        kind: kernel::OrgKind::Department,
                        parent_id: Some(kernel::ids::OrgId::from_stored(parent.clone())),
                        division_code: None,
                        uscc: None,
                    }
                )
                .await
                .is_err(),
            "the service refuses it too (the command line's way in)"
        );

        let day: serde_json::Value = admin
            .get(app.url("/api/v1/calendar/days/2020-10-10"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(day["workday"], true);
        assert_eq!(day["kind"], "make_up_workday");
        let unknown = admin
            .get(app.url("/api/v1/calendar/days/2031-01-01"))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            unknown.json::<serde_json::Value>().await.unwrap()["error"]["code"],
            "calendar_unknown_year"
        );
        let bad_date = admin
            .get(app.url("/api/v1/calendar/days/2020-13-01"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_date.status(), StatusCode::BAD_REQUEST);
        let deadline: serde_json::Value = admin
            .get(app.url("/api/v1/calendar/deadline?start=2020-08-03&count=60&unit=days"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(deadline["due"], "2020-10-09");
        assert!(deadline["explanation"].as_str().unwrap().contains("顺延"));
        let valid: serde_json::Value = admin
            .post(app.url("/api/v1/validate"))
            .header("X-CSRF-Token", &csrf)
            .json(&serde_json::json!({"kind": "id", "value": "44011320141005001x"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(valid["normalized"], "44011320141005001X");
        finish(app).await;
    }
}

#[tokio::test]
async fn malformed_forms_and_unknown_pages_get_a_chinese_error_not_a_panic() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let csrf = app.csrf(&admin).await;
        let r = admin
            .post(app.url("/admin/settings"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("格式有误"));
        let missing = admin.get(app.url("/no/such/page")).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert!(missing.text().await.unwrap().contains("页面不存在"));
        let bad_query = admin
            .get(app.url("/admin/users?page=abc"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
        let unknown_org = admin.get(app.url("/admin/orgs/nope")).send().await.unwrap();
        assert_eq!(unknown_org.status(), StatusCode::NOT_FOUND);
        finish(app).await;
    }
}

#[tokio::test]
async fn public_portal_health_and_openapi() {
    for app in apps().await {
        let anonymous = app.client();
        let home = anonymous.get(app.url("/gongkai")).send().await.unwrap();
        assert_eq!(home.status(), StatusCode::OK);
        assert!(
            home.text()
                .await
                .unwrap()
                .contains("示例区法治政府建设信息公开")
        );
        let directory = anonymous
            .get(app.url("/gongkai/jigou"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(directory.contains("示例镇") && directory.contains("示例区司法局"));
        assert!(
            !directory.contains("法制科"),
            "sections are not in the public directory"
        );
        let health: serde_json::Value = anonymous
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["database"], "ok");
        let doc: serde_json::Value = anonymous
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/me",
            "/api/v1/orgs",
            "/api/v1/orgs/{id}",
            "/api/v1/audit/events",
            "/api/v1/calendar/deadline",
            "/api/v1/validate",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }
        finish(app).await;
    }
}

#[tokio::test]
async fn the_three_administrators_use_their_own_pages() {
    for app in apps().await {
        let sec = app.login("secadmin").await;
        let page = sec
            .get(app.url("/admin/settings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("连续登录失败锁定次数"));
        let csrf = hidden(&page, "_csrf");
        let saved = sec
            .post(app.url("/admin/settings"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("key", "security.lockout_threshold"),
                ("value", "6"),
            ])
            .send()
            .await
            .unwrap();
        assert!(saved.text().await.unwrap().contains("已保存"));
        let bad = sec
            .post(app.url("/admin/settings"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("key", "security.lockout_threshold"),
                ("value", "100"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let sys = app.login("sysadmin").await;
        let csrf = app.csrf(&sys).await;
        let refused = sys
            .post(app.url("/admin/settings"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("key", "security.lockout_threshold"),
                ("value", "3"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            app.platform
                .settings()
                .await
                .unwrap()
                .iter()
                .find(|(d, _)| d.key == "security.lockout_threshold")
                .unwrap()
                .1,
            "6"
        );
        finish(app).await;
    }
}

const LAW_FILES: &[&str] = &[
    "诉讼与非诉讼程序法/行政复议法(2017-09-01).md",
    "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "行政法/行政处罚法(2021-01-22).md",
];

#[tokio::test]
async fn the_law_base_pages_search_compare_and_cite() {
    for app in apps().await {
        app.with_laws(LAW_FILES).await;
        // The server's own index follows the audit log; give it a moment to catch up.
        let viewer = app.login("viewer").await;
        let mut page = String::new();
        for _ in 0..50 {
            page = viewer
                .get(app.url("/laws?q=%E6%B3%95%E5%88%B6%E5%AE%A1%E6%A0%B8"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if page.contains("第五十八条") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(
            page.contains("《行政处罚法》第五十八条") && page.contains("<mark>法制审核</mark>"),
            "{page}"
        );
        // The hit opens the law at its article.
        assert!(
            page.contains("#a58\">《行政处罚法》第五十八条</a>"),
            "{page}"
        );
        let laws = laws::Laws::new(app.platform.clone());
        let law = laws.law_named("行政复议法").await.unwrap();
        let law_page = viewer
            .get(app.url(&format!("/laws/{}", law.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            law_page.contains("2017-09-01版与2023-09-01版对照"),
            "two versions side by side"
        );
        assert!(law_page.contains("条号变动") && law_page.contains("新增"));
        assert!(
            !law_page.contains("登记废止"),
            "a viewer cannot record a repeal"
        );
        let within = viewer
            .get(app.url(&format!("/laws?q=%E7%94%B3%E8%AF%B7&law={}", law.id)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            within.contains("只查《行政复议法》") && !within.contains("《行政处罚法》"),
            "one law only"
        );
        let cite = viewer
            .get(app.url("/laws/cite?text=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE%E6%B3%95%E7%AC%AC%E4%B9%9D%E5%8D%81%E4%B8%80%E6%9D%A1&on=2026-11-27"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            cite.contains("未能对应") && cite.contains("最后一条"),
            "{cite}"
        );

        let public = app
            .client()
            .get(app.url("/gongkai/falv?q=%E7%94%B3%E8%AF%B7%E6%9C%9F%E9%99%90"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            public.contains("《行政复议法》第二十条"),
            "the public search, current versions only"
        );
        assert!(!public.contains("2017-09-01版"));
        let public_law = app
            .client()
            .get(app.url(&format!("/gongkai/falv/{}", law.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(public_law.status(), StatusCode::OK);
        assert!(!public_law.text().await.unwrap().contains("被1条记录引用"));

        let api: serde_json::Value = viewer
            .get(app.url("/api/v1/laws/search?q=%E6%B3%95%E5%88%B6%E5%AE%A1%E6%A0%B8&limit=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["hits"][0]["article"], "第五十八条");
        let resolved: serde_json::Value = viewer
            .get(app.url("/api/v1/laws/cite?text=%E3%80%8A%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE%E6%B3%95%E3%80%8B%E7%AC%AC%E4%B9%9D%E6%9D%A1&on=2020-01-01"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (
                resolved[0]["status"].as_str(),
                resolved[0]["version"].as_str()
            ),
            (Some("resolved"), Some("2017-09-01"))
        );
        for q in ["%E3%80%8A", "AND%20OR%20%22", &"%E6%B3%95".repeat(3000)] {
            let r = viewer
                .get(app.url(&format!("/laws?q={q}")))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::OK,
                "bad queries get a page, not an error"
            );
        }

        // A viewer may not write at all; a department's or a town's officer may write records,
        // not the law.
        for who in ["viewer", "market", "town"] {
            let officer = app.login(who).await;
            let csrf = app.csrf(&officer).await;
            let refused = officer
                .post(app.url(&format!("/laws/{}/repeal", law.id)))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("date", "2999-01-01"),
                    ("basis", "伪造"),
                    ("successor", ""),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{who}");
        }

        // Legal-affairs staff record a repeal by hand.
        let justice = app.login("justice").await;
        let csrf = app.csrf(&justice).await;
        let done = justice
            .post(app.url(&format!("/laws/{}/repeal", law.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("date", "2026-01-01"),
                ("basis", "测试文件"),
                ("successor", ""),
            ])
            .send()
            .await
            .unwrap();
        assert!(done.text().await.unwrap().contains("已废止"));
        finish(app).await;
    }
}

/// Issue 16, items 1 and 2: a 1.5 KB workbook whose cells span the whole grid made the reader
/// allocate 17 billion cells before anyone's permission was checked. A viewer's upload is now
/// refused before its body is read; an importer's is read cell by cell and refused by name.
#[tokio::test]
async fn an_upload_built_to_exhaust_memory_is_refused() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "名称").unwrap();
    sheet.write(1_048_575, 16_383, "x").unwrap();
    let corner = book.save_to_buffer().unwrap();
    assert!(corner.len() < 10_000, "{}", corner.len());
    for app in apps().await {
        let upload = |client: reqwest::Client, csrf: String, path: &'static str| {
            let form = reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(corner.clone()).file_name("台账.xlsx"),
                )
                .text("kind", "power-items")
                .text("mode", "preview");
            let url = app.url(&format!("{path}?_csrf={csrf}"));
            async move { client.post(url).multipart(form).send().await.unwrap() }
        };
        let viewer = app.login("viewer").await;
        let csrf = app.csrf(&viewer).await;
        let refused = upload(viewer, csrf, "/power/import").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let justice = app.login("justice").await;
        let csrf = app.csrf(&justice).await;
        for path in ["/power/import", "/reconsideration/import"] {
            let refused = upload(justice.clone(), csrf.clone(), path).await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
            let text = refused.text().await.unwrap();
            assert!(
                text.contains("第1048576行第16384列有内容") && text.contains("最多256列"),
                "{path}: {text}"
            );
        }
        let alive = app.client().get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(alive.status(), StatusCode::OK);
        finish(app).await;
    }
}

/// Issue 16, item 11: the OpenAPI document put every query parameter `in: path, required: true`
/// and left `{id}` undeclared, so a client generated from it could not call the API; and a
/// `per_page` over the documented maximum was quietly accepted.
#[tokio::test]
async fn the_openapi_document_describes_the_parameters_as_they_are_taken() {
    for app in apps().await {
        let doc: serde_json::Value = app
            .client()
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let mut query_parameters = 0;
        for (path, operations) in paths {
            let in_template: Vec<&str> = path
                .split('{')
                .skip(1)
                .filter_map(|p| p.split('}').next())
                .collect();
            for (method, operation) in operations.as_object().unwrap() {
                let parameters = operation["parameters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let declared: Vec<&str> = parameters
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                let mut want = in_template.clone();
                let mut got = declared.clone();
                want.sort();
                got.sort();
                assert_eq!(got, want, "{method} {path}: path parameters");
                query_parameters += parameters.iter().filter(|p| p["in"] == "query").count();
            }
        }
        assert!(query_parameters > 20, "{query_parameters}");
        let per_page = &doc["paths"]["/api/v1/power/items"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "per_page")
            .unwrap()["schema"];
        assert_eq!(per_page["maximum"], 200, "{per_page}");
        let justice = app.login("justice").await;
        for (per_page, status) in [("200", StatusCode::OK), ("201", StatusCode::BAD_REQUEST)] {
            let answer = justice
                .get(app.url(&format!("/api/v1/power/items?per_page={per_page}")))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), status, "per_page={per_page}");
        }
        finish(app).await;
    }
}

/// Issue 16, build 8: what a signed-in person sees is not kept by the browser or a proxy.
#[tokio::test]
async fn staff_pages_are_not_stored_and_the_portal_may_be() {
    for app in apps().await {
        let justice = app.login("justice").await;
        for path in ["/", "/power", "/api/v1/power/items", "/reconsideration"] {
            let answer = justice.get(app.url(path)).send().await.unwrap();
            assert_eq!(
                answer.headers()["cache-control"],
                "no-store",
                "{path}: {}",
                answer.status()
            );
            assert!(!answer.headers().contains_key("strict-transport-security"));
            // The server's time for the answer, for the browser's tools and the browser suite.
            let timing = answer.headers()["server-timing"].to_str().unwrap();
            let ms: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
            assert!(ms >= 0.0, "{path}: {timing}");
        }
        let portal = app.client().get(app.url("/gongkai")).send().await.unwrap();
        assert_eq!(portal.status(), StatusCode::OK);
        assert!(!portal.headers().contains_key("cache-control"));
        finish(app).await;
    }
}

/// Issue 16, item 7: a security administrator reset the audit administrator's password and used
/// the account through the API without changing it; changing one's own password left the
/// account's other sessions open. A password set by someone else now opens nothing but its
/// change, the owner sees who reset it, and a change ends every other session.
#[tokio::test]
async fn a_reset_password_opens_only_its_change_and_a_change_ends_other_sessions() {
    for app in apps().await {
        let cli = platform::Actor::cli("test");
        let users = app
            .platform
            .users(
                &cli,
                platform::PageRequest::new(Some(1), Some(200)),
                &Default::default(),
            )
            .await
            .unwrap();
        let auditor = users
            .items
            .iter()
            .find(|u| u.username == "auditor")
            .unwrap();
        let secadmin = app.login("secadmin").await;
        let csrf = app.csrf(&secadmin).await;
        let reset = secadmin
            .post(app.url(&format!("/admin/users/{}/password", auditor.id)))
            .form(&[("_csrf", csrf.as_str()), ("password", "Reset#2026ab")])
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), StatusCode::OK);

        let used = app.client();
        let landing = app.try_login(&used, "auditor", "Reset#2026ab").await;
        assert_eq!(landing.url().path(), "/account/password");
        let page = landing.text().await.unwrap();
        assert!(
            page.contains("由安全管理员") && page.contains("重置"),
            "the owner is told who reset the password: {page}"
        );
        for path in ["/api/v1/audit/events", "/api/v1/users"] {
            let refused = used.get(app.url(path)).send().await.unwrap();
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let audit_page = used.get(app.url("/admin/audit")).send().await.unwrap();
        assert_eq!(audit_page.url().path(), "/account/password");

        // Two sessions of one account; the change made in one ends the other.
        let other = app.client();
        app.try_login(&other, "auditor", "Reset#2026ab").await;
        let csrf = hidden(&page, "_csrf");
        let changed = used
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("old", "Reset#2026ab"),
                ("new", "Mine#2026xyz"),
                ("confirm", "Mine#2026xyz"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(changed.url().path(), "/", "the session in use stays open");
        let api = used
            .get(app.url("/api/v1/audit/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            api.status(),
            StatusCode::OK,
            "after the change the API opens"
        );
        let ended = other.get(app.url("/admin/audit")).send().await.unwrap();
        assert_eq!(ended.url().path(), "/login", "the other session was ended");
        finish(app).await;
    }
}

/// Issue 16, build 1: an import that outlasts the page's wait goes on as a job; the browser is
/// sent to its page, which refreshes until the report (or the refusal, with its rows) is there.
/// Another account cannot see the job.
#[tokio::test]
async fn a_long_import_runs_as_a_job_with_a_page_that_follows_it() {
    for db in testkit::backends().await {
        let config = web::WebConfig {
            job_wait: std::time::Duration::ZERO,
            ..Default::default()
        };
        let app = TestApp::spawn_with(db, config).await;
        let admin = app.login("sysadmin").await;
        let csrf = app.csrf(&admin).await;
        let upload = |text: &'static str| {
            let form = reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("机构.csv"),
                )
                .text("mode", "import");
            admin
                .post(app.url(&format!("/admin/orgs/import?_csrf={csrf}")))
                .multipart(form)
                .send()
        };
        let follow = |url: String| {
            let admin = admin.clone();
            async move {
                for _ in 0..100 {
                    let page = admin.get(&url).send().await.unwrap();
                    let refreshing = page.headers().contains_key("refresh");
                    let text = page.text().await.unwrap();
                    if !refreshing {
                        return text;
                    }
                    assert!(text.contains("正在导入"), "{text}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                panic!("the job did not end");
            }
        };
        let started = upload("名称,类型,上级\n后台部门,部门,示例区\n")
            .await
            .unwrap();
        let job_url = started.url().to_string();
        assert!(started.url().path().starts_with("/jobs/"), "{job_url}");
        let done = follow(job_url.clone()).await;
        assert!(
            done.contains("导入完成") && done.contains("新增1"),
            "{done}"
        );
        assert!(app.platform.resolve_org("后台部门").await.is_ok());

        let refused = upload("名称,类型,上级\n坏镇,镇,后台部门\n").await.unwrap();
        let text = follow(refused.url().to_string()).await;
        assert!(
            text.contains("第2行") && text.contains("镇不能设在部门之下"),
            "{text}"
        );

        let other = app.login("secadmin").await;
        let hidden = other.get(&job_url).send().await.unwrap();
        assert_eq!(
            hidden.status(),
            StatusCode::NOT_FOUND,
            "another account's job"
        );
        finish(app).await;
    }
}

#[tokio::test]
async fn a_year_s_notice_can_be_typed_into_the_calendar_page() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let page = admin
            .get(app.url("/calendar"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("手工录入一年的节假日安排"), "{page}");
        let csrf = app.csrf(&admin).await;
        let post = |fields: Vec<(&'static str, &'static str)>| {
            let mut form = vec![("_csrf".to_string(), csrf.clone())];
            form.extend(
                fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            );
            admin.post(app.url("/calendar/typed")).form(&form).send()
        };
        // A holiday that ends before it begins is refused, naming the row and the holiday.
        let bad = post(vec![
            ("year", "2027"),
            ("name_1", "元旦"),
            ("from_1", "2027-01-01"),
            ("to_1", "2027-01-01"),
            ("name_2", "春节"),
            ("from_2", "2027-02-12"),
            ("to_2", "2027-02-05"),
        ])
        .await
        .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text().await.unwrap();
        assert!(
            text.contains("春节：放假结束日2027-02-05早于开始日2027-02-12"),
            "{text}"
        );
        let wrong = post(vec![
            ("year", "2027"),
            ("name_1", "春节"),
            ("from_1", "二月"),
        ])
        .await
        .unwrap();
        let text = wrong.text().await.unwrap();
        assert!(
            text.contains("第1个节日（春节）：放假开始日“二月”不是有效日期"),
            "{text}"
        );
        // A whole notice is stored; the year is then known and make-up days are workdays.
        let ok = post(vec![
            ("year", "2027"),
            (
                "notice",
                "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            ),
            ("name_1", "元旦"),
            ("from_1", "2027-01-01"),
            ("to_1", "2027-01-03"),
            ("name_2", "春节"),
            ("from_2", "2027-02-05"),
            ("to_2", "2027-02-12"),
            ("work_2", "2027-02-14、2027-02-20"),
        ])
        .await
        .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "followed to the calendar page");
        let page = ok.text().await.unwrap();
        assert!(page.contains("<td>2027</td>"), "{page}");
        let day: serde_json::Value = admin
            .get(app.url("/api/v1/calendar/days/2027-02-20"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(day["kind"], "make_up_workday", "{day}");
        // The form is the administrator's only.
        let officer = app.login("justice").await;
        let csrf = app.csrf(&officer).await;
        let refused = officer
            .post(app.url("/calendar/typed"))
            .form(&[("_csrf", csrf.as_str()), ("year", "2028")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let page = officer
            .get(app.url("/calendar"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("手工录入"), "not offered to an officer");
        finish(app).await;
    }
}

#[tokio::test]
async fn an_upload_form_carries_its_token_in_the_body_not_the_address() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let page = admin
            .get(app.url("/calendar"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("_csrf="), "no token in an address: {page}");
        let csrf = app.csrf(&admin).await;
        let notice =
            "[[year]]\nyear = 2028\n\n[[year.holiday]]\nname = \"元旦\"\noff = [\"2028-01-01\"]\n";
        let upload = |token: Option<String>| {
            let mut form = reqwest::multipart::Form::new();
            if let Some(t) = token {
                form = form.text("_csrf", t);
            }
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(notice.as_bytes().to_vec()).file_name("2028.toml"),
            );
            admin
                .post(app.url("/calendar/notices"))
                .multipart(form)
                .send()
        };
        assert_eq!(
            upload(None).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "no token"
        );
        assert_eq!(
            upload(Some("wrong".into())).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let ok = upload(Some(csrf)).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        assert!(ok.text().await.unwrap().contains("<td>2028</td>"));
        finish(app).await;
    }
}

#[tokio::test]
async fn every_public_page_has_the_portal_s_one_layout() {
    for app in apps().await {
        let public = app.client();
        for path in [
            "/gongkai",
            "/gongkai/quanze",
            "/gongkai/fuyi",
            "/gongkai/tiaojie",
            "/gongkai/baogao",
            "/gongkai/falv",
            "/gongkai/jigou",
        ] {
            let response = public.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let page = response.text().await.unwrap();
            assert!(
                page.contains("<header class=\"top portal\">")
                    && page.contains("aria-label=\"公开栏目\"")
                    && page.contains("返回政务公开首页")
                    && page.contains("· 政务公开</title>"),
                "{path}: {page}"
            );
            assert!(
                !page.contains("法治政府建设管理平台</a>"),
                "{path}: the staff frame"
            );
        }
        finish(app).await;
    }
}

#[tokio::test]
async fn the_user_list_sorts_by_pinyin_and_pages_as_asked() {
    for app in apps().await {
        let admin = app.login("sysadmin").await;
        let page = |q: &'static str| {
            let admin = admin.clone();
            let url = app.url(&format!("/admin/users?{q}"));
            async move { admin.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let at = |page: &str, user: &str| {
            page.find(&format!(">{user}</a>"))
                .unwrap_or_else(|| panic!("{user} listed: {page}"))
        };
        // By organisation in 拼音: 示例区市场监督管理局 (shì chǎng) before 示例区司法局 (sī fǎ),
        // though 司 (U+53F8) comes before 市 (U+5E02) by character code; 示例镇 last.
        let by_org = page("sort=org").await;
        assert!(at(&by_org, "market") < at(&by_org, "justice"), "{by_org}");
        assert!(at(&by_org, "justice") < at(&by_org, "town"), "{by_org}");
        assert!(by_org.contains("aria-sort=\"ascending\""), "{by_org}");
        assert!(by_org.contains("href=\"?sort=-org\""), "{by_org}");
        let back = page("sort=-org").await;
        assert!(at(&back, "town") < at(&back, "justice"), "{back}");
        assert!(at(&back, "justice") < at(&back, "market"), "{back}");
        // By role in the order roles are listed: the administrators first, the viewer last.
        let by_role = page("sort=role&per=20").await;
        assert!(
            at(&by_role, "sysadmin") < at(&by_role, "justice"),
            "{by_role}"
        );
        assert!(at(&by_role, "town") < at(&by_role, "viewer"), "{by_role}");
        assert!(
            by_role.contains("<option value=\"20\" selected>"),
            "{by_role}"
        );
        // The pager keeps the order and the size.
        let paged = page("sort=name&per=20&page=1").await;
        assert!(at(&paged, "auditor") < at(&paged, "viewer"), "{paged}");
        // The API orders the same way.
        let api = admin
            .get(app.url("/api/v1/users?sort=-org"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        let names: Vec<&str> = api["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names.first(), Some(&"town"), "{api}");
        let market = names.iter().position(|n| *n == "market").unwrap();
        let justice = names.iter().position(|n| *n == "justice").unwrap();
        assert!(justice < market, "{names:?}");
        finish(app).await;
    }
}
