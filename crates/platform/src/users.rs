//! 用户: accounts, their roles and passwords. Granting or revoking an administrator role is the
//! security administrator's; accounts with business roles are the system administrator's
//! (三员分立). Every change of role, password or lock is an audit event.

use db::{Changes, DbError, Event, Page, PageRequest, Params, Row, Tx, query, query_scalar};
use kernel::crypto::mask_phone;
use kernel::ids::{OrgId, UserId};
use kernel::{Permission, Role};

use crate::auth::{hash_password, normalize_username, verify_password};
use crate::{Actor, Error, NewUser, Platform, Result, User};

/// Account counts for the administrators' dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AccountSummary {
    pub users: i64,
    pub locked: i64,
    pub must_change_password: i64,
    pub disabled: i64,
}

/// Which accounts a list shows and in what order.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only this organisation's accounts.
    pub org: Option<OrgId>,
    /// The order its reader chose: a key of the list's columns (username, name, org, role) and
    /// whether descending; None (or an unknown key): by organisation, then user name.
    pub sort: Option<(String, bool)>,
}

impl UserFilter {
    /// The ORDER BY clause: names in 拼音 order (kernel::collate), roles in their declared order.
    fn order(&self) -> String {
        let column = self.sort.as_ref().and_then(|(key, desc)| {
            let column = match key.as_str() {
                "username" => "u.username COLLATE zh".to_string(),
                "name" => "u.display_name COLLATE zh".to_string(),
                "org" => "o.name COLLATE zh".to_string(),
                "role" => kernel::collate::sql_rank("u.role", Role::ALL.iter().map(|r| r.code())),
                _ => return None,
            };
            Some((column, if *desc { "DESC" } else { "ASC" }))
        });
        match column {
            Some((column, dir)) => format!(" ORDER BY {column} {dir}, u.username {dir}"),
            None => " ORDER BY o.path, u.username".to_string(),
        }
    }
}

const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.org_id, o.name AS org_name, u.role, \
     u.phone_sealed, u.must_change_password, u.disabled, u.created_at, t.locked_until, o.path \
     FROM users u JOIN orgs o ON o.id = u.org_id LEFT JOIN login_throttle t ON t.username = u.username";

/// Ends every session of an account (a new role, password or status takes effect at once).
async fn end_sessions(tx: &mut Tx, id: &UserId) -> Result<(), DbError> {
    query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id.as_str())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Rule 用户名: 3–32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.
fn check_username(name: &str) -> Result<String> {
    let name = normalize_username(name);
    let ok = (3..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(name)
    } else {
        Err(Error::Invalid(
            "用户名应为3–32位小写字母、数字或 . _ -，以字母或数字开头".into(),
        ))
    }
}

fn check_display_name(name: &str) -> Result<String> {
    if let Some(reason) = kernel::text::refusal(name) {
        return Err(Error::Invalid(format!("姓名{reason}")));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 32 {
        return Err(Error::Invalid("姓名应为1–32个字".into()));
    }
    Ok(name.to_string())
}

/// Rule 手机号: 11 digits starting with 1 (mainland mobile), or a landline with area code.
fn check_phone(phone: &str) -> Result<String> {
    let p: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let ok = (p.len() == 11 && p.starts_with('1')
        || (7..=12).contains(&p.len()) && p.starts_with('0'))
        && p.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(p)
    } else {
        Err(Error::Invalid(format!("电话号码“{phone}”无效")))
    }
}

impl Platform {
    fn read_user(&self, row: &Row) -> Result<(User, String)> {
        let get = |i: usize| row.try_get::<String, _>(i);
        let role =
            Role::from_code(&get(5)?).ok_or_else(|| db::DbError::Corrupt("用户角色无效".into()))?;
        let sealed: Option<String> = row.try_get(6)?;
        let phone_masked = match sealed {
            Some(s) => Some(mask_phone(
                &self
                    .seal
                    .open(&s)
                    .map_err(|e| db::DbError::Corrupt(e.to_string()))?,
            )),
            None => None,
        };
        let locked_until: Option<String> = row.try_get(10)?;
        let locked_until = locked_until
            .and_then(|t| kernel::time::parse_instant(&t))
            .filter(|t| *t > chrono::Utc::now())
            .map(kernel::time::display_instant);
        Ok((
            User {
                id: UserId::from_stored(get(0)?),
                username: get(1)?,
                display_name: get(2)?,
                org_id: OrgId::from_stored(get(3)?),
                org_name: get(4)?,
                role,
                phone_masked,
                must_change_password: row.try_get::<i64, _>(7)? != 0,
                disabled: row.try_get::<i64, _>(8)? != 0,
                locked_until,
                created_at: kernel::time::display_stored(&get(9)?),
            },
            get(11)?,
        ))
    }

