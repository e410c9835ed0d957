//! Nothing lost, nothing leaked: session ids that try to leave the store, outputs that
//! would overwrite inputs, storage failing during a call, Ctrl-C and hard kills at any
//! moment, file modes, and foreign text on the terminal. Each test drives the real
//! binary; the live ones capture from a PulseAudio virtual microphone.
// Needs Linux tools (signals (kill), sh, a PulseAudio server and Unix file modes), which a
// Windows build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use common::vmic::{VirtualMic, feed, raw_pcm};
use common::{binary, path_str, scratch, shared_data};
use speech_coach::audio::WavSource;

fn speech_pcm() -> Vec<u8> {
    raw_pcm(&shared_data().join("zh/BAC009S0764W0121.wav"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sessions_in(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data.join("sessions"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// A stored session made the way the store makes them (through `listen`) would take a
/// microphone; the store's own layout is enough for the path checks.
fn fake_session(data: &Path, id: &str, source: &str) -> PathBuf {
    let dir = data.join("sessions").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let meta = serde_json::json!({
        "id": id, "started_unix_s": 1_764_000_000u64, "ended_unix_s": 1_764_000_060u64,
        "source": source, "lang": "zh", "recording": false, "summary": null, "cues": []
    });
    std::fs::write(dir.join("session.json"), meta.to_string()).unwrap();
    std::fs::write(dir.join("frames.csv"), format!("{}\n", speech_coach::session::frames::HEADER))
        .unwrap();
    dir
}

#[test]
fn session_ids_that_leave_the_store_are_refused_and_delete_nothing() {
    let _real_time = common::real_time();
    let data = scratch("traversal");
    let kept = fake_session(&data, "1764000000", "mic");
    std::fs::write(data.join("settings-and-other-user-data"), "keep").unwrap();
    let long = "1".repeat(5000);
    let absolute = path_str(&data).to_string();
    for id in ["..", ".", "../x", "../sessions/1764000000", &absolute, "", &long, "1764000000\n"] {
        for args in [vec!["sessions", "--delete", id], vec!["report", id]] {
            let out = binary().env("SPEECH_COACH_DATA_DIR", &data).args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?} must fail");
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert!(kept.join("session.json").exists());
    assert!(data.join("settings-and-other-user-data").exists());
    // The real id still works.
    let out = binary()
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["sessions", "--delete", "1764000000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!kept.exists() && data.join("sessions").exists());
}

#[test]
fn outputs_that_would_overwrite_an_input_or_a_session_are_refused() {
    let _real_time = common::real_time();
    let data = scratch("self-overwrite");
    let wav = data.join("t.wav");
    std::fs::copy(shared_data().join("zh/BAC009S0764W0121.wav"), &wav).unwrap();
    let before = std::fs::read(&wav).unwrap();
    let out = binary()
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["analyze", path_str(&wav), "--frames", path_str(&wav)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("input"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&wav).unwrap(), before, "the recording must be intact");

    let dir = fake_session(&data, "1764000000", "mic");
    let frames = dir.join("frames.csv");
    let frames_before = std::fs::read(&frames).unwrap();
    for flag in ["--csv", "--html"] {
        let out = binary()
            .env("SPEECH_COACH_DATA_DIR", &data)
            .args(["report", "1764000000", flag, path_str(&frames)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert_eq!(std::fs::read(&frames).unwrap(), frames_before, "{flag} emptied the session");
    }
    // An output elsewhere is fine.
    let out = binary()
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["report", "1764000000", "--csv", path_str(&data.join("copy.csv"))])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn foreign_text_in_a_session_cannot_forge_lines_or_send_escapes() {
    let _real_time = common::real_time();
    let data = scratch("terminal");
    fake_session(&data, "1764000000", "USB mic\n1764000001  999.0 s  forged\x1b[2J");
    let out = binary().env("SPEECH_COACH_DATA_DIR", &data).arg("sessions").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The table's header and the one session: the newline in the name is shown, not obeyed.
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().contains(r"USB mic\u{a}1764000001"), "{text}");
    assert!(!text.contains('\x1b'), "{text:?}");
}

/// A fresh virtual microphone playing speech, and `speech-coach` wired to it.
struct Live {
    // Fields drop in order: the feeder stops before the server goes, or it would block
    // opening a FIFO that no one reads any more.
    _feeder: common::vmic::Feeder,
    _mic: VirtualMic,
    data: PathBuf,
}

fn live(name: &str) -> (Live, Command) {
    let mic = VirtualMic::start(name);
    let data = scratch(&format!("{name}-data"));
    let feeder = feed(mic.fifo.clone(), speech_pcm(), true);
    let mut cmd = mic.command();
    cmd.env("SPEECH_COACH_DATA_DIR", &data);
    (Live { _feeder: feeder, _mic: mic, data }, cmd)
}

fn wait_for_session(data: &Path, child: &mut Child) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(dir) = sessions_in(data).into_iter().next() {
            return dir;
        }
        assert!(child.try_wait().unwrap().is_none(), "listen exited early");
        assert!(Instant::now() < deadline, "no session appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill").args(["-s", name, &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
}

#[test]
fn ctrl_c_ends_listen_with_its_summary_and_a_complete_session() {
    let _real_time = common::real_time();
    for sig in ["INT", "TERM"] {
        let (live, mut cmd) = live(&format!("sigint-{sig}"));
        let csv = live.data.join("frames.csv");
        let mut child =
            cmd.args(["listen", "--session", "--frames", path_str(&csv)]).spawn().unwrap();
        let dir = wait_for_session(&live.data, &mut child);
        // Let frames flow for a few seconds, then interrupt as a person would.
        std::thread::sleep(Duration::from_secs(4));
        signal(&child, sig);
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "SIG{sig}: {}", stderr(&out));
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("SIG{sig}: no JSON summary on stdout ({e})"));
        let duration = summary["duration_s"].as_f64().unwrap();
        assert!(duration > 2.0, "SIG{sig}: {summary}");
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("session.json")).unwrap())
                .unwrap();
        assert!(meta["ended_unix_s"].is_u64(), "SIG{sig}: session not closed: {meta}");
        // The stored frames reach the end of what was analysed (the look-ahead flushed):
        // within one 10 ms hop and the last frame's half-hop centre.
        let frames = std::fs::read_to_string(dir.join("frames.csv")).unwrap();
        let last: f64 = frames.lines().last().unwrap().split(',').next().unwrap().parse().unwrap();
        assert!(
            (duration - last).abs() <= 0.02,
            "SIG{sig}: frames end at {last}, audio at {duration}"
        );
    }
}

#[test]
fn a_session_killed_at_any_moment_stays_readable() {
    let _real_time = common::real_time();
    for kill_after in [0.3, 0.6, 1.0, 2.5] {
        let (live, mut cmd) = live(&format!("kill-{}", (kill_after * 10.0) as u32));
        let mut child = cmd.args(["listen", "--record"]).spawn().unwrap();
        std::thread::sleep(Duration::from_secs_f64(kill_after));
        child.kill().unwrap();
        child.wait().unwrap();
        for dir in sessions_in(&live.data) {
            let id = dir.file_name().unwrap().to_str().unwrap().to_string();
            let out = binary()
                .env("SPEECH_COACH_DATA_DIR", &live.data)
                .args(["report", &id])
                .output()
                .unwrap();
            assert!(out.status.success(), "killed at {kill_after} s: {}", stderr(&out));
            let wav = dir.join("audio.wav");
            if wav.exists() {
                // The header matches the samples on disk to within the 0.5 s checkpoint.
                let src = WavSource::open(&wav)
                    .unwrap_or_else(|e| panic!("killed at {kill_after} s: {e}"));
                let on_disk_s = (std::fs::metadata(&wav).unwrap().len().saturating_sub(80)) as f64
                    / (4.0 * src.sample_rate() as f64);
                assert!(
                    on_disk_s - src.duration_s() <= 0.6,
                    "killed at {kill_after} s: header says {} s, the file holds {on_disk_s} s",
                    src.duration_s()
                );
            }
        }
    }
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_at_most(child: &mut Child, limit: Duration, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue 22 C1: a microphone that exists but delivers nothing (a pipe-source nobody
/// writes) never starts, and cpal's `play()` waits for it forever: `listen` ran past its
/// `--seconds` and ignored SIGINT and SIGTERM.
#[test]
fn a_microphone_that_never_starts_is_said_and_listen_still_ends() {
    let _real_time = common::real_time();
    let mic = VirtualMic::start("never-starts");
    // The default microphone: said as unavailable after 3 s, one line, exit 1.
    let data = scratch("never-starts-data");
    let mut child = mic
        .command()
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["listen", "--seconds", "30"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_at_most(&mut child, Duration::from_secs(20), "listen on a silent source");
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains("did not start within 3 s"), "{said}");
    // A device named on the command line is waited for; Ctrl-C and SIGTERM still end it.
    for sig in ["INT", "TERM"] {
        let mut child = mic
            .command()
            .env("SPEECH_COACH_DATA_DIR", &data)
            .args(["listen", "--seconds", "60", "--device", "vmic"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(4));
        signal(&child, sig);
        let status = wait_at_most(&mut child, Duration::from_secs(10), sig);
        assert!(status.code().is_some(), "SIG{sig}: ended by the signal itself: {status}");
    }
}

#[test]
fn listen_on_a_missing_device_leaves_no_empty_session() {
    let _real_time = common::real_time();
    // No feeder: nothing records from the virtual microphone, so a feeder's writes would
    // block once the FIFO is full.
    let mic = VirtualMic::start("bogus-device");
    let data = scratch("bogus-device-data");
    let out = mic
        .command()
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["listen", "--session", "--device", "no-such-device-xyz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-device-xyz"), "{}", stderr(&out));
    assert!(sessions_in(&data).is_empty(), "{:?}", sessions_in(&data));
}

/// Runs `listen --record` for `seconds` inside a private mount namespace whose data
/// folder is a tmpfs of `size` (root inside a user namespace may mount one).
fn listen_on_small_disk(name: &str, size: &str, seconds: u32) -> (Live, Output) {
    let (live, template) = live(name);
    let mut cmd = Command::new("unshare");
    cmd.args(["--user", "--map-root-user", "--mount", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size={size} none \"$SPEECH_COACH_DATA_DIR\" && exec \"$0\" listen --record --seconds {seconds}"
        ))
        .arg(template.get_program());
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let out = cmd.output().expect("unshare (util-linux)");
    (live, out)
}

#[test]
fn a_full_disk_during_a_call_is_said_at_once_and_ends_in_a_non_zero_exit() {
    let _real_time = common::real_time();
    // 48 kB hold session.json, the CSV header and ~0.5 s of 16 kHz float audio.
    let (_live, out) = listen_on_small_disk("full-disk", "48k", 6);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot record audio"), "{err}");
    assert!(err.contains("No space left") || err.contains("os error 28"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Coaching went on: the summary covers the whole run, not the part stored.
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert!(summary["duration_s"].as_f64().unwrap() > 4.0, "{summary}");
    assert!(!summary["storage_problems"].as_array().unwrap().is_empty(), "{summary}");
}

#[test]
fn when_the_audio_file_hits_a_size_limit_frames_and_summary_are_still_stored() {
    let _real_time = common::real_time();
    let (live, template) = live("fsize");
    // `ulimit -f` caps every file at 100 kB; the signal it raises is ignored (inherited
    // through exec), so the write fails with EFBIG instead of killing the process.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f 100; exec \"$0\" listen --record --seconds 8")
        .arg(template.get_program());
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let out = cmd.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot record audio"), "{err}");
    let dir = sessions_in(&live.data).into_iter().next().expect("a session");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("session.json")).unwrap()).unwrap();
    let stored_s = meta["summary"]["duration_s"].as_f64().unwrap();
    assert!(stored_s > 7.0, "the summary must cover the whole call: {stored_s} s");
    let rows = std::fs::read_to_string(dir.join("frames.csv")).unwrap().lines().count() - 1;
    assert!(rows as f64 > 7.0 * 100.0, "frames must go on after the audio stops: {rows} rows");
    let audio_s = WavSource::open(&dir.join("audio.wav")).expect("playable").duration_s();
    assert!(audio_s > 0.5 && audio_s < 2.0, "audio kept to the limit: {audio_s} s");
}

#[cfg(unix)]
#[test]
fn recordings_and_their_folders_are_private_to_the_user() {
    let _real_time = common::real_time();
    use std::os::unix::fs::PermissionsExt;
    let (live, mut cmd) = live("modes");
    let out = cmd.args(["listen", "--record", "--seconds", "4"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&live.data.join("sessions")), 0o700);
    let dir = sessions_in(&live.data).into_iter().next().expect("a session");
    assert_eq!(mode(&dir), 0o700);
    for file in ["session.json", "frames.csv", "audio.wav"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    // The report's page (with the recording's replays in it) and its CSV are the user's
    // alone too, wherever they are written.
    let id = dir.file_name().unwrap().to_str().unwrap().to_string();
    let outside = scratch("modes-report");
    let (html, csv) = (outside.join("report.html"), outside.join("frames.csv"));
    let out = Command::new(env!("CARGO_BIN_EXE_speech-coach"))
        .env("SPEECH_COACH_DATA_DIR", &live.data)
        .env("SPEECH_COACH_CONFIG_DIR", &outside)
        .args(["report", &id, "--html", path_str(&html), "--csv", path_str(&csv)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!((mode(&html), mode(&csv)), (0o600, 0o600));
    assert_eq!(std::fs::read(&csv).unwrap(), std::fs::read(dir.join("frames.csv")).unwrap());
}

/// Runs `cmd` with its standard output a pipe whose reader has already gone.
fn into_a_closed_pipe(cmd: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(std::process::Stdio::piped()).output().unwrap()
}

/// Issue 22 C5: `sessions | head -1`, `analyze … | head -c 300` and `history --json | head`
/// panicked with a backtrace hint (exit 101) when the reader closed the pipe. A reader that
/// has had enough is not an error: exit 0, nothing on stderr.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let _real_time = common::real_time();
    let data = scratch("closed-pipe");
    fake_session(&data, "1764000000", "mic");
    let wav = shared_data().join("zh/BAC009S0764W0121.wav");
    for args in [
        vec!["sessions"],
        vec!["history", "--json"],
        vec!["history"],
        vec!["analyze", path_str(&wav)],
    ] {
        let out = into_a_closed_pipe(binary().env("SPEECH_COACH_DATA_DIR", &data).args(&args));
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

/// A bad file's one-line error when standard error cannot take it (its reader gone, as in
/// `analyze bad.wav 2>&1 | head -0`, or a full disk, `2>/dev/full`): `eprintln!` panicked
/// there (exit 101). The line is lost; the exit code stays the error's 1.
#[test]
fn an_error_line_that_cannot_be_written_is_still_exit_1_not_a_panic() {
    let dir = scratch("closed-stderr");
    let bad = dir.join("bad.wav");
    std::fs::write(&bad, "not audio\n").unwrap();
    let missing = dir.join("missing.wav");
    for file in [&bad, &missing] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = binary()
            .args(["analyze", path_str(file)])
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file:?} into a closed stderr");
        let full = std::fs::File::options().write(true).open("/dev/full").unwrap();
        let out = binary()
            .args(["analyze", path_str(&dir), path_str(file)])
            .stdout(std::process::Stdio::null())
            .stderr(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file:?} with stderr on /dev/full");
    }
}

/// `path` (replaced) as a FIFO: reading it waits for a writer that never comes.
fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// `path` (replaced) as a link to /dev/zero: reading it never ends.
fn zero(path: &Path) {
    let _ = std::fs::remove_file(path);
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
}

#[test]
fn a_fifo_or_a_link_to_dev_zero_in_place_of_a_stored_file_hangs_no_command() {
    // Issue 22 C4: reading a FIFO waits for a writer that never comes, and /dev/zero
    // never ends: `sessions`, `history`, `report` and `team sync` hung on either.
    let dir = scratch("special-files");
    let data = dir.join("data");
    fake_session(&data, "1764000000", "mic");
    mkfifo(&fake_session(&data, "1764000100", "mic").join("session.json"));
    zero(&fake_session(&data, "1764000200", "mic").join("session.json"));
    mkfifo(&fake_session(&data, "1764000300", "mic").join("frames.csv"));
    zero(&fake_session(&data, "1764000400", "mic").join("frames.csv"));
    mkfifo(&dir.join("settings.json"));
    let limit = Duration::from_secs(20);
    let run = |args: &[&str]| {
        common::output_within(common::isolated(&dir).args(args), limit)
            .unwrap_or_else(|| panic!("{args:?} still runs after {limit:?}"))
    };
    for args in [&["sessions"][..], &["history"], &["history", "--json"], &["report", "1764000000"]]
    {
        let out = run(args);
        assert!(out.status.success() && !common::crashed(&out), "{args:?}: {}", stderr(&out));
    }
    let listed = String::from_utf8_lossy(&run(&["sessions"]).stdout).into_owned();
    assert!(listed.contains("1764000000") && listed.contains("1764000100"), "{listed}");
    // Without the settings' notice, a refused session is one line.
    std::fs::remove_file(dir.join("settings.json")).unwrap();
    for id in ["1764000100", "1764000200", "1764000300", "1764000400"] {
        common::assert_clean_failure(&run(&["report", id]), "not a regular file");
    }

    // team sync: the same store, and a FIFO as the settings' CA file.
    let team = dir.join("team-config");
    std::fs::create_dir_all(&team).unwrap();
    let ca = team.join("ca.pem");
    mkfifo(&ca);
    let settings = serde_json::json!({"team": {"url": "postgresql://alice@127.0.0.1:1/coach",
        "team": "north", "agent": "Alice", "ca_file": ca}});
    std::fs::write(team.join("settings.json"), settings.to_string()).unwrap();
    let mut sync = common::isolated(&dir);
    sync.args(["team", "sync"])
        .env("SPEECH_COACH_CONFIG_DIR", &team)
        .env("SPEECH_COACH_DB_PASSWORD", "pw");
    let out = common::output_within(&mut sync, limit).expect("team sync still runs");
    common::assert_clean_failure(&out, "not a regular file (a FIFO)");
}

#[test]
fn a_fifo_or_a_link_to_dev_zero_in_place_of_a_recording_or_the_pace_profile_hangs_nothing() {
    // Issue 22 C4, for the two files the first round left out. The stored pace profile
    // is read before `listen`, `rehearse` and the window start: a FIFO there blocked
    // them for ever, a link to /dev/zero read until memory ran out. A recording that is
    // a FIFO or a link made the repair of a killed call fail at every start, so the call
    // was never closed nor sent.
    let _cpu = common::cpu_bound();
    let dir = scratch("special-recordings");
    let data = dir.join("data");
    let limit = Duration::from_secs(20);

    // One second of silence to rehearse on: the run itself is not what is tested.
    let take = dir.join("take.wav");
    common::calls::write_wav(&take, &[0.0; common::calls::RATE as usize]);
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/scripts/support-en.md");
    let profile = dir.join("pace-profile.json");
    for (make, what) in [(mkfifo as fn(&Path), "a FIFO"), (zero, "a device")] {
        make(&profile);
        let mut rehearse = common::isolated(&dir);
        rehearse.args(["rehearse", path_str(&script), "--recording", path_str(&take)]);
        let out = common::output_within(&mut rehearse, limit)
            .unwrap_or_else(|| panic!("rehearse still runs after {limit:?} with {what}"));
        assert!(out.status.success() && !common::crashed(&out), "{}", stderr(&out));
        let said = stderr(&out);
        assert!(
            said.contains(&format!("not a regular file ({what}); pace is not calibrated")),
            "{said}"
        );
        // Named on the command line, it is one line and exit 1.
        let mut analyze = common::isolated(&dir);
        analyze.args(["analyze", path_str(&take), "--profile", path_str(&profile)]);
        let out = common::output_within(&mut analyze, limit).expect("analyze --profile hangs");
        common::assert_clean_failure(&out, &format!("not a regular file ({what})"));
    }
    std::fs::remove_file(&profile).unwrap();

    // A call killed mid-way (no end), recorded, its audio.wav a FIFO or a link to
    // /dev/zero: the next start closes it from its frames and leaves the file alone.
    let frames = |rows: usize| {
        let mut text = format!("{}\n", speech_coach::session::frames::HEADER);
        let columns = speech_coach::session::frames::HEADER.split(',').count();
        for i in 0..rows {
            let mut row = vec![String::new(); columns];
            row[0] = format!("{:.3}", i as f64 * 0.01);
            text.push_str(&row.join(","));
            text.push('\n');
        }
        text
    };
    let killed = |id: &str| {
        let dir = data.join("sessions").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({
            "id": id, "started_unix_s": 1_764_000_000u64, "ended_unix_s": null,
            "source": "mic", "lang": "zh", "recording": true, "summary": null, "cues": []
        });
        std::fs::write(dir.join("session.json"), meta.to_string()).unwrap();
        std::fs::write(dir.join("frames.csv"), frames(300)).unwrap();
        dir
    };
    let fifo_call = killed("1764000000");
    mkfifo(&fifo_call.join("audio.wav"));
    let zero_call = killed("1764000100");
    zero(&zero_call.join("audio.wav"));
    // `team sync` closes calls left open before it connects (here to no server at all).
    let settings = serde_json::json!({"team": {"team": "north", "agent": "Alice",
        "url": "postgresql://alice@127.0.0.1:1/coach?sslmode=disable"}});
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
    let mut sync = common::isolated(&dir);
    sync.args(["team", "sync"]).env("SPEECH_COACH_DB_PASSWORD", "pw");
    let out = common::output_within(&mut sync, limit).expect("team sync hangs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("closed 2 call(s) left open"), "{said}");
    assert!(said.contains("cannot reach the team database"), "{said}");
    for call in [&fifo_call, &zero_call] {
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(call.join("session.json")).unwrap()).unwrap();
        assert_eq!(meta["ended_by"], "interrupted", "{}: {meta}", call.display());
        let length = meta["ended_unix_s"].as_u64().unwrap() - 1_764_000_000;
        assert!((3..=4).contains(&length), "3 s of frames: {meta}");
        assert!(std::fs::symlink_metadata(call.join("audio.wav")).is_ok(), "left alone");
    }
    // Its report and page come without replays, at once.
    std::fs::remove_file(dir.join("settings.json")).unwrap();
    for id in ["1764000000", "1764000100"] {
        let page = dir.join(format!("{id}.html"));
        let mut report = common::isolated(&dir);
        report.args(["report", id, "--html", path_str(&page)]);
        let out = common::output_within(&mut report, limit).expect("report hangs");
        assert!(out.status.success() && !common::crashed(&out), "{id}: {}", stderr(&out));
        assert!(page.exists());
    }
}
