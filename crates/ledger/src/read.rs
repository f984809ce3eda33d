//! Reading .xlsx and .csv ledgers into rows of text cells.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader};

use crate::{Layout, LedgerError, MAX_ROWS};

/// A non-blank row as read, with its spreadsheet row number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The non-blank rows of a file's first sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub rows: Vec<SheetRow>,
}

/// One data row, its cells looked up by column name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    values: Vec<(&'static str, String)>,
}

impl Record {
    /// The trimmed cell of `column` ("" when the column is absent or the cell empty).
    pub fn get(&self, column: &str) -> &str {
        self.values
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

pub fn read_file(path: &Path) -> Result<Sheet, LedgerError> {
    let bytes = std::fs::read(path)
        .map_err(|e| LedgerError::Unreadable(format!("{}：{e}", path.display())))?;
    read_bytes(&path.to_string_lossy(), &bytes)
}

/// Reads an uploaded file; `name` decides the format by its extension.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Sheet, LedgerError> {
    let extension = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let rows = match extension.as_str() {
        "csv" => read_csv(bytes)?,
        "xlsx" | "xlsm" | "xls" => read_workbook(bytes)?,
        other => return Err(LedgerError::UnsupportedFormat(format!(".{other}"))),
    };
    if rows.len() > MAX_ROWS {
        return Err(LedgerError::TooManyRows(MAX_ROWS));
    }
    Ok(Sheet { rows })
}

fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
        .to_string()
}

fn read_csv(bytes: &[u8]) -> Result<Vec<SheetRow>, LedgerError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(LedgerError::NotUtf8 { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| LedgerError::Unreadable(e.to_string()))?;
        let line = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(rows.len() + 1);
        let cells: Vec<String> = record
            .iter()
            .map(|c| {
                let c = clean(c);
                // A cell written as text so that a spreadsheet would not run it: as it was.
                if crate::write::was_made_inert(&c) {
                    c[1..].to_string()
                } else {
                    c
                }
            })
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(SheetRow { line, cells });
        }
    }
    Ok(rows)
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<SheetRow>, LedgerError> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| LedgerError::Unreadable(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(LedgerError::Empty)?
        .map_err(|e| LedgerError::Unreadable(e.to_string()))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells: Vec<String> = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(SheetRow {
                line: first_row + i + 1,
                cells,
            });
        }
    }
    Ok(rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// How a header cell is compared: spaces and required-markers (*) ignored.
fn header_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
        .collect()
}

impl Sheet {
    /// The data rows under the header row, as records of `layout`'s columns.
    pub fn records(&self, layout: &Layout) -> Result<Vec<Record>, LedgerError> {
        let required: Vec<&str> = layout
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        let mut best: (usize, Option<usize>) = (0, None);
        for (i, row) in self.rows.iter().take(10).enumerate() {
            let keys: Vec<String> = row.cells.iter().map(|c| header_key(c)).collect();
            let found = required
                .iter()
                .filter(|r| keys.iter().any(|k| k == *r))
                .count();
            if found > best.0 || best.1.is_none() {
                best = (found, Some(i));
            }
            if found == required.len() {
                break;
            }
        }
        let Some(header_index) = best.1 else {
            return Err(LedgerError::Empty);
        };
        let header = &self.rows[header_index];
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, cell) in header.cells.iter().enumerate() {
            let key = header_key(cell);
            if key.is_empty() {
                continue;
            }
            if index.insert(key.clone(), i).is_some()
                && layout.columns.iter().any(|c| c.name == key)
            {
                return Err(LedgerError::DuplicateColumn(key));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .filter(|r| !index.contains_key(**r))
            .copied()
            .collect();
        if !missing.is_empty() {
            let names = missing
                .iter()
                .map(|m| format!("“{m}”"))
                .collect::<Vec<_>>()
                .join("、");
            return Err(LedgerError::MissingColumns(names));
        }
        let records: Vec<Record> = self.rows[header_index + 1..]
            .iter()
            .map(|row| Record {
                line: row.line,
                values: layout
                    .columns
                    .iter()
                    .map(|c| {
                        let v = index
                            .get(c.name)
                            .and_then(|i| row.cells.get(*i))
                            .cloned()
                            .unwrap_or_default();
                        (c.name, v)
                    })
                    .collect(),
            })
            .collect();
        if records.is_empty() {
            return Err(LedgerError::Empty);
        }
        Ok(records)
    }
}
