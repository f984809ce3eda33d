//! Reading one version of a law from the Markdown corpus format (../shared/laws/README.md): a
//! `# 标题` line, history lines, the header marker, then `##`/`###` chapter headings and articles,
//! each a paragraph starting `第X条` (or `第X条之一`) and a space, its 款 in the paragraphs after it.

use chrono::NaiveDate;

use crate::model::{Article, ArticleNo};
use crate::numerals;

/// A version as read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedVersion {
    pub title: String,
    pub history: Vec<String>,
    pub articles: Vec<Article>,
}

impl ParsedVersion {
    /// SM3 of the title and the articles: the same text always gives the same hash.
    pub fn content_hash(&self) -> String {
        let mut text = self.title.clone();
        for a in &self.articles {
            text.push('\u{1}');
            text.push_str(&a.label);
            text.push('\u{2}');
            text.push_str(&a.chapter);
            for p in &a.paragraphs {
                text.push('\u{3}');
                text.push_str(p);
            }
        }
        kernel::crypto::sm3_hex(text.as_bytes())
    }

    /// The first date in the history lines (adoption), e.g. 1999年4月29日.
    pub fn first_history_date(&self) -> Option<NaiveDate> {
        self.history.iter().find_map(|line| chinese_date(line))
    }
}

/// The end of the header in every corpus file, spelt so that this source does not contain it.
fn info_end() -> String {
    ["<!-- INFO", " END -->"].concat()
}

/// Removes the invisible characters the corpus carries and trims.
fn clean(line: &str) -> String {
    line.chars()
        .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// `名称(YYYY-MM-DD).md` → (名称, date); a name without a date gives None for the date.
pub fn parse_file_name(file_name: &str) -> Option<(String, Option<NaiveDate>)> {
    let stem = file_name.strip_suffix(".md")?;
    if let Some(open) = stem.rfind('(') {
        let inside = stem[open + 1..].strip_suffix(')')?;
        if let Ok(date) = NaiveDate::parse_from_str(inside, "%Y-%m-%d") {
            return Some((stem[..open].trim().to_string(), Some(date)));
        }
    }
    Some((stem.trim().to_string(), None))
}

/// The first 1999年4月29日-style date in `text`.
pub fn chinese_date(text: &str) -> Option<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() {
            continue;
        }
        let rest: String = chars[start..].iter().take(12).collect();
        let year_end = rest.find('年')?;
        let (y, after) = rest.split_at(year_end);
        let after = &after['年'.len_utf8()..];
        let (m, after) = after.split_once('月')?;
        let d: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            return Some(date);
        }
    }
    None
}

/// `第二十条之一 text` → (ArticleNo, text). Requires whitespace after the label: a paragraph that
/// merely begins with an article reference (第二十条规定的…) is not an article.
pub fn article_start(line: &str) -> Option<(ArticleNo, String, String)> {
    let rest = line.strip_prefix('第')?;
    let tiao = rest.find('条')?;
    let number = numerals::parse(&rest[..tiao])?;
    let mut after = &rest[tiao + '条'.len_utf8()..];
    let mut suffix = 0;
    if let Some(s) = after.strip_prefix('之') {
        let digits: String = s
            .chars()
            .take_while(|c| numerals::parse(&c.to_string()).is_some() || *c == '十')
            .collect();
        suffix = numerals::parse(&digits)?;
        after = &s[digits.len()..];
    }
    let mut chars = after.chars();
    let first = chars.next()?;
    if !(first.is_whitespace() || first == '\u{3000}') {
        return None;
    }
    let label = line[..line.len() - after.len()].to_string();
    Some((
        ArticleNo { number, suffix },
        label,
        after.trim().to_string(),
    ))
}

