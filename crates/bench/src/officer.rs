//! The legal-affairs officer the benchmarks act and log in as.

use kernel::Role;
use platform::{Actor, LoggedIn, NewUser, Platform};

/// The benchmark officers' password.
pub(crate) const PASSWORD: &str = "Bench#2020";

/// Logs in `username`, a legal-affairs officer (法制工作人员) of the organisation named `org`,
/// creating the account first when it does not exist yet (a province kept from an earlier run
/// already has it).
pub(crate) async fn legal_officer(
    platform: &Platform,
    org: &str,
    username: &str,
    display_name: &str,
) -> Result<LoggedIn, String> {
    if let Ok(login) = platform.login(username, PASSWORD, "bench").await {
        return Ok(login);
    }
    let org_id = platform
        .resolve_org(org)
        .await
        .map_err(|x| x.to_string())?
        .id;
    let user = NewUser {
        username: username.into(),
        display_name: display_name.into(),
        org_id,
        role: Role::LegalAffairs,
        password: PASSWORD.into(),
        phone: None,
        must_change_password: false,
    };
    platform
        .create_user(&Actor::cli("bench"), user)
        .await
        .map_err(|x| x.to_string())?;
    platform
        .login(username, PASSWORD, "bench")
        .await
        .map_err(|x| x.to_string())
}
