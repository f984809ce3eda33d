use ledger::{Column, Layout, LedgerError, cell, read_bytes, template, to_csv, to_xlsx};

const LAYOUT: Layout = Layout {
    kind: "things",
    title: "测试台账",
    columns: &[
        Column::required("名称", "必填"),
        Column::required("日期", "YYYY-MM-DD"),
        Column::optional("代码", "可空"),
    ],
};

fn rows() -> Vec<Vec<String>> {
    vec![
        vec!["示例区".into(), "2020-04-01".into(), "0320411".into()],
        vec!["示例镇".into(), "2020-05-01".into(), "".into()],
    ]
}

#[test]
fn xlsx_round_trips_with_codes_kept_as_text() {
    let bytes = to_xlsx(&LAYOUT, &rows()).unwrap();
    let records = read_bytes("x.xlsx", &bytes)
        .unwrap()
        .records(&LAYOUT)
        .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].line, 2);
    assert_eq!(records[0].get("代码"), "0320411");
    assert_eq!(records[1].get("名称"), "示例镇");
    assert_eq!(
        cell::date(records[1].get("日期")).unwrap().to_string(),
        "2020-05-01"
    );
}

#[test]
fn csv_with_bom_round_trips() {
    let bytes = to_csv(&LAYOUT, &rows()).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let records = read_bytes("x.csv", &bytes)
        .unwrap()
        .records(&LAYOUT)
        .unwrap();
    assert_eq!(records[0].get("名称"), "示例区");
    assert_eq!(records[1].line, 3);
}

#[test]
fn column_order_is_free_extra_columns_and_title_rows_are_ignored() {
    let text = "2020年某某台账,,,\n备注,代码,日期,名称\n无,1,2020-01-01,甲\n,,,\n,2,2020/1/2,乙\n";
    let records = read_bytes("x.csv", text.as_bytes())
        .unwrap()
        .records(&LAYOUT)
        .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].line, records[0].get("名称")), (3, "甲"));
    assert_eq!(
        (records[1].line, records[1].get("代码")),
        (5, "2"),
        "the blank row keeps its number"
    );
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let gbk_like = b"\xc3\xfb\xb3\xc6,\xc8\xd5\xc6\xda\n";
    assert!(matches!(
        read_bytes("x.csv", gbk_like),
        Err(LedgerError::NotUtf8 { line: 1 })
    ));
    assert!(matches!(
        read_bytes("x.txt", b"a"),
        Err(LedgerError::UnsupportedFormat(_))
    ));
    let missing = read_bytes("x.csv", "名称,代码\n甲,1\n".as_bytes())
        .unwrap()
        .records(&LAYOUT)
        .unwrap_err();
    assert_eq!(missing, LedgerError::MissingColumns("“日期”".into()));
    let empty = read_bytes("x.csv", "名称,日期\n".as_bytes())
        .unwrap()
        .records(&LAYOUT)
        .unwrap_err();
    assert_eq!(empty, LedgerError::Empty);
    assert!(matches!(
        read_bytes("x.xlsx", b"not a zip"),
        Err(LedgerError::Unreadable(_))
    ));
}

#[test]
fn the_template_has_headers_and_help() {
    let bytes = template(&LAYOUT).unwrap();
    let sheet = read_bytes("t.xlsx", &bytes).unwrap();
    assert_eq!(sheet.rows[0].cells, vec!["名称", "日期", "代码"]);
}

