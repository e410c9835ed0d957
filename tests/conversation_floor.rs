//! A call-centre floor (issue 20, item 5): what a headset microphone really hears. The
//! agent close, and far under them three neighbouring agents talking on and on (three
//! more Common Voice speakers, at 30, 20, 15, 12 and 10 dB under the agent's speech), office noise
//! 30 dB under, and the caller's voice leaking from the earpiece 30 dB under and 20 ms late;
//! the caller on a phone line (300–3400 Hz, 8 kHz G.711 µ-law) with street noise 20 dB
//! under their voice. Agent, caller and neighbours are five different voices, once from
//! the held-out half (the result) and once from the tuning half.
//!
//! Measured per neighbour level against the script: talk per side, interruptions, dead air
//! and holds (within 1 s), and the agent's pace against the same call without the floor.
//! `cargo test --release --test conversation_floor -- --nocapture` prints the table that
//! README quotes. The assertions hold the levels where the floor is handled today and pin
//! the rest at today's figures, so a change for better or worse shows here.

// Needs Linux tools (sox decodes the MP3 clips and makes the phone line), which a
// Windows build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use common::calls::{
    self, Voice, Who, db_to_gain, event_hits, measure, read_wav, service_call, write_wav,
};
use common::cue_line::cue_line;
use common::{path_str, run, scratch};
use speech_coach::analysis::Lang;

const AGENT_DBFS: f32 = -30.0;
const CALLER_DBFS: f32 = -30.0;

/// Deterministic white noise at `dbfs` RMS.
fn noise(n: usize, dbfs: f32, seed: u32) -> Vec<f32> {
    let a = db_to_gain(dbfs) * 3f32.sqrt();
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            a * ((state >> 8) as f32 / (1u32 << 23) as f32 - 1.0)
        })
        .collect()
}

