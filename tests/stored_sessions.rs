//! Stored sessions as anything may leave them: numbers beyond any voice, times beyond any
//! call, bytes that are not UTF-8, endless lines, a byte-order mark, escape codes, and a
//! fuzz of thousands of mutated sessions through `sessions`, `report` and `history`. Each
//! test drives the real binary on a data folder of its own (issue 22: W3–W7, C2, S5).
// Needs util-linux's prlimit (a heap cap that turns a runaway allocation into a failure),
// which a Windows build under Wine does not have: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{crashed, isolated, isolated_capped, output_within, path_str, scratch, shared_data};
use serde_json::{Value, json};
use speech_coach::session::frames::HEADER;

/// A report of a 20 s call needs under 20 MB of heap (measured: it runs under a 20 MB
/// cap); 128 MB is room to spare, and far below the 224 MB that one time of 1e9 s took.
const HEAP_CAP: u64 = 128 << 20;
/// A command on a small session ends in milliseconds; this is a hang.
const HANG: Duration = Duration::from_secs(20);
/// Seconds of each stored call (frames, and the recording's length).
const CALL_S: usize = 20;
const START: u64 = 1_764_000_000;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `cmd`'s output, failing the test on a hang.
fn run(cmd: &mut Command) -> Output {
    output_within(cmd, HANG).unwrap_or_else(|| panic!("{cmd:?} hung"))
}

/// A command that must succeed, with no panic: its stdout.
fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(!crashed(&out), "{cmd:?} crashed: {}", text(&out.stderr));
    assert!(out.status.success(), "{cmd:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// `session.json` of a finished two-sided call, every field the store writes filled in.
fn meta(id: &str, start: u64, n: u64) -> Value {
    json!({
        "id": id, "started_unix_s": start, "ended_unix_s": start + CALL_S as u64 + 40,
        "source": "USB 耳机麦克风 (Jabra)", "kind": "call", "lang": "zh", "recording": true,
        "summary": {
            "duration_s": CALL_S as f64, "speech_s": 15.2, "turn_s": 14.0, "turns": 4,
            "voiced_s": 11.0, "syllables": 52, "syllables_per_min": 222.8,
            "articulation_s": 12.0, "articulation_rate": 260.0, "chars_per_min": 222.8,
            "level_active_dbfs": -27.5, "clipped_samples": 3, "pitch_median_hz": 215.0,
            "pitch_spread_st": 6.5, "pauses": 5, "longest_pause_s": 1.4, "frames": 2000
        },
        "cues": [{"time_s": 3.2, "cue": "TooFast"}, {"time_s": 12.6, "cue": "LetCallerFinish"}],
        "conversation": {
            "duration_s": CALL_S as f64, "agent_talk_s": 12.0, "caller_talk_s": 5.0,
            "agent_talk_share": 0.7, "overlap_s": 0.9, "agent_spurts": 6, "caller_spurts": 3,
            "agent_interruptions": 1, "caller_interruptions": 0, "response_gaps": 2,
            "response_gap_median_s": 0.6, "dead_air_count": 1, "longest_dead_air_s": 5.5,
            "holds": [{"start_s": 14.0, "duration_s": 4.0, "source": "key"}],
            "longest_hold_s": 4.0, "longest_agent_monologue_s": 9.0,
            "caller_arousal": {"baseline_pitch_hz": 180.0, "baseline_level_dbfs": -30.0,
                "peak_pitch_st": 3.5, "peak_level_db": 6.0, "aroused_s": 2.0}
        },
        "conversation_events": [
            {"time_s": 12.5, "kind": "agent_interruption", "duration_s": 0.8},
            {"time_s": 14.0, "kind": "hold", "duration_s": 4.0},
            {"time_s": 8.0, "kind": "dead_air", "duration_s": 5.5}
        ],
        "ended_by": "silence",
        "uuid": format!("00000000-0000-4000-8000-{n:012}")
    })
}

/// `frames.csv` of the call: fast and loud at first (moments worth a replay), then calm.
fn frames() -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..CALL_S * 100 {
        let t = i as f64 * 0.01;
        let fast = t < 9.0;
        let speech = (i / 40) % 5 != 4;
        let caller = (1200..1400).contains(&i);
        csv += &format!(
            "{t:.3},{:.2},{:.2},{},{},{},{:.2},{:.2},{:.2},{},{},G,{},{}\n",
            200.0 + 30.0 * (t * 2.0).sin(),
            if speech { -30.0 } else { -60.0 },
            u8::from(speech),
            u8::from(speech),
            u8::from(i % if fast { 25 } else { 40 } == 0),
            if fast { -20.0 } else { -28.0 },
            if fast { 230.0 } else { 150.0 },
            6.5,
            if fast { "R" } else { "G" },
            if fast { "R" } else { "G" },
            u8::from(speech && !caller),
            u8::from(caller),
        );
    }
    csv
}

