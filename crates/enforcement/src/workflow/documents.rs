//! 文书: the 立案审批表, 行政处罚事先告知书, 听证通知书, 法制审核意见书 and the frame of the
//! 行政处罚决定书, filled from the case and its steps and written as .docx in the official layout
//! (`paper`, GB/T 9704). Each carries the officers' certificate numbers (2021 第四十二条); the
//! decision names its remedies and their time limits (第五十九条). What the system cannot know is
//! left as 【……】 for the officer to complete.

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use kernel::labelled_enum;
use paper::{Block, Document};
use platform::Actor;

use crate::model::{Case, Decision, PartyKind, Regime, Step, StepKind};
use crate::workflow::CaseFile;
use crate::{Enforcement, Error, Result};

labelled_enum!(
    /// The documents a case produces.
    DocumentKind {
        Filing => ("filing", "立案审批表"),
        Notice => ("notice", "行政处罚事先告知书"),
        HearingNotice => ("hearing_notice", "听证通知书"),
        Review => ("review", "法制审核意见书"),
        Decision => ("decision", "行政处罚决定书"),
    }
);

fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn law(regime: Regime) -> &'static str {
    match regime {
        Regime::Law2017 => "《中华人民共和国行政处罚法》",
        Regime::Law2021 => "《中华人民共和国行政处罚法》（2021年修订）",
    }
}

fn last(steps: &[Step], kind: StepKind) -> Option<&Step> {
    steps.iter().rev().find(|s| s.kind == kind)
}

fn or_blank(text: &str) -> String {
    if text.trim().is_empty() {
        "【……】".into()
    } else {
        text.trim().to_string()
    }
}

fn penalty_text(step: Option<&Step>, case: &Case) -> String {
    let (penalties, amount) = match step {
        Some(s) => (s.detail.penalties.clone(), s.detail.amount),
        None => (case.penalties.clone(), case.amount),
    };
    if penalties.is_empty() {
        return "【处罚种类和幅度】".into();
    }
    let mut parts: Vec<String> = penalties.iter().map(|p| p.label().to_string()).collect();
    if let Some(a) = amount {
        parts.push(format!("罚没金额{a}"));
    }
    parts.join("，")
}

impl Enforcement {
    /// A document of a case as .docx: its file name and bytes. Generating it is audited.
    pub async fn document(
        &self,
        actor: &Actor,
        id: &str,
        kind: DocumentKind,
    ) -> Result<(String, Vec<u8>)> {
        let file = self.case_file(actor, id).await?;
        let doc = compose(&file, kind)?;
        let bytes = doc.to_docx()?;
        let name = format!("{}（{}）.docx", kind.label(), file.view.case.number);
        self.platform
            .db()
            .record(
                &actor.who(),
                Event::new("enforcement_case", id, "document")
                    .org(Some(file.view.case.org_id.as_str()))
                    .changes(Changes::new().set("document", kind.label())),
            )
            .await?;
        Ok((name, bytes))
    }
}

