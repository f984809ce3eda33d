//! The report written out: Markdown, HTML (every figure a link to the records behind it) and
//! .docx in the GB/T 9704 layout through `paper`. Each ends with the definitions of the figures it
//! states (统计口径), so a reader of any of them can tell how a number was counted.

use paper::{Block, Document};

use crate::model::{AnnualReport, Chart, Piece, plain};

const APPENDIX: &str = "附：统计口径";
const CHARTS: &str = "附：图表";

/// A breakdown as a horizontal bar chart in SVG, drawn on the server: the report's HTML is read
/// offline, printed and archived, so it carries its charts without a script. Each bar is labelled
/// with its count and links, like the text's figures, to the records behind it.
fn svg_chart(chart: &Chart, year: i32, links: &Links) -> String {
    const ROW: usize = 28;
    const LABEL: usize = 180;
    const BAR: usize = 380;
    let max = chart.bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = chart.bars.len() * ROW + 8;
    let mut out = format!(
        "<figure class=\"chart\">\n<figcaption>{title}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{title}\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\" font-size=\"14\">\n",
        title = escape(&chart.title)
    );
    for (i, (word, n)) in chart.bars.iter().enumerate() {
        let y = i * ROW + 4;
        let width = (*n as usize * BAR).div_ceil(max as usize);
        let bar = format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"{}\" fill=\"#b42318\"/><text x=\"{}\" y=\"{}\">{n}</text>",
            LABEL - 8,
            y + 18,
            escape(word),
            LABEL,
            ROW - 8,
            LABEL + width + 6,
            y + 18,
        );
        match links.href(year, &format!("{}.{word}", chart.key)) {
            Some(href) => out.push_str(&format!("<a href=\"{href}\">{bar}</a>\n")),
            None => out.push_str(&format!("{bar}\n")),
        }
    }
    out.push_str("</svg>\n</figure>\n");
    out
}

fn line(pieces: &[Piece]) -> String {
    pieces.iter().map(plain).collect()
}

/// 成文日期: the publication date of a published report; a draft says so, with the day it was
/// generated.
fn date(r: &AnnualReport) -> String {
    use chrono::Datelike;
    let day = format!("{}年{}月{}日", r.date.year(), r.date.month(), r.date.day());
    if r.draft {
        format!("草稿（生成于{day}）")
    } else {
        day
    }
}

/// Who signs: the full name, or the organisation's name in reports stored before it was kept.
fn issuer(r: &AnnualReport) -> &str {
    if r.issuer.is_empty() {
        &r.org
    } else {
        &r.issuer
    }
}

/// The report as Markdown.
pub fn to_markdown(r: &AnnualReport) -> String {
    let mut out = format!("# {}\n\n", r.title);
    for s in &r.sections {
        match s.level {
            0 => {}
            1 => out.push_str(&format!("## {}\n\n", s.heading)),
            _ => out.push_str(&format!("### {}\n\n", s.heading)),
        }
        for p in &s.paragraphs {
            out.push_str(&line(p));
            out.push_str("\n\n");
        }
    }
    out.push_str(&format!("{}  \n{}\n\n", issuer(r), date(r)));
    if !r.figures.is_empty() {
        out.push_str(&format!(
            "## {APPENDIX}\n\n| 数据项 | 数值 | 口径 |\n|---|---|---|\n"
        ));
        for f in &r.figures {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                f.label().replace('|', "\\|"),
                f.value.shown(),
                f.definition.replace('|', "\\|")
            ));
        }
    }
    out
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where figures link: the staff pages under `base` (`https://fazhi.example.gov.cn`, or "" for
/// links within the site), or nowhere (the public portal).
#[derive(Clone, Copy, Debug)]
pub enum Links<'a> {
    To(&'a str),
    None,
}

impl Links<'_> {
    fn href(&self, year: i32, key: &str) -> Option<String> {
        match self {
            Links::To(base) => Some(format!(
                "{}/report/{year}/figures/{}",
                base.trim_end_matches('/'),
                escape(key)
            )),
            Links::None => None,
        }
    }
}

