//! Whose sound is on a channel: a speaker's own voice, or something much quieter.
//!
//! Used twice: by the conversation's talk lanes (`crate::conversation`) and by the
//! analyser's syllables and turns (`crate::analysis`), so that what is too faint to be the
//! agent's talk is not the agent's pace either. On a call-centre floor the neighbours
//! 20 dB under the agent were counted as the agent's syllables and turn time while the
//! agent was silent (`tests/conversation_floor.rs`: 538 syllables in 138.8 s of turns
//! against 289 in 74.4 s for the agent alone); with this test on the analyser, 297 in
//! 79.8 s.
//!
//! With a loud earpiece the agent's microphone picks up the caller faintly (headset
//! bleed), and the VAD, which only knows that channel, calls it speech. On hold the
//! caller's line may carry faint music, which the VAD also calls speech. Both are far
//! below the level at which that side's own speaker talks, so each side keeps two levels:
//! its **own level**, the power mean of hops that are surely its speaker's (as P.56's
//! active level is a power mean of speech), and its **recent level**, the power mean of
//! the last 0.3 s whatever is in it. Sound whose recent level is [`QUIETER_THAN_OWN_DB`]
//! under the own level is not that speaker talking.
//!
//! A power mean is ruled by the loudest hops: 0.3 s that hold one word of the speaker's
//! own voice already stand within a few dB of the own level, so a real start of speech
//! passes the test within a hop or two, while bleed 25 dB down stays about 25 dB down.

use crate::dsp::level::{dbfs_to_power, power_to_dbfs};

/// Sound this far under a speaker's own level is not them speaking. P.56 puts its activity
/// threshold 15.9 dB under the active level, so nothing that quiet would count as active
/// speech of theirs; bleed through a headset arrives 20–30 dB down (the tests use
/// 25 dB), faint hold music lower still.
pub const QUIETER_THAN_OWN_DB: f32 = 15.0;
/// The recent level spans 0.3 s: longer than a syllable, so the dips between syllables
/// do not drop a speaker's own voice under the threshold; short enough that bleed right
/// after the agent stops is left out within 0.3 s.
const RECENT_HOPS: usize = 30;
/// The own level is the plain mean of the first 30 s of the speaker's speech, then a
/// running mean with that memory: it follows a gain change or a tiring voice across a call
/// without a single loud word moving it.
const OWN_LEVEL_HOPS: u32 = 3000;

/// Power mean of the last [`RECENT_HOPS`] hops.
#[derive(Debug, Clone)]
pub struct RecentLevel {
    powers: [f64; RECENT_HOPS],
    next: usize,
}

impl Default for RecentLevel {
    fn default() -> Self {
        Self { powers: [0.0; RECENT_HOPS], next: 0 }
    }
}

impl RecentLevel {
    /// Adds a hop; returns the recent level in dBFS.
    pub fn push(&mut self, level_dbfs: f32) -> f32 {
        self.powers[self.next] =
            if level_dbfs.is_finite() { dbfs_to_power(level_dbfs) } else { 0.0 };
        self.next = (self.next + 1) % RECENT_HOPS;
        power_to_dbfs(self.powers.iter().sum::<f64>() / RECENT_HOPS as f64)
    }
}

/// A speaker's own speaking level: power mean of the hops known to be theirs.
#[derive(Debug, Clone, Default)]
pub struct OwnLevel {
    mean_power: f64,
    hops: u32,
}

impl OwnLevel {
    pub fn push(&mut self, level_dbfs: f32) {
        if !level_dbfs.is_finite() {
            return;
        }
        self.hops = (self.hops + 1).min(OWN_LEVEL_HOPS);
        self.mean_power += (dbfs_to_power(level_dbfs) - self.mean_power) / self.hops as f64;
    }

    pub fn dbfs(&self) -> Option<f32> {
        (self.hops > 0).then(|| power_to_dbfs(self.mean_power))
    }

    /// Whether sound at `recent_dbfs` is far enough under this level to be someone or
    /// something else. False while the level is not known.
    pub fn is_far_above(&self, recent_dbfs: f32) -> bool {
        self.dbfs().is_some_and(|own| recent_dbfs < own - QUIETER_THAN_OWN_DB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recent_level_is_the_power_mean_of_the_last_three_tenths_of_a_second() {
        let mut r = RecentLevel::default();
        for _ in 0..RECENT_HOPS {
            r.push(-20.0);
        }
        assert!((r.push(-20.0) + 20.0).abs() < 1e-3);
        // One hop of −20 dB among 29 of silence: −20 − 10·log10(30) = −34.8 dB.
        let mut r = RecentLevel::default();
        assert!((r.push(-20.0) + 34.77).abs() < 0.01);
    }

    #[test]
    fn one_loud_hop_brings_a_new_start_of_speech_within_the_threshold() {
        let mut own = OwnLevel::default();
        for _ in 0..500 {
            own.push(-20.0);
        }
        let mut r = RecentLevel::default();
        for _ in 0..RECENT_HOPS {
            r.push(-70.0);
        }
        // A first word at the speaker's level: 1/30 of the power mean is 14.8 dB down.
        assert!(!own.is_far_above(r.push(-20.0)));
    }

    #[test]
    fn sound_fifteen_db_under_the_own_level_is_someone_else_and_fourteen_is_not() {
        let mut own = OwnLevel::default();
        for _ in 0..500 {
            own.push(-20.0);
        }
        assert!(own.is_far_above(-35.1));
        assert!(!own.is_far_above(-34.0));
        assert!(!OwnLevel::default().is_far_above(-90.0), "unknown level: no test");
    }

    #[test]
    fn the_own_level_forgets_after_thirty_seconds_of_speech() {
        let mut own = OwnLevel::default();
        for _ in 0..OWN_LEVEL_HOPS {
            own.push(-20.0);
        }
        for _ in 0..5 * OWN_LEVEL_HOPS {
            own.push(-30.0);
        }
        // e^-5 of the old excess power is left: −30 dB plus a quarter of a dB.
        let level = own.dbfs().unwrap();
        assert!((-30.0..-29.0).contains(&level), "{level}");
    }
}
