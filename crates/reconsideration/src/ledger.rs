//! The `reconsideration-cases` ledger (行政复议案件台账, DESIGN §4.4): historic cases come in this
//! way. All-or-nothing unless asked to keep the good rows; every bad row reported with its number,
//! column and reason; importing the same file twice changes nothing. A case that was handled in
//! fazhi is never overwritten by a ledger; one that came from a ledger is updated from it.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use db::{Changes, Event};
use kernel::Permission;
use ledger::{Column, ImportMode, ImportReport, Layout, Record, Rejected, RowCheck, cell};
use platform::Actor;

use crate::model::{
    Acceptance, Case, CaseId, Channel, DecisionType, Method, Procedure, Regime, Stage,
    WithdrawalReason,
};
use crate::{Reconsideration, Result, clock, rules, store};

pub const CASES: Layout = Layout {
    kind: "reconsideration-cases",
    title: "行政复议案件台账",
    columns: &[
        Column::required("案件编号", "如 新复〔2020〕1号，不得重复"),
        Column::required("申请人", "自然人姓名或单位名称"),
        Column::required("被申请人", "作出行政行为的机关；本区机构写名称或路径"),
        Column::required(
            "行政行为类别",
            "如 行政处罚、行政强制、政府信息公开、行政确认",
        ),
        Column::required(
            "收到申请日期",
            "YYYY-MM-DD；2024年1月1日前收到的适用2017年行政复议法",
        ),
        Column::optional("受理情况", "受理 或 不予受理；尚在审查的留空")
            .choices(&["受理", "不予受理"]),
        Column::optional("受理日期", "受理的填写，YYYY-MM-DD"),
        Column::optional(
            "适用程序",
            "普通程序（默认）或 简易程序（仅2023年行政复议法）",
        )
        .choices(&["普通程序", "简易程序"]),
        Column::optional("结案日期", "已结案的填写，YYYY-MM-DD"),
        Column::optional("结案方式", "决定、调解、撤回、终止")
            .choices(&["决定", "调解", "撤回", "终止"]),
        Column::optional(
            "撤回原因",
            "调解和解后撤回、被申请人纠正后撤回、申请人主动撤回",
        )
        .choices(&["调解和解后撤回", "被申请人纠正后撤回", "申请人主动撤回"]),
        Column::optional(
            "决定类型",
            "维持、驳回复议请求、驳回申请、撤销、部分撤销、变更、确认违法、责令履行、确认无效",
        )
        .choices(&[
            "维持",
            "驳回复议请求",
            "驳回申请",
            "撤销",
            "部分撤销",
            "变更",
            "确认违法",
            "责令履行",
            "确认无效",
        ]),
        Column::optional("是否制发意见书", "是 或 否").choices(&["是", "否"]),
        Column::optional(
            "是否制发建议书",
            "是 或 否（建议书仅见于2017年行政复议法实施条例）",
        )
        .choices(&["是", "否"]),
        Column::optional("是否实地调查", "是 或 否").choices(&["是", "否"]),
        Column::optional("备注", "可空"),
    ],
};

fn labelled<T: Copy>(
    text: &str,
    parse: fn(&str) -> Option<T>,
    labels: Vec<&'static str>,
) -> std::result::Result<Option<T>, String> {
    match cell::optional(text) {
        None => Ok(None),
        Some(t) => parse(t)
            .map(Some)
            .ok_or_else(|| format!("“{t}”不是可选值（可选：{}）", labels.join("、"))),
    }
}

/// The fields of a case a ledger row states, for comparing with what is stored.
fn same(a: &Case, b: &Case) -> bool {
    (
        &a.applicant,
        &a.respondent,
        &a.act_category,
        a.received_on,
        a.acceptance,
        a.accepted_on,
        a.procedure,
        a.concluded_on,
        a.method,
        a.withdrawal_reason,
        a.decision_type,
        (
            a.opinion_letter,
            a.recommendation_letter,
            a.field_investigation,
        ),
    ) == (
        &b.applicant,
        &b.respondent,
        &b.act_category,
        b.received_on,
        b.acceptance,
        b.accepted_on,
        b.procedure,
        b.concluded_on,
        b.method,
        b.withdrawal_reason,
        b.decision_type,
        (
            b.opinion_letter,
            b.recommendation_letter,
            b.field_investigation,
        ),
    ) && a.note == b.note
}

