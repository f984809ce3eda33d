//! The demo district's 行政执法: every department with penalty or inspection powers is a body
//! (法定行政机关), the ten towns and streets are bodies entrusted by the 综合行政执法局; six
//! officers each (a legal-review officer in every department, none in the towns: the 5% warning
//! shows), a few certificates ending within six months and one already ended; and this year's
//! penalty cases and inspections up to today, through every path: simple and ordinary procedure,
//! hearings with collective discussion and legal review, decisions published on time and late,
//! some not yet published, some not yet decided. Everything enters through the four ledgers.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use enforcement::Enforcement;
use ledger::ImportMode;
use platform::{Actor, Platform};
use power::model::ItemType;

const ENTRUSTING: &str = "综合行政执法局";
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "建华", "志强", "丽娟", "海峰", "晓东", "文静", "国平", "春梅", "立新", "秀兰",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn csv(header: &str, rows: &[String]) -> String {
    let mut out = String::from(header);
    out.push('\n');
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out
}

pub async fn load(platform: &Platform, actor: &Actor) -> Result<String, String> {
    let today = kernel::time::china_today();
    let year = today.year();
    let e = Enforcement::new(platform.clone());
    let records = |layout: &ledger::Layout, text: &str| {
        ledger::read_bytes("demo.csv", text.as_bytes())
            .and_then(|sheet| sheet.records(layout))
            .map_err(|e| e.to_string())
    };
    // The powers each organisation enforces this year: its penalty and inspection items.
    let start = date(year, 1, 1);
    let mut penalties: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut inspections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in power::Power::new(platform.clone())
        .index_versions(None)
        .await
        .map_err(|e| e.to_string())?
    {
        let in_force = v.active && v.valid_from <= start && v.valid_to.is_none_or(|t| t > today);
        if !in_force {
            continue;
        }
        match v.fields.item_type {
            ItemType::Penalty => penalties
                .entry(v.org_name.clone())
                .or_default()
                .push(v.code.clone()),
            ItemType::Inspection => inspections
                .entry(v.org_name.clone())
                .or_default()
                .push(v.code.clone()),
            _ => {}
        }
    }
    let mut departments: Vec<String> = penalties
        .keys()
        .chain(inspections.keys())
        .cloned()
        .collect();
    departments.sort();
    departments.dedup();
    let towns: Vec<String> = platform
        .directory()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|o| o.kind.is_town_or_street())
        .map(|o| o.name)
        .collect();
    let entrusting =
        departments.iter().any(|d| d == ENTRUSTING) && penalties.contains_key(ENTRUSTING);
    let mut bodies: Vec<String> = departments
        .iter()
        .map(|d| format!("{d},法定行政机关,,2019-01-01,"))
        .collect();
    if entrusting {
        bodies.extend(
            towns
                .iter()
                .map(|t| format!("{t},受委托组织,{ENTRUSTING},2020-01-01,")),
        );
    }
    e.import_bodies(
        actor,
        &records(
            &enforcement::ledger::BODIES,
            &csv("执法主体,主体类型,委托机关,生效日期,终止日期", &bodies),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;

    // Six officers per body; certificates issued 2022-07-01 for five years.
    let all_bodies: Vec<(String, bool)> = departments
        .iter()
        .map(|d| (d.clone(), false))
        .chain(
            towns
                .iter()
                .filter(|_| entrusting)
                .map(|t| (t.clone(), true)),
        )
        .collect();
    let mut officers = Vec::new();
    let mut certificates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut n = 0usize;
    for (b, (body, town)) in all_bodies.iter().enumerate() {
        for k in 0..6 {
            n += 1;
            let number = format!("3204110{n:05}");
            let name = format!(
                "{}{}",
                SURNAMES[(n * 7) % SURNAMES.len()],
                GIVEN[(n * 3 + b) % GIVEN.len()]
            );
            let field = if *town {
                "综合执法"
            } else {
                "行业执法"
            };
            // One body in five has a certificate ending within six months; the first an ended one.
            let (issued, until) = match (b % 5, k) {
                (0, 5) => (
                    "2022-02-01".to_string(),
                    (today + Days::new(60)).to_string(),
                ),
                (_, 5) if b == 1 => ("2021-06-01".to_string(), "2026-05-31".to_string()),
                _ => ("2022-07-01".to_string(), "2027-06-30".to_string()),
            };
            let reviewer = if !*town && k == 0 { "是" } else { "否" };
            officers.push(format!(
                "{name},{number},{body},{field},{issued},{until},有效,{reviewer}"
            ));
            if k < 4 {
                certificates.entry(body.clone()).or_default().push(number);
            }
        }
    }
    e.import_officers(
        actor,
        &records(
            &enforcement::ledger::OFFICERS,
            &csv(
                "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员",
                &officers,
            ),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;

    // Cases: a dozen per body with penalty powers, spread over the year up to a week ago.
    let calendar = platform.calendar().await.map_err(|e| e.to_string())?;
    let days_so_far = (today - start).num_days().max(30) as u64;
    let mut cases = Vec::new();
    let mut seq = 0usize;
    for (body, town) in &all_bodies {
        let owner = if *town { ENTRUSTING } else { body.as_str() };
        let (Some(items), Some(officers)) = (penalties.get(owner), certificates.get(body)) else {
            continue;
        };
        let pair = format!("{}、{}", officers[0], officers[1]);
        for i in 0..12usize {
            seq += 1;
            let item = &items[(seq * 5) % items.len()];
            let opened = start + Days::new((seq as u64 * 37) % (days_so_far - 20));
            let number = format!("新执罚〔{year}〕{seq}号");
            let (kind, party) = if seq.is_multiple_of(3) {
                ("个人", format!("{}某某", SURNAMES[seq % SURNAMES.len()]))
            } else {
                (
                    "单位",
                    format!("常州{}商贸有限公司", GIVEN[seq % GIVEN.len()]),
                )
            };
            let row = match i % 6 {
                // 简易程序: a warning or a small fine on the spot.
                0 => {
                    let fine = if kind == "个人" { "100" } else { "2000" };
                    format!(
                        "{number},{body},{item},{kind},{party},{opened},简易程序,{pair},否,否,否,{opened},给予行政处罚,罚款,{fine},,{opened}"
                    )
                }
                // 普通程序, a fine published in time and closed.
                1 | 2 => {
                    let decided = opened + Days::new(40);
                    let published = kernel::calendar::PeriodUnit::Workdays;
                    let due = calendar
                        .add_provisional(decided, 5, published)
                        .map(|d| d.due)
                        .unwrap_or(decided);
                    let closed = decided + Days::new(20);
                    let closed = if closed < today {
                        closed.to_string()
                    } else {
                        String::new()
                    };
                    let published = if due <= today {
                        due.to_string()
                    } else {
                        String::new()
                    };
                    format!(
                        "{number},{body},{item},{kind},{party},{opened},普通程序,{pair},否,否,否,{decided},给予行政处罚,罚款,{},{published},{closed}",
                        5000 + seq * 500
                    )
                }
                // A heavy penalty: hearing, collective discussion, legal review; published late.
                3 => {
                    let decided = opened + Days::new(60);
                    let published = decided + Days::new(20);
                    let published = if published <= today {
                        published.to_string()
                    } else {
                        String::new()
                    };
                    format!(
                        "{number},{body},{item},单位,{party},{opened},普通程序,{pair},是,是,是,{decided},给予行政处罚,责令停产停业、罚款,50000,{published},"
                    )
                }
                // No penalty, and a decision not yet published.
                4 => {
                    let decided = opened + Days::new(30);
                    if i % 12 == 4 {
                        let closed = decided + Days::new(3);
                        let closed = if closed <= today {
                            closed.to_string()
                        } else {
                            String::new()
                        };
                        format!(
                            "{number},{body},{item},{kind},{party},{opened},普通程序,{pair},否,否,否,{decided},不予行政处罚,,,,{closed}"
                        )
                    } else {
                        format!(
                            "{number},{body},{item},{kind},{party},{opened},普通程序,{pair},否,否,否,{decided},给予行政处罚,警告,,,"
                        )
                    }
                }
                // Still under investigation.
                _ => format!(
                    "{number},{body},{item},{kind},{party},{opened},普通程序,{pair},否,否,否,,,,,,"
                ),
            };
            // A decision after today is not yet made: leave such rows undecided.
            if row
                .split(',')
                .nth(11)
                .is_some_and(|d| d > today.to_string().as_str())
            {
                cases.push(format!(
                    "{number},{body},{item},{kind},{party},{opened},普通程序,{pair},否,否,否,,,,,,"
                ));
            } else {
                cases.push(row);
            }
        }
    }
    let header = "案件编号,执法主体,事项编码,当事人类型,当事人,立案日期,适用程序,承办人员,是否听证,是否法制审核,是否集体讨论,决定日期,决定类型,处罚种类,罚没金额,公示日期,结案日期";
    e.import_cases(
        actor,
        &records(&enforcement::ledger::CASES, &csv(header, &cases))?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;

    // Inspections: eight per body with inspection powers.
    let mut rows = Vec::new();
    let mut seq = 0usize;
    for (body, town) in &all_bodies {
        let owner = if *town { ENTRUSTING } else { body.as_str() };
        let (Some(items), Some(officers)) = (inspections.get(owner), certificates.get(body)) else {
            continue;
        };
        for _ in 0..8 {
            seq += 1;
            let on = start + Days::new((seq as u64 * 29) % days_so_far);
            let method = ["双随机", "专项", "投诉举报", "其他"][seq % 4];
            let result = ["未发现问题", "未发现问题", "责令整改", "立案查处"][seq % 4];
            rows.push(format!(
                "新执检〔{year}〕{seq}号,{body},{},常州{}经营部,{on},{method},{}、{},{result}",
                items[seq % items.len()],
                GIVEN[seq % GIVEN.len()],
                officers[2],
                officers[3]
            ));
        }
    }
    e.import_inspections(
        actor,
        &records(
            &enforcement::ledger::INSPECTIONS,
            &csv(
                "检查编号,执法主体,事项编码,检查对象,检查日期,检查方式,检查人员,检查结果",
                &rows,
            ),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    // Two cases handled in the system step by step, and a morning of training for a body.
    let first = departments
        .iter()
        .find(|d| penalties.contains_key(d.as_str()) && certificates.contains_key(d.as_str()));
    if let Some(body) = first {
        handled(
            &e,
            actor,
            body,
            &penalties[body.as_str()][0],
            &certificates[body.as_str()],
            today,
        )
        .await?;
    }
    Ok(format!(
        "行政执法演示数据：{}个执法主体，{}名执法人员，{year}年{}件行政处罚案件、{}次行政检查",
        bodies.len(),
        officers.len(),
        cases.len(),
        rows.len()
    ))
}

/// A case from 立案 to 归档 with a hearing and a legal review, one waiting for the party's
/// answer to the notice, and training records for the body's officers.
async fn handled(
    e: &enforcement::Enforcement,
    actor: &Actor,
    body: &str,
    item: &str,
    officers: &[String],
    today: NaiveDate,
) -> Result<(), String> {
    use enforcement::workflow::{NewCase, StepRequest};
    use enforcement::{Decision, Opinion, PartyKind, PenaltyType, Procedure, StepDetail, StepKind};
    use kernel::Money;
    let err = |e: enforcement::Error| e.to_string();
    let (reviewer, a, b, chair) = (&officers[0], &officers[1], &officers[2], &officers[3]);
    let opened = today - Days::new(45);
    let on = |n: u64| opened + Days::new(n);
    let new = |number: String, party: &str, opened_on: NaiveDate| NewCase {
        number,
        body: body.to_string(),
        item_code: item.to_string(),
        party_kind: Some(PartyKind::Organisation),
        party: party.into(),
        opened_on: Some(opened_on),
        procedure: Some(Procedure::Ordinary),
        officers: vec![a.clone(), b.clone()],
        text: "群众投诉举报，经初步核查符合立案条件".into(),
        ..Default::default()
    };
    let year = today.year();
    let case = e
        .open_case(
            actor,
            new(
                format!("新执罚〔{year}〕办字1号"),
                "常州示例餐饮有限公司",
                opened,
            ),
        )
        .await
        .map_err(err)?;
    let fine = |yuan| StepDetail {
        decision: Some(Decision::Penalty),
        penalties: vec![PenaltyType::Fine],
        amount: Some(Money::from_yuan(yuan)),
        ..Default::default()
    };
    let text = |t: &str| StepDetail {
        text: t.into(),
        ..Default::default()
    };
    let step = |kind, day: NaiveDate, who: Vec<String>, detail| StepRequest {
        kind,
        on: day,
        officers: who,
        detail,
    };
    let pair = vec![a.clone(), b.clone()];
    let calendar = kernel::Calendar::official();
    let hearing = enforcement::workflow::check::earliest_hearing(
        calendar,
        enforcement::Regime::Law2021,
        on(6),
    )
    .unwrap_or(on(20));
    for s in [
        step(
            StepKind::Investigate,
            on(2),
            pair.clone(),
            text("现场检查，制作现场笔录和询问笔录，调取进货凭证"),
        ),
        step(
            StepKind::Notify,
            on(5),
            pair.clone(),
            StepDetail {
                text: "未取得许可从事经营活动".into(),
                ..fine(80000)
            },
        ),
        step(
            StepKind::HearingRequest,
            on(6),
            vec![],
            text("当事人书面申请听证"),
        ),
        step(
            StepKind::HearingNotice,
            on(6),
            pair.clone(),
            StepDetail {
                date: Some(hearing),
                text: "本局听证室".into(),
                ..Default::default()
            },
        ),
        step(
            StepKind::Hearing,
            hearing,
            vec![chair.clone()],
            text("当事人到场陈述申辩，对事实无异议，请求从轻处罚"),
        ),
        step(
            StepKind::LegalReview,
            hearing,
            vec![reviewer.clone()],
            StepDetail {
                opinion: Some(Opinion::Agree),
                text: "事实清楚，证据充分，程序合法".into(),
                ..Default::default()
            },
        ),
        step(StepKind::Decide, hearing, pair.clone(), fine(60000)),
        step(StepKind::Serve, hearing, pair.clone(), text("直接送达")),
        step(
            StepKind::Publish,
            hearing,
            pair.clone(),
            StepDetail::default(),
        ),
    ] {
        if s.on <= today {
            e.record_step(actor, case.id.as_str(), s)
                .await
                .map_err(err)?;
        }
    }
    let second = e
        .open_case(
            actor,
            new(
                format!("新执罚〔{year}〕办字2号"),
                "常州示例建材有限公司",
                today - Days::new(10),
            ),
        )
        .await
        .map_err(err)?;
    for s in [
        step(
            StepKind::Investigate,
            today - Days::new(8),
            pair.clone(),
            text("现场检查"),
        ),
        step(
            StepKind::Notify,
            today - Days::new(2),
            pair.clone(),
            StepDetail {
                text: "超范围经营".into(),
                ..fine(3000)
            },
        ),
    ] {
        e.record_step(actor, second.id.as_str(), s)
            .await
            .map_err(err)?;
    }
    let roster = e.officers(actor, false).await.map_err(err)?;
    for o in roster
        .iter()
        .filter(|o| officers.contains(&o.officer.certificate))
    {
        for (days, hours, subject) in [
            (90, "16", "行政处罚法专题培训"),
            (30, "8", "行政执法案卷评查标准解读"),
        ] {
            let when = today - Days::new(days);
            if when.year() == year {
                e.record_training(actor, o.officer.id.as_str(), when, hours, subject)
                    .await
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}
