//! `analyze` over many recordings (issue 23 item 11): a folder or several files give one
//! JSON line per file, each the object `analyze FILE` prints; a file that fails is one
//! error line and the batch goes on to a non-zero exit; `--csv` is a header and a row per
//! file; options for one file are refused.

use crate::common;

use std::path::{Path, PathBuf};

use common::{assert_clean_failure, isolated, path_str, scratch, shared_data};

fn analyze(dir: &Path, args: &[&str]) -> std::process::Output {
    isolated(dir).arg("analyze").args(args).output().unwrap()
}

/// A folder of three calls from the shared data, one cut WAV, one "MP3" that is text, a
/// note that is no recording (not read), and a subfolder (not read).
fn folder_of_calls(dir: &Path) -> (PathBuf, Vec<&'static str>) {
    let calls = dir.join("calls");
    std::fs::create_dir_all(calls.join("older")).unwrap();
    let names = ["BAC009S0764W0121.wav", "IT0011W0001.wav", "TEST_MEETING_T0000000001_S00000.wav"];
    for name in names {
        std::fs::copy(shared_data().join("zh").join(name), calls.join(name)).unwrap();
    }
    std::fs::copy(shared_data().join("zh").join(names[0]), calls.join("older/a.wav")).unwrap();
    let bytes = std::fs::read(shared_data().join("zh").join(names[1])).unwrap();
    std::fs::write(calls.join("cut.wav"), &bytes[..bytes.len() / 3]).unwrap();
    std::fs::write(calls.join("voicemail.mp3"), "not an mp3 at all").unwrap();
    std::fs::write(calls.join("notes.txt"), "read nothing here").unwrap();
    // In name order: the three calls sort before "cut.wav" and "voicemail.mp3".
    (calls, vec![names[0], names[1], names[2], "cut.wav", "voicemail.mp3"])
}

fn lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn a_folder_with_bad_files_gives_a_line_per_file_and_a_non_zero_exit() {
    let dir = scratch("batch-folder");
    let (calls, names) = folder_of_calls(&dir);
    let out = analyze(&dir, &[path_str(&calls)]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Not a terminal: no progress bar, only the one line that says the batch failed.
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("2 of 5 recordings could not be analysed"), "{stderr}");
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), 5, "{text}");
    for (line, name) in got.iter().zip(&names) {
        let file = calls.join(name);
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(j["file"], path_str(&file), "{line}");
        if name.starts_with("cut") || name.starts_with("voicemail") {
            assert_eq!(j.as_object().unwrap().len(), 2, "{line}");
            let error = j["error"].as_str().unwrap();
            assert!(error.contains(name) && !error.contains('\n'), "{error}");
        } else {
            // Byte for byte the line `analyze FILE` prints for that file alone.
            let alone = analyze(&dir, &[path_str(&file)]);
            assert!(alone.status.success());
            assert_eq!(*line, String::from_utf8(alone.stdout).unwrap().trim_end(), "{name}");
        }
    }
    assert!(lines(&out)[3]["error"].as_str().unwrap().contains("truncated"));
    assert!(lines(&out)[4]["error"].as_str().unwrap().contains("not a recording"));
}

#[test]
fn files_and_folders_come_out_in_the_order_given_on_every_core() {
    let dir = scratch("batch-order");
    let (calls, _) = folder_of_calls(&dir);
    let long = shared_data().join("zh/TEST_MEETING_T0000000001_S00000.wav");
    let short = shared_data().join("zh/IT0011W0001.wav");
    let missing = dir.join("missing.flac");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let args = [path_str(&long), path_str(&missing), path_str(&short), path_str(&empty)];
    for jobs in ["1", "2", "4"] {
        let out = analyze(&dir, &[&args[..], &["--jobs", jobs]].concat());
        assert_eq!(out.status.code(), Some(1));
        let got = lines(&out);
        let files: Vec<&str> = got.iter().map(|j| j["file"].as_str().unwrap()).collect();
        assert_eq!(files, args, "--jobs {jobs}");
        assert!(got[1]["error"].as_str().unwrap().contains("file not found"));
        assert!(got[3]["error"].as_str().unwrap().contains("no recordings in it"));
        assert!(got[0]["chars_per_min"].is_number() && got[2]["chars_per_min"].is_number());
    }
    // Every file good: exit 0, nothing on stderr.
    let out = analyze(&dir, &[path_str(&short), path_str(&long)]);
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    assert_eq!(lines(&out).len(), 2);
    let _ = calls;
}

