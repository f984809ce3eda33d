//! 行政复议: administrative reconsideration cases under the 2017 law (with the 2007 实施条例) or
//! the 2023 law, chosen by the day of receipt; their statutory clock from the calendar; the
//! documents they need; the ledger; the figures of the annual report (correction rates). The
//! door is [`Reconsideration`].

mod attachments;
mod clock;
pub use attachments::ATTACHMENT_KINDS;
mod documents;
mod intake;
mod links;
pub use links::{CORRECTING, CorrectedAct};
pub mod ledger;
pub mod model;
mod query;
pub mod rules;
mod stats;
mod steps;
mod store;
mod store_stats;

use db::DbError;
use kernel::settings::{SettingDef, SettingKind};
use kernel::{ErrorCode, Permission, Role};
use platform::{Actor, Org, Platform, Scope};

pub use clock::{Clock, DueLine, DueState};
pub use intake::NewCase;
pub use model::{
    Acceptance, Case, CaseId, CaseSummary, Channel, DecisionType, DocumentId, DocumentKind, Method,
    Procedure, Regime, SimplifiedGround, Stage, Step, StepDetail, StepKind, StoredDocument,
    WithdrawalReason,
};
pub use query::{CasePage, TimelineEntry};
pub use stats::{Definition, NAMES, ReconsiderationStats};
pub use steps::StepRequest;
pub use store::CaseFilter;

/// The office that handles cases (复议机构); empty: the organisation at the top of the tree.
pub const OFFICE: SettingDef = SettingDef {
    key: "reconsideration.office",
    label: "行政复议机构",
    help: "办理行政复议案件的机构名称或路径（如 新北区/司法局）；留空则为机构树最上级的机构",
    default: "",
    kind: SettingKind::Text,
    permission: Permission::ManageOrganisations,
};

/// Which decision types count as 直接纠错.
pub const DIRECT_TYPES: SettingDef = SettingDef {
    key: "reconsideration.direct_correction_types",
    label: "直接纠错的决定类型",
    help: "用顿号分隔；可选：撤销、部分撤销、变更、确认违法、责令履行、确认无效",
    default: "撤销、部分撤销、变更、确认违法、责令履行、确认无效",
    kind: SettingKind::Text,
    permission: Permission::ManageOrganisations,
};

/// What 综合纠错 adds up.
pub const COMPREHENSIVE_PARTS: SettingDef = SettingDef {
    key: "reconsideration.comprehensive_parts",
    label: "综合纠错的组成",
    help: "用顿号分隔；可选：直接纠错、调解、调解和解后撤回、被申请人纠正后撤回、意见书",
    default: "直接纠错、调解、调解和解后撤回、被申请人纠正后撤回",
    kind: SettingKind::Text,
    permission: Permission::ManageOrganisations,
};

/// The denominator of the rates.
pub const RATE_BASE: SettingDef = SettingDef {
    key: "reconsideration.rate_base",
    label: "纠错率的分母",
    help: "结案数（全部审结案件，默认）或 决定结案数（仅以决定结案的案件）",
    default: "结案数",
    kind: SettingKind::Text,
    permission: Permission::ManageOrganisations,
};

/// How far ahead the dashboard looks for decisions falling due.
pub const DUE_SOON: SettingDef = SettingDef {
    key: "reconsideration.due_soon_workdays",
    label: "临近期限提醒（工作日）",
    help: "仪表盘列出在这么多个工作日内届满的行政复议案件",
    default: "3",
    kind: SettingKind::Integer { min: 1, max: 30 },
    permission: Permission::ManageOrganisations,
};

/// The series of new case numbers.
pub const NUMBER_PATTERN: SettingDef = SettingDef {
    key: "reconsideration.number_pattern",
    label: "行政复议案件编号格式",
    help: "{年}为年份，{号}为序号，如 新复〔{年}〕{号}号；留空则沿用本年（或最近一年）已有案件编号的格式，都没有时为 行复〔{年}〕{号}号。新编号接续该格式当年最大的序号，不会重号",
    default: "",
    kind: SettingKind::NumberPattern,
    permission: Permission::ManageOrganisations,
};

