//! The year's figures (`fazhi stats reconsideration --year Y --json`), each with its definition.
//! What counts as 直接纠错 and 综合纠错, and the rates' denominator, are settings for provinces that
//! count otherwise; the defaults are those of the issue and of domain-rules §1.6 (which reconcile
//! the 新北区 2020 report: 4 ÷ 26 = 15.38%, (4 + 7) ÷ 26 = 42.31%).

use std::collections::BTreeMap;

use kernel::figures::{RecordRef, Tally, percent};
use platform::Org;
use serde::Serialize;

use crate::model::{DecisionType, Method, WithdrawalReason};
use crate::{
    COMPREHENSIVE_PARTS, DIRECT_TYPES, Error, RATE_BASE, Reconsideration, Result, store_stats,
};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReconsiderationStats {
    pub year: i32,
    pub received: u64,
    pub accepted: u64,
    pub not_accepted: u64,
    pub concluded: u64,
    pub pending: u64,
    pub by_decision_type: BTreeMap<String, u64>,
    pub by_method: BTreeMap<String, u64>,
    pub direct_corrections: u64,
    pub direct_correction_rate: f64,
    pub opinion_letters: u64,
    pub recommendation_letters: u64,
    pub withdrawn: u64,
    pub withdrawn_after_mediation: u64,
    pub mediated: u64,
    pub terminated: u64,
    pub comprehensive_corrections: u64,
    pub comprehensive_correction_rate: f64,
    pub field_investigations: u64,
    pub field_investigation_rate: f64,
    pub overdue: u64,
    /// Accepted cases still open on the reference day (the year's last day, or today during
    /// the year) whose decision deadline has passed.
    pub open_overdue: u64,
    /// The denominator of the rates (concluded cases, or those concluded by a decision).
    pub rate_base: u64,
}

/// Every figure's name as officers say it (a `by_…` map's name is followed by its word).
pub const NAMES: &[(&str, &str)] = &[
    ("received", "收到申请数"),
    ("accepted", "受理数"),
    ("not_accepted", "不予受理数"),
    ("concluded", "审结数"),
    ("pending", "未结数"),
    ("by_decision_type", "审结数（按决定类型）"),
    ("by_method", "审结数（按结案方式）"),
    ("direct_corrections", "直接纠错数"),
    ("direct_correction_rate", "直接纠错率"),
    ("opinion_letters", "行政复议意见书数"),
    ("recommendation_letters", "行政复议建议书数"),
    ("withdrawn", "撤回申请数"),
    ("withdrawn_after_mediation", "和解或纠正后撤回数"),
    ("mediated", "调解结案数"),
    ("terminated", "终止数"),
    ("comprehensive_corrections", "综合纠错数"),
    ("comprehensive_correction_rate", "综合纠错率"),
    ("field_investigations", "实地调查数"),
    ("field_investigation_rate", "实地调查率"),
    ("overdue", "超过审理期限结案数"),
    ("open_overdue", "逾期未结数"),
    ("rate_base", "比率的分母"),
];

/// A figure's key and its definition as the settings make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub key: &'static str,
    pub text: String,
}

/// The parts 综合纠错 may add up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Direct,
    Mediated,
    AfterMediation,
    AfterCorrection,
    Opinion,
}

const PARTS: &[(Part, &str)] = &[
    (Part::Direct, "直接纠错"),
    (Part::Mediated, "调解"),
    (Part::AfterMediation, "调解和解后撤回"),
    (Part::AfterCorrection, "被申请人纠正后撤回"),
    (Part::Opinion, "意见书"),
];

