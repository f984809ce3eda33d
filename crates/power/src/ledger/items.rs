//! The `power-items` ledger.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::Permission;
use laws::CitingRecord;
use ledger::{ImportMode, ImportReport, Record, Rejected, RowError, cell};
use platform::Actor;

use super::{ITEMS, today};
use crate::apply::{self, Timeline};
use crate::model::{AdjustmentKind, Item, ItemFields, ItemId, ItemType, Level, beginning};
use crate::{Power, Result, store};
use ledger::RowCheck;

impl Power {
    /// Imports the `power-items` ledger; items are in force from `effective` (else from the start
    /// of time for new items, and from today for changed ones).
    pub async fn import_items(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        effective: Option<NaiveDate>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.platform
            .require(actor, Permission::WriteRecords, "ledger", ITEMS.kind)
            .await?;
        let records = self.platform.ledger_records(records.into(), &ITEMS).await?;
        let records: &[Record] = &records;
        let orgs = self.platform.org_resolver().await?;
        let mut timelines = self.timelines().await?;
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut plans: Vec<(usize, String, Vec<apply::Op>, &'static str, Item)> = Vec::new();
        let mut report = ImportReport {
            kind: ITEMS.kind.into(),
            rows: records.len(),
            dry_run: mode.dry_run,
            ..Default::default()
        };
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let code = row.check(
                "事项编码",
                cell::required(record.get("事项编码")).map(str::to_string),
            );
            if let Some(code) = &code {
                if let Some(first) = seen.get(code) {
                    row.fail("事项编码", format!("与第{first}行重复"));
                } else {
                    seen.insert(code.clone(), record.line);
                }
            }
            let name = row.check(
                "事项名称",
                cell::required(record.get("事项名称")).map(str::to_string),
            );
            let item_type = row.check(
                "事项类型",
                cell::required(record.get("事项类型")).and_then(|t| {
                    ItemType::parse(t).ok_or_else(|| {
                        format!(
                            "“{t}”不是事项类型（可选：{}）",
                            ItemType::labels().join("、")
                        )
                    })
                }),
            );
            let org = row.check(
                "实施主体",
                Self::org_in_row(actor, &orgs, record.get("实施主体")),
            );
            let basis = row.check(
                "设定依据",
                cell::required(record.get("设定依据")).map(str::to_string),
            );
            let level = row.check(
                "实施层级",
                cell::required(record.get("实施层级")).and_then(|t| {
                    Level::parse(t).ok_or_else(|| format!("“{t}”应为“区级”或“镇街”"))
                }),
            );
            let (
                Some(code),
                Some(name),
                Some(item_type),
                Some((org_id, org_name)),
                Some(legal_basis),
                Some(level),
                true,
            ) = (code, name, item_type, org, basis, level, row.ok)
            else {
                continue;
            };
            let fields = ItemFields {
                name,
                sub_name: record.get("子项名称").to_string(),
                item_type,
                org_id,
                handling_unit: record.get("承办机构").to_string(),
                legal_basis,
                level,
                responsibilities: record.get("责任事项").to_string(),
                accountability: record.get("追责情形").to_string(),
                note: record.get("备注").to_string(),
            };
            match timelines.get_mut(&code) {
                None => {
                    let mut t = Timeline::new(ItemId::generate(), &code);
                    let ops = t.start(
                        effective.unwrap_or_else(beginning),
                        fields,
                        &org_name,
                        "导入",
                    );
                    let first = t.versions[0].clone();
                    timelines.insert(code.clone(), t);
                    report.created += 1;
                    plans.push((record.line, code, ops, "create", first));
                }
                Some(t) => {
                    let on = effective.unwrap_or_else(today);
                    let current = t.on(on).or(t.versions.last()).cloned();
                    // The same fields again (a cancelled item too: bringing it back is a 新增).
                    if current.as_ref().is_some_and(|c| c.fields == fields) {
                        report.unchanged += 1;
                        continue;
                    }
                    match t.apply(AdjustmentKind::Change, on, Some(fields), "导入变更") {
                        Ok(ops) => {
                            let version = t.on(on).cloned().unwrap_or_else(|| {
                                t.versions
                                    .last()
                                    .cloned()
                                    .expect("a version was just added")
                            });
                            report.updated += 1;
                            plans.push((record.line, code, ops, "update", version));
                        }
                        Err(reason) => errors.push(RowError {
                            line: record.line,
                            column: "事项编码".into(),
                            reason,
                        }),
                    }
                }
            }
        }
        self.finish_import(actor, errors, report, mode, plans).await
    }

