//! Issue 16, build 2: an authorisation matrix read from the router. Every route the router
//! declares (pages and API) is tried by every demo role and by nobody at all, and the outcome is
//! compared with one table, [`RULES`]; a route without a row fails the test, so a new route
//! cannot be added without saying who may use it.
//!
//! Outcomes: a refused account gets 403 (pages and API alike), nobody gets the login page (pages)
//! or 401 (API), and an allowed one gets anything else (200, a redirect after a form, 404 for a
//! record that does not exist, 400/422 for an empty form). Forms are sent with a valid CSRF
//! token and no fields: a refusal must come before the form is read.

mod common;

use std::collections::BTreeMap;

use common::TestApp;
use reqwest::StatusCode;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum May {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    Staff,
    /// The business roles: legal affairs, department and town officers, viewers.
    Read,
    /// The business roles that write: legal affairs, department and town officers.
    Write,
    /// Legal-affairs staff of the 司法局 only.
    Legal,
    /// The system administrator.
    System,
    /// The system and security administrators (accounts).
    Accounts,
    /// The security administrator.
    Security,
    /// The audit administrator.
    Audit,
    /// Any signed-in account whose scope reaches the district's own record (the tries use the
    /// district's organisation id): not the department's or the town's officer.
    District,
}

const ROLES: [&str; 7] = [
    "sysadmin", "secadmin", "auditor", "justice", "market", "town", "viewer",
];

impl May {
    fn allows(self, role: &str) -> bool {
        match self {
            May::Public | May::Staff => true,
            May::Read => matches!(role, "justice" | "market" | "town" | "viewer"),
            May::Write => matches!(role, "justice" | "market" | "town"),
            May::Legal => role == "justice",
            May::System => role == "sysadmin",
            May::Accounts => matches!(role, "sysadmin" | "secadmin"),
            May::Security => role == "secadmin",
            May::Audit => role == "auditor",
            May::District => !matches!(role, "market" | "town"),
        }
    }
}

