//! 登记: an application is registered (written, online or oral); the law it falls under follows
//! from the day it was received.

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use kernel::{IdNumber, numbering};
use platform::Actor;

use crate::model::{Case, CaseId, Channel, Procedure, Stage};
use crate::{Error, NUMBER_PATTERN, Reconsideration, Result, rules, store};

/// An application as the intake form takes it.
#[derive(Clone, Debug, Default)]
pub struct NewCase {
    /// 案件编号; empty: the next number of the year in the case numbers' series
    /// ([`NUMBER_PATTERN`]; 行复〔2020〕N号 when there is none).
    pub number: String,
    pub channel: Option<Channel>,
    pub applicant: String,
    /// The applicant's ID number (optional); sealed with SM4 and shown masked.
    pub applicant_id: String,
    pub third_party: String,
    /// 被申请人: an organisation of the tree when the name is one, otherwise kept as written.
    pub respondent: String,
    pub act_category: String,
    pub act_description: String,
    pub request: String,
    pub received_on: Option<NaiveDate>,
    pub note: String,
}

impl Reconsideration {
    /// Registers an application; it waits for the acceptance review.
    pub async fn register(&self, actor: &Actor, new: NewCase) -> Result<Case> {
        self.require_handler(actor, "new").await?;
        let mut missing = Vec::new();
        for (value, label) in [
            (&new.applicant, "申请人"),
            (&new.respondent, "被申请人"),
            (&new.act_category, "行政行为类别"),
        ] {
            if value.trim().is_empty() {
                missing.push(label);
            }
        }
        let Some(received_on) = new.received_on else {
            missing.push("收到申请日期");
            return Err(Error::Invalid(format!("请填写{}", missing.join("、"))));
        };
        if !missing.is_empty() {
            return Err(Error::Invalid(format!("请填写{}", missing.join("、"))));
        }
        if received_on > kernel::time::china_today() {
            return Err(Error::Rule(format!("收到申请日期{received_on}晚于今天")));
        }
        let applicant_id = match new.applicant_id.trim() {
            "" => None,
            text => Some(
                IdNumber::parse(text)
                    .map_err(|e| Error::Invalid(format!("申请人身份证号码：{e}")))?,
            ),
        };
        let office = self.office().await?;
        let respondent_org = self
            .platform
            .org_resolver()
            .await?
            .resolve(new.respondent.trim())
            .ok()
            .map(|o| o.id.clone());
        // A number given is checked here; a new one is taken inside the write, where no other
        // registration can take it first.
        let given = new.number.trim().to_string();
        if !given.is_empty() {
            let mut conn = self.platform.db().conn().await?;
            if store::case_by_number(&mut conn, &given).await?.is_some() {
                return Err(Error::Platform(platform::Error::Conflict(format!(
                    "案件编号“{given}”已存在"
                ))));
            }
        }
        let pattern = self
            .platform
            .settings_for(actor)
            .await?
            .value(&NUMBER_PATTERN);
        let case = Case {
            id: CaseId::generate(),
            number: given,
            regime: rules::regime_on(received_on),
            channel: new.channel.unwrap_or(Channel::Written),
            applicant: new.applicant.trim().into(),
            applicant_id_masked: applicant_id.as_ref().map(|i| i.masked()),
            third_party: new.third_party.trim().into(),
            respondent: new.respondent.trim().into(),
            respondent_org_id: respondent_org,
            office_org_id: office.id.clone(),
            act_category: new.act_category.trim().into(),
            act_description: new.act_description.trim().into(),
            request: new.request.trim().into(),
            received_on,
            stage: Stage::Received,
            acceptance: None,
            accepted_on: None,
            deemed_accepted: false,
            not_accepted_reason: String::new(),
            procedure: Procedure::Ordinary,
            simplified_ground: None,
            decision_due: None,
            concluded_on: None,
            method: None,
            withdrawal_reason: None,
            decision_type: None,
            opinion_letter: false,
            recommendation_letter: false,
            field_investigation: false,
            published: false,
            decision_summary: String::new(),
            note: new.note.trim().into(),
            source: "登记".into(),
        };
        let sealed = applicant_id
            .as_ref()
            .map(|i| self.platform.seal().seal(i.as_str()));
        let written = case;
        let case = self
            .platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let mut case = written;
                    if case.number.is_empty() {
                        let year = case.received_on.year();
                        let existing = store::numbers_near(tx.conn(), year).await?;
                        case.number = numbering::next_number(
                            Some(pattern.as_str()).filter(|p| !p.is_empty()),
                            DEFAULT_PATTERN,
                            year,
                            &[],
                            &existing,
                        );
                    }
                    store::insert_case(tx, &case, sealed).await?;
                    tx.record(
                        Event::new("reconsideration_case", case.id.as_str(), "register")
                            .org(Some(case.office_org_id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("number", &case.number)
                                    .set("regime", case.regime.label())
                                    .set("channel", case.channel.label())
                                    .set("respondent", &case.respondent)
                                    .set("received_on", store::day(case.received_on)),
                            ),
                    )
                    .await?;
                    Ok::<_, db::DbError>(case)
                })
            })
            .await?;
        Ok(case)
    }
}

/// New numbers where no case and no setting gives the series (行复〔2020〕1号).
const DEFAULT_PATTERN: &str = "行复〔{年}〕{号}号";
