//! Pace and syllable counts per voice (issue 20's protocol): one ~30 s turn for each of the
//! 70 Common Voice Mandarin speakers of `shared/data/cv-zh` with four or more usable clips,
//! built by `scripts/make-cv-turns.py` with its fixed tuning / held-out split, clean and
//! telephone band, and the tempo invariance of the count (`sox tempo -s`).
//!
//! The bounds are today's measured figures on the held-out half with a small margin, so a
//! change that makes any voice's error worse fails here; issue 20's goals (count mean
//! |error| ≤ 5 %, p90 ≤ 10 %, pace p90 ≤ 10 %, tempo within 4 %) are not met yet and are
//! stated beside the figures in README. `scripts/pace-voices.sh` prints the full tables.

// Needs Linux tools (sox decodes the MP3 clips, python3 builds the turns), which a Windows
// build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::turns::quantile;
use common::{path_str, run, scratch};
use speech_coach::analysis::{AnalyserConfig, Lang, Summary, analyse_wav};

struct Voice {
    name: String,
    true_count: f64,
    stopwatch_s: f64,
    held_out: bool,
}

/// The set, built once for both tests (about a minute: 766 MP3 clips decoded by sox).
fn build() -> &'static (PathBuf, Vec<Voice>) {
    static BUILT: OnceLock<(PathBuf, Vec<Voice>)> = OnceLock::new();
    BUILT.get_or_init(build_once)
}

fn build_once() -> (PathBuf, Vec<Voice>) {
    let dir = scratch("cv-voices");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
    run("python3", &[path_str(&scripts.join("make-cv-turns.py")), path_str(&dir)]);
    run(
        path_str(&scripts.join("telephone-band.sh")),
        &[path_str(&dir.join("clean")), path_str(&dir.join("tel"))],
    );
    let voices = std::fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap()
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|f| !f[0].ends_with("-cal") && !f[0].ends_with("-rest"))
        .map(|f| Voice {
            name: f[0].to_string(),
            true_count: f[2].parse().unwrap(),
            stopwatch_s: f[3].parse().unwrap(),
            held_out: f[8] == "test",
        })
        .collect();
    (dir, voices)
}

fn analyse(path: &Path) -> Summary {
    let (_, summary) =
        analyse_wav(path, |rate| AnalyserConfig::new(rate).with_lang(Lang::Zh), |_| {}, |_, _| {})
            .unwrap();
    summary.with_lang(Lang::Zh)
}

fn pct(got: f64, truth: f64) -> f64 {
    100.0 * (got / truth - 1.0)
}

