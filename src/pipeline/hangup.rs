//! The quiet after the caller hangs up is not a hold. A hold is the caller waiting on the
//! line: live it is the hold key, or a long silence after the *agent's* last words ("请您稍等，
//! 我帮您查一下"). A long silence after the *caller's* last words is the line gone quiet
//! (the caller has said goodbye and hung up, and the call is about to end by its silent
//! minute): no hold timer, no "hold too long" cue, and past the hold length no dead-air cue
//! either. The stored call is judged with hindsight instead (see
//! [`crate::pipeline::calls`]): a silent hold after which the caller never talked again is
//! dropped.

use crate::conversation::{HOLD_MIN_S, HoldAlert, LiveConversation};

/// Who talked last, and whether the hold key is down.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastWords {
    caller_spoke_last: bool,
    key: bool,
}

impl LastWords {
    /// Follows one hop of the conversation.
    pub fn hear(&mut self, live: &LiveConversation) {
        if live.agent_talking {
            self.caller_spoke_last = false;
        } else if live.caller_talking {
            self.caller_spoke_last = true;
        }
    }

    pub fn set_key(&mut self, on: bool) {
        self.key = on;
    }

    /// A new call: nobody has talked in it yet.
    pub fn restart(&mut self) {
        self.caller_spoke_last = false;
    }

    /// The conversation as the coach and the window should take it: a silence of hold
    /// length after the caller's last words, with no key, is no hold and no dead air.
    pub fn filter(&self, live: LiveConversation) -> LiveConversation {
        if self.caller_spoke_last && !self.key && live.silence_s >= HOLD_MIN_S {
            LiveConversation { hold_s: None, hold_alert: HoldAlert::None, dead_air: false, ..live }
        } else {
            live
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(agent: bool, caller: bool, silence_s: f32) -> LiveConversation {
        let hold_s = (silence_s >= HOLD_MIN_S).then_some(silence_s);
        LiveConversation {
            agent_talking: agent,
            caller_talking: caller,
            silence_s,
            hold_s,
            hold_alert: HoldAlert::of(hold_s),
            dead_air: silence_s >= 5.0 && hold_s.is_none(),
            ..LiveConversation::default()
        }
    }

    #[test]
    fn a_long_silence_after_the_callers_last_words_is_no_hold() {
        let mut w = LastWords::default();
        w.hear(&hop(true, false, 0.0));
        w.hear(&hop(false, true, 0.0));
        let quiet = hop(false, false, 38.0);
        w.hear(&quiet);
        let seen = w.filter(quiet);
        assert_eq!((seen.hold_s, seen.hold_alert, seen.dead_air), (None, HoldAlert::None, false));
        // Dead air before the hold length is still the agent's to fix.
        assert!(w.filter(hop(false, false, 6.0)).dead_air);
    }

    #[test]
    fn a_silence_after_the_agents_words_or_with_the_key_is_a_hold() {
        let mut w = LastWords::default();
        w.hear(&hop(false, true, 0.0));
        w.hear(&hop(true, false, 0.0));
        assert_eq!(w.filter(hop(false, false, 31.0)).hold_alert, HoldAlert::Alarm);
        let mut w = LastWords::default();
        w.hear(&hop(false, true, 0.0));
        w.set_key(true);
        assert_eq!(w.filter(hop(false, false, 26.0)).hold_alert, HoldAlert::Warn);
    }
}
