//! The power list on SQLite and PostgreSQL: ledgers, the list on a date, adjustments with their
//! review, delegations, the figures, bad rows.

use chrono::NaiveDate;
use db::PageRequest;
use kernel::crypto::SealKey;
use kernel::{OrgKind, Role};
use ledger::ImportMode;
use platform::{Actor, NewOrg, NewUser, Platform};
use power::{AdjustmentKind, AdjustmentState, Batch, DelegationState, ItemFilter, Power, Proposal};

const ORGS: &str = "名称,类型,上级,行政区划代码,统一社会信用代码\n示例区,区,,320411,\n示例区市场监督管理局,部门,示例区,,\n示例区司法局,部门,示例区,,\n示例镇,镇,示例区,,\n示例街道,街道,示例区,,\n";
const ITEMS: &str = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级,责任事项,追责情形,备注\nE0001,食品经营许可,,行政许可,示例区市场监督管理局,《中华人民共和国食品安全法》第三十五条,区级,受理、审查、决定,,\nE0002,对未取得食品经营许可从事食品经营活动的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国食品安全法》第一百二十二条,区级,,,\nE0003,法律援助咨询,,公共服务,示例区司法局,《中华人民共和国法律援助法》第三十六条,区级,,,\nE0004,对违反广告管理规定行为的处罚,,行政处罚,示例区市场监督管理局,《中华人民共和国广告法》第五十五条,区级,,,\n";
const ADJUSTMENTS: &str = "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\nE0004,取消,2020-06-01,示例区市场监督管理局,上位法修改,示例\nE0002,变更,2020-07-01,示例区市场监督管理局,设定依据变更,示例\n";
const DELEGATIONS: &str = "事项编码,承接主体,下放类别,状态,批次文号,日期\nE0003,各镇（街道）,公共服务,已下放,示例政发〔2020〕1号,2020-05-01\nE0002,示例镇,行政处罚,拟下放待核准,示例政发〔2020〕2号,2020-10-01\n";
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

