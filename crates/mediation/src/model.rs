//! 人民调解's records: organisations, the mediator roster, disputes.

use chrono::NaiveDate;
use kernel::ids::OrgId;
use kernel::{labelled_enum, typed_id};
use serde::Serialize;

typed_id!(
    /// A mediation organisation (人民调解委员会, 调解室).
    OrganizationId
);
typed_id!(
    /// A mediator on the roster.
    MediatorId
);
typed_id!(
    /// A dispute (矛盾纠纷).
    DisputeId
);

labelled_enum!(
    /// 组织类型.
    OrganizationKind {
        Village => ("village", "村居"),
        Enterprise => ("enterprise", "企业"),
        Chamber => ("chamber", "商会"),
        Family => ("family", "家事"),
        Professional => ("professional", "行业性专业性"),
        Other => ("other", "其他"),
    }
);

labelled_enum!(
    /// 性别.
    Sex {
        Male => ("male", "男"),
        Female => ("female", "女"),
    }
);

labelled_enum!(
    /// 专兼职.
    Employment {
        FullTime => ("full_time", "专职"),
        PartTime => ("part_time", "兼职"),
    }
);

labelled_enum!(
    /// 纠纷类型.
    DisputeType {
        Family => ("family", "婚姻家庭"),
        Neighbour => ("neighbour", "邻里"),
        Housing => ("housing", "房屋宅基地"),
        Contract => ("contract", "合同"),
        Damages => ("damages", "损害赔偿"),
        Labour => ("labour", "劳动争议"),
        Village => ("village", "村务管理"),
        Expropriation => ("expropriation", "征地拆迁"),
        Pollution => ("pollution", "环境污染"),
        Medical => ("medical", "医疗"),
        Traffic => ("traffic", "道路交通"),
        Property => ("property", "物业"),
        Other => ("other", "其他"),
    }
);

labelled_enum!(
    /// 来源: screening, application, transfer, or referral by a court or procuratorate (委派).
    Source {
        Screening => ("screening", "排查"),
        Application => ("application", "申请"),
        Transfer => ("transfer", "移交"),
        Referral => ("referral", "委派"),
    }
);

labelled_enum!(
    /// 调解结果.
    Outcome {
        Success => ("success", "调解成功"),
        Failure => ("failure", "调解不成功"),
        Ongoing => ("ongoing", "调解中"),
        Terminated => ("terminated", "终止"),
    }
);

labelled_enum!(
    /// 协议形式 (人民调解法 第二十八条).
    AgreementForm {
        Written => ("written", "书面"),
        Oral => ("oral", "口头"),
    }
);

/// A mediation organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub kind: OrganizationKind,
    /// The town or street it belongs to (所属镇街).
    pub town_id: OrgId,
    pub town_name: String,
    pub standardized: bool,
    pub founded_on: NaiveDate,
    pub members: i64,
    /// The current committee's term began (a 3-year term, 第九条).
    pub term_started_on: Option<NaiveDate>,
    /// Where the public finds it, and its public telephone (shown on the portal as written).
    pub address: String,
    pub phone: String,
}

/// A mediator on the roster; the phone is sealed in storage and only its masked form leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mediator {
    pub id: MediatorId,
    pub name: String,
    pub sex: Sex,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub employment: Employment,
    pub phone_masked: String,
    pub published_on: Option<NaiveDate>,
    pub notified_on: Option<NaiveDate>,
}

/// A dispute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dispute {
    pub id: DisputeId,
    pub number: String,
    pub received_on: NaiveDate,
    pub dispute_type: DisputeType,
    pub source: Source,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub mediator_id: Option<MediatorId>,
    pub mediator_name: String,
    pub outcome: Outcome,
    pub concluded_on: Option<NaiveDate>,
    pub agreement: Option<AgreementForm>,
    pub judicial_confirmation: bool,
    pub parties: String,
    pub summary: String,
    pub source_kind: String,
    /// 协议内容: what the parties agreed, and how and when it is carried out (a written agreement
    /// states it, 人民调解法第二十九条).
    pub agreement_content: String,
}
