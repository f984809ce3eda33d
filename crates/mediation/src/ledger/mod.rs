//! The ledgers of DESIGN §4.4: `mediation-organizations`, `mediators` (人民调解员名册),
//! `mediation-cases`. All-or-nothing unless asked to keep the good rows; every bad row reported
//! with its number, column and reason; importing the same file twice changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use kernel::Permission;
use ledger::{
    Column, ImportMode, ImportReport, Layout, Record, Rejected, RowCheck, RowError, cell,
};
use platform::Actor;

use crate::model::{
    Employment, Mediator, MediatorId, Organization, OrganizationId, OrganizationKind, Sex,
};
use crate::{Mediation, Result, store};

mod disputes;

pub const ORGANIZATIONS: Layout = Layout {
    kind: "mediation-organizations",
    title: "调解组织台账",
    columns: &[
        Column::required(
            "组织名称",
            "如 孟河镇XX村人民调解委员会、XX公司调解室；不得重复",
        ),
        Column::required("组织类型", "村居、企业、商会、家事、行业性专业性、其他").choices(&[
            "村居",
            "企业",
            "商会",
            "家事",
            "行业性专业性",
            "其他",
        ]),
        Column::required("所属镇街", "镇或街道的名称"),
        Column::optional("是否标准化", "是 或 否").choices(&["是", "否"]),
        Column::required("设立日期", "YYYY-MM-DD"),
        Column::optional("委员人数", "人民调解委员会委员人数（三至九人）"),
        Column::optional("本届起始日期", "本届委员会任期开始日期（每届三年）"),
        Column::optional("地址", "群众前往调解的地址，在政务公开中公布"),
        Column::optional(
            "联系电话",
            "组织的公开电话（不是个人手机），在政务公开中公布",
        ),
    ],
};

pub const MEDIATORS: Layout = Layout {
    kind: "mediators",
    title: "人民调解员名册",
    columns: &[
        Column::required("姓名", "调解员姓名"),
        Column::required("性别", "男 或 女").choices(&["男", "女"]),
        Column::required("所属组织", "已登记的调解组织名称"),
        Column::required("专兼职", "专职 或 兼职").choices(&["专职", "兼职"]),
        Column::optional(
            "联系电话",
            "11位手机号或座机号；加密保存，公开名册只显示脱敏号码",
        ),
        Column::optional("公开日期", "名册向社会公开的日期"),
        Column::optional("通报法院日期", "名册通报人民法院的日期"),
    ],
};

pub const CASES: Layout = Layout {
    kind: "mediation-cases",
    title: "矛盾纠纷调处台账",
    columns: &[
        Column::required("纠纷编号", "不得重复"),
        Column::required("受理日期", "YYYY-MM-DD"),
        Column::required(
            "纠纷类型",
            "婚姻家庭、邻里、房屋宅基地、合同、损害赔偿、劳动争议、村务管理、征地拆迁、环境污染、医疗、道路交通、物业、其他",
        )
        .choices(&["婚姻家庭", "邻里", "房屋宅基地", "合同", "损害赔偿", "劳动争议", "村务管理", "征地拆迁", "环境污染", "医疗", "道路交通", "物业", "其他"]),
        Column::required("来源", "排查、申请、移交、委派").choices(&["排查", "申请", "移交", "委派"]),
        Column::required("调解组织", "已登记的调解组织名称"),
        Column::optional("调解员", "该组织名册上的调解员姓名"),
        Column::required("调解结果", "调解成功、调解不成功、调解中、终止").choices(&["调解成功", "调解不成功", "调解中", "终止"]),
        Column::optional("结案日期", "已结案的填写，YYYY-MM-DD"),
        Column::optional("协议形式", "调解成功的填写：书面 或 口头").choices(&["书面", "口头"]),
        Column::optional("是否司法确认", "是 或 否").choices(&["是", "否"]),
        Column::optional("当事人", "当事人姓名或名称，多人用顿号分隔；不填此列则保留已登记的"),
        Column::optional("纠纷简要情况", "纠纷的简要情况；不填此列则保留已登记的"),
    ],
};

