//! speech-coach: live coaching of a call-centre voice — tone, volume and speaking speed.
//!
//! ```text
//! microphone ─ cpal callback ─► bounded crossbeam channel ─► analyser thread ─► latest frame + cues ─► egui
//! WAV file  ─ hound reader  ─┘            (blocks of f32)          (dsp per 10 ms hop)     (read each repaint)
//! ```
//!
//! * [`dsp`] — pure signal processing (pitch, level, voice activity, pace, tone).
//! * [`analysis`] — the streaming analyser that runs the dsp per hop and emits frames.
//! * [`conversation`] — agent and caller together: talk, interruptions, dead air, holds.
//! * [`audio`] — WAV files and microphones as sources of mono f32 blocks.
//! * [`coach`] — target bands, baseline, gauge readings, cues, rehearsal scripts.
//! * [`pipeline`] — the threads: source → bounded channel → analyser worker → latest state.
//! * [`session`] — sessions on disk, call reports (JSON, HTML), shift history.
//! * [`team`] — per-call summaries to the centre's PostgreSQL, team profiles, team report.
//! * [`platform`] — the app's folders and private files.
//! * [`ui`] — the eframe window: views, widgets, languages, settings.
//!
//! Arrows run one way: `dsp` ← `analysis` ← `coach` ← `session` ← `pipeline` ← `ui`;
//! `audio` and `platform` know nothing of the others.

pub mod analysis;
pub mod audio;
pub mod coach;
pub mod conversation;
pub mod dsp;
pub mod pipeline;
pub mod platform;
pub mod session;
pub mod team;
pub mod ui;

/// egui as eframe re-exports it (one version for the window and its widgets).
pub use eframe::egui;
