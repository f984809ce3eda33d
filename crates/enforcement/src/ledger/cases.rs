//! The `enforcement-cases` (行政处罚案件台账) and `enforcement-inspections` (行政检查台账) ledgers.
//! A row is checked against the law of its 立案日期: the power it cites, its officers'
//! certificates on that day, the simple procedure's limits, the order of its dates and the
//! legal review a 2021-law decision required.

use std::collections::HashMap;

use chrono::NaiveDate;
use kernel::Money;
use ledger::{Column, ImportMode, ImportReport, Record, RowCheck, cell};
use platform::Actor;
use power::model::ItemType;

use super::{Bodies, Row, finish, plan};
use crate::model::{
    Body, Case, CaseId, Decision, Inspection, InspectionId, InspectionMethod, InspectionResult,
    Officer, PartyKind, PenaltyType, Procedure,
};
use crate::{Enforcement, Result, rules, store};

pub const CASES: ledger::Layout = ledger::Layout {
    kind: "enforcement-cases",
    title: "行政处罚案件台账",
    columns: &[
        Column::required("案件编号", "不得重复"),
        Column::required("执法主体", "已登记的执法主体"),
        Column::required(
            "事项编码",
            "权责清单中该主体（受委托组织为委托机关）的行政处罚事项编码",
        ),
        Column::required("当事人类型", "个人 或 单位").choices(&["个人", "单位"]),
        Column::required("当事人", "当事人姓名或名称"),
        Column::required(
            "立案日期",
            "YYYY-MM-DD；2021-07-15起立案的适用2021年修订的行政处罚法",
        ),
        Column::required("适用程序", "简易程序 或 普通程序").choices(&["简易程序", "普通程序"]),
        Column::required("承办人员", "执法证号，多人用顿号分隔；普通程序不少于两人"),
        Column::optional("是否听证", "是 或 否").choices(&["是", "否"]),
        Column::optional("是否法制审核", "是 或 否").choices(&["是", "否"]),
        Column::optional("是否集体讨论", "是 或 否").choices(&["是", "否"]),
        Column::optional("决定日期", "YYYY-MM-DD"),
        Column::optional(
            "决定类型",
            "给予行政处罚、不予行政处罚、移送司法机关、撤销案件",
        )
        .choices(&["给予行政处罚", "不予行政处罚", "移送司法机关", "撤销案件"]),
        Column::optional(
            "处罚种类",
            "给予行政处罚的填写，多种用顿号分隔：警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业、行政拘留、其他",
        ),
        Column::optional("罚没金额", "元，最多两位小数"),
        Column::optional("公示日期", "YYYY-MM-DD"),
        Column::optional("结案日期", "YYYY-MM-DD"),
    ],
};

pub const INSPECTIONS: ledger::Layout = ledger::Layout {
    kind: "enforcement-inspections",
    title: "行政检查台账",
    columns: &[
        Column::required("检查编号", "不得重复"),
        Column::required("执法主体", "已登记的执法主体"),
        Column::required(
            "事项编码",
            "权责清单中该主体（受委托组织为委托机关）的行政检查事项编码",
        ),
        Column::required("检查对象", "被检查的单位或个人"),
        Column::required("检查日期", "YYYY-MM-DD"),
        Column::required("检查方式", "双随机、专项、投诉举报、其他").choices(&[
            "双随机",
            "专项",
            "投诉举报",
            "其他",
        ]),
        Column::required("检查人员", "执法证号，用顿号分隔，不少于两人"),
        Column::required("检查结果", "未发现问题、责令整改、立案查处").choices(&[
            "未发现问题",
            "责令整改",
            "立案查处",
        ]),
    ],
};

/// What a row is checked against: the bodies, the officers by certificate, the cited power
/// items' versions by code.
struct Context {
    bodies: Bodies,
    officers: HashMap<String, Officer>,
    items: HashMap<String, Vec<power::Item>>,
    orgs: platform::OrgResolver,
}