/// How the figures are counted, read from the settings.
#[derive(Clone, Debug)]
struct Counting {
    direct: Vec<DecisionType>,
    parts: Vec<Part>,
    /// Rates over cases concluded by a decision only.
    decided_base: bool,
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(['、', ',', '，', ' ', ';', '；'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

impl Counting {
    fn read(settings: &kernel::settings::Settings) -> Result<Counting> {
        let direct = words(&settings.value(&DIRECT_TYPES))
            .map(|w| {
                DecisionType::parse(w).ok_or_else(|| {
                    Error::Invalid(format!("设置“{}”中的“{w}”不是决定类型", DIRECT_TYPES.label))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let parts = words(&settings.value(&COMPREHENSIVE_PARTS))
            .map(|w| {
                PARTS.iter().find(|(_, l)| *l == w).map(|(p, _)| *p).ok_or_else(|| {
                    Error::Invalid(format!(
                        "设置“{}”中的“{w}”不是可选项（直接纠错、调解、调解和解后撤回、被申请人纠正后撤回、意见书）",
                        COMPREHENSIVE_PARTS.label
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let base = settings.value(&RATE_BASE);
        let decided_base = match base.trim() {
            "" | "结案数" => false,
            "决定结案数" => true,
            other => {
                return Err(Error::Invalid(format!(
                    "设置“{}”应为“结案数”或“决定结案数”，而不是“{other}”",
                    RATE_BASE.label
                )));
            }
        };
        Ok(Counting {
            direct,
            parts,
            decided_base,
        })
    }

    fn definitions(&self) -> Vec<Definition> {
        let direct: Vec<&str> = self.direct.iter().map(|d| d.label()).collect();
        let parts: Vec<&str> = self
            .parts
            .iter()
            .filter_map(|p| PARTS.iter().find(|(q, _)| q == p).map(|(_, l)| *l))
            .collect();
        let base = if self.decided_base {
            "以决定结案的案件数"
        } else {
            "结案数"
        };
        let d = |key, text: &str| Definition {
            key,
            text: text.to_string(),
        };
        vec![
            d("received", "收到申请日期在当年的行政复议申请数"),
            d("accepted", "当年收到的申请中予以受理（含视为受理）的件数"),
            d("not_accepted", "当年收到的申请中决定不予受理的件数"),
            d("concluded", "已受理、结案日期在当年的案件数（审结数）"),
            d("pending", "年末已受理而尚未结案的案件数"),
            d("by_decision_type", "当年审结的案件，按决定类型计数"),
            d(
                "by_method",
                "当年审结的案件，按结案方式（决定、调解、撤回、终止）计数",
            ),
            Definition {
                key: "direct_corrections",
                text: format!("当年审结、决定类型为{}的案件数", direct.join("、")),
            },
            Definition {
                key: "direct_correction_rate",
                text: format!("直接纠错数 ÷ {base} × 100%，四舍五入保留两位小数"),
            },
            d(
                "opinion_letters",
                "当年审结的案件中制发行政复议意见书的件数",
            ),
            d(
                "recommendation_letters",
                "当年审结的案件中制发行政复议建议书的件数（仅2017年行政复议法下有建议书）",
            ),
            d("withdrawn", "当年以申请人撤回申请结案的案件数"),
            d(
                "withdrawn_after_mediation",
                "当年撤回结案、撤回原因为“调解和解后撤回”或“被申请人纠正后撤回”的案件数",
            ),
            d("mediated", "当年以调解书结案的案件数"),
            d("terminated", "当年以终止结案的案件数"),
            Definition {
                key: "comprehensive_corrections",
                text: format!("{}之和", parts.join(" + ")),
            },
            Definition {
                key: "comprehensive_correction_rate",
                text: format!("综合纠错数 ÷ {base} × 100%，四舍五入保留两位小数"),
            },
            d(
                "field_investigations",
                "当年审结的案件中进行了实地调查的件数",
            ),
            Definition {
                key: "field_investigation_rate",
                text: format!("实地调查件数 ÷ {base} × 100%，四舍五入保留两位小数"),
            },
            Definition {
                key: "rate_base",
                text: format!("各项比率的分母：当年{base}"),
            },
            d(
                "overdue",
                "当年审结、结案日期晚于审理期限（含中止不计入的期间与经批准的延长）的案件数",
            ),
            d(
                "open_overdue",
                "年末（当年为今天）已受理、尚未结案且已过审理期限的案件数；正在中止审理的案件不计",
            ),
        ]
    }
}

/// The day a year's open cases are counted on: its last day, or today while it runs.
pub fn reference_day(year: i32, today: chrono::NaiveDate) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, 12, 31)
        .map(|end| end.min(today))
        .unwrap_or(today)
}

impl Reconsideration {
    /// The definitions of the figures under the current settings, for the UI and the report.
    pub async fn definitions(&self) -> Result<Vec<Definition>> {
        let settings = db::settings::load(self.platform.db()).await?;
        Ok(Counting::read(&settings)?.definitions())
    }

    /// The figures of `year`, for the whole database or for the cases handled by or brought
    /// against `org` and everything below it.
    /// Applications received in each month of `year` (for the charts), for the whole database or
    /// for the cases handled by or brought against `org` and below.
    pub async fn monthly(&self, year: i32, org: Option<&Org>) -> Result<[u64; 12]> {
        let orgs = org.map(|o| db::OrgScope::under(&o.path));
        let mut conn = self.platform.db().conn().await?;
        Ok(store_stats::monthly(&mut conn, year, orgs.as_ref()).await?)
    }

    pub async fn stats(&self, year: i32, org: Option<&Org>) -> Result<ReconsiderationStats> {
        self.tally(year, org, &mut Tally::counting()).await
    }

    /// The cases behind the figure `key` of `year` (`direct_corrections`,
    /// `by_decision_type.撤销`; a rate lists its numerator), by date: the figure's own counting,
    /// one row per case.
    pub async fn records_behind(
        &self,
        year: i32,
        org: Option<&Org>,
        key: &str,
    ) -> Result<Vec<RecordRef>> {
        let key = match key {
            "direct_correction_rate" => "direct_corrections",
            "comprehensive_correction_rate" => "comprehensive_corrections",
            "field_investigation_rate" => "field_investigations",
            "rate_base" => {
                if self.counting().await?.decided_base {
                    "by_method.决定"
                } else {
                    "concluded"
                }
            }
            other => other,
        };
        let mut tally = Tally::collecting(key);
        self.tally(year, org, &mut tally).await?;
        Ok(tally.into_records())
    }

    async fn counting(&self) -> Result<Counting> {
        let settings = db::settings::load(self.platform.db()).await?;
        Counting::read(&settings)
    }

    async fn tally(
        &self,
        year: i32,
        org: Option<&Org>,
        tally: &mut Tally,
    ) -> Result<ReconsiderationStats> {
        if !(1900..=9999).contains(&year) {
            return Err(Error::Invalid(format!("年份{year}无效")));
        }
        let counting = self.counting().await?;
        let orgs = org.map(|o| db::OrgScope::under(&o.path));
        let mut conn = self.platform.db().conn().await?;
        let reference = reference_day(year, kernel::time::china_today());
        let counts = store_stats::counts(
            &mut conn,
            year,
            reference,
            orgs.as_ref(),
            tally.is_collecting(),
        )
        .await?;
        let mut s = ReconsiderationStats {
            year,
            pending: counts.pending as u64,
            open_overdue: counts.open_overdue as u64,
            ..Default::default()
        };
        for r in &counts.pending_records {
            tally.note("pending", Some(r));
        }
        for r in &counts.open_overdue_records {
            tally.note("open_overdue", Some(r));
        }
        for g in &counts.received {
            let (n, r) = (g.n as u64, g.record.as_ref());
            s.received += n;
            tally.note("received", r);
            match g.acceptance.as_deref() {
                Some("accepted") => {
                    s.accepted += n;
                    tally.note("accepted", r);
                }
                Some("not_accepted") => {
                    s.not_accepted += n;
                    tally.note("not_accepted", r);
                }
                _ => {}
            }
        }
        let mut decided = 0;
        for g in &counts.concluded {
            let (n, r) = (g.n as u64, g.record.as_ref());
            s.concluded += n;
            tally.note("concluded", r);
            let method = g.method.as_deref().and_then(Method::parse);
            let decision = g.decision_type.as_deref().and_then(DecisionType::parse);
            let reason = g
                .withdrawal_reason
                .as_deref()
                .and_then(WithdrawalReason::parse);
            if let Some(m) = method {
                *s.by_method.entry(m.label().into()).or_default() += n;
                tally.note_in("by_method", m.label(), r);
            }
            let direct = decision.is_some_and(|d| counting.direct.contains(&d));
            if let Some(d) = decision {
                *s.by_decision_type.entry(d.label().into()).or_default() += n;
                tally.note_in("by_decision_type", d.label(), r);
            }
            if method == Some(Method::Decision) {
                decided += n;
            }
            let mut count = |flag: bool, figure: &mut u64, key: &str| {
                if flag {
                    *figure += n;
                    tally.note(key, r);
                }
            };
            count(direct, &mut s.direct_corrections, "direct_corrections");
            count(g.opinion, &mut s.opinion_letters, "opinion_letters");
            count(
                g.recommendation,
                &mut s.recommendation_letters,
                "recommendation_letters",
            );
            count(g.field, &mut s.field_investigations, "field_investigations");
            count(g.overdue, &mut s.overdue, "overdue");
            count(
                method == Some(Method::Withdrawal),
                &mut s.withdrawn,
                "withdrawn",
            );
            count(
                method == Some(Method::Mediation),
                &mut s.mediated,
                "mediated",
            );
            count(
                method == Some(Method::Termination),
                &mut s.terminated,
                "terminated",
            );
            let after_mediation = reason == Some(WithdrawalReason::AfterMediation);
            let after_correction = reason == Some(WithdrawalReason::AfterCorrection);
            count(
                method == Some(Method::Withdrawal) && (after_mediation || after_correction),
                &mut s.withdrawn_after_mediation,
                "withdrawn_after_mediation",
            );
            // Each case counts once towards 综合纠错, whichever of its parts applies.
            let counts_comprehensive = counting.parts.iter().any(|p| match p {
                Part::Direct => direct,
                Part::Mediated => method == Some(Method::Mediation),
                Part::AfterMediation => method == Some(Method::Withdrawal) && after_mediation,
                Part::AfterCorrection => method == Some(Method::Withdrawal) && after_correction,
                Part::Opinion => g.opinion,
            });
            count(
                counts_comprehensive,
                &mut s.comprehensive_corrections,
                "comprehensive_corrections",
            );
        }
        s.rate_base = if counting.decided_base {
            decided
        } else {
            s.concluded
        };
        s.direct_correction_rate = percent(s.direct_corrections, s.rate_base);
        s.comprehensive_correction_rate = percent(s.comprehensive_corrections, s.rate_base);
        s.field_investigation_rate = percent(s.field_investigations, s.rate_base);
        Ok(s)
    }
}
