//! Both sides of a call through the real capture path: the agent's microphone is a
//! PulseAudio pipe-source, the caller is played into a null sink whose monitor is the
//! caller source, and `listen --caller` must find what `analyze --caller` finds in the
//! same audio. A vanished output is reported and capture comes back with it, and a caller
//! stream the sound server moves onto the microphone is refused and starts no call.
// Needs Linux tools (a PulseAudio server with a pipe-source and a null sink), which a Windows
// build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::calls::{CallBuilder, Voice, Who, aishell_s0150, fda, write_wav};
use common::vmic::{VirtualMic, feed, raw_pcm};
use common::{binary, path_str, scratch};

/// 16-bit little-endian PCM of `samples`, `lead_in_s` of silence first.
fn pcm(samples: &[f32], lead_in_s: f64) -> Vec<u8> {
    let lead = (lead_in_s * common::calls::RATE as f64) as usize;
    std::iter::repeat_n(0.0, lead)
        .chain(samples.iter().copied())
        .flat_map(|v| ((v.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes())
        .collect()
}

/// The 2 s of faint noise `common::vmic::feed` writes before its recording, as samples.
fn feeder_lead_in() -> Vec<f32> {
    let bytes: Vec<u8> = (0..640).map(|i| if i % 2 == 0 { (i % 7) as u8 } else { 0 }).collect();
    let piece: Vec<f32> =
        bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0).collect();
    piece.iter().cycle().take(2 * common::calls::RATE as usize).copied().collect()
}

/// stderr lines of a child, as they come.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Waits for a stderr line containing `needle`; returns every line seen so far.
fn wait_for(
    lines: &mpsc::Receiver<String>,
    needle: &str,
    seen: &mut Vec<String>,
    within: Duration,
) {
    let deadline = Instant::now() + within;
    while !seen.iter().any(|l| l.contains(needle)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no {needle:?} on stderr within {within:?}; saw {seen:#?}"),
        }
    }
}

/// A null sink made the default output: what the softphone would play into.
fn softphone_sink(mic: &VirtualMic) -> String {
    let id = mic.pactl_output(&["load-module", "module-null-sink", "sink_name=softphone"]);
    mic.pactl_output(&["set-default-sink", "softphone"]);
    id.trim().to_string()
}

/// `pacat` playing raw 16 kHz mono PCM into the softphone sink at real-time pace.
fn play_caller(mic: &VirtualMic, raw: &Path) -> Child {
    let mut cmd = Command::new("pacat");
    mic.env(&mut cmd);
    cmd.args([
        "--playback",
        "--device=softphone",
        "--format=s16le",
        "--rate=16000",
        "--channels=1",
        "--latency-msec=20",
        "--raw",
        path_str(raw),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("pacat (pulseaudio-utils)")
}

fn conversation(json: &serde_json::Value) -> &serde_json::Value {
    let c = &json["conversation"];
    assert!(c.is_object(), "no conversation in {json}");
    c
}

#[test]
fn live_capture_of_both_sides_finds_what_analyze_finds_in_the_same_audio() {
    let _real_time = common::real_time();
    let dir = scratch("conv-live");
    let mut agent = Voice::load("agent", &aishell_s0150(40, 8), &dir);
    let mut caller = Voice::load("caller", &fda("sb", 1, 8), &dir);
    let mut b = CallBuilder::new();
    b.turn(Who::Caller, &mut caller, 2)
        .pause(0.8)
        .turn(Who::Agent, &mut agent, 2)
        .pause(0.6)
        .turn(Who::Caller, &mut caller, 2)
        .interrupt(Who::Agent, &mut agent, 1.5, 2)
        .dead_air(7.0)
        .turn(Who::Caller, &mut caller, 1)
        .pause(0.7)
        .turn(Who::Agent, &mut agent, 1);
    let call = b.finish(1.0, [agent.noise_dbfs, caller.noise_dbfs], None);
    // The same audio as the devices will carry: the microphone's feeder starts with 2 s
    // of its faint noise, so the caller's side gets 2 s of silence to start with it.
    let lead_in = feeder_lead_in();
    let agent_audio: Vec<f32> = lead_in.iter().chain(&call.agent).copied().collect();
    let caller_audio: Vec<f32> =
        std::iter::repeat_n(0.0, lead_in.len()).chain(call.caller.iter().copied()).collect();
    let (agent_wav, caller_wav) = (dir.join("agent.wav"), dir.join("caller.wav"));
    write_wav(&agent_wav, &agent_audio);
    write_wav(&caller_wav, &caller_audio);
    let events = dir.join("events.csv");
    let offline = binary()
        .args(["analyze", path_str(&agent_wav), "--caller", path_str(&caller_wav)])
        .args(["--events", path_str(&events)])
        .output()
        .unwrap();
    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    let offline: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();

    let mic = VirtualMic::start("conv-live-pa");
    softphone_sink(&mic);
    let caller_raw = dir.join("caller.raw");
    std::fs::File::create(&caller_raw).unwrap().write_all(&pcm(&caller_audio, 0.0)).unwrap();
    let seconds = 2.0 + call.truth.duration_s + 1.5;
    let data = scratch("conv-live-data");
    let mut child = mic
        .command()
        .env("SPEECH_COACH_AUDIO_HOST", "pulseaudio")
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["listen", "--caller", "--session", "--wait-for-call"])
        .args(["--seconds", &format!("{seconds:.1}")])
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let mut seen = Vec::new();
    wait_for(&lines, "caller: capturing", &mut seen, Duration::from_secs(10));
    let feeder = feed(mic.fifo.clone(), pcm(&call.agent, 0.0), false);
    let mut player = play_caller(&mic, &caller_raw);
    let out = child.wait_with_output().unwrap();
    feeder.stop();
    let _ = player.kill();
    let _ = player.wait();
    assert!(out.status.success(), "{seen:#?}");
    let live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    seen.extend(lines.try_iter());
    let (l, o) = (conversation(&live), conversation(&offline));
    println!("{}\nlive {l}\noffline {o}", seen.join("\n"));
    println!("live events {}", live["conversation_events"]);
    println!("offline events\n{}", std::fs::read_to_string(&events).unwrap());
    println!(
        "script: agent {:.2} s, caller {:.2} s",
        call.truth.talk_s(Who::Agent),
        call.truth.talk_s(Who::Caller)
    );
    for key in ["agent_talk_s", "caller_talk_s"] {
        let (lv, ov) = (l[key].as_f64().unwrap(), o[key].as_f64().unwrap());
        // Within 5 %: the tolerance for talk time against the script.
        assert!((lv - ov).abs() <= 0.05 * ov, "{key}: live {lv} vs offline {ov}");
    }
    for key in ["agent_interruptions", "caller_interruptions", "dead_air_count"] {
        assert_eq!(l[key], o[key], "{key}");
    }
    assert_eq!(o["agent_interruptions"], 1, "{o}");
    assert_eq!(o["dead_air_count"], 1, "{o}");
    let (ld, od) =
        (l["longest_dead_air_s"].as_f64().unwrap(), o["longest_dead_air_s"].as_f64().unwrap());
    assert!((ld - od).abs() <= 0.5, "dead air: live {ld} vs offline {od}");
    // The two sides on one clock: each event at the same time as offline, within 0.1 s
    // (the alignment bound is one 10 ms hop per side; the rest is the virtual
    // devices' own scheduling).
    let offline_events: Vec<(f64, String)> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[1].to_string())
        })
        .collect();
    let live_events = live["conversation_events"].as_array().expect("events");
    assert_eq!(live_events.len(), offline_events.len(), "{live_events:?} vs {offline_events:?}");
    for (l, (t, kind)) in live_events.iter().zip(&offline_events) {
        assert_eq!(l["kind"].as_str(), Some(kind.as_str()));
        let lt = l["time_s"].as_f64().unwrap();
        assert!((lt - t).abs() <= 0.1, "{kind}: live {lt} vs offline {t}");
    }
    assert_eq!(live["dropped_blocks"], 0, "{live}");
    assert_eq!(live["caller_dropped_blocks"], 0, "{live}");

    // The call is one stored session: it started with the talk, not with `listen`, and
    // holds the same conversation.
    let ids = live["calls"].as_array().expect("calls");
    assert_eq!(ids.len(), 1, "{live}");
    let id = ids[0].as_str().unwrap();
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("sessions").join(id).join("session.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["kind"], "call");
    assert_eq!(meta["ended_by"], "closed");
    let duration = meta["summary"]["duration_s"].as_f64().unwrap();
    assert!(duration < seconds - 1.5, "the silent lead-in is not in the call: {duration} s");
    assert!(duration > call.truth.duration_s - 1.0, "{duration} s");
    let stored = &meta["conversation"];
    for key in ["agent_talk_s", "caller_talk_s"] {
        let (sv, ov) = (stored[key].as_f64().unwrap(), o[key].as_f64().unwrap());
        assert!((sv - ov).abs() <= 0.05 * ov, "{key}: stored {sv} vs offline {ov}");
    }
    for key in ["agent_interruptions", "caller_interruptions", "dead_air_count"] {
        assert_eq!(stored[key], o[key], "{key}");
    }
    // Events in call time: the same spacing as offline.
    let times: Vec<f64> = meta["conversation_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["time_s"].as_f64().unwrap())
        .collect();
    assert_eq!(times.len(), offline_events.len());
    let shift = offline_events[0].0 - times[0];
    assert!(shift > 0.5, "the call starts after the lead-in: {shift}");
    for (t, (ot, kind)) in times.iter().zip(&offline_events) {
        assert!((t + shift - ot).abs() <= 0.1, "{kind}: stored {t} + {shift} vs offline {ot}");
    }
}

#[test]
fn a_vanished_output_is_reported_and_the_caller_is_heard_again_when_it_is_back() {
    let _real_time = common::real_time();
    let mic = VirtualMic::start("conv-vanish-pa");
    let module = softphone_sink(&mic);
    let feeder = feed(mic.fifo.clone(), [1u8, 0].repeat(1600), true);
    let mut child = mic
        .command()
        .env("SPEECH_COACH_AUDIO_HOST", "pulseaudio")
        .args(["listen", "--caller-device", "softphone", "--seconds", "12"])
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let mut seen = Vec::new();
    wait_for(&lines, "caller: capturing", &mut seen, Duration::from_secs(10));
    mic.pactl_output(&["unload-module", &module]);
    wait_for(&lines, "caller source lost", &mut seen, Duration::from_secs(10));
    softphone_sink(&mic);
    let before = seen.iter().filter(|l| l.contains("caller: capturing")).count();
    let deadline = Instant::now() + Duration::from_secs(6);
    while seen.iter().filter(|l| l.contains("caller: capturing")).count() == before {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("the caller was not heard again: {seen:#?}"),
        }
    }
    let out = child.wait_with_output().unwrap();
    feeder.stop();
    assert!(out.status.success(), "{seen:#?}");
}

