//! `fazhi laws import DIR`: the Markdown corpus into the law base.
//!
//! Idempotent: a version is identified by its law and version date and carries the SM3 hash of
//! its text; the same text again changes nothing, a newer corpus adds versions, a corrected text
//! replaces its version. A file that cannot be read is listed with its reason and skipped; the
//! rest is imported in transactions of a few dozen versions, each with its audit events.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use db::{Changes, Event};
use kernel::Permission;
use platform::Actor;
use serde::Serialize;

use crate::model::{Law, LawId, LawLevel, LawStatus, VersionId};
use crate::parse::{ParsedVersion, chinese_date, parse_file_name, parse_markdown};
use crate::store::{self, NewVersion};
use crate::{Error, Laws, Result};

/// A file that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CorpusSummary {
    pub files: usize,
    pub laws_created: usize,
    pub versions_created: usize,
    pub versions_updated: usize,
    pub versions_unchanged: usize,
    /// The same version found twice in the corpus (identical text): counted once.
    pub duplicates: usize,
    pub articles_written: usize,
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
}

/// The corpus's metadata (db.sqlite3, table `law`) for one law version.
#[derive(Clone, Debug, Default)]
struct Meta {
    level: String,
    publish: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    expired: bool,
}

/// One version as found in the corpus, ready to write.
struct Found {
    path: String,
    key: String,
    level: LawLevel,
    issuer: Option<String>,
    category: String,
    version_date: NaiveDate,
    effective_on: NaiveDate,
    expired: bool,
    parsed: ParsedVersion,
}

/// Progress of a long import, for the command line's bar.
pub trait Progress: Send {
    fn stage(&mut self, name: &str, total: usize);
    fn advance(&mut self, done: usize);
}

impl Progress for () {
    fn stage(&mut self, _: &str, _: usize) {}
    fn advance(&mut self, _: usize) {}
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn parse_date(text: Option<String>) -> Option<NaiveDate> {
    text.filter(|t| !t.is_empty())
        .and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
}

/// Reads every db.sqlite3 of the corpus, read-only, through the bundled SQLite.
async fn read_metadata(files: &[PathBuf]) -> Result<HashMap<String, Vec<Meta>>> {
    let mut out: HashMap<String, Vec<Meta>> = HashMap::new();
    for path in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "db.sqlite3"))
    {
        let rows = db::read_sqlite_file(
            path,
            "SELECT name, level, CAST(publish AS TEXT), CAST(valid_from AS TEXT), expired FROM law",
        )?;
        for row in rows {
            let name: String = row.try_get(0)?;
            out.entry(name.trim().to_string()).or_default().push(Meta {
                level: row.try_get(1)?,
                publish: parse_date(row.try_get(2)?),
                valid_from: parse_date(row.try_get(3)?),
                expired: row.try_get::<i64, _>(4)? != 0,
            });
        }
    }
    Ok(out)
}

fn level_of(meta: Option<&str>, top: &str) -> LawLevel {
    match meta {
        Some("宪法") => LawLevel::Constitution,
        Some("法律") => LawLevel::Law,
        Some("行政法规") => LawLevel::AdministrativeRegulation,
        Some("司法解释") => LawLevel::JudicialInterpretation,
        Some("部门规章") => LawLevel::DepartmentalRule,
        Some("地方性法规") => LawLevel::LocalRegulation,
        Some("地方政府规章") => LawLevel::LocalGovernmentRule,
        Some("其他") => LawLevel::NormativeDocument,
        _ => match top {
            "宪法" => LawLevel::Constitution,
            "行政法规" => LawLevel::AdministrativeRegulation,
            "司法解释" => LawLevel::JudicialInterpretation,
            "部门规章" => LawLevel::DepartmentalRule,
            "DLC" => LawLevel::LocalRegulation,
            "其他" => LawLevel::NormativeDocument,
            _ => LawLevel::Law,
        },
    }
}

