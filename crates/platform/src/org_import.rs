//! The `organizations` ledger (DESIGN §4.4): 名称, 类型, 上级, 行政区划代码, 统一社会信用代码.
//!
//! An import is all-or-nothing unless asked to keep the good rows: every row is checked first
//! (each bad row reported with its number, column and reason), then everything is written in one
//! transaction with an audit event per organisation. Parents may be existing organisations or rows
//! of the same file, in any order. Importing the same file twice changes nothing.

use std::collections::HashMap;

use db::Tx;
use kernel::ids::OrgId;
use kernel::{DivisionCode, OrgKind, Permission, Uscc};
use ledger::{Column, ImportMode, ImportReport, Layout, Record, Rejected, RowError};

use crate::orgs::{all_orgs, check_name, insert_org, update_fields};
use crate::{Actor, Org, Platform, Result};

pub const ORGANIZATIONS: Layout = Layout {
    kind: "organizations",
    title: "机构",
    columns: &[
        Column::required("名称", "机构全称；同一上级下不得重名，不含“/”"),
        Column::required("类型", "省 / 市 / 区 / 县 / 部门 / 镇 / 街道 / 科室 / 其他")
            .choices(&["省", "市", "区", "县", "部门", "镇", "街道", "科室", "其他"]),
        Column::optional(
            "上级",
            "上级机构的名称，顶层机构留空；名称不唯一时写路径，如 新北区/司法局",
        ),
        Column::optional("行政区划代码", "GB/T 2260 六位代码，可空"),
        Column::optional("统一社会信用代码", "GB 32100 十八位代码，可空"),
    ],
};

/// Every organisation `reference` could mean: a name, or a path whose last segments are the
/// names of the organisation and its nearest ancestors (新北区/司法局).
fn candidates<'a>(
    world: &'a [Org],
    by_id: &HashMap<&str, &'a Org>,
    reference: &str,
) -> Vec<&'a Org> {
    let segments: Vec<&str> = reference
        .split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let Some((last, above)) = segments.split_last() else {
        return Vec::new();
    };
    world
        .iter()
        .filter(|o| o.name == *last)
        .filter(|o| {
            let mut current = o
                .parent_id
                .as_ref()
                .and_then(|p| by_id.get(p.as_str()).copied());
            for name in above.iter().rev() {
                match current {
                    Some(c) if c.name == *name => {
                        current = c
                            .parent_id
                            .as_ref()
                            .and_then(|p| by_id.get(p.as_str()).copied())
                    }
                    _ => return false,
                }
            }
            true
        })
        .collect()
}

/// The one organisation `reference` names, or why there is not exactly one.
pub(crate) fn resolve_in<'a>(world: &'a [Org], reference: &str) -> Result<&'a Org, String> {
    let by_id: HashMap<&str, &Org> = world.iter().map(|o| (o.id.as_str(), o)).collect();
    match candidates(world, &by_id, reference).as_slice() {
        [one] => Ok(one),
        [] => Err(format!("机构“{reference}”不存在")),
        many => Err(format!(
            "机构名称“{reference}”不唯一（共{}个），请写成路径，如“{}”",
            many.len(),
            unique_reference(world, many[0])
        )),
    }
}

/// The shortest way to name `org` unambiguously: its name, or a path ending in it.
pub(crate) fn unique_reference(world: &[Org], org: &Org) -> String {
    let by_id: HashMap<&str, &Org> = world.iter().map(|o| (o.id.as_str(), o)).collect();
    let mut names = vec![org.name.clone()];
    let mut current = org
        .parent_id
        .as_ref()
        .and_then(|p| by_id.get(p.as_str()).copied());
    loop {
        let reference = names.iter().rev().cloned().collect::<Vec<_>>().join("/");
        let Some(c) = current.filter(|_| candidates(world, &by_id, &reference).len() > 1) else {
            return reference;
        };
        names.push(c.name.clone());
        current = c
            .parent_id
            .as_ref()
            .and_then(|p| by_id.get(p.as_str()).copied());
    }
}

/// A checked row, before its parent is found.
struct Row {
    line: usize,
    name: String,
    kind: OrgKind,
    parent: Option<String>,
    division_code: Option<String>,
    uscc: Option<String>,
}

enum Plan {
    Create(Org),
    Update(Org, Org),
    Unchanged,
}

