//! One side's talk as talk spurts: stretches of speech with the short gaps inside bridged.
//!
//! The analyser's `speech` flag carries a 200 ms hangover (P.56) after every burst of
//! activity. A spurt therefore ends [`HANGOVER_FRAMES`] hops before the flag falls, and
//! only when the side has stayed silent for [`SPURT_BRIDGE_S`] counted from that true end:
//! gaps shorter than that (between words, a breath) are part of the spurt. A spurt's start
//! is known at once; its end is known [`SPURT_BRIDGE_S`] later and is dated back, so every
//! figure built on spurts is exact in time even though it is decided a little late.
//!
//! A run's quiet edges (a soft onset, a fading tail, which the own-level test cuts) are
//! given back to it from the VAD's flag, within [`EDGE_HOPS`]: a start may be dated that
//! far back too. Without them talk on Common Voice voices read 2 % short on average and up
//! to 4.1 % (`tests/conversation_voices.rs`, held-out voices; README).

use crate::dsp::vad::HANGOVER_FRAMES;

/// Gaps shorter than this inside one side's talk belong to the talk spurt: 0.5 s, the
/// analyser's pause length (`dsp::pace::PAUSE_S`, guidance row 6), so a spurt is what
/// `analyze` calls speaking time without pauses.
pub const SPURT_BRIDGE_S: f32 = 0.5;
const BRIDGE_HOPS: u64 = 50;
const HANGOVER_HOPS: u64 = HANGOVER_FRAMES as u64;
/// Quiet edges of a side's talk: the own-level test (`dsp::own_level`) judges 0.3 s of
/// sound, so a word that rises from silence, or fades into it, more than 15 dB under the
/// speaker's level (a soft onset, a lip noise before a sentence, a fading tail) is cut
/// though the VAD hears it. Speech that began at most this long before a run of talk, or
/// ended at most this long after one, with nothing but speech between, belongs to that run;
/// speech that goes on longer (a neighbour talking on, bleed, hold music) does not. 0.3 s
/// is the own-level test's own window, and the shortest that met issue 20's 5 % on the
/// tuning half's calls (`cargo test --release --test tests conversation_voices:: --
/// --nocapture`, its "tuning voices" line): 0.2, 0.3 and 0.5 s gave talk per side bias
/// −0.6 / −0.1 / −0.0 %, mean |error| 0.8 / 0.9 / 0.9 % and worst −5.3 / −4.5 / −4.5 %.
pub(super) const EDGE_HOPS: u64 = 30;

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
    /// First hop of the current run of talk hops (its onset dated back, see [`EDGE_HOPS`]).
    run_start: u64,
    last_talk: u64,
    /// Where the last finished run's talk ends (`None` while a run goes on): its last talk
    /// hop + 1, less the VAD's hangover where the VAD ended it, or as far as its quiet tail
    /// was speech (see [`EDGE_HOPS`]) where the own-level test cut it.
    end: Option<u64>,
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
    /// First hop of the running stretch of the analyser's speech flag, if the last hop had
    /// it.
    speech_from: Option<u64>,
}

