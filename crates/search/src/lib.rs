//! Search: one tantivy index of typed documents (law articles now; power items and normative
//! documents join with their modules), derived from the records and fed from the audit log by
//! sequence number. The index can be dropped and rebuilt (`fazhi search reindex`); each server
//! keeps its own and follows the log.
//!
//! Recall is exact: every query term is a phrase of character tokens (see [`analysis`]), so a
//! query finds every article that contains it, whitespace aside. Ranking is BM25 over character
//! bigrams, with the law's title boosted and higher levels and versions in force preferred.

pub mod analysis;
mod query;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;
use laws::{IndexDocument, LawId, Laws};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

pub use query::{Hit, SearchQuery, SearchResults};

/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "fazhi-search-1";

/// The record types whose events concern the index.
const FOLLOWED: &[&str] = &["law", "law_version"];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("搜索索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("搜索索引正被另一个进程更新，请稍后再试")]
    Busy,
    #[error("无法打开搜索索引目录 {path}：{reason}")]
    Directory { path: String, reason: String },
    #[error(transparent)]
    Laws(#[from] laws::Error),
    #[error(transparent)]
    Db(#[from] db::DbError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub id: Field,
    pub kind: Field,
    pub group: Field,
    pub law: Field,
    pub law_id: Field,
    pub version: Field,
    pub version_id: Field,
    pub article: Field,
    pub level: Field,
    pub current: Field,
    pub rank: Field,
    pub title: Field,
    pub title_bi: Field,
    pub body: Field,
    pub body_bi: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let uni = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::UNIGRAM)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let bi = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::BIGRAM)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        group: b.add_text_field("group", STRING),
        law: b.add_text_field("law", STORED),
        law_id: b.add_text_field("law_id", STRING | STORED),
        version: b.add_text_field("version", STORED),
        version_id: b.add_text_field("version_id", STORED),
        article: b.add_text_field("article", STORED),
        level: b.add_text_field("level", STRING | STORED),
        current: b.add_u64_field("current", NumericOptions::default() | INDEXED | FAST),
        rank: b.add_u64_field("rank", FAST),
        title: b.add_text_field("title", uni(true)),
        title_bi: b.add_text_field("title_bi", bi.clone()),
        body: b.add_text_field("body", uni(true)),
        body_bi: b.add_text_field("body_bi", bi),
    };
    (b.build(), fields)
}

/// The search index in a directory of its own.
pub struct Search {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    path: PathBuf,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Search({})", self.path.display())
    }
}

/// What the commit payload records: the schema and the last audit event applied.
fn payload(seq: i64) -> String {
    format!("{SCHEMA_VERSION} {seq}")
}

