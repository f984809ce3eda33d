//! 纠纷登记与调处: the fast intake of a dispute, its conclusion (with the agreement form and
//! judicial confirmation), the lists, the organisations with their warnings and the roster.

use chrono::Datelike;
use chrono::NaiveDate;
use db::{Changes, Event, Page, PageRequest};
use kernel::ids::OrgId;
use kernel::{Permission, numbering};
use platform::Actor;
use serde::Serialize;

use crate::model::{
    AgreementForm, Dispute, DisputeId, DisputeType, Mediator, MediatorId, Organization,
    OrganizationId, Outcome, Source,
};
use crate::{Error, Mediation, NUMBER_PATTERN, Result, TARGET_DAYS, rules, store};

/// A dispute as the intake form takes it.
#[derive(Clone, Debug)]
pub struct NewDispute {
    /// Empty: the next number of the year in the disputes' series ([`NUMBER_PATTERN`];
    /// {镇}调〔YEAR〕N号 of the organisation's town when there is none).
    pub number: String,
    pub received_on: NaiveDate,
    pub dispute_type: DisputeType,
    pub source: Source,
    pub organization_id: OrganizationId,
    pub mediator_id: Option<MediatorId>,
    /// 当事人 as text (张某、李某); empty: the names of `party_records`.
    pub parties: String,
    pub summary: String,
    /// The parties as records, written with the dispute (ID numbers and phones sealed).
    pub party_records: Vec<crate::NewParty>,
}

/// How a dispute ended.
#[derive(Clone, Debug)]
pub struct Conclusion {
    pub outcome: Outcome,
    pub concluded_on: NaiveDate,
    pub agreement: Option<AgreementForm>,
    pub judicial_confirmation: bool,
    pub note: String,
    /// 协议内容: required with a written agreement.
    pub agreement_content: String,
}

/// What the dispute list can be narrowed by.
#[derive(Clone, Debug, Default)]
pub struct DisputeFilter {
    pub town: Option<String>,
    pub outcome: Option<Outcome>,
    pub dispute_type: Option<DisputeType>,
    pub year: Option<i32>,
    pub text: Option<String>,
    /// Open disputes received before this day (older than the target).
    pub open_before: Option<NaiveDate>,
    /// The list's order chosen by its reader: a key of the store's sorts and whether
    /// descending; None (or an unknown key): the latest received first.
    pub sort: Option<(String, bool)>,
}

/// An organisation with the warnings its committee raises (人民调解法 第九条).
#[derive(Clone, Debug, Serialize)]
pub struct OrganizationView {
    pub organization: Organization,
    pub mediators: usize,
    pub warnings: Vec<String>,
}

/// New numbers where no dispute and no setting gives the series.
const DEFAULT_PATTERN: &str = "{镇}调〔{年}〕{号}号";

impl Mediation {
    async fn organization(&self, actor: &Actor, id: &str) -> Result<(Organization, String)> {
        let mut conn = self.platform.db().conn().await?;
        let org = store::organizations(&mut conn)
            .await?
            .into_iter()
            .find(|o| o.id.as_str() == id)
            .ok_or_else(|| Error::NotFound("该调解组织".into()))?;
        drop(conn);
        let town = self.platform.org(&org.town_id).await?;
        self.platform
            .require_scope(actor, &town, "mediation_organization", id)
            .await?;
        Ok((org, town.path))
    }

    /// Whether `actor` can log a dispute: may write records and has a mediation organisation
    /// within its scope (a department has none). The pages offer the intake only then.
    pub async fn may_register(&self, actor: &Actor) -> Result<bool> {
        Ok(actor.can(Permission::WriteRecords) && !self.organizations(actor).await?.is_empty())
    }

