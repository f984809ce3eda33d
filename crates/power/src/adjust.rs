//! 动态调整: a department proposes (新增 / 取消 / 变更 / 下放), the legal-affairs office reviews,
//! a second person approves, and the change takes effect on its date.

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::{Permission, Role};
use laws::CitingRecord;
use platform::{Actor, Scope};

use crate::apply::{self, Timeline};
use crate::model::{Adjustment, AdjustmentId, AdjustmentKind, AdjustmentState, ItemFields, ItemId};
use crate::{Error, Power, REVIEW_OFFICE, Result, rules, store};

/// What a department proposes.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub item_code: String,
    pub kind: AdjustmentKind,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub basis: String,
    /// The item's fields after a 新增 or 变更 (None keeps them as they are).
    pub fields: Option<ItemFields>,
}

impl Power {
    async fn timeline(&self, code: &str) -> Result<Option<Timeline>> {
        let mut conn = self.platform.db().conn().await?;
        let Some(id) = store::item_id_by_code(&mut conn, code).await? else {
            return Ok(None);
        };
        let versions = store::versions(&mut conn, &id).await?;
        Ok(Some(Timeline {
            item_id: id,
            code: code.to_string(),
            versions,
        }))
    }

    /// A department proposes an adjustment of one of its items (or a new item).
    pub async fn propose(&self, actor: &Actor, p: Proposal) -> Result<Adjustment> {
        self.platform
            .require(actor, Permission::WriteRecords, "power_adjustment", "new")
            .await?;
        let code = p.item_code.trim().to_string();
        if code.is_empty() || p.reason.trim().is_empty() || p.basis.trim().is_empty() {
            return Err(Error::Invalid(
                "事项编码、调整原因和调整依据都不能为空".into(),
            ));
        }
        let timeline = self.timeline(&code).await?;
        let org_id = match (&timeline, &p.fields) {
            (Some(t), _) => t
                .versions
                .last()
                .map(|v| v.fields.org_id.clone())
                .ok_or_else(|| Error::NotFound("该事项".into()))?,
            (None, Some(f)) if p.kind == AdjustmentKind::Add => f.org_id.clone(),
            (None, _) => {
                return Err(Error::Invalid(format!(
                    "未知的事项编码“{code}”（新增事项须填写事项内容）"
                )));
            }
        };
        let org = self.platform.org_in_scope(actor, &org_id).await?;
        // The change must fit the item on its date now; it is checked again on approval.
        if let Some(mut t) = timeline.clone() {
            t.apply(p.kind, p.effective_on, p.fields.clone(), p.kind.label())
                .map_err(Error::Rule)?;
        } else if p.fields.is_none() {
            return Err(Error::Invalid("新增事项须填写事项内容".into()));
        }
        let adjustment = Adjustment {
            id: AdjustmentId::generate(),
            item_id: timeline.map(|t| t.item_id),
            item_code: code,
            kind: p.kind,
            effective_on: p.effective_on,
            org_id: org.id.clone(),
            org_name: org.name.clone(),
            reason: p.reason.trim().to_string(),
            basis: p.basis.trim().to_string(),
            proposal: p.fields,
            state: AdjustmentState::Proposed,
            source: "部门申请".into(),
            proposed_by: actor.audit_name(),
            proposed_at: kernel::time::format_instant(chrono::Utc::now()),
            reviewed_by: None,
            review_note: None,
            decided_by: None,
            decision_note: None,
        };
        let written = adjustment.clone();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let a = written;
                    store::insert_adjustment(tx, &a).await?;
                    tx.record(
                        Event::new("power_adjustment", a.id.as_str(), "propose")
                            .org(Some(a.org_id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("code", &a.item_code)
                                    .set("kind", a.kind.label())
                                    .set("effective_on", store::day(a.effective_on))
                                    .set("reason", &a.reason)
                                    .set("basis", &a.basis),
                            ),
                    )
                    .await
                })
            })
            .await?;
        Ok(adjustment)
    }

    /// Legal-affairs staff of the reviewing office (a setting; any legal-affairs staff when empty).
    async fn require_reviewer(&self, actor: &Actor, id: &AdjustmentId) -> Result<()> {
        if actor.scope == Scope::Everything {
            return Ok(());
        }
        if actor.role != Some(Role::LegalAffairs) {
            let refusal =
                platform::Error::Forbidden("只有法制机构工作人员可以审核、批准权力事项调整".into());
            return Err(self.platform_refusal(actor, refusal, id).await);
        }
        let office = db::settings::load(self.platform.db())
            .await?
            .value(&REVIEW_OFFICE);
        if office.trim().is_empty() {
            return Ok(());
        }
        let office = self.platform.resolve_org(&office).await?;
        let own = self
            .platform
            .org(
                actor
                    .org_id
                    .as_ref()
                    .ok_or_else(|| Error::NotFound("所属机构".into()))?,
            )
            .await?;
        if !own.path.starts_with(&office.path) {
            let refusal = platform::Error::Forbidden(format!("权力事项调整由{}审核", office.name));
            return Err(self.platform_refusal(actor, refusal, id).await);
        }
        Ok(())
    }

    async fn platform_refusal(
        &self,
        actor: &Actor,
        refusal: platform::Error,
        id: &AdjustmentId,
    ) -> Error {
        let reason = refusal.to_string();
        let event = Event::new("power_adjustment", id.as_str(), "denied")
            .changes(Changes::new().set("reason", &reason));
        if let Err(e) = self.platform.db().record(&actor.who(), event).await {
            return Error::Db(e);
        }
        Error::Platform(refusal)
    }

    pub async fn adjustment(&self, actor: &Actor, id: &AdjustmentId) -> Result<Adjustment> {
        // The administrators (三员) read no business records: the permission first, then scope.
        self.platform
            .require(
                actor,
                Permission::ReadRecords,
                "power_adjustment",
                id.as_str(),
            )
            .await?;
        let mut conn = self.platform.db().conn().await?;
        let a = store::adjustment(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该调整".into()))?;
        drop(conn);
        if actor.role != Some(Role::LegalAffairs) {
            self.platform.org_in_scope(actor, &a.org_id).await?;
        }
        Ok(a)
    }

    /// Adjustments the actor may see, optionally in one state or of one item.
    pub async fn adjustments(
        &self,
        actor: &Actor,
        state: Option<AdjustmentState>,
        item: Option<&ItemId>,
    ) -> Result<Vec<Adjustment>> {
        self.platform
            .require(actor, Permission::ReadRecords, "power_adjustment", "list")
            .await?;
        let scope = actor.scope.orgs();
        let mut conn = self.platform.db().conn().await?;
        Ok(store::adjustments(&mut conn, scope.as_ref(), state, item).await?)
    }

    /// 审核: passes the proposal on for approval, or returns it.
    pub async fn review(
        &self,
        actor: &Actor,
        id: &AdjustmentId,
        accept: bool,
        note: &str,
    ) -> Result<Adjustment> {
        self.require_reviewer(actor, id).await?;
        let mut a = self.adjustment(actor, id).await?;
        let old = a.state;
        a.state = rules::review(a.state, accept).map_err(Error::Rule)?;
        a.reviewed_by = Some(actor.audit_name());
        a.review_note = Some(note.trim().to_string());
        let (written, note) = (a.clone(), note.trim().to_string());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let a = written;
                    store::update_adjustment(tx, &a, None).await?;
                    tx.record(
                        Event::new("power_adjustment", a.id.as_str(), "review")
                            .org(Some(a.org_id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("code", &a.item_code)
                                    .change("state", old.label(), a.state.label())
                                    .set("note", note),
                            ),
                    )
                    .await
                })
            })
            .await?;
        Ok(a)
    }

    /// 批准 (by someone other than the reviewer): the change is written, dated `effective_on`.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: &AdjustmentId,
        accept: bool,
        note: &str,
    ) -> Result<Adjustment> {
        self.require_reviewer(actor, id).await?;
        let mut a = self.adjustment(actor, id).await?;
        let old = a.state;
        let me = actor.audit_name();
        a.state =
            rules::decide(a.state, accept, a.reviewed_by.as_deref(), &me).map_err(Error::Rule)?;
        a.decided_by = Some(me);
        a.decision_note = Some(note.trim().to_string());
        let mut item_id = a.item_id.clone();
        let mut new_item: Option<ItemId> = None;
        let mut ops = Vec::new();
        let mut citation = None;
        if a.state == AdjustmentState::Approved {
            let (changes, version) = match self.timeline(&a.item_code).await? {
                Some(mut t) => {
                    let ops = t
                        .apply(a.kind, a.effective_on, a.proposal.clone(), a.kind.label())
                        .map_err(Error::Rule)?;
                    (ops, t.on(a.effective_on).cloned())
                }
                None => {
                    let fields = a
                        .proposal
                        .clone()
                        .ok_or_else(|| Error::Invalid("新增事项缺少事项内容".into()))?;
                    let mut t = Timeline::new(ItemId::generate(), &a.item_code);
                    let ops = t.start(a.effective_on, fields, &a.org_name, "新增");
                    new_item = Some(t.item_id.clone());
                    item_id = Some(t.item_id.clone());
                    (ops, t.versions.first().cloned())
                }
            };
            ops = changes;
            if let Some(v) = version.filter(|v| v.active && a.proposal.is_some()) {
                let resolved = self
                    .laws
                    .resolve(&v.fields.legal_basis, a.effective_on)
                    .await?;
                citation = Some((v.id.to_string(), v.fields.org_id.to_string(), resolved));
            }
        }
        let (written, written_item, note) = (a.clone(), item_id.clone(), note.trim().to_string());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let a = written;
                    if let Some(new_item) = &new_item {
                        store::insert_item(tx, new_item, &a.item_code).await?;
                    }
                    apply::write(tx, &ops).await?;
                    if let Some((version, org, resolved)) = &citation {
                        let record = CitingRecord {
                            module: "power",
                            record_type: "item",
                            record_id: version,
                            org_id: Some(org),
                        };
                        laws::cite_record(tx, record, resolved, a.effective_on).await?;
                    }
                    store::update_adjustment(tx, &a, written_item.as_ref()).await?;
                    tx.record(
                        Event::new("power_adjustment", a.id.as_str(), "decide")
                            .org(Some(a.org_id.as_str()))
                            .changes(
                                Changes::new()
                                    .set("code", &a.item_code)
                                    .change("state", old.label(), a.state.label())
                                    .set("note", note),
                            ),
                    )
                    .await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        a.item_id = item_id;
        Ok(a)
    }
}
