//! 文书: the notices and the frames of the decision and the opinion letter, filled from the case
//! and written as .docx in the official layout (`paper`), kept with the case with their SM3.

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use paper::{Block, Document};
use platform::Actor;

use crate::model::{
    Acceptance, Case, DecisionType, DocumentId, DocumentKind, Method, Procedure, Regime, Stage,
    Step, StepKind, StoredDocument,
};
use crate::{Error, Reconsideration, Result, store};

/// 2020年3月4日.
fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn law(regime: Regime) -> &'static str {
    match regime {
        Regime::Law2017 => "《中华人民共和国行政复议法》",
        Regime::Law2023 => "《中华人民共和国行政复议法》（2023年修订）",
    }
}

/// The article a decision type rests on, under the case's law.
fn decision_basis(regime: Regime, d: DecisionType) -> &'static str {
    use DecisionType::*;
    match (regime, d) {
        (Regime::Law2017, Uphold) => "第二十八条第一款第（一）项",
        (Regime::Law2017, Perform) => "第二十八条第一款第（二）项",
        (Regime::Law2017, Dismiss) => "第二十八条及《中华人民共和国行政复议法实施条例》第四十八条",
        (Regime::Law2017, _) => "第二十八条第一款第（三）项",
        (Regime::Law2023, Vary) => "第六十三条",
        (Regime::Law2023, SetAside | PartlySetAside) => "第六十四条",
        (Regime::Law2023, Unlawful) => "第六十五条",
        (Regime::Law2023, Perform) => "第六十六条",
        (Regime::Law2023, Void) => "第六十七条",
        (Regime::Law2023, Uphold) => "第六十八条",
        (Regime::Law2023, RejectRequest) => "第六十九条",
        (Regime::Law2023, Dismiss) => "第三十三条",
    }
}

fn decision_text(case: &Case, d: DecisionType) -> String {
    let act = format!("被申请人{}作出的{}", case.respondent, act(case));
    match d {
        DecisionType::Uphold => format!("维持{act}。"),
        DecisionType::RejectRequest => "驳回申请人的行政复议请求。".into(),
        DecisionType::Dismiss => "驳回申请人的行政复议申请。".into(),
        DecisionType::SetAside => format!("撤销{act}，【责令被申请人在……日内重新作出行政行为】。"),
        DecisionType::PartlySetAside => format!("撤销{act}中的【……】部分。"),
        DecisionType::Vary => format!("变更{act}为：【……】。"),
        DecisionType::Unlawful => format!("确认{act}违法。"),
        DecisionType::Perform => format!(
            "责令被申请人{}在【……】日内履行【……】法定职责。",
            case.respondent
        ),
        DecisionType::Void => format!("确认{act}无效。"),
    }
}

fn act(case: &Case) -> String {
    if case.act_description.is_empty() {
        case.act_category.clone()
    } else {
        format!("{}（{}）", case.act_category, case.act_description)
    }
}

fn step(steps: &[Step], kind: StepKind) -> Option<&Step> {
    steps.iter().rev().find(|s| s.kind == kind)
}

fn placeholder(text: &str) -> String {
    if text.trim().is_empty() {
        "【……】".into()
    } else {
        text.trim().to_string()
    }
}

/// Whether the case is far enough along for `kind`, or why not.
pub fn available(
    case: &Case,
    steps: &[Step],
    kind: DocumentKind,
) -> std::result::Result<(), String> {
    let ok = match kind {
        DocumentKind::AcceptanceNotice | DocumentKind::ReplyNotice => {
            case.acceptance == Some(Acceptance::Accepted)
        }
        DocumentKind::NonAcceptance => case.acceptance == Some(Acceptance::NotAccepted),
        DocumentKind::CorrectionNotice => step(steps, StepKind::CorrectionNotice).is_some(),
        DocumentKind::Decision => {
            case.stage == Stage::Concluded && case.method == Some(Method::Decision)
        }
        DocumentKind::OpinionLetter => case.acceptance == Some(Acceptance::Accepted),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("案件目前的情况不能生成{}", kind.label()))
    }
}

