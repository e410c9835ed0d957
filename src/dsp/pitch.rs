//! Pitch candidates per analysis window: normalised autocorrelation through the FFT.
//!
//! This is Boersma's (1993) method, the one behind Praat's "To Pitch (ac)": the window is
//! Hann-weighted, its autocorrelation (via a real FFT, O(n log n)) is divided by the
//! window's own autocorrelation so that long lags are not penalised, and every local
//! maximum in the lag range becomes a candidate with a strength in 0..1. The choice
//! between candidates, including "unvoiced", is left to [`crate::dsp::pitch_path`], which
//! is where octave errors are kept out.
//!
//! Autocorrelation works from the harmonics' common period, so it still finds the F0 of a
//! male voice on a telephone line whose band starts above the fundamental.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// At most this many voiced candidates per frame (Praat's default is 15).
pub const MAX_CANDIDATES: usize = 15;

/// A possible F0 for one frame. `frequency_hz == 0` means "unvoiced".
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Candidate {
    pub frequency_hz: f32,
    /// Normalised autocorrelation at the candidate's period (0..1).
    pub strength: f32,
}

/// The candidates of one frame and the frame's peak amplitude (needed for the
/// silence-aware unvoiced strength).
#[derive(Debug, Clone, Copy, Default)]
pub struct PitchFrame {
    pub candidates: [Candidate; MAX_CANDIDATES],
    pub count: usize,
    pub local_peak: f32,
}

impl PitchFrame {
    pub fn voiced(&self) -> &[Candidate] {
        &self.candidates[..self.count]
    }
}

/// Settings of the candidate search. Defaults follow Praat's ac method with the
/// 60–500 Hz range the voice-coaching targets need.
#[derive(Debug, Clone, Copy)]
pub struct PitchConfig {
    pub floor_hz: f32,
    pub ceiling_hz: f32,
    /// Peaks below half of this are not kept as candidates (Praat: 0.45).
    pub voicing_threshold: f32,
}

impl Default for PitchConfig {
    fn default() -> Self {
        Self { floor_hz: 60.0, ceiling_hz: 500.0, voicing_threshold: 0.45 }
    }
}

/// Length of the centred periodicity check: 7.5 ms of sample pairs. Chosen on the FDA
/// database (`examples/pitch_eval.rs`): shorter is noisier, longer reaches out of the frame.
const CENTRE_PAIRS_S: f32 = 0.0075;

/// Computes candidates for fixed-length windows; owns its FFT plans and scratch buffers.
pub struct CandidateFinder {
    sample_rate: f32,
    config: PitchConfig,
    window: Vec<f32>,
    window_ac: Vec<f32>,
    min_lag: usize,
    max_lag: usize,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    time: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch_fwd: Vec<Complex<f32>>,
    scratch_inv: Vec<Complex<f32>>,
    r: Vec<f32>,
}

/// Three periods of the pitch floor per window, as Praat's ac method uses: enough for a
/// clear autocorrelation peak at the lowest F0 while staying short for fast intonation.
pub const PERIODS_PER_WINDOW: f32 = 3.0;

impl CandidateFinder {
    pub fn new(sample_rate: u32, config: PitchConfig) -> Self {
        let sample_rate = sample_rate as f32;
        let window_len = (PERIODS_PER_WINDOW / config.floor_hz * sample_rate).round() as usize;
        let min_lag = (sample_rate / config.ceiling_hz).floor().max(2.0) as usize;
        let max_lag = ((sample_rate / config.floor_hz).ceil() as usize).min(window_len - 2);
        let fft_len = (window_len + max_lag + 2).next_power_of_two();
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(fft_len);
        let inverse = planner.plan_fft_inverse(fft_len);
        let window: Vec<f32> = (0..window_len)
            .map(|i| {
                0.5 - 0.5
                    * (2.0 * std::f32::consts::PI * (i as f32 + 0.5) / window_len as f32).cos()
            })
            .collect();
        let mut finder = Self {
            sample_rate,
            config,
            window,
            window_ac: vec![0.0; max_lag + 2],
            min_lag,
            max_lag,
            time: forward.make_input_vec(),
            spectrum: forward.make_output_vec(),
            scratch_fwd: forward.make_scratch_vec(),
            scratch_inv: inverse.make_scratch_vec(),
            r: vec![0.0; max_lag + 2],
            forward,
            inverse,
        };
        // The window's own autocorrelation, normalised to 1 at lag 0.
        finder.time[..window_len].copy_from_slice(&finder.window.clone());
        finder.autocorrelate_in_place();
        let r0 = finder.time[0];
        for (lag, v) in finder.window_ac.iter_mut().enumerate() {
            *v = finder.time[lag] / r0;
        }
        finder
    }

