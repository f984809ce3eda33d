//! The law base's records: laws, their versions and articles, and references to articles.

use std::fmt;

use chrono::NaiveDate;
use kernel::typed_id;
use serde::{Deserialize, Serialize};

use crate::numerals;

typed_id!(
    /// A law (法律、法规、规章、司法解释…), across its versions.
    LawId
);
typed_id!(
    /// One version of a law: its text as adopted or amended on a date.
    VersionId
);

typed_id!(
    /// A citation: one record's reference to one article.
    CitationId
);

/// 效力层级.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawLevel {
    Constitution,
    Law,
    AdministrativeRegulation,
    LocalRegulation,
    DepartmentalRule,
    LocalGovernmentRule,
    JudicialInterpretation,
    NormativeDocument,
}

impl LawLevel {
    pub const ALL: [LawLevel; 8] = [
        LawLevel::Constitution,
        LawLevel::Law,
        LawLevel::AdministrativeRegulation,
        LawLevel::LocalRegulation,
        LawLevel::DepartmentalRule,
        LawLevel::LocalGovernmentRule,
        LawLevel::JudicialInterpretation,
        LawLevel::NormativeDocument,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LawLevel::Constitution => "宪法",
            LawLevel::Law => "法律",
            LawLevel::AdministrativeRegulation => "行政法规",
            LawLevel::LocalRegulation => "地方性法规",
            LawLevel::DepartmentalRule => "部门规章",
            LawLevel::LocalGovernmentRule => "地方政府规章",
            LawLevel::JudicialInterpretation => "司法解释",
            LawLevel::NormativeDocument => "规范性文件",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            LawLevel::Constitution => "constitution",
            LawLevel::Law => "law",
            LawLevel::AdministrativeRegulation => "administrative_regulation",
            LawLevel::LocalRegulation => "local_regulation",
            LawLevel::DepartmentalRule => "departmental_rule",
            LawLevel::LocalGovernmentRule => "local_government_rule",
            LawLevel::JudicialInterpretation => "judicial_interpretation",
            LawLevel::NormativeDocument => "normative_document",
        }
    }

    pub fn from_code(text: &str) -> Option<LawLevel> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == t || l.label() == t)
    }

    /// Higher levels rank first among equally good search hits.
    pub fn rank(self) -> u8 {
        match self {
            LawLevel::Constitution => 8,
            LawLevel::Law => 7,
            LawLevel::AdministrativeRegulation => 6,
            LawLevel::LocalRegulation => 5,
            LawLevel::DepartmentalRule => 4,
            LawLevel::LocalGovernmentRule => 3,
            LawLevel::JudicialInterpretation => 2,
            LawLevel::NormativeDocument => 1,
        }
    }
}

/// Whether a law is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawStatus {
    Current,
    Repealed,
}

impl LawStatus {
    pub fn code(self) -> &'static str {
        match self {
            LawStatus::Current => "current",
            LawStatus::Repealed => "repealed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LawStatus::Current => "现行有效",
            LawStatus::Repealed => "已废止",
        }
    }

    pub fn from_code(code: &str) -> LawStatus {
        if code == "repealed" {
            LawStatus::Repealed
        } else {
            LawStatus::Current
        }
    }
}

/// 条: the article number and its 之一/之二 suffix. Number 0 is text before the first article
/// (序言) or a document without articles (正文).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleNo {
    pub number: u32,
    pub suffix: u32,
}

impl ArticleNo {
    pub fn new(number: u32) -> ArticleNo {
        ArticleNo { number, suffix: 0 }
    }

    /// 第二十条之一
    pub fn label(self) -> String {
        match (self.number, self.suffix) {
            (0, _) => "正文".into(),
            (n, 0) => format!("第{}条", numerals::write(n)),
            (n, s) => format!("第{}条之{}", numerals::write(n), numerals::write(s)),
        }
    }
}

impl fmt::Display for ArticleNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A law as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Law {
    pub id: LawId,
    pub title: String,
    pub short_title: String,
    pub level: LawLevel,
    pub issuer: Option<String>,
    pub category: Option<String>,
    pub status: LawStatus,
    pub repealed_on: Option<NaiveDate>,
    pub successor: Option<String>,
    pub note: Option<String>,
}

/// One version of a law.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    pub id: VersionId,
    pub law_id: LawId,
    /// The date in the corpus file name: adopted, amended or revised on.
    pub version_date: NaiveDate,
    /// In force from.
    pub effective_on: NaiveDate,
    /// Superseded by the next version from (None for the latest).
    pub superseded_on: Option<NaiveDate>,
    pub title: String,
    pub history: Vec<String>,
    pub article_count: i64,
    pub source: String,
}

/// An article of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Article {
    pub no: ArticleNo,
    pub label: String,
    pub chapter: String,
    /// 款, in order.
    pub paragraphs: Vec<String>,
}

impl Article {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n")
    }
}