/// The table: method, path as the router writes it, who may use it.
const RULES: &[(&str, &str, May)] = &[
    ("GET", "/", May::Staff),
    ("GET", "/account/password", May::Staff),
    ("POST", "/account/password", May::Staff),
    ("GET", "/admin/audit", May::Audit),
    ("POST", "/admin/audit/verify", May::Audit),
    ("GET", "/admin/orgs", May::System),
    ("GET", "/admin/orgs/export.xlsx", May::System),
    ("GET", "/admin/orgs/import", May::System),
    ("POST", "/admin/orgs/import", May::System),
    ("GET", "/admin/orgs/new", May::System),
    ("POST", "/admin/orgs/new", May::System),
    ("GET", "/admin/orgs/template.xlsx", May::System),
    ("GET", "/admin/orgs/{id}", May::System),
    ("POST", "/admin/orgs/{id}", May::System),
    ("GET", "/admin/settings", May::Accounts),
    ("POST", "/admin/settings", May::Accounts),
    ("GET", "/admin/users", May::Accounts),
    ("GET", "/admin/users/new", May::Accounts),
    ("POST", "/admin/users/new", May::Accounts),
    ("GET", "/admin/users/{id}", May::Accounts),
    ("POST", "/admin/users/{id}/password", May::Security),
    ("POST", "/admin/users/{id}/role", May::Accounts),
    ("POST", "/admin/users/{id}/status", May::Accounts),
    ("POST", "/admin/users/{id}/unlock", May::Security),
    ("GET", "/api/openapi.json", May::Public),
    ("GET", "/api/v1/audit/events", May::Audit),
    ("GET", "/api/v1/calendar/days/{date}", May::Staff),
    ("GET", "/api/v1/todo", May::Staff),
    ("GET", "/api/v1/calendar/deadline", May::Staff),
    ("GET", "/api/v1/laws/cite", May::Staff),
    ("GET", "/api/v1/laws/search", May::Staff),
    ("GET", "/api/v1/me", May::Staff),
    ("GET", "/api/v1/orgs", May::Staff),
    ("POST", "/api/v1/orgs", May::System),
    ("GET", "/api/v1/orgs/{id}", May::District),
    ("GET", "/api/v1/power/items", May::Read),
    ("GET", "/api/v1/attachments/{holder}/{id}", May::Read),
    ("POST", "/api/v1/attachments/{holder}/{id}", May::Write),
    (
        "GET",
        "/api/v1/attachments/{holder}/{id}/{attachment}",
        May::Read,
    ),
    ("POST", "/attachments/{holder}/{id}", May::Write),
    ("POST", "/mediation/{id}/parties/{seq}/remove", May::Write),
    ("GET", "/attachments/{holder}/{id}/{attachment}", May::Read),
    (
        "POST",
        "/attachments/{holder}/{id}/{attachment}/remove",
        May::Write,
    ),
    ("GET", "/api/v1/power/stats", May::Read),
    ("GET", "/api/v1/reconsideration/cases", May::Read),
    ("POST", "/api/v1/reconsideration/cases", May::Legal),
    ("GET", "/api/v1/reconsideration/cases/{id}", May::Read),
    (
        "POST",
        "/api/v1/reconsideration/cases/{id}/steps",
        May::Legal,
    ),
    ("GET", "/api/v1/reconsideration/stats", May::Read),
    ("GET", "/api/v1/enforcement/cases", May::Read),
    ("GET", "/api/v1/enforcement/cases/{id}", May::Read),
    ("GET", "/api/v1/enforcement/bodies", May::Read),
    ("GET", "/api/v1/enforcement/officers", May::Read),
    ("GET", "/api/v1/enforcement/stats", May::Read),
    ("POST", "/api/v1/enforcement/cases/{id}/steps", May::Write),
    ("GET", "/enforcement", May::Read),
    ("GET", "/enforcement/cases/{id}", May::Read),
    ("GET", "/enforcement/new", May::Write),
    ("POST", "/enforcement/new", May::Write),
    ("POST", "/enforcement/cases/{id}/steps", May::Write),
    ("GET", "/enforcement/cases/{id}/documents/{kind}", May::Read),
    ("GET", "/enforcement/officers/{id}", May::Read),
    ("POST", "/enforcement/officers/{id}/trainings", May::Write),
    ("GET", "/enforcement/bodies", May::Read),
    ("GET", "/enforcement/inspections", May::Read),
    ("GET", "/enforcement/stats", May::Read),
    ("GET", "/enforcement/stats.xlsx", May::Read),
    ("GET", "/enforcement/import", May::Write),
    ("POST", "/enforcement/import", May::Write),
    ("GET", "/enforcement/template.xlsx", May::Write),
    ("GET", "/enforcement/export.xlsx", May::Read),
    ("GET", "/gongkai/zhifa", May::Public),
    ("GET", "/api/v1/report/{year}", May::Read),
    ("GET", "/api/v1/report/{year}/figures/{key}", May::Read),
    ("GET", "/api/v1/users", May::Accounts),
    ("POST", "/api/v1/validate", May::Staff),
    ("GET", "/calendar", May::Staff),
    ("POST", "/calendar/notices", May::System),
    ("POST", "/calendar/typed", May::System),
    ("GET", "/gongkai", May::Public),
    ("GET", "/gongkai/baogao", May::Public),
    ("GET", "/gongkai/baogao/{org}/{year}", May::Public),
    (
        "GET",
        "/gongkai/baogao/{org}/{year}/report.docx",
        May::Public,
    ),
    ("GET", "/gongkai/falv", May::Public),
    ("GET", "/gongkai/falv/{id}", May::Public),
    ("GET", "/gongkai/fuyi", May::Public),
    ("GET", "/gongkai/fuyi/{id}", May::Public),
    ("GET", "/gongkai/jigou", May::Public),
    ("GET", "/gongkai/quanze", May::Public),
    ("GET", "/gongkai/quanze/{id}", May::Public),
    ("GET", "/gongkai/tiaojie", May::Public),
    ("GET", "/healthz", May::Public),
    ("GET", "/jobs/{id}", May::Staff),
    ("GET", "/laws", May::Staff),
    ("GET", "/laws/cite", May::Staff),
    ("GET", "/laws/{id}", May::Staff),
    ("POST", "/laws/{id}/amend", May::Legal),
    ("POST", "/laws/{id}/repeal", May::Legal),
    ("GET", "/login", May::Public),
    ("POST", "/login", May::Public),
    ("POST", "/logout", May::Staff),
    ("GET", "/mediation", May::Read),
    ("POST", "/mediation", May::Write),
    ("GET", "/mediation/export.xlsx", May::Read),
    ("GET", "/mediation/import", May::Write),
    ("POST", "/mediation/import", May::Write),
    ("GET", "/mediation/new", May::Write),
    ("GET", "/mediation/organizations", May::Read),
    ("POST", "/mediation/roster/notices", May::Write),
    ("GET", "/mediation/stats", May::Read),
    ("GET", "/mediation/template.xlsx", May::Write),
    ("GET", "/mediation/{id}", May::Read),
    ("GET", "/mediation/{id}/agreement.docx", May::Read),
    ("POST", "/mediation/{id}/conclude", May::Write),
    ("POST", "/mediation/{id}/notes", May::Write),
    ("POST", "/mediation/{id}/parties", May::Write),
    ("GET", "/power", May::Read),
    ("GET", "/power/adjustments", May::Read),
    ("POST", "/power/adjustments", May::Write),
    ("GET", "/power/adjustments/new", May::Write),
    ("GET", "/power/adjustments/{id}", May::Read),
    ("POST", "/power/adjustments/{id}/decide", May::Legal),
    ("POST", "/power/adjustments/{id}/review", May::Legal),
    ("GET", "/power/compare", May::Read),
    ("GET", "/power/delegations", May::Read),
    ("POST", "/power/delegations", May::Legal),
    ("POST", "/power/delegations/{id}/state", May::Legal),
    ("GET", "/power/export.xlsx", May::Read),
    ("GET", "/power/import", May::Write),
    ("POST", "/power/import", May::Write),
    ("GET", "/power/template.xlsx", May::Write),
    ("GET", "/power/worklist", May::Read),
    ("GET", "/power/{id}", May::Read),
    ("GET", "/reconsideration", May::Read),
    ("POST", "/reconsideration", May::Legal),
    ("GET", "/reconsideration/documents/{id}", May::Read),
    ("GET", "/reconsideration/export.xlsx", May::Read),
    ("GET", "/reconsideration/import", May::Legal),
    ("POST", "/reconsideration/import", May::Legal),
    ("GET", "/reconsideration/new", May::Legal),
    ("GET", "/reconsideration/stats", May::Read),
    ("GET", "/power/stats", May::Read),
    ("GET", "/power/stats.xlsx", May::Read),
    ("GET", "/reconsideration/stats.xlsx", May::Read),
    ("GET", "/mediation/stats.xlsx", May::Read),
    ("GET", "/reconsideration/template.xlsx", May::Legal),
    ("GET", "/reconsideration/{id}", May::Read),
    ("POST", "/reconsideration/{id}/documents", May::Legal),
    ("POST", "/reconsideration/{id}/steps", May::Legal),
    ("GET", "/report", May::Read),
    ("GET", "/report/{year}", May::Read),
    ("GET", "/report/{year}/download/{format}", May::Read),
    ("GET", "/report/{year}/figures/{key}", May::Read),
    ("GET", "/report/{year}/preview", May::Read),
    ("POST", "/report/{year}/publish", May::Write),
    ("POST", "/report/{year}/sections/{section}", May::Write),
    ("GET", "/static/fazhi.css", May::Public),
    ("GET", "/static/fazhi.js", May::Public),
    ("GET", "/gongkai/fuyi/{id}/decision.docx", May::Public),
    ("GET", "/static/echarts.min.js", May::Public),
];

