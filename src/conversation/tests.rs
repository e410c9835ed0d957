//! The conversation rules on synthetic frame streams: each side talks in scripted stretches
//! at a scripted level, and the frames carry what the analyser would say (speech with its
//! 0.2 s hangover, the hop's level, a pitch while talking). Times are in seconds.

use super::*;
use crate::dsp::vad::HANGOVER_FRAMES;

/// Level of a quiet line between words.
const NOISE_DBFS: f32 = -70.0;

/// What one side's channel carries.
#[derive(Debug, Clone, Default)]
struct Channel {
    /// Own speech: (start, end, level dBFS, pitch Hz).
    talk: Vec<(f64, f64, f32, f32)>,
}

impl Channel {
    fn says(mut self, start: f64, end: f64) -> Self {
        self.talk.push((start, end, -20.0, 150.0));
        self
    }
    fn says_at(mut self, start: f64, end: f64, level_dbfs: f32, f0_hz: f32) -> Self {
        self.talk.push((start, end, level_dbfs, f0_hz));
        self
    }

    fn frame(&self, hop: u64) -> Frame {
        let t = hop as f64 / 100.0;
        let h = HANGOVER_FRAMES as f64 / 100.0;
        let mut f = Frame { time_s: t, level_dbfs: NOISE_DBFS, ..Frame::default() };
        for &(start, end, level, f0) in &self.talk {
            // Hops are compared in whole hops so that 0.6 s is exactly 60 of them.
            let (s, e) = ((start * 100.0).round() as u64, (end * 100.0).round() as u64);
            if hop >= s && hop < e {
                f.level_dbfs = f.level_dbfs.max(level);
                f.f0_hz = f0;
                f.speech = true;
            } else if hop >= e && (hop as f64) < (end + h) * 100.0 - 0.5 {
                f.speech = true;
            }
        }
        f
    }
}

/// Runs a call of `seconds` through a `Conversation` and finishes it.
fn call(agent: &Channel, caller: &Channel, seconds: f64) -> Conversation {
    let mut c = Conversation::new();
    for hop in 0..(seconds * 100.0).round() as u64 {
        c.push(&agent.frame(hop), &caller.frame(hop));
    }
    c.finish();
    c
}

fn kinds(c: &Conversation, kind: EventKind) -> Vec<(f64, f32)> {
    c.events().iter().filter(|e| e.kind == kind).map(|e| (e.time_s, e.duration_s)).collect()
}

fn close(a: f64, b: f64) -> bool {
    // Times are whole hops: anything within a thousandth of a second is the same hop.
    (a - b).abs() < 1e-3
}

#[test]
fn talk_time_is_the_speech_without_its_hangover_and_the_share_follows() {
    let agent = Channel::default().says(1.0, 11.0).says(17.0, 20.0);
    let caller = Channel::default().says(12.0, 16.0);
    let s = call(&agent, &caller, 25.0).summary();
    assert!(close(s.agent_talk_s, 13.0) && close(s.caller_talk_s, 4.0), "{s:?}");
    assert!((s.agent_talk_share.unwrap() - 13.0 / 17.0).abs() < 1e-6);
    assert_eq!((s.agent_spurts, s.caller_spurts), (2, 1));
    assert_eq!(s.overlap_s, 0.0);
    // The agent answered the caller after 1 s.
    assert_eq!((s.response_gaps, s.response_gap_median_s), (1, Some(1.0)));
}

#[test]
fn the_agent_talking_over_the_caller_for_six_tenths_of_a_second_is_an_interruption() {
    let caller = Channel::default().says(1.0, 8.0);
    let c = call(&Channel::default().says(4.0, 4.6).says(10.0, 12.0), &caller, 15.0);
    assert_eq!(kinds(&c, EventKind::AgentInterruption), vec![(4.0, 0.6)]);
    assert_eq!(c.summary().agent_interruptions, 1);
    assert!(close(c.summary().overlap_s, 0.6));
    let c = call(&Channel::default().says(4.0, 4.59).says(10.0, 12.0), &caller, 15.0);
    assert_eq!(kinds(&c, EventKind::AgentInterruption), vec![]);
}

