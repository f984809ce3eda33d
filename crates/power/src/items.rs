//! Reading the list: as it stood on a date, one item with its versions, two dates compared.

use std::collections::HashMap;

use chrono::NaiveDate;
use db::{Page, PageRequest};
use kernel::{Permission, Role};
use platform::Actor;
use serde::Serialize;

use crate::model::{Item, ItemFields, ItemId};
use crate::store::{self, ItemFilter};
use crate::{Error, Power, Result};

pub type ItemPage = Page<Item>;

/// What changed for one item between two dates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemChange {
    pub code: String,
    pub name: String,
    pub org_name: String,
    /// 新增, 取消 or 变更.
    pub change: &'static str,
    /// The fields that differ (变更).
    pub fields: Vec<&'static str>,
}

/// The list on two dates compared.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Comparison {
    pub before: usize,
    pub after: usize,
    pub changes: Vec<ItemChange>,
}

fn differing(a: &ItemFields, b: &ItemFields) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |label: &'static str, same: bool| {
        if !same {
            out.push(label);
        }
    };
    check("事项名称", a.name == b.name);
    check("子项名称", a.sub_name == b.sub_name);
    check("事项类型", a.item_type == b.item_type);
    check("实施主体", a.org_id == b.org_id);
    check("承办机构", a.handling_unit == b.handling_unit);
    check("设定依据", a.legal_basis == b.legal_basis);
    check("实施层级", a.level == b.level);
    check("责任事项", a.responsibilities == b.responsibilities);
    check("追责情形", a.accountability == b.accountability);
    check("备注", a.note == b.note);
    out
}

impl Power {
    /// Narrows a filter to what the actor may read: their organisations' items, and for a town
    /// or street the powers delegated to it.
    pub(crate) async fn scoped(&self, actor: &Actor, mut filter: ItemFilter) -> Result<ItemFilter> {
        if !actor.can(Permission::ReadRecords) {
            self.platform
                .require(actor, Permission::ReadRecords, "power_item", "list")
                .await?;
        }
        filter.orgs = actor.scope.orgs();
        if actor.role == Some(Role::TownOfficer)
            && let Some(org) = &actor.org_id
        {
            let own = self.platform.org(org).await?;
            let chain = self.platform.ancestry(&own).await?;
            filter.held_by_town = chain
                .iter()
                .rev()
                .find(|o| o.kind.is_town_or_street())
                .map(|o| o.id.to_string());
        }
        Ok(filter)
    }

    /// The list as it stood on `on`, one page.
    pub async fn items(
        &self,
        actor: &Actor,
        on: NaiveDate,
        filter: ItemFilter,
        request: PageRequest,
    ) -> Result<ItemPage> {
        let filter = self.scoped(actor, filter).await?;
        let db = self.platform.db();
        let mut conn = db.conn().await?;
        let (items, total) = store::items_on(
            db,
            &actor.versions,
            &mut conn,
            on,
            &filter,
            request.limit(),
            request.offset(),
        )
        .await?;
        Ok(Page::new(items, request, total))
    }

    /// The public list: every item in force on `on` (no personal data is in it).
    pub async fn public_items(
        &self,
        on: NaiveDate,
        filter: ItemFilter,
        request: PageRequest,
    ) -> Result<ItemPage> {
        let filter = ItemFilter {
            orgs: None,
            held_by_town: None,
            ..filter
        };
        let db = self.platform.db();
        let versions = db.versions().await?;
        let mut conn = db.conn().await?;
        let (items, total) = store::items_on(
            db,
            &versions,
            &mut conn,
            on,
            &filter,
            request.limit(),
            request.offset(),
        )
        .await?;
        Ok(Page::new(items, request, total))
    }

    /// One item's versions, oldest first (refused outside the actor's scope).
    pub async fn item(&self, actor: &Actor, id: &ItemId) -> Result<Vec<Item>> {
        let versions = self.item_versions(id).await?;
        let latest = versions
            .last()
            .ok_or_else(|| Error::NotFound("该事项".into()))?;
        if actor.scope.orgs().is_some() {
            let org = self.platform.org(&latest.fields.org_id).await?;
            if !actor.scope.contains(&org.path) && !self.held_by(actor, id).await? {
                self.platform
                    .require_scope(actor, &org, "power_item", id.as_str())
                    .await?;
            }
        }
        Ok(versions)
    }