/// The document of `kind` for a case, filled from its records.
pub fn render(
    case: &Case,
    steps: &[Step],
    kind: DocumentKind,
    office: &str,
    today: NaiveDate,
) -> Document {
    let mut d = Document::new(kind.label());
    d.push(Block::DocNumber(format!("（{}）", case.number)));
    let received = chinese_date(case.received_on);
    let law = law(case.regime);
    let signed = |d: &mut Document, on: NaiveDate| {
        d.push(Block::Signature {
            issuer: office.to_string(),
            date: chinese_date(on),
        });
    };
    match kind {
        DocumentKind::AcceptanceNotice => {
            let accepted = case.accepted_on.unwrap_or(today);
            let article = match case.regime {
                Regime::Law2017 => "第十七条",
                Regime::Law2023 => "第三十条",
            };
            d.push(Block::Addressee(format!("{}：", case.applicant)));
            d.paragraph(format!(
                "你（单位）不服{}{}，于{received}提出的行政复议申请收悉。经审查，该申请符合{law}{article}规定的受理条件，本机关决定自{}起受理{}。",
                case.respondent,
                act(case),
                chinese_date(accepted),
                if case.deemed_accepted { "（审查期限届满，依法视为受理）" } else { "" },
            ));
            d.paragraph(match case.procedure {
                Procedure::Simplified => "本案适用简易程序审理。".to_string(),
                Procedure::Ordinary => "本案适用普通程序审理。".to_string(),
            });
            d.paragraph("特此通知。");
            signed(&mut d, accepted);
        }
        DocumentKind::NonAcceptance => {
            let on = step(steps, StepKind::NotAccept)
                .map(|s| s.on)
                .unwrap_or(today);
            let article = match case.regime {
                Regime::Law2017 => "第十七条",
                Regime::Law2023 => "第三十条",
            };
            d.push(Block::Addressee(format!("申请人：{}", case.applicant)));
            d.push(Block::Addressee(format!("被申请人：{}", case.respondent)));
            d.paragraph(format!(
                "申请人不服被申请人{}，于{received}向本机关提出行政复议申请。经审查，{}。根据{law}{article}的规定，本机关决定不予受理。",
                act(case),
                placeholder(&case.not_accepted_reason)
            ));
            d.paragraph(
                "申请人如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。",
            );
            signed(&mut d, on);
        }
        DocumentKind::CorrectionNotice => {
            let notice = step(steps, StepKind::CorrectionNotice);
            let on = notice.map(|s| s.on).unwrap_or(today);
            d.push(Block::Addressee(format!("{}：", case.applicant)));
            d.paragraph(format!(
                "本机关于{received}收到你（单位）提出的行政复议申请。经审查，申请材料不齐全或者表述不清楚，请补正以下材料：{}。",
                placeholder(notice.map(|s| s.detail.text.as_str()).unwrap_or(""))
            ));
            d.paragraph(match case.regime {
                Regime::Law2017 => "补正申请材料所用时间不计入行政复议审理期限（《中华人民共和国行政复议法实施条例》第二十九条）。".to_string(),
                Regime::Law2023 => "请自收到本通知之日起十日内提交补正材料；无正当理由逾期不补正的，视为放弃行政复议申请（《中华人民共和国行政复议法》第三十一条）。".to_string(),
            });
            d.paragraph("特此通知。");
            signed(&mut d, on);
        }
        DocumentKind::ReplyNotice => {
            let on = step(steps, StepKind::CopySent)
                .map(|s| s.on)
                .unwrap_or(today);
            let (days, article) = match (case.regime, case.procedure) {
                (Regime::Law2017, _) => ("十日", "第二十三条"),
                (Regime::Law2023, Procedure::Ordinary) => ("十日", "第四十八条"),
                (Regime::Law2023, Procedure::Simplified) => ("五日", "第五十四条"),
            };
            d.push(Block::Addressee(format!("{}：", case.respondent)));
            d.paragraph(format!(
                "{}不服你单位{}，于{received}向本机关申请行政复议，本机关已依法受理。现将行政复议申请书副本（或者申请笔录复印件）发送你单位，请你单位自收到之日起{days}内，提出书面答复，并提交当初作出该行政行为的证据、依据和其他有关材料（{law}{article}）。",
                case.applicant,
                act(case)
            ));
            d.paragraph(match case.regime {
                Regime::Law2017 => "被申请人不按照规定提出书面答复、提交当初作出具体行政行为的证据、依据和其他有关材料的，视为该具体行政行为没有证据、依据（《中华人民共和国行政复议法》第二十八条第一款第（四）项）。".to_string(),
                Regime::Law2023 => "被申请人不按照规定提出书面答复、提交作出行政行为的证据、依据和其他有关材料的，视为该行政行为没有证据、依据（《中华人民共和国行政复议法》第七十条）。".to_string(),
            });
            d.paragraph("特此通知。");
            signed(&mut d, on);
        }
        DocumentKind::Decision => {
            let on = case.concluded_on.unwrap_or(today);
            d.push(Block::Addressee(format!("申请人：{}", case.applicant)));
            d.push(Block::Addressee(format!("被申请人：{}", case.respondent)));
            if !case.third_party.is_empty() {
                d.push(Block::Addressee(format!("第三人：{}", case.third_party)));
            }
            d.paragraph(format!(
                "申请人不服被申请人{}，于{received}向本机关申请行政复议，本机关依法{}受理，适用{}审理。本案现已审理终结。",
                act(case),
                case.accepted_on.map(|a| format!("于{}", chinese_date(a))).unwrap_or_default(),
                case.procedure.label()
            ));
            d.paragraph(format!("申请人请求：{}", placeholder(&case.request)));
            d.paragraph("申请人称：【……】");
            d.paragraph("被申请人称：【……】");
            d.paragraph(format!(
                "经审理查明：{}",
                placeholder(&case.decision_summary)
            ));
            d.paragraph("本机关认为：【……】");
            if let Some(t) = case.decision_type {
                d.paragraph(format!(
                    "根据{law}{}的规定，本机关决定如下：",
                    decision_basis(case.regime, t)
                ));
                d.paragraph(decision_text(case, t));
            }
            d.paragraph(
                "申请人如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。",
            );
            signed(&mut d, on);
        }
        DocumentKind::OpinionLetter => {
            let letter = step(steps, StepKind::OpinionLetter);
            let on = letter.map(|s| s.on).unwrap_or(today);
            let basis = match case.regime {
                Regime::Law2017 => "《中华人民共和国行政复议法实施条例》第五十七条",
                Regime::Law2023 => "《中华人民共和国行政复议法》第七十六条",
            };
            d.push(Block::Addressee(format!("{}：", case.respondent)));
            d.paragraph(format!(
                "本机关在办理{}不服你单位{}行政复议案件（{}）中，发现：{}。",
                case.applicant,
                act(case),
                case.number,
                placeholder(letter.map(|s| s.detail.text.as_str()).unwrap_or(""))
            ));
            d.paragraph(format!("根据{basis}的规定，提出如下意见：【……】"));
            d.paragraph("请你单位自收到本意见书之日起六十日内，将纠正相关违法或者不当行政行为的情况报送本机关。");
            signed(&mut d, on);
        }
    }
    d
}

