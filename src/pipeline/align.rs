//! The two sides of a call on one clock: each channel's frames are placed on the
//! pipeline's wall clock (hops of 10 ms since it started) and paired hop by hop.
//!
//! Each channel's analyser counts its own stream time; a stream starts at its own moment
//! and a reconnect leaves a gap that stream time does not see. So each channel keeps a
//! [`ChannelClock`] anchored at the capture time of the block that (re)started its
//! analyser: wall time = stream time + offset. Device clocks drift by parts per million,
//! far under one hop over a call. The agent's frames drive the pairing; a caller frame
//! that is missing (no caller source, a lost device, a gap) pairs as silence, and the
//! agent never waits more than [`MAX_WAIT_HOPS`] for the caller.

use std::collections::VecDeque;
use std::time::Instant;

use crate::analysis::{Frame, HOP_S};

/// How far the agent's side may run ahead of the caller's before its frames are paired
/// with silence: 0.5 s, half the block channel's depth.
pub const MAX_WAIT_HOPS: i64 = 50;

/// A jump of the wall-minus-stream offset larger than this is a gap in the stream (a
/// reconnect, or an output suspended while idle: its monitor then delivers nothing); a
/// smaller rise is delivery jitter and is not followed.
pub const GAP_S: f64 = 0.2;

/// Where one channel's stream time sits on the pipeline's wall clock.
///
/// Blocks reach the analyser after the audio was captured, by a delay that varies: a
/// sound server hands over long buffers at once, and a thread may be late. The earliest
/// delivery is the truest, so the offset follows every block down and rises only at a gap.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChannelClock {
    offset_s: f64,
}

impl ChannelClock {
    /// Updates the clock with a block whose last sample was captured at `captured_at`,
    /// when the analyser's stream time has reached `stream_end_s`.
    pub fn observe(&mut self, epoch: Instant, captured_at: Instant, stream_end_s: f64) {
        let fresh = Self::anchor(epoch, captured_at, stream_end_s);
        if fresh.offset_s > self.offset_s + GAP_S || fresh.offset_s < self.offset_s {
            *self = fresh;
        }
    }

    /// A clock anchored at one block: its last sample was captured at `captured_at`, when
    /// the analyser's stream time had reached `stream_end_s`.
    pub fn anchor(epoch: Instant, captured_at: Instant, stream_end_s: f64) -> Self {
        Self { offset_s: captured_at.saturating_duration_since(epoch).as_secs_f64() - stream_end_s }
    }

    /// The wall-clock hop of a frame.
    pub fn hop(&self, f: &Frame) -> i64 {
        ((f.time_s + self.offset_s) / HOP_S).round() as i64
    }
}

/// Pairs agent and caller frames by hop.
#[derive(Debug, Default)]
pub struct Aligner {
    agent: VecDeque<(i64, Frame)>,
    caller: VecDeque<(i64, Frame)>,
    newest_caller_hop: Option<i64>,
    /// A caller source is expected: wait for it (within [`MAX_WAIT_HOPS`]).
    caller_expected: bool,
}

impl Aligner {
    pub fn new(caller_expected: bool) -> Self {
        Self { caller_expected, ..Self::default() }
    }

    /// No caller frames will come for now (the source is lost): stop waiting for them.
    pub fn set_caller_expected(&mut self, expected: bool) {
        self.caller_expected = expected;
    }

    pub fn push_agent(&mut self, hop: i64, f: Frame) {
        self.agent.push_back((hop, f));
    }

    pub fn push_caller(&mut self, hop: i64, f: Frame) {
        self.newest_caller_hop = Some(self.newest_caller_hop.map_or(hop, |h| h.max(hop)));
        self.caller.push_back((hop, f));
    }