/// The call's recording as the store's recorder writes it (32-bit float), 8 kHz.
fn audio(dir: &Path) -> Vec<u8> {
    let path = dir.join("base-audio.wav");
    let mut r = speech_coach::session::recorder::Recorder::create(&path, 8000).unwrap();
    let samples: Vec<f32> = (0..CALL_S * 8000)
        .map(|i| 0.3 * (i as f32 * 0.07).sin() * (1.0 + (i as f32 * 0.0007).sin()) / 2.0)
        .collect();
    r.write(&samples).unwrap();
    r.finish().unwrap();
    std::fs::read(&path).unwrap()
}

/// Writes one session folder under `home`'s store.
fn store(home: &Path, id: &str, meta: &[u8], frames: &[u8], audio: Option<&[u8]>) -> PathBuf {
    let dir = home.join("data/sessions").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("session.json"), meta).unwrap();
    std::fs::write(dir.join("frames.csv"), frames).unwrap();
    if let Some(audio) = audio {
        std::fs::write(dir.join("audio.wav"), audio).unwrap();
    }
    dir
}

/// A home with one sound session of id [`START`], its meta changed by `change`.
fn home_with(name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let home = scratch(name);
    let mut m = meta(&START.to_string(), START, 0);
    change(&mut m);
    store(&home, &START.to_string(), m.to_string().as_bytes(), frames().as_bytes(), None);
    home
}

