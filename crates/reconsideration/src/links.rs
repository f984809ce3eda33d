//! What other modules ask of 行政复议: the decisions that changed, set aside or found unlawful or
//! void an act a record of theirs names (行政执法 withdraws such a decision from its public list,
//! 2021 行政处罚法第四十八条).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::DecisionType;
use crate::{Reconsideration, Result};

/// The decision types that end an act's effect as published: 变更, 撤销, 部分撤销, 确认违法, 确认无效.
pub const CORRECTING: &[DecisionType] = &[
    DecisionType::Vary,
    DecisionType::SetAside,
    DecisionType::PartlySetAside,
    DecisionType::Unlawful,
    DecisionType::Void,
];

/// A concluded decision that corrected an act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorrectedAct {
    /// The reconsideration case's number (新复〔2026〕3号).
    pub number: String,
    pub decided_on: NaiveDate,
    pub decision: DecisionType,
    /// The act as the case describes it (its category and description).
    pub act: String,
}

impl Reconsideration {
    /// The concluded decisions correcting an act whose description names `reference` (e.g. a
    /// penalty decision's number), oldest first. A query for other modules: it reads no
    /// applicant's data and needs no account.
    pub async fn decisions_correcting(&self, reference: &str) -> Result<Vec<CorrectedAct>> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Ok(Vec::new());
        }
        self.correcting(Some(reference)).await
    }

    /// Every concluded decision correcting an act, oldest first (a district decides tens a year).
    pub async fn correcting_decisions(&self) -> Result<Vec<CorrectedAct>> {
        self.correcting(None).await
    }

    async fn correcting(&self, reference: Option<&str>) -> Result<Vec<CorrectedAct>> {
        let mut q = db::Params::new(
            "SELECT number, concluded_on, decision_type, act_category, act_description \
             FROM reconsideration_cases WHERE concluded_on IS NOT NULL AND decision_type IN (",
        );
        for (i, d) in CORRECTING.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(d.code());
        }
        q.push(")");
        if let Some(reference) = reference {
            q.push(" AND (act_description LIKE ")
                .bind(format!("%{reference}%"))
                .push(" OR act_category LIKE ")
                .bind(format!("%{reference}%"))
                .push(")");
        }
        q.push(" ORDER BY concluded_on, number");
        let rows = q.fetch_all(&mut self.platform.db().conn().await?).await?;
        rows.iter()
            .map(|r| {
                Ok(CorrectedAct {
                    number: r.try_get(0)?,
                    decided_on: kernel::time::parse_iso_date(&r.try_get::<String, _>(1)?)
                        .unwrap_or_default(),
                    decision: DecisionType::parse(&r.try_get::<String, _>(2)?)
                        .unwrap_or(DecisionType::SetAside),
                    act: format!(
                        "{} {}",
                        r.try_get::<String, _>(3)?,
                        r.try_get::<String, _>(4)?
                    ),
                })
            })
            .collect::<std::result::Result<Vec<_>, db::DbError>>()
            .map_err(Into::into)
    }
}
