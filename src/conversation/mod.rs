//! The conversation between agent and caller, from both sides' frames: who talks when, who
//! talks over whom, silences and holds, how the caller is doing.
//!
//! Guidance rows 7, 8 and 10 cannot be heard in the agent's voice alone: interrupting,
//! waits on hold and dead air are about the two sides together. [`Conversation`] takes one
//! 10 ms hop of each side at a time (the frames of two analysers, one per side, paired by
//! hop) and does no I/O, so the same struct runs behind the live window (microphone and
//! the softphone's playback) and behind `analyze --stereo` (two channels of a recording).
//!
//! ```text
//! agent frame  ─► own-voice test (dsp::own_level) ► talk spurts (spurts) ┬─► interruptions
//!                                                               ├─► silences: dead air, holds (+ hold key)
//! caller frame ─► faint-sound test ─────► talk spurts ──────────┼─► turns: overlap, response gaps, monologues
//!              └──────────────────────────────────────────────► arousal (caller against their opening)
//! ```
//!
//! One idea carries it: a side's talk is known at once where it starts but only 0.5 s
//! later where it ends (a spurt bridges shorter gaps, and the VAD's hangover must be taken
//! off), so ends are dated back and every event carries its true time, while the live view
//! says what is sure by now.
//!
//! [`bounds`] dates calls from the same talk hops (when one starts and ends); the
//! pipeline drives it, the session store records what it decided.

mod arousal;
pub mod bounds;
mod interruptions;
mod live;
mod silences;
mod spurts;
mod summary;
mod turns;

#[cfg(test)]
mod tests;

pub use crate::dsp::own_level::QUIETER_THAN_OWN_DB;
pub use arousal::{
    AROUSAL_BASELINE_S, AROUSED_LEVEL_DB, AROUSED_PITCH_ST, ArousalSummary, CallerArousal,
};
pub use interruptions::{INTERRUPTION_MIN_OVERLAP_S, SIMULTANEOUS_START_S};
pub use live::{HoldAlert, LiveConversation};
pub use silences::{DEAD_AIR_S, HOLD_ALARM_S, HOLD_MIN_S, HOLD_WARN_S};
pub use spurts::SPURT_BRIDGE_S;
pub use summary::{ConversationEvent, ConversationSummary, EventKind, Hold, HoldSource};
pub use turns::CALLER_TURN_MIN_S;

use crate::analysis::{Frame, hops_to_s};
use crate::dsp::own_level::{OwnLevel, RecentLevel};
use arousal::ArousalTracker;
use interruptions::{Interruption, InterruptionWatch};
use silences::{Gap, GapKind, Silences};
use spurts::{Change, SideTalk};

fn hops_s(hops: u64) -> f32 {
    hops_to_s(hops) as f32
}

/// One side of the call.
#[derive(Debug, Clone, Default)]
struct Side {
    talk: SideTalk,
    recent: RecentLevel,
    own: OwnLevel,
}

const AGENT: usize = 0;
const CALLER: usize = 1;

/// The conversation of one call, hop by hop.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    /// `time_s` of the first agent frame: hop `h` is at `origin_s + h / 100`.
    origin_s: Option<f64>,
    hops: u64,
    sides: [Side; 2],
    watches: [InterruptionWatch; 2],
    /// Index in `events` of each side's interruption whose overlap still grows.
    growing: [Option<usize>; 2],
    silences: Silences,
    /// (start, end, source) in hops.
    holds: Vec<(u64, u64, HoldSource)>,
    events: Vec<ConversationEvent>,
    arousal: ArousalTracker,
    latest_agent_interruption: Option<u64>,
    talking: [bool; 2],
    finished: bool,
}

impl Conversation {
    pub fn new() -> Self {
        Self::default()
    }

