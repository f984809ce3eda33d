//! Resolving references to the version in force on a date: the law, its version, the article,
//! 款 and 项 — or the reason it cannot be resolved (unknown law, not yet in force, repealed,
//! article beyond the last, no such 款).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cite::{self, Reference};
use crate::import::short_title;
use crate::model::{Article, ArticleNo, Law, LawStatus, Version};
use crate::{Laws, Result, store};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Resolved,
    Unresolved,
}

/// A reference and what it resolved to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub raw: String,
    pub status: Resolution,
    /// Why it is unresolved.
    pub reason: Option<String>,
    /// The law's short title in the law base (行政许可法), or the name as written when unknown.
    pub law: Option<String>,
    pub law_title: Option<String>,
    pub law_id: Option<String>,
    /// The version in force on the date: its version date and effective date.
    pub version: Option<String>,
    pub version_id: Option<String>,
    pub effective_on: Option<String>,
    pub article: Option<String>,
    pub article_number: Option<u32>,
    pub article_suffix: Option<u32>,
    /// 款 and 项.
    pub paragraph: Option<u32>,
    pub item: Option<u32>,
    /// The text cited: the 款 or 项 when given, else the whole article.
    pub text: Option<String>,
}

impl Resolved {
    fn from(reference: &Reference) -> Resolved {
        Resolved {
            raw: reference.raw.clone(),
            status: Resolution::Unresolved,
            reason: None,
            law: reference.law.clone(),
            law_title: None,
            law_id: None,
            version: None,
            version_id: None,
            effective_on: None,
            article: reference.article.map(ArticleNo::label),
            article_number: reference.article.map(|a| a.number),
            article_suffix: reference.article.map(|a| a.suffix),
            paragraph: reference.paragraph,
            item: reference.item,
            text: None,
        }
    }

    fn unresolved(mut self, reason: impl Into<String>) -> Resolved {
        self.status = Resolution::Unresolved;
        self.reason = Some(reason.into());
        self
    }
}

/// An article's 款 (paragraphs) and, under each, its 项 (lines starting （一）).
fn structure(article: &Article) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for p in &article.paragraphs {
        let is_item = p.starts_with('（')
            && p.chars()
                .nth(1)
                .is_some_and(|c| "一二三四五六七八九十".contains(c));
        match (is_item, out.last_mut()) {
            (true, Some((_, items))) => items.push(p.clone()),
            _ => out.push((p.clone(), Vec::new())),
        }
    }
    out
}

/// The laws by the names a text may use: short title (also as derived from the full title), and
/// full title.
#[derive(Default)]
struct Names {
    short: HashMap<String, Vec<usize>>,
    full: HashMap<String, Vec<usize>>,
}

impl Names {
    fn new(laws: &[Law]) -> Names {
        let mut names = Names::default();
        for (i, l) in laws.iter().enumerate() {
            names
                .short
                .entry(l.short_title.clone())
                .or_default()
                .push(i);
            let derived = short_title(&l.title);
            if derived != l.short_title {
                names.short.entry(derived).or_default().push(i);
            }
            names.full.entry(l.title.clone()).or_default().push(i);
        }
        names
    }
}

/// The one law `name` means: its short title or full title matches.
fn find_law<'a>(
    laws: &'a [Law],
    names: &Names,
    name: &str,
) -> std::result::Result<&'a Law, String> {
    let wanted = short_title(name);
    let mut found: Vec<usize> = names
        .short
        .get(&wanted)
        .into_iter()
        .chain(names.full.get(name))
        .flatten()
        .copied()
        .collect();
    found.sort_unstable();
    found.dedup();
    let matches: Vec<&Law> = found.iter().map(|i| &laws[*i]).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("法规库中没有“{name}”")),
        many => Err(format!("“{name}”对应{}部法律法规，请写全称", many.len())),
    }
}

/// Resolves many texts against the law base: the laws are read once, and each law's versions
/// and articles the first time they are needed (an import of thousands of items cites the same
/// few laws over and over).
pub struct Resolver {
    laws: Vec<Law>,
    names: Names,
    titles: cite::Titles,
    versions: HashMap<String, Vec<Version>>,
    articles: HashMap<String, Vec<Article>>,
}

impl Laws {
    /// Every reference in `text`, resolved to the versions in force on `on`.
    pub async fn resolve(&self, text: &str, on: NaiveDate) -> Result<Vec<Resolved>> {
        self.resolver().await?.resolve(self, text, on).await
    }

    /// A resolver for many texts.
    pub async fn resolver(&self) -> Result<Resolver> {
        let laws = self.laws().await?;
        let mut names: Vec<&str> = laws.iter().map(|l| l.short_title.as_str()).collect();
        names.extend(laws.iter().map(|l| l.title.as_str()));
        let titles = cite::Titles::new(&names);
        Ok(Resolver {
            names: Names::new(&laws),
            laws,
            titles,
            versions: HashMap::new(),
            articles: HashMap::new(),
        })
    }
}

impl Resolver {
    pub async fn resolve(
        &mut self,
        base: &Laws,
        text: &str,
        on: NaiveDate,
    ) -> Result<Vec<Resolved>> {
        let references = cite::parse_with(text, &self.titles);
        let mut out = Vec::new();
        for reference in &references {
            out.push(self.resolve_one(base, reference, on).await?);
        }
        Ok(out)
    }

