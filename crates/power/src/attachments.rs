//! 附件 of an adjustment: the 请示, the legal basis as published, the meeting minutes. The
//! proposing department and the 司法局 attach them while the adjustment is under way; once it is
//! approved or returned its files are fixed, like its record.

use kernel::Permission;
use platform::{Actor, Attachment, Bytes, NewAttachment, Owner};

use crate::model::{Adjustment, AdjustmentId, AdjustmentState};
use crate::{Error, Power, Result};

/// The kinds of file an adjustment usually holds, offered in the upload form.
pub const ATTACHMENT_KINDS: &[&str] = &["请示", "设定依据", "会议纪要", "审核意见", "其他"];

fn owner(a: &Adjustment) -> Owner<'_> {
    Owner {
        record_type: "power_adjustment",
        record_id: a.id.as_str(),
        org_id: Some(&a.org_id),
    }
}

impl Power {
    async fn open_adjustment(&self, actor: &Actor, id: &AdjustmentId) -> Result<Adjustment> {
        self.platform
            .require(
                actor,
                Permission::WriteRecords,
                "power_adjustment",
                id.as_str(),
            )
            .await?;
        let a = self.adjustment(actor, id).await?;
        if matches!(
            a.state,
            AdjustmentState::Approved | AdjustmentState::Rejected
        ) {
            return Err(Error::Rule(format!(
                "该调整{}，附件不能再增删",
                a.state.label()
            )));
        }
        Ok(a)
    }

    /// Attaches a file to an adjustment under way.
    pub async fn attach(
        &self,
        actor: &Actor,
        id: &AdjustmentId,
        file: NewAttachment,
    ) -> Result<Attachment> {
        let a = self.open_adjustment(actor, id).await?;
        Ok(self.platform.attach(actor, owner(&a), file).await?)
    }

    /// The attachments of an adjustment the actor may read.
    pub async fn attachments(&self, actor: &Actor, id: &AdjustmentId) -> Result<Vec<Attachment>> {
        let a = self.adjustment(actor, id).await?;
        Ok(self
            .platform
            .attachments(owner(&a).record_type, a.id.as_str())
            .await?)
    }

    /// An attachment's content, for a reader of the adjustment; checked against its SM3 and
    /// audited.
    pub async fn attachment(
        &self,
        actor: &Actor,
        id: &AdjustmentId,
        attachment_id: &str,
    ) -> Result<(Attachment, Bytes)> {
        let a = self.adjustment(actor, id).await?;
        Ok(self
            .platform
            .open_attachment(actor, owner(&a), attachment_id)
            .await?)
    }

    /// Takes an attachment off an adjustment under way; the upload stays in the audit log.
    pub async fn detach(
        &self,
        actor: &Actor,
        id: &AdjustmentId,
        attachment_id: &str,
    ) -> Result<()> {
        let a = self.open_adjustment(actor, id).await?;
        Ok(self
            .platform
            .remove_attachment(actor, owner(&a), attachment_id)
            .await?)
    }
}
