//! The records behind each figure of the year (`Enforcement::records_behind`): the bodies,
//! officers, cases or inspections a figure counts, chosen by the same definitions as `stats`,
//! so that the annual report can show what every number is made of.

use std::collections::HashMap;

use chrono::NaiveDate;
use db::{OrgScope, Params};
use kernel::figures::RecordRef;
use platform::Org;

use crate::model::{Case, Decision, Inspection, InspectionResult, PenaltyType, Procedure, Regime};
use crate::{
    DECISION_DAYS, Enforcement, Error, PUBLICATION_WORKDAYS, PUBLISH_SIMPLE, Result, rules, store,
};

fn case_ref(c: &Case, date: Option<NaiveDate>) -> RecordRef {
    RecordRef {
        date,
        title: format!("{} {}", c.number, c.party),
        kind: "enforcement_case",
        id: c.id.to_string(),
    }
}

fn inspection_ref(i: &Inspection) -> RecordRef {
    RecordRef {
        date: Some(i.inspected_on),
        title: format!("{} {}", i.number, i.object),
        kind: "enforcement_inspection",
        id: i.id.to_string(),
    }
}

impl Enforcement {
    /// The records behind the figure `key` of `year` (`cases_decided`, `by_penalty_type.罚款`;
    /// a rate lists its numerator's records, the fines the decided cases with an amount).
    pub async fn records_behind(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
    ) -> Result<Vec<RecordRef>> {
        let (Some(start), Some(end)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(Error::Invalid(format!("年份{year}无效")));
        };
        let scope = org.map(|o| OrgScope::under(&o.path));
        let in_scope = |q: &mut Params, column: &str| {
            if let Some(s) = &scope {
                q.push(" AND ").push_in_scope(column, s);
            }
        };
        let (map, word) = key.split_once('.').unwrap_or((key, ""));
        let mut conn = self.platform.db().conn().await?;
        match map {
            "bodies" => {
                let names: HashMap<String, String> = self
                    .platform
                    .directory()
                    .await?
                    .into_iter()
                    .map(|o| (o.id.to_string(), o.path))
                    .collect();
                return Ok(store::bodies(&mut conn)
                    .await?
                    .into_iter()
                    .filter(|b| b.effective_on <= end && b.ended_on.is_none_or(|e| e > end))
                    .filter(|b| match (&scope, org) {
                        (Some(_), Some(o)) => names
                            .get(b.org_id.as_str())
                            .is_some_and(|p| p.starts_with(&o.path)),
                        _ => true,
                    })
                    .map(|b| RecordRef {
                        date: Some(b.effective_on),
                        title: b.org_name.clone(),
                        kind: "enforcement_body",
                        id: b.id.to_string(),
                    })
                    .collect());
            }
            "officers" | "legal_reviewers" | "legal_reviewer_ratio" => {
                let paths: HashMap<String, String> = self
                    .platform
                    .directory()
                    .await?
                    .into_iter()
                    .map(|o| (o.id.to_string(), o.path))
                    .collect();
                let reviewers_only = map != "officers";
                return Ok(store::officers(&mut conn)
                    .await?
                    .into_iter()
                    .filter(|o| {
                        o.state == crate::CertificateState::Valid
                            && o.issued_on <= end
                            && o.valid_until >= end
                            && (!reviewers_only || o.legal_reviewer)
                    })
                    .filter(|o| match org {
                        Some(root) => paths
                            .get(o.org_id.as_str())
                            .is_some_and(|p| p.starts_with(&root.path)),
                        None => true,
                    })
                    .map(|o| RecordRef {
                        date: Some(o.issued_on),
                        title: format!("{}（执法证号{}）", o.name, o.certificate),
                        kind: "enforcement_officer",
                        id: o.id.to_string(),
                    })
                    .collect());
            }
            "inspections" | "inspections_by_method" | "inspections_with_findings" => {
                let mut q = Params::new(" WHERE inspected_on >= ");
                q.bind(kernel::time::iso_date(start))
                    .push(" AND inspected_on <= ")
                    .bind(kernel::time::iso_date(end));
                in_scope(&mut q, "org_id");
                let (all, _) = store::inspection_page(&mut conn, &q, i64::MAX / 2, 0).await?;
                return Ok(all
                    .iter()
                    .filter(|i| match map {
                        "inspections_by_method" => i.method.label() == word,
                        "inspections_with_findings" => {
                            matches!(
                                i.result,
                                InspectionResult::Rectify | InspectionResult::CaseOpened
                            )
                        }
                        _ => true,
                    })
                    .map(inspection_ref)
                    .collect());
            }
            _ => {}
        }
        // The cases: those opened, decided or closed in the year.
        let column = match map {
            "cases_opened" => "c.opened_on",
            "cases_closed" => "c.closed_on",
            _ => "c.decided_on",
        };
        let mut q = Params::new(&format!(" WHERE {column} >= "));
        q.bind(kernel::time::iso_date(start))
            .push(&format!(" AND {column} <= "))
            .bind(kernel::time::iso_date(end));
        in_scope(&mut q, "c.org_id");
        let (cases, _) = store::case_page(&mut conn, &q, i64::MAX / 2, 0).await?;
        drop(conn);
        let global = self.review_catalogue().await?;
        let catalogues: std::collections::HashMap<String, Vec<PenaltyType>> =
            store::bodies(&mut self.platform.db().conn().await?)
                .await?
                .into_iter()
                .map(|b| (b.id.to_string(), b.review_catalogue(&global)))
                .collect();
        let publish_simple = db::settings::load(self.platform.db())
            .await?
            .value(&PUBLISH_SIMPLE)
            == "true";
        let workdays = self.setting_number(&PUBLICATION_WORKDAYS).await?.max(1) as u32;
        let days = self.setting_number(&DECISION_DAYS).await?;
        let calendar = self.platform.calendar().await?;
        let required = |c: &Case| {
            rules::legal_review_required(
                c.regime,
                c.procedure,
                c.hearing,
                c.collective,
                &c.penalties,
                catalogues.get(c.body_id.as_str()).unwrap_or(&global),
            )
        };
        let to_publish = |c: &Case| {
            c.decision == Some(Decision::Penalty)
                && (c.procedure == Procedure::Ordinary || publish_simple)
        };
        let on_time = |c: &Case| -> bool {
            match (c.decided_on, c.published_on) {
                (Some(d), Some(p)) => {
                    rules::publication_due(&calendar, d, workdays).is_ok_and(|due| p <= due)
                }
                _ => false,
            }
        };
        let keep = |c: &Case| -> bool {
            match map {
                "cases_opened" | "cases_closed" | "cases_decided" => true,
                "by_procedure" => c.procedure.label() == word,
                "by_decision" => c.decision.is_some_and(|d| d.label() == word),
                "by_penalty_type" => {
                    PenaltyType::parse(word).is_some_and(|p| c.penalties.contains(&p))
                }
                "fines_total_yuan" => c.amount.is_some_and(|a| a.fen() > 0),
                "hearings" => c.hearing,
                "collective_discussions" => c.collective,
                "legal_reviews" => c.legal_review,
                "legal_review_required" => required(c),
                "legal_reviewed_when_required" | "legal_review_coverage" => {
                    required(c) && c.legal_review
                }
                "published" => to_publish(c) && c.published_on.is_some(),
                "published_on_time" | "publication_on_time_rate" => to_publish(c) && on_time(c),
                "overdue_decisions" => c.decided_on.is_some_and(|d| {
                    rules::decided_late(c.regime, c.procedure, c.opened_on, d, days)
                        && c.regime == Regime::Law2021
                }),
                _ => false,
            }
        };
        Ok(cases
            .iter()
            .filter(|c| keep(c))
            .map(|c| {
                let date = match map {
                    "cases_opened" => Some(c.opened_on),
                    "cases_closed" => c.closed_on,
                    _ => c.decided_on,
                };
                case_ref(c, date)
            })
            .collect())
    }
}
