//! What agents expect of a tool open all shift, apart from the coaching itself: one window
//! per user ([`instance`]), starting with the system ([`autostart`]), a hold key that
//! works while the softphone has the focus ([`hotkey`]), a notification-area icon on
//! Windows and Linux ([`tray`]).
//!
//! Nothing here talks to a network (README: only `team` does): the second start reaches
//! the first through a Unix socket in the data folder or a local-only named pipe.
//! Nothing here touches the audio callbacks either: it runs on the UI thread or on
//! threads of its own (the tray's GTK loop on Linux) that only ask the window for a repaint.

pub mod autostart;
pub mod hotkey;
pub mod instance;
pub mod tray;
