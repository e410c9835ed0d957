//! The call report end to end, in a real browser: a two-sided call built from real
//! recordings (`shared/data`) is analysed as the live pipeline does (both analysers, the
//! conversation, the coach), stored as a session folder with the agent's audio, and
//! reported with `speech-coach report --html` in English and Chinese. Headless Chromium
//! (Debian's `chromium`, installed by `make test`) then opens each page and every replay
//! `<audio>` must load and report a finite duration.
// Needs Linux tools (sox and headless Chromium), which a Windows build under Wine cannot
// start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::calls::{self, CallBuilder, RATE, Voice, Who};
use common::{binary, path_str, scratch};
use speech_coach::analysis::offline::{CallSides, analyse_call};
use speech_coach::analysis::{AnalyserConfig, Lang};
use speech_coach::coach::Coach;
use speech_coach::conversation::Conversation;
use speech_coach::session::frames::{self, Talk};

/// The session's id: 2026-11-24 06:03 UTC.
const ID: &str = "1795500180";
/// The stored recording's rate, as a headset's microphone delivers it.
const DEVICE_RATE: u32 = 48_000;

/// A complaint call: the agent talks over the caller once, dead air, a 35 s hold (past
/// the 30 s limit), and a long explanation.
fn build_call(dir: &Path) -> calls::Call {
    let mut a = Voice::load("s0150", &calls::aishell_s0150(201, 30), dir);
    let mut c = Voice::load("sb", &calls::fda("sb", 21, 20), dir);
    CallBuilder::new()
        .pause(1.0)
        .turn(Who::Agent, &mut a, 2)
        .pause(0.8)
        .turn(Who::Caller, &mut c, 3)
        .interrupt(Who::Agent, &mut a, 1.5, 2)
        .pause(0.6)
        .turn(Who::Caller, &mut c, 2)
        .dead_air(6.5)
        .turn(Who::Agent, &mut a, 2)
        .hold(35.0, None)
        .turn(Who::Agent, &mut a, 6)
        .pause(0.9)
        .turn(Who::Caller, &mut c, 2)
        .pause(0.6)
        .turn(Who::Agent, &mut a, 3)
        .finish(1.5, [-62.0, -62.0], None)
}

