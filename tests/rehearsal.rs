//! Rehearsal: a generated recording of each bundled script moves the teleprompter through
//! every line, and each line gets a pace to compare with its target.

mod common;

use std::path::Path;

use common::{binary, path_str, run, scratch};

fn script_lines(script: &Path) -> Vec<String> {
    std::fs::read_to_string(script)
        .unwrap()
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("[slow]", ""))
        .collect()
}

fn rehearse(script: &str, voice: &str) -> serde_json::Value {
    let dir = scratch(&format!("rehearse-{voice}"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scripts").join(script);
    // The trainee reads the whole script at a normal speed, line after line.
    let wav = dir.join("take.wav");
    let text = script_lines(&script).join("\n");
    run("espeak-ng", &["-v", voice, "-s", "150", "-w", path_str(&wav), &text]);
    let out = binary()
        .args(["rehearse", path_str(&script), "--recording", path_str(&wav)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check(report: &serde_json::Value) {
    let total = report["lines_total"].as_u64().unwrap();
    assert!(total >= 8);
    assert_eq!(
        report["lines_reached"].as_u64().unwrap(),
        total,
        "the highlight reaches every line: {report}"
    );
    let lines = report["lines"].as_array().unwrap();
    let with_pace = lines.iter().filter(|l| l["pace"].is_number()).count();
    println!("{} of {} lines with a measured pace", with_pace, lines.len());
    assert!(with_pace as u64 >= total - 1);
    assert!(report["expected_s"].as_f64().unwrap() > 10.0);
}

#[test]
fn a_recorded_reading_of_the_chinese_complaint_script_advances_through_every_line() {
    check(&rehearse("complaint-zh.md", "cmn-latn-pinyin"));
}

#[test]
fn a_recorded_reading_of_the_english_support_script_advances_through_every_line() {
    check(&rehearse("support-en.md", "en"));
}

#[test]
fn a_missing_or_empty_script_is_a_clear_error() {
    let dir = scratch("rehearse-bad");
    let out = binary()
        .args(["rehearse", path_str(&dir.join("none.md")), "--recording", "x.wav"])
        .output()
        .unwrap();
    assert!(!out.status.success() && out.status.code() != Some(101));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the script"));
    let empty = dir.join("empty.md");
    std::fs::write(&empty, "# only a title\n\n").unwrap();
    let out =
        binary().args(["rehearse", path_str(&empty), "--recording", "x.wav"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lines to speak"));
}
