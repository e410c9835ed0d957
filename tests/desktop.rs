//! A desktop citizen, end to end: one window per data folder (two real starts under Xvfb,
//! and a start after a `kill -9`), "start with the system" through the binary, the hold
//! hotkey pressed with `xdotool` while another program has the focus, and the desktop row
//! of the window (its toggle and hotkey field) headless.

use crate::common;

use egui_kittest::Harness;
use kittest::{Queryable as _, by};
use speech_coach::egui::accesskit::Role;
use speech_coach::settings::UiLang;
use speech_coach::ui::desktop::{DesktopAction, DesktopRow};

use common::{binary, path_str, scratch};

struct Row {
    autostart: Option<bool>,
    hotkey: Option<&'static str>,
    problem: Option<&'static str>,
    edit: String,
    actions: Vec<DesktopAction>,
    fonts_installed: bool,
}

fn row_harness(row: Row, ui_lang: UiLang) -> Harness<'static, Row> {
    Harness::builder().with_size([900.0, 60.0]).build_ui_state(
        move |ui, row: &mut Row| {
            if !row.fonts_installed {
                speech_coach::ui::install_fonts(ui.ctx());
                row.fonts_installed = true;
            }
            let view = DesktopRow {
                ui_lang,
                autostart: row.autostart,
                hotkey: row.hotkey,
                hotkey_problem: row.problem,
            };
            let actions = view.ui(ui, &mut row.edit);
            row.actions.extend(actions);
        },
        row,
    )
}

#[test]
fn the_row_toggles_start_with_the_system_and_shows_the_hold_hotkey() {
    let row = Row {
        autostart: Some(false),
        hotkey: Some("Ctrl+Alt+H"),
        problem: None,
        edit: "Ctrl+Alt+H".into(),
        actions: Vec::new(),
        fonts_installed: false,
    };
    let mut h = row_harness(row, UiLang::En);
    h.run();
    h.get_by_label("Start with the system").click();
    h.run();
    assert_eq!(h.state().actions, [DesktopAction::SetAutostart(true)]);
    h.get_by_label_contains("works in any program");
    h.get(by().role(Role::TextInput).value("Ctrl+Alt+H"));

    // Turned on by the installer (or earlier): shown checked, and a click turns it off.
    h.state_mut().autostart = Some(true);
    h.state_mut().actions.clear();
    h.run();
    h.get_by_label("Start with the system").click();
    h.run();
    assert_eq!(h.state().actions, [DesktopAction::SetAutostart(false)]);
}

#[test]
fn a_new_hotkey_is_taken_when_the_field_is_left_and_a_problem_is_shown_in_chinese() {
    let row = Row {
        autostart: None,
        hotkey: None,
        problem: Some("hold hotkey Ctrl+Alt+H: another program already uses it"),
        edit: "Ctrl+Alt+H".into(),
        actions: Vec::new(),
        fonts_installed: false,
    };
    let mut h = row_harness(row, UiLang::Zh);
    h.run();
    // Not offered (macOS): no toggle at all.
    assert!(h.query_by_label("开机启动").is_none());
    h.get_by_label_contains("无法使用");
    let field = h.get(by().role(Role::TextInput).value("Ctrl+Alt+H"));
    field.click();
    // A focused field blinks its cursor: the ui never settles, so steps instead of run.
    h.run_steps(2);
    h.state_mut().edit = "Shift+F9".into();
    h.run_steps(2);
    // Leaving the field (Enter) takes the new key.
    h.key_press(speech_coach::egui::Key::Enter);
    h.run_steps(2);
    // (egui may run a frame twice when its layout changed: the same action twice.)
    let mut actions = h.state().actions.clone();
    actions.dedup();
    assert_eq!(actions, [DesktopAction::SetHoldHotkey("Shift+F9".into())]);
}

