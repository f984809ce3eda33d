//! Reading .xlsx and .csv ledgers into rows of text cells.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};

use crate::{Layout, LedgerError, Limits};

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
    /// The layout's columns the file has (an optional column may be absent).
    present: Vec<&'static str>,
}

impl Record {
    /// Whether the file has the (optional) column `column` at all.
    pub fn has(&self, column: &str) -> bool {
        self.present.contains(&column)
    }

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

/// Reads a file named on the command line; `name` decides the format by its extension.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Sheet, LedgerError> {
    read_bytes_within(name, bytes, &Limits::FILE)
}

/// Reads a file, refusing it as soon as it passes one of `limits`.
pub fn read_bytes_within(name: &str, bytes: &[u8], limits: &Limits) -> Result<Sheet, LedgerError> {
    let extension = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let rows = match extension.as_str() {
        "csv" => read_csv(bytes, limits)?,
        "xlsx" | "xlsm" => {
            // The workbook reader is another crate's: a panic in it (fuzzing found an overflow
            // in its cell-reference arithmetic, on a reference with too many letters) is a file
            // it cannot read, not a request that fails without a word.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_workbook(bytes, limits)
            }))
            .unwrap_or_else(|_| {
                Err(LedgerError::Unreadable(
                    "工作簿的内部结构有误（可能已损坏）".into(),
                ))
            })?
        }
        "xls" => return Err(LedgerError::OldExcel),
        other => return Err(LedgerError::UnsupportedFormat(format!(".{other}"))),
    };
    Ok(Sheet { rows })
}

fn clean(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
        .to_string()
}

/// Counts what a file holds as it is read, and refuses it at the first limit passed.
struct Tally<'l> {
    limits: &'l Limits,
    rows: usize,
    cells: usize,
}

impl<'l> Tally<'l> {
    fn new(limits: &'l Limits) -> Self {
        Tally {
            limits,
            rows: 0,
            cells: 0,
        }
    }

    fn cell(&mut self, line: usize, column: usize, text: &str) -> Result<(), LedgerError> {
        if let Some(reason) = kernel::text::refusal(text) {
            return Err(LedgerError::BadText {
                line,
                column,
                reason,
            });
        }
        if column > self.limits.columns {
            return Err(LedgerError::TooManyColumns {
                line,
                column,
                limit: self.limits.columns,
            });
        }
        self.cells += 1;
        if self.cells > self.limits.cells {
            return Err(LedgerError::TooManyCells(self.limits.cells));
        }
        Ok(())
    }