/// Cells Excel or WPS would run as formulas are written as text, and read back as they were.
#[test]
fn csv_cells_are_never_formulas_and_round_trip() {
    let live = [
        "=HYPERLINK(\"http://evil.example\",\"点击\")",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
    ];
    let kept = ["-1.5", "+86", "-", "示例区", "'引号开头"];
    let rows: Vec<Vec<String>> = live
        .iter()
        .chain(kept.iter())
        .map(|c| vec![c.to_string(), "2020-04-01".into(), String::new()])
        .collect();
    let bytes = to_csv(&LAYOUT, &rows).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    for record in reader.records() {
        let first = record.unwrap().get(0).unwrap().to_string();
        let signed_text =
            first.len() > 1 && first.starts_with(['+', '-']) && first[1..].parse::<f64>().is_err();
        let formula = first.starts_with(['=', '@']) || signed_text;
        assert!(!formula, "a formula in the CSV: {first}");
    }
    let records = read_bytes("x.csv", &bytes)
        .unwrap()
        .records(&LAYOUT)
        .unwrap();
    let read: Vec<&str> = records.iter().map(|r| r.get("名称")).collect();
    let written: Vec<&str> = live.iter().chain(kept.iter()).copied().collect();
    assert_eq!(read, written);
}

/// DESIGN §4.4: the header is 第1行 and the first data row 第2行, as Excel and any editor show
/// them — also in a CSV saved with Windows line ends (the first data row was reported as 第1行),
/// and after a cell that spans lines.
#[test]
fn csv_rows_are_numbered_as_an_editor_shows_them() {
    for text in [
        "名称,日期\r\n示例区,2020-04-01\r\n示例镇,2020-05-01\r\n",
        "名称,日期\n示例区,2020-04-01\n示例镇,2020-05-01\n",
    ] {
        let records = read_bytes("x.csv", text.as_bytes())
            .unwrap()
            .records(&LAYOUT)
            .unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3], "{text:?}");
    }
    let spanning = "名称,日期\r\n\"示例\r\n区\",2020-04-01\r\n示例镇,2020-05-01\r\n";
    let records = read_bytes("x.csv", spanning.as_bytes())
        .unwrap()
        .records(&LAYOUT)
        .unwrap();
    let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 4]);
}

#[test]
fn a_row_with_several_errors_is_one_row() {
    let errors = vec![
        ledger::RowError {
            line: 2,
            column: "名称".into(),
            reason: "必填".into(),
        },
        ledger::RowError {
            line: 2,
            column: "日期".into(),
            reason: "无效".into(),
        },
        ledger::RowError {
            line: 3,
            column: "日期".into(),
            reason: "无效".into(),
        },
    ];
    assert_eq!(ledger::distinct_lines(&errors), 2);
    let rejected = ledger::Rejected { errors };
    assert!(rejected.to_string().starts_with("2行有错误"));
}

const CHOOSING: Layout = Layout {
    kind: "choosing",
    title: "选择台账",
    columns: &[
        Column::required("名称", "必填"),
        Column::required("结果", "成功 或 不成功").choices(&["成功", "不成功"]),
        Column::optional("是否确认", "是 或 否").choices(&["是", "否"]),
    ],
};

fn part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_template_offers_each_closed_list_as_a_drop_down() {
    let bytes = template(&CHOOSING).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    // Columns B and C, every data row, from the hidden sheet of words.
    assert!(
        sheet.contains("<dataValidation type=\"list\" errorStyle=\"warning\""),
        "{sheet}"
    );
    assert!(sheet.contains("sqref=\"B2:B1048576\""), "{sheet}");
    assert!(sheet.contains("'选项'!$A$2:$A$3"), "{sheet}");
    assert!(
        sheet.contains("sqref=\"C2:C1048576\"") && sheet.contains("'选项'!$B$2:$B$3"),
        "{sheet}"
    );
    assert!(!sheet.contains("A2:A1048576"), "名称 has no list");
    let words = part(&bytes, "xl/sharedStrings.xml");
    assert!(
        words.contains("不成功") && words.contains("是否确认"),
        "{words}"
    );
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("name=\"选项\"") && workbook.contains("state=\"hidden\""),
        "{workbook}"
    );
    // The data sheet still reads first, and a layout without lists gets no extra sheet.
    assert!(matches!(
        read_bytes("x.xlsx", &bytes).unwrap().records(&CHOOSING),
        Err(LedgerError::Empty)
    ));
    assert!(!part(&template(&LAYOUT).unwrap(), "xl/workbook.xml").contains("选项"));
}
