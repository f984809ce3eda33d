//! 附件: scanned 申请书 and 答复书, evidence, photos, agreements and PDFs attached to a record (a
//! reconsideration case, a dispute, a power adjustment). A file is stored once under its SM3 —
//! in the data directory, or in an S3-compatible object store that several servers share — and
//! the record keeps the hash: a file changed in the store is refused when it is read, and the
//! tampering is an audit event. Every upload and download is an audit event too.
//!
//! The module that owns the record checks the actor's permission and scope on that record first,
//! then calls these; they check only what belongs to files (size, type, the hash).

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use db::{Changes, Event};
use kernel::ids::OrgId;
use kernel::settings::ATTACHMENT_MAX_MB;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::Serialize;

use crate::{Actor, Error, Platform, Result};

kernel::typed_id!(
    /// An attachment of a record.
    AttachmentId
);

/// The largest attachment any setting allows (the request limit of an upload).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The files an attachment may be, by what the file's first bytes say, not by its name alone.
#[derive(Debug)]
struct FileType {
    extensions: &'static [&'static str],
    content_type: &'static str,
    magic: fn(&[u8]) -> bool,
}

const TYPES: &[FileType] = &[
    FileType {
        extensions: &["pdf"],
        content_type: "application/pdf",
        magic: |b| b.starts_with(b"%PDF-"),
    },
    FileType {
        extensions: &["jpg", "jpeg"],
        content_type: "image/jpeg",
        magic: |b| b.starts_with(&[0xFF, 0xD8, 0xFF]),
    },
    FileType {
        extensions: &["png"],
        content_type: "image/png",
        magic: |b| b.starts_with(b"\x89PNG\r\n\x1a\n"),
    },
    FileType {
        extensions: &["tif", "tiff"],
        content_type: "image/tiff",
        magic: |b| b.starts_with(b"II*\0") || b.starts_with(b"MM\0*"),
    },
    FileType {
        extensions: &["doc"],
        content_type: "application/msword",
        magic: |b| b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
    },
    FileType {
        extensions: &["xls"],
        content_type: "application/vnd.ms-excel",
        magic: |b| b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
    },
    FileType {
        extensions: &["docx"],
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        magic: |b| b.starts_with(b"PK\x03\x04"),
    },
    FileType {
        extensions: &["xlsx"],
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        magic: |b| b.starts_with(b"PK\x03\x04"),
    },
    FileType {
        // 版式文档 (GB/T 33190), the format of Chinese official electronic documents: a zip.
        extensions: &["ofd"],
        content_type: "application/ofd",
        magic: |b| b.starts_with(b"PK\x03\x04"),
    },
    FileType {
        extensions: &["mp3"],
        content_type: "audio/mpeg",
        magic: |b| b.starts_with(b"ID3") || (b.len() > 1 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0),
    },
    FileType {
        extensions: &["wav"],
        content_type: "audio/wav",
        magic: |b| b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WAVE"),
    },
    FileType {
        extensions: &["mp4"],
        content_type: "video/mp4",
        magic: |b| b.get(4..8) == Some(b"ftyp"),
    },
];

/// The kinds of file accepted, for forms and refusals.
pub const ACCEPTED: &str = "PDF、JPG、PNG、TIF、Word、Excel、OFD、MP3、WAV、MP4";

/// The `accept` attribute of a file input.
pub fn accept_attribute() -> String {
    TYPES
        .iter()
        .flat_map(|t| t.extensions.iter().map(|e| format!(".{e}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The type of a file named `name` whose content is `bytes`, or why it is not accepted.
fn file_type(name: &str, bytes: &[u8]) -> Result<&'static FileType> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let t = TYPES
        .iter()
        .find(|t| t.extensions.contains(&extension.as_str()))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "“{name}”不是可以上传的文件类型（可上传{ACCEPTED}）"
            ))
        })?;
    if !(t.magic)(bytes) {
        return Err(Error::Invalid(format!(
            "“{name}”的内容不是{}文件，请检查文件是否损坏或扩展名是否正确",
            extension.to_uppercase()
        )));
    }
    Ok(t)
}

/// Where the files are kept.
#[derive(Clone, Debug)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

impl FileStore {
    /// In memory: for tests and for a platform without a data directory.
    pub fn memory() -> FileStore {
        FileStore {
            store: Arc::new(object_store::memory::InMemory::new()),
        }
    }

