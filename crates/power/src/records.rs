//! The records behind the list's year-end figures, a page at a time in SQL: a province's list
//! holds half a million items, and the statistics' own collecting path reads every version to
//! show fifty. Each key is the year-end query with the classification as its WHERE clause; a
//! test holds both paths to the same records for every key on both backends.

use chrono::NaiveDate;
use db::{OrgScope, Params};
use kernel::figures::RecordRef;
use platform::Org;

use crate::model::ItemType;
use crate::{Power, Result, store};

impl Power {
    /// The page of items behind `key` (`total_items`, `by_type.行政许可`, `by_department.…`,
    /// `unresolved_legal_basis`) and how many there are, or None for the other keys (they are
    /// few records: the caller collects through the statistics).
    pub async fn records_page(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Option<(Vec<RecordRef>, u64)>> {
        let Some(end) = NaiveDate::from_ymd_opt(year, 12, 31) else {
            return Ok(None);
        };
        let day = store::day(end);
        let mut from = Params::new(
            "FROM power_item_versions v JOIN power_items i ON i.id = v.item_id \
             JOIN orgs o ON o.id = v.org_id WHERE v.active = 1 AND v.valid_from <= ",
        );
        from.bind(&day)
            .push(" AND (v.valid_to IS NULL OR v.valid_to > ")
            .bind(&day)
            .push(")");
        if let Some(o) = org {
            from.push(" AND ")
                .push_in_scope("v.org_id", &OrgScope::under(&o.path));
        }
        match key.split_once('.').unwrap_or((key, "")) {
            ("total_items", "") => {}
            ("by_type", word) => {
                let Some(t) = ItemType::ALL.iter().find(|t| t.label() == word) else {
                    return Ok(None);
                };
                from.push(" AND v.item_type = ").bind(t.code());
            }
            ("by_department", word) if !word.is_empty() => {
                from.push(" AND o.name = ").bind(word);
            }
            ("unresolved_legal_basis", "") => {
                from.push(
                    " AND v.item_id NOT IN (SELECT record_id FROM citations \
                     WHERE module = 'power' AND record_type = 'item' AND law_id IS NOT NULL)",
                );
            }
            _ => return Ok(None),
        }
        let mut count = Params::new("SELECT COUNT(*) ");
        count.append(&from);
        // An item listed "from the start of time" has no date (as in the statistics).
        let date = format!(
            "CASE WHEN v.valid_from > '{}' THEN v.valid_from END",
            store::day(crate::model::beginning())
        );
        let mut page = Params::new(&format!(
            "SELECT v.item_id, i.code || ' ' || v.name, {date} "
        ));
        page.append(&from)
            .push(&format!(
                " ORDER BY CASE WHEN {date} IS NULL THEN 0 ELSE 1 END, {date}, i.code, v.item_id LIMIT "
            ))
            .bind(limit)
            .push(" OFFSET ")
            .bind(offset);
        let mut conn = self.platform.db().conn().await?;
        let total: i64 = count.fetch_one(&mut conn).await?.try_get(0)?;
        let records = page
            .map(&mut conn, |r| {
                Ok(RecordRef {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    date: r
                        .try_get::<Option<String>, _>(2)?
                        .and_then(|d| kernel::time::parse_iso_date(&d)),
                    kind: "power_item",
                })
            })
            .await?;
        Ok(Some((records, total as u64)))
    }
}
