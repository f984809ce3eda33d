//! 人民调解协议书 (人民调解法 第二十九条): the written agreement of a successful mediation as a
//! .docx in the official layout, filled from the dispute; the terms are left for the mediator.

use chrono::{Datelike, NaiveDate};
use paper::{Block, Document};
use platform::Actor;

use crate::Party;
use crate::model::{AgreementForm, Dispute, Outcome};
use crate::{Error, Mediation, Result};

fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The agreement's text, filled from the dispute and its parties (each with the basic facts the
/// law asks for; the ID number and phone as given: in full on the copy printed for signing).
pub fn agreement(d: &Dispute, parties: &[Party]) -> Document {
    let mut doc = Document::new("人民调解协议书");
    doc.push(Block::DocNumber(format!("（{}）", d.number)));
    if parties.is_empty() {
        let named = if d.parties.is_empty() {
            "【当事人】".to_string()
        } else {
            d.parties.clone()
        };
        doc.push(Block::Addressee(format!("当事人：{named}")));
    }
    for p in parties {
        let mut facts = vec![p.name.clone()];
        if let Some(sex) = p.sex {
            facts.push(sex.label().to_string());
        }
        if !p.id_masked.is_empty() {
            facts.push(format!("身份证号码{}", p.id_masked));
        }
        if !p.address.is_empty() {
            facts.push(format!("住址{}", p.address));
        }
        if !p.phone_masked.is_empty() {
            facts.push(format!("联系电话{}", p.phone_masked));
        }
        doc.push(Block::Addressee(format!("当事人：{}", facts.join("，"))));
    }
    doc.push(Block::Addressee(format!(
        "纠纷类型：{}",
        d.dispute_type.label()
    )));
    doc.paragraph(format!(
        "纠纷主要事实、争议事项：{}",
        if d.summary.is_empty() {
            "【……】"
        } else {
            &d.summary
        }
    ));
    if d.agreement_content.is_empty() {
        doc.paragraph(format!(
            "经{}调解，当事人自愿达成如下协议：【……】",
            d.organization_name
        ));
        doc.paragraph("履行方式、时限：【……】");
    } else {
        doc.paragraph(format!(
            "经{}调解，当事人自愿达成如下协议：",
            d.organization_name
        ));
        for line in d.agreement_content.lines().filter(|l| !l.trim().is_empty()) {
            doc.paragraph(line.trim().to_string());
        }
    }
    doc.paragraph(
        "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效（《中华人民共和国人民调解法》第二十九条）。本协议一式三份，当事人、人民调解委员会各持一份。",
    );
    if let Some(c) = d.concluded_on {
        doc.paragraph(format!(
            "当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认（《中华人民共和国人民调解法》第三十三条）；生效日为{}的，申请期限至{}。",
            chinese_date(c),
            crate::rules::confirmation_due(c).map(chinese_date).unwrap_or_default()
        ));
    }
    doc.push(Block::Blank);
    doc.push(Block::Note("当事人（签名、盖章或者按指印）：".into()));
    doc.push(Block::Note(format!(
        "人民调解员（签名）：{}",
        d.mediator_name
    )));
    doc.push(Block::Signature {
        issuer: format!("{}（印章）", d.organization_name),
        date: d.concluded_on.map(chinese_date).unwrap_or_default(),
    });
    doc
}

impl Mediation {
    /// The 调解协议书 of a dispute concluded with a written agreement.
    pub async fn agreement_docx(&self, actor: &Actor, id: &str) -> Result<(String, Vec<u8>)> {
        let d = self.dispute(actor, id).await?;
        if d.outcome != Outcome::Success || d.agreement != Some(AgreementForm::Written) {
            return Err(Error::Rule(
                "只有调解成功并达成书面协议的纠纷有调解协议书（人民调解法第二十八条）".into(),
            ));
        }
        // The mediation staff print the copy the parties sign, with their ID numbers and phones
        // in full (audited); a reader who may not handle the dispute gets them masked.
        let parties = if actor.can(kernel::Permission::WriteRecords) {
            self.parties_for_signing(actor, id).await?
        } else {
            self.parties(actor, id).await?
        };
        let bytes = agreement(&d, &parties)
            .to_docx()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        Ok((format!("人民调解协议书-{}.docx", d.number), bytes))
    }
}
