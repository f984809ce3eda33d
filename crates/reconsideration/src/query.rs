//! Reading cases: the list, the case page (clock, steps, documents, the timeline from the audit
//! log), the due list of the dashboard, and the published decisions of the public portal.

use chrono::NaiveDate;
use db::audit::EventFilter;
use db::{Page, PageRequest};
use kernel::Permission;
use platform::Actor;
use serde::Serialize;

use crate::clock::{self, Clock};
use crate::model::{Case, CaseSummary, Step, StepKind, StoredDocument};
use crate::steps::offered;
use crate::{CaseFilter, DUE_SOON, Error, Reconsideration, Result, store};

/// One entry of a case's history, from the audit log.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: String,
}

/// Everything the case page shows.
#[derive(Clone, Debug, Serialize)]
pub struct CasePage {
    pub case: Case,
    pub steps: Vec<Step>,
    pub clock: Clock,
    pub documents: Vec<StoredDocument>,
    pub timeline: Vec<TimelineEntry>,
    /// The steps the case's stage allows next.
    pub next_steps: Vec<StepKind>,
    pub respondent_name: String,
    pub office_name: String,
}

impl Reconsideration {
    /// One page of the cases the actor reaches.
    pub async fn cases(
        &self,
        actor: &Actor,
        mut filter: CaseFilter,
        page: PageRequest,
    ) -> Result<Page<Case>> {
        self.platform
            .require(
                actor,
                Permission::ReadRecords,
                "reconsideration_case",
                "list",
            )
            .await?;
        filter.orgs = actor.scope.orgs();
        let mut conn = self.platform.db().conn().await?;
        let (items, total) = store::list(
            self.platform.db(),
            &actor.versions,
            &mut conn,
            &filter,
            page.limit(),
            page.offset(),
        )
        .await?;
        Ok(Page::new(items, page, total))
    }