/// Who made it, as far as the corpus says.
fn issuer_of(level: LawLevel, title: &str, history: &[String], folders: &[&str]) -> Option<String> {
    let congress = "人民代表大会常务委员会";
    match level {
        LawLevel::AdministrativeRegulation => Some("国务院".into()),
        LawLevel::JudicialInterpretation => {
            let court = title.contains("最高人民法院");
            let procuratorate = title.contains("最高人民检察院");
            match (court, procuratorate) {
                (true, true) => Some("最高人民法院、最高人民检察院".into()),
                (true, false) => Some("最高人民法院".into()),
                (false, true) => Some("最高人民检察院".into()),
                _ => None,
            }
        }
        LawLevel::DepartmentalRule => folders.get(1).map(|s| s.to_string()),
        LawLevel::Constitution | LawLevel::Law | LawLevel::LocalRegulation => {
            history.iter().find_map(|line| {
                if level != LawLevel::LocalRegulation && line.contains("全国人民代表大会常务委员会")
                {
                    return Some("全国人民代表大会常务委员会".to_string());
                }
                if level != LawLevel::LocalRegulation && line.contains("全国人民代表大会") {
                    return Some("全国人民代表大会".to_string());
                }
                let at = line.find(congress)?;
                let before = line[..at].rsplit([' ', '\u{3000}']).next().unwrap_or("");
                // 重庆市第一届 → 重庆市
                let place = before.split('第').next().unwrap_or(before);
                (!place.is_empty()).then(|| format!("{place}{congress}"))
            })
        }
        _ => None,
    }
}

/// The short title: the title without 中华人民共和国.
pub fn short_title(title: &str) -> String {
    title
        .trim()
        .trim_start_matches("中华人民共和国")
        .trim()
        .to_string()
}

impl Laws {
    /// Imports the corpus under `dir`.
    pub async fn import_corpus(
        &self,
        actor: &Actor,
        dir: &Path,
        progress: &mut dyn Progress,
    ) -> Result<CorpusSummary> {
        self.platform
            .require(actor, Permission::WriteRecords, "law", "import")
            .await?;
        let started = Instant::now();
        let mut all = Vec::new();
        files_under(dir, &mut all)
            .map_err(|e| Error::Invalid(format!("无法读取目录 {}：{e}", dir.display())))?;
        all.sort();
        let meta = read_metadata(&all).await?;
        let markdown: Vec<&PathBuf> = all
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n == "_index.md" || n == "README.md")
            })
            .collect();
        let mut summary = CorpusSummary {
            files: markdown.len(),
            ..Default::default()
        };

        progress.stage("解析", markdown.len());
        let mut found: Vec<Found> = Vec::new();
        for (i, path) in markdown.iter().enumerate() {
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .to_string_lossy()
                .to_string();
            match read_one(path, &rel, &meta) {
                Ok(f) => found.push(f),
                Err(reason) => summary.skipped.push(Skipped { path: rel, reason }),
            }
            progress.advance(i + 1);
        }
        let versions = merge_parts(found, &mut summary);

        let mut conn = self.db().conn().await?;
        let mut laws: HashMap<String, Law> = store::all_laws(&mut conn)
            .await?
            .into_iter()
            .map(|l| (l.short_title.clone(), l))
            .collect();
        let mut existing: HashMap<(String, NaiveDate), (VersionId, String)> =
            store::version_keys(&mut conn)
                .await?
                .into_iter()
                .map(|(law, date, id, hash)| ((law, date), (id, hash)))
                .collect();
        drop(conn);

        progress.stage("写入", versions.len());
        let mut done = 0;
        let mut versions = versions;
        for batch in versions.chunks_mut(40) {
            // What this batch writes, decided here; the writer then writes it as one job.
            let mut ops: Vec<Op> = Vec::new();
            for f in batch.iter_mut() {
                let law = match laws.get(&f.key) {
                    Some(law) => {
                        let mut updated = law.clone();
                        updated.title = f.parsed.title.clone();
                        updated.level = f.level;
                        updated.issuer = f.issuer.clone().or(law.issuer.clone());
                        updated.category = Some(f.category.clone());
                        if updated != *law {
                            ops.push(Op::UpdateLaw(law.clone(), updated.clone()));
                        }
                        updated
                    }
                    None => {
                        let law = Law {
                            id: LawId::generate(),
                            title: f.parsed.title.clone(),
                            short_title: f.key.clone(),
                            level: f.level,
                            issuer: f.issuer.clone(),
                            category: Some(f.category.clone()),
                            status: LawStatus::Current,
                            repealed_on: None,
                            successor: None,
                            note: None,
                        };
                        ops.push(Op::InsertLaw(law.clone()));
                        summary.laws_created += 1;
                        law
                    }
                };
                laws.insert(f.key.clone(), law.clone());
                let hash = f.parsed.content_hash();
                let key = (law.id.to_string(), f.version_date);
                let (id, replace) = match existing.get(&key) {
                    Some((_, old)) if *old == hash => {
                        summary.versions_unchanged += 1;
                        continue;
                    }
                    Some((id, _)) => (id.clone(), true),
                    None => (VersionId::generate(), false),
                };
                if replace {
                    summary.versions_updated += 1;
                } else {
                    summary.versions_created += 1;
                }
                summary.articles_written += f.parsed.articles.len();
                existing.insert(key, (id.clone(), hash.clone()));
                ops.push(Op::Version {
                    replace,
                    row: NewVersion {
                        id,
                        law_id: law.id.clone(),
                        version_date: f.version_date,
                        effective_on: f.effective_on,
                        title: f.parsed.title.clone(),
                        history: f.parsed.history.clone(),
                        content_hash: hash,
                        source: f.path.clone(),
                        // Written once: the articles move into the job.
                        articles: std::mem::take(&mut f.parsed.articles),
                    },
                });
            }
            if !ops.is_empty() {
                self.db()
                    .write(&actor.who(), move |tx| {
                        Box::pin(async move { write_ops(tx, &ops).await })
                    })
                    .await?;
            }
            done += batch.len();
            progress.advance(done);
        }
        self.mark_expired(actor, &versions, &laws).await?;
        self.ensure_facts(actor).await?;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// A law whose latest corpus version is marked expired is recorded as repealed (never the
    /// other way round: a repeal recorded by hand stays).
    async fn mark_expired(
        &self,
        actor: &Actor,
        versions: &[Found],
        laws: &HashMap<String, Law>,
    ) -> Result<()> {
        let mut latest: BTreeMap<&str, &Found> = BTreeMap::new();
        for f in versions {
            let entry = latest.entry(f.key.as_str()).or_insert(f);
            if f.version_date > entry.version_date {
                *entry = f;
            }
        }
        let expired: Vec<&Law> = latest
            .values()
            .filter(|f| f.expired)
            .filter_map(|f| laws.get(&f.key))
            .filter(|l| l.status == LawStatus::Current)
            .collect();
        if expired.is_empty() {
            return Ok(());
        }
        let expired: Vec<Law> = expired.into_iter().cloned().collect();
        self.db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for law in &expired {
                        let mut repealed = law.clone();
                        repealed.status = LawStatus::Repealed;
                        repealed.note = Some("法规库语料标注为已失效".into());
                        store::update_law(tx, &repealed).await?;
                        tx.record(
                            Event::new("law", law.id.as_str(), "repeal").changes(
                                Changes::new()
                                    .change("status", law.status.code(), repealed.status.code())
                                    .set("basis", "corpus"),
                            ),
                        )
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(())
    }
}

