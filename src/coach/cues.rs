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
//!
//! And the line must be one a person can live with through a shift (issue 23: 9.5 line
//! changes a minute in the demo, "too fast" and "mic too quiet" alternating every 2–3 s).
//! Research on live speaking feedback (Rhema, Tanveer et al. 2015: one short nudge about
//! every 20 s beat a continuous display) and users of such tools ask for nudges on
//! *sustained* breaches with a pause between them. So there are three kinds of cue:
//! * **alarms** (clipping, a microphone too quiet): about the device, not the agent; shown
//!   the moment the coach raises them (it holds them itself, see [`super::gauges`]), so the
//!   volume gauge's own warning and the line always agree;
//! * **moments of the call** (a hold running long, talking over the caller, dead air):
//!   about this instant, so shown after [`SHOW_AFTER_S`] whatever was said before;
//! * **nudges** (pace, volume, tone, losing calm, rising with an upset caller): a gauge must
//!   be off for [`SUSTAIN_S`]; after a nudge appears no *other* nudge appears for
//!   [`COOLDOWN_S`], except a red one over an amber one (red always beats amber).

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

    /// Whether this cue is about the device (shown at once, never held back).
    pub fn is_alarm(self) -> bool {
        matches!(self, Cue::Clipping | Cue::MicTooQuiet)
    }

    /// Whether this cue names a moment of the call (shown when it happens, no cooldown).
    pub fn is_call_moment(self) -> bool {
        matches!(self, Cue::HoldTooLong | Cue::LetCallerFinish | Cue::DeadAir)
    }

    /// Whether this cue is a nudge about the agent's voice or manner (neither an alarm
    /// nor a moment of the call): only nudges wait out the cooldown.
    pub fn is_nudge(self) -> bool {
        !self.is_alarm() && !self.is_call_moment()
    }

    /// How long its condition must hold before this cue appears. Alarms are held by the
    /// coach, and a moment of the call by its own timer (5 s of silence for dead air, 25 s
    /// of a hold, an interruption confirmed 0.6–0.8 s in): a further wait only shortened
    /// the cue. Dead air appeared 6.5 s into a silence, and on a gap of 6.5–7 s it was on
    /// the line for 0–0.6 s as the agent began to answer (`examples/cue_changes`, call
    /// `2f1cad02e76f-33c46c9b8e3c-30`); guidance row 10 says cue after 5 s.
    fn show_after_s(self) -> f64 {
        if self.is_alarm() || self.is_call_moment() {
            0.0
        } else if self.is_gauge() {
            SUSTAIN_S
        } else {
            SHOW_AFTER_S
        }
    }
}

/// A cue whose condition holds now, and how far off it is: a gauge cue takes its gauge's
/// band (amber or red), a long hold its timer's; every other condition counts as red.
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

/// Losing calm or rising with an upset caller must hold this long before its cue appears
/// (each has its own hold before that, see [`super::gauges`])…
pub const SHOW_AFTER_S: f64 = 1.5;
/// …a gauge this long: "several seconds" of a breach, not a word's peak (issue 23). A
/// 10 s pace window moves slowly, so 4 s off its band is a trend the agent can act on…
pub const SUSTAIN_S: f64 = 4.0;
/// …after a nudge appears, no other nudge for this long (Rhema's "about every 20 s")…
pub const COOLDOWN_S: f64 = 20.0;
/// …a shown cue stays at least this long before a more urgent one replaces it…
pub const MIN_SHOWN_S: f64 = 3.0;
/// …a cue that left comes back at once within this time, and praise waits this long
/// after the last condition cleared.
pub const CLEAR_AFTER_S: f64 = 2.0;

#[derive(Debug, Clone, Default)]
pub struct CueSelector {
    /// Each condition that holds, and since when without a break. Per cue, not only the
    /// most urgent one's: a gauge off its band all through a moment of the call is back
    /// the moment that ends, instead of after a new [`SUSTAIN_S`] of "nothing" (the line
    /// went dead air → blank for 4 s → too fast again). A dozen cues at most, so its
    /// capacity is reached in the first seconds and never again.
    held_since: Vec<(Cue, f64)>,
    /// The cue on the line, its band now, and since when it is shown.
    shown: Option<(Condition, f64)>,
    /// The last cue that left the line, and when.
    left: Option<(Cue, f64)>,
    /// Since when no condition holds.
    quiet_since: Option<f64>,
    /// The last nudge that appeared, and when (for [`COOLDOWN_S`]).
    last_nudge: Option<(Cue, f64)>,
}

