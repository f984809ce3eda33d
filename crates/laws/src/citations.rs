//! The shared table of citations — which record of which module cites which article, as of which
//! version — and the impact of a new version or a repeal on the records that cite a law.

use std::collections::HashMap;

use chrono::NaiveDate;
use db::{Changes, DbError, Event, Params, Tx};
use serde::Serialize;

use crate::diff::{self, ChangeKind};
use crate::model::{ArticleNo, CitationId, LawId, LawStatus, VersionId};
use crate::resolve::{Resolution, Resolved};
use crate::{Laws, Result, store};

/// The record that cites: module, record type and id, and the organisation it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct CitingRecord<'a> {
    pub module: &'a str,
    pub record_type: &'a str,
    pub record_id: &'a str,
    pub org_id: Option<&'a str>,
}

/// A stored citation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub id: String,
    pub module: String,
    pub record_type: String,
    pub record_id: String,
    pub org_id: Option<String>,
    pub raw: String,
    pub law_id: Option<String>,
    pub version_id: Option<String>,
    pub article: Option<ArticleNo>,
    pub paragraph: Option<u32>,
    pub item: Option<u32>,
    pub resolved: bool,
    pub reason: Option<String>,
    pub cited_on: String,
}

/// What a later version or a repeal did to a cited article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Changed,
    Renumbered,
    Removed,
    Repealed,
}

impl Fate {
    pub fn label(self) -> &'static str {
        match self {
            Fate::Changed => "条文已修改",
            Fate::Renumbered => "条号已变动",
            Fate::Removed => "条文已删除",
            Fate::Repealed => "法律法规已废止",
        }
    }
}

/// A citing record affected by a change of the law it cites.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Impact {
    pub citation: Citation,
    pub fate: Fate,
    /// The article's number in the current version, when it moved.
    pub now: Option<ArticleNo>,
    pub similarity: Option<f64>,
    /// In words, for worklists: 第九条 → 第二十条（条号已变动，相似度0.78）.
    pub note: String,
}

fn read_citation(row: &db::Row) -> Result<Citation, DbError> {
    let number: Option<i64> = row.try_get(8)?;
    let suffix: Option<i64> = row.try_get(9)?;
    Ok(Citation {
        id: row.try_get(0)?,
        module: row.try_get(1)?,
        record_type: row.try_get(2)?,
        record_id: row.try_get(3)?,
        org_id: row.try_get(4)?,
        raw: row.try_get(5)?,
        law_id: row.try_get(6)?,
        version_id: row.try_get(7)?,
        article: number.map(|n| ArticleNo {
            number: n as u32,
            suffix: suffix.unwrap_or(0) as u32,
        }),
        paragraph: row.try_get::<Option<i64>, _>(10)?.map(|p| p as u32),
        item: row.try_get::<Option<i64>, _>(11)?.map(|p| p as u32),
        resolved: row.try_get::<i64, _>(12)? != 0,
        reason: row.try_get(13)?,
        cited_on: row.try_get(14)?,
    })
}

/// The references in words (行政许可法第十二条), as audit events record them.
fn summary(resolved: &[Resolved]) -> Vec<String> {
    resolved
        .iter()
        .map(|r| match (&r.law, &r.article) {
            (Some(l), Some(a)) => format!("{l}{a}"),
            (Some(l), None) => l.clone(),
            _ => r.raw.clone(),
        })
        .collect()
}

const SELECT: &str = "SELECT id, module, record_type, record_id, org_id, raw, law_id, version_id, article_number, \
     article_suffix, paragraph, item, resolved, reason, cited_on FROM citations";

/// Replaces a record's citations with `resolved` (read from its 设定依据 by a
/// [`crate::Resolver`] before the write), inside the caller's write job, and records the change.
pub async fn cite_record(
    tx: &mut Tx,
    record: CitingRecord<'_>,
    resolved: &[Resolved],
    on: NaiveDate,
) -> Result<(), DbError> {
    db::query("DELETE FROM citations WHERE module = $1 AND record_type = $2 AND record_id = $3")
        .bind(record.module)
        .bind(record.record_type)
        .bind(record.record_id)
        .execute(tx.conn())
        .await?;
    write_citations(tx, record, resolved, on).await?;
    tx.record(
        Event::new("citations", record.record_id, "update")
            .org(record.org_id)
            .changes(
                Changes::new()
                    .set("module", record.module)
                    .set("record_type", record.record_type)
                    .set("references", summary(resolved)),
            ),
    )
    .await?;
    Ok(())
}

/// The citations of a record created in this job (it has none yet): written without a separate
/// audit event. Returns the references in words, for the caller's own event (`references`),
/// which must record them.
pub async fn cite_new_record(
    tx: &mut Tx,
    record: CitingRecord<'_>,
    resolved: &[Resolved],
    on: NaiveDate,
) -> Result<Vec<String>, DbError> {
    write_citations(tx, record, resolved, on).await?;
    Ok(summary(resolved))
}

