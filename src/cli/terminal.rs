//! Foreign text (device names, session sources, file names) made safe for a terminal:
//! a newline in a device name must not forge a line of `sessions`, and an escape
//! sequence must not reach the terminal.

use std::borrow::Cow;

/// Control characters (C0, DEL, C1) and bidirectional overrides are shown as `\u{..}`
/// escapes; everything else, Chinese included, passes unchanged.
pub fn clean(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_and_escape_sequences_are_shown_not_obeyed() {
        assert_eq!(clean("USB\nfake line"), "USB\\u{a}fake line");
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "\\u{1b}[31mred\\u{1b}[0m");
        assert_eq!(clean("a\u{9b}b\u{7f}"), "a\\u{9b}b\\u{7f}");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn ordinary_names_pass_unchanged() {
        for name in ["Built-in Audio Analog Stereo", "耳机麦克风 (USB)", "Jabra Evolve2 65"] {
            assert!(matches!(clean(name), Cow::Borrowed(_)), "{name}");
        }
    }
}
