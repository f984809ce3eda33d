//! 人民调解's rules as pure functions; each refusal or warning names its article.

use chrono::{Days, NaiveDate};

use crate::model::{AgreementForm, Outcome};

/// 人民调解法 第九条: a committee has three to nine members.
pub const MIN_MEMBERS: i64 = 3;
pub const MAX_MEMBERS: i64 = 9;
/// 第九条: a three-year term.
pub const TERM_YEARS: i32 = 3;
/// 第三十三条: judicial confirmation is applied for within 30 days of the agreement taking effect.
pub const CONFIRMATION_DAYS: u64 = 30;

/// Warnings (never refusals) about a committee's size and term on `today`.
pub fn committee_warnings(
    members: i64,
    term_started_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<String> {
    let mut out = Vec::new();
    if members > 0 && !(MIN_MEMBERS..=MAX_MEMBERS).contains(&members) {
        out.push(format!(
            "人民调解委员会由委员三至九人组成（人民调解法第九条），现有{members}人"
        ));
    }
    if let Some(start) = term_started_on
        && let Some(end) = start.checked_add_months(chrono::Months::new(12 * TERM_YEARS as u32))
        && end <= today
    {
        out.push(format!(
            "人民调解委员会委员每届任期三年（人民调解法第九条），本届自{start}起，已于{end}届满，应当换届"
        ));
    }
    out
}

/// Rule 结案: the outcome, its date and the agreement form fit together.
pub fn check_conclusion(
    received_on: NaiveDate,
    outcome: Outcome,
    concluded_on: Option<NaiveDate>,
    agreement: Option<AgreementForm>,
    judicial_confirmation: bool,
) -> Result<(), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    match (outcome, concluded_on) {
        (Outcome::Ongoing, Some(_)) => {
            errors.push(("结案日期", "调解中的纠纷不填结案日期".to_string()));
        }
        (Outcome::Success | Outcome::Failure | Outcome::Terminated, None) => {
            errors.push((
                "结案日期",
                format!("{}的纠纷须填写结案日期", outcome.label()),
            ));
        }
        (_, Some(c)) if c < received_on => {
            errors.push(("结案日期", format!("结案日期{c}早于受理日期{received_on}")));
        }
        _ => {}
    }
    match (outcome, agreement) {
        (Outcome::Success, None) => errors.push((
            "协议形式",
            "调解成功的须写明协议形式：书面或口头（人民调解法第二十八条）".to_string(),
        )),
        (Outcome::Failure | Outcome::Ongoing | Outcome::Terminated, Some(_)) => {
            errors.push(("协议形式", format!("{}的纠纷没有调解协议", outcome.label())))
        }
        _ => {}
    }
    if judicial_confirmation && outcome != Outcome::Success {
        errors.push((
            "是否司法确认",
            "只有达成调解协议的纠纷可以申请司法确认（人民调解法第三十三条）".to_string(),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The last day to apply jointly for judicial confirmation (人民调解法 第三十三条).
pub fn confirmation_due(agreement_on: NaiveDate) -> Option<NaiveDate> {
    agreement_on.checked_add_days(Days::new(CONFIRMATION_DAYS))
}

/// Whether a dispute received on `received_on` is overdue on `on` (open longer than `target`
/// days), or was concluded after the target.
pub fn overdue(
    received_on: NaiveDate,
    concluded_on: Option<NaiveDate>,
    on: NaiveDate,
    target_days: i64,
) -> bool {
    let end = concluded_on.filter(|c| *c <= on).unwrap_or(on);
    (end - received_on).num_days() > target_days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_committee_is_warned_not_refused() {
        assert!(committee_warnings(5, Some(d("2019-01-01")), d("2020-06-01")).is_empty());
        let w = committee_warnings(11, Some(d("2016-01-01")), d("2020-06-01"));
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("三至九人") && w[1].contains("2019-01-01"));
    }

    #[test]
    fn a_success_needs_its_agreement_and_a_date_after_intake() {
        let r = d("2020-04-01");
        assert!(
            check_conclusion(
                r,
                Outcome::Success,
                Some(d("2020-04-03")),
                Some(AgreementForm::Written),
                true
            )
            .is_ok()
        );
        let e =
            check_conclusion(r, Outcome::Success, Some(d("2020-04-03")), None, false).unwrap_err();
        assert!(e[0].1.contains("第二十八条"));
        let e =
            check_conclusion(r, Outcome::Failure, Some(d("2020-03-03")), None, false).unwrap_err();
        assert!(e[0].1.contains("早于受理日期"));
        let e =
            check_conclusion(r, Outcome::Failure, Some(d("2020-04-03")), None, true).unwrap_err();
        assert!(e[0].1.contains("第三十三条"));
        assert!(check_conclusion(r, Outcome::Ongoing, None, None, false).is_ok());
    }

    #[test]
    fn overdue_after_the_target() {
        assert!(!overdue(d("2020-12-20"), None, d("2020-12-31"), 30));
        assert!(overdue(d("2020-11-01"), None, d("2020-12-31"), 30));
        assert!(overdue(
            d("2020-01-01"),
            Some(d("2020-03-01")),
            d("2020-12-31"),
            30
        ));
        assert_eq!(confirmation_due(d("2020-04-03")), Some(d("2020-05-03")));
    }
}
