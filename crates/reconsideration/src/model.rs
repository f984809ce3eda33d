//! 行政复议's records: the case, its steps, its letters and documents.

use chrono::NaiveDate;
use kernel::ids::OrgId;
use kernel::{labelled_enum, typed_id};
use serde::Serialize;

typed_id!(
    /// A reconsideration case (行政复议案件).
    CaseId
);
typed_id!(
    /// A step of a case (补正, 受理, 答复, 调查, 中止 …).
    StepId
);
typed_id!(
    /// A document generated for a case.
    DocumentId
);

labelled_enum!(
    /// The law the case is handled under, by the day the application was received.
    Regime {
        Law2017 => ("2017", "2017年行政复议法"),
        Law2023 => ("2023", "2023年行政复议法"),
    }
);

labelled_enum!(
    /// 申请方式 (2023 law 第二十二条).
    Channel {
        Written => ("written", "书面"),
        Online => ("online", "网上"),
        Oral => ("oral", "口头"),
    }
);

labelled_enum!(
    /// 受理情况.
    Acceptance {
        Accepted => ("accepted", "受理"),
        NotAccepted => ("not_accepted", "不予受理"),
    }
);

labelled_enum!(
    /// 适用程序.
    Procedure {
        Ordinary => ("ordinary", "普通程序"),
        Simplified => ("simplified", "简易程序"),
    }
);

labelled_enum!(
    /// Why a case may be heard in the simplified procedure (2023 law 第五十三条).
    SimplifiedGround {
        OnTheSpot => ("on_the_spot", "当场作出的行政行为"),
        Warning => ("warning", "警告或者通报批评"),
        SmallAmount => ("small_amount", "案件涉及款额三千元以下"),
        Disclosure => ("disclosure", "政府信息公开案件"),
        Agreed => ("agreed", "当事人各方同意适用简易程序"),
    }
);

labelled_enum!(
    /// Where a case stands.
    Stage {
        Received => ("received", "待审查"),
        Correcting => ("correcting", "补正中"),
        InReview => ("in_review", "审理中"),
        Suspended => ("suspended", "中止"),
        NotAccepted => ("not_accepted", "不予受理"),
        Concluded => ("concluded", "已结案"),
    }
);

labelled_enum!(
    /// 结案方式.
    Method {
        Decision => ("decision", "决定"),
        Mediation => ("mediation", "调解"),
        Withdrawal => ("withdrawal", "撤回"),
        Termination => ("termination", "终止"),
    }
);

labelled_enum!(
    /// 撤回原因.
    WithdrawalReason {
        AfterMediation => ("after_mediation", "调解和解后撤回"),
        AfterCorrection => ("after_correction", "被申请人纠正后撤回"),
        Voluntary => ("voluntary", "申请人主动撤回"),
    }
);

labelled_enum!(
    /// 决定类型.
    DecisionType {
        Uphold => ("uphold", "维持"),
        RejectRequest => ("reject_request", "驳回复议请求"),
        Dismiss => ("dismiss", "驳回申请"),
        SetAside => ("set_aside", "撤销"),
        PartlySetAside => ("partly_set_aside", "部分撤销"),
        Vary => ("vary", "变更"),
        Unlawful => ("unlawful", "确认违法"),
        Perform => ("perform", "责令履行"),
        Void => ("void", "确认无效"),
    }
);

labelled_enum!(
    /// What happened in a case, in the order a case usually goes.
    StepKind {
        CorrectionNotice => ("correction_notice", "补正通知"),
        Corrected => ("corrected", "补正材料收到"),
        Accept => ("accept", "受理"),
        NotAccept => ("not_accept", "不予受理"),
        CopySent => ("copy_sent", "发送申请书副本"),
        Reply => ("reply", "被申请人答复"),
        Investigation => ("investigation", "实地调查"),
        HearingNotice => ("hearing_notice", "听证通知"),
        Hearing => ("hearing", "听证"),
        Committee => ("committee", "行政复议委员会咨询"),
        Mediation => ("mediation", "调解、和解"),
        Suspend => ("suspend", "中止"),
        Resume => ("resume", "恢复审理"),
        Extend => ("extend", "延长审理期限"),
        ProcedureChange => ("procedure_change", "转为普通程序"),
        Conclude => ("conclude", "结案"),
        OpinionLetter => ("opinion_letter", "制发意见书"),
        OpinionReport => ("opinion_report", "意见书落实情况报告"),
        RecommendationLetter => ("recommendation_letter", "制发建议书"),
        Publish => ("publish", "公开决定书"),
    }
);

