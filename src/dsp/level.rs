//! Levels in dBFS and the active speech level.
//!
//! dBFS here is the RMS relative to a full-scale square wave (1.0), so a full-scale sine
//! reads −3.0 dBFS. The *active* speech level follows the idea of ITU-T P.56: average the
//! power over the frames in which someone is speaking (hangover included) and ignore the
//! rest, so that pauses and steady room noise do not drag a gauge down.

/// Levels below this are reported as this value (digital silence has no logarithm).
pub const SILENCE_DBFS: f32 = -120.0;

pub fn power_to_dbfs(mean_square: f64) -> f32 {
    if mean_square <= 1e-12 { SILENCE_DBFS } else { (10.0 * mean_square.log10()) as f32 }
}

pub fn dbfs_to_power(dbfs: f32) -> f64 {
    10f64.powf(dbfs as f64 / 10.0)
}

/// Mean power of the active frames over the current utterance and a rolling window of the
/// last `window` frames (the whole stream's is `analysis::Totals`').
#[derive(Debug, Clone)]
pub struct ActiveLevel {
    ring: Vec<(f64, bool)>,
    next: usize,
    filled: usize,
    rolling_power: f64,
    rolling_count: usize,
    utterance_power: f64,
    utterance_count: u64,
}

impl ActiveLevel {
    pub fn new(window_frames: usize) -> Self {
        Self {
            ring: vec![(0.0, false); window_frames.max(1)],
            next: 0,
            filled: 0,
            rolling_power: 0.0,
            rolling_count: 0,
            utterance_power: 0.0,
            utterance_count: 0,
        }
    }

    pub fn push(&mut self, mean_square: f64, active: bool) {
        if self.filled == self.ring.len() {
            let (p, was_active) = self.ring[self.next];
            if was_active {
                self.rolling_power -= p;
                self.rolling_count -= 1;
            }
        } else {
            self.filled += 1;
        }
        self.ring[self.next] = (mean_square, active);
        self.next = (self.next + 1) % self.ring.len();
        if active {
            self.rolling_power += mean_square;
            self.rolling_count += 1;
            self.utterance_power += mean_square;
            self.utterance_count += 1;
        }
        if self.rolling_count == 0 {
            // Re-anchor the running sum so rounding errors cannot accumulate over a shift.
            self.rolling_power = 0.0;
        }
    }

    /// Starts a new utterance (called after a pause).
    pub fn start_utterance(&mut self) {
        self.utterance_power = 0.0;
        self.utterance_count = 0;
    }

    fn mean(power: f64, count: u64) -> Option<f32> {
        (count > 0).then(|| power_to_dbfs(power.max(0.0) / count as f64))
    }

    pub fn rolling_dbfs(&self) -> Option<f32> {
        Self::mean(self.rolling_power, self.rolling_count as u64)
    }
    pub fn utterance_dbfs(&self) -> Option<f32> {
        Self::mean(self.utterance_power, self.utterance_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_scale_sine_is_minus_three_dbfs() {
        // mean square of a unit sine is 1/2
        assert!((power_to_dbfs(0.5) + 3.0103).abs() < 1e-3);
        assert_eq!(power_to_dbfs(0.0), SILENCE_DBFS);
    }

    #[test]
    fn inactive_frames_do_not_count_and_old_frames_leave_the_window() {
        let mut a = ActiveLevel::new(4);
        a.push(dbfs_to_power(-20.0), true);
        a.push(dbfs_to_power(-60.0), false);
        assert!((a.rolling_dbfs().unwrap() + 20.0).abs() < 1e-3);
        for _ in 0..4 {
            a.push(dbfs_to_power(-30.0), true);
        }
        assert!((a.rolling_dbfs().unwrap() + 30.0).abs() < 1e-3);
        a.start_utterance();
        assert!(a.utterance_dbfs().is_none());
    }
}