impl Search {
    /// Opens the index in `dir`, creating it (or recreating it when its schema is older).
    pub fn open(dir: &Path) -> Result<Search> {
        let bad = |e: &dyn std::fmt::Display| Error::Directory {
            path: dir.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| bad(&e))?;
        let (schema, fields) = schema();
        let existing = Index::open_in_dir(dir).ok().filter(|index| {
            index
                .load_metas()
                .ok()
                .and_then(|m| m.payload)
                .is_some_and(|p| p.starts_with(SCHEMA_VERSION))
                && index.schema() == schema
        });
        let index = match existing {
            Some(index) => index,
            None => {
                // An index of another schema (or none): start again; it is derived data.
                for entry in std::fs::read_dir(dir).map_err(|e| bad(&e))?.flatten() {
                    let _removed = std::fs::remove_file(entry.path());
                }
                let index = Index::create_in_dir(dir, schema).map_err(|e| bad(&e))?;
                register(&index);
                let mut writer: IndexWriter = index.writer(50_000_000)?;
                let mut prepared = writer.prepare_commit()?;
                prepared.set_payload(&payload(0));
                prepared.commit()?;
                index
            }
        };
        register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Search {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            path: dir.to_path_buf(),
        })
    }

    /// The last audit event the index reflects.
    pub fn applied_seq(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .and_then(|p| p.split(' ').nth(1).and_then(|s| s.parse().ok()))
            .unwrap_or(0))
    }

    /// Number of documents in the index.
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index's size on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        std::fs::read_dir(&self.path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn with_writer<T>(
        &self,
        heap: usize,
        f: impl FnOnce(&mut IndexWriter) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.writer.lock().map_err(|_| Error::Busy)?;
        if guard.is_none() {
            *guard = Some(self.index.writer(heap).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::Busy,
                other => Error::Index(other),
            })?);
        }
        let writer = guard.as_mut().ok_or(Error::Busy)?;
        f(writer)
    }

    fn add_law(&self, writer: &IndexWriter, docs: &[IndexDocument]) -> Result<()> {
        let f = self.fields;
        for d in docs {
            let title = d.law.short_title.clone();
            let text = format!("{} {}", d.article.label, d.article.text());
            writer.add_document(doc!(
                f.id => format!("law:{}:{}", d.version_id, d.ordinal),
                f.kind => "law_article",
                f.group => d.law.id.as_str(),
                f.law => title.as_str(),
                f.law_id => d.law.id.as_str(),
                f.version => d.version_date.to_string(),
                f.version_id => d.version_id.as_str(),
                f.article => d.article.label.as_str(),
                f.level => d.law.level.code(),
                f.current => u64::from(d.current),
                f.rank => u64::from(d.law.level.rank()),
                f.title => title.as_str(),
                f.title_bi => title.as_str(),
                f.body => text.as_str(),
                f.body_bi => text.as_str(),
            ))?;
        }
        Ok(())
    }

    /// Applies the audit events since the last one applied: every law they touch is indexed
    /// again. Returns the number of laws re-indexed.
    pub async fn catch_up(&self, laws: &Laws) -> Result<usize> {
        // Another process (an import, a reindex) may have committed since: see its work first.
        self.reader.reload()?;
        let mut after = self.applied_seq()?;
        let mut touched: Vec<LawId> = Vec::new();
        loop {
            let events = db::audit::since(laws.db(), after, FOLLOWED, 5_000).await?;
            let Some(last) = events.last() else { break };
            after = last.seq;
            for e in &events {
                let law = match e.record_type.as_str() {
                    "law" => Some(e.record_id.clone()),
                    _ => serde_json::from_str::<serde_json::Value>(&e.changes)
                        .ok()
                        .and_then(|c| c.get("law_id").and_then(|v| v.as_str()).map(str::to_string)),
                };
                if let Some(id) = law.map(LawId::from_stored)
                    && !touched.contains(&id)
                {
                    touched.push(id);
                }
            }
        }
        if after == self.applied_seq()? {
            return Ok(0);
        }
        let today = kernel::time::china_today();
        let mut batches = Vec::new();
        for id in &touched {
            batches.push((id.clone(), laws.index_documents(id, today).await?));
        }
        let count = touched.len();
        self.with_writer(100_000_000, |writer| {
            for (id, docs) in &batches {
                writer.delete_term(Term::from_field_text(self.fields.group, id.as_str()));
                self.add_law(writer, docs)?;
            }
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(after));
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(count)
    }

    /// Drops every document and indexes every law again, up to the current audit event.
    pub async fn rebuild(&self, laws: &Laws, today: NaiveDate) -> Result<u64> {
        let (head, _) = db::audit::head(laws.db()).await?;
        let all = laws.laws().await?;
        let mut docs = Vec::new();
        for law in &all {
            docs.extend(laws.index_documents(&law.id, today).await?);
        }
        self.with_writer(200_000_000, |writer| {
            writer.delete_all_documents()?;
            self.add_law(writer, &docs)?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(head));
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(docs.len() as u64)
    }

    /// Picks up commits made by another process (the server's indexer, a CLI reindex).
    pub fn refresh(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }
}

fn register(index: &Index) {
    index
        .tokenizers()
        .register(analysis::UNIGRAM, TextAnalyzer::from(analysis::Unigrams));
    index
        .tokenizers()
        .register(analysis::BIGRAM, TextAnalyzer::from(analysis::Bigrams));
}

/// Reads a stored text field of a document.
pub(crate) fn text(doc: &TantivyDocument, field: Field) -> String {
    use tantivy::schema::Value;
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
