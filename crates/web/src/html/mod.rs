//! Staff pages and the public portal: one file per page family, one askama struct per page.

pub(crate) mod attachments;
mod audit;
mod auth;
mod calendar;
pub(crate) mod dashboard;
pub(crate) mod enforcement;
pub(crate) mod figures;
mod jobs;
mod laws;
mod mediation;
mod orgs;
mod portal;
pub(crate) mod power;
mod reconsideration;
mod report;
mod settings;
mod users;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Html;
use axum::routing::{get, post};
use platform::SessionInfo;

use crate::error::{PageError, PageResult, WebError};
use crate::gate::{self, Need};
use crate::nav::{self, NavItem};
use crate::{AppState, UPLOAD_LIMIT};
use kernel::Permission;

pub fn routes(state: AppState) -> Router<AppState> {
    // Who may use each route (see `gate`): checked before the request's query, form or file is read.
    let g = |need: Need| axum::middleware::from_fn_with_state((state.clone(), need), gate::check);
    let upload = || DefaultBodyLimit::max(UPLOAD_LIMIT);
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/account/password",
            get(auth::password_page).post(auth::change_password),
        )
        .route("/calendar", get(calendar::page))
        .route("/jobs/{id}", get(jobs::page))
        .route(
            "/calendar/notices",
            post(calendar::load)
                .route_layer(g(Need::Can(Permission::ManageCalendar)))
                .layer(upload()),
        )
        .route(
            "/calendar/typed",
            post(calendar::typed).route_layer(g(Need::Can(Permission::ManageCalendar))),
        )
        .route(
            "/admin/orgs",
            get(orgs::list).route_layer(g(Need::Can(Permission::ManageOrganisations))),
        )
        .route(
            "/admin/orgs/new",
            get(orgs::new_page)
                .route_layer(g(Need::Can(Permission::ManageOrganisations)))
                .merge(
                    post(orgs::create).route_layer(g(Need::Can(Permission::ManageOrganisations))),
                ),
        )
        .route(
            "/admin/orgs/import",
            get(orgs::import_page)
                .route_layer(g(Need::Can(Permission::ManageOrganisations)))
                .merge(
                    post(orgs::import).route_layer(g(Need::Can(Permission::ManageOrganisations))),
                )
                .layer(upload()),
        )
        .route(
            "/admin/orgs/export.xlsx",
            get(orgs::export).route_layer(g(Need::Can(Permission::ManageOrganisations))),
        )
        .route(
            "/admin/orgs/template.xlsx",
            get(orgs::template).route_layer(g(Need::Can(Permission::ManageOrganisations))),
        )
        .route(
            "/admin/orgs/{id}",
            get(orgs::detail)
                .route_layer(g(Need::Can(Permission::ManageOrganisations)))
                .merge(
                    post(orgs::update).route_layer(g(Need::Can(Permission::ManageOrganisations))),
                ),
        )
        .route(
            "/admin/users",
            get(users::list).route_layer(g(Need::ACCOUNTS)),
        )
        .route(
            "/admin/users/new",
            get(users::new_page)
                .route_layer(g(Need::ACCOUNTS))
                .merge(post(users::create).route_layer(g(Need::ACCOUNTS))),
        )
        .route(
            "/admin/users/{id}",
            get(users::detail).route_layer(g(Need::ACCOUNTS)),
        )
        .route(
            "/admin/users/{id}/role",
            post(users::change_role).route_layer(g(Need::Any(&[
                Permission::ManageUsers,
                Permission::GrantAdminRoles,
            ]))),
        )
        .route(
            "/admin/users/{id}/password",
            post(users::reset_password).route_layer(g(Need::Can(Permission::UnlockAccounts))),
        )
        .route(
            "/admin/users/{id}/unlock",
            post(users::unlock).route_layer(g(Need::Can(Permission::UnlockAccounts))),
        )
        .route(
            "/admin/users/{id}/status",
            post(users::set_status).route_layer(g(Need::Any(&[
                Permission::ManageUsers,
                Permission::GrantAdminRoles,
            ]))),
        )
        .route(
            "/admin/audit",
            get(audit::list).route_layer(g(Need::Can(Permission::ReadAudit))),
        )
        .route(
            "/admin/audit/verify",
            post(audit::verify).route_layer(g(Need::Can(Permission::ReadAudit))),
        )
        .route(
            "/admin/settings",
            get(settings::page)
                .route_layer(g(Need::Any(&[
                    Permission::ManageCalendar,
                    Permission::ManageSecuritySettings,
                ])))
                .merge(post(settings::update).route_layer(g(Need::Any(&[
                    Permission::ManageCalendar,
                    Permission::ManageSecuritySettings,
                ])))),
        )
        .route("/laws", get(laws::search))
        .route("/laws/cite", get(laws::cite))
        .route("/laws/{id}", get(laws::law))
        .route(
            "/laws/{id}/repeal",
            post(laws::repeal).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/laws/{id}/amend",
            post(laws::amend).route_layer(g(Need::LEGAL)),
        )
        .route("/gongkai/falv", get(laws::public_search))
        .route("/gongkai/falv/{id}", get(laws::public_law))
        .route("/power", get(power::list).route_layer(g(Need::READ)))
        .route(
            "/power/stats",
            get(power::stats::stats).route_layer(g(Need::READ)),
        )
        .route(
            "/power/stats.xlsx",
            get(power::stats::xlsx).route_layer(g(Need::READ)),
        )
        .route(
            "/power/compare",
            get(power::compare).route_layer(g(Need::READ)),
        )
        .route(
            "/power/worklist",
            get(power::worklist).route_layer(g(Need::READ)),
        )
        .route(
            "/power/import",
            get(power::ledger::import_page)
                .route_layer(g(Need::WRITE))
                .merge(post(power::ledger::import).route_layer(g(Need::WRITE)))
                .layer(upload()),
        )
        .route(
            "/power/export.xlsx",
            get(power::ledger::export).route_layer(g(Need::READ)),
        )
        .route(
            "/power/template.xlsx",
            get(power::ledger::template).route_layer(g(Need::WRITE)),
        )
        .route(
            "/power/adjustments",
            get(power::adjust::list)
                .route_layer(g(Need::READ))
                .merge(post(power::adjust::create).route_layer(g(Need::WRITE))),
        )
        .route(
            "/power/adjustments/new",
            get(power::adjust::new_page).route_layer(g(Need::WRITE)),
        )
        .route(
            "/power/adjustments/{id}",
            get(power::adjust::detail).route_layer(g(Need::READ)),
        )
        .route(
            "/power/adjustments/{id}/review",
            post(power::adjust::review).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/power/adjustments/{id}/decide",
            post(power::adjust::decide).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/power/delegations",
            get(power::delegate::matrix)
                .route_layer(g(Need::READ))
                .merge(post(power::delegate::create).route_layer(g(Need::LEGAL))),
        )
        .route(
            "/power/delegations/{id}/state",
            post(power::delegate::step).route_layer(g(Need::LEGAL)),
        )
        .route("/power/{id}", get(power::item).route_layer(g(Need::READ)))
        .route("/gongkai/quanze", get(power::public::list))
        .route("/gongkai/quanze/{id}", get(power::public::item))
        .route("/gongkai", get(portal::home))
        .route(
            "/reconsideration",
            get(reconsideration::list)
                .route_layer(g(Need::READ))
                .merge(post(reconsideration::create).route_layer(g(Need::LEGAL))),
        )
        .route(
            "/reconsideration/new",
            get(reconsideration::new_page).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/reconsideration/stats",
            get(reconsideration::stats::stats).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/stats.xlsx",
            get(reconsideration::stats::xlsx).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/import",
            get(reconsideration::ledger::import_page)
                .route_layer(g(Need::LEGAL))
                .merge(post(reconsideration::ledger::import).route_layer(g(Need::LEGAL)))
                .layer(upload()),
        )
        .route(
            "/reconsideration/export.xlsx",
            get(reconsideration::ledger::export).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/template.xlsx",
            get(reconsideration::ledger::template).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/reconsideration/documents/{id}",
            get(reconsideration::document).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/{id}",
            get(reconsideration::case).route_layer(g(Need::READ)),
        )
        .route(
            "/reconsideration/{id}/steps",
            post(reconsideration::step).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/reconsideration/{id}/documents",
            post(reconsideration::generate).route_layer(g(Need::LEGAL)),
        )
        .route(
            "/attachments/{holder}/{id}",
            post(attachments::upload)
                .route_layer(g(Need::WRITE))
                .layer(DefaultBodyLimit::max(
                    platform::ATTACHMENT_MAX_BYTES + 1024 * 1024,
                )),
        )
        .route(
            "/attachments/{holder}/{id}/{attachment}",
            get(attachments::download).route_layer(g(Need::READ)),
        )
        .route(
            "/attachments/{holder}/{id}/{attachment}/remove",
            post(attachments::remove).route_layer(g(Need::WRITE)),
        )
        .route("/gongkai/fuyi", get(reconsideration::public::list))
        .route("/gongkai/fuyi/{id}", get(reconsideration::public::case))
        .route(
            "/gongkai/fuyi/{id}/decision.docx",
            get(reconsideration::public::decision_docx),
        )
        .route(
            "/mediation",
            get(mediation::list)
                .route_layer(g(Need::READ))
                .merge(post(mediation::create).route_layer(g(Need::WRITE))),
        )
        .route(
            "/mediation/new",
            get(mediation::new_page).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/organizations",
            get(mediation::organizations).route_layer(g(Need::READ)),
        )
        .route(
            "/mediation/roster/notices",
            post(mediation::roster_notice).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/stats",
            get(mediation::stats).route_layer(g(Need::READ)),
        )
        .route(
            "/mediation/stats.xlsx",
            get(mediation::stats_xlsx).route_layer(g(Need::READ)),
        )
        .route(
            "/mediation/import",
            get(mediation::ledger::import_page)
                .route_layer(g(Need::WRITE))
                .merge(post(mediation::ledger::import).route_layer(g(Need::WRITE)))
                .layer(upload()),
        )
        .route(
            "/mediation/export.xlsx",
            get(mediation::ledger::export).route_layer(g(Need::READ)),
        )
        .route(
            "/mediation/template.xlsx",
            get(mediation::ledger::template).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/{id}",
            get(mediation::dispute).route_layer(g(Need::READ)),
        )
        .route(
            "/mediation/{id}/conclude",
            post(mediation::conclude).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/{id}/notes",
            post(mediation::note).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/{id}/parties",
            post(mediation::party).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/{id}/parties/{seq}/remove",
            post(mediation::remove_party).route_layer(g(Need::WRITE)),
        )
        .route(
            "/mediation/{id}/agreement.docx",
            get(mediation::agreement).route_layer(g(Need::READ)),
        )
        .route("/gongkai/tiaojie", get(mediation::public::roster))
        .merge(enforcement::routes(state.clone()))
        .route("/gongkai/jigou", get(portal::directory))
        .route("/report", get(report::index).route_layer(g(Need::READ)))
        .route(
            "/report/{year}",
            get(report::editor).route_layer(g(Need::READ)),
        )
        .route(
            "/report/{year}/preview",
            get(report::preview).route_layer(g(Need::READ)),
        )
        .route(
            "/report/{year}/download/{format}",
            get(report::download).route_layer(g(Need::READ)),
        )
        .route(
            "/report/{year}/publish",
            post(report::publish).route_layer(g(Need::WRITE)),
        )
        .route(
            "/report/{year}/sections/{section}",
            post(report::save_section).route_layer(g(Need::WRITE)),
        )
        .route(
            "/report/{year}/figures/{key}",
            get(report::figure).route_layer(g(Need::READ)),
        )
        .route("/gongkai/baogao", get(report::public::list))
        .route("/gongkai/baogao/{org}/{year}", get(report::public::report))
        .route(
            "/gongkai/baogao/{org}/{year}/report.docx",
            get(report::public::docx),
        )
}

