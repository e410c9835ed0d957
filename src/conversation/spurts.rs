//! One side's talk as talk spurts: stretches of speech with the short gaps inside bridged.
//!
//! The analyser's `speech` flag carries a 200 ms hangover (P.56) after every burst of
//! activity. A spurt therefore ends [`HANGOVER_FRAMES`] hops before the flag falls, and
//! only when the side has stayed silent for [`SPURT_BRIDGE_S`] counted from that true end:
//! gaps shorter than that (between words, a breath) are part of the spurt. A spurt's start
//! is known at once; its end is known [`SPURT_BRIDGE_S`] later and is dated back, so every
//! figure built on spurts is exact in time even though it is decided a little late.

use crate::dsp::vad::HANGOVER_FRAMES;

/// Gaps shorter than this inside one side's talk belong to the talk spurt: 0.5 s, the
/// analyser's pause length (`dsp::pace::PAUSE_S`, guidance row 6), so a spurt is what
/// `analyze` calls speaking time without pauses.
pub const SPURT_BRIDGE_S: f32 = 0.5;
const BRIDGE_HOPS: u64 = 50;
const HANGOVER_HOPS: u64 = HANGOVER_FRAMES as u64;

/// A closed talk spurt, in hops since the start of the call; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spurt {
    pub start: u64,
    pub end: u64,
}

impl Spurt {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }
}

/// What one hop changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Change {
    /// A spurt started at this hop.
    pub started: Option<u64>,
    /// A spurt closed on this hop (its end lies up to [`SPURT_BRIDGE_S`] back).
    pub closed: Option<Spurt>,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    start: u64,
    /// First hop of the current run of talk hops.
    run_start: u64,
    last_talk: u64,
    /// Hops of hangover at the end of the last finished run (0 while a run goes on, or
    /// when the run was ended by the bleed or faint-sound test rather than by the VAD).
    trim: u64,
}

impl Open {
    fn run_ongoing(&self, hop: u64) -> bool {
        self.last_talk + 1 >= hop
    }
}

/// Talk spurts of one side of the call.
#[derive(Debug, Clone, Default)]
pub(super) struct SideTalk {
    open: Option<Open>,
    closed: Vec<Spurt>,
    closed_hops: u64,
    /// Hops pushed so far.
    hops: u64,
}

impl SideTalk {
    /// Feeds hop `self.hops`: `talk` is this side's speech after the bleed and faint-sound
    /// tests; `speech` the analyser's own flag (it tells a run ended by the VAD, whose
    /// hangover is taken off, from one cut by those tests).
    pub fn push(&mut self, talk: bool, speech: bool) -> Change {
        let hop = self.hops;
        self.hops += 1;
        let mut change = Change::default();
        if talk {
            match self.open.as_mut() {
                None => {
                    self.open = Some(Open { start: hop, run_start: hop, last_talk: hop, trim: 0 });
                    change.started = Some(hop);
                }
                Some(o) => {
                    if o.last_talk + 1 < hop {
                        o.run_start = hop;
                    }
                    o.last_talk = hop;
                    o.trim = 0;
                }
            }
        } else if let Some(o) = self.open.as_mut() {
            if o.last_talk + 1 == hop && !speech {
                // Keep at least one hop: a run shorter than the hangover began inside it.
                o.trim = HANGOVER_HOPS.min(o.last_talk - o.run_start);
            }
            let end = o.last_talk + 1 - o.trim;
            if hop + 1 - end >= BRIDGE_HOPS {
                change.closed = Some(self.close(end));
            }
        }
        change
    }

    fn close(&mut self, end: u64) -> Spurt {
        let o = self.open.take().expect("closing an open spurt");
        let spurt = Spurt { start: o.start, end };
        self.closed.push(spurt);
        self.closed_hops += spurt.len();
        spurt
    }