/// The report's body as an HTML fragment (headings, paragraphs, signature, definitions).
pub fn html_body(r: &AnnualReport, links: Links) -> String {
    let definition = |key: &str| {
        r.figures
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.definition.as_str())
            .unwrap_or("")
    };
    let mut out = format!("<h1 class=\"report-title\">{}</h1>\n", escape(&r.title));
    for s in &r.sections {
        match s.level {
            0 => {}
            1 => out.push_str(&format!("<h2>{}</h2>\n", escape(&s.heading))),
            _ => out.push_str(&format!("<h3>{}</h3>\n", escape(&s.heading))),
        }
        for p in &s.paragraphs {
            out.push_str("<p>");
            for piece in p {
                match piece {
                    Piece::Text(t) => out.push_str(&escape(t)),
                    Piece::Figure { key, shown } => {
                        let title = escape(definition(key));
                        match links.href(r.year, key) {
                            Some(href) => out.push_str(&format!(
                                "<a class=\"figure\" href=\"{href}\" title=\"{title}\" data-key=\"{}\">{}</a>",
                                escape(key),
                                escape(shown)
                            )),
                            None => out.push_str(&format!(
                                "<span class=\"figure\" title=\"{title}\">{}</span>",
                                escape(shown)
                            )),
                        }
                    }
                    Piece::Unknown { key } => out.push_str(&format!(
                        "<mark class=\"unknown\">{}</mark>",
                        escape(&plain(&Piece::Unknown { key: key.clone() }))
                    )),
                }
            }
            out.push_str("</p>\n");
        }
    }
    out.push_str(&format!(
        "<p class=\"signature\">{}<br>{}</p>\n",
        escape(issuer(r)),
        date(r)
    ));
    if !r.charts.is_empty() {
        out.push_str(&format!("<h2>{CHARTS}</h2>\n"));
        for chart in &r.charts {
            out.push_str(&svg_chart(chart, r.year, &links));
        }
    }
    if !r.figures.is_empty() {
        out.push_str(&format!(
            "<h2>{APPENDIX}</h2>\n<table class=\"definitions\">\n<thead><tr><th scope=\"col\">数据项</th><th scope=\"col\">数值</th><th scope=\"col\">口径</th></tr></thead>\n<tbody>\n"
        ));
        for f in &r.figures {
            let value = match links.href(r.year, &f.key) {
                Some(href) => format!("<a href=\"{href}\">{}</a>", escape(&f.value.shown())),
                None => escape(&f.value.shown()),
            };
            out.push_str(&format!(
                "<tr><td>{}</td><td>{value}</td><td>{}</td></tr>\n",
                escape(&f.label()),
                escape(&f.definition)
            ));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out
}

/// The report as a whole HTML page.
pub fn to_html(r: &AnnualReport, links: Links) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody {{ max-width: 48em; margin: 2em auto; padding: 0 1em; font: 18px/1.8 \"FangSong\", \"仿宋\", serif; color: #1a1a1a; }}\nh1 {{ text-align: center; font-size: 1.6em; }}\np {{ text-indent: 2em; }}\np.signature {{ text-align: right; text-indent: 0; }}\na.figure {{ color: #0b4f9c; }}\ntable {{ border-collapse: collapse; font-size: 0.85em; }}\ntd, th {{ border: 1px solid #888; padding: 0.2em 0.5em; text-align: left; }}\nmark.unknown {{ background: #fdd; }}\nfigure.chart {{ margin: 1em 0; }}\nfigure.chart figcaption {{ font-weight: bold; }}\n</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        escape(&r.title),
        html_body(r, links)
    )
}

/// The report as an official document (GB/T 9704).
pub fn to_paper(r: &AnnualReport) -> Document {
    let mut doc = Document::new(&r.title);
    for s in &r.sections {
        match s.level {
            0 => {}
            1 => {
                doc.push(Block::Heading1(s.heading.clone()));
            }
            _ => {
                doc.push(Block::Heading2(s.heading.clone()));
            }
        }
        for p in &s.paragraphs {
            doc.paragraph(line(p));
        }
    }
    doc.push(Block::Signature {
        issuer: issuer(r).to_string(),
        date: date(r),
    });
    if !r.figures.is_empty() {
        doc.push(Block::Heading1(APPENDIX.into()));
        for f in &r.figures {
            doc.paragraph(format!(
                "{}（{}）：{}。",
                f.label(),
                f.value.shown(),
                f.definition
            ));
        }
    }
    doc
}

/// The .docx package.
pub fn to_docx(r: &AnnualReport) -> Result<Vec<u8>, paper::Error> {
    to_paper(r).to_docx()
}
