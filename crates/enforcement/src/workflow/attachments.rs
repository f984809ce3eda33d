//! 证据材料: the evidence and papers of a case as attachments, each stored with its SM3 (全过程记录).
//! Whoever handles the case attaches and removes; whoever may read it downloads (audited).

use platform::{Actor, Attachment, Bytes, NewAttachment, Owner};

use crate::model::Case;
use crate::{Enforcement, Result};

/// The kinds of file a case usually holds, offered in the upload form.
pub const ATTACHMENT_KINDS: &[&str] = &[
    "现场检查笔录",
    "询问笔录",
    "证据材料",
    "音像记录",
    "陈述申辩材料",
    "听证笔录",
    "送达回证",
    "缴款凭证",
    "其他",
];

fn owner(case: &Case) -> Owner<'_> {
    Owner {
        record_type: "enforcement_case",
        record_id: case.id.as_str(),
        org_id: Some(&case.org_id),
    }
}

impl Enforcement {
    /// Attaches a file to a case.
    pub async fn attach(&self, actor: &Actor, id: &str, file: NewAttachment) -> Result<Attachment> {
        self.require_handle(actor, id).await?;
        let case = self.case(actor, id).await?.case;
        Ok(self.platform.attach(actor, owner(&case), file).await?)
    }

    /// The attachments of a case the actor may read.
    pub async fn attachments(&self, actor: &Actor, id: &str) -> Result<Vec<Attachment>> {
        let case = self.case(actor, id).await?.case;
        Ok(self
            .platform
            .attachments("enforcement_case", case.id.as_str())
            .await?)
    }

    /// An attachment's content, checked against its SM3 and audited.
    pub async fn attachment(
        &self,
        actor: &Actor,
        id: &str,
        attachment_id: &str,
    ) -> Result<(Attachment, Bytes)> {
        let case = self.case(actor, id).await?.case;
        Ok(self
            .platform
            .open_attachment(actor, owner(&case), attachment_id)
            .await?)
    }

    /// Takes an attachment off a case; the upload stays in the audit log.
    pub async fn detach(&self, actor: &Actor, id: &str, attachment_id: &str) -> Result<()> {
        self.require_handle(actor, id).await?;
        let case = self.case(actor, id).await?.case;
        Ok(self
            .platform
            .remove_attachment(actor, owner(&case), attachment_id)
            .await?)
    }
}