    fn row(&mut self) -> Result<(), LedgerError> {
        self.rows += 1;
        if self.rows > self.limits.rows {
            return Err(LedgerError::TooManyRows(self.limits.rows));
        }
        Ok(())
    }
}

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetRow>, LedgerError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(LedgerError::NotUtf8 { line });
    }
    // Records are counted first, keeping nothing: a file over the row limit is refused before
    // a single cell is copied (a million tiny rows would otherwise fill the limit's worth of
    // memory before the count passed it).
    let mut counter = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut records = 0usize;
    while counter
        .read_byte_record(&mut record)
        .map_err(|e| LedgerError::Unreadable(e.to_string()))?
    {
        if record.iter().any(|c| !c.trim_ascii().is_empty()) {
            records += 1;
            if records > limits.rows {
                return Err(LedgerError::TooManyRows(limits.rows));
            }
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut tally = Tally::new(limits);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let (mut counted_to, mut line_so_far) = (0usize, 1usize);
    while reader
        .read_record(&mut record)
        .map_err(|e| LedgerError::Unreadable(e.to_string()))?
    {
        // The line the record starts on, counted here from the byte where it starts: the csv
        // crate's own count is one short after a CRLF line end (files saved by Excel on
        // Windows), and the clerk is told the row number their editor shows.
        let mut at = record.position().map_or(counted_to, |p| p.byte() as usize);
        // The position can stand on the line end the record follows (after a CR, the LF).
        while bytes.get(at).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            at += 1;
        }
        if at > counted_to {
            line_so_far += bytes[counted_to..at.min(bytes.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = at.min(bytes.len());
        }
        let line = line_so_far;
        let mut cells = Vec::with_capacity(record.len().min(limits.columns));
        for (i, c) in record.iter().enumerate() {
            let c = clean(c);
            if !c.is_empty() {
                tally.cell(line, i + 1, &c)?;
            }
            // A cell written as text so that a spreadsheet would not run it: as it was.
            cells.push(if crate::write::was_made_inert(&c) {
                c[1..].to_string()
            } else {
                c
            });
        }
        if cells.iter().any(|c| !c.is_empty()) {
            tally.row()?;
            rows.push(SheetRow { line, cells });
        }
    }
    Ok(rows)
}

/// Checks an .xlsx package before any part of it is parsed: each part is unpacked into nothing,
/// counted, and refused if it unpacks to more than it declares or than the limits allow; the
/// shared-strings table may not announce more strings than the file may have cells (the reader
/// reserves room for what it announces).
fn check_package(bytes: &[u8], limits: &Limits) -> Result<(), LedgerError> {
    let unreadable = |e: zip::result::ZipError| LedgerError::Unreadable(e.to_string());
    let mut package = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if package.len() > 10_000 {
        return Err(LedgerError::Unpacked(format!("{}个部件", package.len())));
    }
    let mut total: u64 = 0;
    for index in 0..package.len() {
        let mut part = package.by_index(index).map_err(unreadable)?;
        let declared = part.size();
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let shared_strings = name.ends_with("sharedStrings.xml");
        let cap = if shared_strings {
            limits.strings
        } else {
            limits.unpacked
        };
        let too_large = |n: u64| LedgerError::Unpacked(format!("{}MB", n.div_ceil(1 << 20)));
        if declared > cap || total.saturating_add(declared) > limits.unpacked {
            return Err(too_large(total.saturating_add(declared)));
        }
        let mut head = Vec::new();
        let mut counted = CountingSink {
            count: 0,
            head: shared_strings.then_some(&mut head),
        };
        std::io::copy(&mut (&mut part).take(declared + 1), &mut counted)
            .map_err(|e| LedgerError::Unreadable(e.to_string()))?;
        if counted.count > declared {
            return Err(LedgerError::Unreadable(format!(
                "部件“{name}”的实际大小与声明不符"
            )));
        }
        total += counted.count;
        if shared_strings {
            let announced = announced_strings(&head);
            if announced > limits.cells as u64 {
                return Err(LedgerError::TooManyCells(limits.cells));
            }
        }
    }
    Ok(())
}

/// Counts what is written to it, keeping the first 4 KiB when asked.
struct CountingSink<'a> {
    count: u64,
    head: Option<&'a mut Vec<u8>>,
}

impl std::io::Write for CountingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(head) = self.head.as_deref_mut() {
            let room = 4096usize.saturating_sub(head.len());
            head.extend_from_slice(&buf[..room.min(buf.len())]);
        }
        self.count += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The largest number the shared-strings table's `<sst>` tag announces (count, uniqueCount).
fn announced_strings(head: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(head);
    let Some(start) = text.find("<sst") else {
        return 0;
    };
    let tag = &text[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    ["uniqueCount=", " count="]
        .iter()
        .filter_map(|attr| {
            let value = &tag[tag.find(attr)? + attr.len()..];
            let value = value.trim_start_matches(['"', '\'']);
            let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
        .unwrap_or(0)
}

/// Reads the first sheet cell by cell (the sheet's declared or actual extent is never
/// allocated), counting rows and cells as they come.
fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetRow>, LedgerError> {
    check_package(bytes, limits)?;
    let unreadable = |e: calamine::XlsxError| LedgerError::Unreadable(e.to_string());
    let mut workbook: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let first = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(LedgerError::Empty)?;
    let mut reader = workbook
        .worksheet_cells_reader(&first)
        .map_err(unreadable)?;
    let mut tally = Tally::new(limits);
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut current: Option<SheetRow> = None;
    let mut in_order = true;
    let mut finish = |row: SheetRow, rows: &mut Vec<SheetRow>, tally: &mut Tally| {
        if row.cells.iter().any(|c| !c.is_empty()) {
            if rows.last().is_some_and(|last| last.line >= row.line) {
                in_order = false;
            }
            tally.row()?;
            rows.push(row);
        }
        Ok::<_, LedgerError>(())
    };
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let (line, column) = (r as usize + 1, c as usize + 1);
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        tally.cell(line, column, &text)?;
        if current.as_ref().is_some_and(|row| row.line != line) {
            finish(current.take().expect("a row"), &mut rows, &mut tally)?;
        }
        let row = current.get_or_insert_with(|| SheetRow {
            line,
            cells: Vec::new(),
        });
        if row.cells.len() < column {
            row.cells.resize(column, String::new());
        }
        row.cells[column - 1] = text;
    }
    if let Some(row) = current.take() {
        finish(row, &mut rows, &mut tally)?;
    }
    if !in_order {
        // Rows written out of order (some tools do): put them in order, joining a row's parts.
        rows.sort_by_key(|row| row.line);
        let mut joined: Vec<SheetRow> = Vec::with_capacity(rows.len());
        for row in rows {
            match joined.last_mut() {
                Some(last) if last.line == row.line => {
                    if last.cells.len() < row.cells.len() {
                        last.cells.resize(row.cells.len(), String::new());
                    }
                    for (i, cell) in row.cells.into_iter().enumerate() {
                        if !cell.is_empty() {
                            last.cells[i] = cell;
                        }
                    }
                }
                _ => joined.push(row),
            }
        }
        rows = joined;
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
        let present: Vec<&'static str> = layout
            .columns
            .iter()
            .filter(|c| index.contains_key(c.name))
            .map(|c| c.name)
            .collect();
        let records: Vec<Record> = self.rows[header_index + 1..]
            .iter()
            .map(|row| Record {
                present: present.clone(),
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

impl Layout {
    /// A record of this layout filled from a form rather than a file (line 1): the columns
    /// named in `values`, the others empty. The import that reads it checks it as it checks a
    /// row of a file.
    pub fn record(&self, values: &[(&str, String)]) -> Record {
        Record {
            line: 1,
            values: self
                .columns
                .iter()
                .map(|c| {
                    let v = values
                        .iter()
                        .find(|(k, _)| *k == c.name)
                        .map(|(_, v)| v.trim().to_string())
                        .unwrap_or_default();
                    (c.name, v)
                })
                .collect(),
            present: self.columns.iter().map(|c| c.name).collect(),
        }
    }
}
