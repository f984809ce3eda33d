//! The year's figures (`fazhi stats mediation --year Y --json`), each with its definition,
//! counted with GROUP BY in SQL.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use db::{Db, OrgScope, Params};
use kernel::figures::{RecordRef, Tally, percent};
use platform::Org;
use serde::Serialize;

use crate::model::{AgreementForm, DisputeType, Employment, OrganizationKind, Outcome, Source};
use crate::{Error, Mediation, Result, TARGET_DAYS, rules, store};

/// Every figure's name as officers say it (a `by_…` map's name is followed by its word).
pub const NAMES: &[(&str, &str)] = &[
    ("disputes", "受理纠纷数"),
    ("concluded", "调结数"),
    ("successful", "调解成功数"),
    ("success_rate", "调解成功率"),
    ("by_type", "受理纠纷数（按类型）"),
    ("by_source", "受理纠纷数（按来源）"),
    ("organizations_by_type", "调解组织数（按类型）"),
    ("standardized_by_type", "规范化调解组织数（按类型）"),
    ("mediators", "人民调解员数"),
    ("mediators_full_time", "专职人民调解员数"),
    ("mediators_published", "已向社会公开的调解员数"),
    ("mediators_notified_to_court", "已通报人民法院的调解员数"),
    ("written_agreements", "书面调解协议数"),
    ("oral_agreements", "口头调解协议数"),
    ("judicial_confirmations", "司法确认数"),
    ("overdue", "超过调处时限数"),
    ("open_overdue", "超期未结数"),
];

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
        "oral_agreements",
        "当年结案、以口头形式达成调解协议的纠纷数",
    ),
    (
        "judicial_confirmations",
        "当年结案、调解协议经人民法院司法确认的纠纷数",
    ),
    (
        "overdue",
        "当年受理、受理后超过调处时限（设置，默认30日）才结案或年末仍未结案的纠纷数",
    ),
    (
        "open_overdue",
        "年末（当年为今天）仍未调结、受理已超过调处时限的纠纷数（不论受理年份）",
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
    /// Disputes open on the reference day (the year's end, or today while it runs) longer
    /// than the target, whenever received.
    pub open_overdue: u64,
}

fn in_towns(q: &mut Params, column: &str, towns: Option<&OrgScope>) {
    if let Some(t) = towns {
        q.push(" AND ").push_in_scope(column, t);
    }
}

/// How the rows of one statistics query are read: grouped with their count, or one per record
/// with the record named (the records behind a figure).
struct Rows {
    records: bool,
}

impl Rows {
    /// `SELECT <cols>, <count>[, <id>, <title>, <day>] FROM …`.
    fn select(&self, cols: &str, named: [&str; 3], from: &str) -> Params {
        let [id, title, day] = named;
        Params::new(&if self.records {
            format!("SELECT {cols}, CAST(1 AS BIGINT), {id}, {title}, {day} FROM {from}")
        } else {
            format!("SELECT {cols}, COUNT(*) FROM {from}")
        })
    }

    fn group_by(&self, q: &mut Params, columns: &str) {
        if !self.records {
            q.push(&format!(" GROUP BY {columns}"));
        }
    }

    /// The rows, or none when collecting records for a key these rows never count under.
    /// On a connection of its own, so that the year's queries run side by side.
    async fn read_if(
        &self,
        wanted: bool,
        db: &Db,
        q: &Params,
        kind: &'static str,
    ) -> Result<Vec<Row>> {
        if !wanted {
            return Ok(Vec::new());
        }
        let (db, q, records) = (db.clone(), q.clone(), self.records);
        let grouped = db::offload(async move {
            let mut conn = db.conn().await?;
            store::grouped(&mut conn, &q, records).await
        })
        .await?;
        Ok(grouped
            .into_iter()
            .map(|(a, b, c, n, named)| Row {
                a,
                b,
                c,
                n: n as u64,
                record: named.map(|(id, title, day)| RecordRef {
                    date: day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    title,
                    kind,
                    id,
                }),
            })
            .collect())
    }
}

struct Row {
    a: Option<String>,
    b: Option<String>,
    c: Option<String>,
    n: u64,
    record: Option<RecordRef>,
}

