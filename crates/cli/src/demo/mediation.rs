//! The demo district's 人民调解: a committee in every village and community of the ten towns and
//! streets, 25 enterprise, 4 chamber-of-commerce and 3 standardised family mediation rooms, a
//! roster of 700+ mediators published and notified to the court, and the 14,184 disputes of 2020
//! (all mediated successfully, as the 新北区 report states), plus this year's disputes, some still
//! open. Everything enters through the three ledgers; the figures come from these records.

use chrono::{Days, NaiveDate};
use ledger::ImportMode;
use mediation::Mediation;
use platform::{Actor, Platform};

const TOWNS: &[&str] = &[
    "三井街道",
    "龙虎塘街道",
    "春江街道",
    "魏村街道",
    "新桥街道",
    "孟河镇",
    "薛家镇",
    "罗溪镇",
    "西夏墅镇",
    "奔牛镇",
];
const VILLAGES: &[&str] = &["东", "西", "南", "北", "新", "前", "后", "中", "河", "桥"];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "伟", "芳", "明", "丽", "志强", "敏", "杰", "静", "磊", "娟", "超", "红", "斌",
    "燕", "勇", "霞", "峰", "琳", "军", "洁", "亮", "雪",
];
/// 2020's disputes by type, in proportions a district sees.
const TYPES: &[(&str, u32)] = &[
    ("婚姻家庭", 16),
    ("邻里", 22),
    ("房屋宅基地", 8),
    ("合同", 9),
    ("损害赔偿", 10),
    ("劳动争议", 9),
    ("村务管理", 5),
    ("征地拆迁", 3),
    ("环境污染", 2),
    ("医疗", 2),
    ("道路交通", 6),
    ("物业", 5),
    ("其他", 3),
];
const SOURCES: &[(&str, u32)] = &[("排查", 45), ("申请", 40), ("移交", 8), ("委派", 7)];
const DISPUTES_2020: usize = 14_184;

fn pick<'a>(table: &[(&'a str, u32)], i: usize) -> &'a str {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut at = (i as u32).wrapping_mul(2_654_435_761) % total;
    for (name, w) in table {
        if at < *w {
            return name;
        }
        at -= w;
    }
    table[0].0
}

fn person(i: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[i % SURNAMES.len()],
        GIVEN[(i / SURNAMES.len() + i) % GIVEN.len()]
    )
}

/// (organisation name, kind, town, standardised, founded).
fn organizations() -> Vec<(String, &'static str, &'static str, bool, &'static str)> {
    let mut out = Vec::new();
    for (t, town) in TOWNS.iter().enumerate() {
        let short = town.trim_end_matches("街道").trim_end_matches('镇');
        for v in VILLAGES.iter().take(6 + t % 3) {
            let place = if town.ends_with("街道") {
                "社区"
            } else {
                "村"
            };
            out.push((
                format!("{short}{v}{place}人民调解委员会"),
                "村居",
                *town,
                t % 2 == 0,
                "2011-03-01",
            ));
        }
    }
    for i in 0..25 {
        out.push((
            format!("新北区第{}企业调解室", i + 1),
            "企业",
            TOWNS[i % TOWNS.len()],
            i % 3 == 0,
            "2018-05-01",
        ));
    }
    for (i, name) in [
        "新北区工商联",
        "新北区汽配商会",
        "新北区纺织商会",
        "新北区建材商会",
    ]
    .iter()
    .enumerate()
    {
        out.push((
            format!("{name}调解委员会"),
            "商会",
            TOWNS[i * 2],
            true,
            "2019-06-01",
        ));
    }
    for town in ["三井街道", "孟河镇", "薛家镇"] {
        out.push((
            format!("{town}家事调解室"),
            "家事",
            town,
            true,
            "2019-09-01",
        ));
    }
    for (name, town) in [
        ("新北区医疗纠纷人民调解委员会", "三井街道"),
        ("新北区交通事故人民调解委员会", "新桥街道"),
    ] {
        out.push((name.to_string(), "行业性专业性", town, true, "2016-01-01"));
    }
    out
}

