//! Applying a dated change to an item's timeline of versions. The same code checks a ledger row
//! (in memory, before anything is written) and writes it (the operations it returns).

use chrono::NaiveDate;
use db::Tx;

use crate::model::{AdjustmentKind, Item, ItemFields, ItemId, ItemVersionId, beginning};
use crate::rules;
use crate::store::{self, NewVersion};

/// One write the change needs.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Ends a version on a date (or reopens it).
    SetEnd {
        version: ItemVersionId,
        to: Option<NaiveDate>,
    },
    /// Moves the start of the first version (a 新增 of an item listed "from the start of time").
    SetStart {
        version: ItemVersionId,
        from: NaiveDate,
    },
    Insert {
        version: Box<Item>,
    },
}

/// An item's versions, oldest first.
#[derive(Clone, Debug)]
pub(crate) struct Timeline {
    pub item_id: ItemId,
    pub code: String,
    pub versions: Vec<Item>,
}

impl Timeline {
    pub fn new(item_id: ItemId, code: &str) -> Timeline {
        Timeline {
            item_id,
            code: code.to_string(),
            versions: Vec::new(),
        }
    }

    fn covering_index(&self, on: NaiveDate) -> Option<usize> {
        self.versions
            .iter()
            .position(|v| v.valid_from <= on && v.valid_to.is_none_or(|t| t > on))
    }

    pub fn on(&self, on: NaiveDate) -> Option<&Item> {
        self.covering_index(on).map(|i| &self.versions[i])
    }

    pub fn active_on(&self, on: NaiveDate) -> bool {
        self.on(on).is_some_and(|v| v.active)
    }

    fn version(
        &self,
        template: &Item,
        from: NaiveDate,
        to: Option<NaiveDate>,
        active: bool,
        fields: ItemFields,
        change: &str,
    ) -> Item {
        Item {
            id: self.item_id.clone(),
            code: self.code.clone(),
            version_id: ItemVersionId::generate(),
            valid_from: from,
            valid_to: to,
            active,
            fields,
            org_name: template.org_name.clone(),
            change: change.to_string(),
        }
    }

    /// A new item's first version.
    pub fn start(
        &mut self,
        from: NaiveDate,
        fields: ItemFields,
        org_name: &str,
        change: &str,
    ) -> Vec<Op> {
        let version = Item {
            id: self.item_id.clone(),
            code: self.code.clone(),
            version_id: ItemVersionId::generate(),
            valid_from: from,
            valid_to: None,
            active: true,
            fields,
            org_name: org_name.to_string(),
            change: change.to_string(),
        };
        self.versions.push(version.clone());
        vec![Op::Insert {
            version: Box::new(version),
        }]
    }

    /// Applies an adjustment of `kind` on `on`; `fields` are the new fields of a 变更 or 新增.
    pub fn apply(
        &mut self,
        kind: AdjustmentKind,
        on: NaiveDate,
        fields: Option<ItemFields>,
        change: &str,
    ) -> Result<Vec<Op>, String> {
        // A 新增 of an item listed "from the start of time" moves its start.
        if kind == AdjustmentKind::Add
            && self.versions.len() == 1
            && self.versions[0].valid_from == beginning()
            && self.versions[0].active
        {
            let first = &mut self.versions[0];
            first.valid_from = on;
            if let Some(f) = fields {
                first.fields = f;
            }
            return Ok(vec![Op::SetStart {
                version: first.version_id.clone(),
                from: on,
            }]);
        }
        rules::fits(kind, self.active_on(on))?;
        if kind == AdjustmentKind::Delegate {
            return Ok(Vec::new()); // recorded as an adjustment; the delegation carries it
        }
        let Some(index) = self.covering_index(on) else {
            // 新增 after the item left the list (or before it ever was): a version from `on`.
            let next_start = self
                .versions
                .iter()
                .map(|v| v.valid_from)
                .filter(|f| *f > on)
                .min();
            let template = self
                .versions
                .last()
                .cloned()
                .ok_or("该事项没有任何版本，不能新增（请用权责清单导入新事项）")?;
            let version = self.version(
                &template,
                on,
                next_start,
                true,
                fields.unwrap_or(template.fields.clone()),
                change,
            );
            self.versions.push(version.clone());
            self.versions.sort_by_key(|v| v.valid_from);
            return Ok(vec![Op::Insert {
                version: Box::new(version),
            }]);
        };
        let current = self.versions[index].clone();
        let (active, new_fields) = match kind {
            AdjustmentKind::Cancel => (false, current.fields.clone()),
            _ => (true, fields.unwrap_or_else(|| current.fields.clone())),
        };
        let version = self.version(&current, on, current.valid_to, active, new_fields, change);
        self.versions[index].valid_to = Some(on);
        self.versions.push(version.clone());
        self.versions.sort_by_key(|v| v.valid_from);
        Ok(vec![
            Op::SetEnd {
                version: current.version_id,
                to: Some(on),
            },
            Op::Insert {
                version: Box::new(version),
            },
        ])
    }
}

