//! The annual report on SQLite and PostgreSQL: figures from the three modules' ledgers, every
//! figure traced to exactly the records it counts, staff text checked when saved, the check,
//! publication frozen against later records, scope. This file writes unknown keys on purpose.

use chrono::NaiveDate;
use db::PageRequest;
use kernel::Role;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, NewUser, Platform};
use report::{Report, Value};

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n示例街道,街道,示例区,,\n";
const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0003,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\nE0004,对违反广告管理规定行为的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国广告法》第五十五条,区级,,,\n";
const ADJUSTMENTS: &str = "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\nE0004,取消,2020-06-01,示例区市场监督管理局,上位法修改,示例\nE0002,变更,2020-07-01,示例区市场监督管理局,设定依据变更,示例\n";
const DELEGATIONS: &str = "事项编码,承接主体,下放类别,状态,批次文号,日期\nE0003,各镇（街道）,公共服务,已下放,示例政发〔2020〕1号,2020-05-01\nE0002,示例镇,行政处罚,拟下放待核准,示例政发〔2020〕2号,2020-10-01\n";
const CASES: &str = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕1号,张某,示例区市场监督管理局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,撤销,是,否,是,\n示复〔2020〕2号,李某,示例区司法局,政府信息公开,2020-05-11,受理,2020-05-13,普通程序,2020-06-10,撤回,调解和解后撤回,,否,否,否,\n示复〔2020〕3号,王某,示例区市场监督管理局,行政处罚,2020-08-03,受理,2020-08-05,普通程序,2020-09-25,决定,,维持,否,否,否,\n示复〔2020〕4号,赵某,示例区司法局,行政确认,2020-09-01,不予受理,,普通程序,,,,,否,否,否,\n";
const MEDIATION_ORGS: &str = "组织名称,组织类型,所属镇街,是否标准化,设立日期\n示例镇示例村人民调解委员会,村居,示例镇,是,2015-01-01\n示例镇家事调解室,家事,示例镇,是,2019-01-01\n示例街道商会调解室,商会,示例街道,否,2021-06-01\n";
const MEDIATORS: &str = "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n甲调解员,男,示例镇示例村人民调解委员会,专职,13800000001,2020-03-01,2020-03-05\n乙调解员,女,示例镇家事调解室,兼职,13800000002,2020-03-01,\n丙调解员,女,示例街道商会调解室,兼职,,2021-07-01,\n";
const DISPUTES: &str = "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认\n示调〔2020〕1号,2020-04-01,邻里,排查,示例镇示例村人民调解委员会,甲调解员,调解成功,2020-04-03,书面,是\n示调〔2020〕2号,2020-05-01,婚姻家庭,申请,示例镇家事调解室,乙调解员,调解不成功,2020-05-20,,\n示调〔2020〕3号,2020-12-20,合同,委派,示例镇示例村人民调解委员会,甲调解员,调解中,,,\n示调〔2020〕4号,2020-06-01,物业,移交,示例镇家事调解室,乙调解员,调解成功,2020-08-01,口头,否\n";
const PASSWORD: &str = "Fazhi@2020";

