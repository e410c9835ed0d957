//! Pitch accuracy of the streaming tracker on the FDA database (laryngograph reference),
//! wide band and telephone band, against Praat's To Pitch (ac) on the same files.
// Needs Linux tools (bash and Praat), which a Windows build under Wine cannot start: on
// Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};

use common::eval::{PitchScore, Track, read_f0_lines, read_praat_listing, score};
use common::{path_str, run, scratch, shared_data};
use speech_coach::analysis::AnalyserConfig;
use speech_coach::analysis::analyse_wav;

/// FDA reference frames are 15 ms apart.
const REFERENCE_STEP_S: f64 = 0.015;

fn fda() -> PathBuf {
    shared_data().join("fda")
}

fn wavs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    v.sort();
    v
}

fn reference(stem: &str) -> Vec<f32> {
    read_f0_lines(&fda().join(format!("{stem}.f0ref"))).unwrap()
}

fn score_ours(dir: &Path) -> PitchScore {
    let mut total = PitchScore::default();
    let files = wavs(dir);
    assert_eq!(files.len(), 100, "FDA has 100 files");
    for wav in files {
        let mut f0 = Vec::new();
        analyse_wav(&wav, AnalyserConfig::new, |f| f0.push(f.f0_hz), |_, _| {}).unwrap();
        let stem = wav.file_stem().unwrap().to_string_lossy();
        total.add(score(
            &reference(&stem),
            REFERENCE_STEP_S,
            &Track { start_s: 0.0, step_s: 0.01, f0_hz: f0 },
        ));
    }
    total
}

fn score_praat(dir: &Path) -> PitchScore {
    let out = scratch(&format!("praat-{}", dir.file_name().unwrap().to_string_lossy()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/praat_pitch.praat");
    run(
        "praat",
        &["--run", path_str(&script), path_str(&dir.canonicalize().unwrap()), path_str(&out)],
    );
    let mut total = PitchScore::default();
    for wav in wavs(dir) {
        let stem = wav.file_stem().unwrap().to_string_lossy().to_string();
        let track = read_praat_listing(&out.join(format!("{stem}.txt"))).unwrap();
        total.add(score(&reference(&stem), REFERENCE_STEP_S, &track));
    }
    total
}

#[test]
fn streaming_tracker_meets_praats_published_figures_on_all_fda_files() {
    let _cpu = common::cpu_bound();
    let s = score_ours(&fda());
    // shared/data/README.md: Praat's To Pitch (ac) reaches GPE 0.90 % and VDE 4.83 % here.
    println!("ours, wide band: GPE {:.2} %, VDE {:.2} %", s.gpe_percent(), s.vde_percent());
    assert!(s.gpe_percent() <= 0.9, "GPE {:.2} %", s.gpe_percent());
    assert!(s.vde_percent() <= 4.8, "VDE {:.2} %", s.vde_percent());
}

#[test]
fn on_telephone_band_the_tracker_is_no_worse_than_praat() {
    let _cpu = common::cpu_bound();
    let tel = scratch("fda-telephone");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/telephone-band.sh");
    run("bash", &[path_str(&script), path_str(&fda()), path_str(&tel)]);
    let ours = score_ours(&tel);
    let praat = score_praat(&tel);
    println!(
        "telephone band: ours GPE {:.2} % VDE {:.2} %; Praat GPE {:.2} % VDE {:.2} %",
        ours.gpe_percent(),
        ours.vde_percent(),
        praat.gpe_percent(),
        praat.vde_percent()
    );
    assert!(ours.gpe_percent() <= praat.gpe_percent());
    assert!(ours.vde_percent() <= praat.vde_percent());
}
