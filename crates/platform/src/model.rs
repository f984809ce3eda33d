//! The platform's records as the rest of fazhi sees them.

use kernel::ids::{OrgId, UserId};
use kernel::{DivisionCode, OrgKind, Role, Uscc};
use serde::Serialize;

/// 机构.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<OrgId>,
    /// `/root id/…/own id/`.
    pub path: String,
    pub depth: i64,
    pub division_code: Option<String>,
    pub uscc: Option<String>,
}

impl Org {
    /// The ids of this organisation's ancestors, top first, and its own id last.
    pub fn lineage(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }
}

#[derive(Clone, Debug)]
pub struct NewOrg {
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<OrgId>,
    pub division_code: Option<DivisionCode>,
    pub uscc: Option<Uscc>,
}

/// Changes to an organisation; None leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct OrgUpdate {
    pub name: Option<String>,
    pub kind: Option<OrgKind>,
    /// Some(None) moves it to the top.
    pub parent_id: Option<Option<OrgId>>,
    pub division_code: Option<Option<DivisionCode>>,
    pub uscc: Option<Option<Uscc>>,
}

/// 用户. The phone number is held sealed; `phone_masked` is what lists show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub role: Role,
    pub phone_masked: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub locked_until: Option<String>,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub role: Role,
    pub password: String,
    pub phone: Option<String>,
    /// Ask for a new password at first login (accounts made for someone else).
    pub must_change_password: bool,
}
