//! Plain-text tables for the terminal (`sessions`, `history`): columns padded to the
//! widest cell as a terminal shows it, Chinese characters taking two columns.

use unicode_width::UnicodeWidthStr;

/// Columns a terminal gives `text`: two for East Asian wide characters (CJK ideographs,
/// kana, Hangul, full-width forms), one for the rest (Unicode's East Asian Width, as the
/// `unicode-width` crate tables it).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// The rows (header first) as lines, two spaces between columns, no trailing spaces.
pub fn render(rows: &[Vec<String>], align: &[Align]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| width(s)).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - width(cell));
            if c > 0 {
                line.push_str("  ");
            }
            match align.get(c).copied().unwrap_or(Align::Left) {
                Align::Left => line.push_str(&format!("{cell}{pad}")),
                Align::Right => line.push_str(&format!("{pad}{cell}")),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns_and_columns_line_up() {
        assert_eq!(width("6 分钟"), 6);
        let rows = vec![
            vec!["when".to_string(), "pace".into()],
            vec!["2026-11-24 14:03，6 分钟".into(), "152".into()],
            vec!["2026-11-24 15:10, 2 min".into(), "98".into()],
        ];
        let text = render(&rows, &[Align::Left, Align::Right]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.iter().map(|l| width(l)).collect::<Vec<_>>(), [30, 30, 30], "{text}");
        assert!(lines[2].ends_with("   98"), "{text}");
    }
}
