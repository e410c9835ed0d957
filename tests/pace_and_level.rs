//! Syllable counts on real Mandarin, on real read English and on espeak-ng speech at three
//! speeds, and the active speech level under gain changes and background noise.
// Needs Linux tools (espeak-ng and sox make the test speech), which a Windows build under Wine
// cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};

use common::{path_str, run, scratch, shared_data};
use speech_coach::analysis::analyse_wav;
use speech_coach::analysis::{AnalyserConfig, Lang, Summary};

fn summary(path: &Path, lang: Lang) -> Summary {
    let config = |rate| AnalyserConfig::new(rate).with_lang(lang);
    analyse_wav(path, config, |_| {}, |_, _| {}).unwrap().1
}

fn han_characters(text: &str) -> u64 {
    text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() as u64
}

/// Per-file relative errors of the syllable count, in percent.
fn count_errors(cases: &[(PathBuf, u64)], lang: Lang) -> Vec<f64> {
    cases
        .iter()
        .map(|(path, truth)| {
            let got = summary(path, lang).syllables;
            let err = 100.0 * (got as f64 - *truth as f64) / *truth as f64;
            println!(
                "{}: {got} syllables, true {truth} ({err:+.0} %)",
                path.file_name().unwrap().to_string_lossy()
            );
            err
        })
        .collect()
}

fn mean_abs(errors: &[f64]) -> f64 {
    errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64
}

fn zh_corpus() -> Vec<(PathBuf, u64, String)> {
    let dir = shared_data().join("zh");
    std::fs::read_to_string(dir.join("text"))
        .unwrap()
        .lines()
        .map(|line| {
            let (id, text) = line.split_once(char::is_whitespace).unwrap();
            (dir.join(format!("{id}.wav")), han_characters(text), id.to_string())
        })
        .collect()
}

#[test]
fn syllable_count_is_within_ten_percent_on_clean_mandarin_recordings() {
    let _cpu = common::cpu_bound();
    // The two close-talk recordings of shared/data/zh (read speech, quiet room).
    let clean: Vec<_> = zh_corpus()
        .into_iter()
        .filter(|(_, _, id)| id.starts_with("BAC") || id.starts_with("IT"))
        .map(|(p, n, _)| (p, n))
        .collect();
    assert_eq!(clean.len(), 2);
    let mae = mean_abs(&count_errors(&clean, Lang::Zh));
    assert!(mae <= 10.0, "mean absolute error {mae:.1} %");
}

/// Known limitation, pinned so that it cannot silently get worse: fast spontaneous speech
/// over music (TEST_NET) and far-field meeting speech (TEST_MEETING) are undercounted,
/// because reduced, run-together syllables leave no dip in the envelope and the
/// background and reverberation fill the rest (partly offset by not requiring voicing in
/// such compressed speech, see `COMPRESSED_RANGE_DB`, and by counting vowel-like peaks,
/// see `SONORANT_BALANCE_DB`).
#[test]
fn syllable_count_on_noisy_and_far_field_mandarin_stays_within_its_known_bound() {
    let _cpu = common::cpu_bound();
    let noisy: Vec<_> = zh_corpus()
        .into_iter()
        .filter(|(_, _, id)| id.starts_with("TEST_"))
        .map(|(p, n, _)| (p, n))
        .collect();
    assert_eq!(noisy.len(), 2);
    let errors = count_errors(&noisy, Lang::Zh);
    // Measured: −29 % (music, 10 of 14) and −19 % (meeting, 47 of 58). Bound: 5 points of
    // slack each.
    assert!(errors.iter().all(|e| e.abs() <= 34.0), "{errors:?}");
    assert!(mean_abs(&errors) <= 29.0, "{errors:?}");
}

/// Syllables of an English sentence from espeak-ng's phonemes: one per run of vowel
/// symbols (a diphthong is one run; stress marks separate runs), plus syllabic consonants.
fn english_syllables(text: &str) -> u64 {
    const VOWELS: &str = "aeiouæɑɒɔəɜɛɪʊʌɐɚɝᵻɨyøœɘɵɤ";
    let ipa = run("espeak-ng", &["-q", "--ipa", "-v", "en-gb", text]);
    let mut count = ipa.matches('\u{0329}').count() as u64;
    let mut in_vowel = false;
    for c in ipa.chars() {
        let vowel = VOWELS.contains(c);
        count += (vowel && !in_vowel) as u64;
        in_vowel = vowel;
    }
    count
}

