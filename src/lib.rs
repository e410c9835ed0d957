//! speech-coach: live coaching of a call-centre voice — tone, volume and speaking speed.
//!
//! ```text
//! microphone (agent)        ─ cpal callback ─► bounded channel ─► analyser ─┐
//! output's monitor (caller) ─ cpal callback ─► bounded channel ─► analyser ─┤ one clock, a Frame per 10 ms
//! recording (demo: WAV; analyze: WAV, MP3, FLAC, Ogg, AAC) ─ audio ─► f32 blocks ┘
//!    ─► conversation (turns, overlap, holds, call bounds) + coach (bands, one cue)
//!    ─► latest state (read once per repaint) ─► egui window
//!    └► session store (one folder per call) ─► report (call report; team report's page)
//!                                           └► team (per-call summaries to PostgreSQL)
//! ```
//!
//! * [`dsp`] — pure signal processing (pitch, level, voice activity, pace, tone).
//! * [`analysis`] — the streaming analyser that runs the dsp per hop and emits frames.
//! * [`conversation`] — agent and caller together: talk, interruptions, dead air, holds,
//!   when a call starts and ends.
//! * [`audio`] — recordings (WAV, MP3, FLAC, Ogg Vorbis, AAC), microphones and the caller's
//!   source as mono f32 blocks.
//! * [`coach`] — target bands, baseline, gauge readings, cues, rehearsal scripts.
//! * [`session`] — sessions on disk (store, catalogue, recorder) and shift history.
//! * [`pipeline`] — the threads: source → bounded channel → analyser worker → latest state.
//! * [`team`] — per-call summaries to the centre's PostgreSQL, team profiles, the team
//!   report's figures.
//! * [`report`] — the call report (model, HTML, plots, moments, words) and the team
//!   report's page.
//! * [`settings`] — the settings file and the interface language, for the window and the
//!   command line alike.
//! * [`platform`] — the app's folders, private files, the user's locale.
//! * [`desktop`] — one window per user, starting with the system, the hold hotkey, the
//!   tray icon (Windows).
//! * [`ui`] — the eframe window: views, widgets, the window's words.
//!
//! Arrows run one way, up this list: `dsp` ← `analysis` ← `conversation` ← `coach` ←
//! `session` ← `pipeline`, `team` ← `report` ← `settings` ← `ui`; `audio` and `platform`
//! know nothing of the others. ARCHITECTURE.md has one line per module (what it owns,
//! what it may import) and two walks through the code.

pub mod analysis;
pub mod audio;
pub mod coach;
pub mod conversation;
pub mod desktop;
pub mod dsp;
pub mod pipeline;
pub mod platform;
pub mod report;
pub mod session;
pub mod settings;
pub mod team;
pub mod ui;
pub mod words;

/// egui as eframe re-exports it (one version for the window and its widgets).
pub use eframe::egui;
