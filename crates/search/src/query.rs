//! Queries: every whitespace-separated term must occur (as a phrase of characters) in the
//! article or in its law's title; bigrams rank; filters narrow. The query text is never parsed
//! as a query language, so `AND`, `"`, `:` or a lone `《` are just characters to look for.

use serde::Serialize;
use std::ops::Bound;
use tantivy::collector::{Count, DocSetCollector};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument, Term};

use crate::analysis;
use crate::{Fields, Result, Search, text};

/// Longer queries are cut to this many characters (a pasted page is still a sensible query).
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Clone, Debug)]
pub struct SearchQuery {
    pub text: String,
    pub limit: usize,
    pub offset: usize,
    /// Only documents of this kind ([`crate::LAW_ARTICLE`], [`crate::POWER_ITEM`]); None: all.
    pub kind: Option<String>,
    /// Only laws of this level (`LawLevel::code`), or power items of this type (`ItemType::code`).
    pub level: Option<String>,
    /// Only versions in force (default).
    pub current_only: bool,
    /// Only this law, or the power items of this organisation (实施主体).
    pub law_id: Option<String>,
    /// Only documents that held on this day (a power item's version then); None: any day.
    pub as_of: Option<chrono::NaiveDate>,
}

impl SearchQuery {
    pub fn new(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.to_string(),
            limit: 10,
            offset: 0,
            kind: None,
            level: None,
            current_only: true,
            law_id: None,
            as_of: None,
        }
    }
}

/// One result, as `fazhi search --json` prints it. For a law article, `law` and `law_id` are
/// its law, `article` its label; for a power item, `law` and `law_id` are its 实施主体,
/// `article` its 事项编码, `version_id` the item's id and `version` the day its version began.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub kind: String,
    pub law: String,
    pub law_id: String,
    pub version: String,
    pub version_id: String,
    pub article: String,
    pub title: String,
    /// The text around the first match, the match in 【】.
    pub snippet: String,
    /// The same, HTML-escaped, the match in <mark>.
    #[serde(skip)]
    pub snippet_html: String,
    pub level: String,
    pub score: f32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Said to the user when the query was changed (cut short, nothing searchable).
    pub note: Option<String>,
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// A term's characters as a phrase (or a single term) on a unigram field.
fn phrase(field: Field, word: &str) -> Option<Box<dyn Query>> {
    let chars: Vec<Term> = analysis::chars(word)
        .into_iter()
        .map(|(_, c)| term(field, &c.to_string()))
        .collect();
    match chars.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            chars[0].clone(),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(chars))),
    }
}

fn words(text: &str) -> (Vec<String>, Option<String>) {
    let cut: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let note = (text.chars().count() > MAX_QUERY_CHARS)
        .then(|| format!("查询过长，只按前{MAX_QUERY_CHARS}个字查找"));
    (cut.split_whitespace().map(str::to_string).collect(), note)
}

impl Search {
    /// The query: every word in the body or the title; bigrams and the title rank.
    fn build(&self, words: &[String], q: Option<&SearchQuery>) -> Option<BooleanQuery> {
        let f: Fields = self.fields;
        if words.is_empty() {
            return None;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            let in_body = phrase(f.body, word)?;
            let in_title = phrase(f.title, word)?;
            let either = BooleanQuery::new(vec![
                (Occur::Should, in_body),
                (Occur::Should, Box::new(BoostQuery::new(in_title, 0.5))),
            ]);
            clauses.push((Occur::Must, Box::new(either)));
            for bigram in analysis::bigrams(word) {
                clauses.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        term(f.body_bi, &bigram),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
                let title = TermQuery::new(term(f.title_bi, &bigram), IndexRecordOption::WithFreqs);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(title), 2.0)),
                ));
            }
        }
        if let Some(q) = q {
            if q.current_only {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(f.current, 1),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
            if let Some(kind) = &q.kind {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(term(f.kind, kind), IndexRecordOption::Basic)),
                ));
            }
            if let Some(day) = q.as_of {
                let day = crate::day_number(day);
                let from = RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_u64(f.valid_from, day)),
                );
                let to = RangeQuery::new(
                    Bound::Excluded(Term::from_field_u64(f.valid_to, day)),
                    Bound::Unbounded,
                );
                clauses.push((Occur::Must, Box::new(from)));
                clauses.push((Occur::Must, Box::new(to)));
            }
            if let Some(level) = &q.level {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        term(f.level, level),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
            if let Some(law) = &q.law_id {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        term(f.law_id, law),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        Some(BooleanQuery::new(clauses))
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let (words, mut note) = words(&q.text);
        let Some(query) = self.build(&words, Some(q)) else {
            note.get_or_insert_with(|| "请输入要查找的文字".to_string());
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
                note,
            });
        };
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let (current, rank) = (self.fields.current, self.fields.rank);
        let top = tantivy::collector::TopDocs::with_limit(limit)
            .and_offset(q.offset)
            .tweak_score(move |segment: &SegmentReader| {
                let current = segment
                    .fast_fields()
                    .u64(schema_name(segment, current))
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                let rank = segment
                    .fast_fields()
                    .u64(schema_name(segment, rank))
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    let in_force = current.as_ref().map_or(0, |c| c.get_val(doc)) as Score;
                    let level = rank.as_ref().map_or(0, |c| c.get_val(doc)) as Score;
                    score * (1.0 + 0.5 * in_force) * (1.0 + 0.03 * level)
                }
            });
        let (found, total) = searcher.search(&query, &(top, Count))?;
        let mut hits = Vec::new();
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, &words, score));
        }
        Ok(SearchResults { total, hits, note })
    }

    fn hit(&self, doc: &TantivyDocument, words: &[String], score: Score) -> Hit {
        let f = self.fields;
        let body = text(doc, f.body);
        let (snippet, snippet_html) = snippet(&body, words);
        let law = text(doc, f.law);
        let article = text(doc, f.article);
        let kind = text(doc, f.kind);
        let title = if kind == crate::POWER_ITEM {
            format!("{article} {}", text(doc, f.title))
        } else {
            format!("《{law}》{article}")
        };
        Hit {
            kind,
            title,
            law,
            law_id: text(doc, f.law_id),
            version: text(doc, f.version),
            version_id: text(doc, f.version_id),
            article,
            snippet,
            snippet_html,
            level: text(doc, f.level),
            score,
        }
    }

    /// How many documents (all versions) contain every word in their body: for recall checks.
    pub fn count_in_bodies(&self, query_text: &str) -> Result<usize> {
        let (words, _) = words(query_text);
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .filter_map(|w| phrase(self.fields.body, w))
            .map(|q| (Occur::Must, q))
            .collect();
        if clauses.is_empty() {
            return Ok(0);
        }
        Ok(self
            .reader
            .searcher()
            .search(&BooleanQuery::new(clauses), &Count)?)
    }

    /// The ids (`law:<version>:<ordinal>`) of the documents whose body contains `word`.
    pub fn ids_in_bodies(&self, word: &str) -> Result<Vec<String>> {
        let Some(query) = phrase(self.fields.body, word) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let found: std::collections::HashSet<DocAddress> =
            searcher.search(&query, &DocSetCollector)?;
        let mut ids = Vec::new();
        for address in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            ids.push(text(&doc, self.fields.id));
        }
        ids.sort();
        Ok(ids)
    }
}