impl Mediation {
    /// The figures of `year`, for the whole database or for the towns under `org`.
    /// Disputes received in each month of `year` (for the charts), for the whole database or
    /// the towns under `org`.
    pub async fn monthly(&self, year: i32, org: Option<&Org>) -> Result<[u64; 12]> {
        let towns = org.map(|o| OrgScope::under(&o.path));
        let mut q = Params::new(
            "SELECT substr(received_on, 6, 2), COUNT(*) FROM mediation_disputes WHERE received_on >= ",
        );
        q.bind(format!("{year:04}-01-01"))
            .push(" AND received_on <= ")
            .bind(format!("{year:04}-12-31"));
        in_towns(&mut q, "town_id", towns.as_ref());
        q.push(" GROUP BY substr(received_on, 6, 2)");
        let mut conn = self.platform.db().conn().await?;
        let mut out = [0u64; 12];
        for r in q.fetch_all(&mut conn).await? {
            let month: String = r.try_get(0)?;
            let n: i64 = r.try_get(1)?;
            if let Some(slot) = month
                .parse::<usize>()
                .ok()
                .and_then(|m| out.get_mut(m.wrapping_sub(1)))
            {
                *slot = n as u64;
            }
        }
        Ok(out)
    }

    pub async fn stats(&self, year: i32, org: Option<&Org>) -> Result<MediationStats> {
        self.tally(year, org, &mut Tally::counting()).await
    }

    /// The disputes, organisations or mediators behind the figure `key` of `year`
    /// (`successful`, `organizations_by_type.企业`; a rate lists its numerator): the figure's
    /// own counting, one row per record.
    pub async fn records_behind(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
    ) -> Result<Vec<RecordRef>> {
        let key = if key == "success_rate" {
            "successful"
        } else {
            key
        };
        let mut tally = Tally::collecting(key);
        self.tally(year, org, &mut tally).await?;
        Ok(tally.into_records())
    }