/// The document's text, from the case and its steps.
pub fn compose(file: &CaseFile, kind: DocumentKind) -> Result<Document> {
    let case = &file.view.case;
    let body = file.view.body_name.as_str();
    let steps = &file.steps;
    let today = kernel::time::china_today();
    let mut d = Document::new(kind.label());
    let party = format!(
        "当事人：{}（{}）",
        case.party,
        match case.party_kind {
            PartyKind::Individual => "公民",
            PartyKind::Organisation => "法人或者其他组织",
        }
    );
    let officers = |list: &[String]| -> String {
        if list.is_empty() {
            "【执法人员姓名及执法证号】".into()
        } else {
            file.names_of(list)
        }
    };
    let sign = |d: &mut Document, on: NaiveDate| {
        d.push(Block::Signature {
            issuer: body.to_string(),
            date: chinese_date(on),
        });
    };
    match kind {
        DocumentKind::Filing => {
            let open = last(steps, StepKind::Open);
            d.push(Block::DocNumber(case.number.clone()));
            d.paragraph(format!(
                "案件来源：{}",
                or_blank(open.map_or("", |s| s.detail.text.as_str()))
            ));
            d.paragraph(party);
            d.paragraph(format!("涉嫌违法事项：权责清单事项{}", case.item_code));
            d.paragraph(format!(
                "适用法律：{}；适用程序：{}",
                law(case.regime),
                case.procedure.label()
            ));
            d.paragraph(format!("承办人员：{}", officers(&case.officers)));
            d.paragraph("承办人意见：经初步核查，有证据初步证明当事人有涉嫌违法行为，依法应当给予行政处罚，且属于本机关管辖，建议立案调查。");
            d.paragraph("负责人审批意见：【……】");
            sign(&mut d, case.opened_on);
        }
        DocumentKind::Notice => {
            let notice = last(steps, StepKind::Notify)
                .ok_or_else(|| Error::Rule("尚未告知当事人，不能生成事先告知书".into()))?;
            d.push(Block::DocNumber(format!("{}告", case.number)));
            d.push(Block::Addressee(format!("{}：", case.party)));
            d.paragraph(format!(
                "经调查，你（单位）{}。本机关拟依据{}等规定，对你（单位）作出如下行政处罚：{}。",
                or_blank(&notice.detail.text),
                law(case.regime),
                penalty_text(Some(notice), case)
            ));
            d.paragraph(match case.regime {
                Regime::Law2021 => "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩。",
                Regime::Law2017 => "根据《中华人民共和国行政处罚法》第三十一条、第三十二条的规定，你（单位）有权进行陈述和申辩。",
            });
            if notice.detail.hearing_right {
                d.paragraph(match case.regime {
                    Regime::Law2021 => "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求听证；要求听证的，应当在收到本告知书之日起五个工作日内提出，逾期视为放弃。",
                    Regime::Law2017 => "根据《中华人民共和国行政处罚法》第四十二条的规定，你（单位）有权要求听证；要求听证的，应当在收到本告知书之日起三日内提出。",
                });
            }
            d.paragraph(format!("执法人员：{}", officers(&notice.officers)));
            sign(&mut d, notice.on);
        }
        DocumentKind::HearingNotice => {
            let notice = last(steps, StepKind::HearingNotice)
                .ok_or_else(|| Error::Rule("尚未记录听证通知，不能生成听证通知书".into()))?;
            d.push(Block::DocNumber(format!("{}听", case.number)));
            d.push(Block::Addressee(format!("{}：", case.party)));
            d.paragraph(format!(
                "根据你（单位）的申请，本机关定于{}在{}举行听证，听证事项：{}。",
                notice.detail.date.map_or("【……】".into(), chinese_date),
                "【听证地点】",
                or_blank(&notice.detail.text)
            ));
            d.paragraph("听证由非本案调查人员主持。你（单位）可以亲自参加听证，也可以委托一至二人代理；如认为主持人与本案有直接利害关系，有权申请回避。无正当理由拒不出席听证的，视为放弃听证权利。当事人不承担听证的费用。");
            d.paragraph(format!("承办人员：{}", officers(&notice.officers)));
            sign(&mut d, notice.on);
        }
        DocumentKind::Review => {
            let review = last(steps, StepKind::LegalReview)
                .ok_or_else(|| Error::Rule("尚未记录法制审核，不能生成法制审核意见书".into()))?;
            d.push(Block::DocNumber(format!("{}审", case.number)));
            d.paragraph(format!("案件：{}，{}", case.number, party));
            d.paragraph(
                "审核内容：执法主体是否合法，执法人员是否具备执法资格；执法程序是否合法；案件事实是否清楚，证据是否合法充分；适用法律、法规、规章是否准确，裁量基准运用是否适当；执法是否超越法定权限；执法文书是否完备、规范；违法行为是否涉嫌犯罪需要移送司法机关（国办发〔2018〕118号）。",
            );
            d.paragraph(format!(
                "审核意见：{}。{}",
                review
                    .detail
                    .opinion
                    .map_or("【同意 / 存在问题】", |o| o.label()),
                or_blank(&review.detail.text)
            ));
            d.paragraph(format!("法制审核人员：{}", officers(&review.officers)));
            sign(&mut d, review.on);
        }
        DocumentKind::Decision => {
            let decide = last(steps, StepKind::Decide);
            let on = case.decided_on.unwrap_or(today);
            d.push(Block::DocNumber(case.number.clone()));
            d.paragraph(party);
            d.paragraph(format!(
                "违法事实和证据：{}",
                or_blank(last(steps, StepKind::Notify).map_or("", |s| s.detail.text.as_str()))
            ));
            match case.decision {
                Some(Decision::Penalty) | None => {
                    d.paragraph(format!(
                        "本机关依据{}及【……】的规定，决定给予如下行政处罚：{}。",
                        law(case.regime),
                        penalty_text(decide, case)
                    ));
                    if case.amount.is_some() {
                        d.paragraph("请自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚没款。到期不缴纳的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款的数额（《中华人民共和国行政处罚法》第六十七条、第七十二条）。");
                    }
                }
                Some(other) => {
                    d.paragraph(format!(
                        "本机关决定：{}。{}",
                        other.label(),
                        or_blank(decide.map_or("", |s| s.detail.text.as_str()))
                    ));
                }
            }
            d.paragraph(format!(
                "如不服本决定，可以在收到本决定书之日起六十日内向【行政复议机关】申请行政复议，或者在六个月内依法向【人民法院】提起行政诉讼（{}{}）。申请行政复议或者提起行政诉讼的，行政处罚不停止执行，法律另有规定的除外。",
                law(case.regime),
                match case.regime {
                    Regime::Law2021 => "第五十九条、第七十三条",
                    Regime::Law2017 => "第三十九条、第四十五条",
                }
            ));
            d.paragraph(format!("执法人员：{}", officers(&case.officers)));
            sign(&mut d, on);
        }
    }
    Ok(d)
}
