//! 台账 (ledgers): the spreadsheets that district staff keep today, read and written in the
//! formats of DESIGN.md §4.4. This crate knows files, headers, cells and row errors; each module
//! knows what its columns mean and does its own import inside one transaction.
//!
//! Reading: .xlsx (first sheet) or .csv (UTF-8, with or without BOM). The header row is the first
//! row holding the ledger's required columns (a title row above it is allowed); column order is
//! free and extra columns are ignored; blank rows are skipped. Row numbers are the spreadsheet's
//! own, so "第5行" is the row the clerk sees in Excel.

mod read;
mod write;

pub use read::{Record, Sheet, SheetRow, read_bytes, read_bytes_within, read_file};
pub use write::{template, to_csv, to_xlsx};

use std::fmt;

/// A column of a ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// The header must be present (the cell may still be empty where the module allows it).
    pub required: bool,
    /// What may be written in it, for the template's 填写说明.
    pub help: &'static str,
    /// The words it takes, when they form a closed list: the template offers them as a
    /// drop-down (Excel data validation), so that a wrong word is caught while typing.
    pub choices: &'static [&'static str],
}

impl Column {
    pub const fn required(name: &'static str, help: &'static str) -> Column {
        Column {
            name,
            required: true,
            help,
            choices: &[],
        }
    }

    pub const fn optional(name: &'static str, help: &'static str) -> Column {
        Column {
            name,
            required: false,
            help,
            choices: &[],
        }
    }

    /// The column with its closed list of words.
    pub const fn choices(mut self, choices: &'static [&'static str]) -> Column {
        self.choices = choices;
        self
    }
}

/// A ledger kind: its command-line name, its Chinese title and its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub kind: &'static str,
    pub title: &'static str,
    pub columns: &'static [Column],
}

impl Layout {
    pub fn headers(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

/// What went wrong in one cell.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    /// The spreadsheet row number (the header row is usually 1).
    pub line: usize,
    pub column: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "第{}行：{}", self.line, self.reason)
        } else {
            write!(f, "第{}行「{}」：{}", self.line, self.column, self.reason)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("不支持的文件类型“{0}”：请使用 .xlsx 或 .csv 文件")]
    UnsupportedFormat(String),
    #[error("无法读取文件：{0}")]
    Unreadable(String),
    #[error(
        "CSV 文件不是 UTF-8 编码（第{line}行附近，可能是 GBK）：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
    )]
    NotUtf8 { line: usize },
    #[error("找不到表头：文件中没有包含{0}的行（列名须与模板一致）")]
    MissingColumns(String),
    #[error("表头中“{0}”出现了不止一次")]
    DuplicateColumn(String),
    #[error("文件没有数据行")]
    Empty,
    #[error("文件超过{0}行，请分批导入")]
    TooManyRows(usize),
    #[error("文件超过{0}个非空单元格，请分批导入")]
    TooManyCells(usize),
    #[error("第{line}行第{column}列有内容：台账最多{limit}列，请删去表格右侧多余的内容")]
    TooManyColumns {
        line: usize,
        column: usize,
        limit: usize,
    },
    #[error("文件解压后过大（{0}），不像是台账：请检查文件或分批导入")]
    Unpacked(String),
    #[error("第{line}行第{column}列{reason}")]
    BadText {
        line: usize,
        column: usize,
        reason: &'static str,
    },
    #[error(".xls 是旧版 Excel 格式：请在 Excel 或 WPS 中另存为 .xlsx 后再导入")]
    OldExcel,
    #[error("写出文件失败：{0}")]
    Write(String),
}

/// The largest ledger read in one go from a file on the command line (a province's year of
/// disputes fits in batches).
pub const MAX_ROWS: usize = 1_000_000;

/// What a ledger file may hold, checked while it is read: a file over a limit is refused as soon
/// as the limit is passed, so no file costs more memory than its limits allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Non-blank rows, the header included.
    pub rows: usize,
    /// The rightmost column a cell may be in.
    pub columns: usize,
    /// Non-empty cells.
    pub cells: usize,
    /// An .xlsx package's parts unpacked, all together (they are streamed, not kept).
    pub unpacked: u64,
    /// The shared-strings part unpacked (it is kept in memory while the sheet is read).
    pub strings: u64,
}

impl Limits {
    /// A file uploaded through the web: 200,000 rows of up to 15 filled columns, held in well
    /// under 300 MB.
    pub const UPLOAD: Limits = Limits {
        rows: 200_000,
        columns: 256,
        cells: 3_000_000,
        unpacked: 1 << 30,
        strings: 64 << 20,
    };

    /// A file the operator names on the command line.
    pub const FILE: Limits = Limits {
        rows: MAX_ROWS,
        columns: 256,
        cells: 30_000_000,
        unpacked: 16 << 30,
        strings: 1 << 30,
    };
}

