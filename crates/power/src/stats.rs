//! The power list's figures for a year (`fazhi stats power --year Y --json`), each with its
//! definition, computed from the records.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use kernel::figures::{RecordRef, Tally};
use platform::Org;
use serde::Serialize;

use crate::model::{DelegationState, ItemType};
use crate::{Power, Result};
use crate::{store, store_stats};

/// Every figure's name as officers say it (a `by_…` map's name is followed by its word).
pub const NAMES: &[(&str, &str)] = &[
    ("total_items", "权力事项总数"),
    ("by_type", "事项数（按类型）"),
    ("by_department", "事项数（按实施主体）"),
    ("adjustments", "动态调整数"),
    ("adjusted_departments", "有调整的实施主体数"),
    ("adjustments_by_type", "动态调整数（按调整类型）"),
    ("delegated_by_type", "下放事项数（按类别）"),
    (
        "pending_delegations_by_type",
        "拟下放待核准事项数（按类别）",
    ),
    ("delegated_items", "下放事项数"),
    ("pending_delegations", "拟下放待核准事项数"),
    ("unresolved_legal_basis", "设定依据未对应法规的事项数"),
];

/// Every figure's definition, shown beside it in the UI and the report.
pub const DEFINITIONS: &[(&str, &str)] = &[
    ("total_items", "年末（12月31日）在清单中的权力事项数"),
    ("by_type", "年末在清单中的事项，按事项类型计数"),
    ("by_department", "年末在清单中的事项，按实施主体计数"),
    (
        "adjustments",
        "当年生效的已批准调整（新增、取消、变更、下放）数",
    ),
    (
        "adjusted_departments",
        "当年有已批准调整生效的实施主体（部门）数",
    ),
    (
        "adjustments_by_type",
        "当年生效的已批准调整，按调整类型计数",
    ),
    (
        "delegated_by_type",
        "当年进入“已核准”或“已下放”状态的事项（去重），按下放类别计数",
    ),
    (
        "pending_delegations_by_type",
        "年末处于“拟下放待核准”状态的事项（去重），按下放类别计数",
    ),
    (
        "delegated_items",
        "当年进入“已核准”或“已下放”状态的事项数（去重），各下放类别合计",
    ),
    (
        "pending_delegations",
        "年末处于“拟下放待核准”状态的事项数（去重），各下放类别合计",
    ),
    (
        "unresolved_legal_basis",
        "年末在清单中、设定依据未能对应到法规库中任何法律法规的事项数",
    ),
];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PowerStats {
    pub year: i32,
    pub total_items: usize,
    pub by_type: BTreeMap<String, usize>,
    pub by_department: BTreeMap<String, usize>,
    pub adjustments: usize,
    pub adjusted_departments: usize,
    pub adjustments_by_type: BTreeMap<String, usize>,
    pub delegated_by_type: BTreeMap<String, usize>,
    pub pending_delegations_by_type: BTreeMap<String, usize>,
    pub unresolved_legal_basis: usize,
    /// 已核准/已下放 items in the year, all categories.
    pub delegated_items: usize,
    /// 拟下放待核准 items at year end, all categories.
    pub pending_delegations: usize,
}

