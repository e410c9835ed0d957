//! The agent's personal baseline: what their normal voice measures. It is stored in the
//! settings file, so it is checked against what a voice can measure before any gauge
//! compares with it: a damaged baseline is dropped (the agent calibrates again), never
//! shown as a 39-digit decibel figure or "NaN Hz".

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::pace_profile::{PaceProfile, ProfileError, passage};
use super::rehearsal::count_syllables;
use super::targets::{ValueProblem, check_in_range};
use crate::analysis::{Frame, Lang};
use crate::dsp::level::{dbfs_to_power, power_to_dbfs};
use crate::dsp::tone::PitchHistogram;

/// Measured from 10–20 s of the agent's normal speech (guidance: calibrate each agent).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub pitch_median_hz: f32,
    pub pitch_spread_st: f32,
    pub active_level_dbfs: f32,
    pub syllables_per_min: f32,
}

/// Median speaking pitch: 40 Hz (the pitch histogram's floor, below any adult voice) to
/// 600 Hz (above a child's or a raised soprano speaking voice).
pub const PITCH_MEDIAN_RANGE_HZ: RangeInclusive<f32> = 40.0..=600.0;
/// 10–90 % pitch spread: four octaves is more than any speaking voice moves.
pub const PITCH_SPREAD_RANGE_ST: RangeInclusive<f32> = 0.0..=48.0;
/// Active level: full scale at most; −100 dBFS is below any 16-bit microphone's noise.
pub const ACTIVE_LEVEL_RANGE_DBFS: RangeInclusive<f32> = -100.0..=0.0;
/// Syllables a minute: the top of the pace range (600) in English words is 900 syllables;
/// a calibration where few syllables were heard may come out near 0 and is still usable.
pub const SYLLABLES_PER_MIN_RANGE: RangeInclusive<f32> = 0.0..=900.0;

impl Baseline {
    /// Each figure with its key in the settings file and the range it may take.
    fn figures(&self) -> [(&'static str, f32, RangeInclusive<f32>); 4] {
        [
            ("pitch_median_hz", self.pitch_median_hz, PITCH_MEDIAN_RANGE_HZ),
            ("pitch_spread_st", self.pitch_spread_st, PITCH_SPREAD_RANGE_ST),
            ("active_level_dbfs", self.active_level_dbfs, ACTIVE_LEVEL_RANGE_DBFS),
            ("syllables_per_min", self.syllables_per_min, SYLLABLES_PER_MIN_RANGE),
        ]
    }

    /// The first figure a voice could not have measured, with its key; `Ok` when every
    /// figure is a number within its range.
    pub fn check(&self) -> Result<(), (&'static str, ValueProblem)> {
        for (key, value, range) in self.figures() {
            check_in_range(f64::from(value), &range).map_err(|problem| (key, problem))?;
        }
        Ok(())
    }
}

/// Why a calibration is refused: the baseline must be the agent's own normal voice, and
/// the demo is someone else's recording while a rehearsal is read speech (issue: the demo
/// voice was once stored as an agent's baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalibrationRefusal {
    Demo,
    Rehearsal,
}

impl CalibrationRefusal {
    /// The refusal for a source that plays the demo or runs a rehearsal; `None` on a call.
    pub fn of(demo: bool, rehearsal: bool) -> Option<Self> {
        if demo {
            Some(Self::Demo)
        } else if rehearsal {
            Some(Self::Rehearsal)
        } else {
            None
        }
    }
}

/// Collects frames during calibration: the agent reads the passage of their speech
/// language aloud ([`super::pace_profile::passage`]), which gives the baseline (their
/// normal pitch and level) and the pace calibration (the passage's syllables against the
/// count) at once.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    pitch: PitchHistogram,
    speech_power: f64,
    speech_frames: u64,
    syllables: u64,
    lang: Lang,
    /// Time since the last speech hop.
    quiet_s: f64,
    pub elapsed_s: f64,
}

/// Calibration needs at least this much speech to mean anything.
pub const MIN_SPEECH_S: f64 = 8.0;
/// The least a calibration lasts: the agent is asked to read, and reading the passage
/// takes 15–30 s at 150–280 characters a minute.
pub const CALIBRATION_S: f64 = 15.0;
/// After `CALIBRATION_S`, this much quiet ends the reading.
pub const READING_DONE_QUIET_S: f64 = 1.5;
/// The most a calibration lasts, whatever was said.
pub const MAX_CALIBRATION_S: f64 = 45.0;

