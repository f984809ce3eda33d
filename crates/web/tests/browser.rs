//! The browser suite: real headless Chromium through WebDriver (chromedriver) against a real
//! server. A failing step saves a screenshot under target/browser-screenshots/.
//!
//! Needs /usr/bin/chromium and chromedriver (Debian packages chromium, chromium-driver), which
//! the project's test command installs. Without them the suite is skipped with a notice, unless
//! FAZHI_REQUIRE_BROWSER=1 makes that a failure.

mod common;

use common::browser::{Steps, browser, start_driver, tempfile_dir};
use common::{PASSWORD, TestApp};
use fantoccini::Locator;

#[tokio::test]
async fn a_person_logs_in_is_locked_out_and_an_administrator_adds_a_colleague() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let client = browser(&driver).await;
    let s = Steps {
        client,
        name: "main",
    };

    // Log in and see the dashboard of one's organisation.
    s.login(&app, "justice", PASSWORD).await;
    s.expect_path("dashboard after login", "/").await;
    s.expect_text(
        "dashboard names the organisation",
        "#org-name",
        "示例区司法局",
    )
    .await;
    s.submit("log out", "#logout", "/").await;
    s.expect_text("logged out", "main", "您已安全退出").await;

    // Five wrong passwords lock the account, with a clear message.
    for attempt in 1..=5 {
        s.login(&app, "market", "Wrong#2020").await;
        let message = s.text("wrong password message", "#login-error").await;
        if attempt < 5 && !message.contains("用户名或密码错误") {
            s.fail("wrong password", message).await;
        }
        if attempt == 5 && !message.contains("账户已锁定") {
            s.fail("fifth wrong password locks", message).await;
        }
    }
    s.login(&app, "market", PASSWORD).await;
    s.expect_text(
        "locked even with the right password",
        "#login-error",
        "账户已锁定",
    )
    .await;

    // An administrator creates a user, who then logs in.
    s.login(&app, "sysadmin", PASSWORD).await;
    s.goto(&app.url("/admin/users/new")).await;
    s.fill("new user name", "#username", "colleague").await;
    s.fill("new display name", "#display_name", "新同事").await;
    let town = app
        .platform
        .resolve_org("示例镇")
        .await
        .unwrap()
        .id
        .to_string();
    s.select("choose town", "#org_id", &town).await;
    s.select("choose role", "#role", "town_officer").await;
    s.fill("initial password", "#password", "Initial#2020")
        .await;
    s.submit("create user", "#user-submit", "/admin/users/new")
        .await;
    s.expect_text("user created", "#detail-username", "colleague")
        .await;
    s.submit(
        "admin logs out",
        "#logout",
        s.client.current_url().await.unwrap().path(),
    )
    .await;

    s.login(&app, "colleague", "Initial#2020").await;
    s.expect_path("first login asks for a new password", "/account/password")
        .await;
    s.fill("old password", "#old", "Initial#2020").await;
    s.fill("new password", "#new", "Changed#2021").await;
    s.fill("confirm password", "#confirm", "Changed#2021").await;
    s.submit("change password", "#password-submit", "/account/password")
        .await;
    s.expect_path("dashboard after the change", "/").await;
    s.expect_text("the colleague sees the town", "#org-name", "示例镇")
        .await;

    // Log out.
    s.submit("colleague logs out", "#logout", "/").await;
    s.expect_path("back at the login page", "/login").await;
    s.goto(&app.url("/")).await;
    s.expect_path("the dashboard needs a login again", "/login")
        .await;

    let _ = s.client.close().await;
    app.db.finish().await;
}

const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,受理、审查、决定,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0003,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\n";

