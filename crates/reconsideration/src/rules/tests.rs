use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn facts(regime: Regime, stage: Stage) -> Facts {
    Facts {
        regime,
        stage,
        procedure: Procedure::Ordinary,
        received_on: d("2020-03-02"),
        accepted_on: None,
        steps: vec![],
        decision_due: None,
        opinion_letter: false,
        method: None,
    }
}

#[test]
fn the_law_follows_the_day_of_receipt() {
    assert_eq!(regime_on(d("2023-12-31")), Regime::Law2017);
    assert_eq!(regime_on(d("2024-01-01")), Regime::Law2023);
}

#[test]
fn working_days_are_the_ones_each_law_names() {
    use Period::*;
    let unit = |r, pr, p| period(r, pr, p).unwrap().unit;
    // 2017: only 五日 and 七日 are working days; the 10-day reply is calendar days.
    assert_eq!(
        unit(Regime::Law2017, Procedure::Ordinary, AcceptanceReview),
        Workdays
    );
    assert_eq!(unit(Regime::Law2017, Procedure::Ordinary, Copy), Workdays);
    assert_eq!(unit(Regime::Law2017, Procedure::Ordinary, Reply), Days);
    // 2023: 十日 is a working-day period too.
    assert_eq!(unit(Regime::Law2023, Procedure::Ordinary, Reply), Workdays);
    assert_eq!(
        period(Regime::Law2023, Procedure::Simplified, Reply)
            .unwrap()
            .count,
        5
    );
    assert_eq!(
        period(Regime::Law2023, Procedure::Simplified, Decision)
            .unwrap()
            .count,
        30
    );
    assert_eq!(unit(Regime::Law2023, Procedure::Ordinary, Decision), Days);
    assert!(period(Regime::Law2017, Procedure::Ordinary, HearingNotice).is_none());
}

#[test]
fn decision_types_follow_the_regime() {
    assert!(
        check_decision(Regime::Law2017, DecisionType::Void)
            .unwrap_err()
            .contains("第六十七条")
    );
    assert!(check_decision(Regime::Law2017, DecisionType::RejectRequest).is_err());
    assert!(check_decision(Regime::Law2023, DecisionType::Void).is_ok());
    assert!(check_decision(Regime::Law2017, DecisionType::SetAside).is_ok());
}

#[test]
fn the_simplified_procedure_needs_the_2023_law_and_a_ground() {
    assert!(
        check_procedure(
            Regime::Law2017,
            Procedure::Simplified,
            Some(SimplifiedGround::Warning)
        )
        .is_err()
    );
    assert!(
        check_procedure(Regime::Law2023, Procedure::Simplified, None)
            .unwrap_err()
            .contains("第五十三条")
    );
    assert!(
        check_procedure(
            Regime::Law2023,
            Procedure::Simplified,
            Some(SimplifiedGround::Agreed)
        )
        .is_ok()
    );
}

#[test]
fn a_step_in_the_future_or_before_the_last_one_is_refused() {
    let cal = Calendar::official();
    let mut f = facts(Regime::Law2023, Stage::InReview);
    f.received_on = d("2024-03-01");
    f.accepted_on = Some(d("2024-03-04"));
    f.steps = vec![
        (StepKind::Accept, d("2024-03-04")),
        (StepKind::CopySent, d("2024-03-05")),
    ];
    let today = StepInput {
        today: Some(d("2024-03-20")),
        ..Default::default()
    };
    // A hearing three weeks ahead is not a step yet.
    let e = check_step(&f, StepKind::Hearing, d("2024-04-10"), &today, cal).unwrap_err();
    assert!(e.contains("晚于今天（2024-03-20）"), "{e}");
    // Before the step it follows.
    let e = check_step(&f, StepKind::Reply, d("2024-03-04"), &today, cal).unwrap_err();
    assert!(
        e.contains("早于上一步“发送申请书副本”的日期2024-03-05"),
        "{e}"
    );
    // The same day as the last step, up to today: fine.
    assert!(check_step(&f, StepKind::Reply, d("2024-03-05"), &today, cal).is_ok());
    assert!(check_step(&f, StepKind::Reply, d("2024-03-20"), &today, cal).is_ok());
}

