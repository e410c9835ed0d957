//! The cue model a person can live with (issue 23, item 2), on the demo recording through
//! the live app's analyser work: nudges only for sustained breaches, one new nudge per
//! cooldown at most, each cue on the line long enough to read, and few line changes.
//!
//! `cargo run --release --example cue_changes -- assets/demo.wav` prints the same figures.

use std::path::Path;

use crate::common::cue_line::cue_line;
use speech_coach::analysis::Lang;
use speech_coach::coach::cues::{COOLDOWN_S, MIN_SHOWN_S};

#[test]
fn the_demo_nudges_at_most_once_per_cooldown_and_each_cue_stays_to_be_read() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("demo.wav");
    let line = cue_line(&demo, None, Lang::Zh);
    println!("{line:?}");
    assert!(line.seconds > 80.0, "{line:?}");
    let nudges = line.nudges();
    assert!(!nudges.is_empty(), "the demo speaks too fast at times: {line:?}");
    for pair in nudges.windows(2) {
        let ((t0, c0, _), (t1, c1, _)) = (pair[0], pair[1]);
        assert!(
            c0 == c1 || t1 - t0 >= COOLDOWN_S - 0.05,
            "{c0:?} at {t0:.1} s, {c1:?} at {t1:.1} s"
        );
    }
    // Measured: 8 changes in 88 s (5.5 a minute; 24 before the cue model, 16.4 a minute),
    // 2 nudges (7 before), the shortest cue 13.0 s (0.4 s before).
    assert!(line.per_min(line.changes) <= 7.0, "{line:?}");
    assert!(line.shown.iter().all(|s| s.2 >= MIN_SHOWN_S), "{line:?}");
}
