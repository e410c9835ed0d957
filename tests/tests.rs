//! The integration tests: one crate, a module per area, over the harness in `common`
//! (ripgrep's layout). One crate links the app and its dependencies once instead of once
//! per file, and its tests share the machine's cores in one pool of threads.
//!
//! The areas that need Linux tools (sox, espeak-ng, praat, PulseAudio, Xvfb, Debian's
//! PostgreSQL server, signals) are `#[cfg(unix)]`: a Windows build under Wine cannot start
//! those tools, so on Windows they are left out (`make test-windows` runs the rest).
//!
//! Run one area with a filter on its module path: `cargo test --release --test tests window::`.

mod common;

mod analyze_batch;
mod calibrate;
mod cli_analyze;
mod cli_help;
mod cue_model;
mod desktop;
mod gui_layout;
mod gui_views;

#[cfg(unix)]
mod conversation;
#[cfg(unix)]
mod conversation_floor;
#[cfg(unix)]
mod conversation_live;
#[cfg(unix)]
mod conversation_voices;
#[cfg(unix)]
mod live_capture;
#[cfg(unix)]
mod pace_and_level;
#[cfg(unix)]
mod pace_turns;
#[cfg(unix)]
mod pace_voices;
#[cfg(unix)]
mod pitch_accuracy;
#[cfg(unix)]
mod recording_formats;
#[cfg(unix)]
mod rehearsal;
#[cfg(unix)]
mod reliability;
#[cfg(unix)]
mod report_browser;
#[cfg(unix)]
mod sessions;
#[cfg(unix)]
mod stored_sessions;
#[cfg(unix)]
mod team_report;
#[cfg(unix)]
mod team_sync;
#[cfg(unix)]
mod team_window;
#[cfg(unix)]
mod wav_reader;
#[cfg(unix)]
mod window;
