//! Reading citations as people type them (设定依据) into references:
//! `《中华人民共和国行政许可法》第十二条、第十四条第一款` → (行政许可法, 第十二条), (行政许可法, 第十四条, 第一款).
//!
//! Understood: 《》 titles (with or without 中华人民共和国), well-known titles without 《》 when they
//! are known to the law base, 第X条, 第X条之一, 第Y款, 第Z项 / 第（Z）项, ranges 第十二条至第十五条,
//! Arabic numerals, several laws in one text. Nothing is dropped: text that holds an article
//! number but no law, or nothing recognisable at all, comes back as an unresolved reference.

use serde::Serialize;

use crate::model::ArticleNo;
use crate::numerals;

/// One reference read from the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The words this reference was read from.
    pub raw: String,
    /// The law as written, without 《》 (None: no law named before the article).
    pub law: Option<String>,
    pub article: Option<ArticleNo>,
    /// 款
    pub paragraph: Option<u32>,
    /// 项
    pub item: Option<u32>,
}

/// Ranges are expanded up to this many articles; a longer one is kept as its two ends.
const MAX_RANGE: u32 = 200;

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Law(String),
    Article(ArticleNo),
    Paragraph(u32),
    Item(u32),
    Through,
    /// A run of other text (kept for unresolved pieces).
    Other(String),
}

fn is_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百千两".contains(c) || c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Reads 第<num>条(之<num>)? | 第<num>款 | 第<num>项 | 第（<num>）项 at `chars[i]` (which is 第).
fn read_numbered(chars: &[char], i: usize) -> Option<(Token, usize)> {
    let mut j = i + 1;
    let paren = matches!(chars.get(j), Some('（') | Some('('));
    if paren {
        j += 1;
    }
    let start = j;
    while j < chars.len() && is_numeral(chars[j]) {
        j += 1;
    }
    if j == start {
        return None;
    }
    let n = numerals::parse(&chars[start..j].iter().collect::<String>())?;
    if paren {
        if !matches!(chars.get(j), Some('）') | Some(')')) {
            return None;
        }
        j += 1;
    }
    match chars.get(j)? {
        '条' if !paren => {
            j += 1;
            let mut suffix = 0;
            if chars.get(j) == Some(&'之') {
                let s = j + 1;
                let mut k = s;
                while k < chars.len() && is_numeral(chars[k]) {
                    k += 1;
                }
                if k > s {
                    suffix = numerals::parse(&chars[s..k].iter().collect::<String>())?;
                    j = k;
                }
            }
            Some((Token::Article(ArticleNo { number: n, suffix }), j))
        }
        '款' if !paren => Some((Token::Paragraph(n), j + 1)),
        '项' => Some((Token::Item(n), j + 1)),
        _ => None,
    }
}

/// The longest known title starting at `chars[i]`.
/// The law base's titles, prepared once for many texts: by first character, so that finding a
/// title named without 《》 looks only at the titles that could start there.
#[derive(Clone, Debug, Default)]
pub struct Titles {
    by_first: std::collections::HashMap<char, Vec<Vec<char>>>,
}

impl Titles {
    /// Titles of three characters or more (shorter ones would match ordinary words).
    pub fn new(known_titles: &[&str]) -> Titles {
        let mut by_first: std::collections::HashMap<char, Vec<Vec<char>>> =
            std::collections::HashMap::new();
        for t in known_titles {
            let chars: Vec<char> = t.chars().collect();
            if chars.len() >= 3 {
                by_first.entry(chars[0]).or_default().push(chars);
            }
        }
        Titles { by_first }
    }

    /// The length of the longest title starting at `chars[i]`.
    fn longest_at(&self, chars: &[char], i: usize) -> Option<usize> {
        self.by_first
            .get(&chars[i])?
            .iter()
            .filter(|t| chars[i..].starts_with(t))
            .map(Vec::len)
            .max()
    }
}

