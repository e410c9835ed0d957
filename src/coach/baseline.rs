//! The agent's personal baseline: what their normal voice measures.

use serde::{Deserialize, Serialize};

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
        Some(Baseline {
            pitch_median_hz: self.pitch.median_hz()?,
            pitch_spread_st: self.pitch.spread_st()?,
            active_level_dbfs: power_to_dbfs(self.speech_power / self.speech_frames as f64),
            syllables_per_min: (self.syllables as f64 * 60.0 / self.speech_s()) as f32,
        })
    }
}