/// A rehearsal script's syllables come from its text (`count_syllables`, no speech
/// engine at run time): over the 50 FDA sentences and the bundled English script it must
/// agree with espeak-ng's phonemes. Measured: 7 syllables off in 681 (20 before the silent
/// "e" of "-es" and "-ed" was heard).
#[test]
fn a_scripts_english_syllables_from_its_text_agree_with_the_phonemes() {
    let _cpu = common::cpu_bound();
    let fda =
        std::fs::read_to_string(shared_data().join("fda").join("orthographic.index")).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scripts/support-en.md");
    let script = std::fs::read_to_string(script).unwrap();
    let mut lines: Vec<String> =
        fda.lines().map(|l| l.split_once(' ').unwrap().1.to_string()).collect();
    lines.extend(
        script
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| l.replace("[slow]", "")),
    );
    assert_eq!(lines.len(), 58);
    let (mut truth, mut off) = (0, 0);
    for line in &lines {
        let phonemes = english_syllables(line) as i64;
        let text = i64::from(speech_coach::coach::rehearsal::count_syllables(line));
        truth += phonemes;
        off += (text - phonemes).abs();
    }
    println!("script counter: {off} syllables off in {truth}");
    assert!(off <= 10, "{off} of {truth}");
}

/// Real read speech: all 100 FDA recordings (50 sentences, a male and a female speaker,
/// 1106 syllables). Per file the count is off by one or two syllables now and then (so
/// about 11 % mean absolute error on 5–17 syllable sentences), but over the whole set the
/// counter must be nearly unbiased: before vowel-like peaks counted, the low male voice's
/// creaky phrase endings went unvoiced and uncounted (−11.0 % on his files, −6.5 % on all).
#[test]
fn syllable_count_on_real_read_english_is_nearly_unbiased() {
    let _cpu = common::cpu_bound();
    assert_eq!(english_syllables("How much are my telephone charges?"), 9);
    let dir = shared_data().join("fda");
    let sentences = std::fs::read_to_string(dir.join("orthographic.index")).unwrap();
    let mut cases = Vec::new();
    for line in sentences.lines() {
        let (number, text) = line.split_once(' ').unwrap();
        let truth = english_syllables(text);
        for speaker in ["rl", "sb"] {
            cases.push((dir.join(format!("{speaker}{number}.wav")), truth));
        }
    }
    assert_eq!(cases.len(), 100);
    let errors = count_errors(&cases, Lang::En);
    let counted: f64 =
        cases.iter().zip(&errors).map(|((_, truth), e)| *truth as f64 * (1.0 + e / 100.0)).sum();
    let truth: f64 = cases.iter().map(|(_, truth)| *truth as f64).sum();
    let bias = 100.0 * (counted / truth - 1.0);
    let mae = mean_abs(&errors);
    println!(
        "FDA: {counted:.0} syllables counted, {truth} true: bias {bias:+.1} %, mean abs. error {mae:.1} %"
    );
    // Measured: 1061 of 1106 (−4.1 %; male −7.8 %, female −0.4 %), 10.8 % mean absolute error.
    assert!(bias.abs() <= 6.0, "bias {bias:+.1} %");
    assert!(mae <= 13.0, "mean absolute error {mae:.1} %");
}

const ZH_SCRIPT: &str = "您好，这里是客户服务中心，请问有什么可以帮您？请您稍等一下，我马上为您查询订单的处理情况。非常抱歉让您久等了，您的包裹明天上午就能送到。";
const EN_SCRIPT: &str = "Hello, thank you for calling customer support. Could you please tell me your order number? I am sorry for the delay, your parcel will arrive tomorrow morning.";
/// Counted by hand: hel-lo thank you for cal-ling cus-to-mer sup-port (12) could you please
/// tell me your or-der num-ber (10) I am sor-ry for the de-lay (8) your par-cel will ar-rive
/// to-mor-row mor-ning (11).
const EN_SYLLABLES: u64 = 41;
/// espeak-ng speeds in its words-per-minute setting: slow, normal, fast.
const SPEEDS: [&str; 3] = ["110", "150", "200"];

