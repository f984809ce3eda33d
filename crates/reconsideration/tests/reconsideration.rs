//! 行政复议 on SQLite and PostgreSQL: the ledger and its figures, a case under each law driven
//! through its steps with the clock, rules refusing with their articles, documents, publication,
//! scope.

use chrono::NaiveDate;
use db::PageRequest;
use kernel::Role;
use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, NewUser, Platform};
use reconsideration::{
    CaseFilter, DecisionType, DocumentKind, Method, NewCase, Procedure, Reconsideration, Regime,
    SimplifiedGround, Stage, StepKind, StepRequest, WithdrawalReason,
};

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例区公安分局,部门,示例区,,\n示例镇,镇,示例区,,\n";
const CASES: &str = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕1号,张某,示例区市场监督管理局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,撤销,是,否,是,\n示复〔2020〕2号,李某,示例区司法局,政府信息公开,2020-05-11,受理,2020-05-13,普通程序,2020-06-10,撤回,调解和解后撤回,,否,否,否,\n示复〔2020〕3号,王某,示例区市场监督管理局,行政处罚,2020-08-03,受理,2020-08-05,普通程序,2020-09-25,决定,,维持,否,否,否,\n示复〔2020〕4号,赵某,示例区司法局,行政确认,2020-09-01,不予受理,,普通程序,,,,,否,否,否,\n";
const PASSWORD: &str = "Fazhi@2020";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cli() -> Actor {
    Actor::cli("test")
}

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

