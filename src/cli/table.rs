//! Plain-text tables for the terminal (`sessions`, `history`): columns padded to the
//! widest cell as a terminal shows it, Chinese characters taking two columns.

use unicode_width::UnicodeWidthStr;

/// Columns a terminal gives `text`: two for East Asian wide characters (CJK ideographs,
/// kana, Hangul, full-width forms), one for the rest (Unicode's East Asian Width, as the
/// `unicode-width` crate tables it).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `columns` terminal columns, ending in `…` when cut: text from
/// stored data or a database has no length limit of its own, and one cell of 65,536
/// characters would push every other column off the screen.
pub fn shorten(text: &str, columns: usize) -> std::borrow::Cow<'_, str> {
    if width(text) <= columns {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// `text` padded with spaces on the right to `columns` terminal columns (never cut).
/// By hand, not `format!("{text:<columns$}")`: a width over 65,535 panics there
/// ("Formatting argument out of range"), and `format!` counts characters, not columns.
pub fn pad_right(text: &str, columns: usize) -> String {
    let mut out = String::from(text);
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(width(text))));
    out
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
            let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
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

    #[test]
    fn a_cell_of_any_length_is_cut_to_its_columns_and_padded_without_panicking() {
        // Issue 22 S4: `format!("{name:<width$}")` panicked for a 65,536-character name.
        let long = "A".repeat(65_536);
        assert_eq!(pad_right(&long, 65_536).len(), 65_536);
        assert_eq!(pad_right("李", 70_000).len(), "李".len() + 69_998);
        let short = shorten(&long, 40);
        assert_eq!((width(&short), short.ends_with('…')), (40, true));
        let hundred = "李".repeat(100);
        let zh = shorten(&hundred, 9);
        assert_eq!((zh.as_ref(), width(&zh)), ("李李李李…", 9));
        assert!(matches!(shorten("Alice", 40), std::borrow::Cow::Borrowed("Alice")));
    }
}
