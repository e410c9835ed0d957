//! Where samples come from: WAV files and (in `capture`) microphones. Knows nothing of
//! the analysis or the UI; both kinds of source hand out mono f32 blocks.

mod caller;
pub mod capture;
mod device;
pub mod wav;

pub use wav::{Channels, Encoding, WavError, WavSource};
