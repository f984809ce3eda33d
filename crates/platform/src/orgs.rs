//! 机构: the organisation tree. Sibling names are unique; a name that is not unique across the
//! tree is written as a path (新北区/司法局).

use std::collections::HashSet;
use std::sync::Arc;

use db::{Changes, Conn, DbError, Event, Params, Row, Tx, query};
use kernel::ids::OrgId;
use kernel::{OrgKind, Permission};

use crate::{Actor, Error, NewOrg, Org, OrgUpdate, Platform, Result};

const COLUMNS: &str = "id, name, kind, parent_id, path, depth, division_code, uscc";

pub(crate) fn read_org(row: &Row) -> Result<Org, DbError> {
    let kind: String = row.try_get("kind")?;
    Ok(Org {
        id: OrgId::from_stored(row.try_get::<String, _>("id")?),
        name: row.try_get("name")?,
        kind: OrgKind::from_code(&kind).unwrap_or(OrgKind::Other),
        parent_id: row
            .try_get::<Option<String>, _>("parent_id")?
            .map(OrgId::from_stored),
        path: row.try_get("path")?,
        depth: row.try_get("depth")?,
        division_code: row.try_get("division_code")?,
        uscc: row.try_get("uscc")?,
    })
}

/// Rule 机构名称: a name is 1–64 characters and has no '/', which separates path segments.
pub(crate) fn check_name(name: &str) -> Result<String, String> {
    if let Some(reason) = kernel::text::refusal(name) {
        return Err(format!("机构名称{reason}"));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err("机构名称不能为空".into());
    }
    if name.contains('/') {
        return Err("机构名称不能包含“/”（“/”用于书写机构路径）".into());
    }
    if name.chars().count() > 64 {
        return Err("机构名称最多64个字".into());
    }
    Ok(name.to_string())
}

pub(crate) async fn all_orgs(conn: &mut Conn) -> Result<Vec<Org>, DbError> {
    let sql = "SELECT id, name, kind, parent_id, path, depth, division_code, uscc FROM orgs ORDER BY path";
    query(sql).map(conn, read_org).await
}

