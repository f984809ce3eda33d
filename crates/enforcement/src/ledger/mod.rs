//! The ledgers of DESIGN §4.4: `enforcement-bodies`, `enforcement-officers`, `enforcement-cases`
//! and `enforcement-inspections`. All-or-nothing unless asked to keep the good rows; every bad row
//! reported with its number, column and reason; importing the same file twice changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::Months;
use db::{Changes, Event};
use kernel::Permission;
use ledger::{
    Column, ImportMode, ImportReport, Layout, Record, Rejected, RowCheck, RowError, cell,
};
use platform::Actor;

use crate::model::{Body, BodyId, BodyKind, CertificateState, Officer, OfficerId};
use crate::{CERTIFICATE_YEARS, Enforcement, Result, store};

mod cases;
mod export;

pub const BODIES: Layout = Layout {
    kind: "enforcement-bodies",
    title: "行政执法主体台账",
    columns: &[
        Column::required("执法主体", "已登记的机构名称"),
        Column::required("主体类型", "法定行政机关、法律法规授权组织、受委托组织").choices(&[
            "法定行政机关",
            "法律法规授权组织",
            "受委托组织",
        ]),
        Column::optional("委托机关", "受委托组织填写委托它的执法主体"),
        Column::required("生效日期", "YYYY-MM-DD"),
        Column::optional("终止日期", "仍在执法的留空"),
        Column::optional("法律依据", "设立或授权、委托的依据"),
        Column::optional(
            "法制审核目录",
            "本主体法制审核目录中须经法制审核的处罚种类，用顿号分隔（在系统设置的种类之外）",
        ),
    ],
};

pub const OFFICERS: Layout = Layout {
    kind: "enforcement-officers",
    title: "行政执法人员台账",
    columns: &[
        Column::required("姓名", "执法人员姓名"),
        Column::required("执法证号", "不得重复"),
        Column::required("执法主体", "已登记的执法主体"),
        Column::required("执法领域", "如 市场监管、综合执法"),
        Column::required("发证日期", "YYYY-MM-DD"),
        Column::optional("有效期至", "YYYY-MM-DD；留空按发证日期起算的有效年限"),
        Column::required("状态", "有效、暂扣、注销").choices(&["有效", "暂扣", "注销"]),
        Column::optional("法制审核人员", "是 或 否").choices(&["是", "否"]),
    ],
};

pub use cases::{CASES, INSPECTIONS};

/// Refuses the file when a row is bad (unless only the good rows are wanted), keeps the good
/// rows' plans, and says what the import does.
pub(crate) fn finish<T>(
    kind: &str,
    rows: usize,
    mode: ImportMode,
    mut errors: Vec<RowError>,
    planned: &mut Vec<(usize, T, bool)>,
    unchanged: usize,
) -> Result<ImportReport> {
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() && !mode.only_valid {
        return Err(platform::Error::Rejected(Rejected { errors }).into());
    }
    let bad: HashSet<usize> = errors.iter().map(|e| e.line).collect();
    planned.retain(|p| !bad.contains(&p.0));
    Ok(ImportReport {
        kind: kind.into(),
        rows,
        created: planned.iter().filter(|p| !p.2).count(),
        updated: planned.iter().filter(|p| p.2).count(),
        unchanged,
        errors,
        dry_run: mode.dry_run,
    })
}

/// Plans one row: unchanged when it equals what is stored, else an update or a new record.
pub(crate) fn plan<T: PartialEq>(
    line: usize,
    new: T,
    existing: Option<&T>,
    planned: &mut Vec<(usize, T, bool)>,
    unchanged: &mut usize,
) {
    match existing {
        Some(e) if *e == new => *unchanged += 1,
        Some(_) => planned.push((line, new, true)),
        None => planned.push((line, new, false)),
    }
}

/// A ledger row ready to be written.
pub(crate) enum Row {
    Body(Body),
    Officer(crate::Officer),
    Case(crate::Case),
    Inspection(crate::Inspection),
}

impl Row {
    /// The audit event of writing the row (`update` or `import`).
    fn event(&self, update: bool) -> Event {
        let action = if update { "update" } else { "import" };
        let (kind, id, org, changes) = match self {
            Row::Body(b) => (
                "enforcement_body",
                b.id.as_str(),
                b.org_id.as_str(),
                Changes::new()
                    .set("org", &b.org_name)
                    .set("kind", b.kind.label()),
            ),
            Row::Officer(o) => (
                "enforcement_officer",
                o.id.as_str(),
                o.org_id.as_str(),
                Changes::new()
                    .set("name", &o.name)
                    .set("certificate", &o.certificate)
                    .set("state", o.state.label()),
            ),
            Row::Case(c) => (
                "enforcement_case",
                c.id.as_str(),
                c.org_id.as_str(),
                Changes::new()
                    .set("number", &c.number)
                    .set("procedure", c.procedure.label())
                    .set("decision", c.decision.map(|d| d.label()).unwrap_or("")),
            ),
            Row::Inspection(i) => (
                "enforcement_inspection",
                i.id.as_str(),
                i.org_id.as_str(),
                Changes::new()
                    .set("number", &i.number)
                    .set("result", i.result.label()),
            ),
        };
        Event::new(kind, id, action).org(Some(org)).changes(changes)
    }
}

