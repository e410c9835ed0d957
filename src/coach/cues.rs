//! The one cue line: which condition it names, with an explicit priority, and when.
//!
//! The line must never contradict the gauges beside it. So the conditions fed in are
//! derived from the very bands the gauges show (see [`super::gauges`]), and hysteresis may
//! only *delay* what the line says: a cue appears after its condition has held a moment,
//! a more urgent one takes over after the shown one had its time, but a shown cue whose
//! condition is gone leaves at once, and praise waits until every gauge has been green a
//! while. In between the line settles on nothing rather than on something untrue.
//! A cue that just left comes back at once if its condition does, so a value wobbling
//! across a limit shows the cue whenever it holds and never flips to praise.

use serde::{Deserialize, Serialize};

use super::targets::Band;

/// Cues in priority order within their class (first wins when several apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
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

impl Cue {
    /// Whether this cue is about one gauge leaving its green band (pace, volume, tone).
    pub fn is_gauge(self) -> bool {
        matches!(self, Cue::TooFast | Cue::TooSlow | Cue::TooLoud | Cue::TooSoft | Cue::Flat)
    }
}

/// A cue whose condition holds now, and how far off it is: a gauge cue takes its gauge's
/// band (amber or red); every other condition counts as red.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    pub cue: Cue,
    pub band: Band,
}

impl Condition {
    pub fn red(cue: Cue) -> Self {
        Self { cue, band: Band::Red }
    }

    /// Lower is more urgent: device-side problems (clipping, a quiet microphone), then the
    /// conversation, then losing calm, then the worst red gauge, then amber gauges.
    fn rank(self) -> (u8, Cue) {
        let class = match (self.cue.is_gauge(), self.band) {
            (false, _) => 0,
            (true, Band::Red) => 1,
            (true, _) => 2,
        };
        (class, self.cue)
    }
}

/// What the line says at one moment. [`Headline::DeviceLost`] is never produced by the
/// coach (it knows no devices); [`headline`] puts it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Headline {
    /// No reading yet.
    #[default]
    Waiting,
    /// Between cues: nothing that the gauges could contradict.
    Settling,
    /// Every gauge with a value is green, and has been for a moment.
    KeepItUp,
    Cue {
        cue: Cue,
        band: Band,
    },
    /// The microphone is lost or unavailable: the readings are void.
    DeviceLost,
}

/// The headline given the coach's and whether the agent's microphone delivers: a device
/// problem outranks everything the readings could say.
pub fn headline(coach_headline: Headline, device_ok: bool) -> Headline {
    if device_ok { coach_headline } else { Headline::DeviceLost }
}

/// A condition must hold this long before its cue appears…
pub const SHOW_AFTER_S: f64 = 1.5;
/// …a shown cue stays at least this long before a more urgent one replaces it…
pub const MIN_SHOWN_S: f64 = 3.0;
/// …a cue that left comes back at once within this time, and praise waits this long
/// after the last condition cleared.
pub const CLEAR_AFTER_S: f64 = 2.0;

#[derive(Debug, Clone, Default)]
pub struct CueSelector {
    /// The most urgent condition and since when it has been the most urgent.
    candidate: Option<(Cue, f64)>,
    /// The cue on the line, its band now, and since when it is shown.
    shown: Option<(Condition, f64)>,
    /// The last cue that left the line, and when.
    left: Option<(Cue, f64)>,
    /// Since when no condition holds.
    quiet_since: Option<f64>,
}

