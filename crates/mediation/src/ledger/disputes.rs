//! The `mediation-cases` ledger: disputes, checked against the organisations and the roster.

use std::collections::HashMap;

use db::{Changes, Event};
use ledger::{ImportMode, ImportReport, Record, cell};
use platform::Actor;

use super::{CASES, finish};
use crate::model::{
    AgreementForm, Dispute, DisputeId, DisputeType, MediatorId, Organization, Outcome, Source,
};
use crate::{Mediation, Result, rules, store};
use ledger::RowCheck;

impl Mediation {
    /// Imports the `mediation-cases` ledger.
    pub async fn import_disputes(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, CASES.kind).await?;
        let records = self.platform.ledger_records(records.into(), &CASES).await?;
        let records: &[Record] = &records;
        let mut conn = self.platform.db().conn().await?;
        let organizations: HashMap<String, Organization> = store::organizations(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.name.clone(), o))
            .collect();
        let mediators: HashMap<(String, String), MediatorId> = store::mediators(&mut conn)
            .await?
            .into_iter()
            .map(|m| ((m.organization_id.to_string(), m.name), m.id))
            .collect();
        let stored: HashMap<String, store::StoredKey> =
            store::dispute_keys(&mut conn).await?.into_iter().collect();
        drop(conn);
        let towns = self.town_paths().await?;
        let today = kernel::time::china_today();
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let number = row.check(
                "纠纷编号",
                cell::required(record.get("纠纷编号")).map(str::to_string),
            );
            if let Some(n) = &number
                && let Some(first) = seen.insert(n.clone(), record.line)
            {
                row.fail("纠纷编号", format!("纠纷编号“{n}”与第{first}行重复"));
            }
            let received = row.check("受理日期", cell::date(record.get("受理日期")));
            if let Some(r) = received
                && r > today
            {
                row.fail("受理日期", format!("{r}晚于今天"));
            }
            let dispute_type = row.word(
                record,
                "纠纷类型",
                DisputeType::parse,
                &DisputeType::labels(),
            );
            let source = row.word(record, "来源", Source::parse, &Source::labels());
            let org = row.check(
                "调解组织",
                cell::required(record.get("调解组织")).and_then(|t| {
                    let o = organizations
                        .get(t)
                        .ok_or_else(|| format!("未登记的调解组织“{t}”：请先导入调解组织台账"))?;
                    let path = towns
                        .get(o.town_id.as_str())
                        .map(String::as_str)
                        .unwrap_or("");
                    if !actor.scope.contains(path) {
                        return Err(format!("“{t}”不在您的管辖范围内"));
                    }
                    Ok(o.clone())
                }),
            );
            let mediator = match (&org, cell::optional(record.get("调解员"))) {
                (Some(o), Some(name)) => row.check(
                    "调解员",
                    mediators
                        .get(&(o.id.to_string(), name.to_string()))
                        .cloned()
                        .map(Some)
                        .ok_or_else(|| format!("“{name}”不在“{}”的调解员名册上", o.name)),
                ),
                _ => Some(None),
            };
            let outcome = row.word(record, "调解结果", Outcome::parse, &Outcome::labels());
            let concluded = row.check("结案日期", cell::optional_date(record.get("结案日期")));
            let agreement = row.check(
                "协议形式",
                match cell::optional(record.get("协议形式")) {
                    None => Ok(None),
                    Some(t) => AgreementForm::parse(t)
                        .map(Some)
                        .ok_or_else(|| format!("“{t}”不是可选值（可选：书面、口头）")),
                },
            );
            let confirmed = row.check("是否司法确认", cell::yes_no(record.get("是否司法确认")));
            if let (Some(r), Some(o), Some(c), Some(a), Some(j)) =
                (received, outcome, concluded, agreement, confirmed)
                && let Err(errs) = rules::check_conclusion(r, o, c, a, j)
            {
                for (column, reason) in errs {
                    row.fail(column, reason);
                }
            }
            let (
                Some(number),
                Some(received),
                Some(dispute_type),
                Some(source),
                Some(org),
                Some(mediator),
                Some(outcome),
                Some(concluded),
                Some(agreement),
                Some(confirmed),
                true,
            ) = (
                number,
                received,
                dispute_type,
                source,
                org,
                mediator,
                outcome,
                concluded,
                agreement,
                confirmed,
                row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(&number);
            // 当事人 and 纠纷简要情况 are optional columns: a file without them keeps what is
            // recorded.
            let kept = |column: &str, stored: Option<&String>| {
                if record.has(column) {
                    record.get(column).to_string()
                } else {
                    stored.cloned().unwrap_or_default()
                }
            };
            let parties = kept("当事人", existing.map(|e| &e.parties));
            let summary = kept("纠纷简要情况", existing.map(|e| &e.summary));
            let d = Dispute {
                id: existing
                    .map(|e| DisputeId::from_stored(e.id.clone()))
                    .unwrap_or_else(DisputeId::generate),
                number,
                received_on: received,
                dispute_type,
                source,
                organization_id: org.id.clone(),
                organization_name: org.name.clone(),
                mediator_id: mediator,
                mediator_name: String::new(),
                outcome,
                concluded_on: concluded,
                agreement,
                judicial_confirmation: confirmed,
                parties,
                summary,
                source_kind: "台账导入".into(),
                agreement_content: String::new(),
            };
            match existing {
                Some(e)
                    if e.key == store::dispute_key(&d)
                        && e.parties == d.parties
                        && e.summary == d.summary =>
                {
                    unchanged += 1
                }
                Some(_) => planned.push((record.line, (d, org.town_id.clone()), true)),
                None => planned.push((record.line, (d, org.town_id.clone()), false)),
            }
        }
        let report = finish(
            CASES.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        // One transaction for the whole file (DESIGN: an import is all or nothing): a crash or a
        // dropped request leaves the ledger as it was or wholly imported, never half.
        {
            let chunk = planned;
            self.platform
                .db()
                .write(&actor.who(), move |tx| {
                    Box::pin(async move {
                        for (_, (d, town), update) in &chunk {
                            store::upsert_dispute(tx, d, town, *update).await?;
                            tx.record(
                                Event::new(
                                    "mediation_dispute",
                                    d.id.as_str(),
                                    if *update { "update" } else { "import" },
                                )
                                .org(Some(town.as_str()))
                                .changes(
                                    Changes::new()
                                        .set("number", &d.number)
                                        .set("received_on", store::day(d.received_on))
                                        .set("outcome", d.outcome.label()),
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
