//! 撤回公示: a published penalty decision that a 行政复议 decision changed, set aside, or found
//! unlawful or void is withdrawn from the portal within 3 working days, with the reason
//! (2021 行政处罚法第四十八条, 第八十五条; 国办发〔2018〕118号 (六)). The link is the decision's
//! number in the act the reconsideration case describes, read through 行政复议's public query.

use chrono::NaiveDate;
use kernel::calendar::PeriodUnit;
use platform::Actor;
use serde::Serialize;

use crate::model::{Case, CaseId};
use crate::{Enforcement, Result};

/// The 行政复议 decision that corrected a case's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetAside {
    /// The reconsideration case's number.
    pub number: String,
    pub decided_on: NaiveDate,
    /// 撤销, 确认违法 …
    pub decision: &'static str,
}

/// A published decision to withdraw, and by when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TakedownDue {
    pub case_id: CaseId,
    pub number: String,
    pub by: SetAside,
    pub due: NaiveDate,
}

impl Enforcement {
    fn reconsideration(&self) -> reconsideration::Reconsideration {
        reconsideration::Reconsideration::new(self.platform.clone())
    }

    /// The first 行政复议 decision correcting this case's decision, if any.
    pub(crate) async fn set_aside_of(&self, case: &Case) -> Result<Option<SetAside>> {
        if case.decided_on.is_none() {
            return Ok(None);
        }
        Ok(self
            .reconsideration()
            .decisions_correcting(&case.number)
            .await?
            .into_iter()
            .next()
            .map(|d| SetAside {
                number: d.number,
                decided_on: d.decided_on,
                decision: d.decision.label(),
            }))
    }

    /// The published decisions within the actor's reach that a 行政复议 decision corrected and
    /// that are still on the portal, each with its last day (for the to-do list).
    pub async fn takedowns_due(&self, actor: &Actor) -> Result<Vec<TakedownDue>> {
        let decisions = self.reconsideration().correcting_decisions().await?;
        if decisions.is_empty() {
            return Ok(Vec::new());
        }
        let calendar = self.platform.calendar().await?;
        let workdays = self.setting_number(&crate::TAKEDOWN_WORKDAYS).await?.max(1) as u32;
        let scope = actor.scope.orgs();
        let mut conn = self.platform.db().conn().await?;
        let mut out: Vec<TakedownDue> = Vec::new();
        for d in decisions {
            let mut q = db::Params::new(
                "SELECT id, number FROM enforcement_cases WHERE published_on IS NOT NULL \
                 AND taken_down_on IS NULL AND ",
            );
            q.bind(d.act.as_str()).push(" LIKE '%' || number || '%'");
            if let Some(scope) = &scope {
                q.push(" AND ").push_in_scope("org_id", scope);
            }
            for r in q.fetch_all(&mut conn).await? {
                let id: String = r.try_get(0)?;
                if out.iter().any(|t| t.case_id.as_str() == id) {
                    continue;
                }
                out.push(TakedownDue {
                    case_id: CaseId::from_stored(id),
                    number: r.try_get(1)?,
                    due: calendar
                        .add_provisional(d.decided_on, workdays, PeriodUnit::Workdays)
                        .map(|x| x.due)
                        .unwrap_or(d.decided_on),
                    by: SetAside {
                        number: d.number.clone(),
                        decided_on: d.decided_on,
                        decision: d.decision.label(),
                    },
                });
            }
        }
        Ok(out)
    }
}