    /// Ends the stream: an open spurt closes where its talk ended (a run still going at
    /// the last hop was cut by the end of the recording, not by the VAD: no trim).
    pub fn finish(&mut self) -> Option<Spurt> {
        let o = self.open?;
        let end = if o.run_ongoing(self.hops) { o.last_talk + 1 } else { o.last_talk + 1 - o.trim };
        Some(self.close(end))
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Start of the open spurt.
    pub fn open_start(&self) -> Option<u64> {
        self.open.map(|o| o.start)
    }

    /// How far the open spurt is surely talk: the hangover of a run that goes on may turn
    /// out to be silence. `None` without an open spurt.
    pub fn certain_end(&self) -> Option<u64> {
        let o = self.open?;
        Some(if o.run_ongoing(self.hops) {
            (o.last_talk + 1).saturating_sub(HANGOVER_HOPS).max(o.start)
        } else {
            o.last_talk + 1 - o.trim
        })
    }

    /// Closed spurts, oldest first.
    #[cfg(test)]
    pub fn closed(&self) -> &[Spurt] {
        &self.closed
    }

    /// End of the latest closed spurt.
    pub fn last_end(&self) -> Option<u64> {
        self.closed.last().map(|s| s.end)
    }

    /// Talk so far: closed spurts and the sure part of the open one.
    pub fn talk_hops(&self) -> u64 {
        self.closed_hops + self.open_so_far().map_or(0, |s| s.len())
    }

    /// The open spurt as far as it is sure.
    pub fn open_so_far(&self) -> Option<Spurt> {
        Some(Spurt { start: self.open_start()?, end: self.certain_end()? })
    }

    /// Closed spurts and the sure part of the open one.
    pub fn spurts(&self) -> Vec<Spurt> {
        self.closed.iter().copied().chain(self.open_so_far()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `hops` hops of talk as the analyser flags them: speech from `start` to
    /// `end` plus the hangover.
    fn feed(side: &mut SideTalk, talk: &[(u64, u64)], hops: u64) -> Vec<Change> {
        (0..hops)
            .map(|h| {
                let speech = talk.iter().any(|&(s, e)| h >= s && h < e + HANGOVER_HOPS);
                side.push(speech, speech)
            })
            .collect()
    }

    #[test]
    fn a_spurt_ends_where_the_speech_ended_not_where_the_hangover_did() {
        let mut side = SideTalk::default();
        let changes = feed(&mut side, &[(100, 300)], 500);
        assert_eq!(changes[100].started, Some(100));
        let closed: Vec<_> = changes.iter().filter_map(|c| c.closed).collect();
        assert_eq!(closed, vec![Spurt { start: 100, end: 300 }]);
        // Decided once 0.5 s of silence followed the true end.
        assert_eq!(changes[349].closed, Some(Spurt { start: 100, end: 300 }));
    }

    #[test]
    fn gaps_under_half_a_second_are_bridged_and_longer_ones_split() {
        // 49 hops of silence between the two bursts: one spurt.
        let mut side = SideTalk::default();
        feed(&mut side, &[(0, 100), (149, 200)], 400);
        assert_eq!(side.closed(), &[Spurt { start: 0, end: 200 }]);
        // 50 hops: two.
        let mut side = SideTalk::default();
        feed(&mut side, &[(0, 100), (150, 200)], 400);
        assert_eq!(side.closed(), &[Spurt { start: 0, end: 100 }, Spurt { start: 150, end: 200 }]);
    }

    #[test]
    fn a_run_cut_by_the_bleed_test_keeps_its_last_hops() {
        let mut side = SideTalk::default();
        for h in 0..200 {
            // talk until hop 100, then the flag stays up but the hop is not the agent's
            side.push(h < 100, true);
        }
        assert_eq!(side.closed(), &[Spurt { start: 0, end: 100 }]);
    }

    #[test]
    fn the_hangover_of_a_run_that_goes_on_is_not_yet_sure() {
        let mut side = SideTalk::default();
        feed(&mut side, &[(10, 1000)], 110);
        assert_eq!(side.certain_end(), Some(110 - HANGOVER_HOPS));
        assert_eq!(side.talk_hops(), 100 - HANGOVER_HOPS);
    }

    #[test]
    fn the_end_of_the_stream_closes_an_open_spurt_without_trimming_a_cut_run() {
        let mut side = SideTalk::default();
        feed(&mut side, &[(10, 1000)], 110);
        assert_eq!(side.finish(), Some(Spurt { start: 10, end: 110 }));
        let mut side = SideTalk::default();
        feed(&mut side, &[(10, 50)], 90);
        assert_eq!(side.finish(), Some(Spurt { start: 10, end: 50 }));
        assert_eq!(side.finish(), None);
    }
}