/// A file as uploaded: its name (which decides the format) and its bytes, not yet read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The rows an import is given: already read (the command line, the demonstration, tests), or a
/// file to read once the importer's permission has been checked.
#[derive(Debug)]
pub enum Source<'a> {
    Records(&'a [Record]),
    Upload(Upload),
}

impl<'a> From<&'a [Record]> for Source<'a> {
    fn from(records: &'a [Record]) -> Self {
        Source::Records(records)
    }
}

impl<'a> From<&'a Vec<Record>> for Source<'a> {
    fn from(records: &'a Vec<Record>) -> Self {
        Source::Records(records)
    }
}

impl From<Upload> for Source<'_> {
    fn from(upload: Upload) -> Self {
        Source::Upload(upload)
    }
}

/// How an import treats bad rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportMode {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Import the good rows and report the bad ones, instead of importing nothing.
    pub only_valid: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    pub kind: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows refused (only with `only_valid`; otherwise any error refuses the whole file).
    pub errors: Vec<RowError>,
    pub dry_run: bool,
}

impl ImportReport {
    /// The rows skipped for their errors (a row with several errors counts once).
    pub fn skipped_rows(&self) -> usize {
        distinct_lines(&self.errors)
    }
}

/// How many rows `errors` are in.
pub fn distinct_lines(errors: &[RowError]) -> usize {
    errors
        .iter()
        .map(|e| e.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "预检（未写入）"
        } else {
            "导入完成"
        };
        write!(
            f,
            "{verb}：共{}行，新增{}，更新{}，未变{}",
            self.rows, self.created, self.updated, self.unchanged
        )?;
        if !self.errors.is_empty() {
            write!(f, "，跳过有错误的{}行：", self.skipped_rows())?;
            for e in &self.errors {
                write!(f, "\n  {e}")?;
            }
        }
        Ok(())
    }
}

/// Every bad row of a refused file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    pub errors: Vec<RowError>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}行有错误，未导入任何数据：",
            distinct_lines(&self.errors)
        )?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejected {}

/// One row's cells being read by an importer: each failed cell is recorded (row, column, reason)
/// and the row marked bad, so that every bad cell of every row is reported, not only the first.
pub struct RowCheck<'a> {
    pub line: usize,
    errors: &'a mut Vec<RowError>,
    /// No cell of the row has failed so far.
    pub ok: bool,
}

impl<'a> RowCheck<'a> {
    pub fn new(record: &Record, errors: &'a mut Vec<RowError>) -> RowCheck<'a> {
        RowCheck {
            line: record.line,
            errors,
            ok: true,
        }
    }

    pub fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.errors.push(RowError {
            line: self.line,
            column: column.into(),
            reason: reason.into(),
        });
        self.ok = false;
    }

    /// The value, or None with the reason recorded against `column`.
    pub fn check<T>(&mut self, column: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.fail(column, reason);
                None
            }
        }
    }

    /// A required cell holding one word of a closed list (by code or Chinese label).
    pub fn word<T>(
        &mut self,
        record: &Record,
        column: &str,
        parse: fn(&str) -> Option<T>,
        labels: &[&str],
    ) -> Option<T> {
        let result = cell::required(record.get(column)).and_then(|t| {
            parse(t).ok_or_else(|| format!("“{t}”不是可选值（可选：{}）", labels.join("、")))
        });
        self.check(column, result)
    }
}

/// Cell readers shared by every importer: each returns the reason in Chinese on failure.
pub mod cell {
    use chrono::NaiveDate;

    pub fn required(text: &str) -> Result<&str, String> {
        if text.is_empty() {
            Err("不能为空".into())
        } else {
            Ok(text)
        }
    }

    pub fn optional(text: &str) -> Option<&str> {
        (!text.is_empty()).then_some(text)
    }

    pub fn date(text: &str) -> Result<NaiveDate, String> {
        kernel::time::parse_date(text)
    }

    pub fn optional_date(text: &str) -> Result<Option<NaiveDate>, String> {
        optional(text).map(date).transpose()
    }

    /// 是 / 否 (also Y/N, 1/0, TRUE/FALSE as Excel writes them). Empty is 否.
    pub fn yes_no(text: &str) -> Result<bool, String> {
        match text.trim().to_uppercase().as_str() {
            "是" | "Y" | "YES" | "1" | "TRUE" => Ok(true),
            "否" | "N" | "NO" | "0" | "FALSE" | "" => Ok(false),
            other => Err(format!("“{other}”应为“是”或“否”")),
        }
    }

    /// One of the allowed words.
    pub fn choice<'a>(text: &str, allowed: &[&'a str]) -> Result<&'a str, String> {
        allowed
            .iter()
            .find(|a| **a == text.trim())
            .copied()
            .ok_or_else(|| format!("“{text}”不是可选值（可选：{}）", allowed.join("、")))
    }
}