async fn setup(t: &testkit::TestDb) -> (Platform, Power) {
    let p = Platform::new(t.db.clone(), SealKey::generate());
    p.import_orgs(
        &cli(),
        &records(&platform::ORGANIZATIONS, ORGS),
        ImportMode::default(),
    )
    .await
    .unwrap();
    let power = Power::new(p.clone());
    power
        .import_items(
            &cli(),
            &records(&power::ledger::ITEMS, ITEMS),
            None,
            ImportMode::default(),
        )
        .await
        .unwrap();
    power
        .import_adjustments(
            &cli(),
            &records(&power::ledger::ADJUSTMENTS, ADJUSTMENTS),
            ImportMode::default(),
        )
        .await
        .unwrap();
    power
        .import_delegations(
            &cli(),
            &records(&power::ledger::DELEGATIONS, DELEGATIONS),
            ImportMode::default(),
        )
        .await
        .unwrap();
    (p, power)
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
async fn the_contract_ledgers_give_the_contract_figures() {
    for t in testkit::backends().await {
        let (_, power) = setup(&t).await;
        let s = power.stats(2020, None).await.unwrap();
        assert_eq!(s.total_items, 3, "{}: {s:?}", t.name());
        assert_eq!(s.by_type.get("行政许可"), Some(&1));
        assert_eq!(s.by_type.get("行政处罚"), Some(&1));
        assert_eq!(s.by_type.get("公共服务"), Some(&1));
        assert_eq!((s.adjustments, s.adjusted_departments), (2, 1));
        assert_eq!(s.adjustments_by_type.get("取消"), Some(&1));
        assert_eq!(s.adjustments_by_type.get("变更"), Some(&1));
        assert_eq!(s.delegated_by_type.get("公共服务"), Some(&1));
        assert_eq!(s.pending_delegations_by_type.get("行政处罚"), Some(&1));
        assert_eq!(s.by_department.get("示例区市场监督管理局"), Some(&2));
        assert_eq!(s.unresolved_legal_basis, 3, "no law base loaded");
        // 2019: all four items, nothing adjusted or delegated.
        let before = power.stats(2019, None).await.unwrap();
        assert_eq!(
            (
                before.total_items,
                before.adjustments,
                before.delegated_items
            ),
            (4, 0, 0)
        );
        // Importing everything again changes nothing.
        let again = power
            .import_items(
                &cli(),
                &records(&power::ledger::ITEMS, ITEMS),
                None,
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
        let again = power
            .import_adjustments(
                &cli(),
                &records(&power::ledger::ADJUSTMENTS, ADJUSTMENTS),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(again.unchanged, 2);
        let again = power
            .import_delegations(
                &cli(),
                &records(&power::ledger::DELEGATIONS, DELEGATIONS),
                ImportMode::default(),
            )
            .await
            .unwrap();
        assert_eq!(again.unchanged, 2);
        assert_eq!(power.stats(2020, None).await.unwrap(), s);
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn the_list_on_any_date_and_two_dates_compared() {
    for t in testkit::backends().await {
        let (_, power) = setup(&t).await;
        let on = |date: &str| {
            let power = power.clone();
            let date = d(date);
            async move {
                power
                    .items(&cli(), date, ItemFilter::default(), PageRequest::default())
                    .await
                    .unwrap()
            }
        };
        assert_eq!(on("2020-05-31").await.total, 4);
        assert_eq!(on("2020-06-01").await.total, 3);
        let cancelled = |date: &str| {
            let power = power.clone();
            let date = d(date);
            async move {
                let filter = ItemFilter {
                    cancelled: true,
                    ..Default::default()
                };
                power
                    .items(&cli(), date, filter, PageRequest::default())
                    .await
                    .unwrap()
            }
        };
        assert_eq!(cancelled("2020-05-31").await.total, 0);
        let gone = cancelled("2020-06-01").await;
        assert_eq!(gone.total, 1);
        assert_eq!(gone.items[0].code, "E0004");
        assert!(!gone.items[0].active);
        let diff = power
            .compare(
                &cli(),
                d("2020-01-01"),
                d("2020-12-31"),
                ItemFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!((diff.before, diff.after), (4, 3));
        assert_eq!(
            diff.changes
                .iter()
                .map(|c| (c.code.as_str(), c.change))
                .collect::<Vec<_>>(),
            [("E0004", "取消")],
            "a 变更 with the same fields is no change"
        );
        let filtered = power
            .items(
                &cli(),
                d("2020-12-31"),
                ItemFilter {
                    item_type: Some(power::ItemType::Penalty),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            filtered
                .items
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>(),
            ["E0002"]
        );
        let text = power
            .items(
                &cli(),
                d("2020-12-31"),
                ItemFilter {
                    text: Some("法律援助".into()),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(text.total, 1);
        let town = power
            .platform()
            .resolve_org("示例镇")
            .await
            .unwrap()
            .id
            .to_string();
        let held = power
            .items(
                &cli(),
                d("2020-12-31"),
                ItemFilter {
                    town: Some(town),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            held.items
                .iter()
                .map(|i| i.code.as_str())
                .collect::<Vec<_>>(),
            ["E0003"],
            "delegated to all towns; E0002 only proposed"
        );
        let versions = power
            .item_versions(&power.item_by_code("E0002").await.unwrap().unwrap())
            .await
            .unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[1].valid_from, d("2020-07-01"));
        t.finish().await;
    }
}

#[tokio::test]
async fn every_bad_row_is_reported_and_nothing_written() {
    for t in testkit::backends().await {
        let (_, power) = setup(&t).await;
        let bad = "事项编码,事项名称,子项名称,事项类型,实施主体,设定依据,实施层级\nX1,甲,,行政许可,示例区司法局,《某法》第一条,区级\nX2,乙,,行政审批,示例区司法局,《某法》第一条,区级\nX3,丙,,行政许可,不存在的局,《某法》第一条,区级\nX1,丁,,行政许可,示例区司法局,《某法》第一条,区级\nX5,戊,,行政许可,示例区司法局,,市级\n";
        let Err(power::Error::Platform(platform::Error::Rejected(r))) = power
            .import_items(
                &cli(),
                &records(&power::ledger::ITEMS, bad),
                None,
                ImportMode::default(),
            )
            .await
        else {
            panic!("rejected")
        };
        let cells: Vec<(usize, &str)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            cells,
            [
                (3, "事项类型"),
                (4, "实施主体"),
                (5, "事项编码"),
                (6, "设定依据"),
                (6, "实施层级")
            ],
            "{r}"
        );
        assert!(
            power.item_by_code("X1").await.unwrap().is_none(),
            "nothing written"
        );
        let missing = ledger::read_bytes("x.csv", "事项编码,事项名称\nX1,甲\n".as_bytes())
            .unwrap()
            .records(&power::ledger::ITEMS);
        assert!(matches!(
            missing,
            Err(ledger::LedgerError::MissingColumns(_))
        ));
        let adjustments = "事项编码,调整类型,调整日期,实施主体,调整原因,调整依据\nE9999,取消,2020-06-01,示例区司法局,原因,依据\nE0001,撤销,2020-06-01,示例区司法局,原因,依据\nE0001,取消,2020-13-01,示例区司法局,原因,依据\nE0004,变更,2020-08-01,示例区市场监督管理局,原因,依据\n";
        let Err(power::Error::Platform(platform::Error::Rejected(r))) = power
            .import_adjustments(
                &cli(),
                &records(&power::ledger::ADJUSTMENTS, adjustments),
                ImportMode::default(),
            )
            .await
        else {
            panic!("rejected")
        };
        let cells: Vec<(usize, &str)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(
            cells,
            [
                (2, "事项编码"),
                (3, "调整类型"),
                (4, "调整日期"),
                (5, "调整类型")
            ],
            "{r}"
        );
        assert!(
            r.errors[3].reason.contains("不在清单中"),
            "a change of a cancelled item"
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_department_proposes_legal_affairs_reviews_and_a_second_person_approves() {
    for t in testkit::backends().await {
        let (p, power) = setup(&t).await;
        let market = user(
            &p,
            "market",
            "示例区市场监督管理局",
            Role::DepartmentOfficer,
        )
        .await;
        let reviewer = user(&p, "reviewer", "示例区司法局", Role::LegalAffairs).await;
        let approver = user(&p, "approver", "示例区司法局", Role::LegalAffairs).await;
        let today = kernel::time::china_today();
        let proposal = Proposal {
            item_code: "E0001".into(),
            kind: AdjustmentKind::Cancel,
            effective_on: today,
            reason: "上位法修改".into(),
            basis: "国务院决定".into(),
            fields: None,
        };
        let a = power.propose(&market, proposal.clone()).await.unwrap();
        assert_eq!(a.state, AdjustmentState::Proposed);
        // The department attaches its 请示 while the adjustment is under way.
        let request = platform::NewAttachment {
            kind: "请示".into(),
            name: "关于取消E0001的请示.pdf".into(),
            bytes: platform::Bytes::from_static(b"%PDF-1.4 request"),
        };
        power.attach(&market, &a.id, request.clone()).await.unwrap();
        let town_officer = user(&p, "towner", "示例镇", Role::TownOfficer).await;
        assert!(
            power.attachments(&town_officer, &a.id).await.is_err(),
            "a town does not read the department's adjustment"
        );
        let other = Proposal {
            item_code: "E0003".into(),
            ..proposal.clone()
        };
        assert!(
            power.propose(&market, other).await.is_err(),
            "another department's item"
        );
        assert!(
            power.review(&market, &a.id, true, "").await.is_err(),
            "departments do not review"
        );
        assert!(
            power.decide(&approver, &a.id, true, "").await.is_err(),
            "not reviewed yet"
        );
        power.review(&reviewer, &a.id, true, "同意").await.unwrap();
        assert!(
            power.decide(&reviewer, &a.id, true, "").await.is_err(),
            "the reviewer does not approve"
        );
        let done = power.decide(&approver, &a.id, true, "批准").await.unwrap();
        assert_eq!(done.state, AdjustmentState::Approved);
        // Once approved its files are fixed; the approver still reads them.
        let fixed = power.attach(&market, &a.id, request).await.unwrap_err();
        assert!(fixed.to_string().contains("附件不能再增删"), "{fixed}");
        let files = power.attachments(&approver, &a.id).await.unwrap();
        assert_eq!(files.len(), 1);
        let (_, bytes) = power
            .attachment(&approver, &a.id, files[0].id.as_str())
            .await
            .unwrap();
        assert_eq!(&bytes[..], b"%PDF-1.4 request");
        let yesterday = today.pred_opt().unwrap();
        let codes = |date| {
            let power = power.clone();
            async move {
                power
                    .public_items(date, ItemFilter::default(), PageRequest::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|i| i.code)
                    .collect::<Vec<_>>()
            }
        };
        assert!(codes(yesterday).await.contains(&"E0001".to_string()));
        assert!(
            !codes(today).await.contains(&"E0001".to_string()),
            "gone from the public list on its date"
        );
        // A new item, proposed with its fields.
        let mut fields = power
            .item_versions(&power.item_by_code("E0002").await.unwrap().unwrap())
            .await
            .unwrap()
            .pop()
            .unwrap()
            .fields;
        fields.name = "新设的检查事项".into();
        fields.item_type = power::ItemType::Inspection;
        let add = Proposal {
            item_code: "E0100".into(),
            kind: AdjustmentKind::Add,
            fields: Some(fields),
            ..proposal
        };
        let a = power.propose(&market, add).await.unwrap();
        power.review(&reviewer, &a.id, true, "").await.unwrap();
        power.decide(&approver, &a.id, true, "").await.unwrap();
        assert!(codes(today).await.contains(&"E0100".to_string()));
        let s = power
            .stats(chrono::Datelike::year(&today), None)
            .await
            .unwrap();
        assert!(s.adjustments >= 2);
        db::audit::verify(&t.db, |_| {}).await.unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn delegations_move_through_their_states_and_towns_see_what_they_hold() {
    for t in testkit::backends().await {
        let (p, power) = setup(&t).await;
        let legal = user(&p, "legal", "示例区司法局", Role::LegalAffairs).await;
        let town_officer = user(&p, "towner", "示例镇", Role::TownOfficer).await;
        let e0001 = power.item_by_code("E0001").await.unwrap().unwrap();
        let town = p.resolve_org("示例镇").await.unwrap().id;
        let batch = Batch {
            items: vec![e0001.clone()],
            towns: Some(vec![town.clone()]),
            batch_doc: "示例政发〔2020〕3号".into(),
            state: DelegationState::Proposed,
            on: d("2020-03-01"),
        };
        assert_eq!(power.delegate(&legal, batch.clone()).await.unwrap(), 1);
        assert!(
            power.delegate(&town_officer, batch.clone()).await.is_err(),
            "towns do not delegate to themselves"
        );
        let approved = Batch {
            state: DelegationState::Approved,
            on: d("2020-04-01"),
            ..batch.clone()
        };
        power.delegate(&legal, approved).await.unwrap();
        let backwards = Batch {
            state: DelegationState::Proposed,
            on: d("2020-05-01"),
            ..batch.clone()
        };
        assert!(power.delegate(&legal, backwards).await.is_err());
        let street = p.resolve_org("示例街道").await.unwrap().id;
        let bad = Batch {
            towns: Some(vec![p.resolve_org("示例区司法局").await.unwrap().id]),
            ..batch.clone()
        };
        assert!(
            power.delegate(&legal, bad).await.is_err(),
            "only towns and streets"
        );
        let matrix = power.matrix(&legal).await.unwrap();
        let row = matrix.rows.iter().find(|r| r.code == "E0001").unwrap();
        let col = matrix
            .towns
            .iter()
            .position(|(id, _)| id == town.as_str())
            .unwrap();
        let street_col = matrix
            .towns
            .iter()
            .position(|(id, _)| id == street.as_str())
            .unwrap();
        assert_eq!(
            (row.cells[col], row.cells[street_col]),
            (Some(DelegationState::Approved), None)
        );
        let s = power.stats(2020, None).await.unwrap();
        assert_eq!(s.delegated_by_type.get("行政许可"), Some(&1));
        // The town officer sees the items delegated to the town, and not the others.
        let held = power
            .items(
                &town_officer,
                d("2020-12-31"),
                ItemFilter::default(),
                PageRequest::default(),
            )
            .await
            .unwrap();
        let codes: Vec<&str> = held.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            ["E0001", "E0003"],
            "approved for this town, and delegated to all towns"
        );
        assert!(power.item(&town_officer, &e0001).await.is_ok());
        let e0002 = power.item_by_code("E0002").await.unwrap().unwrap();
        assert!(
            power.item(&town_officer, &e0002).await.is_err(),
            "only proposed for the town"
        );
        // A town of its own exercises its own items too.
        p.create_org(
            &cli(),
            NewOrg {
                name: "示例镇综合执法局".into(),
                kind: OrgKind::Section,
                parent_id: Some(town.clone()),
                division_code: None,
                uscc: None,
            },
        )
        .await
        .unwrap();
        t.finish().await;
    }
}

/// The year-end counts are kept in the database beside the versions of their tables: reused while
/// nothing changed, counted again after a write, and `check_year_end_summary` finds a kept row
/// that no longer matches a fresh count (and puts it right).
#[tokio::test]
async fn the_kept_year_end_summary_follows_the_list() {
    for t in testkit::backends().await {
        let (_, power) = setup(&t).await;
        let first = power.stats(2020, None).await.unwrap();
        assert_eq!(first.total_items, 3, "{}", t.name());
        assert_eq!(
            t.count("SELECT COUNT(*) FROM power_year_end_built WHERE year = 2020")
                .await,
            1,
            "{}: the count was not kept",
            t.name()
        );
        assert!(power.check_year_end_summary(2020).await.unwrap().is_empty());
        // A row edited behind fazhi's back is kept (nothing fazhi wrote changed its tables)…
        t.tamper("UPDATE power_year_end SET items = items + 40 WHERE year = 2020 AND item_type = 'penalty'")
            .await;
        t.tamper("UPDATE power_year_end_names SET items = items + 40 WHERE year = 2020 AND item_type = 'penalty'")
            .await;
        assert_eq!(power.stats(2020, None).await.unwrap().total_items, 43);
        // … and found by the check, which puts it right.
        let differences = power.check_year_end_summary(2020).await.unwrap();
        assert_eq!(differences.len(), 2, "{}: {differences:?}", t.name());
        assert_eq!(power.stats(2020, None).await.unwrap(), first);
        // A write to the list makes the next figures count again: an item's type changed from
        // a day of 2019 changes that year's figures.
        let before = power.stats(2019, None).await.unwrap();
        let changed = ITEMS.replacen("行政处罚", "行政检查", 1);
        power
            .import_items(
                &cli(),
                &records(&power::ledger::ITEMS, &changed),
                Some(d("2019-06-01")),
                ImportMode::default(),
            )
            .await
            .unwrap();
        let after = power.stats(2019, None).await.unwrap();
        assert_eq!(after.total_items, before.total_items, "{}", t.name());
        assert_ne!(
            after.by_type,
            before.by_type,
            "{}: a stale summary",
            t.name()
        );
        assert!(power.check_year_end_summary(2019).await.unwrap().is_empty());
        t.finish().await;
    }
}
