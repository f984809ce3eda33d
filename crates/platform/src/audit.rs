//! Reading the audit log: the audit administrator's alone (三员分立), within their scope.

use db::audit::{EventFilter, StoredEvent, VerifyError, VerifyReport};
use kernel::Permission;

use crate::{Actor, Error, Platform, Result, Scope};

impl Platform {
    /// Events matching `filter`, newest first, limited to the actor's scope. Events that belong to
    /// no organisation (command line, logins of unknown names) are shown to audit administrators
    /// of a top-level organisation.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        mut filter: EventFilter,
    ) -> Result<Vec<StoredEvent>> {
        self.require(actor, Permission::ReadAudit, "audit", "list")
            .await?;
        if let Scope::Subtree { root, path } = &actor.scope {
            let root = self.org(root).await?;
            filter.orgs = Some(db::OrgScope::under(path));
            filter.include_unscoped = root.parent_id.is_none();
        }
        Ok(db::audit::list(&self.db, &filter).await?)
    }

    /// Re-walks the whole chain (see `db::audit::verify`).
    pub async fn verify_audit(
        &self,
        actor: &Actor,
    ) -> Result<Result<VerifyReport, db::audit::ChainBroken>> {
        self.require(actor, Permission::ReadAudit, "audit", "verify")
            .await?;
        match db::audit::verify(&self.db, |_| {}).await {
            Ok(report) => Ok(Ok(report)),
            Err(VerifyError::Broken(broken)) => Ok(Err(broken)),
            Err(VerifyError::Db(e)) => Err(Error::Db(e)),
        }
    }
}
