//! The agent's personal pace correction: counted syllables × this factor.
//!
//! The syllable detector's error depends on the voice and on what is said (issue 20:
//! per-voice count errors of −15 to +12 % on held-out Common Voice speakers). A
//! calibration passage whose syllables are known tells one voice's correction
//! ([`crate::coach::pace_profile`]); every pace figure of the process then uses it — the
//! gauge, a call's summary, and so the report and history built from it. Like the
//! words/min conversion it is one value for the whole process, set once at start (and
//! again when the window learns a new one), so no two figures of one run disagree.

use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU32, Ordering};

/// A factor outside this range is refused: a calibration that would need more is a
/// recording that is not the passage, not a voice (issue 20: "bounded, e.g. 0.85–1.15").
pub const PACE_FACTOR_RANGE: RangeInclusive<f32> = 0.85..=1.15;

/// The factor in force as `f32` bits (0: none, i.e. 1.0).
static PACE_FACTOR: AtomicU32 = AtomicU32::new(0);

/// The factor applied to counted syllables now (1.0 without a calibration).
pub fn pace_factor() -> f32 {
    match PACE_FACTOR.load(Ordering::Relaxed) {
        0 => 1.0,
        bits => f32::from_bits(bits),
    }
}

/// Sets the factor; a value outside [`PACE_FACTOR_RANGE`] (or not a number) is refused
/// and changes nothing.
pub fn set_pace_factor(value: f32) -> Result<(), f32> {
    if !PACE_FACTOR_RANGE.contains(&value) {
        return Err(value);
    }
    let bits = if value == 1.0 { 0 } else { value.to_bits() };
    PACE_FACTOR.store(bits, Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_outside_the_range_change_nothing() {
        // The only test in the crate that sets the factor, so parallel tests see 1.0
        // except while it runs, and it leaves 1.0 behind.
        assert_eq!(pace_factor(), 1.0);
        for bad in [0.5, 1.16, f32::NAN, f32::INFINITY, -1.0] {
            assert!(set_pace_factor(bad).is_err(), "{bad}");
            assert_eq!(pace_factor(), 1.0);
        }
        set_pace_factor(1.0).unwrap();
        assert_eq!(pace_factor(), 1.0);
    }
}