/// 行政复议's settings, for the settings page.
pub const SETTINGS: &[SettingDef] = &[
    OFFICE,
    DIRECT_TYPES,
    COMPREHENSIVE_PARTS,
    RATE_BASE,
    DUE_SOON,
    NUMBER_PATTERN,
];

/// A page of the case list's rows and how many cases its filter selects.
type ListPage = (Vec<CaseSummary>, i64);

/// The door to 行政复议.
#[derive(Clone, Debug)]
pub struct Reconsideration {
    platform: Platform,
    /// Pages of the case list, by scope, filters and page, beside the versions of the tables they
    /// were read from: a page asked again is answered from memory until a case or an organisation
    /// is written.
    lists: std::sync::Arc<db::Cache<String, std::sync::Arc<ListPage>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    /// A named statutory rule refused the step.
    #[error("{0}")]
    Rule(String),
    #[error("未找到{0}")]
    NotFound(String),
    #[error(transparent)]
    Platform(#[from] platform::Error),
    #[error(transparent)]
    Calendar(#[from] kernel::calendar::CalendarError),
    #[error(transparent)]
    Paper(#[from] paper::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) | Error::Calendar(_) => ErrorCode::InvalidInput,
            Error::Rule(_) => ErrorCode::RuleViolation,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Platform(e) => e.code(),
            Error::Paper(_) | Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Reconsideration {
    pub fn new(platform: Platform) -> Reconsideration {
        Reconsideration {
            platform,
            lists: std::sync::Arc::new(db::Cache::new(&["orgs", "reconsideration_cases"], 1_000)),
        }
    }

    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    /// The office that handles cases: the setting, else the top of the tree.
    async fn office(&self) -> Result<Org> {
        let name = db::settings::load(self.platform.db()).await?.value(&OFFICE);
        if !name.trim().is_empty() {
            return Ok(self.platform.resolve_org(name.trim()).await?);
        }
        self.platform
            .directory()
            .await?
            .into_iter()
            .find(|o| o.parent_id.is_none())
            .ok_or_else(|| Error::Invalid("尚无机构：请先导入机构台账".into()))
    }

    /// Only the reconsideration office's staff (legal-affairs) and the command line act on cases.
    async fn require_handler(&self, actor: &Actor, record_id: &str) -> Result<()> {
        self.platform
            .require(
                actor,
                Permission::WriteRecords,
                "reconsideration_case",
                record_id,
            )
            .await?;
        if actor.scope == Scope::Everything || actor.role == Some(Role::LegalAffairs) {
            return Ok(());
        }
        let refusal = platform::Error::Forbidden(
            "行政复议案件由行政复议机构办理：只有司法局法制工作人员可以登记和办理".into(),
        );
        let event = db::Event::new("reconsideration_case", record_id, "denied")
            .org(actor.org_id.as_ref().map(|o| o.as_str()))
            .changes(db::Changes::new().set("reason", refusal.to_string()));
        self.platform.db().record(&actor.who(), event).await?;
        Err(refusal.into())
    }

    /// A case the actor may read.
    async fn readable(&self, actor: &Actor, id: &str) -> Result<Case> {
        self.platform
            .require(actor, Permission::ReadRecords, "reconsideration_case", id)
            .await?;
        let mut conn = self.platform.db().conn().await?;
        let case = store::case(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该行政复议案件".into()))?;
        drop(conn);
        if let Scope::Subtree { .. } = &actor.scope {
            let office = self.platform.org(&case.office_org_id).await?;
            let reaches = actor.scope.contains(&office.path)
                || match &case.respondent_org_id {
                    Some(r) => {
                        (self.platform.org(r).await).is_ok_and(|o| actor.scope.contains(&o.path))
                    }
                    None => false,
                };
            if !reaches {
                let refusal =
                    platform::Error::OutOfScope("该行政复议案件不在您的管辖范围内".into());
                let event = db::Event::new("reconsideration_case", id, "denied")
                    .org(actor.org_id.as_ref().map(|o| o.as_str()))
                    .changes(db::Changes::new().set("reason", refusal.to_string()));
                self.platform.db().record(&actor.who(), event).await?;
                return Err(refusal.into());
            }
        }
        Ok(case)
    }
}
