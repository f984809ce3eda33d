//! The rules of 行政执法, pure and with their articles: which 行政处罚法 applies, the simple
//! procedure's limits, when a legal review is required, certificates, and the clocks of the
//! decision and its publication.

use chrono::NaiveDate;
use kernel::Money;
use kernel::calendar::{Calendar, CalendarError, PeriodUnit};

use crate::model::{
    CertificateState, Decision, Officer, PartyKind, PenaltyType, Procedure, Regime,
};

/// The day the 2021 revision took effect (2021 第八十六条).
pub fn law_2021_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 7, 15).expect("a valid date")
}

/// Rule 适用法律: a case is handled under the law in force on its 立案日期.
pub fn regime(opened_on: NaiveDate) -> Regime {
    if opened_on < law_2021_from() {
        Regime::Law2017
    } else {
        Regime::Law2021
    }
}

/// Rule 当场处罚限额: the largest fine the simple procedure may impose, and its article.
pub fn simple_limit(regime: Regime, party: PartyKind) -> (Money, &'static str) {
    match (regime, party) {
        (Regime::Law2021, PartyKind::Individual) => {
            (Money::from_yuan(200), "2021年行政处罚法第五十一条")
        }
        (Regime::Law2021, PartyKind::Organisation) => {
            (Money::from_yuan(3000), "2021年行政处罚法第五十一条")
        }
        (Regime::Law2017, PartyKind::Individual) => {
            (Money::from_yuan(50), "2017年行政处罚法第三十三条")
        }
        (Regime::Law2017, PartyKind::Organisation) => {
            (Money::from_yuan(1000), "2017年行政处罚法第三十三条")
        }
    }
}

/// Rule 简易程序: on the spot only a warning or a fine within the limit (2021 第五十一条,
/// 2017 第三十三条); anything else needs the ordinary procedure.
pub fn check_simple(
    regime: Regime,
    party: PartyKind,
    decision: Option<Decision>,
    penalties: &[PenaltyType],
    amount: Option<Money>,
) -> Result<(), String> {
    let (limit, article) = simple_limit(regime, party);
    if let Some(d) = decision
        && d != Decision::Penalty
    {
        return Err(format!(
            "简易程序只能当场作出行政处罚决定，“{}”应适用普通程序（{article}）",
            d.label()
        ));
    }
    if let Some(p) = penalties
        .iter()
        .find(|p| !matches!(p, PenaltyType::Warning | PenaltyType::Fine))
    {
        return Err(format!(
            "简易程序只能给予警告或者罚款，“{}”应适用普通程序（{article}）",
            p.label()
        ));
    }
    if let Some(a) = amount
        && a > limit
    {
        return Err(format!(
            "简易程序对{}的罚款不得超过{}，本案{}应适用普通程序（{article}）",
            if party == PartyKind::Individual {
                "公民"
            } else {
                "法人或者其他组织"
            },
            limit,
            a
        ));
    }
    Ok(())
}

/// The penalty types that by default make a legal review required: the heavy penalties a
/// hearing may be asked for (2021 第六十三条), which directly affect the party's major rights
/// (第五十八条第一款第二项); the setting `enforcement.review_penalty_types` (and a body's own
/// 法制审核目录) extends or narrows it.
pub const REVIEW_PENALTY_TYPES: &[PenaltyType] = &[
    PenaltyType::Downgrade,
    PenaltyType::RevokeLicence,
    PenaltyType::RestrictBusiness,
    PenaltyType::Suspension,
    PenaltyType::Closure,
    PenaltyType::RestrictPractice,
];

/// Rule 重大执法决定法制审核 (2021 第五十八条; 国办发〔2018〕118号 (十二)): a 2021-law ordinary
/// case needs a passed legal review before its decision when a hearing was held, a collective
/// discussion was held, or a penalty type is in the catalogue. The 2017 law had no such article.
pub fn legal_review_required(
    regime: Regime,
    procedure: Procedure,
    hearing: bool,
    collective: bool,
    penalties: &[PenaltyType],
    catalogue: &[PenaltyType],
) -> bool {
    regime == Regime::Law2021
        && procedure == Procedure::Ordinary
        && (hearing || collective || penalties.iter().any(|p| catalogue.contains(p)))
}

/// Rule 执法证: a certificate can be used on a day when it is 有效, issued by then and not past
/// its 有效期至; otherwise the reason.
pub fn certificate_usable(officer: &Officer, on: NaiveDate) -> Result<(), String> {
    let who = format!("{}（执法证号{}）", officer.name, officer.certificate);
    match officer.state {
        CertificateState::Suspended => return Err(format!("{who}的执法证已暂扣")),
        CertificateState::Cancelled => return Err(format!("{who}的执法证已注销")),
        CertificateState::Valid => {}
    }
    if on < officer.issued_on {
        return Err(format!("{who}的执法证{}才发证", officer.issued_on));
    }
    if on > officer.valid_until {
        return Err(format!("{who}的执法证已于{}到期", officer.valid_until));
    }
    Ok(())
}

/// Rule 公示时限 (国办发〔2018〕118号 (六)): a penalty decision is published within 7 working
/// days of the decision (`workdays`, a setting): the last day to publish.
pub fn publication_due(
    calendar: &Calendar,
    decided_on: NaiveDate,
    workdays: u32,
) -> Result<NaiveDate, CalendarError> {
    Ok(calendar
        .add_provisional(decided_on, workdays, PeriodUnit::Workdays)?
        .due)
}

