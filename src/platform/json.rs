//! JSON files as people and other programs leave them (`session.json`, `settings.json`):
//! valid JSON, or nearly, that `serde_json` alone refuses, made readable before parsing.
//!
//! Three things a strict parser refuses although the fields a program needs are fine:
//! - a UTF-8 byte-order mark at the start: Notepad on Windows writes one (RFC 8259 §8.1
//!   lets a parser ignore it; serde_json does not);
//! - a number beyond f64 (`1e400`): serde_json fails the whole file ("number out of
//!   range"); here it becomes ±1e308, which every range check downstream refuses, so the
//!   one field is taken as missing instead of the whole file as damaged;
//! - nesting deeper than serde_json's recursion limit (128): no field this program reads
//!   lies deeper than a handful of levels, so a value deeper than [`DEPTH_MAX`] belongs to
//!   something it does not read and becomes `null`.
//!
//! Bytes that are not UTF-8 become U+FFFD: a bit flip inside a device name costs that
//! name, not the session. One linear pass, no recursion; the text is copied only when
//! something had to change.

use std::borrow::Cow;

/// Values nested deeper than this become `null` (serde_json stops at 128; the deepest
/// field read here, a hold in a session's conversation, is at depth 4).
pub const DEPTH_MAX: usize = 64;

const BOM: &str = "\u{feff}";

/// `bytes` as JSON text a strict parser takes (see the module docs).
pub fn tolerant(bytes: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(bytes);
    let stripped = match &text {
        Cow::Borrowed(t) => Cow::Borrowed(t.strip_prefix(BOM).unwrap_or(t)),
        Cow::Owned(t) => Cow::Owned(t.strip_prefix(BOM).unwrap_or(t).to_string()),
    };
    match rewrite(&stripped) {
        Some(fixed) => Cow::Owned(fixed),
        None => stripped,
    }
}

/// The text with overflowing numbers and over-deep values replaced, or `None` when it
/// needs neither.
fn rewrite(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    // How much of `text` has been copied to `out` (or needs no copy yet).
    let mut copied = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b'[' | b'{' if depth >= DEPTH_MAX => {
                let end = value_end(bytes, i);
                let o = out.get_or_insert_with(String::new);
                o.push_str(&text[copied..i]);
                o.push_str("null");
                copied = end;
                i = end;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = i + bytes[i..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(bytes.len() - i);
                let token = &text[i..end];
                if token.parse::<f64>().is_ok_and(f64::is_infinite) {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(&text[copied..i]);
                    o.push_str(if token.starts_with('-') { "-1e308" } else { "1e308" });
                    copied = end;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// Just past the string that opens at `start` (its closing quote), or the end of the text.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Just past the array or object that opens at `start`, or the end of the text.
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(text: &[u8]) -> Value {
        serde_json::from_str(&tolerant(text)).unwrap()
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let with_bom = b"\xef\xbb\xbf{\"compact\": true}";
        assert!(serde_json::from_slice::<Value>(with_bom).is_err(), "serde_json alone refuses it");
        assert_eq!(parse(with_bom)["compact"], true);
    }

    #[test]
    fn numbers_beyond_f64_become_the_largest_finite_ones_and_nothing_else_changes() {
        let text =
            br#"{"a": 1e400, "b": -2E+999, "c": 1e-400, "d": 3e38, "e": "1e400", "f": [1.5]}"#;
        assert!(serde_json::from_slice::<Value>(text).is_err(), "serde_json alone refuses it");
        let v = parse(text);
        assert_eq!((v["a"].as_f64(), v["b"].as_f64()), (Some(1e308), Some(-1e308)));
        assert_eq!((v["c"].as_f64(), v["d"].as_f64()), (Some(0.0), Some(3e38)));
        assert_eq!((v["e"].as_str(), v["f"][0].as_f64()), (Some("1e400"), Some(1.5)));
        let ordinary = br#"{"x": [1, -2.5e3, {"y": "a\"[{"}]}"#;
        assert!(matches!(tolerant(ordinary), Cow::Borrowed(_)));
    }

    #[test]
    fn values_nested_deeper_than_the_limit_become_null_and_the_rest_reads() {
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        let text = format!(r#"{{"compact": true, "from_elsewhere": {deep}, "n": 2}}"#);
        assert!(serde_json::from_str::<Value>(&text).is_err(), "serde_json alone refuses it");
        let v = parse(text.as_bytes());
        assert_eq!((v["compact"].as_bool(), v["n"].as_u64()), (Some(true), Some(2)));
        // Brackets inside strings do not count as nesting.
        let quoted = format!(r#"{{"s": "{}"}}"#, "[".repeat(500));
        assert!(matches!(tolerant(quoted.as_bytes()), Cow::Borrowed(_)));
    }

    #[test]
    fn bytes_that_are_not_utf8_cost_only_their_string() {
        let v = parse(b"{\"source\": \"mic\xff\", \"n\": 1}");
        assert_eq!((v["source"].as_str(), v["n"].as_u64()), (Some("mic\u{fffd}"), Some(1)));
    }

    #[test]
    fn unbalanced_or_cut_text_never_panics() {
        for text in ["[", "]", "\"", "\"\\", "{\"a\": 1e", "-", "}}}]]", "[[[[\"]"] {
            let _ = tolerant(text.as_bytes());
        }
        let deep_cut = "[".repeat(100);
        let _ = tolerant(deep_cut.as_bytes());
    }
}
