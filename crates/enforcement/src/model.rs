//! The records of 行政执法: bodies, officers, penalty cases and inspections.

use chrono::NaiveDate;
use kernel::Money;
use kernel::ids::OrgId;
use kernel::labelled_enum;
use serde::Serialize;

kernel::typed_id!(
    /// An enforcement body (执法主体).
    BodyId
);
kernel::typed_id!(
    /// An enforcement officer (执法人员).
    OfficerId
);
kernel::typed_id!(
    /// A penalty case (行政处罚案件).
    CaseId
);
kernel::typed_id!(
    /// An inspection (行政检查).
    InspectionId
);

labelled_enum!(
    /// 主体类型.
    BodyKind {
        Statutory => ("statutory", "法定行政机关"),
        Authorised => ("authorised", "法律法规授权组织"),
        Entrusted => ("entrusted", "受委托组织"),
    }
);

labelled_enum!(
    /// 执法证状态.
    CertificateState {
        Valid => ("valid", "有效"),
        Suspended => ("suspended", "暂扣"),
        Cancelled => ("cancelled", "注销"),
    }
);

labelled_enum!(
    /// 当事人类型: the simple procedure's limits differ (2021 第五十一条).
    PartyKind {
        Individual => ("individual", "个人"),
        Organisation => ("organisation", "单位"),
    }
);

labelled_enum!(
    /// 适用程序.
    Procedure {
        Simple => ("simple", "简易程序"),
        Ordinary => ("ordinary", "普通程序"),
    }
);

labelled_enum!(
    /// 决定类型 (2021 第五十七条).
    Decision {
        Penalty => ("penalty", "给予行政处罚"),
        NoPenalty => ("no_penalty", "不予行政处罚"),
        Transfer => ("transfer", "移送司法机关"),
        Withdrawn => ("withdrawn", "撤销案件"),
    }
);

labelled_enum!(
    /// 处罚种类 (2021 第九条).
    PenaltyType {
        Warning => ("warning", "警告"),
        Criticism => ("criticism", "通报批评"),
        Fine => ("fine", "罚款"),
        ConfiscateGains => ("confiscate_gains", "没收违法所得"),
        ConfiscateProperty => ("confiscate_property", "没收非法财物"),
        SuspendLicence => ("suspend_licence", "暂扣许可证件"),
        Downgrade => ("downgrade", "降低资质等级"),
        RevokeLicence => ("revoke_licence", "吊销许可证件"),
        RestrictBusiness => ("restrict_business", "限制开展生产经营活动"),
        Suspension => ("suspension", "责令停产停业"),
        Closure => ("closure", "责令关闭"),
        RestrictPractice => ("restrict_practice", "限制从业"),
        Detention => ("detention", "行政拘留"),
        Other => ("other", "其他"),
    }
);

labelled_enum!(
    /// 检查方式.
    InspectionMethod {
        Random => ("random", "双随机"),
        Special => ("special", "专项"),
        Complaint => ("complaint", "投诉举报"),
        Other => ("other", "其他"),
    }
);

labelled_enum!(
    /// 检查结果.
    InspectionResult {
        Clean => ("clean", "未发现问题"),
        Rectify => ("rectify", "责令整改"),
        CaseOpened => ("case_opened", "立案查处"),
    }
);

/// The 行政处罚法 a case is handled under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Regime {
    /// The 2017 text (cases opened before 2021-07-15).
    Law2017,
    /// The 2021 revision, in force 2021-07-15 (第八十六条).
    Law2021,
}

impl Regime {
    pub fn code(self) -> &'static str {
        match self {
            Regime::Law2017 => "2017",
            Regime::Law2021 => "2021",
        }
    }

    pub fn parse(code: &str) -> Option<Regime> {
        match code {
            "2017" => Some(Regime::Law2017),
            "2021" => Some(Regime::Law2021),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Regime::Law2017 => "2017年修正的行政处罚法",
            Regime::Law2021 => "2021年修订的行政处罚法",
        }
    }
}

/// An enforcement body (执法主体).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Body {
    pub id: BodyId,
    pub org_id: OrgId,
    pub org_name: String,
    pub kind: BodyKind,
    /// For a 受委托组织: the organisation entrusting it.
    pub entrusted_by: Option<OrgId>,
    pub effective_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub legal_basis: String,
    /// The body's own 法制审核目录: penalty types needing a legal review beyond the setting's.
    pub review_types: Vec<PenaltyType>,
}

impl Body {
    /// The penalty types whose decisions need a legal review at this body: the setting's
    /// (`global`) and the body's own catalogue.
    pub fn review_catalogue(&self, global: &[PenaltyType]) -> Vec<PenaltyType> {
        let mut all = global.to_vec();
        for t in &self.review_types {
            if !all.contains(t) {
                all.push(*t);
            }
        }
        all
    }

