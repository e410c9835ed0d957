//! When a call starts and ends, from who is talking hop by hop: a session is a call, not
//! a run of the window.
//!
//! A call starts when the caller's side carries speech for [`START_TALK_S`] (a click of
//! the line or one "嗯" does not start one), or the agent's when no caller source is
//! heard; it is dated [`PRE_ROLL_S`] before that talk began, so the first word is whole in
//! the recording, and so is the agent's greeting just before ([`GREETING_S`]). It ends after [`END_SILENCE_S`] with neither side talking, and is then
//! cut [`TAIL_S`] after the last talk: the minute of silence that proved the call over is
//! not part of it. A hold (the key) keeps the call open however long it lasts. A click or
//! `listen --session` starts and ends calls by hand; after an end, the next call needs new
//! talk to begin (the caller still saying goodbye does not open another).

/// Neither side talking this long ends a call (issue 11).
pub const END_SILENCE_S: f64 = 60.0;
/// Talk that starts a call, without a break: longer than a back-channel (< 0.4 s).
pub const START_TALK_S: f64 = 0.5;
/// A call's recording starts this long before the talk that started it.
pub const PRE_ROLL_S: f64 = 1.0;
/// The agent's talk this shortly before the caller's first words belongs to the call: the
/// greeting ("您好，这里是……热线") comes before the caller says anything.
pub const GREETING_S: f64 = 10.0;
/// Gaps shorter than this keep the agent's talk one stretch (the greeting's own pauses).
const STRETCH_GAP_S: f64 = 2.0;
/// The furthest back a call can start: the pipeline keeps this much history.
pub const MAX_LOOKBACK_S: f64 = GREETING_S + START_TALK_S + PRE_ROLL_S + STRETCH_GAP_S;
/// A call that ends by silence keeps this much after its last talk.
pub const TAIL_S: f64 = 2.0;