/// How a ledger export is asked for: `list=1` from a list (exactly its filtered view), absent for
/// the ledger of a year.
#[derive(serde::Deserialize, Default)]
pub struct ExportMode {
    pub list: Option<String>,
}

/// The logged-in user shown in the header.
pub struct UserBar {
    pub display_name: String,
    pub role: &'static str,
    pub org_name: String,
}

/// What every staff page's frame needs.
pub struct Layout {
    /// A page of the public portal: its header, navigation and footer.
    pub portal: bool,
    pub title: String,
    pub user: Option<UserBar>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub notice: Option<String>,
}

impl Layout {
    pub fn staff(session: &SessionInfo, title: &str, active: &str) -> Layout {
        Layout {
            portal: false,
            title: title.to_string(),
            user: Some(UserBar {
                display_name: session.actor.display_name(),
                role: session.actor.role.map(|r| r.label()).unwrap_or("命令行"),
                org_name: session.org_name.clone(),
            }),
            nav: nav::items(session.actor.role, active),
            csrf: session.csrf_token.clone(),
            notice: None,
        }
    }

    /// A page of the public portal (/gongkai): one header, navigation and footer for all.
    pub fn portal(title: &str) -> Layout {
        Layout {
            portal: true,
            ..Layout::public(title)
        }
    }