#[test]
fn start_with_the_system_is_turned_on_and_off_from_the_command_line() {
    let dir = scratch("desktop-autostart");
    let config = dir.join("config-home");
    let autostart = |args: &[&str]| {
        let out = binary()
            .env("XDG_CONFIG_HOME", &config)
            .env("HOME", dir.join("home"))
            .arg("autostart")
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "autostart {args:?}: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    #[cfg(not(windows))]
    {
        let entry = config.join("autostart").join("speech-coach.desktop");
        let said = autostart(&[]);
        assert_eq!(said, format!("start with the system: off ({})\n", entry.display()));
        assert!(autostart(&["on"]).starts_with("start with the system: on"));
        let text = std::fs::read_to_string(&entry).unwrap();
        let program = env!("CARGO_BIN_EXE_speech-coach");
        assert!(text.contains(&format!("\nExec={program}\n")), "{text}");
        assert!(autostart(&[]).starts_with("start with the system: on"));
        assert!(autostart(&["off"]).starts_with("start with the system: off"));
        assert!(!entry.exists());
        // Off again: no error.
        assert!(autostart(&["off"]).starts_with("start with the system: off"));
    }
    #[cfg(windows)]
    {
        // The real HKCU Run value of the (throwaway Wine) user: the Windows test script
        // checks it with `reg query`; here only that the command answers.
        assert!(autostart(&[]).starts_with("start with the system: "));
    }
    let _ = path_str(&dir);
}

/// The real window under Xvfb, with its own data folder.
#[cfg(unix)]
mod window {
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use super::common::xvfb::Display;
    use super::common::{binary, scratch};

    /// A display number from `from` on that no other X server on this machine holds
    /// (other test runs may share the machine): Xvfb's lock file is the sign.
    fn free_display(from: u32) -> Display {
        let n = (from..from + 100)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .expect("a free X display number");
        Display::start(n)
    }

    fn start(display: &Display, dir: &Path) -> Child {
        binary()
            .arg("--demo")
            .env("DISPLAY", &display.name)
            .env("PULSE_SERVER", format!("unix:{}", dir.join("no-pulse-here").display()))
            .env("SPEECH_COACH_CONFIG_DIR", dir.join("config"))
            .env("SPEECH_COACH_DATA_DIR", dir.join("data"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// X windows named exactly `name` (xdotool).
    fn windows_named(display: &Display, name: &str) -> Vec<String> {
        let out = Command::new("xdotool")
            .env("DISPLAY", &display.name)
            .args(["search", "--name", &format!("^{name}$")])
            .output()
            .expect("xdotool (installed by `make deps`)");
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
    }

    #[track_caller]
    fn wait_for_window(display: &Display, name: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(w) = windows_named(display, name).pop() {
                return w;
            }
            assert!(Instant::now() < deadline, "no window {name:?} appeared");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn xdotool(display: &Display, args: &[&str]) -> String {
        let out =
            Command::new("xdotool").env("DISPLAY", &display.name).args(args).output().unwrap();
        assert!(out.status.success(), "xdotool {args:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Ends the window as a logout would (SIGTERM) and returns its stderr.
    fn close(mut app: Child) -> String {
        let _ = Command::new("kill").arg(app.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.try_wait().unwrap().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = app.kill();
        let out = app.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    #[test]
    fn a_second_start_brings_the_first_window_forward_and_exits_0_even_after_a_kill() {
        let _real_time = crate::common::real_time();
        let display = free_display(140 + std::process::id() % 50);
        let dir = scratch("desktop-one-window");
        let first = start(&display, &dir);
        wait_for_window(&display, "speech-coach");

        let second = start(&display, &dir).wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&second.stdout);
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert_eq!(second.status.code(), Some(0), "{stdout}{stderr}");
        assert_eq!(
            stdout, "speech-coach: the window is already open; it was brought to the front\n",
            "one line; stderr: {stderr}"
        );
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(windows_named(&display, "speech-coach").len(), 1, "one window");
        let first_stderr = close(first);
        assert!(
            first_stderr.contains("started again: this window is brought to the front"),
            "the first window was asked to come forward: {first_stderr}"
        );

        // A window killed outright leaves its socket, not its lock: the next start opens.
        let mut killed = start(&display, &dir);
        wait_for_window(&display, "speech-coach");
        killed.kill().unwrap();
        killed.wait().unwrap();
        assert!(dir.join("data/instance.sock").exists(), "what a kill -9 leaves");
        let mut again = start(&display, &dir);
        std::thread::sleep(Duration::from_secs(3));
        assert!(again.try_wait().unwrap().is_none(), "the start after a kill opens a window");
        wait_for_window(&display, "speech-coach");
        let _ = close(again);
    }

    #[test]
    fn the_hold_hotkey_works_while_another_program_has_the_focus() {
        let _real_time = crate::common::real_time();
        let display = free_display(240 + std::process::id() % 50);
        let dir = scratch("desktop-hotkey");
        let app = start(&display, &dir);
        wait_for_window(&display, "speech-coach");
        // The softphone: another X client's window, given the keyboard focus.
        let mut softphone = Command::new("xmessage")
            .env("DISPLAY", &display.name)
            .args(["-title", "softphone", "a call"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xmessage (x11-utils)");
        let phone = wait_for_window(&display, "softphone");
        xdotool(&display, &["windowfocus", "--sync", &phone]);
        assert_eq!(xdotool(&display, &["getwindowfocus"]), phone);
        std::thread::sleep(Duration::from_secs(1));

        xdotool(&display, &["key", "ctrl+alt+h"]);
        std::thread::sleep(Duration::from_millis(800));
        xdotool(&display, &["key", "ctrl+alt+h"]);
        std::thread::sleep(Duration::from_millis(800));
        // A plain "h" typed in the softphone is the softphone's.
        xdotool(&display, &["key", "h"]);
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(xdotool(&display, &["getwindowfocus"]), phone, "the focus stayed");

        let _ = softphone.kill();
        let _ = softphone.wait();
        let stderr = close(app);
        let holds: Vec<_> = stderr.lines().filter(|l| l.contains("hold hotkey")).collect();
        assert_eq!(
            holds,
            [
                "speech-coach: hold on (hold hotkey Ctrl+Alt+H)",
                "speech-coach: hold off (hold hotkey Ctrl+Alt+H)"
            ],
            "{stderr}"
        );
    }
}