pub(crate) async fn insert_org(tx: &mut Tx, org: &Org) -> Result<(), DbError> {
    let now = tx.now_text();
    query(
        "INSERT INTO orgs (id, name, kind, parent_id, parent_key, path, depth, division_code, uscc, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(org.id.as_str())
    .bind(&org.name)
    .bind(org.kind.code())
    .bind(org.parent_id.as_ref().map(|p| p.as_str()))
    .bind(org.parent_id.as_ref().map(|p| p.as_str()).unwrap_or(""))
    .bind(&org.path)
    .bind(org.depth)
    .bind(&org.division_code)
    .bind(&org.uscc)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.record(
        Event::new("org", org.id.as_str(), "create")
            .org(Some(org.id.as_str()))
            .changes(
                Changes::new()
                    .set("name", &org.name)
                    .set("kind", org.kind.label())
                    .set("parent_id", &org.parent_id)
                    .set("division_code", &org.division_code)
                    .set("uscc", &org.uscc),
            ),
    )
    .await?;
    Ok(())
}

/// Writes name, kind and codes (not the position) of an existing organisation.
pub(crate) async fn update_fields(tx: &mut Tx, old: &Org, new: &Org) -> Result<(), DbError> {
    let now = tx.now_text();
    query("UPDATE orgs SET name = $1, kind = $2, division_code = $3, uscc = $4, updated_at = $5 WHERE id = $6")
        .bind(&new.name)
        .bind(new.kind.code())
        .bind(&new.division_code)
        .bind(&new.uscc)
        .bind(now)
        .bind(new.id.as_str())
        .execute(tx.conn())
        .await?;
    tx.record(
        Event::new("org", new.id.as_str(), "update")
            .org(Some(new.id.as_str()))
            .changes(
                Changes::new()
                    .change("name", &old.name, &new.name)
                    .change("kind", old.kind.label(), new.kind.label())
                    .change("division_code", &old.division_code, &new.division_code)
                    .change("uscc", &old.uscc, &new.uscc),
            ),
    )
    .await?;
    Ok(())
}

fn child_position(parent: Option<&Org>, id: &OrgId) -> (String, i64) {
    match parent {
        Some(p) => (format!("{}{}/", p.path, id), p.depth + 1),
        None => (format!("/{id}/"), 0),
    }
}

impl Platform {
    pub async fn org(&self, id: &OrgId) -> Result<Org> {
        let sql = "SELECT id, name, kind, parent_id, path, depth, division_code, uscc FROM orgs WHERE id = $1";
        let row = query(sql)
            .bind(id.as_str())
            .fetch_optional(&mut self.db.conn().await?)
            .await?;
        match row {
            Some(row) => Ok(read_org(&row)?),
            None => Err(Error::NotFound("该机构".into())),
        }
    }

    /// The organisation tree as of `versions` (kept until an organisation is written), or read
    /// now when there are none.
    pub async fn org_tree(&self, versions: &db::Versions) -> Result<Arc<Vec<Org>>> {
        self.caches
            .orgs
            .get_or_load(versions, &(), || async {
                Ok(Arc::new(all_orgs(&mut self.db.conn().await?).await?))
            })
            .await
    }

    /// An organisation by id, from the tree kept for the actor's request when there is one.
    pub async fn org_for(&self, actor: &Actor, id: &OrgId) -> Result<Org> {
        if !actor.versions.is_read() {
            return self.org(id).await;
        }
        self.org_tree(&actor.versions)
            .await?
            .iter()
            .find(|o| &o.id == id)
            .cloned()
            .ok_or_else(|| Error::NotFound("该机构".into()))
    }

    /// The chain from the top down to `org` (inclusive), from the tree kept for the actor's
    /// request when there is one.
    pub async fn ancestry_for(&self, actor: &Actor, org: &Org) -> Result<Vec<Org>> {
        if !actor.versions.is_read() {
            return self.ancestry(org).await;
        }
        let tree = self.org_tree(&actor.versions).await?;
        let mut chain: Vec<Org> = org
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|id| tree.iter().find(|o| o.id.as_str() == id).cloned())
            .collect();
        chain.sort_by_key(|o| o.depth);
        Ok(chain)
    }

    /// An organisation the actor may see.
    pub async fn org_in_scope(&self, actor: &Actor, id: &OrgId) -> Result<Org> {
        let org = if actor.versions.is_read() {
            self.org_tree(&actor.versions)
                .await?
                .iter()
                .find(|o| &o.id == id)
                .cloned()
                .ok_or_else(|| Error::NotFound("该机构".into()))?
        } else {
            self.org(id).await?
        };
        self.require_scope(actor, &org, "org", id.as_str()).await?;
        Ok(org)
    }

    /// The organisations in the actor's scope, in tree order.
    pub async fn orgs_in_scope(&self, actor: &Actor) -> Result<Vec<Org>> {
        if actor.versions.is_read() {
            return Ok(self
                .org_tree(&actor.versions)
                .await?
                .iter()
                .filter(|o| actor.scope.contains(&o.path))
                .cloned()
                .collect());
        }
        let mut q = Params::new(&format!("SELECT {COLUMNS} FROM orgs"));
        if let Some(prefix) = actor.scope.path_prefix() {
            q.push(" WHERE path LIKE ").bind(format!("{prefix}%"));
        }
        q.push(" ORDER BY path");
        Ok(q.map(&mut self.db.conn().await?, read_org).await?)
    }

    /// The organisation directory, which is public (政务公开): names, kinds and codes only.
    pub async fn directory(&self) -> Result<Vec<Org>> {
        let versions = self.db.versions().await?;
        Ok(self.org_tree(&versions).await?.as_ref().clone())
    }

    /// The ids of an organisation and everything below it.
    pub async fn subtree_ids(&self, org: &Org) -> Result<Vec<OrgId>> {
        Ok(query("SELECT id FROM orgs WHERE path LIKE $1")
            .bind(format!("{}%", org.path))
            .map(&mut self.db.conn().await?, |r| {
                r.try_get::<String, _>(0).map(OrgId::from_stored)
            })
            .await?)
    }

    /// The ids of the organisations in the actor's scope (None: everything), for filtering rows
    /// already read; SQL filters with `Scope::orgs` instead.
    pub async fn scope_ids(&self, actor: &Actor) -> Result<Option<HashSet<String>>> {
        let Some(prefix) = actor.scope.path_prefix() else {
            return Ok(None);
        };
        let ids = query("SELECT id FROM orgs WHERE path LIKE $1")
            .bind(format!("{prefix}%"))
            .map(&mut self.db.conn().await?, |r| r.try_get::<String, _>(0))
            .await?;
        Ok(Some(ids.into_iter().collect()))
    }

    /// The organisation chain from the top down to `org` (inclusive).
    /// An organisation's full name as documents write it: the governments above it (not the
    /// province) before its own name — 常州市新北区司法局; as a body (`as_government`) a government
    /// or a town ends in 人民政府 (常州市新北区人民政府), a street in 办事处.
    pub async fn full_name(&self, org: &Org, as_government: bool) -> Result<String> {
        let ancestry = self.ancestry(org).await?;
        let mut name: String = ancestry
            .iter()
            .filter(|o| o.kind.is_government() && o.id != org.id && !o.name.ends_with('省'))
            .filter(|o| !org.name.starts_with(&o.name))
            .map(|o| o.name.as_str())
            .collect();
        name.push_str(&org.name);
        if as_government {
            let suffix = match org.kind {
                k if k.is_government() => "人民政府",
                kernel::OrgKind::Town => "人民政府",
                kernel::OrgKind::Street => "办事处",
                _ => "",
            };
            if !name.ends_with(suffix) {
                name.push_str(suffix);
            }
        }
        Ok(name)
    }

    pub async fn ancestry(&self, org: &Org) -> Result<Vec<Org>> {
        self.ancestry_at(&org.path).await
    }

    /// The organisation chain from the top down to the one at `path` (inclusive).
    pub(crate) async fn ancestry_at(&self, path: &str) -> Result<Vec<Org>> {
        let ids: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut q = Params::new(&format!("SELECT {COLUMNS} FROM orgs WHERE id IN "));
        q.bind_list(ids.iter().map(|s| s.to_string()));
        q.push(" ORDER BY depth");
        Ok(q.map(&mut self.db.conn().await?, read_org).await?)
    }

    /// Every organisation, for resolving many names at once (ledger imports).
    pub async fn org_resolver(&self) -> Result<crate::OrgResolver> {
        Ok(crate::OrgResolver {
            world: self.directory().await?,
        })
    }

    /// Finds an organisation by name, or by path (新北区/司法局) when the name is not unique.
    pub async fn resolve_org(&self, name: &str) -> Result<Org> {
        let all = self.org_tree(&self.db.versions().await?).await?;
        crate::org_import::resolve_in(&all, name)
            .cloned()
            .map_err(Error::Invalid)
    }

    pub async fn create_org(&self, actor: &Actor, new: NewOrg) -> Result<Org> {
        self.require(actor, Permission::ManageOrganisations, "org", "new")
            .await?;
        let name = check_name(&new.name).map_err(Error::Invalid)?;
        let parent = match &new.parent_id {
            Some(id) => Some(self.org_in_scope(actor, id).await?),
            None if actor.scope == crate::Scope::Everything => None,
            None => {
                let refusal = Error::OutOfScope("只能在本机构之下新建机构".into());
                return Err(self.refuse(actor, refusal, "org", "new").await);
            }
        };
        new.kind
            .check_parent(parent.as_ref().map(|p| p.kind))
            .map_err(|e| Error::Rule(format!("{e}（机构层级规则）")))?;
        let id = OrgId::generate();
        let (path, depth) = child_position(parent.as_ref(), &id);
        let org = Org {
            id,
            name,
            kind: new.kind,
            parent_id: parent.as_ref().map(|p| p.id.clone()),
            path,
            depth,
            division_code: new.division_code.map(|d| d.to_string()),
            uscc: new.uscc.map(|u| u.to_string()),
        };
        let written = org.clone();
        let inserted = self
            .db
            .write(&actor.who(), move |tx| {
                Box::pin(async move { insert_org(tx, &written).await })
            })
            .await;
        match inserted {
            Err(e) if e.is_unique_violation() => {
                let under = parent.map(|p| p.name).unwrap_or_else(|| "顶层".into());
                Err(Error::Conflict(format!(
                    "“{under}”下已有名为“{}”的机构",
                    org.name
                )))
            }
            other => {
                other?;
                Ok(org)
            }
        }
    }

    pub async fn update_org(&self, actor: &Actor, id: &OrgId, update: OrgUpdate) -> Result<Org> {
        self.require(actor, Permission::ManageOrganisations, "org", id.as_str())
            .await?;
        let old = self.org_in_scope(actor, id).await?;
        let mut new = old.clone();
        if let Some(name) = &update.name {
            new.name = check_name(name).map_err(Error::Invalid)?;
        }
        if let Some(kind) = update.kind {
            new.kind = kind;
        }
        if let Some(code) = update.division_code {
            new.division_code = code.map(|c| c.to_string());
        }
        if let Some(uscc) = update.uscc {
            new.uscc = uscc.map(|u| u.to_string());
        }
        let parent = match &update.parent_id {
            Some(Some(pid)) => {
                let p = self.org_in_scope(actor, pid).await?;
                if p.path.starts_with(&old.path) {
                    return Err(Error::Rule(
                        "不能把机构移到它自己或其下级机构之下（机构层级规则）".into(),
                    ));
                }
                Some(p)
            }
            Some(None) if actor.scope == crate::Scope::Everything => None,
            Some(None) => return Err(Error::Rule("只有命令行可以设立顶层机构".into())),
            None => match &old.parent_id {
                Some(pid) => Some(self.org(pid).await?),
                None => None,
            },
        };
        new.kind
            .check_parent(parent.as_ref().map(|p| p.kind))
            .map_err(|e| Error::Rule(format!("{e}（机构层级规则）")))?;
        let new_parent = parent.as_ref().map(|p| p.id.clone());
        if new_parent != old.parent_id {
            let (path, depth) = child_position(parent.as_ref(), &old.id);
            new.parent_id = new_parent;
            new.path = path;
            new.depth = depth;
        }
        if new == old {
            return Ok(new);
        }
        let (before, after) = (old.clone(), new.clone());
        let result = self
            .db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    if after.name != before.name
                        || after.kind != before.kind
                        || after.division_code != before.division_code
                        || after.uscc != before.uscc
                    {
                        update_fields(tx, &before, &after).await?;
                    }
                    if after.parent_id != before.parent_id {
                        move_subtree(tx, &before, &after.parent_id, &after.path, after.depth)
                            .await?;
                    }
                    Ok::<_, DbError>(())
                })
            })
            .await;
        match result {
            Err(e) if e.is_unique_violation() => Err(Error::Conflict(format!(
                "同一上级下已有名为“{}”的机构",
                new.name
            ))),
            Err(e) => Err(e.into()),
            Ok(()) => Ok(new),
        }
    }
}

/// Moves an organisation and rewrites the paths of everything below it.
async fn move_subtree(
    tx: &mut Tx,
    old: &Org,
    parent: &Option<OrgId>,
    path: &str,
    depth: i64,
) -> Result<(), DbError> {
    let now = tx.now_text();
    query("UPDATE orgs SET parent_id = $1, parent_key = $2, updated_at = $3 WHERE id = $4")
        .bind(parent.as_ref().map(|p| p.as_str()))
        .bind(parent.as_ref().map(|p| p.as_str()).unwrap_or(""))
        .bind(now)
        .bind(old.id.as_str())
        .execute(tx.conn())
        .await?;
    query(
        "UPDATE orgs SET path = $1 || substr(path, CAST($2 AS INTEGER)), depth = depth + $3 WHERE path LIKE $4",
    )
    .bind(path)
    .bind(old.path.chars().count() as i64 + 1)
    .bind(depth - old.depth)
    .bind(format!("{}%", old.path))
    .execute(tx.conn())
    .await?;
    tx.record(
        Event::new("org", old.id.as_str(), "move")
            .org(Some(old.id.as_str()))
            .changes(Changes::new().change("parent_id", &old.parent_id, parent)),
    )
    .await?;
    Ok(())
}