    async fn tally(
        &self,
        year: i32,
        org: Option<&Org>,
        tally: &mut Tally,
    ) -> Result<MediationStats> {
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
        let towns = org.map(|o| OrgScope::under(&o.path));
        let towns = towns.as_ref();
        let mut s = MediationStats {
            year,
            ..Default::default()
        };
        let rows = Rows {
            records: tally.is_collecting(),
        };
        const DISPUTE: &str = "mediation_dispute";

        // Received in the year: by type and source.
        let mut q = rows.select(
            "dispute_type, source, received_on",
            ["id", "number", "received_on"],
            "mediation_disputes WHERE received_on >= ",
        );
        q.bind(&start).push(" AND received_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        // Grouped in the index's order (day, type, source): the rows come out already grouped.
        rows.group_by(&mut q, "received_on, dispute_type, source");
        let received = (tally.wants_any(&["disputes", "by_type", "by_source"]), q);

        // Concluded in the year: by outcome, agreement and confirmation.
        let mut q = rows.select(
            "outcome, agreement, CASE WHEN judicial_confirmation = 1 THEN 'y' ELSE 'n' END",
            ["id", "number", "concluded_on"],
            "mediation_disputes WHERE outcome <> 'ongoing' AND concluded_on >= ",
        );
        q.bind(&start).push(" AND concluded_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        rows.group_by(
            &mut q,
            "concluded_on, outcome, agreement, judicial_confirmation",
        );
        let concluded = (
            tally.wants_any(&[
                "concluded",
                "successful",
                "written_agreements",
                "oral_agreements",
                "judicial_confirmations",
            ]),
            q,
        );

        // Overdue: grouped by the two dates, so a year is at most a few tens of thousands of rows.
        let mut q = rows.select(
            "received_on, concluded_on, ''",
            ["id", "number", "received_on"],
            "mediation_disputes WHERE received_on >= ",
        );
        q.bind(&start).push(" AND received_on <= ").bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        rows.group_by(&mut q, "received_on, concluded_on");
        let overdue = (tally.wants_any(&["overdue"]), q);

        // Open past the target on the reference day (the year's end, or today while it runs),
        // whenever received.
        let reference = end.min(kernel::time::china_today());
        let cut = reference
            .checked_sub_days(chrono::Days::new(target.max(0) as u64))
            .unwrap_or(reference);
        let mut q = rows.select(
            "'', '', ''",
            ["id", "number", "received_on"],
            "mediation_disputes WHERE received_on < ",
        );
        q.bind(store::day(cut))
            .push(" AND (concluded_on IS NULL OR concluded_on > ")
            .bind(store::day(reference))
            .push(")");
        in_towns(&mut q, "town_id", towns);
        let open_overdue = (tally.wants_any(&["open_overdue"]), q);

        // Organisations founded by year end.
        let standardized = "CASE WHEN standardized = 1 THEN 'y' ELSE 'n' END";
        let mut q = rows.select(
            &format!("kind, {standardized}, ''"),
            ["id", "name", "founded_on"],
            "mediation_organizations WHERE founded_on <= ",
        );
        q.bind(&end_text);
        in_towns(&mut q, "town_id", towns);
        rows.group_by(&mut q, &format!("kind, {standardized}"));
        let organizations = (
            tally.wants_any(&["organizations_by_type", "standardized_by_type"]),
            q,
        );

        // The roster. Grouped by position: the dates are bound in the select list.
        let mut q = Params::new("SELECT p.employment, CASE WHEN p.published_on <= ");
        q.bind(&end_text)
            .push(" THEN 'y' ELSE 'n' END, CASE WHEN p.notified_on <= ")
            .bind(&end_text)
            .push(" THEN 'y' ELSE 'n' END, ")
            .push(if rows.records {
                "CAST(1 AS BIGINT), p.id, p.name || '（' || m.name || '）', p.published_on"
            } else {
                "COUNT(*)"
            })
            .push(
                " FROM mediators p JOIN mediation_organizations m ON m.id = p.organization_id WHERE 1 = 1",
            );
        in_towns(&mut q, "m.town_id", towns);
        rows.group_by(&mut q, "1, 2, 3");
        let roster = (
            tally.wants_any(&[
                "mediators",
                "mediators_full_time",
                "mediators_published",
                "mediators_notified_to_court",
            ]),
            q,
        );
        // The six queries side by side, each on a connection and a thread of its own, then
        // counted in order.
        let pool = self.platform.db();
        let (received, concluded, overdue, open_overdue, organizations, roster) = tokio::try_join!(
            rows.read_if(received.0, pool, &received.1, DISPUTE),
            rows.read_if(concluded.0, pool, &concluded.1, DISPUTE),
            rows.read_if(overdue.0, pool, &overdue.1, DISPUTE),
            rows.read_if(open_overdue.0, pool, &open_overdue.1, DISPUTE),
            rows.read_if(
                organizations.0,
                pool,
                &organizations.1,
                "mediation_organization"
            ),
            rows.read_if(roster.0, pool, &roster.1, "mediator"),
        )?;
        for row in received {
            let r = row.record.as_ref();
            s.disputes += row.n;
            tally.note("disputes", r);
            if let Some(t) = row.a.as_deref().and_then(DisputeType::parse) {
                *s.by_type.entry(t.label().into()).or_default() += row.n;
                tally.note_in("by_type", t.label(), r);
            }
            if let Some(src) = row.b.as_deref().and_then(Source::parse) {
                *s.by_source.entry(src.label().into()).or_default() += row.n;
                tally.note_in("by_source", src.label(), r);
            }
        }
        for row in concluded {
            let (n, r) = (row.n, row.record.as_ref());
            s.concluded += n;
            tally.note("concluded", r);
            if row.a.as_deref().and_then(Outcome::parse) == Some(Outcome::Success) {
                s.successful += n;
                tally.note("successful", r);
            }
            match row.b.as_deref().and_then(AgreementForm::parse) {
                Some(AgreementForm::Written) => {
                    s.written_agreements += n;
                    tally.note("written_agreements", r);
                }
                Some(AgreementForm::Oral) => {
                    s.oral_agreements += n;
                    tally.note("oral_agreements", r);
                }
                None => {}
            }
            if row.c.as_deref() == Some("y") {
                s.judicial_confirmations += n;
                tally.note("judicial_confirmations", r);
            }
        }
        s.success_rate = percent(s.successful, s.concluded);
        for row in overdue {
            let parse =
                |t: Option<String>| t.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok());
            if let Some(received) = parse(row.a)
                && rules::overdue(received, parse(row.b), end, target)
            {
                s.overdue += row.n;
                tally.note("overdue", row.record.as_ref());
            }
        }
        for row in open_overdue {
            s.open_overdue += row.n;
            tally.note("open_overdue", row.record.as_ref());
        }
        for row in organizations {
            let Some(kind) = row.a.as_deref().and_then(OrganizationKind::parse) else {
                continue;
            };
            let r = row.record.as_ref();
            *s.organizations_by_type
                .entry(kind.label().into())
                .or_default() += row.n;
            tally.note_in("organizations_by_type", kind.label(), r);
            if row.b.as_deref() == Some("y") {
                *s.standardized_by_type
                    .entry(kind.label().into())
                    .or_default() += row.n;
                tally.note_in("standardized_by_type", kind.label(), r);
            }
        }
        for row in roster {
            let (n, r) = (row.n, row.record.as_ref());
            s.mediators += n;
            tally.note("mediators", r);
            if row.a.as_deref().and_then(Employment::parse) == Some(Employment::FullTime) {
                s.mediators_full_time += n;
                tally.note("mediators_full_time", r);
            }
            if row.b.as_deref() == Some("y") {
                s.mediators_published += n;
                tally.note("mediators_published", r);
            }
            if row.c.as_deref() == Some("y") {
                s.mediators_notified_to_court += n;
                tally.note("mediators_notified_to_court", r);
            }
        }
        Ok(s)
    }
}
