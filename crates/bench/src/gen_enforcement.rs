//! `fazhi-bench gen`'s 行政执法: per district, its 40 departments as 法定行政机关 and its 10 towns
//! as 受委托组织 of the first department with penalty and inspection items; 8 officers each (one
//! legal-review officer per department, one certificate ending mid-year); `cases` penalty cases
//! citing the district's own 行政处罚 items and `inspections` inspections citing its 行政检查
//! items, shaped as the ledgers' checks require (two usable officers on an ordinary case, the
//! simple procedure's limits of the year's law, a legal review wherever 第五十八条 requires one).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::generate::{DEPARTMENTS, TOWNS, csv, day, department, district, town};
use crate::rng::Rng;

const PENALTIES: &[(&str, bool)] = &[
    ("罚款", true),
    ("罚款", true),
    ("罚款", true),
    ("罚款", true),
    ("罚款", true),
    ("罚款", true),
    ("罚款", true),
    ("警告", false),
    ("罚款、没收违法所得", true),
    ("责令停产停业、罚款", true),
    ("吊销许可证件", false),
    ("通报批评", false),
];
const HEAVY: &[&str] = &["责令停产停业", "吊销许可证件"];
const METHODS: &[&str] = &["双随机", "双随机", "专项", "投诉举报", "其他"];

/// The items `gen` adjusts or delegates during the year are the first 600 of a district
/// (`generate::ledgers`); cases cite the others, in force all year.
const CHANGED_ITEMS: usize = 600;

/// The items of a district's power list by department: (penalty codes, inspection codes).
fn items_by_department(items: &str) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for line in items.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (Some(code), Some(kind), Some(org)) = (cells.first(), cells.get(3), cells.get(4))
        else {
            continue;
        };
        let index = code
            .rsplit('-')
            .next()
            .and_then(|k| k.parse::<usize>().ok())
            .unwrap_or(0);
        if index < CHANGED_ITEMS {
            continue;
        }
        let entry = out.entry(org.to_string()).or_default();
        match *kind {
            "行政处罚" => entry.0.push(code.to_string()),
            "行政检查" => entry.1.push(code.to_string()),
            _ => {}
        }
    }
    out
}

fn certificate(code: &str, body: usize, k: usize) -> String {
    format!("{code}{body:02}{k}")
}

