//! 人民调解 on SQLite and PostgreSQL: the three ledgers and their figures, bad rows, scope.

use kernel::crypto::SealKey;
use ledger::ImportMode;
use platform::{Actor, Platform};

use mediation::Mediation;

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n示例街道,街道,示例区,,\n";
const ORGANIZATIONS: &str = "组织名称,组织类型,所属镇街,是否标准化,设立日期\n示例镇示例村人民调解委员会,村居,示例镇,是,2015-01-01\n示例镇家事调解室,家事,示例镇,是,2019-01-01\n示例街道商会调解室,商会,示例街道,否,2021-06-01\n";
const MEDIATORS: &str = "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n甲调解员,男,示例镇示例村人民调解委员会,专职,13800000001,2020-03-01,2020-03-05\n乙调解员,女,示例镇家事调解室,兼职,13800000002,2020-03-01,\n丙调解员,女,示例街道商会调解室,兼职,,2021-07-01,\n";
const CASES: &str = "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认\n示调〔2020〕1号,2020-04-01,邻里,排查,示例镇示例村人民调解委员会,甲调解员,调解成功,2020-04-03,书面,是\n示调〔2020〕2号,2020-05-01,婚姻家庭,申请,示例镇家事调解室,乙调解员,调解不成功,2020-05-20,,\n示调〔2020〕3号,2020-12-20,合同,委派,示例镇示例村人民调解委员会,甲调解员,调解中,,,\n示调〔2020〕4号,2020-06-01,物业,移交,示例镇家事调解室,乙调解员,调解成功,2020-08-01,口头,否\n";

fn cli() -> Actor {
    Actor::cli("test")
}

fn records(layout: &ledger::Layout, csv: &str) -> Vec<ledger::Record> {
    ledger::read_bytes("x.csv", csv.as_bytes())
        .unwrap()
        .records(layout)
        .unwrap()
}

async fn setup(t: &testkit::TestDb) -> Mediation {
    let p = Platform::new(t.db.clone(), SealKey::generate());
    p.import_orgs(
        &cli(),
        &records(&platform::ORGANIZATIONS, ORGS),
        ImportMode::default(),
    )
    .await
    .unwrap();
    let m = Mediation::new(p);
    m.import_organizations(
        &cli(),
        &records(&mediation::ledger::ORGANIZATIONS, ORGANIZATIONS),
        ImportMode::default(),
    )
    .await
    .unwrap();
    m.import_mediators(
        &cli(),
        &records(&mediation::ledger::MEDIATORS, MEDIATORS),
        ImportMode::default(),
    )
    .await
    .unwrap();
    m.import_disputes(
        &cli(),
        &records(&mediation::ledger::CASES, CASES),
        ImportMode::default(),
    )
    .await
    .unwrap();
    m
}