/// A write of the import, decided before the writer runs it.
enum Op {
    InsertLaw(Law),
    UpdateLaw(Law, Law),
    Version { replace: bool, row: NewVersion },
}

async fn write_ops(tx: &mut db::Tx, ops: &[Op]) -> Result<(), db::DbError> {
    for op in ops {
        match op {
            Op::InsertLaw(law) => {
                store::insert_law(tx, law).await?;
                tx.record(
                    Event::new("law", law.id.as_str(), "create").changes(
                        Changes::new()
                            .set("title", &law.title)
                            .set("level", law.level.label())
                            .set("issuer", &law.issuer),
                    ),
                )
                .await?;
            }
            Op::UpdateLaw(law, updated) => {
                store::update_law(tx, updated).await?;
                tx.record(
                    Event::new("law", law.id.as_str(), "update").changes(
                        Changes::new()
                            .change("title", &law.title, &updated.title)
                            .change("level", law.level.label(), updated.level.label()),
                    ),
                )
                .await?;
            }
            Op::Version { replace, row } => {
                let action = if *replace {
                    store::replace_version(tx, row).await?;
                    "update"
                } else {
                    store::insert_version(tx, row).await?;
                    "import"
                };
                tx.record(
                    Event::new("law_version", row.id.as_str(), action).changes(
                        Changes::new()
                            .set("law_id", row.law_id.as_str())
                            .set("version_date", row.version_date.to_string())
                            .set("effective_on", row.effective_on.to_string())
                            .set("articles", row.articles.len())
                            .set("content_hash", &row.content_hash)
                            .set("source", &row.source),
                    ),
                )
                .await?;
            }
        }
    }
    Ok(())
}