fn parse_row(record: &Record, errors: &mut Vec<RowError>) -> Option<Row> {
    let line = record.line;
    let mut ok = true;
    let mut fail = |column: &str, reason: String| {
        errors.push(RowError {
            line,
            column: column.into(),
            reason,
        });
        ok = false;
    };
    let name = check_name(record.get("名称"))
        .map_err(|e| fail("名称", e))
        .ok();
    let kind = match record.get("类型") {
        "" => {
            fail("类型", "不能为空".into());
            None
        }
        text => OrgKind::from_label(text).or_else(|| {
            fail(
                "类型",
                format!("“{text}”不是机构类型（可选：省、市、区、县、部门、镇、街道、科室、其他）"),
            );
            None
        }),
    };
    let division_code = ledger::cell::optional(record.get("行政区划代码"))
        .map(|t| {
            DivisionCode::parse(t)
                .map(|d| d.to_string())
                .map_err(|e| fail("行政区划代码", e.to_string()))
        })
        .transpose()
        .ok()
        .flatten();
    let uscc = ledger::cell::optional(record.get("统一社会信用代码"))
        .map(|t| {
            Uscc::parse(t)
                .map(|u| u.to_string())
                .map_err(|e| fail("统一社会信用代码", e.to_string()))
        })
        .transpose()
        .ok()
        .flatten();
    let parent = ledger::cell::optional(record.get("上级")).map(str::to_string);
    match (ok, name, kind) {
        (true, Some(name), Some(kind)) => Some(Row {
            line,
            name,
            kind,
            parent,
            division_code,
            uscc,
        }),
        _ => None,
    }
}

