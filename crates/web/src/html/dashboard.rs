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

/// One line of "my tasks and deadlines". Module crates add their own as they arrive.
pub struct Task {
    pub title: String,
    pub detail: String,
    pub href: String,
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

    let mut tasks = Vec::new();
    if actor.role.is_some_and(Role::is_admin) && !actor.can(Permission::ReadAudit) {
        let summary = p.account_summary(actor).await?;
        if summary.locked > 0 && actor.can(Permission::UnlockAccounts) {
            tasks.push(Task {
                title: format!("{}个账户因连续登录失败被锁定", summary.locked),
                detail: "核实后可提前解锁".into(),
                href: "/admin/users".into(),
            });
        }
        if summary.must_change_password > 0 {
            tasks.push(Task {
                title: format!("{}个账户尚未修改初始密码", summary.must_change_password),
                detail: "用户首次登录时须修改".into(),
                href: "/admin/users".into(),
            });
        }
    }
    // 行政复议: decisions falling due within the set working days, and overdue ones.
    if actor.can(Permission::ReadRecords) {
        let (soon, overdue) = state.reconsideration.due(actor, today).await?;
        for (case, due) in overdue.iter().take(20) {
            tasks.push(Task {
                title: format!("行政复议 {} 已逾期", case.number),
                detail: format!(
                    "审理期限{due}已届满（{}诉{}）",
                    case.applicant, case.respondent
                ),
                href: format!("/reconsideration/{}", case.id),
            });
        }
        for (case, due) in soon.iter().take(20) {
            tasks.push(Task {
                title: format!("行政复议 {} 将于{due}届满", case.number),
                detail: format!("{}，{}", case.stage.label(), case.respondent),
                href: format!("/reconsideration/{}", case.id),
            });
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
            tasks.push(Task {
                title: format!("{open}件矛盾纠纷超期未结"),
                detail: format!("受理已超过调处时限（{before}前受理）"),
                href: "/mediation?overdue=1".into(),
            });
        }
    }
    // 年度报告: last year's report waits for publication (before 1 April).
    if let Some(task) = super::report::task(&state, actor, today).await? {
        tasks.push(task);
    }
    if let (Some(warning), true) = (&calendar_warning, actor.can(Permission::ManageCalendar)) {
        tasks.push(Task {
            title: "载入新一年的节假日安排".into(),
            detail: warning.clone(),
            href: "/calendar".into(),
        });
    }
    render(DashboardPage {
        layout: Layout::staff(&session.0, "工作台", "dashboard").with_notice(q.ok.as_deref()),
        org_kind: org.kind.label(),
        lineage,
        today: today.to_string(),
        today_kind,
        next_holiday: next_holiday(&calendar, today),
        calendar_warning,
        tasks,
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
