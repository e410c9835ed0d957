//! The harness of the integration tests (`tests/tests.rs`): where the shared data lives,
//! scratch folders, the binary isolated in a test's own folders, and the external tools
//! (sox, espeak-ng, praat) that make test audio. `make deps` installs them.
//!
//! Every area's tests run in one binary, in parallel threads: a scratch folder, a virtual
//! microphone, a PostgreSQL cluster or an X display is named per test (never per file or
//! per process alone), so no two tests share one.
#![allow(dead_code)]

pub mod calls;
pub mod cue_line;
pub mod eval;
pub mod frames;
pub mod gui;
// Debian's PostgreSQL server run as another user (chown, runuser): Unix only, like the
// team tests that use it.
#[cfg(unix)]
pub mod pg;
pub mod turns;
pub mod vmic;
pub mod xvfb;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Real-time tests (audio fed to a virtual microphone or a window at the pace of the
/// clock, then compared with the file) against CPU-bound ones (many voices analysed,
/// sox and espeak-ng at full speed). In one binary the two kinds would share the cores:
/// a real-time feeder starved for a second puts a gap into the live side that the file
/// does not have. Real-time tests may run together, as they did when each area was its
/// own binary; a CPU-bound test runs beside none of them.
static REAL_TIME: RwLock<()> = RwLock::new(());

/// Held for the whole of a real-time test.
pub fn real_time() -> RwLockReadGuard<'static, ()> {
    REAL_TIME.read().unwrap_or_else(PoisonError::into_inner)
}

/// Held for the whole of a CPU-bound test.
pub fn cpu_bound() -> RwLockWriteGuard<'static, ()> {
    REAL_TIME.write().unwrap_or_else(PoisonError::into_inner)
}

pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("data")
}

/// A fresh scratch folder under the target directory, unique to the test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every stored session's `session.json` under the data folder `data`, as JSON.
pub fn stored_sessions(data: &Path) -> Vec<serde_json::Value> {
    std::fs::read_dir(data.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path().join("session.json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// Runs an external tool and panics with its stderr if it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {program} (is it installed? `make deps` installs it): {e}")
    });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The `speech-coach` binary built for this test run.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_speech-coach"))
}

/// The binary with everything it keeps under `dir` (ripgrep's `Dir::command`): settings
/// in `dir`, sessions in `dir/data`, the font cache in `dir/cache`, and a Chinese locale,
/// so a test never reads or writes the user's folders and two tests never share one.
pub fn isolated(dir: &Path) -> Command {
    let mut command = binary();
    isolate(&mut command, dir);
    command
}

/// [`isolated`] with its heap (the data segment, `RLIMIT_DATA`) capped at `bytes` through
/// util-linux's `prlimit`: a command that would take more fails the allocation and aborts
/// (a signal, which [`crashed`] counts), instead of quietly taking the machine's memory.
pub fn isolated_capped(dir: &Path, bytes: u64) -> Command {
    let mut command = Command::new("prlimit");
    command.arg(format!("--data={bytes}")).arg(env!("CARGO_BIN_EXE_speech-coach"));
    isolate(&mut command, dir);
    command
}

fn isolate(command: &mut Command, dir: &Path) {
    command
        .env("SPEECH_COACH_CONFIG_DIR", dir)
        .env("SPEECH_COACH_DATA_DIR", dir.join("data"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("LANG", "zh_CN.UTF-8");
}

/// A command's one JSON object on stdout, after checking it succeeded.
pub fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.trim().lines().count(), 1, "exactly one JSON object: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A failure must be one line on stderr, a non-zero exit, no panic, nothing on stdout.
pub fn assert_clean_failure(out: &std::process::Output, mentions: &str) {
    assert!(!out.status.success());
    assert_ne!(out.status.code(), Some(101), "exit code 101 is a panic");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(mentions), "{stderr:?} should mention {mentions:?}");
    assert!(out.stdout.is_empty());
}

/// Runs `cmd` (stdin closed, stdout and stderr collected) and returns its output, or
/// `None` when it had not ended after `limit`: then it is killed, and the caller says it
/// hung. Both pipes are drained while it runs, so a long output cannot stall it.
pub fn output_within(
    cmd: &mut Command,
    limit: std::time::Duration,
) -> Option<std::process::Output> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped")));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    status.map(|status| std::process::Output { status, stdout, stderr })
}

/// Whether a command's end was a crash: a panic (exit 101, or "panicked" on stderr) or a
/// signal (an abort on a failed allocation, a segfault).
pub fn crashed(out: &std::process::Output) -> bool {
    matches!(out.status.code(), None | Some(101))
        || String::from_utf8_lossy(&out.stderr).contains("panicked")
}
