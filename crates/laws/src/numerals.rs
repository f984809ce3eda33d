//! Chinese numerals as the statutes write article numbers: 第一百二十三条, 第二十条之一, 第十条.

const DIGITS: &[(char, u32)] = &[
    ('零', 0),
    ('〇', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

/// Reads 一百二十三, 二十, 十, 一千零五, 〇 — or Arabic digits (12, １２).
pub fn parse(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let ascii: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if ascii.chars().all(|c| c.is_ascii_digit()) {
        return ascii.parse().ok();
    }
    let mut total = 0u32;
    let mut section = 0u32; // below 万
    let mut digit: Option<u32> = None;
    for c in text.chars() {
        if let Some((_, d)) = DIGITS.iter().find(|(ch, _)| *ch == c) {
            digit = Some(*d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            total = (total + section + digit.unwrap_or(0)).checked_mul(10_000)?;
            section = 0;
        } else {
            // 十 alone means 一十.
            section = section.checked_add(digit.unwrap_or(1).checked_mul(unit)?)?;
        }
        digit = None;
    }
    Some(total + section + digit.unwrap_or(0))
}

/// Writes n as the statutes do: 1 → 一, 10 → 十, 20 → 二十, 105 → 一百零五, 110 → 一百一十.
pub fn write(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        let high = write(n / 10_000);
        let low = n % 10_000;
        return match low {
            0 => format!("{high}万"),
            l if l < 1000 => format!("{high}万零{}", write_with_leading_one(l)),
            l => format!("{high}万{}", write(l)),
        };
    }
    let mut out = String::new();
    let units = [(1000, "千"), (100, "百"), (10, "十")];
    let mut rest = n;
    let mut zero_pending = false;
    let mut started = false;
    for (value, name) in units {
        let d = rest / value;
        rest %= value;
        if d > 0 {
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            // 十 alone at the start (10–19), 一十 elsewhere (110).
            if !(value == 10 && d == 1 && !started) {
                out.push_str(D[d as usize]);
            }
            out.push_str(name);
            started = true;
        } else if started {
            zero_pending = true;
        }
    }
    if rest > 0 {
        if zero_pending {
            out.push('零');
        }
        out.push_str(D[rest as usize]);
    }
    out
}

fn write_with_leading_one(n: u32) -> String {
    let s = write(n);
    if (10..20).contains(&n) {
        format!("一{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_article_numbers() {
        for (text, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十一", 21),
            ("一百", 100),
            ("一百零五", 105),
            ("一百一十", 110),
            ("一百二十三", 123),
            ("两百", 200),
            ("一千二百六十", 1260),
            ("一千零五", 1005),
            ("12", 12),
            ("１２", 12),
            ("〇", 0),
        ] {
            assert_eq!(parse(text), Some(n), "{text}");
        }
        for bad in ["", "条", "二十a"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_and_reads_back() {
        for n in 1..=1300 {
            assert_eq!(parse(&write(n)), Some(n), "{n} = {}", write(n));
        }
        assert_eq!(write(10), "十");
        assert_eq!(write(110), "一百一十");
        assert_eq!(write(105), "一百零五");
        assert_eq!(write(1260), "一千二百六十");
    }
}