#[test]
fn csv_has_a_header_and_one_row_per_file() {
    let dir = scratch("batch-csv");
    let (calls, names) = folder_of_calls(&dir);
    let out = analyze(&dir, &[path_str(&calls), "--csv"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + names.len(), "{text}");
    let header: Vec<&str> = rows[0].split(',').collect();
    assert_eq!((header[0], *header.last().unwrap()), ("file", "error"));
    for key in ["chars_per_min", "level_active_dbfs", "pitch_median_hz", "syllables"] {
        assert!(header.contains(&key), "{key} in {header:?}");
    }
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for (row, name) in rows[1..].iter().zip(&names) {
        let file = calls.join(name);
        assert!(row.starts_with(path_str(&file)), "{row}");
        let failed = name.starts_with("cut") || name.starts_with("voicemail");
        // A failed row's error is one quoted field (it holds commas); its figures empty.
        assert_eq!(row.ends_with('"'), failed, "{row}");
        if failed {
            continue;
        }
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{row}");
        let alone: serde_json::Value =
            serde_json::from_slice(&analyze(&dir, &[path_str(&file)]).stdout).unwrap();
        for key in ["chars_per_min", "level_active_dbfs", "pitch_median_hz"] {
            let cell: f64 = cells[column(key)].parse().unwrap();
            assert_eq!(Some(cell), alone[key].as_f64(), "{name}: {key}");
        }
        assert_eq!(cells[column("error")], "");
    }
}

#[test]
fn options_for_one_recording_are_refused_for_several() {
    let dir = scratch("batch-refused");
    let (calls, _) = folder_of_calls(&dir);
    let one = shared_data().join("zh/IT0011W0001.wav");
    let frames = dir.join("frames.csv");
    for args in [
        vec![path_str(&one), path_str(&one), "--frames", path_str(&frames)],
        vec![path_str(&calls), "--frames", path_str(&frames)],
        vec![path_str(&one), "--csv", "--frames", path_str(&frames)],
    ] {
        assert_clean_failure(&analyze(&dir, &args), "--frames is for one recording");
    }
    assert_clean_failure(
        &analyze(&dir, &[path_str(&calls), "--caller", path_str(&one)]),
        "--caller is for one recording",
    );
    assert!(!frames.exists());
    // An option no recording can take is said once, before any file (it was one line per
    // file: 500 identical lines over zh-read).
    assert_clean_failure(
        &analyze(&dir, &[path_str(&calls), "--pitch-floor", "600"]),
        "pitch range 600–500 Hz is invalid",
    );
    // One file alone keeps today's errors: one line on stderr, nothing on stdout.
    assert_clean_failure(&analyze(&dir, &[path_str(&calls.join("cut.wav"))]), "truncated");
}

/// On a terminal the batch counts its files on stderr (util-linux's `script` gives the
/// command a terminal); the bar is cleared at the end. Unix only: `script` is.
#[cfg(unix)]
#[test]
fn on_a_terminal_a_progress_bar_counts_the_files() {
    let dir = scratch("batch-terminal");
    let (calls, _) = folder_of_calls(&dir);
    let command = format!(
        "{} analyze {} > {}",
        env!("CARGO_BIN_EXE_speech-coach"),
        path_str(&calls),
        path_str(&dir.join("lines.json"))
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("SPEECH_COACH_CONFIG_DIR", &dir)
        .env("SPEECH_COACH_DATA_DIR", dir.join("data"))
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("5/5 files"), "{screen:?}");
    // The lines went to the file whole, the bar never into them.
    let lines = std::fs::read_to_string(dir.join("lines.json")).unwrap();
    assert_eq!(lines.lines().count(), 5);
    assert!(!lines.contains("analysing [") && !lines.contains('\r'), "{lines}");
}
