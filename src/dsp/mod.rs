//! Pure signal processing for the voice: no I/O, no threads, no UI.
//!
//! Each detector is a small struct that allocates in `new` and then processes frame by
//! frame; [`crate::analysis`] wires them into the streaming analyser.

pub mod band_power;
pub mod filter;
pub mod level;
pub mod own_level;
pub mod pace;
pub mod pitch;
pub mod pitch_path;
pub mod resample;
pub mod tone;
pub mod vad;
