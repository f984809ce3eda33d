//! The navigation: only modules that exist, and only those the role may open.

use kernel::{Permission, Role};

pub struct NavItem {
    /// The module's key (the to-do counts are given by it).
    pub key: &'static str,
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

struct Entry {
    key: &'static str,
    label: &'static str,
    href: &'static str,
    /// Shown when the role has any of these (empty: everyone logged in).
    any_of: &'static [Permission],
}

/// Module crates add their entry here as they arrive.
const ENTRIES: &[Entry] = &[
    Entry {
        key: "dashboard",
        label: "工作台",
        href: "/",
        any_of: &[],
    },
    Entry {
        key: "laws",
        label: "法规库",
        href: "/laws",
        any_of: &[],
    },
    Entry {
        key: "power",
        label: "权责清单",
        href: "/power",
        any_of: &[Permission::ReadRecords],
    },
    Entry {
        key: "reconsideration",
        label: "行政复议",
        href: "/reconsideration",
        any_of: &[Permission::ReadRecords],
    },
    Entry {
        key: "mediation",
        label: "人民调解",
        href: "/mediation",
        any_of: &[Permission::ReadRecords],
    },
    Entry {
        key: "enforcement",
        label: "行政执法",
        href: "/enforcement",
        any_of: &[Permission::ReadRecords],
    },
    Entry {
        key: "report",
        label: "年度报告",
        href: "/report",
        any_of: &[Permission::ReadRecords],
    },
    Entry {
        key: "calendar",
        label: "工作日历",
        href: "/calendar",
        any_of: &[],
    },
    Entry {
        key: "orgs",
        label: "机构管理",
        href: "/admin/orgs",
        any_of: &[Permission::ManageOrganisations],
    },
    Entry {
        key: "users",
        label: "用户管理",
        href: "/admin/users",
        any_of: &[
            Permission::ManageUsers,
            Permission::GrantAdminRoles,
            Permission::UnlockAccounts,
        ],
    },
    Entry {
        key: "audit",
        label: "审计日志",
        href: "/admin/audit",
        any_of: &[Permission::ReadAudit],
    },
    Entry {
        key: "settings",
        label: "系统设置",
        href: "/admin/settings",
        any_of: &[
            Permission::ManageSecuritySettings,
            Permission::ManageCalendar,
        ],
    },
];

pub fn items(role: Option<Role>, active: &str) -> Vec<NavItem> {
    ENTRIES
        .iter()
        .filter(|e| e.any_of.is_empty() || e.any_of.iter().any(|p| role.is_none_or(|r| r.can(*p))))
        .map(|e| NavItem {
            key: e.key,
            label: e.label,
            href: e.href,
            active: e.key == active,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_its_own_modules() {
        let labels = |r| {
            items(Some(r), "")
                .iter()
                .map(|i| i.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(Role::AuditAdmin),
            vec!["工作台", "法规库", "工作日历", "审计日志"]
        );
        assert!(!labels(Role::SystemAdmin).contains(&"审计日志"));
        assert_eq!(
            labels(Role::Viewer),
            vec![
                "工作台",
                "法规库",
                "权责清单",
                "行政复议",
                "人民调解",
                "行政执法",
                "年度报告",
                "工作日历"
            ]
        );
    }
}
