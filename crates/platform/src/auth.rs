//! 登录与会话: argon2id password hashes, lockout after repeated failures, sessions in the
//! database with an idle timeout. The login error never says whether an account exists: unknown
//! names are hashed against a dummy hash, counted and locked exactly like real ones.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, Utc};
use db::{Changes, Event, Who};
use db::{DbError, query};
use kernel::Role;
use kernel::crypto::{random_token, sm3_hex};
use kernel::ids::{OrgId, UserId};
use kernel::org::ScopeRule;
use kernel::time::{display_instant, format_instant, parse_instant};

use crate::{Actor, ActorKind, Error, Platform, Result, Scope};

/// A session refreshes its last-seen time at most this often, so that reading pages does not
/// turn into a write per request.
const TOUCH_EVERY_SECONDS: i64 = 60;

pub(crate) fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Invalid(format!("无法处理密码：{e}")))
}

pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash to check unknown names against, so that they cost the same time as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// User names are compared in lower case. Control characters are dropped: a name typed at the
/// login form reaches the audit log and PostgreSQL refuses NUL in text; 64 characters at most.
pub(crate) fn normalize_username(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect::<String>()
        .to_lowercase()
}

/// A successful login: the cookie's token (shown once, stored only as its SM3 hash).
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub token: String,
    pub session: SessionInfo,
}

/// A session as kept in memory between requests (see [`Platform::session`]).
#[derive(Clone, Debug)]
pub(crate) struct HeldSession {
    info: SessionInfo,
    last_seen: chrono::DateTime<Utc>,
    disabled: bool,
}

/// The session behind a request.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf_token: String,
    pub must_change_password: bool,
    pub org_name: String,
}

fn anonymous(username: &str, source: &str) -> Who {
    Who {
        actor: format!("login:{username}"),
        actor_org_id: None,
        source: source.to_string(),
    }
}