    /// Whether the body exists on `on` (from its 生效日期, until before its 终止日期).
    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        self.effective_on <= on && self.ended_on.is_none_or(|end| on < end)
    }

    /// The organisation whose powers the body enforces: its own, or for a 受委托组织 the
    /// entrusting body's.
    pub fn powers_of(&self) -> &OrgId {
        match (&self.kind, &self.entrusted_by) {
            (BodyKind::Entrusted, Some(by)) => by,
            _ => &self.org_id,
        }
    }
}

/// An enforcement officer and the certificate (执法证).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Officer {
    pub id: OfficerId,
    pub name: String,
    pub certificate: String,
    pub body_id: BodyId,
    pub org_id: OrgId,
    pub field: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub state: CertificateState,
    pub legal_reviewer: bool,
}

/// A penalty case (行政处罚案件).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: CaseId,
    pub number: String,
    pub body_id: BodyId,
    pub org_id: OrgId,
    pub item_code: String,
    pub party_kind: PartyKind,
    pub party: String,
    pub opened_on: NaiveDate,
    pub regime: Regime,
    pub procedure: Procedure,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    pub hearing: bool,
    pub legal_review: bool,
    pub collective: bool,
    pub decided_on: Option<NaiveDate>,
    pub decision: Option<Decision>,
    pub penalties: Vec<PenaltyType>,
    pub amount: Option<Money>,
    pub published_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The day a published decision was taken off the portal (set aside, 第四十八条).
    pub taken_down_on: Option<NaiveDate>,
    /// The inspection whose 立案查处 opened the case.
    pub inspection_id: Option<InspectionId>,
}

/// An inspection (行政检查).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspection {
    pub id: InspectionId,
    pub number: String,
    pub body_id: BodyId,
    pub org_id: OrgId,
    pub item_code: String,
    pub object: String,
    pub inspected_on: NaiveDate,
    pub method: InspectionMethod,
    pub officers: Vec<String>,
    pub result: InspectionResult,
}

kernel::typed_id!(
    /// A step of a penalty case.
    StepId
);
kernel::typed_id!(
    /// A training record of an officer.
    TrainingId
);

labelled_enum!(
    /// 办案环节: the steps of a penalty case, each a recorded event (全过程记录, 2021 第四十七条).
    StepKind {
        Open => ("open", "立案"),
        Investigate => ("investigate", "调查取证"),
        Extend => ("extend", "延长办案期限"),
        Notify => ("notify", "行政处罚事先告知"),
        HearingRequest => ("hearing_request", "当事人申请听证"),
        HearingNotice => ("hearing_notice", "听证通知"),
        Hearing => ("hearing", "举行听证"),
        LegalReview => ("legal_review", "法制审核"),
        Collective => ("collective", "集体讨论"),
        Decide => ("decide", "作出决定"),
        Serve => ("serve", "送达"),
        Pay => ("pay", "缴纳罚没款"),
        Publish => ("publish", "公示"),
        TakeDown => ("take_down", "撤回公示"),
        Close => ("close", "结案"),
        Archive => ("archive", "归档"),
    }
);

labelled_enum!(
    /// 法制审核意见 (国办发〔2018〕118号 (十三)).
    Opinion {
        Agree => ("agree", "同意"),
        Problems => ("problems", "存在问题"),
    }
);

/// What a step records besides its date and officers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StepDetail {
    /// The facts, the reasons, the summary of a hearing or a discussion.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// 听证通知: the hearing's day; 撤回公示: the day the decision was set aside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// 延长办案期限: the days; 缴纳: the days paid late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// 延长办案期限: who approved.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub approved_by: String,
    /// 法制审核: the opinion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<Opinion>,
    /// 告知 (the penalty planned) and 决定 (the penalty given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<PenaltyType>,
    /// The fine planned or given; 缴纳: the amount paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// 缴纳: the surcharge for late payment (第七十二条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surcharge: Option<Money>,
    /// 告知: whether the party has the right to a hearing (第六十三条).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hearing_right: bool,
}

/// One step of a case: its date, its officers and what it recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: StepId,
    pub seq: i64,
    pub kind: StepKind,
    pub on: NaiveDate,
    /// The officers' certificate numbers.
    pub officers: Vec<String>,
    pub detail: StepDetail,
    pub recorded_by: String,
}

/// A training an officer took (培训记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Training {
    pub id: TrainingId,
    pub officer_id: OfficerId,
    pub on: NaiveDate,
    /// Hours in tenths.
    pub tenths: i64,
    pub subject: String,
}

impl Training {
    /// The hours as written (2.5).
    pub fn hours(&self) -> String {
        hours_text(self.tenths)
    }
}

/// Tenths of an hour as written: 25 → "2.5", 40 → "4".
pub fn hours_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}