    /// Writes planned item versions with their citations, in one transaction.
    async fn finish_import(
        &self,
        actor: &Actor,
        mut errors: Vec<RowError>,
        mut report: ImportReport,
        mode: ImportMode,
        plans: Vec<(usize, String, Vec<apply::Op>, &'static str, Item)>,
    ) -> Result<ImportReport> {
        errors.sort_by_key(|e| e.line);
        if !errors.is_empty() && !mode.only_valid {
            return Err(platform::Error::Rejected(Rejected { errors }).into());
        }
        let bad: HashSet<usize> = errors.iter().map(|e| e.line).collect();
        let plans: Vec<_> = plans.into_iter().filter(|p| !bad.contains(&p.0)).collect();
        if !errors.is_empty() {
            report.created = plans.iter().filter(|p| p.3 == "create").count();
            report.updated = plans.iter().filter(|p| p.3 == "update").count();
        }
        report.errors = errors;
        if mode.dry_run || plans.is_empty() {
            return Ok(report);
        }
        // Each item's legal basis is read against the law base before the write.
        let mut resolver = self.laws.resolver().await?;
        let mut cited = Vec::with_capacity(plans.len());
        for (_, _, _, _, version) in &plans {
            let on = if version.valid_from == beginning() {
                today()
            } else {
                version.valid_from
            };
            let resolved = resolver
                .resolve(&self.laws, &version.fields.legal_basis, on)
                .await?;
            cited.push((on, resolved));
        }
        // One transaction for the whole file (DESIGN: an import is all or nothing): a crash or a
        // dropped request leaves the ledger as it was or wholly imported, never half.
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move { write_items(tx, &plans, &cited).await })
            })
            .await?;
        Ok(report)
    }
}

type Plan = (usize, String, Vec<apply::Op>, &'static str, Item);

/// An import's writes: new items in a few statements, changes to existing ones one by one,
/// each with its citations and its event.
async fn write_items(
    tx: &mut db::Tx,
    chunk: &[Plan],
    cited: &[(NaiveDate, Vec<laws::Resolved>)],
) -> Result<(), db::DbError> {
    let created: Vec<_> = chunk.iter().filter(|p| p.3 == "create").collect();
    let items: Vec<(&ItemId, &str)> = created.iter().map(|p| (&p.4.id, p.1.as_str())).collect();
    let versions: Vec<store::NewVersion<'_>> = created
        .iter()
        .flat_map(|p| p.2.iter())
        .filter_map(|op| match op {
            apply::Op::Insert { version } => Some(store::NewVersion {
                id: version.version_id.clone(),
                item_id: &version.id,
                valid_from: version.valid_from,
                valid_to: version.valid_to,
                active: version.active,
                fields: &version.fields,
                change: &version.change,
            }),
            _ => None,
        })
        .collect();
    store::insert_new_items(tx, &items, &versions).await?;
    for ((_, code, ops, action, version), (on, resolved)) in chunk.iter().zip(cited) {
        if *action != "create" {
            apply::write(tx, ops).await?;
        }
        let record = CitingRecord {
            module: "power",
            record_type: "item",
            record_id: version.id.as_str(),
            org_id: Some(version.fields.org_id.as_str()),
        };
        let basis = &version.fields.legal_basis;
        let mut changes = Changes::new()
            .set("code", code)
            .set("name", &version.fields.name)
            .set("item_type", version.fields.item_type.label())
            .set("valid_from", store::day(version.valid_from))
            .set("legal_basis", basis);
        if *action == "create" {
            // A new item has no citations yet: they go into its own event.
            let references = laws::cite_new_record(tx, record, resolved, *on).await?;
            changes = changes.set("references", references);
        } else {
            laws::cite_record(tx, record, resolved, *on).await?;
        }
        tx.record(
            Event::new("power_item", version.id.as_str(), action)
                .org(Some(version.fields.org_id.as_str()))
                .changes(changes),
        )
        .await?;
    }
    Ok(())
}
