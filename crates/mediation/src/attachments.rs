//! 附件 of a dispute: the application, evidence, photos, the signed agreement. Whoever may handle
//! the dispute (its town's mediation staff) attaches and removes them; whoever may read it
//! downloads them.

use platform::{Actor, Attachment, Bytes, NewAttachment, Owner};

use crate::model::Dispute;
use crate::{Mediation, Result};

/// The kinds of file a dispute usually holds, offered in the upload form.
pub const ATTACHMENT_KINDS: &[&str] = &[
    "调解申请书",
    "证据材料",
    "调解笔录",
    "人民调解协议书",
    "现场照片",
    "回访记录",
    "其他",
];

fn owner(d: &Dispute) -> Owner<'_> {
    Owner {
        record_type: "mediation_dispute",
        record_id: d.id.as_str(),
        org_id: None,
    }
}

impl Mediation {
    /// Attaches a file to a dispute.
    pub async fn attach(
        &self,
        actor: &Actor,
        dispute_id: &str,
        file: NewAttachment,
    ) -> Result<Attachment> {
        let d = self.writable(actor, dispute_id).await?;
        Ok(self.platform.attach(actor, owner(&d), file).await?)
    }

    /// The attachments of a dispute the actor may read.
    pub async fn attachments(&self, actor: &Actor, dispute_id: &str) -> Result<Vec<Attachment>> {
        let d = self.dispute(actor, dispute_id).await?;
        Ok(self
            .platform
            .attachments(owner(&d).record_type, d.id.as_str())
            .await?)
    }

    /// An attachment's content, for a reader of the dispute; checked against its SM3 and audited.
    pub async fn attachment(
        &self,
        actor: &Actor,
        dispute_id: &str,
        attachment_id: &str,
    ) -> Result<(Attachment, Bytes)> {
        let d = self.dispute(actor, dispute_id).await?;
        Ok(self
            .platform
            .open_attachment(actor, owner(&d), attachment_id)
            .await?)
    }

    /// Takes an attachment off a dispute; the upload stays in the audit log.
    pub async fn detach(&self, actor: &Actor, dispute_id: &str, attachment_id: &str) -> Result<()> {
        let d = self.writable(actor, dispute_id).await?;
        Ok(self
            .platform
            .remove_attachment(actor, owner(&d), attachment_id)
            .await?)
    }
}
