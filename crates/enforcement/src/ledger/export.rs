//! The four ledgers written back out, in the layouts they import from: a file exported by one
//! reader imports again unchanged (within that reader's scope; a year limits the cases and
//! inspections to those opened or held in it).

use chrono::NaiveDate;
use db::{Event, Params};
use kernel::Permission;
use platform::Actor;

use super::{BODIES, CASES, INSPECTIONS, OFFICERS};
use crate::{Enforcement, Error, Result, store};

fn day(d: Option<NaiveDate>) -> String {
    d.map(kernel::time::iso_date).unwrap_or_default()
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

impl Enforcement {
    /// The rows of the ledger `kind` the actor reaches (of `year` for cases and inspections).
    pub async fn export(
        &self,
        actor: &Actor,
        kind: &str,
        year: Option<i32>,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", kind)
            .await?;
        let ids = self.platform.scope_ids(actor).await?;
        let in_scope = |org: &str| ids.as_ref().is_none_or(|s| s.contains(org));
        let orgs = self.platform.org_resolver().await?;
        let name = |id: &kernel::ids::OrgId| orgs.reference(id);
        let mut conn = self.platform.db().conn().await?;
        let bodies = store::bodies(&mut conn).await?;
        let body_name = |id: &crate::BodyId| {
            bodies
                .iter()
                .find(|b| &b.id == id)
                .map(|b| name(&b.org_id))
                .unwrap_or_default()
        };
        let period = |column: &str| {
            let mut q = Params::new(" WHERE 1 = 1");
            if let Some(y) = year {
                q.push(&format!(" AND {column} >= "))
                    .bind(format!("{y:04}-01-01"))
                    .push(&format!(" AND {column} <= "))
                    .bind(format!("{y:04}-12-31"));
            }
            q
        };
        let rows: Vec<Vec<String>> = match kind {
            k if k == BODIES.kind => bodies
                .iter()
                .filter(|b| in_scope(b.org_id.as_str()))
                .map(|b| {
                    vec![
                        name(&b.org_id),
                        b.kind.label().into(),
                        b.entrusted_by.as_ref().map(name).unwrap_or_default(),
                        day(Some(b.effective_on)),
                        day(b.ended_on),
                        b.legal_basis.clone(),
                        b.review_types
                            .iter()
                            .map(|t| t.label())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ]
                })
                .collect(),
            k if k == OFFICERS.kind => store::officers(&mut conn)
                .await?
                .into_iter()
                .filter(|o| in_scope(o.org_id.as_str()))
                .map(|o| {
                    vec![
                        o.name.clone(),
                        o.certificate.clone(),
                        body_name(&o.body_id),
                        o.field.clone(),
                        day(Some(o.issued_on)),
                        day(Some(o.valid_until)),
                        o.state.label().into(),
                        yes(o.legal_reviewer),
                    ]
                })
                .collect(),
            k if k == CASES.kind => {
                let (cases, _) =
                    store::case_page(&mut conn, &period("c.opened_on"), i64::MAX / 4, 0).await?;
                cases
                    .into_iter()
                    .filter(|c| in_scope(c.org_id.as_str()))
                    .rev()
                    .map(|c| {
                        vec![
                            c.number.clone(),
                            body_name(&c.body_id),
                            c.item_code.clone(),
                            c.party_kind.label().into(),
                            c.party.clone(),
                            day(Some(c.opened_on)),
                            c.procedure.label().into(),
                            store::join(&c.officers),
                            yes(c.hearing),
                            yes(c.legal_review),
                            yes(c.collective),
                            day(c.decided_on),
                            c.decision
                                .map(|d| d.label().to_string())
                                .unwrap_or_default(),
                            c.penalties
                                .iter()
                                .map(|p| p.label())
                                .collect::<Vec<_>>()
                                .join("、"),
                            c.amount
                                .map(|a| format!("{}.{:02}", a.fen() / 100, a.fen() % 100))
                                .unwrap_or_default(),
                            day(c.published_on),
                            day(c.closed_on),
                        ]
                    })
                    .collect()
            }
            k if k == INSPECTIONS.kind => {
                let (all, _) =
                    store::inspection_page(&mut conn, &period("inspected_on"), i64::MAX / 4, 0)
                        .await?;
                all.into_iter()
                    .filter(|i| in_scope(i.org_id.as_str()))
                    .rev()
                    .map(|i| {
                        vec![
                            i.number.clone(),
                            body_name(&i.body_id),
                            i.item_code.clone(),
                            i.object.clone(),
                            day(Some(i.inspected_on)),
                            i.method.label().into(),
                            store::join(&i.officers),
                            i.result.label().into(),
                        ]
                    })
                    .collect()
            }
            other => return Err(Error::Invalid(format!("未知的台账类型“{other}”"))),
        };
        drop(conn);
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", kind, "export"))
            .await?;
        Ok(rows)
    }
}
