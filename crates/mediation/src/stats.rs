//! The year's figures (`fazhi stats mediation --year Y --json`), each with its definition,
//! counted with GROUP BY in SQL.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use db::Params;
use kernel::figures::percent;
use platform::Org;
use serde::Serialize;

use crate::model::{AgreementForm, DisputeType, Employment, OrganizationKind, Outcome, Source};
use crate::{Error, Mediation, Result, TARGET_DAYS, rules, store};

/// Every figure's definition, shown beside it in the UI and the report.
pub const DEFINITIONS: &[(&str, &str)] = &[
    ("disputes", "受理日期在当年的矛盾纠纷数"),
    (
        "concluded",
        "结案日期在当年、调解结果为调解成功、调解不成功或终止的纠纷数",
    ),
    ("successful", "当年结案且调解成功的纠纷数"),
    (
        "success_rate",
        "调解成功数 ÷ 结案数 × 100%，四舍五入保留两位小数",
    ),
    ("by_type", "当年受理的纠纷，按纠纷类型计数"),
    (
        "by_source",
        "当年受理的纠纷，按来源（排查、申请、移交、委派）计数",
    ),
    (
        "organizations_by_type",
        "年末已设立的调解组织，按组织类型计数",
    ),
    (
        "standardized_by_type",
        "年末已设立且为标准化建设的调解组织，按组织类型计数",
    ),
    ("mediators", "人民调解员名册上的调解员人数"),
    ("mediators_full_time", "名册上的专职调解员人数"),
    ("mediators_published", "年末前已向社会公开的调解员人数"),
    (
        "mediators_notified_to_court",
        "年末前已通报人民法院的调解员人数",
    ),
    (
        "written_agreements",
        "当年结案、以书面形式达成调解协议的纠纷数",
    ),
    (
        "judicial_confirmations",
        "当年结案、调解协议经人民法院司法确认的纠纷数",
    ),
    (
        "overdue",
        "当年受理、受理后超过调处时限（设置，默认30日）才结案或年末仍未结案的纠纷数",
    ),
];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MediationStats {
    pub year: i32,
    pub disputes: u64,
    pub concluded: u64,
    pub successful: u64,
    pub success_rate: f64,
    pub by_type: BTreeMap<String, u64>,
    pub by_source: BTreeMap<String, u64>,
    pub organizations_by_type: BTreeMap<String, u64>,
    pub standardized_by_type: BTreeMap<String, u64>,
    pub mediators: u64,
    pub mediators_full_time: u64,
    pub mediators_published: u64,
    pub mediators_notified_to_court: u64,
    pub written_agreements: u64,
    pub oral_agreements: u64,
    pub judicial_confirmations: u64,
    pub overdue: u64,
}

fn in_towns(q: &mut Params, column: &str, towns: Option<&[String]>) {
    if let Some(t) = towns {
        q.push(&format!(" AND {column} IN ")).bind_list(t.iter());
    }
}

