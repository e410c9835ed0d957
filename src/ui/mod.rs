//! The window: eframe/egui views over the pipeline's latest state. One file per view or
//! widget; the analyser thread never touches egui.

pub mod app;
pub mod desktop;
pub mod fonts;
pub mod gauge;
pub mod i18n;
pub mod notice;
pub mod timeline;
pub mod views;

use crate::egui;
use std::path::PathBuf;

use thiserror::Error;

use crate::settings::{self, Settings};

/// Bundled demo call, written to the cache folder when demo mode starts.
const DEMO_WAV: &[u8] = include_bytes!("../../assets/demo.wav");

#[derive(Debug, Error)]
pub enum UiError {
    #[error("cannot open the window: {0} (is a display available? set DISPLAY or run under Xvfb)")]
    Window(String),
    #[error("cannot prepare the demo recording in {path}: {source}")]
    Demo { path: PathBuf, source: std::io::Error },
}

pub use fonts::{InstalledFonts, install_fonts};

fn demo_path() -> Result<PathBuf, UiError> {
    let dir = crate::platform::paths::cache_dir();
    let path = dir.join("demo.wav");
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(DEMO_WAV.len() as u64) {
            std::fs::write(&path, DEMO_WAV)?;
        }
        Ok(())
    };
    write().map_err(|source| UiError::Demo { path: path.clone(), source })?;
    Ok(path)
}

/// Opens the window (blocks until it is closed).
pub fn run(demo: bool) -> Result<(), UiError> {
    run_with(demo, None)
}

/// Opens the window with `script` as a teleprompter on the microphone.
pub fn run_rehearsal(
    script: crate::coach::rehearsal::Script,
    lang: crate::analysis::Lang,
) -> Result<(), UiError> {
    run_with(false, Some((script, lang)))
}

/// SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl-C in the terminal) close the window
/// the way its close button does, so that `on_exit` stores the call in progress; by default
/// they would end the process on the spot.
fn close_on_termination(ctx: &egui::Context) {
    let ctx = ctx.clone();
    let closed = ctrlc::set_handler(move || {
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        ctx.request_repaint();
    });
    if let Err(e) = closed {
        crate::errln!("speech-coach: a kill will not close the call in progress cleanly: {e}");
    }
}

fn run_with(
    demo: bool,
    rehearsal: Option<(crate::coach::rehearsal::Script, crate::analysis::Lang)>,
) -> Result<(), UiError> {
    // Before any window or capture: a second start only brings the first forward.
    let mut instance = match desktop::claim_data_folder() {
        desktop::Start::Open(primary) => primary,
        desktop::Start::AlreadyOpen => return Ok(()),
    };
    let doorbell = instance.as_mut().and_then(|p| p.take_doorbell());
    // A call the last run left open (killed, crashed) is closed before this one starts,
    // so history counts it and team sync sends it.
    crate::session::repair::close_interrupted_at_start(&crate::session::store::default_root());
    let settings_path = settings::default_path();
    let (settings, notice) = Settings::load(&settings_path);
    let demo_wav = demo_path()?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(app::FULL_SIZE_PUBLIC)
            .with_min_inner_size(app::FULL_MIN_SIZE)
            .with_resizable(true)
            .with_title("speech-coach"),
        // Our own fonts module finds the system's CJK font and reports what none can draw.
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "speech-coach",
        options,
        Box::new(move |cc| {
            close_on_termination(&cc.egui_ctx);
            desktop::answer_second_starts(doorbell, &cc.egui_ctx);
            let fonts = install_fonts(&cc.egui_ctx);
            Ok(Box::new(app::CoachApp::new(
                settings,
                settings_path,
                notice,
                demo,
                demo_wav,
                rehearsal,
                fonts.missing,
            )))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()))?;
    // Held until the window has closed and its call is stored.
    drop(instance);
    Ok(())
}
