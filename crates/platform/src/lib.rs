//! Platform services: the records every module stands on — organisations (机构), accounts and
//! roles (用户与角色), sessions, settings and loaded holiday notices — behind one door,
//! [`Platform`]. Every use case checks the actor's permission and scope here, in the service
//! layer, and writes in one transaction with its audit events.

mod actor;
mod attachments;
pub use attachments::{
    ACCEPTED, Attachment, AttachmentId, FileStore, MAX_BYTES as ATTACHMENT_MAX_BYTES,
    NewAttachment, Owner, accept_attribute,
};
mod audit;
pub use audit::AnchoredReport;
mod jobs;
pub use jobs::{Job, JobId, JobOutcome};
mod auth;
mod calendar;
mod model;
mod org_import;
mod orgs;
mod settings;
mod users;

pub use actor::{Actor, ActorKind, Scope};
pub use auth::{LoggedIn, SessionInfo};
pub use bytes::Bytes;
pub use db::audit::{ChainBroken, EventFilter, StoredEvent, VerifyReport};
pub use db::{Cache, Page, PageRequest};
pub use model::{NewOrg, NewUser, Org, OrgUpdate, User};
pub use org_import::ORGANIZATIONS;
pub use users::{AccountSummary, People, UserFilter};

use std::sync::Arc;

use db::{Db, DbError, Event};
use kernel::ErrorCode;
use kernel::crypto::SealKey;

/// Organisations by name or path, read once: ledgers name organisations row after row.
#[derive(Clone, Debug)]
pub struct OrgResolver {
    world: Vec<Org>,
}

impl OrgResolver {
    /// The one organisation `name` names (a name, or a path such as 新北区/司法局), or why not.
    pub fn resolve(&self, name: &str) -> std::result::Result<&Org, String> {
        org_import::resolve_in(&self.world, name)
    }

    pub fn get(&self, id: &kernel::ids::OrgId) -> Option<&Org> {
        self.world.iter().find(|o| &o.id == id)
    }

    /// The shortest unambiguous name of an organisation, for writing ledgers.
    pub fn reference(&self, id: &kernel::ids::OrgId) -> String {
        self.get(id)
            .map(|o| org_import::unique_reference(&self.world, o))
            .unwrap_or_default()
    }

    pub fn all(&self) -> &[Org] {
        &self.world
    }
}

/// The door to the platform's records. Cheap to clone (every module and every request holds one):
/// the database handle and the key are shared, not copied.
#[derive(Clone, Debug)]
pub struct Platform {
    db: Arc<Db>,
    seal: Arc<SealKey>,
    caches: Arc<Caches>,
    /// Where attachments are kept.
    files: Arc<FileStore>,
    /// Permits for heavy work (reading an uploaded file, building a file to download): one per
    /// core, so that such work never takes the threads that answer requests.
    heavy: Arc<tokio::sync::Semaphore>,
}

/// What the platform keeps in memory, each beside the versions of the tables it was read from.
#[derive(Debug)]
struct Caches {
    /// By the SM3 of the cookie's token.
    sessions: db::Cache<String, auth::HeldSession>,
    /// The organisation tree.
    orgs: db::Cache<(), Arc<Vec<Org>>>,
}

impl Platform {
    pub fn new(db: Db, seal: SealKey) -> Platform {
        Platform {
            db: Arc::new(db),
            seal: Arc::new(seal),
            caches: Arc::new(Caches {
                sessions: db::Cache::new(&["sessions", "users", "orgs"], 10_000),
                orgs: db::Cache::new(&["orgs"], 1),
            }),
            files: Arc::new(FileStore::memory()),
            heavy: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }

    /// The platform keeping attachments in `files` (in memory until this is called).
    pub fn with_files(mut self, files: FileStore) -> Platform {
        self.files = Arc::new(files);
        self
    }

    /// Where attachments are kept.
    pub fn files(&self) -> &FileStore {
        &self.files
    }

    /// Runs heavy work on a blocking thread once one of the heavy-work permits is free: at most
    /// one such job per core runs at a time, and the async workers stay free to answer.
    pub async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .heavy
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("服务正在停止".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| Error::Internal("处理文件的任务意外中止".into()))
    }

