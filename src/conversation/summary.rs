//! What a call's conversation comes to: its figures, its events and its holds, as the
//! command line prints them and a session stores them.

use serde::{Deserialize, Serialize};

use super::arousal::ArousalSummary;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The agent started talking over the caller and kept on for 0.6 s or more.
    AgentInterruption,
    /// The caller started talking over the agent and kept on for 0.6 s or more.
    CallerInterruption,
    /// Neither side talked for 5 s (and it was no hold).
    DeadAir,
    /// A hold: the hold key, or 10 s or more with neither side talking.
    Hold,
}

impl EventKind {
    /// The name used in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::AgentInterruption => "agent_interruption",
            EventKind::CallerInterruption => "caller_interruption",
            EventKind::DeadAir => "dead_air",
            EventKind::Hold => "hold",
        }
    }
}

/// One moment worth replaying.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConversationEvent {
    /// When it began, in the call's time.
    pub time_s: f64,
    pub kind: EventKind,
    /// How long it lasted: the overlap of an interruption, the silence of dead air or a
    /// hold. An interruption's grows while it goes on.
    pub duration_s: f32,
}

/// How a hold was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldSource {
    /// The agent's hold key.
    Key,
    /// A long silence on both sides.
    Silence,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    pub start_s: f64,
    pub duration_s: f32,
    pub source: HoldSource,
}

/// The figures of one call's conversation. Talk is counted in talk spurts: speech with
/// the gaps under 0.5 s inside bridged, the caller's faint bleed on the agent's microphone
/// and faint sound on the caller's line left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// Time covered by the frames pushed.
    pub duration_s: f64,
    pub agent_talk_s: f64,
    pub caller_talk_s: f64,
    /// Agent talk ÷ all talk; guidance row 7 asks for a listen share of 50 % or more in
    /// complaint calls, i.e. this at 0.5 or under.
    pub agent_talk_share: Option<f32>,
    /// Both talking at once.
    pub overlap_s: f64,
    pub agent_spurts: u32,
    pub caller_spurts: u32,
    pub agent_interruptions: u32,
    pub caller_interruptions: u32,
    /// Response gaps measured (end of the caller's talk to the agent's next start).
    pub response_gaps: u32,
    pub response_gap_median_s: Option<f32>,
    pub dead_air_count: u32,
    pub longest_dead_air_s: f32,
    /// Every hold, in time order.
    pub holds: Vec<Hold>,
    pub longest_hold_s: f32,
    pub longest_agent_monologue_s: f32,
    /// `None` until the caller has talked for 3 s, 20 s into the call.
    pub caller_arousal: Option<ArousalSummary>,
}

impl ConversationSummary {
    /// The same figures on another clock: times moved by `by_s` and the duration set to
    /// `duration_s` (a call stored from its own start, cut where it ended).
    pub fn shifted(mut self, by_s: f64, duration_s: f64) -> Self {
        for h in &mut self.holds {
            h.start_s += by_s;
        }
        self.duration_s = duration_s;
        self
    }
}
