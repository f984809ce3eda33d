//! Reading the audit log: the audit administrator's alone (三员分立), within their scope.

use db::audit::{ChainBroken, Checkpoint, EventFilter, StoredEvent, VerifyError, VerifyReport};
use db::{Changes, Event};
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

    /// Re-walks the whole chain (see `db::audit::verify`) and checks it against every stored
    /// checkpoint and against `kept`, a checkpoint kept outside the system.
    pub async fn verify_audit(
        &self,
        actor: &Actor,
        kept: Option<&Checkpoint>,
        progress: impl FnMut(u64),
    ) -> Result<Result<AnchoredReport, ChainBroken>> {
        self.require(actor, Permission::ReadAudit, "audit", "verify")
            .await?;
        let report = match db::audit::verify(&self.db, progress).await {
            Ok(report) => report,
            Err(VerifyError::Broken(broken)) => return Ok(Err(broken)),
            Err(VerifyError::Db(e)) => return Err(Error::Db(e)),
        };
        let stored = db::audit::checkpoints(&self.db).await?;
        let mut previous = 0;
        for checkpoint in &stored {
            if checkpoint.previous_seq != previous {
                return Ok(Err(ChainBroken {
                    seq: checkpoint.seq,
                    reason: format!(
                        "第{}号事件的检查点之前应为第{}号的检查点，现存的是第{previous}号（检查点被删除）",
                        checkpoint.seq, checkpoint.previous_seq
                    ),
                }));
            }
            if let Err(broken) = self.check_against(checkpoint, &report).await? {
                return Ok(Err(broken));
            }
            previous = checkpoint.seq;
        }
        if let Some(kept) = kept
            && let Err(broken) = self.check_against(kept, &report).await?
        {
            return Ok(Err(broken));
        }
        Ok(Ok(AnchoredReport {
            chain: report,
            checkpoints: stored.len(),
            last_checkpoint: stored.last().map(|c| c.seq),
        }))
    }

    /// A checkpoint's code under this installation's key, and the chain's agreement with it.
    async fn check_against(
        &self,
        checkpoint: &Checkpoint,
        report: &VerifyReport,
    ) -> Result<Result<(), ChainBroken>> {
        let seq = checkpoint.seq;
        if hex::encode(self.checkpoint_mac(seq, &checkpoint.hash, checkpoint.previous_seq))
            != checkpoint.mac
        {
            return Ok(Err(ChainBroken {
                seq,
                reason: "检查点的校验码不符：检查点被改动，或不是用本系统的密钥生成的".into(),
            }));
        }
        if seq > report.last_seq {
            return Ok(Err(ChainBroken {
                seq: report.last_seq + 1,
                reason: format!(
                    "检查点记录到第{seq}号事件，现存事件只到第{}号（末尾事件被删除）",
                    report.last_seq
                ),
            }));
        }
        match db::audit::event_hash(&self.db, seq).await? {
            Some(hash) if hash == checkpoint.hash => Ok(Ok(())),
            _ => Ok(Err(ChainBroken {
                seq,
                reason: format!("与第{seq}号事件的检查点不符：此前的事件被改写后重新计算了哈希"),
            })),
        }
    }

    fn checkpoint_mac(&self, seq: i64, hash: &str, previous_seq: i64) -> [u8; 32] {
        let key = self.seal.derive("audit-checkpoint");
        kernel::crypto::hmac_sm3(&key, &[&Checkpoint::signed_bytes(seq, hash, previous_seq)])
    }

    /// Takes a checkpoint of the chain's head now, stores it and records it as an event. With
    /// `only_if_moved`, nothing is taken when no event but the last checkpoint's came since.
    pub async fn audit_checkpoint(
        &self,
        actor: &Actor,
        only_if_moved: bool,
    ) -> Result<Option<Checkpoint>> {
        self.require(actor, Permission::ReadAudit, "audit", "checkpoint")
            .await?;
        if only_if_moved {
            let (head, _) = db::audit::head(&self.db).await?;
            let last = db::audit::checkpoints_after(&self.db, 0).await?;
            if head == 0 || last.is_some_and(|seq| head <= seq + 1) {
                return Ok(None);
            }
        }
        let platform = self.clone();
        Ok(self
            .db
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let (seq, hash) = tx.head();
                    let last = db::audit::last_checkpoint(tx).await?;
                    let previous_seq = last.as_ref().map_or(0, |c| c.seq);
                    let checkpoint = Checkpoint {
                        seq,
                        mac: hex::encode(platform.checkpoint_mac(seq, &hash, previous_seq)),
                        hash,
                        previous_seq,
                        at: tx.now_text(),
                    };
                    db::audit::store_checkpoint(tx, &checkpoint).await?;
                    tx.record(
                        Event::new("audit", &seq.to_string(), "checkpoint")
                            .changes(Changes::new().set("seq", seq).set("hash", &checkpoint.hash)),
                    )
                    .await?;
                    Ok::<_, db::DbError>(checkpoint)
                })
            })
            .await
            .map(Some)?)
    }
}

/// The chain re-walked, and the checkpoints it agreed with.
#[derive(Clone, Debug, PartialEq)]
pub struct AnchoredReport {
    pub chain: VerifyReport,
    pub checkpoints: usize,
    pub last_checkpoint: Option<i64>,
}
