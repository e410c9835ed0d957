//! The real window under Xvfb: `speech-coach --demo` starts, draws, keeps running, and a
//! screenshot of it is not blank — in the full view and in the compact call strip.
//! Set `UPDATE_SCREENSHOTS=1` to copy the screenshots into assets/screenshots/ for README.
// Needs Linux tools (Xvfb and a PulseAudio server), which a Windows build under Wine cannot
// start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::xvfb::Display;
use common::{isolated, path_str, scratch};

/// Standard deviation of the image's pixel values (0 = one flat colour).
fn contrast(png: &Path) -> f64 {
    let out = Command::new("convert")
        .args([
            path_str(png),
            "-colorspace",
            "Gray",
            "-format",
            "%[fx:standard_deviation]",
            "info:",
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// The window on `display`, its settings and sessions in `config`, stderr piped.
fn window(display: &Display, config: &Path) -> Command {
    let mut app = isolated(config);
    // No sound server at this address: the microphone cannot be opened.
    app.env("PULSE_SERVER", format!("unix:{}", config.join("no-pulse-here").display()))
        .env("DISPLAY", &display.name)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    app
}

fn run_window(display: &Display, config: &Path, seconds: u64, shot: &Path) {
    run_window_with(display, config, seconds, shot, &["--demo"]);
}

/// Runs the window, takes a screenshot, closes it; returns what it printed on stderr.
fn run_window_with(
    display: &Display,
    config: &Path,
    seconds: u64,
    shot: &Path,
    args: &[&str],
) -> String {
    let mut app = window(display, config).args(args).spawn().unwrap();
    std::thread::sleep(Duration::from_secs(seconds));
    let still_running = app.try_wait().unwrap().is_none();
    if still_running {
        display.screenshot(shot);
    }
    let _ = app.kill();
    let out = app.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(still_running, "the window exited early: {stderr}");
    stderr
}

#[test]
fn without_a_microphone_the_plain_window_ends_up_playing_the_demo() {
    let _real_time = common::real_time();
    let display = Display::start(80 + std::process::id() % 9);
    let dir = scratch("window-no-mic");
    let shot = dir.join("no-mic.png");
    let config = dir.join("config");
    // The agent's pace calibration, which the demo (someone else's voice) must not use.
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("pace-profile.json"),
        r#"{"lang":"zh","passage_syllables":71,"counted_syllables":65,"factor":1.09,"bounded":false}"#,
    )
    .unwrap();
    let stderr = run_window_with(&display, &config, 10, &shot, &[]);
    assert!(stderr.contains("playing the demo recording"), "{stderr}");
    // The demo is playing: pitch dots and level lines make a busy picture.
    let c = contrast(&shot);
    println!("no-microphone window contrast {c:.3}");
    assert!(c > 0.05, "screenshot looks blank (contrast {c})");
    // The demo run is stored as a demo, so it never counts in the shift history.
    let sessions: Vec<_> = std::fs::read_dir(config.join("data/sessions"))
        .unwrap()
        .map(|e| e.unwrap().path().join("session.json"))
        .filter(|p| p.exists())
        .collect();
    assert!(!sessions.is_empty(), "no session stored");
    let demo = sessions.iter().any(|p| {
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        assert!(meta["summary"].get("pace_factor").is_none(), "calibrated demo: {meta}");
        meta["kind"] == "demo"
    });
    assert!(demo, "the demo run is not marked as a demo: {sessions:?}");
}

/// With UPDATE_SCREENSHOTS set, keeps the top-left `crop` (e.g. "900x760+0+0") for README.
fn keep(shot: &Path, name: &str, crop: &str) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("convert")
            .args([path_str(shot), "-crop", crop, path_str(&dir.join(name))])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

#[test]
fn the_demo_window_draws_a_non_blank_full_view_and_compact_strip() {
    let _real_time = common::real_time();
    let display = Display::start(90 + std::process::id() % 9);
    let dir = scratch("window");

    let full = dir.join("full.png");
    run_window(&display, &dir.join("full-config"), 12, &full);
    let c = contrast(&full);
    println!("full view contrast {c:.3}");
    assert!(c > 0.05, "screenshot looks blank (contrast {c})");
    keep(&full, "full.png", "900x760+0+0");

    let compact_config = dir.join("compact-config");
    std::fs::create_dir_all(&compact_config).unwrap();
    std::fs::write(compact_config.join("settings.json"), r#"{"compact": true, "ui_lang": "Zh"}"#)
        .unwrap();
    let compact = dir.join("compact.png");
    run_window(&display, &compact_config, 10, &compact);
    let c = contrast(&compact);
    println!("compact strip contrast {c:.3}");
    assert!(c > 0.01, "screenshot looks blank (contrast {c})");
    keep(&compact, "compact.png", "900x60+0+0");
}

/// Issue 22 D1 / issue 23 item 10: SIGTERM (a logout, `kill`) ended the window on the spot
/// and left the session in progress with `ended_by: null`. It now closes the window the way
/// its close button does, and the session is closed and stored first.
#[test]
fn sigterm_closes_the_window_and_its_session() {
    let _real_time = common::real_time();
    let display = Display::start(60 + std::process::id() % 9);
    let config = scratch("window-sigterm").join("config");
    let mut app = window(&display, &config).arg("--demo").spawn().unwrap();
    std::thread::sleep(Duration::from_secs(8));
    assert!(app.try_wait().unwrap().is_none(), "the window exited early");
    let killed = Command::new("kill").args(["-TERM", &app.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "SIGTERM did not end the window");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = app.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let metas = common::stored_sessions(&config.join("data"));
    let [meta] = &metas[..] else { panic!("one session: {metas:?}; {stderr}") };
    assert_eq!(meta["ended_by"], "closed", "{meta}; {stderr}");
    assert!(meta["ended_unix_s"].is_u64(), "{meta}");
}
