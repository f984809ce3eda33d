//! What the pages and the API read: the bodies with their officers and the 5% of legal-review
//! officers, the officers with their certificates' expiry, the cases and inspections a page at a
//! time, and the public 行政执法公示 (事前: bodies, officers, powers; 事后: decisions).

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use db::{Page, PageRequest, Params};
use kernel::Permission;
use platform::Actor;
use serde::Serialize;

use crate::model::{Body, Case, Decision, Inspection, Officer, PartyKind, Procedure};
use crate::{
    EXPIRY_WARNING_MONTHS, Enforcement, Error, PUBLICATION_WORKDAYS, Result, rules, store,
};

/// 国办发〔2018〕118号 (十一): legal-review officers in principle at least 5% of the officers.
pub const REVIEWER_SHARE: f64 = 5.0;

/// A body as its page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct BodyView {
    pub body: Body,
    /// For a 受委托组织: the entrusting organisation's name.
    pub entrusted_by_name: Option<String>,
    /// Officers with a certificate usable today.
    pub officers: usize,
    pub legal_reviewers: usize,
    /// Legal-review officers ÷ officers, in percent.
    pub reviewer_ratio: f64,
    pub warnings: Vec<String>,
}

/// How a certificate stands today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Standing {
    Usable,
    /// Usable, ending within the warning months.
    Expiring,
    Expired,
    Suspended,
    Cancelled,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Usable => "有效",
            Standing::Expiring => "即将到期",
            Standing::Expired => "已过期",
            Standing::Suspended => "暂扣",
            Standing::Cancelled => "注销",
        }
    }
}

/// An officer as the roster shows it.
#[derive(Clone, Debug, Serialize)]
pub struct OfficerView {
    pub officer: Officer,
    pub body_name: String,
    pub standing: Standing,
    /// Training this year, in tenths of an hour.
    pub training_tenths: i64,
    /// Whether this year's training is below the yearly minimum (setting).
    pub training_short: bool,
}

impl OfficerView {
    /// This year's training hours as written.
    pub fn training_hours(&self) -> String {
        crate::model::hours_text(self.training_tenths)
    }
}

/// What the case list can be narrowed by.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    /// A body's organisation.
    pub org: Option<String>,
    pub year: Option<i32>,
    pub procedure: Option<Procedure>,
    pub decision: Option<Decision>,
    /// Decisions not yet published (普通程序, 给予行政处罚).
    pub unpublished: bool,
    pub text: Option<String>,
}

/// A case as a list row and a page show it, with its clocks.
#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    pub case: Case,
    pub body_name: String,
    /// The last day to decide (2021-law ordinary cases: 立案 + 90 days).
    pub decision_due: Option<NaiveDate>,
    /// The last day to publish the decision (its 7th working day).
    pub publication_due: Option<NaiveDate>,
    /// The clocks explained, in Chinese.
    pub clocks: Vec<String>,
}

/// A decision on the public 行政执法公示, the party masked when a natural person.
#[derive(Clone, Debug, Serialize)]
pub struct PublicDecision {
    pub number: String,
    pub body_name: String,
    pub party: String,
    pub decided_on: NaiveDate,
    pub penalties: String,
    pub amount: String,
    pub published_on: NaiveDate,
}

/// A body on the public list (事前公开), with its officers.
#[derive(Clone, Debug, Serialize)]
pub struct PublicBody {
    pub name: String,
    pub kind: String,
    pub entrusted_by: String,
    pub officers: Vec<(String, String)>,
}

fn standing(o: &Officer, today: NaiveDate, warn_months: u32) -> Standing {
    use crate::model::CertificateState::*;
    match o.state {
        Suspended => Standing::Suspended,
        Cancelled => Standing::Cancelled,
        Valid if today > o.valid_until => Standing::Expired,
        Valid => match today.checked_add_months(Months::new(warn_months)) {
            Some(limit) if o.valid_until <= limit => Standing::Expiring,
            _ => Standing::Usable,
        },
    }
}