/// A district's enforcement ledgers: bodies, officers, cases, inspections.
pub fn ledgers(
    i: usize,
    year: i32,
    items: &str,
    cases: usize,
    inspections: usize,
    seed: u64,
) -> [String; 4] {
    let d = district(i);
    let mut rng =
        Rng((seed ^ 0x5eed_e4f0) ^ (i as u64 + 7).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let powers = items_by_department(items);
    let departments: Vec<String> = (0..DEPARTMENTS).map(|k| department(&d, k)).collect();
    let entruster = departments.iter().position(|name| {
        powers
            .get(name)
            .is_some_and(|(p, i)| !p.is_empty() && !i.is_empty())
    });

    // Bodies: departments 0..40, towns 40..50 (when a department can entrust them).
    let mut bodies = Vec::new();
    let mut names: Vec<(String, Option<usize>)> = Vec::new();
    for name in &departments {
        bodies.push(format!("{name},法定行政机关,,2019-01-01,"));
        names.push((name.clone(), None));
    }
    if let Some(e) = entruster {
        for t in 0..TOWNS {
            let name = town(&d, t);
            bodies.push(format!("{name},受委托组织,{},2019-01-01,", departments[e]));
            names.push((name, Some(e)));
        }
    }
    let mut officers = Vec::new();
    for (b, (name, entrusted)) in names.iter().enumerate() {
        for k in 0..8 {
            let until = if k == 7 {
                format!("{year}-06-30")
            } else {
                "2099-12-31".to_string()
            };
            let reviewer = if entrusted.is_none() && k == 0 {
                "是"
            } else {
                "否"
            };
            officers.push(format!(
                "执法{b:02}{k},{},{name},综合执法,2018-01-01,{until},有效,{reviewer}",
                certificate(&d.code, b, k)
            ));
        }
    }

    // Penalty cases: who may cite what.
    let citing: Vec<(usize, &Vec<String>)> = names
        .iter()
        .enumerate()
        .filter_map(|(b, (name, entrusted))| {
            let owner = entrusted.map_or(name.as_str(), |e| departments[e].as_str());
            powers
                .get(owner)
                .filter(|(p, _)| !p.is_empty())
                .map(|(p, _)| (b, p))
        })
        .collect();
    let last_open = NaiveDate::from_ymd_opt(year, 12, 1).unwrap_or_default();
    let law_2021 = NaiveDate::from_ymd_opt(2021, 7, 15).unwrap_or_default();
    let mut rows = Vec::with_capacity(cases);
    let cases = if citing.is_empty() { 0 } else { cases };
    for n in 0..cases {
        let (b, codes) = citing[rng.next(citing.len())];
        let body = &names[b].0;
        let item = &codes[rng.next(codes.len())];
        let person = rng.next(10) < 4;
        let (kind, party) = if person {
            ("个人", format!("当事人{}", rng.next(100_000)))
        } else {
            ("单位", format!("{}经营部{}", d.short, rng.next(100_000)))
        };
        let opened = day(year, &mut rng).min(last_open);
        let new_law = opened >= law_2021;
        let number = format!("{}罚〔{year}〕{}号", d.code, n + 1);
        let head = format!("{number},{body},{item},{kind},{party},{opened}");
        if rng.next(10) < 3 {
            // 简易程序: a warning or a small fine on the spot, closed the same day.
            let limit = match (new_law, person) {
                (true, true) => 200,
                (true, false) => 3000,
                (false, true) => 50,
                (false, false) => 1000,
            };
            let (types, amount) = if rng.next(3) == 0 {
                ("警告", String::new())
            } else {
                ("罚款", format!("{}.00", 10 + rng.next(limit - 10)))
            };
            rows.push(format!(
                "{head},简易程序,{},否,否,否,{opened},给予行政处罚,{types},{amount},,{opened}",
                certificate(&d.code, b, 1)
            ));
            continue;
        }
        let pair = format!(
            "{}、{}",
            certificate(&d.code, b, 1),
            certificate(&d.code, b, 2)
        );
        if rng.next(20) == 0 {
            rows.push(format!("{head},普通程序,{pair},否,否,否,,,,,,"));
            continue;
        }
        let decided = opened + Days::new(5 + rng.below(100));
        let decision = match rng.next(100) {
            0..85 => "给予行政处罚",
            85..93 => "不予行政处罚",
            93..97 => "移送司法机关",
            _ => "撤销案件",
        };
        let (types, amount, heavy) = if decision == "给予行政处罚" {
            let (types, money) = PENALTIES[rng.next(PENALTIES.len())];
            let amount = if money {
                format!("{}.00", 500 + rng.next(199_500))
            } else {
                String::new()
            };
            let heavy = HEAVY.iter().any(|h| types.contains(h));
            (types, amount, heavy)
        } else {
            ("", String::new(), false)
        };
        let hearing = heavy && rng.next(3) == 0;
        let collective = rng.next(20) == 0;
        let required = new_law && (hearing || collective || heavy);
        let review = required || rng.next(5) == 0;
        let yes = |b: bool| if b { "是" } else { "否" };
        let published = if decision == "给予行政处罚" && rng.next(100) < 92 {
            (decided + Days::new(rng.below(13))).to_string()
        } else {
            String::new()
        };
        let closed = if rng.next(100) < 85 {
            (decided + Days::new(10 + rng.below(30))).to_string()
        } else {
            String::new()
        };
        rows.push(format!(
            "{head},普通程序,{pair},{},{},{},{decided},{decision},{types},{amount},{published},{closed}",
            yes(hearing),
            yes(review),
            yes(collective)
        ));
    }

    // Inspections of the bodies with inspection items.
    let inspecting: Vec<(usize, &Vec<String>)> = names
        .iter()
        .enumerate()
        .filter_map(|(b, (name, entrusted))| {
            let owner = entrusted.map_or(name.as_str(), |e| departments[e].as_str());
            powers
                .get(owner)
                .filter(|(_, i)| !i.is_empty())
                .map(|(_, i)| (b, i))
        })
        .collect();
    let mut checks = Vec::with_capacity(inspections);
    let inspections = if inspecting.is_empty() {
        0
    } else {
        inspections
    };
    for n in 0..inspections {
        let (b, codes) = inspecting[rng.next(inspecting.len())];
        let result = match rng.next(100) {
            0..70 => "未发现问题",
            70..92 => "责令整改",
            _ => "立案查处",
        };
        checks.push(format!(
            "{}检〔{year}〕{}号,{},{},检查对象{},{},{},{}、{},{result}",
            d.code,
            n + 1,
            names[b].0,
            codes[rng.next(codes.len())],
            rng.next(100_000),
            day(year, &mut rng),
            METHODS[rng.next(METHODS.len())],
            certificate(&d.code, b, 3),
            certificate(&d.code, b, 4)
        ));
    }
    [
        csv("执法主体,主体类型,委托机关,生效日期,终止日期", &bodies),
        csv(
            "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员",
            &officers,
        ),
        csv(
            "案件编号,执法主体,事项编码,当事人类型,当事人,立案日期,适用程序,承办人员,是否听证,是否法制审核,是否集体讨论,决定日期,决定类型,处罚种类,罚没金额,公示日期,结案日期",
            &rows,
        ),
        csv(
            "检查编号,执法主体,事项编码,检查对象,检查日期,检查方式,检查人员,检查结果",
            &checks,
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_district_s_enforcement_is_the_same_from_the_same_seed() {
        let sizes = crate::generate::Sizes {
            items: 1500,
            disputes: 10,
            enforcement_cases: 300,
            inspections: 100,
        };
        let items = &crate::generate::ledgers(3, 2022, sizes, 7)[0];
        let a = super::ledgers(3, 2022, items, 300, 100, 7);
        assert_eq!(a, super::ledgers(3, 2022, items, 300, 100, 7));
        assert_eq!(a[2].lines().count(), 301);
        assert_eq!(a[3].lines().count(), 101);
        assert!(a[0].contains("受委托组织"));
    }
}