/// Every (method, path) the router declares, read from its source: the pages' routes, the API's
/// (under `/api/v1`) and the application's own.
fn declared_routes() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for (file, prefix) in [
        ("html/mod.rs", ""),
        ("html/enforcement/mod.rs", ""),
        ("api/mod.rs", "/api/v1"),
        ("lib.rs", ""),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            // The call's text, to its closing parenthesis.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &rest[..end];
            let path = call.split('"').nth(1).unwrap();
            for method in ["get", "post", "put", "delete", "patch"] {
                let needle = format!("{method}(");
                let declared = call.match_indices(&needle).any(|(at, _)| {
                    !call[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if declared {
                    out.push((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_router_is_read_whole() {
    let routes = declared_routes();
    assert!(routes.len() > 90, "{}", routes.len());
    assert!(routes.contains(&("POST".into(), "/laws/{id}/repeal".into())));
    assert!(routes.contains(&("GET".into(), "/api/v1/orgs/{id}".into())));
    assert!(routes.contains(&("GET".into(), "/healthz".into())));
}

/// What each placeholder stands for in the tries: real records where the fixture has them (an
/// organisation of the district, a user), otherwise an id nothing has.
async fn fill(app: &TestApp, path: &str) -> String {
    let district = app
        .platform
        .resolve_org("示例区")
        .await
        .unwrap()
        .id
        .to_string();
    let mut out = path.to_string();
    let substitutions: &[(&str, String)] = &[
        ("/admin/orgs/{id}", format!("/admin/orgs/{district}")),
        ("/api/v1/orgs/{id}", format!("/api/v1/orgs/{district}")),
        ("{date}", "2020-10-09".into()),
        ("{year}", "2025".into()),
        ("{org}", "示例区".into()),
        ("{format}", "docx".into()),
        ("{key}", "reconsideration.received".into()),
        ("{section}", "1".into()),
        ("{holder}", "mediation".into()),
        ("{seq}", "1".into()),
        ("{kind}", "decision".into()),
        ("{attachment}", "0000000000000000000000000000beef".into()),
        ("{id}", "0000000000000000000000000000dead".into()),
    ];
    for (from, to) in substitutions {
        out = out.replace(from, to);
    }
    out
}

#[derive(Debug, PartialEq, Eq, Clone, Copy, PartialOrd, Ord)]
enum Outcome {
    Allowed,
    Refused,
    SignIn,
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let db = testkit::backends().await.into_iter().next().unwrap();
    let app = TestApp::spawn(db).await;
    let routes = declared_routes();
    let mut clients = BTreeMap::new();
    for role in ROLES {
        let client = app.login(role).await;
        let csrf = app.csrf(&client).await;
        clients.insert(role, (client, csrf));
    }
    let nobody = app.client();
    let login = nobody
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let nobody_csrf = common::hidden(&login, "_csrf");
    let rules: BTreeMap<(&str, &str), May> =
        RULES.iter().map(|(m, p, may)| ((*m, *p), *may)).collect();
    let unlisted: Vec<String> = routes
        .iter()
        .filter(|(m, p)| !rules.contains_key(&(m.as_str(), p.as_str())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "routes without a row in RULES (say who may use them): {unlisted:#?}"
    );
    let stale: Vec<String> = RULES
        .iter()
        .filter(|(m, p, _)| !routes.iter().any(|(rm, rp)| rm == m && rp == p))
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert!(stale.is_empty(), "rows of RULES for no route: {stale:#?}");
    // Signing out ends the sessions the other tries use: it goes last.
    let mut routes = routes;
    routes.sort_by_key(|(method, path)| (path == "/logout", method.clone(), path.clone()));
    let mut wrong = Vec::new();
    let mut tried = 0;
    for (method, path) in &routes {
        let may = rules[&(method.as_str(), path.as_str())];
        let url = app.url(&fill(&app, path).await);
        for role in ROLES.iter().map(|r| Some(*r)).chain([None]) {
            let (client, csrf) = match role {
                Some(r) => (clients[r].0.clone(), clients[r].1.clone()),
                None => (nobody.clone(), nobody_csrf.clone()),
            };
            let request = match method.as_str() {
                "GET" => client.get(&url),
                _ => client
                    .post(&url)
                    .header("X-CSRF-Token", &csrf)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(""),
            };
            let response = request.send().await.unwrap();
            tried += 1;
            let status = response.status();
            let outcome = if status == StatusCode::FORBIDDEN {
                Outcome::Refused
            } else if status == StatusCode::UNAUTHORIZED
                || (response.url().path() == "/login" && path != "/login")
            {
                Outcome::SignIn
            } else {
                Outcome::Allowed
            };
            let who = role.unwrap_or("nobody");
            let expected_ok = match role {
                Some(r) => may.allows(r),
                None => may == May::Public,
            };
            if outcome == Outcome::Refused && path.starts_with("/api/") {
                let json = response
                    .headers()
                    .get("content-type")
                    .is_some_and(|v| v.to_str().unwrap_or("").starts_with("application/json"));
                if !json {
                    wrong.push(format!(
                        "{method} {path} as {who}: a refusal that is not JSON"
                    ));
                }
            }
            let fine = if status.is_server_error() {
                false
            } else if path == "/logout" {
                true
            } else if expected_ok {
                outcome == Outcome::Allowed
            } else if role.is_none() {
                outcome != Outcome::Allowed
            } else {
                outcome == Outcome::Refused
            };
            if !fine {
                wrong.push(format!(
                    "{method} {path} as {who}: {status} (table: {may:?})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {tried} tries differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    println!(
        "{} routes × {} identities = {tried} tries, all as the table says",
        routes.len(),
        ROLES.len() + 1
    );
    app.db.finish().await;
}

/// The route pattern (`/power/{id}`) a concrete path (`/power/abc`) is an address of.
fn pattern_of<'a>(routes: &'a [(String, String)], method: &str, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    let matching = |pattern: &str| {
        let p: Vec<&str> = pattern.split('/').collect();
        p.len() == segments.len()
            && p.iter()
                .zip(&segments)
                .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')))
    };
    // A literal route wins over one with a placeholder (`/power/stats` before `/power/{id}`).
    let mut candidates: Vec<&str> = routes
        .iter()
        .filter(|(m, p)| m == method && matching(p))
        .map(|(_, p)| p.as_str())
        .collect();
    candidates.sort_by_key(|p| p.matches('{').count());
    candidates.first().copied()
}

/// Issue 17, item 9: a page offers no form and no link to a form that its reader may not use.
/// Every page each role may open is read; each form it holds (its action, by the method it
/// posts) and each link to a page of the application are checked against [`RULES`].
#[tokio::test]
async fn no_page_offers_what_its_reader_may_not_use() {
    let db = testkit::backends().await.into_iter().next().unwrap();
    let app = TestApp::spawn(db).await;
    let routes = declared_routes();
    let rules: BTreeMap<(&str, &str), May> =
        RULES.iter().map(|(m, p, may)| ((*m, *p), *may)).collect();
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(tag[at..].split('"').next()?.replace("&amp;", "&"))
    };
    let mut wrong = Vec::new();
    let mut pages = 0;
    for role in ROLES {
        let client = app.login(role).await;
        for (method, path) in &routes {
            if method != "GET"
                || path.starts_with("/api/")
                || path.contains('.')
                || path == "/logout"
                || !rules[&(method.as_str(), path.as_str())].allows(role)
            {
                continue;
            }
            let url = app.url(&fill(&app, path).await);
            let response = client.get(&url).send().await.unwrap();
            let html = response
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
            if response.status() != StatusCode::OK || !html {
                continue;
            }
            pages += 1;
            let page = response.text().await.unwrap();
            for (tag_start, default_method) in [("<form", "GET"), ("<a ", "GET")] {
                for piece in page.split(tag_start).skip(1) {
                    let tag = piece.split('>').next().unwrap_or("");
                    let target = if tag_start == "<form" {
                        attribute(tag, "action")
                    } else {
                        attribute(tag, "href")
                    };
                    let Some(target) = target else { continue };
                    if !target.starts_with('/') || target.starts_with("//") {
                        continue;
                    }
                    let target_path = target.split(['?', '#']).next().unwrap_or("");
                    let method = if tag_start == "<form" {
                        attribute(tag, "method")
                            .map(|m| m.to_uppercase())
                            .unwrap_or(default_method.into())
                    } else {
                        default_method.into()
                    };
                    let Some(pattern) = pattern_of(&routes, &method, target_path) else {
                        continue;
                    };
                    let may = rules[&(method.as_str(), pattern)];
                    if !may.allows(role) && pattern != "/logout" {
                        wrong.push(format!(
                            "{path} offers {role} {method} {target_path} ({may:?})"
                        ));
                    }
                }
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(pages > 40, "{pages} pages read");
    assert!(
        wrong.is_empty(),
        "offered but not allowed:\n{}",
        wrong.join("\n")
    );
    app.db.finish().await;
}

/// utoipa names a schema by its type's name alone: two `StatsDto`s in different modules become
/// one schema, and one module's answers are then described by the other's (the fuzzing found
/// 行政复议's figures checked against 行政执法's). Every schema's name is unique.
#[test]
fn every_schema_in_the_openapi_document_has_its_own_name() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api/mod.rs"),
    )
    .unwrap();
    let start = text.find("components(schemas(").expect("the schema list");
    let list = &text[start..start + text[start..].find("))").unwrap()];
    let mut names: Vec<&str> = list
        .split([',', '\n', '('])
        .map(str::trim)
        .filter(|s| s.contains("::") || s.ends_with("Dto") || s.ends_with("Body"))
        .map(|s| s.rsplit("::").next().unwrap())
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a schema name used twice: {list}");
    assert!(count > 20, "{list}");
}
