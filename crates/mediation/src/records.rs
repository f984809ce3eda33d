//! The records behind a figure, a page at a time in SQL. A province holds 1.5 million disputes
//! a year: reading every record of a figure to show fifty (what `records_behind` does through
//! the statistics' own classification) took 15 s. Each key here is the statistics' query with
//! the classification written as its WHERE clause; a test holds both paths to the same records
//! for every key on both backends.

use chrono::NaiveDate;
use db::{OrgScope, Params};
use kernel::figures::RecordRef;
use platform::Org;

use crate::model::{AgreementForm, DisputeType, Employment, OrganizationKind, Outcome, Source};
use crate::{Mediation, Result, store};

/// Which of the statistics' queries a key reads, and its narrowing.
struct Narrowed {
    /// `FROM … WHERE …` of the statistics' query, the scope and the key's condition added.
    from: Params,
    /// The record's id, title and day.
    named: [&'static str; 3],
    kind: &'static str,
}

fn word<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str, word: &str) -> Option<T> {
    all.iter().copied().find(|t| label(*t) == word)
}

impl Mediation {
    /// The page of records behind `key` (`disputes`, `by_type.邻里`, `successful` …) and how many
    /// there are, or None for a key without a narrowing in SQL (`overdue`, whose rule is the
    /// statistics' own; and unknown keys): the caller then collects through the statistics.
    pub async fn records_page(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Option<(Vec<RecordRef>, u64)>> {
        let (Some(start), Some(end)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Ok(None);
        };
        let towns = org.map(|o| OrgScope::under(&o.path));
        let n = if key == "overdue" {
            let target: i64 = db::settings::load(self.platform.db())
                .await?
                .value(&crate::TARGET_DAYS)
                .parse()
                .unwrap_or(30);
            overdue(start, end, target, towns.as_ref())
        } else {
            let Some(n) = narrowed(key, start, end, towns.as_ref()) else {
                return Ok(None);
            };
            n
        };
        let [id, title, day] = n.named;
        let mut count = Params::new("SELECT COUNT(*) ");
        count.append(&n.from);
        let mut page = Params::new(&format!("SELECT {id}, {title}, {day} "));
        page.append(&n.from);
        // Records without a day first, as the statistics list them; a day that is never absent
        // is ordered by itself, so that its index gives the order and the first page is read
        // without sorting the year.
        let order = if day == "p.published_on" {
            format!("CASE WHEN {day} IS NULL THEN 0 ELSE 1 END, {day}, {title}, {id}")
        } else {
            format!("{day}, {title}, {id}")
        };
        page.push(&format!(" ORDER BY {order} LIMIT "))
            .bind(limit)
            .push(" OFFSET ")
            .bind(offset);
        let db = self.platform.db();
        let mut conn = db.conn().await?;
        // Kept beside the tables' versions: the next page does not count the year again.
        let versions = db.versions().await?;
        let total = db.count(&mut conn, &versions, &count).await?;
        let kind = n.kind;
        let records = page
            .map(&mut conn, |r| {
                Ok(RecordRef {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    date: r
                        .try_get::<Option<String>, _>(2)?
                        .and_then(|d| kernel::time::parse_iso_date(&d)),
                    kind,
                })
            })
            .await?;
        Ok(Some((records, total as u64)))
    }
}

/// `rules::overdue` as SQL: open (or concluded after the year) and received more than `target`
/// days before its end, or concluded more than `target` days after receipt. The day a dispute
/// received on day r falls due (r + target) comes from a table of the year's days bound as
/// values (dates are text on both backends: no date arithmetic in SQL).
fn overdue(start: NaiveDate, end: NaiveDate, target: i64, towns: Option<&OrgScope>) -> Narrowed {
    let target = chrono::Days::new(target.max(0) as u64);
    let mut days = Params::new("(");
    for (i, day) in start.iter_days().take_while(|d| *d <= end).enumerate() {
        days.push(if i == 0 {
            "SELECT "
        } else {
            " UNION ALL SELECT "
        })
        .bind(store::day(day))
        .push(" AS day, ")
        .bind(store::day(day.checked_add_days(target).unwrap_or(day)))
        .push(" AS due");
    }
    days.push(")");
    let cut = store::day(end.checked_sub_days(target).unwrap_or(end));
    let end = store::day(end);
    let mut from = Params::new("FROM mediation_disputes d JOIN ");
    from.append(&days)
        .push(" t ON t.day = d.received_on WHERE d.received_on >= ")
        .bind(store::day(start))
        .push(" AND d.received_on <= ")
        .bind(&end)
        .push(" AND (((d.concluded_on IS NULL OR d.concluded_on > ")
        .bind(&end)
        .push(") AND d.received_on < ")
        .bind(cut)
        .push(") OR (d.concluded_on <= ")
        .bind(&end)
        .push(" AND d.concluded_on > t.due))");
    if let Some(t) = towns {
        from.push(" AND ").push_in_scope("d.town_id", t);
    }
    Narrowed {
        from,
        named: ["d.id", "d.number", "d.received_on"],
        kind: "mediation_dispute",
    }
}

fn narrowed(
    key: &str,
    start: NaiveDate,
    end: NaiveDate,
    towns: Option<&OrgScope>,
) -> Option<Narrowed> {
    let (start, end) = (store::day(start), store::day(end));
    let key = if key == "success_rate" {
        "successful"
    } else {
        key
    };
    let (map, label) = key.split_once('.').unwrap_or((key, ""));
    let disputes = |column: &str| {
        let mut q = Params::new("FROM mediation_disputes WHERE ");
        if column == "concluded_on" {
            q.push("outcome <> 'ongoing' AND ");
        }
        q.push(column)
            .push(" >= ")
            .bind(&start)
            .push(&format!(" AND {column} <= "))
            .bind(&end);
        if let Some(t) = towns {
            q.push(" AND ").push_in_scope("town_id", t);
        }
        q
    };
    const DISPUTE: &str = "mediation_dispute";
    let received = ["id", "number", "received_on"];
    let concluded = ["id", "number", "concluded_on"];
    Some(match (map, label) {
        ("disputes", "") => Narrowed {
            from: disputes("received_on"),
            named: received,
            kind: DISPUTE,
        },
        ("by_type", w) => {
            let t = word(DisputeType::ALL, DisputeType::label, w)?;
            let mut from = disputes("received_on");
            from.push(" AND dispute_type = ").bind(t.code());
            Narrowed {
                from,
                named: received,
                kind: DISPUTE,
            }
        }
        ("by_source", w) => {
            let s = word(Source::ALL, Source::label, w)?;
            let mut from = disputes("received_on");
            from.push(" AND source = ").bind(s.code());
            Narrowed {
                from,
                named: received,
                kind: DISPUTE,
            }
        }
        ("concluded", "") => Narrowed {
            from: disputes("concluded_on"),
            named: concluded,
            kind: DISPUTE,
        },
        ("successful", "") => {
            let mut from = disputes("concluded_on");
            from.push(" AND outcome = ").bind(Outcome::Success.code());
            Narrowed {
                from,
                named: concluded,
                kind: DISPUTE,
            }
        }
        ("written_agreements" | "oral_agreements", "") => {
            let form = if map == "written_agreements" {
                AgreementForm::Written
            } else {
                AgreementForm::Oral
            };
            let mut from = disputes("concluded_on");
            from.push(" AND agreement = ").bind(form.code());
            Narrowed {
                from,
                named: concluded,
                kind: DISPUTE,
            }
        }
        ("judicial_confirmations", "") => {
            let mut from = disputes("concluded_on");
            from.push(" AND judicial_confirmation = 1");
            Narrowed {
                from,
                named: concluded,
                kind: DISPUTE,
            }
        }
        ("organizations_by_type" | "standardized_by_type", w) => {
            let k = word(OrganizationKind::ALL, OrganizationKind::label, w)?;
            let mut from = Params::new("FROM mediation_organizations WHERE founded_on <= ");
            from.bind(&end).push(" AND kind = ").bind(k.code());
            if map == "standardized_by_type" {
                from.push(" AND standardized = 1");
            }
            if let Some(t) = towns {
                from.push(" AND ").push_in_scope("town_id", t);
            }
            Narrowed {
                from,
                named: ["id", "name", "founded_on"],
                kind: "mediation_organization",
            }
        }
        (
            "mediators"
            | "mediators_full_time"
            | "mediators_published"
            | "mediators_notified_to_court",
            "",
        ) => {
            let mut from = Params::new(
                "FROM mediators p JOIN mediation_organizations m ON m.id = p.organization_id WHERE 1 = 1",
            );
            match map {
                "mediators_full_time" => {
                    from.push(" AND p.employment = ")
                        .bind(Employment::FullTime.code());
                }
                "mediators_published" => {
                    from.push(" AND p.published_on <= ").bind(&end);
                }
                "mediators_notified_to_court" => {
                    from.push(" AND p.notified_on <= ").bind(&end);
                }
                _ => {}
            }
            if let Some(t) = towns {
                from.push(" AND ").push_in_scope("m.town_id", t);
            }
            Narrowed {
                from,
                named: ["p.id", "p.name || '（' || m.name || '）'", "p.published_on"],
                kind: "mediator",
            }
        }
        _ => return None,
    })
}
