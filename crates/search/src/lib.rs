//! Search: one tantivy index of typed documents (law articles, power items; normative documents
//! join with their module), derived from the records and fed from the audit log by sequence
//! number. The index can be dropped and rebuilt (`fazhi search reindex`); each server
//! keeps its own and follows the log.
//!
//! Recall is exact: every query term is a phrase of character tokens (see [`analysis`]), so a
//! query finds every article that contains it, whitespace aside. Ranking is BM25 over character
//! bigrams, with the law's title boosted and higher levels and versions in force preferred.
//!
//! Each document says the days it holds for (`valid_from`, `valid_to`): a law article of any
//! version holds always (its `current` flag says whether it is in force), a power item's version
//! holds from its date to the next version's, so a query "as of" a day finds the list as it
//! stood then, and the public list changes on an adjustment's date without re-indexing.

pub mod analysis;
mod query;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;
use laws::{IndexDocument, LawId, Laws};
use power::{Item, Power};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

pub use query::{Hit, SearchQuery, SearchResults};

/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "fazhi-search-2";

/// Catch-up reads this many items at a time and commits after so many chunks (see `catch_up`).
const CHUNK: usize = 5_000;
const COMMIT_EVERY_CHUNKS: usize = 4;

/// The record types whose events concern the index.
const FOLLOWED: &[&str] = &["law", "law_version", "power_item", "power_adjustment"];

/// The document kinds.
pub const LAW_ARTICLE: &str = "law_article";
pub const POWER_ITEM: &str = "power_item";

/// Where the documents come from.
#[derive(Clone, Debug)]
pub struct Sources {
    pub laws: Laws,
    pub power: Power,
}

impl Sources {
    pub fn new(platform: platform::Platform) -> Sources {
        let power = Power::new(platform);
        Sources {
            laws: power.laws().clone(),
            power,
        }
    }

    fn db(&self) -> &db::Db {
        self.laws.db()
    }
}