/// Who talks at a hop, as the conversation counts it; `caller` is `None` when the
/// caller's side is not heard (then the agent's talk bounds calls).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TalkHop {
    pub time_s: f64,
    pub agent: bool,
    pub caller: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallEvent {
    /// A call starts at this stream time (in the past: the pre-roll).
    Started { at_s: f64 },
    /// The call ends at this stream time (in the past when it ended by silence).
    Ended { at_s: f64, by: CallEnd },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEnd {
    Silence,
    /// The "end call" click.
    Hand,
    /// The app closed or `listen` stopped.
    Closed,
    /// The process ended without closing it (killed, crashed, power lost); closed by the
    /// next start (`session::repair`) from what was on disk.
    Interrupted,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    last_talk_s: f64,
}

#[derive(Debug, Clone, Default)]
pub struct CallBounds {
    call: Option<Open>,
    /// Start of the starting side's current run of talk.
    run_from: Option<f64>,
    /// The agent's latest stretch of talk (gaps under `STRETCH_GAP_S`): start and last hop.
    agent_stretch: Option<(f64, f64)>,
    /// The starting side has been silent since the last call ended (or never talked).
    armed: bool,
    held: bool,
    /// Calls start by themselves on talk (off while a demo or rehearsal is the session).
    automatic: bool,
    newest_s: f64,
}

impl CallBounds {
    /// `automatic`: calls start on talk and end on silence; otherwise only by hand (a demo
    /// or a rehearsal is one session from start to stop).
    pub fn new(automatic: bool) -> Self {
        Self { armed: true, automatic, ..Self::default() }
    }

    pub fn in_call(&self) -> bool {
        self.call.is_some()
    }

    /// One hop of talk; says when a call starts or ends here.
    pub fn push(&mut self, hop: TalkHop) -> Option<CallEvent> {
        self.newest_s = hop.time_s;
        let starter = hop.caller.unwrap_or(hop.agent);
        let anyone = hop.agent || hop.caller == Some(true);
        self.run_from = if starter { Some(self.run_from.unwrap_or(hop.time_s)) } else { None };
        if hop.agent {
            self.agent_stretch = match self.agent_stretch {
                Some((from, last)) if hop.time_s - last < STRETCH_GAP_S => Some((from, hop.time_s)),
                _ => Some((hop.time_s, hop.time_s)),
            };
        }
        if !starter {
            self.armed = true;
        }
        if let Some(open) = self.call.as_mut() {
            if anyone || self.held {
                open.last_talk_s = hop.time_s;
                return None;
            }
            if self.automatic && hop.time_s - open.last_talk_s >= END_SILENCE_S {
                let at_s = open.last_talk_s + TAIL_S;
                self.call = None;
                return Some(CallEvent::Ended { at_s, by: CallEnd::Silence });
            }
            return None;
        }
        let from = self.run_from?;
        if self.automatic && self.armed && hop.time_s - from >= START_TALK_S {
            self.call = Some(Open { last_talk_s: hop.time_s });
            // The caller's side starts the call; the agent's greeting just before is in it.
            let greeting = self
                .agent_stretch
                .filter(|&(_, last)| hop.caller.is_some() && from - last <= GREETING_S)
                .map_or(from, |(start, _)| start.max(from - GREETING_S));
            let at_s = (greeting.min(from) - PRE_ROLL_S).max(0.0);
            return Some(CallEvent::Started { at_s });
        }
        None
    }

    /// The "start call" click: a call from now, unless one is open.
    pub fn start_now(&mut self) -> Option<CallEvent> {
        if self.call.is_some() {
            return None;
        }
        self.call = Some(Open { last_talk_s: self.newest_s });
        Some(CallEvent::Started { at_s: self.newest_s })
    }

    /// The "end call" click, or the app closing: the call ends now.
    pub fn end_now(&mut self, by: CallEnd) -> Option<CallEvent> {
        self.call.take()?;
        // Whoever is talking now belongs to the call just ended.
        self.armed = self.run_from.is_none();
        // The newest hop is in the call: it ends where that hop does.
        Some(CallEvent::Ended { at_s: self.newest_s + crate::analysis::HOP_S, by })
    }

    /// The hold key: while held, the call stays open whatever the silence.
    pub fn set_hold(&mut self, on: bool) {
        self.held = on;
        if let Some(open) = self.call.as_mut() {
            open.last_talk_s = open.last_talk_s.max(self.newest_s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `seconds` of hops from `from_s`, `agent`/`caller` talking; returns the events.
    fn run(
        b: &mut CallBounds,
        from_s: f64,
        seconds: f64,
        agent: bool,
        caller: Option<bool>,
    ) -> Vec<CallEvent> {
        let hops = (seconds * 100.0).round() as u64;
        (0..hops)
            .filter_map(|h| b.push(TalkHop { time_s: from_s + h as f64 / 100.0, agent, caller }))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.011
    }

    #[test]
    fn a_call_starts_on_the_callers_talk_with_its_pre_roll_and_ends_after_a_silent_minute() {
        let mut b = CallBounds::new(true);
        assert!(run(&mut b, 0.0, 5.0, false, Some(false)).is_empty());
        // The agent alone (a colleague at the desk) does not start a call.
        assert!(run(&mut b, 5.0, 3.0, true, Some(false)).is_empty());
        assert!(run(&mut b, 8.0, 12.0, false, Some(false)).is_empty());
        let e = run(&mut b, 20.0, 2.0, false, Some(true));
        let [CallEvent::Started { at_s }] = e[..] else { panic!("{e:?}") };
        assert!(close(at_s, 20.0 - PRE_ROLL_S), "{at_s}");
        assert!(run(&mut b, 22.0, 8.0, true, Some(false)).is_empty());
        // 59 s of silence: still the call.
        assert!(run(&mut b, 30.0, 59.0, false, Some(false)).is_empty());
        let e = run(&mut b, 89.0, 2.0, false, Some(false));
        let [CallEvent::Ended { at_s, by: CallEnd::Silence }] = e[..] else { panic!("{e:?}") };
        assert!(close(at_s, 29.99 + TAIL_S), "{at_s}");
        assert!(!b.in_call());
    }

    #[test]
    fn the_agents_greeting_just_before_the_callers_first_words_is_in_the_call() {
        let mut b = CallBounds::new(true);
        assert!(run(&mut b, 0.0, 20.0, false, Some(false)).is_empty());
        // "您好，……热线", in two phrases, then 1.5 s until the caller speaks.
        assert!(run(&mut b, 20.0, 1.5, true, Some(false)).is_empty());
        assert!(run(&mut b, 21.5, 0.5, false, Some(false)).is_empty());
        assert!(run(&mut b, 22.0, 1.5, true, Some(false)).is_empty());
        assert!(run(&mut b, 23.5, 1.5, false, Some(false)).is_empty());
        let e = run(&mut b, 25.0, 1.0, false, Some(true));
        let [CallEvent::Started { at_s }] = e[..] else { panic!("{e:?}") };
        assert!(close(at_s, 20.0 - PRE_ROLL_S), "{at_s}");
        // Agent talk long before the caller is not part of the call.
        let mut b = CallBounds::new(true);
        run(&mut b, 0.0, 2.0, true, Some(false));
        run(&mut b, 2.0, 20.0, false, Some(false));
        let e = run(&mut b, 22.0, 1.0, false, Some(true));
        assert!(matches!(e[..], [CallEvent::Started { at_s }] if close(at_s, 21.0)), "{e:?}");
    }

    #[test]
    fn a_back_channel_does_not_start_a_call() {
        let mut b = CallBounds::new(true);
        for k in 0..10 {
            let t = k as f64 * 2.0;
            assert!(run(&mut b, t, 0.4, false, Some(true)).is_empty());
            assert!(run(&mut b, t + 0.4, 1.6, false, Some(false)).is_empty());
        }
    }

    #[test]
    fn without_a_caller_source_the_agents_talk_bounds_the_call() {
        let mut b = CallBounds::new(true);
        let e = run(&mut b, 3.0, 1.0, true, None);
        assert!(matches!(e[..], [CallEvent::Started { .. }]), "{e:?}");
        let e = run(&mut b, 4.0, 61.0, false, None);
        assert!(matches!(e[..], [CallEvent::Ended { by: CallEnd::Silence, .. }]), "{e:?}");
    }

    #[test]
    fn a_hold_keeps_the_call_open_and_the_minute_counts_from_its_release() {
        let mut b = CallBounds::new(true);
        run(&mut b, 0.0, 1.0, false, Some(true));
        b.set_hold(true);
        assert!(run(&mut b, 1.0, 120.0, false, Some(false)).is_empty(), "a 2-minute hold");
        b.set_hold(false);
        assert!(run(&mut b, 121.0, 59.0, false, Some(false)).is_empty());
        let e = run(&mut b, 180.0, 2.0, false, Some(false));
        assert!(matches!(e[..], [CallEvent::Ended { .. }]), "{e:?}");
    }

    #[test]
    fn ending_by_hand_needs_new_talk_for_the_next_call_and_a_click_starts_one_at_once() {
        let mut b = CallBounds::new(true);
        run(&mut b, 0.0, 2.0, false, Some(true));
        let e = b.end_now(CallEnd::Hand);
        assert!(matches!(e, Some(CallEvent::Ended { by: CallEnd::Hand, .. })), "{e:?}");
        assert!(b.end_now(CallEnd::Hand).is_none(), "nothing to end");
        // The caller still talking after the click does not reopen a call...
        assert!(run(&mut b, 2.0, 3.0, false, Some(true)).is_empty());
        // ...their next turn does.
        run(&mut b, 5.0, 1.0, false, Some(false));
        assert!(matches!(
            run(&mut b, 6.0, 1.0, false, Some(true))[..],
            [CallEvent::Started { .. }]
        ));
        assert!(b.start_now().is_none(), "one call at a time");
        b.end_now(CallEnd::Hand);
        let e = b.start_now();
        assert!(matches!(e, Some(CallEvent::Started { at_s }) if close(at_s, 6.99)), "{e:?}");
    }

    #[test]
    fn by_hand_only_when_not_automatic() {
        let mut b = CallBounds::new(false);
        assert!(run(&mut b, 0.0, 10.0, true, Some(true)).is_empty());
        assert!(b.start_now().is_some());
    }
}
