//! The agent's personal baseline: what their normal voice measures. It is stored in the
//! settings file, so it is checked against what a voice can measure before any gauge
//! compares with it: a damaged baseline is dropped (the agent calibrates again), never
//! shown as a 39-digit decibel figure or "NaN Hz".

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::targets::{ValueProblem, check_in_range};
use crate::analysis::Frame;
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

/// Collects frames during calibration.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    pitch: PitchHistogram,
    speech_power: f64,
    speech_frames: u64,
    syllables: u64,
    pub elapsed_s: f64,
}

/// Calibration needs at least this much speech to mean anything.
pub const MIN_SPEECH_S: f64 = 8.0;
/// How long the calibration asks the agent to talk.
pub const CALIBRATION_S: f64 = 15.0;

impl Calibration {
    pub fn push(&mut self, frame: &Frame) {
        self.elapsed_s += 0.01;
        if frame.speech {
            self.speech_power += dbfs_to_power(frame.level_dbfs);
            self.speech_frames += 1;
        }
        if frame.voiced() {
            self.pitch.add_bin(PitchHistogram::bin_of(frame.f0_hz));
        }
        self.syllables += frame.syllable as u64;
    }

    pub fn speech_s(&self) -> f64 {
        self.speech_frames as f64 * 0.01
    }

    pub fn done(&self) -> bool {
        self.elapsed_s >= CALIBRATION_S
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
