//! The browser suite: real headless Chromium through WebDriver (chromedriver) against a real
//! server. A failing step saves a screenshot under target/browser-screenshots/.
//!
//! Needs /usr/bin/chromium and chromedriver (Debian packages chromium, chromium-driver), which
//! the project's test command installs. Without them the suite is skipped with a notice, unless
//! FAZHI_REQUIRE_BROWSER=1 makes that a failure.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};

struct Driver {
    process: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMEDRIVER").ok(),
        Some("/usr/bin/chromedriver".into()),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

async fn start_driver() -> Option<Driver> {
    let Some(path) = chromedriver() else {
        if std::env::var("FAZHI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("chromedriver not found (FAZHI_REQUIRE_BROWSER=1)");
        }
        eprintln!("browser suite skipped: chromedriver not found");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    // Owned from here on, so that it is killed and reaped whatever happens.
    let driver = Driver { process, port };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(driver: &Driver) -> Client {
    let profile = tempfile_dir();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,900", format!("--user-data-dir={}", profile.display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-chrome-{}-{}",
        std::process::id(),
        kernel::crypto::random_token()[..8].to_owned()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the steps; on failure saves a screenshot and the page source, then fails.
struct Steps {
    client: Client,
    name: &'static str,
}

impl Steps {
    async fn fail(&self, step: &str, why: String) -> ! {
        let dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}-{}.png", self.name, step.replace(' ', "_")));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&file, png);
        }
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        panic!(
            "step “{step}” failed at {url}: {why} (screenshot: {})",
            file.display()
        );
    }

    async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            self.fail("goto", e.to_string()).await;
        }
    }

    async fn fill(&self, step: &str, css: &str, text: &str) {
        let result = async {
            let field = self
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await?;
            field.clear().await?;
            field.send_keys(text).await
        }
        .await;
        if let Err(e) = result {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    async fn click(&self, step: &str, css: &str) {
        let result = async {
            self.client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await?
                .click()
                .await
        }
        .await;
        if let Err(e) = result {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    /// Clicks a button that submits a form, and waits until the browser has left `from`.
    async fn submit(&self, step: &str, css: &str, from: &str) {
        self.click(step, css).await;
        for _ in 0..100 {
            let path = self
                .client
                .current_url()
                .await
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            if path != from {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(step, format!("still at {from}")).await;
    }

    /// Sets a field's value directly (date inputs take typed keys in the locale's order).
    async fn set_value(&self, step: &str, css: &str, value: &str) {
        let script = "document.querySelector(arguments[0]).value = arguments[1];";
        let args = vec![serde_json::json!(css), serde_json::json!(value)];
        if let Err(e) = self.client.execute(script, args).await {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    async fn logout(&self, step: &str) {
        let from = self.path().await;
        self.submit(step, "#logout", &from).await;
    }

    /// Reloads `url` until `css` shows `wanted` (a derived view catching up), for up to 15 s.
    async fn eventually(&self, step: &str, url: &str, css: &str, wanted: &str) -> String {
        let mut last = String::new();
        for _ in 0..60 {
            self.goto(url).await;
            last = self.text(step, css).await;
            if last.contains(wanted) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        self.fail(step, format!("{css} shows “{last}”, not “{wanted}”"))
            .await
    }

    /// Waits until `css` shows `wanted` (the page may be replaced meanwhile), for up to 10 s.
    async fn wait_text(&self, step: &str, css: &str, wanted: &str) {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if text.contains(wanted) {
                    return;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(step, format!("{css} shows “{last}”, not “{wanted}”"))
            .await;
    }

    /// Clicks a button whose form answers with a redirect to the same page (a new query), and
    /// waits for the new URL.
    async fn click_and_wait(&self, step: &str, css: &str) {
        let before = self.client.current_url().await.map(|u| u.to_string()).ok();
        self.click(step, css).await;
        for _ in 0..100 {
            let now = self.client.current_url().await.map(|u| u.to_string()).ok();
            if now != before {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(step, "the page did not change".into()).await;
    }

    async fn select(&self, step: &str, css: &str, value: &str) {
        let result = async {
            self.client
                .find(Locator::Css(css))
                .await?
                .select_by_value(value)
                .await
        }
        .await;
        if let Err(e) = result {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    async fn text(&self, step: &str, css: &str) -> String {
        match async {
            self.client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await?
                .text()
                .await
        }
        .await
        {
            Ok(t) => t,
            Err(e) => self.fail(step, format!("{css}: {e}")).await,
        }
    }

    async fn expect_text(&self, step: &str, css: &str, wanted: &str) {
        let text = self.text(step, css).await;
        if !text.contains(wanted) {
            self.fail(step, format!("{css} shows “{text}”, not “{wanted}”"))
                .await;
        }
    }

    async fn expect_path(&self, step: &str, wanted: &str) {
        let path = self
            .client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        if path != wanted {
            self.fail(step, format!("at {path}, not {wanted}")).await;
        }
    }

    async fn login(&self, app: &TestApp, username: &str, password: &str) {
        self.goto(&app.url("/login")).await;
        self.fill("type user name", "#username", username).await;
        self.fill("type password", "#password", password).await;
        self.click("submit login", "#login-submit").await;
        // Wait for the answer: another page, or the login page again with its message.
        for _ in 0..100 {
            let path = self
                .client
                .current_url()
                .await
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            if path != "/login" || self.client.find(Locator::Css("#login-error")).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail("login answer", "no answer to the login form".into())
            .await;
    }
}

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
    s.fill("summary", "#summary", "相邻通行纠纷").await;
    s.submit("log the dispute", "#intake-submit", "/mediation/new")
        .await;
    s.expect_text("logged", "#outcome", "调解中").await;

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
    s.click_and_wait("conclude", "#conclude-submit").await;
    s.expect_text("concluded", "#outcome", "调解成功").await;
    s.expect_text("written agreement", "#agreement", "书面")
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
    let roster = s.text("roster", "#roster").await;
    if roster.contains("13812345678") {
        s.fail("the phone is masked", roster).await;
    }
    let _ = s.client.close().await;
    app.db.finish().await;
}
