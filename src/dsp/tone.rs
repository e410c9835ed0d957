//! Pitch statistics in semitones: median and spread.
//!
//! Perceived pitch movement is logarithmic, so statistics are kept on a semitone scale in
//! a histogram of 0.1-semitone bins. Adding and removing a frame is O(1) and a percentile
//! is one pass over the bins, so a rolling window of the last ten seconds of voiced speech
//! costs nothing per hop. Spread is the 10th-to-90th percentile range, which a few octave
//! errors or creaky frames cannot inflate the way a standard deviation would.

const REF_HZ: f32 = 40.0;
const BINS_PER_SEMITONE: f32 = 10.0;
/// 40 Hz … ≈ 1.3 kHz: covers any pitch range the tracker can be configured for.
const BINS: usize = 600;

pub fn hz_to_semitones(hz: f32, reference_hz: f32) -> f32 {
    12.0 * (hz / reference_hz).log2()
}

#[derive(Debug, Clone)]
pub struct PitchHistogram {
    counts: Vec<u32>,
    total: u64,
}

impl Default for PitchHistogram {
    fn default() -> Self {
        Self { counts: vec![0; BINS], total: 0 }
    }
}

impl PitchHistogram {
    pub fn bin_of(hz: f32) -> u16 {
        let b = (hz_to_semitones(hz, REF_HZ) * BINS_PER_SEMITONE).round();
        b.clamp(0.0, (BINS - 1) as f32) as u16
    }

    pub fn add_bin(&mut self, bin: u16) {
        self.counts[bin as usize] += 1;
        self.total += 1;
    }

    pub fn remove_bin(&mut self, bin: u16) {
        self.counts[bin as usize] -= 1;
        self.total -= 1;
    }

    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The `q`-quantile (0..1) in semitones above 40 Hz.
    fn quantile_st(&self, q: f64) -> Option<f32> {
        if self.total == 0 {
            return None;
        }
        let target = (q * (self.total - 1) as f64).round() as u64;
        let mut seen = 0u64;
        for (bin, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            if seen > target {
                return Some(bin as f32 / BINS_PER_SEMITONE);
            }
        }
        None
    }

    pub fn median_hz(&self) -> Option<f32> {
        self.quantile_st(0.5).map(|st| REF_HZ * 2f32.powf(st / 12.0))
    }

    /// 10th-to-90th percentile range in semitones.
    pub fn spread_st(&self) -> Option<f32> {
        Some(self.quantile_st(0.9)? - self.quantile_st(0.1)?)
    }
}

/// The histogram of the last `capacity` voiced frames.
#[derive(Debug, Clone)]
pub struct RollingPitch {
    histogram: PitchHistogram,
    ring: Vec<u16>,
    next: usize,
}

impl RollingPitch {
    pub fn new(capacity: usize) -> Self {
        Self {
            histogram: PitchHistogram::default(),
            ring: Vec::with_capacity(capacity.max(1)),
            next: 0,
        }
    }

    pub fn push(&mut self, hz: f32) {
        let bin = PitchHistogram::bin_of(hz);
        if self.ring.len() < self.ring.capacity() {
            self.ring.push(bin);
        } else {
            self.histogram.remove_bin(self.ring[self.next]);
            self.ring[self.next] = bin;
            self.next = (self.next + 1) % self.ring.len();
        }
        self.histogram.add_bin(bin);
    }

    pub fn histogram(&self) -> &PitchHistogram {
        &self.histogram
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread_of_a_known_glide() {
        let mut h = PitchHistogram::default();
        // 100 Hz to 200 Hz, evenly in semitones: spread between P10 and P90 is 0.8 × 12 st
        for i in 0..=1000 {
            let hz = 100.0 * 2f32.powf(i as f32 / 1000.0);
            h.add_bin(PitchHistogram::bin_of(hz));
        }
        let median = h.median_hz().unwrap();
        assert!((median / 141.42 - 1.0).abs() < 0.01, "{median}");
        assert!((h.spread_st().unwrap() - 9.6).abs() < 0.15, "{:?}", h.spread_st());
    }

    #[test]
    fn rolling_window_forgets_old_frames() {
        let mut r = RollingPitch::new(100);
        for _ in 0..100 {
            r.push(100.0);
        }
        for _ in 0..100 {
            r.push(200.0);
        }
        assert_eq!(r.histogram().len(), 100);
        assert!((r.histogram().median_hz().unwrap() - 200.0).abs() < 1.0);
        assert!(r.histogram().spread_st().unwrap() < 0.11);
    }
}
