//! The SQL of the power list's year figures: slim version rows, year-end counts grouped in SQL,
//! the legal basis resolved or not, the organisations of delegated items.

use chrono::NaiveDate;
use db::{OrgScope, Params};

use crate::model::{AdjustmentKind, AdjustmentState, ItemType};
use crate::store::date;

/// A version as the year's figures read it: only the columns they count by.
pub(crate) struct StatVersion {
    pub item_id: String,
    pub code: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub active: bool,
    pub name: String,
    pub item_type: ItemType,
    pub org_id: String,
    pub org_name: String,
}

/// Every version of every item (or of the items `only` names), slim, by item and date (a
/// province holds half a million).
pub(crate) async fn stat_versions(
    conn: &mut db::Conn,
    only: Option<&[String]>,
) -> Result<Vec<StatVersion>, db::DbError> {
    const SELECT: &str = "SELECT v.item_id, i.code, v.valid_from, v.valid_to, v.active, v.name, v.item_type, v.org_id, o.name \
         FROM power_item_versions v JOIN power_items i ON i.id = v.item_id JOIN orgs o ON o.id = v.org_id";
    let mut rows = Vec::new();
    match only {
        None => {
            let mut q = Params::new(SELECT);
            q.push(" ORDER BY i.code, v.valid_from, v.created_at");
            rows.extend(q.fetch_all(conn).await?);
        }
        Some(items) => {
            for chunk in items.chunks(500) {
                let mut q = Params::new(SELECT);
                q.push(" WHERE v.item_id IN ")
                    .bind_list(chunk.iter().map(String::as_str))
                    .push(" ORDER BY i.code, v.valid_from, v.created_at");
                rows.extend(q.fetch_all(conn).await?);
            }
        }
    }
    rows.iter()
        .map(|row| {
            let s = |i: usize| row.try_get::<String, _>(i);
            Ok(StatVersion {
                item_id: s(0)?,
                code: s(1)?,
                valid_from: date(&s(2)?),
                valid_to: row.try_get::<Option<String>, _>(3)?.map(|t| date(&t)),
                active: row.try_get::<i64, _>(4)? != 0,
                name: s(5)?,
                item_type: ItemType::parse(&s(6)?).unwrap_or(ItemType::Other),
                org_id: s(7)?,
                org_name: s(8)?,
            })
        })
        .collect()
}

/// `select` over the versions `v` in force on `end` (of `orgs`, when given).
fn in_force_at(select: &str, end: NaiveDate, orgs: Option<&OrgScope>) -> Params {
    let day = end.format("%Y-%m-%d").to_string();
    let mut q = Params::new(select);
    q.push(" WHERE v.active = 1 AND v.valid_from <= ")
        .bind(&day)
        .push(" AND (v.valid_to IS NULL OR v.valid_to > ")
        .bind(&day)
        .push(")");
    if let Some(orgs) = orgs {
        q.push(" AND ").push_in_scope("v.org_id", orgs);
    }
    q
}

/// The year-end count of items in force by type and 实施主体, and of those whose legal basis names
/// no law of the law base: one grouped pass over the index `power_item_versions_stats` (a
/// province's half a million items are not read one by one). An item has one version in force on
/// a day, so rows are items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct YearEndCount {
    pub item_type: ItemType,
    pub org_id: String,
    pub org_name: String,
    pub items: u64,
    pub unresolved: u64,
}

/// Which 事项类型 one pass of the year-end count reads, by type code. The stats index leads with
/// the type, so disjoint ranges are disjoint stretches of it, and passes over them can run side by
/// side on their own connections (行政处罚 is about half of a list).
#[derive(Clone, Copy, Debug)]
pub(crate) enum TypeRange {
    Below(ItemType),
    Exactly(ItemType),
    Above(ItemType),
}

impl TypeRange {
    fn push(self, q: &mut Params) {
        let (op, t) = match self {
            TypeRange::Below(t) => (" AND v.item_type < ", t),
            TypeRange::Exactly(t) => (" AND v.item_type = ", t),
            TypeRange::Above(t) => (" AND v.item_type > ", t),
        };
        q.push(op).bind(t.code());
    }
}

pub(crate) async fn year_end_counts(
    conn: &mut db::Conn,
    end: NaiveDate,
    orgs: Option<&OrgScope>,
    types: TypeRange,
) -> Result<Vec<YearEndCount>, db::DbError> {
    let mut q = in_force_at(
        "SELECT g.item_type, o.name, g.items, g.unresolved, g.org_id FROM (\
         SELECT v.item_type, v.org_id, COUNT(*) AS items, \
         SUM(CASE WHEN v.item_id NOT IN (SELECT c.record_id FROM citations c WHERE c.module = 'power' \
         AND c.record_type = 'item' AND c.law_id IS NOT NULL) THEN 1 ELSE 0 END) AS unresolved \
         FROM power_item_versions v",
        end,
        orgs,
    );
    types.push(&mut q);
    q.push(" GROUP BY v.item_type, v.org_id) g JOIN orgs o ON o.id = g.org_id");
    q.fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(YearEndCount {
                item_type: ItemType::parse(&r.try_get::<String, _>(0)?).unwrap_or(ItemType::Other),
                org_name: r.try_get(1)?,
                items: r.try_get::<i64, _>(2)? as u64,
                unresolved: r.try_get::<i64, _>(3)? as u64,
                org_id: r.try_get(4)?,
            })
        })
        .collect()
}

