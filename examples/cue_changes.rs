//! How often the cue line changes over a recording, through the live app's analyser work
//! (README's cue figures, issue 23): line changes and nudges per minute, the shortest
//! cue shown, and each cue with its time.
//!
//! ```sh
//! cargo run --release --example cue_changes -- assets/demo.wav
//! cargo run --release --example cue_changes -- agent.wav caller.wav
//! ```

use std::path::Path;

use speech_coach::analysis::Lang;

/// The measurement lives with the tests (it is no part of the app); the example shares it.
#[path = "../tests/common/cue_line.rs"]
mod cue_line;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(agent) = args.first() else {
        eprintln!("usage: cue_changes AGENT.wav [CALLER.wav]");
        std::process::exit(2);
    };
    let line = cue_line::cue_line(Path::new(agent), args.get(1).map(Path::new), Lang::Zh);
    for s in &line.shown {
        println!("{:7.1} s  {:?} for {:.1} s", s.at, s.cue, s.stayed);
    }
    let nudges = line.nudges();
    let shortest = line.shown.iter().map(|s| s.stayed).fold(f64::INFINITY, f64::min);
    println!(
        "{:.0} s: {} line changes ({:.1}/min), {} cues shown, {} nudges ({:.1}/min), shortest cue {:.1} s",
        line.seconds,
        line.changes,
        line.per_min(line.changes),
        line.shown.len(),
        nudges.len(),
        line.per_min(nudges.len()),
        shortest
    );
    if let Some(a) = &line.agent {
        println!(
            "agent: {} syllables in {:.1} s of turns ({} turns): {:.1} a minute",
            a.syllables,
            a.turn_s,
            a.turns,
            a.syllables_per_min.unwrap_or(0.0)
        );
    }
}