/// Writes the operations of a change.
pub(crate) async fn write(tx: &mut Tx, ops: &[Op]) -> Result<(), db::DbError> {
    for op in ops {
        match op {
            Op::SetEnd { version, to } => store::set_valid_to(tx, version, *to).await?,
            Op::SetStart { version, from } => store::set_valid_from(tx, version, *from).await?,
            Op::Insert { version } => {
                let v = NewVersion {
                    id: version.version_id.clone(),
                    item_id: &version.id,
                    valid_from: version.valid_from,
                    valid_to: version.valid_to,
                    active: version.active,
                    fields: &version.fields,
                    change: &version.change,
                };
                store::insert_version(tx, &v).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ItemType, Level};
    use kernel::ids::OrgId;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(name: &str) -> ItemFields {
        ItemFields {
            name: name.into(),
            sub_name: String::new(),
            item_type: ItemType::Penalty,
            org_id: OrgId::from_stored("o"),
            handling_unit: String::new(),
            legal_basis: String::new(),
            level: Level::District,
            responsibilities: String::new(),
            accountability: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn a_timeline_answers_for_every_date() {
        let mut t = Timeline::new(ItemId::generate(), "E1");
        t.start(beginning(), fields("甲"), "局", "导入");
        assert!(t.active_on(d("2019-01-01")));
        t.apply(
            AdjustmentKind::Change,
            d("2020-07-01"),
            Some(fields("乙")),
            "变更",
        )
        .unwrap();
        assert_eq!(t.on(d("2020-06-30")).unwrap().fields.name, "甲");
        assert_eq!(t.on(d("2020-07-01")).unwrap().fields.name, "乙");
        t.apply(AdjustmentKind::Cancel, d("2020-09-01"), None, "取消")
            .unwrap();
        assert!(t.active_on(d("2020-08-31")) && !t.active_on(d("2020-09-01")));
        assert!(
            t.apply(AdjustmentKind::Change, d("2020-10-01"), None, "变更")
                .is_err(),
            "cancelled"
        );
        t.apply(AdjustmentKind::Add, d("2021-01-01"), None, "新增")
            .unwrap();
        assert!(t.active_on(d("2021-06-01")));
        assert_eq!(t.versions.len(), 4);
    }

    #[test]
    fn adding_an_item_listed_from_the_start_of_time_moves_its_start() {
        let mut t = Timeline::new(ItemId::generate(), "E1");
        t.start(beginning(), fields("甲"), "局", "导入");
        let ops = t
            .apply(AdjustmentKind::Add, d("2020-03-01"), None, "新增")
            .unwrap();
        assert!(matches!(ops[0], Op::SetStart { .. }));
        assert!(!t.active_on(d("2020-02-29")) && t.active_on(d("2020-03-01")));
    }
}
