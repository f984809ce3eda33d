//! 行政执法 on SQLite and PostgreSQL: the four ledgers and their figures, the rows the law
//! refuses, scope.

use enforcement::Enforcement;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, Platform};

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区住房和城乡建设局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n";
const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0004,对违反广告管理规定行为的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国广告法》第五十五条,区级,,,\nE0101,对食品经营者的监督检查,,行政检查,示例区市场监督管理局,《中华人民共和国食品安全法》第一百一十条,区级,,,\nJ0001,对违法建设的处罚,,行政处罚,示例区住房和城乡建设局,《中华人民共和国城乡规划法》第六十四条,区级,,,\n";
const BODIES: &str = "执法主体,主体类型,委托机关,生效日期,终止日期\n示例区市场监督管理局,法定行政机关,,2019-01-01,\n示例镇,受委托组织,示例区市场监督管理局,2020-01-01,\n示例区住房和城乡建设局,法定行政机关,,2019-01-01,\n";
const OFFICERS: &str = "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n张一,32000000001,示例区市场监督管理局,市场监管,2018-01-10,2023-01-09,有效,是\n李二,32000000002,示例区市场监督管理局,市场监管,2018-01-10,2023-01-09,有效,否\n王三,32000000003,示例区市场监督管理局,市场监管,2015-07-01,2020-06-30,有效,否\n赵四,32000000004,示例镇,综合执法,2019-05-01,2024-04-30,有效,否\n钱五,32000000005,示例镇,综合执法,2019-05-01,,有效,否\n孙六,32000000006,示例区市场监督管理局,市场监管,2018-01-10,2023-01-09,暂扣,否\n";
const HEAD: &str = "案件编号,执法主体,事项编码,当事人类型,当事人,立案日期,适用程序,承办人员,是否听证,是否法制审核,是否集体讨论,决定日期,决定类型,处罚种类,罚没金额,公示日期,结案日期\n";
const CASES: &str = "C1,示例区市场监督管理局,E0002,个人,周某,2020-03-02,简易程序,32000000001、32000000002,否,否,否,2020-03-02,给予行政处罚,警告,,,2020-03-02\nC2,示例区市场监督管理局,E0004,单位,示例广告有限公司,2020-04-01,普通程序,32000000001、32000000003,否,否,否,2020-05-20,给予行政处罚,罚款,20000.00,2020-05-26,2020-06-10\nC3,示例镇,E0002,单位,示例食品有限公司,2021-08-02,普通程序,32000000004、32000000005,是,是,是,2021-10-08,给予行政处罚,责令停产停业、罚款,50000.00,2021-10-29,\nC4,示例区市场监督管理局,E0002,单位,示例超市有限公司,2020-11-02,普通程序,32000000001、32000000002,否,否,否,2020-12-01,不予行政处罚,,,,2020-12-03\nC5,示例区市场监督管理局,E0002,单位,示例饭店有限公司,2021-08-02,普通程序,32000000001、32000000002,否,否,否,2021-11-15,给予行政处罚,罚款,3000,2021-11-16,\n";
const INSPECTIONS: &str = "检查编号,执法主体,事项编码,检查对象,检查日期,检查方式,检查人员,检查结果\nI1,示例区市场监督管理局,E0101,示例餐馆,2020-06-15,双随机,32000000001、32000000002,责令整改\nI2,示例区市场监督管理局,E0101,示例商店,2020-07-15,投诉举报,32000000001、32000000002,未发现问题\n";

fn cli() -> Actor {
    Actor::cli("test")
}

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

async fn setup(t: &testkit::TestDb) -> Enforcement {
    let p = Platform::new(t.db.clone(), SealKey::generate());
    let ok = ImportMode::default();
    p.import_orgs(&cli(), &records(&platform::ORGANIZATIONS, ORGS), ok)
        .await
        .unwrap();
    power::Power::new(p.clone())
        .import_items(&cli(), &records(&power::ledger::ITEMS, ITEMS), None, ok)
        .await
        .unwrap();
    let e = Enforcement::new(p);
    use enforcement::ledger as l;
    e.import_bodies(&cli(), &records(&l::BODIES, BODIES), ok)
        .await
        .unwrap();
    e.import_officers(&cli(), &records(&l::OFFICERS, OFFICERS), ok)
        .await
        .unwrap();
    e.import_cases(&cli(), &records(&l::CASES, &format!("{HEAD}{CASES}")), ok)
        .await
        .unwrap();
    e.import_inspections(&cli(), &records(&l::INSPECTIONS, INSPECTIONS), ok)
        .await
        .unwrap();
    e
}

