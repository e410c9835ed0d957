//! Power in a few frequency bands of a short windowed frame, from one real FFT.
//!
//! The syllable envelope needs the energy of vowels (first and second formants, roughly
//! 300–2500 Hz) without the bass of music and rumble below, or the hiss of fricatives and
//! noise above. A Hann-windowed FFT gives that band with steep edges and a smooth 32 ms
//! time weighting, which fills less of the gaps between syllables than a biquad
//! high-pass did and counts fewer reverberation tails as syllables. The same spectrum
//! also gives the balance between the first-formant region and the fricative region,
//! which tells a vowel from a hiss when the pitch tracker has no answer.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// `N` bands of one frame length, measured together.
pub struct BandPower<const N: usize> {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    bins: [std::ops::Range<usize>; N],
    /// Makes the result a mean square comparable to the frame's own level.
    norm: f64,
}

impl<const N: usize> std::fmt::Debug for BandPower<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BandPower")
            .field("len", &self.window.len())
            .field("bins", &self.bins)
            .finish()
    }
}

impl<const N: usize> BandPower<N> {
    /// Frames of `len` samples at `sample_rate`; each band is `[low_hz, high_hz)`.
    pub fn new(sample_rate: u32, len: usize, bands: [(f32, f32); N]) -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(len);
        let window: Vec<f32> = (0..len)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / len as f32).cos())
            .collect();
        let bin_hz = sample_rate as f32 / len as f32;
        let bins = bands.map(|(low_hz, high_hz)| {
            let first = (low_hz / bin_hz).ceil() as usize;
            let end = ((high_hz / bin_hz).ceil() as usize).min(len / 2 + 1);
            first..end.max(first)
        });
        let window_energy: f64 = window.iter().map(|w| (*w as f64).powi(2)).sum();
        Self {
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            frame: vec![0.0; len],
            fft,
            window,
            bins,
            // Parseval: a one-sided bin k (not DC or Nyquist) holds 2|X_k|² / (N Σw²) of
            // the mean square.
            norm: 2.0 / (len as f64 * window_energy),
        }
    }

    /// Mean-square power of `frame` (exactly the `len` given to [`Self::new`]) inside each
    /// band, in the order given.
    pub fn powers(&mut self, frame: &[f32]) -> [f64; N] {
        debug_assert_eq!(frame.len(), self.window.len());
        for ((out, x), w) in self.frame.iter_mut().zip(frame).zip(&self.window) {
            *out = x * w;
        }
        if self
            .fft
            .process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch)
            .is_err()
        {
            return [0.0; N];
        }
        let spectrum = &self.spectrum;
        let norm = self.norm;
        self.bins
            .clone()
            .map(|bins| spectrum[bins].iter().map(|c| c.norm_sqr() as f64).sum::<f64>() * norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, amplitude: f32) -> Vec<f32> {
        (0..256)
            .map(|i| amplitude * (2.0 * std::f32::consts::PI * hz * i as f32 / 8000.0).sin())
            .collect()
    }

    #[test]
    fn a_tone_inside_the_band_keeps_its_mean_square_and_one_outside_is_cut() {
        let mut band = BandPower::new(8000, 256, [(300.0, 2500.0)]);
        let [inside] = band.powers(&tone(1000.0, 0.5));
        // mean square of a sine of amplitude 0.5 is 0.125
        assert!((inside / 0.125 - 1.0).abs() < 0.05, "{inside}");
        let [below] = band.powers(&tone(120.0, 0.5));
        let [above] = band.powers(&tone(3500.0, 0.5));
        assert!(below < 0.125e-3, "{below}");
        assert!(above < 0.125e-3, "{above}");
    }

    #[test]
    fn bands_measured_together_each_see_only_their_own_tone() {
        let mut bands = BandPower::new(8000, 256, [(300.0, 1000.0), (2500.0, 4000.0)]);
        let low_tone = bands.powers(&tone(600.0, 0.5));
        assert!((low_tone[0] / 0.125 - 1.0).abs() < 0.05 && low_tone[1] < 0.125e-3, "{low_tone:?}");
        let high_tone = bands.powers(&tone(3000.0, 0.5));
        assert!(
            (high_tone[1] / 0.125 - 1.0).abs() < 0.05 && high_tone[0] < 0.125e-3,
            "{high_tone:?}"
        );
    }
}
