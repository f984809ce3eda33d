//! The `power-delegations` ledger.

use std::collections::{HashMap, HashSet};

use db::{Changes, Event};
use kernel::DocNumber;
use kernel::Permission;
use ledger::{ImportMode, ImportReport, Record, Rejected, RowError, cell};
use platform::Actor;

use super::DELEGATIONS;
use crate::model::{ALL_TOWNS, Delegation, DelegationId, DelegationState, ItemType};
use crate::{Power, Result, rules, store};
use ledger::RowCheck;

impl Power {
    /// Imports the `power-delegations` ledger, in date order: a row for an item and town already
    /// delegated moves that delegation to the row's state.
    pub async fn import_delegations(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.platform
            .require(actor, Permission::WriteRecords, "ledger", DELEGATIONS.kind)
            .await?;
        let records = self
            .platform
            .ledger_records(records.into(), &DELEGATIONS)
            .await?;
        let records: &[Record] = &records;
        let orgs = self.platform.org_resolver().await?;
        let timelines = self.timelines().await?;
        let mut conn = self.platform.db().conn().await?;
        let mut existing: HashMap<(String, Option<String>), Delegation> =
            store::delegations(&mut conn, None)
                .await?
                .into_iter()
                .map(|d| {
                    (
                        (
                            d.item_id.to_string(),
                            d.town_id.as_ref().map(|t| t.to_string()),
                        ),
                        d,
                    )
                })
                .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut rows = Vec::new();
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let code = row.check(
                "事项编码",
                cell::required(record.get("事项编码")).map(str::to_string),
            );
            let timeline = code.as_ref().and_then(|c| timelines.get(c));
            if let (Some(c), None) = (&code, timeline) {
                row.fail("事项编码", format!("未知的事项编码“{c}”：请先导入权责清单"));
            }
            let town = row.check(
                "承接主体",
                match cell::required(record.get("承接主体")) {
                    Ok(t) if t == ALL_TOWNS || t == "各镇(街道)" || t == "各镇街" => {
                        Ok(None)
                    }
                    Ok(t) => orgs.resolve(t).and_then(|o| {
                        if o.kind.is_town_or_street() {
                            Ok(Some((o.id.clone(), o.name.clone())))
                        } else {
                            Err(format!("“{}”不是镇或街道", o.name))
                        }
                    }),
                    Err(e) => Err(e),
                },
            );
            let category = row.check(
                "下放类别",
                cell::required(record.get("下放类别"))
                    .and_then(|t| ItemType::parse(t).ok_or_else(|| format!("“{t}”不是事项类型"))),
            );
            if let (Some(c), Some(t)) = (category, timeline) {
                let own = t.versions.last().map(|v| v.fields.item_type);
                if own.is_some_and(|o| o != c) {
                    row.fail(
                        "下放类别",
                        format!(
                            "与该事项的事项类型“{}”不符",
                            own.map(|o| o.label()).unwrap_or_default()
                        ),
                    );
                }
            }
            let state = row.check(
                "状态",
                cell::required(record.get("状态")).and_then(|t| {
                    DelegationState::parse(t).ok_or_else(|| {
                        format!("“{t}”不是赋权状态（可选：拟下放待核准、已核准、已下放、已撤回）")
                    })
                }),
            );
            let doc = row.check(
                "批次文号",
                cell::required(record.get("批次文号"))
                    .and_then(|t| DocNumber::parse(t).map_err(|e| e.to_string())),
            );
            let date = row.check("日期", cell::date(record.get("日期")));
            if let (Some(t), Some(town), Some(category), Some(state), Some(doc), Some(date), true) =
                (timeline, town, category, state, doc, date, row.ok)
            {
                rows.push((
                    record.line,
                    t.item_id.clone(),
                    t.code.clone(),
                    town,
                    category,
                    state,
                    doc.to_string(),
                    date,
                ));
            }
        }
        rows.sort_by_key(|r| (r.7, r.0));
        let mut report = ImportReport {
            kind: DELEGATIONS.kind.into(),
            rows: records.len(),
            dry_run: mode.dry_run,
            ..Default::default()
        };
        // (line, delegation, new?)
        let mut plans: Vec<(usize, Delegation, bool)> = Vec::new();
        for (line, item_id, code, town, category, state, doc, date) in rows {
            let key = (item_id.to_string(), town.as_ref().map(|t| t.0.to_string()));
            match existing.get_mut(&key) {
                Some(d) if d.state == state => report.unchanged += 1,
                Some(d) => match rules::delegation_step(d.state, d.state_on, state, date) {
                    Ok(()) => {
                        d.state = state;
                        d.state_on = date;
                        d.batch_doc = doc;
                        report.updated += 1;
                        plans.push((line, d.clone(), false));
                    }
                    Err(reason) => errors.push(RowError {
                        line,
                        column: "状态".into(),
                        reason,
                    }),
                },
                None => {
                    let d = Delegation {
                        id: DelegationId::generate(),
                        item_id,
                        item_code: code,
                        town_id: town.as_ref().map(|t| t.0.clone()),
                        town_name: town.map(|t| t.1),
                        category,
                        batch_doc: doc,
                        state,
                        state_on: date,
                    };
                    existing.insert(key, d.clone());
                    report.created += 1;
                    plans.push((line, d, true));
                }
            }
        }
        errors.sort_by_key(|e| e.line);
        if !errors.is_empty() && !mode.only_valid {
            return Err(platform::Error::Rejected(Rejected { errors }).into());
        }
        let bad: HashSet<usize> = errors.iter().map(|e| e.line).collect();
        plans.retain(|p| !bad.contains(&p.0));
        report.errors = errors;
        if mode.dry_run || plans.is_empty() {
            return Ok(report);
        }
        // One transaction for the whole file (DESIGN: an import is all or nothing).
        {
            let chunk = plans;
            self.platform
                .db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                        for (_, d, new) in &chunk {
                            if *new {
                                store::insert_delegation(tx, d).await?;
                            } else {
                                store::set_delegation_state(
                                    tx,
                                    &d.id,
                                    d.state,
                                    d.state_on,
                                    &d.batch_doc,
                                )
                                .await?;
                            }
                            tx.record(
                                Event::new(
                                    "power_delegation",
                                    d.id.as_str(),
                                    if *new { "import" } else { "state" },
                                )
                                .changes(
                                    Changes::new()
                                        .set("code", &d.item_code)
                                        .set(
                                            "town",
                                            d.town_name.clone().unwrap_or_else(|| ALL_TOWNS.into()),
                                        )
                                        .set("state", d.state.label())
                                        .set("state_on", store::day(d.state_on))
                                        .set("batch_doc", &d.batch_doc),
                                ),
                            )
                            .await?;
                        }
                        Ok::<_, db::DbError>(())
                    })
                })
                .await?;
        }
        Ok(report)
    }
}