/// Issue 22 W1: with the caller heard, the caller's blocks were analysed before the
/// agent's in each step and the frames they paired were cleared before they were
/// published, so `listen --frames` wrote 166 rows for 2,017 frames.
#[test]
fn listen_with_the_caller_writes_a_row_for_every_frame_the_analyser_made() {
    let _real_time = common::real_time();
    let mic = VirtualMic::start("conv-frames-pa");
    softphone_sink(&mic);
    let feeder = feed(mic.fifo.clone(), [1u8, 0].repeat(1600), true);
    let csv = scratch("conv-frames").join("frames.csv");
    let out = mic
        .command()
        .env("SPEECH_COACH_AUDIO_HOST", "pulseaudio")
        .args(["listen", "--caller-device", "softphone", "--seconds", "8"])
        .args(["--frames", path_str(&csv)])
        .output()
        .unwrap();
    feeder.stop();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(live["caller_device"].is_string(), "the caller was heard: {live}");
    let duration_s = live["duration_s"].as_f64().unwrap();
    assert!(duration_s > 5.0, "{live}");
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    // One row per 10 ms hop of the agent's analysed audio, its look-ahead flushed at the
    // end; within one hop for the last part of one.
    let frames = (duration_s * 100.0).round() as usize;
    println!("listen --caller --frames: {rows} rows for {frames} frames of {duration_s} s");
    assert!(rows.abs_diff(frames) <= 1, "{rows} rows for {frames} frames of {duration_s} s");
}

