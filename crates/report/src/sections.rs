//! The sections of a 法治政府建设年度报告 in the standard order (督察工作规定 第二十五条: the year's
//! measures and results; the chief officials' duty as first responsible person; problems and their
//! causes; next year's plan), each with the text it has until staff write their own.

use crate::figures::Module;

/// Who writes a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Author {
    /// Its default text is a full statement of the records (a module's figures, the opening).
    Records,
    /// Only staff know what to say; the default text marks the gap and the check lists it.
    Staff,
}

/// One section of the report.
#[derive(Clone, Copy, Debug)]
pub struct SectionDef {
    pub key: &'static str,
    /// 0: no heading (the opening); 1: 一、… in 黑体; 2: （一）… in 楷体.
    pub level: u8,
    pub heading: &'static str,
    pub module: Option<Module>,
    pub author: Author,
    /// The text until staff write their own: sentences with `{key}` figures.
    pub default_text: &'static str,
    /// Figures the section must state, whoever writes it.
    pub required: &'static [&'static str],
}

pub const SECTIONS: &[SectionDef] = &[
    SectionDef {
        key: "opening",
        level: 0,
        heading: "",
        module: None,
        author: Author::Records,
        default_text: "{year}年，{org}坚持以习近平法治思想为指导，全面落实法治政府建设各项任务。现将{year}年法治政府建设情况报告如下。",
        required: &[],
    },
    SectionDef {
        key: "measures",
        level: 1,
        heading: "一、{year}年推进法治政府建设的主要举措和成效",
        module: None,
        author: Author::Records,
        default_text: "",
        required: &[],
    },
    SectionDef {
        key: "power",
        level: 2,
        heading: "（一）深化权责清单动态管理",
        module: Some(Module::Power),
        author: Author::Records,
        default_text: "{year}年末，权责清单共有权力事项{power.total_items}项，其中行政许可{power.by_type.行政许可}项、行政处罚{power.by_type.行政处罚}项、公共服务{power.by_type.公共服务}项。全年在{power.adjusted_departments}个部门调整事项{power.adjustments}项（新增{power.adjustments_by_type.新增}项、取消{power.adjustments_by_type.取消}项、变更{power.adjustments_by_type.变更}项、下放{power.adjustments_by_type.下放}项）。向镇（街道）赋权行政许可事项{power.delegated_by_type.行政许可}项、公共服务事项{power.delegated_by_type.公共服务}项，另有行政处罚事项{power.pending_delegations_by_type.行政处罚}项拟下放、待上级核准。",
        required: &[
            "power.total_items",
            "power.adjustments",
            "power.adjusted_departments",
        ],
    },
    SectionDef {
        key: "reconsideration",
        level: 2,
        heading: "（二）发挥行政复议化解行政争议主渠道作用",
        module: Some(Module::Reconsideration),
        author: Author::Records,
        default_text: "全年共收到行政复议申请{reconsideration.received}件，受理{reconsideration.accepted}件，办结{reconsideration.concluded}件，直接纠错{reconsideration.direct_corrections}件，直接纠错率{reconsideration.direct_correction_rate}；制发行政复议意见书{reconsideration.opinion_letters}份，经调解、和解后申请人撤回申请{reconsideration.withdrawn_after_mediation}件，综合纠错{reconsideration.comprehensive_corrections}件，综合纠错率{reconsideration.comprehensive_correction_rate}。",
        required: &[
            "reconsideration.received",
            "reconsideration.concluded",
            "reconsideration.direct_corrections",
            "reconsideration.direct_correction_rate",
            "reconsideration.comprehensive_correction_rate",
        ],
    },
    SectionDef {
        key: "mediation",
        level: 2,
        heading: "（三）推进矛盾纠纷多元化解",
        module: Some(Module::Mediation),
        author: Author::Records,
        default_text: "全年人民调解组织共受理矛盾纠纷{mediation.disputes}件，调解成功{mediation.successful}件，调解成功率{mediation.success_rate}；达成书面调解协议{mediation.written_agreements}件，经人民法院司法确认{mediation.judicial_confirmations}件。建成企业调解室{mediation.organizations_by_type.企业}个、商会调解室{mediation.organizations_by_type.商会}个、家事调解室{mediation.organizations_by_type.家事}个，{mediation.mediators}名人民调解员中{mediation.mediators_published}名已向社会公开、{mediation.mediators_notified_to_court}名已通报人民法院。",
        required: &[
            "mediation.disputes",
            "mediation.success_rate",
            "mediation.mediators",
        ],
    },
    SectionDef {
        key: "enforcement",
        level: 2,
        heading: "（四）严格规范公正文明执法",
        module: Some(Module::Enforcement),
        author: Author::Records,
        default_text: "{year}年末，{org}共有行政执法主体{enforcement.bodies}个、持证行政执法人员{enforcement.officers}名，其中法制审核人员{enforcement.legal_reviewers}名，占{enforcement.legal_reviewer_ratio}。全年立案查处行政处罚案件{enforcement.cases_opened}件，作出决定{enforcement.cases_decided}件（简易程序{enforcement.by_procedure.简易程序}件、普通程序{enforcement.by_procedure.普通程序}件），罚没金额{enforcement.fines_total_yuan}元；举行听证{enforcement.hearings}件，集体讨论{enforcement.collective_discussions}件，应当法制审核的决定{enforcement.legal_review_required}件、法制审核覆盖率{enforcement.legal_review_coverage}。普通程序行政处罚决定公示{enforcement.published}件，其中按时公示{enforcement.published_on_time}件，公示及时率{enforcement.publication_on_time_rate}。全年开展行政检查{enforcement.inspections}次，发现问题责令整改或立案查处{enforcement.inspections_with_findings}次。",
        required: &[
            "enforcement.cases_decided",
            "enforcement.legal_review_coverage",
            "enforcement.publication_on_time_rate",
        ],
    },
    SectionDef {
        key: "first_responsible",
        level: 1,
        heading: "二、党政主要负责人履行推进法治建设第一责任人职责情况",
        module: None,
        author: Author::Staff,
        default_text: "（待填写：党政主要负责人履行推进法治建设第一责任人职责的情况，如专题研究法治建设、带头尊法学法守法用法、述法等。）",
        required: &[],
    },
    SectionDef {
        key: "problems",
        level: 1,
        heading: "三、存在的不足和原因",
        module: None,
        author: Author::Staff,
        default_text: "从记录看，仍有以下方面需要改进：权责清单中有{power.unresolved_legal_basis}项事项的设定依据未能对应到法规库中的法律法规，{power.pending_delegations}项拟下放事项尚待核准；超过审理期限结案的行政复议案件{reconsideration.overdue}件；超过调处时限的矛盾纠纷{mediation.overdue}件；超过办案期限作出决定的行政处罚案件{enforcement.overdue_decisions}件。\n（待填写：不足的原因分析。）",
        required: &[],
    },
    SectionDef {
        key: "plan",
        level: 1,
        heading: "四、{next_year}年推进法治政府建设的主要安排",
        module: None,
        author: Author::Staff,
        default_text: "（待填写：{next_year}年推进法治政府建设的主要安排。）",
        required: &[],
    },
];

/// The section with this key.
pub fn section(key: &str) -> Option<&'static SectionDef> {
    SECTIONS.iter().find(|s| s.key == key)
}
