//! 赋权: items delegated to all towns and streets or to named ones, in batches with their
//! document number; 拟下放待核准 → 已核准 → 已下放 (or 已撤回). The matrix of items × towns.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::ids::OrgId;
use kernel::{DocNumber, Permission, Role};
use platform::{Actor, Scope};
use serde::Serialize;

use crate::model::{ALL_TOWNS, Delegation, DelegationId, DelegationState, ItemId};
use crate::{Error, Power, Result, rules, store};

/// A batch: items, to all towns (None) or the named ones, with its document number.
#[derive(Clone, Debug)]
pub struct Batch {
    pub items: Vec<ItemId>,
    pub towns: Option<Vec<OrgId>>,
    pub batch_doc: String,
    pub state: DelegationState,
    pub on: NaiveDate,
}

/// One row of the matrix: an item and its state in each town.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    pub item_id: String,
    pub code: String,
    pub name: String,
    pub item_type: String,
    pub cells: Vec<Option<DelegationState>>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Matrix {
    pub towns: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
}

impl Power {
    /// Whether `actor` may record delegations (the pages offer the form only then).
    pub fn may_record_delegations(actor: &Actor) -> bool {
        actor.can(kernel::Permission::WriteRecords) && Self::require_legal_affairs(actor).is_ok()
    }

    fn require_legal_affairs(actor: &Actor) -> Result<()> {
        if actor.scope == Scope::Everything || actor.role == Some(Role::LegalAffairs) {
            Ok(())
        } else {
            Err(Error::Platform(platform::Error::Forbidden(
                "赋权由司法局法制工作人员登记".into(),
            )))
        }
    }

