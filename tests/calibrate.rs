//! `speech-coach calibrate` and the pace profile it stores, as a user runs them: the
//! passage, a real reading (read Mandarin sentences with their transcripts), `analyze
//! --profile`, and bad input.

use crate::common;

use std::path::{Path, PathBuf};

use common::calls::{read_wav, write_wav};
use common::{assert_clean_failure, binary, isolated, json, path_str, scratch, shared_data};

/// Read sentences of `shared/data/zh-read` from `first` on, joined with 0.5 s of silence
/// until they hold `chars` Han characters (sentences with Latin letters or digits, whose
/// syllables the Han count misses, are skipped): the recording and its transcript.
fn reading(dir: &Path, first: usize, chars: usize) -> (PathBuf, PathBuf, usize) {
    let data = shared_data().join("zh-read");
    let text = std::fs::read_to_string(data.join("text")).unwrap();
    let (mut audio, mut transcript, mut han) = (Vec::new(), String::new(), 0);
    for line in text.lines().skip(first) {
        let (id, sentence) = line.split_once('\t').unwrap();
        if !sentence.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            continue;
        }
        audio.extend(read_wav(&data.join(format!("{id}.wav"))));
        audio.extend(std::iter::repeat_n(0.0, 8000));
        transcript.push_str(sentence);
        transcript.push('\n');
        han += sentence.chars().count();
        if han >= chars {
            break;
        }
    }
    let (wav, txt) =
        (dir.join(format!("reading-{first}.wav")), dir.join(format!("reading-{first}.txt")));
    write_wav(&wav, &audio);
    std::fs::write(&txt, transcript).unwrap();
    (wav, txt, han)
}

#[test]
fn without_a_recording_the_passage_to_read_is_printed() {
    let dir = scratch("calibrate-passage");
    let out = isolated(&dir).args(["calibrate"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The passage is the last line; the instructions above it are the interface's.
    let passage = text.trim_end().lines().last().unwrap();
    let han = passage.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    assert_eq!(han, 71, "{text}");
    let out = isolated(&dir).args(["calibrate", "--lang", "en"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("Hello, thank you for calling"));
}

#[test]
fn the_instructions_are_in_the_interface_language_and_the_passage_in_the_speech_language() {
    let dir = scratch("calibrate-ui-lang");
    let first_line = |out: &std::process::Output| {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_string()
    };
    // No settings and a Chinese locale: a Chinese interface, whatever --lang says.
    let zh = isolated(&dir).args(["calibrate", "--lang", "en"]).output().unwrap();
    assert!(first_line(&zh).starts_with("请用平常的语速朗读"), "{}", first_line(&zh));
    assert!(String::from_utf8_lossy(&zh.stdout).contains("Hello, thank you for calling"));
    // The settings' interface language wins over the locale.
    std::fs::write(dir.join("settings.json"), r#"{"ui_lang": "en"}"#).unwrap();
    let en = isolated(&dir).args(["calibrate"]).output().unwrap();
    assert!(first_line(&en).starts_with("Read this aloud"), "{}", first_line(&en));
    assert!(String::from_utf8_lossy(&en.stdout).contains("您好，这里是客户服务中心"));
}

#[test]
fn storing_a_profile_of_another_speech_language_says_which_one_it_replaced() {
    let dir = scratch("calibrate-replace");
    let (wav, txt, _) = reading(&dir, 20, 60);
    let stored = dir.join("pace-profile.json");
    let english = r#"{"lang":"en","passage_syllables":60,"counted_syllables":57,"factor":1.05,"bounded":false}"#;
    let calibrate = || {
        let out = isolated(&dir)
            .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(&txt)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    std::fs::write(&stored, english).unwrap();
    let said = calibrate();
    // In the Chinese interface (the locale), then the English one.
    assert!(said.contains("替换了之前的 en 语速校准（系数 1.05）"), "{said}");
    assert!(said.starts_with("语速校准："), "{said}");
    std::fs::write(dir.join("settings.json"), r#"{"ui_lang": "en"}"#).unwrap();
    std::fs::write(&stored, english).unwrap();
    let said = calibrate();
    assert!(said.contains("It replaces the earlier en pace calibration (factor 1.05)"), "{said}");
    let now: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).unwrap()).unwrap();
    assert_eq!(now["lang"], "zh");
    // Calibrating the same speech language again replaces nothing worth a line.
    let again = calibrate();
    assert!(!again.contains("replaces"), "{again}");
    assert_eq!(again.trim().lines().count(), 2, "{again}");
}

#[test]
fn a_profile_in_a_folder_that_does_not_exist_is_one_line_and_no_folder_is_made() {
    let dir = scratch("calibrate-no-folder");
    let (wav, txt, _) = reading(&dir, 20, 60);
    let nowhere = dir.join("no/such/folder/p.json");
    let out = isolated(&dir)
        .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(&txt)])
        .args(["--profile", path_str(&nowhere)])
        .output()
        .unwrap();
    assert_clean_failure(&out, "does not exist");
    assert!(!dir.join("no").exists(), "the folder was made");
    // Reading one is as clear, and makes nothing either.
    let out = isolated(&dir)
        .args(["analyze", path_str(&wav), "--profile", path_str(&nowhere)])
        .output()
        .unwrap();
    assert_clean_failure(&out, "cannot read the pace profile");
    assert!(!dir.join("no").exists());
    // A folder that exists takes it; the app's own folder is still made when missing.
    let here = dir.join("p.json");
    let out = isolated(&dir)
        .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(&txt)])
        .args(["--profile", path_str(&here)])
        .output()
        .unwrap();
    assert!(out.status.success() && here.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    // A profile stored elsewhere is not what the window reads: the line says how to use it
    // (it said "the window, listen and rehearse use it").
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("analyze --profile {}", here.display())), "{said}");
    assert!(!said.contains("use it"), "{said}");
    let fresh = dir.join("fresh-config");
    let out = isolated(&fresh)
        .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(&txt)])
        .output()
        .unwrap();
    assert!(out.status.success() && fresh.join("pace-profile.json").is_file());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("analyze --profile"), "the window reads this one: {said}");
}