impl Platform {
    /// Checks a user name and password and opens a session.
    pub async fn login(&self, username: &str, password: &str, source: &str) -> Result<LoggedIn> {
        let username = normalize_username(username);
        let security = db::settings::load(&self.db).await?.security();
        let now = Utc::now();
        let mut conn = self.db.conn().await?;
        let locked_until: Option<String> =
            db::query_scalar("SELECT locked_until FROM login_throttle WHERE username = $1")
                .bind(&username)
                .fetch_optional(&mut conn)
                .await?
                .flatten();
        let locked_until = locked_until.and_then(|t| parse_instant(&t));
        if let Some(until) = locked_until.filter(|u| *u > now) {
            let event = Event::new("login", &username, "login_refused")
                .changes(Changes::new().set("reason", "locked"));
            self.db.record(&anonymous(&username, source), event).await?;
            return Err(Error::Locked {
                until: display_instant(until),
            });
        }

        let user = query(
            "SELECT u.id, u.password_hash, u.disabled, u.org_id FROM users u WHERE u.username = $1",
        )
        .bind(&username)
        .fetch_optional(&mut conn)
        .await?;
        drop(conn);
        let hash = match &user {
            Some(row) => row.try_get::<String, _>(1)?,
            None => dummy_hash().to_string(),
        };
        let password = password.to_string();
        let verified = verify_off_thread(password, hash).await;

        let Some(user) = user.filter(|_| verified) else {
            return Err(self.count_failure(&username, source, &security).await?);
        };
        let user_id: String = user.try_get(0)?;
        let org_id: String = user.try_get(3)?;
        if user.try_get::<i64, _>(2)? != 0 {
            let event = Event::new("login", &username, "login_refused")
                .changes(Changes::new().set("reason", "disabled"));
            self.db.record(&anonymous(&username, source), event).await?;
            return Err(Error::Disabled);
        }

        let token = random_token();
        let who = Who {
            actor: format!("user:{username}"),
            actor_org_id: Some(org_id.clone()),
            source: source.to_string(),
        };
        let token_hash = sm3_hex(token.as_bytes());
        let source_text = source.to_string();
        self.db
            .write(&who, move |tx| {
                Box::pin(async move {
                    let at = tx.now_text();
                    query("DELETE FROM login_throttle WHERE username = $1")
                        .bind(&username)
                        .execute(tx.conn())
                        .await?;
                    query(
                        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, source) \
                         VALUES ($1, $2, $3, $4, $4, $5)",
                    )
                    .bind(token_hash)
                    .bind(&user_id)
                    .bind(random_token())
                    .bind(at)
                    .bind(source_text)
                    .execute(tx.conn())
                    .await?;
                    tx.record(Event::new("user", &user_id, "login").org(Some(&org_id)))
                        .await
                })
            })
            .await?;
        let session = self.session(&token).await?;
        Ok(LoggedIn { token, session })
    }

    /// Counts a failed login; locks the name when the threshold is reached. The count is read and
    /// written in one job of the writer, so failures sent at once are each counted.
    async fn count_failure(
        &self,
        username: &str,
        source: &str,
        security: &kernel::settings::SecuritySettings,
    ) -> Result<Error> {
        let (threshold, minutes) = (security.lockout_threshold, security.lockout_minutes);
        let name = username.to_string();
        let lock = self
            .db
            .write(&anonymous(username, source), move |tx| {
                Box::pin(async move {
                    let now = tx.now();
                    let row = query(
                        "SELECT failures, locked_until FROM login_throttle WHERE username = $1",
                    )
                    .bind(&name)
                    .fetch_optional(tx.conn())
                    .await?;
                    let (failures, locked_until) = match &row {
                        Some(r) => (
                            r.try_get::<i64, _>(0)?,
                            r.try_get::<Option<String>, _>(1)?
                                .and_then(|t| parse_instant(&t)),
                        ),
                        None => (0, None),
                    };
                    // A lock that has run out starts the count again; under a lock the count
                    // goes on (failures sent at once before it was set are each counted).
                    let held = locked_until.filter(|u| *u > now);
                    let expired = locked_until.is_some() && held.is_none();
                    let failures = if expired { 0 } else { failures } + 1;
                    let lock = held.or_else(|| {
                        (failures >= threshold).then(|| now + Duration::minutes(minutes))
                    });
                    query(
                        "INSERT INTO login_throttle (username, failures, locked_until, last_failure_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (username) DO UPDATE SET failures = $2, locked_until = $3, last_failure_at = $4",
                    )
                    .bind(&name)
                    .bind(failures)
                    .bind(lock.map(format_instant))
                    .bind(format_instant(now))
                    .execute(tx.conn())
                    .await?;
                    tx.record(
                        Event::new("login", &name, "login_failed")
                            .changes(Changes::new().set("failures", failures)),
                    )
                    .await?;
                    if lock.is_some() && held.is_none() {
                        tx.record(
                            Event::new("login", &name, "account_locked")
                                .changes(Changes::new().set("minutes", minutes)),
                        )
                        .await?;
                    }
                    Ok::<_, DbError>(lock)
                })
            })
            .await?;
        Ok(match lock {
            Some(until) => Error::Locked {
                until: display_instant(until),
            },
            None => Error::LoginFailed,
        })
    }

    /// The session a cookie token names, refreshed; expired sessions are closed. Reads the
    /// tables' versions first: the session is kept in memory while the sessions, users and orgs
    /// tables are unchanged (a logout, a password change, a disabled account or a reset ends it
    /// at once, on every server), and the versions go with the actor to the request's services.
    pub async fn session(&self, token: &str) -> Result<SessionInfo> {
        let token_hash = sm3_hex(token.as_bytes());
        let versions = self.db.versions().await?;
        // Unknown tokens are not kept (guessing would only fill the cache): no session is an
        // error of the load.
        let held = self
            .caches
            .sessions
            .get_or_load(&versions, &token_hash, || async {
                self.read_session(&token_hash)
                    .await?
                    .ok_or(Error::SessionExpired)
            })
            .await?;
        let idle = db::settings::load_at(&self.db, &versions)
            .await?
            .security()
            .idle_timeout_minutes;
        let now = Utc::now();
        if held.disabled || now - held.last_seen > Duration::minutes(idle) {
            self.end_session(&token_hash).await?;
            return Err(Error::SessionExpired);
        }
        if (now - held.last_seen).num_seconds() >= TOUCH_EVERY_SECONDS {
            // Session upkeep, not a change of record: not an audit event.
            let hash = token_hash.clone();
            self.db
                .upkeep(move |tx| {
                    Box::pin(async move {
                        query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                            .bind(format_instant(now))
                            .bind(hash)
                            .execute(tx.conn())
                            .await?;
                        Ok(())
                    })
                })
                .await?;
        }
        let mut info = held.info;
        info.actor.versions = versions;
        Ok(info)
    }

    /// A session as stored (None: no such session), with the user's scope worked out.
    async fn read_session(&self, token_hash: &str) -> Result<Option<HeldSession>> {
        let row = query(
            "SELECT s.csrf_token, s.last_seen_at, s.source, u.id, u.username, u.display_name, u.role, \
             u.must_change_password, u.disabled, o.id, o.path, o.name \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut self.db.conn().await?)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let get = |i: usize| row.try_get::<String, _>(i);
        let role =
            Role::from_code(&get(6)?).ok_or_else(|| db::DbError::Corrupt("用户角色无效".into()))?;
        let org_id = OrgId::from_stored(get(9)?);
        let org_path = get(10)?;
        let scope = match role.scope_rule() {
            ScopeRule::OwnOrganisation => Scope::Subtree {
                root: org_id.clone(),
                path: org_path.clone(),
            },
            ScopeRule::EnclosingGovernment => self.enclosing_government(&org_path).await?,
        };
        Ok(Some(HeldSession {
            last_seen: parse_instant(&get(1)?).unwrap_or_default(),
            disabled: row.try_get::<i64, _>(8)? != 0,
            info: SessionInfo {
                actor: Actor {
                    kind: ActorKind::User {
                        id: UserId::from_stored(get(3)?),
                        username: get(4)?,
                        display_name: get(5)?,
                    },
                    role: Some(role),
                    org_id: Some(org_id),
                    scope,
                    source: get(2)?,
                    versions: db::Versions::default(),
                },
                csrf_token: get(0)?,
                must_change_password: row.try_get::<i64, _>(7)? != 0,
                org_name: get(11)?,
            },
        }))
    }

    /// The scope of district-wide staff: the nearest 区/县/市/省 above (or at) their organisation.
    async fn enclosing_government(&self, path: &str) -> Result<Scope> {
        let chain = self.ancestry_at(path).await?;
        let government = chain
            .iter()
            .rev()
            .find(|o| o.kind.is_government())
            .or(chain.last())
            .ok_or_else(|| db::DbError::Corrupt("用户所在机构不存在".into()))?;
        Ok(Scope::Subtree {
            root: government.id.clone(),
            path: government.path.clone(),
        })
    }

    /// Logs out: the session ends and the logout is recorded.
    pub async fn logout(&self, token: &str) -> Result<()> {
        let session = match self.session(token).await {
            Ok(s) => s,
            Err(Error::SessionExpired) => return Ok(()),
            Err(e) => return Err(e),
        };
        let token_hash = sm3_hex(token.as_bytes());
        let user_id = session
            .actor
            .user_id()
            .map(|u| u.to_string())
            .unwrap_or_default();
        let org = session.actor.org_id.as_ref().map(|o| o.to_string());
        self.db
            .write(&session.actor.who(), move |tx| {
                Box::pin(async move {
                    query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(tx.conn())
                        .await?;
                    tx.record(Event::new("user", &user_id, "logout").org(org.as_deref()))
                        .await
                })
            })
            .await?;
        Ok(())
    }

    /// Ends a session that timed out (upkeep; the user's next login is the event).
    async fn end_session(&self, token_hash: &str) -> Result<()> {
        let hash = token_hash.to_string();
        self.db
            .upkeep(move |tx| {
                Box::pin(async move {
                    query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(hash)
                        .execute(tx.conn())
                        .await?;
                    Ok(())
                })
            })
            .await?;
        Ok(())
    }
}

/// argon2 takes tens of milliseconds of CPU: keep it off the async worker threads.
async fn verify_off_thread(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}
