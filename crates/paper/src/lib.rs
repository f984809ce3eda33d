//! 公文: official documents written as .docx in the layout of GB/T 9704-2012 (党政机关公文格式):
//! A4, the type area 156 × 225 mm (margins: top 37, bottom 35, left 28, right 26 mm), the title in
//! 小标宋 二号 centred, the body in 仿宋_GB2312 三号 with a fixed line pitch so a page holds 22
//! lines, first-level headings in 黑体, second-level in 楷体, third-level in bold 仿宋, page numbers
//! «— 1 —» in 宋体 四号 at the foot (odd pages right, even pages left). Notices, decisions and the
//! annual report are built from [`Block`]s; nothing here knows what the document is about.

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
};

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;

fn mm(v: f64) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

/// Font sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_PAGE_NUMBER: usize = 28;
/// 225 mm of type area ÷ 22 lines ≈ 28.95 pt.
const LINE_PITCH: i32 = 579;

pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_HEADING_1: &str = "黑体";
pub const FONT_HEADING_2: &str = "楷体_GB2312";
pub const FONT_PAGE_NUMBER: &str = "宋体";

/// One block of an official document, in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// 发文字号 under the title (e.g. 新复受字〔2020〕1号), centred.
    DocNumber(String),
    /// 主送机关 or the addressee (张某：), flush left.
    Addressee(String),
    /// A body paragraph, first line indented by two characters.
    Paragraph(String),
    /// 一、… in 黑体.
    Heading1(String),
    /// （一）… in 楷体.
    Heading2(String),
    /// 1. … in bold 仿宋.
    Heading3(String),
    /// A line left blank for the hand (签收人：____).
    Blank,
    /// 发文机关署名 and 成文日期, right-aligned, each on its own line.
    Signature { issuer: String, date: String },
    /// A note at the foot of the text (抄送, 附注), flush left.
    Note(String),
}

/// An official document: a title and its blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("无法生成 .docx 文件：{0}")]
    Write(String),
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.push(Block::Paragraph(text.into()))
    }

    /// The document's text, a line per block: for tests, previews and search.
    pub fn plain_text(&self) -> String {
        let mut out = vec![self.title.clone()];
        for b in &self.blocks {
            out.push(match b {
                Block::DocNumber(t)
                | Block::Addressee(t)
                | Block::Paragraph(t)
                | Block::Heading1(t)
                | Block::Heading2(t)
                | Block::Heading3(t)
                | Block::Note(t) => t.clone(),
                Block::Blank => String::new(),
                Block::Signature { issuer, date } => format!("{issuer}\n{date}"),
            });
        }
        out.join("\n")
    }

    /// The .docx package.
    pub fn to_docx(&self) -> Result<Vec<u8>, Error> {
        let mut docx = Docx::new()
            .page_size(11_906, 16_838)
            .page_margin(
                PageMargin::new()
                    .top(mm(37.0))
                    .bottom(mm(35.0))
                    .left(mm(28.0))
                    .right(mm(26.0))
                    .header(mm(15.0))
                    .footer(mm(25.0)),
            )
            .default_fonts(fonts(FONT_BODY))
            .default_size(SIZE_BODY)
            .footer(page_number(AlignmentType::Right))
            .even_footer(page_number(AlignmentType::Left));
        docx = docx.add_paragraph(
            line(
                Run::new().add_text(&self.title).size(SIZE_TITLE),
                FONT_TITLE,
            )
            .align(AlignmentType::Center),
        );
        // One empty line between the title and the text (GB/T 9704 §7.3.3).
        docx = docx.add_paragraph(line(Run::new(), FONT_BODY));
        for block in &self.blocks {
            docx = docx.add_paragraph(paragraph(block));
            if let Block::Signature { date, .. } = block {
                docx = docx.add_paragraph(
                    line(body(date), FONT_BODY)
                        .align(AlignmentType::Right)
                        .indent(None, None, Some(mm(8.0)), None),
                );
            }
        }
        let mut out = std::io::Cursor::new(Vec::new());
        docx.build()
            .pack(&mut out)
            .map_err(|e| Error::Write(e.to_string()))?;
        Ok(out.into_inner())
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn body(text: &str) -> Run {
    Run::new().add_text(text).size(SIZE_BODY)
}

/// A paragraph on the fixed line pitch, its runs in `font`.
fn line(run: Run, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run.fonts(fonts(font)))
        .line_spacing(
            LineSpacing::new()
                .line(LINE_PITCH)
                .line_rule(LineSpacingType::Exact),
        )
}

