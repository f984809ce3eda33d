//! 权责清单's year-end counts kept in the database (`power_year_end`, migration 0012). Counting
//! the items in force on 31 December reads every version of a province's list (half a million):
//! 0.3 s where DuckDB takes 28 ms. The count is kept per year beside the versions of the tables
//! it read; while they are unchanged the figures read the kept rows (a few thousand), and a write
//! to any of them makes the next figures count again and keep that. `fazhi stats power
//! --check-summary` counts afresh and compares.

use chrono::NaiveDate;
use db::{Db, DbError, OrgScope, Params, Versions};

use crate::model::ItemType;
use crate::store_stats::{self, TypeRange, YearEndCount};

/// The tables the year-end count reads.
const SOURCES: [&str; 3] = ["citations", "orgs", "power_item_versions"];

fn stamp(versions: &Versions) -> String {
    versions
        .of(&SOURCES)
        .unwrap_or_default()
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The year-end counts of the whole database, counted now: 行政处罚 (about half a list) and the
/// other types side by side, each on a connection and a thread of its own.
pub(crate) async fn count(db: &Db, end: NaiveDate) -> Result<Vec<YearEndCount>, DbError> {
    const PENALTY: ItemType = ItemType::Penalty;
    let pass = |types: &'static [TypeRange]| {
        let db = db.clone();
        db::offload(async move {
            let mut conn = db.conn().await?;
            let mut counts = Vec::new();
            for t in types {
                counts.extend(store_stats::year_end_counts(&mut conn, end, None, *t).await?);
            }
            Ok::<_, DbError>(counts)
        })
    };
    let (mut a, b) = tokio::try_join!(
        pass(&[TypeRange::Exactly(PENALTY)]),
        pass(&[TypeRange::Below(PENALTY), TypeRange::Above(PENALTY)]),
    )?;
    a.extend(b);
    a.sort_by(|x, y| (x.item_type.code(), &x.org_id).cmp(&(y.item_type.code(), &y.org_id)));
    Ok(a)
}

