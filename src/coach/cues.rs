//! What the one cue line says, and when: a state machine with hysteresis so that a value
//! wobbling across a threshold does not make the line flicker.

use serde::{Deserialize, Serialize};

/// Cues in priority order (first wins when several apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Cue {
    Clipping,
    MicTooQuiet,
    /// A hold has reached the warning time (guidance row 8: "please wait" is for < 30 s).
    HoldTooLong,
    /// The agent just talked over the caller (row 7).
    LetCallerFinish,
    /// Neither side has talked for 5 s outside a hold (row 10).
    DeadAir,
    /// The caller is upset and the agent's pace or level rises with theirs (row 5).
    CallerUpset,
    LosingCalm,
    TooFast,
    TooSlow,
    TooLoud,
    TooSoft,
    Flat,
}

/// A condition must hold this long before its cue appears…
pub const SHOW_AFTER_S: f64 = 1.5;
/// …a shown cue stays at least this long…
pub const MIN_SHOWN_S: f64 = 3.0;
/// …and leaves only after its condition has been gone this long.
pub const CLEAR_AFTER_S: f64 = 2.0;

#[derive(Debug, Clone, Default)]
pub struct CueSelector {
    candidate: Option<(Cue, f64)>,
    shown: Option<(Cue, f64)>,
    absent_since: Option<f64>,
}

impl CueSelector {
    /// Feeds the conditions that hold at time `t` (any order); returns the cue to show.
    pub fn update(&mut self, t: f64, active: &[Cue]) -> Option<Cue> {
        let top = active.iter().min().copied();
        // Track how long the top condition has been continuously on.
        self.candidate = match (self.candidate, top) {
            (Some((c, since)), Some(now)) if c == now => Some((c, since)),
            (_, Some(now)) => Some((now, t)),
            (_, None) => None,
        };
        if let Some((shown, since)) = self.shown {
            let still_on = active.contains(&shown);
            self.absent_since = if still_on { None } else { self.absent_since.or(Some(t)) };
            let gone_long = self.absent_since.is_some_and(|a| t - a >= CLEAR_AFTER_S);
            let shown_long = t - since >= MIN_SHOWN_S;
            // A more urgent cue that has held long enough replaces the shown one.
            let preempt =
                self.candidate.filter(|&(c, s)| c < shown && t - s >= SHOW_AFTER_S && shown_long);
            if let Some((c, _)) = preempt {
                self.shown = Some((c, t));
                self.absent_since = None;
            } else if gone_long && shown_long {
                self.shown = None;
            }
        }
        if self.shown.is_none()
            && let Some((c, since)) = self.candidate
            && t - since >= SHOW_AFTER_S
        {
            self.shown = Some((c, t));
            self.absent_since = None;
        }
        self.shown.map(|(c, _)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(selector: &mut CueSelector, from: f64, to: f64, active: &[Cue]) -> Vec<Option<Cue>> {
        let mut out = Vec::new();
        let mut t = from;
        while t < to {
            out.push(selector.update(t, active));
            t += 0.1;
        }
        out
    }

    #[test]
    fn a_cue_appears_only_after_its_condition_has_held() {
        let mut s = CueSelector::default();
        let out = run(&mut s, 0.0, 1.4, &[Cue::TooFast]);
        assert!(out.iter().all(|c| c.is_none()));
        assert_eq!(run(&mut s, 1.4, 2.0, &[Cue::TooFast]).last().unwrap(), &Some(Cue::TooFast));
    }

    #[test]
    fn a_flickering_condition_does_not_make_the_line_flicker() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 2.0, &[Cue::TooFast]);
        // on/off every 0.3 s for 5 s: the cue stays up the whole time
        let mut t = 2.0;
        let mut shown = Vec::new();
        for i in 0..50 {
            let active: &[Cue] = if (i / 3) % 2 == 0 { &[] } else { &[Cue::TooFast] };
            shown.push(s.update(t, active));
            t += 0.1;
        }
        assert!(shown.iter().all(|c| *c == Some(Cue::TooFast)), "{shown:?}");
        // gone for good: cleared after CLEAR_AFTER_S
        let out = run(&mut s, t, t + 2.5, &[]);
        assert_eq!(out.last().unwrap(), &None);
    }

    #[test]
    fn a_more_urgent_cue_takes_over() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 4.0, &[Cue::Flat]);
        let out = run(&mut s, 4.0, 6.0, &[Cue::Flat, Cue::LosingCalm]);
        assert_eq!(out.last().unwrap(), &Some(Cue::LosingCalm));
    }
}