/// The registered bodies, by their organisation.
pub(crate) struct Bodies {
    by_org: HashMap<String, Body>,
}

impl Bodies {
    pub(crate) fn new(all: Vec<Body>) -> Bodies {
        Bodies {
            by_org: all.into_iter().map(|b| (b.org_id.to_string(), b)).collect(),
        }
    }

    /// The registered body a row names, within the actor's scope.
    pub(crate) fn named(
        &self,
        orgs: &platform::OrgResolver,
        actor: &Actor,
        name: &str,
    ) -> std::result::Result<&Body, String> {
        let org = orgs.resolve(name)?;
        let body = self.by_org.get(org.id.as_str()).ok_or_else(|| {
            format!(
                "“{}”不是已登记的执法主体：请先导入行政执法主体台账",
                org.name
            )
        })?;
        if !actor.scope.contains(&org.path) {
            return Err(format!("“{}”不在您的管辖范围内", org.name));
        }
        Ok(body)
    }
}

impl Enforcement {
    pub(crate) async fn require_write(&self, actor: &Actor, kind: &str) -> Result<()> {
        Ok(self
            .platform
            .require(actor, Permission::WriteRecords, "ledger", kind)
            .await?)
    }

    /// Writes the planned rows in one transaction, each with its audit event.
    pub(crate) async fn write_planned(
        &self,
        actor: &Actor,
        planned: Vec<(usize, Row, bool)>,
    ) -> Result<()> {
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (_, row, update) in &planned {
                        match row {
                            Row::Body(b) => store::upsert_body(tx, b, *update).await?,
                            Row::Officer(o) => store::upsert_officer(tx, o, *update).await?,
                            Row::Case(c) => store::upsert_case(tx, c, *update, "ledger").await?,
                            Row::Inspection(i) => store::upsert_inspection(tx, i, *update).await?,
                        }
                        tx.record(row.event(*update)).await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(())
    }

    /// Imports the `enforcement-bodies` ledger. A body is one organisation; a 受委托组织 names the
    /// body entrusting it (registered before it, in the file or earlier).
    pub async fn import_bodies(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, BODIES.kind).await?;
        let records = self
            .platform
            .ledger_records(records.into(), &BODIES)
            .await?;
        let records: &[Record] = &records;
        let orgs = self.platform.org_resolver().await?;
        let mut conn = self.platform.db().conn().await?;
        let stored: HashMap<String, Body> = store::bodies(&mut conn)
            .await?
            .into_iter()
            .map(|b| (b.org_id.to_string(), b))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let org = row.check(
                "执法主体",
                cell::required(record.get("执法主体")).and_then(|t| {
                    let org = orgs.resolve(t)?;
                    if !actor.scope.contains(&org.path) {
                        return Err(format!("“{}”不在您的管辖范围内", org.name));
                    }
                    Ok(org.clone())
                }),
            );
            if let Some(o) = &org
                && let Some(first) = seen.insert(o.id.to_string(), record.line)
            {
                row.fail("执法主体", format!("“{}”与第{first}行重复", o.name));
            }
            let kind = row.word(record, "主体类型", BodyKind::parse, &BodyKind::labels());
            let entrusted_by = row.check(
                "委托机关",
                match (kind, cell::optional(record.get("委托机关"))) {
                    (Some(BodyKind::Entrusted), None) => {
                        Err("受委托组织应填写委托它的执法主体".to_string())
                    }
                    (Some(BodyKind::Entrusted), Some(t)) => orgs.resolve(t).and_then(|o| {
                        let registered = stored.contains_key(o.id.as_str())
                            || seen.get(o.id.as_str()).is_some_and(|l| *l < record.line);
                        if !registered {
                            return Err(format!(
                                "委托机关“{}”不是已登记的执法主体（应先于受委托组织登记）",
                                o.name
                            ));
                        }
                        if org.as_ref().is_some_and(|own| own.id == o.id) {
                            return Err("执法主体不能委托自己".into());
                        }
                        Ok(Some(o.id.clone()))
                    }),
                    (_, Some(t)) => Err(format!("只有受委托组织填写委托机关（本行填写了“{t}”）")),
                    (_, None) => Ok(None),
                },
            );
            let effective = row.check("生效日期", cell::date(record.get("生效日期")));
            let ended = row.check("终止日期", cell::optional_date(record.get("终止日期")));
            let review_types = row.check(
                "法制审核目录",
                cases::penalty_types(record.get("法制审核目录")),
            );
            if let (Some(from), Some(Some(to))) = (effective, ended)
                && to < from
            {
                row.fail("终止日期", format!("终止日期{to}早于生效日期{from}"));
            }
            let (
                Some(org),
                Some(kind),
                Some(entrusted_by),
                Some(effective_on),
                Some(ended_on),
                Some(mut review_types),
                true,
            ) = (
                org,
                kind,
                entrusted_by,
                effective,
                ended,
                review_types,
                row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(org.id.as_str());
            if !record.has("法制审核目录") {
                review_types = existing.map(|e| e.review_types.clone()).unwrap_or_default();
            }
            review_types.sort();
            review_types.dedup();
            let b = Body {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(BodyId::generate),
                org_id: org.id.clone(),
                org_name: org.name.clone(),
                kind,
                entrusted_by,
                effective_on,
                ended_on,
                legal_basis: record.get("法律依据").trim().to_string(),
                review_types,
            };
            plan(record.line, b, existing, &mut planned, &mut unchanged);
        }
        let report = finish(
            BODIES.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        let rows = planned.into_iter().map(|(l, r, u)| (l, Row::Body(r), u));
        self.write_planned(actor, rows.collect()).await?;
        Ok(report)
    }

    /// Imports the `enforcement-officers` ledger: one officer per certificate number.
    pub async fn import_officers(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, OFFICERS.kind).await?;
        let records = self
            .platform
            .ledger_records(records.into(), &OFFICERS)
            .await?;
        let records: &[Record] = &records;
        let years: u32 = self.setting_number(&CERTIFICATE_YEARS).await? as u32;
        let orgs = self.platform.org_resolver().await?;
        let mut conn = self.platform.db().conn().await?;
        let bodies = Bodies::new(store::bodies(&mut conn).await?);
        let stored: HashMap<String, Officer> = store::officers(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.certificate.clone(), o))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let name = row.check(
                "姓名",
                cell::required(record.get("姓名")).map(str::to_string),
            );
            let certificate = row.check(
                "执法证号",
                cell::required(record.get("执法证号")).map(str::to_string),
            );
            if let Some(c) = &certificate
                && let Some(first) = seen.insert(c.clone(), record.line)
            {
                row.fail("执法证号", format!("“{c}”与第{first}行重复"));
            }
            let body = row.check(
                "执法主体",
                cell::required(record.get("执法主体"))
                    .and_then(|t| bodies.named(&orgs, actor, t).cloned()),
            );
            let field = row.check(
                "执法领域",
                cell::required(record.get("执法领域")).map(str::to_string),
            );
            let issued = row.check("发证日期", cell::date(record.get("发证日期")));
            let until = row.check("有效期至", cell::optional_date(record.get("有效期至")));
            let until = match (issued, until) {
                (Some(i), Some(Some(u))) if u < i => {
                    row.fail("有效期至", format!("有效期至{u}早于发证日期{i}"));
                    None
                }
                (Some(_), Some(Some(u))) => Some(u),
                (Some(i), Some(None)) => i
                    .checked_add_months(Months::new(12 * years))
                    .and_then(|d| d.pred_opt()),
                _ => None,
            };
            let state = row.word(
                record,
                "状态",
                CertificateState::parse,
                &CertificateState::labels(),
            );
            let reviewer = row.check("法制审核人员", cell::yes_no(record.get("法制审核人员")));
            let (
                Some(name),
                Some(certificate),
                Some(body),
                Some(field),
                Some(issued_on),
                Some(valid_until),
                Some(state),
                Some(legal_reviewer),
                true,
            ) = (
                name,
                certificate,
                body,
                field,
                issued,
                until,
                state,
                reviewer,
                row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(&certificate);
            let o = Officer {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(OfficerId::generate),
                name,
                certificate,
                org_id: body.org_id.clone(),
                body_id: body.id.clone(),
                field,
                issued_on,
                valid_until,
                state,
                legal_reviewer,
            };
            plan(record.line, o, existing, &mut planned, &mut unchanged);
        }
        let report = finish(
            OFFICERS.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        let rows = planned.into_iter().map(|(l, r, u)| (l, Row::Officer(r), u));
        self.write_planned(actor, rows.collect()).await?;
        Ok(report)
    }
}