    /// Runs a long read (an export's rows, a comparison of two dates) on a blocking thread under
    /// the same permits as [`Platform::heavy`]: SQLite statements run on the caller's thread.
    pub async fn heavy_read<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .heavy
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("服务正在停止".into()))?;
        Ok(db::offload(work).await)
    }

    /// The records an import is given: an upload is read here, after the caller has checked the
    /// importer's permission, on a heavy-work thread, within the limits for uploads.
    pub async fn ledger_records<'a>(
        &self,
        source: ledger::Source<'a>,
        layout: &'static ledger::Layout,
    ) -> Result<std::borrow::Cow<'a, [ledger::Record]>> {
        match source {
            ledger::Source::Records(records) => Ok(std::borrow::Cow::Borrowed(records)),
            ledger::Source::Upload(upload) => {
                let records = self
                    .heavy(move || {
                        ledger::read_bytes_within(
                            &upload.name,
                            &upload.bytes,
                            &ledger::Limits::UPLOAD,
                        )?
                        .records(layout)
                    })
                    .await??;
                Ok(std::borrow::Cow::Owned(records))
            }
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The SM4 key personal data is sealed with (ID numbers, phone numbers) before it is stored.
    pub fn seal(&self) -> &SealKey {
        &self.seal
    }

    /// Records a refused request (403) in the audit log, then returns the error to give back.
    async fn refuse(
        &self,
        actor: &Actor,
        error: Error,
        record_type: &str,
        record_id: &str,
    ) -> Error {
        let reason = error.to_string();
        let event = Event::new(record_type, record_id, "denied")
            .org(actor.org_id.as_ref().map(|o| o.as_str()))
            .changes(db::Changes::new().set("reason", &reason));
        if let Err(e) = self.db.record(&actor.who(), event).await {
            tracing::error!(error = %e, "could not record a refused request");
            return Error::Db(e);
        }
        error
    }

    /// Checks the actor's role is one of `roles` (the command line passes); a refusal is recorded.
    /// Returns the refusal to give back.
    pub async fn refuse_role(
        &self,
        actor: &Actor,
        roles: &[kernel::Role],
        record_type: &str,
        record_id: &str,
    ) -> Error {
        let role = actor.role.map(|r| r.label()).unwrap_or("命令行");
        let allowed = roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("、");
        let refusal = Error::Forbidden(format!("此项只由{allowed}办理，{role}不能办理"));
        self.refuse(actor, refusal, record_type, record_id).await
    }

    /// Checks a permission; a refusal is recorded.
    pub async fn require(
        &self,
        actor: &Actor,
        permission: kernel::Permission,
        record_type: &str,
        record_id: &str,
    ) -> Result<(), Error> {
        if actor.can(permission) {
            return Ok(());
        }
        let role = actor.role.map(|r| r.label()).unwrap_or("命令行");
        let refusal = Error::Forbidden(format!("{role}不能{}", permission.label()));
        Err(self.refuse(actor, refusal, record_type, record_id).await)
    }

    /// Checks that `org` lies in the actor's scope; a refusal is recorded.
    pub async fn require_scope(
        &self,
        actor: &Actor,
        org: &Org,
        record_type: &str,
        record_id: &str,
    ) -> Result<(), Error> {
        if actor.scope.contains(&org.path) {
            return Ok(());
        }
        Err(self
            .refuse(
                actor,
                Error::OutOfScope(format!("“{}”不在您的管辖范围内", org.name)),
                record_type,
                record_id,
            )
            .await)
    }
}

/// Why a platform use case was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    /// A named rule refused the change; the message names the rule.
    #[error("{0}")]
    Rule(String),
    #[error("无权操作：{0}")]
    Forbidden(String),
    #[error("超出管辖范围：{0}")]
    OutOfScope(String),
    #[error("未找到{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Password(String),
    #[error("用户名或密码错误")]
    LoginFailed,
    #[error("连续登录失败次数过多，账户已锁定，请于{until}后再试，或联系安全管理员解锁")]
    Locked { until: String },
    #[error("账户已停用，请联系系统管理员")]
    Disabled,
    #[error("登录已超时，请重新登录")]
    SessionExpired,
    #[error(transparent)]
    Rejected(#[from] ledger::Rejected),
    #[error(transparent)]
    Ledger(#[from] ledger::LedgerError),
    #[error(transparent)]
    Calendar(#[from] kernel::CalendarError),
    #[error(transparent)]
    Db(#[from] DbError),
    /// A stored file that no longer matches its recorded hash.
    #[error("{0}")]
    Tampered(String),
    /// Work that failed in a way the user cannot mend (a heavy job that did not finish).
    #[error("内部错误：{0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Rule(_) => ErrorCode::RuleViolation,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::OutOfScope(_) => ErrorCode::OutOfScope,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Password(_) => ErrorCode::PasswordPolicy,
            Error::LoginFailed => ErrorCode::LoginFailed,
            Error::Locked { .. } => ErrorCode::AccountLocked,
            Error::Disabled => ErrorCode::AccountDisabled,
            Error::SessionExpired => ErrorCode::Unauthenticated,
            Error::Rejected(_) | Error::Ledger(_) => ErrorCode::ImportRejected,
            Error::Calendar(kernel::CalendarError::UnknownYear { .. }) => {
                ErrorCode::CalendarUnknownYear
            }
            Error::Calendar(_) => ErrorCode::InvalidInput,
            Error::Tampered(_) => ErrorCode::Tampered,
            Error::Db(DbError::Open { .. }) => ErrorCode::DatabaseUnavailable,
            Error::Db(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
