//! GPE/VDE of the streaming tracker (and optionally of Praat) on a folder of `*.wav` +
//! `*.f0ref` pairs such as `../shared/data/fda`.
//!
//! ```sh
//! cargo run --release --example pitch_eval -- ../shared/data/fda
//! cargo run --release --example pitch_eval -- ../shared/data/fda --praat out/praat-fda
//! cargo run --release --example pitch_eval -- out/fda-tel --reference ../shared/data/fda
//! ```
//! `--praat DIR` scores Praat tracks written by `scripts/praat_pitch.praat` instead.

use std::path::{Path, PathBuf};

use speech_coach::analysis::AnalyserConfig;

/// Scoring lives with the tests (it is no part of the app); the example shares the file.
#[path = "../tests/common/eval.rs"]
mod eval;
use eval::{PitchScore, Track, read_f0_lines, read_praat_listing, score};
use speech_coach::analysis::analyse_wav;

const REFERENCE_STEP_S: f64 = 0.015;

fn our_track(wav: &Path) -> Track {
    let mut f0 = Vec::new();
    analyse_wav(wav, AnalyserConfig::new, |f| f0.push(f.f0_hz), |_, _| {}).expect("analysis");
    Track { start_s: 0.0, step_s: 0.01, f0_hz: f0 }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first().expect("usage: pitch_eval DIR [--reference REFDIR] [--praat PRAATDIR]"),
    );
    let option =
        |name: &str| args.iter().position(|a| a == name).map(|i| PathBuf::from(&args[i + 1]));
    let reference_dir = option("--reference").unwrap_or_else(|| dir.clone());
    let praat_dir = option("--praat");
    let mut wavs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    wavs.sort();
    let (mut total, mut per_speaker) = (PitchScore::default(), std::collections::BTreeMap::new());
    for wav in &wavs {
        let stem = wav.file_stem().unwrap().to_string_lossy().to_string();
        let reference = read_f0_lines(&reference_dir.join(format!("{stem}.f0ref"))).unwrap();
        let track = match &praat_dir {
            Some(p) => read_praat_listing(&p.join(format!("{stem}.txt"))).unwrap(),
            None => our_track(wav),
        };
        let s = score(&reference, REFERENCE_STEP_S, &track);
        if std::env::var_os("VERBOSE").is_some() {
            println!("{stem}: GPE {:.2} % VDE {:.2} %", s.gpe_percent(), s.vde_percent());
        }
        per_speaker.entry(stem[..2].to_string()).or_insert_with(PitchScore::default).add(s);
        total.add(s);
    }
    for (speaker, s) in &per_speaker {
        println!(
            "{speaker}: GPE {:.2} %  VDE {:.2} %  ({} frames, {} falsely voiced, {} missed)",
            s.gpe_percent(),
            s.vde_percent(),
            s.frames,
            s.false_voiced,
            s.voicing_errors - s.false_voiced
        );
    }
    println!(
        "all {} files: GPE {:.2} %  VDE {:.2} %  ({} frames)",
        wavs.len(),
        total.gpe_percent(),
        total.vde_percent(),
        total.frames
    );
}