fn csv(header: &str, rows: &[String]) -> String {
    let mut s = String::from(header);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Loads the demo's mediation records.
pub async fn load(platform: &Platform, actor: &Actor) -> Result<String, String> {
    let m = Mediation::new(platform.clone());
    let records = |layout: &ledger::Layout, text: &str| {
        ledger::read_bytes("demo.csv", text.as_bytes())
            .and_then(|sheet| sheet.records(layout))
            .map_err(|e| e.to_string())
    };
    let orgs = organizations();
    let rows: Vec<String> = orgs
        .iter()
        .map(|(name, kind, town, std, founded)| {
            format!(
                "{name},{kind},{town},{},{founded},{},2020-01-01",
                if *std { "是" } else { "否" },
                5 + name.len() % 4
            )
        })
        .collect();
    m.import_organizations(
        actor,
        &records(
            &mediation::ledger::ORGANIZATIONS,
            &csv(
                "组织名称,组织类型,所属镇街,是否标准化,设立日期,委员人数,本届起始日期",
                &rows,
            ),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;

    // Roster: members of each committee and room, a full-time mediator in each town's first
    // committee; published in March 2020, notified to the court a week later.
    let mut roster: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    let mut n = 0;
    for (o, (name, _, _, _, _)) in orgs.iter().enumerate() {
        let members = 7 + o % 3;
        for k in 0..members {
            let who = person(n);
            let who = if roster.iter().any(|(org, p)| org == name && *p == who) {
                format!("{who}{k}")
            } else {
                who
            };
            let full = k == 0 && o % 2 == 0;
            rows.push(format!(
                "{who},{},{name},{},1{:010},2020-03-01,{}",
                if n % 2 == 0 { "男" } else { "女" },
                if full { "专职" } else { "兼职" },
                3_800_000_000u64 + n as u64 * 7,
                if n % 10 == 9 { "" } else { "2020-03-08" }
            ));
            roster.push((name.clone(), who));
            n += 1;
        }
    }
    let mediators = rows.len();
    m.import_mediators(
        actor,
        &records(
            &mediation::ledger::MEDIATORS,
            &csv(
                "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期",
                &rows,
            ),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;

    // 2020: 14,184 disputes, all mediated successfully within the month.
    let start = NaiveDate::from_ymd_opt(2020, 1, 2).ok_or("date")?;
    let mut rows = Vec::with_capacity(DISPUTES_2020 + 200);
    for i in 0..DISPUTES_2020 {
        let (org, who) = &roster[(i * 7919) % roster.len()];
        let received = start + Days::new((i * 331 % 350) as u64);
        let concluded = received + Days::new(1 + (i % 12) as u64);
        let written = i % 5 != 0;
        rows.push(format!(
            "新北调〔2020〕{},{},{},{},{org},{who},调解成功,{},{},{}",
            i + 1,
            day(received),
            pick(TYPES, i),
            pick(SOURCES, i + 3),
            day(concluded),
            if written { "书面" } else { "口头" },
            if written && i % 40 == 1 { "是" } else { "否" }
        ));
    }
    // This year: some concluded, some still being mediated (a few past the target).
    let today = kernel::time::china_today();
    for i in 0..120usize {
        let (org, who) = &roster[(i * 104_729) % roster.len()];
        let Some(received) = today.checked_sub_days(Days::new((i * 3 % 90) as u64 + 1)) else {
            continue;
        };
        let open = i % 6 == 0;
        let concluded = received + Days::new(2 + (i % 9) as u64);
        let (outcome, end, form) = if open || concluded > today {
            ("调解中", String::new(), "")
        } else if i % 13 == 0 {
            ("调解不成功", day(concluded), "")
        } else {
            ("调解成功", day(concluded), "书面")
        };
        rows.push(format!(
            "新北调〔{}〕{},{},{},{},{org},{who},{outcome},{end},{form},否",
            chrono::Datelike::year(&today),
            9000 + i,
            day(received),
            pick(TYPES, i + 5),
            pick(SOURCES, i),
        ));
    }
    m.import_disputes(
        actor,
        &records(
            &mediation::ledger::CASES,
            &csv("纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认", &rows),
        )?,
        ImportMode::default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let s = m.stats(2020, None).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "人民调解：调解组织{}个（企业{}、商会{}、家事{}），调解员{mediators}人；2020年受理纠纷{}件，调解成功率{:.2}%",
        orgs.len(),
        s.organizations_by_type.get("企业").copied().unwrap_or(0),
        s.organizations_by_type.get("商会").copied().unwrap_or(0),
        s.standardized_by_type.get("家事").copied().unwrap_or(0),
        s.disputes,
        s.success_rate
    ))
}
