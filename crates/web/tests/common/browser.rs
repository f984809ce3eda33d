//! The browser suite's driver: headless Chromium through WebDriver (chromedriver), and the steps
//! a test takes, each saving a screenshot under target/browser-screenshots/ when it fails.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::TestApp;

pub struct Driver {
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

pub async fn start_driver() -> Option<Driver> {
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

pub async fn browser(driver: &Driver) -> Client {
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

pub fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "fazhi-chrome-{}-{}",
        std::process::id(),
        kernel::crypto::random_token()[..8].to_owned()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the steps; on failure saves a screenshot and the page source, then fails.
pub struct Steps {
    pub client: Client,
    pub name: &'static str,
}

impl Steps {
    pub async fn fail(&self, step: &str, why: String) -> ! {
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

    /// Saves a screenshot under target/browser-screenshots/ to look at (not on failure only).
    pub async fn keep_screenshot(&self, what: &str) {
        let dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{}-{what}.png", self.name)), png);
        }
    }

    pub async fn goto(&self, url: &str) {
        if let Err(e) = self.client.goto(url).await {
            self.fail("goto", e.to_string()).await;
        }
        self.note_server_time().await;
    }

    /// Appends the page now shown and the server's time for it (its `Server-Timing` header, as
    /// the browser received it) to target/browser-server-times.tsv: the walk's pages, measured.
    pub async fn note_server_time(&self) {
        let script = "const n = performance.getEntriesByType('navigation')[0]; \
            const t = n && n.serverTiming ? n.serverTiming.find(x => x.name === 'app') : null; \
            return [location.pathname + location.search, t ? t.duration : -1];";
        let Ok(value) = self.client.execute(script, vec![]).await else {
            return;
        };
        let (Some(path), Some(ms)) = (value[0].as_str(), value[1].as_f64()) else {
            return;
        };
        if ms < 0.0 {
            return;
        }
        let file =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-server-times.tsv");
        let line = format!("{}\t{path}\t{ms:.2}\n", self.name);
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
        {
            use std::io::Write;
            let _ = f.write_all(line.as_bytes());
        }
    }

    pub async fn fill(&self, step: &str, css: &str, text: &str) {
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

    pub async fn click(&self, step: &str, css: &str) {
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
    pub async fn submit(&self, step: &str, css: &str, from: &str) {
        self.click(step, css).await;
        for _ in 0..100 {
            let path = self
                .client
                .current_url()
                .await
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            if path != from {
                self.note_server_time().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(step, format!("still at {from}")).await;
    }

    /// Sets a field's value directly (date inputs take typed keys in the locale's order).
    pub async fn set_value(&self, step: &str, css: &str, value: &str) {
        let script = "document.querySelector(arguments[0]).value = arguments[1];";
        let args = vec![serde_json::json!(css), serde_json::json!(value)];
        if let Err(e) = self.client.execute(script, args).await {
            self.fail(step, format!("{css}: {e}")).await;
        }
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    pub async fn logout(&self, step: &str) {
        let from = self.path().await;
        self.submit(step, "#logout", &from).await;
    }

    /// Reloads `url` until `css` shows `wanted` (a derived view catching up), for up to 15 s.
    pub async fn eventually(&self, step: &str, url: &str, css: &str, wanted: &str) -> String {
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
    pub async fn wait_text(&self, step: &str, css: &str, wanted: &str) {
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
    pub async fn click_and_wait(&self, step: &str, css: &str) {
        let before = self.client.current_url().await.map(|u| u.to_string()).ok();
        self.click(step, css).await;
        for _ in 0..100 {
            let now = self.client.current_url().await.map(|u| u.to_string()).ok();
            if now != before {
                self.note_server_time().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(step, "the page did not change".into()).await;
    }

    pub async fn select(&self, step: &str, css: &str, value: &str) {
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

    pub async fn text(&self, step: &str, css: &str) -> String {
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

    pub async fn expect_text(&self, step: &str, css: &str, wanted: &str) {
        let text = self.text(step, css).await;
        if !text.contains(wanted) {
            self.fail(step, format!("{css} shows “{text}”, not “{wanted}”"))
                .await;
        }
    }

    pub async fn expect_path(&self, step: &str, wanted: &str) {
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

    pub async fn login(&self, app: &TestApp, username: &str, password: &str) {
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