#[tokio::test]
async fn the_ledgers_give_the_year_figures() {
    for t in testkit::backends().await {
        let e = setup(&t).await;
        let s = e.stats(2020, None).await.unwrap();
        assert_eq!(
            (s.bodies, s.officers, s.legal_reviewers),
            (3, 4, 1),
            "{}",
            t.name()
        );
        assert_eq!(s.legal_reviewer_ratio, 25.0);
        assert_eq!((s.cases_opened, s.cases_decided, s.cases_closed), (3, 3, 3));
        assert_eq!(s.by_procedure["简易程序"], 1);
        assert_eq!(s.by_decision["不予行政处罚"], 1);
        assert_eq!(s.fines_total_yuan, 20000.0);
        assert_eq!((s.published, s.published_on_time), (1, 1));
        assert_eq!(s.inspections_by_method["双随机"], 1);
        assert_eq!(s.inspections_with_findings, 1);
        let s = e.stats(2021, None).await.unwrap();
        assert_eq!(s.cases_decided, 2, "{}", t.name());
        assert_eq!(s.by_penalty_type["罚款"], 2);
        assert_eq!(s.by_penalty_type["责令停产停业"], 1);
        assert_eq!(s.fines_total_yuan, 53000.0);
        assert_eq!((s.legal_review_required, s.legal_reviews), (1, 1));
        assert_eq!(s.legal_review_coverage, 100.0);
        // C3 published on 10-29, after its 7th working day (10-18); C5 the next day.
        assert_eq!((s.published, s.published_on_time), (2, 1));
        assert_eq!(s.publication_on_time_rate, 50.0);
        // C5: opened 08-02, decided 11-15 — 105 days (第六十条: 90).
        assert_eq!(s.overdue_decisions, 1);
        // The entrusted town's own figures: its one case, and its two officers (钱五's
        // certificate, given without 有效期至, runs the default five years: to 2024-04-30).
        let town = e.platform().resolve_org("示例镇").await.unwrap();
        let s = e.stats(2021, Some(&town)).await.unwrap();
        assert_eq!(
            (s.cases_decided, s.bodies, s.officers),
            (1, 1, 2),
            "{}",
            t.name()
        );
        // Importing the same files again changes nothing.
        let again = e
            .import_cases(
                &cli(),
                &records(&enforcement::ledger::CASES, &format!("{HEAD}{CASES}")),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 5));
        // Each ledger exported imports again unchanged.
        use enforcement::ledger as l;
        for layout in [&l::BODIES, &l::OFFICERS, &l::CASES, &l::INSPECTIONS] {
            let rows = e.export(&cli(), layout.kind, None).await.unwrap();
            let bytes = ledger::to_xlsx(layout, &rows).unwrap();
            let records = ledger::read_bytes("x.xlsx", &bytes)
                .unwrap()
                .records(layout)
                .unwrap();
            let report = match layout.kind {
                "enforcement-bodies" => {
                    e.import_bodies(&cli(), &records, ImportMode::default())
                        .await
                }
                "enforcement-officers" => {
                    e.import_officers(&cli(), &records, ImportMode::default())
                        .await
                }
                "enforcement-cases" => {
                    e.import_cases(&cli(), &records, ImportMode::default())
                        .await
                }
                _ => {
                    e.import_inspections(&cli(), &records, ImportMode::default())
                        .await
                }
            }
            .unwrap_or_else(|err| panic!("{}: {err}", layout.kind));
            assert_eq!(
                (report.created, report.updated, report.unchanged),
                (0, 0, rows.len()),
                "{} {}",
                t.name(),
                layout.kind
            );
            assert!(!rows.is_empty());
        }
        // A year's cases only.
        let rows = e.export(&cli(), l::CASES.kind, Some(2021)).await.unwrap();
        assert_eq!(rows.len(), 2);
        t.finish().await;
    }
}