#[tokio::test]
async fn a_ledger_is_uploaded_an_adjustment_approved_and_the_public_list_changes_on_its_date() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let chief = app.platform.resolve_org("示例区司法局").await.unwrap().id;
    app.platform
        .create_user(
            &platform::Actor::cli("test"),
            platform::NewUser {
                username: "chief".into(),
                display_name: "科长".into(),
                org_id: chief,
                role: kernel::Role::LegalAffairs,
                password: PASSWORD.into(),
                phone: None,
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let file = tempfile_dir().join("权责清单.csv");
    std::fs::write(&file, ITEMS).unwrap();
    let s = Steps {
        client: browser(&driver).await,
        name: "power",
    };

    // Legal affairs uploads the list: a preview first, then the import, with the counts.
    s.login(&app, "justice", PASSWORD).await;
    s.goto(&app.url("/power/import")).await;
    s.select("choose the items ledger", "#kind", "power-items")
        .await;
    s.fill("choose the file", "#file", file.to_str().unwrap())
        .await;
    s.set_value("effective date", "#effective", "2020-01-01")
        .await;
    s.click("preview", "#import-submit").await;
    s.wait_text(
        "the preview counts",
        "#import-report",
        "预检通过（尚未写入）：共3行，新增3",
    )
    .await;
    s.fill("choose the file again", "#file", file.to_str().unwrap())
        .await;
    s.set_value("effective date again", "#effective", "2020-01-01")
        .await;
    s.click("import mode", "#mode-import").await;
    s.click("import", "#import-submit").await;
    s.wait_text("imported", "#import-report", "导入完成：共3行，新增3")
        .await;
    s.goto(&app.url("/power")).await;
    s.expect_text("the list holds them", "#items", "E0003")
        .await;
    s.logout("justice logs out").await;

    // The market regulator's officer proposes a change of its item.
    s.login(&app, "market", PASSWORD).await;
    s.goto(&app.url("/power/adjustments/new?code=E0001&kind=change"))
        .await;
    s.set_value("effective on", "#effective_on", "2030-01-01")
        .await;
    s.fill("reason", "#reason", "上位法修改").await;
    s.fill("basis", "#basis", "《中华人民共和国食品安全法》第三十五条")
        .await;
    s.fill("new name", "#name", "食品经营许可（含备案）").await;
    s.submit("propose", "#propose-submit", "/power/adjustments/new")
        .await;
    s.expect_text("proposed", "#adjustment-state", "待审核")
        .await;
    let adjustment = s.client.current_url().await.unwrap().path().to_string();
    s.logout("market logs out").await;

    // Legal affairs reviews; another officer approves.
    s.login(&app, "justice", PASSWORD).await;
    s.goto(&app.url(&adjustment)).await;
    s.fill("review note", "#review_note", "符合法律规定").await;
    s.click_and_wait("review", "#review-accept").await;
    s.expect_text("reviewed", "#adjustment-state", "已审核待批准")
        .await;
    if s.client.find(Locator::Css("#decide")).await.is_ok() {
        s.fail("the reviewer cannot approve", "decide form shown".into())
            .await;
    }
    s.logout("justice logs out again").await;
    s.login(&app, "chief", PASSWORD).await;
    s.goto(&app.url(&adjustment)).await;
    s.click_and_wait("approve", "#decide-accept").await;
    s.expect_text("approved", "#adjustment-state", "已批准")
        .await;
    s.keep_screenshot("adjustment").await;
    s.logout("chief logs out").await;

    // The public list: the old name until the day before, the new one from its date.
    s.eventually(
        "public list the day before",
        &app.url("/gongkai/quanze?on=2029-12-31&q=E0001"),
        "#items",
        "食品经营许可",
    )
    .await;
    let before = s.text("public list before", "#items").await;
    if before.contains("含备案") {
        s.fail("not changed before its date", before).await;
    }
    s.eventually(
        "public list on the day",
        &app.url("/gongkai/quanze?on=2030-01-01&q=E0001"),
        "#items",
        "食品经营许可（含备案）",
    )
    .await;
    s.click("open the item", "#items a").await;
    s.expect_text("who exercises it", "#org", "示例区市场监督管理局")
        .await;
    s.expect_text("as it stands on the day", "h1", "食品经营许可（含备案）")
        .await;
    s.keep_screenshot("public-item").await;

    let _ = s.client.close().await;
    app.db.finish().await;
}

#[tokio::test]
async fn an_application_is_registered_accepted_investigated_set_aside_and_the_rate_moves() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let year = chrono::Datelike::year(&kernel::time::china_today());
    let s = Steps {
        client: browser(&driver).await,
        name: "reconsideration",
    };
    s.login(&app, "justice", PASSWORD).await;
    // The menu counts what waits: last year's report is not yet published.
    s.goto(&app.url("/")).await;
    s.wait_text(
        "the menu counts the report to publish",
        "nav.side a[data-module='report'] .badge",
        "1",
    )
    .await;
    s.keep_screenshot("dashboard").await;
    let stats = app.url(&format!("/reconsideration/stats?year={year}"));
    s.goto(&stats).await;
    s.expect_text(
        "no correction yet",
        "#figure-direct_correction_rate .figure",
        "0",
    )
    .await;

    // Register the application through the intake form.
    s.goto(&app.url("/reconsideration/new")).await;
    s.fill("applicant", "#applicant", "张三").await;
    s.fill("respondent", "#respondent", "示例区市场监督管理局")
        .await;
    s.fill("act", "#act_category", "行政处罚").await;
    s.fill("the act", "#act_description", "罚款五千元").await;
    s.submit("register", "#intake-submit", "/reconsideration/new")
        .await;
    s.expect_text("registered", "#stage", "待审查").await;
    let case = s.path().await;

    // Accept it.
    s.click("open the acceptance form", "#step-accept summary")
        .await;
    s.click_and_wait("accept", "#submit-accept").await;
    s.expect_text("accepted", "#stage", "审理中").await;
    s.expect_text("the clock runs", "#clock", "发送申请书副本期限")
        .await;

    // The scanned application is attached on the case page and listed with its hash.
    let scan = tempfile_dir().join("申请书扫描件.pdf");
    std::fs::write(&scan, b"%PDF-1.7\n%%EOF\n").unwrap();
    s.goto(&app.url(&case)).await;
    s.fill(
        "the kind of file",
        "#attach-form input[name=kind]",
        "行政复议申请书",
    )
    .await;
    s.fill(
        "choose the scan",
        "#attach-form input[type=file]",
        scan.to_str().unwrap(),
    )
    .await;
    s.click_and_wait("upload", "#attach").await;
    s.expect_text("attached", "#attachments", "申请书扫描件.pdf")
        .await;
    s.expect_text(
        "with its SM3",
        "#attachments",
        &kernel::crypto::sm3_hex(b"%PDF-1.7\n%%EOF\n")[..16],
    )
    .await;
    s.keep_screenshot("attachments").await;

    // An investigation by one person is refused with its article; by two it is recorded.
    s.goto(&app.url(&case)).await;
    s.click("open the investigation form", "#step-investigation summary")
        .await;
    s.fill(
        "one investigator",
        "#step-investigation input[name=staff]",
        "陈某",
    )
    .await;
    s.click("investigate alone", "#submit-investigation").await;
    s.wait_text("refused with its article", "#step-error", "不得少于")
        .await;
    s.goto(&app.url(&case)).await;
    s.click(
        "open the investigation form again",
        "#step-investigation summary",
    )
    .await;
    s.fill(
        "two investigators",
        "#step-investigation input[name=staff]",
        "陈某、李某",
    )
    .await;
    s.click_and_wait("investigate", "#submit-investigation")
        .await;
    s.expect_text("investigation recorded", "#steps", "实地调查")
        .await;

    // Decide: 撤销.
    s.goto(&app.url(&case)).await;
    s.click("open the conclusion form", "#step-conclude summary")
        .await;
    s.select("method", "#method", "decision").await;
    s.select("decision type", "#decision_type", "set_aside")
        .await;
    s.click_and_wait("decide", "#submit-conclude").await;
    s.expect_text("concluded", "#stage", "已结案").await;
    s.expect_text("set aside", "#outcome", "撤销").await;

    // The statistics page shows the direct correction rate moved, with its definition.
    s.goto(&stats).await;
    s.expect_text(
        "the rate moved",
        "#figure-direct_correction_rate .figure",
        "100",
    )
    .await;
    s.expect_text(
        "the definition beside it",
        "#figure-direct_correction_rate",
        "直接纠错数 ÷ 结案数",
    )
    .await;
    s.expect_text("counted", "#figure-direct_corrections .figure", "1")
        .await;
    // The year by month and the decisions by type, drawn by ECharts served from fazhi itself.
    s.wait_text("the monthly chart is drawn", "#chart-monthly svg", "12月")
        .await;
    s.wait_text(
        "the decisions chart is drawn",
        "#chart-by_decision_type svg",
        "撤销",
    )
    .await;
    s.keep_screenshot("stats").await;

    let _ = s.client.close().await;
    app.db.finish().await;
}

