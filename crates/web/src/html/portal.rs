//! 政务公开: the public portal. No login; only what is published, personal data masked.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use kernel::OrgKind;
use platform::Org;

use super::render;
use crate::AppState;
use crate::error::PageResult;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    title: String,
    sections: Vec<(&'static str, &'static str, &'static str)>,
}

/// The public sections that exist. Module crates add theirs (权责清单, 人民调解员名册, 年度报告 …).
const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "权责清单",
        "/gongkai/quanze",
        "各部门、镇（街道）行使的行政权力事项及其设定依据",
    ),
    (
        "行政复议决定",
        "/gongkai/fuyi",
        "已公开的行政复议决定书（申请人信息已脱敏）",
    ),
    (
        "人民调解",
        "/gongkai/tiaojie",
        "人民调解员名册与调解组织（联系电话已脱敏）",
    ),
    (
        "法治政府建设年度报告",
        "/gongkai/baogao",
        "每年4月1日之前公开的上一年度法治政府建设情况报告",
    ),
    ("法律法规", "/gongkai/falv", "现行有效的法律法规条文检索"),
    (
        "机构名录",
        "/gongkai/jigou",
        "本级政府的工作部门和镇（街道）",
    ),
];

async fn public_orgs(state: &AppState) -> PageResult<Vec<Org>> {
    Ok(state.platform.directory().await?)
}

fn top_name(orgs: &[Org]) -> String {
    orgs.iter()
        .find(|o| o.parent_id.is_none())
        .map(|o| o.name.clone())
        .unwrap_or_default()
}

pub async fn home(State(state): State<AppState>) -> PageResult<impl IntoResponse> {
    let orgs = public_orgs(&state).await?;
    render(HomePage {
        title: format!("{}法治政府建设信息公开", top_name(&orgs)),
        sections: SECTIONS.to_vec(),
    })
}

#[derive(Template)]
#[template(path = "portal/directory.html")]
struct DirectoryPage {
    title: String,
    departments: Vec<String>,
    towns: Vec<String>,
}

pub async fn directory(State(state): State<AppState>) -> PageResult<impl IntoResponse> {
    let orgs = public_orgs(&state).await?;
    let top = top_name(&orgs);
    let named = |pred: fn(OrgKind) -> bool| {
        orgs.iter()
            .filter(|o| o.depth == 1 && pred(o.kind))
            .map(|o| o.name.clone())
            .collect()
    };
    render(DirectoryPage {
        title: format!("{top}机构名录"),
        departments: named(|k| k == OrgKind::Department),
        towns: named(OrgKind::is_town_or_street),
    })
}