#[tokio::test]
async fn rows_the_law_refuses_are_named_and_nothing_is_written() {
    for t in testkit::backends().await {
        let e = setup(&t).await;
        let bad = [
            // 第2行: a fine of 300 yuan on the spot for a person (2021: 200).
            "B1,示例区市场监督管理局,E0002,个人,吴某,2021-09-01,简易程序,32000000001,否,否,否,2021-09-01,给予行政处罚,罚款,300,,",
            // 第3行: 2017 law, 60 yuan on the spot (limit 50).
            "B2,示例区市场监督管理局,E0002,个人,郑某,2020-09-01,简易程序,32000000001,否,否,否,2020-09-01,给予行政处罚,罚款,60,,",
            // 第4行: another department's power.
            "B3,示例区市场监督管理局,J0001,单位,某公司,2021-09-01,普通程序,32000000001、32000000002,否,否,否,,,,,,",
            // 第5行: a licensing item is not a penalty power.
            "B4,示例区市场监督管理局,E0001,单位,某公司,2021-09-01,普通程序,32000000001、32000000002,否,否,否,,,,,,",
            // 第6行: 责令停产停业 under the 2021 law without a legal review.
            "B5,示例区市场监督管理局,E0002,单位,某公司,2021-09-01,普通程序,32000000001、32000000002,否,否,否,2021-10-01,给予行政处罚,责令停产停业,,,",
            // 第7行: decided before it was opened.
            "B6,示例区市场监督管理局,E0002,单位,某公司,2021-09-01,普通程序,32000000001、32000000002,否,否,否,2021-08-01,不予行政处罚,,,,",
            // 第8行: 王三's certificate ended on 2020-06-30.
            "B7,示例区市场监督管理局,E0002,单位,某公司,2020-08-01,普通程序,32000000001、32000000003,否,否,否,,,,,,",
            // 第9行: a suspended certificate.
            "B8,示例区市场监督管理局,E0002,单位,某公司,2020-08-01,普通程序,32000000001、32000000006,否,否,否,,,,,,",
            // 第10行: an officer of another body (the entrusted town's).
            "B9,示例区市场监督管理局,E0004,单位,某公司,2020-08-01,普通程序,32000000001、32000000004,否,否,否,,,,,,",
        ];
        let file = format!("{HEAD}{}\n", bad.join("\n"));
        let err = e
            .import_cases(
                &cli(),
                &records(&enforcement::ledger::CASES, &file),
                ImportMode::default(),
            )
            .await
            .unwrap_err();
        let text = err.to_string();
        for (line, words) in [
            (2, "第五十一条"),
            (3, "第三十三条"),
            (4, "实施主体"),
            (5, "不是行政处罚"),
            (6, "第五十八条"),
            (7, "早于立案日期"),
            (8, "已于2020-06-30到期"),
            (9, "已暂扣"),
            (10, "不是示例区市场监督管理局的执法人员"),
        ] {
            let row = text
                .lines()
                .find(|l| l.contains(&format!("第{line}行")))
                .unwrap_or_else(|| panic!("第{line}行 reported: {text}"));
            assert!(row.contains(words), "第{line}行 should say {words}: {row}");
        }
        let s = e.stats(2021, None).await.unwrap();
        assert_eq!(s.cases_opened, 2, "nothing written: {}", t.name());
        // A 受委托组织 needs the body that entrusts it.
        let err = e
            .import_bodies(
                &cli(),
                &records(
                    &enforcement::ledger::BODIES,
                    "执法主体,主体类型,委托机关,生效日期,终止日期\n示例区司法局,受委托组织,,2020-01-01,\n",
                ),
                ImportMode::default(),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("委托"), "{err}");
        t.finish().await;
    }
}

const MORE_OFFICERS: &str = "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n周七,32000000007,示例区市场监督管理局,市场监管,2021-01-10,2099-01-09,有效,否\n吴八,32000000008,示例区市场监督管理局,市场监管,2021-01-10,2099-01-09,有效,否\n郑九,32000000009,示例区市场监督管理局,市场监管,2021-01-10,2099-01-09,有效,否\n";

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn step(
    kind: enforcement::StepKind,
    on: &str,
    officers: &[&str],
    detail: enforcement::StepDetail,
) -> enforcement::workflow::StepRequest {
    enforcement::workflow::StepRequest {
        kind,
        on: day(on),
        officers: officers.iter().map(|s| s.to_string()).collect(),
        detail,
    }
}

