//! Who is acting: a logged-in user with a role and a scope, or the command line.

use db::Who;
use kernel::ids::{OrgId, UserId};
use kernel::{Permission, Role};

/// The organisations an actor reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The command line: whoever can open the data owns it.
    Everything,
    /// An organisation's subtree, by its path (`/root/…/id/`).
    Subtree { root: OrgId, path: String },
}

impl Scope {
    /// Whether the organisation at `path` lies in this scope.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Subtree { path: root, .. } => path.starts_with(root.as_str()),
        }
    }

    /// The path prefix for SQL (`path LIKE prefix || '%'`), None for everything.
    pub fn path_prefix(&self) -> Option<&str> {
        match self {
            Scope::Everything => None,
            Scope::Subtree { path, .. } => Some(path),
        }
    }

    /// The organisations the scope reaches, for SQL; None for everything.
    pub fn orgs(&self) -> Option<db::OrgScope> {
        self.path_prefix().map(db::OrgScope::under)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActorKind {
    User {
        id: UserId,
        username: String,
        display_name: String,
    },
    Cli {
        os_user: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// None for the command line, which may do everything.
    pub role: Option<Role>,
    pub org_id: Option<OrgId>,
    pub scope: Scope,
    /// Where the request came from (`web 127.0.0.1`, `cli`).
    pub source: String,
    /// The tables' versions read at the start of the request (none for the command line): the
    /// request's caches are keyed by them.
    pub versions: db::Versions,
}

impl Actor {
    /// The command line, acting as the operating-system user.
    pub fn cli(os_user: &str) -> Actor {
        Actor {
            kind: ActorKind::Cli {
                os_user: os_user.to_string(),
            },
            role: None,
            org_id: None,
            scope: Scope::Everything,
            source: "cli".into(),
            versions: db::Versions::default(),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.is_none_or(|r| r.can(permission))
    }

    pub fn user_id(&self) -> Option<&UserId> {
        match &self.kind {
            ActorKind::User { id, .. } => Some(id),
            ActorKind::Cli { .. } => None,
        }
    }

    /// The name in the audit log: `user:zhangsan` or `cli:root`.
    pub fn audit_name(&self) -> String {
        match &self.kind {
            ActorKind::User { username, .. } => format!("user:{username}"),
            ActorKind::Cli { os_user } => format!("cli:{os_user}"),
        }
    }

    pub fn display_name(&self) -> String {
        match &self.kind {
            ActorKind::User { display_name, .. } => display_name.clone(),
            ActorKind::Cli { os_user } => format!("命令行（{os_user}）"),
        }
    }

    pub fn who(&self) -> Who {
        Who {
            actor: self.audit_name(),
            actor_org_id: self.org_id.as_ref().map(|o| o.to_string()),
            source: self.source.clone(),
        }
    }
}