impl Context {
    /// Rule 职权法定: the item is an item of `wanted` type of the organisation whose powers the
    /// body enforces (for a 受委托组织, the entrusting body's), in force on `on`.
    fn power(
        &self,
        body: &Body,
        code: &str,
        wanted: ItemType,
        on: NaiveDate,
    ) -> std::result::Result<(), String> {
        let versions = self
            .items
            .get(code)
            .ok_or_else(|| format!("权责清单中没有编码为“{code}”的事项"))?;
        let Some(v) = versions
            .iter()
            .find(|v| v.valid_from <= on && v.valid_to.is_none_or(|t| t > on))
            .filter(|v| v.active)
        else {
            return Err(format!(
                "事项“{code}”在{on}不在权责清单中（尚未施行或已取消）"
            ));
        };
        if v.fields.item_type != wanted {
            return Err(format!(
                "事项“{code} {}”是{}，不是{}事项",
                v.fields.name,
                v.fields.item_type.label(),
                wanted.label()
            ));
        }
        if &v.fields.org_id != body.powers_of() {
            let whose = if body.powers_of() == &body.org_id {
                body.org_name.clone()
            } else {
                format!(
                    "委托机关{}",
                    self.orgs
                        .get(body.powers_of())
                        .map_or("", |o| o.name.as_str())
                )
            };
            return Err(format!(
                "事项“{code} {}”的实施主体是{}，不是{whose}的职权",
                v.fields.name, v.org_name
            ));
        }
        Ok(())
    }

    /// Rule 执法人员: the certificates a row names, each of this body and usable on `on`; at
    /// least `min` of them.
    fn officers(
        &self,
        body: &Body,
        text: &str,
        on: NaiveDate,
        min: usize,
        why: &str,
    ) -> std::result::Result<Vec<String>, String> {
        let list: Vec<String> = text
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for number in &list {
            let o = self
                .officers
                .get(number)
                .ok_or_else(|| format!("执法证号“{number}”不在行政执法人员台账中"))?;
            if o.body_id != body.id {
                return Err(format!(
                    "{}（执法证号{number}）不是{}的执法人员",
                    o.name, body.org_name
                ));
            }
            rules::certificate_usable(o, on)?;
        }
        if list.len() < min {
            return Err(format!(
                "{why}执法人员不得少于{min}人，本行只有{}名持有效执法证的人员",
                list.len()
            ));
        }
        Ok(list)
    }
}