    /// One 10 ms hop of both sides, describing the same moment. Ignored after `finish`.
    pub fn push(&mut self, agent: &Frame, caller: &Frame) {
        if self.finished {
            return;
        }
        self.origin_s.get_or_insert(agent.time_s);
        let hop = self.hops;
        self.hops += 1;

        // The caller first: the agent's bleed test asks whether the caller is heard.
        let [a, c] = &mut self.sides;
        let caller_recent = c.recent.push(caller.level_dbfs);
        let caller_talk = caller.speech && !c.own.is_far_above(caller_recent);
        if caller_talk {
            c.own.push(caller.level_dbfs);
        }
        let caller_heard = caller.speech || c.talk.is_open();
        let agent_recent = a.recent.push(agent.level_dbfs);
        // Sound far under the agent's own level is not the agent, whether or not the caller
        // is heard: the caller's voice leaking from the earpiece, or the neighbours of a
        // call-centre floor (`tests/conversation_floor.rs`: neighbours 20 dB under the
        // agent took agent talk to +40 % and hid every dead air and hold while the test
        // ran only with the caller heard).
        let agent_talk = agent.speech && !a.own.is_far_above(agent_recent);
        // What the agent's microphone hears while the caller talks: the floor's background.
        a.own.after_hop(agent_talk, caller_talk, agent_recent);
        if agent.speech && !caller_heard {
            // Only hops where no bleed is possible teach the agent's own level; cut ones
            // too, so that a headset turned 25 dB quieter in mid-call (the agent's own
            // voice now far under the old level) is heard again after about 70 s of speech
            // instead of never (a new call starts afresh); but not what is no louder than
            // the background learnt while the caller talked, or the neighbours heard while
            // the agent is silent would pull the level down onto themselves.
            a.own.teach(agent.level_dbfs, agent_recent, agent_talk);
        }
        let changes =
            [a.talk.push(agent_talk, agent.speech), c.talk.push(caller_talk, caller.speech)];
        self.talking = [agent_talk, caller_talk];
        self.arousal.push(hop, caller_talk, caller.f0_hz, caller.level_dbfs);
        self.after_hop(changes);
    }

    fn after_hop(&mut self, changes: [Change; 2]) {
        for (own, other) in [(AGENT, CALLER), (CALLER, AGENT)] {
            let report = self.watches[own].hop(
                &self.sides[own].talk,
                changes[own],
                &self.sides[other].talk,
                changes[other],
            );
            self.record_interruption(own, report);
        }
        let talking = (0..2).any(|s| self.sides[s].talk.is_open() && changes[s].started.is_none());
        let started = changes.iter().filter_map(|c| c.started).min();
        let last_end = self.sides[AGENT].talk.last_end().max(self.sides[CALLER].talk.last_end());
        if let Some(gap) = self.silences.hop(talking, started, last_end) {
            self.record_gap(gap);
        }
    }

    fn record_interruption(&mut self, side: usize, report: Option<Interruption>) {
        let Some(i) = report else { return };
        let duration_s = hops_s(i.overlap);
        if i.new {
            let kind = if side == AGENT {
                EventKind::AgentInterruption
            } else {
                EventKind::CallerInterruption
            };
            self.growing[side] = Some(self.events.len());
            self.events.push(ConversationEvent { time_s: self.at(i.start), kind, duration_s });
            if side == AGENT {
                self.latest_agent_interruption = Some(i.start);
            }
        } else if let Some(index) = self.growing[side] {
            self.events[index].duration_s = duration_s;
        }
        if i.settled {
            self.growing[side] = None;
        }
    }

    fn record_gap(&mut self, gap: Gap) {
        let (time_s, duration_s) = (self.at(gap.start), hops_s(gap.len));
        let kind = match gap.kind {
            GapKind::DeadAir => EventKind::DeadAir,
            GapKind::Hold => {
                self.holds.push((gap.start, gap.start + gap.len, HoldSource::Silence));
                EventKind::Hold
            }
        };
        self.events.push(ConversationEvent { time_s, kind, duration_s });
    }

    /// The hold key, pressed (`true`) or released, at the current hop. A hold started in a
    /// silence dates from the start of that silence.
    pub fn set_hold(&mut self, on: bool) {
        if self.finished {
            return;
        }
        if let Some((start, end)) = self.silences.set_key(on, self.hops) {
            self.holds.push((start, end, HoldSource::Key));
            let (time_s, duration_s) = (self.at(start), hops_s(end - start));
            self.events.push(ConversationEvent { time_s, kind: EventKind::Hold, duration_s });
        }
    }