/// What a desktop sound server does to record streams when a headset comes back
/// (`module-switch-on-connect`): every one moves onto the new microphone.
fn move_every_record_stream_to(mic: &VirtualMic, source: &str) -> usize {
    let listed = mic.pactl_output(&["list", "short", "source-outputs"]);
    let ids: Vec<&str> = listed.lines().filter_map(|l| l.split('\t').next()).collect();
    for id in &ids {
        mic.pactl_output(&["move-source-output", id, source]);
    }
    ids.len()
}

/// Issue 23 item 1: after the headset is unplugged and plugged back, the caller's side
/// listened to the microphone and phantom calls were stored. Here the softphone's output
/// is unloaded while the agent talks (the server rescues its monitor stream onto the
/// default source, the microphone), loaded again, and then every record stream is moved
/// onto the microphone: at no point may the caller's lane start a call.
#[test]
fn a_caller_stream_moved_onto_the_microphone_is_refused_and_stores_no_call() {
    let _real_time = common::real_time();
    let mic = VirtualMic::start("conv-mirror-pa");
    let module = softphone_sink(&mic);
    mic.pactl_output(&["load-module", "module-rescue-streams"]);
    let agent: Vec<u8> = aishell_s0150(40, 6).iter().flat_map(|f| raw_pcm(f)).collect();
    let feeder = feed(mic.fifo.clone(), agent, true);
    let data = scratch("conv-mirror-data");
    let mut child = mic
        .command()
        .env("SPEECH_COACH_AUDIO_HOST", "pulseaudio")
        .env("SPEECH_COACH_DATA_DIR", &data)
        .args(["listen", "--caller", "--session", "--wait-for-call", "--seconds", "22"])
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let mut seen = Vec::new();
    wait_for(&lines, "caller: capturing", &mut seen, Duration::from_secs(10));
    // The agent talks (after the feeder's 2 s lead-in); the caller's side is silent.
    std::thread::sleep(Duration::from_secs(4));
    // Unplugged: the output goes, its monitor's stream is rescued onto the microphone.
    mic.pactl_output(&["unload-module", &module]);
    std::thread::sleep(Duration::from_secs(5));
    // Plugged back, and every record stream lands on the microphone.
    softphone_sink(&mic);
    std::thread::sleep(Duration::from_secs(3));
    let moved = move_every_record_stream_to(&mic, "vmic");
    assert!(moved >= 2, "both capture streams are listed: {moved}");
    let out = child.wait_with_output().unwrap();
    feeder.stop();
    seen.extend(lines.try_iter());
    println!("{}", seen.join("\n"));
    assert!(out.status.success(), "{seen:#?}");
    let live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(live["calls"], serde_json::json!([]), "no call from the microphone's talk: {live}");
    let stored = std::fs::read_dir(data.join("sessions")).map_or(0, |d| d.count());
    assert_eq!(stored, 0, "no session stored");
    assert!(
        seen.iter().any(|l| l.contains("caller source lost") && l.contains("microphone")),
        "the refusal is reported: {seen:#?}"
    );
}