impl Reconsideration {
    /// Generates a document of the case and keeps it with the case.
    /// A published decision as the public reads it: the decision document of the case with the
    /// applicant and third party masked (张*), no ID number, dated with the decision. None when
    /// the case was not concluded by a decision.
    pub async fn published_decision(&self, id: &str) -> Result<Option<(Case, Document)>> {
        let case = self.published_case(id).await?;
        let mut conn = self.platform.db().conn().await?;
        let steps = store::steps(&mut conn, id).await?;
        drop(conn);
        if available(&case, &steps, DocumentKind::Decision).is_err() {
            return Ok(None);
        }
        let office = self.platform.org(&case.office_org_id).await?;
        let office_name = self.platform.full_name(&office, false).await?;
        let mut named = case.clone();
        if let Some(org) = &case.respondent_org_id
            && let Ok(org) = self.platform.org(org).await
        {
            named.respondent = self.platform.full_name(&org, true).await?;
        }
        let on = case.concluded_on.unwrap_or(case.received_on);
        let doc = render(&named, &steps, DocumentKind::Decision, &office_name, on);
        Ok(Some((named, doc)))
    }

    pub async fn generate_document(
        &self,
        actor: &Actor,
        case_id: &str,
        kind: DocumentKind,
    ) -> Result<StoredDocument> {
        self.require_handler(actor, case_id).await?;
        let case = self.readable(actor, case_id).await?;
        let mut conn = self.platform.db().conn().await?;
        let steps = store::steps(&mut conn, case_id).await?;
        drop(conn);
        available(&case, &steps, kind).map_err(Error::Rule)?;
        let office = self.platform.org(&case.office_org_id).await?;
        let office_name = self.platform.full_name(&office, false).await?;
        // A document names the respondent of the tree by its full name (常州市新北区住建局).
        let mut named = case.clone();
        if let Some(id) = &case.respondent_org_id
            && let Ok(org) = self.platform.org(id).await
        {
            named.respondent = self.platform.full_name(&org, true).await?;
        }
        let doc = render(
            &named,
            &steps,
            kind,
            &office_name,
            kernel::time::china_today(),
        );
        let bytes = doc.to_docx()?;
        let stored = StoredDocument {
            id: DocumentId::generate(),
            kind,
            file_name: format!("{}-{}.docx", kind.label(), case.number),
            sm3: kernel::crypto::sm3_hex(&bytes),
            created_by: actor.audit_name(),
            created_at: kernel::time::format_instant(chrono::Utc::now()),
        };
        let (written, case_id, office) =
            (stored.clone(), case.id.clone(), case.office_org_id.clone());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::insert_document(tx, &case_id, &written, &bytes).await?;
                    tx.record(
                        Event::new("reconsideration_case", case_id.as_str(), "document")
                            .org(Some(office.as_str()))
                            .changes(
                                Changes::new()
                                    .set("document", kind.label())
                                    .set("sm3", &written.sm3),
                            ),
                    )
                    .await
                })
            })
            .await?;
        Ok(stored)
    }

    /// A kept document and its bytes, for a reader of its case.
    pub async fn document(&self, actor: &Actor, id: &str) -> Result<(StoredDocument, Vec<u8>)> {
        let mut conn = self.platform.db().conn().await?;
        let (case_id, doc, bytes) = store::document(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该文书".into()))?;
        drop(conn);
        self.readable(actor, &case_id).await?;
        if kernel::crypto::sm3_hex(&bytes) != doc.sm3 {
            return Err(Error::Invalid(format!(
                "文书“{}”的内容与登记的SM3摘要不符，可能已被篡改",
                doc.file_name
            )));
        }
        Ok((doc, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseId, Channel, StepDetail, StepId, WithdrawalReason};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn case(regime: Regime) -> Case {
        Case {
            id: CaseId::from_stored("c1"),
            number: "新复〔2020〕4号".into(),
            regime,
            channel: Channel::Written,
            applicant: "刘芳".into(),
            applicant_id_masked: None,
            third_party: String::new(),
            respondent: "新北区人社局".into(),
            respondent_org_id: None,
            office_org_id: kernel::ids::OrgId::from_stored("o1"),
            act_category: "行政确认".into(),
            act_description: "不予认定工伤决定".into(),
            request: "撤销不予认定工伤决定".into(),
            received_on: d("2020-03-02"),
            stage: Stage::Concluded,
            acceptance: Some(Acceptance::Accepted),
            accepted_on: Some(d("2020-03-04")),
            deemed_accepted: false,
            not_accepted_reason: String::new(),
            procedure: Procedure::Ordinary,
            simplified_ground: None,
            decision_due: Some(d("2020-05-06")),
            concluded_on: Some(d("2020-04-20")),
            method: Some(Method::Decision),
            withdrawal_reason: None::<WithdrawalReason>,
            decision_type: Some(DecisionType::SetAside),
            opinion_letter: true,
            recommendation_letter: false,
            field_investigation: true,
            published: false,
            decision_summary: "被申请人认定事实不清".into(),
            note: String::new(),
            source: "登记".into(),
        }
    }

    fn steps() -> Vec<Step> {
        let step = |kind, on: &str, text: &str| Step {
            id: StepId::from_stored(format!("s{on}")),
            kind,
            on: d(on),
            detail: StepDetail {
                text: text.into(),
                ..Default::default()
            },
            recorded_by: "sfj".into(),
        };
        vec![
            step(StepKind::CorrectionNotice, "2020-03-03", "工伤认定申请表"),
            step(StepKind::Corrected, "2020-03-04", ""),
            step(StepKind::Accept, "2020-03-04", ""),
            step(StepKind::CopySent, "2020-03-05", ""),
            step(StepKind::Conclude, "2020-04-20", "被申请人认定事实不清"),
            step(
                StepKind::OpinionLetter,
                "2020-04-23",
                "工伤认定调查程序不规范",
            ),
        ]
    }

    /// Every document of each regime, as text: a change in wording shows in review.
    #[test]
    fn documents_read_as_they_should() {
        for regime in [Regime::Law2017, Regime::Law2023] {
            let c = case(regime);
            let mut all = String::new();
            for kind in DocumentKind::ALL {
                let mut c = c.clone();
                if *kind == DocumentKind::NonAcceptance {
                    c.acceptance = Some(Acceptance::NotAccepted);
                    c.not_accepted_reason = "申请人不是该行政行为的利害关系人".into();
                }
                let doc = render(&c, &steps(), *kind, "常州市新北区人民政府", d("2020-05-01"));
                all.push_str(&doc.plain_text());
                all.push_str("\n\n-----\n\n");
                assert!(doc.to_docx().unwrap().starts_with(b"PK"));
            }
            insta::assert_snapshot!(format!("documents_{}", regime.code()), all);
        }
    }
}