    pub fn public(title: &str) -> Layout {
        Layout {
            portal: false,
            title: title.to_string(),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            notice: None,
        }
    }

    /// A one-line confirmation after a redirect (`?ok=saved`).
    pub fn with_notice(mut self, code: Option<&str>) -> Layout {
        self.notice = code.and_then(notice_text).map(str::to_string);
        self
    }
}

/// The fixed confirmations a redirect may ask for; anything else shows nothing.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存。",
        "created" => "已新建。",
        "password" => "密码已修改。",
        "unlocked" => "账户已解锁。",
        "reset" => "密码已重置，用户下次登录时须修改密码。",
        "role" => "角色已变更，该用户须重新登录。",
        "disabled" => "账户已停用。",
        "enabled" => "账户已启用。",
        "imported" => "台账已导入。",
        "loaded" => "节假日安排已载入。",
        "proposed" => "调整申请已提交，等待法制机构审核。",
        "reviewed" => "已审核通过，等待批准。",
        "returned" => "已退回。",
        "approved" => "已批准，将于生效日期起施行。",
        "delegated" => "赋权已登记。",
        "registered" => "行政复议申请已登记，请在受理审查期限内作出受理决定。",
        "step" => "已记录，期限已重新计算。",
        "document" => "文书已生成，随案保存。",
        "published" => "年度报告已向社会公开。",
        "attached" => "附件已上传，已计算SM3校验值。",
        "detached" => "附件已移除（上传记录保留在审计日志中）。",
        _ => return None,
    })
}