fn cli() -> Actor {
    Actor::cli("test")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

async fn setup(t: &testkit::TestDb) -> (Platform, Report) {
    let p = Platform::new(t.db.clone(), SealKey::generate());
    let all = ImportMode::default;
    p.import_orgs(&cli(), &records(&platform::ORGANIZATIONS, ORGS), all())
        .await
        .unwrap();
    let power = power::Power::new(p.clone());
    power
        .import_items(&cli(), &records(&power::ledger::ITEMS, ITEMS), None, all())
        .await
        .unwrap();
    power
        .import_adjustments(
            &cli(),
            &records(&power::ledger::ADJUSTMENTS, ADJUSTMENTS),
            all(),
        )
        .await
        .unwrap();
    power
        .import_delegations(
            &cli(),
            &records(&power::ledger::DELEGATIONS, DELEGATIONS),
            all(),
        )
        .await
        .unwrap();
    reconsideration::Reconsideration::new(p.clone())
        .import_cases(
            &cli(),
            &records(&reconsideration::ledger::CASES, CASES),
            all(),
        )
        .await
        .unwrap();
    let m = mediation::Mediation::new(p.clone());
    m.import_organizations(
        &cli(),
        &records(&mediation::ledger::ORGANIZATIONS, MEDIATION_ORGS),
        all(),
    )
    .await
    .unwrap();
    m.import_mediators(
        &cli(),
        &records(&mediation::ledger::MEDIATORS, MEDIATORS),
        all(),
    )
    .await
    .unwrap();
    m.import_disputes(&cli(), &records(&mediation::ledger::CASES, DISPUTES), all())
        .await
        .unwrap();
    (p.clone(), Report::new(p))
}

async fn user(p: &Platform, name: &str, org: &str, role: Role) -> Actor {
    let org_id = p.resolve_org(org).await.unwrap().id;
    let new = NewUser {
        username: name.into(),
        display_name: name.into(),
        org_id,
        role,
        password: PASSWORD.into(),
        phone: None,
        must_change_password: false,
    };
    p.create_user(&cli(), new).await.unwrap();
    p.login(name, PASSWORD, "test").await.unwrap().session.actor
}

#[tokio::test]
async fn every_figure_lists_exactly_the_records_it_counts() {
    for t in testkit::backends().await {
        let (p, report) = setup(&t).await;
        let staff = user(&p, "fzb", "示例区司法局", Role::LegalAffairs).await;
        let org = report.org_of(&staff).await.unwrap();
        assert_eq!(org.name, "示例区");
        let figures = report.figures(2020, &org).await.unwrap();
        let get = |k: &str| figures.get(k).unwrap().value;
        assert_eq!(
            get("reconsideration.direct_correction_rate"),
            Value::Rate(33.33)
        );
        assert_eq!(get("power.total_items"), Value::Count(3));
        assert_eq!(get("power.delegated_by_type.公共服务"), Value::Count(1));
        assert_eq!(get("mediation.success_rate"), Value::Rate(66.67));
        assert_eq!(get("mediation.organizations_by_type.企业"), Value::Count(0));
        let mut traced = 0;
        for f in figures.all() {
            let (_, page) = report
                .records_behind(&staff, 2020, &f.key, PageRequest::new(Some(1), Some(200)))
                .await
                .unwrap_or_else(|e| panic!("{} {}: {e}", t.name(), f.key));
            let expected = match f.value {
                Value::Count(n) => n,
                // A rate lists its numerator.
                Value::Rate(_) => {
                    let numerator = match f.key.as_str() {
                        "reconsideration.direct_correction_rate" => {
                            "reconsideration.direct_corrections"
                        }
                        "reconsideration.comprehensive_correction_rate" => {
                            "reconsideration.comprehensive_corrections"
                        }
                        "reconsideration.field_investigation_rate" => {
                            "reconsideration.field_investigations"
                        }
                        "mediation.success_rate" => "mediation.successful",
                        "enforcement.legal_reviewer_ratio" => "enforcement.legal_reviewers",
                        "enforcement.legal_review_coverage" => {
                            "enforcement.legal_reviewed_when_required"
                        }
                        "enforcement.publication_on_time_rate" => "enforcement.published_on_time",
                        other => panic!("a rate without a numerator: {other}"),
                    };
                    match get(numerator) {
                        Value::Count(n) => n,
                        _ => unreachable!(),
                    }
                }
                // An amount lists the records it adds up (none in a year without any).
                Value::Amount(a) => {
                    assert_eq!(a == 0.0, page.total == 0, "{}", f.key);
                    page.total as u64
                }
            };
            assert_eq!(
                page.total as u64,
                expected,
                "{} {}: {:?}",
                t.name(),
                f.key,
                page.items
            );
            // The large modules page their records in SQL: the same records as the statistics'
            // own classification collects.
            let (module, rest) = f.key.split_once('.').unwrap();
            let collected = match module {
                "power" => power::Power::new(p.clone())
                    .records_behind(2020, None, rest)
                    .await
                    .unwrap(),
                "mediation" => mediation::Mediation::new(p.clone())
                    .records_behind(2020, None, rest)
                    .await
                    .unwrap(),
                _ => page.items.clone(),
            };
            let ids = |v: &[kernel::figures::RecordRef]| {
                let mut ids: Vec<String> =
                    v.iter().map(|r| format!("{}:{}", r.kind, r.id)).collect();
                ids.sort();
                ids
            };
            assert_eq!(ids(&page.items), ids(&collected), "{} {}", t.name(), f.key);
            traced += 1;
        }
        assert!(traced > 60, "{traced} figures");
        // The records are named: the direct correction is case 1.
        let (_, page) = report
            .records_behind(
                &staff,
                2020,
                "reconsideration.direct_corrections",
                PageRequest::new(None, None),
            )
            .await
            .unwrap();
        assert_eq!(page.items[0].title, "示复〔2020〕1号");
        assert_eq!(page.items[0].kind, "reconsideration_case");
        assert_eq!(page.items[0].date, Some(d("2020-04-20")));
        // An unknown key is an error that says why.
        let e = report
            .records_behind(
                &staff,
                2020,
                "reconsideration.recieved",
                PageRequest::new(None, None),
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("reconsideration.received"), "{e}");
        t.finish().await;
    }
}

#[tokio::test]
async fn staff_text_is_checked_when_saved_and_publication_is_frozen() {
    for t in testkit::backends().await {
        let (p, report) = setup(&t).await;
        let staff = user(&p, "fzb", "示例区司法局", Role::LegalAffairs).await;
        let viewer = user(&p, "guest", "示例区", Role::Viewer).await;
        let today = d("2021-02-01");

        // Day one: no staff text, yet every module section states its figures.
        let draft = report.draft(&staff, 2020, today).await.unwrap();
        let text = report::render::to_markdown(&draft);
        assert!(
            text.contains(
                "全年共收到行政复议申请4件，受理3件，办结3件，直接纠错1件，直接纠错率33.33%"
            ),
            "{text}"
        );
        assert!(text.contains("调解成功率66.67%"), "{text}");
        assert!(text.contains("权力事项3项"), "{text}");
        assert!(!text.contains('{'), "no key is left unfilled: {text}");
        // The HTML carries the year's breakdowns as charts, each bar linked to its records.
        let html = report::render::to_html(&draft, report::render::Links::To(""));
        assert!(
            html.contains("<h2>附：图表</h2>") && html.contains("<svg"),
            "{html}"
        );
        let decisions = draft
            .charts
            .iter()
            .find(|c| c.key == "reconsideration.by_decision_type")
            .expect("a chart of the decisions");
        assert!(
            decisions.title.contains("行政复议") && !decisions.title.contains("by_"),
            "{}",
            decisions.title
        );
        assert!(
            decisions.bars.contains(&("维持".to_string(), 1))
                && decisions.bars.contains(&("撤销".to_string(), 1))
                && decisions.bars.iter().map(|(_, n)| n).sum::<u64>() == 2,
            "the two cases decided (the third withdrawn): {decisions:?}"
        );
        assert!(
            html.contains("/report/2020/figures/reconsideration.by_decision_type."),
            "{html}"
        );

        // Broken braces and unknown keys are refused with the line and the reason.
        for (bad, says) in [
            (
                "收到{reconsideration.recieved}件",
                "reconsideration.received",
            ),
            ("第一行\n收到{reconsideration.received件", "第2行"),
            ("{mediation.organizations_by_type.公司}", "村居、企业"),
            ("{power.by_type}", "请写明类别"),
            ("{supervision.cases}", "没有“supervision”这个模块"),
        ] {
            let e = report
                .save_section(&staff, 2020, "reconsideration", bad)
                .await
                .unwrap_err();
            assert!(
                matches!(e, report::Error::Invalid(_)) && e.to_string().contains(says),
                "{bad}: {e}"
            );
        }
        assert!(
            report
                .save_section(&staff, 2020, "nope", "x")
                .await
                .is_err()
        );
        assert!(
            report
                .save_section(&viewer, 2020, "plan", "x")
                .await
                .is_err(),
            "a viewer does not write the report"
        );

        // The check: three staff sections to write; a module text that leaves out a figure.
        let findings = report.check(&staff, 2020).await.unwrap();
        let blocking: Vec<&str> = findings
            .iter()
            .filter(|f| f.blocking)
            .map(|f| f.section_key.as_str())
            .collect();
        assert_eq!(blocking, ["first_responsible", "problems", "plan"]);
        let e = report.publish(&staff, 2020, today).await.unwrap_err();
        assert!(e.to_string().contains("尚未填写"), "{e}");

        report
            .save_section(
                &staff,
                2020,
                "reconsideration",
                "全年收到行政复议申请{reconsideration.received}件，办结{reconsideration.concluded}件。",
            )
            .await
            .unwrap();
        let findings = report.check(&staff, 2020).await.unwrap();
        assert!(
            findings.iter().any(|f| f.section_key == "reconsideration"
                && !f.blocking
                && f.message.contains("reconsideration.direct_correction_rate")),
            "{findings:?}"
        );
        for (section, text) in [
            ("first_responsible", "主要负责人专题研究法治建设。"),
            ("problems", "{org}仍有{mediation.overdue}件纠纷超期。"),
            ("plan", "{next_year}年继续推进。"),
        ] {
            report
                .save_section(&staff, 2020, section, text)
                .await
                .unwrap();
        }
        assert!(
            report
                .check(&staff, 2020)
                .await
                .unwrap()
                .iter()
                .all(|f| !f.blocking)
        );
        let draft = report.draft(&staff, 2020, today).await.unwrap();
        let md = report::render::to_markdown(&draft);
        assert!(md.contains("全年收到行政复议申请4件，办结3件。"), "{md}");
        assert!(
            md.contains("示例区仍有1件纠纷超期。") && md.contains("2021年继续推进。"),
            "{md}"
        );
        assert!(
            md.contains("## 四、2021年推进法治政府建设的主要安排"),
            "{md}"
        );

        // Publication: due until published, then frozen against later records.
        let due = report.due(&staff, today).await.unwrap().unwrap();
        assert_eq!(
            (due.year, due.deadline, due.days_left),
            (2020, d("2021-04-01"), 59)
        );
        let published = report.publish(&staff, 2020, d("2021-03-20")).await.unwrap();
        assert!(report.due(&staff, today).await.unwrap().is_none());
        reconsideration::Reconsideration::new(p.clone())
            .import_cases(
                &cli(),
                &records(
                    &reconsideration::ledger::CASES,
                    "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕9号,钱某,示例区司法局,行政确认,2020-10-09,不予受理,,普通程序,,,,,否,否,否,\n",
                ),
                ImportMode::default(),
            )
            .await
            .unwrap();
        let now = report.draft(&staff, 2020, today).await.unwrap();
        assert!(report::render::to_markdown(&now).contains("收到行政复议申请5件"));
        let kept = report
            .published(&published.org_id, 2020)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.report, published.report);
        assert!(report::render::to_markdown(&kept.report).contains("收到行政复议申请4件"));
        let docx = report
            .published_docx(&published.org_id, 2020)
            .await
            .unwrap()
            .unwrap();
        assert!(docx.starts_with(b"PK"));
        assert_eq!(report.all_published().await.unwrap().len(), 1);
        // Every save and the publication are in the audit chain.
        let chain = db::audit::verify(&t.db, |_| {}).await.unwrap();
        assert!(chain.events > 10);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_department_writes_its_own_report_from_its_own_records() {
    for t in testkit::backends().await {
        let (p, report) = setup(&t).await;
        let officer = user(&p, "scjg", "示例区市场监督管理局", Role::DepartmentOfficer).await;
        let draft = report.draft(&officer, 2020, d("2021-02-01")).await.unwrap();
        assert_eq!(draft.org, "示例区市场监督管理局");
        let md = report::render::to_markdown(&draft);
        // Two of the four applications were against the market regulator, one corrected.
        assert!(md.contains("全年共收到行政复议申请2件"), "{md}");
        assert!(md.contains("直接纠错率50.00%"), "{md}");
        let (_, page) = report
            .records_behind(
                &officer,
                2020,
                "reconsideration.received",
                PageRequest::new(None, None),
            )
            .await
            .unwrap();
        assert_eq!(page.total, 2);
        t.finish().await;
    }
}

/// Every `{module.key}` written anywhere in the project — the default texts, the demo's staff
/// texts, documentation — names a figure.
#[tokio::test]
async fn every_figure_key_used_anywhere_resolves() {
    let t = testkit::sqlite().await;
    let (_, report) = setup(&t).await;
    let org = report.org_named(None).await.unwrap();
    let figures = report.figures(2020, &org).await.unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    let mut stack = vec![
        root.join("crates"),
        root.join("docs"),
        root.join("README.md"),
    ];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                let entry = entry.unwrap().path();
                if !entry.ends_with("target") {
                    stack.push(entry);
                }
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "md" || e == "html")
        {
            files.push(path);
        }
    }
    let modules: Vec<String> = report::Module::ALL
        .iter()
        .map(|m| format!("{{{}.", m.code()))
        .collect();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        // Tests of the refusals say so (as this file does) and are left out.
        if text.contains(&["writes unknown keys", "on purpose"].join(" ")) {
            continue;
        }
        for module in &modules {
            for (at, _) in text.match_indices(module.as_str()) {
                let rest = &text[at + 1..];
                let Some(end) = rest.find('}') else { continue };
                let key = &rest[..end];
                // Keys as written in text: letters, digits, '_', '.', and Chinese words.
                if key
                    .chars()
                    .any(|c| c.is_whitespace() || "\"'(),{\\".contains(c))
                {
                    continue;
                }
                assert!(
                    figures.get(key).is_some(),
                    "{}: {{{key}}} — {}",
                    file.display(),
                    figures.why_unknown(key)
                );
                checked += 1;
            }
        }
    }
    // The default texts alone name more than forty.
    assert!(checked > 40, "{checked} keys checked");
    for s in report::SECTIONS {
        report::validate(s.default_text, &figures).unwrap();
        report::validate(s.heading, &figures).unwrap();
        for key in s.required {
            assert!(figures.get(key).is_some(), "{key}");
        }
    }
    for module in report::Module::ALL {
        assert!(figures.get(module.headline()).is_some());
    }
    // Every figure has its definition.
    for f in figures.all() {
        assert!(!f.definition.is_empty(), "{} has no definition", f.key);
    }
    t.finish().await;
}