/// No number that no figure of a voice or a call can take (`inf`, `NaN`, `3e38`, 1e15 s):
/// every word of the output that is a number stays under 10¹⁰ (a Unix time is 1.8·10⁹).
fn assert_no_absurd_number(what: &str, output: &str) {
    let words = output.split(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    for word in words {
        let lower = word.to_ascii_lowercase();
        let absurd = ["inf", "+inf", "-inf", "nan", "infinity"].contains(&lower.as_str())
            || word.parse::<f64>().is_ok_and(|v| v.abs() >= 1e10);
        assert!(!absurd, "{what} shows {word:?}: {output}");
    }
}

/// `report ID` as text, JSON and HTML page, and `history` as table and JSON: all succeed.
fn every_view(home: &Path, id: &str) -> Vec<(String, String)> {
    let page = home.join("report.html");
    let mut views = Vec::new();
    for args in [
        vec!["report", id],
        vec!["report", id, "--json"],
        vec!["report", id, "--html", path_str(&page)],
        vec!["history"],
        vec!["history", "--json"],
        vec!["sessions"],
    ] {
        let out = ok(isolated_capped(home, HEAP_CAP).args(&args));
        views.push((args.join(" "), out));
    }
    views.push(("the page".into(), std::fs::read_to_string(&page).unwrap()));
    views
}

#[test]
fn the_base_session_of_these_tests_reads_whole() {
    let _real_time = common::real_time();
    let home = home_with("stored-base", |_| {});
    let views = every_view(&home, &START.to_string());
    let (_, json) = &views[1];
    let report: Value = serde_json::from_str(json).unwrap();
    assert_eq!(report["summary"]["level_active_dbfs"], -27.5);
    assert!(!report["moments"].as_array().unwrap().is_empty(), "{report}");
    assert!(views[3].1.contains("dBFS"), "{}", views[3].1);
}

/// Issue 22 W3: one float sample of 3e38 made a file's level +725 dBFS; a NaN or an
/// infinity beside it must not count either.
#[test]
fn float_samples_over_full_scale_are_clipped_where_a_wav_is_read() {
    let _cpu = common::cpu_bound();
    let dir = scratch("stored-float-over");
    let mut source =
        speech_coach::audio::WavSource::open(&shared_data().join("zh/BAC009S0764W0121.wav"))
            .unwrap();
    let mut samples = Vec::new();
    let mut block = Vec::new();
    while source.read_block(&mut block, 4096).unwrap() > 0 {
        samples.extend_from_slice(&block);
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: source.sample_rate(),
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let write = |name: &str, samples: &[f32]| {
        let path = dir.join(name);
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        samples.iter().for_each(|s| w.write_sample(*s).unwrap());
        w.finalize().unwrap();
        path
    };
    let clean = write("clean.wav", &samples);
    let mut damaged = samples.clone();
    damaged[20_000] = 3e38;
    damaged[30_000] = f32::INFINITY;
    damaged[40_000] = f32::NAN;
    let damaged = write("damaged.wav", &damaged);
    let figures = |path: &Path| -> Value {
        serde_json::from_str(&ok(isolated(&dir).args(["analyze", path_str(path)]))).unwrap()
    };
    let (clean, damaged) = (figures(&clean), figures(&damaged));
    let level = damaged["level_active_dbfs"].as_f64().unwrap();
    assert!(level <= 0.0, "level {level} dBFS: above full scale");
    // Three clipped samples in 67 000 move the speech level by well under 1 dB and the
    // speech time by no more than the hops they fall in (3 × 10 ms, with their pauses).
    let clean_level = clean["level_active_dbfs"].as_f64().unwrap();
    assert!((level - clean_level).abs() < 1.0, "{level} vs {clean_level}");
    let (speech, clean_speech) =
        (damaged["speech_s"].as_f64().unwrap(), clean["speech_s"].as_f64().unwrap());
    assert!((speech - clean_speech).abs() <= 0.5, "speech {speech} s vs {clean_speech} s");
}

/// Issue 22 W4: huge finite values reached reports ("+3e38 dB") and `history` ("inf
/// dBFS"). Each is taken as missing where it is read.
#[test]
fn huge_stored_numbers_never_reach_a_report_or_history() {
    let _real_time = common::real_time();
    let home = home_with("stored-huge", |m| {
        m["summary"]["level_active_dbfs"] = json!(3e38);
        m["summary"]["pitch_spread_st"] = json!(1e39);
        m["summary"]["syllables_per_min"] = json!(-1e30);
        m["summary"]["duration_s"] = json!(1e15);
        m["summary"]["longest_pause_s"] = json!(3e38);
        m["conversation"]["agent_talk_share"] = json!(3e38);
        m["conversation"]["longest_hold_s"] = json!(1e39);
        m["conversation"]["holds"][0]["start_s"] = json!(1e300);
        m["conversation"]["caller_arousal"]["peak_level_db"] = json!(3e38);
        m["cues"][0]["time_s"] = json!(1e15);
        m["conversation_events"][0]["time_s"] = json!(1e300);
    });
    // A second call beside it, so the first is also compared with another.
    let later = (START + 600).to_string();
    let mut m = meta(&later, START + 600, 1);
    m["summary"]["level_active_dbfs"] = json!(1e39);
    let csv = frames().replace("\n1.000,", "\n1e15,").replace(",-20.00,230.00,", ",3e38,3e38,");
    store(&home, &later, m.to_string().as_bytes(), csv.as_bytes(), None);
    for id in [START.to_string(), later] {
        for (what, output) in every_view(&home, &id) {
            assert_no_absurd_number(&format!("{what} of {id}"), &output);
        }
    }
}

/// Issue 22 W5: one byte that is not UTF-8 in frames.csv made the whole report
/// unavailable. It costs its row (or its field) now.
#[test]
fn one_invalid_byte_in_frames_csv_costs_a_row_not_the_report() {
    let _real_time = common::real_time();
    let home = home_with("stored-utf8", |_| {});
    let path = home.join("data/sessions").join(START.to_string()).join("frames.csv");
    let mut csv = std::fs::read(&path).unwrap();
    let at = csv.len() / 2;
    csv[at] = 0xff;
    csv.insert(csv.len() / 3, 0xc3);
    std::fs::write(&path, csv).unwrap();
    let json = ok(isolated(&home).args(["report", &START.to_string(), "--json"]));
    let report: Value = serde_json::from_str(&json).unwrap();
    assert!(!report["moments"].as_array().unwrap().is_empty(), "{report}");
}

/// Issue 22 W6: valid JSON set the session aside as damaged: a byte-order mark (Notepad),
/// a number beyond f64 in a figure, nesting deeper than serde_json's 128 levels.
#[test]
fn a_bom_a_number_beyond_f64_or_deep_nesting_does_not_make_a_session_damaged() {
    let _real_time = common::real_time();
    let home = scratch("stored-json");
    let base = meta(&START.to_string(), START, 0).to_string();
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases = [
        format!("\u{feff}{base}"),
        base.replace("\"level_active_dbfs\":-27.5", "\"level_active_dbfs\":1e400"),
        base.replacen('{', &format!("{{\"from_a_newer_version\":{deep},"), 1),
    ];
    for (k, meta_text) in cases.iter().enumerate() {
        assert_ne!(meta_text, &base, "case {k} changed nothing");
        let id = (START + 600 * k as u64).to_string();
        let meta_text = meta_text.replacen(&START.to_string(), &id, 2);
        store(&home, &id, meta_text.as_bytes(), frames().as_bytes(), None);
    }
    let listing = ok(isolated(&home).arg("sessions"));
    assert!(!listing.contains("damaged"), "{listing}");
    assert_eq!(listing.lines().count(), 1 + cases.len(), "{listing}");
    for k in 0..cases.len() {
        ok(isolated(&home).args(["report", &(START + 600 * k as u64).to_string()]));
    }
    let history = ok(isolated(&home).args(["history", "--json"]));
    let shifts: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(shifts[0]["sessions"].as_array().map(Vec::len), Some(3), "{history}");
}

/// Issue 22 W7: a 50 MB line of commas in frames.csv took 858 MB. The reader holds one
/// line of at most 1 kB: the report runs under the heap cap, the rows around it count.
#[test]
fn a_50_mb_line_in_frames_csv_is_skipped_in_bounded_memory() {
    let _cpu = common::cpu_bound();
    let home = home_with("stored-long-line", |_| {});
    let path = home.join("data/sessions").join(START.to_string()).join("frames.csv");
    let csv = frames();
    let half = &csv[..csv.len() / 2];
    let head = &half[..=half.rfind('\n').unwrap()];
    let tail = &csv[head.len()..];
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b',', 50 << 20));
    bytes.push(b'\n');
    bytes.extend_from_slice(tail.as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let json = ok(isolated_capped(&home, 64 << 20).args(["report", &START.to_string(), "--json"]));
    let report: Value = serde_json::from_str(&json).unwrap();
    assert!(report["duration_s"].as_f64() == Some(CALL_S as f64), "{report}");
}

/// Issue 22 C2: one frames.csv time of 1e15 aborted the window on Report (the time axis
/// asked for 3·10¹¹ ticks), 1e300 panicked, 1e9 took 224 MB. Such a row is left out where
/// it is read, and the axis has at most nine ticks whatever it is given.
#[test]
fn a_frames_time_of_1e15_or_1e300_leaves_a_report_page_of_ordinary_size() {
    let _real_time = common::real_time();
    let home = home_with("stored-times", |m| m["summary"]["duration_s"] = json!(1e15));
    let path = home.join("data/sessions").join(START.to_string()).join("frames.csv");
    let csv = frames()
        .replace("\n5.000,", "\n1e15,")
        .replace("\n6.000,", "\n1e300,")
        .replace("\n7.000,", "\n1e9,")
        .replace("\n8.000,", "\n-1e9,");
    std::fs::write(&path, csv).unwrap();
    let page = home.join("report.html");
    let json = ok(isolated_capped(&home, HEAP_CAP).args([
        "report",
        &START.to_string(),
        "--json",
        "--html",
        path_str(&page),
    ]));
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["skipped_rows"], 4, "{report}");
    assert_eq!(report["duration_s"].as_f64(), Some(CALL_S as f64 + 40.0), "from start and end");
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(page.len() < 2 << 20, "a page of {} bytes", page.len());
    assert_no_absurd_number("the page", &page);
}