    /// Administrators see the accounts of their scope.
    async fn require_user_admin(&self, actor: &Actor, record_id: &str) -> Result<()> {
        if [
            Permission::ManageUsers,
            Permission::GrantAdminRoles,
            Permission::UnlockAccounts,
        ]
        .iter()
        .any(|p| actor.can(*p))
        {
            return Ok(());
        }
        self.require(actor, Permission::ManageUsers, "user", record_id)
            .await
    }

    pub async fn users(
        &self,
        actor: &Actor,
        request: PageRequest,
        filter: &UserFilter,
    ) -> Result<Page<User>> {
        self.require_user_admin(actor, "list").await?;
        let filtered = |q: &mut Params| {
            q.push(" WHERE 1 = 1");
            if let Some(prefix) = actor.scope.path_prefix() {
                q.push(" AND o.path LIKE ").bind(format!("{prefix}%"));
            }
            if let Some(org) = &filter.org {
                q.push(" AND u.org_id = ").bind(org.as_str());
            }
        };
        let mut count = Params::new("SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id");
        filtered(&mut count);
        let mut list = Params::new(SELECT);
        filtered(&mut list);
        list.push(&filter.order())
            .push(" LIMIT ")
            .bind(request.limit())
            .push(" OFFSET ")
            .bind(request.offset());
        let mut conn = self.db.conn().await?;
        let total: i64 = count.fetch_one(&mut conn).await?.try_get(0)?;
        let rows = list.fetch_all(&mut conn).await?;
        let items = rows
            .iter()
            .map(|r| self.read_user(r).map(|(u, _)| u))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::new(items, request, total))
    }

    async fn user_with_path(&self, id: &UserId) -> Result<(User, String)> {
        let sql = format!("{SELECT} WHERE u.id = $1");
        let row = query(sql)
            .bind(id.as_str())
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        match row {
            Some(row) => self.read_user(&row),
            None => Err(Error::NotFound("该用户".into())),
        }
    }

    /// An account in the actor's scope.
    pub async fn user(&self, actor: &Actor, id: &UserId) -> Result<User> {
        self.require_user_admin(actor, id.as_str()).await?;
        let (user, path) = self.user_with_path(id).await?;
        if !actor.scope.contains(&path) {
            let refusal = Error::OutOfScope(format!("用户“{}”不在您的管辖范围内", user.username));
            return Err(self.refuse(actor, refusal, "user", id.as_str()).await);
        }
        Ok(user)
    }

    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let permission = if new.role.is_admin() {
            Permission::GrantAdminRoles
        } else {
            Permission::ManageUsers
        };
        self.require(actor, permission, "user", "new").await?;
        let username = check_username(&new.username)?;
        let display_name = check_display_name(&new.display_name)?;
        let org = self.org_in_scope(actor, &new.org_id).await?;
        let in_town = self
            .ancestry(&org)
            .await?
            .iter()
            .any(|o| o.kind.is_town_or_street());
        new.role
            .check_organisation(org.kind, in_town)
            .map_err(|e| Error::Rule(format!("{e}（角色与机构规则）")))?;
        let policy = db::settings::load(&self.db).await?.security().password;
        policy
            .check(&new.password, &username)
            .map_err(Error::Password)?;
        let phone = new
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(check_phone)
            .transpose()?;
        let hash = hash_password(&new.password)?;
        let id = UserId::generate();
        let sealed = phone.as_ref().map(|p| self.seal.seal(p));
        let (user_id, org_id, role, must_change) = (
            id.clone(),
            org.id.clone(),
            new.role,
            new.must_change_password,
        );
        let name = username.clone();
        let written = self.db.write(&actor.who(), move |tx| Box::pin(async move {
        let now = tx.now_text();
        query(
            "INSERT INTO users (id, username, display_name, org_id, role, password_hash, phone_sealed, \
             must_change_password, disabled, password_changed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9, $9)",
        )
        .bind(user_id.as_str())
        .bind(&name)
        .bind(&display_name)
        .bind(org_id.as_str())
        .bind(role.code())
        .bind(hash)
        .bind(sealed)
        .bind(i64::from(must_change))
        .bind(now)
        .execute(tx.conn())
        .await?;
        tx.record(
            Event::new("user", user_id.as_str(), "create")
                .org(Some(org_id.as_str()))
                .changes(
                    Changes::new()
                        .set("username", &name)
                        .set("display_name", &display_name)
                        .set("org_id", org_id.as_str())
                        .set("role", role.code())
                        .set("phone", phone.as_deref().map(mask_phone)),
                ),
        )
        .await?;
        Ok::<_, DbError>(())
        })).await;
        match written {
            Err(e) if e.is_unique_violation() => {
                return Err(Error::Conflict(format!("用户名“{username}”已被使用")));
            }
            other => other?,
        };
        Ok(self.user_with_path(&id).await?.0)
    }

    /// Changes a role (a permission change). Administrator roles are the security administrator's.
    pub async fn change_role(&self, actor: &Actor, id: &UserId, role: Role) -> Result<User> {
        let user = self.user(actor, id).await?;
        let permission = if role.is_admin() || user.role.is_admin() {
            Permission::GrantAdminRoles
        } else {
            Permission::ManageUsers
        };
        self.require(actor, permission, "user", id.as_str()).await?;
        if actor.user_id() == Some(id) {
            return Err(Error::Rule("不能修改自己的角色".into()));
        }
        let org = self.org(&user.org_id).await?;
        let in_town = self
            .ancestry(&org)
            .await?
            .iter()
            .any(|o| o.kind.is_town_or_street());
        role.check_organisation(org.kind, in_town)
            .map_err(|e| Error::Rule(format!("{e}（角色与机构规则）")))?;
        if role == user.role {
            return Ok(user);
        }
        let (user_id, org_id, old_role) = (id.clone(), user.org_id.clone(), user.role);
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
                        .bind(role.code())
                        .bind(now)
                        .bind(user_id.as_str())
                        .execute(tx.conn())
                        .await?;
                    // A new role takes effect at the next login.
                    end_sessions(tx, &user_id).await?;
                    tx.record(
                        Event::new("user", user_id.as_str(), "role_change")
                            .org(Some(org_id.as_str()))
                            .changes(Changes::new().change("role", old_role.code(), role.code())),
                    )
                    .await
                })
            })
            .await?;
        Ok(self.user_with_path(id).await?.0)
    }

    /// Sets a new password for someone else; they must change it at their next login.
    pub async fn reset_password(&self, actor: &Actor, id: &UserId, password: &str) -> Result<()> {
        self.require(actor, Permission::UnlockAccounts, "user", id.as_str())
            .await?;
        let user = self.user(actor, id).await?;
        let policy = db::settings::load(&self.db).await?.security().password;
        policy
            .check(password, &user.username)
            .map_err(Error::Password)?;
        let hash = hash_password(password)?;
        let user_id = id.clone();
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2, updated_at = $2 WHERE id = $3")
                        .bind(hash)
                        .bind(now)
                        .bind(user_id.as_str())
                        .execute(tx.conn())
                        .await?;
                    end_sessions(tx, &user_id).await?;
                    query("DELETE FROM login_throttle WHERE username = $1")
                        .bind(&user.username)
                        .execute(tx.conn())
                        .await?;
                    tx.record(
                        Event::new("user", user_id.as_str(), "password_reset")
                            .org(Some(user.org_id.as_str())),
                    )
                    .await
                })
            })
            .await?;
        Ok(())
    }

    /// Lifts a lock before it runs out.
    pub async fn unlock(&self, actor: &Actor, id: &UserId) -> Result<()> {
        self.require(actor, Permission::UnlockAccounts, "user", id.as_str())
            .await?;
        let user = self.user(actor, id).await?;
        let user_id = id.clone();
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    query("DELETE FROM login_throttle WHERE username = $1")
                        .bind(&user.username)
                        .execute(tx.conn())
                        .await?;
                    tx.record(
                        Event::new("user", user_id.as_str(), "unlock")
                            .org(Some(user.org_id.as_str())),
                    )
                    .await
                })
            })
            .await?;
        Ok(())
    }

    /// Disables or re-enables an account; a disabled account's sessions end at once.
    pub async fn set_disabled(&self, actor: &Actor, id: &UserId, disabled: bool) -> Result<()> {
        let user = self.user(actor, id).await?;
        let permission = if user.role.is_admin() {
            Permission::GrantAdminRoles
        } else {
            Permission::ManageUsers
        };
        self.require(actor, permission, "user", id.as_str()).await?;
        if actor.user_id() == Some(id) {
            return Err(Error::Rule("不能停用自己的账户".into()));
        }
        if user.disabled == disabled {
            return Ok(());
        }
        let user_id = id.clone();
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
                        .bind(i64::from(disabled))
                        .bind(now)
                        .bind(user_id.as_str())
                        .execute(tx.conn())
                        .await?;
                    end_sessions(tx, &user_id).await?;
                    tx.record(
                        Event::new(
                            "user",
                            user_id.as_str(),
                            if disabled { "disable" } else { "enable" },
                        )
                        .org(Some(user.org_id.as_str())),
                    )
                    .await
                })
            })
            .await?;
        Ok(())
    }

    /// Changes one's own password (the old one is required).
    /// Changes the actor's own password and ends every other session of the account (a session
    /// opened with the old password elsewhere does not outlive it); `keep` is the cookie token of
    /// the session in use, which stays open.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        old: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let Some(id) = actor.user_id() else {
            return Err(Error::Rule("命令行没有密码".into()));
        };
        let row = query("SELECT username, password_hash FROM users WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(&mut self.db.conn().await?)
            .await?;
        let username: String = row.try_get(0)?;
        let hash: String = row.try_get(1)?;
        if !verify_password(old, &hash) {
            return Err(Error::Password("原密码不正确".into()));
        }
        if old == new {
            return Err(Error::Password("新密码不能与原密码相同".into()));
        }
        let policy = db::settings::load(&self.db).await?.security().password;
        policy.check(new, &username).map_err(Error::Password)?;
        let new_hash = hash_password(new)?;
        let user_id = id.clone();
        let org = actor.org_id.as_ref().map(|o| o.to_string());
        let kept = keep.map(|token| kernel::crypto::sm3_hex(token.as_bytes()));
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    query("UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2, updated_at = $2 WHERE id = $3")
                        .bind(new_hash)
                        .bind(now)
                        .bind(user_id.as_str())
                        .execute(tx.conn())
                        .await?;
                    query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                        .bind(user_id.as_str())
                        .bind(kept.unwrap_or_default())
                        .execute(tx.conn())
                        .await?;
                    tx.record(
                        Event::new("user", user_id.as_str(), "password_change").org(org.as_deref()),
                    )
                    .await
                })
            })
            .await?;
        Ok(())
    }

    /// When another account reset the actor's password and it has not been changed since: who
    /// did it and when, in words for the password page ("2026年12月5日 16:40 由安全管理员 张三").
    pub async fn password_reset_by_another(&self, actor: &Actor) -> Result<Option<String>> {
        let Some(id) = actor.user_id() else {
            return Ok(None);
        };
        let mut conn = self.db.conn().await?;
        let rows = query(
            "SELECT e.at, e.actor, e.action FROM audit_events e \
             WHERE e.record_type = 'user' AND e.record_id = $1 \
             AND e.action IN ('password_reset', 'password_change', 'create') \
             ORDER BY e.seq DESC LIMIT 1",
        )
        .bind(id.as_str())
        .fetch_all(&mut conn)
        .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let (at, by, action): (String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if action != "password_reset" || by == actor.audit_name() {
            return Ok(None);
        }
        let who = match by.strip_prefix("user:") {
            Some(username) => {
                let found = query("SELECT display_name, role FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_all(&mut conn)
                    .await?;
                match found.first() {
                    Some(r) => {
                        let name: String = r.try_get(0)?;
                        let role: String = r.try_get(1)?;
                        let role = Role::from_code(&role).map(|r| r.label()).unwrap_or("");
                        format!("{role} {name}").trim().to_string()
                    }
                    None => "管理员".to_string(),
                }
            }
            None => "系统运维人员（命令行）".to_string(),
        };
        Ok(Some(format!(
            "{} 由{who}重置",
            kernel::time::display_stored(&at)
        )))
    }

    /// Counts for the administrators' dashboard: accounts in scope, locked, awaiting a first
    /// password, disabled.
    pub async fn account_summary(&self, actor: &Actor) -> Result<AccountSummary> {
        self.require_user_admin(actor, "summary").await?;
        let mut q = Params::new(
            "SELECT COUNT(*), \
             CAST(COALESCE(SUM(CASE WHEN t.locked_until > ",
        );
        q.bind(kernel::time::format_instant(chrono::Utc::now()));
        q.push(
            " THEN 1 ELSE 0 END), 0) AS BIGINT), CAST(COALESCE(SUM(u.must_change_password), 0) AS BIGINT), \
             CAST(COALESCE(SUM(u.disabled), 0) AS BIGINT) \
             FROM users u JOIN orgs o ON o.id = u.org_id LEFT JOIN login_throttle t ON t.username = u.username",
        );
        if let Some(prefix) = actor.scope.path_prefix() {
            q.push(" WHERE o.path LIKE ").bind(format!("{prefix}%"));
        }
        let row = q.fetch_one(&mut self.db.conn().await?).await?;
        let n = |i: usize| row.try_get::<i64, _>(i);
        Ok(AccountSummary {
            users: n(0)?,
            locked: n(1)?,
            must_change_password: n(2)?,
            disabled: n(3)?,
        })
    }

    /// Whether any account exists (the first administrator is made on the command line).
    pub async fn has_users(&self) -> Result<bool> {
        let n: i64 = query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut self.db.conn().await?)
            .await?;
        Ok(n > 0)
    }
}