async fn write_citations(
    tx: &mut Tx,
    record: CitingRecord<'_>,
    resolved: &[Resolved],
    on: NaiveDate,
) -> Result<(), DbError> {
    let now = tx.now_text();
    for r in resolved {
        db::query(
            "INSERT INTO citations (id, module, record_type, record_id, org_id, raw, law_id, version_id, article_number, \
             article_suffix, paragraph, item, resolved, reason, cited_on, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(CitationId::generate().to_string())
        .bind(record.module)
        .bind(record.record_type)
        .bind(record.record_id)
        .bind(record.org_id)
        .bind(&r.raw)
        .bind(&r.law_id)
        .bind(&r.version_id)
        .bind(r.article_number.map(i64::from))
        .bind(r.article_suffix.map(i64::from))
        .bind(r.paragraph.map(i64::from))
        .bind(r.item.map(i64::from))
        .bind(i64::from(r.status == Resolution::Resolved))
        .bind(&r.reason)
        .bind(on.to_string())
        .bind(&now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

impl Laws {
    /// The citations of one record.
    pub async fn citations_of(
        &self,
        module: &str,
        record_type: &str,
        record_id: &str,
    ) -> Result<Vec<Citation>> {
        let mut q = Params::new(SELECT);
        q.push(" WHERE module = ")
            .bind(module)
            .push(" AND record_type = ")
            .bind(record_type);
        q.push(" AND record_id = ")
            .bind(record_id)
            .push(" ORDER BY created_at, id");
        Ok(q.fetch_all(&mut self.db().conn().await?)
            .await?
            .iter()
            .map(read_citation)
            .collect::<Result<_, _>>()?)
    }

    /// The citations of a law (optionally of one article), for the law page.
    pub async fn citations_of_law(
        &self,
        law: &LawId,
        article: Option<ArticleNo>,
    ) -> Result<Vec<Citation>> {
        let mut q = Params::new(SELECT);
        q.push(" WHERE law_id = ").bind(law.as_str());
        if let Some(a) = article {
            q.push(" AND article_number = ")
                .bind(i64::from(a.number))
                .push(" AND article_suffix = ")
                .bind(i64::from(a.suffix));
        }
        q.push(" ORDER BY module, record_type, record_id");
        Ok(q.fetch_all(&mut self.db().conn().await?)
            .await?
            .iter()
            .map(read_citation)
            .collect::<Result<_, _>>()?)
    }

    /// Every citing record of `law` whose cited article was changed, renumbered or removed by a
    /// later version, or whose law was repealed — the worklist of 动态调整.
    pub async fn impacts(&self, law: &LawId) -> Result<Vec<Impact>> {
        let law = self.law(law).await?;
        let citations: Vec<Citation> = self
            .citations_of_law(&law.id, None)
            .await?
            .into_iter()
            .filter(|c| c.resolved)
            .collect();
        if citations.is_empty() {
            return Ok(Vec::new());
        }
        if law.status == LawStatus::Repealed {
            let when = law
                .repealed_on
                .map(|d| format!("于{d}"))
                .unwrap_or_default();
            return Ok(citations
                .into_iter()
                .map(|c| Impact {
                    note: format!("《{}》已{when}废止", law.short_title),
                    citation: c,
                    fate: Fate::Repealed,
                    now: None,
                    similarity: None,
                })
                .collect());
        }
        let mut conn = self.db().conn().await?;
        let versions = store::versions(&mut conn, &law.id).await?;
        let Some(latest) = versions.last() else {
            return Ok(Vec::new());
        };
        let latest_articles = store::articles(&mut conn, &latest.id).await?;
        let mut diffs: HashMap<String, Vec<diff::Change>> = HashMap::new();
        let mut out = Vec::new();
        for c in citations {
            let (Some(version), Some(article)) = (c.version_id.clone(), c.article) else {
                continue;
            };
            if version == latest.id.as_str() {
                continue;
            }
            if !diffs.contains_key(&version) {
                let old =
                    store::articles(&mut conn, &VersionId::from_stored(version.clone())).await?;
                diffs.insert(version.clone(), diff::diff(&old, &latest_articles));
            }
            let Some(change) = diffs[&version].iter().find(|ch| ch.old == Some(article)) else {
                continue;
            };
            let (fate, now) = match change.kind {
                ChangeKind::Unchanged => continue,
                ChangeKind::Changed => (Fate::Changed, change.new),
                ChangeKind::Renumbered => (Fate::Renumbered, change.new),
                ChangeKind::Removed | ChangeKind::Added => (Fate::Removed, None),
            };
            let note = match now {
                Some(n) if fate == Fate::Renumbered => {
                    format!(
                        "{} → {}（{}，相似度{:.2}，{}版）",
                        article.label(),
                        n.label(),
                        fate.label(),
                        change.similarity,
                        latest.version_date
                    )
                }
                _ => format!(
                    "{}（{}，{}版）",
                    article.label(),
                    fate.label(),
                    latest.version_date
                ),
            };
            out.push(Impact {
                citation: c,
                fate,
                now,
                similarity: (fate != Fate::Removed).then_some(change.similarity),
                note,
            });
        }
        Ok(out)
    }
}