#[test]
fn the_live_view_names_the_latest_interruption_while_it_goes_on() {
    let agent = Channel::default().says(4.0, 9.0);
    let caller = Channel::default().says(1.0, 6.0);
    let mut c = Conversation::new();
    let mut seen_at = None;
    for hop in 0..1000 {
        c.push(&agent.frame(hop), &caller.frame(hop));
        let live = c.live();
        if let (None, Some(at)) = (seen_at, live.interrupted_at_s) {
            seen_at = Some((live.time_s, at));
            assert!(live.agent_talking && live.caller_talking);
        }
    }
    // Confirmed 0.6 s into the overlap once the hangover has passed: 0.8 s after it began.
    let (when, at) = seen_at.expect("the interruption is shown");
    assert!(close(at, 4.0) && close(when, 4.79), "{when} {at}");
    c.finish();
    assert_eq!(kinds(&c, EventKind::AgentInterruption), vec![(4.0, 2.0)]);
}

#[test]
fn the_caller_talking_over_the_agent_is_a_caller_interruption() {
    let agent = Channel::default().says(1.0, 10.0);
    let caller = Channel::default().says(5.0, 6.5).says(6.9, 7.2);
    let c = call(&agent, &caller, 12.0);
    // 5.0–6.5 and 6.9–7.2 are one spurt (a 0.4 s gap) and overlap the agent throughout.
    assert_eq!(kinds(&c, EventKind::CallerInterruption), vec![(5.0, 2.2)]);
    assert_eq!(kinds(&c, EventKind::AgentInterruption), vec![]);
}

#[test]
fn back_channels_shorter_than_the_threshold_are_not_interruptions() {
    let agent = Channel::default().says(1.0, 20.0);
    let caller = Channel::default().says(3.0, 3.3).says(8.0, 8.4).says(12.0, 12.59);
    let c = call(&agent, &caller, 22.0);
    assert_eq!(c.summary().caller_interruptions, 0);
    assert!(close(c.summary().caller_talk_s, 0.3 + 0.4 + 0.59));
    // ...and the agent talked on through them: one monologue.
    assert!(close(c.summary().longest_agent_monologue_s as f64, 19.0));
}

#[test]
fn starting_with_the_other_side_is_not_an_interruption() {
    let agent = Channel::default().says(1.19, 5.0);
    let caller = Channel::default().says(1.0, 5.0);
    assert_eq!(call(&agent, &caller, 8.0).summary().agent_interruptions, 0);
    let agent = Channel::default().says(1.2, 5.0);
    assert_eq!(call(&agent, &caller, 8.0).summary().agent_interruptions, 1);
}

#[test]
fn five_seconds_of_silence_between_words_is_dead_air_and_less_is_not() {
    let agent = Channel::default().says(1.0, 3.0);
    let c = call(&agent, &Channel::default().says(8.0, 9.0), 10.0);
    assert_eq!(kinds(&c, EventKind::DeadAir), vec![(3.0, 5.0)]);
    let s = c.summary();
    assert_eq!((s.dead_air_count, s.longest_dead_air_s), (1, 5.0));
    let c = call(&agent, &Channel::default().says(7.99, 9.0), 10.0);
    assert_eq!(kinds(&c, EventKind::DeadAir), vec![]);
}

#[test]
fn silence_before_the_first_word_and_after_the_last_is_not_dead_air() {
    let c = call(&Channel::default().says(8.0, 10.0), &Channel::default().says(10.5, 12.0), 30.0);
    assert_eq!(c.summary().dead_air_count, 0);
    assert!(c.summary().holds.is_empty());
}

