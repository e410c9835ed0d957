//! Where samples come from: recordings (WAV by hand in `wav`, MP3/FLAC/Ogg/AAC through
//! symphonia in `compressed`, the two behind `recording`) and (in `capture`) microphones.
//! Knows nothing of the analysis or the UI; every kind of source hands out mono f32 blocks.

mod caller;
pub mod capture;
pub mod compressed;
mod device;
pub mod recording;
pub mod wav;

pub use compressed::{CompressedError, CompressedSource};
pub use recording::{Recording, RecordingError, is_recording_name};
pub use wav::{Channels, Encoding, WavError, WavSource};

/// A sample as the analysis may take it: within full scale (±1.0), and 0 for NaN.
///
/// Every source passes its samples through this where they enter (the WAV reader's float
/// decoder, the capture callback's mix): integer formats cannot leave full scale, but a
/// float sample can hold anything, and one sample of 3e38 in a file made its level
/// +725 dBFS and hid the rest of the call's speech under it. A sample past full scale is
/// clipped, as a converter would have clipped it, so it still counts as clipping.
#[inline]
pub fn full_scale(sample: f32) -> f32 {
    if sample.is_nan() { 0.0 } else { sample.clamp(-1.0, 1.0) }
}
