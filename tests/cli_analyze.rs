//! `speech-coach analyze` as a user runs it: the JSON, the frames CSV, and bad input.

use crate::common;

use std::path::Path;

use common::frames as frames_csv;
use common::{assert_clean_failure, binary, json, path_str, scratch, shared_data};

fn analyze(args: &[&str]) -> std::process::Output {
    binary().arg("analyze").args(args).output().unwrap()
}

fn write_wav(path: &Path, rate: u32, channels: u16, bits: u16, float: bool, seconds: f32) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if float { hound::SampleFormat::Float } else { hound::SampleFormat::Int },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(rate as f32 * seconds) as usize {
        let t = n as f32 / rate as f32;
        // a 180 Hz "vowel" that stops every 0.4 s
        let on = (t * 2.5).fract() < 0.6;
        let v = if on {
            (1..6)
                .map(|h| 0.2 / h as f32 * (2.0 * std::f32::consts::PI * 180.0 * h as f32 * t).sin())
                .sum()
        } else {
            0.0
        };
        for _ in 0..channels {
            if float {
                w.write_sample(v).unwrap();
            } else {
                let full = ((1i64 << (bits - 1)) - 1) as f32;
                w.write_sample((v * full) as i32).unwrap();
            }
        }
    }
    w.finalize().unwrap();
}

#[test]
fn analyze_prints_every_documented_field_for_mandarin_and_english() {
    let wav = shared_data().join("zh/BAC009S0764W0121.wav");
    let zh = json(&analyze(&[path_str(&wav)]));
    for key in [
        "duration_s",
        "speech_s",
        "syllables",
        "syllables_per_min",
        "chars_per_min",
        "level_active_dbfs",
        "clipped_samples",
        "pitch_median_hz",
        "pitch_spread_st",
        "pauses",
        "longest_pause_s",
    ] {
        assert!(zh.get(key).is_some(), "missing {key} in {zh}");
    }
    assert!((zh["duration_s"].as_f64().unwrap() - 4.2039).abs() < 0.001);
    // The articulation rate is the pace with the turn's pauses taken out: never under it
    // (it read 200 against a pace of 242 on a zh-read sentence, from all speech).
    let f = |k: &str| zh[k].as_f64().unwrap_or_else(|| panic!("{k} in {zh}"));
    assert!(f("articulation_s") <= f("turn_s") + 1e-9, "{zh}");
    assert!(f("articulation_rate") >= f("chars_per_min") - 1e-3, "{zh}");
    let en = json(&analyze(&[path_str(&wav), "--lang", "en"]));
    assert!(en.get("chars_per_min").is_none());
    let ratio = en["syllables_per_min"].as_f64().unwrap() / en["words_per_min"].as_f64().unwrap();
    assert!((ratio - 1.4).abs() < 1e-3, "{ratio}");
}