impl Calibration {
    /// A calibration whose passage is in `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang, ..Self::default() }
    }

    /// The language of the passage to read.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn push(&mut self, frame: &Frame) {
        self.elapsed_s += 0.01;
        if frame.speech {
            self.speech_power += dbfs_to_power(frame.level_dbfs);
            self.speech_frames += 1;
            self.quiet_s = 0.0;
        } else {
            self.quiet_s += 0.01;
        }
        if frame.voiced() {
            self.pitch.add_bin(PitchHistogram::bin_of(frame.f0_hz));
        }
        self.syllables += frame.syllable as u64;
    }

    pub fn speech_s(&self) -> f64 {
        self.speech_frames as f64 * 0.01
    }

    /// How far through the passage the reading is, by the syllables heard (0–1).
    pub fn progress(&self) -> f32 {
        let passage = count_syllables(passage(self.lang)).max(1);
        (self.syllables as f32 / passage as f32).min(1.0)
    }

    /// The reading is over: quiet after at least `CALIBRATION_S`, or `MAX_CALIBRATION_S`.
    pub fn done(&self) -> bool {
        (self.elapsed_s >= CALIBRATION_S && self.quiet_s >= READING_DONE_QUIET_S)
            || self.elapsed_s >= MAX_CALIBRATION_S
    }

    /// The pace calibration the reading teaches, or why it teaches none (too little of the
    /// passage read, or something else said). The count is the detector's own: frames
    /// carry syllables before any factor.
    pub fn pace_profile(&self) -> Result<PaceProfile, ProfileError> {
        PaceProfile::learn(self.lang, count_syllables(passage(self.lang)), self.syllables)
    }

    /// The baseline, or `None` when there was too little speech to measure it.
    pub fn finish(&self) -> Option<Baseline> {
        if self.speech_s() < MIN_SPEECH_S || self.pitch.len() < 200 {
            return None;
        }
        let baseline = Baseline {
            pitch_median_hz: self.pitch.median_hz()?,
            pitch_spread_st: self.pitch.spread_st()?,
            active_level_dbfs: power_to_dbfs(self.speech_power / self.speech_frames as f64),
            syllables_per_min: (self.syllables as f64 * 60.0 / self.speech_s()) as f32,
        };
        // A figure no voice gives (a NaN level from damaged input) fails the calibration
        // rather than being saved and compared against for every later call.
        baseline.check().is_ok().then_some(baseline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hops(c: &mut Calibration, seconds: f64, speech: bool, every: usize) {
        for i in 0..(seconds * 100.0).round() as usize {
            c.push(&Frame { speech, syllable: speech && i % every == 0, ..Frame::default() });
        }
    }

    #[test]
    fn a_reading_ends_on_the_quiet_after_it_and_teaches_the_pace_factor() {
        // The 71-syllable passage read in 17.75 s (one syllable every 25 hops).
        let mut c = Calibration::new(Lang::Zh);
        hops(&mut c, 14.9, true, 25);
        assert!(!c.done() && c.progress() > 0.8 && c.progress() < 0.85, "{}", c.progress());
        hops(&mut c, 2.85, true, 25);
        assert!(!c.done(), "still reading after 15 s");
        hops(&mut c, 1.4, false, 1);
        assert!(!c.done(), "a pause inside the reading");
        hops(&mut c, 0.11, false, 1);
        assert!(c.done());
        assert_eq!(c.progress(), 1.0);
        let expected = (71.0 / c.syllables as f32 * 100.0).round() / 100.0;
        assert!((0.97..=1.03).contains(&expected), "{} syllables", c.syllables);
        assert_eq!(c.pace_profile().unwrap().factor, expected);
        // Half the passage, then quiet: done, but no pace calibration from it.
        let mut c = Calibration::new(Lang::Zh);
        hops(&mut c, 9.0, true, 25);
        hops(&mut c, 7.0, false, 1);
        assert!(c.done() && c.pace_profile().is_err());
        // Talking on and on ends at the limit.
        let mut c = Calibration::new(Lang::En);
        hops(&mut c, MAX_CALIBRATION_S - 0.1, true, 25);
        assert!(!c.done());
        hops(&mut c, 0.2, true, 25);
        assert!(c.done() && c.lang() == Lang::En);
    }

    const TYPICAL: Baseline = Baseline {
        pitch_median_hz: 210.0,
        pitch_spread_st: 6.0,
        active_level_dbfs: -26.0,
        syllables_per_min: 220.0,
    };

    #[test]
    fn a_typical_baseline_passes_its_check() {
        assert_eq!(TYPICAL.check(), Ok(()));
    }

    #[test]
    fn the_figure_keys_are_the_serialised_field_names() {
        let json = serde_json::to_value(TYPICAL).unwrap();
        let mut fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys: Vec<&str> = TYPICAL.figures().map(|(k, _, _)| k).to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn a_huge_nan_or_infinite_figure_is_named_with_its_problem() {
        let huge_level = Baseline { active_level_dbfs: 1e38, ..TYPICAL };
        assert_eq!(
            huge_level.check(),
            Err(("active_level_dbfs", ValueProblem::OutOfRange { min: -100.0, max: 0.0 }))
        );
        let nan_pitch = Baseline { pitch_median_hz: f32::NAN, ..TYPICAL };
        assert_eq!(nan_pitch.check(), Err(("pitch_median_hz", ValueProblem::NotANumber)));
        let infinite_spread = Baseline { pitch_spread_st: f32::INFINITY, ..TYPICAL };
        assert_eq!(
            infinite_spread.check(),
            Err(("pitch_spread_st", ValueProblem::OutOfRange { min: 0.0, max: 48.0 }))
        );
        let negative_pace = Baseline { syllables_per_min: -5.0, ..TYPICAL };
        assert!(negative_pace.check().is_err());
    }
}