    /// Ends the call: closes open talk, overlaps and a held key. Silence after the last
    /// word is not dead air (the call is over).
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        let changes =
            [AGENT, CALLER].map(|s| Change { started: None, closed: self.sides[s].talk.finish() });
        self.after_hop(changes);
        self.set_hold(false);
        self.finished = true;
    }

    /// The conversation at the newest hop.
    pub fn live(&self) -> LiveConversation {
        let now = self.hops;
        let hold_s = self.silences.hold_hops(now).map(hops_s);
        let silence_s = hops_s(self.silences.silence_hops(now));
        LiveConversation {
            time_s: self.at(now.saturating_sub(1)),
            agent_talking: self.talking[AGENT],
            caller_talking: self.talking[CALLER],
            silence_s,
            dead_air: silence_s >= DEAD_AIR_S && hold_s.is_none(),
            hold_s,
            hold_alert: HoldAlert::of(hold_s),
            interrupted_at_s: self.latest_agent_interruption.map(|h| self.at(h)),
            caller_arousal: self.arousal.current(),
            agent_talk_share: share(
                self.sides[AGENT].talk.talk_hops(),
                self.sides[CALLER].talk.talk_hops(),
            ),
        }
    }

    /// The figures so far (final after `finish`).
    pub fn summary(&self) -> ConversationSummary {
        let [agent, caller] = [AGENT, CALLER].map(|s| self.sides[s].talk.spurts());
        let talk = |spurts: &[spurts::Spurt]| spurts.iter().map(|s| s.len()).sum::<u64>();
        let (agent_talk, caller_talk) = (talk(&agent), talk(&caller));
        let mut spans = self.holds.clone();
        spans.sort_by_key(|&(start, ..)| start);
        let holds: Vec<Hold> = spans
            .iter()
            .map(|&(start, end, source)| Hold {
                start_s: self.at(start),
                duration_s: hops_s(end - start),
                source,
            })
            .collect();
        let hold_spans: Vec<(u64, u64)> = spans.iter().map(|&(s, e, _)| (s, e)).collect();
        let gaps = turns::response_gaps(&agent, &caller, &hold_spans);
        let count = |kind| self.events.iter().filter(|e| e.kind == kind).count() as u32;
        let longest = |kind| {
            self.events.iter().filter(|e| e.kind == kind).map(|e| e.duration_s).fold(0.0, f32::max)
        };
        ConversationSummary {
            duration_s: hops_to_s(self.hops),
            agent_talk_s: hops_to_s(agent_talk),
            caller_talk_s: hops_to_s(caller_talk),
            agent_talk_share: share(agent_talk, caller_talk),
            overlap_s: hops_to_s(turns::overlap_hops(&agent, &caller)),
            agent_spurts: agent.len() as u32,
            caller_spurts: caller.len() as u32,
            agent_interruptions: count(EventKind::AgentInterruption),
            caller_interruptions: count(EventKind::CallerInterruption),
            response_gaps: gaps.len() as u32,
            response_gap_median_s: turns::median_s(&gaps),
            dead_air_count: count(EventKind::DeadAir),
            longest_dead_air_s: longest(EventKind::DeadAir),
            longest_hold_s: holds.iter().map(|h| h.duration_s).fold(0.0, f32::max),
            holds,
            longest_agent_monologue_s: hops_s(turns::longest_monologue_hops(&agent, &caller)),
            caller_arousal: self.arousal.summary(),
        }
    }

    /// Events in the order they were found: an interruption when confirmed (its duration
    /// grows until the overlap ends), dead air and silence holds when the silence ends, a
    /// key hold when the key is released.
    pub fn events(&self) -> &[ConversationEvent] {
        &self.events
    }

    fn at(&self, hop: u64) -> f64 {
        self.origin_s.unwrap_or(0.0) + hops_to_s(hop)
    }
}

fn share(agent_hops: u64, caller_hops: u64) -> Option<f32> {
    let all = agent_hops + caller_hops;
    (all > 0).then(|| agent_hops as f32 / all as f32)
}
