//! 权力事项动态管理系统 / 权责清单: the power items a district exercises, each version dated so the
//! list can be shown as it stood on any day; their dynamic adjustment (proposed by a department,
//! reviewed and approved by the legal-affairs office); their delegation to towns and streets
//! (赋权); the ledgers; the figures of the annual report. The door is [`Power`].

mod adjust;
mod attachments;
pub use attachments::ATTACHMENT_KINDS;
mod apply;
mod delegate;
mod items;
pub mod ledger;
pub mod model;
mod records;
pub mod rules;
mod stats;
mod store;
mod store_stats;
mod summary;
mod worklist;

use db::DbError;
use kernel::ErrorCode;
use laws::Laws;
use platform::Platform;

pub use adjust::Proposal;
pub use delegate::{Batch, Matrix, MatrixRow};
pub use items::{Comparison, ItemChange, ItemPage};
pub use model::{
    ALL_TOWNS, Adjustment, AdjustmentId, AdjustmentKind, AdjustmentState, Delegation, DelegationId,
    DelegationState, Item, ItemFields, ItemId, ItemType, Level,
};
pub use stats::{DEFINITIONS, NAMES, PowerStats};
pub use store::ItemFilter;
pub use worklist::WorkItem;

/// Who reviews adjustments: an organisation's name or path; empty means any legal-affairs staff.
pub const REVIEW_OFFICE: kernel::settings::SettingDef = kernel::settings::SettingDef {
    key: "power.review_office",
    label: "权力事项调整的审核机构",
    help: "填写机构名称或路径（如 新北区/司法局）；留空则由任一司法局法制工作人员审核",
    default: "",
    kind: kernel::settings::SettingKind::Text,
    permission: kernel::Permission::ManageOrganisations,
};

/// The power list's settings, for the settings page.
pub const SETTINGS: &[kernel::settings::SettingDef] = &[REVIEW_OFFICE];

/// The door to the power list.
#[derive(Clone, Debug)]
pub struct Power {
    platform: Platform,
    laws: Laws,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    /// A named rule refused the change.
    #[error("{0}")]
    Rule(String),
    #[error("未找到{0}")]
    NotFound(String),
    #[error(transparent)]
    Platform(#[from] platform::Error),
    #[error(transparent)]
    Laws(#[from] laws::Error),
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
            Error::Laws(e) => e.code(),
            Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Power {
    pub fn new(platform: Platform) -> Power {
        Power {
            laws: Laws::new(platform.clone()),
            platform,
        }
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    pub fn laws(&self) -> &Laws {
        &self.laws
    }
}