#[test]
fn steps_out_of_order_are_refused_with_their_article() {
    let cal = Calendar::official();
    let input = StepInput::default();
    let f = facts(Regime::Law2017, Stage::Received);
    let e = check_step(&f, StepKind::Conclude, d("2020-04-01"), &input, cal).unwrap_err();
    assert!(e.contains("尚未受理") && e.contains("第二十八条"), "{e}");
    let e = check_step(&f, StepKind::Accept, d("2020-03-01"), &input, cal).unwrap_err();
    assert!(e.contains("早于收到申请日期"), "{e}");
    let mut f = facts(Regime::Law2017, Stage::InReview);
    f.accepted_on = Some(d("2020-03-04"));
    let e = check_step(&f, StepKind::Reply, d("2020-03-10"), &input, cal).unwrap_err();
    assert!(e.contains("副本尚未发送"), "{e}");
    let one = StepInput {
        staff: 1,
        ..Default::default()
    };
    let e = check_step(&f, StepKind::Investigation, d("2020-03-10"), &one, cal).unwrap_err();
    assert!(e.contains("不得少于2人") && e.contains("第三十四条"), "{e}");
    let e = check_step(
        &f,
        StepKind::RecommendationLetter,
        d("2020-03-10"),
        &input,
        cal,
    );
    assert!(e.is_ok());
    let mut g = f.clone();
    g.regime = Regime::Law2023;
    assert!(
        check_step(
            &g,
            StepKind::RecommendationLetter,
            d("2024-03-10"),
            &input,
            cal
        )
        .is_err()
    );
}

#[test]
fn a_hearing_is_noticed_five_working_days_ahead_under_2023() {
    let cal = Calendar::official();
    let mut f = facts(Regime::Law2023, Stage::InReview);
    f.received_on = d("2024-03-01");
    f.accepted_on = Some(d("2024-03-04"));
    // Notice on Monday 2024-03-11: the fifth working day after is Monday 2024-03-18.
    let too_soon = StepInput {
        date: Some(d("2024-03-15")),
        ..Default::default()
    };
    let e = check_step(&f, StepKind::HearingNotice, d("2024-03-11"), &too_soon, cal).unwrap_err();
    assert!(e.contains("第五十一条") && e.contains("2024-03-18"), "{e}");
    let ok = StepInput {
        date: Some(d("2024-03-18")),
        ..Default::default()
    };
    assert!(check_step(&f, StepKind::HearingNotice, d("2024-03-11"), &ok, cal).is_ok());
}

#[test]
fn an_extension_is_approved_once_and_at_most_thirty_days() {
    let cal = Calendar::official();
    let mut f = facts(Regime::Law2017, Stage::InReview);
    f.accepted_on = Some(d("2020-03-04"));
    f.decision_due = Some(d("2020-05-06"));
    let long = StepInput {
        days: Some(31),
        approved: true,
        ..Default::default()
    };
    assert!(
        check_step(&f, StepKind::Extend, d("2020-04-20"), &long, cal)
            .unwrap_err()
            .contains("30日")
    );
    let unapproved = StepInput {
        days: Some(30),
        ..Default::default()
    };
    assert!(
        check_step(&f, StepKind::Extend, d("2020-04-20"), &unapproved, cal)
            .unwrap_err()
            .contains("负责人批准")
    );
    let ok = StepInput {
        days: Some(30),
        approved: true,
        ..Default::default()
    };
    assert!(check_step(&f, StepKind::Extend, d("2020-04-20"), &ok, cal).is_ok());
    assert!(
        check_step(&f, StepKind::Extend, d("2020-05-07"), &ok, cal)
            .unwrap_err()
            .contains("届满")
    );
    f.steps.push((StepKind::Extend, d("2020-04-20")));
    assert!(
        check_step(&f, StepKind::Extend, d("2020-04-21"), &ok, cal)
            .unwrap_err()
            .contains("一次")
    );
}

#[test]
fn a_withdrawal_says_why() {
    assert!(
        check_conclusion(Regime::Law2017, Method::Withdrawal, None, false)
            .unwrap_err()
            .contains("第二十五条")
    );
    assert!(check_conclusion(Regime::Law2017, Method::Withdrawal, None, true).is_ok());
    assert!(check_conclusion(Regime::Law2023, Method::Decision, None, false).is_err());
}