#[tokio::test]
async fn a_town_officer_logs_and_concludes_a_dispute_and_the_public_roster_masks_the_phone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(testkit::sqlite().await).await;
    let m = mediation::Mediation::new(app.platform.clone());
    let cli = platform::Actor::cli("test");
    let records = |layout: &ledger::Layout, csv: &str| {
        ledger::read_bytes("x.csv", csv.as_bytes())
            .unwrap()
            .records(layout)
            .unwrap()
    };
    m.import_organizations(
        &cli,
        &records(
            &mediation::ledger::ORGANIZATIONS,
            "组织名称,组织类型,所属镇街,是否标准化,设立日期\n示例镇示例村人民调解委员会,村居,示例镇,是,2015-01-01\n",
        ),
        ledger::ImportMode::default(),
    )
    .await
    .unwrap();
    m.import_mediators(
        &cli,
        &records(
            &mediation::ledger::MEDIATORS,
            "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n甲调解员,男,示例镇示例村人民调解委员会,专职,13812345678,2020-03-01,2020-03-05\n",
        ),
        ledger::ImportMode::default(),
    )
    .await
    .unwrap();
    let year = chrono::Datelike::year(&kernel::time::china_today());
    let s = Steps {
        client: browser(&driver).await,
        name: "mediation",
    };
    s.login(&app, "town", PASSWORD).await;
    let stats = app.url(&format!("/mediation/stats?year={year}"));
    s.goto(&stats).await;
    s.expect_text("nothing yet", "#figure-disputes .figure", "0")
        .await;

    // The fast intake form.
    s.goto(&app.url("/mediation/new")).await;
    s.select("type", "#type", "neighbour").await;
    s.select("source", "#source", "screening").await;
    s.fill("parties", "#parties", "张某、李某").await;
    s.fill("the first party", "input[name=p1_name]", "张某")
        .await;
    s.fill(
        "the first party's phone",
        "input[name=p1_phone]",
        "13811112222",
    )
    .await;
    s.fill("summary", "#summary", "相邻通行纠纷").await;
    s.keep_screenshot("intake").await;
    s.submit("log the dispute", "#intake-submit", "/mediation/new")
        .await;
    s.expect_text("logged", "#outcome", "调解中").await;
    s.expect_text("the party recorded with it", "#parties", "138****2222")
        .await;

    // A success without its agreement form is refused with the article; with it, concluded.
    let dispute = s.path().await;
    s.select("success", "#outcome-select", "success").await;
    s.click("conclude without an agreement", "#conclude-submit")
        .await;
    s.wait_text("refused", "#conclude-error", "第二十八条")
        .await;
    s.goto(&app.url(&dispute)).await;
    s.select("success again", "#outcome-select", "success")
        .await;
    s.select("written agreement", "#agreement-select", "written")
        .await;
    s.fill(
        "the agreement's content",
        "#agreement_content",
        "双方同意共用通道，李某于本月底前拆除占道杂物。",
    )
    .await;
    s.click_and_wait("conclude", "#conclude-submit").await;
    s.expect_text("concluded", "#outcome", "调解成功").await;
    s.expect_text("written agreement", "#agreement", "书面")
        .await;
    s.expect_text(
        "its content",
        "#agreement-content",
        "李某于本月底前拆除占道杂物",
    )
    .await;

    // Counted.
    s.goto(&stats).await;
    s.expect_text("counted", "#figure-disputes .figure", "1")
        .await;
    s.expect_text("success", "#figure-success_rate .figure", "100")
        .await;
    s.expect_text("written", "#figure-written_agreements .figure", "1")
        .await;

    // The public roster shows the mediator with the phone masked.
    s.logout("town logs out").await;
    s.goto(&app.url("/gongkai/tiaojie")).await;
    s.expect_text("the mediator", "#roster", "甲调解员").await;
    s.expect_text("masked", "#roster", "138****5678").await;
    s.expect_text("the portal's own header", "header.portal", "行政复议决定")
        .await;
    s.keep_screenshot("portal").await;
    let roster = s.text("roster", "#roster").await;
    if roster.contains("13812345678") {
        s.fail("the phone is masked", roster).await;
    }
    let _ = s.client.close().await;
    app.db.finish().await;
}