fn read_one(path: &Path, rel: &str, meta: &HashMap<String, Vec<Meta>>) -> Result<Found, String> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (name, file_date) =
        parse_file_name(&file_name).ok_or("文件名不是 名称(YYYY-MM-DD).md 的形式")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("无法读取：{e}"))?;
    let parsed = parse_markdown(&text)?;
    let candidates = meta.get(&name).map(Vec::as_slice).unwrap_or(&[]);
    let m = match file_date {
        Some(d) => candidates.iter().find(|m| m.publish == Some(d)),
        None if candidates.len() == 1 => candidates.first(),
        None => None,
    };
    let version_date = file_date
        .or(m.and_then(|m| m.publish))
        .or(parsed.first_history_date())
        .ok_or("无法确定版本日期（文件名、元数据和沿革中都没有日期）")?;
    let effective_on = m
        .and_then(|m| m.valid_from)
        .or_else(|| {
            parsed
                .history
                .iter()
                .filter(|l| l.contains("施行"))
                .find_map(|l| chinese_date(l))
        })
        .unwrap_or(version_date);
    let folders: Vec<&str> = rel.split('/').collect();
    let top = folders.first().copied().unwrap_or("");
    let category = if top == "DLC" {
        folders.get(1).copied().unwrap_or(top)
    } else {
        top
    }
    .to_string();
    let level = level_of(m.map(|m| m.level.as_str()), top);
    let issuer = issuer_of(level, &parsed.title, &parsed.history, &folders);
    Ok(Found {
        path: rel.to_string(),
        key: name,
        level,
        issuer,
        category,
        version_date,
        effective_on,
        expired: m.is_some_and(|m| m.expired),
        parsed,
    })
}

/// Joins the parts of one law kept in several undated files under the same title (the 民法典's
/// 编), and folds duplicate files of the same version.
fn merge_parts(found: Vec<Found>, summary: &mut CorpusSummary) -> Vec<Found> {
    // Parts: undated file names sharing a title within one folder.
    let folder = |p: &str| {
        p.rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    };
    let mut by_title: HashMap<(String, String), usize> = HashMap::new();
    for f in &found {
        if !f.path.contains('(') {
            *by_title
                .entry((folder(&f.path), f.parsed.title.clone()))
                .or_default() += 1;
        }
    }
    let mut grouped: BTreeMap<(String, NaiveDate), Vec<Found>> = BTreeMap::new();
    for mut f in found {
        if !f.path.contains('(')
            && by_title
                .get(&(folder(&f.path), f.parsed.title.clone()))
                .is_some_and(|n| *n > 1)
        {
            f.key = short_title(&f.parsed.title);
        }
        grouped
            .entry((f.key.clone(), f.version_date))
            .or_default()
            .push(f);
    }
    let mut out = Vec::new();
    for ((key, _), mut group) in grouped {
        if group.len() == 1 {
            out.extend(group);
            continue;
        }
        let parts = group.iter().all(|f| !f.path.contains('('))
            && group.iter().all(|f| {
                f.key
                    != parse_file_name(f.path.rsplit('/').next().unwrap_or(""))
                        .map(|n| n.0)
                        .unwrap_or_default()
            });
        if parts {
            group.sort_by_key(|f| {
                f.parsed
                    .articles
                    .iter()
                    .map(|a| a.no)
                    .filter(|n| n.number > 0)
                    .min()
            });
            let mut first = group.remove(0);
            for part in group {
                first
                    .parsed
                    .articles
                    .extend(part.parsed.articles.into_iter().filter(|a| a.no.number > 0));
                first.path = format!("{}；{}", first.path, part.path);
            }
            first.parsed.articles.sort_by_key(|a| a.no);
            first.parsed.articles.dedup_by_key(|a| a.no);
            first.key = key;
            out.push(first);
        } else {
            let first = group.remove(0);
            let hash = first.parsed.content_hash();
            for other in group {
                if other.parsed.content_hash() == hash {
                    summary.duplicates += 1;
                } else {
                    summary.skipped.push(Skipped {
                        path: other.path,
                        reason: format!("与 {} 版本日期相同而内容不同，保留前者", first.path),
                    });
                }
            }
            out.push(first);
        }
    }
    out
}
