//! The power list's rules, as named pure functions. A refusal names its rule.
//!
//! Basis: 权力清单 and its dynamic adjustment (中办发〔2015〕21号: powers, their basis and
//! exercising bodies listed and kept current as laws change); 赋权 to towns in batches approved
//! by the level above; the district's own review procedure (a department proposes, the
//! legal-affairs office reviews, approval by a second person).

use chrono::NaiveDate;

use crate::model::{AdjustmentKind, AdjustmentState, DelegationState};

/// The next state of an adjustment after a review (`accept` or not).
pub fn review(state: AdjustmentState, accept: bool) -> Result<AdjustmentState, String> {
    match state {
        AdjustmentState::Proposed if accept => Ok(AdjustmentState::Reviewed),
        AdjustmentState::Proposed => Ok(AdjustmentState::Rejected),
        other => Err(format!(
            "调整申请{}，不能再审核（调整审核规则：先审核、后批准）",
            other.label()
        )),
    }
}

/// The next state of an adjustment after the decision. The approver is not the reviewer.
pub fn decide(
    state: AdjustmentState,
    accept: bool,
    reviewer: Option<&str>,
    approver: &str,
) -> Result<AdjustmentState, String> {
    if state != AdjustmentState::Reviewed {
        return Err(format!(
            "调整申请{}，不能批准（调整审核规则：须先经法制机构审核）",
            state.label()
        ));
    }
    if reviewer == Some(approver) {
        return Err("审核人与批准人不能是同一人（调整审核规则：两人分别审核、批准）".into());
    }
    Ok(if accept {
        AdjustmentState::Approved
    } else {
        AdjustmentState::Rejected
    })
}

/// Whether an adjustment of `kind` fits the item's state on its date: 新增 needs no item in
/// force, the others need one.
pub fn fits(kind: AdjustmentKind, active_on_date: bool) -> Result<(), String> {
    match (kind, active_on_date) {
        (AdjustmentKind::Add, true) => {
            Err("该事项在调整日期已在清单中，不能新增（动态调整规则）".into())
        }
        (AdjustmentKind::Add, false) => Ok(()),
        (_, true) => Ok(()),
        (k, false) => Err(format!(
            "该事项在调整日期不在清单中，不能{}（动态调整规则）",
            k.label()
        )),
    }
}

/// The next state of a delegation: 拟下放待核准 → 已核准 → 已下放; any but 已撤回 may be withdrawn;
/// a state's date never precedes the one before.
pub fn delegation_step(
    from: DelegationState,
    from_on: NaiveDate,
    to: DelegationState,
    on: NaiveDate,
) -> Result<(), String> {
    use DelegationState::*;
    let allowed = matches!(
        (from, to),
        (Proposed, Approved | Delegated | Withdrawn)
            | (Approved, Delegated | Withdrawn)
            | (Delegated, Withdrawn)
    );
    if !allowed {
        return Err(format!(
            "赋权事项不能从“{}”改为“{}”（赋权规则：拟下放待核准→已核准→已下放）",
            from.label(),
            to.label()
        ));
    }
    if on < from_on {
        return Err(format!("{on}早于上一状态的日期{from_on}（赋权规则）"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn adjustments_are_reviewed_then_approved_by_someone_else() {
        assert_eq!(
            review(AdjustmentState::Proposed, true),
            Ok(AdjustmentState::Reviewed)
        );
        assert_eq!(
            review(AdjustmentState::Proposed, false),
            Ok(AdjustmentState::Rejected)
        );
        assert!(review(AdjustmentState::Approved, true).is_err());
        assert!(
            decide(AdjustmentState::Proposed, true, None, "b").is_err(),
            "not reviewed yet"
        );
        assert!(
            decide(AdjustmentState::Reviewed, true, Some("a"), "a")
                .unwrap_err()
                .contains("同一人")
        );
        assert_eq!(
            decide(AdjustmentState::Reviewed, true, Some("a"), "b"),
            Ok(AdjustmentState::Approved)
        );
    }

    #[test]
    fn adjustments_fit_the_item() {
        assert!(fits(AdjustmentKind::Add, false).is_ok());
        assert!(fits(AdjustmentKind::Add, true).is_err());
        assert!(fits(AdjustmentKind::Cancel, false).is_err());
        assert!(fits(AdjustmentKind::Change, true).is_ok());
    }

    #[test]
    fn delegations_move_forward() {
        use DelegationState::*;
        assert!(delegation_step(Proposed, d("2020-01-01"), Approved, d("2020-02-01")).is_ok());
        assert!(delegation_step(Approved, d("2020-02-01"), Delegated, d("2020-03-01")).is_ok());
        assert!(delegation_step(Delegated, d("2020-03-01"), Proposed, d("2020-04-01")).is_err());
        assert!(delegation_step(Withdrawn, d("2020-03-01"), Delegated, d("2020-04-01")).is_err());
        assert!(
            delegation_step(Proposed, d("2020-03-01"), Approved, d("2020-02-01")).is_err(),
            "backwards in time"
        );
    }
}