#[test]
fn ten_seconds_of_silence_is_a_hold_with_its_length_and_the_timer_warns_then_alarms() {
    let agent = Channel::default().says(1.0, 3.0).says(38.0, 40.0);
    let caller = Channel::default().says(3.5, 5.0);
    let mut c = Conversation::new();
    let mut alerts = Vec::new();
    for hop in 0..4200 {
        c.push(&agent.frame(hop), &caller.frame(hop));
        let live = c.live();
        if alerts.last().is_none_or(|&(_, a)| a != live.hold_alert) {
            alerts.push((live.time_s, live.hold_alert));
        }
        if hop == 1000 {
            assert!(live.dead_air && live.hold_s.is_none() && close(live.silence_s as f64, 5.01));
        }
        if hop == 1600 {
            assert!(!live.dead_air && close(live.hold_s.unwrap() as f64, 11.01));
        }
    }
    c.finish();
    // The silence runs from 5.0 to 38.0: warn once 25 s are complete (the hop at 29.99
    // ends at 30.0), alarm at 35.0, over when the agent speaks at 38.0.
    let expected = [HoldAlert::None, HoldAlert::Warn, HoldAlert::Alarm, HoldAlert::None];
    assert_eq!(alerts.iter().map(|&(_, a)| a).collect::<Vec<_>>(), expected);
    let times: Vec<f64> = alerts.iter().map(|&(t, _)| t).collect();
    assert!(
        close(times[1], 29.99) && close(times[2], 34.99) && close(times[3], 38.0),
        "{alerts:?}"
    );
    let s = c.summary();
    assert_eq!(s.holds, vec![Hold { start_s: 5.0, duration_s: 33.0, source: HoldSource::Silence }]);
    assert_eq!((s.dead_air_count, s.longest_hold_s), (0, 33.0));
    assert_eq!(kinds(&c, EventKind::Hold), vec![(5.0, 33.0)]);
    // The agent came back from the hold: that is no response gap to the caller.
    assert_eq!(s.response_gaps, 0);
}

#[test]
fn the_hold_key_dates_from_the_silence_it_was_pressed_in_and_hides_dead_air() {
    let agent = Channel::default().says(1.0, 3.0).says(9.0, 10.0).says(20.0, 21.0);
    let caller = Channel::default().says(3.5, 5.0);
    let mut c = Conversation::new();
    for hop in 0..2300 {
        if hop == 600 {
            c.set_hold(true);
        }
        if hop == 1900 {
            c.set_hold(false);
        }
        c.push(&agent.frame(hop), &caller.frame(hop));
    }
    c.finish();
    let s = c.summary();
    // Pressed at 6.0, one second into the silence after the caller's 5.0; released at 19.0.
    assert_eq!(s.holds, vec![Hold { start_s: 5.0, duration_s: 14.0, source: HoldSource::Key }]);
    // The 10.0–20.0 silence touched the key hold: no dead air, no second hold.
    assert_eq!((s.dead_air_count, s.holds.len()), (0, 1));
}

#[test]
fn a_key_left_down_at_the_end_of_the_call_is_a_hold_to_the_end() {
    let mut c = Conversation::new();
    let agent = Channel::default().says(1.0, 2.0);
    for hop in 0..1000 {
        if hop == 300 {
            c.set_hold(true);
        }
        c.push(&agent.frame(hop), &Channel::default().frame(hop));
    }
    assert!(close(c.live().hold_s.unwrap() as f64, 8.0));
    c.finish();
    assert_eq!(
        c.summary().holds,
        vec![Hold { start_s: 2.0, duration_s: 8.0, source: HoldSource::Key }]
    );
}

/// The agent's microphone during the caller's talk: the caller's voice `down` dB under
/// their level in the caller channel (−20 dBFS), flagged as speech by the agent's VAD.
fn bleed(agent: Channel, caller_talk: &[(f64, f64)], down: f32) -> Channel {
    caller_talk.iter().fold(agent, |a, &(s, e)| a.says_at(s, e, -20.0 - down, 120.0))
}

#[test]
fn the_caller_heard_faintly_on_the_agents_microphone_is_not_the_agent_talking() {
    let caller_talk = [(6.0, 12.0), (14.0, 20.0)];
    let caller = Channel::default().says(6.0, 12.0).says(14.0, 20.0);
    let agent = bleed(Channel::default().says(1.0, 5.5).says(12.5, 13.5), &caller_talk, 25.0);
    let s = call(&agent, &caller, 22.0).summary();
    assert!(close(s.agent_talk_s, 5.5), "{s:?}");
    assert_eq!((s.overlap_s, s.agent_interruptions, s.caller_interruptions), (0.0, 0, 0));
}