/// A day as the number the index stores (days since 0001-01-01).
pub(crate) fn day_number(d: NaiveDate) -> u64 {
    u64::try_from(chrono::Datelike::num_days_from_ce(&d)).unwrap_or(0)
}

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
    Power(#[from] power::Error),
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
    pub valid_from: Field,
    pub valid_to: Field,
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
        valid_from: b.add_u64_field("valid_from", NumericOptions::default() | INDEXED | FAST),
        valid_to: b.add_u64_field("valid_to", NumericOptions::default() | INDEXED | FAST),
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
    /// A catch-up's items: this many to a chunk read and added, a commit every so many chunks.
    chunk: usize,
    commit_every: usize,
    /// The audit log's head when the last catch-up read it: while it has not moved there is
    /// nothing to look for.
    seen_head: std::sync::atomic::AtomicI64,
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
            chunk: CHUNK,
            commit_every: COMMIT_EVERY_CHUNKS,
            seen_head: std::sync::atomic::AtomicI64::new(-1),
        })
    }

    /// Catch-ups read `chunk` items at a time and commit every `commit_every` chunks (the
    /// defaults, 5,000 and 4, matter only past 20,000 items; tests make them small).
    pub fn with_chunks(mut self, chunk: usize, commit_every: usize) -> Search {
        self.chunk = chunk.max(1);
        self.commit_every = commit_every.max(1);
        self
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
                f.kind => LAW_ARTICLE,
                f.group => d.law.id.as_str(),
                f.law => title.as_str(),
                f.law_id => d.law.id.as_str(),
                f.version => d.version_date.to_string(),
                f.version_id => d.version_id.as_str(),
                f.article => d.article.label.as_str(),
                f.level => d.law.level.code(),
                f.current => u64::from(d.current),
                f.valid_from => 0u64,
                f.valid_to => u64::MAX,
                f.rank => u64::from(d.law.level.rank()),
                f.title => title.as_str(),
                f.title_bi => title.as_str(),
                f.body => text.as_str(),
                f.body_bi => text.as_str(),
            ))?;
        }
        Ok(())
    }

    /// A power item's versions in force (a 取消 version holds nothing): the item's code is its
    /// group, so its documents can be replaced at once.
    fn add_power(&self, writer: &IndexWriter, versions: &[Item]) -> Result<()> {
        let f = self.fields;
        for v in versions.iter().filter(|v| v.active) {
            let title = format!("{} {}", v.fields.name, v.fields.sub_name);
            let body = format!(
                "{} {} {} {} {} {} {}",
                v.code,
                v.fields.name,
                v.fields.sub_name,
                v.org_name,
                v.fields.handling_unit,
                v.fields.legal_basis,
                v.fields.responsibilities
            );
            writer.add_document(doc!(
                f.id => format!("power:{}", v.version_id),
                f.kind => POWER_ITEM,
                f.group => power_group(&v.code),
                f.law => v.org_name.as_str(),
                f.law_id => v.fields.org_id.as_str(),
                f.version => v.valid_from.to_string(),
                f.version_id => v.id.as_str(),
                f.article => v.code.as_str(),
                f.level => v.fields.item_type.code(),
                f.current => 1u64,
                f.rank => 0u64,
                f.valid_from => day_number(v.valid_from),
                f.valid_to => v.valid_to.map_or(u64::MAX, day_number),
                f.title => title.trim(),
                f.title_bi => title.trim(),
                f.body => body.as_str(),
                f.body_bi => body.as_str(),
            ))?;
        }
        Ok(())
    }

    /// [`Search::catch_up`] on a blocking thread (the server's follow loop): the index writer
    /// and the reads behind it are synchronous, and must not hold one of the async workers.
    pub async fn catch_up_aside(self: std::sync::Arc<Self>, sources: Sources) -> Result<usize> {
        db::offload(async move { self.catch_up(&sources).await }).await
    }

    /// Applies the audit events since the last one applied: every law and power item they touch
    /// is indexed again. Returns the number of laws and items re-indexed.
    pub async fn catch_up(&self, sources: &Sources) -> Result<usize> {
        // Another process (an import, a reindex) may have committed since: see its work first.
        self.reader.reload()?;
        // A server asks every 2 s. Looking for the followed events past the last applied one
        // reads the index of every event of those types (100 ms over a province's two million
        // events, on one of the two async workers: the tail of every page's latency); while the
        // head has not moved, one row says there is nothing new.
        let (head, _) = db::audit::head(sources.db()).await?;
        let seen = std::sync::atomic::Ordering::Relaxed;
        if self.seen_head.load(seen) == head {
            return Ok(0);
        }
        let caught_up = self.catch_up_to(sources).await;
        if caught_up.is_ok() {
            self.seen_head.store(head, seen);
        }
        caught_up
    }

    async fn catch_up_to(&self, sources: &Sources) -> Result<usize> {
        let before = self.applied_seq()?;
        let mut after = before;
        let mut touched: Vec<LawId> = Vec::new();
        let mut codes: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        loop {
            let events = db::audit::since(sources.db(), after, FOLLOWED, 5_000).await?;
            let Some(last) = events.last() else { break };
            after = last.seq;
            for e in &events {
                let changes = || serde_json::from_str::<serde_json::Value>(&e.changes).ok();
                let field = |name: &str| {
                    changes().and_then(|c| c.get(name).and_then(|v| v.as_str()).map(str::to_string))
                };
                match e.record_type.as_str() {
                    "law" | "law_version" => {
                        let law = if e.record_type == "law" {
                            Some(e.record_id.clone())
                        } else {
                            field("law_id")
                        };
                        if let Some(id) = law.map(LawId::from_stored)
                            && !touched.contains(&id)
                        {
                            touched.push(id);
                        }
                    }
                    _ => codes.extend(field("code")),
                }
            }
        }
        if after == self.applied_seq()? {
            return Ok(0);
        }
        let today = kernel::time::china_today();
        let codes: Vec<String> = codes.into_iter().collect();
        let count = touched.len() + codes.len();
        // A law or a few thousand items at a time into the writer (a province's catch-up from an
        // empty index is half a million items: read all at once they took a gigabyte). What the
        // writer holds grows with what it has not committed (~1.6 KB an item: 850 MiB for the
        // province), so the items are committed every 20,000 — under the sequence number the
        // index had before, so that a catch-up cut short is done again whole (deleting and adding
        // an item's documents again changes nothing) — and the new number goes with the last
        // commit. The province's peak: 244 MiB instead of 847, in 16.5 s instead of 15.9.
        for id in &touched {
            let docs = sources.laws.index_documents(id, today).await?;
            self.with_writer(100_000_000, |writer| {
                writer.delete_term(Term::from_field_text(self.fields.group, id.as_str()));
                self.add_law(writer, &docs)
            })?;
        }
        for (ci, chunk) in codes.chunks(self.chunk).enumerate() {
            let items = sources.power.index_versions(Some(chunk)).await?;
            self.with_writer(100_000_000, |writer| {
                for code in chunk {
                    writer
                        .delete_term(Term::from_field_text(self.fields.group, &power_group(code)));
                }
                self.add_power(writer, &items)?;
                if ci % self.commit_every == self.commit_every - 1 {
                    let mut prepared = writer.prepare_commit()?;
                    prepared.set_payload(&payload(before));
                    prepared.commit()?;
                }
                Ok(())
            })?;
        }
        self.with_writer(100_000_000, |writer| {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(after));
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(count)
    }

    /// Drops every document and indexes every law and power item again, up to the current
    /// audit event. Returns the number of documents.
    pub async fn rebuild(&self, sources: &Sources, today: NaiveDate) -> Result<u64> {
        let (head, _) = db::audit::head(sources.db()).await?;
        let all = sources.laws.laws().await?;
        let mut docs = Vec::new();
        for law in &all {
            docs.extend(sources.laws.index_documents(&law.id, today).await?);
        }
        let items = sources.power.index_versions(None).await?;
        let count = docs.len() + items.iter().filter(|v| v.active).count();
        self.with_writer(200_000_000, |writer| {
            writer.delete_all_documents()?;
            self.add_law(writer, &docs)?;
            self.add_power(writer, &items)?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload(head));
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(count as u64)
    }

    /// Picks up commits made by another process (the server's indexer, a CLI reindex).
    pub fn refresh(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }
}

fn power_group(code: &str) -> String {
    format!("power:{code}")
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
