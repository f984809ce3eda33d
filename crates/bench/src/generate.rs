//! `fazhi-bench gen`: a province's year of records for every module that exists, deterministic
//! from a seed, written as the modules' own ledgers and loaded through the product's import
//! paths (every row checked, an audit event per record) into SQLite or PostgreSQL.
//!
//!     cargo run --release -p fazhi-bench -- gen --districts 95 --year 2020 --data-dir province
//!
//! Per district: 40 departments and 10 towns and streets; about 5,000 power items with 300
//! adjustments and 150 delegations in the year; 20–40 reconsideration cases; 100 mediation
//! organisations with 8 mediators each and about 15,000 disputes.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use db::{DatabaseUrl, Db};
use kernel::crypto::SealKey;
use ledger::{ImportMode, Layout, Record};
use platform::{Actor, Platform};

use crate::rng::Rng;

fn e(x: &dyn std::fmt::Display) -> String {
    x.to_string()
}

const SYLLABLES: &[&str] = &[
    "江", "河", "湖", "山", "海", "平", "安", "宁", "新", "东", "西", "南", "北", "华", "阳", "城",
    "丰", "兴", "文", "武",
];
pub(crate) const DEPARTMENTS: usize = 40;
pub(crate) const TOWNS: usize = 10;
const MEDIATION_KINDS: &[(&str, usize)] = &[
    ("村居", 60),
    ("企业", 20),
    ("商会", 5),
    ("家事", 5),
    ("行业性专业性", 8),
    ("其他", 2),
];

/// How much of each record a district holds.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub items: usize,
    pub disputes: usize,
    /// 行政执法: penalty cases and inspections per district.
    pub enforcement_cases: usize,
    pub inspections: usize,
}

/// One district's names.
pub(crate) struct District {
    pub(crate) name: String,
    /// Two characters for document numbers (机关代字 has no digits).
    pub(crate) short: String,
    pub(crate) code: String,
}

pub(crate) fn district(i: usize) -> District {
    let a = SYLLABLES[i % SYLLABLES.len()];
    let b = SYLLABLES[(i / SYLLABLES.len() + i * 7 + 3) % SYLLABLES.len()];
    District {
        name: format!("{a}{b}{}区", i + 1),
        short: format!("{a}{b}"),
        code: format!("32{:02}{:02}", i / 10 + 1, i % 10 + 1),
    }
}

pub(crate) fn department(d: &District, i: usize) -> String {
    format!("{}第{:02}局", d.name, i % DEPARTMENTS + 1)
}

pub(crate) fn town(d: &District, i: usize) -> String {
    let kind = if i % TOWNS < 5 { "镇" } else { "街道" };
    format!(
        "{}{}{}{kind}",
        d.name,
        SYLLABLES[(i * 3 + 1) % SYLLABLES.len()],
        i % TOWNS + 1
    )
}

pub(crate) fn day(year: i32, rng: &mut Rng) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 2).unwrap_or_default() + Days::new(rng.next(355) as u64)
}

pub(crate) fn csv(header: &str, rows: &[String]) -> String {
    let mut out = String::from(header);
    out.push('\n');
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out
}

/// The province's name: the root of its organisations.
pub const PROVINCE: &str = "示例省";

/// The organisations ledger of the province: the root, the districts, their departments and
/// towns.
pub fn organizations(districts: usize) -> String {
    let mut rows = vec![format!("{PROVINCE},省,,320000,")];
    for i in 0..districts {
        let d = district(i);
        rows.push(format!("{},区,{PROVINCE},{},", d.name, d.code));
        for k in 0..DEPARTMENTS {
            rows.push(format!("{},部门,{},,", department(&d, k), d.name));
        }
        for t in 0..TOWNS {
            let kind = if t < 5 { "镇" } else { "街道" };
            rows.push(format!("{},{kind},{},,", town(&d, t), d.name));
        }
    }
    csv("名称,类型,上级,行政区划代码,统一社会信用代码", &rows)
}

