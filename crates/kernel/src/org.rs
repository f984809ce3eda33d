//! Organisations (机构), roles (角色) and what each role may do.
//!
//! Roles follow 等保 level 3's separation of the three administrators (三员分立): the system
//! administrator runs organisations and accounts, the security administrator grants
//! administrator roles and sets security policy, the audit administrator only reads the audit
//! log. No administrator handles business records, and no business user administers.

use serde::{Deserialize, Serialize};

/// The kind of an organisation, as the `organizations` ledger names it (DESIGN §4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Province,
    City,
    District,
    County,
    Department,
    Town,
    Street,
    Section,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::Province,
        OrgKind::City,
        OrgKind::District,
        OrgKind::County,
        OrgKind::Department,
        OrgKind::Town,
        OrgKind::Street,
        OrgKind::Section,
        OrgKind::Other,
    ];

    /// The ledger's and the UI's word: 省 / 市 / 区 / 县 / 部门 / 镇 / 街道 / 科室 / 其他.
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Province => "省",
            OrgKind::City => "市",
            OrgKind::District => "区",
            OrgKind::County => "县",
            OrgKind::Department => "部门",
            OrgKind::Town => "镇",
            OrgKind::Street => "街道",
            OrgKind::Section => "科室",
            OrgKind::Other => "其他",
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Province => "province",
            OrgKind::City => "city",
            OrgKind::District => "district",
            OrgKind::County => "county",
            OrgKind::Department => "department",
            OrgKind::Town => "town",
            OrgKind::Street => "street",
            OrgKind::Section => "section",
            OrgKind::Other => "other",
        }
    }

    pub fn from_label(text: &str) -> Option<OrgKind> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.label() == t || k.code() == t)
    }

    pub fn from_code(code: &str) -> Option<OrgKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// 一级政府: a province, city, district or county government.
    pub fn is_government(self) -> bool {
        matches!(
            self,
            OrgKind::Province | OrgKind::City | OrgKind::District | OrgKind::County
        )
    }

    /// 镇 or 街道.
    pub fn is_town_or_street(self) -> bool {
        matches!(self, OrgKind::Town | OrgKind::Street)
    }

    /// Rule 机构层级: where an organisation of this kind may sit in the tree.
    pub fn check_parent(self, parent: Option<OrgKind>) -> Result<(), String> {
        use OrgKind::*;
        let ok = match (self, parent) {
            (Other, _) => true,
            (Province, None) => true,
            (City, None | Some(Province)) => true,
            (District | County, None | Some(Province | City)) => true,
            (Department, Some(Province | City | District | County | Department)) => true,
            (Town | Street, Some(City | District | County)) => true,
            (Section, Some(p)) => p != Section,
            _ => false,
        };
        if ok {
            return Ok(());
        }
        Err(match parent {
            None => format!("{}必须有上级机构", self.label()),
            Some(p) => format!("{}不能设在{}之下", self.label(), p.label()),
        })
    }
}

/// A user's role. One account has one role; a person with two duties has two accounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
    /// 司法局 legal-affairs staff: the whole district.
    LegalAffairs,
    DepartmentOfficer,
    TownOfficer,
    Viewer,
}

/// Whose records a role reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeRule {
    /// The user's own organisation and everything below it.
    OwnOrganisation,
    /// The nearest enclosing government (区/县/市/省) and everything below it.
    EnclosingGovernment,
}

/// What can be done; checked in the service layer before any read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create and edit organisations, import the organizations ledger.
    ManageOrganisations,
    /// Create accounts with business roles, disable them.
    ManageUsers,
    /// Grant or revoke administrator roles.
    GrantAdminRoles,
    /// Unlock accounts and reset passwords.
    UnlockAccounts,
    /// Security settings: password policy, lockout, session timeout.
    ManageSecuritySettings,
    /// Load a new year's holiday notice and calendar settings.
    ManageCalendar,
    /// Read the audit log.
    ReadAudit,
    /// Read business records in scope.
    ReadRecords,
    /// Create and change business records in scope.
    WriteRecords,
}