fn abs(values: &[f64]) -> Vec<f64> {
    values.iter().map(|v| v.abs()).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn every_voice_is_counted_and_timed_within_todays_bounds() {
    let _cpu = common::cpu_bound();
    let (dir, voices) = build();
    // 70 voices usable (scripts/make-cv-turns.py's exclusions), split 37 / 33.
    assert!(voices.len() >= 65, "{} voices", voices.len());
    let held_out: Vec<&Voice> = voices.iter().filter(|v| v.held_out).collect();
    assert!(held_out.len() >= 30, "{} held-out voices", held_out.len());
    // Measured on the held-out half (`scripts/pace-voices.sh`):
    //   copy   count bias  mean |err|  p90   pace |err| median  p90
    //   clean  −4.0 %      5.7 %       11.7  4.8 %              13.7 %
    //   tel    −5.9 %      7.3 %       15.7  7.0 %              16.5 %
    for (kind, bias_bound, mae_bound, count_p90_bound, pace_median_bound, pace_p90_bound) in
        [("clean", 4.5, 6.5, 13.0, 5.5, 14.5), ("tel", 6.5, 8.0, 16.5, 7.5, 17.5)]
    {
        let (mut count_err, mut pace_err) = (Vec::new(), Vec::new());
        for v in &held_out {
            let s = analyse(&dir.join(kind).join(format!("{}.wav", v.name)));
            let pace = s.chars_per_min.unwrap() as f64;
            let truth = v.true_count * 60.0 / v.stopwatch_s;
            count_err.push(pct(s.syllables as f64, v.true_count));
            pace_err.push(pct(pace, truth));
            println!(
                "{kind} {}: {} of {} syllables, {pace:.0} against {truth:.0} chars/min",
                v.name, s.syllables, v.true_count
            );
        }
        let (count_abs, pace_abs) = (abs(&count_err), abs(&pace_err));
        println!(
            "{kind}: count bias {:+.1} %, mean |err| {:.1} %, p90 {:.1} %; pace |err| median {:.1} %, p90 {:.1} %",
            mean(&count_err),
            mean(&count_abs),
            quantile(&count_abs, 0.9),
            quantile(&pace_abs, 0.5),
            quantile(&pace_abs, 0.9)
        );
        assert!(mean(&count_err).abs() <= bias_bound, "{kind}: {count_err:?}");
        assert!(mean(&count_abs) <= mae_bound, "{kind}: {count_err:?}");
        assert!(quantile(&count_abs, 0.9) <= count_p90_bound, "{kind}: {count_err:?}");
        assert!(quantile(&pace_abs, 0.5) <= pace_median_bound, "{kind}: {pace_err:?}");
        assert!(quantile(&pace_abs, 0.9) <= pace_p90_bound, "{kind}: {pace_err:?}");
    }
}

#[test]
fn the_count_follows_the_syllables_not_the_tempo() {
    let _cpu = common::cpu_bound();
    // Every 4th voice, its turn time-stretched with pitch and spectrum kept.
    let (dir, voices) = build();
    let tempo = dir.join("tempo");
    std::fs::create_dir_all(&tempo).unwrap();
    let mut changes: Vec<(&str, Vec<f64>)> = vec![("0.8", vec![]), ("1.4", vec![])];
    let mut pace_follows = Vec::new();
    for v in voices.iter().step_by(4) {
        let clean = dir.join("clean").join(format!("{}.wav", v.name));
        let base = analyse(&clean);
        for (x, change) in &mut changes {
            let out = tempo.join(format!("{}-x{x}.wav", v.name));
            if !out.exists() {
                run("sox", &["-D", path_str(&clean), path_str(&out), "tempo", "-s", x]);
            }
            let s = analyse(&out);
            change.push(pct(s.syllables as f64, base.syllables as f64));
            // The pace follows the tempo: pace ratio ÷ tempo, less 1.
            let ratio = s.chars_per_min.unwrap() as f64 / base.chars_per_min.unwrap() as f64;
            pace_follows.push(pct(ratio, x.parse().unwrap()));
        }
    }
    // Measured over all 70 voices (`scripts/pace-voices.sh`): mean change +6.8 % at 0.8×,
    // −6.8 % at 1.4×, worst +15.6 / −15.7 %; on this sample of 18, +7.9 / −5.9 %, worst
    // +14.3 / −14.4 %. Issue 20's goal is 4 %: not met; these bounds keep it from getting
    // worse.
    // The pace moves with the tempo, less the count's change: measured median |error|
    // 6.6 %, worst −20.4 % (a voice at 1.4×) over these voices.
    let follows = abs(&pace_follows);
    println!("pace ratio against tempo: {pace_follows:.1?}");
    assert!(quantile(&follows, 0.5) <= 9.0, "{pace_follows:?}");
    assert!(follows.iter().all(|e| *e <= 25.0), "{pace_follows:?}");
    for (x, change) in &changes {
        println!("x{x}: count change {change:.1?}, mean {:+.1} %", mean(change));
        assert!(mean(change).abs() <= 10.0, "x{x}: {change:?}");
        assert!(change.iter().all(|c| c.abs() <= 20.0), "x{x}: {change:?}");
    }
}

#[test]
fn the_pace_calibration_is_learnt_on_every_held_out_voice_and_applied_to_its_other_clips() {
    let _cpu = common::cpu_bound();
    // The real commands, as `scripts/pace-voices.sh` runs them: `calibrate --text` on a
    // voice's first clips, `analyze --profile` on its other clips (its -rest turn).
    let (dir, voices) = build();
    let held_out: Vec<&str> =
        voices.iter().filter(|v| v.held_out).map(|v| v.name.as_str()).collect();
    let rest: Vec<(String, f64, f64)> = std::fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap()
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0].strip_suffix("-rest").is_some_and(|v| held_out.contains(&v)))
        .map(|f| (f[0].to_string(), f[2].parse().unwrap(), f[3].parse().unwrap()))
        .collect();
    assert!(rest.len() >= 25, "{} held-out voices with other clips", rest.len());
    let json = |out: std::process::Output| -> serde_json::Value {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Measured (`scripts/pace-voices.sh`), pace |error| p90 before → after the calibration:
    // clean 14.3 → 13.0 %, telephone 14.0 → 17.0 %; issue 20's goal (6 %) is not met. The
    // bounds keep it from getting worse.
    for (kind, p90_bound) in [("clean", 14.0), ("tel", 18.0)] {
        let profiles = scratch(&format!("cv-voices-profiles-{kind}"));
        let mut after = Vec::new();
        for (name, true_count, stopwatch_s) in &rest {
            let voice = name.strip_suffix("-rest").unwrap();
            let cal = dir.join(kind).join(format!("{voice}-cal.wav"));
            let text = dir.join("clean").join(format!("{voice}-cal.txt"));
            let profile = profiles.join(format!("{voice}.json"));
            let learnt = json(
                common::binary()
                    .args(["calibrate", "--recording", path_str(&cal), "--text", path_str(&text)])
                    .args(["--json"])
                    .output()
                    .unwrap(),
            );
            let factor = learnt["factor"].as_f64().unwrap();
            assert!((0.85..=1.15).contains(&factor), "{voice}: {learnt}");
            std::fs::write(&profile, learnt.to_string()).unwrap();
            let wav = dir.join(kind).join(format!("{name}.wav"));
            let out = json(
                common::binary()
                    .args(["analyze", path_str(&wav), "--profile", path_str(&profile)])
                    .output()
                    .unwrap(),
            );
            if factor != 1.0 {
                assert_eq!(
                    out["pace_factor"].as_f64().map(|f| (f * 100.0).round()),
                    Some((factor * 100.0).round())
                );
            }
            let pace = out["chars_per_min"].as_f64().unwrap();
            after.push(pct(pace, true_count * 60.0 / stopwatch_s).abs());
        }
        println!(
            "{kind}: pace |err| after the calibration: median {:.1} %, p90 {:.1} %",
            quantile(&after, 0.5),
            quantile(&after, 0.9)
        );
        assert!(quantile(&after, 0.9) <= p90_bound, "{kind}: {after:?}");
    }
}