#[tokio::test]
async fn the_ledgers_give_the_year_figures() {
    for t in testkit::backends().await {
        let m = setup(&t).await;
        let s = m.stats(2020, None).await.unwrap();
        assert_eq!(
            (s.disputes, s.concluded, s.successful),
            (4, 3, 2),
            "{}: {s:?}",
            t.name()
        );
        assert_eq!(s.success_rate, 66.67);
        assert_eq!(
            (
                s.written_agreements,
                s.oral_agreements,
                s.judicial_confirmations
            ),
            (1, 1, 1)
        );
        assert_eq!(s.by_type.get("邻里"), Some(&1));
        assert_eq!(s.by_source.get("委派"), Some(&1));
        // Founded by the end of 2020: the 2021 chamber room is not counted.
        assert_eq!(s.organizations_by_type.get("村居"), Some(&1));
        assert_eq!(s.organizations_by_type.get("商会"), None);
        assert_eq!(s.standardized_by_type.get("家事"), Some(&1));
        assert_eq!((s.mediators, s.mediators_full_time), (3, 1));
        assert_eq!(
            (s.mediators_published, s.mediators_notified_to_court),
            (2, 1)
        );
        // 示调4 took 61 days: overdue against the 30-day target; 示调3 is 11 days old at year end.
        assert_eq!(s.overdue, 1);
        // Open past the target: none at the end of 2020 (示调3 is 11 days old); at the end of
        // 2021 示调3 is, though it was received the year before.
        assert_eq!(s.open_overdue, 0);
        let later = m.stats(2021, None).await.unwrap();
        assert_eq!((later.overdue, later.open_overdue), (0, 1));
        let behind = m.records_behind(2021, None, "open_overdue").await.unwrap();
        assert_eq!(
            behind.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
            ["示调〔2020〕3号"]
        );
        // One town's figures.
        let street = m.platform().resolve_org("示例街道").await.unwrap();
        let s = m.stats(2021, Some(&street)).await.unwrap();
        assert_eq!((s.disputes, s.mediators, s.mediators_published), (0, 1, 1));
        assert_eq!(s.organizations_by_type.get("商会"), Some(&1));
        // Importing again changes nothing; the export does not carry the phone number.
        let again = m
            .import_disputes(
                &cli(),
                &records(&mediation::ledger::CASES, CASES),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
        let again = m
            .import_mediators(
                &cli(),
                &records(&mediation::ledger::MEDIATORS, MEDIATORS),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(again.unchanged, 3);
        // Who keeps the roster exports the real numbers (audited), so that it imports again
        // unchanged; a reader gets them masked.
        let roster = m.export(&cli(), "mediators", Some(2020)).await.unwrap();
        assert!(roster.iter().any(|r| r[4] == "13800000001"), "{roster:?}");
        let unsealed = db::audit::list(
            m.platform().db(),
            &platform::EventFilter {
                action: Some("unseal".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(unsealed.len(), 1, "the unsealing is audited");
        let again = m
            .import_mediators(
                &cli(),
                &records(
                    &mediation::ledger::MEDIATORS,
                    &ledger::to_csv(&mediation::ledger::MEDIATORS, &roster)
                        .map(|b| String::from_utf8(b).unwrap())
                        .unwrap(),
                ),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(again.unchanged, 3, "the exported roster imports unchanged");
        let org = m.platform().resolve_org("示例区").await.unwrap().id;
        m.platform()
            .create_user(
                &cli(),
                platform::NewUser {
                    username: "reader".into(),
                    display_name: "读者".into(),
                    org_id: org,
                    role: kernel::Role::Viewer,
                    password: "Fazhi@2020x".into(),
                    phone: None,
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
        let reader = m
            .platform()
            .login("reader", "Fazhi@2020x", "test")
            .await
            .unwrap()
            .session
            .actor;
        let roster = m.export(&reader, "mediators", Some(2020)).await.unwrap();
        assert!(roster.iter().any(|r| r[4] == "138****0001"), "{roster:?}");
        assert!(!roster.iter().any(|r| r[4].contains("13800000001")));
        let cases = m
            .export(&cli(), "mediation-cases", Some(2020))
            .await
            .unwrap();
        assert_eq!(cases.len(), 4);
        t.finish().await;
    }
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_written() {
    for t in testkit::backends().await {
        let m = setup(&t).await;
        let bad = "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认\n\
            B1,2020-04-01,邻里,排查,不存在的调解委员会,甲调解员,调解成功,2020-04-03,书面,否\n\
            B2,2020-04-01,邻里,排查,示例镇家事调解室,甲调解员,调解成功,2020-04-03,书面,否\n\
            B3,2020-04-01,邻里,排查,示例镇家事调解室,乙调解员,调解成功,2020-03-03,书面,否\n\
            B4,2020-04-01,邻里,排查,示例镇家事调解室,乙调解员,调解成功,2020-04-03,,否\n\
            B5,2020-04-01,吵架,路过,示例镇家事调解室,乙调解员,调解不成功,2020-04-03,书面,是\n\
            B5,2020/13/01,邻里,排查,示例镇家事调解室,乙调解员,调解中,,,\n";
        let e = m
            .import_disputes(
                &cli(),
                &records(&mediation::ledger::CASES, bad),
                ImportMode::default(),
            )
            .await
            .unwrap_err()
            .to_string();
        for needle in [
            "第2行",
            "未登记的调解组织",
            "第3行",
            "不在“示例镇家事调解室”的调解员名册上",
            "第4行",
            "早于受理日期",
            "第5行",
            "第二十八条",
            "第6行",
            "“吵架”不是可选值",
            "“路过”不是可选值",
            "没有调解协议",
            "第三十三条",
            "第7行",
            "与第6行重复",
            "受理日期",
        ] {
            assert!(
                e.contains(needle),
                "{}: {needle} missing from\n{e}",
                t.name()
            );
        }
        assert_eq!(
            m.stats(2020, None).await.unwrap().disputes,
            4,
            "nothing written"
        );
        let bad = "姓名,性别,所属组织,专兼职,联系电话,公开日期,通报法院日期\n丁,未知,没有的组织,全职,12ab,,\n";
        let e = m
            .import_mediators(
                &cli(),
                &records(&mediation::ledger::MEDIATORS, bad),
                ImportMode::default(),
            )
            .await
            .unwrap_err()
            .to_string();
        for needle in ["性别", "未登记的调解组织", "专兼职", "不是电话号码"] {
            assert!(e.contains(needle), "{needle} missing from\n{e}");
        }
        let bad = "组织名称,组织类型,所属镇街,是否标准化,设立日期\n新室,家事,示例区司法局,是,2020-01-01\n";
        let e = m
            .import_organizations(
                &cli(),
                &records(&mediation::ledger::ORGANIZATIONS, bad),
                ImportMode::default(),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("不是镇或街道"), "{e}");
        t.finish().await;
    }
}

#[tokio::test]
async fn intake_conclusion_notes_and_the_roster_notices() {
    for t in testkit::backends().await {
        let m = setup(&t).await;
        let org = m.organizations(&cli()).await.unwrap();
        let village = org
            .iter()
            .find(|o| o.organization.name == "示例镇示例村人民调解委员会")
            .unwrap();
        assert!(village.warnings.is_empty(), "{:?}", village.warnings);
        let d = m
            .register_dispute(
                &cli(),
                mediation::NewDispute {
                    number: String::new(),
                    received_on: "2020-06-01".parse().unwrap(),
                    dispute_type: mediation::DisputeType::Neighbour,
                    source: mediation::Source::Screening,
                    organization_id: village.organization.id.clone(),
                    mediator_id: None,
                    parties: "张某、李某".into(),
                    summary: "通行纠纷".into(),
                    party_records: Vec::new(),
                },
            )
            .await
            .unwrap();
        // The ledger's series of the year (示调〔2020〕1–4号) is continued, not restarted.
        assert_eq!(d.number, "示调〔2020〕5号");
        // A series set by the administrator: the town's own, from 1; never a duplicate.
        m.platform()
            .update_setting_in(
                &cli(),
                mediation::SETTINGS,
                "mediation.number_pattern",
                "{镇}调〔{年}〕{号}号",
            )
            .await
            .unwrap();
        let second = mediation::NewDispute {
            number: String::new(),
            received_on: "2020-06-02".parse().unwrap(),
            dispute_type: mediation::DisputeType::Neighbour,
            source: mediation::Source::Screening,
            organization_id: village.organization.id.clone(),
            mediator_id: None,
            parties: "王某、赵某".into(),
            summary: "排水纠纷".into(),
            party_records: Vec::new(),
        };
        let own = m.register_dispute(&cli(), second.clone()).await.unwrap();
        assert_eq!(own.number, "示例镇调〔2020〕1号");
        let next = m.register_dispute(&cli(), second.clone()).await.unwrap();
        assert_eq!(next.number, "示例镇调〔2020〕2号");
        let e = m
            .register_dispute(
                &cli(),
                mediation::NewDispute {
                    number: "示例镇调〔2020〕2号".into(),
                    ..second
                },
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("已存在"), "{e}");
        let e = m
            .platform()
            .update_setting_in(
                &cli(),
                mediation::SETTINGS,
                "mediation.number_pattern",
                "调解{号}",
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("{年}"), "{e}");
        let id = d.id.to_string();
        // A return visit before the conclusion is refused; a session is recorded.
        let e = m
            .record_note(
                &cli(),
                &id,
                mediation::NoteKind::ReturnVisit,
                "2020-06-02".parse().unwrap(),
                "回访",
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("调结之后"), "{e}");
        m.record_note(
            &cli(),
            &id,
            mediation::NoteKind::Session,
            "2020-06-02".parse().unwrap(),
            "双方到场",
        )
        .await
        .unwrap();
        // The parties as records: the ID number and phone sealed, only masked forms shown.
        let e = m
            .add_party(
                &cli(),
                &id,
                mediation::NewParty {
                    name: "张某".into(),
                    id_number: "110105194912310021".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("身份证号码"), "{e}");
        let party = m
            .add_party(
                &cli(),
                &id,
                mediation::NewParty {
                    name: "张某".into(),
                    sex: Some(mediation::model::Sex::Male),
                    id_number: "11010519491231002X".into(),
                    address: "示例镇示例村3组".into(),
                    phone: "13812345678".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (party.id_masked.as_str(), party.phone_masked.as_str()),
            ("1101**********002X", "138****5678")
        );
        let stored: Vec<String> =
            db::query_scalar("SELECT id_sealed FROM mediation_parties WHERE name = '张某'")
                .fetch_all(&mut m.platform().db().conn().await.unwrap())
                .await
                .unwrap();
        assert!(!stored[0].contains("11010519491231002X"), "sealed");
        assert_eq!(
            m.platform().seal().open(&stored[0]).unwrap(),
            "11010519491231002X"
        );
        // Dates that cannot be: a session before the last one, a session or a conclusion ahead
        // of today, a conclusion before the last session.
        for (kind, on, why) in [
            (
                mediation::NoteKind::Session,
                "2020-06-01",
                "早于上一次调解记录的日期2020-06-02",
            ),
            (mediation::NoteKind::Session, "2099-01-01", "晚于今天"),
        ] {
            let e = m
                .record_note(&cli(), &id, kind, on.parse().unwrap(), "再次调解")
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{e}");
        }
        for (on, why) in [
            ("2099-01-01", "晚于今天"),
            ("2020-06-01", "早于最近一次调解（2020-06-02）"),
        ] {
            let e = m
                .conclude(
                    &cli(),
                    &id,
                    mediation::Conclusion {
                        outcome: mediation::Outcome::Failure,
                        concluded_on: on.parse().unwrap(),
                        agreement: None,
                        judicial_confirmation: false,
                        note: String::new(),
                        agreement_content: String::new(),
                    },
                )
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{e}");
        }
        // Success without an agreement form: refused with the article.
        let e = m
            .conclude(
                &cli(),
                &id,
                mediation::Conclusion {
                    outcome: mediation::Outcome::Success,
                    concluded_on: "2020-06-05".parse().unwrap(),
                    agreement: None,
                    judicial_confirmation: false,
                    note: String::new(),
                    agreement_content: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("第二十八条"), "{e}");
        // A written agreement without its content: refused with the article.
        let e = m
            .conclude(
                &cli(),
                &id,
                mediation::Conclusion {
                    outcome: mediation::Outcome::Success,
                    concluded_on: "2020-06-05".parse().unwrap(),
                    agreement: Some(mediation::AgreementForm::Written),
                    judicial_confirmation: false,
                    note: String::new(),
                    agreement_content: " ".into(),
                },
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("第二十九条") && e.contains("协议内容"), "{e}");
        m.conclude(
            &cli(),
            &id,
            mediation::Conclusion {
                outcome: mediation::Outcome::Success,
                concluded_on: "2020-06-05".parse().unwrap(),
                agreement: Some(mediation::AgreementForm::Written),
                judicial_confirmation: false,
                note: "达成书面协议".into(),
                agreement_content: "李某于2020年6月30日前拆除占道围墙。".into(),
            },
        )
        .await
        .unwrap();
        m.record_note(
            &cli(),
            &id,
            mediation::NoteKind::ReturnVisit,
            "2020-07-01".parse().unwrap(),
            "已履行",
        )
        .await
        .unwrap();
        assert_eq!(m.notes(&cli(), &id).await.unwrap().len(), 2);
        let (name, bytes) = m.agreement_docx(&cli(), &id).await.unwrap();
        assert!(name.contains("人民调解协议书") && bytes.starts_with(b"PK"));
        // The agreement states its own content, not a placeholder, and the parties' facts.
        let parties = m.parties(&cli(), &id).await.unwrap();
        let text =
            mediation::agreement::agreement(&m.dispute(&cli(), &id).await.unwrap(), &parties)
                .plain_text();
        assert!(
            text.contains("李某于2020年6月30日前拆除占道围墙。") && !text.contains("【……】"),
            "{text}"
        );
        assert!(
            text.contains("当事人：张某，男，身份证号码1101**********002X，住址示例镇示例村3组，联系电话138****5678"),
            "{text}"
        );
        assert_eq!(m.stats(2020, None).await.unwrap().written_agreements, 2);

        // Notify the court of the published mediators not yet notified; then nothing is left.
        let n = m
            .roster_notice(
                &cli(),
                mediation::NoticeKind::Notify,
                "2021-08-01".parse().unwrap(),
                "致区人民法院函",
            )
            .await
            .unwrap();
        assert_eq!(n.mediators, 2, "乙 and 丙 were published but not notified");
        assert!(
            m.roster_notice(
                &cli(),
                mediation::NoticeKind::Notify,
                "2021-08-02".parse().unwrap(),
                ""
            )
            .await
            .is_err()
        );
        assert_eq!(m.roster_notices(&cli()).await.unwrap().len(), 1);
        assert_eq!(
            m.stats(2021, None)
                .await
                .unwrap()
                .mediators_notified_to_court,
            3
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_disputes_ledger_carries_parties_and_summary_when_it_has_them() {
    for t in testkit::backends().await {
        let m = setup(&t).await;
        let with = "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认,当事人,纠纷简要情况\n示调〔2020〕9号,2020-04-01,邻里,排查,示例镇示例村人民调解委员会,,调解中,,,,张某、李某,通行纠纷\n";
        let report = m
            .import_disputes(
                &cli(),
                &records(&mediation::ledger::CASES, with),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(report.created, 1, "{}", t.name());
        // A file without the two columns keeps them; the same file again changes nothing.
        let without = "纠纷编号,受理日期,纠纷类型,来源,调解组织,调解员,调解结果,结案日期,协议形式,是否司法确认\n示调〔2020〕9号,2020-04-01,邻里,排查,示例镇示例村人民调解委员会,,调解中,,,\n";
        let again = m
            .import_disputes(
                &cli(),
                &records(&mediation::ledger::CASES, without),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!((again.updated, again.unchanged), (0, 1));
        let rows = m
            .export(&cli(), "mediation-cases", Some(2020))
            .await
            .unwrap();
        let row = rows.iter().find(|r| r[0] == "示调〔2020〕9号").unwrap();
        assert_eq!(
            (row[10].as_str(), row[11].as_str()),
            ("张某、李某", "通行纠纷")
        );
        t.finish().await;
    }
}