impl Permission {
    /// What the permission allows, in words for refusals.
    pub fn label(self) -> &'static str {
        match self {
            Permission::ManageOrganisations => "管理机构",
            Permission::ManageUsers => "管理用户账户",
            Permission::GrantAdminRoles => "授予或收回管理员角色",
            Permission::UnlockAccounts => "解锁账户、重置密码",
            Permission::ManageSecuritySettings => "修改安全设置",
            Permission::ManageCalendar => "管理工作日历",
            Permission::ReadAudit => "查阅审计日志",
            Permission::ReadRecords => "查阅业务记录",
            Permission::WriteRecords => "办理业务记录",
        }
    }
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::LegalAffairs,
        Role::DepartmentOfficer,
        Role::TownOfficer,
        Role::Viewer,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
            Role::LegalAffairs => "司法局法制工作人员",
            Role::DepartmentOfficer => "部门法制员",
            Role::TownOfficer => "镇街法制员",
            Role::Viewer => "只读用户",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
            Role::LegalAffairs => "legal_affairs",
            Role::DepartmentOfficer => "department_officer",
            Role::TownOfficer => "town_officer",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        let t = code.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.code() == t || r.label() == t)
    }

    /// 三员: system, security and audit administrators.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    pub fn scope_rule(self) -> ScopeRule {
        match self {
            Role::LegalAffairs => ScopeRule::EnclosingGovernment,
            _ => ScopeRule::OwnOrganisation,
        }
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::SystemAdmin => &[ManageOrganisations, ManageUsers, ManageCalendar],
            Role::SecurityAdmin => &[GrantAdminRoles, UnlockAccounts, ManageSecuritySettings],
            Role::AuditAdmin => &[ReadAudit],
            Role::LegalAffairs | Role::DepartmentOfficer | Role::TownOfficer => {
                &[ReadRecords, WriteRecords]
            }
            Role::Viewer => &[ReadRecords],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Rule 角色与机构: a town officer sits in a town or street (or below), a department officer
    /// in a department (or below).
    pub fn check_organisation(self, kind: OrgKind, in_town: bool) -> Result<(), String> {
        match self {
            Role::TownOfficer if !(kind.is_town_or_street() || in_town) => Err(format!(
                "镇街法制员应属于镇或街道，不能属于{}",
                kind.label()
            )),
            Role::DepartmentOfficer if kind.is_government() => Err(format!(
                "部门法制员应属于部门，不能直接属于{}",
                kind.label()
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_log_is_for_the_audit_administrator_alone() {
        for role in Role::ALL {
            assert_eq!(
                role.can(Permission::ReadAudit),
                role == Role::AuditAdmin,
                "{role:?}"
            );
        }
        assert!(!Role::SystemAdmin.can(Permission::ReadRecords));
        assert!(!Role::LegalAffairs.can(Permission::ManageUsers));
        assert!(!Role::Viewer.can(Permission::WriteRecords));
    }

    #[test]
    fn only_the_security_administrator_grants_administrator_roles() {
        for role in Role::ALL {
            assert_eq!(
                role.can(Permission::GrantAdminRoles),
                role == Role::SecurityAdmin
            );
        }
    }

    #[test]
    fn the_tree_has_rules() {
        assert!(
            OrgKind::Department
                .check_parent(Some(OrgKind::District))
                .is_ok()
        );
        assert!(OrgKind::Town.check_parent(Some(OrgKind::District)).is_ok());
        assert!(
            OrgKind::Section
                .check_parent(Some(OrgKind::Department))
                .is_ok()
        );
        assert_eq!(
            OrgKind::Town.check_parent(Some(OrgKind::Department)),
            Err("镇不能设在部门之下".into())
        );
        assert!(OrgKind::Department.check_parent(None).is_err());
        assert!(OrgKind::District.check_parent(None).is_ok());
    }

    #[test]
    fn labels_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::from_label(kind.label()), Some(kind));
            assert_eq!(OrgKind::from_code(kind.code()), Some(kind));
        }
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
    }
}