    /// Moves every agent frame that can be paired now into `out`, with the caller's frame
    /// of the same hop or, where there is none, a silent one.
    pub fn pop_pairs(&mut self, out: &mut Vec<(Frame, Frame)>) {
        let newest_agent = self.agent.back().map(|a| a.0);
        while let Some(&(hop, agent)) = self.agent.front() {
            let caller_ready = self.newest_caller_hop.is_some_and(|h| h >= hop);
            let waited_long = newest_agent.is_some_and(|n| n - hop >= MAX_WAIT_HOPS);
            if self.caller_expected && !caller_ready && !waited_long {
                break;
            }
            self.agent.pop_front();
            while self.caller.front().is_some_and(|c| c.0 < hop) {
                self.caller.pop_front();
            }
            let caller = match self.caller.front() {
                Some(&(h, f)) if h == hop => {
                    self.caller.pop_front();
                    Frame { time_s: agent.time_s, ..f }
                }
                _ => Frame { time_s: agent.time_s, level_dbfs: -120.0, ..Frame::default() },
            };
            out.push((agent, caller));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn frame(t: f64, speech: bool) -> Frame {
        Frame { time_s: t, speech, ..Frame::default() }
    }

    #[test]
    fn a_channel_clock_puts_a_late_stream_at_its_capture_time() {
        let epoch = Instant::now();
        // The caller's stream started 1.234 s after the pipeline: its first 1024-sample
        // block at 16 kHz (64 ms) was delivered at 1.298 s.
        let clock = ChannelClock::anchor(epoch, epoch + Duration::from_millis(1298), 0.064);
        assert_eq!(clock.hop(&frame(0.0, false)), 123);
        assert_eq!(clock.hop(&frame(0.5, false)), 173);
    }

    #[test]
    fn the_clock_follows_the_earliest_delivery_and_jumps_only_at_a_gap() {
        let epoch = Instant::now();
        let at = |ms: u64| epoch + Duration::from_millis(ms);
        // First block late by 1.6 s (a buffer handed over at once), then on time.
        let mut clock = ChannelClock::anchor(epoch, at(1664), 0.064);
        clock.observe(epoch, at(1728), 1.728);
        assert_eq!(clock.hop(&frame(0.0, false)), 0);
        // Jitter of 0.1 s is not followed…
        clock.observe(epoch, at(1900), 1.792);
        assert_eq!(clock.hop(&frame(1.0, false)), 100);
        // …a 3 s gap (nothing delivered while the output was idle) is.
        clock.observe(epoch, at(5000), 1.856);
        assert_eq!(clock.hop(&frame(1.856, false)), 500);
    }

    #[test]
    fn frames_of_the_same_hop_are_paired_and_the_caller_keeps_its_values() {
        let mut a = Aligner::new(true);
        for h in 0..10 {
            a.push_agent(h, frame(h as f64 * 0.01, true));
        }
        let mut out = Vec::new();
        a.pop_pairs(&mut out);
        assert!(out.is_empty(), "the agent waits for the caller");
        for h in 0..10 {
            a.push_caller(h, Frame { level_dbfs: -20.0, ..frame(9.0, h >= 5) });
        }
        a.pop_pairs(&mut out);
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(|(ag, ca)| ag.time_s == ca.time_s && ca.level_dbfs == -20.0));
        assert_eq!(out.iter().filter(|(_, c)| c.speech).count(), 5);
    }

    #[test]
    fn a_stalled_caller_holds_the_agent_back_at_most_half_a_second() {
        let mut a = Aligner::new(true);
        let mut out = Vec::new();
        for h in 0..80 {
            a.push_agent(h, frame(h as f64 * 0.01, true));
            a.pop_pairs(&mut out);
        }
        assert_eq!(out.len() as i64, 80 - MAX_WAIT_HOPS);
        assert!(out.iter().all(|(_, c)| !c.speech));
    }

    #[test]
    fn without_a_caller_source_every_agent_frame_pairs_with_silence_at_once() {
        let mut a = Aligner::new(false);
        let mut out = Vec::new();
        a.push_agent(7, frame(0.07, true));
        a.pop_pairs(&mut out);
        assert_eq!(out.len(), 1);
        assert!(!out[0].1.speech);
    }

    #[test]
    fn caller_frames_older_than_the_agent_are_dropped_and_gaps_are_silence() {
        let mut a = Aligner::new(true);
        for h in 0..5 {
            a.push_caller(h, frame(0.0, true));
        }
        a.push_caller(12, frame(0.0, true));
        a.push_agent(3, frame(0.03, false));
        a.push_agent(8, frame(0.08, false));
        a.push_agent(12, frame(0.12, false));
        let mut out = Vec::new();
        a.pop_pairs(&mut out);
        let speech: Vec<bool> = out.iter().map(|(_, c)| c.speech).collect();
        assert_eq!(speech, [true, false, true]);
    }
}