    /// Logs a dispute (the fast intake form).
    pub async fn register_dispute(&self, actor: &Actor, new: NewDispute) -> Result<Dispute> {
        self.platform
            .require(actor, Permission::WriteRecords, "mediation_dispute", "new")
            .await?;
        if new.received_on > kernel::time::china_today() {
            return Err(Error::Rule(format!("受理日期{}晚于今天", new.received_on)));
        }
        let (org, _) = self
            .organization(actor, new.organization_id.as_str())
            .await?;
        // Every party checked before anything is written: one bad ID number refuses the whole.
        let mut prepared = Vec::new();
        for (i, p) in new.party_records.into_iter().enumerate() {
            if p.name.trim().is_empty()
                && p.id_number.trim().is_empty()
                && p.phone.trim().is_empty()
            {
                continue;
            }
            prepared.push(
                crate::parties::prepare(self.platform.seal(), p)
                    .map_err(|e| Error::Invalid(format!("第{}个当事人：{e}", i + 1)))?,
            );
        }
        let parties_text = match new.parties.trim() {
            "" => prepared
                .iter()
                .map(|p| p.name().to_string())
                .collect::<Vec<_>>()
                .join("、"),
            text => text.to_string(),
        };
        let mut conn = self.platform.db().conn().await?;
        let mediator_name = match &new.mediator_id {
            None => String::new(),
            Some(m) => store::mediators(&mut conn)
                .await?
                .into_iter()
                .find(|x| &x.id == m && x.organization_id == org.id)
                .map(|x| x.name)
                .ok_or_else(|| Error::Invalid(format!("该调解员不在“{}”的名册上", org.name)))?,
        };
        // A number given is checked here; a new one is taken inside the write, where no other
        // registration can take it first.
        let number = new.number.trim().to_string();
        if !number.is_empty()
            && store::dispute_by_number(&mut conn, &number)
                .await?
                .is_some()
        {
            return Err(Error::Invalid(format!("纠纷编号“{number}”已存在")));
        }
        let pattern = self
            .platform
            .settings_for(actor)
            .await?
            .value(&NUMBER_PATTERN)
            .replace("{镇}", &org.town_name);
        drop(conn);
        let d = Dispute {
            id: DisputeId::generate(),
            number,
            received_on: new.received_on,
            dispute_type: new.dispute_type,
            source: new.source,
            organization_id: org.id.clone(),
            organization_name: org.name.clone(),
            mediator_id: new.mediator_id,
            mediator_name,
            outcome: Outcome::Ongoing,
            concluded_on: None,
            agreement: None,
            judicial_confirmation: false,
            parties: parties_text,
            summary: new.summary.trim().into(),
            source_kind: "登记".into(),
            agreement_content: String::new(),
        };
        let fallback = DEFAULT_PATTERN.replace("{镇}", &org.town_name);
        let who = actor.audit_name();
        let d = {
            let mut d = d;
            self.platform
                .db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                        if d.number.is_empty() {
                            let year = d.received_on.year();
                            let (town, all) =
                                store::numbers_of_year(tx.conn(), &org.town_id, year).await?;
                            let mut all = all;
                            loop {
                                let next = numbering::next_number(
                                    Some(pattern.as_str()).filter(|p| !p.is_empty()),
                                    &fallback,
                                    year,
                                    &town,
                                    &all,
                                );
                                // A number from another year's intake can hold the text.
                                if store::dispute_by_number(tx.conn(), &next).await?.is_none() {
                                    d.number = next;
                                    break;
                                }
                                all.push(next);
                            }
                        }
                        store::upsert_dispute(tx, &d, &org.town_id, false).await?;
                        tx.record(
                            Event::new("mediation_dispute", d.id.as_str(), "register")
                                .org(Some(org.town_id.as_str()))
                                .changes(
                                    Changes::new()
                                        .set("number", &d.number)
                                        .set("type", d.dispute_type.label())
                                        .set("source", d.source.label())
                                        .set("received_on", store::day(d.received_on)),
                                ),
                        )
                        .await?;
                        for p in &prepared {
                            crate::parties::insert(tx, d.id.as_str(), p, &who).await?;
                        }
                        Ok::<_, db::DbError>(d)
                    })
                })
                .await?
        };
        Ok(d)
    }

    /// A dispute the actor may change: may write records, and the dispute in scope.
    pub(crate) async fn writable(&self, actor: &Actor, id: &str) -> Result<Dispute> {
        self.platform
            .require(actor, Permission::WriteRecords, "mediation_dispute", id)
            .await?;
        self.dispute(actor, id).await
    }

    /// A dispute the actor may read.
    pub async fn dispute(&self, actor: &Actor, id: &str) -> Result<Dispute> {
        self.platform
            .require(actor, Permission::ReadRecords, "mediation_dispute", id)
            .await?;
        let mut conn = self.platform.db().conn().await?;
        let d = store::dispute(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该纠纷".into()))?;
        drop(conn);
        self.organization(actor, d.organization_id.as_str()).await?;
        Ok(d)
    }

    /// Concludes a dispute: success with its agreement (书面/口头), failure or termination.
    pub async fn conclude(&self, actor: &Actor, id: &str, c: Conclusion) -> Result<Dispute> {
        self.platform
            .require(actor, Permission::WriteRecords, "mediation_dispute", id)
            .await?;
        let mut d = self.dispute(actor, id).await?;
        if d.outcome != Outcome::Ongoing {
            return Err(Error::Rule(format!(
                "该纠纷已于{}结案",
                d.concluded_on.map(store::day).unwrap_or_default()
            )));
        }
        if c.outcome == Outcome::Ongoing {
            return Err(Error::Invalid("请选择调解结果".into()));
        }
        // Rule 日期: a conclusion is recorded once it happened, after the sessions it ends.
        let today = kernel::time::china_today();
        if c.concluded_on > today {
            return Err(Error::Rule(format!(
                "结案日期{}晚于今天（{today}）",
                c.concluded_on
            )));
        }
        if let Some(last) = self
            .notes(actor, id)
            .await?
            .iter()
            .rfind(|n| n.kind == crate::NoteKind::Session)
            && c.concluded_on < last.on
        {
            return Err(Error::Rule(format!(
                "结案日期{}早于最近一次调解（{}）",
                c.concluded_on, last.on
            )));
        }
        rules::check_conclusion(
            d.received_on,
            c.outcome,
            Some(c.concluded_on),
            c.agreement,
            c.judicial_confirmation,
        )
        .map_err(|errs| {
            Error::Rule(
                errs.into_iter()
                    .map(|(_, r)| r)
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        })?;
        d.outcome = c.outcome;
        d.concluded_on = Some(c.concluded_on);
        d.agreement = c.agreement;
        d.judicial_confirmation = c.judicial_confirmation;
        let content = c.agreement_content.trim().to_string();
        if c.outcome == Outcome::Success
            && c.agreement == Some(AgreementForm::Written)
            && content.is_empty()
        {
            return Err(Error::Rule(
                "书面调解协议应当载明当事人达成调解协议的内容、履行方式和期限（人民调解法第二十九条）：请填写协议内容"
                    .into(),
            ));
        }
        d.agreement_content = content;
        if !c.note.trim().is_empty() {
            d.summary = if d.summary.is_empty() {
                c.note.trim().into()
            } else {
                format!("{}\n{}", d.summary, c.note.trim())
            };
        }
        let (org, _) = self.organization(actor, d.organization_id.as_str()).await?;
        {
            let d = d.clone();
            self.platform
                .db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                        store::upsert_dispute(tx, &d, &org.town_id, true).await?;
                        store::set_agreement_content(tx, d.id.as_str(), &d.agreement_content)
                            .await?;
                        tx.record(
                            Event::new("mediation_dispute", d.id.as_str(), "conclude")
                                .org(Some(org.town_id.as_str()))
                                .changes(
                                    Changes::new()
                                        .set("outcome", d.outcome.label())
                                        .set("concluded_on", store::day(c.concluded_on))
                                        .set("agreement", d.agreement.map(|a| a.label()))
                                        .set("judicial_confirmation", d.judicial_confirmation),
                                ),
                        )
                        .await?;
                        Ok::<_, db::DbError>(())
                    })
                })
                .await?;
        }
        Ok(d)
    }

    /// One page of the disputes the actor reaches, newest first.
    pub async fn disputes(
        &self,
        actor: &Actor,
        f: DisputeFilter,
        page: PageRequest,
    ) -> Result<Page<Dispute>> {
        let (items, total) = self
            .dispute_page(actor, f, page.limit(), page.offset())
            .await?;
        Ok(Page::new(items, page, total))
    }

    /// How many disputes the filter selects within the actor's scope (the dashboard's count).
    pub async fn count_disputes(&self, actor: &Actor, f: DisputeFilter) -> Result<u64> {
        let (_, total) = self.dispute_page(actor, f, 0, 0).await?;
        Ok(total as u64)
    }

    pub(crate) async fn dispute_page(
        &self,
        actor: &Actor,
        mut f: DisputeFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Dispute>, i64)> {
        self.platform
            .require(actor, Permission::ReadRecords, "mediation_dispute", "list")
            .await?;
        let scope = actor.scope.orgs();
        if let (Some(t), Some(s)) = (&f.town, &scope) {
            let reached = (self.platform.org(&OrgId::from_stored(t.clone())).await)
                .is_ok_and(|o| s.contains_path(&o.path));
            if !reached {
                f.town = Some(String::new());
            }
        }
        let db = self.platform.db();
        let mut conn = db.conn().await?;
        Ok(store::dispute_page(
            db,
            &actor.versions,
            &mut conn,
            &f,
            scope.as_ref(),
            limit,
            offset,
        )
        .await?)
    }

    /// The day before which an open dispute is overdue (today − the target).
    pub async fn overdue_before(&self, actor: &Actor, today: NaiveDate) -> Result<NaiveDate> {
        let days: u64 = self
            .platform
            .settings_for(actor)
            .await?
            .value(&TARGET_DAYS)
            .parse()
            .unwrap_or(30);
        Ok(today
            .checked_sub_days(chrono::Days::new(days))
            .unwrap_or(today))
    }

    /// The organisations the actor reaches, with their mediators and warnings.
    pub async fn organizations(&self, actor: &Actor) -> Result<Vec<OrganizationView>> {
        self.platform
            .require(
                actor,
                Permission::ReadRecords,
                "mediation_organization",
                "list",
            )
            .await?;
        let scope = self.platform.scope_ids(actor).await?;
        let today = kernel::time::china_today();
        let mut conn = self.platform.db().conn().await?;
        let mediators = store::mediators(&mut conn).await?;
        Ok(store::organizations(&mut conn)
            .await?
            .into_iter()
            .filter(|o| {
                scope
                    .as_ref()
                    .is_none_or(|s| s.contains(o.town_id.as_str()))
            })
            .map(|o| OrganizationView {
                mediators: mediators
                    .iter()
                    .filter(|m| m.organization_id == o.id)
                    .count(),
                warnings: rules::committee_warnings(o.members, o.term_started_on, today),
                organization: o,
            })
            .collect())
    }

    /// The roster the actor reaches (phones masked).
    pub async fn roster(&self, actor: &Actor) -> Result<Vec<Mediator>> {
        self.platform
            .require(actor, Permission::ReadRecords, "mediator", "list")
            .await?;
        let scope = self.platform.scope_ids(actor).await?;
        let mut conn = self.platform.db().conn().await?;
        let towns: std::collections::HashMap<String, String> = store::organizations(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.town_id.to_string()))
            .collect();
        Ok(store::mediators(&mut conn)
            .await?
            .into_iter()
            .filter(|m| {
                scope.as_ref().is_none_or(|s| {
                    towns
                        .get(m.organization_id.as_str())
                        .is_some_and(|t| s.contains(t))
                })
            })
            .collect())
    }

    /// The public roster: mediators whose publication date has come, phones masked.
    pub async fn public_roster(&self, today: NaiveDate) -> Result<Vec<Mediator>> {
        let mut conn = self.platform.db().conn().await?;
        Ok(store::mediators(&mut conn)
            .await?
            .into_iter()
            .filter(|m| m.published_on.is_some_and(|p| p <= today))
            .collect())
    }

    /// The public list of mediation organisations.
    pub async fn public_organizations(&self) -> Result<Vec<Organization>> {
        let mut conn = self.platform.db().conn().await?;
        Ok(store::organizations(&mut conn).await?)
    }
}