fn schema_name(segment: &SegmentReader, field: Field) -> &str {
    segment.schema().get_field_name(field)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text around the first occurrence of a query word, every occurrence of every query word
/// in it marked (【】 in the plain text, `<mark>` in the HTML).
fn snippet(body: &str, words: &[String]) -> (String, String) {
    let chars: Vec<char> = body.chars().collect();
    let lower: Vec<char> = body.chars().flat_map(char::to_lowercase).collect();
    // Lower-casing keeps one char per char for the texts searched (Chinese, ASCII); otherwise
    // matching falls back to the text as written.
    let hay = if lower.len() == chars.len() {
        &lower
    } else {
        &chars
    };
    let needles: Vec<Vec<char>> = words
        .iter()
        .map(|w| {
            w.chars()
                .flat_map(char::to_lowercase)
                .collect::<Vec<char>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for needle in &needles {
        let mut i = 0;
        while i + needle.len() <= hay.len() {
            if hay[i..i + needle.len()] == needle[..] {
                marks.push((i, i + needle.len()));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    marks.sort();
    // Overlapping matches (行政 and 行政复议) are one mark.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in marks {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let Some(&(first, first_end)) = merged.first() else {
        let to = chars.len().min(90);
        let tail = if to < chars.len() { "…" } else { "" };
        let plain: String = chars[..to].iter().collect::<String>() + tail;
        return (plain.clone(), escape(&plain));
    };
    let from = first.saturating_sub(30);
    let to = (first_end + 60).min(chars.len());
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let (mut plain, mut html) = (lead.to_string(), lead.to_string());
    let mut at = from;
    for &(a, b) in merged.iter().filter(|(a, _)| *a >= from && *a < to) {
        let b = b.min(to);
        let before: String = chars[at..a].iter().collect();
        let matched: String = chars[a..b].iter().collect();
        plain.push_str(&format!("{before}【{matched}】"));
        html.push_str(&format!(
            "{}<mark>{}</mark>",
            escape(&before),
            escape(&matched)
        ));
        at = b;
    }
    let rest: String = chars[at..to].iter().collect();
    plain.push_str(&rest);
    plain.push_str(tail);
    html.push_str(&escape(&rest));
    html.push_str(tail);
    (plain, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_the_first_match() {
        let (plain, html) = snippet(
            "公民、法人或者其他组织认为行政行为侵犯其合法权益的<可以>申请。",
            &["合法权益".to_string()],
        );
        assert!(plain.contains("【合法权益】"), "{plain}");
        assert!(
            html.contains("<mark>合法权益</mark>") && html.contains("&lt;可以&gt;"),
            "{html}"
        );
        let (none, _) = snippet("短文", &["不在".to_string()]);
        assert_eq!(none, "短文");
    }

    #[test]
    fn snippets_mark_every_query_word() {
        let (plain, html) = snippet(
            "申请人申请行政复议，行政复议机关应当受理；申请期限为六十日。",
            &[
                "行政复议".to_string(),
                "申请期限".to_string(),
                "行政".to_string(),
            ],
        );
        assert_eq!(
            plain,
            "申请人申请【行政复议】，【行政复议】机关应当受理；【申请期限】为六十日。"
        );
        assert_eq!(html.matches("<mark>").count(), 3, "{html}");
        // Case does not matter for Latin letters.
        let (plain, _) = snippet("依照PPP项目合同", &["ppp".to_string()]);
        assert!(plain.contains("【PPP】"), "{plain}");
    }

    #[test]
    fn long_queries_are_cut_and_whitespace_splits_words() {
        let (w, note) = words(&"法".repeat(10_000));
        assert_eq!(w[0].chars().count(), MAX_QUERY_CHARS);
        assert!(note.is_some());
        assert_eq!(words("行政复议  申请期限").0, ["行政复议", "申请期限"]);
    }
}