    /// One page of the case list's rows (the columns the list shows).
    pub async fn case_list(
        &self,
        actor: &Actor,
        mut filter: CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseSummary>> {
        self.platform
            .require(
                actor,
                Permission::ReadRecords,
                "reconsideration_case",
                "list",
            )
            .await?;
        filter.orgs = actor.scope.orgs();
        let key = format!("{filter:?} {} {}", page.limit(), page.offset());
        let held = self
            .lists
            .get_or_load(&actor.versions, &key, || async {
                let db = self.platform.db();
                let mut conn = db.conn().await?;
                let list = store::summaries(
                    db,
                    &actor.versions,
                    &mut conn,
                    &filter,
                    page.limit(),
                    page.offset(),
                )
                .await?;
                Ok::<_, crate::Error>(std::sync::Arc::new(list))
            })
            .await?;
        Ok(Page::new(held.0.clone(), page, held.1))
    }

    /// The case page.
    pub async fn case_page(&self, actor: &Actor, id: &str, today: NaiveDate) -> Result<CasePage> {
        let case = self.readable(actor, id).await?;
        let mut conn = self.platform.db().conn().await?;
        let steps = store::steps(&mut conn, id).await?;
        let documents = store::documents(&mut conn, id).await?;
        drop(conn);
        let calendar = self.platform.calendar_for(actor).await?;
        let clock = clock::clock(&case, &steps, &calendar, today)?;
        let events = db::audit::list(
            self.platform.db(),
            &EventFilter {
                record_type: Some("reconsideration_case".into()),
                record_id: Some(id.into()),
                limit: 200,
                ..Default::default()
            },
        )
        .await?;
        let timeline = events
            .into_iter()
            .rev()
            .map(|e| TimelineEntry {
                seq: e.seq,
                at: kernel::time::display_stored(&e.at),
                actor: e.actor,
                action: crate::model::StepKind::parse(&e.action)
                    .map(|k| k.label().to_string())
                    .unwrap_or_else(|| action_label(&e.action).to_string()),
                changes: e.changes,
            })
            .collect();
        let next_steps = StepKind::ALL
            .iter()
            .copied()
            .filter(|k| offered(&case, *k))
            .collect();
        let office_name = (self.platform.org_for(actor, &case.office_org_id).await)
            .map(|o| o.name)
            .unwrap_or_default();
        Ok(CasePage {
            respondent_name: case.respondent.clone(),
            office_name,
            case,
            steps,
            clock,
            documents,
            timeline,
            next_steps,
        })
    }

    /// Open cases whose decision falls due within the setting's working days, and overdue ones
    /// (the dashboard), soonest first.
    pub async fn due(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<(Vec<(CaseSummary, NaiveDate)>, Vec<(CaseSummary, NaiveDate)>)> {
        if !actor.can(Permission::ReadRecords) {
            return Ok((Vec::new(), Vec::new()));
        }
        let settings = self.platform.settings_for(actor).await?;
        let days: u32 = settings.value(&DUE_SOON).parse().unwrap_or(3);
        let calendar = self.platform.calendar_for(actor).await?;
        let horizon = calendar
            .add_provisional(today, days, kernel::PeriodUnit::Workdays)?
            .due;
        let filter = CaseFilter {
            due_by: Some(horizon),
            ..Default::default()
        };
        let page = self
            .case_list(actor, filter, PageRequest::new(Some(1), Some(200)))
            .await?;
        let (overdue, soon): (Vec<_>, Vec<_>) = page
            .items
            .into_iter()
            .filter_map(|c| c.decision_due.map(|d| (c, d)))
            .partition(|(_, d)| *d < today);
        Ok((soon, overdue))
    }

    /// Published decisions for the public portal, applicants masked.
    pub async fn published(&self, text: Option<String>, page: PageRequest) -> Result<Page<Case>> {
        let filter = CaseFilter {
            published: true,
            text,
            ..Default::default()
        };
        let mut conn = self.platform.db().conn().await?;
        let versions = self.platform.db().versions().await?;
        let (items, total) = store::list(
            self.platform.db(),
            &versions,
            &mut conn,
            &filter,
            page.limit(),
            page.offset(),
        )
        .await?;
        Ok(Page::new(
            items.into_iter().map(masked).collect(),
            page,
            total,
        ))
    }

    /// One published decision for the public portal, applicant masked.
    pub async fn published_case(&self, id: &str) -> Result<Case> {
        let mut conn = self.platform.db().conn().await?;
        match store::case(&mut conn, id).await? {
            Some(c) if c.published => Ok(masked(c)),
            _ => Err(Error::NotFound("该公开的行政复议决定".into())),
        }
    }
}

/// The public's view: the applicant's and third party's names masked (张*), no ID number.
fn masked(mut c: Case) -> Case {
    c.applicant = mask_names(&c.applicant);
    c.third_party = mask_names(&c.third_party);
    c.applicant_id_masked = None;
    c.note.clear();
    c
}

/// Names separated by 、 or commas, each masked; organisations (names ending in 公司, 局 …) kept.
fn mask_names(text: &str) -> String {
    text.split(['、', ',', '，'])
        .map(|n| {
            let n = n.trim();
            let organisation = [
                "公司",
                "局",
                "委员会",
                "厂",
                "社",
                "中心",
                "协会",
                "院",
                "所",
                "店",
                "部",
            ]
            .iter()
            .any(|s| n.ends_with(s));
            if organisation || n.is_empty() {
                n.to_string()
            } else {
                kernel::crypto::mask_name(n)
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn action_label(action: &str) -> &str {
    match action {
        "register" => "登记",
        "import" => "台账导入",
        "document" => "生成文书",
        "recompute" => "载入节假日安排后重新计算期限",
        "denied" => "拒绝访问",
        "attach" => "上传附件",
        "detach" => "移除附件",
        "download" => "下载附件",
        "tampered" => "附件校验未通过",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn people_are_masked_and_organisations_are_not() {
        assert_eq!(super::mask_names("张三、李四"), "张*、李*");
        assert_eq!(super::mask_names("常州某某有限公司"), "常州某某有限公司");
    }
}
