//! The text of a section: words with figures named in braces, by key or by Chinese name —
//! `全年共收到行政复议申请{reconsideration.received}件` or `{行政复议·收到申请数}件`. `{year}`
//! (`{年度}`), `{next_year}` (`{下一年度}`) and `{org}` (`{机构}`) name the report's own year and
//! organisation; `{{` and `}}` write a brace. Pure: no storage.

use serde::{Deserialize, Serialize};

/// A piece of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Text(String),
    Key(&'a str),
}

/// What is wrong with a text, in words for the one who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

/// The words the report itself fills in, by key and by their Chinese names.
pub const CONTEXT_KEYS: &[&str] = &["year", "next_year", "org", "年度", "下一年度", "机构"];

/// The Chinese name of a context key.
pub fn context_name(key: &str) -> Option<&'static str> {
    match key {
        "year" | "年度" => Some("年度"),
        "next_year" | "下一年度" => Some("下一年度"),
        "org" | "机构" => Some("机构"),
        _ => None,
    }
}

/// `text` with each `{key}` written by its Chinese name (`{行政复议·收到申请数}`, `{年度}`), for
/// the editor: `name` gives a figure's name, or None to keep what was written. A text that does
/// not parse is returned as it is (the editor shows the error on saving).
pub fn readable(text: &str, name: impl Fn(&str) -> Option<String>) -> String {
    let brace = |t: &str| t.replace('{', "{{").replace('}', "}}");
    text.lines()
        .map(|line| match parse(line) {
            Ok(parts) => parts
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) => brace(&t),
                    Part::Key(k) => {
                        let shown = context_name(k)
                            .map(str::to_string)
                            .or_else(|| name(k))
                            .unwrap_or_else(|| k.to_string());
                        format!("{{{shown}}}")
                    }
                })
                .collect(),
            Err(_) => line.to_string(),
        })
        .collect::<Vec<String>>()
        .join("\n")
}

/// Splits a line into text and keys.
pub fn parse(line: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") {
            text.push('{');
            rest = &rest[2..];
        } else if rest.starts_with("}}") {
            text.push('}');
            rest = &rest[2..];
        } else if c == '{' {
            let Some(end) = rest.find('}') else {
                return Err(TemplateError(format!(
                    "“{}”中的“{{”没有对应的“}}”",
                    excerpt(rest)
                )));
            };
            let key = rest[1..end].trim();
            if key.is_empty() {
                return Err(TemplateError("“{}”中没有写数据项".into()));
            }
            if key.contains('{') {
                return Err(TemplateError(format!(
                    "“{}”中的“{{”没有对应的“}}”",
                    excerpt(rest)
                )));
            }
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Key(key));
            rest = &rest[end + 1..];
        } else if c == '}' {
            return Err(TemplateError(format!(
                "“{}”中有多余的“}}”（要写“}}”本身请写“}}}}”）",
                excerpt(rest)
            )));
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// Every key a text names, in order, with the line it is on (from 1).
pub fn keys(text: &str) -> Result<Vec<(usize, &str)>, TemplateError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for part in parse(line).map_err(|e| TemplateError(format!("第{}行：{}", n + 1, e.0)))? {
            if let Part::Key(k) = part {
                out.push((n + 1, k));
            }
        }
    }
    Ok(out)
}

fn excerpt(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_named_in_braces() {
        assert_eq!(
            parse("收到申请{reconsideration.received}件，直接纠错率{ reconsideration.direct_correction_rate }。").unwrap(),
            vec![
                Part::Text("收到申请".into()),
                Part::Key("reconsideration.received"),
                Part::Text("件，直接纠错率".into()),
                Part::Key("reconsideration.direct_correction_rate"),
                Part::Text("。".into()),
            ]
        );
        assert_eq!(parse("{{字}}").unwrap(), vec![Part::Text("{字}".into())]);
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn broken_braces_are_refused_with_the_place() {
        assert!(
            parse("收到申请{reconsideration.received件")
                .unwrap_err()
                .0
                .contains("没有对应")
        );
        assert!(parse("收到{}件").unwrap_err().0.contains("没有写数据项"));
        assert!(parse("收到}件").unwrap_err().0.contains("多余"));
        assert!(parse("{a{b}").unwrap_err().0.contains("没有对应"));
        let e = keys("第一行\n收到{x件").unwrap_err();
        assert!(e.0.starts_with("第2行"), "{e}");
        assert_eq!(
            keys("{a}\n{b}{c}").unwrap(),
            vec![(1, "a"), (2, "b"), (2, "c")]
        );
    }
}