impl CueSelector {
    /// Feeds the conditions that hold at time `t` (any order) and whether every gauge with
    /// a value is green (`None`: no value yet); returns what the line says.
    pub fn update(&mut self, t: f64, active: &[Condition], all_green: Option<bool>) -> Headline {
        let top = active.iter().copied().min_by_key(|c| c.rank());
        self.candidate = match (self.candidate, top) {
            (Some((c, since)), Some(now)) if c == now.cue => Some((c, since)),
            (_, Some(now)) => Some((now.cue, t)),
            (_, None) => None,
        };
        self.quiet_since = if active.is_empty() { self.quiet_since.or(Some(t)) } else { None };
        // A shown cue follows its condition's band, and leaves the moment it is gone.
        if let Some((shown, since)) = self.shown {
            match active.iter().find(|c| c.cue == shown.cue) {
                Some(now) => self.shown = Some((*now, since)),
                None => {
                    self.left = Some((shown.cue, t));
                    self.shown = None;
                }
            }
        }
        let held = |since: f64| t - since >= SHOW_AFTER_S;
        let just_left =
            |cue: Cue| self.left.is_some_and(|(c, at)| c == cue && t - at <= CLEAR_AFTER_S);
        match (self.shown, top, self.candidate) {
            // A more urgent cue that has held long enough replaces one shown long enough.
            (Some((shown, since)), Some(top), Some((_, top_since)))
                if top.rank() < shown.rank() && held(top_since) && t - since >= MIN_SHOWN_S =>
            {
                self.shown = Some((top, t));
            }
            (None, Some(top), Some((_, top_since))) if held(top_since) || just_left(top.cue) => {
                self.shown = Some((top, t));
            }
            _ => {}
        }
        match (self.shown, all_green) {
            (Some((c, _)), _) => Headline::Cue { cue: c.cue, band: c.band },
            (None, None) => Headline::Waiting,
            (None, Some(true)) if self.quiet_since.is_some_and(|q| t - q >= CLEAR_AFTER_S) => {
                Headline::KeepItUp
            }
            (None, Some(_)) => Headline::Settling,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `active` every 0.1 s over [from, to).
    fn run(s: &mut CueSelector, from: f64, to: f64, active: &[Cue]) -> Vec<Headline> {
        let conditions: Vec<Condition> = active.iter().map(|&c| Condition::red(c)).collect();
        let mut out = Vec::new();
        let mut t = from;
        while t < to {
            out.push(s.update(t, &conditions, Some(active.is_empty())));
            t += 0.1;
        }
        out
    }

    fn cue(cue: Cue) -> Headline {
        Headline::Cue { cue, band: Band::Red }
    }

    #[test]
    fn a_cue_appears_only_after_its_condition_has_held() {
        let mut s = CueSelector::default();
        let out = run(&mut s, 0.0, 1.4, &[Cue::TooFast]);
        assert!(out.iter().all(|h| *h == Headline::Settling), "{out:?}");
        assert_eq!(run(&mut s, 1.4, 2.0, &[Cue::TooFast]).last(), Some(&cue(Cue::TooFast)));
    }

    #[test]
    fn a_flickering_condition_shows_its_cue_whenever_it_holds_and_never_praises_between() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 2.0, &[Cue::TooFast]);
        // on/off every 0.3 s for 5 s
        let mut t = 2.0;
        for i in 0..50 {
            let on = (i / 3) % 2 == 1;
            let active: &[Cue] = if on { &[Cue::TooFast] } else { &[] };
            let h = run(&mut s, t, t + 0.05, active)[0];
            let expected = if on { cue(Cue::TooFast) } else { Headline::Settling };
            assert_eq!(h, expected, "at {t:.1} s");
            t += 0.1;
        }
        // gone for good: praise once it has been quiet for CLEAR_AFTER_S
        let out = run(&mut s, t, t + 2.5, &[]);
        assert_eq!(out.last(), Some(&Headline::KeepItUp));
        assert_eq!(out[0], Headline::Settling);
    }

    #[test]
    fn a_more_urgent_cue_takes_over() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 4.0, &[Cue::Flat]);
        let out = run(&mut s, 4.0, 6.0, &[Cue::Flat, Cue::LosingCalm]);
        assert_eq!(out.last(), Some(&cue(Cue::LosingCalm)));
    }

    #[test]
    fn a_red_gauge_outranks_an_amber_one_and_a_shown_cue_follows_its_band() {
        let mut s = CueSelector::default();
        let amber_fast = Condition { cue: Cue::TooFast, band: Band::Amber };
        let mut last = Headline::Waiting;
        for i in 0..40 {
            last = s.update(i as f64 * 0.1, &[amber_fast], Some(false));
        }
        assert_eq!(last, Headline::Cue { cue: Cue::TooFast, band: Band::Amber });
        let red_loud = Condition::red(Cue::TooLoud);
        for i in 40..80 {
            last = s.update(i as f64 * 0.1, &[amber_fast, red_loud], Some(false));
        }
        assert_eq!(last, cue(Cue::TooLoud));
        // the pace goes red too: the shown cue stays until that one has held a moment
        let red_fast = Condition::red(Cue::TooFast);
        assert_eq!(s.update(8.0, &[red_fast, red_loud], Some(false)), cue(Cue::TooLoud));
    }
}
