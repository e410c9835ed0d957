//! Talk that follows speech on any voice (issue 20, item 4): scripted two-sided calls whose
//! agent and caller are two different Common Voice speakers of `shared/data/cv-zh` (four
//! calls from its held-out half, the result, and four from its tuning half), with the
//! agent's microphone at −45, −30 and −10 dBFS of speech. Each side's talk time must be
//! within 5 % of the script's (its sentences, cut to their speech, joined where under
//! 0.5 s apart: the energy reference), and every scripted interruption, dead air and hold
//! found, nothing invented.
//!
//! `cargo test --release --test conversation_voices -- --nocapture` prints every call.

// Needs Linux tools (sox decodes the MP3 clips and makes the test calls), which a
// Windows build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use common::calls::{self, Truth, Voice, Who, event_hits, measure, service_call};
use common::cue_line::cue_line;
use common::scratch;
use speech_coach::analysis::Lang;

/// Talk errors (agent, caller, %) and the events missed or invented (within 1 s).
fn check(name: &str, truth: &Truth, found: &calls::Measured) -> ([f64; 2], Vec<String>) {
    let mut errors = [0.0; 2];
    for (i, who) in [Who::Agent, Who::Caller].into_iter().enumerate() {
        let want = truth.talk_s(who);
        errors[i] = 100.0 * (found.talk[i] / want - 1.0);
        println!(
            "{name}: {who:?} talk {:.2} s, script {want:.2} s ({:+.1} %)",
            found.talk[i], errors[i]
        );
    }
    let problems = event_hits(truth, &found.events, 1.0)
        .into_iter()
        .filter(|&(_, hit, want, invented)| hit < want || invented > 0)
        .map(|(kind, hit, want, invented)| {
            format!("{name}: {kind}: {hit} of {want} found, {invented} not in the script")
        })
        .collect();
    (errors, problems)
}

/// Talk errors per side (%), what was missed or invented, and the cue line (seconds, line
/// changes, nudges) over the calls of one half of the voices.
fn calls_of(held_out: bool) -> (Vec<f64>, Vec<String>, (f64, usize, usize, usize)) {
    let half = if held_out { "held-out" } else { "tuning" };
    let dir = scratch(&format!("conversation-voices-{half}"));
    let speakers = calls::cv_zh_half(held_out, 5);
    assert!(speakers.len() >= 8, "{speakers:?}");
    let mut errors = Vec::new();
    let mut problems = Vec::new();
    // The cue line over every call (issue 23, item 2): (seconds, line changes, nudges,
    // cues shown under 1 s).
    let mut cues = (0.0, 0, 0, 0);
    // Four calls, each agent and caller two different voices; each at three agent levels.
    for pair in speakers.chunks(2).take(4) {
        let (agent, caller) = (&pair[0], &pair[1]);
        for level in [-45.0, -30.0, -10.0] {
            let mut a = Voice::load_at(agent, &calls::cv_zh(agent), &dir, level);
            let mut c = Voice::load_at(caller, &calls::cv_zh(caller), &dir, -30.0);
            let noise = [a.noise_dbfs, c.noise_dbfs];
            let call = service_call(&mut a, &mut c, noise);
            let name = format!("{agent}-{caller}-{}", -level as i32);
            let files = call.write(&dir, &name, false);
            let found = measure(&files.agent, &files.caller);
            let (e, p) = check(&name, &call.truth, &found);
            let line = cue_line(&files.agent, Some(&files.caller), Lang::Zh);
            let nudges = line.nudges();
            println!(
                "{name}: cue line {} changes, {} nudges in {:.0} s: {:?}",
                line.changes,
                nudges.len(),
                line.seconds,
                line.shown
            );
            let breaches = line.cooldown_breaches();
            assert!(breaches.is_empty(), "{name}: {breaches:?} in {:?}", line.shown);
            let brief = line.shown.iter().filter(|s| s.stayed < 1.0).count();
            cues = (
                cues.0 + line.seconds,
                cues.1 + line.changes,
                cues.2 + nudges.len(),
                cues.3 + brief,
            );
            errors.extend(e);
            problems.extend(p);
        }
    }
    let [bias, mean, median, p90, worst] = calls::error_spread(&errors);
    println!("{half} voices: talk errors {errors:.1?}");
    println!(
        "{half} voices: talk per side bias {bias:+.1} %, mean abs. {mean:.1} %, median \
         {median:.1} %, p90 {p90:.1} %, worst {worst:+.1} %"
    );
    println!("{}", problems.join("\n"));
    (errors, problems, cues)
}

#[test]
fn talk_follows_speech_on_every_voice_and_level() {
    let _cpu = common::cpu_bound();
    let (mut errors, mut problems, mut cues) = calls_of(true);
    // Issue 20's goal is 5 %, on the held-out voices. Measured: worst −2.2 %, bias −0.6 %
    // (before the talk lanes kept the quiet edges of a run, `conversation::spurts`: worst
    // −4.1 %, bias −2.0 %; before the script's sentences also lost their record-button
    // clicks, worst −5.8 %); every event found, none invented.
    assert!(errors.iter().all(|e| e.abs() <= 5.0), "held-out talk errors {errors:.1?}");
    // The tuning half, where the quiet edges' 0.3 s was chosen, holds the same goal:
    // measured worst −4.5 %, bias −0.1 % (before the quiet edges −5.0 / −0.9 %).
    let (e, p, c) = calls_of(false);
    assert!(e.iter().all(|e| e.abs() <= 5.0), "tuning talk errors {e:.1?}");
    errors.extend(e);
    problems.extend(p);
    cues = (cues.0 + c.0, cues.1 + c.1, cues.2 + c.2, cues.3 + c.3);
    let per_min = |n: usize| n as f64 * 60.0 / cues.0;
    println!(
        "cue line over {:.0} s of calls: {:.1} changes and {:.1} nudges a minute, {} cues \
         shown under 1 s",
        cues.0,
        per_min(cues.1),
        per_min(cues.2),
        cues.3
    );
    // Measured 3.8 line changes and 1.0 nudges a minute on both halves (11.8 and 2.2 on
    // the held-out half before the cue model of issue 23), and 8 cues on the line for
    // under 1 s, each a nudge a headset alarm took over. Before moments of the call showed
    // at once and a nudge's hold counted while it was not the most urgent: 4.6 and 1.2 a
    // minute, 34 cues under 1 s (dead air shown 0–0.6 s as the agent answered).
    assert!(per_min(cues.1) <= 5.0 && per_min(cues.2) <= 1.5, "{cues:?}");
    assert!(cues.3 <= 12, "{cues:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
