//! A call-centre floor (issue 20, item 5): what a headset microphone really hears. The
//! agent close, and far under them three neighbouring agents talking on and on (three
//! more Common Voice speakers, at 30, 20, 15, 12 and 10 dB under the agent's speech),
//! office noise 30 dB under, and the caller's voice leaking from the earpiece 30 dB under
//! and 20 ms late; the caller on a phone line (300–3400 Hz, 8 kHz G.711 µ-law) with street
//! noise 20 dB under their voice. Three floors per half of the voices, each from five
//! voices of its own (agent, caller, neighbours): the held-out half is the result, the
//! tuning half is where `dsp::own_level`'s constants were chosen.
//!
//! Measured per floor and neighbour level against the script: talk per side,
//! interruptions, dead air and holds (within 1 s), and the agent's pace against the same
//! call without the floor, through the library and through the live app's worker.
//! `cargo test --release --test tests conversation_floor:: -- --nocapture` prints every
//! floor's table and the summary that README quotes. The assertions pin how many floors
//! meet issue 20's goals at each level, so a change for better or worse shows here.

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
/// The neighbours under the agent, dB.
const LEVELS: [f32; 5] = [30.0, 20.0, 15.0, 12.0, 10.0];
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
    let summary = cue_line(agent, Some(caller), Lang::Zh).agent;
    summary.and_then(|s| s.syllables_per_min).expect("the agent spoke") as f64
}

/// Floors built per half of the voices, each from five voices of its own.
const FLOORS: usize = 3;

/// The table of one floor: the `floor`th five voices of one half (agent, caller and three
/// neighbours).
fn floor_of(held_out: bool, floor: usize) -> Vec<Row> {
    let half = if held_out { "held-out" } else { "tuning" };
    let dir = scratch(&format!("conversation-floor-{half}-{floor}"));
    let all = calls::cv_zh_half(held_out, 5);
    assert!(all.len() >= 5 * FLOORS, "{all:?}");
    let voices = &all[5 * floor..5 * floor + 5];
    println!("{half} floor {}: agent {}, caller {}", floor + 1, voices[0], voices[1]);
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
    for under in LEVELS {
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

/// Issue 20's goals for the agent's side of one row: agent talk within 8 %, every
/// scripted event found within 1 s and none invented, the agent's pace within 10 % of the
/// agent alone (through the library and through the live worker).
fn agent_meets_goals(row: &Row) -> bool {
    let (_, agent, _, ev, invented, pace, live) = row;
    agent.abs() <= 8.0
        && ev.iter().all(|e| e.1 == e.2)
        && *invented == 0
        && pace.abs() <= 10.0
        && live.abs() <= 10.0
}

#[test]
fn the_floor_at_five_neighbour_levels_on_six_floors() {
    let _cpu = common::cpu_bound();
    // Every table first, so that a failure still prints them all.
    let halves: Vec<(&str, Vec<Vec<Row>>)> = [("held-out", true), ("tuning", false)]
        .into_iter()
        .map(|(name, held_out)| (name, (0..FLOORS).map(|f| floor_of(held_out, f)).collect()))
        .collect();
    println!(
        "| voices | neighbours under the agent | floors meeting the goals | agent talk, worst | events missed | invented | pace, worst (library / live) | caller talk within 8 % |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut met = Vec::new();
    for (half, floors) in &halves {
        for (l, under) in LEVELS.iter().enumerate() {
            let rows: Vec<&Row> = floors.iter().map(|f| &f[l]).collect();
            let worst = |v: &dyn Fn(&Row) -> f64| {
                rows.iter().map(|r| v(r)).fold(0.0f64, |w, x| if x.abs() > w.abs() { x } else { w })
            };
            let missed: usize = rows.iter().flat_map(|r| r.3.iter()).map(|e| e.2 - e.1).sum();
            let invented: usize = rows.iter().map(|r| r.4).sum();
            let n = rows.iter().filter(|r| agent_meets_goals(r)).count();
            let callers = rows.iter().filter(|r| r.2.abs() <= 8.0).count();
            println!(
                "| {half} | {under} dB | {n} of {FLOORS} | {:+.1} % | {missed} | {invented} | {:+.1} / {:+.1} % | {callers} of {FLOORS} |",
                worst(&|r| r.1),
                worst(&|r| r.5),
                worst(&|r| r.6),
            );
            met.push((*half, *under, n, callers));
        }
    }
    // Measured (README's table): floors of three whose agent side meets issue 20's goals,
    // per neighbour level 30 / 20 / 15 / 12 / 10 dB: held-out 3 / 3 / 1 / 0 / 0, tuning
    // 3 / 2 / 2 / 0 / 0; the caller's talk within 8 % on 2 of 3 held-out floors (one
    // caller reads −17.4 % over the phone line at every level) and 3 of 3 tuning floors.
    // Before each side learnt its background while the other talks (`dsp::own_level`):
    // held-out 3 / 1 / 0 / 0 / 0, tuning 3 / 0 / 0 / 0 / 0 (agent talk +35.6 to +79.7 % at
    // 15 dB; at 20 dB a hold or dead air missed or an interruption invented on five of six
    // floors, pace −10 to −23 % on four). With the
    // background in the library but the live worker not telling its agent analyser when
    // the caller talks: 20 dB held on 1 held-out and 0 tuning floors (live pace −14.4 and
    // −13.7 %). With `LEVEL_CLIPS=1` (`calls::Voice::load_at`): held-out 3 / 3 / 2 / 0 / 0,
    // tuning 3 / 3 / 1 / 0 / 0, every caller within 8 %.
    let pinned = |half: &str, under: f32| match (half, under as u32) {
        (_, 30) => 3,
        ("held-out", 20) => 3,
        ("tuning", 20) | ("tuning", 15) => 2,
        ("held-out", 15) => 1,
        _ => 0,
    };
    for (half, under, n, callers) in met {
        assert!(n >= pinned(half, under), "{half}: {n} floors of {FLOORS} at {under} dB");
        // Nothing of the floor reaches the caller's side: the same at every level.
        let want = if half == "held-out" { 2 } else { 3 };
        assert!(
            callers >= want,
            "{half}: caller talk within 8 % on {callers} floors at {under} dB"
        );
    }
}