    /// Under a directory (created if absent).
    pub fn local(dir: &Path) -> std::result::Result<FileStore, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("无法创建附件目录 {}：{e}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| format!("附件目录 {}：{e}", dir.display()))?;
        Ok(FileStore {
            store: Arc::new(store),
        })
    }

    /// An S3-compatible store (`s3://bucket` or `s3://bucket/prefix`), configured by the usual
    /// variables — AWS_ENDPOINT (MinIO and the like), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_REGION, AWS_ALLOW_HTTP — and then by `options` (the same keys in lower case).
    pub fn s3(url: &str, options: &[(&str, &str)]) -> std::result::Result<FileStore, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("附件存储地址应以 s3:// 开头：{url}"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (key, value) in options {
            let key = key
                .parse()
                .map_err(|_| format!("附件存储：未知的配置项 {key}"))?;
            builder = builder.with_config(key, *value);
        }
        let store = builder
            .build()
            .map_err(|e| format!("附件存储 {url}：{e}"))?;
        let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(
                store,
                prefix.trim_matches('/'),
            ))
        };
        Ok(FileStore { store })
    }

    /// The store `spec` names: empty for the data directory's `files`, else an `s3://` address.
    pub fn open(spec: Option<&str>, data_dir: &Path) -> std::result::Result<FileStore, String> {
        match spec.map(str::trim).filter(|s| !s.is_empty()) {
            None => FileStore::local(&data_dir.join("files")),
            Some(url) => FileStore::s3(url, &[]),
        }
    }

    /// A file's place: by its hash, in folders of its first two digits.
    fn path(sm3: &str) -> StorePath {
        StorePath::from(format!("sm3/{}/{sm3}", &sm3[..2]))
    }

    async fn put(&self, sm3: &str, bytes: Bytes) -> Result<()> {
        let path = FileStore::path(sm3);
        // The same content is kept once.
        if self.store.head(&path).await.is_ok() {
            return Ok(());
        }
        self.store
            .put(&path, bytes.into())
            .await
            .map_err(|e| Error::Internal(format!("附件无法保存：{e}")))?;
        Ok(())
    }

    async fn get(&self, sm3: &str) -> Result<Option<Bytes>> {
        match self.store.get(&FileStore::path(sm3)).await {
            Ok(got) => {
                Ok(Some(got.bytes().await.map_err(|e| {
                    Error::Internal(format!("附件无法读取：{e}"))
                })?))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::Internal(format!("附件无法读取：{e}"))),
        }
    }

    /// Overwrites the file stored under `sm3` (for tests of tamper detection).
    pub async fn overwrite(&self, sm3: &str, bytes: Bytes) -> Result<()> {
        self.store
            .put(&FileStore::path(sm3), bytes.into())
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(())
    }
}

/// The record an attachment belongs to, and the organisation whose scope guards it.
#[derive(Clone, Copy, Debug)]
pub struct Owner<'a> {
    /// The record's type as the audit log names it (`reconsideration_case`, …).
    pub record_type: &'static str,
    pub record_id: &'a str,
    pub org_id: Option<&'a OrgId>,
}

/// A file as it is uploaded.
#[derive(Clone, Debug, Default)]
pub struct NewAttachment {
    /// 类别: 申请书, 答复书, 证据, 协议书, 照片, …
    pub kind: String,
    /// The file's name as it was on the uploader's computer.
    pub name: String,
    pub bytes: Bytes,
}

/// An attachment as it is listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// The SM3 of the content, lower-case hex.
    pub sm3: String,
    /// Who uploaded it, as the audit log names them.
    pub uploaded_by: String,
    /// When (stored UTC instant).
    pub uploaded_at: String,
}

impl Attachment {
    /// The size as a reader expects it: 1.2 MB, 35 KB.
    pub fn size_text(&self) -> String {
        let size = self.size as f64;
        if size >= 1024.0 * 1024.0 {
            format!("{:.1} MB", size / 1024.0 / 1024.0)
        } else if size >= 1024.0 {
            format!("{:.0} KB", size / 1024.0)
        } else {
            format!("{} 字节", self.size)
        }
    }

    /// Whether a browser shows it in place (a PDF, a picture) rather than saving it.
    pub fn viewable(&self) -> bool {
        matches!(
            self.content_type.as_str(),
            "application/pdf" | "image/jpeg" | "image/png"
        )
    }
}