impl Enforcement {
    async fn context(&self, records: &[Record]) -> Result<Context> {
        let mut codes: Vec<String> = records
            .iter()
            .map(|r| r.get("事项编码").trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        codes.sort();
        codes.dedup();
        let mut items: HashMap<String, Vec<power::Item>> = HashMap::new();
        for v in power::Power::new(self.platform.clone())
            .index_versions(Some(&codes))
            .await?
        {
            items.entry(v.code.clone()).or_default().push(v);
        }
        let orgs = self.platform.org_resolver().await?;
        let mut conn = self.platform.db().conn().await?;
        let bodies = Bodies::new(store::bodies(&mut conn).await?);
        let officers = store::officers(&mut conn)
            .await?
            .into_iter()
            .map(|o| (o.certificate.clone(), o))
            .collect();
        Ok(Context {
            bodies,
            officers,
            items,
            orgs,
        })
    }

    /// Imports the `enforcement-cases` ledger (行政处罚案件台账).
    pub async fn import_cases(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, CASES.kind).await?;
        let records = self.platform.ledger_records(records.into(), &CASES).await?;
        let records: &[Record] = &records;
        let catalogue = self.review_catalogue().await?;
        let cx = self.context(records).await?;
        let numbers: Vec<String> = records
            .iter()
            .map(|r| r.get("案件编号").trim().to_string())
            .collect();
        let mut conn = self.platform.db().conn().await?;
        let stored: HashMap<String, Case> = store::cases_by_number(&mut conn, &numbers)
            .await?
            .into_iter()
            .map(|c| (c.number.clone(), c))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let number = row.check(
                "案件编号",
                cell::required(record.get("案件编号")).map(str::to_string),
            );
            if let Some(n) = &number
                && let Some(first) = seen.insert(n.clone(), record.line)
            {
                row.fail("案件编号", format!("“{n}”与第{first}行重复"));
            }
            let body = row.check(
                "执法主体",
                cell::required(record.get("执法主体"))
                    .and_then(|t| cx.bodies.named(&cx.orgs, actor, t).cloned()),
            );
            let party_kind = row.word(record, "当事人类型", PartyKind::parse, &PartyKind::labels());
            let party = row.check(
                "当事人",
                cell::required(record.get("当事人")).map(str::to_string),
            );
            let opened = row.check("立案日期", cell::date(record.get("立案日期")));
            let procedure = row.word(record, "适用程序", Procedure::parse, &Procedure::labels());
            if let (Some(b), Some(on)) = (&body, opened)
                && !b.in_force_on(on)
            {
                row.fail(
                    "执法主体",
                    format!("{}在立案日期{on}不是有效的执法主体", b.org_name),
                );
            }
            let code = row.check(
                "事项编码",
                cell::required(record.get("事项编码")).map(str::to_string),
            );
            if let (Some(b), Some(c), Some(on)) = (&body, &code, opened)
                && let Err(e) = cx.power(b, c, ItemType::Penalty, on)
            {
                row.fail("事项编码", e);
            }
            let officers = match (&body, opened, procedure) {
                (Some(b), Some(on), Some(p)) => {
                    let (min, why) = match p {
                        Procedure::Ordinary => (
                            2,
                            "普通程序调查取证、作出决定的（2021年行政处罚法第四十二条）",
                        ),
                        Procedure::Simple => (1, "当场作出处罚决定的"),
                    };
                    row.check(
                        "承办人员",
                        cx.officers(b, record.get("承办人员"), on, min, why),
                    )
                }
                _ => None,
            };
            let hearing = row.check("是否听证", cell::yes_no(record.get("是否听证")));
            let review = row.check("是否法制审核", cell::yes_no(record.get("是否法制审核")));
            let collective = row.check("是否集体讨论", cell::yes_no(record.get("是否集体讨论")));
            let decided = row.check("决定日期", cell::optional_date(record.get("决定日期")));
            let decision = row.check(
                "决定类型",
                match cell::optional(record.get("决定类型")) {
                    None => Ok(None),
                    Some(t) => Decision::parse(t).map(Some).ok_or_else(|| {
                        format!("“{t}”不是可选值（可选：{}）", Decision::labels().join("、"))
                    }),
                },
            );
            let penalties = row.check("处罚种类", penalty_types(record.get("处罚种类")));
            let amount = row.check(
                "罚没金额",
                cell::optional(record.get("罚没金额"))
                    .map(Money::parse)
                    .transpose(),
            );
            let published = row.check("公示日期", cell::optional_date(record.get("公示日期")));
            let closed = row.check("结案日期", cell::optional_date(record.get("结案日期")));
            let (
                Some(number),
                Some(body),
                Some(party_kind),
                Some(party),
                Some(opened_on),
                Some(procedure),
                Some(officers),
                Some(hearing),
                Some(legal_review),
                Some(collective),
                Some(decided_on),
                Some(decision),
                Some(penalties),
                Some(amount),
                Some(published_on),
                Some(closed_on),
                true,
            ) = (
                number, body, party_kind, party, opened, procedure, officers, hearing, review,
                collective, decided, decision, penalties, amount, published, closed, row.ok,
            )
            else {
                continue;
            };
            let regime = rules::regime(opened_on);
            if let Err((column, e)) =
                rules::check_dates(opened_on, decided_on, published_on, closed_on)
            {
                row.fail(column, e);
            }
            match (decided_on, decision) {
                (Some(_), None) => row.fail("决定类型", "已填写决定日期的应填写决定类型"),
                (None, Some(_)) => row.fail("决定日期", "已填写决定类型的应填写决定日期"),
                _ => {}
            }
            match decision {
                Some(Decision::Penalty) if penalties.is_empty() => {
                    row.fail("处罚种类", "给予行政处罚的应填写处罚种类")
                }
                Some(Decision::Penalty) => {}
                _ if !penalties.is_empty() => {
                    row.fail("处罚种类", "只有给予行政处罚的案件填写处罚种类")
                }
                _ => {}
            }
            let monetary = penalties.iter().any(|p| {
                matches!(
                    p,
                    PenaltyType::Fine
                        | PenaltyType::ConfiscateGains
                        | PenaltyType::ConfiscateProperty
                )
            });
            if amount.is_some() && !monetary {
                row.fail("罚没金额", "罚没金额只用于罚款、没收违法所得或没收非法财物");
            }
            if penalties.contains(&PenaltyType::Fine) && amount.is_none_or(|a| a.fen() <= 0) {
                row.fail("罚没金额", "处以罚款的应填写罚没金额");
            }
            if procedure == Procedure::Simple
                && let Err(e) =
                    rules::check_simple(regime, party_kind, decision, &penalties, amount)
            {
                row.fail("适用程序", e);
            }
            if decision.is_some()
                && !legal_review
                && rules::legal_review_required(
                    regime,
                    procedure,
                    hearing,
                    collective,
                    &penalties,
                    &body.review_catalogue(&catalogue),
                )
            {
                row.fail(
                    "是否法制审核",
                    "该决定应当经过法制审核，未经法制审核或者审核未通过的，不得作出决定（2021年行政处罚法第五十八条）",
                );
            }
            if !row.ok {
                continue;
            }
            let existing = stored.get(&number);
            let c = Case {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(CaseId::generate),
                number,
                org_id: body.org_id.clone(),
                body_id: body.id.clone(),
                item_code: code.unwrap_or_default(),
                party_kind,
                party,
                opened_on,
                regime,
                procedure,
                officers,
                hearing,
                legal_review,
                collective,
                decided_on,
                decision,
                penalties,
                amount,
                published_on,
                closed_on,
                taken_down_on: existing.and_then(|e| e.taken_down_on),
                inspection_id: existing.and_then(|e| e.inspection_id.clone()),
            };
            plan(record.line, c, existing, &mut planned, &mut unchanged);
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
        let rows = planned.into_iter().map(|(l, r, u)| (l, Row::Case(r), u));
        self.write_planned(actor, rows.collect()).await?;
        Ok(report)
    }