async fn setup(t: &testkit::TestDb) -> (Platform, Reconsideration) {
    let p = Platform::new(t.db.clone(), SealKey::generate());
    p.import_orgs(
        &cli(),
        &records(&platform::ORGANIZATIONS, ORGS),
        ImportMode::default(),
    )
    .await
    .unwrap();
    (p.clone(), Reconsideration::new(p))
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

fn step(kind: StepKind, on: &str) -> StepRequest {
    StepRequest::new(kind, d(on))
}

fn application(number: &str, received: &str) -> NewCase {
    NewCase {
        number: number.into(),
        applicant: "张三".into(),
        applicant_id: "11010519491231002X".into(),
        respondent: "示例区市场监督管理局".into(),
        act_category: "行政处罚".into(),
        act_description: "罚款五千元".into(),
        request: "撤销该处罚决定".into(),
        received_on: Some(d(received)),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_contract_ledger_gives_the_contract_figures() {
    for t in testkit::backends().await {
        let (_, r) = setup(&t).await;
        let report = r
            .import_cases(
                &cli(),
                &records(&reconsideration::ledger::CASES, CASES),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(report.created, 4, "{}", t.name());
        let s = r.stats(2020, None).await.unwrap();
        assert_eq!((s.received, s.accepted, s.not_accepted), (4, 3, 1));
        assert_eq!((s.concluded, s.pending), (3, 0));
        assert_eq!((s.direct_corrections, s.direct_correction_rate), (1, 33.33));
        assert_eq!(
            (s.withdrawn, s.withdrawn_after_mediation, s.mediated),
            (1, 1, 0)
        );
        assert_eq!(
            (s.comprehensive_corrections, s.comprehensive_correction_rate),
            (2, 66.67)
        );
        assert_eq!(
            (s.field_investigations, s.field_investigation_rate),
            (1, 33.33)
        );
        assert_eq!((s.opinion_letters, s.overdue), (1, 0));
        assert_eq!(s.by_decision_type.get("撤销"), Some(&1));
        assert_eq!(s.by_decision_type.get("维持"), Some(&1));
        // The figures of one respondent only.
        let market = r
            .platform()
            .resolve_org("示例区市场监督管理局")
            .await
            .unwrap();
        let m = r.stats(2020, Some(&market)).await.unwrap();
        assert_eq!((m.received, m.concluded, m.direct_corrections), (2, 2, 1));
        // Importing the same file again changes nothing; the export reads back the same.
        let again = r
            .import_cases(
                &cli(),
                &records(&reconsideration::ledger::CASES, CASES),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
        let rows = r
            .export_cases(&cli(), Some(2020), Default::default())
            .await
            .unwrap();
        assert_eq!(rows.len(), 4);
        let bytes = ledger::to_csv(&reconsideration::ledger::CASES, &rows).unwrap();
        let back = r
            .import_cases(
                &cli(),
                &ledger::read_bytes("e.csv", &bytes)
                    .unwrap()
                    .records(&reconsideration::ledger::CASES)
                    .unwrap(),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(back.unchanged, 4, "export → import is a fixed point");
        // The definitions can be changed: direct corrections without 撤销.
        r.platform()
            .update_setting_in(
                &cli(),
                reconsideration::SETTINGS,
                "reconsideration.direct_correction_types",
                "变更、确认违法",
            )
            .await
            .unwrap();
        assert_eq!(r.stats(2020, None).await.unwrap().direct_corrections, 0);
        let defs = r.definitions().await.unwrap();
        let direct = defs.iter().find(|d| d.key == "direct_corrections").unwrap();
        assert!(direct.text.contains("变更、确认违法"), "{}", direct.text);
        t.finish().await;
    }
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_written() {
    for t in testkit::backends().await {
        let (_, r) = setup(&t).await;
        let bad = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n\
            A1,张某,示例区司法局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-02-20,决定,,撤销,否,否,否,\n\
            A2,李某,示例区司法局,行政处罚,2020-03-02,受理,2020-03-04,普通程序,2020-04-20,决定,,确认无效,否,否,否,\n\
            A3,王某,示例区司法局,行政处罚,2020/13/45,受理,2020-03-04,普通程序,,,,,否,否,否,\n\
            A4,赵某,示例区司法局,行政处罚,2020-03-02,受理,2020-03-04,简易程序,,,,,否,否,否,\n\
            A5,钱某,示例区司法局,行政处罚,2024-03-02,受理,2024-03-04,普通程序,2024-04-20,撤回,,,否,是,否,\n\
            A1,孙某,示例区司法局,行政处罚,2020-03-02,不予受理,,普通程序,,,,,否,否,否,\n\
            A7,周某,示例区司法局,行政处罚,2020-03-02,不予受理,,普通程序,2020-04-01,决定,,撤销,否,否,否,\n";
        let err = r
            .import_cases(
                &cli(),
                &records(&reconsideration::ledger::CASES, bad),
                ImportMode::default(),
            )
            .await
            .unwrap_err();
        let text = err.to_string();
        for needle in [
            "第2行",
            "结案日期2020-02-20早于",
            "第3行",
            "第六十七条",
            "第4行",
            "收到申请日期",
            "第5行",
            "简易程序",
            "第6行",
            "撤回原因",
            "建议书",
            "第7行",
            "与第2行重复",
            "第8行",
            "未受理的案件不能结案",
        ] {
            assert!(
                text.contains(needle),
                "{}: {needle} missing from\n{text}",
                t.name()
            );
        }
        let page = r
            .cases(&cli(), CaseFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(page.total, 0, "nothing written");
        // A dry run of a good file writes nothing either.
        let dry = r
            .import_cases(
                &cli(),
                &records(&reconsideration::ledger::CASES, CASES),
                ImportMode {
                    dry_run: true,
                    only_valid: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(dry.created, 4);
        assert_eq!(r.stats(2020, None).await.unwrap().received, 0);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_2017_case_runs_its_clock_from_intake_to_a_decision() {
    for t in testkit::backends().await {
        let (p, r) = setup(&t).await;
        let staff = user(&p, "fuyi", "示例区司法局", Role::LegalAffairs).await;
        let case = r
            .register(&staff, application("", "2020-03-02"))
            .await
            .unwrap();
        assert_eq!(case.number, "行复〔2020〕1号");
        assert_eq!(case.regime, Regime::Law2017);
        assert_eq!(
            case.applicant_id_masked.as_deref(),
            Some("1101**********002X")
        );
        let id = case.id.to_string();

        // A decision before acceptance is refused with its article.
        let mut early = step(StepKind::Conclude, "2020-03-20");
        early.method = Some(Method::Decision);
        early.decision_type = Some(DecisionType::SetAside);
        let e = r
            .record_step(&staff, &id, early)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("尚未受理") && e.contains("第二十八条"), "{e}");

        // 补正 pauses the review; the review period runs again from the corrected materials.
        r.record_step(
            &staff,
            &id,
            step(StepKind::CorrectionNotice, "2020-03-03").text("处罚决定书复印件"),
        )
        .await
        .unwrap();
        let e = r
            .record_step(&staff, &id, step(StepKind::Accept, "2020-03-04"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("补正材料尚未收到"), "{e}");
        r.record_step(&staff, &id, step(StepKind::Corrected, "2020-03-06"))
            .await
            .unwrap();
        let page = r.case_page(&staff, &id, d("2020-03-06")).await.unwrap();
        let review = page
            .clock
            .lines
            .iter()
            .find(|l| l.period == "受理审查期限")
            .unwrap();
        // 5 working days from Friday 2020-03-06: 9, 10, 11, 12, 13 March.
        assert_eq!(review.deadline.due, d("2020-03-13"));
        assert!(
            review.explanation.contains("补正材料于2020-03-06收到"),
            "{}",
            review.explanation
        );

        // The simplified procedure does not exist under the 2017 law.
        let mut simple = step(StepKind::Accept, "2020-03-09");
        simple.procedure = Some(Procedure::Simplified);
        simple.ground = Some(SimplifiedGround::Warning);
        assert!(
            r.record_step(&staff, &id, simple)
                .await
                .unwrap_err()
                .to_string()
                .contains("没有简易程序")
        );
        let case = r
            .record_step(&staff, &id, step(StepKind::Accept, "2020-03-09"))
            .await
            .unwrap();
        assert_eq!(case.stage, Stage::InReview);
        // 60 days from 2020-03-09 is Friday 2020-05-08.
        assert_eq!(case.decision_due, Some(d("2020-05-08")));

        // The reply needs the copy first; the 2017 reply period is 10 calendar days.
        assert!(
            r.record_step(&staff, &id, step(StepKind::Reply, "2020-03-12"))
                .await
                .is_err()
        );
        r.record_step(&staff, &id, step(StepKind::CopySent, "2020-03-10"))
            .await
            .unwrap();
        r.record_step(
            &staff,
            &id,
            step(StepKind::Reply, "2020-03-19").text("被申请人认为处罚适当"),
        )
        .await
        .unwrap();
        let page = r.case_page(&staff, &id, d("2020-03-19")).await.unwrap();
        let reply = page
            .clock
            .lines
            .iter()
            .find(|l| l.period == "被申请人答复期限")
            .unwrap();
        assert_eq!(reply.deadline.due, d("2020-03-20"));
        assert_eq!(reply.state, reconsideration::DueState::Met);

        // Investigation needs two staff.
        let mut one = step(StepKind::Investigation, "2020-03-24");
        one.staff = vec!["甲".into()];
        let e = r
            .record_step(&staff, &id, one)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("不得少于2人") && e.contains("实施条例第三十四条"),
            "{e}"
        );
        let mut two = step(StepKind::Investigation, "2020-03-24");
        two.staff = vec!["甲".into(), "乙".into()];
        r.record_step(&staff, &id, two).await.unwrap();

        // 中止 stops the clock; 恢复 adds the days suspended.
        r.record_step(
            &staff,
            &id,
            step(StepKind::Suspend, "2020-04-01")
                .text("案件涉及法律适用问题，需要有权机关作出解释"),
        )
        .await
        .unwrap();
        let case = r
            .record_step(&staff, &id, step(StepKind::Resume, "2020-04-11"))
            .await
            .unwrap();
        // 60 + 10 days from 2020-03-09 is 2020-05-18 (Monday).
        assert_eq!(case.decision_due, Some(d("2020-05-18")));
        // An extension of more than 30 days, or unapproved, is refused; 30 approved days move it.
        let mut long = step(StepKind::Extend, "2020-05-06").text("案情复杂");
        long.days = Some(45);
        long.approved_by = "区政府分管负责人".into();
        assert!(
            r.record_step(&staff, &id, long)
                .await
                .unwrap_err()
                .to_string()
                .contains("30日")
        );
        let mut ext = step(StepKind::Extend, "2020-05-06").text("案情复杂");
        ext.days = Some(30);
        ext.approved_by = "区政府分管负责人".into();
        let case = r.record_step(&staff, &id, ext).await.unwrap();
        // 100 days from 2020-03-09 is 2020-06-17.
        assert_eq!(case.decision_due, Some(d("2020-06-17")));

        // 确认无效 does not exist under the 2017 law; 撤销 does.
        let mut void = step(StepKind::Conclude, "2020-06-10");
        void.method = Some(Method::Decision);
        void.decision_type = Some(DecisionType::Void);
        let e = r
            .record_step(&staff, &id, void)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("第六十七条"), "{e}");
        let mut decide = step(StepKind::Conclude, "2020-06-10").text("处罚认定事实不清");
        decide.method = Some(Method::Decision);
        decide.decision_type = Some(DecisionType::SetAside);
        let case = r.record_step(&staff, &id, decide).await.unwrap();
        assert_eq!(case.stage, Stage::Concluded);
        r.record_step(
            &staff,
            &id,
            step(StepKind::RecommendationLetter, "2020-06-12").text("规范罚款裁量"),
        )
        .await
        .unwrap();

        let s = r.stats(2020, None).await.unwrap();
        assert_eq!((s.received, s.accepted, s.concluded), (1, 1, 1));
        assert_eq!((s.direct_corrections, s.direct_correction_rate), (1, 100.0));
        assert_eq!(
            (s.field_investigations, s.recommendation_letters, s.overdue),
            (1, 1, 0)
        );

        // The case page tells the story from the audit log; documents are kept with the case.
        let page = r.case_page(&staff, &id, d("2020-06-12")).await.unwrap();
        assert!(page.timeline.iter().any(|e| e.action == "中止"));
        assert_eq!(page.steps.len(), 11);
        let doc = r
            .generate_document(&staff, &id, DocumentKind::Decision)
            .await
            .unwrap();
        let (kept, bytes) = r.document(&staff, doc.id.as_str()).await.unwrap();
        assert_eq!(kept.sm3, kernel::crypto::sm3_hex(&bytes));
        assert!(bytes.starts_with(b"PK"), "a .docx package");
        let e = r
            .generate_document(&staff, &id, DocumentKind::NonAcceptance)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不能生成"), "{e}");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_2023_case_follows_the_new_law() {
    for t in testkit::backends().await {
        let (p, r) = setup(&t).await;
        let staff = user(&p, "fuyi", "示例区司法局", Role::LegalAffairs).await;
        let case = r
            .register(&staff, application("新复〔2024〕3号", "2024-03-01"))
            .await
            .unwrap();
        assert_eq!(case.regime, Regime::Law2023);
        let id = case.id.to_string();
        // Accepted after the review period: it counts as accepted from the period's end (第三十条).
        let mut simple = step(StepKind::Accept, "2024-03-12");
        simple.procedure = Some(Procedure::Simplified);
        let e = r
            .record_step(&staff, &id, simple.clone())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("第五十三条"), "{e}");
        simple.ground = Some(SimplifiedGround::SmallAmount);
        let case = r.record_step(&staff, &id, simple).await.unwrap();
        // Five working days from Friday 2024-03-01 end on Friday 2024-03-08.
        assert_eq!(case.accepted_on, Some(d("2024-03-08")));
        assert!(case.deemed_accepted);
        // Simplified: the decision within 30 days; 2024-04-07 is a Sunday but a make-up workday.
        assert_eq!(case.decision_due, Some(d("2024-04-07")));
        r.record_step(&staff, &id, step(StepKind::CopySent, "2024-03-12"))
            .await
            .unwrap();
        let page = r.case_page(&staff, &id, d("2024-03-12")).await.unwrap();
        let copy = page
            .clock
            .lines
            .iter()
            .find(|l| l.period.starts_with("发送申请书副本"))
            .unwrap();
        assert_eq!(copy.deadline.due, d("2024-03-13"), "three working days");
        assert_eq!(copy.state, reconsideration::DueState::Met);
        let reply = page
            .clock
            .lines
            .iter()
            .find(|l| l.period.starts_with("被申请人答复"))
            .unwrap();
        assert_eq!(reply.deadline.due, d("2024-03-19"), "five working days");

        // A hearing noticed fewer than five working days ahead is refused (第五十一条).
        let mut notice = step(StepKind::HearingNotice, "2024-03-18");
        notice.date = Some(d("2024-03-22"));
        let e = r
            .record_step(&staff, &id, notice.clone())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("第五十一条") && e.contains("2024-03-25"), "{e}");
        notice.date = Some(d("2024-03-25"));
        r.record_step(&staff, &id, notice).await.unwrap();
        r.record_step(
            &staff,
            &id,
            step(StepKind::Hearing, "2024-03-25").text("双方到场"),
        )
        .await
        .unwrap();
        // 建议书 exists only under the 2017 regime.
        let e = r
            .record_step(
                &staff,
                &id,
                step(StepKind::RecommendationLetter, "2024-03-26"),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("2023年行政复议法没有建议书"), "{e}");
        // Withdrawal needs its reason.
        let mut withdraw = step(StepKind::Conclude, "2024-03-28");
        withdraw.method = Some(Method::Withdrawal);
        assert!(
            r.record_step(&staff, &id, withdraw.clone())
                .await
                .unwrap_err()
                .to_string()
                .contains("第七十四条")
        );
        withdraw.withdrawal_reason = Some(WithdrawalReason::AfterCorrection);
        r.record_step(&staff, &id, withdraw).await.unwrap();
        let s = r.stats(2024, None).await.unwrap();
        assert_eq!(
            (
                s.concluded,
                s.withdrawn_after_mediation,
                s.comprehensive_corrections
            ),
            (1, 1, 1)
        );
        assert_eq!(s.comprehensive_correction_rate, 100.0);
        // Only decisions are published.
        assert!(
            r.record_step(&staff, &id, step(StepKind::Publish, "2024-03-29"))
                .await
                .is_err()
        );

        // A second case decided 确认无效 and published: the public sees the applicant masked.
        let case = r
            .register(&staff, application("新复〔2024〕4号", "2024-04-01"))
            .await
            .unwrap();
        let id = case.id.to_string();
        r.record_step(&staff, &id, step(StepKind::Accept, "2024-04-02"))
            .await
            .unwrap();
        let mut void = step(StepKind::Conclude, "2024-05-20").text("被申请人不具有行政主体资格");
        void.method = Some(Method::Decision);
        void.decision_type = Some(DecisionType::Void);
        r.record_step(&staff, &id, void).await.unwrap();
        r.record_step(&staff, &id, step(StepKind::Publish, "2024-05-21"))
            .await
            .unwrap();
        let public = r.published(None, PageRequest::default()).await.unwrap();
        assert_eq!(public.total, 1);
        assert_eq!(public.items[0].applicant, "张*");
        assert!(public.items[0].applicant_id_masked.is_none());
        // The portal's search reads what the public sees: the hidden name finds nothing (it
        // would tell 张三 from 张四), the number and the respondent find the decision.
        let found = |q: &str| {
            let r = r.clone();
            let q = q.to_string();
            async move {
                r.published(Some(q), PageRequest::default())
                    .await
                    .unwrap()
                    .total
            }
        };
        assert_eq!(found("张三").await, 0, "the applicant's hidden name");
        assert_eq!(found("新复〔2024〕4号").await, 1);
        assert_eq!(found("市场监督管理局").await, 1);
        let s = r.stats(2024, None).await.unwrap();
        assert_eq!((s.direct_corrections, s.concluded), (1, 2));
        assert_eq!(s.by_decision_type.get("确认无效"), Some(&1));
        t.finish().await;
    }
}

#[tokio::test]
async fn departments_read_the_cases_against_them_and_only_the_office_acts() {
    for t in testkit::backends().await {
        let (p, r) = setup(&t).await;
        let staff = user(&p, "fuyi", "示例区司法局", Role::LegalAffairs).await;
        let market = user(
            &p,
            "market",
            "示例区市场监督管理局",
            Role::DepartmentOfficer,
        )
        .await;
        let police = user(&p, "police", "示例区公安分局", Role::DepartmentOfficer).await;
        let case = r
            .register(&staff, application("", "2020-03-02"))
            .await
            .unwrap();
        let id = case.id.to_string();
        // The respondent reads its case; another department does not, and the refusal is logged.
        assert!(r.case_page(&market, &id, d("2020-03-02")).await.is_ok());
        let e = r
            .case_page(&police, &id, d("2020-03-02"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("管辖范围"), "{e}");
        assert_eq!(
            r.cases(&police, CaseFilter::default(), PageRequest::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            r.cases(&market, CaseFilter::default(), PageRequest::default())
                .await
                .unwrap()
                .total,
            1
        );
        // Only the office handles the case.
        let e = r
            .record_step(&market, &id, step(StepKind::Accept, "2020-03-03"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("行政复议机构"), "{e}");
        let e = r
            .register(&market, application("", "2020-03-02"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("行政复议机构"), "{e}");
        let denied = db::audit::list(
            p.db(),
            &db::audit::EventFilter {
                action: Some("denied".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(denied.len() >= 3, "refusals are recorded: {}", denied.len());
        // The dashboard's due list: the case is due on 2020-05-08 once accepted.
        r.record_step(&staff, &id, step(StepKind::Accept, "2020-03-09"))
            .await
            .unwrap();
        let (soon, overdue) = r.due(&staff, d("2020-05-06")).await.unwrap();
        assert_eq!((soon.len(), overdue.len()), (1, 0));
        let (soon, overdue) = r.due(&staff, d("2020-05-11")).await.unwrap();
        assert_eq!((soon.len(), overdue.len()), (0, 1));
        let (soon, _) = r.due(&police, d("2020-05-06")).await.unwrap();
        assert!(soon.is_empty(), "out of scope");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_deadline_in_a_year_without_a_notice_is_provisional_until_the_notice_is_loaded() {
    for t in testkit::backends().await {
        let (p, r) = setup(&t).await;
        let staff = user(&p, "fuyi", "示例区司法局", Role::LegalAffairs).await;
        let case = r
            .register(&staff, application("示复〔2026〕5号", "2026-11-20"))
            .await
            .unwrap();
        let id = case.id.to_string();
        let case = r
            .record_step(&staff, &id, step(StepKind::Accept, "2026-11-25"))
            .await
            .unwrap();
        // 60 days end on Sunday 2027-01-24: with no 2027 notice, weekends only → Monday.
        assert_eq!(case.decision_due, Some(d("2027-01-25")), "{}", t.name());
        let page = r.case_page(&staff, &id, d("2026-11-30")).await.unwrap();
        let decision = page.clock.decision().unwrap();
        assert_eq!(decision.deadline.provisional, vec![2027]);
        assert!(
            decision.explanation.contains("暂定"),
            "{}",
            decision.explanation
        );
        assert_eq!(
            page.clock.provisional.len(),
            1,
            "{:?}",
            page.clock.provisional
        );
        assert!(page.clock.provisional[0].contains("2027年的国务院节假日安排尚未载入"));

        // A ledger row accepted in December is imported, not refused for the missing notice.
        let row = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2026〕6号,李某,示例区司法局,行政确认,2026-12-01,受理,2026-12-02,普通程序,,,,,否,否,否,\n";
        let report = r
            .import_cases(
                &cli(),
                &records(&reconsideration::ledger::CASES, row),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(report.created, 1);

        // The notice, typed in: 2027-01-25 and 26 are rest days. Loading it is the
        // administrator's; the provisional deadlines are then computed again.
        let notice = kernel::calendar::YearNotice::from_typed(
            2027,
            "",
            vec![kernel::calendar::TypedHoliday {
                name: "测试假日".into(),
                off_from: d("2027-01-25"),
                off_to: d("2027-01-26"),
                work: vec![],
            }],
        )
        .unwrap();
        assert!(p.load_typed_notice(&staff, notice.clone()).await.is_err());
        assert_eq!(
            p.load_typed_notice(&cli(), notice).await.unwrap(),
            vec![2027]
        );
        assert!(r.recompute_deadlines(&staff, &[2027]).await.is_err());
        // The registered case moves; the imported one ends after the typed days and stays.
        assert_eq!(r.recompute_deadlines(&cli(), &[2027]).await.unwrap(), 1);
        let page = r.case_page(&staff, &id, d("2026-11-30")).await.unwrap();
        assert_eq!(page.case.decision_due, Some(d("2027-01-27")));
        assert!(page.clock.provisional.is_empty());
        assert!(
            page.clock
                .decision()
                .unwrap()
                .deadline
                .provisional
                .is_empty()
        );
        let imported = r
            .case_list(
                &cli(),
                CaseFilter {
                    text: Some("示复〔2026〕6号".into()),
                    ..Default::default()
                },
                PageRequest::new(None, None),
            )
            .await
            .unwrap();
        // 2026-12-02 + 60 days = 2027-01-31, a Sunday → Monday 2027-02-01.
        assert_eq!(imported.items[0].decision_due, Some(d("2027-02-01")));
        // Nothing changes when loaded again.
        assert_eq!(r.recompute_deadlines(&cli(), &[2027]).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_new_case_continues_the_series_of_the_ledger() {
    for t in testkit::backends().await {
        let (p, r) = setup(&t).await;
        r.import_cases(
            &cli(),
            &records(&reconsideration::ledger::CASES, CASES),
            ImportMode::default(),
        )
        .await
        .unwrap();
        let staff = user(&p, "fuyi", "示例区司法局", Role::LegalAffairs).await;
        let case = r
            .register(&staff, application("", "2020-10-09"))
            .await
            .unwrap();
        assert_eq!(case.number, "示复〔2020〕5号", "{}", t.name());
        // The next year starts the same series at 1.
        let next_year = r
            .register(&staff, application("", "2021-01-05"))
            .await
            .unwrap();
        assert_eq!(next_year.number, "示复〔2021〕1号");
        // A pattern set by the administrator is followed; a number given twice is refused.
        p.update_setting_in(
            &cli(),
            reconsideration::SETTINGS,
            "reconsideration.number_pattern",
            "行复〔{年}〕{号}号",
        )
        .await
        .unwrap();
        let own = r
            .register(&staff, application("", "2020-10-10"))
            .await
            .unwrap();
        assert_eq!(own.number, "行复〔2020〕1号");
        let e = r
            .register(&staff, application("行复〔2020〕1号", "2020-10-10"))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("已存在"), "{e}");
    }
}

#[tokio::test]
async fn cases_open_past_their_deadline_are_counted_at_year_end() {
    for t in testkit::backends().await {
        let (_, r) = setup(&t).await;
        // Accepted 2020-06-01 (60 days: due 2020-07-31): one concluded late in 2021, one
        // still open; one accepted in December, not yet due at year end.
        let rows = "案件编号,申请人,被申请人,行政行为类别,收到申请日期,受理情况,受理日期,适用程序,结案日期,结案方式,撤回原因,决定类型,是否制发意见书,是否制发建议书,是否实地调查,备注\n示复〔2020〕7号,张某,示例区司法局,行政确认,2020-05-28,受理,2020-06-01,普通程序,2021-02-01,决定,,维持,否,否,否,\n示复〔2020〕8号,李某,示例区司法局,行政确认,2020-05-28,受理,2020-06-01,普通程序,,,,,否,否,否,\n示复〔2020〕9号,王某,示例区司法局,行政确认,2020-12-01,受理,2020-12-02,普通程序,,,,,否,否,否,\n";
        r.import_cases(
            &cli(),
            &records(&reconsideration::ledger::CASES, rows),
            ImportMode::default(),
        )
        .await
        .unwrap();
        let s = r.stats(2020, None).await.unwrap();
        assert_eq!(
            (s.pending, s.open_overdue, s.overdue),
            (3, 2, 0),
            "{}",
            t.name()
        );
        let behind = r.records_behind(2020, None, "open_overdue").await.unwrap();
        let mut numbers: Vec<_> = behind.iter().map(|r| r.title.as_str()).collect();
        numbers.sort();
        assert_eq!(numbers, ["示复〔2020〕7号", "示复〔2020〕8号"]);
        // In 2021 the late one is concluded (and counts as concluded late); two stay open.
        let s = r.stats(2021, None).await.unwrap();
        assert_eq!((s.overdue, s.open_overdue), (1, 2));
        // Before the cases: nothing.
        assert_eq!(r.stats(2019, None).await.unwrap().open_overdue, 0);
    }
}
