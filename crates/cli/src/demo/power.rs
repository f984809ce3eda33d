//! The demo district's power list, entered through the product's own paths: 4,828 items across
//! its forty departments from the start (the items ledger); 2020's 288 adjustments in ten
//! departments, each proposed, reviewed by one legal-affairs officer and approved by another
//! (so 4,840 items are in force at the end of 2020); the delegations to the towns and streets
//! (the delegations ledger: 42 licensing and 95 public-service items delegated in 2020, 376
//! penalty items proposed and awaiting the province's approval at year end, some approved in
//! 2021); a few later changes, and proposals waiting for review today.
//!
//! The names and bases are generated from [`super::vocabulary`], deterministically: every demo
//! database holds the same list. Bases cite laws of the corpus by article numbers its current
//! versions have, so with the corpus loaded they resolve.

use std::collections::HashSet;

use chrono::NaiveDate;
use kernel::ids::OrgId;
use ledger::ImportMode;
use platform::{Actor, Platform};
use power::{AdjustmentKind, ItemFields, ItemType, Level, Power, Proposal};

use super::vocabulary::{self as words, FIELDS, Field, SIZES};

/// The departments whose items 2020's adjustments concern (the report's "10 departments").
pub const ADJUSTED: [&str; 10] = [
    "市场监管局",
    "生态环境局",
    "交通局",
    "卫健局",
    "住建局",
    "农业农村局",
    "应急管理局",
    "人社局",
    "城管局",
    "综合行政执法局",
];

/// 2020's adjustments by kind: 新增, 取消, 变更, 下放 (288 in all).
const ADDED: usize = 60;
const CANCELLED: usize = 48;
const CHANGED: usize = 150;
const DELEGATE_ADJUSTMENTS: usize = 30;

/// 2020's delegations.
const DELEGATED_LICENSING: usize = 42;
const DELEGATED_SERVICES: usize = 95;
const PENDING_PENALTIES: usize = 376;
/// Of the pending penalty items, how many the province approved (and the district delegated) in 2021.
const APPROVED_2021: usize = 200;

/// A deterministic pseudo-random sequence (xorshift64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut at = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if at < *w {
                return i;
            }
            at -= w;
        }
        0
    }
}

/// One generated item.
#[derive(Clone, Debug)]
pub struct Spec {
    pub code: String,
    pub department: &'static str,
    pub item_type: ItemType,
    pub name: String,
    pub sub_name: String,
    pub basis: String,
    pub level: Level,
    pub handling_unit: &'static str,
}

fn field_of(department: &str) -> &'static Field {
    FIELDS
        .iter()
        .find(|f| f.departments.contains(&department))
        .unwrap_or(&FIELDS[FIELDS.len() - 1])
}

fn abbreviation(t: ItemType) -> &'static str {
    match t {
        ItemType::Licensing => "XK",
        ItemType::Penalty => "CF",
        ItemType::Coercion => "QZ",
        ItemType::Levy => "ZS",
        ItemType::Benefit => "JF",
        ItemType::Inspection => "JC",
        ItemType::Confirmation => "QR",
        ItemType::Award => "JL",
        ItemType::Adjudication => "CJ",
        ItemType::Other => "QT",
        ItemType::PublicService => "GG",
    }
}

fn cite(law: &str, article: u32) -> String {
    format!(
        "《中华人民共和国{law}》第{}条",
        laws::numerals::write(article)
    )
}

/// A basis in the field: penalties cite the 法律责任 articles near the end, others the earlier ones.
fn basis(rng: &mut Rng, field: &Field, t: ItemType) -> String {
    let (law, articles) = *rng.pick(field.laws);
    let article = if t == ItemType::Penalty || t == ItemType::Coercion {
        let from = articles * 7 / 10;
        from + rng.below((articles - from) as usize) as u32 + 1
    } else {
        rng.below((articles * 6 / 10).max(1) as usize) as u32 + 1
    };
    let main = cite(law, article.min(articles));
    if t == ItemType::Licensing && law != "行政许可法" {
        format!("{main}；《中华人民共和国行政许可法》第十二条")
    } else {
        main
    }
}

