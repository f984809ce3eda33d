//! The records behind the list's figures, a page at a time in SQL: a province's list holds half
//! a million items, and the statistics' own collecting path reads every version to show fifty.
//! Each key is its figure's query with the classification as its WHERE clause; a test holds both
//! paths to the same records for every key on both backends.

use chrono::NaiveDate;
use db::{OrgScope, Params};
use kernel::figures::RecordRef;
use platform::Org;

use crate::model::{AdjustmentKind, AdjustmentState, DelegationState, ItemType};
use crate::{Power, Result, store};

/// A page of records and how many there are.
type Paged = Option<(Vec<RecordRef>, u64)>;

impl Power {
    /// The page of records behind `key` (`total_items`, `by_type.行政许可`, `by_department.…`,
    /// `unresolved_legal_basis`, the adjustments' and the delegations' keys) and how many there
    /// are, or None for a key the list does not have.
    pub async fn records_page(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Paged> {
        let (Some(start), Some(end)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Ok(None);
        };
        let scope = org.map(|o| OrgScope::under(&o.path));
        let (map, word) = key.split_once('.').unwrap_or((key, ""));
        let page = Window { offset, limit };
        match map {
            "total_items" | "by_type" | "by_department" | "unresolved_legal_basis" => {
                self.year_end_page(year, end, scope.as_ref(), map, word, page)
                    .await
            }
            "adjustments" | "adjustments_by_type" | "adjusted_departments" => {
                self.adjustments_page(start, end, scope.as_ref(), map, word, page)
                    .await
            }
            "delegated_items"
            | "delegated_by_type"
            | "pending_delegations"
            | "pending_delegations_by_type" => {
                self.delegations_page(start, end, scope.as_ref(), map, word, page)
                    .await
            }
            _ => Ok(None),
        }
    }

    /// The items in force at year end under a year-end key.
    async fn year_end_page(
        &self,
        year: i32,
        end: NaiveDate,
        scope: Option<&OrgScope>,
        map: &str,
        word: &str,
        page: Window,
    ) -> Result<Paged> {
        let day = store::day(end);
        let mut filter = Params::new("");
        // The count is the kept year-end summary's (see `summary`), summed for the key.
        let kept = crate::summary::year_end(self.platform.db(), year, end, scope).await?;
        let sum = |f: &dyn Fn(&crate::store_stats::YearEndCount) -> u64| -> u64 {
            kept.iter().map(f).sum()
        };
        let all = sum(&|c| c.items);
        let total = match (map, word) {
            ("total_items", "") => all,
            ("by_type", word) => {
                let Some(t) = ItemType::ALL.iter().find(|t| t.label() == word) else {
                    return Ok(None);
                };
                filter.push(" AND v.item_type = ").bind(t.code());
                sum(&|c| if c.item_type == *t { c.items } else { 0 })
            }
            ("by_department", word) if !word.is_empty() => {
                filter.push(" AND o.name = ").bind(word);
                sum(&|c| if c.org_name == word { c.items } else { 0 })
            }
            ("unresolved_legal_basis", "") => {
                filter.push(
                    " AND v.item_id NOT IN (SELECT record_id FROM citations \
                     WHERE module = 'power' AND record_type = 'item' AND law_id IS NOT NULL)",
                );
                sum(&|c| c.unresolved)
            }
            _ => return Ok(None),
        };
        // Two ways to the page in code order: walk the items by their code's index until the
        // page is full — about (offset + limit) × all ÷ total rows, cheap when the key holds many
        // of the items — or read the key's items by its own index and sort them — about total
        // rows, cheap when it holds few (a department, a rare type). The kept counts say which.
        // A department's items are neighbours in code order (the code begins with its own), so
        // for it the walk would pass most of the list first: always its index and a sort.
        let walk = map != "by_department"
            && (page.offset + page.limit).max(1) as u64 * all / total.max(1) <= total;
        let mut from = Params::new(if walk {
            // CROSS JOIN keeps SQLite from starting at the versions and sorting the year.
            "FROM power_items i CROSS JOIN power_item_versions v CROSS JOIN orgs o \
             WHERE v.item_id = i.id AND o.id = v.org_id"
        } else {
            "FROM power_item_versions v JOIN power_items i ON i.id = v.item_id \
             JOIN orgs o ON o.id = v.org_id WHERE 1 = 1"
        });
        from.push(" AND v.active = 1 AND v.valid_from <= ")
            .bind(&day)
            .push(" AND (v.valid_to IS NULL OR v.valid_to > ")
            .bind(&day)
            .push(")");
        if let Some(scope) = scope {
            from.push(" AND ").push_in_scope("v.org_id", scope);
        }
        from.append(&filter);
        let mut q = Params::new(&format!(
            "SELECT v.item_id, i.code || ' ' || v.name, {} ",
            dated("v.valid_from")
        ));
        q.append(&from).push(" ORDER BY i.code");
        page.bound(&mut q);
        let records = q
            .map(&mut self.platform.db().conn().await?, item_record)
            .await?;
        Ok(Some((records, total)))
    }

    /// The adjustments taking effect in the year (approved), or the departments they touched.
    async fn adjustments_page(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        scope: Option<&OrgScope>,
        map: &str,
        word: &str,
        page: Window,
    ) -> Result<Paged> {
        // As `store_stats::year_adjustments` reads them.
        let mut from = Params::new("FROM power_adjustments a WHERE a.state = ");
        from.bind(AdjustmentState::Approved.code())
            .push(" AND a.effective_on >= ")
            .bind(store::day(start))
            .push(" AND a.effective_on <= ")
            .bind(store::day(end));
        if let Some(scope) = scope {
            from.push(" AND ").push_in_scope("a.org_id", scope);
        }
        let (count, mut q) = match (map, word) {
            ("adjusted_departments", "") => {
                let mut departments = Params::new("FROM orgs o WHERE o.id IN (SELECT a.org_id ");
                departments.append(&from).push(")");
                let mut count = Params::new("SELECT COUNT(*) ");
                count.append(&departments);
                let mut q = Params::new("SELECT o.id, o.name ");
                q.append(&departments).push(" ORDER BY o.name, o.id");
                (count, q)
            }
            ("adjustments", "") | ("adjustments_by_type", _) => {
                if map == "adjustments_by_type" {
                    let Some(kind) = AdjustmentKind::ALL.iter().find(|k| k.label() == word) else {
                        return Ok(None);
                    };
                    from.push(" AND a.kind = ").bind(kind.code());
                }
                let mut count = Params::new("SELECT COUNT(*) ");
                count.append(&from);
                let mut q = Params::new("SELECT a.id, a.kind, a.item_code, a.effective_on ");
                q.append(&from).push(" ORDER BY a.effective_on, a.id");
                (count, q)
            }
            _ => return Ok(None),
        };
        page.bound(&mut q);
        let db = self.platform.db();
        let mut conn = db.conn().await?;
        let total = db.count(&mut conn, &db.versions().await?, &count).await?;
        let records = if map == "adjusted_departments" {
            q.map(&mut conn, |r| {
                Ok(RecordRef {
                    date: None,
                    title: r.try_get(1)?,
                    kind: "org",
                    id: r.try_get(0)?,
                })
            })
            .await?
        } else {
            q.map(&mut conn, |r| {
                let kind = AdjustmentKind::parse(&r.try_get::<String, _>(1)?)
                    .unwrap_or(AdjustmentKind::Change);
                Ok(RecordRef {
                    date: kernel::time::parse_iso_date(&r.try_get::<String, _>(3)?),
                    title: format!("{} {}", kind.label(), r.try_get::<String, _>(2)?),
                    kind: "power_adjustment",
                    id: r.try_get(0)?,
                })
            })
            .await?
        };
        Ok(Some((records, total as u64)))
    }

    /// The items delegated in the year (a step to 已核准 or 已下放 in it), or waiting at year end
    /// (a delegation whose last step by then is 拟下放待核准); an item under the greater of its
    /// categories, within an organisation by the 实施主体 of its latest version — as the
    /// statistics classify them.
    async fn delegations_page(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        scope: Option<&OrgScope>,
        map: &str,
        word: &str,
        page: Window,
    ) -> Result<Paged> {
        let (start, end) = (store::day(start), store::day(end));
        let mut items = Params::new(
            "(SELECT d.item_id AS item_id, MAX(d.category) AS category \
             FROM power_delegation_states s JOIN power_delegations d ON d.id = s.delegation_id WHERE ",
        );
        if map.starts_with("delegated") {
            items
                .push("s.state IN (")
                .bind(DelegationState::Approved.code())
                .push(", ")
                .bind(DelegationState::Delegated.code())
                .push(") AND s.state_on >= ")
                .bind(&start)
                .push(" AND s.state_on <= ")
                .bind(&end);
        } else {
            // The delegation's last step by year end, in the order the steps were taken.
            items
                .push("s.state = ")
                .bind(DelegationState::Proposed.code())
                .push(" AND s.state_on <= ")
                .bind(&end)
                .push(
                    " AND NOT EXISTS (SELECT 1 FROM power_delegation_states t \
                     WHERE t.delegation_id = s.delegation_id AND t.state_on <= ",
                )
                .bind(&end)
                .push(
                    " AND (t.state_on > s.state_on OR (t.state_on = s.state_on AND t.seq > s.seq)))",
                );
        }
        items.push(" GROUP BY d.item_id)");
        // The latest version of each item: its name, and its 实施主体 for a scope.
        const LATEST: &str = "JOIN power_item_versions v ON v.item_id = i.id AND NOT EXISTS (\
             SELECT 1 FROM power_item_versions w WHERE w.item_id = v.item_id \
             AND (w.valid_from > v.valid_from OR (w.valid_from = v.valid_from AND w.created_at > v.created_at)))";
        // One pass: the page in code order with the count of the whole set beside each row;
        // the latest versions read for the page's rows alone unless a scope needs them all.
        let mut inner =
            Params::new("SELECT i.id AS item_id, i.code AS code, COUNT(*) OVER () AS total FROM ");
        inner
            .append(&items)
            .push(" x JOIN power_items i ON i.id = x.item_id ");
        if let Some(scope) = scope {
            inner
                .push(LATEST)
                .push(" AND ")
                .push_in_scope("v.org_id", scope);
        }
        inner.push(" WHERE 1 = 1");
        match (map, word) {
            ("delegated_items" | "pending_delegations", "") => {}
            ("delegated_by_type" | "pending_delegations_by_type", word) => {
                let Some(t) = ItemType::ALL.iter().find(|t| t.label() == word) else {
                    return Ok(None);
                };
                inner.push(" AND x.category = ").bind(t.code());
            }
            _ => return Ok(None),
        }
        let mut count = Params::new("SELECT COUNT(*) FROM (");
        count.append(&inner).push(") c");
        inner.push(" ORDER BY i.code");
        page.bound(&mut inner);
        let mut q = Params::new(&format!(
            "SELECT p.item_id, p.code || ' ' || v.name, {}, p.total FROM (",
            dated("v.valid_from")
        ));
        q.append(&inner)
            .push(") p JOIN power_items i ON i.id = p.item_id ")
            .push(LATEST)
            .push(" ORDER BY p.code");
        let db = self.platform.db();
        let mut conn = db.conn().await?;
        let mut total = None;
        let records = q
            .map(&mut conn, |r| {
                total = Some(r.try_get::<i64, _>(3)?);
                item_record(r)
            })
            .await?;
        let total = match total {
            Some(n) => n,
            // A page past the end: the count alone.
            None => db.count(&mut conn, &db.versions().await?, &count).await?,
        };
        Ok(Some((records, total as u64)))
    }
}

/// Which rows of an ordered query make the page.
#[derive(Clone, Copy)]
struct Window {
    offset: i64,
    limit: i64,
}

impl Window {
    fn bound(self, q: &mut Params) {
        q.push(" LIMIT ")
            .bind(self.limit)
            .push(" OFFSET ")
            .bind(self.offset);
    }
}

/// A version's first day as a record's date: an item listed "from the start of time" has none
/// (as in the statistics).
fn dated(column: &str) -> String {
    format!(
        "CASE WHEN {column} > '{}' THEN {column} END",
        store::day(crate::model::beginning())
    )
}

/// An item as a record: its id, `code name`, and its version's first day.
fn item_record(r: &db::Row) -> std::result::Result<RecordRef, db::DbError> {
    Ok(RecordRef {
        date: r
            .try_get::<Option<String>, _>(2)?
            .and_then(|d| kernel::time::parse_iso_date(&d)),
        title: r.try_get(1)?,
        kind: "power_item",
        id: r.try_get(0)?,
    })
}
