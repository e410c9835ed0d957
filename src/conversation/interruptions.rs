//! Who started talking over whom.
//!
//! An interruption is a spurt that starts while the other side is mid-spurt and then runs
//! alongside it for [`INTERRUPTION_MIN_OVERLAP_S`]. Back-channels ("嗯", "对", "好") are
//! shorter than that and are not counted; nor is a start within
//! [`SIMULTANEOUS_START_S`] of the other side's, which is two people starting at once.
//! The overlap is counted only as far as both sides' talk is sure (the hangover of a
//! run that goes on may still turn out to be silence), so an interruption is confirmed
//! 0.6–0.8 s after it began and is never taken back.

use super::spurts::{Change, SideTalk};

/// An overlap must last this long to be an interruption (issue 11 after guidance row 7:
/// back-channels run 0.2–0.5 s, an attempt to take the floor longer).
pub const INTERRUPTION_MIN_OVERLAP_S: f32 = 0.6;
const MIN_OVERLAP_HOPS: u64 = 60;
/// Starts this close together are simultaneous, not one side talking over the other: 0.2 s
/// is about the fastest a listener can react to speech in turn-taking (Levinson &
/// Torreira 2015), so a start within it cannot be a response to the other's talk.
pub const SIMULTANEOUS_START_S: f32 = 0.2;
const SIMULTANEOUS_HOPS: u64 = 20;

/// An interruption as far as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Interruption {
    pub start: u64,
    /// Sure overlap so far, in hops.
    pub overlap: u64,
    /// First report of this interruption.
    pub new: bool,
    /// The overlap is over: this is the last report.
    pub settled: bool,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: u64,
    own_end: Option<u64>,
    other_end: Option<u64>,
    confirmed: bool,
}

/// Watches one side (`own`) for spurts that start over the other side's.
#[derive(Debug, Clone, Default)]
pub(super) struct InterruptionWatch {
    candidate: Option<Candidate>,
}

impl InterruptionWatch {
    /// After both sides have taken a hop: reports an interruption by `own` once it is
    /// confirmed and as its overlap grows.
    pub fn hop(
        &mut self,
        own: &SideTalk,
        own_change: Change,
        other: &SideTalk,
        other_change: Change,
    ) -> Option<Interruption> {
        if let Some(start) = own_change.started
            && other.open_start().is_some_and(|s| s + SIMULTANEOUS_HOPS <= start)
        {
            self.candidate =
                Some(Candidate { start, own_end: None, other_end: None, confirmed: false });
        }
        let c = self.candidate.as_mut()?;
        if let Some(s) = own_change.closed {
            c.own_end.get_or_insert(s.end);
        }
        if let Some(s) = other_change.closed {
            c.other_end.get_or_insert(s.end);
        }
        let own_known = c.own_end.or(own.certain_end()).unwrap_or(c.start);
        let other_known = c.other_end.or(other.certain_end()).unwrap_or(c.start);
        let overlap = own_known.min(other_known).saturating_sub(c.start);
        // Settled when the first of the two ends is known and the other side is surely
        // still talking there (or has ended too).
        let settled = match (c.own_end, c.other_end) {
            (Some(_), Some(_)) => true,
            (Some(end), None) => other_known >= end,
            (None, Some(end)) => own_known >= end,
            (None, None) => false,
        };
        let report = (overlap >= MIN_OVERLAP_HOPS).then(|| {
            let new = !c.confirmed;
            c.confirmed = true;
            Interruption { start: c.start, overlap, new, settled }
        });
        if settled {
            self.candidate = None;
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::vad::HANGOVER_FRAMES;

    /// Runs two sides' talk (speech from start to end, plus the analyser's hangover) and
    /// returns the interruptions by `own` as (start, overlap) when settled.
    fn run(own: &[(u64, u64)], other: &[(u64, u64)]) -> Vec<(u64, u64)> {
        let flag = |talk: &[(u64, u64)], h: u64| {
            talk.iter().any(|&(s, e)| h >= s && h < e + HANGOVER_FRAMES as u64)
        };
        let (mut a, mut b) = (SideTalk::default(), SideTalk::default());
        let mut watch = InterruptionWatch::default();
        let mut found = Vec::new();
        for h in 0..2000 {
            let (fa, fb) = (flag(own, h), flag(other, h));
            let (ca, cb) = (a.push(fa, fa), b.push(fb, fb));
            if let Some(i) = watch.hop(&a, ca, &b, cb)
                && i.settled
            {
                found.push((i.start, i.overlap));
            }
        }
        found
    }

    #[test]
    fn talking_over_the_other_side_for_six_tenths_of_a_second_is_an_interruption() {
        assert_eq!(run(&[(300, 360)], &[(100, 800)]), vec![(300, 60)]);
        assert_eq!(run(&[(300, 359)], &[(100, 800)]), vec![]);
    }

    #[test]
    fn the_overlap_ends_where_the_interrupted_side_stops() {
        // The caller gives way 1.5 s after the agent started; the agent goes on.
        assert_eq!(run(&[(300, 900)], &[(100, 450)]), vec![(300, 150)]);
    }

    #[test]
    fn a_back_channel_is_not_an_interruption() {
        assert_eq!(run(&[(300, 330), (500, 540)], &[(100, 800)]), vec![]);
    }

    #[test]
    fn starting_together_is_not_interrupting_but_a_fifth_of_a_second_later_is() {
        assert_eq!(run(&[(119, 500)], &[(100, 800)]), vec![]);
        assert_eq!(run(&[(120, 500)], &[(100, 800)]), vec![(120, 380)]);
    }

    #[test]
    fn starting_after_the_other_side_stopped_is_taking_a_turn() {
        assert_eq!(run(&[(820, 1500)], &[(100, 800)]), vec![]);
    }

    #[test]
    fn an_interruption_is_confirmed_while_it_goes_on() {
        let (mut a, mut b) = (SideTalk::default(), SideTalk::default());
        let mut watch = InterruptionWatch::default();
        let mut first = None;
        for h in 0..1000u64 {
            let fa = h >= 300;
            let fb = h >= 100;
            let (ca, cb) = (a.push(fa, fa), b.push(fb, fb));
            if let Some(i) = watch.hop(&a, ca, &b, cb)
                && i.new
            {
                first = Some((h, i));
            }
        }
        let (h, i) = first.expect("confirmed before either side stops");
        // 0.6 s of overlap plus the 0.2 s hangover that must pass before it is sure.
        assert_eq!(h, 300 + 60 + HANGOVER_FRAMES as u64 - 1);
        assert_eq!((i.start, i.overlap, i.settled), (300, 60, false));
    }
}
