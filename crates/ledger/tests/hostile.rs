//! Files built to hurt the reader (issue 16, items 1 and 2): each is refused, quickly and without
//! allocating what it announces.

use std::io::Write;

use ledger::{LedgerError, Limits, read_bytes_within};
use zip::write::SimpleFileOptions;

const SMALL: Limits = Limits {
    rows: 10,
    columns: 256,
    cells: 100,
    unpacked: 1 << 20,
    strings: 64 << 10,
};

fn package(sheet: &str, strings: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_string()),
    ];
    if let Some(strings) = strings {
        parts.push(("xl/sharedStrings.xml", strings.to_string()));
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn sheet(dimension: &str, cells: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    )
}

fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_sheet_that_is_well_formed_reads() {
    let cells = format!(
        "<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>",
        text_cell("A1", "名称"),
        text_cell("B1", "日期"),
        text_cell("A2", "示例区"),
        text_cell("B2", "2020-04-01")
    );
    let bytes = package(&sheet("A1:B2", &cells), None);
    let sheet = read_bytes_within("x.xlsx", &bytes, &SMALL).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[1].cells, vec!["示例区", "2020-04-01"]);
    assert_eq!(sheet.rows[1].line, 2);
}

/// 1.5 KB: one cell at A1 and one at XFD1048576, the sheet declaring the whole grid. Reading
/// the range would allocate 17 billion cells; the reader names the cell instead.
#[test]
fn a_cell_at_the_far_corner_is_refused_by_its_column() {
    let cells = format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        text_cell("A1", "名称"),
        text_cell("XFD1048576", "x")
    );
    let bytes = package(&sheet("A1:XFD1048576", &cells), None);
    assert!(bytes.len() < 4096);
    let refused = read_bytes_within("x.xlsx", &bytes, &Limits::UPLOAD).unwrap_err();
    assert_eq!(
        refused,
        LedgerError::TooManyColumns {
            line: 1_048_576,
            column: 16_384,
            limit: 256
        }
    );
    assert!(refused.to_string().contains("第1048576行第16384列"));
}

/// A far row alone costs nothing: the rows in between are never made.
#[test]
fn a_cell_in_the_last_row_is_one_row() {
    let cells = format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        text_cell("A1", "名称"),
        text_cell("A1048576", "x")
    );
    let bytes = package(&sheet("A1:A1048576", &cells), None);
    let sheet = read_bytes_within("x.xlsx", &bytes, &Limits::UPLOAD).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[1].line, 1_048_576);
}

/// A sheet part that unpacks far beyond its packed size is refused before it is parsed.
#[test]
fn a_zip_bomb_is_refused_by_its_unpacked_size() {
    let padding = " ".repeat(4 << 20);
    let cells = format!("<row r=\"1\">{}</row>{padding}", text_cell("A1", "名称"));
    let bytes = package(&sheet("A1", &cells), None);
    assert!(bytes.len() < 64 << 10, "{}", bytes.len());
    let refused = read_bytes_within("x.xlsx", &bytes, &SMALL).unwrap_err();
    assert!(matches!(refused, LedgerError::Unpacked(_)), "{refused:?}");
}

/// A part whose header declares less than it unpacks to is caught while it is counted.
#[test]
fn a_part_that_lies_about_its_size_is_refused() {
    let padding = " ".repeat(200 << 10);
    let cells = format!("<row r=\"1\">{}</row>{padding}", text_cell("A1", "名称"));
    let mut bytes = package(&sheet("A1", &cells), None);
    // Rewrite the sheet's declared unpacked size (local header +22, central directory +24).
    let name = b"xl/worksheets/sheet1.xml";
    let lie = 1000u32.to_le_bytes();
    let mut patched = 0;
    for at in 0..bytes.len() - 4 {
        let signature = &bytes[at..at + 4];
        let (size_at, name_at) = match signature {
            b"PK\x03\x04" => (at + 22, at + 30),
            b"PK\x01\x02" => (at + 24, at + 46),
            _ => continue,
        };
        if bytes.get(name_at..name_at + name.len()) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&lie);
            patched += 1;
        }
    }
    assert_eq!(patched, 2);
    let refused = read_bytes_within("x.xlsx", &bytes, &Limits::UPLOAD).unwrap_err();
    assert!(matches!(refused, LedgerError::Unreadable(_)), "{refused:?}");
}

/// The shared-strings table announcing a trillion strings (the reader reserves room for them).
#[test]
fn a_string_table_announcing_more_than_the_cell_limit_is_refused() {
    let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1000000000000"><si><t>名称</t></si></sst>"#;
    let cells = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let bytes = package(&sheet("A1", cells), Some(strings));
    let refused = read_bytes_within("x.xlsx", &bytes, &Limits::UPLOAD).unwrap_err();
    assert_eq!(refused, LedgerError::TooManyCells(Limits::UPLOAD.cells));
}

/// Rows and cells are counted while reading: the reader stops at the limit.
#[test]
fn rows_and_cells_past_the_limit_are_refused_while_reading() {
    let rows: String = (1..=11)
        .map(|r| format!("<row r=\"{r}\">{}</row>", text_cell(&format!("A{r}"), "x")))
        .collect();
    let bytes = package(&sheet("A1:A11", &rows), None);
    assert_eq!(
        read_bytes_within("x.xlsx", &bytes, &SMALL).unwrap_err(),
        LedgerError::TooManyRows(10)
    );
    let wide: String = (0..101)
        .map(|c| text_cell(&format!("{}1", column_name(c)), "x"))
        .collect();
    let bytes = package(&sheet("A1", &format!("<row r=\"1\">{wide}</row>")), None);
    assert_eq!(
        read_bytes_within("x.xlsx", &bytes, &SMALL).unwrap_err(),
        LedgerError::TooManyCells(100)
    );
    let csv: String = (0..11).map(|i| format!("{i},x\n")).collect();
    assert_eq!(
        read_bytes_within("x.csv", csv.as_bytes(), &SMALL).unwrap_err(),
        LedgerError::TooManyRows(10)
    );
    let csv = format!("{}x\n", ",".repeat(300));
    assert!(matches!(
        read_bytes_within("x.csv", csv.as_bytes(), &SMALL).unwrap_err(),
        LedgerError::TooManyColumns { column: 301, .. }
    ));
}

#[test]
fn an_old_excel_file_is_refused_with_what_to_do() {
    let refused = read_bytes_within("x.xls", b"\xD0\xCF\x11\xE0", &SMALL).unwrap_err();
    assert!(refused.to_string().contains("另存为 .xlsx"));
}

fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}

/// Inputs on which `fazhi-bench fuzz` found the reader panicking: each is now read or refused.
#[test]
fn inputs_the_fuzzer_found_are_read_or_refused() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut tried = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = if path.to_string_lossy().contains("csv") {
            "x.csv"
        } else {
            "x.xlsx"
        };
        let _ = read_bytes_within(name, &bytes, &Limits::UPLOAD);
        tried += 1;
    }
    assert!(tried > 0);
}
