//! speech-coach: live coaching of a call-centre voice — tone, volume and speaking speed.
//!
//! ```text
//! microphone ─ cpal callback ─► bounded crossbeam channel ─► analyser thread ─► latest frame + cues ─► egui
//! WAV file  ─ hound reader  ─┘            (blocks of f32)          (dsp per 10 ms hop)     (read each repaint)
//! ```
//!
//! * [`dsp`] — pure signal processing (pitch, level, voice activity, pace, tone).
//! * [`analysis`] — the streaming analyser that runs the dsp per hop and emits frames.
//! * [`audio`] — WAV files and microphones as sources of mono f32 blocks.

pub mod analysis;
pub mod audio;
pub mod coach;
pub mod dsp;
pub mod pipeline;
pub mod rehearsal;
pub mod session;
pub mod settings;
pub mod ui;

/// egui as eframe re-exports it (one version for the window and its widgets).
pub use eframe::egui;