fn named(rng: &mut Rng, field: &Field, t: ItemType) -> (String, String) {
    let subject = *rng.pick(field.subjects);
    let activity = *rng.pick(field.activities);
    let ends = [
        "许可", "核准", "审批", "备案", "登记", "检查", "认定", "确认",
    ];
    match t {
        ItemType::Licensing => {
            let name = if ends.iter().any(|e| activity.ends_with(e)) {
                activity.to_string()
            } else {
                format!("{activity}许可")
            };
            let sub = format!("{name}（{}）", rng.pick(words::STAGES));
            (name, sub)
        }
        ItemType::Penalty => (
            format!("对{subject}{}的处罚", rng.pick(words::VIOLATIONS)),
            String::new(),
        ),
        ItemType::Coercion => (
            format!(
                "对{subject}{}涉及的场所、设施、财物的查封、扣押",
                rng.pick(words::VIOLATIONS)
            ),
            String::new(),
        ),
        ItemType::Levy => (format!("{}征收", rng.pick(words::LEVIES)), String::new()),
        ItemType::Benefit => (format!("{}给付", rng.pick(words::BENEFITS)), String::new()),
        ItemType::Inspection => (
            format!("对{subject}的{}", rng.pick(words::INSPECTIONS)),
            String::new(),
        ),
        ItemType::Confirmation => (format!("{activity}资格确认"), String::new()),
        ItemType::Award => (
            format!("对{activity}工作中成绩显著的单位和个人的表彰奖励"),
            String::new(),
        ),
        ItemType::Adjudication => (
            format!("{}的裁决", rng.pick(words::DISPUTES)),
            String::new(),
        ),
        ItemType::Other => (format!("{activity}备案"), String::new()),
        ItemType::PublicService => (
            format!("{activity}{}", rng.pick(words::SERVICES)),
            String::new(),
        ),
    }
}

fn handling_unit(t: ItemType) -> &'static str {
    match t {
        ItemType::Penalty | ItemType::Coercion | ItemType::Inspection => "执法大队",
        ItemType::Licensing | ItemType::Confirmation | ItemType::Other => "行政审批科",
        _ => "业务科室",
    }
}

fn spec(rng: &mut Rng, department: &'static str, number: usize, seq: usize) -> Spec {
    let field = field_of(department);
    let t = ItemType::ALL[rng.weighted(&field.mix)];
    let (name, sub_name) = named(rng, field, t);
    Spec {
        code: format!("320411-{number:02}-{}-{seq:04}", abbreviation(t)),
        department,
        item_type: t,
        name,
        sub_name,
        basis: basis(rng, field, t),
        level: if rng.below(40) == 0 {
            Level::Town
        } else {
            Level::District
        },
        handling_unit: handling_unit(t),
    }
}