/// Issue 22 S5: `report ID` printed session.json's `id` raw: escape codes and forged
/// lines reached the terminal. So could an error quoting the file.
#[test]
fn escape_codes_and_newlines_in_a_stored_session_reach_no_terminal() {
    let _real_time = common::real_time();
    let forged =
        "1764000000)\n\nForged line: call the number below\x1b[2J\x1b]0;title\x07\u{9b}31m";
    let home = home_with("stored-escapes", |m| {
        m["id"] = json!(forged);
        m["source"] = json!(forged);
    });
    let second = (START + 600).to_string();
    let mut m = meta(&second, START + 600, 1);
    m["kind"] = json!("call\x1b[31m\nforged");
    store(&home, &second, m.to_string().as_bytes(), frames().as_bytes(), None);
    let clean = |what: &str, bytes: &[u8]| {
        let t = text(bytes);
        assert!(
            !t.chars().any(|c| c.is_control() && c != '\n'),
            "{what} sends control characters: {t:?}"
        );
        assert!(!t.contains("\nForged") && !t.contains("\nforged"), "{what} forges a line: {t}");
    };
    let report = run(isolated(&home).args(["report", &START.to_string()]));
    assert!(report.status.success(), "{}", text(&report.stderr));
    clean("report", &report.stdout);
    // The id shown is the folder's (issue 22 D6), so the forged one never reaches it.
    let title = text(&report.stdout).lines().next().unwrap_or_default().to_string();
    assert!(title.ends_with(&format!("({START})")), "the folder's id is shown: {title}");
    let json = run(isolated(&home).args(["report", &START.to_string(), "--json"]));
    clean("report --json", &json.stdout);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["id"], START.to_string(), "the folder's id, not the file's");
    for args in
        [vec!["sessions"], vec!["history"], vec!["history", "--json"], vec!["report", &second]]
    {
        let out = run(isolated(&home).args(&args));
        assert!(!crashed(&out), "{args:?}: {}", text(&out.stderr));
        clean(&format!("{args:?} stdout"), &out.stdout);
        clean(&format!("{args:?} stderr"), &out.stderr);
    }
}