impl CueSelector {
    /// Feeds the conditions that hold at time `t` (any order) and whether every gauge with
    /// a value is green (`None`: no value yet); returns what the line says.
    pub fn update(&mut self, t: f64, active: &[Condition], all_green: Option<bool>) -> Headline {
        let top = active.iter().copied().min_by_key(|c| c.rank());
        self.held_since.retain(|(cue, _)| active.iter().any(|c| c.cue == *cue));
        for c in active {
            if !self.held_since.iter().any(|(cue, _)| *cue == c.cue) {
                self.held_since.push((c.cue, t));
            }
        }
        let candidate =
            top.and_then(|top| self.held_since.iter().copied().find(|(cue, _)| *cue == top.cue));
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
        let held = |cue: Cue, since: f64| t - since >= cue.show_after_s();
        let just_left =
            |cue: Cue| self.left.is_some_and(|(c, at)| c == cue && t - at <= CLEAR_AFTER_S);
        // A nudge other than the last one waits out the cooldown; alarms and moments of
        // the call never wait.
        let cooled = |cue: Cue| {
            !cue.is_nudge()
                || self.last_nudge.is_none_or(|(c, at)| c == cue || t - at >= COOLDOWN_S)
        };
        let appears = match (self.shown, top, candidate) {
            // An alarm takes the line the moment it is raised.
            (_, Some(top), _)
                if top.cue.is_alarm() && self.shown.is_none_or(|(s, _)| s.cue != top.cue) =>
            {
                Some(top)
            }
            // A more urgent cue that has held long enough replaces one shown long enough;
            // a red gauge over an amber one needs no cooldown.
            (Some((shown, since)), Some(top), Some((_, top_since)))
                if top.rank() < shown.rank()
                    && held(top.cue, top_since)
                    && t - since >= MIN_SHOWN_S
                    && (cooled(top.cue)
                        || (shown.cue.is_gauge()
                            && shown.band != Band::Red
                            && top.band == Band::Red)) =>
            {
                Some(top)
            }
            (None, Some(top), Some((_, top_since)))
                if just_left(top.cue) || (held(top.cue, top_since) && cooled(top.cue)) =>
            {
                Some(top)
            }
            _ => None,
        };
        if let Some(top) = appears {
            let returning = just_left(top.cue);
            if !returning && top.cue.is_nudge() {
                self.last_nudge = Some((top.cue, t));
            }
            self.shown = Some((top, t));
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
        let out = run(&mut s, 0.0, 1.4, &[Cue::LosingCalm]);
        assert!(out.iter().all(|h| *h == Headline::Settling), "{out:?}");
        assert_eq!(run(&mut s, 1.4, 2.0, &[Cue::LosingCalm]).last(), Some(&cue(Cue::LosingCalm)));
    }

    #[test]
    fn a_gauge_off_all_through_a_moment_of_the_call_is_back_when_the_moment_ends() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 8.0, &[Cue::TooFast]); // shown from 4.0 s
        // Dead air: its own 5 s timer was its wait, so it is on the line at once…
        let out = run(&mut s, 8.0, 9.0, &[Cue::TooFast, Cue::DeadAir]);
        assert!(out.iter().all(|h| *h == cue(Cue::DeadAir)), "{out:?}");
        // …and when the agent answers, the pace still too fast is back at once: it has
        // been off its band without a break, so there is no new 4 s of nothing.
        let out = run(&mut s, 9.0, 9.5, &[Cue::TooFast]);
        assert!(out.iter().all(|h| *h == cue(Cue::TooFast)), "{out:?}");
        // A gauge that went back to its band meanwhile needs its full breach again.
        run(&mut s, 9.5, 13.0, &[Cue::DeadAir]);
        let out = run(&mut s, 13.0, 16.9, &[Cue::TooFast]);
        assert!(!out.contains(&cue(Cue::TooFast)), "{out:?}");
        assert_eq!(run(&mut s, 16.9, 17.2, &[Cue::TooFast]).last(), Some(&cue(Cue::TooFast)));
    }

    #[test]
    fn a_gauge_nudges_only_after_a_sustained_breach() {
        let mut s = CueSelector::default();
        // Off for 3.5 s, back for a moment, off again: no nudge until 4 s in one stretch.
        let out = run(&mut s, 0.0, 3.5, &[Cue::TooFast]);
        assert!(out.iter().all(|h| *h == Headline::Settling), "{out:?}");
        run(&mut s, 3.5, 3.7, &[]);
        let out = run(&mut s, 3.7, 7.6, &[Cue::TooFast]);
        assert!(out.iter().all(|h| *h == Headline::Settling), "{out:?}");
        assert_eq!(run(&mut s, 7.6, 8.0, &[Cue::TooFast]).last(), Some(&cue(Cue::TooFast)));
    }

    #[test]
    fn after_a_nudge_another_waits_out_the_cooldown_but_the_same_one_may_return() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 5.0, &[Cue::TooFast]); // shown from 4.0 s
        run(&mut s, 5.0, 8.0, &[]);
        let out = run(&mut s, 8.0, 23.9, &[Cue::Flat]);
        assert!(out.iter().all(|h| !matches!(h, Headline::Cue { .. })), "{out:?}");
        assert_eq!(run(&mut s, 23.9, 24.2, &[Cue::Flat]).last(), Some(&cue(Cue::Flat)));
        // Flat was the last nudge: after it leaves, it may come back without a cooldown
        // (and its return is the last nudge now)…
        run(&mut s, 24.2, 27.0, &[]);
        assert_eq!(run(&mut s, 27.0, 31.1, &[Cue::Flat]).last(), Some(&cue(Cue::Flat)));
        // …but the pace, nudged 27 s ago, waits for 20 s after Flat's return.
        run(&mut s, 31.1, 32.0, &[]);
        let out = run(&mut s, 32.0, 50.8, &[Cue::TooFast]);
        assert!(out.iter().all(|h| !matches!(h, Headline::Cue { .. })), "{out:?}");
        assert_eq!(run(&mut s, 50.8, 51.2, &[Cue::TooFast]).last(), Some(&cue(Cue::TooFast)));
    }

    #[test]
    fn alarms_take_the_line_at_once_and_moments_of_the_call_never_wait() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 4.5, &[Cue::TooFast]); // shown from 4.0 s, 0.5 s ago
        assert_eq!(
            s.update(
                4.5,
                &[Condition::red(Cue::TooFast), Condition::red(Cue::MicTooQuiet)],
                Some(false)
            ),
            cue(Cue::MicTooQuiet)
        );
        run(&mut s, 4.6, 6.0, &[]);
        // An interruption 2 s after a nudge: shown at once (the conversation confirmed it
        // already), cooldown or not.
        let out = run(&mut s, 6.0, 7.6, &[Cue::LetCallerFinish]);
        assert!(out.iter().all(|h| *h == cue(Cue::LetCallerFinish)), "{out:?}");
    }

    #[test]
    fn within_the_cooldown_a_red_gauge_still_replaces_an_amber_one() {
        let mut s = CueSelector::default();
        let amber_fast = Condition { cue: Cue::TooFast, band: Band::Amber };
        let red_loud = Condition::red(Cue::TooLoud);
        let amber_loud = Condition { cue: Cue::TooLoud, band: Band::Amber };
        let mut t = 0.0;
        let mut feed = |s: &mut CueSelector, until: f64, active: &[Condition]| {
            let mut last = Headline::Waiting;
            while t < until {
                last = s.update(t, active, Some(false));
                t += 0.1;
            }
            last
        };
        assert_eq!(
            feed(&mut s, 5.0, &[amber_fast]),
            Headline::Cue { cue: Cue::TooFast, band: Band::Amber }
        );
        // An amber volume does not replace it (same class, and the cooldown runs)…
        assert_eq!(
            feed(&mut s, 10.0, &[amber_fast, amber_loud]),
            Headline::Cue { cue: Cue::TooFast, band: Band::Amber }
        );
        // …a red one does, after its breach has held.
        assert_eq!(feed(&mut s, 15.0, &[amber_fast, red_loud]), cue(Cue::TooLoud));
    }

    #[test]
    fn a_flickering_condition_shows_its_cue_whenever_it_holds_and_never_praises_between() {
        let mut s = CueSelector::default();
        run(&mut s, 0.0, 4.5, &[Cue::TooFast]);
        // on/off every 0.3 s for 5 s
        let mut t = 4.5;
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
        run(&mut s, 0.0, 7.0, &[Cue::Flat]);
        let out = run(&mut s, 7.0, 9.0, &[Cue::Flat, Cue::DeadAir]);
        assert_eq!(out.last(), Some(&cue(Cue::DeadAir)));
        run(&mut s, 9.0, 12.0, &[]);
        // Losing calm is a nudge: it waits for the cooldown after Flat (from 4 s)…
        let out = run(&mut s, 12.0, 23.5, &[Cue::Flat, Cue::LosingCalm]);
        assert!(!out.contains(&cue(Cue::LosingCalm)), "{out:?}");
        let out = run(&mut s, 23.5, 25.0, &[Cue::Flat, Cue::LosingCalm]);
        assert_eq!(out.last(), Some(&cue(Cue::LosingCalm)));
    }

    #[test]
    fn a_red_gauge_outranks_an_amber_one_and_a_shown_cue_follows_its_band() {
        let mut s = CueSelector::default();
        let amber_fast = Condition { cue: Cue::TooFast, band: Band::Amber };
        let mut last = Headline::Waiting;
        for i in 0..50 {
            last = s.update(i as f64 * 0.1, &[amber_fast], Some(false));
        }
        assert_eq!(last, Headline::Cue { cue: Cue::TooFast, band: Band::Amber });
        let red_loud = Condition::red(Cue::TooLoud);
        for i in 50..100 {
            last = s.update(i as f64 * 0.1, &[amber_fast, red_loud], Some(false));
        }
        assert_eq!(last, cue(Cue::TooLoud));
        // the pace goes red too: the shown cue stays until that one has held a moment
        let red_fast = Condition::red(Cue::TooFast);
        assert_eq!(s.update(10.0, &[red_fast, red_loud], Some(false)), cue(Cue::TooLoud));
    }
}