/// The list at the start: SIZES items per department, codes numbered within each department.
pub fn initial_items() -> Vec<Spec> {
    let mut rng = Rng(0x5eed_2020_0411);
    let mut out = Vec::new();
    for (number, (department, size)) in SIZES.iter().enumerate() {
        for seq in 1..=*size {
            out.push(spec(&mut rng, department, number + 1, seq));
        }
    }
    out
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The items ledger (DESIGN §4.4 power-items) of these items.
pub fn items_csv(items: &[Spec]) -> String {
    let mut csv = String::from(
        "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注,承办机构\n",
    );
    for s in items {
        let cells = [
            s.code.as_str(),
            &s.name,
            &s.sub_name,
            s.item_type.label(),
            s.department,
            &s.basis,
            s.level.label(),
            words::RESPONSIBILITIES,
            words::ACCOUNTABILITY,
            "",
            s.handling_unit,
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    csv
}

/// The delegations ledger: 2020's batches and 2021's approvals, by item code.
pub fn delegations_csv(items: &[Spec], towns: &[&str], taken: &mut HashSet<String>) -> String {
    let mut csv = String::from("事项编码,承接主体,下放类别,状态,批次文号,日期\n");
    let pick = |t: ItemType, n: usize, taken: &mut HashSet<String>| -> Vec<Spec> {
        let chosen: Vec<Spec> = items
            .iter()
            .filter(|s| s.item_type == t && !ADJUSTED.contains(&s.department))
            .filter(|s| !taken.contains(&s.code))
            .take(n)
            .cloned()
            .collect();
        taken.extend(chosen.iter().map(|s| s.code.clone()));
        chosen
    };
    let licensing = pick(ItemType::Licensing, DELEGATED_LICENSING, taken);
    for s in &licensing {
        for (state, doc, on) in [
            ("拟下放待核准", "常新政发〔2020〕8号", "2020-03-16"),
            ("已核准", "苏政复〔2020〕21号", "2020-05-20"),
            ("已下放", "常新政发〔2020〕19号", "2020-07-01"),
        ] {
            csv.push_str(&format!(
                "{},各镇（街道）,行政许可,{state},{doc},{on}\n",
                s.code
            ));
        }
    }
    let services = pick(ItemType::PublicService, DELEGATED_SERVICES, taken);
    for (i, s) in services.iter().enumerate() {
        // Each service to three to six of the towns and streets.
        for k in 0..(3 + i % 4) {
            let town = towns[(i + k * 3) % towns.len()];
            csv.push_str(&format!(
                "{},{town},公共服务,已下放,常新政发〔2020〕31号,2020-09-01\n",
                s.code
            ));
        }
    }
    let penalties = pick(ItemType::Penalty, PENDING_PENALTIES, taken);
    for (i, s) in penalties.iter().enumerate() {
        csv.push_str(&format!(
            "{},各镇（街道）,行政处罚,拟下放待核准,常新政发〔2020〕45号,2020-11-20\n",
            s.code
        ));
        if i < APPROVED_2021 {
            csv.push_str(&format!(
                "{},各镇（街道）,行政处罚,已核准,苏政复〔2021〕9号,2021-04-01\n{},各镇（街道）,行政处罚,已下放,常新政发〔2021〕12号,2021-06-01\n",
                s.code, s.code
            ));
        }
    }
    csv
}

fn fields(s: &Spec, org_id: OrgId) -> ItemFields {
    ItemFields {
        name: s.name.clone(),
        sub_name: s.sub_name.clone(),
        item_type: s.item_type,
        org_id,
        handling_unit: s.handling_unit.into(),
        legal_basis: s.basis.clone(),
        level: s.level,
        responsibilities: words::RESPONSIBILITIES.into(),
        accountability: words::ACCOUNTABILITY.into(),
        note: String::new(),
    }
}

/// One adjustment to carry through the three steps.
struct Planned {
    proposal: Proposal,
}

/// 2020's adjustments: ten departments, each kind spread over them and over the year.
fn plan_2020(
    items: &[Spec],
    taken: &mut HashSet<String>,
    orgs: &dyn Fn(&str) -> OrgId,
) -> Vec<Planned> {
    let mut rng = Rng(0xad_2020);
    let mut out = Vec::new();
    let date = |i: usize| {
        NaiveDate::from_ymd_opt(2020, 2 + (i % 10) as u32, 1 + (i * 7 % 27) as u32)
            .unwrap_or_default()
    };
    let mut by_department: Vec<Vec<&Spec>> = ADJUSTED
        .iter()
        .map(|d| items.iter().filter(|s| s.department == *d).rev().collect())
        .collect();
    let mut next = |i: usize, taken: &mut HashSet<String>| -> Spec {
        let list = &mut by_department[i % ADJUSTED.len()];
        loop {
            let s = list.remove(0);
            if taken.insert(s.code.clone()) {
                return s.clone();
            }
        }
    };
    for i in 0..ADDED {
        let department = ADJUSTED[i % ADJUSTED.len()];
        let number = SIZES
            .iter()
            .position(|(d, _)| *d == department)
            .unwrap_or(0)
            + 1;
        let mut s = spec(&mut rng, department, number, 9001 + i);
        s.basis = basis(&mut rng, field_of(department), s.item_type);
        out.push(Planned {
            proposal: Proposal {
                item_code: s.code.clone(),
                kind: AdjustmentKind::Add,
                effective_on: date(i),
                reason: "新增法定职责".into(),
                basis: s.basis.clone(),
                fields: Some(fields(&s, orgs(department))),
            },
        });
    }
    for i in 0..CANCELLED {
        let s = next(i, taken);
        out.push(Planned {
            proposal: Proposal {
                item_code: s.code.clone(),
                kind: AdjustmentKind::Cancel,
                effective_on: date(i + 3),
                reason: "上位法修改，该职权已取消".into(),
                basis: "《国务院关于取消和下放一批行政许可事项的决定》".into(),
                fields: None,
            },
        });
    }
    for i in 0..CHANGED {
        let s = next(i, taken);
        let mut changed = s.clone();
        changed.basis = basis(&mut rng, field_of(s.department), s.item_type);
        let mut f = fields(&changed, orgs(s.department));
        f.note = "依据法律法规修改情况调整设定依据".into();
        out.push(Planned {
            proposal: Proposal {
                item_code: s.code.clone(),
                kind: AdjustmentKind::Change,
                effective_on: date(i + 5),
                reason: "法律法规修改".into(),
                basis: changed.basis.clone(),
                fields: Some(f),
            },
        });
    }
    for i in 0..DELEGATE_ADJUSTMENTS {
        let s = next(i, taken);
        out.push(Planned {
            proposal: Proposal {
                item_code: s.code.clone(),
                kind: AdjustmentKind::Delegate,
                effective_on: date(i + 7),
                reason: "赋予镇（街道）行使".into(),
                basis: "常新政发〔2020〕19号".into(),
                fields: None,
            },
        });
    }
    out
}

/// Loads the power list. `password` opens the demo accounts whose hands the reviews are in.
pub async fn load(platform: &Platform, actor: &Actor, password: &str) -> Result<String, String> {
    let power = Power::new(platform.clone());
    let items = initial_items();
    let records = |layout: &ledger::Layout, csv: &str| {
        ledger::read_bytes("demo.csv", csv.as_bytes())
            .and_then(|sheet| sheet.records(layout))
            .map_err(|e| e.to_string())
    };
    power
        .import_items(
            actor,
            &records(&power::ledger::ITEMS, &items_csv(&items))?,
            None,
            ImportMode::default(),
        )
        .await
        .map_err(|e| e.to_string())?;

    let towns: Vec<String> = platform
        .directory()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|o| o.kind.is_town_or_street())
        .map(|o| o.name)
        .collect();
    let town_names: Vec<&str> = towns.iter().map(String::as_str).collect();
    let mut taken = HashSet::new();
    let delegations = delegations_csv(&items, &town_names, &mut taken);
    power
        .import_delegations(
            actor,
            &records(&power::ledger::DELEGATIONS, &delegations)?,
            ImportMode::default(),
        )
        .await
        .map_err(|e| e.to_string())?;

    let mut ids = std::collections::HashMap::new();
    for d in ADJUSTED.iter().chain(["司法局"].iter()) {
        let org = platform.resolve_org(d).await.map_err(|e| e.to_string())?;
        ids.insert(*d, org.id);
    }
    let orgs = |d: &str| {
        ids.get(d)
            .cloned()
            .unwrap_or_else(|| OrgId::from_stored(String::new()))
    };
    let reviewer = login(platform, "sfj", password).await?;
    let approver = login(platform, "sfjld", password).await?;
    let planned = plan_2020(&items, &mut taken, &orgs);
    for p in &planned {
        let a = power
            .propose(actor, p.proposal.clone())
            .await
            .map_err(|e| format!("{}：{e}", p.proposal.item_code))?;
        power
            .review(&reviewer, &a.id, true, "经审核，符合法律法规规定")
            .await
            .map_err(|e| e.to_string())?;
        power
            .decide(&approver, &a.id, true, "同意")
            .await
            .map_err(|e| e.to_string())?;
    }

    // Waiting today: a change proposed by the market regulator, and a new item reviewed.
    let officer = login(platform, "scjg", password).await?;
    let market = items
        .iter()
        .find(|s| s.department == "市场监管局" && !taken.contains(&s.code));
    let next_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
    if let Some(s) = market {
        let mut f = fields(s, orgs("市场监管局"));
        f.name = format!("{}（含网络交易）", s.name);
        power
            .propose(
                &officer,
                Proposal {
                    item_code: s.code.clone(),
                    kind: AdjustmentKind::Change,
                    effective_on: next_year,
                    reason: "上位法修改，扩大适用范围".into(),
                    basis: s.basis.clone(),
                    fields: Some(f),
                },
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut rng = Rng(0x2026);
    let mut new = spec(&mut rng, "市场监管局", 1, 9901);
    new.item_type = ItemType::Inspection;
    new.name = "对网络直播营销活动的行政检查".into();
    let proposed = power
        .propose(
            &officer,
            Proposal {
                item_code: new.code.clone(),
                kind: AdjustmentKind::Add,
                effective_on: next_year,
                reason: "新增法定职责".into(),
                basis: "《中华人民共和国电子商务法》第六条".into(),
                fields: Some(fields(&new, orgs("市场监管局"))),
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    power
        .review(&reviewer, &proposed.id, true, "经审核，符合法律法规规定")
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "权责清单：{}项事项，{}项2020年动态调整，{}项赋权",
        items.len(),
        planned.len(),
        taken.len() - planned.len() + ADDED
    ))
}

pub(crate) async fn login(
    platform: &Platform,
    username: &str,
    password: &str,
) -> Result<Actor, String> {
    platform
        .login(username, password, "demo")
        .await
        .map(|l| l.session.actor)
        .map_err(|e| format!("演示账户{username}无法登录：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_same_every_time_and_its_codes_are_unique() {
        let a = initial_items();
        let b = initial_items();
        assert_eq!(a.len(), 4828);
        assert_eq!(a[100].code, b[100].code);
        assert_eq!(a[100].name, b[100].name);
        let codes: HashSet<&str> = a.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes.len(), a.len());
        let count = |t| a.iter().filter(|s| s.item_type == t).count();
        assert!(
            count(ItemType::Penalty) > 2000,
            "{}",
            count(ItemType::Penalty)
        );
        assert!(count(ItemType::Licensing) > 200);
        assert!(count(ItemType::PublicService) > 200);
        assert!(a.iter().all(|s| s.basis.starts_with("《中华人民共和国")));
    }

    #[test]
    fn the_delegations_ledger_holds_the_report_batches() {
        let items = initial_items();
        let towns = [
            "孟河镇",
            "薛家镇",
            "罗溪镇",
            "西夏墅镇",
            "奔牛镇",
            "三井街道",
        ];
        let mut taken = HashSet::new();
        let csv = delegations_csv(&items, &towns, &mut taken);
        assert_eq!(
            taken.len(),
            DELEGATED_LICENSING + DELEGATED_SERVICES + PENDING_PENALTIES
        );
        assert_eq!(
            csv.lines()
                .filter(|l| l.contains("拟下放待核准,常新政发〔2020〕45号"))
                .count(),
            376
        );
    }
}