/// A district's ledgers: items, adjustments, delegations, cases, mediation organisations,
/// mediators, disputes — in that order.
pub fn ledgers(i: usize, year: i32, sizes: Sizes, seed: u64) -> [String; 7] {
    use crate::mediation::{SOURCES, TYPES as DISPUTE_TYPES};
    use crate::power::{ACTS, LAWS, SUBJECTS, TYPES};
    let d = district(i);
    let mut rng = Rng(seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let code = |k: usize| format!("{}-{k:05}", d.code);

    let mut items = Vec::with_capacity(sizes.items);
    let mut types = Vec::with_capacity(sizes.items);
    for k in 0..sizes.items {
        let t = TYPES[rng.next(TYPES.len())];
        let (law, articles) = LAWS[rng.next(LAWS.len())];
        let subject = SUBJECTS[rng.next(SUBJECTS.len())];
        let name = if t == "行政处罚" {
            format!("对{subject}{}的处罚", ACTS[rng.next(ACTS.len())])
        } else {
            format!("{subject}{t}事项{k}")
        };
        items.push(format!(
            "{},{name},,{t},{},《中华人民共和国{law}》第{}条,区级,受理、审查、决定、送达、事后监管,,",
            code(k),
            department(&d, rng.next(DEPARTMENTS)),
            laws::numerals::write(rng.next(articles as usize) as u32 + 1)
        ));
        types.push(t);
    }
    let items = csv(
        "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注",
        &items,
    );

    // 300 adjustments in the year on distinct items, and 150 delegations to towns.
    let mut adjustments = Vec::new();
    let mut delegations = Vec::new();
    let n = sizes.items.max(1);
    for k in 0..300.min(n / 2) {
        let item = k * 2 % n;
        let kind = ["取消", "变更", "下放"][rng.next(3)];
        adjustments.push(format!(
            "{},{kind},{},{},上位法修改,示例",
            code(item),
            day(year, &mut rng),
            department(&d, 0)
        ));
    }
    for k in 0..150.min(n / 2) {
        let item = k * 2 + 1;
        if item >= n {
            break;
        }
        let state = if rng.next(3) == 0 {
            "拟下放待核准"
        } else {
            "已下放"
        };
        delegations.push(format!(
            "{},{},{},{state},{}政发〔{year}〕{}号,{}",
            code(item),
            town(&d, rng.next(TOWNS)),
            types[item],
            d.short,
            k / 50 + 1,
            day(year, &mut rng)
        ));
    }
    // The adjustments name the department that holds the item.
    let holders: Vec<&str> = items.lines().skip(1).collect();
    let adjustments: Vec<String> = adjustments
        .into_iter()
        .map(|row| {
            let item: usize = row[d.code.len() + 1..d.code.len() + 6].parse().unwrap_or(0);
            let holder = holders
                .get(item)
                .and_then(|l| l.split(',').nth(4))
                .unwrap_or_default();
            let mut cells: Vec<&str> = row.split(',').collect();
            cells[3] = holder;
            cells.join(",")
        })
        .collect();
    let adjustments = csv(
        "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据",
        &adjustments,
    );
    let delegations = csv(
        "事项编码,承接主体,下放类别,状态,批次文号,日期",
        &delegations,
    );

    // 20–40 reconsideration cases.
    let mut cases = Vec::new();
    for k in 0..20 + rng.next(21) {
        let received =
            day(year, &mut rng).min(NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or_default());
        let accepted = received + Days::new(3);
        let concluded = accepted + Days::new(20 + rng.next(40) as u64);
        let row = match rng.next(10) {
            0 => "不予受理,,普通程序,,,,,否,否,否".to_string(),
            1 | 2 => format!("受理,{accepted},普通程序,{concluded},撤回,调解和解后撤回,,否,否,否"),
            _ => format!(
                "受理,{accepted},普通程序,{concluded},决定,,{},{},否,{}",
                crate::reconsideration::DECISIONS[rng.next(8)],
                if rng.next(4) == 0 { "是" } else { "否" },
                if rng.next(3) == 0 { "是" } else { "否" }
            ),
        };
        cases.push(format!(
            "{}复〔{year}〕{}号,申请人{},{},行政处罚,{received},{row},",
            d.name,
            k + 1,
            rng.next(10_000),
            department(&d, rng.next(DEPARTMENTS))
        ));
    }
    let cases = csv(
        "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注",
        &cases,
    );

    // 100 mediation organisations of the district's towns, 8 mediators each, the disputes.
    let mut organizations = Vec::new();
    let mut mediators = Vec::new();
    let mut names = Vec::new();
    let mut k = 0;
    for (kind, count) in MEDIATION_KINDS {
        for _ in 0..*count {
            let t = town(&d, k % TOWNS);
            let name = format!("{t}第{:03}{kind}人民调解委员会", k + 1);
            organizations.push(format!(
                "{name},{kind},{t},{},{}-0{}-01",
                if rng.next(3) > 0 { "是" } else { "否" },
                2010 + rng.next(10),
                rng.next(9) + 1
            ));
            for m in 0..8 {
                mediators.push(format!(
                    "调解员{k:03}{m},{},{name},{},1380000{:04},{}-03-01,{}",
                    if m % 2 == 0 { "男" } else { "女" },
                    if m == 0 { "专职" } else { "兼职" },
                    rng.next(10_000),
                    year,
                    if rng.next(5) > 0 {
                        format!("{year}-03-05")
                    } else {
                        String::new()
                    }
                ));
            }
            names.push(name);
            k += 1;
        }
    }
    let mut disputes = Vec::with_capacity(sizes.disputes);
    for n in 0..sizes.disputes {
        let received =
            day(year, &mut rng).min(NaiveDate::from_ymd_opt(year, 12, 1).unwrap_or_default());
        let o = rng.next(names.len());
        let (outcome, concluded, form, confirmed) = match rng.next(50) {
            0 => (
                "调解不成功",
                (received + Days::new(10)).to_string(),
                "",
                "否",
            ),
            1 => ("调解中", String::new(), "", ""),
            x => (
                "调解成功",
                (received + Days::new(1 + rng.next(20) as u64)).to_string(),
                if x % 5 == 0 { "口头" } else { "书面" },
                if x % 40 == 0 { "是" } else { "否" },
            ),
        };
        disputes.push(format!(
            "{}调〔{year}〕{}号,{received},{},{},{},调解员{o:03}{},{outcome},{concluded},{form},{confirmed}",
            d.code,
            n + 1,
            DISPUTE_TYPES[rng.next(DISPUTE_TYPES.len())],
            SOURCES[rng.next(SOURCES.len())],
            names[o],
            rng.next(8)
        ));
    }
    [
        items,
        adjustments,
        delegations,
        cases,
        csv(
            "组织名称,组织类型,所属镇街,是否标准化,设立日期",
            &organizations,
        ),
        csv(
            "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期",
            &mediators,
        ),
        csv(
            "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认",
            &disputes,
        ),
    ]
}

pub(crate) fn records(layout: &Layout, text: &str) -> Result<Vec<Record>, String> {
    ledger::read_bytes("generated.csv", text.as_bytes())
        .and_then(|sheet| sheet.records(layout))
        .map_err(|x| e(&x))
}

/// Generates `districts` districts' year and imports it; returns the seconds per module.
pub async fn run(
    url: &DatabaseUrl,
    districts: usize,
    year: i32,
    sizes: Sizes,
    seed: u64,
    report_file: &Path,
) -> Result<(), String> {
    let db = Db::open(url).await.map_err(|x| e(&x))?;
    db.migrate().await.map_err(|x| e(&x))?;
    let platform = Platform::new(db.clone(), SealKey::generate());
    let cli = Actor::cli("fazhi-bench");
    let all = ImportMode::default;
    let started = Instant::now();
    platform
        .import_orgs(
            &cli,
            &records(&platform::ORGANIZATIONS, &organizations(districts))?,
            all(),
        )
        .await
        .map_err(|x| e(&x))?;
    let power = power::Power::new(platform.clone());
    let cases = reconsideration::Reconsideration::new(platform.clone());
    let mediation = mediation::Mediation::new(platform.clone());
    let enforcement = enforcement::Enforcement::new(platform.clone());
    let mut seconds = [0.0f64; 4];
    let mut enforcement_rows = 0usize;
    for i in 0..districts {
        let [
            items,
            adjustments,
            delegations,
            reconsideration,
            organizations,
            mediators,
            disputes,
        ] = ledgers(i, year, sizes, seed);
        let [bodies, officers, penalty_cases, inspections] = crate::gen_enforcement::ledgers(
            i,
            year,
            &items,
            sizes.enforcement_cases,
            sizes.inspections,
            seed,
        );
        let t = Instant::now();
        power
            .import_items(&cli, &records(&power::ledger::ITEMS, &items)?, None, all())
            .await
            .map_err(|x| format!("district {i} items: {x}"))?;
        power
            .import_adjustments(
                &cli,
                &records(&power::ledger::ADJUSTMENTS, &adjustments)?,
                all(),
            )
            .await
            .map_err(|x| format!("district {i} adjustments: {x}"))?;
        power
            .import_delegations(
                &cli,
                &records(&power::ledger::DELEGATIONS, &delegations)?,
                all(),
            )
            .await
            .map_err(|x| format!("district {i} delegations: {x}"))?;
        seconds[0] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        cases
            .import_cases(
                &cli,
                &records(&reconsideration::ledger::CASES, &reconsideration)?,
                all(),
            )
            .await
            .map_err(|x| format!("district {i} cases: {x}"))?;
        seconds[1] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        mediation
            .import_organizations(
                &cli,
                &records(&mediation::ledger::ORGANIZATIONS, &organizations)?,
                all(),
            )
            .await
            .map_err(|x| format!("district {i} mediation organisations: {x}"))?;
        mediation
            .import_mediators(
                &cli,
                &records(&mediation::ledger::MEDIATORS, &mediators)?,
                all(),
            )
            .await
            .map_err(|x| format!("district {i} mediators: {x}"))?;
        mediation
            .import_disputes(&cli, &records(&mediation::ledger::CASES, &disputes)?, all())
            .await
            .map_err(|x| format!("district {i} disputes: {x}"))?;
        seconds[2] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        use enforcement::ledger as l;
        enforcement
            .import_bodies(&cli, &records(&l::BODIES, &bodies)?, all())
            .await
            .map_err(|x| format!("district {i} enforcement bodies: {x}"))?;
        enforcement
            .import_officers(&cli, &records(&l::OFFICERS, &officers)?, all())
            .await
            .map_err(|x| format!("district {i} officers: {x}"))?;
        let r = enforcement
            .import_cases(&cli, &records(&l::CASES, &penalty_cases)?, all())
            .await
            .map_err(|x| format!("district {i} penalty cases: {x}"))?;
        enforcement_rows += r.created + r.updated + r.unchanged;
        let r = enforcement
            .import_inspections(&cli, &records(&l::INSPECTIONS, &inspections)?, all())
            .await
            .map_err(|x| format!("district {i} inspections: {x}"))?;
        enforcement_rows += r.created + r.updated + r.unchanged;
        seconds[3] += t.elapsed().as_secs_f64();
        eprintln!(
            "{}/{districts} {} — {:.0} s",
            i + 1,
            district(i).name,
            started.elapsed().as_secs_f64()
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{districts} districts of {year} imported in {:.0} s (权责清单 {:.0} s, 行政复议 {:.0} s, 人民调解 {:.0} s, 行政执法 {:.0} s: {enforcement_rows} cases and inspections, {:.0} rows/s) into {url}",
        started.elapsed().as_secs_f64(),
        seconds[0],
        seconds[1],
        seconds[2],
        seconds[3],
        enforcement_rows as f64 / seconds[3].max(1e-9)
    );
    let root = platform.directory().await.map_err(|x| e(&x))?;
    let root = root
        .iter()
        .find(|o| o.parent_id.is_none())
        .ok_or("no root")?;
    let figures = report::Report::new(platform.clone())
        .figures(year, root)
        .await
        .map_err(|x| e(&x))?;
    for key in [
        "power.total_items",
        "power.adjustments",
        "power.delegated_items",
        "reconsideration.received",
        "reconsideration.direct_correction_rate",
        "mediation.disputes",
        "mediation.success_rate",
        "mediation.mediators",
        "enforcement.cases_decided",
        "enforcement.fines_total_yuan",
        "enforcement.legal_review_coverage",
        "enforcement.publication_on_time_rate",
        "enforcement.inspections",
    ] {
        if let Some(f) = figures.get(key) {
            let _ = writeln!(out, "  {key} = {}", f.value.shown());
        }
    }
    println!("{out}");
    let today = kernel::time::china_today();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "`fazhi-bench gen --districts {districts} --year {year} --seed {seed} --items {} --disputes {} --enforcement-cases {} --inspections {}` on {today}, {}: every ledger checked row by row and imported through the product's import paths (an audit event per record).\n\n```\n{}```",
        sizes.items,
        sizes.disputes,
        sizes.enforcement_cases,
        sizes.inspections,
        match url.backend() {
            db::Backend::Sqlite => "SQLite (bundled, WAL)",
            db::Backend::Postgres => "PostgreSQL",
        },
        out
    );
    crate::timing::write_section(
        report_file,
        "A province's year",
        "A province's year (issue 8)",
        &md,
    )?;
    Ok(())
}

/// The province `gen` wrote into `data_dir` (SQLite), opened; with the file's path.
pub(crate) async fn open_province(
    data_dir: &Path,
) -> Result<(Platform, std::path::PathBuf), String> {
    let file = data_dir.join("fazhi.db");
    if !file.exists() {
        return Err(format!(
            "{} not found: make it first with fazhi-bench gen --data-dir {}",
            file.display(),
            data_dir.display()
        ));
    }
    let db = Db::open(&DatabaseUrl::sqlite_file(&file))
        .await
        .map_err(|x| e(&x))?;
    Ok((Platform::new(db, SealKey::generate()), file))
}

/// Where `gen` writes: a PostgreSQL URL, or an SQLite file in the directory.
pub fn url(database_url: Option<&str>, data_dir: &Path) -> Result<DatabaseUrl, String> {
    match database_url {
        Some(u) => DatabaseUrl::parse(u).map_err(|x| e(&x)),
        None => {
            std::fs::create_dir_all(data_dir).map_err(|x| e(&x))?;
            Ok(DatabaseUrl::sqlite_file(&data_dir.join("fazhi.db")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_province() {
        let sizes = Sizes {
            items: 200,
            disputes: 300,
            enforcement_cases: 50,
            inspections: 20,
        };
        assert_eq!(ledgers(3, 2020, sizes, 7), ledgers(3, 2020, sizes, 7));
        assert_ne!(ledgers(3, 2020, sizes, 7)[0], ledgers(3, 2020, sizes, 8)[0]);
        assert_ne!(ledgers(3, 2020, sizes, 7)[0], ledgers(4, 2020, sizes, 7)[0]);
        let orgs = organizations(95);
        assert_eq!(orgs.lines().count(), 1 + 1 + 95 * (1 + DEPARTMENTS + TOWNS));
        let names: std::collections::HashSet<&str> = orgs
            .lines()
            .map(|l| l.split(',').next().unwrap_or(""))
            .collect();
        assert_eq!(
            names.len(),
            orgs.lines().count(),
            "organisation names are unique"
        );
    }

    /// The generator loads through the import paths into either backend, and the province's
    /// figures come out the same on both.
    #[tokio::test]
    async fn a_small_province_loads_into_both_backends_with_the_same_figures() {
        let sizes = Sizes {
            items: 1200,
            disputes: 150,
            enforcement_cases: 400,
            inspections: 100,
        };
        let mut seen: Vec<(&str, Vec<(String, String)>)> = Vec::new();
        for t in testkit::backends().await {
            let out = t.dir.path().join("BENCHMARKS.md");
            run(&t.url, 2, 2020, sizes, 7, &out).await.unwrap();
            let written = std::fs::read_to_string(&out).unwrap();
            assert!(
                written.contains("## A province's year (issue 8)"),
                "{written}"
            );
            let platform = Platform::new(t.db.clone(), SealKey::generate());
            let root = platform
                .directory()
                .await
                .unwrap()
                .into_iter()
                .find(|o| o.parent_id.is_none())
                .unwrap();
            assert_eq!(root.name, PROVINCE);
            let figures = report::Report::new(platform)
                .figures(2020, &root)
                .await
                .unwrap();
            let shown = |key: &str| figures.get(key).map(|f| f.value.shown()).unwrap();
            assert_eq!(shown("mediation.disputes"), "300", "{}", t.name());
            assert_ne!(shown("power.total_items"), "0", "{}", t.name());
            assert_ne!(shown("reconsideration.received"), "0", "{}", t.name());
            assert_eq!(shown("enforcement.cases_opened"), "800", "{}", t.name());
            assert_eq!(shown("enforcement.inspections"), "200", "{}", t.name());
            assert_eq!(
                shown("enforcement.legal_review_coverage"),
                "0.00%",
                "2020: the 2017 law had no 第五十八条"
            );
            let all = figures
                .all()
                .map(|f| (f.key.clone(), f.value.shown()))
                .collect();
            seen.push((t.name(), all));
            t.finish().await;
        }
        assert!(!seen.is_empty());
        for (name, figures) in &seen[1..] {
            assert_eq!(figures, &seen[0].1, "{name} differs from {}", seen[0].0);
        }
    }
}
