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
//!
//! On a call-centre floor the neighbours talk on and on 15–20 dB under the agent, and their
//! loudest 0.3 s reach within 15 dB of the agent's level: a fixed line let them through
//! as the agent's talk, interruptions and pace (`tests/conversation_floor.rs`, the first
//! tuning floor: agent talk +7.6 % and +82.9 % with the neighbours 20 and 15 dB under). So a
//! side also learns its **background**: the recent level of what its microphone hears
//! while the *other* side talks and it has been quiet for a second. The agent's own
//! quieter sentences never happen then (they would be theirs, and come next to their own
//! talk), so the background holds only what is not them: neighbours, bleed, office noise.
//! The line then rises to [`OVER_BACKGROUND_DB`] over the background, from 15 dB under the
//! own level up to [`LEAST_MARGIN_DB`] under it. A quiet office leaves it at 15 dB.
//! Learning it from any stretch the line had cut instead (no other side needed) cut
//! quiet sentences of a single reader: once cut, they taught the background and were cut
//! harder (`scripts/pace-voices.sh`: zh-read telephone worst turn −8.7 → −27.3 %).

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
/// A speaker's voice stands at least this far over the background to be theirs. Chosen on
/// the tuning half's three floors (`tests/conversation_floor.rs`): 6 dB let an
/// interruption through on the first with the neighbours 20 and 15 dB under; 7, 8 and 9 dB
/// pass the same floors (two of three at 20 and at 15 dB). 7 is the loosest of them.
pub const OVER_BACKGROUND_DB: f32 = 7.0;
/// The line never comes closer than this under the own level, however loud the
/// background: 10 dB let an interruption through on the first tuning floor with the
/// neighbours 15 dB under; 8 dB none.
pub const LEAST_MARGIN_DB: f32 = 8.0;
/// The background is learnt only a second after the speaker last talked, so that the
/// quiet end of their own phrase is not taken for it.
const BACKGROUND_AFTER_HOPS: u32 = 100;
/// The background is the plain mean of its first 10 s, then a running mean with that
/// memory: a neighbour who sits down or leaves moves it within a call.
const BACKGROUND_HOPS: u32 = 1000;

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

/// A speaker's own speaking level: power mean of the hops known to be theirs; and the
/// background heard while the other side talks.
#[derive(Debug, Clone, Default)]
pub struct OwnLevel {
    mean_power: f64,
    hops: u32,
    background_power: f64,
    background_hops: u32,
    /// Hops since the speaker last talked (saturating).
    since_talk: u32,
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
        self.dbfs().is_some_and(|own| recent_dbfs < own - self.margin_db(own))
    }

    /// How far under `own` sound is still this speaker: [`QUIETER_THAN_OWN_DB`], less
    /// where a loud background needs it (see the module's notes).
    fn margin_db(&self, own: f32) -> f32 {
        match self.background_dbfs() {
            Some(background) => {
                (own - background - OVER_BACKGROUND_DB).clamp(LEAST_MARGIN_DB, QUIETER_THAN_OWN_DB)
            }
            None => QUIETER_THAN_OWN_DB,
        }
    }

    /// Teaches the own level a speech hop at `level_dbfs` whose recent level is
    /// `recent_dbfs`, judged the speaker's (`own`) or cut by the line. A cut hop teaches
    /// too, so that a headset turned much quieter is heard again, but only when it is clear
    /// of the background: the neighbours would pull the line down onto themselves.
    pub fn teach(&mut self, level_dbfs: f32, recent_dbfs: f32, own: bool) {
        if own || self.may_teach(recent_dbfs) {
            self.push(level_dbfs);
        }
    }

    /// Whether sound at `recent_dbfs` that the line cut may still teach the own level.
    fn may_teach(&self, recent_dbfs: f32) -> bool {
        self.background_dbfs().is_none_or(|b| recent_dbfs >= b + OVER_BACKGROUND_DB)
    }

    /// The background heard while the other side talks; `None` before any.
    pub fn background_dbfs(&self) -> Option<f32> {
        (self.background_hops > 0).then(|| power_to_dbfs(self.background_power))
    }

    /// After each hop: whether the speaker talked in it, whether the other side of the
    /// call did, and this side's recent level. Teaches the background.
    pub fn after_hop(&mut self, talked: bool, other_side_talks: bool, recent_dbfs: f32) {
        self.since_talk = if talked { 0 } else { self.since_talk.saturating_add(1) };
        if !other_side_talks || self.since_talk < BACKGROUND_AFTER_HOPS {
            return;
        }
        let power = if recent_dbfs.is_finite() { dbfs_to_power(recent_dbfs) } else { 0.0 };
        self.background_hops = (self.background_hops + 1).min(BACKGROUND_HOPS);
        self.background_power += (power - self.background_power) / self.background_hops as f64;
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

    /// An own level of −20 dBFS, then `hops` of `background_dbfs` heard while the other
    /// side talks, the speaker silent.
    fn with_background(background_dbfs: f32, hops: u32) -> OwnLevel {
        let mut own = OwnLevel::default();
        for _ in 0..500 {
            own.push(-20.0);
            own.after_hop(true, false, -20.0);
        }
        for _ in 0..hops {
            own.after_hop(false, true, background_dbfs);
        }
        own
    }

    #[test]
    fn a_background_fifteen_db_under_raises_the_line_to_seven_db_over_it() {
        // Learnt from the second second on: the line at −35 + 7 = −28 dBFS.
        let own = with_background(-35.0, 300);
        assert!((own.background_dbfs().unwrap() + 35.0).abs() < 1e-3);
        assert!(own.is_far_above(-28.1));
        assert!(!own.is_far_above(-27.9));
        // Without one, the fixed line 15 dB under the own level.
        let own = with_background(-35.0, 0);
        assert_eq!(own.background_dbfs(), None);
        assert!(!own.is_far_above(-34.0));
    }

    #[test]
    fn the_background_is_learnt_only_a_second_after_the_speaker_talked() {
        let own = with_background(-35.0, BACKGROUND_AFTER_HOPS - 1);
        assert_eq!(own.background_dbfs(), None, "the end of their own phrase");
        let mut own = with_background(-35.0, 300);
        // Nothing is learnt while the other side is silent.
        for _ in 0..300 {
            own.after_hop(false, false, -25.0);
        }
        assert!((own.background_dbfs().unwrap() + 35.0).abs() < 1e-3);
    }

    #[test]
    fn only_sound_clear_of_the_background_teaches_the_own_level() {
        // A headset turned quieter is still learnt in a quiet office…
        assert!(OwnLevel::default().may_teach(-45.0));
        assert!(with_background(-60.0, 300).may_teach(-45.0));
        // …but a neighbour no louder than the background + 7 dB does not pull it down.
        let own = with_background(-35.0, 300);
        assert!(!own.may_teach(-28.1));
        assert!(own.may_teach(-27.9));
    }

    #[test]
    fn the_line_stays_between_fifteen_and_eight_db_under_the_own_level() {
        // A background 2 dB under the speaker would put the line over them: held 8 dB under.
        let own = with_background(-22.0, 300);
        assert!(own.is_far_above(-28.1));
        assert!(!own.is_far_above(-27.9));
        // A quiet office (−60 dBFS) leaves it at 15 dB under.
        let own = with_background(-60.0, 300);
        assert!(own.is_far_above(-35.1));
        assert!(!own.is_far_above(-34.9));
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
