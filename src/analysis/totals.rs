//! The whole-stream figures, built hop by hop from what each [`Frame`] says.
//!
//! One definition for two uses: the analyser's own summary (everything it heard) and a
//! call's summary, which starts wherever the call started in a stream that runs all
//! shift. Both push the same frames through the same trackers (speaking time, turns,
//! pitch statistics, active level), so a call's pace is the pace `analyze` reports.

use super::frame::{Frame, HOP_S, hops_to_s};
use super::summary::Summary;
use crate::dsp::level::{dbfs_to_power, power_to_dbfs};
use crate::dsp::pace::{SpeakingTime, TurnTracker};
use crate::dsp::tone::PitchHistogram;

#[derive(Debug, Clone)]
pub struct Totals {
    speaking: SpeakingTime,
    /// Turn time, and the articulation's within it (see `TurnTracker`).
    turns: TurnTracker,
    pitch: PitchHistogram,
    /// Power summed over the speech hops (the active level of ITU-T P.56's idea).
    speech_power: f64,
    speech_hops: u64,
    clipped: u64,
    hops: u64,
    syllables: u64,
    speaking_hops: u64,
    articulation_hops: u64,
    turn_hops: u64,
    turns_ended: u32,
    voiced_hops: u64,
    pauses: u32,
    longest_pause_s: f32,
}

impl Default for Totals {
    fn default() -> Self {
        Self::new()
    }
}

impl Totals {
    pub fn new() -> Self {
        let hop = HOP_S as f32;
        Self {
            speaking: SpeakingTime::new(hop),
            turns: TurnTracker::new(hop),
            pitch: PitchHistogram::default(),
            speech_power: 0.0,
            speech_hops: 0,
            clipped: 0,
            hops: 0,
            syllables: 0,
            speaking_hops: 0,
            articulation_hops: 0,
            turn_hops: 0,
            turns_ended: 0,
            voiced_hops: 0,
            pauses: 0,
            longest_pause_s: 0.0,
        }
    }

    /// Adds one hop with its power (mean square).
    fn push(&mut self, f: &Frame, power: f64) {
        self.hops += 1;
        let update = self.speaking.push(f.speech);
        if let Some(p) = update.pause_ended_s {
            self.pauses += 1;
            self.longest_pause_s = self.longest_pause_s.max(p);
        }
        self.speaking_hops += update.speaking_frames as u64;
        if f.speech {
            self.speech_power += power;
            self.speech_hops += 1;
        }
        let turn = self.turns.push(f.active, f.syllable);
        self.turn_hops += turn.turn_frames as u64;
        self.articulation_hops += turn.articulation_frames as u64;
        self.turns_ended += turn.turn_ended_frames.is_some() as u32;
        self.syllables += f.syllable as u64;
        if f.voiced() {
            self.voiced_hops += 1;
            self.pitch.add_bin(PitchHistogram::bin_of(f.f0_hz));
        }
        self.clipped += f.clipped_samples as u64;
    }

    /// Adds one hop; its power is taken from its level in dBFS (what any reader of the
    /// frames has), so all totals agree to the last digit.
    pub fn push_frame(&mut self, f: &Frame) {
        self.push(f, dbfs_to_power(f.level_dbfs));
    }

    /// Ends the open turn: the caller took the floor (see `TurnTracker::end_turn`).
    pub fn end_turn(&mut self) {
        self.turns_ended += self.turns.end_turn().is_some() as u32;
    }

    /// Hops added so far.
    pub fn hops(&self) -> u64 {
        self.hops
    }

    /// The figures so far, for a stream of `duration_s`; `frames` is how many frames the
    /// stream emitted (the analyser keeps look-ahead padding out of it).
    /// Pace figures use the pace factor in force ([`crate::analysis::pace_factor`]).
    pub fn summary(&self, duration_s: f64, frames: u64) -> Summary {
        self.summary_with_factor(duration_s, frames, super::pace_factor())
    }