/// A floor row: neighbours `under` dB under the agent; agent and caller talk error (%);
/// per kind of event (kind, found, scripted, invented); all invented; the agent's pace
/// against the agent alone (%), through the library as `analyze --stereo` runs it and
/// through the live app's analyser thread work (`AnalyserWorker`).
type Row = (f32, f64, f64, Vec<(&'static str, usize, usize, usize)>, usize, f64, f64);

/// The agent's pace (syllables a minute) through the live app's worker.
fn live_pace(agent: &std::path::Path, caller: &std::path::Path) -> f64 {
    let line = cue_line(agent, Some(caller), Lang::Zh);
    line.agent.and_then(|s| s.syllables_per_min).expect("the agent spoke") as f64
}

/// The floor's table for one half of the voices (five of them: agent, caller and three
/// neighbours).
fn floor_of(held_out: bool) -> Vec<Row> {
    let half = if held_out { "held-out" } else { "tuning" };
    let dir = scratch(&format!("conversation-floor-{half}"));
    let voices = calls::cv_zh_half(held_out, 5);
    assert!(voices.len() >= 5);
    println!("{half} voices:");
    let load = |who: &str, dbfs: f32| Voice::load_at(who, &calls::cv_zh(who), &dir, dbfs);
    let (mut a, mut c) = (load(&voices[0], AGENT_DBFS), load(&voices[1], CALLER_DBFS));
    let call = service_call(&mut a, &mut c, [-75.0, -75.0]);
    let n = call.agent.len();
    let rate = calls::RATE as usize;

    // The caller's side: street noise 20 dB under, then the phone line.
    let mut caller = call.caller.clone();
    caller.iter_mut().zip(noise(n, CALLER_DBFS - 20.0, 5)).for_each(|(v, z)| *v += z);
    let caller_wide = dir.join("caller-wide.wav");
    let caller_line = dir.join("caller-ulaw.wav");
    let caller_file = dir.join("caller.wav");
    write_wav(&caller_wide, &caller);
    run(
        "sox",
        &[
            "-D",
            path_str(&caller_wide),
            "-r",
            "8000",
            "-e",
            "u-law",
            path_str(&caller_line),
            "sinc",
            "300-3400",
        ],
    );
    run(
        "sox",
        &["-D", path_str(&caller_line), "-e", "signed-integer", "-b", "16", path_str(&caller_file)],
    );
    // What the earpiece leaks is what the agent hears: the line, back at 16 kHz.
    let heard = dir.join("caller-heard.wav");
    run("sox", &["-D", path_str(&caller_file), "-r", "16000", path_str(&heard)]);
    let heard = read_wav(&heard);

    // The agent alone, for the pace reference.
    let clean_agent = dir.join("agent-clean.wav");
    let mut quiet = call.agent.clone();
    quiet.iter_mut().zip(noise(n, AGENT_DBFS - 30.0, 9)).for_each(|(v, z)| *v += z);
    write_wav(&clean_agent, &quiet);
    let reference = measure(&clean_agent, &caller_file);
    let live_reference = live_pace(&clean_agent, &caller_file);

    let mut neighbours: Vec<Vec<f32>> = voices[2..5]
        .iter()
        .enumerate()
        .map(|(i, who)| load(who, AGENT_DBFS).babble(n as f64 / rate as f64, 31 + i as u32))
        .collect();
    // Three voices at once stand about 5 dB over one: each is set so that the three
    // together are `under` dB under the agent.
    let each_db = -10.0 * 3f32.log10();
    for v in &mut neighbours {
        v.resize(n, 0.0);
    }

    println!(
        "| neighbours under the agent | agent talk | caller talk | interruptions found (agent, caller) | invented | dead air found | holds found | agent pace vs alone | same, live |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for under in [30.0f32, 20.0, 15.0, 12.0, 10.0] {
        let mut mic = call.agent.clone();
        let g = db_to_gain(-under + each_db);
        for v in &neighbours {
            mic.iter_mut().zip(v).for_each(|(m, x)| *m += g * x);
        }
        mic.iter_mut().zip(noise(n, AGENT_DBFS - 30.0, 9)).for_each(|(v, z)| *v += z);
        // Earpiece bleed: 30 dB under, 20 ms late.
        let (lag, bleed) = (rate / 50, db_to_gain(-30.0));
        for i in lag..n.min(heard.len() + lag) {
            mic[i] += bleed * heard[i - lag];
        }
        let agent_file = dir.join(format!("agent-floor-{under}.wav"));
        write_wav(&agent_file, &mic);
        let found = measure(&agent_file, &caller_file);
        let err = |i: usize, who: Who| 100.0 * (found.talk[i] / call.truth.talk_s(who) - 1.0);
        let ev = event_hits(&call.truth, &found.events, 1.0);
        let per_min = |m: &calls::Measured| m.agent.syllables_per_min.unwrap_or(0.0) as f64;
        let pace = 100.0 * (per_min(&found) / per_min(&reference) - 1.0);
        let invented: usize = ev.iter().map(|e| e.3).sum();
        let live = 100.0 * (live_pace(&agent_file, &caller_file) / live_reference - 1.0);
        println!(
            "| {under} dB | {:+.1} % | {:+.1} % | {}/{}, {}/{} | {invented} | {}/{} | {}/{} | {pace:+.1} % | {live:+.1} % |",
            err(0, Who::Agent),
            err(1, Who::Caller),
            ev[0].1,
            ev[0].2,
            ev[1].1,
            ev[1].2,
            ev[2].1,
            ev[2].2,
            ev[3].1,
            ev[3].2,
        );
        rows.push((under, err(0, Who::Agent), err(1, Who::Caller), ev, invented, pace, live));
    }
    rows
}

/// Issue 20's goals for one row: talk per side within 8 %, every scripted event found
/// within 1 s and none invented, the agent's pace within 10 % of the agent alone.
fn meets_goals(row: &Row) -> bool {
    let (_, agent, caller, ev, invented, pace, live) = row;
    agent.abs() <= 8.0
        && caller.abs() <= 8.0
        && ev.iter().all(|e| e.1 == e.2)
        && *invented == 0
        && pace.abs() <= 10.0
        && live.abs() <= 10.0
}

#[test]
fn the_floor_at_five_neighbour_levels() {
    let _cpu = common::cpu_bound();
    // Both tables first, so that a failure still prints the other half's.
    let (held_out, tuning) = (floor_of(true), floor_of(false));
    // Measured (README's tables; pace through the library, then through the live worker):
    //   held-out voices
    //   under  agent talk  caller talk  interruptions  invented  dead air  holds  pace
    //   30 dB  −1.7 %      −4.4 %       2/2            0         2/2       1/1    +0.3 / +0.4 %
    //   20 dB  −0.8 %      −4.4 %       2/2            0         2/2       1/1    −2.0 / −2.1 %
    //   15 dB  −6.8 %      −4.4 %       2/2            0         2/2       1/1    −3.7 / −6.2 %
    //   12 dB  −9.7 %      −4.4 %       2/2            0         2/2       1/1    −10.0 / +8.1 %
    //   10 dB  +79.3 %     −4.4 %       1/2            8         0/2       0/1    +13.0 / +14.0 %
    //   tuning-half voices
    //   30 dB  +0.5 %      −6.6 %       2/2            0         2/2       1/1    +0.9 / +0.9 %
    //   20 dB  +3.2 %      −6.6 %       2/2            0         2/2       1/1    +4.1 / +0.9 %
    //   15 dB  +5.8 %      −6.6 %       2/2            0         2/2       1/1    −2.5 / +1.7 %
    //   12 dB  +118.1 %    −6.6 %       2/2            9         0/2       0/1    +8.5 / +15.6 %
    //   10 dB  +123.3 %    −6.6 %       2/2            10        0/2       0/1    +10.3 / +12.5 %
    // Before each side learnt its background while the other talks (`dsp::own_level`):
    // held-out 15 dB +35.6 %, 3 invented, no dead air or hold; tuning 20 dB +7.6 %, one
    // interruption invented, a dead air missed, pace −20.1 %; 15 dB +82.9 %, 12 invented.
    // With the background in the library but the live worker not telling its agent
    // analyser when the caller talks, the tuning voices' live pace at 15 dB was +17.9 %.
    for (half, rows) in [("held-out", &held_out), ("tuning", &tuning)] {
        for row in rows.iter() {
            let (under, agent, caller, ev, invented, pace, live) = row;
            // The caller's side is the same at every level (nothing of the floor reaches it).
            assert!(caller.abs() <= 8.0, "{half}: caller talk {caller:+.1} % at {under} dB");
            if *under >= 15.0 {
                // Issue 20's goals, met down to neighbours 15 dB under the agent.
                assert!(
                    meets_goals(row),
                    "{half}: at {under} dB: agent talk {agent:+.1} %, {ev:?}, {invented} \
                     invented, pace {pace:+.1} % ({live:+.1} % live)"
                );
            } else {
                // 12 and 10 dB under: the neighbours pass for the agent (where it stops).
                // Pinned so that a change for better or worse shows here.
                assert!(agent.abs() <= 150.0, "{half}: agent talk {agent:+.1} % at {under} dB");
                assert!(*invented <= 12, "{half}: {ev:?} at {under} dB");
            }
        }
    }
}