/// Reads one corpus file. Err is the reason the file cannot be used.
/// Marks the lines an officer types as headings the way the statute prints them — 第一编 总则,
/// 第二分编, 第一章 总则, 第一节 一般规定, alone on their line — as the corpus marks them (`#`s, by
/// depth), so that a text pasted from a gazette needs no Markdown. Lines already marked stay.
pub fn mark_headings(body: &str) -> String {
    body.lines()
        .map(|line| {
            let text = clean(line);
            match heading_depth(&text) {
                Some(depth) => format!("{} {text}", "#".repeat(depth)),
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn heading_depth(text: &str) -> Option<usize> {
    let rest = text.strip_prefix('第')?;
    let numerals = rest
        .chars()
        .take_while(|c| "〇零一二三四五六七八九十百千".contains(*c))
        .count();
    if numerals == 0 || text.chars().count() > 40 {
        return None;
    }
    let after: String = rest.chars().skip(numerals).collect();
    let (depth, tail) = [("分编", 3), ("编", 2), ("章", 4), ("节", 5)]
        .iter()
        .find_map(|(unit, depth)| after.strip_prefix(unit).map(|t| (*depth, t)))?;
    // A heading is the unit alone or followed by its name after a space (第二章规定的… is prose).
    (tail.is_empty() || tail.starts_with([' ', '\u{3000}'])).then_some(depth)
}

pub fn parse_markdown(text: &str) -> Result<ParsedVersion, String> {
    let marker = info_end();
    let Some((header, body)) = text.split_once(&marker) else {
        return Err("缺少文件头结束标记".into());
    };
    let mut title = String::new();
    let mut history = Vec::new();
    for line in header.lines().map(clean).filter(|l| !l.is_empty()) {
        if let Some(t) = line.strip_prefix("# ") {
            if title.is_empty() {
                title = t.trim().to_string();
            }
        } else if !line.starts_with("---") && !line.contains(':') {
            history.push(line);
        }
    }
    if title.is_empty() {
        return Err("缺少标题行（# 标题）".into());
    }

    let mut articles: Vec<Article> = Vec::new();
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut preface: Vec<String> = Vec::new();
    for line in body.lines().map(clean).filter(|l| !l.is_empty()) {
        if line.starts_with('#') {
            let level = line.chars().take_while(|c| *c == '#').count();
            let heading = line[level..].trim().to_string();
            headings.retain(|(l, _)| *l < level);
            headings.push((level, heading));
            continue;
        }
        let chapter = headings
            .iter()
            .map(|(_, h)| h.as_str())
            .collect::<Vec<_>>()
            .join(" / ");
        let next = article_start(&line)
            .filter(|(no, _, _)| articles.last().is_none_or(|last| *no > last.no));
        match next {
            Some((no, label, first)) => {
                let mut paragraphs = Vec::new();
                if !first.is_empty() {
                    paragraphs.push(first);
                }
                articles.push(Article {
                    no,
                    label,
                    chapter,
                    paragraphs,
                });
            }
            None => match articles.last_mut() {
                Some(article) => article.paragraphs.push(line),
                None => preface.push(line),
            },
        }
    }
    if !preface.is_empty() {
        let label = if articles.is_empty() {
            "正文"
        } else {
            "序言"
        };
        articles.insert(
            0,
            Article {
                no: ArticleNo::new(0),
                label: label.into(),
                chapter: String::new(),
                paragraphs: preface,
            },
        );
    }
    if articles.is_empty() {
        return Err("没有正文".into());
    }
    Ok(ParsedVersion {
        title,
        history,
        articles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        format!(
            "# 中华人民共和国示例法\n\n2020年1月2日 第十三届全国人民代表大会常务委员会第十五次会议通过\n\n{}\n\n## 第一章 总 则\n\n\u{200b}\n第一条 为了示例，制定本法。\n\n第二条 本法适用于示例。\n\n前款所称示例，包括样例。\n\n### 第一节 细则\n\n第二条之一 新增的条文。\n\n第三条 依照第二条规定处理。\n\n第二条规定的事项，另行规定。\n\n## 第二章 附则\n\n第一百零五条　本法自2020年5月1日起施行。\n",
            info_end()
        )
    }

    #[test]
    fn reads_title_history_chapters_and_articles() {
        let v = parse_markdown(&sample()).unwrap();
        assert_eq!(v.title, "中华人民共和国示例法");
        assert_eq!(v.first_history_date(), NaiveDate::from_ymd_opt(2020, 1, 2));
        let labels: Vec<&str> = v.articles.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            labels,
            ["第一条", "第二条", "第二条之一", "第三条", "第一百零五条"]
        );
        assert_eq!(
            v.articles[1].paragraphs,
            ["本法适用于示例。", "前款所称示例，包括样例。"]
        );
        assert_eq!(v.articles[2].chapter, "第一章 总 则 / 第一节 细则");
        assert_eq!(
            v.articles[2].no,
            ArticleNo {
                number: 2,
                suffix: 1
            }
        );
        assert_eq!(
            v.articles[3].paragraphs.len(),
            2,
            "a paragraph starting 第二条规定 stays a 款"
        );
        assert_eq!(v.articles[4].no.number, 105);
        assert_eq!(v.articles[4].chapter, "第二章 附则");

        assert_eq!(
            v.content_hash(),
            parse_markdown(&sample()).unwrap().content_hash()
        );
    }

    #[test]
    fn documents_without_articles_keep_their_text() {
        let text = format!(
            "# 某决定\n\n2020年1月2日通过\n\n{}\n\n一、将第一条修改为：……\n\n二、本决定自公布之日起施行。\n",
            info_end()
        );
        let v = parse_markdown(&text).unwrap();
        assert_eq!(v.articles.len(), 1);
        assert_eq!(v.articles[0].label, "正文");
        assert_eq!(v.articles[0].paragraphs.len(), 2);
        assert_eq!(
            parse_markdown(&format!("# 空\n\n{}\n\n", info_end())),
            Err("没有正文".into())
        );
        assert!(parse_markdown("# 无标记\n\n第一条 内容").is_err());
    }

    #[test]
    fn file_names_and_dates() {
        assert_eq!(
            parse_file_name("行政复议法(2023-09-01).md"),
            Some(("行政复议法".into(), NaiveDate::from_ymd_opt(2023, 9, 1)))
        );
        assert_eq!(
            parse_file_name("刑法修正案（七）.md"),
            Some(("刑法修正案（七）".into(), None))
        );
        assert_eq!(
            chinese_date("2009年2月28日 第十一届"),
            NaiveDate::from_ymd_opt(2009, 2, 28)
        );
        assert_eq!(article_start("第二十条规定的事项"), None);
        assert_eq!(
            article_start("第二十条之一 内容").map(|a| a.0),
            Some(ArticleNo {
                number: 20,
                suffix: 1
            })
        );
    }

    #[test]
    fn headings_typed_as_printed_are_headings() {
        let typed = "第一章 总则\n第一条 为了示例，制定本法。\n第二章规定的事项，另行规定。\n第一节\n第二条 本法适用于示例。\n## 第二章 附则\n第三条 施行。";
        let marked = mark_headings(typed);
        assert_eq!(
            marked.lines().collect::<Vec<_>>(),
            [
                "#### 第一章 总则",
                "第一条 为了示例，制定本法。",
                "第二章规定的事项，另行规定。",
                "##### 第一节",
                "第二条 本法适用于示例。",
                "## 第二章 附则",
                "第三条 施行。",
            ]
        );
    }
}
