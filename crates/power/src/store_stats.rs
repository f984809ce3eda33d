//! The SQL of the power list's year figures: slim version rows, year-end counts grouped in SQL,
//! the legal basis resolved or not, the organisations of delegated items.

use chrono::NaiveDate;
use db::Params;
use sqlx::{AnyConnection, Row};

use crate::model::ItemType;
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

/// Every version of every item, slim, by item and date (a province holds half a million).
pub(crate) async fn stat_versions(
    conn: &mut AnyConnection,
) -> Result<Vec<StatVersion>, sqlx::Error> {
    sqlx::query(
        "SELECT v.item_id, i.code, v.valid_from, v.valid_to, v.active, v.name, v.item_type, v.org_id, o.name \
         FROM power_item_versions v JOIN power_items i ON i.id = v.item_id JOIN orgs o ON o.id = v.org_id \
         ORDER BY i.code, v.valid_from, v.created_at",
    )
    .fetch_all(conn)
    .await?
    .iter()
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
fn in_force_at(select: &str, end: NaiveDate, orgs: Option<&[String]>) -> Params {
    let day = end.format("%Y-%m-%d").to_string();
    let mut q = Params::new(select);
    q.push(" WHERE v.active = 1 AND v.valid_from <= ")
        .bind(&day)
        .push(" AND (v.valid_to IS NULL OR v.valid_to > ")
        .bind(&day)
        .push(")");
    if let Some(orgs) = orgs {
        q.push(" AND v.org_id IN ").bind_list(orgs.iter());
    }
    q
}

/// The year-end count of items in force, by type and 实施主体, grouped in SQL (the statistics of a
/// province's half a million items without reading them one by one).
pub(crate) async fn year_end_counts(
    conn: &mut AnyConnection,
    end: NaiveDate,
    orgs: Option<&[String]>,
) -> Result<Vec<(ItemType, String, u64)>, sqlx::Error> {
    let mut q = in_force_at(
        "SELECT v.item_type, o.name, COUNT(*) FROM power_item_versions v JOIN orgs o ON o.id = v.org_id",
        end,
        orgs,
    );
    q.push(" GROUP BY v.item_type, o.name");
    q.query()
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                ItemType::parse(&r.try_get::<String, _>(0)?).unwrap_or(ItemType::Other),
                r.try_get(1)?,
                r.try_get::<i64, _>(2)? as u64,
            ))
        })
        .collect()
}

/// Items in force at year end whose legal basis names no law of the law base.
pub(crate) async fn year_end_unresolved(
    conn: &mut AnyConnection,
    end: NaiveDate,
    orgs: Option<&[String]>,
) -> Result<u64, sqlx::Error> {
    let mut q = in_force_at(
        "SELECT COUNT(DISTINCT v.item_id) FROM power_item_versions v",
        end,
        orgs,
    );
    q.push(
        " AND NOT EXISTS (SELECT 1 FROM citations c WHERE c.module = 'power' AND c.record_type = 'item' \
         AND c.record_id = v.item_id AND c.law_id IS NOT NULL)",
    );
    Ok(q.query().fetch_one(conn).await?.try_get::<i64, _>(0)? as u64)
}

/// The items whose legal basis names a law of the law base.
pub(crate) async fn resolved_items(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    sqlx::query(
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
    conn: &mut AnyConnection,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT v.item_id, v.org_id FROM power_item_versions v \
         WHERE v.item_id IN (SELECT item_id FROM power_delegations) ORDER BY v.item_id, v.valid_from, v.created_at",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect()
}