#[test]
fn sound_fifteen_db_under_the_agents_own_level_is_bleed_and_less_is_the_agent() {
    // The agent's own level is the power mean of their talk hops, the hangover's quiet
    // hops included: 450 hops at −20 dBFS and 20 at −70 make −20.19 dBFS, so the line
    // lies at −35.19 dBFS, 15.19 dB under the talking level.
    let caller_talk = [(6.0, 12.0)];
    let caller = Channel::default().says(6.0, 12.0);
    let agent = Channel::default().says(1.0, 5.5);
    let s = call(&bleed(agent.clone(), &caller_talk, 15.5), &caller, 14.0).summary();
    assert!(close(s.agent_talk_s, 4.5) && s.overlap_s == 0.0, "{s:?}");
    let s = call(&bleed(agent, &caller_talk, 14.5), &caller, 14.0).summary();
    // Counted once the 0.3 s window holds enough of it (26 hops at 14.5 dB under).
    assert!((5.7..=6.0).contains(&s.overlap_s), "{s:?}");
}

#[test]
fn speech_far_under_the_agents_own_level_is_a_neighbour_even_when_the_caller_is_silent() {
    // The agent at −20 dBFS, then a voice 25 dB under it with nobody on the line: another
    // agent on the floor, not this one (it counted as the agent before issue 20).
    let agent = Channel::default().says(1.0, 5.0).says_at(6.0, 8.0, -45.0, 150.0);
    let s = call(&agent, &Channel::default(), 10.0).summary();
    assert!(close(s.agent_talk_s, 4.0), "{s:?}");
    // 10 dB under is still the agent (a softer sentence), from the hop where the 0.3 s
    // window holds enough of it.
    let agent = Channel::default().says(1.0, 5.0).says_at(6.0, 8.0, -30.0, 150.0);
    let s = call(&agent, &Channel::default(), 10.0).summary();
    assert!((5.9..=6.0).contains(&s.agent_talk_s), "{s:?}");
}

#[test]
fn a_background_heard_while_the_caller_talks_raises_the_agents_line() {
    // The agent at −20 dBFS, then a neighbour for 33 s: 1.5 s at −38 dBFS (18 dB under
    // the agent) and 0.4 s at −33 (13 dB under, within the fixed 15 dB line), over and
    // over, while the caller talks and after. Learnt from the caller's talk, the
    // background (about −36 dBFS) raises the line to 9 dB under the agent: no burst is
    // the agent's talk, none interrupts the caller.
    let mut agent = Channel::default().says(1.0, 6.0);
    let mut t = 7.0;
    while t < 40.0 {
        agent = agent.says_at(t, t + 1.5, -38.0, 120.0).says_at(t + 1.5, t + 1.9, -33.0, 120.0);
        t += 1.9;
    }
    let caller = Channel::default().says(7.0, 27.0);
    let s = call(&agent, &caller, 42.0).summary();
    assert!(close(s.agent_talk_s, 5.0), "{s:?}");
    assert_eq!((s.agent_interruptions, s.overlap_s), (0, 0.0), "{s:?}");
    // With nobody on the line there is no background to learn: the same bursts are the
    // agent's (a softer word of theirs looks the same by level alone).
    let s = call(&agent, &Channel::default(), 42.0).summary();
    assert!(s.agent_talk_s > 10.0, "{s:?}");
}

#[test]
fn a_quieter_headset_is_the_agent_again_after_a_minute_of_speech() {
    // 20 s of the agent at −20 dBFS, then the headset 25 dB quieter for 108 s of talk
    // (phrases of 1.8 s): cut at first (far under the learnt level), counted again once
    // the level has followed, after about 70 s of the quieter speech.
    let mut agent = Channel::default().says(1.0, 21.0);
    for i in 0..60 {
        let t = 22.0 + 2.0 * i as f64;
        agent = agent.says_at(t, t + 1.8, -45.0, 150.0);
    }
    let s = call(&agent, &Channel::default(), 144.0).summary();
    // 20 s loud + the last part of the 108 s quiet; all of it would be 128 s.
    assert!(s.agent_talk_s > 35.0 && s.agent_talk_s < 100.0, "{s:?}");
}