impl Power {
    /// Counts the year-end figures of `year` afresh and compares them with the kept summary
    /// (`power_year_end`): the rows that differed, none when it was right. The fresh count is
    /// kept either way.
    pub async fn check_year_end_summary(&self, year: i32) -> Result<Vec<String>> {
        let end = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| crate::Error::Invalid(format!("年份{year}无效")))?;
        Ok(crate::summary::check(self.platform.db(), year, end).await?)
    }

    /// The figures of `year`, for the whole database or for `org` and everything below it.
    pub async fn stats(&self, year: i32, org: Option<&Org>) -> Result<PowerStats> {
        self.tally(year, org, &mut Tally::counting()).await
    }

    /// The items, adjustments or departments behind the figure `key` of `year`
    /// (`total_items`, `delegated_by_type.行政许可`): the figure's own counting, one row per record.
    pub async fn records_behind(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
    ) -> Result<Vec<RecordRef>> {
        let mut tally = Tally::collecting(key);
        self.tally(year, org, &mut tally).await?;
        Ok(tally.into_records())
    }

    async fn tally(&self, year: i32, org: Option<&Org>, tally: &mut Tally) -> Result<PowerStats> {
        let start = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| crate::Error::Invalid(format!("年份{year}无效")))?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| crate::Error::Invalid(format!("年份{year}无效")))?;
        let within: Option<HashSet<String>> = match org {
            Some(o) => Some(
                self.platform
                    .subtree_ids(o)
                    .await?
                    .into_iter()
                    .map(|i| i.to_string())
                    .collect(),
            ),
            None => None,
        };
        let counts = |org_id: &str| within.as_ref().is_none_or(|w| w.contains(org_id));
        let collecting = tally.is_collecting();
        let mut s = PowerStats {
            year,
            ..Default::default()
        };
        let scope = org.map(|o| db::OrgScope::under(&o.path));

        // The year-end count: kept in the database beside the versions of its tables (counted
        // again after a write to them), so that a province's figures do not read half a million
        // versions each time.
        let db = self.platform.db().clone();
        let year_end = {
            let (db, scope) = (db.clone(), scope.clone());
            async move {
                if collecting {
                    return Ok(Vec::new());
                }
                crate::summary::year_end(&db, year, end, scope.as_ref()).await
            }
        };
        // Which department holds a delegated item matters only within an organisation.
        let within_org = org.is_some();
        let item_org = db::offload({
            let db = db.clone();
            async move {
                if !within_org {
                    return Ok(Vec::new());
                }
                let mut conn = db.conn().await?;
                store_stats::delegated_item_orgs(&mut conn).await
            }
        });
        let adjustments = db::offload({
            let (db, scope) = (db.clone(), scope.clone());
            async move {
                let mut conn = db.conn().await?;
                store_stats::year_adjustments(&mut conn, start, end, scope.as_ref(), collecting)
                    .await
            }
        });
        let steps = db::offload({
            let db = db.clone();
            async move {
                let mut conn = db.conn().await?;
                store::delegation_steps(&mut conn).await
            }
        });
        let (year_end, item_org, adjustments, steps) =
            tokio::try_join!(year_end, item_org, adjustments, steps)?;

        // Items in force at year end: counted in SQL; when collecting, read one by one.
        let mut item_ref: HashMap<String, RecordRef> = HashMap::new();
        // When collecting, the items are read one by one — all of them for the year-end keys,
        // the delegated ones for the delegation keys (for their names), none for adjustments.
        let year_end_keys = [
            "total_items",
            "by_type",
            "by_department",
            "unresolved_legal_basis",
        ];
        let delegation_keys = [
            "delegated_by_type",
            "delegated_items",
            "pending_delegations_by_type",
            "pending_delegations",
        ];
        let versions = if !collecting {
            Vec::new()
        } else if tally.wants_any(&year_end_keys) {
            store_stats::stat_versions(&mut db.conn().await?, None).await?
        } else if tally.wants_any(&delegation_keys) {
            let delegated: Vec<String> = steps
                .iter()
                .map(|(_, item, ..)| item.clone())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            store_stats::stat_versions(&mut db.conn().await?, Some(&delegated)).await?
        } else {
            Vec::new()
        };
        if collecting {
            let mut conn = db.conn().await?;
            let mut active_items: HashSet<String> = HashSet::new();
            for v in versions {
                let record = RecordRef {
                    date: Some(v.valid_from).filter(|d| *d > crate::model::beginning()),
                    title: format!("{} {}", v.code, v.name),
                    kind: "power_item",
                    id: v.item_id.clone(),
                };
                let covers = v.valid_from <= end && v.valid_to.is_none_or(|t| t > end);
                if covers && v.active && counts(v.org_id.as_str()) {
                    active_items.insert(v.item_id.clone());
                    let r = Some(&record);
                    s.total_items += 1;
                    tally.note("total_items", r);
                    let kind = v.item_type.label();
                    *s.by_type.entry(kind.into()).or_default() += 1;
                    tally.note_in("by_type", kind, r);
                    *s.by_department.entry(v.org_name.clone()).or_default() += 1;
                    tally.note_in("by_department", &v.org_name, r);
                }
                item_ref.insert(v.item_id.clone(), record);
            }
            let resolved = store_stats::resolved_items(&mut conn).await?;
            for item in active_items.iter().filter(|i| !resolved.contains(*i)) {
                s.unresolved_legal_basis += 1;
                tally.note("unresolved_legal_basis", item_ref.get(item));
            }
        } else {
            for c in year_end {
                let n = c.items as usize;
                s.total_items += n;
                *s.by_type.entry(c.item_type.label().into()).or_default() += n;
                *s.by_department.entry(c.org_name).or_default() += n;
                s.unresolved_legal_basis += c.unresolved as usize;
            }
        }
        let item_org: HashMap<String, String> = item_org.into_iter().collect();

        // Adjustments taking effect in the year.
        let (adjustments, touched) = adjustments;
        let mut departments: HashSet<String> = HashSet::new();
        for a in adjustments {
            let record = collecting.then(|| RecordRef {
                date: Some(a.effective_on),
                title: format!("{} {}", a.kind.label(), a.item_code),
                kind: "power_adjustment",
                id: a.id.clone(),
            });
            let r = record.as_ref();
            s.adjustments += a.count as usize;
            tally.note("adjustments", r);
            if touched.is_none() && departments.insert(a.org_id.clone()) {
                let department = collecting.then(|| RecordRef {
                    date: None,
                    title: a.org_name.clone(),
                    kind: "org",
                    id: a.org_id.clone(),
                });
                tally.note("adjusted_departments", department.as_ref());
            }
            *s.adjustments_by_type
                .entry(a.kind.label().into())
                .or_default() += a.count as usize;
            tally.note_in("adjustments_by_type", a.kind.label(), r);
        }
        s.adjusted_departments = touched.map_or(departments.len(), |n| n as usize);

        // Delegations: items reaching 已核准/已下放 in the year; items 拟下放待核准 at year end.
        // An item delegated under two categories counts under the greater category code, so that
        // the records behind a figure (paged in SQL with MAX) are the figure's own.
        let mut delegated: HashMap<String, ItemType> = HashMap::new();
        let mut state_at_end: HashMap<String, (String, ItemType, DelegationState)> = HashMap::new();
        for (delegation, item, category, state, on) in steps {
            if org.is_some() && !item_org.get(&item).is_some_and(|o| counts(o)) {
                continue;
            }
            if matches!(
                state,
                DelegationState::Approved | DelegationState::Delegated
            ) && on >= start
                && on <= end
            {
                greater(&mut delegated, item.clone(), category);
            }
            if on <= end {
                state_at_end.insert(delegation, (item, category, state));
            }
        }
        for (item, category) in &delegated {
            let category = category.label();
            *s.delegated_by_type.entry(category.into()).or_default() += 1;
            tally.note_in("delegated_by_type", category, item_ref.get(item));
            tally.note("delegated_items", item_ref.get(item));
        }
        s.delegated_items = delegated.len();
        let mut pending: HashMap<String, ItemType> = HashMap::new();
        for (item, category, state) in state_at_end.into_values() {
            if state == DelegationState::Proposed {
                greater(&mut pending, item, category);
            }
        }
        for (item, category) in &pending {
            let category = category.label();
            *s.pending_delegations_by_type
                .entry(category.into())
                .or_default() += 1;
            tally.note_in("pending_delegations_by_type", category, item_ref.get(item));
            tally.note("pending_delegations", item_ref.get(item));
        }
        s.pending_delegations = pending.len();

        Ok(s)
    }
}

/// Keeps for `item` the greater of its categories by code (SQL's MAX over the stored codes).
fn greater(map: &mut HashMap<String, ItemType>, item: String, category: ItemType) {
    let kept = map.entry(item).or_insert(category);
    if category.code() > kept.code() {
        *kept = category;
    }
}
