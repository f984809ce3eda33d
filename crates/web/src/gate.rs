//! Who may use a route, declared beside the route in the router and checked before anything the
//! request carries is read (its query, form, JSON or file): a refused account gets 403 and an
//! audit event whatever it sent. The services check again, more finely (scope, the record's own
//! rules), for every interface: the command line reaches them without this gate.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kernel::{Permission, Role};

use crate::AppState;
use crate::session;

/// What a route needs of the signed-in account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// This permission.
    Can(Permission),
    /// One of these permissions.
    Any(&'static [Permission]),
    /// One of these roles (the services decide the rest).
    Role(&'static [Role]),
}

impl Need {
    /// Read business records (the administrators may not).
    pub const READ: Need = Need::Can(Permission::ReadRecords);
    /// Create or change business records.
    pub const WRITE: Need = Need::Can(Permission::WriteRecords);
    /// Legal-affairs staff of the 司法局: reconsideration, the law base, reviews of the power list.
    pub const LEGAL: Need = Need::Role(&[Role::LegalAffairs]);
    /// The administrators of accounts (system and security).
    pub const ACCOUNTS: Need = Need::Any(&[
        Permission::ManageUsers,
        Permission::GrantAdminRoles,
        Permission::UnlockAccounts,
    ]);

    fn met(self, actor: &platform::Actor) -> bool {
        match self {
            Need::Can(p) => actor.can(p),
            Need::Any(ps) => ps.iter().any(|p| actor.can(*p)),
            Need::Role(roles) => actor.role.is_none_or(|r| roles.contains(&r)),
        }
    }

    /// The permission named in the refusal and its audit event.
    fn permission(self) -> Permission {
        match self {
            Need::Can(p) => p,
            Need::Any(ps) => ps[0],
            Need::Role(_) => Permission::WriteRecords,
        }
    }
}

/// The gate itself; the router puts it on a route as
/// `get(handler).route_layer(from_fn_with_state((state, Need::READ), gate::check))`.
pub async fn check(
    State((state, need)): State<(AppState, Need)>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = session::requested_path(&parts);
    // Without a session the handler's own extractor sends the browser to the login page (401 on
    // the API); the gate only judges accounts.
    if let Ok(info) = session::resolve(&mut parts, &state).await
        && !need.met(&info.actor)
    {
        let refused = match need {
            Need::Role(roles) => {
                state
                    .platform
                    .refuse_role(&info.actor, roles, "route", &path)
                    .await
            }
            _ => {
                match state
                    .platform
                    .require(&info.actor, need.permission(), "route", &path)
                    .await
                {
                    Err(e) => e,
                    Ok(()) => platform::Error::Forbidden(need.permission().label().into()),
                }
            }
        };
        return session::refuse(&parts, refused.into());
    }
    next.run(Request::from_parts(parts, body)).await
}