#[test]
fn english_words_per_minute_follow_the_syllables_per_word_setting() {
    let wav = shared_data().join("fda/rl001.wav");
    let config = scratch("cli-spw");
    let words_per_syllable = |args: &[&str]| {
        let out = binary()
            .env("SPEECH_COACH_CONFIG_DIR", &config)
            .args(["analyze", path_str(&wav), "--lang", "en"])
            .args(args)
            .output()
            .unwrap();
        let en = json(&out);
        en["syllables_per_min"].as_f64().unwrap() / en["words_per_min"].as_f64().unwrap()
    };
    assert!((words_per_syllable(&[]) - 1.4).abs() < 1e-3);
    assert!((words_per_syllable(&["--syllables-per-word", "1.27"]) - 1.27).abs() < 1e-3);
    // The settings' value applies when the command line names none.
    std::fs::write(config.join("settings.json"), r#"{"syllables_per_english_word": 1.5}"#).unwrap();
    assert!((words_per_syllable(&[]) - 1.5).abs() < 1e-3);
    assert!((words_per_syllable(&["--syllables-per-word", "1.3"]) - 1.3).abs() < 1e-3);
    // Out of range: one line, exit 1.
    let out = binary()
        .env("SPEECH_COACH_CONFIG_DIR", &config)
        .args(["analyze", path_str(&wav), "--syllables-per-word", "4"])
        .output()
        .unwrap();
    assert_clean_failure(&out, "--syllables-per-word 4 is outside 1.1–1.8");
}

#[test]
fn frames_csv_has_one_row_per_hop_and_matches_the_summary() {
    let dir = scratch("cli-frames");
    let wav = shared_data().join("zh/IT0011W0001.wav");
    let csv = dir.join("frames.csv");
    let summary = json(&analyze(&[path_str(&wav), "--frames", path_str(&csv)]));
    let rows = frames_csv::parse(&std::fs::read_to_string(&csv).unwrap()).unwrap();
    // 1.992 s → hops at 0.00 … 1.99
    assert_eq!(rows.len(), 200);
    for (i, r) in rows.iter().enumerate() {
        assert!((r.time_s - i as f64 * 0.01).abs() < 1e-6);
        assert_eq!(r.voiced, r.f0_hz > 0.0);
    }
    let voiced = rows.iter().filter(|r| r.voiced).count() as f64 * 0.01;
    assert!((voiced - summary["voiced_s"].as_f64().unwrap()).abs() < 1e-6);
}

#[test]
fn every_pcm_width_float_multichannel_and_rate_is_analysed() {
    let dir = scratch("cli-formats");
    for (rate, channels, bits, float) in [
        (8000, 1, 8, false),
        (11025, 1, 16, false),
        (44100, 2, 24, false),
        (48000, 6, 32, false),
        (96000, 2, 32, true),
        (22050, 1, 32, true),
    ] {
        let path = dir.join(format!("{rate}-{channels}-{bits}-{float}.wav"));
        write_wav(&path, rate, channels, bits, float, 2.0);
        let j = json(&analyze(&[path_str(&path)]));
        let median = j["pitch_median_hz"].as_f64().unwrap();
        assert!((median - 180.0).abs() < 3.0, "{path:?}: median {median}");
        assert_eq!(j["frames"].as_u64().unwrap(), 200, "{path:?}");
    }
}

#[test]
fn bad_input_gets_one_clear_line_and_a_non_zero_exit() {
    let dir = scratch("cli-bad");
    assert_clean_failure(&analyze(&[path_str(&dir.join("missing.wav"))]), "not found");

    let text = dir.join("notes.wav");
    std::fs::write(&text, "hello, this is a text file").unwrap();
    assert_clean_failure(&analyze(&[path_str(&text)]), "not a WAV");

    let zero = dir.join("zero.wav");
    std::fs::write(&zero, b"").unwrap();
    assert_clean_failure(&analyze(&[path_str(&zero)]), "not a WAV");

    let empty = dir.join("empty.wav");
    write_wav(&empty, 16000, 1, 16, false, 0.0);
    assert_clean_failure(&analyze(&[path_str(&empty)]), "no audio");

    let cut = dir.join("cut.wav");
    write_wav(&cut, 16000, 1, 16, false, 2.0);
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    assert_clean_failure(&analyze(&[path_str(&cut)]), "truncated");

    let slow = dir.join("4k.wav");
    write_wav(&slow, 4000, 1, 16, false, 1.0);
    assert_clean_failure(&analyze(&[path_str(&slow)]), "4000 Hz");

    let fast = dir.join("192k.wav");
    write_wav(&fast, 192_000, 1, 16, false, 0.2);
    assert_clean_failure(&analyze(&[path_str(&fast)]), "192000 Hz");

    let good = shared_data().join("zh/IT0011W0001.wav");
    let unwritable = dir.join("no-such-folder").join("frames.csv");
    assert_clean_failure(
        &analyze(&[path_str(&good), "--frames", path_str(&unwritable)]),
        "cannot write frames",
    );
}

#[test]
fn help_explains_the_fields() {
    let out = binary().args(["analyze", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(help.contains("--frames") && help.contains("--lang"));
}