/// Rule 办案期限 (2021 第六十条): a 2021-law ordinary case is decided within 90 days of 立案
/// (`days`, a setting; calendar days — 第八十五条 makes only 二日、三日、五日、七日 working days).
/// Whether a decision came too late.
pub fn decided_late(
    regime: Regime,
    procedure: Procedure,
    opened_on: NaiveDate,
    decided_on: NaiveDate,
    days: i64,
) -> bool {
    regime == Regime::Law2021
        && procedure == Procedure::Ordinary
        && (decided_on - opened_on).num_days() > days
}

/// Rule 日期顺序: 立案 ≤ 决定 ≤ 结案 and 决定 ≤ 公示 (a 公示 may come after 结案).
pub fn check_dates(
    opened_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    published_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
) -> Result<(), (&'static str, String)> {
    if let Some(d) = decided_on
        && d < opened_on
    {
        return Err(("决定日期", format!("决定日期{d}早于立案日期{opened_on}")));
    }
    if let Some(c) = closed_on {
        let Some(d) = decided_on else {
            return Err(("结案日期", "已结案的案件应填写决定日期".into()));
        };
        if c < d {
            return Err(("结案日期", format!("结案日期{c}早于决定日期{d}")));
        }
    }
    if let Some(p) = published_on {
        let Some(d) = decided_on else {
            return Err(("公示日期", "尚未决定的案件不能公示".into()));
        };
        if p < d {
            return Err(("公示日期", format!("公示日期{p}早于决定日期{d}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_law_follows_the_day_the_case_was_opened() {
        assert_eq!(regime(d(2021, 7, 14)), Regime::Law2017);
        assert_eq!(regime(d(2021, 7, 15)), Regime::Law2021);
    }

    #[test]
    fn the_simple_procedure_keeps_to_its_limits_under_each_law() {
        let fine = |yuan| Some(Money::from_yuan(yuan));
        let ok = |r, p, a| check_simple(r, p, Some(Decision::Penalty), &[PenaltyType::Fine], a);
        assert!(ok(Regime::Law2021, PartyKind::Individual, fine(200)).is_ok());
        let e = ok(Regime::Law2021, PartyKind::Individual, fine(201)).unwrap_err();
        assert!(e.contains("200.00元") && e.contains("第五十一条"), "{e}");
        assert!(ok(Regime::Law2021, PartyKind::Organisation, fine(3000)).is_ok());
        assert!(
            ok(Regime::Law2017, PartyKind::Individual, fine(51))
                .unwrap_err()
                .contains("第三十三条")
        );
        assert!(ok(Regime::Law2017, PartyKind::Organisation, fine(1000)).is_ok());
        let e = check_simple(
            Regime::Law2021,
            PartyKind::Organisation,
            Some(Decision::Penalty),
            &[PenaltyType::Suspension],
            None,
        )
        .unwrap_err();
        assert!(e.contains("责令停产停业"), "{e}");
        assert!(
            check_simple(
                Regime::Law2021,
                PartyKind::Individual,
                Some(Decision::Transfer),
                &[],
                None
            )
            .is_err()
        );
    }

    #[test]
    fn a_legal_review_is_required_for_heavy_2021_decisions_only() {
        let req = |r, h, c, p: &[PenaltyType]| {
            legal_review_required(r, Procedure::Ordinary, h, c, p, REVIEW_PENALTY_TYPES)
        };
        assert!(req(Regime::Law2021, true, false, &[]));
        assert!(req(Regime::Law2021, false, true, &[]));
        assert!(req(Regime::Law2021, false, false, &[PenaltyType::Closure]));
        assert!(!req(Regime::Law2021, false, false, &[PenaltyType::Fine]));
        assert!(!req(Regime::Law2017, true, true, &[PenaltyType::Closure]));
    }

    #[test]
    fn ninety_calendar_days_for_a_2021_ordinary_decision() {
        let late = |o, dd| decided_late(Regime::Law2021, Procedure::Ordinary, o, dd, 90);
        assert!(!late(d(2021, 8, 2), d(2021, 10, 31)));
        assert!(late(d(2021, 8, 2), d(2021, 11, 1)));
        assert!(!decided_late(
            Regime::Law2017,
            Procedure::Ordinary,
            d(2020, 1, 1),
            d(2020, 12, 1),
            90
        ));
    }

    #[test]
    fn publication_is_due_on_the_seventh_working_day() {
        let calendar = Calendar::official();
        // 2021-10-09 (Saturday) was a make-up working day after the National Day holiday.
        assert_eq!(
            publication_due(calendar, d(2021, 10, 8), 7).unwrap(),
            d(2021, 10, 18)
        );
        assert_eq!(
            publication_due(calendar, d(2020, 5, 20), 7).unwrap(),
            d(2020, 5, 29)
        );
    }

    #[test]
    fn dates_do_not_go_backwards() {
        assert!(check_dates(d(2020, 1, 2), Some(d(2020, 1, 1)), None, None).is_err());
        assert!(
            check_dates(
                d(2020, 1, 2),
                Some(d(2020, 1, 3)),
                None,
                Some(d(2020, 1, 2))
            )
            .is_err()
        );
        assert!(
            check_dates(
                d(2020, 1, 2),
                Some(d(2020, 1, 3)),
                Some(d(2020, 2, 1)),
                Some(d(2020, 1, 5))
            )
            .is_ok()
        );
        assert!(check_dates(d(2020, 1, 2), None, Some(d(2020, 1, 3)), None).is_err());
    }
}
