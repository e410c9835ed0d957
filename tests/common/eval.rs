//! Scoring a pitch track against a reference, the way pitch-tracking papers do.
//!
//! Gross pitch error (GPE): among frames voiced in both reference and estimate, the share
//! whose estimate is off by more than 20 %. Voicing decision error (VDE): among all
//! reference frames, the share whose voiced/unvoiced call disagrees. Estimate frames are
//! matched to reference frames by nearest time, so trackers with different hops compare.

use std::path::Path;

/// A pitch track sampled at uniform times `start_s + i * step_s`; 0 Hz = unvoiced.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub start_s: f64,
    pub step_s: f64,
    pub f0_hz: Vec<f32>,
}

impl Track {
    /// The estimate nearest to time `t` (unvoiced outside the track).
    pub fn at(&self, t: f64) -> f32 {
        let i = ((t - self.start_s) / self.step_s).round();
        if i < 0.0 { 0.0 } else { self.f0_hz.get(i as usize).copied().unwrap_or(0.0) }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PitchScore {
    pub frames: u64,
    pub both_voiced: u64,
    pub gross_errors: u64,
    pub voicing_errors: u64,
    /// Voicing errors where the estimate is voiced and the reference is not.
    pub false_voiced: u64,
}

impl PitchScore {
    pub fn add(&mut self, other: PitchScore) {
        self.frames += other.frames;
        self.both_voiced += other.both_voiced;
        self.gross_errors += other.gross_errors;
        self.voicing_errors += other.voicing_errors;
        self.false_voiced += other.false_voiced;
    }
    /// Gross pitch error in percent.
    pub fn gpe_percent(&self) -> f64 {
        100.0 * self.gross_errors as f64 / self.both_voiced.max(1) as f64
    }
    /// Voicing decision error in percent.
    pub fn vde_percent(&self) -> f64 {
        100.0 * self.voicing_errors as f64 / self.frames.max(1) as f64
    }
}

/// Scores `estimate` against reference values at `i * reference_step_s`.
pub fn score(reference: &[f32], reference_step_s: f64, estimate: &Track) -> PitchScore {
    let mut s = PitchScore { frames: reference.len() as u64, ..Default::default() };
    for (i, &r) in reference.iter().enumerate() {
        let e = estimate.at(i as f64 * reference_step_s);
        let (rv, ev) = (r > 0.0, e > 0.0);
        if rv != ev {
            s.voicing_errors += 1;
            s.false_voiced += u64::from(ev);
        } else if rv {
            s.both_voiced += 1;
            if ((e - r) / r).abs() > 0.2 {
                s.gross_errors += 1;
            }
        }
    }
    s
}

/// Reads a reference file with one F0 value (Hz, 0 = unvoiced) per line.
pub fn read_f0_lines(path: &Path) -> std::io::Result<Vec<f32>> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim().parse::<f32>().map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{l:?}: {e}"))
            })
        })
        .collect()
}

/// Reads a track written by `scripts/praat_pitch.praat`: a first line `t1 dt n`, then one
/// F0 a line (0 = unvoiced).
pub fn read_praat_listing(path: &Path) -> std::io::Result<Track> {
    let bad = |what: String| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {what}", path.display()))
    };
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines();
    let head: Vec<f64> = lines
        .next()
        .ok_or_else(|| bad("empty".into()))?
        .split_whitespace()
        .map(|v| v.parse().map_err(|e| bad(format!("{v:?}: {e}"))))
        .collect::<Result<_, _>>()?;
    if head.len() < 2 {
        return Err(bad("header needs t1 and dt".into()));
    }
    let f0_hz = lines
        .map(|l| l.trim().parse::<f32>().map_err(|e| bad(format!("{l:?}: {e}"))))
        .collect::<Result<_, _>>()?;
    Ok(Track { start_s: head[0], step_s: head[1], f0_hz })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gross_and_voicing_errors_are_counted_separately() {
        let reference = [0.0, 100.0, 100.0, 100.0, 0.0];
        // step 10 ms vs reference 15 ms: reference frame i maps to estimate index round(1.5 i)
        let est = Track {
            start_s: 0.0,
            step_s: 0.01,
            f0_hz: vec![0.0, 0.0, 110.0, 0.0, 130.0, 0.0, 90.0, 0.0],
        };
        let s = score(&reference, 0.015, &est);
        // i=0 → e[0]=0 ok; i=1 → e[2]=110 fine; i=2 → e[3]=0 voicing error; i=3 → e[5]=0 (round 4.5 → 5)
        // voicing error; i=4 → e[6]=90 voicing error
        assert_eq!(
            s,
            PitchScore {
                frames: 5,
                both_voiced: 1,
                gross_errors: 0,
                voicing_errors: 3,
                false_voiced: 1
            }
        );
        let off = Track { start_s: 0.0, step_s: 0.015, f0_hz: vec![0.0, 100.0, 121.0, 79.0, 0.0] };
        let s = score(&reference, 0.015, &off);
        assert_eq!((s.both_voiced, s.gross_errors, s.voicing_errors), (3, 2, 0));
    }
}
