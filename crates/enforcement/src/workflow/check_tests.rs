use chrono::NaiveDate;
use kernel::Money;
use kernel::calendar::Calendar;
use kernel::ids::OrgId;

use super::*;
use crate::model::{
    BodyId, CaseId, CertificateState, OfficerId, Opinion, Step, StepDetail, StepId,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn limits() -> Limits {
    Limits {
        decision_days: 90,
        extension_days: 30,
        hearing_fine_individual: Money::from_yuan(5000),
        hearing_fine_organisation: Money::from_yuan(50000),
        catalogue: crate::rules::REVIEW_PENALTY_TYPES.to_vec(),
    }
}

fn officer(cert: &str, reviewer: bool) -> Officer {
    Officer {
        id: OfficerId::generate(),
        name: format!("人员{cert}"),
        certificate: cert.into(),
        body_id: BodyId::from_stored("b"),
        org_id: OrgId::from_stored("o"),
        field: "市场监管".into(),
        issued_on: d(2020, 1, 1),
        valid_until: d(2030, 1, 1),
        state: CertificateState::Valid,
        legal_reviewer: reviewer,
    }
}

fn case(opened: NaiveDate) -> Case {
    Case {
        id: CaseId::generate(),
        number: "新市监罚〔2026〕1号".into(),
        body_id: BodyId::from_stored("b"),
        org_id: OrgId::from_stored("o"),
        item_code: "X".into(),
        party_kind: PartyKind::Organisation,
        party: "某公司".into(),
        opened_on: opened,
        regime: crate::rules::regime(opened),
        procedure: Procedure::Ordinary,
        officers: vec!["A".into(), "B".into()],
        hearing: false,
        legal_review: false,
        collective: false,
        decided_on: None,
        decision: None,
        penalties: vec![],
        amount: None,
        published_on: None,
        closed_on: None,
        taken_down_on: None,
        inspection_id: None,
    }
}

fn step(kind: StepKind, on: NaiveDate, officers: &[&str], detail: StepDetail) -> Step {
    Step {
        id: StepId::generate(),
        seq: 0,
        kind,
        on,
        officers: officers.iter().map(|s| s.to_string()).collect(),
        detail,
        recorded_by: "t".into(),
    }
}

fn try_step(
    c: &Case,
    steps: &[Step],
    kind: StepKind,
    on: NaiveDate,
    officers: &[Officer],
    detail: StepDetail,
) -> Result<(), String> {
    check_step(
        c,
        steps,
        &Proposed {
            kind,
            on,
            officers,
            detail: &detail,
        },
        &limits(),
        Calendar::official(),
        d(2026, 12, 31),
    )
}

fn fine(yuan: i64) -> StepDetail {
    StepDetail {
        decision: Some(Decision::Penalty),
        penalties: vec![PenaltyType::Fine],
        amount: Some(Money::from_yuan(yuan)),
        ..Default::default()
    }
}

#[test]
fn investigation_needs_two_officers_with_usable_certificates() {
    let c = case(d(2026, 3, 2));
    let a = officer("A", false);
    let e = try_step(
        &c,
        &[],
        StepKind::Investigate,
        d(2026, 3, 3),
        std::slice::from_ref(&a),
        StepDetail::default(),
    )
    .unwrap_err();
    assert!(e.contains("不得少于2人") && e.contains("第四十二条"), "{e}");
    let mut expired = officer("B", false);
    expired.valid_until = d(2026, 3, 1);
    let e = try_step(
        &c,
        &[],
        StepKind::Investigate,
        d(2026, 3, 3),
        &[a.clone(), expired],
        StepDetail::default(),
    )
    .unwrap_err();
    assert!(e.contains("到期"), "{e}");
    assert!(
        try_step(
            &c,
            &[],
            StepKind::Investigate,
            d(2026, 3, 3),
            &[a, officer("B", false)],
            StepDetail::default()
        )
        .is_ok()
    );
}

#[test]
fn the_hearing_request_and_notice_count_working_days_under_2021_and_days_under_2017() {
    let c = case(d(2026, 3, 2));
    let notice = step(
        StepKind::Notify,
        d(2026, 9, 25),
        &["A", "B"],
        StepDetail {
            hearing_right: true,
            ..fine(80_000)
        },
    );
    let steps = vec![
        step(
            StepKind::Investigate,
            d(2026, 3, 3),
            &["A", "B"],
            StepDetail::default(),
        ),
        notice,
    ];
    // Notified Friday 2026-09-25; the National Day holiday (10-01..10-07, 09-28 a workday in
    // some years): five working days end after the holiday, not on 09-30.
    let due = hearing_request_due(Calendar::official(), Regime::Law2021, d(2026, 9, 25)).unwrap();
    assert!(due > d(2026, 10, 1), "{due}");
    assert!(
        try_step(
            &c,
            &steps,
            StepKind::HearingRequest,
            due,
            &[],
            StepDetail::default()
        )
        .is_ok()
    );
    let e = try_step(
        &c,
        &steps,
        StepKind::HearingRequest,
        due.succ_opt().unwrap(),
        &[],
        StepDetail::default(),
    )
    .unwrap_err();
    assert!(e.contains("五个工作日") && e.contains("第六十四条"), "{e}");
    // 2017: three calendar days.
    let old = case(d(2020, 5, 6));
    let old_steps = vec![
        step(
            StepKind::Investigate,
            d(2020, 5, 7),
            &["A", "B"],
            StepDetail::default(),
        ),
        step(
            StepKind::Notify,
            d(2020, 6, 1),
            &["A", "B"],
            StepDetail {
                hearing_right: true,
                ..fine(80_000)
            },
        ),
    ];
    assert!(
        try_step(
            &old,
            &old_steps,
            StepKind::HearingRequest,
            d(2020, 6, 4),
            &[],
            StepDetail::default()
        )
        .is_ok()
    );
    let e = try_step(
        &old,
        &old_steps,
        StepKind::HearingRequest,
        d(2020, 6, 5),
        &[],
        StepDetail::default(),
    )
    .unwrap_err();
    assert!(e.contains("三日") && e.contains("2017"), "{e}");
    // The hearing is notified 7 working days ahead (2021).
    let mut with_request = steps.clone();
    with_request.push(step(
        StepKind::HearingRequest,
        d(2026, 9, 28),
        &[],
        StepDetail::default(),
    ));
    let early = StepDetail {
        date: Some(d(2026, 10, 9)),
        ..Default::default()
    };
    let e = try_step(
        &c,
        &with_request,
        StepKind::HearingNotice,
        d(2026, 9, 29),
        &[],
        early,
    )
    .unwrap_err();
    assert!(e.contains("七个工作日") && e.contains("第八十五条"), "{e}");
    let ok = StepDetail {
        date: Some(d(2026, 10, 20)),
        ..Default::default()
    };
    assert!(
        try_step(
            &c,
            &with_request,
            StepKind::HearingNotice,
            d(2026, 9, 29),
            &[],
            ok
        )
        .is_ok()
    );
}

#[test]
fn the_hearing_is_presided_by_someone_who_did_not_investigate() {
    let c = case(d(2026, 3, 2));
    let steps = vec![
        step(
            StepKind::Investigate,
            d(2026, 3, 3),
            &["A", "B"],
            StepDetail::default(),
        ),
        step(
            StepKind::Notify,
            d(2026, 4, 1),
            &["A", "B"],
            StepDetail {
                hearing_right: true,
                ..fine(80_000)
            },
        ),
        step(
            StepKind::HearingRequest,
            d(2026, 4, 2),
            &[],
            StepDetail::default(),
        ),
        step(
            StepKind::HearingNotice,
            d(2026, 4, 3),
            &["A", "B"],
            StepDetail {
                date: Some(d(2026, 4, 20)),
                ..Default::default()
            },
        ),
    ];
    let held = StepDetail {
        text: "当事人到场陈述".into(),
        ..Default::default()
    };
    let e = try_step(
        &c,
        &steps,
        StepKind::Hearing,
        d(2026, 4, 20),
        &[officer("A", false)],
        held.clone(),
    )
    .unwrap_err();
    assert!(
        e.contains("非本案调查人员") && e.contains("第六十四条第四项"),
        "{e}"
    );
    assert!(
        try_step(
            &c,
            &steps,
            StepKind::Hearing,
            d(2026, 4, 20),
            &[officer("C", false)],
            held
        )
        .is_ok()
    );
    // Without the hearing, no decision (第六十五条).
    let e = allowed(&c, &steps, StepKind::Decide).unwrap_err();
    assert!(e.contains("第六十五条"), "{e}");
}

#[test]
fn no_decision_without_notice_or_a_passed_review_and_none_heavier_than_notified() {
    let c = case(d(2026, 3, 2));
    let two = [officer("A", false), officer("B", false)];
    let investigated = vec![step(
        StepKind::Investigate,
        d(2026, 3, 3),
        &["A", "B"],
        StepDetail::default(),
    )];
    let e = try_step(
        &c,
        &investigated,
        StepKind::Decide,
        d(2026, 3, 10),
        &two,
        fine(1000),
    )
    .unwrap_err();
    assert!(e.contains("第六十二条"), "{e}");
    // A revocation needs a legal review (catalogue): refused without one, and with 存在问题.
    let revoke = StepDetail {
        decision: Some(Decision::Penalty),
        penalties: vec![PenaltyType::RevokeLicence],
        ..Default::default()
    };
    let mut steps = investigated.clone();
    steps.push(step(
        StepKind::Notify,
        d(2026, 3, 5),
        &["A", "B"],
        revoke.clone(),
    ));
    let e = try_step(
        &c,
        &steps,
        StepKind::Decide,
        d(2026, 3, 20),
        &two,
        revoke.clone(),
    )
    .unwrap_err();
    assert!(e.contains("法制审核") && e.contains("第五十八条"), "{e}");
    steps.push(step(
        StepKind::LegalReview,
        d(2026, 3, 10),
        &["R"],
        StepDetail {
            opinion: Some(Opinion::Problems),
            ..Default::default()
        },
    ));
    let e = try_step(
        &c,
        &steps,
        StepKind::Decide,
        d(2026, 3, 20),
        &two,
        revoke.clone(),
    )
    .unwrap_err();
    assert!(e.contains("存在问题"), "{e}");
    steps.push(step(
        StepKind::LegalReview,
        d(2026, 3, 12),
        &["R"],
        StepDetail {
            opinion: Some(Opinion::Agree),
            ..Default::default()
        },
    ));
    assert!(try_step(&c, &steps, StepKind::Decide, d(2026, 3, 20), &two, revoke).is_ok());
    // A fine above the notified one is refused (第四十五条).
    let mut fined = investigated;
    fined.push(step(
        StepKind::Notify,
        d(2026, 3, 5),
        &["A", "B"],
        fine(1000),
    ));
    let e = try_step(
        &c,
        &fined,
        StepKind::Decide,
        d(2026, 3, 20),
        &two,
        fine(2000),
    )
    .unwrap_err();
    assert!(e.contains("第四十五条"), "{e}");
    assert!(
        try_step(
            &c,
            &fined,
            StepKind::Decide,
            d(2026, 3, 20),
            &two,
            fine(800)
        )
        .is_ok()
    );
    // The legal review is made by a legal-review officer.
    let e = try_step(
        &c,
        &fined,
        StepKind::LegalReview,
        d(2026, 3, 12),
        &[officer("A", false)],
        StepDetail {
            opinion: Some(Opinion::Agree),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.contains("不是法制审核人员"), "{e}");
}

#[test]
fn the_surcharge_is_three_percent_a_day_capped_at_the_fine() {
    let fine = Money::from_yuan(1000);
    assert_eq!(
        surcharge(fine, d(2026, 3, 1), d(2026, 3, 16)),
        (0, Money::from_fen(0))
    );
    assert_eq!(
        surcharge(fine, d(2026, 3, 1), d(2026, 3, 18)),
        (2, Money::from_yuan(60))
    );
    assert_eq!(surcharge(fine, d(2026, 3, 1), d(2026, 6, 1)).1, fine);
}

#[test]
fn a_hearing_right_follows_the_penalty_and_the_province_s_amounts() {
    let l = limits();
    let f = |yuan| Some(Money::from_yuan(yuan));
    assert!(!hearing_right(
        PartyKind::Individual,
        &[PenaltyType::Fine],
        f(4999),
        &l
    ));
    assert!(hearing_right(
        PartyKind::Individual,
        &[PenaltyType::Fine],
        f(5000),
        &l
    ));
    assert!(!hearing_right(
        PartyKind::Organisation,
        &[PenaltyType::Fine],
        f(20000),
        &l
    ));
    assert!(hearing_right(
        PartyKind::Organisation,
        &[PenaltyType::Suspension],
        None,
        &l
    ));
    assert!(!hearing_right(
        PartyKind::Organisation,
        &[PenaltyType::Warning],
        None,
        &l
    ));
}

#[test]
fn steps_follow_the_procedure() {
    let mut c = case(d(2026, 3, 2));
    assert_eq!(
        next_steps(&c, &[]),
        vec![
            StepKind::Investigate,
            StepKind::Extend,
            StepKind::Collective,
            StepKind::Decide
        ]
    );
    c.decided_on = Some(d(2026, 4, 1));
    c.decision = Some(Decision::Penalty);
    c.amount = Some(Money::from_yuan(1000));
    c.penalties = vec![PenaltyType::Fine];
    let decided = vec![step(
        StepKind::Decide,
        d(2026, 4, 1),
        &["A", "B"],
        fine(1000),
    )];
    assert_eq!(
        next_steps(&c, &decided),
        vec![StepKind::Serve, StepKind::Publish]
    );
    let e = try_step(
        &c,
        &decided,
        StepKind::Close,
        d(2026, 4, 2),
        &[],
        StepDetail::default(),
    );
    assert!(e.unwrap_err().contains("送达"));
    let mut simple = case(d(2026, 3, 2));
    simple.procedure = Procedure::Simple;
    assert!(
        allowed(&simple, &[], StepKind::Notify)
            .unwrap_err()
            .contains("第五十一条")
    );
}