    /// Samples one analysis window needs (centred on the frame's time).
    pub fn window_len(&self) -> usize {
        self.window.len()
    }

    /// Replaces the signal in `self.time` (zero-padded) by its autocorrelation.
    fn autocorrelate_in_place(&mut self) {
        self.forward
            .process_with_scratch(&mut self.time, &mut self.spectrum, &mut self.scratch_fwd)
            .expect("buffer sizes come from the plan");
        for c in self.spectrum.iter_mut() {
            *c = Complex::new(c.norm_sqr(), 0.0);
        }
        self.inverse
            .process_with_scratch(&mut self.spectrum, &mut self.time, &mut self.scratch_inv)
            .expect("buffer sizes come from the plan");
    }

    /// Finds the candidates of the window `x` (length [`Self::window_len`]).
    pub fn find(&mut self, x: &[f32], out: &mut PitchFrame) {
        debug_assert_eq!(x.len(), self.window.len());
        out.count = 0;
        let mean = x.iter().sum::<f32>() / x.len() as f32;
        // Praat looks for the local peak only half a longest period to either side of the
        // centre: the window's edges may reach into a neighbouring loud syllable while the
        // frame itself is already silent.
        let centre = x.len() / 2;
        let reach = self.max_lag / 2;
        out.local_peak =
            x[centre - reach..centre + reach].iter().fold(0.0f32, |m, v| m.max((v - mean).abs()));
        if out.local_peak <= 0.0 {
            return;
        }
        // Subtract the local mean before weighting (a DC offset would look periodic at every lag).
        self.time.iter_mut().for_each(|v| *v = 0.0);
        for ((t, s), w) in self.time.iter_mut().zip(x).zip(&self.window) {
            *t = (s - mean) * w;
        }
        self.autocorrelate_in_place();
        let r0 = self.time[0];
        if r0 <= 0.0 {
            return;
        }
        for lag in 0..=self.max_lag + 1 {
            self.r[lag] = self.time[lag] / (r0 * self.window_ac[lag]);
        }
        let floor_strength = 0.5 * self.config.voicing_threshold;
        let r = &self.r;
        for lag in self.min_lag.max(1)..=self.max_lag {
            let (prev, here, next) = (r[lag - 1], r[lag], r[lag + 1]);
            if here < floor_strength || here < prev || here < next {
                continue;
            }
            // Parabolic interpolation of the peak's position and height.
            let dr = 0.5 * (next - prev);
            let d2r = 2.0 * here - prev - next;
            let (offset, mut strength) =
                if d2r > 0.0 { (dr / d2r, here + dr * dr / (2.0 * d2r)) } else { (0.0, here) };
            if strength > 1.0 {
                strength = 1.0 / strength;
            }
            let frequency_hz = self.sample_rate / (lag as f32 + offset);
            if frequency_hz < self.config.floor_hz || frequency_hz > self.config.ceiling_hz {
                continue;
            }
            let candidate = Candidate { frequency_hz, strength };
            if out.count < MAX_CANDIDATES {
                out.candidates[out.count] = candidate;
                out.count += 1;
            } else if let Some(weakest) = out
                .candidates
                .iter_mut()
                .min_by(|a, b| a.strength.total_cmp(&b.strength))
                .filter(|w| w.strength < strength)
            {
                *weakest = candidate;
            }
        }
        // Voicing at the centre: if the best period does not repeat in the middle of the
        // window, scale every candidate down alike (their ranking is left alone).
        if let Some(best) =
            out.voiced().iter().max_by(|a, b| a.strength.total_cmp(&b.strength)).copied()
        {
            let centre_pairs = (CENTRE_PAIRS_S * self.sample_rate).round() as usize;
            let here = centred_nsdf(x, self.sample_rate / best.frequency_hz, centre_pairs);
            let factor = 0.5 + 0.5 * (here / best.strength).clamp(0.0, 1.0);
            for c in out.candidates[..out.count].iter_mut() {
                c.strength *= factor;
            }
        }
    }
}