#[tokio::test]
async fn a_case_is_handled_step_by_step_and_its_figures_follow() {
    use enforcement::workflow::{DocumentKind, NewCase};
    use enforcement::{Decision, Opinion, PartyKind, PenaltyType, Procedure, StepDetail, StepKind};
    use kernel::Money;
    for t in testkit::backends().await {
        let e = setup(&t).await;
        e.import_officers(
            &cli(),
            &records(&enforcement::ledger::OFFICERS, MORE_OFFICERS),
            ImportMode::default(),
        )
        .await
        .unwrap();
        let new = |number: &str, officers: &[&str]| NewCase {
            number: number.into(),
            body: "示例区市场监督管理局".into(),
            item_code: "E0002".into(),
            party_kind: Some(PartyKind::Organisation),
            party: "示例餐饮有限公司".into(),
            opened_on: Some(day("2022-03-01")),
            procedure: Some(Procedure::Ordinary),
            officers: officers.iter().map(|s| s.to_string()).collect(),
            text: "投诉举报".into(),
            ..Default::default()
        };
        // Opening goes through the ledger's checks: one officer is refused, naming the article.
        let err = e
            .open_case(&cli(), new("W1", &["32000000007"]))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("承办人员") && err.contains("第四十二条"),
            "{err}"
        );
        let case = e
            .open_case(&cli(), new("W1", &["32000000007", "32000000008"]))
            .await
            .unwrap();
        let id = case.id.to_string();
        let two = ["32000000007", "32000000008"];
        let fine = |yuan| StepDetail {
            penalties: vec![PenaltyType::Fine],
            amount: Some(Money::from_yuan(yuan)),
            decision: Some(Decision::Penalty),
            ..Default::default()
        };
        let text = |t: &str| StepDetail {
            text: t.into(),
            ..Default::default()
        };
        // No notice before the investigation.
        let err = e
            .record_step(
                &cli(),
                &id,
                step(StepKind::Notify, "2022-03-02", &two, fine(80000)),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("第五十四条"), "{err}");
        for s in [
            step(StepKind::Investigate, "2022-03-02", &two, text("现场检查")),
            step(
                StepKind::Notify,
                "2022-03-10",
                &two,
                StepDetail {
                    text: "未取得许可经营".into(),
                    ..fine(80000)
                },
            ),
            step(
                StepKind::HearingRequest,
                "2022-03-11",
                &[],
                StepDetail::default(),
            ),
            step(
                StepKind::HearingNotice,
                "2022-03-14",
                &two,
                StepDetail {
                    date: Some(day("2022-03-23")),
                    ..Default::default()
                },
            ),
            step(
                StepKind::Hearing,
                "2022-03-23",
                &["32000000009"],
                text("当事人陈述"),
            ),
            step(
                StepKind::LegalReview,
                "2022-03-25",
                &["32000000001"],
                StepDetail {
                    opinion: Some(Opinion::Agree),
                    ..Default::default()
                },
            ),
        ] {
            e.record_step(&cli(), &id, s).await.unwrap();
        }
        // Heavier than notified: refused (第四十五条); the notified fine or less: decided.
        let err = e
            .record_step(
                &cli(),
                &id,
                step(StepKind::Decide, "2022-03-28", &two, fine(90000)),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("第四十五条"), "{err}");
        for s in [
            step(StepKind::Decide, "2022-03-28", &two, fine(60000)),
            step(StepKind::Serve, "2022-03-29", &two, text("直接送达")),
            step(
                StepKind::Pay,
                "2022-04-16",
                &[],
                StepDetail {
                    amount: Some(Money::from_yuan(60000)),
                    ..Default::default()
                },
            ),
            step(StepKind::Publish, "2022-03-31", &two, StepDetail::default()),
            step(StepKind::Close, "2022-04-20", &two, StepDetail::default()),
            step(StepKind::Archive, "2022-04-21", &two, StepDetail::default()),
        ] {
            e.record_step(&cli(), &id, s).await.unwrap();
        }
        let file = e.case_file(&cli(), &id).await.unwrap();
        assert_eq!(file.stage, "已归档");
        assert_eq!(file.steps.len(), 13);
        let c = &file.view.case;
        assert!(c.hearing && c.legal_review && !c.collective);
        assert_eq!(c.amount, Some(Money::from_yuan(60000)));
        // Paid 3 days after the 15: 3% a day of 60,000 yuan.
        let pay = file.steps.iter().find(|s| s.kind == StepKind::Pay).unwrap();
        assert_eq!(pay.detail.surcharge, Some(Money::from_yuan(5400)));
        assert!(
            file.view
                .clocks
                .iter()
                .any(|l| l.contains("加处罚款5400.00元")),
            "{:?}",
            file.view.clocks
        );
        // The figures count the case as the ledger would.
        let s = e.stats(2022, None).await.unwrap();
        assert_eq!(
            (s.hearings, s.legal_reviews, s.published_on_time),
            (1, 1, 1)
        );
        // The documents carry the officers and the remedies.
        let (name, bytes) = e
            .document(&cli(), &id, DocumentKind::Decision)
            .await
            .unwrap();
        assert!(name.starts_with("行政处罚决定书") && bytes.starts_with(b"PK"));
        // 行政复议 sets the decision aside: the to-do names it, then the take-down withdraws it.
        let r = reconsideration::Reconsideration::new(e.platform().clone());
        let rc = r
            .register(
                &cli(),
                reconsideration::NewCase {
                    applicant: "示例餐饮有限公司".into(),
                    respondent: "示例区市场监督管理局".into(),
                    act_category: "行政处罚".into(),
                    act_description: "W1行政处罚决定".into(),
                    received_on: Some(kernel::time::china_today()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let today = kernel::time::china_today();
        r.record_step(
            &cli(),
            rc.id.as_str(),
            reconsideration::StepRequest::new(reconsideration::StepKind::Accept, today),
        )
        .await
        .unwrap();
        let mut conclude =
            reconsideration::StepRequest::new(reconsideration::StepKind::Conclude, today);
        conclude.method = Some(reconsideration::Method::Decision);
        conclude.decision_type = Some(reconsideration::DecisionType::SetAside);
        r.record_step(&cli(), rc.id.as_str(), conclude)
            .await
            .unwrap();
        let due = e.takedowns_due(&cli()).await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!(due[0].number, "W1");
        let mut down = step(
            StepKind::TakeDown,
            &today.to_string(),
            &two,
            text("行政复议决定撤销"),
        );
        down.detail.date = Some(today);
        e.record_step(&cli(), &id, down).await.unwrap();
        assert!(e.takedowns_due(&cli()).await.unwrap().is_empty());
        assert!(
            e.public_decisions(2022)
                .await
                .unwrap()
                .iter()
                .all(|d| d.number != "W1")
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_body_s_own_catalogue_makes_a_legal_review_required() {
    use enforcement::ledger as l;
    let ok = ImportMode::default();
    for t in testkit::backends().await {
        let e = setup(&t).await;
        e.import_bodies(
            &cli(),
            &records(
                &l::BODIES,
                "执法主体,主体类型,委托机关,生效日期,终止日期,法制审核目录\n示例区住房和城乡建设局,法定行政机关,,2019-01-01,,罚款\n",
            ),
            ok,
        )
        .await
        .unwrap();
        e.import_officers(
            &cli(),
            &records(
                &l::OFFICERS,
                "姓名,执法证号,执法主体,执法领域,发证日期,有效期至,状态,法制审核人员\n冯一,32000000011,示例区住房和城乡建设局,城建,2021-01-01,2099-01-01,有效,是\n陈二,32000000012,示例区住房和城乡建设局,城建,2021-01-01,2099-01-01,有效,否\n",
            ),
            ok,
        )
        .await
        .unwrap();
        let row = |review: &str| {
            format!(
                "{HEAD}B1,示例区住房和城乡建设局,J0001,单位,示例建设有限公司,2022-03-01,普通程序,32000000011、32000000012,否,{review},否,2022-04-01,给予行政处罚,罚款,5000,,\n"
            )
        };
        // A fine needs no review by the setting, but this body's catalogue lists it.
        let err = e
            .import_cases(&cli(), &records(&l::CASES, &row("否")), ok)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("第五十八条"), "{err}");
        e.import_cases(&cli(), &records(&l::CASES, &row("是")), ok)
            .await
            .unwrap();
        let s = e.stats(2022, None).await.unwrap();
        assert_eq!(s.legal_review_required, 1);
        assert_eq!(s.legal_review_coverage, 100.0);
        // The catalogue goes out with the body and back in unchanged.
        let rows = e.export(&cli(), l::BODIES.kind, None).await.unwrap();
        let line = rows
            .iter()
            .find(|r| r[0].contains("住房和城乡建设局"))
            .unwrap();
        assert_eq!(line.last().map(String::as_str), Some("罚款"), "{line:?}");
        t.finish().await;
    }
}