impl Mediation {
    /// The figures of `year`, for the whole database or for the towns under `org`.
    pub async fn stats(&self, year: i32, org: Option<&Org>) -> Result<MediationStats> {
        let (Some(start), Some(end)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(Error::Invalid(format!("年份{year}无效")));
        };
        let (start, end_text) = (store::day(start), store::day(end));
        let target: i64 = db::settings::load(self.platform.db())
            .await?
            .value(&TARGET_DAYS)
            .parse()
            .unwrap_or(30);
        let towns = match org {
            Some(o) => Some(self.subtree(o).await?),
            None => None,
        };
        let towns = towns.as_deref();
        let mut s = MediationStats {
            year,
            ..Default::default()
        };
        let mut conn = self.platform.db().pool().acquire().await?;

        // Received in the year: by type and source.
        let mut q = Params::new(
            "SELECT dispute_type, source, received_on, COUNT(*) FROM mediation_disputes WHERE received_on >= ",
        );
        q.bind(&start).push(" AND received_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        // Grouped in the index's order (day, type, source): the rows come out already grouped.
        q.push(" GROUP BY received_on, dispute_type, source");
        for (t, src, _, n) in store::grouped(&mut conn, &q).await? {
            let n = n as u64;
            s.disputes += n;
            if let Some(t) = t.as_deref().and_then(DisputeType::parse) {
                *s.by_type.entry(t.label().into()).or_default() += n;
            }
            if let Some(src) = src.as_deref().and_then(Source::parse) {
                *s.by_source.entry(src.label().into()).or_default() += n;
            }
        }

        // Concluded in the year: by outcome, agreement and confirmation.
        let mut q = Params::new(
            "SELECT outcome, agreement, CASE WHEN judicial_confirmation = 1 THEN 'y' ELSE 'n' END, COUNT(*), concluded_on \
             FROM mediation_disputes WHERE outcome <> 'ongoing' AND concluded_on >= ",
        );
        q.bind(&start).push(" AND concluded_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        q.push(" GROUP BY concluded_on, outcome, agreement, judicial_confirmation");
        for (outcome, agreement, confirmed, n) in store::grouped(&mut conn, &q).await? {
            let n = n as u64;
            s.concluded += n;
            if outcome.as_deref().and_then(Outcome::parse) == Some(Outcome::Success) {
                s.successful += n;
            }
            match agreement.as_deref().and_then(AgreementForm::parse) {
                Some(AgreementForm::Written) => s.written_agreements += n,
                Some(AgreementForm::Oral) => s.oral_agreements += n,
                None => {}
            }
            if confirmed.as_deref() == Some("y") {
                s.judicial_confirmations += n;
            }
        }
        s.success_rate = percent(s.successful, s.concluded);

        // Overdue: grouped by the two dates, so a year is at most a few tens of thousands of rows.
        let mut q = Params::new(
            "SELECT received_on, concluded_on, '', COUNT(*) FROM mediation_disputes WHERE received_on >= ",
        );
        q.bind(&start).push(" AND received_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        q.push(" GROUP BY received_on, concluded_on");
        for (received, concluded, _, n) in store::grouped(&mut conn, &q).await? {
            let parse =
                |t: Option<String>| t.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok());
            if let Some(r) = parse(received)
                && rules::overdue(r, parse(concluded), end, target)
            {
                s.overdue += n as u64;
            }
        }

        // Organisations founded by year end.
        let mut q = Params::new(
            "SELECT kind, CASE WHEN standardized = 1 THEN 'y' ELSE 'n' END, '', COUNT(*) FROM mediation_organizations \
             WHERE founded_on <= ",
        );
        q.bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        q.push(" GROUP BY kind, CASE WHEN standardized = 1 THEN 'y' ELSE 'n' END");
        for (kind, standardized, _, n) in store::grouped(&mut conn, &q).await? {
            let Some(kind) = kind.as_deref().and_then(OrganizationKind::parse) else {
                continue;
            };
            *s.organizations_by_type
                .entry(kind.label().into())
                .or_default() += n as u64;
            if standardized.as_deref() == Some("y") {
                *s.standardized_by_type
                    .entry(kind.label().into())
                    .or_default() += n as u64;
            }
        }

        // The roster. Grouped by position: the dates are bound in the select list.
        let mut q = Params::new("SELECT p.employment, CASE WHEN p.published_on <= ");
        q.bind(&end_text)
            .push(" THEN 'y' ELSE 'n' END, CASE WHEN p.notified_on <= ")
            .bind(&end_text)
            .push(
                " THEN 'y' ELSE 'n' END, COUNT(*) FROM mediators p \
                 JOIN mediation_organizations m ON m.id = p.organization_id WHERE 1 = 1",
            );
        in_towns(&mut q, "m.town_id", towns);
        q.push(" GROUP BY 1, 2, 3");
        for (employment, published, notified, n) in store::grouped(&mut conn, &q).await? {
            let n = n as u64;
            s.mediators += n;
            if employment.as_deref().and_then(Employment::parse) == Some(Employment::FullTime) {
                s.mediators_full_time += n;
            }
            if published.as_deref() == Some("y") {
                s.mediators_published += n;
            }
            if notified.as_deref() == Some("y") {
                s.mediators_notified_to_court += n;
            }
        }
        Ok(s)
    }
}