impl SideTalk {
    /// Feeds hop `self.hops`: `talk` is this side's speech after the bleed and faint-sound
    /// tests; `speech` the analyser's own flag (it tells a run ended by the VAD, whose
    /// hangover is taken off, from one cut by those tests, and it carries the quiet edges
    /// of a run, see [`EDGE_HOPS`]).
    pub fn push(&mut self, talk: bool, speech: bool) -> Change {
        let hop = self.hops;
        self.hops += 1;
        let speech_from = match (speech, self.speech_from) {
            (false, _) => None,
            (true, from) => Some(from.unwrap_or(hop)),
        };
        // The stretch of speech that ended at this hop, if one did.
        let ended_stretch = if speech { None } else { self.speech_from };
        self.speech_from = speech_from;
        let mut change = Change::default();
        if talk {
            // The stretch of speech this run grew out of, when it began at most
            // EDGE_HOPS ago and after everything already counted: its quiet onset.
            let counted = self.open.map_or(self.last_end().unwrap_or(0), |o| o.last_talk + 1);
            let onset =
                speech_from.filter(|&s| hop - s <= EDGE_HOPS && s >= counted).unwrap_or(hop);
            match self.open.as_mut() {
                None => {
                    self.open =
                        Some(Open { start: onset, run_start: onset, last_talk: hop, end: None });
                    change.started = Some(onset);
                }
                Some(o) => {
                    if o.last_talk + 1 < hop {
                        o.run_start = onset;
                    }
                    o.last_talk = hop;
                    o.end = None;
                }
            }
        } else if let Some(o) = self.open.as_mut() {
            if o.last_talk + 1 == hop {
                // The run just ended: cut by a test (the speech goes on) or by the VAD.
                o.end = Some(hop);
            }
            if ended_stretch.is_some_and(|from| from <= o.last_talk) {
                // The speech that carried the run has ended: its last active hop was
                // HANGOVER_HOPS back. That is the run's end when it lies within EDGE_HOPS of
                // the last talk hop (the hangover of a run the VAD ended, or the quiet tail
                // of one the own-level test cut); at least one hop of the run is kept.
                let active_end = hop.saturating_sub(HANGOVER_HOPS);
                if active_end <= o.last_talk + 1 + EDGE_HOPS {
                    o.end = Some(active_end.max(o.run_start + 1));
                }
            }
            let end = o.end.unwrap_or(o.last_talk + 1);
            // Speech that began in the gap may yet become talk with its onset dated back
            // into the gap: the spurt waits for it.
            let waiting = speech_from
                .is_some_and(|s| s > o.last_talk && s < end + BRIDGE_HOPS && hop - s < EDGE_HOPS);
            if hop + 1 - end >= BRIDGE_HOPS && !waiting {
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
        let end = if o.run_ongoing(self.hops) {
            o.last_talk + 1
        } else {
            o.end.unwrap_or(o.last_talk + 1)
        };
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
            o.end.unwrap_or(o.last_talk + 1)
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

    /// Feeds hops of (talk, speech) from closures of the hop.
    fn feed_with(
        side: &mut SideTalk,
        hops: u64,
        talk: impl Fn(u64) -> bool,
        speech: impl Fn(u64) -> bool,
    ) -> Vec<Change> {
        (0..hops).map(|h| side.push(talk(h), speech(h))).collect()
    }

    #[test]
    fn a_quiet_onset_the_level_test_cut_is_dated_back_to_where_its_speech_began() {
        // The VAD hears speech from hop 100; the own-level test passes from hop 120.
        let mut side = SideTalk::default();
        let changes =
            feed_with(&mut side, 600, |h| (120..300).contains(&h), |h| (100..320).contains(&h));
        assert_eq!(changes[120].started, Some(100));
        assert_eq!(side.closed(), &[Spurt { start: 100, end: 300 }]);
        // Speech that went on longer than EDGE_HOPS before the talk (a neighbour) is not
        // its onset.
        let mut side = SideTalk::default();
        let changes = feed_with(
            &mut side,
            600,
            |h| (120..300).contains(&h),
            |h| (120 - EDGE_HOPS - 1..320).contains(&h),
        );
        assert_eq!(changes[120].started, Some(120));
    }

    #[test]
    fn a_quiet_tail_is_kept_to_the_end_of_its_speech_unless_the_speech_goes_on() {
        // Talk to hop 200, then 20 hops of speech too quiet for the level test, then the
        // VAD's hangover: the run ends at 220.
        let tail = 20;
        let mut side = SideTalk::default();
        feed_with(
            &mut side,
            600,
            |h| (100..200).contains(&h),
            |h| (100..200 + tail + HANGOVER_HOPS).contains(&h),
        );
        assert_eq!(side.closed(), &[Spurt { start: 100, end: 200 + tail }]);
        // Speech that goes on for seconds after the talk (a neighbour) leaves the end at
        // the last talk hop.
        let mut side = SideTalk::default();
        feed_with(&mut side, 900, |h| (100..200).contains(&h), |h| (100..700).contains(&h));
        assert_eq!(side.closed(), &[Spurt { start: 100, end: 200 }]);
    }

    #[test]
    fn a_gap_shortened_by_a_quiet_onset_is_bridged() {
        // Talk 0..100 ended by the VAD; the next word's speech starts at 145 (45 hops
        // after the end, under the bridge) but passes the level test only at 160, when
        // 60 hops have passed: the spurt waited for it.
        let mut side = SideTalk::default();
        feed_with(
            &mut side,
            800,
            |h| h < 100 + HANGOVER_HOPS || (160..300 + HANGOVER_HOPS).contains(&h),
            |h| h < 100 + HANGOVER_HOPS || (145..300 + HANGOVER_HOPS).contains(&h),
        );
        assert_eq!(side.closed(), &[Spurt { start: 0, end: 300 }]);
        // Without the quiet onset the gap is 60 hops: two spurts.
        let mut side = SideTalk::default();
        feed(&mut side, &[(0, 100), (160, 300)], 800);
        assert_eq!(side.closed().len(), 2);
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
