//! Foreign text (device names, session sources, file names) made safe for a terminal:
//! a newline in a device name must not forge a line of `sessions`, and an escape
//! sequence must not reach the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What a terminal obeys rather than shows: control characters (C0, DEL, C1) and the
/// bidirectional overrides.
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// JSON text for a terminal: serde_json escapes C0 controls but writes DEL, C1 (U+009B is
/// a CSI to many terminals) and the bidirectional overrides as they are; here they become
/// `\uXXXX` escapes, which read back as the same string. Outside its strings JSON holds
/// only ASCII, so every such character is inside one.
pub fn json_clean(json: String) -> String {
    if !json.chars().any(unsafe_char) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 12);
    for c in json.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (C0, DEL, C1) and bidirectional overrides are shown as `\u{..}`
/// escapes; everything else, Chinese included, passes unchanged.
pub fn clean(text: &str) -> Cow<'_, str> {
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
    fn json_for_a_terminal_escapes_what_serde_json_leaves_raw_and_reads_back_the_same() {
        let id = "1764000000\u{9b}31m\u{7f}\u{202e}\x1b[2J\n名";
        let json = json_clean(serde_json::to_string(&serde_json::json!({ "id": id })).unwrap());
        assert!(!json.chars().any(unsafe_char), "{json:?}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["id"], id);
        let plain = r#"{"id":"1764000000","source":"耳机"}"#.to_string();
        assert_eq!(json_clean(plain.clone()), plain);
    }

    #[test]
    fn ordinary_names_pass_unchanged() {
        for name in ["Built-in Audio Analog Stereo", "耳机麦克风 (USB)", "Jabra Evolve2 65"] {
            assert!(matches!(clean(name), Cow::Borrowed(_)), "{name}");
        }
    }
}