    async fn versions_of(&mut self, base: &Laws, law: &Law) -> Result<Vec<Version>> {
        if !self.versions.contains_key(law.id.as_str()) {
            let mut conn = base.db().conn().await?;
            let versions = store::versions(&mut conn, &law.id).await?;
            self.versions.insert(law.id.to_string(), versions);
        }
        Ok(self.versions[law.id.as_str()].clone())
    }

    async fn articles_of(&mut self, base: &Laws, version: &Version) -> Result<&[Article]> {
        if !self.articles.contains_key(version.id.as_str()) {
            let mut conn = base.db().conn().await?;
            let articles = store::articles(&mut conn, &version.id).await?;
            self.articles.insert(version.id.to_string(), articles);
        }
        Ok(&self.articles[version.id.as_str()])
    }

    async fn resolve_one(
        &mut self,
        base: &Laws,
        reference: &Reference,
        on: NaiveDate,
    ) -> Result<Resolved> {
        let r = Resolved::from(reference);
        let Some(name) = &reference.law else {
            return Ok(match reference.article {
                Some(_) => r.unresolved("未写明所依据的法律法规名称"),
                None => r.unresolved("无法识别为法律条文引用"),
            });
        };
        let law = match find_law(&self.laws, &self.names, name) {
            Ok(law) => law.clone(),
            Err(reason) => return Ok(r.unresolved(reason)),
        };
        let mut r = Resolved {
            law: Some(law.short_title.clone()),
            law_title: Some(law.title.clone()),
            law_id: Some(law.id.to_string()),
            ..r
        };
        if law.status == LawStatus::Repealed && law.repealed_on.is_none_or(|d| d <= on) {
            let when = law
                .repealed_on
                .map(|d| format!("于{d}"))
                .unwrap_or_default();
            let by = law
                .successor
                .as_ref()
                .map(|s| format!("，由《{s}》取代"))
                .unwrap_or_default();
            return Ok(r.unresolved(format!("《{}》已{when}废止{by}", law.short_title)));
        }
        let versions: Vec<Version> = self.versions_of(base, &law).await?;
        let Some(version) = versions.iter().rev().find(|v| v.effective_on <= on) else {
            return Ok(match versions.first() {
                // The first version's history tells whether the law existed before it.
                Some(first)
                    if first
                        .history
                        .iter()
                        .filter_map(|l| crate::parse::chinese_date(l))
                        .any(|d| d <= on) =>
                {
                    r.unresolved(format!(
                        "法规库未收录《{}》在{on}有效的版本（最早收录{}版，{}起施行）",
                        law.short_title, first.version_date, first.effective_on
                    ))
                }
                Some(first) => r.unresolved(format!(
                    "《{}》在{on}尚未施行（{}起施行）",
                    law.short_title, first.effective_on
                )),
                None => r.unresolved(format!("法规库未收录《{}》的条文", law.short_title)),
            });
        };
        r.version = Some(version.version_date.to_string());
        r.version_id = Some(version.id.to_string());
        r.effective_on = Some(version.effective_on.to_string());
        let Some(no) = reference.article else {
            r.status = Resolution::Resolved;
            return Ok(r);
        };
        let articles = self.articles_of(base, version).await?;
        let Some(article) = articles.iter().find(|a| a.no == no).cloned() else {
            let last = articles.iter().map(|a| a.no).max();
            let reason = match last {
                Some(last) if no > last => format!(
                    "{}超出《{}》（{}版）最后一条（{}）",
                    no.label(),
                    law.short_title,
                    version.version_date,
                    last.label()
                ),
                _ => format!(
                    "《{}》（{}版）中没有{}",
                    law.short_title,
                    version.version_date,
                    no.label()
                ),
            };
            return Ok(r.unresolved(reason));
        };
        let parts = structure(&article);
        let text = match (reference.paragraph, reference.item) {
            (None, None) => article.text(),
            (Some(p), item) => {
                let Some((paragraph, items)) = parts.get(p as usize - 1).filter(|_| p > 0) else {
                    return Ok(r.unresolved(format!("{}只有{}款", article.label, parts.len())));
                };
                match item {
                    None => paragraph.clone(),
                    Some(i) => match items.get(i as usize - 1).filter(|_| i > 0) {
                        Some(t) => t.clone(),
                        None => {
                            return Ok(r.unresolved(format!(
                                "{}第{}款只有{}项",
                                article.label,
                                crate::numerals::write(p),
                                items.len()
                            )));
                        }
                    },
                }
            }
            (None, Some(i)) => {
                let items: Vec<&String> = parts.iter().flat_map(|(_, items)| items).collect();
                match items.get(i as usize - 1).filter(|_| i > 0) {
                    Some(t) => (*t).clone(),
                    None => {
                        return Ok(r.unresolved(format!("{}只有{}项", article.label, items.len())));
                    }
                }
            }
        };
        r.text = Some(text);
        r.status = Resolution::Resolved;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_items() {
        let a = Article {
            no: ArticleNo::new(9),
            label: "第九条".into(),
            chapter: String::new(),
            paragraphs: vec![
                "有下列情形之一的：".into(),
                "（一）甲；".into(),
                "（二）乙。".into(),
                "前款规定……".into(),
            ],
        };
        let s = structure(&a);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0].1,
            vec!["（一）甲；".to_string(), "（二）乙。".to_string()]
        );
    }
}
