//! What the analyser says about each 10 ms of audio.

use serde::Serialize;

/// The hop: one frame per 10 ms of audio, whatever the input rate.
pub const HOP_S: f64 = 0.01;
/// Hops a second.
pub const HOPS_PER_S: f64 = 100.0;

/// `hops` hops in seconds. Divided, not multiplied by [`HOP_S`] (which no binary fraction
/// holds exactly): 8571 × 0.01 printed as `85.71000000000001` in `analyze`'s JSON and a
/// session's cue times, 8571 ÷ 100 prints as `85.71`.
pub fn hops_to_s(hops: u64) -> f64 {
    hops as f64 / HOPS_PER_S
}

/// Measurements for the 10 ms hop centred on `time_s`.
///
/// Instant values (`f0_hz`, `level_dbfs`, `speech`) describe this hop; the rolling values
/// are what the gauges show: they summarise the recent past up to and including this hop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Frame {
    /// Time in the stream that this frame describes (look-ahead already taken out).
    pub time_s: f64,
    /// Fundamental frequency; 0 when unvoiced.
    pub f0_hz: f32,
    /// Level of this hop in dBFS (RMS re full scale; a full-scale sine is −3 dBFS).
    pub level_dbfs: f32,
    /// Speech (with hangover) according to the voice-activity detector.
    pub speech: bool,
    /// This hop itself passed the voice-activity detector (no hangover): where speech
    /// starts and stops, for timing lines and turns.
    pub active: bool,
    /// A syllable nucleus was confirmed at this hop.
    pub syllable: bool,
    /// The agent's turn is open (see `dsp::pace`): it started with a syllable and has not
    /// yet met 2 s of silence or `Analyser::end_turn`.
    pub in_turn: bool,
    /// Hops that became the agent's turn time at this hop (see `dsp::pace`): 1 inside a
    /// run of the turn, 0 outside; a pause inside a turn comes in one go, when the next
    /// syllable shows that the turn went on, so it counts the hops just before this one.
    /// Summed over a stretch, turn time on the headline pace's own time base.
    pub turn_hops: u32,
    /// Samples at or near full scale since the previous frame.
    pub clipped_samples: u32,
    /// Active speech level over the last few seconds, if there was speech.
    pub active_level_dbfs: Option<f32>,
    /// Active speech level of the current utterance (since the last pause).
    pub utterance_level_dbfs: Option<f32>,
    /// Pace: syllables per minute of turn time (first to last syllable of each turn, the
    /// pauses inside included) over the agent's last 30 s of turn time.
    pub syllables_per_min: Option<f32>,
    /// Median pitch over the last ~10 s of voiced speech.
    pub pitch_median_hz: Option<f32>,
    /// 10th–90th percentile pitch range in semitones over the same window.
    pub pitch_spread_st: Option<f32>,
    /// Length of the current silence if it has reached pause length.
    pub pause_s: Option<f32>,
}

impl Frame {
    pub fn voiced(&self) -> bool {
        self.f0_hz > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_counts_become_seconds_that_print_as_written() {
        // The conversation's times and the analyser's are on this one hop.
        assert_eq!(HOP_S * HOPS_PER_S, 1.0);
        assert_eq!(hops_to_s(8571).to_string(), "85.71");
        assert_eq!(hops_to_s(8860).to_string(), "88.6");
    }
}
