//! A desktop citizen, end to end: one window per data folder (two real starts under Xvfb,
//! and a start after a `kill -9`), "start with the system" through the binary, the hold
//! hotkey pressed with `xdotool` while another program has the focus, the tray icon docked
//! in an X system tray (`trayer`) and its menu clicked, and the desktop row of the window
//! (its toggle and hotkey field) headless.
//! Set `UPDATE_SCREENSHOTS=1` to copy the tray's screenshot into assets/screenshots/.

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
        window_command(display, dir).spawn().unwrap()
    }

    /// The window in demo mode on `display`, its folders in `dir`, its output piped.
    fn window_command(display: &Display, dir: &Path) -> Command {
        let mut command = binary();
        command
            .arg("--demo")
            .env("DISPLAY", &display.name)
            .env("PULSE_SERVER", format!("unix:{}", dir.join("no-pulse-here").display()))
            .env("SPEECH_COACH_CONFIG_DIR", dir.join("config"))
            .env("SPEECH_COACH_DATA_DIR", dir.join("data"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("LANG", "en_US.UTF-8")
            // No desktop session's D-Bus: the tray icon is the XEmbed one (tray test), and
            // the PNG tray-icon writes for it goes into runtime/tray-icon.
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("XDG_RUNTIME_DIR", dir.join("runtime"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
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

    /// Map State of X window `id` ("IsViewable", "IsUnMapped").
    fn map_state(display: &Display, id: &str) -> String {
        let out = Command::new("xwininfo").env("DISPLAY", &display.name).args(["-id", id]).output();
        let out = out.expect("xwininfo (x11-utils)");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find(|l| l.trim_start().starts_with("Map State:"));
        line.unwrap_or_default().trim_start().trim_start_matches("Map State:").trim().to_string()
    }

    /// `xwininfo -tree` of `id` ("-root" for the whole display).
    fn tree(display: &Display, id: &str) -> String {
        let args: &[&str] = if id == "-root" { &["-root", "-tree"] } else { &["-tree", "-id", id] };
        let out = Command::new("xwininfo").env("DISPLAY", &display.name).args(args).output();
        String::from_utf8_lossy(&out.expect("xwininfo (x11-utils)").stdout).into_owned()
    }

    /// The pixel at `(x, y)` of a screenshot, as ImageMagick writes it: `srgb(r,g,b)`.
    fn pixel(png: &Path, x: u32, y: u32) -> String {
        let out = Command::new("convert")
            .args([crate::common::path_str(png), "-format", &format!("%[pixel:p{{{x},{y}}}]")])
            .arg("info:")
            .output()
            .expect("convert (imagemagick)");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Visible windows named exactly `name`.
    fn visible_named(display: &Display, name: &str) -> usize {
        let out = Command::new("xdotool")
            .env("DISPLAY", &display.name)
            .args(["search", "--onlyvisible", "--name", &format!("^{name}$")])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().count()
    }

    /// A process ended on drop (the tray host).
    struct Killed(Child);

    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// The Linux icon (GTK thread, libayatana-appindicator) with no desktop session: no
    /// StatusNotifier watcher on D-Bus (no session bus at all here), so the indicator falls
    /// back to an XEmbed icon, which `trayer`'s system tray docks. Its colour follows the
    /// window's state (the demo is a call: green, while the icon starts grey), its menu hides
    /// and shows the window, and "Quit" closes it the way the close button does: the call is
    /// stored, `ended_by: closed`.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_tray_icon_docks_in_an_x_system_tray_follows_the_call_and_its_menu_hides_and_quits() {
        let _real_time = crate::common::real_time();
        let display = free_display(340 + std::process::id() % 50);
        let dir = scratch("desktop-tray");
        let _tray_host = Killed(
            Command::new("trayer")
                .env("DISPLAY", &display.name)
                .args(["--edge", "top", "--align", "right", "--widthtype", "request"])
                .args(["--height", "32", "--SetDockType", "true", "--transparent", "false"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("trayer (installed by `make deps`)"),
        );
        let panel = wait_for_window(&display, "panel");
        let app = start(&display, &dir);
        let icon_name = format!("tray-icon tray app speech-coach-{}", app.id());

        // Docked: the icon's window is a child of the tray host's panel.
        let deadline = Instant::now() + Duration::from_secs(30);
        let docked = loop {
            if let Some(line) = tree(&display, &panel).lines().find(|l| l.contains(&icon_name)) {
                break line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "the icon never docked: {}",
                tree(&display, "-root")
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        // "… 32x30+0+0  +1247+1": its size, then where it is on the screen.
        let numbers = |field: &str, sep: char| -> Vec<u32> {
            field.trim_start_matches('+').split(sep).map(|n| n.parse().unwrap()).collect()
        };
        let fields: Vec<&str> = docked.split_whitespace().rev().take(2).collect();
        let (size, at) =
            (numbers(fields[1].split('+').next().unwrap(), 'x'), numbers(fields[0], '+'));
        let (x, y) = (at[0] + size[0] / 2, at[1] + size[1] / 2);

        let icon_files = || -> usize {
            let files = std::fs::read_dir(dir.join("runtime/tray-icon"));
            files.map_or(0, |f| f.filter(|e| e.as_ref().unwrap().path().is_file()).count())
        };
        assert_eq!(icon_files(), 1, "the icon's PNG, written by tray-icon");

        // The demo is a call: the dot turns from waiting's grey to a call's green.
        let shot = dir.join("tray.png");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            display.screenshot(&shot);
            let seen = pixel(&shot, x, y);
            if seen == "srgb(46,125,50)" {
                break;
            }
            assert!(Instant::now() < deadline, "the icon is {seen} at ({x}, {y}), not #2e7d32");
            std::thread::sleep(Duration::from_millis(500));
        }

        // (GTK's windows, the icon's and its menu among them, are "speech-coach tray".)
        let main = wait_for_window(&display, "speech-coach");
        assert_eq!(map_state(&display, &main), "IsViewable");
        // A click on the icon opens its menu (a popup of the app's own, one window more).
        let open_menu = || {
            let before = visible_named(&display, "speech-coach tray");
            xdotool(&display, &["mousemove", &x.to_string(), &y.to_string(), "click", "1"]);
            let deadline = Instant::now() + Duration::from_secs(10);
            while visible_named(&display, "speech-coach tray") <= before {
                assert!(Instant::now() < deadline, "no menu opened");
                std::thread::sleep(Duration::from_millis(100));
            }
            std::thread::sleep(Duration::from_millis(300));
        };
        let wait_map_state = |want: &str| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while map_state(&display, &main) != want {
                assert!(Instant::now() < deadline, "the window is not {want}");
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        open_menu();
        display.screenshot(&shot);
        // "Show / hide the window" hides it, and shows it again.
        xdotool(&display, &["key", "Down", "Return"]);
        wait_map_state("IsUnMapped");
        open_menu();
        xdotool(&display, &["key", "Down", "Return"]);
        wait_map_state("IsViewable");

        // With UPDATE_SCREENSHOTS: the top-right corner, the menu open under the icon.
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            let out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("assets/screenshots/tray-linux.png");
            let crop = format!("420x110+{}+0", (at[0] + size[0]).saturating_sub(420));
            let status = Command::new("convert")
                .args([crate::common::path_str(&shot), "-crop", &crop, "+repage"])
                .arg(&out)
                .status()
                .unwrap();
            assert!(status.success());
        }

        // "Quit" closes the window like its close button: the demo call is stored, closed.
        open_menu();
        xdotool(&display, &["key", "Down", "Down", "Return"]);
        let mut app = app;
        let deadline = Instant::now() + Duration::from_secs(15);
        while app.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "Quit did not close the window");
            std::thread::sleep(Duration::from_millis(100));
        }
        let out = app.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let metas = crate::common::stored_sessions(&dir.join("data"));
        let [meta] = &metas[..] else { panic!("one session: {metas:?}; {stderr}") };
        assert_eq!(meta["ended_by"], "closed", "{meta}; {stderr}");
        assert_eq!(meta["kind"], "demo", "{meta}");
        assert_eq!(icon_files(), 0, "the icon's PNG is removed with the icon");
    }

    /// GTK that cannot start (here: told to use Wayland on an X-only display) leaves the
    /// window without its icon, with one line saying why, and the window runs on.
    #[cfg(target_os = "linux")]
    #[test]
    fn without_gtk_the_window_runs_on_without_its_tray_icon_and_says_why() {
        let _real_time = crate::common::real_time();
        let display = free_display(440 + std::process::id() % 50);
        let dir = scratch("desktop-no-gtk");
        let mut app = window_command(&display, &dir).env("GDK_BACKEND", "wayland").spawn().unwrap();
        wait_for_window(&display, "speech-coach");
        std::thread::sleep(Duration::from_secs(2));
        assert!(app.try_wait().unwrap().is_none(), "the window runs on");
        assert!(windows_named(&display, "speech-coach tray").is_empty(), "no GTK window");
        let stderr = close(app);
        let said: Vec<_> = stderr.lines().filter(|l| l.contains("tray")).collect();
        assert_eq!(
            said,
            [
                "speech-coach: no tray icon: GTK cannot start (Failed to initialize GTK): no display \
              it can open?"
            ],
            "{stderr}"
        );
        assert!(dir.join("data/sessions").read_dir().unwrap().next().is_some(), "{stderr}");
    }
}
