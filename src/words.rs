//! The shape every table of words shares: the window's, the desktop row's, the team
//! status line's, the call report's and the team report's.
//!
//! Each table is a struct of strings declared with [`word_table!`] and one constant per
//! interface language written beside it as an ordinary struct literal, so the compiler
//! refuses a language that lacks a string. The macro adds `texts()`, every string of a
//! table, which the font-subset checks read: a string added to a table is checked
//! without anyone extending a list by hand. Placeholders in a string are `{name}`,
//! filled by [`fill`] and nothing else.
//!
//! A leaf of the crate: it imports nothing of it, so the report (below the window) and the
//! window use it alike.

/// A field of a word table: one string, or a few (singular and plural nouns).
pub trait Texts {
    fn push_texts(&self, out: &mut Vec<&'static str>);
}

impl Texts for &'static str {
    fn push_texts(&self, out: &mut Vec<&'static str>) {
        out.push(self);
    }
}

impl<const N: usize> Texts for [&'static str; N] {
    fn push_texts(&self, out: &mut Vec<&'static str>) {
        out.extend_from_slice(self);
    }
}

/// Declares a table of words: the struct as written, plus `texts()`, every string in it
/// in field order.
macro_rules! word_table {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $name {
            /// Every string of the table, in field order (the font-subset check reads
            /// them all).
            #[allow(dead_code)]
            pub fn texts(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $( $crate::words::Texts::push_texts(&self.$field, &mut out); )*
                out
            }
        }
    };
}
pub(crate) use word_table;

/// Fills `{name}` placeholders in `template` with `values`; a brace that names no value is
/// kept as it is (a word table's text is never an error at run time). Values are put in
/// last, so none is ever filled twice (a value that holds `{unit}` stays as it is).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(n, _)| *n == name) => {
                out.push_str(values.iter().find(|(n, _)| *n == name).expect("found").1);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The noun for `n` of something: its singular form for one, its plural otherwise
/// (`["call", "calls"]`; a Chinese table gives the same word twice, or none).
pub fn counted(nouns: [&'static str; 2], n: i64) -> &'static str {
    if n == 1 { nouns[0] } else { nouns[1] }
}

#[cfg(test)]
mod tests {
    use super::*;

    word_table! {
        /// A table for the test.
        pub struct Sample {
            /// One string.
            pub one: &'static str,
            pub nouns: [&'static str; 2],
            pub last: &'static str,
        }
    }

    #[test]
    fn texts_lists_every_string_of_a_table_in_field_order() {
        let s = Sample { one: "一", nouns: ["call", "calls"], last: "末" };
        assert_eq!(s.texts(), ["一", "call", "calls", "末"]);
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        let nouns = ["syllable", "syllables"];
        assert_eq!(counted(nouns, 1), "syllable");
        for n in [0, 2, 71, -1] {
            assert_eq!(counted(nouns, n), "syllables", "{n}");
        }
    }

    #[test]
    fn fill_replaces_named_placeholders_and_keeps_unknown_braces() {
        assert_eq!(fill("{n} 通电话，{x}", &[("n", "3")]), "3 通电话，{x}");
        assert_eq!(fill("a {b} {b}", &[("b", "c")]), "a c c");
        assert_eq!(fill("{", &[("b", "c")]), "{");
        assert_eq!(fill("no braces", &[]), "no braces");
        let text = fill("{time}: {value} {unit} {x}", &[("time", "1:05"), ("value", "{unit}")]);
        assert_eq!(text, "1:05: {unit} {unit} {x}");
    }
}
