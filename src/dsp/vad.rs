//! Voice activity: is the agent speaking in this 10 ms frame?
//!
//! Two tests, both relative, so the decision does not change with microphone gain:
//! 1. the frame stands clearly above the noise floor, estimated as the minimum frame level
//!    over the last few seconds (minimum statistics, Martin 2001, in its simplest form:
//!    steady noise is reached within that window whatever its level);
//! 2. the frame is within `BELOW_SPEECH_DB` of the speaker's recent speech level, so
//!    quiet room noise between sentences is not taken for very soft speech (P.56 puts its
//!    activity threshold 15.9 dB below the active level; frames are noisier than its
//!    smoothed envelope, hence a wider margin).
//!
//! A hangover of 200 ms (P.56's) keeps the short gaps between syllables inside speech.

/// Frame level must exceed the noise floor by this much (10 ms frames of steady noise
/// spread ±3–4 dB about their mean; the minimum sits below the mean).
const ABOVE_FLOOR_DB: f32 = 10.0;
/// …and be no more than this below the recent speech peak level.
const BELOW_SPEECH_DB: f32 = 30.0;
/// The speech reference decays this much per second after a loud stretch.
const SPEECH_REF_DECAY_DB_PER_S: f32 = 3.0;
/// Hangover after the last active frame (P.56: 0.2 s).
pub const HANGOVER_FRAMES: usize = 20;
/// The floor is the minimum over `FLOOR_BLOCKS` blocks of `FLOOR_BLOCK_FRAMES` frames (3 s).
const FLOOR_BLOCKS: usize = 12;
const FLOOR_BLOCK_FRAMES: usize = 25;
/// No real microphone is quieter than this; digital silence must not make the floor −∞.
const FLOOR_MIN_DBFS: f32 = -75.0;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VadDecision {
    /// The frame itself passed both tests.
    pub active: bool,
    /// Speech, with hangover: what the gauges and the active level use.
    pub speech: bool,
}

#[derive(Debug, Clone)]
pub struct VoiceActivity {
    block_minima: [f32; FLOOR_BLOCKS],
    block: usize,
    in_block: usize,
    current_min: f32,
    speech_ref: Option<f32>,
    hangover_left: usize,
    ref_decay_per_frame: f32,
}

impl Default for VoiceActivity {
    fn default() -> Self {
        Self::new(0.01)
    }
}

impl VoiceActivity {
    pub fn new(hop_s: f32) -> Self {
        Self {
            block_minima: [f32::INFINITY; FLOOR_BLOCKS],
            block: 0,
            in_block: 0,
            current_min: f32::INFINITY,
            speech_ref: None,
            hangover_left: 0,
            ref_decay_per_frame: SPEECH_REF_DECAY_DB_PER_S * hop_s,
        }
    }

    /// The current noise-floor estimate in dBFS.
    pub fn noise_floor_dbfs(&self) -> f32 {
        let floor = self
            .block_minima
            .iter()
            .copied()
            .chain(std::iter::once(self.current_min))
            .fold(f32::INFINITY, f32::min);
        if floor.is_finite() { floor.max(FLOOR_MIN_DBFS) } else { FLOOR_MIN_DBFS }
    }

    pub fn push(&mut self, level_dbfs: f32) -> VadDecision {
        self.current_min = self.current_min.min(level_dbfs);
        self.in_block += 1;
        if self.in_block == FLOOR_BLOCK_FRAMES {
            self.block_minima[self.block] = self.current_min;
            self.block = (self.block + 1) % FLOOR_BLOCKS;
            self.current_min = f32::INFINITY;
            self.in_block = 0;
        }
        let floor = self.noise_floor_dbfs();
        let above_floor = level_dbfs > floor + ABOVE_FLOOR_DB;
        let near_speech = self.speech_ref.is_none_or(|r| level_dbfs > r - BELOW_SPEECH_DB);
        let active = above_floor && near_speech;
        if let Some(r) = self.speech_ref.as_mut() {
            *r -= self.ref_decay_per_frame;
        }
        if active {
            self.speech_ref = Some(self.speech_ref.map_or(level_dbfs, |r| r.max(level_dbfs)));
            self.hangover_left = HANGOVER_FRAMES;
        } else if self.hangover_left > 0 {
            self.hangover_left -= 1;
        }
        VadDecision { active, speech: active || self.hangover_left > 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise_level(i: usize, mean: f32) -> f32 {
        // deterministic ±3 dB wobble
        mean + 3.0 * ((i as f32 * 1.7).sin())
    }

    #[test]
    fn steady_noise_is_not_speech_once_the_floor_has_adapted() {
        let mut v = VoiceActivity::default();
        let mut late_active = 0;
        for i in 0..1000 {
            let d = v.push(noise_level(i, -50.0));
            if i > 400 && d.active {
                late_active += 1;
            }
        }
        assert_eq!(late_active, 0);
    }

    #[test]
    fn speech_over_noise_is_found_and_held_over_short_gaps() {
        let mut v = VoiceActivity::default();
        for i in 0..300 {
            v.push(noise_level(i, -55.0));
        }
        // 150 ms syllable, 120 ms gap, 150 ms syllable
        let levels: Vec<f32> = (0..15)
            .map(|_| -20.0)
            .chain((0..12).map(|i| noise_level(i, -55.0)))
            .chain((0..15).map(|_| -22.0))
            .collect();
        let decisions: Vec<_> = levels.iter().map(|&l| v.push(l)).collect();
        assert!(decisions.iter().all(|d| d.speech), "gap inside hangover stays speech");
        assert!(decisions[..15].iter().all(|d| d.active));
        // after the hangover, silence is silence again
        let tail: Vec<_> = (0..40).map(|i| v.push(noise_level(i, -55.0))).collect();
        assert!(!tail.last().unwrap().speech);
    }

    #[test]
    fn the_decision_does_not_depend_on_gain() {
        let pattern: Vec<f32> = (0..2000)
            .map(|i| if (i / 40) % 3 == 0 { -62.0 } else { -25.0 + 6.0 * ((i as f32) * 0.3).sin() })
            .collect();
        let run = |gain: f32| -> Vec<bool> {
            let mut v = VoiceActivity::default();
            pattern.iter().map(|l| v.push(l + gain).speech).collect()
        };
        assert_eq!(run(0.0), run(-12.0));
    }
}
