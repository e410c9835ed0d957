//! The command line's help as a user reads it.

use crate::common;

/// Issue 23 item 10: `--lang` of the listing and report commands picks the language of
/// the table or report; its help must say that, not the speech language's syllable rules.
#[test]
fn lang_help_of_the_listings_names_the_table_language_not_syllable_rules() {
    for args in [&["sessions", "--help"][..], &["report", "--help"], &["history", "--help"]] {
        let out = common::binary().args(args).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}");
        let lang = help.lines().find(|l| l.contains("--lang")).unwrap_or_default();
        assert!(lang.contains("zh or en"), "{args:?}: {help}");
        // Before: the speech language's values, "Mandarin: one character is one syllable…".
        assert!(!help.contains("one character is one syllable"), "{args:?}: {help}");
    }
    // The speech language's help still explains the rules where they apply.
    let out = common::binary().args(["analyze", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("one character is one syllable"));
}