impl Reconsideration {
    /// Imports the `reconsideration-cases` ledger.
    pub async fn import_cases(
        &self,
        actor: &Actor,
        records: impl Into<ledger::Source<'_>>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.require_handler(actor, "ledger").await?;
        let records = self.platform.ledger_records(records.into(), &CASES).await?;
        let records: &[Record] = &records;
        let office = self.office().await?;
        let orgs = self.platform.org_resolver().await?;
        let calendar = self.platform.calendar().await?;
        let mut conn = self.platform.db().conn().await?;
        let stored: HashMap<String, Case> = store::all_cases(&mut conn)
            .await?
            .into_iter()
            .map(|c| (c.number.clone(), c))
            .collect();
        drop(conn);
        let mut errors = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut planned: Vec<(usize, Case, bool)> = Vec::new();
        let mut report = ImportReport {
            kind: CASES.kind.into(),
            rows: records.len(),
            dry_run: mode.dry_run,
            ..Default::default()
        };
        for record in records {
            let mut row = RowCheck::new(record, &mut errors);
            let number = row.check(
                "案件编号",
                cell::required(record.get("案件编号")).map(str::to_string),
            );
            if let Some(n) = &number
                && let Some(first) = seen.insert(n.clone(), record.line)
            {
                row.fail("案件编号", format!("案件编号“{n}”与第{first}行重复"));
            }
            let applicant = row.check(
                "申请人",
                cell::required(record.get("申请人")).map(str::to_string),
            );
            let respondent = row.check(
                "被申请人",
                cell::required(record.get("被申请人")).map(str::to_string),
            );
            let act = row.check(
                "行政行为类别",
                cell::required(record.get("行政行为类别")).map(str::to_string),
            );
            let received = row.check("收到申请日期", cell::date(record.get("收到申请日期")));
            let acceptance = row
                .check(
                    "受理情况",
                    labelled(
                        record.get("受理情况"),
                        Acceptance::parse,
                        Acceptance::labels(),
                    ),
                )
                .flatten();
            let accepted_on = row
                .check("受理日期", cell::optional_date(record.get("受理日期")))
                .flatten();
            let procedure = row
                .check(
                    "适用程序",
                    labelled(
                        record.get("适用程序"),
                        Procedure::parse,
                        Procedure::labels(),
                    ),
                )
                .flatten()
                .unwrap_or(Procedure::Ordinary);
            let concluded_on = row
                .check("结案日期", cell::optional_date(record.get("结案日期")))
                .flatten();
            let method = row
                .check(
                    "结案方式",
                    labelled(record.get("结案方式"), Method::parse, Method::labels()),
                )
                .flatten();
            let reason = row
                .check(
                    "撤回原因",
                    labelled(
                        record.get("撤回原因"),
                        WithdrawalReason::parse,
                        WithdrawalReason::labels(),
                    ),
                )
                .flatten();
            let decision = row
                .check(
                    "决定类型",
                    labelled(
                        record.get("决定类型"),
                        DecisionType::parse,
                        DecisionType::labels(),
                    ),
                )
                .flatten();
            let opinion = row.check("是否制发意见书", cell::yes_no(record.get("是否制发意见书")));
            let recommendation =
                row.check("是否制发建议书", cell::yes_no(record.get("是否制发建议书")));
            let field = row.check("是否实地调查", cell::yes_no(record.get("是否实地调查")));

            let Some(received) = received else { continue };
            let regime = rules::regime_on(received);
            if received > kernel::time::china_today() {
                row.fail("收到申请日期", format!("{received}晚于今天"));
            }
            // The order of the dates and what each outcome needs.
            match (acceptance, accepted_on) {
                (Some(Acceptance::Accepted), None) => {
                    row.fail("受理日期", "受理的案件须填写受理日期")
                }
                (Some(Acceptance::Accepted), Some(a)) if a < received => {
                    row.fail("受理日期", format!("受理日期{a}早于收到申请日期{received}"));
                }
                (Some(Acceptance::NotAccepted) | None, Some(_)) => {
                    row.fail("受理日期", "未受理的案件不应填写受理日期");
                }
                _ => {}
            }
            if let Err(e) =
                rules::check_procedure(regime, procedure, Some(crate::SimplifiedGround::Agreed))
            {
                row.fail("适用程序", e);
            }
            if let Some(c) = concluded_on {
                if acceptance != Some(Acceptance::Accepted) {
                    row.fail(
                        "结案日期",
                        "未受理的案件不能结案（不予受理的案件不填结案日期）",
                    );
                }
                if c < received {
                    row.fail("结案日期", format!("结案日期{c}早于收到申请日期{received}"));
                } else if let Some(a) = accepted_on
                    && c < a
                {
                    row.fail("结案日期", format!("结案日期{c}早于受理日期{a}"));
                }
                match method {
                    None => row.fail("结案方式", "已结案的案件须填写结案方式"),
                    Some(m) => {
                        if let Err(e) =
                            rules::check_conclusion(regime, m, decision, reason.is_some())
                        {
                            let column = match m {
                                Method::Withdrawal => "撤回原因",
                                _ => "决定类型",
                            };
                            row.fail(column, e);
                        }
                    }
                }
            } else if method.is_some() || decision.is_some() {
                row.fail("结案日期", "填写了结案方式或决定类型的案件须填写结案日期");
            }
            if reason.is_some() && method != Some(Method::Withdrawal) {
                row.fail("撤回原因", "只有以撤回结案的案件填写撤回原因");
            }
            if recommendation == Some(true) && regime == Regime::Law2023 {
                row.fail(
                    "是否制发建议书",
                    "行政复议建议书只见于行政复议法实施条例第五十七条第二款；2024年1月1日起收到的案件适用2023年行政复议法，没有建议书",
                );
            }
            let (Some(number), Some(applicant), Some(respondent), Some(act), true) =
                (number, applicant, respondent, act, row.ok)
            else {
                continue;
            };
            let decision_due = match accepted_on {
                Some(a) if acceptance == Some(Acceptance::Accepted) => {
                    match clock::plain_decision_due(regime, procedure, a, &calendar) {
                        Ok(d) => Some(d),
                        Err(e) => {
                            row.fail("受理日期", e.to_string());
                            continue;
                        }
                    }
                }
                _ => None,
            };
            let stage = match (acceptance, concluded_on) {
                (Some(Acceptance::NotAccepted), _) => Stage::NotAccepted,
                (Some(Acceptance::Accepted), Some(_)) => Stage::Concluded,
                (Some(Acceptance::Accepted), None) => Stage::InReview,
                (None, _) => Stage::Received,
            };
            let existing = stored.get(&number);
            if let Some(e) = existing
                && e.source != "台账导入"
            {
                row.fail(
                    "案件编号",
                    format!("案件编号“{number}”是在系统中办理的案件，不能由台账覆盖"),
                );
                continue;
            }
            let case = Case {
                id: existing
                    .map(|e| e.id.clone())
                    .unwrap_or_else(CaseId::generate),
                number,
                regime,
                channel: Channel::Written,
                applicant,
                applicant_id_masked: None,
                third_party: String::new(),
                respondent_org_id: orgs.resolve(&respondent).ok().map(|o| o.id.clone()),
                respondent,
                office_org_id: office.id.clone(),
                act_category: act,
                act_description: String::new(),
                request: String::new(),
                received_on: received,
                stage,
                acceptance,
                accepted_on,
                deemed_accepted: false,
                not_accepted_reason: String::new(),
                procedure,
                simplified_ground: None,
                decision_due,
                concluded_on,
                method,
                withdrawal_reason: reason,
                decision_type: decision,
                opinion_letter: opinion.unwrap_or(false),
                recommendation_letter: recommendation.unwrap_or(false),
                field_investigation: field.unwrap_or(false),
                published: false,
                decision_summary: String::new(),
                note: record.get("备注").trim().to_string(),
                source: "台账导入".into(),
            };
            match existing {
                Some(e) if same(e, &case) => report.unchanged += 1,
                Some(_) => planned.push((record.line, case, true)),
                None => planned.push((record.line, case, false)),
            }
        }
        errors.sort_by_key(|e| e.line);
        if !errors.is_empty() && !mode.only_valid {
            return Err(platform::Error::Rejected(Rejected { errors }).into());
        }
        let bad: HashSet<usize> = errors.iter().map(|e| e.line).collect();
        planned.retain(|p| !bad.contains(&p.0));
        report.created = planned.iter().filter(|p| !p.2).count();
        report.updated = planned.iter().filter(|p| p.2).count();
        report.errors = errors;
        if mode.dry_run || planned.is_empty() {
            return Ok(report);
        }
        let office_id = office.id.clone();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (_, case, update) in &planned {
                        if *update {
                            store::update_imported(tx, case).await?;
                        } else {
                            store::insert_case(tx, case, None).await?;
                        }
                        tx.record(
                            Event::new("reconsideration_case", case.id.as_str(), "import")
                                .org(Some(office_id.as_str()))
                                .changes(
                                    Changes::new()
                                        .set("number", &case.number)
                                        .set("received_on", store::day(case.received_on))
                                        .set("stage", case.stage.label())
                                        .set(
                                            "decision_type",
                                            case.decision_type.map(|d| d.label()),
                                        ),
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

    /// The ledger's rows for export: the cases `view` selects (a list's filters; the default
    /// selects all) received in `year` or concluded in it (all without a year), within the
    /// actor's scope.
    pub async fn export_cases(
        &self,
        actor: &Actor,
        year: Option<i32>,
        view: crate::CaseFilter,
    ) -> Result<Vec<Vec<String>>> {
        self.platform
            .require(actor, Permission::ReadRecords, "ledger", CASES.kind)
            .await?;
        let filter = crate::CaseFilter {
            orgs: actor.scope.orgs(),
            published: false,
            ..view
        };
        let mut conn = self.platform.db().conn().await?;
        let (cases, _) = store::list(
            self.platform.db(),
            &actor.versions,
            &mut conn,
            &filter,
            i64::MAX / 4,
            0,
        )
        .await?;
        drop(conn);
        let in_year = |d: Option<NaiveDate>| year.is_none_or(|y| d.is_some_and(|d| d.year() == y));
        let yes = |b: bool| if b { "是" } else { "否" }.to_string();
        let day = |d: Option<NaiveDate>| d.map(store::day).unwrap_or_default();
        let rows = cases
            .into_iter()
            .rev()
            .filter(|c| in_year(Some(c.received_on)) || in_year(c.concluded_on))
            .map(|c| {
                vec![
                    c.number,
                    c.applicant,
                    c.respondent,
                    c.act_category,
                    store::day(c.received_on),
                    c.acceptance
                        .map(|a| a.label().to_string())
                        .unwrap_or_default(),
                    day(c.accepted_on),
                    c.procedure.label().into(),
                    day(c.concluded_on),
                    c.method.map(|m| m.label().to_string()).unwrap_or_default(),
                    c.withdrawal_reason
                        .map(|w| w.label().to_string())
                        .unwrap_or_default(),
                    c.decision_type
                        .map(|d| d.label().to_string())
                        .unwrap_or_default(),
                    yes(c.opinion_letter),
                    yes(c.recommendation_letter),
                    yes(c.field_investigation),
                    c.note,
                ]
            })
            .collect();
        self.platform
            .db()
            .record(&actor.who(), Event::new("ledger", CASES.kind, "export"))
            .await?;
        Ok(rows)
    }
}
