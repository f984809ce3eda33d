//! The `power-adjustments` ledger.

use std::collections::HashSet;

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::Permission;
use ledger::{ImportMode, ImportReport, Record, Rejected, RowError, cell};
use platform::Actor;

use super::ADJUSTMENTS;
use crate::apply;
use crate::model::{Adjustment, AdjustmentId, AdjustmentKind, AdjustmentState};
use crate::{Power, Result, store};
use ledger::RowCheck;

impl Power {
    /// Imports the `power-adjustments` ledger: approved adjustments, applied in date order.
    pub async fn import_adjustments(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.platform
            .require(actor, Permission::WriteRecords, "ledger", ADJUSTMENTS.kind)
            .await?;
        let records = self
            .platform
            .ledger_records(records.into(), &ADJUSTMENTS)
            .await?;
        let records: &[Record] = &records;
        let orgs = self.platform.org_resolver().await?;
        let mut timelines = self.timelines().await?;
        let mut conn = self.platform.db().conn().await?;
        let recorded: HashSet<(String, String, NaiveDate)> =
            store::adjustments(&mut conn, None, None, None)
                .await?
                .into_iter()
                .map(|a| (a.item_code, a.kind.code().to_string(), a.effective_on))
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
            if let Some(c) = &code
                && !timelines.contains_key(c)
            {
                row.fail("事项编码", format!("未知的事项编码“{c}”：请先导入权责清单"));
            }
            let kind = row.check(
                "调整类型",
                cell::required(record.get("调整类型")).and_then(|t| {
                    AdjustmentKind::parse(t)
                        .ok_or_else(|| format!("“{t}”不是调整类型（可选：新增、取消、变更、下放）"))
                }),
            );
            let date = row.check("调整日期", cell::date(record.get("调整日期")));
            let org = row.check(
                "实施主体",
                Self::org_in_row(actor, &orgs, record.get("实施主体")),
            );
            let reason = row.check(
                "调整原因",
                cell::required(record.get("调整原因")).map(str::to_string),
            );
            let basis = row.check(
                "调整依据",
                cell::required(record.get("调整依据")).map(str::to_string),
            );
            if let (
                Some(code),
                Some(kind),
                Some(date),
                Some((org_id, _)),
                Some(reason),
                Some(basis),
                true,
            ) = (code, kind, date, org, reason, basis, row.ok)
            {
                rows.push((record.line, code, kind, date, org_id, reason, basis));
            }
        }
        rows.sort_by_key(|r| (r.3, r.0));
        let mut report = ImportReport {
            kind: ADJUSTMENTS.kind.into(),
            rows: records.len(),
            dry_run: mode.dry_run,
            ..Default::default()
        };
        let mut plans = Vec::new();
        for (line, code, kind, date, org_id, reason, basis) in rows {
            if recorded.contains(&(code.clone(), kind.code().to_string(), date)) {
                report.unchanged += 1;
                continue;
            }
            let timeline = timelines.get_mut(&code).expect("checked above");
            match timeline.apply(kind, date, None, kind.label()) {
                Ok(ops) => {
                    report.created += 1;
                    let adjustment = Adjustment {
                        id: AdjustmentId::generate(),
                        item_id: Some(timeline.item_id.clone()),
                        item_code: code,
                        kind,
                        effective_on: date,
                        org_id,
                        org_name: String::new(),
                        reason,
                        basis,
                        proposal: None,
                        state: AdjustmentState::Approved,
                        source: "台账导入".into(),
                        proposed_by: actor.audit_name(),
                        proposed_at: kernel::time::format_instant(chrono::Utc::now()),
                        reviewed_by: None,
                        review_note: None,
                        decided_by: None,
                        decision_note: None,
                    };
                    plans.push((line, adjustment, ops));
                }
                Err(reason) => errors.push(RowError {
                    line,
                    column: "调整类型".into(),
                    reason,
                }),
            }
        }
        errors.sort_by_key(|e| e.line);
        if !errors.is_empty() && !mode.only_valid {
            return Err(platform::Error::Rejected(Rejected { errors }).into());
        }
        let bad: HashSet<usize> = errors.iter().map(|e| e.line).collect();
        plans.retain(|p| !bad.contains(&p.0));
        report.created = plans.len();
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
                        for (_, a, ops) in &chunk {
                            store::insert_adjustment(tx, a).await?;
                            apply::write(tx, ops).await?;
                            tx.record(
                                Event::new("power_adjustment", a.id.as_str(), "import")
                                    .org(Some(a.org_id.as_str()))
                                    .changes(
                                        Changes::new()
                                            .set("code", &a.item_code)
                                            .set("kind", a.kind.label())
                                            .set("effective_on", store::day(a.effective_on))
                                            .set("reason", &a.reason)
                                            .set("basis", &a.basis),
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
