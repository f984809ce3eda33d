//! 根据有关法律法规修改情况动态调整: for each department, the items whose cited articles a later
//! version changed, renumbered or removed, or whose law was repealed (from the law base's impact
//! analysis).

use std::collections::HashMap;

use kernel::Permission;
use laws::LawId;
use platform::Actor;
use serde::Serialize;

use crate::{Power, Result, store};

/// One line of the worklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkItem {
    pub department: String,
    pub item_id: String,
    pub code: String,
    pub name: String,
    pub law: String,
    /// What happened to the cited article, in words.
    pub note: String,
}

impl Power {
    /// The worklist of the actor's scope, by department then item code.
    pub async fn worklist(&self, actor: &Actor) -> Result<Vec<WorkItem>> {
        self.platform
            .require(actor, Permission::ReadRecords, "power_item", "worklist")
            .await?;
        let scope = self.platform.scope_ids(actor).await?;
        let mut conn = self.platform.db().conn().await?;
        let laws: Vec<String> = db::query(
            "SELECT DISTINCT law_id FROM citations WHERE module = 'power' AND law_id IS NOT NULL",
        )
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
        drop(conn);
        // The impacts first, then only the items they name: a province holds half a million
        // item versions, and reading them all took 4 s of every cold 工作台.
        let mut found = Vec::new();
        for law_id in laws {
            let law = self.laws.law(&LawId::from_stored(law_id.clone())).await?;
            for impact in self.laws.impacts(&law.id).await? {
                if impact.citation.module == "power" {
                    found.push((law.short_title.clone(), impact));
                }
            }
        }
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<String> = found
            .iter()
            .map(|(_, i)| i.citation.record_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let mut conn = self.platform.db().conn().await?;
        let latest: HashMap<String, crate::Item> = store::versions_of_items(&mut conn, &ids)
            .await?
            .into_iter()
            .map(|v| (v.id.to_string(), v))
            .collect();
        drop(conn);
        let mut out = Vec::new();
        for (law, impact) in found {
            let Some(item) = latest.get(&impact.citation.record_id) else {
                continue;
            };
            if !item.active
                || scope
                    .as_ref()
                    .is_some_and(|s| !s.contains(item.fields.org_id.as_str()))
            {
                continue;
            }
            out.push(WorkItem {
                department: item.org_name.clone(),
                item_id: item.id.to_string(),
                code: item.code.clone(),
                name: item.fields.name.clone(),
                law,
                note: impact.note,
            });
        }
        out.sort_by(|a, b| {
            kernel::collate::zh_cmp(&a.department, &b.department)
                .then_with(|| kernel::collate::zh_cmp(&a.code, &b.code))
        });
        Ok(out)
    }
}