macro_rules! select {
    ($where:literal) => {
        concat!(
            "SELECT id, kind, name, content_type, size, sm3, uploaded_by, uploaded_at \
             FROM attachments WHERE ",
            $where
        )
    };
}

fn from_row(r: &db::Row) -> std::result::Result<Attachment, db::DbError> {
    Ok(Attachment {
        id: AttachmentId::from_stored(r.try_get::<String, _>(0)?),
        kind: r.try_get(1)?,
        name: r.try_get(2)?,
        content_type: r.try_get(3)?,
        size: r.try_get(4)?,
        sm3: r.try_get(5)?,
        uploaded_by: r.try_get(6)?,
        uploaded_at: r.try_get(7)?,
    })
}

impl Platform {
    /// The largest attachment the settings allow, in bytes.
    pub async fn attachment_limit(&self) -> Result<usize> {
        let settings = db::settings::load(self.db()).await?;
        Ok((settings.int(&ATTACHMENT_MAX_MB) as usize * 1024 * 1024).min(MAX_BYTES))
    }

    /// Stores a file and attaches it to `owner`. The caller has checked that the actor may change
    /// that record; here the file's size and type are checked, and the upload is an audit event.
    pub async fn attach(
        &self,
        actor: &Actor,
        owner: Owner<'_>,
        file: NewAttachment,
    ) -> Result<Attachment> {
        let name = file
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if file.bytes.is_empty() || name.is_empty() {
            return Err(Error::Invalid("请选择要上传的文件".into()));
        }
        if name.chars().count() > 200 {
            return Err(Error::Invalid("文件名过长（最多200字）".into()));
        }
        let limit = self.attachment_limit().await?;
        if file.bytes.len() > limit {
            return Err(Error::Invalid(format!(
                "“{name}”有{:.1} MB，超过附件上限{} MB",
                file.bytes.len() as f64 / 1024.0 / 1024.0,
                limit / 1024 / 1024
            )));
        }
        let kind = match file.kind.trim() {
            "" => "其他".to_string(),
            k if k.chars().count() > 20 => {
                return Err(Error::Invalid("附件类别最多20字".into()));
            }
            k => k.to_string(),
        };
        let file_type = file_type(&name, &file.bytes)?;
        let bytes = file.bytes;
        let sm3 = self
            .heavy(move || (kernel::crypto::sm3_hex(&bytes), bytes))
            .await?;
        let (sm3, bytes) = sm3;
        self.files.put(&sm3, bytes.clone()).await?;
        let attachment = Attachment {
            id: AttachmentId::generate(),
            kind,
            name,
            content_type: file_type.content_type.to_string(),
            size: bytes.len() as i64,
            sm3,
            uploaded_by: actor.audit_name(),
            uploaded_at: String::new(),
        };
        let (record_type, record_id) = (owner.record_type, owner.record_id.to_string());
        let org = owner.org_id.map(|o| o.to_string());
        let written = attachment.clone();
        let at = self
            .db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let a = written;
                    let now = tx.now_text();
                    db::query(
                        "INSERT INTO attachments (id, record_type, record_id, org_id, kind, name, \
                         content_type, size, sm3, uploaded_by, uploaded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(a.id.as_str())
                    .bind(record_type)
                    .bind(&record_id)
                    .bind(org.as_deref())
                    .bind(&a.kind)
                    .bind(&a.name)
                    .bind(&a.content_type)
                    .bind(a.size)
                    .bind(&a.sm3)
                    .bind(&a.uploaded_by)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                    tx.record(
                        Event::new(record_type, &record_id, "attach")
                            .org(org.as_deref())
                            .changes(attachment_changes(&a)),
                    )
                    .await?;
                    Ok::<_, db::DbError>(now)
                })
            })
            .await?;
        Ok(Attachment {
            uploaded_at: at,
            ..attachment
        })
    }

    /// The attachments of a record, oldest first. The caller has checked the actor may read it.
    pub async fn attachments(&self, record_type: &str, record_id: &str) -> Result<Vec<Attachment>> {
        let mut conn = self.db().conn().await?;
        let rows = db::query(select!(
            "record_type = $1 AND record_id = $2 AND removed_at IS NULL ORDER BY uploaded_at, id"
        ))
        .bind(record_type)
        .bind(record_id)
        .fetch_all(&mut conn)
        .await?;
        Ok(rows
            .iter()
            .map(from_row)
            .collect::<std::result::Result<_, _>>()?)
    }

    async fn attachment_of(&self, owner: Owner<'_>, id: &str) -> Result<Attachment> {
        let mut conn = self.db().conn().await?;
        let row = db::query(select!(
            "id = $1 AND record_type = $2 AND record_id = $3 AND removed_at IS NULL"
        ))
        .bind(id)
        .bind(owner.record_type)
        .bind(owner.record_id)
        .fetch_optional(&mut conn)
        .await?
        .ok_or_else(|| Error::NotFound("该附件".into()))?;
        Ok(from_row(&row)?)
    }

    /// An attachment's content, checked against its SM3. The caller has checked the actor may
    /// read the record. The download is an audit event; a file whose content no longer matches
    /// its hash is refused and recorded as tampered.
    pub async fn open_attachment(
        &self,
        actor: &Actor,
        owner: Owner<'_>,
        id: &str,
    ) -> Result<(Attachment, Bytes)> {
        let a = self.attachment_of(owner, id).await?;
        let bytes = self.files.get(&a.sm3).await?;
        let intact = match &bytes {
            Some(b) => {
                let b = b.clone();
                let found = self.heavy(move || kernel::crypto::sm3_hex(&b)).await?;
                found == a.sm3
            }
            None => false,
        };
        let org = owner.org_id.map(|o| o.to_string());
        let action = if intact { "download" } else { "tampered" };
        let event = Event::new(owner.record_type, owner.record_id, action)
            .org(org.as_deref())
            .changes(attachment_changes(&a));
        self.db().record(&actor.who(), event).await?;
        match bytes {
            Some(bytes) if intact => Ok((a, bytes)),
            Some(_) => Err(Error::Tampered(format!(
                "附件“{}”的内容与登记时的SM3校验值不符，可能已被篡改，已记入审计日志，请联系系统管理员",
                a.name
            ))),
            None => Err(Error::Tampered(format!(
                "附件“{}”的文件已不在存储中，已记入审计日志，请联系系统管理员",
                a.name
            ))),
        }
    }

    /// Takes an attachment off a record (a file uploaded by mistake). The file stays in the store
    /// and the upload in the audit log. The caller has checked the actor may change the record.
    pub async fn remove_attachment(&self, actor: &Actor, owner: Owner<'_>, id: &str) -> Result<()> {
        let a = self.attachment_of(owner, id).await?;
        let (record_type, record_id) = (owner.record_type, owner.record_id.to_string());
        let org = owner.org_id.map(|o| o.to_string());
        let who = actor.audit_name();
        self.db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    let now = tx.now_text();
                    db::query(
                        "UPDATE attachments SET removed_by = $1, removed_at = $2 WHERE id = $3",
                    )
                    .bind(&who)
                    .bind(&now)
                    .bind(a.id.as_str())
                    .execute(tx.conn())
                    .await?;
                    tx.record(
                        Event::new(record_type, &record_id, "detach")
                            .org(org.as_deref())
                            .changes(attachment_changes(&a)),
                    )
                    .await?;
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(())
    }
}

fn attachment_changes(a: &Attachment) -> Changes {
    Changes::new()
        .set("attachment", a.id.as_str())
        .set("name", &a.name)
        .set("kind", &a.kind)
        .set("size", a.size)
        .set("sm3", &a.sm3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_what_its_first_bytes_say() {
        assert!(file_type("申请书.pdf", b"%PDF-1.7 ...").is_ok());
        assert!(file_type("照片.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]).is_ok());
        let renamed = file_type("病毒.pdf", b"MZ\x90\0").unwrap_err().to_string();
        assert!(renamed.contains("内容不是PDF文件"), "{renamed}");
        let script = file_type("run.exe", b"MZ").unwrap_err().to_string();
        assert!(script.contains("不是可以上传的文件类型"), "{script}");
        assert!(file_type("无扩展名", b"%PDF-").is_err());
    }

    #[test]
    fn files_are_kept_by_their_hash_in_folders() {
        let sm3 = kernel::crypto::sm3_hex(b"abc");
        assert_eq!(FileStore::path(&sm3).to_string(), format!("sm3/66/{sm3}"));
    }
}