/// `x` at 16 kHz as the recorder stores it: 48 kHz mono f32 (linear interpolation).
fn write_recording(path: &Path, x: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: DEVICE_RATE,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let k = (DEVICE_RATE / RATE) as usize;
    for (i, &v) in x.iter().enumerate() {
        let next = x.get(i + 1).copied().unwrap_or(v);
        for j in 0..k {
            w.write_sample(v + (next - v) * j as f32 / k as f32).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// A session folder in `data/sessions/ID`, as the pipeline leaves it after a call:
/// session.json (summary, cues, conversation and its events), frames.csv with both talk
/// lanes, audio.wav.
fn store_session(data: &Path, work: &Path) -> PathBuf {
    let call = build_call(work);
    let (agent_wav, caller_wav) = (work.join("agent.wav"), work.join("caller.wav"));
    calls::write_wav(&agent_wav, &call.agent);
    calls::write_wav(&caller_wav, &call.caller);
    let dir = data.join("sessions").join(ID);
    std::fs::create_dir_all(&dir).unwrap();
    let mut conversation = Conversation::new();
    let mut coach = Coach::new(Lang::Zh, None);
    let mut csv = format!("{}\n", frames::HEADER);
    let (mut cues, mut last_cue) = (Vec::new(), None);
    let (_, summaries) = analyse_call(
        CallSides::Files { agent: &agent_wav, caller: &caller_wav },
        AnalyserConfig::new,
        |agent, caller| {
            conversation.push(agent, caller);
            let live = conversation.live();
            coach.set_conversation(Some(live));
            let state = *coach.push(agent);
            if state.cue != last_cue {
                if let Some(cue) = state.cue {
                    cues.push(serde_json::json!({"time_s": agent.time_s, "cue": cue}));
                }
                last_cue = state.cue;
            }
            let talk = Talk { agent: live.agent_talking, caller: Some(live.caller_talking) };
            let mut row = Vec::new();
            frames::write_row(&mut row, agent, &state, talk).unwrap();
            csv.push_str(std::str::from_utf8(&row).unwrap());
            live.floor()
        },
        |_, _| {},
    )
    .unwrap();
    conversation.finish();
    let meta = serde_json::json!({
        "id": ID,
        "started_unix_s": ID.parse::<u64>().unwrap(),
        "ended_unix_s": ID.parse::<u64>().unwrap() + call.truth.duration_s.ceil() as u64,
        "source": "Headset microphone",
        "kind": "call",
        "lang": "zh",
        "recording": true,
        "summary": summaries.agent.with_lang(Lang::Zh),
        "cues": cues,
        "conversation": conversation.summary(),
        "conversation_events": conversation.events(),
    });
    std::fs::write(dir.join("session.json"), meta.to_string()).unwrap();
    std::fs::write(dir.join("frames.csv"), csv).unwrap();
    write_recording(&dir.join("audio.wav"), &call.agent);
    dir
}

/// Runs `speech-coach report ID --json --lang LANG --html OUT` and returns the JSON.
fn report(data: &Path, config: &Path, lang: &str, html: &Path) -> serde_json::Value {
    let out = binary()
        .env("SPEECH_COACH_DATA_DIR", data)
        .env("SPEECH_COACH_CONFIG_DIR", config)
        .args(["report", ID, "--json", "--lang", lang, "--html", path_str(html)])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Headless Chromium, as root in a container: no sandbox, no GPU, nothing fetched, a
/// fresh profile.
fn chromium(profile: &Path) -> Command {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Appended to a copy of the page: each `<audio>`'s duration (or its error) is written
/// into the DOM once every one has loaded its metadata or failed.
const PROBE: &str = r#"<script>
const audios = [...document.querySelectorAll('audio')];
const found = audios.map(() => 'pending');
let left = audios.length;
const settle = (i, v) => {
  if (found[i] !== 'pending') return;
  found[i] = v;
  if (--left === 0) {
    const pre = document.createElement('pre');
    pre.id = 'durations';
    pre.textContent = JSON.stringify(found);
    document.body.appendChild(pre);
  }
};
audios.forEach((a, i) => {
  a.addEventListener('loadedmetadata', () => settle(i, a.duration));
  a.addEventListener('error', () => settle(i, 'error ' + (a.error ? a.error.code : '?')));
  if (a.readyState >= 1) settle(i, a.duration);
  a.load();
});
</script>"#;

/// The durations the browser reports for the page's `<audio>` elements.
fn audio_durations_in_browser(page: &Path, work: &Path) -> Vec<serde_json::Value> {
    let probe = work.join(format!("probe-{}", page.file_name().unwrap().to_string_lossy()));
    let html = std::fs::read_to_string(page).unwrap();
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    // Media metadata arrives asynchronously: try a few times with a growing budget.
    for budget_ms in [5_000, 15_000, 30_000] {
        let profile = work.join(format!("chromium-profile-{budget_ms}"));
        let _ = std::fs::remove_dir_all(&profile);
        let out = chromium(&profile)
            .arg(format!("--virtual-time-budget={budget_ms}"))
            .arg("--dump-dom")
            .arg(format!("file://{}", probe.display()))
            .output()
            .expect("cannot run chromium (make test installs it: apt-get install chromium)");
        let dom = String::from_utf8_lossy(&out.stdout);
        if let Some(start) = dom.find(r#"<pre id="durations">"#) {
            let rest = &dom[start + r#"<pre id="durations">"#.len()..];
            let json = &rest[..rest.find("</pre>").unwrap()];
            return serde_json::from_str(json).unwrap();
        }
        eprintln!(
            "no durations after {budget_ms} ms of virtual time; stderr: {}",
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        );
    }
    panic!("the browser never reported the replays' durations for {}", page.display());
}

#[test]
fn the_html_report_of_a_recorded_call_plays_its_replays_in_a_real_browser() {
    let _cpu = common::cpu_bound();
    let work = scratch("report-browser");
    let (data, config) = (work.join("data"), work.join("config"));
    std::fs::create_dir_all(&config).unwrap();
    store_session(&data, &work);

    let (en_html, zh_html) = (work.join("report-en.html"), work.join("report-zh.html"));
    let en = report(&data, &config, "en", &en_html);
    let zh = report(&data, &config, "zh", &zh_html);

    // The conversation as scripted: one interruption by the agent, one hold past 30 s.
    let c = &en["conversation"];
    assert_eq!(c["agent_interruptions"], 1, "{c}");
    assert_eq!(c["holds_over_limit"], 1, "{c}");
    let hold = c["holds"][0]["duration_s"].as_f64().unwrap();
    assert!((hold - 35.0).abs() < 1.5, "hold {hold}");
    assert!(c["lanes"]["agent"].as_array().unwrap().len() >= 5, "{}", c["lanes"]);
    assert!(c["lanes"]["caller"].as_array().unwrap().len() >= 3, "{}", c["lanes"]);
    // The interruption and the long hold among the moments (at most three: a third, the
    // fastest 20 s, is chosen only where its replay overlaps neither), and tips tied to
    // them.
    let moments = en["moments"].as_array().unwrap();
    assert!((2..=3).contains(&moments.len()), "{moments:?}");
    let n = moments.len();
    let kinds: Vec<&str> = moments.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"interruption") && kinds.contains(&"long_hold"), "{kinds:?}");
    assert!(!en["tips"].as_array().unwrap().is_empty());
    assert_eq!(en["moments"], zh["moments"], "the moments do not depend on the language");
    assert!(en["title"].as_str().unwrap().ends_with(" min"), "{}", en["title"]);
    assert!(zh["title"].as_str().unwrap().ends_with(" 分钟"), "{}", zh["title"]);

    for (page, words, foreign) in [
        (&en_html, ["Call report", "Moments worth a replay", "Who talked", "over 30 s"], "字/分钟"),
        (&zh_html, ["通话报告", "值得回放的时刻", "谁在说话", "超过 30 秒"], "chars/min"),
    ] {
        let html = std::fs::read_to_string(page).unwrap();
        for w in words {
            assert!(html.contains(w), "{w} in {}", page.display());
        }
        assert!(!html.contains(foreign) && !html.contains("TooFast") && !html.contains("syl/min"));
        // Self-contained: nothing fetched, no script; the replays are data: URIs.
        assert!(
            !html.contains("http://") && !html.contains("https://") && !html.contains("<script")
        );
        assert_eq!(html.matches("<audio").count(), n);
        assert_eq!(html.matches(r#"src="data:audio/wav;base64,"#).count(), n);
        // The timeline and three plots.
        assert_eq!(html.matches("<svg").count(), 4);

        let durations = audio_durations_in_browser(page, &work);
        println!("{}: durations {durations:?}", page.display());
        assert_eq!(durations.len(), n, "{durations:?}");
        for (d, m) in durations.iter().zip(moments) {
            let d = d.as_f64().unwrap_or_else(|| panic!("an <audio> failed: {d}"));
            // Each replay is 20 s of the recording, cut where the moment is (±0.1 s: the
            // resampler's flush and whole samples).
            let expected = m["length_s"].as_f64().unwrap();
            assert!(d.is_finite() && (d - expected).abs() < 0.1, "{d} vs {expected}");
        }
    }
}