impl Platform {
    /// Imports the `organizations` ledger.
    pub async fn import_orgs(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require(
            actor,
            Permission::ManageOrganisations,
            "ledger",
            ORGANIZATIONS.kind,
        )
        .await?;
        let records = self.ledger_records(records.into(), &ORGANIZATIONS).await?;
        let records: &[Record] = &records;
        let mut world = all_orgs(&mut self.db.conn().await?).await?;

        let mut errors = Vec::new();
        let mut pending: Vec<Row> = records
            .iter()
            .filter_map(|r| parse_row(r, &mut errors))
            .collect();
        // Names of rows refused before placing, to explain children whose parent is among them.
        let refused: HashMap<String, usize> = records
            .iter()
            .filter(|r| errors.iter().any(|e| e.line == r.line))
            .map(|r| (r.get("名称").to_string(), r.line))
            .collect();
        let mut plans: Vec<(usize, Plan, Option<String>, Option<OrgId>)> = Vec::new();
        let mut placed_lines: HashMap<(Option<OrgId>, String), usize> = HashMap::new();
        // Place rows whose parent is known; repeat while that makes progress (parents may come
        // later in the file).
        loop {
            let before = pending.len();
            let mut still = Vec::new();
            for row in pending {
                let parent = match &row.parent {
                    None => None,
                    Some(reference) => match resolve_in(&world, reference) {
                        Ok(p) => Some(p.clone()),
                        Err(_) => {
                            still.push(row);
                            continue;
                        }
                    },
                };
                match self.plan_row(actor, &world, &row, parent.as_ref()) {
                    Err(reason) => errors.push(RowError {
                        line: row.line,
                        column: reason.0.into(),
                        reason: reason.1,
                    }),
                    Ok(plan) => {
                        let key = (parent.as_ref().map(|p| p.id.clone()), row.name.clone());
                        if let Some(first) = placed_lines.get(&key) {
                            errors.push(RowError {
                                line: row.line,
                                column: "名称".into(),
                                reason: format!("与第{first}行重复（同一上级下的同名机构）"),
                            });
                            continue;
                        }
                        placed_lines.insert(key, row.line);
                        match &plan {
                            Plan::Create(org) => world.push(org.clone()),
                            Plan::Update(_, new) => {
                                if let Some(o) = world.iter_mut().find(|o| o.id == new.id) {
                                    *o = new.clone();
                                }
                            }
                            Plan::Unchanged => {}
                        }
                        plans.push((row.line, plan, row.parent.clone(), parent.map(|p| p.id)));
                    }
                }
            }
            pending = still;
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        for row in pending {
            let reference = row.parent.clone().unwrap_or_default();
            let last = reference.rsplit('/').next().unwrap_or_default().trim();
            let reason = match refused.get(last) {
                Some(line) => format!("上级机构“{reference}”在第{line}行，该行有错误"),
                None => resolve_in(&world, &reference)
                    .err()
                    .unwrap_or_else(|| format!("上级机构“{reference}”不存在")),
            };
            errors.push(RowError {
                line: row.line,
                column: "上级".into(),
                reason,
            });
        }
        // A reference that was unique when placed must still be unique with the whole file in.
        for (line, _, reference, parent_id) in &plans {
            if let Some(reference) = reference {
                match resolve_in(&world, reference) {
                    Ok(p) if Some(&p.id) == parent_id.as_ref() => {}
                    Ok(_) | Err(_) => errors.push(RowError {
                        line: *line,
                        column: "上级".into(),
                        reason: resolve_in(&world, reference).err().unwrap_or_else(|| {
                            format!("上级“{reference}”指向的机构不唯一，请写成路径")
                        }),
                    }),
                }
            }
        }
        errors.sort_by_key(|e| e.line);
        if !errors.is_empty() && !mode.only_valid {
            return Err(Rejected { errors }.into());
        }
        let bad: std::collections::HashSet<usize> = errors.iter().map(|e| e.line).collect();
        let mut report = ImportReport {
            kind: ORGANIZATIONS.kind.into(),
            rows: records.len(),
            dry_run: mode.dry_run,
            ..Default::default()
        };
        let good: Vec<Plan> = plans
            .into_iter()
            .filter(|(line, ..)| !bad.contains(line))
            .map(|(_, p, ..)| p)
            .collect();
        for plan in &good {
            match plan {
                Plan::Create(_) => report.created += 1,
                Plan::Update(..) => report.updated += 1,
                Plan::Unchanged => report.unchanged += 1,
            }
        }
        report.errors = errors;
        if mode.dry_run || report.created + report.updated == 0 {
            return Ok(report);
        }
        self.db
            .write(&actor.who(), move |tx| {
                Box::pin(async move { write_plans(tx, &good).await })
            })
            .await?;
        Ok(report)
    }

    /// What a row does: create, update or nothing; or (column, reason) why it cannot.
    fn plan_row(
        &self,
        actor: &Actor,
        world: &[Org],
        row: &Row,
        parent: Option<&Org>,
    ) -> Result<Plan, (&'static str, String)> {
        if let Some(p) = parent {
            if !actor.scope.contains(&p.path) {
                return Err(("上级", format!("“{}”不在您的管辖范围内", p.name)));
            }
        } else if actor.scope != crate::Scope::Everything {
            return Err(("上级", "只有命令行可以导入顶层机构，请填写上级".into()));
        }
        row.kind
            .check_parent(parent.map(|p| p.kind))
            .map_err(|e| ("类型", format!("{e}（机构层级规则）")))?;
        let parent_id = parent.map(|p| p.id.clone());
        let existing = world
            .iter()
            .find(|o| o.parent_id == parent_id && o.name == row.name);
        match existing {
            Some(old) => {
                let mut new = old.clone();
                new.kind = row.kind;
                // An empty code cell leaves a recorded code as it is.
                if row.division_code.is_some() {
                    new.division_code = row.division_code.clone();
                }
                if row.uscc.is_some() {
                    new.uscc = row.uscc.clone();
                }
                Ok(if &new == old {
                    Plan::Unchanged
                } else {
                    Plan::Update(old.clone(), new)
                })
            }
            None => {
                let id = OrgId::generate();
                let (path, depth) = match parent {
                    Some(p) => (format!("{}{id}/", p.path), p.depth + 1),
                    None => (format!("/{id}/"), 0),
                };
                Ok(Plan::Create(Org {
                    id,
                    name: row.name.clone(),
                    kind: row.kind,
                    parent_id,
                    path,
                    depth,
                    division_code: row.division_code.clone(),
                    uscc: row.uscc.clone(),
                }))
            }
        }
    }

    /// The `organizations` ledger of the actor's scope, in tree order.
    pub async fn export_orgs(&self, actor: &Actor) -> Result<Vec<Vec<String>>> {
        self.require(
            actor,
            Permission::ManageOrganisations,
            "ledger",
            ORGANIZATIONS.kind,
        )
        .await?;
        let world = all_orgs(&mut self.db.conn().await?).await?;
        let by_id: HashMap<&str, &Org> = world.iter().map(|o| (o.id.as_str(), o)).collect();
        let rows = world
            .iter()
            .filter(|o| actor.scope.contains(&o.path))
            .map(|o| {
                let parent = o
                    .parent_id
                    .as_ref()
                    .and_then(|p| by_id.get(p.as_str()))
                    .map(|p| unique_reference(&world, p))
                    .unwrap_or_default();
                vec![
                    o.name.clone(),
                    o.kind.label().to_string(),
                    parent,
                    o.division_code.clone().unwrap_or_default(),
                    o.uscc.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let event = db::Event::new("ledger", ORGANIZATIONS.kind, "export");
        self.db.record(&actor.who(), event).await?;
        Ok(rows)
    }
}

async fn write_plans(tx: &mut Tx, plans: &[Plan]) -> Result<(), db::DbError> {
    for plan in plans {
        match plan {
            Plan::Create(org) => insert_org(tx, org).await?,
            Plan::Update(old, new) => update_fields(tx, old, new).await?,
            Plan::Unchanged => {}
        }
    }
    Ok(())
}