    fn summary_with_factor(&self, duration_s: f64, frames: u64, factor: f32) -> Summary {
        let speech_s = hops_to_s(self.speaking_hops);
        let turn_s = hops_to_s(self.turn_hops);
        let calibrated = factor != 1.0;
        let syllables = self.syllables as f64 * f64::from(factor);
        let per_min = |seconds: f64| (seconds > 0.0).then(|| (syllables * 60.0 / seconds) as f32);
        Summary {
            duration_s,
            speech_s,
            turn_s,
            turns: self.turns_ended + self.turns.in_turn() as u32,
            voiced_s: hops_to_s(self.voiced_hops),
            syllables: syllables.round() as u64,
            syllables_counted: calibrated.then_some(self.syllables),
            pace_factor: calibrated.then_some(factor),
            syllables_per_min: per_min(turn_s),
            articulation_s: hops_to_s(self.articulation_hops),
            articulation_rate: None,
            chars_per_min: None,
            words_per_min: None,
            level_active_dbfs: (self.speech_hops > 0)
                .then(|| power_to_dbfs(self.speech_power.max(0.0) / self.speech_hops as f64)),
            clipped_samples: self.clipped,
            pitch_median_hz: self.pitch.median_hz(),
            pitch_spread_st: self.pitch.spread_st(),
            pauses: self.pauses,
            longest_pause_s: self.longest_pause_s,
            frames,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyser, AnalyserConfig};

    #[test]
    fn the_active_level_averages_the_power_of_speech_hops_only() {
        let hop = |level_dbfs: f32, speech: bool| Frame { level_dbfs, speech, ..Frame::default() };
        let mut t = Totals::new();
        t.push_frame(&hop(-20.0, true));
        t.push_frame(&hop(-60.0, false));
        for _ in 0..4 {
            t.push_frame(&hop(-30.0, true));
        }
        // One hop at −20 and four at −30; the silent hop does not count.
        let expected = power_to_dbfs((dbfs_to_power(-20.0) + 4.0 * dbfs_to_power(-30.0)) / 5.0);
        let level = t.summary(0.06, 6).level_active_dbfs.unwrap();
        assert!((level - expected).abs() < 1e-3, "{level} vs {expected}");
    }

    #[test]
    fn frames_summed_again_give_the_analysers_own_summary_digit_for_digit() {
        let rate = 16000;
        // Two "words" of a gliding vowel with a pause: speech, pitch, syllables, a pause.
        let word = |f0: f32| -> Vec<f32> {
            (0..rate as usize / 2)
                .map(|n| {
                    let t = n as f32 / rate as f32;
                    let env = (std::f32::consts::PI * t * 8.0).sin().abs();
                    env * 0.3 * (2.0 * std::f32::consts::PI * (f0 + 40.0 * t) * t).sin()
                })
                .collect()
        };
        let audio: Vec<f32> = [word(140.0), vec![0.0; 12000], word(180.0), vec![0.0; 4000]]
            .into_iter()
            .flatten()
            .collect();
        let mut a = Analyser::new(AnalyserConfig::new(rate)).unwrap();
        let mut totals = Totals::new();
        for block in audio.chunks(700) {
            a.process(block, &mut |f| totals.push_frame(f));
        }
        let own = a.finish(&mut |f| totals.push_frame(f));
        assert!(own.syllables > 0 && own.speech_s > 0.5, "{own:?}");
        let again = totals.summary(own.duration_s, totals.hops());
        assert_eq!(again, own);
    }

    #[test]
    fn a_pace_factor_scales_the_syllables_and_pace_and_says_so() {
        let mut t = Totals::new();
        // 100 syllables in a 10 s turn: one every 10 hops of speech.
        for k in 0..1000 {
            t.push_frame(&Frame {
                active: true,
                speech: true,
                syllable: k % 10 == 5,
                ..Frame::default()
            });
        }
        let plain = t.summary_with_factor(10.0, 1000, 1.0);
        assert_eq!((plain.syllables_counted, plain.pace_factor), (None, None));
        let calibrated = t.summary_with_factor(10.0, 1000, 1.1).with_lang(super::super::Lang::Zh);
        assert_eq!(calibrated.syllables_counted, Some(plain.syllables));
        assert_eq!(calibrated.pace_factor, Some(1.1));
        assert_eq!(calibrated.syllables, (plain.syllables as f64 * 1.1).round() as u64);
        let ratio = calibrated.syllables_per_min.unwrap() / plain.syllables_per_min.unwrap();
        assert!((ratio - 1.1).abs() < 1e-4, "{ratio}");
        let plain = plain.with_lang(super::super::Lang::Zh);
        let ratio = calibrated.articulation_rate.unwrap() / plain.articulation_rate.unwrap();
        assert!((ratio - 1.1).abs() < 1e-4, "{ratio}");
    }
}