fn tokens(text: &str, titles: &Titles) -> Vec<(Token, String)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !matches!(c, '\u{200b}' | '\u{feff}'))
        .collect();
    let mut out: Vec<(Token, String)> = Vec::new();
    let mut other = String::new();
    let flush = |other: &mut String, out: &mut Vec<(Token, String)>| {
        if !other.trim().is_empty() {
            out.push((Token::Other(other.clone()), other.clone()));
        }
        other.clear();
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '《' {
            let mut depth = 0;
            let mut end = None;
            for (k, ch) in chars.iter().enumerate().skip(i) {
                match ch {
                    '《' => depth += 1,
                    '》' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(k);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if let Some(end) = end {
                flush(&mut other, &mut out);
                let name: String = chars[i + 1..end].iter().collect();
                out.push((
                    Token::Law(name.trim().to_string()),
                    chars[i..=end].iter().collect(),
                ));
                i = end + 1;
                continue;
            }
        }
        if c == '第'
            && let Some((token, next)) = read_numbered(&chars, i)
        {
            flush(&mut other, &mut out);
            out.push((token, chars[i..next].iter().collect()));
            i = next;
            continue;
        }
        if matches!(c, '至' | '到' | '～' | '~' | '—' | '－') {
            flush(&mut other, &mut out);
            out.push((Token::Through, c.to_string()));
            i += 1;
            continue;
        }
        if let Some(len) = titles.longest_at(&chars, i) {
            flush(&mut other, &mut out);
            let name: String = chars[i..i + len].iter().collect();
            out.push((Token::Law(name.clone()), name));
            i += len;
            continue;
        }
        other.push(c);
        i += 1;
    }
    flush(&mut other, &mut out);
    out
}

/// Separators between references of one list: they carry no meaning of their own.
fn is_separator(text: &str) -> bool {
    text.chars()
        .all(|c| " 　、，,；;和及与或以者以及“”\"'：:\n\t.。".contains(c))
}

/// Reads every reference in `text`. `known_titles` are the law base's titles (short and full),
/// used to recognise a law named without 《》.
pub fn parse(text: &str, known_titles: &[&str]) -> Vec<Reference> {
    parse_with(text, &Titles::new(known_titles))
}

/// [`parse`] with the titles prepared once (a resolver reading thousands of texts).
pub fn parse_with(text: &str, titles: &Titles) -> Vec<Reference> {
    let toks = tokens(text, titles);
    let mut refs: Vec<Reference> = Vec::new();
    let mut law: Option<String> = None;
    let mut law_raw = String::new();
    let mut law_used = true;
    let mut pending_through = false;
    for (token, raw) in toks {
        match token {
            Token::Law(name) => {
                if !law_used {
                    refs.push(Reference {
                        raw: law_raw.clone(),
                        law: law.clone(),
                        article: None,
                        paragraph: None,
                        item: None,
                    });
                }
                law = Some(name);
                law_raw = raw;
                law_used = false;
                pending_through = false;
            }
            Token::Article(no) => {
                if pending_through {
                    if let Some(from) = refs.last().and_then(|r| r.article)
                        && no.suffix == 0
                        && from.suffix == 0
                        && no.number > from.number
                        && no.number - from.number <= MAX_RANGE
                    {
                        for n in from.number + 1..no.number {
                            refs.push(Reference {
                                raw: raw.clone(),
                                law: law.clone(),
                                article: Some(ArticleNo::new(n)),
                                paragraph: None,
                                item: None,
                            });
                        }
                    }
                    pending_through = false;
                }
                let raw = if law_used {
                    raw
                } else {
                    format!("{law_raw}{raw}")
                };
                refs.push(Reference {
                    raw,
                    law: law.clone(),
                    article: Some(no),
                    paragraph: None,
                    item: None,
                });
                law_used = true;
            }
            Token::Paragraph(p) => match refs.last_mut() {
                Some(last) if last.article.is_some() && last.paragraph.is_none() => {
                    last.paragraph = Some(p);
                    last.raw.push_str(&raw);
                }
                Some(last) if last.article.is_some() => {
                    let copy = Reference {
                        raw,
                        paragraph: Some(p),
                        item: None,
                        ..last.clone()
                    };
                    refs.push(copy);
                }
                _ => refs.push(Reference {
                    raw,
                    law: law.clone(),
                    article: None,
                    paragraph: Some(p),
                    item: None,
                }),
            },
            Token::Item(n) => match refs.last_mut() {
                Some(last) if last.article.is_some() && last.item.is_none() => {
                    last.item = Some(n);
                    last.raw.push_str(&raw);
                }
                Some(last) if last.article.is_some() => {
                    let copy = Reference {
                        raw,
                        item: Some(n),
                        ..last.clone()
                    };
                    refs.push(copy);
                }
                _ => refs.push(Reference {
                    raw,
                    law: law.clone(),
                    article: None,
                    paragraph: None,
                    item: Some(n),
                }),
            },
            Token::Through => pending_through = true,
            Token::Other(text) => {
                // Words between references (依据, 的规定) carry nothing; a range needs its ends
                // side by side.
                if !is_separator(&text) {
                    pending_through = false;
                }
            }
        }
    }
    if !law_used {
        refs.push(Reference {
            raw: law_raw,
            law,
            article: None,
            paragraph: None,
            item: None,
        });
    }
    if refs.is_empty() && !text.trim().is_empty() {
        refs.push(Reference {
            raw: text.trim().to_string(),
            law: None,
            article: None,
            paragraph: None,
            item: None,
        });
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (Option<String>, Option<u32>, Option<u32>, Option<u32>);

    fn refs(text: &str) -> Vec<Row> {
        parse(
            text,
            &[
                "行政处罚法",
                "行政许可法",
                "中华人民共和国行政许可法",
                "行政复议法",
                "行政复议法实施条例",
            ],
        )
        .into_iter()
        .map(|r| (r.law, r.article.map(|a| a.number), r.paragraph, r.item))
        .collect()
    }

    fn r(
        law: &str,
        a: u32,
        p: Option<u32>,
        i: Option<u32>,
    ) -> (Option<String>, Option<u32>, Option<u32>, Option<u32>) {
        (Some(law.into()), Some(a), p, i)
    }

    #[test]
    fn the_issue_s_example() {
        assert_eq!(
            refs("《中华人民共和国行政许可法》第十二条、第十四条第一款"),
            vec![
                r("中华人民共和国行政许可法", 12, None, None),
                r("中华人民共和国行政许可法", 14, Some(1), None)
            ]
        );
    }

    #[test]
    fn paragraphs_items_ranges_and_arabic_numerals() {
        assert_eq!(
            refs("《行政处罚法》第五十八条第一款第（三）项"),
            vec![r("行政处罚法", 58, Some(1), Some(3))]
        );
        assert_eq!(
            refs("《行政处罚法》第五十八条第一款第三项"),
            vec![r("行政处罚法", 58, Some(1), Some(3))]
        );
        assert_eq!(
            refs("《行政复议法》第十二条至第十五条"),
            (12..=15)
                .map(|n| r("行政复议法", n, None, None))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            refs("《行政处罚法》第58条"),
            vec![r("行政处罚法", 58, None, None)]
        );
        assert_eq!(
            refs("《行政处罚法》第五十八条第一款、第二款"),
            vec![
                r("行政处罚法", 58, Some(1), None),
                r("行政处罚法", 58, Some(2), None)
            ]
        );
    }

    #[test]
    fn several_laws_and_titles_without_brackets() {
        assert_eq!(
            refs("依据《行政许可法》第十二条和行政处罚法第五十八条"),
            vec![
                r("行政许可法", 12, None, None),
                r("行政处罚法", 58, None, None)
            ]
        );
        assert_eq!(
            refs("行政复议法实施条例第十五条"),
            vec![r("行政复议法实施条例", 15, None, None)],
            "the longest known title"
        );
        let whole = parse("《行政处罚法》", &[]);
        assert_eq!(
            (whole.len(), whole[0].article),
            (1, None),
            "a law without an article"
        );
    }

    #[test]
    fn nothing_is_dropped() {
        let unknown = parse("依照有关规定", &[]);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].raw, "依照有关规定");
        let dangling = parse("第十条", &[]);
        assert_eq!(
            (
                dangling[0].law.clone(),
                dangling[0].article.map(|a| a.number)
            ),
            (None, Some(10))
        );
        assert!(parse("", &[]).is_empty());
        let lone = parse("《", &[]);
        assert_eq!(lone.len(), 1);
        let nested = parse("《关于修改〈中华人民共和国行政复议法〉的决定》第一条", &[]);
        assert_eq!(
            nested[0].law.as_deref(),
            Some("关于修改〈中华人民共和国行政复议法〉的决定")
        );
    }
}