/// Issue 16: an import that outlasts the page's wait is followed on its job page until its
/// report is there; an account whose password another administrator reset is told who did it.
#[tokio::test]
async fn an_import_is_followed_on_its_job_page_and_a_reset_password_is_announced() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let config = web::WebConfig {
        job_wait: std::time::Duration::ZERO,
        ..Default::default()
    };
    let app = TestApp::spawn_with(testkit::sqlite().await, config).await;
    let file = tempfile_dir().join("机构.csv");
    std::fs::write(&file, "名称,类型,上级\n后台部门,部门,示例区\n").unwrap();
    let s = Steps {
        client: browser(&driver).await,
        name: "jobs",
    };
    s.login(&app, "sysadmin", PASSWORD).await;
    s.goto(&app.url("/admin/orgs/import")).await;
    s.fill("choose the file", "#file", file.to_str().unwrap())
        .await;
    s.click("import mode", "input[name=mode][value=import]")
        .await;
    s.click("upload", "#import-submit").await;
    s.wait_text(
        "the job's report",
        "#import-report",
        "导入完成：共1行，新增1",
    )
    .await;
    if !s.path().await.starts_with("/jobs/") {
        s.fail("on the job page", s.path().await).await;
    }
    s.keep_screenshot("job-page").await;

    // The security administrator resets the audit administrator's password.
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
    s.logout("sysadmin leaves").await;
    s.login(&app, "secadmin", PASSWORD).await;
    s.goto(&app.url(&format!("/admin/users/{}", auditor.id)))
        .await;
    s.fill("new password", "#reset", "Reset#2026ab").await;
    s.click("reset", "#reset-submit").await;
    s.wait_text("reset done", "main", "密码已重置").await;
    s.logout("secadmin leaves").await;
    s.login(&app, "auditor", "Reset#2026ab").await;
    s.wait_text(
        "the owner is told",
        "#password-reset-notice",
        "由安全管理员",
    )
    .await;
    s.keep_screenshot("reset-notice").await;
}
