//! Team sync in the real window under Xvfb: a lead's profile change reaches the running
//! window's gauges without a restart (the window says which bands are in force on stderr),
//! a password file others can read turns team sync off with a notice instead of a crash, and
//! a CA file that holds no certificate is said, not shown as "offline" for ever.
// Needs Linux tools (Debian's PostgreSQL server, Xvfb and Unix file modes), which a Windows
// build under Wine cannot start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::pg::Postgres;
use common::xvfb::Display;
use common::{binary, isolated, scratch};

/// The demo window with `settings`, its stderr lines on a channel.
fn window(
    display: &Display,
    name: &str,
    settings: serde_json::Value,
    password: Option<&str>,
) -> (Child, Receiver<String>) {
    let config = scratch(name);
    std::fs::write(config.join("settings.json"), settings.to_string()).unwrap();
    let mut command = isolated(&config);
    match password {
        Some(password) => command.env("SPEECH_COACH_DB_PASSWORD", password),
        None => command.env_remove("SPEECH_COACH_DB_PASSWORD"),
    };
    let mut app = command
        .arg("--demo")
        .env("PULSE_SERVER", format!("unix:{}", config.join("no-pulse-here").display()))
        .env("DISPLAY", &display.name)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = app.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (app, rx)
}

fn wait_for(rx: &Receiver<String>, what: &str, seen: &mut Vec<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(40);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(line.clone());
            if line.contains(what) {
                return line;
            }
        }
    }
    panic!("the window never said {what:?}; it said: {seen:#?}");
}

#[test]
fn a_profile_change_reaches_the_running_window_without_a_restart() {
    let _real_time = common::real_time();
    let pg = Postgres::start("window");
    let init = binary().args(["team", "init", "--admin-url", &pg.admin_url()]).output().unwrap();
    assert!(init.status.success());
    pg.add_login("alice", "alice-pw", "speech_coach_agent", "north");
    pg.add_login("carol", "carol-pw", "speech_coach_lead", "north");
    let display = Display::start(70 + std::process::id() % 4);
    let settings = serde_json::json!({"team": {"url": pg.url("alice"), "team": "north",
        "agent": "Alice", "profile_poll_s": 0.5}});
    let (mut app, rx) = window(&display, "team-window", settings, Some("alice-pw"));
    let mut seen = Vec::new();
    // The first read finds no profile: the local bands stay in force.
    let first = wait_for(&rx, "targets from the local settings", &mut seen);
    assert!(first.contains("[130.0,170.0]"), "{first}");
    let mut carol = pg.connect("carol", "carol-pw");
    carol
        .execute(
            "INSERT INTO speech_coach.profiles (team, targets) VALUES ('north', \
             '{\"pace_zh_chars_per_min\": {\"green\": [120, 150], \"amber\": [100, 180]}}')",
            &[],
        )
        .unwrap();
    let applied = wait_for(&rx, "targets from the profile of team north", &mut seen);
    assert!(applied.contains("[120.0,150.0]"), "{applied}");
    assert!(app.try_wait().unwrap().is_none(), "the window must still run: {seen:#?}");
    let _ = app.kill();
    let _ = app.wait();
}

#[test]
fn a_password_file_others_can_read_turns_team_sync_off_with_a_notice() {
    let _real_time = common::real_time();
    let display = Display::start(75 + std::process::id() % 4);
    let dir = scratch("team-window-pw");
    let pw = dir.join("db-password");
    std::fs::write(&pw, "secret\n").unwrap();
    std::fs::set_permissions(&pw, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let settings = serde_json::json!({"team": {"url": "postgresql://alice@127.0.0.1:1/coach",
        "team": "north", "agent": "Alice", "password_file": pw}});
    // No SPEECH_COACH_DB_PASSWORD: the file is where the password would come from.
    let (mut app, rx) = window(&display, "team-window-pw-config", settings, None);
    std::thread::sleep(Duration::from_secs(4));
    assert!(app.try_wait().unwrap().is_none(), "the window must keep running");
    let _ = app.kill();
    let _ = app.wait();
    // The reader ends at the closed pipe, so this is all the window said.
    let stderr = rx.iter().collect::<Vec<_>>().join("\n");
    assert!(stderr.contains("team sync is off") && stderr.contains("chmod 600"), "{stderr}");
}

#[test]
fn a_ca_file_that_is_no_certificate_is_said_and_the_window_runs_on() {
    let _real_time = common::real_time();
    let display = Display::start(79 + std::process::id() % 4);
    let dir = scratch("team-window-ca");
    let ca = dir.join("centre-ca.pem");
    std::fs::write(&ca, "not a certificate\n").unwrap();
    let settings = serde_json::json!({"team": {"url": "postgresql://alice@127.0.0.1:1/coach",
        "team": "north", "agent": "Alice", "ca_file": ca}});
    let (mut app, rx) = window(&display, "team-window-ca-config", settings, Some("pw"));
    let mut seen = Vec::new();
    // The window's line says "cannot connect: the CA certificate file cannot be read"
    // (`ui::views::team`); its log says the same with the path, once.
    let said = wait_for(&rx, "team sync:", &mut seen);
    assert!(said.contains("cannot read the CA certificate"), "{said}");
    assert!(said.contains("centre-ca.pem"), "{said}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(app.try_wait().unwrap().is_none(), "the window must keep running: {seen:#?}");
    let _ = app.kill();
    let _ = app.wait();
    let again = rx.iter().filter(|l| l.contains("team sync:")).count();
    assert_eq!(again, 0, "said once, not on every retry: {seen:#?}");
}