    /// Records a batch: new delegations, or a step of existing ones. Returns how many changed.
    pub async fn delegate(&self, actor: &Actor, batch: Batch) -> Result<usize> {
        self.platform
            .require(actor, Permission::WriteRecords, "power_delegation", "new")
            .await?;
        Self::require_legal_affairs(actor)?;
        let doc = DocNumber::parse(&batch.batch_doc)
            .map_err(|e| Error::Invalid(format!("批次文号：{e}")))?
            .to_string();
        if batch.items.is_empty() {
            return Err(Error::Invalid("请选择要下放的事项".into()));
        }
        let towns: Vec<Option<OrgId>> = match &batch.towns {
            None => vec![None],
            Some(list) if list.is_empty() => {
                return Err(Error::Invalid("请选择承接的镇（街道）".into()));
            }
            Some(list) => {
                for t in list {
                    let org = self.platform.org(t).await?;
                    if !org.kind.is_town_or_street() {
                        return Err(Error::Invalid(format!("“{}”不是镇或街道", org.name)));
                    }
                }
                list.iter().cloned().map(Some).collect()
            }
        };
        let mut conn = self.platform.db().conn().await?;
        let existing: HashMap<(String, Option<String>), Delegation> =
            store::delegations(&mut conn, None)
                .await?
                .into_iter()
                .map(|d| {
                    (
                        (
                            d.item_id.to_string(),
                            d.town_id.as_ref().map(|t| t.to_string()),
                        ),
                        d,
                    )
                })
                .collect();
        let mut plans: Vec<(Delegation, bool)> = Vec::new();
        for item in &batch.items {
            let versions = store::versions(&mut conn, item).await?;
            let Some(latest) = versions.last() else {
                return Err(Error::NotFound("事项".into()));
            };
            for town in &towns {
                let key = (item.to_string(), town.as_ref().map(|t| t.to_string()));
                match existing.get(&key) {
                    Some(d) if d.state == batch.state => {}
                    Some(d) => {
                        rules::delegation_step(d.state, d.state_on, batch.state, batch.on)
                            .map_err(|e| Error::Rule(format!("{}：{e}", d.item_code)))?;
                        plans.push((
                            Delegation {
                                state: batch.state,
                                state_on: batch.on,
                                batch_doc: doc.clone(),
                                ..d.clone()
                            },
                            false,
                        ));
                    }
                    None => plans.push((
                        Delegation {
                            id: DelegationId::generate(),
                            item_id: item.clone(),
                            item_code: latest.code.clone(),
                            town_id: town.clone(),
                            town_name: None,
                            category: latest.fields.item_type,
                            batch_doc: doc.clone(),
                            state: batch.state,
                            state_on: batch.on,
                        },
                        true,
                    )),
                }
            }
        }
        drop(conn);
        if plans.is_empty() {
            return Ok(0);
        }
        let count = plans.len();
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (d, new) in &plans {
                        if *new {
                            store::insert_delegation(tx, d).await?;
                        } else {
                            store::set_delegation_state(
                                tx,
                                &d.id,
                                d.state,
                                d.state_on,
                                &d.batch_doc,
                            )
                            .await?;
                        }
                        tx.record(
                            Event::new(
                                "power_delegation",
                                d.id.as_str(),
                                if *new { "create" } else { "state" },
                            )
                            .changes(
                                Changes::new()
                                    .set("code", &d.item_code)
                                    .set(
                                        "town",
                                        d.town_id
                                            .as_ref()
                                            .map(|t| t.to_string())
                                            .unwrap_or_else(|| ALL_TOWNS.into()),
                                    )
                                    .set("state", d.state.label())
                                    .set("state_on", store::day(d.state_on))
                                    .set("batch_doc", &d.batch_doc),
                            ),
                        )
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(count)
    }

    /// Moves one delegation on (已核准, 已下放, 已撤回) with the document that did it.
    pub async fn step_delegation(
        &self,
        actor: &Actor,
        id: &DelegationId,
        state: DelegationState,
        on: NaiveDate,
        batch_doc: &str,
    ) -> Result<Delegation> {
        self.platform
            .require(
                actor,
                Permission::WriteRecords,
                "power_delegation",
                id.as_str(),
            )
            .await?;
        Self::require_legal_affairs(actor)?;
        let doc = DocNumber::parse(batch_doc)
            .map_err(|e| Error::Invalid(format!("批次文号：{e}")))?
            .to_string();
        let mut conn = self.platform.db().conn().await?;
        let d = store::delegation(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该赋权事项".into()))?;
        drop(conn);
        rules::delegation_step(d.state, d.state_on, state, on).map_err(Error::Rule)?;
        let (delegation, old, written_doc) = (id.clone(), d.state, doc.clone());
        self.platform
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::set_delegation_state(tx, &delegation, state, on, &written_doc).await?;
                    tx.record(
                        Event::new("power_delegation", delegation.as_str(), "state").changes(
                            Changes::new()
                                .change("state", old.label(), state.label())
                                .set("state_on", store::day(on))
                                .set("batch_doc", &written_doc),
                        ),
                    )
                    .await
                })
            })
            .await?;
        Ok(Delegation {
            state,
            state_on: on,
            batch_doc: doc,
            ..d
        })
    }

    pub async fn delegations(
        &self,
        actor: &Actor,
        item: Option<&ItemId>,
    ) -> Result<Vec<Delegation>> {
        self.platform
            .require(actor, Permission::ReadRecords, "power_delegation", "list")
            .await?;
        let mut conn = self.platform.db().conn().await?;
        Ok(store::delegations(&mut conn, item).await?)
    }

    /// Who exercises a delegated item on `on`, for the public page: the towns and streets it
    /// was delegated to (已下放 by then), or 各镇（街道）.
    pub async fn holders(&self, id: &ItemId, on: NaiveDate) -> Result<Vec<String>> {
        let mut conn = self.platform.db().conn().await?;
        let mut names: Vec<String> = store::delegations(&mut conn, Some(id))
            .await?
            .into_iter()
            .filter(|d| d.state == DelegationState::Delegated && d.state_on <= on)
            .map(|d| d.town_name.unwrap_or_else(|| ALL_TOWNS.to_string()))
            .collect();
        names.sort_by(|a, b| kernel::collate::zh_cmp(a, b));
        names.dedup();
        Ok(names)
    }

    /// Items × towns: each delegated item's state in each town and street.
    pub async fn matrix(&self, actor: &Actor) -> Result<Matrix> {
        let delegations = self.delegations(actor, None).await?;
        let orgs = self.platform.orgs_in_scope(actor).await?;
        let mut towns: Vec<(String, String)> = self
            .platform
            .directory()
            .await?
            .into_iter()
            .filter(|o| o.kind.is_town_or_street())
            .filter(|o| {
                orgs.iter().any(|s| s.id == o.id)
                    || actor.role == Some(Role::LegalAffairs)
                    || actor.scope == Scope::Everything
            })
            .map(|o| (o.id.to_string(), o.name))
            .collect();
        towns.sort_by(|a, b| kernel::collate::zh_cmp(&a.1, &b.1));
        let mut by_item: BTreeMap<String, Vec<&Delegation>> = BTreeMap::new();
        for d in &delegations {
            by_item.entry(d.item_code.clone()).or_default().push(d);
        }
        let mut conn = self.platform.db().conn().await?;
        let mut rows = Vec::new();
        for (code, ds) in by_item {
            let versions = store::versions(&mut conn, &ds[0].item_id).await?;
            let Some(latest) = versions.last() else {
                continue;
            };
            let cells = towns
                .iter()
                .map(|(id, _)| {
                    ds.iter()
                        .find(|d| d.town_id.as_ref().is_some_and(|t| t.as_str() == id))
                        .or(ds.iter().find(|d| d.town_id.is_none()))
                        .map(|d| d.state)
                })
                .collect();
            rows.push(MatrixRow {
                item_id: latest.id.to_string(),
                code,
                name: latest.fields.name.clone(),
                item_type: latest.fields.item_type.label().into(),
                cells,
            });
        }
        Ok(Matrix { towns, rows })
    }
}