#[test]
fn a_reading_teaches_a_bounded_factor_that_analyze_applies_when_asked() {
    let dir = scratch("calibrate-reading");
    let (wav, txt, han) = reading(&dir, 20, 60);
    let learn = |extra: &[&str]| {
        binary()
            .env("SPEECH_COACH_CONFIG_DIR", dir.join("config"))
            .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(&txt)])
            .args(extra)
            .output()
            .unwrap()
    };
    let profile = json(&learn(&["--json"]));
    assert_eq!(profile["passage_syllables"].as_u64(), Some(han as u64));
    let counted = profile["counted_syllables"].as_f64().unwrap();
    let factor = profile["factor"].as_f64().unwrap();
    assert!((0.85..=1.15).contains(&factor), "{profile}");
    let expected = (han as f64 / counted).clamp(0.85, 1.15);
    assert!((factor - expected).abs() <= 0.005, "{factor} vs {expected}");
    // --json stores nothing; without it the profile lands beside the settings.
    let stored = dir.join("config/pace-profile.json");
    assert!(!stored.exists());
    let out = learn(&[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{factor:.2}")));
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).unwrap()).unwrap();
    assert_eq!(on_disk, profile);

    // Another recording of the same voice: analyze applies the factor only when asked.
    let other = shared_data().join("zh-read/BAC009S0150W0100.wav");
    let plain = json(&binary().args(["analyze", path_str(&other)]).output().unwrap());
    assert!(plain.get("pace_factor").is_none() && plain.get("syllables_counted").is_none());
    let applied = json(
        &binary()
            .args(["analyze", path_str(&other), "--profile", path_str(&stored)])
            .output()
            .unwrap(),
    );
    assert_eq!(
        applied["pace_factor"].as_f64().map(|f| (f * 100.0).round()),
        Some((factor * 100.0).round())
    );
    assert_eq!(applied["syllables_counted"], plain["syllables"]);
    let ratio =
        applied["chars_per_min"].as_f64().unwrap() / plain["chars_per_min"].as_f64().unwrap();
    assert!((ratio - factor).abs() < 1e-3, "{ratio} vs {factor}");
    assert_eq!(applied["turn_s"], plain["turn_s"], "the time base is untouched");
}

#[test]
fn another_text_a_short_text_and_damaged_or_foreign_profiles_are_one_line_and_exit_1() {
    let dir = scratch("calibrate-bad");
    let (wav, txt, _) = reading(&dir, 40, 60);
    let calibrate = |text: &Path| {
        binary()
            .env("SPEECH_COACH_CONFIG_DIR", dir.join("config"))
            .args(["calibrate", "--recording", path_str(&wav), "--text", path_str(text), "--json"])
            .output()
            .unwrap()
    };
    // The transcript three times over: not what was read.
    let longer = dir.join("longer.txt");
    std::fs::write(&longer, std::fs::read_to_string(&txt).unwrap().repeat(3)).unwrap();
    assert_clean_failure(&calibrate(&longer), "does not look like a reading");
    let short = dir.join("short.txt");
    std::fs::write(&short, "您好").unwrap();
    assert_clean_failure(&calibrate(&short), "at least 30");
    // One syllable is singular ("the text has 1 syllables" before).
    std::fs::write(&short, "好").unwrap();
    assert_clean_failure(&calibrate(&short), "the text has 1 syllable;");
    assert_clean_failure(&calibrate(&dir.join("missing.txt")), "cannot read the text");
    let out = binary()
        .args(["calibrate", "--recording", path_str(&dir.join("none.wav")), "--json"])
        .output()
        .unwrap();
    assert_clean_failure(&out, "none.wav");

    let analyze = |profile: &Path, lang: &str| {
        binary()
            .args(["analyze", path_str(&wav), "--lang", lang, "--profile", path_str(profile)])
            .output()
            .unwrap()
    };
    let damaged = dir.join("damaged.json");
    for text in [
        "{",
        r#"{"lang":"zh","passage_syllables":60,"counted_syllables":20,"factor":3.0,"bounded":false}"#,
    ] {
        std::fs::write(&damaged, text).unwrap();
        assert_clean_failure(&analyze(&damaged, "zh"), "is damaged");
    }
    let english = dir.join("english.json");
    std::fs::write(
        &english,
        r#"{"lang":"en","passage_syllables":60,"counted_syllables":57,"factor":1.05,"bounded":false}"#,
    )
    .unwrap();
    assert_clean_failure(&analyze(&english, "zh"), "learnt on en speech");
    assert!(json(&analyze(&english, "en"))["pace_factor"].as_f64().is_some());
}
