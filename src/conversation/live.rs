//! The conversation as the window shows it during the call: a small `Copy` value read once
//! per repaint.

use serde::Serialize;

use super::arousal::CallerArousal;
use super::silences::{HOLD_ALARM_S, HOLD_WARN_S};
use crate::analysis::Floor;

/// Where the hold timer stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldAlert {
    /// No hold, or under [`HOLD_WARN_S`].
    #[default]
    None,
    /// [`HOLD_WARN_S`] or more: time to go back to the caller.
    Warn,
    /// [`HOLD_ALARM_S`] or more: longer than "please wait" allows (guidance row 8).
    Alarm,
}

impl HoldAlert {
    pub fn of(hold_s: Option<f32>) -> Self {
        match hold_s {
            Some(s) if s >= HOLD_ALARM_S => HoldAlert::Alarm,
            Some(s) if s >= HOLD_WARN_S => HoldAlert::Warn,
            _ => HoldAlert::None,
        }
    }
}

/// The conversation at the newest hop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LiveConversation {
    /// Time of the newest hop.
    pub time_s: f64,
    /// The agent talks at this hop (VAD with its 0.2 s hangover, bleed left out).
    pub agent_talking: bool,
    /// The caller talks at this hop (faint sound on the line left out).
    pub caller_talking: bool,
    /// How long neither side has talked (0 before anyone has).
    pub silence_s: f32,
    /// The silence has reached dead-air length and is no hold.
    pub dead_air: bool,
    /// The running hold: the key's, or a silence long enough to be one.
    pub hold_s: Option<f32>,
    pub hold_alert: HoldAlert,
    /// Start of the latest agent interruption (confirmed 0.6–0.8 s after it began).
    pub interrupted_at_s: Option<f64>,
    /// The caller against their own opening, once it is known.
    pub caller_arousal: Option<CallerArousal>,
    /// Agent talk ÷ all talk so far.
    pub agent_talk_share: Option<f32>,
}

impl LiveConversation {
    /// Who talks at this hop, for the agent's analyser (`Analyser::hear_call`).
    pub fn floor(&self) -> Floor {
        Floor { agent: self.agent_talking, caller: self.caller_talking }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hold_timer_warns_at_twenty_five_seconds_and_alarms_at_thirty() {
        assert_eq!(HoldAlert::of(None), HoldAlert::None);
        assert_eq!(HoldAlert::of(Some(24.99)), HoldAlert::None);
        assert_eq!(HoldAlert::of(Some(25.0)), HoldAlert::Warn);
        assert_eq!(HoldAlert::of(Some(29.99)), HoldAlert::Warn);
        assert_eq!(HoldAlert::of(Some(30.0)), HoldAlert::Alarm);
    }
}
