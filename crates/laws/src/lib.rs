//! 法规库: the laws every power item, normative document and enforcement decision rests on —
//! their versions and articles, whether they are in force on a date, the citations people type
//! (设定依据) read into references, and what a new version or a repeal does to the records that
//! cite it. The door is [`Laws`].

mod citations;
pub mod cite;
pub mod diff;
mod import;
pub mod model;
pub mod numerals;
pub mod parse;
mod resolve;
mod store;

use chrono::NaiveDate;
use db::{Changes, Db, DbError, Event};
use kernel::{ErrorCode, Permission, Role};
use platform::{Actor, Platform, Scope};
use serde::Deserialize;

pub use citations::{Citation, CitingRecord, Fate, Impact, cite_new_record, cite_record};
pub use import::{CorpusSummary, Progress, Skipped, short_title};
pub use model::{
    Article, ArticleNo, CitationId, Law, LawId, LawLevel, LawStatus, Version, VersionId,
};
pub use resolve::{Resolution, Resolved, Resolver};

/// The door to the law base.
#[derive(Clone, Debug)]
pub struct Laws {
    platform: Platform,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("未找到{0}")]
    NotFound(String),
    #[error(transparent)]
    Platform(#[from] platform::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Platform(e) => e.code(),
            Error::Db(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One article as the search index holds it.
#[derive(Clone, Debug)]
pub struct IndexDocument {
    pub law: Law,
    pub version_id: VersionId,
    pub version_date: NaiveDate,
    pub ordinal: usize,
    /// The version is the one in force (and the law is not repealed).
    pub current: bool,
    pub article: Article,
}

/// A repeal stated as a fact (data/repealed.toml).
#[derive(Clone, Debug, Deserialize)]
struct RepealFact {
    short_title: String,
    title: String,
    level: String,
    repealed_on: NaiveDate,
    successor: String,
    basis: String,
}

#[derive(Debug, Deserialize)]
struct RepealFacts {
    repeal: Vec<RepealFact>,
}

impl Laws {
    pub fn new(platform: Platform) -> Laws {
        Laws { platform }
    }

    pub fn db(&self) -> &Db {
        self.platform.db()
    }

    /// Every law, by short title.
    pub async fn laws(&self) -> Result<Vec<Law>> {
        let mut conn = self.db().conn().await?;
        let mut laws = store::all_laws(&mut conn).await?;
        laws.sort_by(|a, b| a.short_title.cmp(&b.short_title));
        Ok(laws)
    }

    pub async fn law(&self, id: &LawId) -> Result<Law> {
        let mut conn = self.db().conn().await?;
        store::law(&mut conn, id)
            .await?
            .ok_or_else(|| Error::NotFound("该法律法规".into()))
    }

    /// A law by its short title or full title (with or without 中华人民共和国).
    pub async fn law_named(&self, name: &str) -> Result<Law> {
        let wanted = short_title(name.trim().trim_start_matches('《').trim_end_matches('》'));
        self.laws()
            .await?
            .into_iter()
            .find(|l| l.short_title == wanted || short_title(&l.title) == wanted)
            .ok_or_else(|| Error::NotFound(format!("法律法规“{name}”")))
    }

    /// Versions of a law, oldest first.
    pub async fn versions(&self, law: &LawId) -> Result<Vec<Version>> {
        let mut conn = self.db().conn().await?;
        Ok(store::versions(&mut conn, law).await?)
    }

    pub async fn articles(&self, version: &VersionId) -> Result<Vec<Article>> {
        let mut conn = self.db().conn().await?;
        Ok(store::articles(&mut conn, version).await?)
    }

    /// What the search index holds for one law: every article of every version, with whether
    /// that version is the one in force on `today`.
    pub async fn index_documents(
        &self,
        law: &LawId,
        today: NaiveDate,
    ) -> Result<Vec<IndexDocument>> {
        let mut conn = self.db().conn().await?;
        let Some(law) = store::law(&mut conn, law).await? else {
            return Ok(Vec::new());
        };
        let versions = store::versions(&mut conn, &law.id).await?;
        let in_force = versions
            .iter()
            .rev()
            .find(|v| v.effective_on <= today)
            .map(|v| v.id.clone());
        let mut out = Vec::new();
        for version in &versions {
            let current =
                law.status == LawStatus::Current && in_force.as_ref() == Some(&version.id);
            for (ordinal, article) in store::articles(&mut conn, &version.id)
                .await?
                .into_iter()
                .enumerate()
            {
                out.push(IndexDocument {
                    law: law.clone(),
                    version_id: version.id.clone(),
                    version_date: version.version_date,
                    ordinal,
                    current,
                    article,
                });
            }
        }
        Ok(out)
    }

    /// The article-level difference between two versions of a law, given by their version dates.
    pub async fn diff_versions(
        &self,
        name: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<diff::Change>> {
        let law = self.law_named(name).await?;
        let versions = self.versions(&law.id).await?;
        let known = versions
            .iter()
            .map(|v| v.version_date.to_string())
            .collect::<Vec<_>>()
            .join("、");
        let find = |date: NaiveDate| {
            versions
                .iter()
                .find(|v| v.version_date == date)
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "《{}》{date}版（已有版本：{known}）",
                        law.short_title
                    ))
                })
        };
        let old = self.articles(&find(from)?.id).await?;
        let new = self.articles(&find(to)?.id).await?;
        Ok(diff::diff(&old, &new))
    }

    /// Records the laws repealed without a text in the corpus (the 民法典's repeals); idempotent.
    pub async fn ensure_facts(&self, actor: &Actor) -> Result<usize> {
        let facts: RepealFacts = toml::from_str(include_str!("../data/repealed.toml"))
            .map_err(|e| Error::Invalid(format!("废止事实数据有误：{e}")))?;
        let mut conn = self.db().conn().await?;
        let known: Vec<Law> = store::all_laws(&mut conn).await?;
        drop(conn);
        let missing: Vec<&RepealFact> = facts
            .repeal
            .iter()
            .filter(|f| !known.iter().any(|l| l.short_title == f.short_title))
            .collect();
        if missing.is_empty() {
            return Ok(0);
        }
        let count = missing.len();
        let laws: Vec<(Law, RepealFact)> = missing
            .into_iter()
            .map(|fact| {
                let law = Law {
                    id: LawId::generate(),
                    title: fact.title.clone(),
                    short_title: fact.short_title.clone(),
                    level: LawLevel::from_code(&fact.level).unwrap_or(LawLevel::Law),
                    issuer: None,
                    category: None,
                    status: LawStatus::Repealed,
                    repealed_on: Some(fact.repealed_on),
                    successor: Some(fact.successor.clone()),
                    note: Some(format!("依据{}废止", fact.basis)),
                };
                (law, fact.clone())
            })
            .collect();
        self.db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    for (law, fact) in &laws {
                        store::insert_law(tx, law).await?;
                        tx.record(
                            Event::new("law", law.id.as_str(), "create").changes(
                                Changes::new()
                                    .set("title", &law.title)
                                    .set("status", law.status.code())
                                    .set("repealed_on", fact.repealed_on.to_string())
                                    .set("successor", &fact.successor)
                                    .set("basis", &fact.basis),
                            ),
                        )
                        .await?;
                    }
                    Ok::<_, db::DbError>(())
                })
            })
            .await?;
        Ok(count)
    }

    /// The law base is the statute as the state publishes it, shared by every organisation: its
    /// amendments and repeals are recorded by the legal-affairs staff whose reach is the whole
    /// tree (and the command line), not by any account that may write records — a town officer
    /// made a fake 第一条 the text in force, and a repeal dated 2999 showed at once as 已废止.
    async fn require_editor(&self, actor: &Actor, record_id: &str) -> Result<()> {
        self.platform
            .require(actor, Permission::WriteRecords, "law", record_id)
            .await?;
        if actor.scope == Scope::Everything {
            return Ok(());
        }
        let top = self
            .platform
            .directory()
            .await?
            .into_iter()
            .find(|o| o.parent_id.is_none());
        if actor.role == Some(Role::LegalAffairs)
            && top.is_some_and(|t| actor.scope.contains(&t.path))
        {
            return Ok(());
        }
        let refusal = platform::Error::Forbidden(
            "法规库的修正和废止由最上级司法行政机关的法制工作人员录入".into(),
        );
        let event = Event::new("law", record_id, "denied")
            .org(actor.org_id.as_ref().map(|o| o.as_str()))
            .changes(Changes::new().set("reason", refusal.to_string()));
        self.platform.db().record(&actor.who(), event).await?;
        Err(refusal.into())
    }

    /// Records by hand a new version of a law (an amendment or revision adopted on
    /// `version_date`, in force from `effective_on`) with its text: the articles as the statute
    /// prints them (第一条 …), optionally with chapter headings on their own lines (第一章 总则, as
    /// printed, or ## 第一章 …) and a `# 标题` line.
    pub async fn record_amendment(
        &self,
        actor: &Actor,
        id: &LawId,
        version_date: NaiveDate,
        effective_on: NaiveDate,
        text: &str,
    ) -> Result<Version> {
        self.require_editor(actor, id.as_str()).await?;
        let law = self.law(id).await?;
        if effective_on < version_date {
            return Err(Error::Invalid("施行日期不能早于通过（修订）日期".into()));
        }
        let marker = ["<!-- INFO", " END -->"].concat();
        let body = text.split_once(&marker).map(|(_, b)| b).unwrap_or(text);
        let title = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("# "))
            .unwrap_or(&law.title)
            .trim()
            .to_string();
        let history = format!(
            "{}年{}月{}日 修订（手工登记）",
            version_date.format("%Y"),
            version_date.format("%-m"),
            version_date.format("%-d")
        );
        let body = parse::mark_headings(body);
        let parsed =
            parse::parse_markdown(&format!("# {title}\n\n{history}\n\n{marker}\n\n{body}"))
                .map_err(Error::Invalid)?;
        if parsed.articles.iter().all(|a| a.no.number == 0) {
            return Err(Error::Invalid(
                "没有识别到条文：每条应以“第X条”开头，后接空格".into(),
            ));
        }
        let mut conn = self.db().conn().await?;
        if store::versions(&mut conn, id)
            .await?
            .iter()
            .any(|v| v.version_date == version_date)
        {
            return Err(Error::Invalid(format!(
                "《{}》已有{version_date}版",
                law.short_title
            )));
        }
        drop(conn);
        let version_id = VersionId::generate();
        let hash = parsed.content_hash();
        let row = store::NewVersion {
            id: version_id.clone(),
            law_id: id.clone(),
            version_date,
            effective_on,
            title: parsed.title,
            history: parsed.history,
            content_hash: hash,
            source: "手工登记".into(),
            articles: parsed.articles,
        };
        self.db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::insert_version(tx, &row).await?;
                    tx.record(
                        Event::new("law_version", row.id.as_str(), "amend").changes(
                            Changes::new()
                                .set("law_id", row.law_id.as_str())
                                .set("version_date", row.version_date.to_string())
                                .set("effective_on", row.effective_on.to_string())
                                .set("articles", row.articles.len())
                                .set("content_hash", &row.content_hash),
                        ),
                    )
                    .await
                })
            })
            .await?;
        let versions = self.versions(id).await?;
        versions
            .into_iter()
            .find(|v| v.id == version_id)
            .ok_or_else(|| Error::NotFound("新版本".into()))
    }

    /// Records by hand that a law was repealed on `date` (staff of the legal-affairs office).
    pub async fn record_repeal(
        &self,
        actor: &Actor,
        id: &LawId,
        date: NaiveDate,
        successor: Option<String>,
        basis: &str,
    ) -> Result<Law> {
        self.require_editor(actor, id.as_str()).await?;
        let law = self.law(id).await?;
        if basis.trim().is_empty() {
            return Err(Error::Invalid("请写明废止依据（文件名称和文号）".into()));
        }
        let mut repealed = law.clone();
        repealed.status = LawStatus::Repealed;
        repealed.repealed_on = Some(date);
        repealed.successor = successor.filter(|s| !s.trim().is_empty());
        repealed.note = Some(format!("依据{}废止", basis.trim()));
        let (written, basis) = (repealed.clone(), basis.trim().to_string());
        self.db()
            .write(&actor.who(), move |tx| {
                Box::pin(async move {
                    store::update_law(tx, &written).await?;
                    tx.record(
                        Event::new("law", written.id.as_str(), "repeal").changes(
                            Changes::new()
                                .change("status", law.status.code(), written.status.code())
                                .set("repealed_on", date.to_string())
                                .set("successor", &written.successor)
                                .set("basis", basis),
                        ),
                    )
                    .await
                })
            })
            .await?;
        Ok(repealed)
    }
}