/// How the people behind records are named on pages and documents: an account as 姓名（机构）,
/// the command line as 命令行（操作系统用户）— never `user:sfj`.
#[derive(Clone, Debug, Default)]
pub struct People {
    by_username: std::collections::HashMap<String, String>,
}

impl People {
    /// The name of whoever `recorded` names (an audit name such as `user:sfj` or `cli:root`, or
    /// a name already written out, which is kept).
    pub fn label(&self, recorded: &str) -> String {
        match recorded.split_once(':') {
            Some(("user", username)) => self
                .by_username
                .get(username)
                .cloned()
                .unwrap_or_else(|| format!("已删除的账户（{username}）")),
            Some(("cli", os_user)) => format!("命令行（{os_user}）"),
            Some(("system", _)) => "系统".into(),
            _ if recorded == "system" => "系统".into(),
            _ => recorded.to_string(),
        }
    }

    /// Like [`People::label`], with the account name after the organisation (the audit log,
    /// where the account is what is looked for).
    pub fn label_with_account(&self, recorded: &str) -> String {
        match recorded.split_once(':') {
            Some(("user", username)) if self.by_username.contains_key(username) => {
                let name = self.label(recorded);
                format!("{name}，账户 {username}")
            }
            _ => self.label(recorded),
        }
    }
}

impl Platform {
    /// Every account's name and organisation, for naming the people behind records.
    pub async fn people(&self) -> Result<People> {
        let mut conn = self.db.conn().await?;
        let rows = query(
            "SELECT u.username, u.display_name, o.name FROM users u JOIN orgs o ON o.id = u.org_id",
        )
        .fetch_all(&mut conn)
        .await?;
        let mut by_username = std::collections::HashMap::with_capacity(rows.len());
        for r in rows {
            let (username, name, org): (String, String, String) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            by_username.insert(username, format!("{name}（{org}）"));
        }
        Ok(People { by_username })
    }
}
