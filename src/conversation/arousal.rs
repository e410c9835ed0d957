//! The caller's arousal: how far their pitch and level have risen above their own opening.
//!
//! Voices differ far more between people than within one person, so a caller is only
//! compared with themself: the baseline is their talk in the first [`AROUSAL_BASELINE_S`]
//! of the call (extended until it holds 3 s of their talk), usually the calm statement of
//! why they called. Raised pitch together with raised level is the acoustic mark of
//! high-arousal anger and agitation (Banse & Scherer 1996; the same pair guidance row 5
//! uses for the agent's calm), and the same thresholds apply: more than 2 semitones and
//! 4 dB over the last 5 s of their talk.

use serde::{Deserialize, Serialize};

use crate::dsp::level::{dbfs_to_power, power_to_dbfs};
use crate::dsp::tone::{PitchHistogram, RollingPitch, hz_to_semitones};

/// The caller's baseline is their talk in this first stretch of the call.
pub const AROUSAL_BASELINE_S: f32 = 20.0;
const BASELINE_HOPS: u64 = 2000;
/// ...but at least this much of it (3 s of talk: enough voiced hops for a stable median).
const BASELINE_MIN_TALK_HOPS: u32 = 300;
/// Pitch above the baseline, in semitones, that counts as raised (guidance row 5).
pub const AROUSED_PITCH_ST: f32 = 2.0;
/// Level above the baseline, in dB, that counts as raised (guidance row 5).
pub const AROUSED_LEVEL_DB: f32 = 4.0;
/// The current values cover the caller's last 5 s of talk...
const RECENT_TALK_HOPS: usize = 500;
/// ...and are given once there is 1 s of it (voiced, for the pitch).
const RECENT_MIN_HOPS: usize = 100;
/// The current values are worked out every 10 talk hops, as the analyser's pitch figures.
const UPDATE_EVERY: u64 = 10;

/// The caller now, against their own baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CallerArousal {
    /// Median pitch of their last 5 s of talk above their baseline, in semitones (`None`
    /// without enough voiced talk).
    pub pitch_st: Option<f32>,
    /// Level of their last 5 s of talk above their baseline, in dB.
    pub level_db: f32,
    /// Both raised past the thresholds.
    pub aroused: bool,
}

/// The caller's arousal over the whole call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ArousalSummary {
    pub baseline_pitch_hz: Option<f32>,
    pub baseline_level_dbfs: f32,
    /// Highest pitch of any 5 s of their talk above the baseline, in semitones.
    pub peak_pitch_st: Option<f32>,
    /// Highest level of any 5 s of their talk above the baseline, in dB.
    pub peak_level_db: Option<f32>,
    /// Their talk time while aroused.
    pub aroused_s: f32,
}

#[derive(Debug, Clone, Copy)]
struct Baseline {
    pitch_hz: Option<f32>,
    level_dbfs: f32,
}

#[derive(Debug, Clone)]
pub(super) struct ArousalTracker {
    baseline_pitch: PitchHistogram,
    baseline_power: f64,
    baseline_hops: u32,
    baseline: Option<Baseline>,
    recent_pitch: RollingPitch,
    recent_powers: Vec<f64>,
    next_power: usize,
    talk_hops: u64,
    current: Option<CallerArousal>,
    peak_pitch_st: Option<f32>,
    peak_level_db: Option<f32>,
    aroused_hops: u64,
}

impl Default for ArousalTracker {
    fn default() -> Self {
        Self {
            baseline_pitch: PitchHistogram::default(),
            baseline_power: 0.0,
            baseline_hops: 0,
            baseline: None,
            recent_pitch: RollingPitch::new(RECENT_TALK_HOPS),
            recent_powers: Vec::with_capacity(RECENT_TALK_HOPS),
            next_power: 0,
            talk_hops: 0,
            current: None,
            peak_pitch_st: None,
            peak_level_db: None,
            aroused_hops: 0,
        }
    }
}

impl ArousalTracker {
    /// One hop of the call; `talk` whether it is the caller's talk.
    pub fn push(&mut self, hop: u64, talk: bool, f0_hz: f32, level_dbfs: f32) {
        if !talk || !level_dbfs.is_finite() {
            return;
        }
        let voiced = f0_hz > 0.0 && f0_hz.is_finite();
        let power = dbfs_to_power(level_dbfs);
        if self.recent_powers.len() < RECENT_TALK_HOPS {
            self.recent_powers.push(power);
        } else {
            self.recent_powers[self.next_power] = power;
            self.next_power = (self.next_power + 1) % RECENT_TALK_HOPS;
        }
        if voiced {
            self.recent_pitch.push(f0_hz);
        }
        self.talk_hops += 1;
        match self.baseline {
            None => {
                self.baseline_hops += 1;
                self.baseline_power += power;
                if voiced {
                    self.baseline_pitch.add_bin(PitchHistogram::bin_of(f0_hz));
                }
                if hop + 1 >= BASELINE_HOPS && self.baseline_hops >= BASELINE_MIN_TALK_HOPS {
                    self.baseline = Some(Baseline {
                        pitch_hz: self.baseline_pitch.median_hz(),
                        level_dbfs: power_to_dbfs(self.baseline_power / self.baseline_hops as f64),
                    });
                }
            }
            Some(base) => {
                if self.talk_hops.is_multiple_of(UPDATE_EVERY) {
                    self.current = self.now(base);
                }
                if let Some(now) = self.current {
                    self.aroused_hops += u64::from(now.aroused);
                }
            }
        }
    }