#[test]
fn faint_music_on_the_callers_line_is_a_hold_not_the_caller_talking() {
    let agent = Channel::default().says(1.0, 4.0).says(27.0, 30.0);
    // the caller's VAD calls the music speech; it is 30 dB under the caller's voice
    let caller = Channel::default().says(4.5, 8.0).says_at(8.5, 26.5, -50.0, 220.0);
    let s = call(&agent, &caller, 32.0).summary();
    assert!(close(s.caller_talk_s, 3.5), "{s:?}");
    assert_eq!(s.holds, vec![Hold { start_s: 8.0, duration_s: 19.0, source: HoldSource::Silence }]);
}

#[test]
fn the_longest_monologue_spans_the_agents_talk_until_the_caller_takes_a_turn() {
    let agent = Channel::default().says(1.0, 10.0).says(11.0, 20.0).says(26.0, 30.0);
    let caller = Channel::default().says(20.5, 25.0);
    let s = call(&agent, &caller, 32.0).summary();
    assert!(close(s.longest_agent_monologue_s as f64, 19.0), "{s:?}");
}

#[test]
fn a_caller_who_gets_louder_and_higher_than_their_opening_shows_as_aroused() {
    let agent = Channel::default().says(0.5, 2.0);
    // calm for 30 s at 150 Hz, −26 dBFS; then 10 s at 190 Hz (+4.1 st), −20 dBFS (+6 dB)
    let caller =
        Channel::default().says_at(2.5, 32.0, -26.0, 150.0).says_at(32.0, 42.0, -20.0, 190.0);
    let mut c = Conversation::new();
    let mut calm_at_30 = None;
    for hop in 0..4300 {
        c.push(&agent.frame(hop), &caller.frame(hop));
        if hop == 3000 {
            calm_at_30 = c.live().caller_arousal;
        }
    }
    assert!(!calm_at_30.expect("baseline known after 20 s").aroused);
    let now = c.live().caller_arousal.unwrap();
    // The last 5 s of talk end in the 0.2 s hangover's quiet hops: 480 hops at −20 dBFS
    // and 20 at −70 are −20.18 dBFS, 5.82 dB over the baseline.
    assert!(now.aroused && (now.level_db - 5.82).abs() < 0.01, "{now:?}");
    assert!((now.pitch_st.unwrap() - 4.1).abs() < 0.1, "{now:?}");
    c.finish();
    let a = c.summary().caller_arousal.unwrap();
    assert!((a.baseline_pitch_hz.unwrap() - 150.0).abs() < 1.0 && a.aroused_s > 5.0, "{a:?}");
}

#[test]
fn pushes_after_finish_change_nothing() {
    let agent = Channel::default().says(1.0, 3.0);
    let mut c = call(&agent, &Channel::default(), 5.0);
    let before = c.summary();
    c.push(&agent.frame(600), &Channel::default().frame(600));
    assert_eq!(c.summary(), before);
}

#[test]
fn the_summary_serialises_with_the_documented_names() {
    let c = call(&Channel::default().says(1.0, 2.0), &Channel::default().says(3.0, 4.0), 5.0);
    let json = serde_json::to_value(c.summary()).unwrap();
    for key in [
        "agent_talk_s",
        "caller_talk_s",
        "agent_talk_share",
        "overlap_s",
        "agent_interruptions",
        "caller_interruptions",
        "response_gap_median_s",
        "dead_air_count",
        "longest_dead_air_s",
        "holds",
        "longest_agent_monologue_s",
    ] {
        assert!(json.get(key).is_some(), "{key} missing in {json}");
    }
    let e = ConversationEvent { time_s: 1.0, kind: EventKind::AgentInterruption, duration_s: 0.7 };
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"time_s":1.0,"kind":"agent_interruption","duration_s":0.7}"#
    );
}