#[test]
fn a_session_folder_copied_with_cp_a_is_a_second_session_listed_and_deleted_on_its_own() {
    // Issue 22 D6: the copy keeps the original's id inside its session.json. Listed by
    // that id, `sessions` showed it twice and `sessions --delete` removed the original,
    // leaving the copy unreachable.
    let _real_time = common::real_time();
    let home = home_with("stored-copied", |_| {});
    let sessions = home.join("data/sessions");
    let (id, copy) = (START.to_string(), format!("{START}-1"));
    let cp = Command::new("cp").arg("-a").args([sessions.join(&id), sessions.join(&copy)]).status();
    assert!(cp.unwrap().success());
    let times = |listing: &str, id: &str| listing.split_whitespace().filter(|w| *w == id).count();
    let listing = ok(isolated(&home).arg("sessions"));
    assert_eq!((times(&listing, &id), times(&listing, &copy)), (1, 1), "{listing}");
    for each in [&id, &copy] {
        let report: Value =
            serde_json::from_str(&ok(isolated(&home).args(["report", each, "--json"]))).unwrap();
        assert_eq!(report["id"], each.as_str());
    }
    let history = ok(isolated(&home).args(["history", "--json"]));
    assert!(history.contains(&format!("\"{copy}\"")), "{history}");

    ok(isolated(&home).args(["sessions", "--delete", &copy]));
    assert!(sessions.join(&id).join("session.json").exists(), "the original stays");
    assert!(!sessions.join(&copy).exists(), "the copy is the one deleted");
    let listing = ok(isolated(&home).arg("sessions"));
    assert_eq!((times(&listing, &id), times(&listing, &copy)), (1, 0), "{listing}");
    ok(isolated(&home).args(["report", &id]));
    ok(isolated(&home).args(["sessions", "--delete", &id]));
    assert!(!sessions.join(&id).exists());
}

