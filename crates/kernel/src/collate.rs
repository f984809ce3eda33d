//! Rule 排序: lists of Chinese text are in the order an officer looks things up in — 汉语拼音, as
//! a dictionary orders them — with numbers inside the text compared as numbers (新复〔2026〕9号
//! before 新复〔2026〕10号). Compared character codes would put 住建局 before 财政局.
//!
//! The one ordering is the Unicode collation of CLDR's `zh` locale with numeric ordering, through
//! ICU4X. Storage sorts with it under the collation name [`ZH`]: the bundled SQLite gets
//! [`zh_cmp`] as that collation; PostgreSQL gets an ICU collation of the same locale.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};

/// The collation's name in SQL (`ORDER BY name COLLATE zh`), on both backends.
pub const ZH: &str = "zh";

/// The ICU locale PostgreSQL's collation is created with: Chinese, numbers as numbers.
pub const ZH_ICU_LOCALE: &str = "zh-u-kn-true";

static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let mut prefs = CollatorPreferences::from(icu_locale_core::locale!("zh"));
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    // The data is compiled in; `zh` is in it, so this cannot fail at run time (a test says so).
    Collator::try_new(prefs, CollatorOptions::default()).expect("the zh collation is compiled in")
});

/// Compares two texts in 拼音 order, numbers as numbers; texts that differ only where the
/// collation sees no difference are ordered by their characters, so the order is total.
pub fn zh_cmp(a: &str, b: &str) -> Ordering {
    COLLATOR.compare(a, b).then_with(|| a.cmp(b))
}

/// SQL ranking a column of codes in the order given (stages as a case goes, types as the official
/// lists give them), for lists ordered by such a column; other values come last. Codes are the
/// program's own words (no quotes in them), never a user's text.
pub fn sql_rank<'a>(column: &str, codes: impl IntoIterator<Item = &'a str>) -> String {
    let mut sql = format!("CASE {column}");
    let mut n = 0;
    for code in codes {
        debug_assert!(!code.contains('\''));
        sql.push_str(&format!(" WHEN '{code}' THEN {n}"));
        n += 1;
    }
    sql.push_str(&format!(" ELSE {n} END"));
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort_by(|a, b| zh_cmp(a, b));
        v
    }

    #[test]
    fn departments_in_pinyin_order() {
        assert_eq!(
            sorted(vec!["住建局", "农业农村局", "市场监管局", "财政局"]),
            ["财政局", "农业农村局", "市场监管局", "住建局"]
        );
    }

    #[test]
    fn numbers_inside_text_compare_as_numbers() {
        assert_eq!(
            sorted(vec![
                "新复〔2026〕10号",
                "新复〔2026〕9号",
                "新复〔2025〕11号"
            ]),
            ["新复〔2025〕11号", "新复〔2026〕9号", "新复〔2026〕10号"]
        );
    }

    #[test]
    fn codes_rank_in_the_order_given() {
        assert_eq!(
            sql_rank("c.stage", ["received", "accepted"]),
            "CASE c.stage WHEN 'received' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END"
        );
    }

    #[test]
    fn the_order_is_total() {
        assert_eq!(zh_cmp("8号", "08号"), "8号".cmp("08号"));
        assert_ne!(zh_cmp("8号", "08号"), Ordering::Equal);
        assert_eq!(zh_cmp("张三", "张三"), Ordering::Equal);
    }
}