/// The kept counts of `year` within `scope`, or None when none are kept under the current
/// versions of their tables.
async fn kept(
    db: &Db,
    year: i32,
    stamp: &str,
    scope: Option<&OrgScope>,
) -> Result<Option<Vec<YearEndCount>>, DbError> {
    let mut conn = db.conn().await?;
    let built: Option<String> =
        db::query_scalar("SELECT versions FROM power_year_end_built WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut conn)
            .await?;
    if built.as_deref() != Some(stamp) {
        return Ok(None);
    }
    let mut q = match scope {
        // The whole database: the rows summed by name (the figures count by name).
        None => Params::new(
            "SELECT s.item_type, '', s.org_name, s.items, s.unresolved \
             FROM power_year_end_names s WHERE s.year = ",
        ),
        Some(_) => Params::new(
            "SELECT s.item_type, s.org_id, o.name, s.items, s.unresolved \
             FROM power_year_end s JOIN orgs o ON o.id = s.org_id WHERE s.year = ",
        ),
    };
    q.bind(i64::from(year));
    if let Some(scope) = scope {
        q.push(" AND ").push_in_scope("s.org_id", scope);
    }
    let rows = q
        .map(&mut conn, |r| {
            Ok(YearEndCount {
                item_type: ItemType::parse(&r.try_get::<String, _>(0)?).unwrap_or(ItemType::Other),
                org_id: r.try_get(1)?,
                org_name: r.try_get(2)?,
                items: r.try_get::<i64, _>(3)? as u64,
                unresolved: r.try_get::<i64, _>(4)? as u64,
            })
        })
        .await?;
    Ok(Some(rows))
}

/// Keeps `counts` as the summary of `year`, counted under the versions `stamp` names.
async fn keep(db: &Db, year: i32, stamp: String, counts: Vec<YearEndCount>) -> Result<(), DbError> {
    db.upkeep(move |tx| {
        Box::pin(async move {
            let year = i64::from(year);
            for table in ["power_year_end", "power_year_end_names"] {
                db::query(format!("DELETE FROM {table} WHERE year = $1"))
                    .bind(year)
                    .execute(tx.conn())
                    .await?;
            }
            let mut by_name: std::collections::BTreeMap<(&str, &str), (u64, u64)> =
                std::collections::BTreeMap::new();
            for c in &counts {
                let sum = by_name
                    .entry((c.item_type.code(), c.org_name.as_str()))
                    .or_default();
                sum.0 += c.items;
                sum.1 += c.unresolved;
            }
            let names: Vec<_> = by_name.into_iter().collect();
            for chunk in names.chunks(200) {
                let mut q = Params::new(
                    "INSERT INTO power_year_end_names (year, item_type, org_name, items, unresolved) VALUES ",
                );
                for (i, ((item_type, name), (items, unresolved))) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(")
                        .bind(year)
                        .push(", ")
                        .bind(*item_type)
                        .push(", ")
                        .bind(*name)
                        .push(", ")
                        .bind(*items as i64)
                        .push(", ")
                        .bind(*unresolved as i64)
                        .push(")");
                }
                q.execute(tx.conn()).await?;
            }
            for chunk in counts.chunks(200) {
                let mut q = Params::new(
                    "INSERT INTO power_year_end (year, item_type, org_id, items, unresolved) VALUES ",
                );
                for (i, c) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(")
                        .bind(year)
                        .push(", ")
                        .bind(c.item_type.code())
                        .push(", ")
                        .bind(&c.org_id)
                        .push(", ")
                        .bind(c.items as i64)
                        .push(", ")
                        .bind(c.unresolved as i64)
                        .push(")");
                }
                q.execute(tx.conn()).await?;
            }
            let at = tx.now_text();
            db::query(
                "INSERT INTO power_year_end_built (year, versions, built_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (year) DO UPDATE SET versions = $2, built_at = $3",
            )
            .bind(year)
            .bind(stamp)
            .bind(at)
            .execute(tx.conn())
            .await?;
            Ok(())
        })
    })
    .await
}

/// The year-end counts of `year` within `scope`: kept, or counted now and kept.
pub(crate) async fn year_end(
    db: &Db,
    year: i32,
    end: NaiveDate,
    scope: Option<&OrgScope>,
) -> Result<Vec<YearEndCount>, DbError> {
    // The versions are read before the counts: a count newer than its stamp is merely counted
    // again at the next figures, never served stale.
    let stamp = stamp(&db.versions().await?);
    if let Some(rows) = kept(db, year, &stamp, scope).await? {
        return Ok(rows);
    }
    let counts = count(db, end).await?;
    keep(db, year, stamp.clone(), counts).await?;
    Ok(kept(db, year, &stamp, scope).await?.unwrap_or_default())
}

/// `fazhi stats power --check-summary`: counts `year` afresh and compares with the kept summary
/// (the rows that differ, by 事项类型 and 实施主体), then keeps the fresh count.
pub(crate) async fn check(db: &Db, year: i32, end: NaiveDate) -> Result<Vec<String>, DbError> {
    let stamp = stamp(&db.versions().await?);
    let fresh = count(db, end).await?;
    let mut conn = db.conn().await?;
    let mut held = db::query(
        "SELECT item_type, org_id, items, unresolved FROM power_year_end WHERE year = $1",
    )
    .bind(i64::from(year))
    .map(&mut conn, |r| {
        Ok((
            r.try_get::<String, _>(0)?,
            r.try_get::<String, _>(1)?,
            r.try_get::<i64, _>(2)? as u64,
            r.try_get::<i64, _>(3)? as u64,
        ))
    })
    .await?;
    drop(conn);
    held.sort();
    let mut fresh_rows: Vec<(String, String, u64, u64)> = fresh
        .iter()
        .map(|c| {
            (
                c.item_type.code().to_string(),
                c.org_id.clone(),
                c.items,
                c.unresolved,
            )
        })
        .collect();
    fresh_rows.sort();
    let mut differences = Vec::new();
    for row in &fresh_rows {
        if !held.contains(row) {
            differences.push(format!(
                "{} {}：应为{}项（设定依据未能对应{}项）",
                row.0, row.1, row.2, row.3
            ));
        }
    }
    for row in &held {
        if !fresh_rows.iter().any(|f| f.0 == row.0 && f.1 == row.1) {
            differences.push(format!("{} {}：汇总中多出{}项", row.0, row.1, row.2));
        }
    }
    // The sums by name, against the fresh count summed the same way.
    let mut conn = db.conn().await?;
    let held_names: std::collections::BTreeMap<(String, String), (u64, u64)> = db::query(
        "SELECT item_type, org_name, items, unresolved FROM power_year_end_names WHERE year = $1",
    )
    .bind(i64::from(year))
    .map(&mut conn, |r| {
        Ok((
            (r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?),
            (
                r.try_get::<i64, _>(2)? as u64,
                r.try_get::<i64, _>(3)? as u64,
            ),
        ))
    })
    .await?
    .into_iter()
    .collect();
    drop(conn);
    let mut fresh_names: std::collections::BTreeMap<(String, String), (u64, u64)> =
        std::collections::BTreeMap::new();
    for c in &fresh {
        let sum = fresh_names
            .entry((c.item_type.code().to_string(), c.org_name.clone()))
            .or_default();
        sum.0 += c.items;
        sum.1 += c.unresolved;
    }
    if held_names != fresh_names {
        for (key, sum) in &fresh_names {
            if held_names.get(key) != Some(sum) {
                differences.push(format!(
                    "{} {}（按名称合计）：应为{}项（设定依据未能对应{}项）",
                    key.0, key.1, sum.0, sum.1
                ));
            }
        }
        for key in held_names.keys().filter(|k| !fresh_names.contains_key(*k)) {
            differences.push(format!("{} {}（按名称合计）：汇总中多出", key.0, key.1));
        }
    }
    keep(db, year, stamp, fresh).await?;
    Ok(differences)
}
