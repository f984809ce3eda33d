//! Writing ledgers: .xlsx with a header row, frozen panes and a 填写说明 sheet; .csv with a BOM
//! so that Excel opens it as UTF-8.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatBorder, Formula, Workbook,
};

use crate::{Layout, LedgerError};

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> LedgerError {
    LedgerError::Write(e.to_string())
}

/// The ledger as an .xlsx file: the header row, then `rows` (cells in the layout's column order).
pub fn to_xlsx(layout: &Layout, rows: &[Vec<String>]) -> Result<Vec<u8>, LedgerError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin);
    let sheet = workbook.add_worksheet();
    sheet.set_name(layout.title).map_err(xlsx_error)?;
    for (c, column) in layout.columns.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, column.name, &header)
            .map_err(xlsx_error)?;
        let widest = rows
            .iter()
            .filter_map(|r| r.get(c as usize))
            .map(|v| display_width(v))
            .chain(std::iter::once(display_width(column.name)))
            .max()
            .unwrap_or(8);
        sheet
            .set_column_width(c, (widest as f64 + 2.0).clamp(8.0, 60.0))
            .map_err(xlsx_error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            // Everything is written as text: codes such as 320411 or 0012 must not become numbers.
            sheet
                .write_string((r + 1) as u32, c as u16, value)
                .map_err(xlsx_error)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    add_choices(&mut workbook, layout)?;
    add_help_sheet(&mut workbook, layout)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// An empty ledger with its headers and 填写说明: the template offered for download.
pub fn template(layout: &Layout) -> Result<Vec<u8>, LedgerError> {
    to_xlsx(layout, &[])
}

/// The sheet the drop-downs read their words from (hidden), and a drop-down on every data row of
/// each column with a closed list of words. A word not in the list is warned about while typing;
/// the import still decides (it also takes the codes).
fn add_choices(workbook: &mut Workbook, layout: &Layout) -> Result<(), LedgerError> {
    const SHEET: &str = "选项";
    if layout.columns.iter().all(|c| c.choices.is_empty()) {
        return Ok(());
    }
    let mut rules = Vec::new();
    let lists = workbook.add_worksheet();
    lists.set_name(SHEET).map_err(xlsx_error)?;
    let mut list_col: u16 = 0;
    for (c, column) in layout.columns.iter().enumerate() {
        if column.choices.is_empty() {
            continue;
        }
        lists
            .write_string(0, list_col, column.name)
            .map_err(xlsx_error)?;
        for (r, word) in column.choices.iter().enumerate() {
            lists
                .write_string(r as u32 + 1, list_col, *word)
                .map_err(xlsx_error)?;
        }
        let letter = rust_xlsxwriter::utility::column_number_to_name(list_col);
        let range = format!(
            "='{SHEET}'!${letter}$2:${letter}${}",
            column.choices.len() + 1
        );
        rules.push((c as u16, column, range));
        list_col += 1;
    }
    lists.set_hidden(true);
    let sheet = workbook.worksheet_from_index(0).map_err(xlsx_error)?;
    for (c, column, range) in rules {
        let rule = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("不在可选范围内")
            .map_err(xlsx_error)?
            .set_error_message(format!(
                "“{}”应为：{}",
                column.name,
                column.choices.join("、")
            ))
            .map_err(xlsx_error)?;
        sheet
            .add_data_validation(1, c, 1_048_575, c, &rule)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

fn add_help_sheet(workbook: &mut Workbook, layout: &Layout) -> Result<(), LedgerError> {
    let bold = Format::new().set_bold();
    let help = workbook.add_worksheet();
    help.set_name("填写说明").map_err(xlsx_error)?;
    for (c, title) in ["列名", "是否必有此列", "填写要求"].iter().enumerate() {
        help.write_string_with_format(0, c as u16, *title, &bold)
            .map_err(xlsx_error)?;
    }
    for (r, column) in layout.columns.iter().enumerate() {
        let r = (r + 1) as u32;
        help.write_string(r, 0, column.name).map_err(xlsx_error)?;
        help.write_string(r, 1, if column.required { "是" } else { "否" })
            .map_err(xlsx_error)?;
        help.write_string(r, 2, column.help).map_err(xlsx_error)?;
    }
    help.set_column_width(0, 20).map_err(xlsx_error)?;
    help.set_column_width(2, 80).map_err(xlsx_error)?;
    Ok(())
}

/// Chinese characters take two columns.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A cell as a spreadsheet will not run it: Excel and WPS read a CSV cell that begins with `=`,
/// `@`, or `+`/`-` before anything but a number, as a formula (`=HYPERLINK(…)`, `=cmd|…`). Such a
/// cell is written after an apostrophe, which both show as text; reading a CSV drops it again
/// (`read::clean`), so an exported ledger imports unchanged.
pub(crate) fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let live = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => cell.len() > 1 && cell[1..].parse::<f64>().is_err(),
        _ => false,
    };
    if live {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Whether `cell` is one that `inert` wrote after an apostrophe.
pub(crate) fn was_made_inert(cell: &str) -> bool {
    cell.strip_prefix('\'')
        .is_some_and(|rest| !rest.is_empty() && inert(rest).starts_with('\''))
}

/// The ledger as UTF-8 CSV with a BOM; cells a spreadsheet would run as formulas are written as
/// text (see `inert`).
pub fn to_csv(layout: &Layout, rows: &[Vec<String>]) -> Result<Vec<u8>, LedgerError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer
            .write_record(layout.headers())
            .map_err(|e| LedgerError::Write(e.to_string()))?;
        for row in rows {
            writer
                .write_record(row.iter().map(|c| inert(c).into_owned()))
                .map_err(|e| LedgerError::Write(e.to_string()))?;
        }
        writer
            .flush()
            .map_err(|e| LedgerError::Write(e.to_string()))?;
    }
    Ok(out)
}
