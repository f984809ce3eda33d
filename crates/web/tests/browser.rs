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