impl Enforcement {
    /// Whether the actor may read enforcement records at all.
    async fn require_read(&self, actor: &Actor, what: &str) -> Result<()> {
        Ok(self
            .platform
            .require(actor, Permission::ReadRecords, "enforcement", what)
            .await?)
    }

    /// Every organisation's name, by id.
    async fn org_names(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .platform
            .directory()
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.name))
            .collect())
    }

    /// The organisations the actor reaches, by id → (name, path).
    async fn reach(&self, actor: &Actor) -> Result<HashMap<String, (String, String)>> {
        Ok(self
            .platform
            .orgs_in_scope(actor)
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), (o.name, o.path)))
            .collect())
    }

    /// The bodies the actor reaches, with their officers and warnings.
    pub async fn bodies(&self, actor: &Actor) -> Result<Vec<BodyView>> {
        self.require_read(actor, "bodies").await?;
        let reach = self.reach(actor).await?;
        let today = kernel::time::china_today();
        let names = self.org_names().await?;
        let mut conn = self.platform.db().conn().await?;
        let officers = store::officers(&mut conn).await?;
        let mut out = Vec::new();
        for body in store::bodies(&mut conn).await? {
            if !reach.contains_key(body.org_id.as_str()) {
                continue;
            }
            let usable: Vec<&Officer> = officers
                .iter()
                .filter(|o| o.body_id == body.id && rules::certificate_usable(o, today).is_ok())
                .collect();
            let reviewers = usable.iter().filter(|o| o.legal_reviewer).count();
            let ratio = kernel::figures::percent(reviewers as u64, usable.len() as u64);
            let mut warnings = Vec::new();
            if !usable.is_empty() && ratio < REVIEWER_SHARE {
                warnings.push(format!(
                    "法制审核人员占执法人员的{ratio:.2}%，低于国办发〔2018〕118号要求的5%"
                ));
            }
            if usable.len() < 2 && body.in_force_on(today) {
                warnings.push("持有效执法证的人员少于2人，不能办理普通程序案件".into());
            }
            out.push(BodyView {
                entrusted_by_name: body
                    .entrusted_by
                    .as_ref()
                    .and_then(|o| names.get(o.as_str()).cloned()),
                officers: usable.len(),
                legal_reviewers: reviewers,
                reviewer_ratio: ratio,
                warnings,
                body,
            });
        }
        Ok(out)
    }

    /// The officers the actor reaches; `expiring`: only certificates ending within the warning
    /// months or already ended while still marked 有效.
    pub async fn officers(&self, actor: &Actor, expiring: bool) -> Result<Vec<OfficerView>> {
        self.require_read(actor, "officers").await?;
        let reach = self.reach(actor).await?;
        let months = self.setting_number(&EXPIRY_WARNING_MONTHS).await? as u32;
        let today = kernel::time::china_today();
        let minimum = self.setting_number(&crate::TRAINING_HOURS).await? * 10;
        let mut conn = self.platform.db().conn().await?;
        let trained = store::training_tenths(&mut conn, chrono::Datelike::year(&today)).await?;
        let mut out: Vec<OfficerView> = store::officers(&mut conn)
            .await?
            .into_iter()
            .filter_map(|o| {
                let (name, _) = reach.get(o.org_id.as_str())?;
                let standing = standing(&o, today, months);
                if expiring && !matches!(standing, Standing::Expiring | Standing::Expired) {
                    return None;
                }
                let training_tenths = trained.get(o.id.as_str()).copied().unwrap_or(0);
                Some(OfficerView {
                    body_name: name.clone(),
                    standing,
                    training_short: training_tenths < minimum,
                    training_tenths,
                    officer: o,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            kernel::collate::zh_cmp(&a.body_name, &b.body_name)
                .then_with(|| kernel::collate::zh_cmp(&a.officer.name, &b.officer.name))
        });
        Ok(out)
    }

    /// How many certificates of the actor's bodies end within the warning months (for the
    /// dashboard of the body's officers).
    pub async fn expiring_certificates(&self, actor: &Actor) -> Result<usize> {
        Ok(self.officers(actor, true).await?.len())
    }

    fn clocks(
        &self,
        c: &Case,
        calendar: &kernel::Calendar,
        workdays: u32,
        days: i64,
    ) -> (Option<NaiveDate>, Option<NaiveDate>, Vec<String>) {
        let mut clocks = vec![format!("立案日期{}，适用{}", c.opened_on, c.regime.label())];
        let decision_due = (c.regime == crate::Regime::Law2021
            && c.procedure == Procedure::Ordinary)
            .then(|| c.opened_on + chrono::Days::new(days as u64));
        if let Some(due) = decision_due {
            clocks.push(match c.decided_on {
                Some(d) if d > due => format!(
                    "应于{due}前作出决定（立案之日起{days}日，第六十条），{d}才作出决定，已超期"
                ),
                Some(d) => {
                    format!("应于{due}前作出决定（立案之日起{days}日，第六十条），已于{d}作出决定")
                }
                None => format!("应于{due}前作出决定（立案之日起{days}日，第六十条）"),
            });
        }
        let publication_due = match (c.decision, c.decided_on) {
            (Some(Decision::Penalty), Some(d)) if c.procedure == Procedure::Ordinary => {
                rules::publication_due(calendar, d, workdays).ok()
            }
            _ => None,
        };
        if let Some(due) = publication_due {
            clocks.push(match c.published_on {
                Some(p) if p > due => format!("应于{due}前公示（决定之日起{workdays}个工作日，国办发〔2018〕118号），{p}才公示"),
                Some(p) => format!("应于{due}前公示（决定之日起{workdays}个工作日），已于{p}公示"),
                None => format!("应于{due}前公示（决定之日起{workdays}个工作日，国办发〔2018〕118号），尚未公示"),
            });
        }
        (decision_due, publication_due, clocks)
    }

    /// One page of the cases the actor reaches, newest first.
    pub async fn cases(
        &self,
        actor: &Actor,
        f: &CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseView>> {
        self.require_read(actor, "cases").await?;
        let mut q = Params::new(" WHERE 1 = 1");
        if let Some(scope) = actor.scope.orgs() {
            q.push(" AND ").push_in_scope("c.org_id", &scope);
        }
        if let Some(org) = &f.org {
            q.push(" AND c.org_id = ").bind(org.as_str());
        }
        if let Some(y) = f.year {
            q.push(" AND c.opened_on >= ")
                .bind(format!("{y:04}-01-01"))
                .push(" AND c.opened_on <= ")
                .bind(format!("{y:04}-12-31"));
        }
        if let Some(p) = f.procedure {
            q.push(" AND c.procedure = ").bind(p.code());
        }
        if let Some(d) = f.decision {
            q.push(" AND c.decision = ").bind(d.code());
        }
        if f.unpublished {
            q.push(" AND c.decision = 'penalty' AND c.procedure = 'ordinary' AND c.published_on IS NULL");
        }
        if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let like = format!("%{t}%");
            q.push(" AND (c.number LIKE ")
                .bind(like.clone())
                .push(" OR c.party LIKE ")
                .bind(like)
                .push(")");
        }
        let (cases, total) = store::case_page(
            &mut self.platform.db().conn().await?,
            &q,
            page.limit(),
            page.offset(),
        )
        .await?;
        let views = self.views(cases).await?;
        Ok(Page::new(views, page, total))
    }

    async fn views(&self, cases: Vec<Case>) -> Result<Vec<CaseView>> {
        let calendar = self.platform.calendar().await?;
        let workdays = self.setting_number(&PUBLICATION_WORKDAYS).await?.max(1) as u32;
        let days = self.setting_number(&crate::DECISION_DAYS).await?;
        let names = self.org_names().await?;
        Ok(cases
            .into_iter()
            .map(|c| {
                let (decision_due, publication_due, clocks) =
                    self.clocks(&c, &calendar, workdays, days);
                CaseView {
                    body_name: names.get(c.org_id.as_str()).cloned().unwrap_or_default(),
                    decision_due,
                    publication_due,
                    clocks,
                    case: c,
                }
            })
            .collect())
    }

    /// One case, within the actor's scope.
    pub async fn case(&self, actor: &Actor, id: &str) -> Result<CaseView> {
        self.require_read(actor, "case").await?;
        let mut conn = self.platform.db().conn().await?;
        let c = store::case_by_id(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该案件".into()))?;
        drop(conn);
        let org = self.platform.org(&c.org_id).await?;
        self.platform
            .require_scope(actor, &org, "enforcement_case", id)
            .await?;
        Ok(self.views(vec![c]).await?.remove(0))
    }

    /// The inspections the actor reaches, a page at a time, newest first.
    pub async fn inspections(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Page<(Inspection, String)>> {
        self.require_read(actor, "inspections").await?;
        let mut q = Params::new(" WHERE 1 = 1");
        if let Some(scope) = actor.scope.orgs() {
            q.push(" AND ").push_in_scope("org_id", &scope);
        }
        let (items, total) = store::inspection_page(
            &mut self.platform.db().conn().await?,
            &q,
            page.limit(),
            page.offset(),
        )
        .await?;
        let reach = self.reach(actor).await?;
        let items = items
            .into_iter()
            .map(|i| {
                let name = reach
                    .get(i.org_id.as_str())
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                (i, name)
            })
            .collect();
        Ok(Page::new(items, page, total))
    }

    /// 事前公开: the bodies in force today with their officers' names and certificate numbers
    /// (国办发〔2018〕118号 (四)). Public: no account needed.
    pub async fn public_bodies(&self) -> Result<Vec<PublicBody>> {
        let today = kernel::time::china_today();
        let names = self.org_names().await?;
        let mut conn = self.platform.db().conn().await?;
        let officers = store::officers(&mut conn).await?;
        Ok(store::bodies(&mut conn)
            .await?
            .into_iter()
            .filter(|b| b.in_force_on(today))
            .map(|b| PublicBody {
                officers: officers
                    .iter()
                    .filter(|o| o.body_id == b.id && rules::certificate_usable(o, today).is_ok())
                    .map(|o| (o.name.clone(), o.certificate.clone()))
                    .collect(),
                entrusted_by: b
                    .entrusted_by
                    .as_ref()
                    .and_then(|o| names.get(o.as_str()).cloned())
                    .unwrap_or_default(),
                kind: b.kind.label().into(),
                name: b.org_name,
            })
            .collect())
    }

    /// 事后公开: the published penalty decisions of a year, newest first; a natural person's
    /// name masked (张某某 → 张**).
    pub async fn public_decisions(&self, year: i32) -> Result<Vec<PublicDecision>> {
        let mut conn = self.platform.db().conn().await?;
        let cases = store::published_cases(&mut conn, year).await?;
        drop(conn);
        let names = self.org_names().await?;
        Ok(cases
            .into_iter()
            .filter_map(|c| {
                Some(PublicDecision {
                    party: match c.party_kind {
                        PartyKind::Individual => kernel::crypto::mask_name(&c.party),
                        PartyKind::Organisation => c.party.clone(),
                    },
                    body_name: names.get(c.org_id.as_str()).cloned().unwrap_or_default(),
                    decided_on: c.decided_on?,
                    penalties: c
                        .penalties
                        .iter()
                        .map(|p| p.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                    amount: c.amount.map(|a| a.to_string()).unwrap_or_default(),
                    published_on: c.published_on?,
                    number: c.number,
                })
            })
            .collect())
    }
}
