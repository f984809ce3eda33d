//! 矛盾纠纷排查调处与人民调解: mediation organisations and their committees, the public mediator
//! roster, disputes from screening to agreement and judicial confirmation, the ledgers and the
//! figures of the annual report. The door is [`Mediation`].

pub mod agreement;
mod attachments;
pub use attachments::ATTACHMENT_KINDS;
mod disputes;
pub mod ledger;
pub mod model;
mod notes;
mod parties;
mod records;
pub mod rules;
mod stats;
mod store;

use db::DbError;
use kernel::settings::{SettingDef, SettingKind};
use kernel::{ErrorCode, Permission};
use platform::Platform;

pub use agreement::agreement;
pub use disputes::{Conclusion, DisputeFilter, NewDispute, OrganizationView};
pub use model::{
    AgreementForm, Dispute, DisputeId, DisputeType, Employment, Mediator, MediatorId, Organization,
    OrganizationId, OrganizationKind, Outcome, Sex, Source,
};
pub use notes::{Note, NoteKind, NoticeKind, RosterNotice};
pub use parties::{NewParty, Party};
pub use stats::{DEFINITIONS, MediationStats, NAMES};

/// A dispute open longer than this is overdue (人民调解工作若干规定 第三十三条: 一般在一个月内调结).
pub const TARGET_DAYS: SettingDef = SettingDef {
    key: "mediation.target_days",
    label: "纠纷调处时限（日）",
    help: "受理后超过这么多日仍未调结的纠纷显示为超期",
    default: "30",
    kind: SettingKind::Integer { min: 1, max: 365 },
    permission: Permission::ManageOrganisations,
};

/// The series of new dispute numbers.
pub const NUMBER_PATTERN: SettingDef = SettingDef {
    key: "mediation.number_pattern",
    label: "矛盾纠纷编号格式",
    help: "{镇}为镇（街道）名称，{年}为年份，{号}为序号，如 新北调〔{年}〕{号}；留空则沿用本镇（街道）本年、否则全区最近的编号格式，都没有时为 {镇}调〔{年}〕{号}号。新编号接续该格式当年最大的序号，不会重号",
    default: "",
    kind: SettingKind::NumberPattern,
    permission: Permission::ManageOrganisations,
};

/// 人民调解's settings, for the settings page.
pub const SETTINGS: &[SettingDef] = &[TARGET_DAYS, NUMBER_PATTERN];

/// The door to 人民调解.
#[derive(Clone, Debug)]
pub struct Mediation {
    platform: Platform,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Rule(String),
    #[error("未找到{0}")]
    NotFound(String),
    #[error(transparent)]
    Platform(#[from] platform::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Rule(_) => ErrorCode::RuleViolation,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Platform(e) => e.code(),
            Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Mediation {
    pub fn new(platform: Platform) -> Mediation {
        Mediation { platform }
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }
}