fn espeak(dir: &Path, voice: &str, speed: &str, text: &str) -> PathBuf {
    let out = dir.join(format!("{voice}-{speed}.wav"));
    run("espeak-ng", &["-v", voice, "-s", speed, "-w", path_str(&out), text]);
    out
}

#[test]
fn syllable_count_is_within_ten_percent_on_synthetic_mandarin_at_three_speeds() {
    let _cpu = common::cpu_bound();
    let dir = scratch("espeak-zh");
    let truth = han_characters(ZH_SCRIPT);
    assert_eq!(truth, 61);
    let cases: Vec<_> =
        SPEEDS.iter().map(|s| (espeak(&dir, "cmn-latn-pinyin", s, ZH_SCRIPT), truth)).collect();
    let mae = mean_abs(&count_errors(&cases, Lang::Zh));
    assert!(mae <= 10.0, "mean absolute error {mae:.1} %");
}

#[test]
fn syllable_count_is_within_ten_percent_on_synthetic_english_at_three_speeds() {
    let _cpu = common::cpu_bound();
    let dir = scratch("espeak-en");
    let cases: Vec<_> =
        SPEEDS.iter().map(|s| (espeak(&dir, "en", s, EN_SCRIPT), EN_SYLLABLES)).collect();
    let mae = mean_abs(&count_errors(&cases, Lang::En));
    assert!(mae <= 10.0, "mean absolute error {mae:.1} %");
}

#[test]
fn active_level_follows_gain_exactly_and_ignores_background_noise_between_sentences() {
    let _cpu = common::cpu_bound();
    let dir = scratch("level");
    let speech = espeak(&dir, "en", "150", EN_SCRIPT);
    // Peak-normalise to −1 dBFS first so no gain step clips.
    let base = dir.join("base.wav");
    run("sox", &["-D", path_str(&speech), path_str(&base), "gain", "-n", "-1"]);
    let level_at = |gain_db: &str| {
        let out = dir.join(format!("gain{gain_db}.wav"));
        run("sox", &["-D", path_str(&base), path_str(&out), "gain", gain_db]);
        summary(&out, Lang::Zh).level_active_dbfs.unwrap()
    };
    let (l0, l6, l18) = (level_at("0"), level_at("-6"), level_at("-18"));
    println!("active levels: {l0:.2} / {l6:.2} / {l18:.2} dBFS");
    // Issue #2: the difference must equal the gain within ±0.5 dB.
    assert!(((l0 - l6) - 6.0).abs() <= 0.5);
    assert!(((l0 - l18) - 18.0).abs() <= 0.5);

    // 5 s of pink noise, 40 dB below full scale, between two copies of the sentence.
    let noise = dir.join("noise.wav");
    run(
        "sox",
        &[
            "-D",
            "-n",
            "-r",
            "22050",
            "-c",
            "1",
            "-b",
            "16",
            path_str(&noise),
            "synth",
            "5",
            "pinknoise",
            "vol",
            "0.01",
        ],
    );
    let quiet_gap = dir.join("quiet-gap.wav");
    let noisy_gap = dir.join("noisy-gap.wav");
    let silence = dir.join("silence.wav");
    run(
        "sox",
        &["-D", "-n", "-r", "22050", "-c", "1", "-b", "16", path_str(&silence), "trim", "0", "5"],
    );
    run("sox", &["-D", path_str(&base), path_str(&silence), path_str(&base), path_str(&quiet_gap)]);
    run("sox", &["-D", path_str(&base), path_str(&noise), path_str(&base), path_str(&noisy_gap)]);
    let (quiet, noisy) = (
        summary(&quiet_gap, Lang::Zh).level_active_dbfs.unwrap(),
        summary(&noisy_gap, Lang::Zh).level_active_dbfs.unwrap(),
    );
    println!("with a silent gap {quiet:.2} dBFS, with a noisy gap {noisy:.2} dBFS");
    assert!((quiet - noisy).abs() < 0.5);
}
