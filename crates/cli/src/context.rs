//! Where the data is: the data directory, the database URL and the SM4 key.

use std::io::Write;
use std::path::{Path, PathBuf};

use db::{DatabaseUrl, Db};
use kernel::calendar::Calendar;
use kernel::crypto::SealKey;
use platform::{Actor, Platform};

pub struct Context {
    pub data_dir: PathBuf,
    database_url: Option<String>,
    object_store: Option<String>,
}

impl Context {
    pub fn new(data_dir: PathBuf, database_url: Option<String>) -> Context {
        Context {
            data_dir,
            database_url,
            object_store: None,
        }
    }

    /// Attachments kept in an S3-compatible store (`s3://bucket[/prefix]`) instead of the data
    /// directory.
    pub fn with_object_store(mut self, url: Option<String>) -> Context {
        self.object_store = url;
        self
    }

    fn default_sqlite(&self) -> PathBuf {
        self.data_dir.join("fazhi.db")
    }

    pub fn url(&self) -> Result<DatabaseUrl, String> {
        match &self.database_url {
            Some(url) => DatabaseUrl::parse(url).map_err(|e| e.to_string()),
            None => {
                let path = self.default_sqlite();
                let absolute = std::path::absolute(&path).unwrap_or(path);
                Ok(DatabaseUrl::sqlite_file(&absolute))
            }
        }
    }

    /// Opens the database, applying migrations.
    pub async fn open_db(&self) -> Result<Db, String> {
        Db::open(&self.url()?).await.map_err(|e| e.to_string())
    }

    pub async fn platform(&self) -> Result<Platform, String> {
        let db = self.open_db().await?;
        let files = platform::FileStore::open(self.object_store.as_deref(), &self.data_dir)?;
        Ok(Platform::new(db, self.seal_key()?).with_files(files))
    }

    /// The calendar in force. Without any database yet (the default SQLite file absent), the
    /// shipped notices under the default settings: asking the calendar creates nothing.
    pub async fn calendar(&self) -> Result<Calendar, String> {
        if self.database_url.is_none() && !self.default_sqlite().exists() {
            return Ok(Calendar::official().clone());
        }
        let db = self.open_db().await?;
        let calendar = db::calendar::current(&db)
            .await
            .map_err(|e| e.to_string())?;
        db.close().await;
        calendar.map_err(|e| e.to_string())
    }

    /// The key that seals personal data: `FAZHI_SM4_KEY` (32 hex digits), else the key file in the
    /// data directory, created on first use (readable by its owner only). Servers sharing one
    /// PostgreSQL must share this key.
    pub fn seal_key(&self) -> Result<SealKey, String> {
        if let Ok(hex) = std::env::var("FAZHI_SM4_KEY") {
            return SealKey::from_hex(&hex).map_err(|e| format!("FAZHI_SM4_KEY：{e}"));
        }
        let path = self.data_dir.join("sm4.key");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("无法读取密钥文件 {}：{e}", path.display()))?;
            return SealKey::from_hex(&text)
                .map_err(|e| format!("密钥文件 {}：{e}", path.display()));
        }
        let key = SealKey::generate();
        write_private(&path, &key.to_hex())
            .map_err(|e| format!("无法创建密钥文件 {}：{e}", path.display()))?;
        Ok(key)
    }

    /// The search index of this data directory (derived; each server keeps its own).
    pub fn search_index(&self) -> Result<search::Search, String> {
        search::Search::open(&self.data_dir.join("search-index")).map_err(|e| e.to_string())
    }

    /// The command line's actor: the operating-system user.
    pub fn actor(&self) -> Actor {
        Actor::cli(&os_user())
    }
}

pub fn os_user() -> String {
    whoami::username()
        .unwrap_or_else(|_| std::env::var("USER").unwrap_or_else(|_| "unknown".into()))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
