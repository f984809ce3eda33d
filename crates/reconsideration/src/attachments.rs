//! 附件 of a case: the scanned 申请书, the respondent's 答复书 and evidence, the decision as
//! served. The 行政复议机构 attaches and removes them; whoever may read the case (the office, the
//! respondent department) may download them.

use platform::{Actor, Attachment, Bytes, NewAttachment, Owner};

use crate::model::Case;
use crate::{Reconsideration, Result};

/// The kinds of file a case usually holds, offered in the upload form.
pub const ATTACHMENT_KINDS: &[&str] = &[
    "行政复议申请书",
    "身份证明",
    "答复书",
    "证据材料",
    "听证笔录",
    "送达回证",
    "其他",
];

fn owner(case: &Case) -> Owner<'_> {
    Owner {
        record_type: "reconsideration_case",
        record_id: case.id.as_str(),
        org_id: Some(&case.office_org_id),
    }
}

impl Reconsideration {
    /// Attaches a file to a case (the office's staff).
    pub async fn attach(
        &self,
        actor: &Actor,
        case_id: &str,
        file: NewAttachment,
    ) -> Result<Attachment> {
        self.require_handler(actor, case_id).await?;
        let case = self.readable(actor, case_id).await?;
        Ok(self.platform.attach(actor, owner(&case), file).await?)
    }

    /// The attachments of a case the actor may read.
    pub async fn attachments(&self, actor: &Actor, case_id: &str) -> Result<Vec<Attachment>> {
        let case = self.readable(actor, case_id).await?;
        Ok(self
            .platform
            .attachments(owner(&case).record_type, case.id.as_str())
            .await?)
    }

    /// An attachment's content, for a reader of the case; checked against its SM3 and audited.
    pub async fn attachment(
        &self,
        actor: &Actor,
        case_id: &str,
        attachment_id: &str,
    ) -> Result<(Attachment, Bytes)> {
        let case = self.readable(actor, case_id).await?;
        Ok(self
            .platform
            .open_attachment(actor, owner(&case), attachment_id)
            .await?)
    }

    /// Takes an attachment off a case (the office's staff); the upload stays in the audit log.
    pub async fn detach(&self, actor: &Actor, case_id: &str, attachment_id: &str) -> Result<()> {
        self.require_handler(actor, case_id).await?;
        let case = self.readable(actor, case_id).await?;
        Ok(self
            .platform
            .remove_attachment(actor, owner(&case), attachment_id)
            .await?)
    }
}
