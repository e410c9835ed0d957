//! Shared pieces of the headless view tests (`gui_views`, `gui_layout`): a hop of speech
//! with given gauge readings, and a live microphone.

use speech_coach::analysis::Frame;
use speech_coach::pipeline::DeviceStatus;

/// One voiced 10 ms hop of speech whose rolling values read `chars_per_min`, `level_dbfs`
/// and `spread_st` on the three gauges.
pub fn frame(t: f64, chars_per_min: f32, level_dbfs: f32, spread_st: f32) -> Frame {
    Frame {
        time_s: t,
        f0_hz: 180.0,
        level_dbfs,
        speech: true,
        active_level_dbfs: Some(level_dbfs),
        syllables_per_min: Some(chars_per_min),
        pitch_median_hz: Some(180.0),
        pitch_spread_st: Some(spread_st),
        ..Default::default()
    }
}

/// A microphone capturing, as the header shows it.
pub fn live_mic() -> DeviceStatus {
    DeviceStatus::Live {
        name: "Test mic".into(),
        sample_rate: 48000,
        channels: 1,
        format: "f32".into(),
    }
}
