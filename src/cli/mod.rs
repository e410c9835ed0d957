//! Command-line front ends: argument types and one module per subcommand.

#[macro_use]
pub mod stdout;

pub mod analyze;
pub mod autostart;
pub mod batch;
pub mod calibrate;
pub mod devices;
pub mod frames_csv;
pub mod history;
pub mod listen;
pub mod output;
pub mod rehearse;
pub mod sessions;
pub mod table;
pub mod team;
pub mod terminal;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use speech_coach::settings::{self, Settings};

/// The user's settings, with every notice on stderr (the window shows them instead). The
/// command-line tools only read them: a damaged file is left for the window to set aside.
pub fn load_settings() -> Settings {
    let (settings, notices) = Settings::load_leaving_damage(&settings::default_path());
    for n in &notices {
        // Each notice names the settings itself ("settings: ui_lang: …", or the file).
        speech_coach::errln!("speech-coach: {n}");
    }
    settings
}

/// Set by SIGINT (Ctrl-C) or SIGTERM: the command then ends as its time limit would.
/// `what` names what would not end cleanly without it ("listen", "the watch").
pub fn interrupted_flag(what: &str) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    if let Err(e) = ctrlc::set_handler(move || set.store(true, Ordering::Relaxed)) {
        speech_coach::errln!("speech-coach: Ctrl-C will not end {what} cleanly: {e}");
    }
    flag
}

/// The error and its causes on one line, skipping causes the message already quotes,
/// with control characters shown as escapes.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
    }
    // An error can quote stored text (serde names the unknown value it met in a session
    // file): shown, never obeyed by the terminal.
    terminal::clean(&line.replace('\n', " ")).into_owned()
}