/// xorshift64*: the fuzz's cases are the same on every run (a failure names its case).
/// Shared with the team sync fuzz (`tests/team_sync.rs`).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers that have broken readers: beyond f64, beyond f32, beyond any call, negative,
/// beyond u64, not numbers at all.
const HUGE: [&str; 14] = [
    "1e400",
    "-1e400",
    "3e38",
    "-3e38",
    "1e39",
    "1e15",
    "1e300",
    "1e9",
    "-1e9",
    "18446744073709551615",
    "18446744073709551616",
    "NaN",
    "inf",
    "-0",
];

/// Byte ranges of the numbers in `text` (JSON or CSV), roughly: runs of number characters
/// that follow a separator.
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 1;
    while i < text.len() {
        let starts = matches!(text[i], b'-' | b'0'..=b'9')
            && matches!(text[i - 1], b':' | b',' | b'[' | b' ' | b'\n');
        if starts {
            let end = i + text[i..]
                .iter()
                .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                .unwrap_or(text.len() - i);
            found.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// One mutation of a file's bytes, and its name for a failure message.
pub(crate) fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, file: &str) -> String {
    let kinds = if file == "audio.wav" { 4 } else { 9 };
    match rng.below(kinds) {
        0 => {
            let flips = 1 + rng.below(8);
            for _ in 0..flips {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            format!("{flips} bit flips")
        }
        1 => {
            let len = rng.below(bytes.len());
            bytes.truncate(len);
            format!("cut at {len}")
        }
        2 if file == "audio.wav" => {
            // Samples (after the 58-byte header) set to floats no converter gives.
            let values = [3e38f32, -3e38, f32::INFINITY, f32::NAN, 1e10];
            let n = 1 + rng.below(50);
            for _ in 0..n {
                let at = 58 + 4 * rng.below((bytes.len().saturating_sub(58)) / 4);
                if at + 4 <= bytes.len() {
                    bytes[at..at + 4].copy_from_slice(&rng.pick(&values).to_le_bytes());
                }
            }
            format!("{n} huge samples")
        }
        3 if file == "audio.wav" => {
            let at = rng.below(58);
            bytes[at] = rng.next() as u8;
            format!("header byte {at}")
        }
        2 | 3 => {
            let n = 1 + rng.below(4);
            let mut names = Vec::new();
            for _ in 0..n {
                let spots = numbers(bytes);
                if spots.is_empty() {
                    break;
                }
                let (start, end) = *rng.pick(&spots);
                let huge = *rng.pick(&HUGE);
                bytes.splice(start..end, huge.bytes());
                names.push(huge);
            }
            format!("numbers {names:?}")
        }
        4 => {
            let at = rng.below(bytes.len());
            let bad = *rng.pick(&[0xffu8, 0xfe, 0xc3, 0x80, 0xed]);
            bytes.insert(at, bad);
            format!("byte {bad:#x} at {at}")
        }
        5 => {
            bytes.splice(0..0, [0xef, 0xbb, 0xbf]);
            "a byte-order mark".into()
        }
        6 => {
            let len = *rng.pick(&[2_000usize, 70_000, 1 << 20, 4 << 20]);
            let fill = *rng.pick(b",9[\"x");
            let at = rng.below(bytes.len());
            bytes.splice(at..at, std::iter::repeat_n(fill, len));
            format!("{len} × {:?} at {at}", fill as char)
        }
        7 if file == "session.json" => {
            let depth = *rng.pick(&[129usize, 1000, 100_000]);
            let deep = format!("\"deep\":{}{},", "[".repeat(depth), "]".repeat(depth));
            bytes.splice(1..1, deep.bytes());
            format!("nesting {depth} deep")
        }
        7 => {
            let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
            *bytes = text.into_bytes();
            "CRLF line ends".into()
        }
        _ => {
            let foreign = *rng.pick(&["\\u001b[2J\\n1764000001  forged", "\\u0000", "\\ud800"]);
            let text = String::from_utf8_lossy(bytes);
            let changed = text.replacen("mic", foreign, 1).replacen("USB", foreign, 1);
            *bytes = changed.into_bytes();
            format!("text {foreign:?}")
        }
    }
}

/// Issue 22's fuzz of stored sessions: 2,000 mutated sessions (bit flips, cuts, huge
/// numbers, a byte-order mark, bytes that are not UTF-8, long lines, deep nesting, foreign
/// text; in session.json, frames.csv, audio.wav or all three) through `sessions`,
/// `history`, `history --json` (once per folder of 100) and `report` as text, JSON and page
/// (once per session). No command may panic, die on a signal (a failed allocation under
/// the heap cap aborts) or run past [`HANG`]; a damaged session may be refused, in one line.
#[test]
fn mutated_stored_sessions_never_panic_or_hang() {
    let _cpu = common::cpu_bound();
    const FOLDERS: usize = 20;
    const PER_FOLDER: usize = 100;
    let scratch_root = scratch("stored-fuzz");
    let base_frames = frames().into_bytes();
    let base_audio = audio(&scratch_root);
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    let cases = std::sync::atomic::AtomicUsize::new(0);
    // How the commands ended, printed for a look at how hard the mutations bite.
    let (succeeded, refused) =
        (std::sync::atomic::AtomicUsize::new(0), std::sync::atomic::AtomicUsize::new(0));
    let run_folder = |folder: usize| {
        let home = scratch_root.join(format!("home-{folder}"));
        let _ = std::fs::remove_dir_all(&home);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (folder as u64 + 1).wrapping_mul(0x1000_0001));
        let mut what = Vec::new();
        for k in 0..PER_FOLDER {
            let n = (folder * PER_FOLDER + k) as u64;
            let start = START + n * 900;
            let id = start.to_string();
            let mut files = [
                meta(&id, start, n).to_string().into_bytes(),
                base_frames.clone(),
                base_audio.clone(),
            ];
            let names = ["session.json", "frames.csv", "audio.wav"];
            let targets: Vec<usize> = match k % 4 {
                3 => vec![0, 1, 2],
                t => vec![t],
            };
            let mut done = Vec::new();
            for t in targets {
                done.push(format!("{}: {}", names[t], mutate(&mut rng, &mut files[t], names[t])));
            }
            store(&home, &id, &files[0], &files[1], Some(&files[2]));
            what.push((id, done.join("; ")));
        }
        let page = home.join("report.html");
        let check = |args: Vec<&str>, case: &str| {
            let out = output_within(isolated_capped(&home, HEAP_CAP).args(&args), HANG);
            let problem = match &out {
                None => Some("hung".to_string()),
                Some(out) if crashed(out) => {
                    Some(format!("crashed ({:?}): {}", out.status, text(&out.stderr)))
                }
                Some(out) if !out.status.success() && text(&out.stderr).lines().count() != 1 => {
                    Some(format!("failed in more than one line: {}", text(&out.stderr)))
                }
                Some(out) => {
                    let outcome = if out.status.success() { &succeeded } else { &refused };
                    outcome.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    None
                }
            };
            if let Some(problem) = problem {
                let stderr = problem.chars().take(600).collect::<String>();
                failures
                    .lock()
                    .unwrap()
                    .push(format!("{args:?} in {} ({case}): {stderr}", home.display()));
            }
        };
        for args in [vec!["sessions"], vec!["history"], vec!["history", "--json"]] {
            check(args, "all sessions of the folder");
        }
        for (k, (id, case)) in what.iter().enumerate() {
            let args = match k % 3 {
                0 => vec!["report", id.as_str()],
                1 => vec!["report", id.as_str(), "--json"],
                _ => vec!["report", id.as_str(), "--html", path_str(&page)],
            };
            check(args, case);
            cases.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        // Kept for a look when something failed here.
        if failures.lock().unwrap().is_empty() {
            let _ = std::fs::remove_dir_all(&home);
        }
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let folder = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if folder >= FOLDERS {
                        break;
                    }
                    run_folder(folder);
                }
            });
        }
    });
    let (failures, cases) = (failures.into_inner().unwrap(), cases.into_inner());
    println!(
        "{cases} mutated sessions: {} commands succeeded, {} refused a damaged session in one line",
        succeeded.into_inner(),
        refused.into_inner()
    );
    assert!(
        failures.is_empty(),
        "{} of {} commands failed; the first ones:\n{}",
        failures.len(),
        cases + 3 * FOLDERS,
        failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
    assert_eq!(cases, FOLDERS * PER_FOLDER);
}
