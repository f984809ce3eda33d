//! Rule 文字内容: what a text field may hold. Text typed by a person holds no NUL or other
//! control characters (tab and line breaks aside) and no characters that reverse the direction
//! of the text around them (a name shown as “王建国” could then read otherwise); and text that is
//! not empty is not made only of characters nobody can see.

/// Characters that change the display direction of what follows them (bidi embeddings,
/// overrides and isolates).
fn turns_direction(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Characters with no visible mark: zero-width spaces and joiners, the word joiner, the byte
/// order mark, soft hyphens and the like.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || turns_direction(c)
        || matches!(
            c,
            '\u{200b}'..='\u{200d}'
                | '\u{2060}'..='\u{2064}'
                | '\u{feff}'
                | '\u{00ad}'
                | '\u{034f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{ffa0}'
                | '\u{180e}'
        )
}

/// Why `text` cannot be taken as typed text, or `None` when it can.
pub fn refusal(text: &str) -> Option<&'static str> {
    if text.contains('\0') {
        return Some("含有空字符（NUL），请重新输入");
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Some("含有控制字符，请重新输入");
    }
    if text.chars().any(turns_direction) {
        return Some("含有改变文字方向的不可见字符，请删去后重新输入");
    }
    if !text.is_empty() && text.chars().all(invisible) && !text.chars().all(char::is_whitespace) {
        return Some("只有看不见的字符，请输入实际内容");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn typed_text_passes_and_hidden_text_is_named() {
        for fine in [
            "王建国",
            "",
            "  ",
            "第一行\n第二行\t",
            "新北区（示例）",
            "A‍B",
        ] {
            assert_eq!(refusal(fine), None, "{fine:?}");
        }
        assert!(refusal("王\0").unwrap().contains("空字符"));
        assert!(refusal("a\u{7}b").unwrap().contains("控制字符"));
        assert!(refusal("王\u{202e}国建").unwrap().contains("方向"));
        assert!(refusal("\u{2067}").unwrap().contains("方向"));
        assert!(
            refusal("\u{200b}\u{200c}\u{feff}")
                .unwrap()
                .contains("看不见")
        );
        assert!(refusal(" \u{200b} ").unwrap().contains("看不见"));
    }
}
