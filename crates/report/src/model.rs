//! The report as written: sections of paragraphs made of words and figures, built from the
//! sections' texts and the year's figures. Pure: no storage.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::figures::{Figure, Figures};
use crate::sections::SECTIONS;
use crate::template::{self, Part};

/// A piece of a paragraph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    Text(String),
    /// A figure as stated (`15.38%`), with its key for the link and the definition.
    Figure {
        key: String,
        shown: String,
    },
    /// A key that names no figure (a setting changed the keys after the text was saved): shown
    /// as such, never as a blank, and listed by the check.
    Unknown {
        key: String,
    },
}

/// One section as it reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub level: u8,
    pub heading: String,
    pub paragraphs: Vec<Vec<Piece>>,
    /// Written by staff (else the default text).
    pub by_staff: bool,
}

/// A 法治政府建设年度报告.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnualReport {
    pub year: i32,
    pub org_id: String,
    pub org: String,
    pub title: String,
    /// 成文日期.
    pub date: NaiveDate,
    pub sections: Vec<Section>,
    /// The figures the text states, in the order of their first mention, with definitions.
    pub figures: Vec<Figure>,
    /// Who signs it: the government's or the department's full name (常州市新北区人民政府).
    #[serde(default)]
    pub issuer: String,
    /// Not (or no longer) the published text: dated with the day it was generated, marked 草稿.
    #[serde(default)]
    pub draft: bool,
    /// The year's breakdowns (by type, by decision, by source …) drawn as charts in the HTML.
    #[serde(default)]
    pub charts: Vec<Chart>,
}

/// One of the year's breakdowns as a chart: its name (行政复议·按决定类型) and a bar per word, from
/// the same figures the appendix defines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// The map's key (`reconsideration.by_decision_type`): each bar's figure is `key.word`.
    pub key: String,
    pub title: String,
    pub bars: Vec<(String, u64)>,
}

impl AnnualReport {
    /// The report of `year` for `org`, from the staff texts (by section key) and the figures.
    pub fn build(
        year: i32,
        (org_id, org): (&str, &str),
        date: NaiveDate,
        figures: &Figures,
        staff: &HashMap<String, String>,
    ) -> AnnualReport {
        let context = |key: &str| match template::context_name(key) {
            Some("年度") => Some(year.to_string()),
            Some("下一年度") => Some((year + 1).to_string()),
            Some("机构") => Some(org.to_string()),
            _ => None,
        };
        let mut used: Vec<Figure> = Vec::new();
        let mut fill = |line: &str| -> Vec<Piece> {
            // A saved text always parses (it was checked when saved); a default text is ours.
            let parts = template::parse(line).unwrap_or_else(|e| vec![Part::Text(e.0)]);
            parts
                .into_iter()
                .map(|p| match p {
                    Part::Text(t) => Piece::Text(t),
                    Part::Key(k) => {
                        if let Some(v) = context(k) {
                            Piece::Text(v)
                        } else if let Some(f) = figures.get(k) {
                            if !used.iter().any(|u| u.key == f.key) {
                                used.push(f.clone());
                            }
                            Piece::Figure {
                                key: f.key.clone(),
                                shown: f.value.shown(),
                            }
                        } else {
                            Piece::Unknown { key: k.to_string() }
                        }
                    }
                })
                .collect()
        };
        let mut sections = Vec::new();
        for def in SECTIONS {
            let own = staff.get(def.key).filter(|t| !t.trim().is_empty());
            let text = own.map(String::as_str).unwrap_or(def.default_text);
            let heading = fill(def.heading).iter().map(plain).collect::<String>();
            let paragraphs = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(&mut fill)
                .collect();
            sections.push(Section {
                key: def.key.to_string(),
                level: def.level,
                heading,
                paragraphs,
                by_staff: own.is_some(),
            });
        }
        AnnualReport {
            year,
            org_id: org_id.to_string(),
            org: org.to_string(),
            title: format!("{org}{year}年法治政府建设年度报告"),
            date,
            sections,
            figures: used,
            issuer: org.to_string(),
            draft: false,
            charts: figures.charts(),
        }
    }

    /// The figure keys a section states.
    pub fn keys_of(&self, section: &str) -> Vec<&str> {
        self.sections
            .iter()
            .filter(|s| s.key == section)
            .flat_map(|s| s.paragraphs.iter().flatten())
            .filter_map(|p| match p {
                Piece::Figure { key, .. } => Some(key.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A piece as plain text.
pub fn plain(p: &Piece) -> String {
    match p {
        Piece::Text(t) => t.clone(),
        Piece::Figure { shown, .. } => shown.clone(),
        Piece::Unknown { key } => format!("【未知数据项{{{key}}}】"),
    }
}