labelled_enum!(
    /// The documents generated from a case.
    DocumentKind {
        AcceptanceNotice => ("acceptance_notice", "行政复议受理通知书"),
        NonAcceptance => ("non_acceptance", "不予受理决定书"),
        CorrectionNotice => ("correction_notice", "行政复议申请补正通知书"),
        ReplyNotice => ("reply_notice", "行政复议答复通知书"),
        Decision => ("decision", "行政复议决定书"),
        OpinionLetter => ("opinion_letter", "行政复议意见书"),
    }
);

/// A case as it is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: CaseId,
    pub number: String,
    pub regime: Regime,
    pub channel: Channel,
    pub applicant: String,
    /// The applicant's ID number, masked (3204**********1234); the sealed value stays in storage.
    pub applicant_id_masked: Option<String>,
    pub third_party: String,
    pub respondent: String,
    pub respondent_org_id: Option<OrgId>,
    pub office_org_id: OrgId,
    pub act_category: String,
    pub act_description: String,
    pub request: String,
    pub received_on: NaiveDate,
    pub stage: Stage,
    pub acceptance: Option<Acceptance>,
    pub accepted_on: Option<NaiveDate>,
    /// 视为受理 (2023 law 第三十条): accepted because the review period ended.
    pub deemed_accepted: bool,
    pub not_accepted_reason: String,
    pub procedure: Procedure,
    pub simplified_ground: Option<SimplifiedGround>,
    pub decision_due: Option<NaiveDate>,
    pub concluded_on: Option<NaiveDate>,
    pub method: Option<Method>,
    pub withdrawal_reason: Option<WithdrawalReason>,
    pub decision_type: Option<DecisionType>,
    pub opinion_letter: bool,
    pub recommendation_letter: bool,
    pub field_investigation: bool,
    pub published: bool,
    pub decision_summary: String,
    pub note: String,
    pub source: String,
}

impl Case {
    pub fn is_open(&self) -> bool {
        !matches!(self.stage, Stage::NotAccepted | Stage::Concluded)
    }
}

/// A case as the case list shows it: the columns of its row, nothing more (a page of 50 reads
/// eleven columns instead of thirty-three).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub number: String,
    pub applicant: String,
    pub respondent: String,
    pub act_category: String,
    pub received_on: NaiveDate,
    pub stage: Stage,
    pub decision_due: Option<NaiveDate>,
    pub method: Option<Method>,
    pub decision_type: Option<DecisionType>,
    pub withdrawal_reason: Option<WithdrawalReason>,
}

impl CaseSummary {
    pub fn is_open(&self) -> bool {
        !matches!(self.stage, Stage::NotAccepted | Stage::Concluded)
    }
}

/// One step of a case with its date and what was recorded with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: StepId,
    pub kind: StepKind,
    pub on: NaiveDate,
    pub detail: StepDetail,
    pub recorded_by: String,
}

/// What a step records besides its date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StepDetail {
    /// Free text: the reason, the material asked for, the outcome, the summary.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The staff who took part (实地调查: at least two).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff: Vec<String>,
    /// A date the step names: the hearing's date on its notice, the day a letter was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Days: of an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Who approved (an extension: the head of the 复议机关/机构).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub approved_by: String,
    /// A document number (意见书, 建议书).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub number: String,
}

/// A document generated for a case and kept with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredDocument {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub file_name: String,
    pub sm3: String,
    pub created_by: String,
    pub created_at: String,
}