pub fn render(template: impl Template) -> PageResult<Html<String>> {
    template.render().map(Html).map_err(|e| {
        tracing::error!(error = %e, "template failed to render");
        PageError(WebError::new(kernel::ErrorCode::Internal, "页面生成失败"))
    })
}

pub async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        crate::error::ApiError(WebError::not_found()).into_response()
    } else {
        PageError(WebError::not_found()).into_response()
    }
}

/// A .docx as a download: `name` for the browser (UTF-8, RFC 5987), `fallback` for old clients.
pub fn docx_download(
    fallback: &str,
    name: &str,
    bytes: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Options for a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a closed list of words (`kernel::labelled_enum!`), `selected` by its code.
pub fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    selected: &str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).into(),
            label: label(*v).into(),
            selected: code(*v) == selected,
        })
        .collect()
}

/// Page numbers around the current one, for the pager.
/// A sortable column's header: a link that orders the list by the column (again: the other way),
/// with the current order marked for the eye and for screen readers.
pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// ▲ or ▼ on the column the list is ordered by.
    pub mark: &'static str,
    /// aria-sort: ascending, descending or none.
    pub aria: &'static str,
}

/// The headers of a list's sortable columns. `base`: the list's query without its order and
/// page (ending in `&` when not empty); `current`: the order in force (`received`, `-received`).
pub fn sort_headers(
    base: &str,
    current: &str,
    columns: &[(&'static str, &'static str)],
) -> Vec<SortHeader> {
    columns
        .iter()
        .map(|(key, label)| {
            let (mark, aria, next) = match current.strip_prefix('-') {
                Some(k) if k == *key => ("▼", "descending", key.to_string()),
                None if current == *key => ("▲", "ascending", format!("-{key}")),
                _ => ("", "none", key.to_string()),
            };
            SortHeader {
                label,
                href: format!("?{base}sort={next}"),
                mark,
                aria,
            }
        })
        .collect()
}

/// A value for a query string.
pub fn urlencode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// The order a list's `sort` parameter asks for: (key, descending).
pub fn sort_of(sort: &str) -> Option<(String, bool)> {
    let sort = sort.trim();
    match sort.strip_prefix('-') {
        Some(k) if !k.is_empty() => Some((k.to_string(), true)),
        None if !sort.is_empty() => Some((sort.to_string(), false)),
        _ => None,
    }
}

/// The page sizes a list offers, the one in force selected (`default` when none was asked).
pub fn page_sizes(per: Option<u32>, default: u32) -> Vec<Choice> {
    [20, 50, 100, 200]
        .into_iter()
        .map(|n| Choice {
            value: n.to_string(),
            label: format!("{n}条"),
            selected: per.unwrap_or(default) == n,
        })
        .collect()
}

pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: i64,
    /// The query string without `page`, ending in `&` when not empty.
    pub base: String,
}

impl Pager {
    pub fn new<T>(page: &platform::Page<T>, base: String) -> Pager {
        Pager {
            page: page.page,
            pages: page.pages(),
            total: page.total,
            base,
        }
    }

    pub fn prev(&self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<u32> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}
