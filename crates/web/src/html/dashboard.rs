//! 工作台: my organisation, my tasks and deadlines, today in the working-day calendar.

use askama::Template;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Datelike;
use kernel::calendar::{Calendar, DayKind};
use kernel::{Permission, Role};
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::Query;
use crate::session::Session;

/// One line of the to-do list: what, why, where it is done, and how many things it stands for
/// (counted beside the module in the menu; 0 for a line that waits on someone else).
#[derive(Clone, Debug)]
pub struct Task {
    pub module: &'static str,
    pub count: usize,
    pub title: String,
    pub detail: String,
    pub href: String,
}

impl Task {
    pub fn one(
        module: &'static str,
        title: impl Into<String>,
        detail: impl Into<String>,
        href: impl Into<String>,
    ) -> Task {
        Task::many(module, 1, title, detail, href)
    }

    pub fn many(
        module: &'static str,
        count: usize,
        title: impl Into<String>,
        detail: impl Into<String>,
        href: impl Into<String>,
    ) -> Task {
        Task {
            module,
            count,
            title: title.into(),
            detail: detail.into(),
            href: href.into(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    org_kind: &'static str,
    lineage: String,
    today: String,
    today_kind: String,
    next_holiday: Option<String>,
    calendar_warning: Option<String>,
    tasks: Vec<Task>,
    /// The year so far by month, for those who read the records.
    charts: Vec<super::figures::ChartView>,
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    ok: Option<String>,
}

/// The first day of the next holiday after `today`, within the known years.
fn next_holiday(calendar: &Calendar, today: chrono::NaiveDate) -> Option<String> {
    let mut previous_was_holiday = matches!(calendar.day(today), Ok(DayKind::Holiday(_)));
    for date in today.iter_days().skip(1).take(400) {
        match calendar.day(date) {
            Ok(DayKind::Holiday(name)) if !previous_was_holiday => {
                return Some(format!("{name}（{date}起）"));
            }
            Ok(DayKind::Holiday(_)) => previous_was_holiday = true,
            Ok(_) => previous_was_holiday = false,
            Err(_) => return None,
        }
    }
    None
}

/// From 1 November: next year's notice is missing, and what that means for deadlines.
fn calendar_warning(calendar: &Calendar, today: chrono::NaiveDate) -> Option<String> {
    let next_year = today.year() + 1;
    (today.month() >= 11 && !calendar.knows(next_year)).then(|| {
        format!(
            "尚未载入{next_year}年国务院节假日安排：届满日落在{next_year}年的期限暂按周六、周日休息计算，标为“暂定”；通知发布后载入，即自动重新计算。"
        )
    })
}

/// The year by month within the reader's scope, kept while the cases and disputes are unchanged.
async fn year_charts(
    state: &AppState,
    actor: &platform::Actor,
    year: i32,
) -> PageResult<std::sync::Arc<Vec<super::figures::ChartView>>> {
    let root_id = match &actor.scope {
        platform::Scope::Everything => String::new(),
        platform::Scope::Subtree { root, .. } => root.to_string(),
    };
    state
        .year_charts
        .get_or_load(&actor.versions, &(root_id, year), || async {
            let root = match &actor.scope {
                platform::Scope::Everything => None,
                platform::Scope::Subtree { root, .. } => Some(state.platform.org(root).await?),
            };
            Ok::<_, crate::error::PageError>(std::sync::Arc::new(vec![
                super::figures::ChartView::monthly(
                    "reconsideration-monthly",
                    &format!("{year}年行政复议收到申请（按月）"),
                    state.reconsideration.monthly(year, root.as_ref()).await?,
                ),
                super::figures::ChartView::monthly(
                    "mediation-monthly",
                    &format!("{year}年受理矛盾纠纷（按月）"),
                    state.mediation.monthly(year, root.as_ref()).await?,
                ),
            ]))
        })
        .await
}

/// The tables the to-do list reads: a write to any of them computes it again.
pub const TODO_TABLES: &[&str] = &[
    "orgs",
    "users",
    "login_throttle",
    "settings",
    "calendar_notices",
    "laws",
    "law_versions",
    "law_articles",
    "citations",
    "power_items",
    "power_item_versions",
    "power_adjustments",
    "reconsideration_cases",
    "reconsideration_steps",
    "mediation_organizations",
    "mediation_disputes",
    "enforcement_bodies",
    "enforcement_officers",
    "enforcement_cases",
    "report_sections",
    "reports",
];

/// What waits for `actor` on `today`, each line linking to where it is done: the to-do list of
/// the 工作台 and the counts beside the menu. Kept per user and day while [`TODO_TABLES`] are
/// unchanged.
pub async fn todo(
    state: &AppState,
    actor: &platform::Actor,
    today: chrono::NaiveDate,
) -> PageResult<std::sync::Arc<Vec<Task>>> {
    let key = (actor.audit_name(), today);
    state
        .todo
        .get_or_load(&actor.versions, &key, || async {
            Ok::<_, crate::error::PageError>(std::sync::Arc::new(
                compute_todo(state, actor, today).await?,
            ))
        })
        .await
}

async fn compute_todo(
    state: &AppState,
    actor: &platform::Actor,
    today: chrono::NaiveDate,
) -> PageResult<Vec<Task>> {
    let p = &state.platform;
    let calendar = p.calendar_for(actor).await?;
    let mut tasks = Vec::new();
    if actor.role.is_some_and(Role::is_admin) && !actor.can(Permission::ReadAudit) {
        let summary = p.account_summary(actor).await?;
        if summary.locked > 0 && actor.can(Permission::UnlockAccounts) {
            tasks.push(Task::many(
                "users",
                summary.locked as usize,
                format!("{}个账户因连续登录失败被锁定", summary.locked),
                "核实后可提前解锁",
                "/admin/users",
            ));
        }
        if summary.must_change_password > 0 {
            tasks.push(Task::many(
                "users",
                summary.must_change_password as usize,
                format!("{}个账户尚未修改初始密码", summary.must_change_password),
                "用户首次登录时须修改",
                "/admin/users",
            ));
        }
    }
    // 行政复议: decisions falling due within the set working days, and overdue ones.
    if actor.can(Permission::ReadRecords) {
        let (soon, overdue) = state.reconsideration.due(actor, today).await?;
        for (case, due) in overdue.iter().take(20) {
            tasks.push(Task::one(
                "reconsideration",
                format!("行政复议 {} 已逾期", case.number),
                format!(
                    "审理期限{due}已届满（{}诉{}）",
                    case.applicant, case.respondent
                ),
                format!("/reconsideration/{}", case.id),
            ));
        }
        for (case, due) in soon.iter().take(20) {
            tasks.push(Task::one(
                "reconsideration",
                format!("行政复议 {} 将于{due}届满", case.number),
                format!("{}，{}", case.stage.label(), case.respondent),
                format!("/reconsideration/{}", case.id),
            ));
        }
    }
    // 人民调解: disputes open longer than the target.
    if actor.can(Permission::ReadRecords) {
        let before = state.mediation.overdue_before(actor, today).await?;
        let filter = mediation::DisputeFilter {
            open_before: Some(before),
            ..Default::default()
        };
        let open = state.mediation.count_disputes(actor, filter).await?;
        if open > 0 {
            tasks.push(Task::many(
                "mediation",
                open as usize,
                format!("{open}件矛盾纠纷超期未结"),
                format!("受理已超过调处时限（{before}前受理）"),
                "/mediation?overdue=1",
            ));
        }
    }
    // 行政执法: certificates ending, decisions to publish, the year's figures in January.
    super::enforcement::tasks(state, actor, today, &mut tasks).await?;
    // 权责清单: adjustments to review or approve, the law-change worklist, one's own requests.
    power_tasks(state, actor, &mut tasks).await?;
    // 年度报告: last year's report waits for publication (before 1 April).
    if let Some(task) = super::report::task(state, actor, today).await? {
        tasks.push(task);
    }
    if let (Some(warning), true) = (
        calendar_warning(&calendar, today),
        actor.can(Permission::ManageCalendar),
    ) {
        tasks.push(Task::one(
            "calendar",
            "载入新一年的节假日安排",
            warning,
            "/calendar",
        ));
    }
    Ok(tasks)
}

/// 权责清单's lines: for the 司法局, the proposals to review and the reviewed ones to approve
/// (not one's own review); for everyone who reads the list, the items whose legal basis a law
/// change touched; for whoever proposed, their requests still open or returned.
async fn power_tasks(
    state: &AppState,
    actor: &platform::Actor,
    tasks: &mut Vec<Task>,
) -> PageResult<()> {
    use power::model::AdjustmentState;
    if !actor.can(Permission::ReadRecords) {
        return Ok(());
    }
    let me = actor.audit_name();
    let legal = actor.can(Permission::WriteRecords)
        && matches!(actor.role, Some(Role::LegalAffairs) | None);
    let proposed = state
        .power
        .adjustments(actor, Some(AdjustmentState::Proposed), None)
        .await?;
    let reviewed = state
        .power
        .adjustments(actor, Some(AdjustmentState::Reviewed), None)
        .await?;
    if legal {
        if !proposed.is_empty() {
            tasks.push(Task::many(
                "power",
                proposed.len(),
                format!("{}项权责清单调整待审核", proposed.len()),
                "部门提出的新增、取消、变更申请，由法制机构审核",
                "/power/adjustments?state=proposed",
            ));
        }
        let to_approve = reviewed
            .iter()
            .filter(|a| a.reviewed_by.as_deref() != Some(me.as_str()))
            .count();
        if to_approve > 0 {
            tasks.push(Task::many(
                "power",
                to_approve,
                format!("{to_approve}项权责清单调整待批准"),
                "已审核通过，由审核人以外的人员批准",
                "/power/adjustments?state=reviewed",
            ));
        }
    }
    let worklist = state.power.worklist(actor).await?.len();
    if worklist > 0 && actor.can(Permission::WriteRecords) {
        tasks.push(Task::many(
            "power",
            worklist,
            format!("{worklist}项事项的设定依据因法律法规修改或废止待调整"),
            "核对设定依据，需要时提出调整",
            "/power/worklist",
        ));
    }
    let returned = state
        .power
        .adjustments(actor, Some(AdjustmentState::Rejected), None)
        .await?;
    for a in proposed
        .iter()
        .chain(&reviewed)
        .chain(&returned)
        .filter(|a| a.proposed_by == me)
        .take(20)
    {
        let (title, count) = match a.state {
            AdjustmentState::Rejected => (format!("我的调整申请 {} 被退回", a.item_code), 1),
            // Waiting for others: shown, not counted as one's own to-do.
            _ => (
                format!("我的调整申请 {}：{}", a.item_code, a.state.label()),
                0,
            ),
        };
        tasks.push(Task {
            module: "power",
            count,
            title,
            detail: format!("{}，{}生效", a.kind.label(), a.effective_on),
            href: format!("/power/adjustments/{}", a.id),
        });
    }
    Ok(())
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<DashboardQuery>,
) -> PageResult<impl IntoResponse> {
    let actor = &session.0.actor;
    let p = &state.platform;
    let org_id = actor
        .org_id
        .clone()
        .unwrap_or_else(|| kernel::ids::OrgId::from_stored(""));
    let org = p.org_for(actor, &org_id).await?;
    let lineage = p
        .ancestry_for(actor, &org)
        .await?
        .iter()
        .map(|o| o.name.clone())
        .collect::<Vec<_>>()
        .join(" / ");
    let calendar = p.calendar_for(actor).await?;
    let today = kernel::time::china_today();
    let today_kind = calendar
        .day(today)
        .map(|k| k.label())
        .unwrap_or_else(|e| e.to_string());
    let calendar_warning = calendar_warning(&calendar, today);

    let tasks = todo(&state, actor, today).await?.as_ref().clone();
    let charts = if actor.can(Permission::ReadRecords) {
        year_charts(&state, actor, today.year())
            .await?
            .as_ref()
            .clone()
    } else {
        Vec::new()
    };
    render(DashboardPage {
        layout: Layout::staff(&session.0, "工作台", "dashboard").with_notice(q.ok.as_deref()),
        org_kind: org.kind.label(),
        lineage,
        today: today.to_string(),
        today_kind,
        next_holiday: next_holiday(&calendar, today),
        calendar_warning,
        tasks,
        charts,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use kernel::calendar::Calendar;

    #[test]
    fn next_year_s_missing_notice_is_told_from_november() {
        let cal = Calendar::official();
        let last = *cal.known_years().last().unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(last, m, d).unwrap();
        assert_eq!(super::calendar_warning(cal, day(10, 31)), None);
        let w = super::calendar_warning(cal, day(11, 1)).unwrap();
        assert!(w.contains(&format!("尚未载入{}年", last + 1)), "{w}");
        // A known next year: nothing to say.
        let prior = NaiveDate::from_ymd_opt(last - 1, 12, 1).unwrap();
        assert_eq!(super::calendar_warning(cal, prior), None);
    }
}
