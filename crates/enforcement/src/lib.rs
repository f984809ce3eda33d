//! 行政执法: enforcement bodies (执法主体) and the powers they enforce, officers and their
//! certificates, penalty cases under the 2017 and 2021 行政处罚法, inspections, the ledgers and
//! the year's figures. The door is [`Enforcement`].

mod behind;
pub mod ledger;
pub mod model;
mod registry;
pub mod rules;
mod stats;
mod store;
pub mod workflow;

use db::DbError;
use kernel::settings::{SettingDef, SettingKind};
use kernel::{ErrorCode, Permission};
use platform::Platform;

pub use model::{
    Body, BodyId, BodyKind, Case, CaseId, CertificateState, Decision, Inspection, InspectionId,
    InspectionMethod, InspectionResult, Officer, OfficerId, Opinion, PartyKind, PenaltyType,
    Procedure, Regime, Step, StepDetail, StepKind, Training,
};
pub use registry::{
    BodyView, CaseFilter, CaseView, OfficerView, PublicBody, PublicDecision, REVIEWER_SHARE,
    Standing,
};
pub use stats::{DEFINITIONS, EnforcementStats, NAMES};

/// How long a certificate is valid when the ledger gives no 有效期至.
pub const CERTIFICATE_YEARS: SettingDef = SettingDef {
    key: "enforcement.certificate_years",
    label: "执法证有效年限",
    help: "台账未填写有效期至时，按发证日期起算的有效年限",
    default: "5",
    kind: SettingKind::Integer { min: 1, max: 10 },
    permission: Permission::ManageOrganisations,
};

/// A certificate this close to its end is shown as expiring.
pub const EXPIRY_WARNING_MONTHS: SettingDef = SettingDef {
    key: "enforcement.expiry_warning_months",
    label: "执法证到期提醒（月）",
    help: "执法证在有效期届满前这么多个月起提醒换证",
    default: "6",
    kind: SettingKind::Integer { min: 1, max: 12 },
    permission: Permission::ManageOrganisations,
};

/// The yearly training an officer should have.
pub const TRAINING_HOURS: SettingDef = SettingDef {
    key: "enforcement.training_hours",
    label: "执法人员年度培训学时",
    help: "每名执法人员每年应完成的培训学时",
    default: "60",
    kind: SettingKind::Integer { min: 0, max: 200 },
    permission: Permission::ManageOrganisations,
};

/// 国办发〔2018〕118号 (六): penalty decisions are published within 7 working days.
pub const PUBLICATION_WORKDAYS: SettingDef = SettingDef {
    key: "enforcement.publication_workdays",
    label: "行政处罚决定公示时限（工作日）",
    help: "执法决定作出之日起这么多个工作日内公示（国办发〔2018〕118号）",
    default: "7",
    kind: SettingKind::Integer { min: 1, max: 20 },
    permission: Permission::ManageOrganisations,
};

/// Whether simple-procedure decisions count as decisions to publish.
pub const PUBLISH_SIMPLE: SettingDef = SettingDef {
    key: "enforcement.publish_simple",
    label: "简易程序决定也须公示",
    help: "否：公示及时率只统计普通程序作出的行政处罚决定（多数省份的做法）",
    default: "false",
    kind: SettingKind::Boolean,
    permission: Permission::ManageOrganisations,
};

/// 2021 第六十条: a decision within 90 days of 立案.
pub const DECISION_DAYS: SettingDef = SettingDef {
    key: "enforcement.decision_days",
    label: "行政处罚办案期限（日）",
    help: "立案之日起这么多日内作出决定（2021年行政处罚法第六十条）；经批准延长的另行记录",
    default: "90",
    kind: SettingKind::Integer { min: 30, max: 365 },
    permission: Permission::ManageOrganisations,
};

/// The penalty types whose decisions need a legal review (the body's catalogue adds its own).
pub const REVIEW_PENALTY_TYPES: SettingDef = SettingDef {
    key: "enforcement.review_penalty_types",
    label: "须经法制审核的处罚种类",
    help: "用顿号分隔；经过听证或集体讨论的决定总须法制审核（2021年行政处罚法第五十八条）",
    default: "降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业",
    kind: SettingKind::Text,
    permission: Permission::ManageOrganisations,
};