    fn now(&mut self, base: Baseline) -> Option<CallerArousal> {
        if self.recent_powers.len() < RECENT_MIN_HOPS {
            return None;
        }
        let mean = self.recent_powers.iter().sum::<f64>() / self.recent_powers.len() as f64;
        let level_db = power_to_dbfs(mean) - base.level_dbfs;
        let pitch = self.recent_pitch.histogram();
        let pitch_st =
            match (pitch.len() >= RECENT_MIN_HOPS as u64, pitch.median_hz(), base.pitch_hz) {
                (true, Some(now), Some(base)) => Some(hz_to_semitones(now, base)),
                _ => None,
            };
        let aroused = pitch_st.is_some_and(|p| p > AROUSED_PITCH_ST) && level_db > AROUSED_LEVEL_DB;
        self.peak_level_db = Some(self.peak_level_db.map_or(level_db, |p| p.max(level_db)));
        if let Some(st) = pitch_st {
            self.peak_pitch_st = Some(self.peak_pitch_st.map_or(st, |p| p.max(st)));
        }
        Some(CallerArousal { pitch_st, level_db, aroused })
    }

    pub fn current(&self) -> Option<CallerArousal> {
        self.current
    }

    pub fn summary(&self) -> Option<ArousalSummary> {
        let base = self.baseline?;
        Some(ArousalSummary {
            baseline_pitch_hz: base.pitch_hz,
            baseline_level_dbfs: base.level_dbfs,
            peak_pitch_st: self.peak_pitch_st,
            peak_level_db: self.peak_level_db,
            aroused_s: self.aroused_hops as f32 / 100.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caller talks on every hop: `calm` hops at 150 Hz and −26 dBFS, then the rest at
    /// `pitch_hz` and `level_dbfs`.
    fn caller(calm: u64, hops: u64, pitch_hz: f32, level_dbfs: f32) -> ArousalTracker {
        let mut t = ArousalTracker::default();
        for hop in 0..hops {
            let (f0, level) = if hop < calm { (150.0, -26.0) } else { (pitch_hz, level_dbfs) };
            t.push(hop, true, f0, level);
        }
        t
    }

    #[test]
    fn a_caller_is_compared_with_their_own_first_twenty_seconds() {
        let t = caller(3000, 3000, 0.0, 0.0);
        let s = t.summary().unwrap();
        assert!((s.baseline_pitch_hz.unwrap() - 150.0).abs() < 1.0, "{s:?}");
        assert!((s.baseline_level_dbfs + 26.0).abs() < 0.01);
        let now = t.current().unwrap();
        assert!(now.pitch_st.unwrap().abs() < 0.1 && now.level_db.abs() < 0.01 && !now.aroused);
    }

    #[test]
    fn raised_pitch_and_level_together_are_arousal_and_either_alone_is_not() {
        // 150 → 190 Hz is 4.1 semitones; −26 → −20 dBFS is 6 dB.
        let t = caller(3000, 4000, 190.0, -20.0);
        let now = t.current().unwrap();
        assert!(now.aroused, "{now:?}");
        assert!((now.pitch_st.unwrap() - 4.1).abs() < 0.15 && (now.level_db - 6.0).abs() < 0.01);
        // The median pitch of the last 5 s turns once 250 of its 500 hops are raised, the
        // power mean passes +4 dB at 255; worked out every 10 hops, so aroused from the
        // 260th raised hop to the 1000th: 741 hops.
        assert!((t.summary().unwrap().aroused_s - 7.41).abs() < 0.005);
        assert!(!caller(3000, 4000, 190.0, -26.0).current().unwrap().aroused, "pitch only");
        assert!(!caller(3000, 4000, 150.0, -20.0).current().unwrap().aroused, "level only");
    }

    #[test]
    fn thresholds_are_two_semitones_and_four_db() {
        // 2.2 semitones and 4.2 dB: aroused; 1.8 semitones or 3.8 dB: not.
        let up = |st: f32| 150.0 * 2f32.powf(st / 12.0);
        assert!(caller(3000, 4000, up(2.2), -21.8).current().unwrap().aroused);
        assert!(!caller(3000, 4000, up(1.8), -21.8).current().unwrap().aroused);
        assert!(!caller(3000, 4000, up(2.2), -22.2).current().unwrap().aroused);
    }

    #[test]
    fn a_quiet_opening_extends_the_baseline_until_three_seconds_of_talk() {
        let mut t = ArousalTracker::default();
        for hop in 0..2500 {
            // the caller says 2 s in the first 25 s
            t.push(hop, hop < 200, 150.0, -26.0);
        }
        assert!(t.summary().is_none());
        for hop in 2500..2600 {
            t.push(hop, true, 150.0, -26.0);
        }
        assert!(t.summary().is_some());
    }
}