/// An approved adjustment taking effect in the year, as the figures count it.
pub(crate) struct YearAdjustment {
    pub id: String,
    pub kind: AdjustmentKind,
    pub item_code: String,
    pub org_id: String,
    pub org_name: String,
    pub effective_on: NaiveDate,
    /// How many adjustments the row stands for: 1 when read one by one, else the group's count.
    pub count: u64,
}

/// The approved adjustments taking effect between `start` and `end` (of `orgs`, when given):
/// one by one (`records`, for the records behind a figure), else a row per 调整类型 with its
/// count, and how many departments they touched (a province's year is tens of thousands of
/// adjustments, and the figures need only these totals).
pub(crate) async fn year_adjustments(
    conn: &mut db::Conn,
    start: NaiveDate,
    end: NaiveDate,
    orgs: Option<&OrgScope>,
    records: bool,
) -> Result<(Vec<YearAdjustment>, Option<u64>), db::DbError> {
    let filter = |select: &str| {
        let mut q = Params::new(select);
        q.bind(AdjustmentState::Approved.code())
            .push(" AND a.effective_on >= ")
            .bind(crate::store::day(start))
            .push(" AND a.effective_on <= ")
            .bind(crate::store::day(end));
        if let Some(orgs) = orgs {
            q.push(" AND ").push_in_scope("a.org_id", orgs);
        }
        q
    };
    if !records {
        // From the index `power_adjustments_stats` alone.
        let mut by_kind = filter(
            "SELECT a.kind, MIN(a.effective_on), COUNT(*) FROM power_adjustments a WHERE a.state = ",
        );
        by_kind.push(" GROUP BY a.kind");
        let rows = by_kind
            .map(conn, |r| {
                Ok(YearAdjustment {
                    id: String::new(),
                    kind: AdjustmentKind::parse(&r.try_get::<String, _>(0)?)
                        .unwrap_or(AdjustmentKind::Change),
                    item_code: String::new(),
                    org_id: String::new(),
                    org_name: String::new(),
                    effective_on: date(&r.try_get::<String, _>(1)?),
                    count: r.try_get::<i64, _>(2)? as u64,
                })
            })
            .await?;
        let departments: i64 =
            filter("SELECT COUNT(DISTINCT a.org_id) FROM power_adjustments a WHERE a.state = ")
                .fetch_one(conn)
                .await?
                .try_get(0)?;
        return Ok((rows, Some(departments as u64)));
    }
    let mut q = filter(
        "SELECT a.id, a.kind, a.item_code, a.org_id, o.name, a.effective_on, CAST(1 AS BIGINT) \
         FROM power_adjustments a JOIN orgs o ON o.id = a.org_id WHERE a.state = ",
    );
    q.push(" ORDER BY a.effective_on DESC, a.proposed_at DESC");
    let rows = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let s = |i: usize| r.try_get::<String, _>(i);
            Ok(YearAdjustment {
                id: s(0)?,
                kind: AdjustmentKind::parse(&s(1)?).unwrap_or(AdjustmentKind::Change),
                item_code: s(2)?,
                org_id: s(3)?,
                org_name: s(4)?,
                effective_on: date(&s(5)?),
                count: r.try_get::<i64, _>(6)? as u64,
            })
        })
        .collect::<Result<_, db::DbError>>()?;
    Ok((rows, None))
}

/// The items whose legal basis names a law of the law base.
pub(crate) async fn resolved_items(
    conn: &mut db::Conn,
) -> Result<std::collections::HashSet<String>, db::DbError> {
    db::query(
        "SELECT DISTINCT record_id FROM citations WHERE module = 'power' AND record_type = 'item' AND law_id IS NOT NULL",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect()
}

/// The 实施主体 of every item ever delegated (its latest version's), for scoping delegations.
pub(crate) async fn delegated_item_orgs(
    conn: &mut db::Conn,
) -> Result<Vec<(String, String)>, db::DbError> {
    db::query(
        "SELECT v.item_id, v.org_id FROM power_item_versions v \
         WHERE v.item_id IN (SELECT item_id FROM power_delegations) ORDER BY v.item_id, v.valid_from, v.created_at",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect()
}