/// Normalised square difference (McLeod & Wyvill 2005) at one lag over `len` sample pairs
/// straddling the centre of `x`: how periodic the frame is *here*, not across the whole
/// 50 ms window, which at the end of a vowel still reaches back into it.
fn centred_nsdf(x: &[f32], lag: f32, len: usize) -> f32 {
    let lag = lag.round() as usize;
    let centre = x.len() / 2;
    let start = (centre as isize - (lag / 2) as isize - (len / 2) as isize).max(0) as usize;
    let end = (start + len).min(x.len() - lag);
    let (mut ab, mut energy) = (0.0f32, 0.0f32);
    for j in start..end {
        let (a, b) = (x[j], x[j + lag]);
        ab += a * b;
        energy += a * a + b * b;
    }
    if energy > 0.0 { 2.0 * ab / energy } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn harmonic_window(rate: f32, f0: f32, len: usize, first_harmonic: usize) -> Vec<f32> {
        (0..len)
            .map(|n| {
                (first_harmonic..first_harmonic + 8)
                    .map(|h| {
                        (2.0 * std::f32::consts::PI * f0 * h as f32 * n as f32 / rate).sin()
                            / h as f32
                    })
                    .sum()
            })
            .collect()
    }

    /// The highest-frequency strong candidate: for a perfectly periodic tone, multiples of
    /// the period are as strong as the period itself, and the path's octave cost picks this one.
    fn best(frame: &PitchFrame) -> Candidate {
        *frame
            .voiced()
            .iter()
            .filter(|c| c.strength > 0.9)
            .max_by(|a, b| a.frequency_hz.total_cmp(&b.frequency_hz))
            .unwrap()
    }

    #[test]
    fn highest_strong_candidate_is_the_fundamental_of_a_harmonic_tone() {
        let mut finder = CandidateFinder::new(8000, PitchConfig::default());
        let mut frame = PitchFrame::default();
        for f0 in [65.0, 110.0, 220.0, 440.0] {
            let x = harmonic_window(8000.0, f0, finder.window_len(), 1);
            finder.find(&x, &mut frame);
            let b = best(&frame);
            // 1 % is well inside the 20 % gross-error bound and checks the interpolation.
            assert!((b.frequency_hz / f0 - 1.0).abs() < 0.01, "f0 {f0}: got {b:?}");
            assert!(b.strength > 0.9);
        }
    }

    #[test]
    fn a_missing_fundamental_is_still_found() {
        // Telephone band: harmonics 3..10 of 100 Hz only.
        let mut finder = CandidateFinder::new(8000, PitchConfig::default());
        let mut frame = PitchFrame::default();
        let x = harmonic_window(8000.0, 100.0, finder.window_len(), 3);
        finder.find(&x, &mut frame);
        assert!(
            frame.voiced().iter().any(|c| (c.frequency_hz - 100.0).abs() < 1.0 && c.strength > 0.9)
        );
    }

    #[test]
    fn silence_and_noise_give_no_strong_candidates() {
        let mut finder = CandidateFinder::new(8000, PitchConfig::default());
        let mut frame = PitchFrame::default();
        finder.find(&vec![0.0; finder.window_len()], &mut frame);
        assert_eq!(frame.count, 0);
        let mut seed = 12345u32;
        let noise: Vec<f32> = (0..finder.window_len())
            .map(|_| {
                seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        finder.find(&noise, &mut frame);
        assert!(frame.voiced().iter().all(|c| c.strength < 0.45), "{:?}", frame.voiced());
    }
}
