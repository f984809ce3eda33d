//! A real fazhi server on a random port over a fresh database, and a cookie-keeping client.

#![allow(dead_code)]

pub mod browser;

use std::net::SocketAddr;

use kernel::Role;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, NewUser, Platform};
use testkit::TestDb;

pub const PASSWORD: &str = "Fazhi@2020";

/// The contract's tiny district, plus a section under the justice bureau.
pub const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n法制科,科室,示例区司法局,,\n";

/// One account per role.
pub const USERS: &[(&str, &str, Role)] = &[
    ("sysadmin", "示例区", Role::SystemAdmin),
    ("secadmin", "示例区", Role::SecurityAdmin),
    ("auditor", "示例区", Role::AuditAdmin),
    ("justice", "示例区司法局", Role::LegalAffairs),
    ("market", "示例区市场监督管理局", Role::DepartmentOfficer),
    ("town", "示例镇", Role::TownOfficer),
    ("viewer", "示例区", Role::Viewer),
];

pub struct TestApp {
    pub addr: SocketAddr,
    pub platform: Platform,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn(db: TestDb) -> TestApp {
        TestApp::spawn_with(db, web::WebConfig::default()).await
    }

    pub async fn spawn_with(db: TestDb, config: web::WebConfig) -> TestApp {
        let platform = Platform::new(db.db.clone(), SealKey::generate());
        let cli = Actor::cli("test");
        let records = ledger::read_bytes("orgs.csv", ORGS.as_bytes())
            .unwrap()
            .records(&platform::ORGANIZATIONS)
            .unwrap();
        platform
            .import_orgs(&cli, &records, ImportMode::default())
            .await
            .unwrap();
        for (username, org, role) in USERS {
            let org_id = platform.resolve_org(org).await.unwrap().id;
            let new = NewUser {
                username: (*username).into(),
                display_name: format!("{username}姓名"),
                org_id,
                role: *role,
                password: PASSWORD.into(),
                phone: Some("13800000001".into()),
                must_change_password: false,
            };
            platform.create_user(&cli, new).await.unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let index = search::Search::open(&db.dir.path().join("search-index")).unwrap();
        let state = web::AppState::new(platform.clone(), index, config);
        tokio::spawn(web::serve(listener, state, std::future::pending()));
        TestApp { addr, platform, db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .unwrap()
    }

    /// A client logged in as `username`.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.try_login(&client, username, PASSWORD).await;
        assert_eq!(response.status(), 200, "login of {username}");
        client
    }

    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf");
        client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("_csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token of the logged-in session (from any staff page).
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let me: serde_json::Value = client
            .get(self.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["csrf_token"].as_str().unwrap().to_string()
    }
}

/// The value of a hidden input in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// The corpus in ../shared/laws.
pub fn corpus() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/laws")
}

impl TestApp {
    /// Imports a few laws of the real corpus (copied into a temporary directory in the corpus's
    /// layout) and brings the search index up to date.
    pub async fn with_laws(&self, files: &[&str]) {
        let dir = tempfile::tempdir().unwrap();
        for file in files.iter().chain(&["db.sqlite3"]) {
            let to = dir.path().join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(corpus().join(file), &to).unwrap();
        }
        let laws = laws::Laws::new(self.platform.clone());
        laws.import_corpus(&Actor::cli("test"), dir.path(), &mut ())
            .await
            .unwrap();
        let index = search::Search::open(&self.db.dir.path().join("search-index")).unwrap();
        // The server's own follower may hold the index writer: then it indexes them itself.
        match index
            .catch_up(&search::Sources::new(self.platform.clone()))
            .await
        {
            Ok(_) | Err(search::Error::Busy) => {}
            Err(e) => panic!("{e}"),
        }
    }
}