    /// Imports the `enforcement-inspections` ledger (行政检查台账).
    pub async fn import_inspections(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_write(actor, INSPECTIONS.kind).await?;
        let records = self
            .platform
            .ledger_records(records.into(), &INSPECTIONS)
            .await?;
        let records: &[Record] = &records;
        let cx = self.context(records).await?;
        let numbers: Vec<String> = records
            .iter()
            .map(|r| r.get("检查编号").trim().to_string())
            .collect();
        let mut conn = self.platform.db().conn().await?;
        let stored: HashMap<String, Inspection> = store::inspections_by_number(&mut conn, &numbers)
            .await?
            .into_iter()
            .map(|i| (i.number.clone(), i))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned = Vec::new();
        let mut unchanged = 0;
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let number = row.check(
                "检查编号",
                cell::required(record.get("检查编号")).map(str::to_string),
            );
            if let Some(n) = &number
                && let Some(first) = seen.insert(n.clone(), record.line)
            {
                row.fail("检查编号", format!("“{n}”与第{first}行重复"));
            }
            let body = row.check(
                "执法主体",
                cell::required(record.get("执法主体"))
                    .and_then(|t| cx.bodies.named(&cx.orgs, actor, t).cloned()),
            );
            let object = row.check(
                "检查对象",
                cell::required(record.get("检查对象")).map(str::to_string),
            );
            let on = row.check("检查日期", cell::date(record.get("检查日期")));
            let code = row.check(
                "事项编码",
                cell::required(record.get("事项编码")).map(str::to_string),
            );
            if let (Some(b), Some(c), Some(on)) = (&body, &code, on)
                && let Err(e) = cx.power(b, c, ItemType::Inspection, on)
            {
                row.fail("事项编码", e);
            }
            let method = row.word(
                record,
                "检查方式",
                InspectionMethod::parse,
                &InspectionMethod::labels(),
            );
            let officers = match (&body, on) {
                (Some(b), Some(on)) => row.check(
                    "检查人员",
                    cx.officers(b, record.get("检查人员"), on, 2, "实施行政检查的"),
                ),
                _ => None,
            };
            let result = row.word(
                record,
                "检查结果",
                InspectionResult::parse,
                &InspectionResult::labels(),
            );
            let (
                Some(number),
                Some(body),
                Some(object),
                Some(inspected_on),
                Some(code),
                Some(method),
                Some(officers),
                Some(result),
                true,
            ) = (
                number, body, object, on, code, method, officers, result, row.ok,
            )
            else {
                continue;
            };
            let existing = stored.get(&number);
            let i = Inspection {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(InspectionId::generate),
                number,
                org_id: body.org_id.clone(),
                body_id: body.id.clone(),
                item_code: code,
                object,
                inspected_on,
                method,
                officers,
                result,
            };
            plan(record.line, i, existing, &mut planned, &mut unchanged);
        }
        let report = finish(
            INSPECTIONS.kind,
            records.len(),
            mode,
            errors,
            &mut planned,
            unchanged,
        )?;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        let rows = planned
            .into_iter()
            .map(|(l, r, u)| (l, Row::Inspection(r), u));
        self.write_planned(actor, rows.collect()).await?;
        Ok(report)
    }
}

/// 处罚种类 separated by 、 (each once, in the law's order).
pub(super) fn penalty_types(text: &str) -> std::result::Result<Vec<PenaltyType>, String> {
    let mut out = Vec::new();
    for word in text
        .split(['、', ',', '，'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let p = PenaltyType::parse(word).ok_or_else(|| {
            format!(
                "“{word}”不是处罚种类（可选：{}）",
                PenaltyType::labels().join("、")
            )
        })?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}