fn paragraph(block: &Block) -> Paragraph {
    let indented = |p: Paragraph| p.first_line_chars(200);
    match block {
        Block::DocNumber(t) => line(body(t), FONT_BODY).align(AlignmentType::Center),
        Block::Addressee(t) | Block::Note(t) => line(body(t), FONT_BODY),
        Block::Paragraph(t) => indented(line(body(t), FONT_BODY)).align(AlignmentType::Both),
        Block::Heading1(t) => indented(line(body(t), FONT_HEADING_1)),
        Block::Heading2(t) => indented(line(body(t), FONT_HEADING_2)),
        Block::Heading3(t) => indented(line(body(t).bold(), FONT_BODY)),
        Block::Blank => line(Run::new(), FONT_BODY),
        Block::Signature { issuer, .. } => line(body(issuer), FONT_BODY)
            .align(AlignmentType::Right)
            .indent(None, None, Some(mm(8.0)), None),
    }
}

/// «— 1 —» in 宋体 四号, one character in from the edge.
fn page_number(align: AlignmentType) -> Footer {
    let run = |t: &str| {
        Run::new()
            .add_text(t)
            .size(SIZE_PAGE_NUMBER)
            .fonts(fonts(FONT_PAGE_NUMBER))
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("— "))
            .add_page_num(docx_rs::PageNum::new())
            .add_run(run(" —"))
            .size(SIZE_PAGE_NUMBER)
            .align(align)
            .indent(Some(mm(7.0)), None, Some(mm(7.0)), None),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_laid_out_as_gb_t_9704_asks() {
        let mut d = Document::new("行政复议受理通知书");
        d.push(Block::DocNumber("新复受字〔2020〕1号".into()))
            .push(Block::Addressee("张某：".into()))
            .paragraph("你（单位）提出的行政复议申请，本机关已于2020年3月4日依法受理。")
            .push(Block::Signature {
                issuer: "常州市新北区人民政府".into(),
                date: "2020年3月4日".into(),
            });
        let bytes = d.to_docx().unwrap();
        // Read the package back as Word would.
        let json = docx_rs::read_docx(&bytes).expect("a readable .docx").json();
        let compact: String = json.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(json.contains("行政复议受理通知书") && json.contains("新复受字〔2020〕1号"));
        // A4 and the GB/T 9704 margins.
        assert!(compact.contains(r#""w":11906,"h":16838"#), "{compact}");
        assert!(
            compact.contains(&format!(r#""top":{}"#, mm(37.0))),
            "{compact}"
        );
        assert!(compact.contains(&format!(r#""left":{}"#, mm(28.0))));
        // The title in 小标宋 二号, the body in 仿宋 三号 on a fixed pitch.
        assert!(json.contains(FONT_TITLE) && compact.contains(r#""sz":44"#));
        assert!(json.contains(FONT_BODY) && compact.contains(r#""sz":32"#));
        assert!(compact.contains(r#""line":579"#));
        // Page numbers at the foot of odd and even pages.
        assert!(
            compact.contains("evenFooter") || compact.contains("even_footer"),
            "{compact}"
        );
        assert!(
            d.plain_text()
                .contains("常州市新北区人民政府\n2020年3月4日")
        );
    }
}