    /// An item's versions without a scope check (the public portal shows the list to everyone).
    pub async fn item_versions(&self, id: &ItemId) -> Result<Vec<Item>> {
        let mut conn = self.platform.db().conn().await?;
        let versions = store::versions(&mut conn, id).await?;
        if versions.is_empty() {
            return Err(Error::NotFound("该事项".into()));
        }
        Ok(versions)
    }

    /// Every version of the items with these codes (all items when None), by item, oldest
    /// first: what the search index holds, each version with the days it was in force.
    pub async fn index_versions(&self, codes: Option<&[String]>) -> Result<Vec<Item>> {
        let mut conn = self.platform.db().conn().await?;
        Ok(match codes {
            Some(codes) => store::versions_of_codes(&mut conn, codes).await?,
            None => store::all_versions(&mut conn).await?,
        })
    }

    pub async fn item_by_code(&self, code: &str) -> Result<Option<ItemId>> {
        let mut conn = self.platform.db().conn().await?;
        Ok(store::item_id_by_code(&mut conn, code.trim()).await?)
    }

    /// Whether the item is delegated to the actor's town.
    async fn held_by(&self, actor: &Actor, id: &ItemId) -> Result<bool> {
        if actor.role != Some(Role::TownOfficer) {
            return Ok(false);
        }
        let Some(org) = &actor.org_id else {
            return Ok(false);
        };
        let mut conn = self.platform.db().conn().await?;
        let delegations = store::delegations(&mut conn, Some(id)).await?;
        let own = self.platform.org(org).await?;
        let chain = self.platform.ancestry(&own).await?;
        let town = chain
            .iter()
            .rev()
            .find(|o| o.kind.is_town_or_street())
            .map(|o| o.id.clone());
        let holds = |d: &crate::Delegation| {
            matches!(
                d.state,
                crate::DelegationState::Approved | crate::DelegationState::Delegated
            )
        };
        Ok(delegations
            .iter()
            .any(|d| holds(d) && (d.town_id.is_none() || d.town_id == town)))
    }

    /// The list on two dates compared: items added, cancelled and changed between them.
    pub async fn compare(
        &self,
        actor: &Actor,
        before: NaiveDate,
        after: NaiveDate,
        filter: ItemFilter,
    ) -> Result<Comparison> {
        let filter = self.scoped(actor, filter).await?;
        let mut conn = self.platform.db().conn().await?;
        let all = i64::MAX / 4;
        let db = self.platform.db();
        let (a, _) =
            store::items_on(db, &actor.versions, &mut conn, before, &filter, all, 0).await?;
        let (b, _) =
            store::items_on(db, &actor.versions, &mut conn, after, &filter, all, 0).await?;
        let old: HashMap<&str, &Item> = a.iter().map(|i| (i.code.as_str(), i)).collect();
        let new: HashMap<&str, &Item> = b.iter().map(|i| (i.code.as_str(), i)).collect();
        let mut changes = Vec::new();
        for item in &b {
            match old.get(item.code.as_str()) {
                None => changes.push(ItemChange {
                    code: item.code.clone(),
                    name: item.fields.name.clone(),
                    org_name: item.org_name.clone(),
                    change: "新增",
                    fields: Vec::new(),
                }),
                Some(o) if o.version_id != item.version_id => {
                    let fields = differing(&o.fields, &item.fields);
                    if !fields.is_empty() {
                        changes.push(ItemChange {
                            code: item.code.clone(),
                            name: item.fields.name.clone(),
                            org_name: item.org_name.clone(),
                            change: "变更",
                            fields,
                        });
                    }
                }
                Some(_) => {}
            }
        }
        for item in &a {
            if !new.contains_key(item.code.as_str()) {
                changes.push(ItemChange {
                    code: item.code.clone(),
                    name: item.fields.name.clone(),
                    org_name: item.org_name.clone(),
                    change: "取消",
                    fields: Vec::new(),
                });
            }
        }
        changes.sort_by(|x, y| x.code.cmp(&y.code));
        Ok(Comparison {
            before: a.len(),
            after: b.len(),
            changes,
        })
    }
}