/// Refuses the file when a row is bad (unless only the good rows are wanted), keeps the good
/// rows' plans, and says what the import does.
pub(super) fn finish<T>(
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

impl Mediation {
    async fn require_write(&self, actor: &Actor, kind: &str) -> Result<()> {
        Ok(self
            .platform
            .require(actor, Permission::WriteRecords, "ledger", kind)
            .await?)
    }

    /// Imports the `mediation-organizations` ledger.
    pub async fn import_organizations(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, ORGANIZATIONS.kind).await?;
        let records = self
            .platform
            .ledger_records(records.into(), &ORGANIZATIONS)
            .await?;
        let records: &[Record] = &records;
        let orgs = self.platform.org_resolver().await?;
        let mut conn = self.platform.db().conn().await?;
        let stored: HashMap<String, Organization> = store::organizations(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.name.clone(), o))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let name = row.check(
                "组织名称",
                cell::required(record.get("组织名称")).map(str::to_string),
            );
            if let Some(n) = &name
                && let Some(first) = seen.insert(n.clone(), record.line)
            {
                row.fail("组织名称", format!("“{n}”与第{first}行重复"));
            }
            let kind = row.word(
                record,
                "组织类型",
                OrganizationKind::parse,
                &OrganizationKind::labels(),
            );
            let town = row.check(
                "所属镇街",
                cell::required(record.get("所属镇街")).and_then(|t| {
                    let org = orgs.resolve(t)?;
                    if !org.kind.is_town_or_street() {
                        return Err(format!("“{}”不是镇或街道", org.name));
                    }
                    if !actor.scope.contains(&org.path) {
                        return Err(format!("“{}”不在您的管辖范围内", org.name));
                    }
                    Ok((org.id.clone(), org.name.clone()))
                }),
            );
            let standardized = row.check("是否标准化", cell::yes_no(record.get("是否标准化")));
            let founded = row.check("设立日期", cell::date(record.get("设立日期")));
            let members = row.check(
                "委员人数",
                match cell::optional(record.get("委员人数")) {
                    None => Ok(0),
                    Some(t) => t.parse::<i64>().map_err(|_| format!("“{t}”不是人数")),
                },
            );
            let term = row.check(
                "本届起始日期",
                cell::optional_date(record.get("本届起始日期")),
            );
            let (
                Some(name),
                Some(kind),
                Some((town_id, town_name)),
                Some(standardized),
                Some(founded),
                Some(members),
                Some(term),
                true,
            ) = (
                name,
                kind,
                town,
                standardized,
                founded,
                members,
                term,
                row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(&name);
            let o = Organization {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(OrganizationId::generate),
                name,
                kind,
                town_id,
                town_name,
                standardized,
                founded_on: founded,
                members,
                term_started_on: term,
                address: record.get("地址").trim().to_string(),
                phone: record.get("联系电话").trim().to_string(),
            };
            match existing {
                Some(e) if *e == o => unchanged += 1,
                Some(_) => planned.push((record.line, o, true)),
                None => planned.push((record.line, o, false)),
            }
        }
        let report = finish(
            ORGANIZATIONS.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (_, o, update) in &planned {
                        store::upsert_organization(tx, o, *update).await?;
                        tx.record(
                            Event::new(
                                "mediation_organization",
                                o.id.as_str(),
                                if *update { "update" } else { "import" },
                            )
                            .org(Some(o.town_id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("name", &o.name)
                                    .set("kind", o.kind.label()),
                            ),
                        )
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(report)
    }

    /// Imports the `mediators` ledger (人民调解员名册). A mediator is one name in one organisation.
    pub async fn import_mediators(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, MEDIATORS.kind).await?;
        let records = self
            .platform
            .ledger_records(records.into(), &MEDIATORS)
            .await?;
        let records: &[Record] = &records;
        let mut conn = self.platform.db().conn().await?;
        let organizations: HashMap<String, Organization> = store::organizations(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.name.clone(), o))
            .collect();
        let stored: HashMap<(String, String), Mediator> = store::mediators(&mut conn)
            .await?
            .into_iter()
            .map(|m| ((m.organization_id.to_string(), m.name.clone()), m))
            .collect();
        drop(conn);
        let towns = self.town_paths().await?;
        let mut errors = Vec::new();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let name = row.check(
                "姓名",
                cell::required(record.get("姓名")).map(str::to_string),
            );
            let sex = row.word(record, "性别", Sex::parse, &Sex::labels());
            let org = row.check(
                "所属组织",
                cell::required(record.get("所属组织")).and_then(|t| {
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
            let employment = row.word(record, "专兼职", Employment::parse, &Employment::labels());
            let phone = row.check(
                "联系电话",
                match cell::optional(record.get("联系电话")) {
                    None => Ok(None),
                    Some(p) => {
                        let digits: String =
                            p.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
                        if (7..=12).contains(&digits.len())
                            && digits.chars().all(|c| c.is_ascii_digit())
                        {
                            Ok(Some(digits))
                        } else {
                            Err(format!("“{p}”不是电话号码"))
                        }
                    }
                },
            );
            let published = row.check("公开日期", cell::optional_date(record.get("公开日期")));
            let notified = row.check(
                "通报法院日期",
                cell::optional_date(record.get("通报法院日期")),
            );
            if let (Some(n), Some(o)) = (&name, &org)
                && let Some(first) = seen.insert((o.id.to_string(), n.clone()), record.line)
            {
                row.fail("姓名", format!("“{n}”在“{}”中与第{first}行重复", o.name));
            }
            let (
                Some(name),
                Some(sex),
                Some(org),
                Some(employment),
                Some(phone),
                Some(published),
                Some(notified),
                true,
            ) = (
                name, sex, org, employment, phone, published, notified, row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(&(org.id.to_string(), name.clone()));
            let m = Mediator {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(MediatorId::generate),
                name,
                sex,
                organization_id: org.id.clone(),
                organization_name: org.name.clone(),
                employment,
                phone_masked: phone
                    .as_deref()
                    .map(kernel::crypto::mask_phone)
                    .unwrap_or_default(),
                published_on: published,
                notified_on: notified,
            };
            match existing {
                Some(e) if *e == m => unchanged += 1,
                Some(_) => planned.push((record.line, (m, phone, org.town_id.clone()), true)),
                None => planned.push((record.line, (m, phone, org.town_id.clone()), false)),
            }
        }
        let report = finish(
            MEDIATORS.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        let seal = self.platform.seal();
        let planned: Vec<_> = planned
            .into_iter()
            .map(|(line, (m, phone, town), update)| {
                let sealed = phone.as_ref().map(|p| seal.seal(p));
                (line, (m, sealed, town), update)
            })
            .collect();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (_, (m, sealed, town), update) in &planned {
                        store::upsert_mediator(tx, m, sealed.clone(), *update).await?;
                        tx.record(
                            Event::new(
                                "mediator",
                                m.id.as_str(),
                                if *update { "update" } else { "import" },
                            )
                            .org(Some(town.as_str()))
                            .changes(
                                Changes::new()
                                    .set("name", &m.name)
                                    .set("organization", &m.organization_name),
                            ),
                        )
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(report)
    }

    /// Town id → path, for scope checks of ledger rows.
    pub(super) async fn town_paths(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .platform
            .directory()
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.path))
            .collect())
    }

    /// The ledgers' rows for export, within the actor's scope: organisations founded and
    /// mediators on the roster (by year end), disputes received in the year.
    pub async fn export(
        &self,
        actor: &Actor,
        kind: &str,
        year: Option<i32>,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", kind)
            .await?;
        let scope = actor.scope.orgs();
        let ids = self.platform.scope_ids(actor).await?;
        let in_scope = |town: &str| ids.as_ref().is_none_or(|s| s.contains(town));
        let end = year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31));
        let day = |d: Option<NaiveDate>| d.map(store::day).unwrap_or_default();
        let yes = |b: bool| if b { "是" } else { "否" }.to_string();
        let mut conn = self.platform.db().conn().await?;
        let organizations = store::organizations(&mut conn).await?;
        let town_of: HashMap<String, String> = organizations
            .iter()
            .map(|o| (o.id.to_string(), o.town_id.to_string()))
            .collect();
        let rows = match kind {
            "mediation-organizations" => organizations
                .into_iter()
                .filter(|o| in_scope(o.town_id.as_str()) && end.is_none_or(|e| o.founded_on <= e))
                .map(|o| {
                    vec![
                        o.name,
                        o.kind.label().into(),
                        o.town_name,
                        yes(o.standardized),
                        store::day(o.founded_on),
                        if o.members > 0 {
                            o.members.to_string()
                        } else {
                            String::new()
                        },
                        day(o.term_started_on),
                        o.address,
                        o.phone,
                    ]
                })
                .collect(),
            "mediators" => {
                // Those who keep the roster (they may write it) get the real numbers, so that
                // the file imports again unchanged; the unsealing is audited. Readers get the
                // masked ones.
                let keeper = actor.can(Permission::WriteRecords);
                let phones = if keeper {
                    store::mediator_phones(&mut conn).await?
                } else {
                    HashMap::new()
                };
                let seal = self.platform.seal();
                let rows: Vec<Vec<String>> = store::mediators(&mut conn)
                    .await?
                    .into_iter()
                    .filter(|m| {
                        town_of
                            .get(m.organization_id.as_str())
                            .is_some_and(|t| in_scope(t))
                    })
                    .map(|m| {
                        let phone = phones
                            .get(m.id.as_str())
                            .and_then(|sealed| seal.open(sealed).ok())
                            .unwrap_or(m.phone_masked);
                        vec![
                            m.name,
                            m.sex.label().into(),
                            m.organization_name,
                            m.employment.label().into(),
                            phone,
                            day(m.published_on),
                            day(m.notified_on),
                        ]
                    })
                    .collect();
                if keeper {
                    let unsealed = rows
                        .iter()
                        .filter(|r| !r[4].contains('*') && !r[4].is_empty())
                        .count();
                    self.platform
                        .db()
                        .record(
                            &actor.who(),
                            Event::new("mediator", "roster", "unseal").changes(
                                db::Changes::new()
                                    .set("field", "联系电话")
                                    .set("count", unsealed),
                            ),
                        )
                        .await?;
                }
                rows
            }
            "mediation-cases" => store::disputes(&mut conn, year, scope.as_ref())
                .await?
                .into_iter()
                .filter(|d| year.is_none_or(|y| d.received_on.year() == y))
                .map(dispute_row)
                .collect(),
            other => return Err(crate::Error::Invalid(format!("未知的台账类型“{other}”"))),
        };
        drop(conn);
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", kind, "export"))
            .await?;
        Ok(rows)
    }

    /// The disputes a list's filters select, as rows of the disputes' ledger (the list's 导出).
    pub async fn export_disputes(
        &self,
        actor: &Actor,
        filter: crate::DisputeFilter,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", CASES.kind)
            .await?;
        let (disputes, _) = self.dispute_page(actor, filter, i64::MAX / 4, 0).await?;
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", CASES.kind, "export"))
            .await?;
        Ok(disputes.into_iter().map(dispute_row).collect())
    }
}

/// A dispute as a row of the disputes' ledger.
fn dispute_row(d: crate::model::Dispute) -> Vec<String> {
    let day = |d: Option<NaiveDate>| d.map(store::day).unwrap_or_default();
    vec![
        d.number,
        store::day(d.received_on),
        d.dispute_type.label().into(),
        d.source.label().into(),
        d.organization_name,
        d.mediator_name,
        d.outcome.label().into(),
        day(d.concluded_on),
        d.agreement
            .map(|a| a.label().to_string())
            .unwrap_or_default(),
        if d.judicial_confirmation {
            "是"
        } else {
            "否"
        }
        .to_string(),
        d.parties,
        d.summary,
    ]
}