/// 2021 第六十条 lets law, regulation or rule provide otherwise; departmental rules commonly allow
/// an approved extension of 30 days (e.g. 市场监督管理行政处罚程序规定).
pub const EXTENSION_DAYS: SettingDef = SettingDef {
    key: "enforcement.extension_days",
    label: "办案期限最多延长（日）",
    help: "经行政机关负责人批准可以延长办案期限的合计日数；0 表示不得延长",
    default: "30",
    kind: SettingKind::Integer { min: 0, max: 365 },
    permission: Permission::ManageOrganisations,
};

/// 2021 第六十三条 较大数额罚款: the amounts are the province's (not confirmed here: a setting).
pub const HEARING_FINE_INDIVIDUAL: SettingDef = SettingDef {
    key: "enforcement.hearing_fine_individual",
    label: "个人可要求听证的罚款数额（元）",
    help: "对公民处以不低于这一数额的罚款、没收违法所得或非法财物的，当事人可以要求听证（第六十三条“较大数额”，以本省规定为准）",
    default: "5000",
    kind: SettingKind::Integer {
        min: 1,
        max: 10_000_000,
    },
    permission: Permission::ManageOrganisations,
};

/// … and for an organisation.
pub const HEARING_FINE_ORGANISATION: SettingDef = SettingDef {
    key: "enforcement.hearing_fine_organisation",
    label: "单位可要求听证的罚款数额（元）",
    help: "对法人或者其他组织处以不低于这一数额的罚款、没收的，当事人可以要求听证（以本省规定为准）",
    default: "50000",
    kind: SettingKind::Integer {
        min: 1,
        max: 100_000_000,
    },
    permission: Permission::ManageOrganisations,
};

/// 2021 第四十八条: a published decision set aside is withdrawn within 3 (working, 第八十五条) days.
pub const TAKEDOWN_WORKDAYS: SettingDef = SettingDef {
    key: "enforcement.takedown_workdays",
    label: "撤回公示时限（工作日）",
    help: "已公开的行政处罚决定被撤销、确认违法或者确认无效的，应在这么多个工作日内撤回（2021年行政处罚法第四十八条）",
    default: "3",
    kind: SettingKind::Integer { min: 1, max: 20 },
    permission: Permission::ManageOrganisations,
};

/// 行政执法's settings, for the settings page.
pub const SETTINGS: &[SettingDef] = &[
    CERTIFICATE_YEARS,
    EXPIRY_WARNING_MONTHS,
    TRAINING_HOURS,
    PUBLICATION_WORKDAYS,
    PUBLISH_SIMPLE,
    DECISION_DAYS,
    REVIEW_PENALTY_TYPES,
    EXTENSION_DAYS,
    HEARING_FINE_INDIVIDUAL,
    HEARING_FINE_ORGANISATION,
    TAKEDOWN_WORKDAYS,
];

/// The door to 行政执法.
#[derive(Clone, Debug)]
pub struct Enforcement {
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
    Power(#[from] power::Error),
    #[error(transparent)]
    Reconsideration(#[from] reconsideration::Error),
    #[error(transparent)]
    Paper(#[from] paper::Error),
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
            Error::Power(e) => e.code(),
            Error::Reconsideration(e) => e.code(),
            Error::Paper(_) => ErrorCode::Internal,
            Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Enforcement {
    pub fn new(platform: Platform) -> Enforcement {
        Enforcement { platform }
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// A setting's value as a number (its default when the stored value is not one).
    pub(crate) async fn setting_number(&self, def: &SettingDef) -> Result<i64> {
        let settings = db::settings::load(self.platform.db()).await?;
        Ok(settings
            .value(def)
            .parse()
            .unwrap_or_else(|_| def.default.parse().unwrap_or(0)))
    }

    /// The penalty types whose decisions need a legal review (the setting; unknown words are
    /// left out).
    pub(crate) async fn review_catalogue(&self) -> Result<Vec<PenaltyType>> {
        let settings = db::settings::load(self.platform.db()).await?;
        Ok(settings
            .value(&REVIEW_PENALTY_TYPES)
            .split(['、', ',', '，'])
            .filter_map(|w| PenaltyType::parse(w.trim()))
            .collect())
    }
}
